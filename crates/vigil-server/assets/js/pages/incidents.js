// Incidents: a sortable, filterable table; an incident's page with every
// report side by side (source, kind, reliability, claim status, evidence
// highlighted, Arabic right to left) and the review actions.

import { h, fill, table, label, fmtDate, textBlock, markedText, placeName, analystName, askAnalyst } from '../dom.js';
import { get, post } from '../api.js';
import { filterBar, pick } from '../filters.js';
import { count } from './reports.js';

const FILTERS = ['from', 'to', 'event_type', 'status', 'perpetrator', 'target', 'province', 'site', 'source_kind'];

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route, ctx);
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => ctx.navigate('incidents', p));
  const sort = params.get('sort') || '-date';
  const cursor = params.get('cursor') || undefined;
  const page = await get('/api/v1/incidents', { ...pick(params, FILTERS), sort, cursor });
  const onSort = (key) => {
    const p = new URLSearchParams(params);
    p.delete('cursor');
    p.set('sort', sort === '-' + key ? key : '-' + key);
    ctx.navigate('incidents', p);
  };
  let next = null;
  if (page.next_cursor) {
    const p = new URLSearchParams(params);
    p.set('cursor', page.next_cursor);
    next = h('p', {}, h('a.more', { href: `#/incidents?${p}` }, 'Next page →'));
  }
  fill(main,
    h('h1', {}, 'Incidents'),
    bar,
    table([
      { label: 'Date', sort: 'date', cell: (i) => fmtDate(i.date?.date), cls: 'nowrap' },
      { label: 'Type', cell: (i) => h(`span.tag.ev-${i.event_type}`, {}, label(i.sub_event_type || i.event_type)) },
      { label: 'Place', cell: (i) => placeName(i.place) },
      { label: 'Province', cell: (i) => i.place?.province || '' },
      { label: 'Perpetrator', cell: (i) => h('span', { dir: 'auto' }, (i.perpetrators || []).join(', ')) },
      { label: 'Target', cell: (i) => h('span', { dir: 'auto' }, (i.targets || []).join(', ')) },
      { label: 'Killed', sort: 'killed', cell: (i) => count(i.counts?.killed), cls: 'num' },
      { label: 'Status', cell: (i) => h(`span.status-tag.status-${i.status}`, {}, label(i.status)) },
      { label: 'Reports', cell: (i) => String(i.reports.length), cls: 'num' },
      { label: 'Sites', cell: (i) => (i.sites || []).join(', ') },
      { label: '#', sort: 'id', cell: (i) => h('a', { href: `#/incidents/${i.id}` }, String(i.id)), cls: 'num' },
    ], page.items, {
      href: (i) => `#/incidents/${i.id}`,
      sort: { key: sort.replace('-', ''), desc: sort.startsWith('-'), onSort },
      id: 'incident-table',
    }),
    page.items.length ? null : h('p.status', {}, 'No incidents match these filters.'),
    next);
  return null;
}

/** The English of what an evidence span says, from the report's own fields:
 * an actor's canonical name, a type, a count, a date, a place's province
 * and country. Null where the report has nothing to add to the words. */
export function glossOf(e, rep) {
  const actor = (sides) => {
    const named = (sides || []).filter((a) => a.canonical);
    const same = named.find((a) => a.mention === e.text);
    return same ? same.canonical : named.map((a) => a.canonical).join(', ') || null;
  };
  const c = rep.counts || {};
  switch (e.field) {
    case 'event_type': return label(rep.sub_event_type || rep.event_type);
    case 'attack_mode': return rep.attack_mode ? label(rep.attack_mode) : null;
    case 'perpetrator': case 'attribution': return actor(rep.perpetrators) ?? rep.attribution ?? null;
    case 'target': return actor(rep.targets);
    case 'claim_status': return label(rep.claim_status);
    case 'date': return rep.date ? `${fmtDate(rep.date.date)} (${rep.date.precision})${e.note ? `; ${e.note}` : ''}` : null;
    case 'place': {
      const p = rep.place;
      if (!p) return null;
      const where = [p.gazetteer_name, p.province, p.country].filter(Boolean).join(', ');
      return where || null;
    }
    case 'killed': case 'injured': case 'abducted': case 'freed':
      return c[e.field] ? `${count(c[e.field])} ${e.field}` : null;
    default: return null;
  }
}

/** Evidence sentences of a report, each once, with its spans marked; a
 * sentence not in English is followed by the gloss of its marked words. */
