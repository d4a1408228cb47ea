// Watched sites: prisons, camps, bases, with their incidents; a site's page
// with its timeline (incidents per week, baseline band and surge marks) and
// the incidents at it, newest first.

import { h, fill, table, label, fmtDate, placeName } from '../dom.js';
import { get, walk } from '../api.js';
import { drawChart, tallyWeeks } from '../chart.js';
import { count } from './reports.js';

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route.id, ctx);
  const { items } = await get('/api/v1/sites');
  fill(main,
    h('h1', {}, 'Watched sites'),
    items.length
      ? table([
        { label: 'Name', cell: (s) => h('a', { href: siteHref(s), dir: 'auto' }, s.name) },
        { label: 'Other names', cell: (s) => h('span', { dir: 'auto' }, s.names.join(' · ')) },
        { label: 'Kind', cell: (s) => label(s.kind) },
        { label: 'Incidents', cell: (s) => String(s.incidents), cls: 'num' },
        { label: 'Killed', cell: (s) => String(s.killed), cls: 'num' },
        { label: 'Latest', cell: (s) => fmtDate(s.last), cls: 'nowrap' },
        { label: 'Where', cell: (s) => where(s) },
      ], items, { href: siteHref, id: 'site-table' })
      : h('p.status', {}, 'No watched sites: load some with `vigil sites load FILE`.'));
  return null;
}

function siteHref(s) {
  return `#/sites/${encodeURIComponent(s.key)}`;
}

function where(s) {
  return `${s.lat.toFixed(3)}, ${s.lon.toFixed(3)} (${s.radius_km} km)`;
}

async function renderOne(main, key, { navigate }) {
  const { items } = await get('/api/v1/sites');
  const site = items.find((s) => s.key === key);
  if (!site) {
    fill(main, h('h1', {}, 'No such site'),
      h('p.error', { role: 'alert' }, `No watched site has the key "${key}". `, h('a', { href: '#/sites' }, 'See the sites'), '.'));
    return null;
  }
  const [tally, incidents] = await Promise.all([
    get('/api/v1/tally', { site: key }),
    walk('/api/v1/incidents', { site: key, sort: '-date' }),
  ]);
  const chartEl = h('div.chart', { id: 'site-chart' });
  const list = incidents.items;
  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/sites' }, 'Sites'), ' / ', h('span', { dir: 'auto' }, site.name)),
    h('h1', { dir: 'auto' }, site.name),
    h('dl.meta-grid', { id: 'site-fields' },
      h('dt', {}, 'Kind'), h('dd', {}, label(site.kind)),
      h('dt', {}, 'Other names'), h('dd', { dir: 'auto' }, site.names.join(' · ') || '—'),
      h('dt', {}, 'Where'), h('dd', {}, where(site)),
      h('dt', {}, 'Incidents'), h('dd', {}, `${site.incidents}${incidents.truncated ? ' (the latest 5,000 listed)' : ''}`),
      h('dt', {}, 'Killed'), h('dd', {}, String(site.killed))),
    h('section.panel', { 'aria-labelledby': 'timeline-h' }, h('h2', { id: 'timeline-h' }, 'Timeline'), chartEl),
    h('section.panel', { 'aria-labelledby': 'site-incidents-h' },
      h('h2', { id: 'site-incidents-h' }, 'Incidents at the site'),
      list.length
        ? table([
          { label: 'Date', cell: (i) => fmtDate(i.date?.date), cls: 'nowrap' },
          { label: 'Type', cell: (i) => label(i.sub_event_type) },
          { label: 'Place', cell: (i) => placeName(i.place) },
          { label: 'Perpetrator', cell: (i) => h('span', { dir: 'auto' }, (i.perpetrators || []).join(', ')) },
          { label: 'Killed', cell: (i) => count(i.counts?.killed), cls: 'num' },
          { label: 'Freed', cell: (i) => count(i.counts?.freed), cls: 'num' },
          { label: 'Status', cell: (i) => label(i.status) },
        ], list, { href: (i) => `#/incidents/${i.id}`, id: 'site-incidents' })
        : h('p.status', {}, 'No incident is placed at this site.')));
  drawChart(chartEl, tallyWeeks(tally.series[0]?.weeks), {
    title: 'Incidents per week at the site',
    onWeek: (week) => {
      const end = new Date(week + 'T00:00:00Z');
      end.setUTCDate(end.getUTCDate() + 6);
      navigate('incidents', new URLSearchParams({ site: key, from: week, to: end.toISOString().slice(0, 10) }));
    },
  });
  return null;
}
