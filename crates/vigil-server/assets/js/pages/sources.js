// Sources: kind, affiliation, reliability grade and counts; a row opens
// the source's documents.

import { h, fill, table, label, textBlock } from '../dom.js';
import { walk } from '../api.js';

export async function render(main) {
  const { items } = await walk('/api/v1/sources');
  fill(main,
    h('h1', {}, 'Sources'),
    h('p.summary', {}, `${items.length} sources. Reliability is the analyst's Admiralty grade (A reliable … F cannot be judged).`),
    table([
      { label: 'Name', cell: (s) => h('a', { href: `#/documents?source=${s.id}`, dir: 'auto' }, s.name) },
      { label: 'Kind', cell: (s) => label(s.kind) },
      { label: 'Affiliation', cell: (s) => h('span', { dir: 'auto' }, s.affiliation ?? '') },
      { label: 'Languages', cell: (s) => (s.languages || []).join(', ') },
      { label: 'Reliability', cell: (s) => String(s.reliability ?? '').toUpperCase(), cls: 'num' },
      { label: 'Documents', cell: (s) => String(s.documents), cls: 'num' },
      { label: 'Copies', cell: (s) => String(s.copies), cls: 'num' },
      { label: 'Notes', cell: (s) => textBlock('span.notes', s.notes ?? '') },
    ], items, { href: (s) => `#/documents?source=${s.id}`, id: 'source-table' }));
  return null;
}
