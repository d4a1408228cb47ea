// Alerts: the feed that `vigil alerts check` fills (filters in the URL,
// unacknowledged only at a tick), and one alert's page: the incidents and
// documents behind it, its webhook deliveries with every attempt, and the
// Acknowledge button (recorded in the store with the analyst's name).

import { h, fill, table, label, fmtDate, textBlock, analystName, askAnalyst } from '../dom.js';
import { get, post } from '../api.js';
import { filterBar, pick } from '../filters.js';

export const FILTERS = ['unacked', 'kind', 'rule', 'from', 'to'];

const KINDS = ['surge', 'site', 'narrative_rising', 'watch', 'fatalities'];

/** The alert page's own fields: `kind` here is the rule's kind. */
export const FIELDS = {
  unacked: { label: 'Show', blank: 'all alerts', choices: async () => [['true', 'unacknowledged only']] },
  kind: { label: 'Rule kind', choices: async () => KINDS.map((k) => [k, label(k)]) },
  rule: { label: 'Rule', type: 'text', placeholder: 'rule key' },
  from: { label: 'Fired from', type: 'date' },
  to: { label: 'Fired to', type: 'date' },
};

/** A time as YYYY-MM-DD HH:MM (UTC). */
export function fmtTime(iso) {
  return iso ? String(iso).replace('T', ' ').slice(0, 16) : '—';
}

/** The acknowledgment cell of an alert. */
export function ackState(a) {
  return a.acknowledged_at
    ? h('span.ack.acked', { title: `acknowledged ${fmtTime(a.acknowledged_at)}` }, 'acknowledged by ', h('span', { dir: 'auto' }, a.acknowledged_by))
    : h('span.ack.unacked', {}, 'new');
}

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route, ctx);
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => ctx.navigate('alerts', p), FIELDS);
  const cursor = params.get('cursor') || undefined;
  const page = await get('/api/v1/alerts', { ...pick(params, FILTERS), cursor });
  let next = null;
  if (page.next_cursor) {
    const p = new URLSearchParams(params);
    p.set('cursor', page.next_cursor);
    next = h('p', {}, h('a.more', { href: `#/alerts?${p}` }, 'Next page →'));
  }
  fill(main,
    h('h1', {}, 'Alerts'),
    bar,
    h('p.summary', { role: 'status' }, 'Newest first. ', `${page.items.length}${page.next_cursor ? '+' : ''} alert${page.items.length === 1 ? '' : 's'}`,
      params.get('unacked') === 'true' ? ' not yet acknowledged.' : '.'),
    table([
      { label: 'Fired', cell: (a) => fmtTime(a.fired_at), cls: 'nowrap' },
      { label: 'Kind', cell: (a) => h(`span.tag.alert-${a.kind}`, {}, label(a.kind)) },
      { label: 'Alert', cell: (a) => h('a', { href: `#/alerts/${a.id}`, dir: 'auto' }, a.title) },
      { label: 'Rule', cell: (a) => a.rule, cls: 'nowrap' },
      { label: 'Evidence', cell: (a) => evidenceCount(a.evidence) },
      { label: 'State', cell: ackState, cls: 'nowrap' },
    ], page.items, { href: (a) => `#/alerts/${a.id}`, id: 'alert-table' }),
    page.items.length ? null : h('p.status', {}, 'No alerts match these filters. `vigil alerts check` records them.'),
    next);
  return null;
}

function evidenceCount(e) {
  const parts = [];
  if (e.incidents.length) parts.push(`${e.incidents.length} incident${e.incidents.length === 1 ? '' : 's'}`);
  if (e.documents.length) parts.push(`${e.documents.length} document${e.documents.length === 1 ? '' : 's'}`);
  if (e.week) parts.push(`week of ${e.week}`);
  return parts.join(' · ') || '—';
}

