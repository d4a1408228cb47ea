// The filter bar: its values live in the URL fragment (#/page?k=v), so a
// filtered view is a link that can be shared; changing a field navigates.

import { h, label } from './dom.js';
import { enumValues, get, sourceMap } from './api.js';

/** Fields by name: how to draw each and where its choices come from. */
const FIELDS = {
  q: { label: 'Search', type: 'search', placeholder: 'words, "a phrase", a OR b' },
  from: { label: 'From', type: 'date' },
  to: { label: 'To', type: 'date' },
  event_type: { label: 'Event type', choices: () => enumValues('EventType').then(opts) },
  claim_status: { label: 'Claim status', choices: () => enumValues('ClaimStatus').then(opts) },
  kind: { label: 'Source kind', choices: () => enumValues('SourceKind').then(opts) },
  actor: { label: 'Actor', type: 'text', placeholder: 'Islamic State, SDF, …' },
  perpetrator: { label: 'Perpetrator', type: 'text', placeholder: 'Islamic State, …' },
  target: { label: 'Target', type: 'text', placeholder: 'SDF, …' },
  province: { label: 'Province', type: 'text', placeholder: 'Deir ez-Zor, …' },
  status: { label: 'Status', choices: () => enumValues('IncidentStatus').then(opts) },
  source_kind: { label: 'Source kind', choices: () => enumValues('SourceKind').then(opts) },
  week_start: {
    label: 'Weeks start',
    blank: 'Monday (ISO)',
    // Any day of the week; Monday, the default, is the blank choice.
    choices: () => enumValues('WeekStart').then((days) => days.filter((d) => d !== 'monday').map((d) => [d, dayName(d)])),
  },
  site: {
    label: 'Site',
    choices: () => get('/api/v1/sites').then((s) => s.items.map((x) => [x.key, x.name])),
  },
  lang: {
    label: 'Language',
    choices: () => get('/api/v1/stats').then((s) => s.languages.map((b) => [b.key, `${b.key} (${b.count})`])),
  },
  source: {
    label: 'Source',
    choices: () => sourceMap().then((m) => [...m.values()].map((s) => [String(s.id), s.name])),
  },
};

/** "wednesday" → "Wednesday". */
export function dayName(d) {
  return d ? d[0].toUpperCase() + d.slice(1) : '';
}

function opts(values) {
  return values.map((v) => [v, label(v)]);
}

/**
 * Draws the bar for `names` with the values of `params`; `onChange(params)`
 * gets the new URLSearchParams (with empty fields left out). `own` defines
 * fields of this page only, or redefines a shared one (the alerts' `kind`);
 * a field's `blank` names its empty choice (`any` by default).
 */
export async function filterBar(names, params, onChange, own = {}) {
  const form = h('form.filters', { role: 'search', 'aria-label': 'Filters', id: 'filters' });
  const fields = [];
  for (const name of names) {
    const f = own[name] || FIELDS[name];
    const id = `f-${name}`;
    let input;
    if (f.choices) {
      input = h('select', { id, name }, h('option', { value: '' }, f.blank || 'any'));
      let choices = [];
      try {
        choices = await f.choices();
      } catch (e) {
        choices = [];
      }
      for (const [v, text] of choices) input.append(h('option', { value: v }, text));
      const cur = params.get(name);
      if (cur && !choices.some(([v]) => v === cur)) input.append(h('option', { value: cur }, cur));
    } else {
      input = h('input', { id, name, type: f.type, placeholder: f.placeholder || null, autocomplete: 'off' });
    }
    input.value = params.get(name) || '';
    fields.push(input);
    form.append(h('label.field', { for: id }, h('span', {}, f.label), input));
  }
  const submit = () => {
    const p = new URLSearchParams();
    for (const i of fields) if (i.value.trim()) p.set(i.name, i.value.trim());
    onChange(p);
  };
  for (const i of fields) {
    if (i.tagName === 'SELECT' || i.type === 'date') i.addEventListener('change', submit);
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  form.append(
    h('button', { type: 'submit' }, 'Apply'),
    h('button', { type: 'button', on: { click: () => onChange(new URLSearchParams()) } }, 'Clear'),
  );
  return form;
}

/** The params of `p` among `names`, as an object for the API. */
export function pick(p, names) {
  const out = {};
  for (const n of names) if (p.get(n)) out[n] = p.get(n);
  return out;
}
