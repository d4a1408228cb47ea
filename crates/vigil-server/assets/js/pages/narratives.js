// Narratives: per propaganda theme, its weekly share of the tagged
// documents per kind of source (chart), the rising verdict of the surge
// tests, and the documents carrying it with the matched terms highlighted
// (as text: documents are hostile input). One narrative's page lists all
// its documents, paged.

import { h, fill, label, fmtDate, markedText } from '../dom.js';
import { get } from '../api.js';
import { filterBar, pick, dayName } from '../filters.js';
import { drawShareChart } from '../chart.js';

export const FILTERS = ['week_start', 'from', 'to'];
const DOC_FILTERS = ['from', 'to'];

export async function render(main, route, ctx) {
  if (route.id) return renderOne(main, route, ctx);
  const params = route.params;
  const bar = await filterBar(FILTERS, params, (p) => ctx.navigate('narratives', p));
  const list = await get('/api/v1/narratives', pick(params, FILTERS));
  const weekLabel = `${dayName(list.week_start || 'monday')}s`;
  const panels = [];
  const docsToLoad = [];
  for (const n of list.items) {
    const chartEl = h('div.chart-box', { id: `chart-${n.key}`, 'data-narrative': n.key });
    const docsEl = h('div.narrative-docs', { id: `docs-${n.key}` }, h('p.status', {}, 'Loading documents…'));
    const kinds = [...new Set(n.weeks.flatMap((w) => w.kinds.map((k) => k.source_kind)))].sort();
    const weeks = n.weeks.map((w) => ({
      week: w.week,
      total: w.share,
      rising: w.rising,
      groups: Object.fromEntries(w.kinds.map((k) => [k.source_kind, k.share])),
    }));
    const p = new URLSearchParams();
    for (const k of DOC_FILTERS) if (params.get(k)) p.set(k, params.get(k));
    const qs = [...p].length ? `?${p}` : '';
    panels.push(h('section.panel.narrative', { 'aria-labelledby': `n-${n.key}`, 'data-key': n.key },
      h('h2', { id: `n-${n.key}` }, h('a', { href: `#/narratives/${encodeURIComponent(n.key)}${qs}`, dir: 'auto' }, n.name), ' ',
        h(`span.verdict.${n.rising ? 'rising' : 'steady'}`, { 'data-rising': String(n.rising) }, n.rising ? '▲ rising' : 'not rising')),
      n.description ? h('p.muted', { dir: 'auto' }, n.description) : null,
      h('p.small', {}, `${n.documents} document${n.documents === 1 ? '' : 's'} in the weeks shown. `,
        n.rising_weeks.length ? `Rising in the weeks of ${n.rising_weeks.join(', ')}.` : 'No week rises above its baseline.'),
      chartEl,
      kindLegend(kinds),
      h('h3', {}, 'Latest documents'),
      docsEl));
    docsToLoad.push([n, docsEl]);
    // Charts are drawn once the panels are in the page.
    panels[panels.length - 1].draw = () => drawShareChart(chartEl, weeks, kinds, { title: `${n.name}: share of tagged documents per week`, weekLabel });
  }
  fill(main,
    h('h1', {}, 'Narratives'),
    bar,
    h('p.summary', { role: 'status' },
      `Each narrative's share of the tagged documents per week, per kind of source (bars) and all kinds together (line); ▲ a week a surge test flags against the ${list.baseline_weeks} weeks before it.`),
    list.items.length
      ? h('div.narratives', { id: 'narratives' }, panels)
      : h('p.status', {}, 'No narratives: tag documents with `vigil narratives tag`.'));
  for (const p of panels) p.draw();
  await Promise.all(docsToLoad.map(async ([n, el]) => {
    const page = await get(`/api/v1/narratives/${encodeURIComponent(n.key)}/documents`, { ...pick(params, DOC_FILTERS), limit: 5 });
    if (!ctx.isCurrent()) return;
    fill(el, docList(page.items), page.next_cursor
      ? h('p.small', {}, h('a', { href: `#/narratives/${encodeURIComponent(n.key)}` }, 'All documents →'))
      : null);
  }));
  return null;
}

function kindLegend(kinds) {
  return h('ul.legend', { 'aria-label': 'Kinds of source' },
    kinds.map((k) => h('li', {}, h(`span.swatch.k-${k}`, { 'aria-hidden': 'true' }), label(k))),
    h('li', {}, h('span.swatch.k-all', { 'aria-hidden': 'true' }), 'all kinds (line)'));
}

/** Documents with their matches: excerpts with the matched words marked. */
function docList(items) {
  if (!items.length) return h('p.status', {}, 'No documents carry it in these weeks.');
  return h('ol.hits', {}, items.map((d) => {
    const link = `#/documents/${d.id}`;
    const terms = [...new Set(d.matches.map((m) => m.term))];
    return h('li.hit', { tabindex: '0', 'data-row': '', 'data-href': link, 'data-doc': d.id },
      h('a', { href: link, dir: 'auto' }, d.title || `Document ${d.id}`),
      h('div.meta', {}, `${fmtDate(d.published)} · `, h('span', { dir: 'auto' }, d.source), ` · ${label(d.source_kind)} · ${d.lang} · terms: `,
        h('span.terms', { dir: 'auto' }, terms.join(', '))),
      d.matches.slice(0, 3).map((m) => h('p.passage', { dir: 'auto' },
        m.excerpt_span.start > 0 ? '… ' : '',
        markedText(m.excerpt, [{ start: m.excerpt_span.start, end: m.excerpt_span.end, cls: 'hl', title: `term: ${m.term}` }]),
        ' …')));
  }));
}

async function renderOne(main, route, ctx) {
  const key = route.id;
  const params = route.params;
  const bar = await filterBar(DOC_FILTERS, params, (p) => ctx.navigate('narratives', p, key));
  const cursor = params.get('cursor') || undefined;
  const [list, page] = await Promise.all([
    get('/api/v1/narratives', pick(params, DOC_FILTERS)),
    get(`/api/v1/narratives/${encodeURIComponent(key)}/documents`, { ...pick(params, DOC_FILTERS), cursor }),
  ]);
  const n = list.items.find((x) => x.key === key);
  let next = null;
  if (page.next_cursor) {
    const p = new URLSearchParams(params);
    p.set('cursor', page.next_cursor);
    next = h('p', {}, h('a.more', { href: `#/narratives/${encodeURIComponent(key)}?${p}` }, 'Next page →'));
  }
  fill(main,
    h('p.crumbs', {}, h('a', { href: '#/narratives' }, 'Narratives'), ' / ', h('span', { dir: 'auto' }, n?.name || key)),
    h('h1', { dir: 'auto' }, n?.name || key),
    n?.description ? h('p.muted', { dir: 'auto' }, n.description) : null,
    n ? h('p', {}, h(`span.verdict.${n.rising ? 'rising' : 'steady'}`, { 'data-rising': String(n.rising) }, n.rising ? '▲ rising' : 'not rising'),
      n.rising_weeks.length ? ` · rising in the weeks of ${n.rising_weeks.join(', ')}` : '') : null,
    bar,
    h('div', { id: 'narrative-documents' }, docList(page.items)),
    next);
  return null;
}