async function renderOne(main, route, ctx) {
  const a = await get(`/api/v1/alerts/${encodeURIComponent(route.id)}`);
  const msg = h('p.review-status', { id: 'ack-status', role: 'status' });
  const who = h('input', { id: 'analyst', type: 'text', value: analystName(), placeholder: 'your name', autocomplete: 'name' });
  const ack = async () => {
    const name = askAnalyst(who, msg, 'acknowledgments');
    if (!name) return;
    try {
      const res = await post(`/api/v1/alerts/${a.id}/ack`, undefined, { 'X-Vigil-Analyst': encodeURIComponent(name) });
      await renderOne(main, route, ctx);
      fill(document.getElementById('ack-status'), res.newly_acknowledged
        ? `Acknowledged by ${res.alert.acknowledged_by}.`
        : `Already acknowledged by ${res.alert.acknowledged_by}; the first acknowledgment is kept.`);
    } catch (e) {
      fill(msg, String(e.message || e));
      msg.className = 'review-status error';
    }
  };
  const ackPanel = h('section.panel.review', { 'aria-labelledby': 'ack-h' },
    h('h2', { id: 'ack-h' }, 'Acknowledgment'),
    a.acknowledged_at
      ? h('p', { id: 'ack-state' }, 'Acknowledged by ', h('strong', { dir: 'auto' }, a.acknowledged_by), ` at ${fmtTime(a.acknowledged_at)} UTC.`)
      : h('div.review-row', {},
        h('label.field', { for: 'analyst' }, h('span', {}, 'Analyst'), who),
        h('button', { type: 'button', id: 'do-ack', on: { click: ack } }, 'Acknowledge')),
    msg);

  const e = a.evidence;
  const facts = Object.entries(e.facts || {});
  const incidents = a.incidents.length
    ? table([
      { label: 'Date', cell: (i) => fmtDate(i.date), cls: 'nowrap' },
      { label: 'Type', cell: (i) => h(`span.tag.ev-${i.event_type}`, {}, label(i.sub_event_type || i.event_type)) },
      { label: 'Place', cell: (i) => h('span', { dir: 'auto' }, i.place || '—') },
      { label: 'Status', cell: (i) => h(`span.status-tag.status-${i.status}`, {}, label(i.status)) },
      { label: '#', cell: (i) => h('a', { href: `#/incidents/${i.id}` }, String(i.id)), cls: 'num' },
    ], a.incidents, { href: (i) => `#/incidents/${i.id}`, id: 'alert-incidents' })
    : h('p.muted', {}, e.incidents.length ? 'The incidents it named no longer exist (relinked since).' : 'No incidents.');
  const documents = a.documents.length
    ? table([
      { label: 'Published', cell: (d) => fmtDate(d.published), cls: 'nowrap' },
      { label: 'Title', cell: (d) => h('a', { href: `#/documents/${d.id}`, dir: 'auto' }, d.title || `Document ${d.id}`) },
      { label: 'Source', cell: (d) => h('span', { dir: 'auto' }, d.source) },
      { label: 'Lang', cell: (d) => d.lang },
    ], a.documents, { href: (d) => `#/documents/${d.id}`, id: 'alert-documents' })
    : h('p.muted', {}, 'No documents.');
  const deliveries = a.deliveries.length
    ? h('ul.deliveries', { id: 'alert-deliveries' }, a.deliveries.map((d) => h('li', {},
      h('strong', {}, d.channel), ': ', h(`span.delivery.delivery-${d.status}`, {}, label(d.status)),
      ` · ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`,
      d.status === 'pending' ? ` · next not before ${fmtTime(d.next_attempt_at)}` : '',
      d.last_error ? [' · last error: ', textBlock('span', d.last_error)] : '',
      d.attempt_log.length
        ? h('ol.small', {}, d.attempt_log.map((t) => h('li', {},
          `${fmtTime(t.at)} · ${t.http_status ?? 'no answer'} · ${label(t.status)}`, t.error ? [' · ', textBlock('span', t.error)] : '')))
        : null)))
    : h('p.muted', { id: 'alert-deliveries' }, 'No webhook channels: in the app feed only.');

  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/alerts' }, 'Alerts'), ' / ', `Alert ${a.id}`),
    h('h1', { dir: 'auto' }, a.title),
    h('dl.meta-grid', { id: 'alert-fields' },
      h('dt', {}, 'Rule'), h('dd', {}, `${a.rule} (${label(a.kind)})`),
      h('dt', {}, 'Fired'), h('dd', {}, `${fmtTime(a.fired_at)} UTC`),
      h('dt', {}, 'State'), h('dd', { id: 'alert-state' }, ackState(a)),
      e.week ? [h('dt', {}, 'Week'), h('dd', {}, e.week)] : null,
      e.series ? [h('dt', {}, 'Series'), h('dd', { dir: 'auto' }, e.series)] : null,
      facts.length ? [h('dt', {}, 'Figures'), h('dd', {}, facts.map(([k, v]) => `${label(k)} ${v}`).join(' · '))] : null),
    ackPanel,
    h('h2', {}, 'Incidents behind it'), incidents,
    h('h2', {}, 'Documents behind it'), documents,
    h('h2', {}, 'Deliveries'), deliveries);
  return null;
}
