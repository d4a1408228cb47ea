// Event reports: a filtered, sortable table and one report with its
// evidence highlighted in its document's text.

import { h, fill, table, label, fmtDate, textBlock, placeName } from '../dom.js';
import { get, sourceMap } from '../api.js';
import { filterBar, pick } from '../filters.js';
import { documentText, evidenceMarks } from './documents.js';

const FILTERS = ['from', 'to', 'event_type', 'claim_status', 'actor', 'lang', 'source'];

export function actors(list) {
  return (list || []).map((a) => a.canonical || a.mention).filter(Boolean).join(', ');
}

export function count(c) {
  if (!c) return '';
  const pre = { exact: '', at_least: '≥', about: '~', unknown: '?' }[c.exactness] ?? '';
  return `${pre}${c.value ?? ''}`;
}

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route);
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => ctx.navigate('reports', p));
  const sort = params.get('sort') || '-date';
  const cursor = params.get('cursor') || undefined;
  const [page, sources] = await Promise.all([
    get('/api/v1/reports', { ...pick(params, FILTERS), sort, cursor }),
    sourceMap(),
  ]);
  const onSort = (key) => {
    const p = new URLSearchParams(params);
    p.delete('cursor');
    p.set('sort', sort === '-' + key ? key : '-' + key);
    ctx.navigate('reports', p);
  };
  let next = null;
  if (page.next_cursor) {
    const p = new URLSearchParams(params);
    p.set('cursor', page.next_cursor);
    next = h('p', {}, h('a.more', { href: `#/reports?${p}` }, 'Next page →'));
  }
  fill(main,
    h('h1', {}, 'Event reports'),
    bar,
    table([
      { label: 'Date', sort: 'date', cell: (r) => fmtDate(r.date?.date), cls: 'nowrap' },
      { label: 'Type', cell: (r) => h(`span.tag.ev-${r.event_type}`, {}, label(r.sub_event_type || r.event_type)) },
      { label: 'Place', cell: (r) => placeName(r.place) },
      { label: 'Province', cell: (r) => r.place?.province || '' },
      { label: 'Perpetrator', cell: (r) => h('span', { dir: 'auto' }, actors(r.perpetrators)) },
      { label: 'Target', cell: (r) => h('span', { dir: 'auto' }, actors(r.targets)) },
      { label: 'Killed', cell: (r) => count(r.counts?.killed), cls: 'num' },
      { label: 'Claim', cell: (r) => h(`span.claim.claim-${r.claim_status}`, {}, label(r.claim_status)) },
      { label: 'Source', cell: (r) => h('span', { dir: 'auto' }, sources.get(r.source_id)?.name ?? '') },
      { label: '#', sort: 'id', cell: (r) => h('a', { href: `#/reports/${r.id}` }, String(r.id)), cls: 'num' },
    ], page.items, {
      href: (r) => `#/reports/${r.id}`,
      sort: { key: sort.replace('-', ''), desc: sort.startsWith('-'), onSort },
      id: 'report-table',
    }),
    page.items.length ? null : h('p.status', {}, 'No reports match these filters.'),
    next);
  return null;
}

async function renderOne(main, route) {
  const out = await get(`/api/v1/reports/${encodeURIComponent(route.id)}`);
  const r = out.report;
  const [doc, sources] = await Promise.all([get(`/api/v1/documents/${out.document.id}`), sourceMap()]);
  const src = sources.get(doc.source_id);
  const c = r.counts || {};
  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/reports' }, 'Reports'), ' / ', `Report ${r.id}`),
    h('h1', {}, `${label(r.sub_event_type || r.event_type)} — `, placeName(r.place, 'unplaced'), `, ${fmtDate(r.date?.date)}`),
    h('dl.meta-grid', { id: 'report-fields' },
      h('dt', {}, 'Event type'), h('dd', {}, `${label(r.event_type)} / ${label(r.sub_event_type)}`, r.attack_mode ? ` · ${label(r.attack_mode)}` : ''),
      h('dt', {}, 'Date'), h('dd', {}, `${r.date?.date ?? '—'} (${label(r.date?.precision ?? '')})`),
      h('dt', {}, 'Place'), h('dd', {}, placeName(r.place),
        r.place ? ` · ${r.place.province ?? ''} ${r.place.country ?? ''} · ${label(r.place.precision)}${typeof r.place.lat === 'number' ? ` · ${r.place.lat.toFixed(3)}, ${r.place.lon.toFixed(3)}` : ''}` : ''),
      h('dt', {}, 'Perpetrators'), h('dd', { dir: 'auto' }, actors(r.perpetrators) || '—'),
      h('dt', {}, 'Targets'), h('dd', { dir: 'auto' }, actors(r.targets) || '—'),
      h('dt', {}, 'Counts'), h('dd', {}, ['killed', 'injured', 'abducted', 'freed']
        .filter((k) => c[k]).map((k) => `${count(c[k])} ${k}`).join(' · ') || '—'),
      h('dt', {}, 'Claim status'), h('dd', {}, h(`span.claim.claim-${r.claim_status}`, {}, label(r.claim_status)),
        r.attribution ? [' · attributed to ', h('span', { dir: 'auto' }, r.attribution)] : ''),
      h('dt', {}, 'Source'), h('dd', {}, h('span', { dir: 'auto' }, src?.name ?? doc.source),
        src ? ` · ${label(src.kind)} · reliability ${String(src.reliability ?? '?').toUpperCase()}` : ''),
      h('dt', {}, 'Document'), h('dd', {}, h('a', { href: `#/documents/${doc.id}?report=${r.id}`, dir: 'auto' }, doc.title || `Document ${doc.id}`), ` · ${doc.lang} · ${fmtDate(doc.published)}`)),
    h('h2', {}, 'Evidence'),
    h('ul.evidence-list', {}, out.evidence.map((e) => h('li', {},
      h('span.field', {}, label(e.field)), ' ', textBlock('q.quote', e.text)))),
    h('h2', {}, 'In the document'),
    documentText(doc, evidenceMarks(out.evidence)));
  const first = document.querySelector('#doc-text mark.evidence');
  if (first) first.scrollIntoView({ block: 'center' });
  return null;
}
