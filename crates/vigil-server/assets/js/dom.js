// Building DOM from data without ever parsing data as HTML: every string
// goes in through textContent or an attribute; never innerHTML.

/** h('tag.class', {attrs}, ...children): an element. Children are nodes or
 * strings (text nodes); null and false are skipped. */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = String(dv);
    } else if (k === 'text') {
      el.textContent = String(v);
    } else if (k === 'value') {
      el.value = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Appends nodes and strings; every string goes in as text, with its bidi
 * controls shown as marks (see safeText), wherever it is drawn. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    if (c instanceof Node) el.append(c);
    else el.append(...safeText(String(c)));
  }
  return el;
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** An SVG element. */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

// Explicit bidi embeddings, overrides and isolates. In a hostile document
// they can reorder what an analyst reads (an RLO turns "gnp.exe" around), so
// the text views show each as a visible, labelled mark instead of obeying it.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const BIDI_NAMES = {
  '\u202A': 'LRE', '\u202B': 'RLE', '\u202C': 'PDF', '\u202D': 'LRO', '\u202E': 'RLO',
  '\u2066': 'LRI', '\u2067': 'RLI', '\u2068': 'FSI', '\u2069': 'PDI',
};

/** Text as nodes, with bidi controls shown as marks. */
export function safeText(s) {
  const out = [];
  let last = 0;
  for (const m of String(s).matchAll(BIDI_CONTROLS)) {
    if (m.index > last) out.push(document.createTextNode(s.slice(last, m.index)));
    const cp = m[0].codePointAt(0).toString(16).toUpperCase();
    const mark = document.createElement('span');
    mark.className = 'ctl';
    mark.title = `U+${cp} (a bidi control, shown, not applied)`;
    mark.textContent = `⟦${BIDI_NAMES[m[0]]}⟧`;
    out.push(mark);
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(document.createTextNode(s.slice(last)));
  return out;
}

/** A block of untrusted text: its own direction (dir=auto), wrapped anywhere. */
export function textBlock(spec, s, attrs = {}) {
  return h(spec, { dir: 'auto', ...attrs }, safeText(s ?? ''));
}

/**
 * Text with marked spans. `marks` are {start, end, cls, title} in Unicode
 * code points (the API's unit); overlapping marks are nested by splitting
 * the text at every boundary.
 */
export function markedText(text, marks) {
  const cps = Array.from(text ?? '');
  const cuts = new Set([0, cps.length]);
  const ms = marks
    .filter((m) => m.end > m.start && m.start < cps.length)
    .map((m) => ({ ...m, end: Math.min(m.end, cps.length) }));
  for (const m of ms) { cuts.add(m.start); cuts.add(m.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = cps.slice(a, b).join('');
    const covering = ms.filter((m) => m.start <= a && m.end >= b);
    if (!covering.length) {
      out.push(...safeText(piece));
      continue;
    }
    const classes = [...new Set(covering.map((m) => m.cls))].join(' ');
    const title = [...new Set(covering.map((m) => m.title).filter(Boolean))].join('; ');
    out.push(h('mark.' + classes.split(' ').join('.'), { title: title || null }, safeText(piece)));
  }
  return out;
}

export function fmtDate(iso) {
  if (!iso) return '—';
  return String(iso).slice(0, 10);
}

export function label(s) {
  return String(s ?? '').replaceAll('_', ' ');
}

/** A status line inside `el`. */
export function status(el, msg, cls = '') {
  fill(el, h('p.status' + (cls ? '.' + cls : ''), { role: 'status' }, msg));
}

/**
 * A table whose rows are focusable (j/k move between them, Enter opens).
 * columns: [{label, cell(row) -> node|string, sort?: key, cls?}];
 * href(row) -> '#/…' for the row's page; sort: {key, desc, onSort(key)}.
 */
export function table(columns, rows, { href, sort, caption, id } = {}) {
  const head = h('tr', {}, columns.map((c) => {
    if (!c.sort || !sort) return h('th', { scope: 'col' }, c.label);
    const active = sort.key === c.sort;
    return h('th', { scope: 'col', 'aria-sort': active ? (sort.desc ? 'descending' : 'ascending') : null },
      h('button.sort', { type: 'button', on: { click: () => sort.onSort(c.sort) } },
        c.label, active ? (sort.desc ? ' ▼' : ' ▲') : ''));
  }));
  const body = h('tbody', {}, rows.map((r) => {
    const link = href ? href(r) : null;
    const tr = h('tr', {
      tabindex: link ? '0' : null,
      'data-row': link ? '' : null,
      'data-href': link,
    }, columns.map((c) => h('td' + (c.cls ? '.' + c.cls : ''), {}, c.cell(r))));
    if (link) {
      tr.addEventListener('click', (e) => {
        if (e.target instanceof HTMLAnchorElement) return;
        location.hash = link;
      });
    }
    return tr;
  }));
  return h('table.data', { id: id || null },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, head), body);
}

/** A place as written, with the gazetteer's name beside it where that
 * differs: "الحسكة (Al-Hasakah)". Both isolated, so neither reorders the
 * other. */
export function placeName(p, none = '—') {
  if (!p) return h('span.place', {}, none);
  const g = p.gazetteer_name && p.gazetteer_name !== p.name ? p.gazetteer_name : null;
  return h('span.place', {}, h('bdi', {}, p.name || none), g ? h('span.gazetteer-name', {}, ' (', h('bdi', {}, g), ')') : '');
}

/** The analyst's name remembered in this browser, or ''. */
export function analystName() {
  try {
    return localStorage.getItem('vigil.analyst') || '';
  } catch (_) {
    return '';
  }
}

/** The name in the input `who`, remembered for next time; null (and `msg`
 * asks for it) when empty: `what` are recorded with who made them. */
export function askAnalyst(who, msg, what) {
  const name = who.value.trim();
  if (!name) {
    fill(msg, `Give your name first: ${what} are recorded with who made them.`);
    msg.className = 'review-status error';
    who.focus();
    return null;
  }
  try {
    localStorage.setItem('vigil.analyst', name);
  } catch (_) { /* storage may be off */ }
  return name;
}
