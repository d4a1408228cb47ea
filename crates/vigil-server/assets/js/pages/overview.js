// Overview: the map of incidents, the weekly tally with its baseline and
// surge marks, and the latest incidents, all driven by one filter bar
// (whose values are in the URL).

import { h, fill, label, fmtDate, placeName } from '../dom.js';
import { get, walk } from '../api.js';
import { filterBar, pick, dayName } from '../filters.js';
import { EventMap } from '../map.js';
import { drawChart, tallyWeeks } from '../chart.js';
import { ackState, fmtTime } from './alerts.js';

export const FILTERS = ['from', 'to', 'event_type', 'status', 'perpetrator', 'target', 'province', 'site', 'week_start'];
/** Filters of the weekly chart only: the incidents and alerts ignore them. */
const CHART_ONLY = ['week_start'];

export async function render(main, route, { navigate, isCurrent }) {
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => navigate('overview', p));
  const mapEl = h('div.map', { id: 'map', role: 'region', 'aria-label': 'Map of incidents' });
  const chartEl = h('div.chart-box', { id: 'chart' });
  const chartNote = h('p.muted.small', { id: 'chart-note' });
  const latestEl = h('div.latest', { id: 'latest' });
  const alertsEl = h('div.latest', { id: 'latest-alerts' }, h('p.status', {}, 'Loading alerts…'));
  const summary = h('p.summary', { id: 'summary', role: 'status' }, 'Loading incidents…');
  fill(main,
    h('h1', {}, 'Overview'),
    bar,
    summary,
    h('div.overview', {},
      h('section.panel.map-panel', { 'aria-labelledby': 'map-h' }, h('h2', { id: 'map-h' }, 'Incidents on the map'), mapEl, legend()),
      h('section.panel', { 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, 'Incidents per week'), chartEl, chartNote),
      h('section.panel', { 'aria-labelledby': 'latest-h' }, h('h2', { id: 'latest-h' }, 'Latest incidents'), latestEl),
      h('section.panel', { 'aria-labelledby': 'alerts-h' }, h('h2', { id: 'alerts-h' }, 'Latest alerts'), alertsEl)));

  const map = new EventMap(mapEl);
  const filters = pick(params, FILTERS.filter((f) => !CHART_ONLY.includes(f)));
  const weekStart = params.get('week_start') || 'monday';
  const [{ items, truncated }, tally, alerts] = await Promise.all([
    walk('/api/v1/incidents', { ...filters, sort: '-date' }),
    get('/api/v1/tally', pick(params, FILTERS)),
    get('/api/v1/alerts', { limit: 200 }),
  ]);
  if (!isCurrent()) return () => map.destroy();
  await map.ready;
  const placed = map.setIncidents(items);
  if (placed) map.fit();
  fill(summary, `${items.length}${truncated ? '+' : ''} incidents match; ${placed} placed on the map.`);
  summary.dataset.incidents = String(items.length);

  const weeks = tally.series[0]?.weeks ?? [];
  const series = tallyWeeks(weeks);
  drawChart(chartEl, series, {
    title: 'Incidents per week',
    weekLabel: `${dayName(weekStart)}s`,
    onWeek: (week) => {
      const p = new URLSearchParams(params);
      for (const k of CHART_ONLY) p.delete(k);
      const end = new Date(week + 'T00:00:00Z');
      end.setUTCDate(end.getUTCDate() + 6);
      p.set('from', week);
      p.set('to', end.toISOString().slice(0, 10));
      navigate('incidents', p);
    },
  });
  const surgeWeeks = weeks.filter((w) => w.surge).map((w) => w.start);
  fill(chartNote, `Band: the ${tally.baseline_weeks} weeks before each week, mean ± 2√mean. `,
    surgeWeeks.length ? `▲ surge (a test flags the week): ${surgeWeeks.join(', ')}.` : 'No week is a surge.');

  const latest = items.slice(0, 12);
  fill(latestEl, latest.length
    ? h('ol.feed', {}, latest.map((i) => h('li', {},
      h('a', { href: `#/incidents/${i.id}`, 'data-row': '', 'data-href': `#/incidents/${i.id}` },
        h('span.when', {}, fmtDate(i.date?.date)), ' ',
        h(`span.tag.ev-${i.event_type}`, {}, label(i.sub_event_type || i.event_type)), ' ',
        placeName(i.place, 'unplaced'), ' ',
        h('span.muted', {}, `${label(i.status)} · ${i.reports.length} report${i.reports.length === 1 ? '' : 's'}`)))))
    : h('p.status', {}, 'No incidents match these filters.'));
  latestEl.dataset.count = String(latest.length);

  const shown = alertsFor(alerts.items, filters, new Set(items.map((i) => i.id))).slice(0, 8);
  const filtered = Object.keys(filters).length > 0;
  fill(alertsEl, shown.length
    ? h('ol.feed', {}, shown.map((a) => h('li', {},
      h('a', { href: `#/alerts/${a.id}`, 'data-row': '', 'data-href': `#/alerts/${a.id}`, 'data-alert': a.id },
        h('span.when', {}, fmtTime(a.fired_at)), ' ',
        h(`span.tag.alert-${a.kind}`, {}, label(a.kind)), ' ',
        h('span', { dir: 'auto' }, a.title), ' ',
        ackState(a)))))
    : h('p.status', {}, filtered ? 'No alerts about the incidents or weeks these filters show.' : 'No alerts yet: `vigil alerts check` records them.'),
  h('p.muted.small', {}, filtered
    ? 'Alerts about the incidents shown, or about a week within From–To; '
    : 'Newest first; ',
  h('a', { href: '#/alerts?unacked=true' }, 'the unacknowledged ones'), '.'));
  alertsEl.dataset.count = String(shown.length);
  return () => map.destroy();
}

/**
 * The alerts the overview's filters concern: those about an incident shown
 * (the filtered incidents); without incidents, those about a week within
 * from–to when only the dates are filtered; every alert without filters.
 */
export function alertsFor(alerts, filters, incidentIds) {
  const keys = Object.keys(filters);
  if (!keys.length) return alerts;
  const datesOnly = keys.every((k) => k === 'from' || k === 'to');
  const inRange = (week) => {
    if (!week) return false;
    const end = new Date(week + 'T00:00:00Z');
    end.setUTCDate(end.getUTCDate() + 6);
    return (!filters.to || week <= filters.to) && (!filters.from || end.toISOString().slice(0, 10) >= filters.from);
  };
  return alerts.filter((a) => (a.evidence.incidents.length
    ? a.evidence.incidents.some((id) => incidentIds.has(id))
    : datesOnly && inRange(a.evidence.week)));
}

function legend() {
  const types = ['battles', 'explosions_remote_violence', 'violence_against_civilians', 'protests', 'riots', 'strategic_developments'];
  return h('ul.legend', { 'aria-label': 'Legend' },
    types.map((t) => h('li', {}, h(`span.swatch.ev-${t}`, { 'aria-hidden': 'true' }), label(t))),
    h('li.muted', {}, 'size: number killed'));
}
