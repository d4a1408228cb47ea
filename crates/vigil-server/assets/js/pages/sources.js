// Sources: kind, affiliation, reliability grade and counts; a source's page
// with its timeline (documents per week), what its reports say (claimed,
// reported, confirmed, denied) and its latest documents.

import { h, fill, table, label, textBlock, fmtDate } from '../dom.js';
import { get, walk } from '../api.js';
import { drawChart, weekly } from '../chart.js';

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route.id, ctx);
  const { items } = await walk('/api/v1/sources');
  fill(main,
    h('h1', {}, 'Sources'),
    h('p.summary', {}, `${items.length} sources. Reliability is the analyst's Admiralty grade (A reliable … F cannot be judged).`),
    table([
      { label: 'Name', cell: (s) => h('a', { href: sourceHref(s), dir: 'auto' }, s.name) },
      { label: 'Kind', cell: (s) => label(s.kind) },
      { label: 'Affiliation', cell: (s) => h('span', { dir: 'auto' }, s.affiliation ?? '') },
      { label: 'Languages', cell: (s) => (s.languages || []).join(', ') },
      { label: 'Reliability', cell: (s) => String(s.reliability ?? '').toUpperCase(), cls: 'num' },
      { label: 'Documents', cell: (s) => String(s.documents), cls: 'num' },
      { label: 'Copies', cell: (s) => String(s.copies), cls: 'num' },
      { label: 'Notes', cell: (s) => textBlock('span.notes', s.notes ?? '') },
    ], items, { href: sourceHref, id: 'source-table' }));
  return null;
}

function sourceHref(s) {
  return `#/sources/${s.id}`;
}

async function renderOne(main, id, { navigate }) {
  const [s, docs, reports] = await Promise.all([
    get(`/api/v1/sources/${encodeURIComponent(id)}`),
    walk('/api/v1/documents', { source: id, sort: '-published' }),
    walk('/api/v1/reports', { source: id }),
  ]);
  const chartEl = h('div.chart', { id: 'source-chart' });
  const byStatus = new Map();
  for (const r of reports.items) byStatus.set(r.claim_status, (byStatus.get(r.claim_status) || 0) + 1);
  const capped = (x) => (x.truncated ? ' (the latest 5,000 counted)' : '');
  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/sources' }, 'Sources'), ' / ', h('span', { dir: 'auto' }, s.name)),
    h('h1', { dir: 'auto' }, s.name),
    h('dl.meta-grid', { id: 'source-fields' },
      h('dt', {}, 'Kind'), h('dd', {}, label(s.kind)),
      h('dt', {}, 'Affiliation'), h('dd', { dir: 'auto' }, s.affiliation || '—'),
      h('dt', {}, 'Reliability'), h('dd', {}, String(s.reliability ?? '?').toUpperCase()),
      h('dt', {}, 'Languages'), h('dd', {}, (s.languages || []).join(', ') || '—'),
      h('dt', {}, 'Documents'), h('dd', {}, `${s.documents}${s.copies ? ` · ${s.copies} reposts of other sources' documents` : ''}`),
      h('dt', {}, 'Reports'), h('dd', { id: 'source-claims' }, [...byStatus].sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${n} ${label(k)}`).join(' · ') + capped(reports) || '—'),
      h('dt', {}, 'Notes'), h('dd', {}, textBlock('span.notes', s.notes ?? ''))),
    h('section.panel', { 'aria-labelledby': 'source-timeline-h' },
      h('h2', { id: 'source-timeline-h' }, 'Timeline'), chartEl),
    h('section.panel', { 'aria-labelledby': 'source-docs-h' },
      h('h2', { id: 'source-docs-h' }, 'Latest documents'),
      docs.items.length
        ? table([
          { label: 'Published', cell: (d) => fmtDate(d.published), cls: 'nowrap' },
          { label: 'Title', cell: (d) => h('span', { dir: 'auto' }, d.title || `Document ${d.id}`) },
          { label: 'Language', cell: (d) => d.lang },
        ], docs.items.slice(0, 50), { href: (d) => `#/documents/${d.id}`, id: 'source-docs' })
        : h('p.status', {}, 'No documents from this source.')));
  drawChart(chartEl, weekly(docs.items.map((d) => d.published && String(d.published).slice(0, 10))), {
    title: `Documents per week${capped(docs)}`,
    onWeek: (week) => {
      const end = new Date(week + 'T00:00:00Z');
      end.setUTCDate(end.getUTCDate() + 6);
      navigate('documents', new URLSearchParams({ source: id, from: week, to: end.toISOString().slice(0, 10) }));
    },
  });
  return null;
}