function evidenceBlocks(evidence, rep, lang) {
  const bySentence = new Map();
  for (const e of evidence) {
    const key = `${e.sentence.start}-${e.sentence.end}`;
    if (!bySentence.has(key)) bySentence.set(key, { sentence: e.sentence, text: e.sentence_text, marks: [], gloss: [] });
    const s = bySentence.get(key);
    const english = glossOf(e, rep);
    s.marks.push({
      start: e.span.start - e.sentence.start,
      end: e.span.end - e.sentence.start,
      cls: 'evidence',
      title: english ? `${label(e.field)}: ${english}` : label(e.field),
    });
    if (english && lang !== 'en') s.gloss.push({ at: e.span.start, words: e.text, field: e.field, english });
  }
  return [...bySentence.values()]
    .sort((a, b) => a.sentence.start - b.sentence.start)
    .flatMap((s) => {
      const quote = h('blockquote.evidence-sentence', { dir: 'auto' }, markedText(s.text, s.marks));
      if (!s.gloss.length) return [quote];
      s.gloss.sort((a, b) => a.at - b.at);
      return [quote, h('dl.gloss', { dir: 'ltr', 'aria-label': 'Gloss: the English of the marked words, from the report' },
        s.gloss.flatMap((g) => [
          h('dt', { dir: 'auto', lang }, g.words),
          h('dd', {}, h('span.gloss-field', {}, label(g.field)), ' ', g.english),
        ]))];
    });
}

function reportCard(r, splitBoxes) {
  const rep = r.report;
  const c = rep.counts || {};
  const box = h('input', { type: 'checkbox', value: String(rep.id), id: `split-${rep.id}`, 'aria-label': `take report ${rep.id} out` });
  splitBoxes.push(box);
  return h('article.report-card', { lang: r.document.lang, 'data-report': rep.id, 'data-lang': r.document.lang },
    h('header', {},
      h('h3', {}, h('a', { href: `#/reports/${rep.id}` }, `Report ${rep.id}`), ' · ',
        h('span', { dir: 'auto' }, r.source.name)),
      h('div.card-meta', {},
        h('span', {}, label(r.source.kind)), ' · ',
        h('span', { title: 'Admiralty reliability grade' }, `reliability ${String(r.source.reliability ?? '?').toUpperCase()}`), ' · ',
        h(`span.claim.claim-${rep.claim_status}`, {}, label(rep.claim_status)), ' · ',
        h('span', {}, r.document.lang), ' · ',
        h('span', {}, fmtDate(r.document.published)))),
    h('p.card-fields', {},
      `${label(rep.sub_event_type)} · ${fmtDate(rep.date?.date)} · `,
      placeName(rep.place, 'unplaced'),
      ['killed', 'injured', 'abducted', 'freed'].filter((k) => c[k]).map((k) => ` · ${count(c[k])} ${k}`).join('')),
    evidenceBlocks(r.evidence, rep, r.document.lang),
    h('p.card-foot', {},
      h('a', { href: `#/documents/${r.document.id}?report=${rep.id}`, dir: 'auto' }, r.document.title || `Document ${r.document.id}`),
      h('label.split-pick', { for: box.id }, box, ' split out')));
}

