// Watched sites: prisons, camps, bases, with their incidents.

import { h, fill, table, label, fmtDate } from '../dom.js';
import { get } from '../api.js';

export async function render(main) {
  const { items } = await get('/api/v1/sites');
  fill(main,
    h('h1', {}, 'Watched sites'),
    items.length
      ? table([
        { label: 'Name', cell: (s) => h('a', { href: `#/incidents?site=${encodeURIComponent(s.key)}`, dir: 'auto' }, s.name) },
        { label: 'Other names', cell: (s) => h('span', { dir: 'auto' }, s.names.join(' · ')) },
        { label: 'Kind', cell: (s) => label(s.kind) },
        { label: 'Incidents', cell: (s) => String(s.incidents), cls: 'num' },
        { label: 'Killed', cell: (s) => String(s.killed), cls: 'num' },
        { label: 'Latest', cell: (s) => fmtDate(s.last), cls: 'nowrap' },
        { label: 'Where', cell: (s) => `${s.lat.toFixed(3)}, ${s.lon.toFixed(3)} (${s.radius_km} km)` },
      ], items, { href: (s) => `#/incidents?site=${encodeURIComponent(s.key)}`, id: 'site-table' })
      : h('p.status', {}, 'No watched sites: load some with `vigil sites load FILE`.'));
  return null;
}
