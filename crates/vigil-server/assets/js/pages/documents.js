// Documents and search: a filtered list (or ranked hits with their
// highlighted passages), and one document's full text with highlights.

import { h, fill, table, textBlock, markedText, fmtDate, label } from '../dom.js';
import { get, sourceMap } from '../api.js';
import { filterBar, pick } from '../filters.js';

const FILTERS = ['q', 'from', 'to', 'lang', 'source', 'kind'];

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route);
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => ctx.navigate('documents', p));
  const out = h('div', { id: 'documents' });
  fill(main, h('h1', {}, 'Documents'), bar, out);
  const q = params.get('q');
  const cursor = params.get('cursor') || undefined;
  const more = (next) => {
    if (!next) return null;
    const p = new URLSearchParams(params);
    p.set('cursor', next);
    return h('p', {}, h('a.more', { href: `#/documents?${p}` }, 'Next page →'));
  };
  if (q) {
    const page = await get('/api/v1/search', { ...pick(params, FILTERS), cursor });
    fill(out,
      h('p.summary', { role: 'status' }, `${page.total} documents match “`, h('span', { dir: 'auto' }, q), '”.'),
      h('ol.hits', {}, page.items.map((hit) => {
        const link = `#/documents/${hit.id}?q=${encodeURIComponent(q)}`;
        return h('li.hit', { tabindex: '0', 'data-row': '', 'data-href': link },
          h('a', { href: link, dir: 'auto' }, hit.title || `Document ${hit.id}`),
          h('div.meta', {}, `${fmtDate(hit.published)} · `, h('span', { dir: 'auto' }, hit.source), ` · ${hit.lang}`),
          h('p.passage', { dir: 'auto' }, markedText(hit.passage, hit.highlights.map((s) => ({ ...s, cls: 'hl' })))));
      })),
      more(page.next_cursor));
    return null;
  }
  const sort = params.get('sort') || '-published';
  const page = await get('/api/v1/documents', { ...pick(params, FILTERS), sort, cursor });
  const onSort = (key) => {
    const p = new URLSearchParams(params);
    p.delete('cursor');
    p.set('sort', sort === '-' + key ? key : '-' + key);
    ctx.navigate('documents', p);
  };
  fill(out,
    table([
      { label: 'Published', sort: 'published', cell: (d) => fmtDate(d.published), cls: 'nowrap' },
      { label: 'Title', cell: (d) => h('a', { href: `#/documents/${d.id}`, dir: 'auto' }, d.title || `Document ${d.id}`) },
      { label: 'Source', cell: (d) => h('span', { dir: 'auto' }, d.source) },
      { label: 'Kind', cell: (d) => label(d.source_kind) },
      { label: 'Lang', cell: (d) => d.lang },
      { label: 'Copies', cell: (d) => String(d.copies), cls: 'num' },
    ], page.items, {
      href: (d) => `#/documents/${d.id}`,
      sort: { key: sort.replace('-', ''), desc: sort.startsWith('-'), onSort },
      id: 'document-table',
    }),
    page.items.length ? null : h('p.status', {}, 'No documents match these filters.'),
    more(page.next_cursor));
  return null;
}

/** Literal, case-insensitive occurrences of the words of `q` in `text`, in code points. */
function queryMarks(text, q) {
  const words = (q || '').replace(/["()*]/g, ' ').split(/\s+/)
    .filter((w) => w && !w.startsWith('-') && w !== 'OR' && w !== 'AND' && w !== 'NOT');
  if (!words.length) return [];
  const cps = Array.from(text);
  const lower = cps.map((c) => c.toLowerCase());
  const marks = [];
  for (const w of words) {
    const wc = Array.from(w.toLowerCase());
    for (let i = 0; i + wc.length <= lower.length; i++) {
      let ok = true;
      for (let j = 0; j < wc.length && ok; j++) ok = lower[i + j] === wc[j];
      if (ok) marks.push({ start: i, end: i + wc.length, cls: 'hl' });
      if (marks.length > 2000) return marks;
    }
  }
  return marks;
}

/** The document's text with marks, inside a labelled article. */
export function documentText(doc, marks) {
  return h('div.doctext', { dir: 'auto', lang: doc.lang, id: 'doc-text' }, markedText(doc.text, marks));
}

/** Marks for a report's evidence: its sentences, and inside them the spans. */
export function evidenceMarks(evidence) {
  const marks = [];
  for (const e of evidence) {
    marks.push({ start: e.sentence.start, end: e.sentence.end, cls: 'sentence' });
    marks.push({ start: e.span.start, end: e.span.end, cls: 'evidence', title: label(e.field) });
  }
  return marks;
}

async function renderOne(main, route) {
  const id = route.id;
  const doc = await get(`/api/v1/documents/${encodeURIComponent(id)}`);
  const q = route.params.get('q');
  const reportId = route.params.get('report');
  let marks = queryMarks(doc.text, q);
  let report = null;
  if (reportId) {
    report = await get(`/api/v1/reports/${encodeURIComponent(reportId)}`);
    marks = marks.concat(evidenceMarks(report.evidence));
  }
  const sources = await sourceMap();
  const src = sources.get(doc.source_id);
  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/documents' }, 'Documents'), ' / ', `Document ${doc.id}`),
    textBlock('h1.doc-title', doc.title || `Document ${doc.id}`),
    h('dl.meta-grid', {},
      h('dt', {}, 'Source'), h('dd', {}, h('a', { href: `#/documents?source=${doc.source_id}`, dir: 'auto' }, doc.source),
        src ? ` · ${label(src.kind)} · reliability ${String(src.reliability ?? '?').toUpperCase()}` : ''),
      h('dt', {}, 'Published'), h('dd', {}, doc.published ?? '—'),
      h('dt', {}, 'Language'), h('dd', {}, doc.lang),
      doc.url ? [h('dt', {}, 'Address'), h('dd.url', { dir: 'ltr' }, doc.url)] : null,
      doc.forwarded_from ? [h('dt', {}, 'Forwarded from'), textBlock('dd', doc.forwarded_from)] : null,
      h('dt', {}, 'Reports'), h('dd', {}, doc.reports.length
        ? doc.reports.map((r, i) => [i ? ', ' : '', h('a', { href: `#/reports/${r}` }, `#${r}`)])
        : 'none'),
      doc.copies.length ? [h('dt', {}, 'Copies'), h('dd', {}, `${doc.copies.length} (exact or near reposts)`)] : null),
    report ? h('p.note', {}, `Evidence of report #${report.report.id} is highlighted.`) : null,
    documentText(doc, marks));
  const first = document.querySelector('#doc-text mark');
  if (first) first.scrollIntoView({ block: 'center' });
  return null;
}
