// Overview: the map, the weekly chart and the latest reports, all driven by
// one filter bar (whose values are in the URL).

import { h, fill, label, fmtDate } from '../dom.js';
import { walk, sourceMap } from '../api.js';
import { filterBar, pick } from '../filters.js';
import { EventMap } from '../map.js';
import { drawChart, weekly } from '../chart.js';

export const FILTERS = ['from', 'to', 'event_type', 'claim_status', 'actor', 'lang', 'source'];

export async function render(main, route, { navigate, isCurrent }) {
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => navigate('overview', p));
  const mapEl = h('div.map', { id: 'map', role: 'region', 'aria-label': 'Map of event reports' });
  const chartEl = h('div.chart-box', { id: 'chart' });
  const latestEl = h('div.latest', { id: 'latest' });
  const summary = h('p.summary', { id: 'summary', role: 'status' }, 'Loading reports…');
  fill(main,
    h('h1', {}, 'Overview'),
    bar,
    summary,
    h('div.overview', {},
      h('section.panel.map-panel', { 'aria-labelledby': 'map-h' }, h('h2', { id: 'map-h' }, 'Map'), mapEl, legend()),
      h('section.panel', { 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, 'Reports per week'), chartEl),
      h('section.panel', { 'aria-labelledby': 'latest-h' }, h('h2', { id: 'latest-h' }, 'Latest reports'), latestEl)));

  const map = new EventMap(mapEl);
  const [{ items, truncated }, sources] = await Promise.all([
    walk('/api/v1/reports', { ...pick(params, FILTERS), sort: '-date' }),
    sourceMap(),
  ]);
  if (!isCurrent()) return () => map.destroy();
  await map.ready;
  const placed = map.setReports(items, sources);
  if (placed) map.fit();
  fill(summary, `${items.length}${truncated ? '+' : ''} reports match; ${placed} placed on the map.`);
  summary.dataset.reports = String(items.length);

  drawChart(chartEl, weekly(items.map((r) => r.date?.date)), {
    title: 'Event reports per week',
    onWeek: (week) => {
      const p = new URLSearchParams(params);
      const end = new Date(week + 'T00:00:00Z');
      end.setUTCDate(end.getUTCDate() + 6);
      p.set('from', week);
      p.set('to', end.toISOString().slice(0, 10));
      navigate('reports', p);
    },
  });

  const latest = items.slice(0, 12);
  fill(latestEl, latest.length
    ? h('ol.feed', {}, latest.map((r) => h('li', {},
      h('a', { href: `#/reports/${r.id}`, 'data-row': '', 'data-href': `#/reports/${r.id}` },
        h('span.when', {}, fmtDate(r.date?.date)), ' ',
        h(`span.tag.ev-${r.event_type}`, {}, label(r.sub_event_type || r.event_type)), ' ',
        h('span', { dir: 'auto' }, r.place?.name || 'unplaced'), ' ',
        h('span.muted', { dir: 'auto' }, `${sources.get(r.source_id)?.name ?? ''} · ${label(r.claim_status)}`)))))
    : h('p.status', {}, 'No reports match these filters.'));
  latestEl.dataset.count = String(latest.length);
  latestEl.dataset.first = latest[0] ? String(latest[0].id) : '';
  return () => map.destroy();
}

function legend() {
  const types = ['battles', 'explosions_remote_violence', 'violence_against_civilians', 'protests', 'riots', 'strategic_developments'];
  return h('ul.legend', { 'aria-label': 'Legend' },
    types.map((t) => h('li', {}, h(`span.swatch.ev-${t}`, { 'aria-hidden': 'true' }), label(t))),
    h('li.muted', {}, 'size: number killed'));
}