async function renderOne(main, route, ctx) {
  const out = await get(`/api/v1/incidents/${encodeURIComponent(route.id)}`);
  const i = out.incident;
  const c = i.counts || {};
  const cc = i.claimed_counts || {};
  const msg = h('p.review-status', { id: 'review-status', role: 'status' });
  const who = h('input', { id: 'analyst', type: 'text', value: analystName(), placeholder: 'your name', autocomplete: 'name', required: true });
  who.addEventListener('change', () => {
    try {
      localStorage.setItem('vigil.analyst', who.value.trim());
    } catch (_) { /* storage may be off */ }
  });
  const noteInput = h('input', { id: 'review-note', type: 'text', placeholder: 'why (optional)' });
  const mergeInput = h('input', { id: 'merge-with', type: 'text', placeholder: 'incident ids, e.g. 12, 15', inputmode: 'numeric' });
  const editField = h('select', { id: 'edit-field' },
    ['killed', 'injured', 'abducted', 'freed', 'date', 'sub_event_type'].map((f) => h('option', { value: f }, label(f))));
  const editValue = h('input', { id: 'edit-value', type: 'text', placeholder: 'value' });
  const splitBoxes = [];

  const act = async (action, body) => {
    const name = askAnalyst(who, msg, 'decisions');
    if (!name) return;
    const note = noteInput.value.trim() || undefined;
    fill(msg, 'Recording…');
    msg.className = 'review-status';
    try {
      const res = await post(`/api/v1/incidents/${i.id}/${action}`, { ...body, note }, { 'X-Vigil-Analyst': encodeURIComponent(name) });
      const last = Array.isArray(res) ? res[res.length - 1] : res;
      const target = last.incidents.includes(i.id) ? i.id : last.incidents[0];
      fill(msg, `Decision ${last.decision} recorded (${action} by ${last.who}); reports now in incident ${last.incidents.join(', ')}.`);
      if (target !== undefined && String(target) !== String(route.id)) {
        ctx.navigate('incidents', null, target);
      } else {
        const again = await render(main, route, ctx);
        document.getElementById('review-status')?.replaceChildren(`Decision ${last.decision} recorded (${action} by ${last.who}).`);
        return again;
      }
    } catch (e) {
      fill(msg, String(e.message || e));
      msg.className = 'review-status error';
    }
    return null;
  };

  const mergeIds = () => mergeInput.value.split(/[\s,]+/).filter(Boolean).map(Number);
  const review = h('section.panel.review', { 'aria-labelledby': 'review-h' },
    h('h2', { id: 'review-h' }, 'Review'),
    h('div.review-row', {},
      h('label.field', { for: 'analyst' }, h('span', {}, 'Analyst'), who),
      h('label.field', { for: 'review-note' }, h('span', {}, 'Note'), noteInput)),
    h('div.review-row', {},
      h('button', { type: 'button', id: 'do-confirm', on: { click: () => act('confirm', {}) } }, 'Confirm'),
      h('button', { type: 'button', id: 'do-dispute', on: { click: () => act('dispute', {}) } }, 'Dispute'),
      h('label.field', { for: 'merge-with' }, h('span', {}, 'Merge with'), mergeInput),
      h('button', { type: 'button', id: 'do-merge', on: { click: () => act('merge', { with: mergeIds() }) } }, 'Merge'),
      h('button', {
        type: 'button',
        id: 'do-split',
        on: { click: () => act('split', { reports: splitBoxes.filter((b) => b.checked).map((b) => Number(b.value)) }) },
      }, 'Split out ticked reports'),
      h('label.field', { for: 'edit-field' }, h('span', {}, 'Set'), editField),
      h('label.field', { for: 'edit-value' }, h('span', {}, 'to'), editValue),
      h('button', {
        type: 'button',
        id: 'do-edit',
        on: {
          click: () => {
            const f = editField.value;
            const raw = editValue.value.trim();
            const value = ['killed', 'injured', 'abducted', 'freed'].includes(f) ? Number(raw) : raw;
            return act('edit', { changes: [{ field: f, value }] });
          },
        },
      }, 'Edit')),
    msg);

  const history = i.edits.length
    ? h('ol.history', { id: 'history' }, i.edits.map((e) => h('li', {},
      h('span.when', {}, String(e.when).replace('T', ' ').slice(0, 16)), ' ',
      h('strong', { dir: 'auto' }, e.who), ': ', textBlock('span', e.what))))
    : h('p.muted', { id: 'history' }, 'No decisions yet.');

  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/incidents' }, 'Incidents'), ' / ', `Incident ${i.id}`),
    h('h1', {}, `${label(i.sub_event_type || i.event_type)} — `, placeName(i.place, 'unplaced'), `, ${fmtDate(i.date?.date)}`),
    h('dl.meta-grid', { id: 'incident-fields' },
      h('dt', {}, 'Status'), h('dd', {}, h(`span.status-tag.status-${i.status}`, { id: 'incident-status' }, label(i.status))),
      h('dt', {}, 'Event type'), h('dd', {}, `${label(i.event_type)} / ${label(i.sub_event_type)}`, i.attack_mode ? ` · ${label(i.attack_mode)}` : ''),
      h('dt', {}, 'Place'), h('dd', {}, placeName(i.place), i.place ? ` · ${i.place.province ?? ''} ${i.place.country ?? ''}` : ''),
      h('dt', {}, 'Perpetrators'), h('dd', { dir: 'auto' }, (i.perpetrators || []).join(', ') || '—'),
      h('dt', {}, 'Targets'), h('dd', { dir: 'auto' }, (i.targets || []).join(', ') || '—'),
      h('dt', {}, 'Counts'), h('dd', {}, ['killed', 'injured', 'abducted', 'freed'].filter((k) => c[k] || cc[k])
        .map((k) => `${count(c[k]) || '?'} ${k}${cc[k] && cc[k].value !== c[k]?.value ? ` (claimed ${count(cc[k])})` : ''}`).join(' · ') || '—'),
      h('dt', {}, 'Sites'), h('dd', {}, (i.sites || []).join(', ') || '—'),
      h('dt', {}, 'Reported by'), h('dd', {}, (i.source_kinds || []).map(label).join(', ')),
      h('dt', {}, 'Reports'), h('dd', { id: 'incident-reports' }, String(i.reports.length))),
    review,
    h('h2', {}, 'Reports side by side'),
    h('div.report-grid', { id: 'report-grid' }, out.reports.map((r) => reportCard(r, splitBoxes))),
    h('h2', {}, 'Decisions'),
    history);
  return null;
}
