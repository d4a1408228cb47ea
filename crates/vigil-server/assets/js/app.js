// The dashboard: a fragment router (#/page/id?filters), keyboard
// navigation and display toggles. Each page module exports
// `render(main, route)` and may return a cleanup function.

import { h, fill, status } from './dom.js';
import * as overview from './pages/overview.js';
import * as reports from './pages/reports.js';
import * as documents from './pages/documents.js';
import * as sources from './pages/sources.js';
import * as incidents from './pages/incidents.js';
import * as sites from './pages/sites.js';
import * as alerts from './pages/alerts.js';
import * as narratives from './pages/narratives.js';

const PAGES = { overview, incidents, reports, documents, sources, sites, alerts, narratives };

/** The route in the fragment: {page, id, params}. */
export function parseRoute(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?', 2);
  const [page = 'overview', id = null] = path.split('/').filter(Boolean);
  return { page, id, params: new URLSearchParams(query) };
}

/** Goes to a page, with filters. */
export function navigate(page, params, id = null) {
  const qs = params && [...params].length ? '?' + params.toString() : '';
  location.hash = `#/${page}${id !== null ? '/' + encodeURIComponent(id) : ''}${qs}`;
}

let cleanup = null;
let renderSeq = 0;

async function render() {
  const main = document.getElementById('main');
  const route = parseRoute();
  const mod = PAGES[route.page];
  for (const a of document.querySelectorAll('nav a[data-page]')) {
    if (a.dataset.page === route.page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  const seq = ++renderSeq;
  document.body.dataset.ready = 'false';
  if (!mod) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, 'No such page; ', h('a', { href: '#/overview' }, 'go to the overview'), '.'));
    document.body.dataset.ready = 'true';
    return;
  }
  status(main, 'Loading…');
  try {
    const c = await mod.render(main, route, { navigate, isCurrent: () => seq === renderSeq });
    if (seq === renderSeq) cleanup = c;
    else if (typeof c === 'function') c();
  } catch (e) {
    if (seq !== renderSeq) return;
    console.error(e);
    fill(main, h('h1', {}, 'Something went wrong'), h('p.error', { role: 'alert' }, String(e.message || e)));
  }
  if (seq === renderSeq) {
    document.title = `Vigil · ${main.querySelector('h1')?.textContent || route.page}`;
    document.body.dataset.ready = 'true';
    document.body.dataset.page = route.page;
  }
}

// ---- keyboard ----------------------------------------------------------

function rows() {
  return [...document.querySelectorAll('#main [data-row]')];
}

function moveRow(delta) {
  const all = rows();
  if (!all.length) return;
  const i = all.indexOf(document.activeElement);
  const next = i < 0 ? (delta > 0 ? 0 : all.length - 1) : Math.max(0, Math.min(all.length - 1, i + delta));
  all[next].focus();
  all[next].scrollIntoView({ block: 'nearest' });
}

let pendingG = false;
function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
  if (typing) {
    if (e.key === 'Escape') t.blur();
    return;
  }
  if (pendingG) {
    pendingG = false;
    const page = { o: 'overview', i: 'incidents', r: 'reports', d: 'documents', s: 'sources', w: 'sites', a: 'alerts', n: 'narratives' }[e.key];
    if (page) {
      e.preventDefault();
      navigate(page);
      return;
    }
  }
  switch (e.key) {
    case '/': {
      const f = document.querySelector('#main input[type=search], #main .filters input, #main .filters select');
      if (f) {
        e.preventDefault();
        f.focus();
      }
      break;
    }
    case 'j':
    case 'ArrowDown':
      if (rows().length) {
        e.preventDefault();
        moveRow(1);
      }
      break;
    case 'k':
    case 'ArrowUp':
      if (rows().length) {
        e.preventDefault();
        moveRow(-1);
      }
      break;
    case 'Enter':
      if (t instanceof HTMLElement && t.dataset.href) {
        e.preventDefault();
        location.hash = t.dataset.href;
      }
      break;
    case 'g':
      pendingG = true;
      break;
    case '?':
      toggleHelp();
      break;
    default:
  }
}

// ---- display -----------------------------------------------------------

function toggle(button, cls) {
  const on = !document.documentElement.classList.contains(cls);
  document.documentElement.classList.toggle(cls, on);
  button.setAttribute('aria-pressed', String(on));
  try {
    localStorage.setItem('vigil.' + cls, on ? '1' : '');
  } catch (_) { /* storage may be off */ }
  window.dispatchEvent(new Event('resize'));
}

function toggleHelp() {
  const help = document.getElementById('help');
  const b = document.getElementById('toggle-help');
  help.hidden = !help.hidden;
  b.setAttribute('aria-expanded', String(!help.hidden));
}

function start() {
  for (const [id, cls] of [['toggle-large', 'large'], ['toggle-contrast', 'contrast']]) {
    const b = document.getElementById(id);
    let saved = '';
    try {
      saved = localStorage.getItem('vigil.' + cls) || '';
    } catch (_) { /* storage may be off */ }
    if (saved) {
      document.documentElement.classList.add(cls);
      b.setAttribute('aria-pressed', 'true');
    }
    b.addEventListener('click', () => toggle(b, cls));
  }
  document.getElementById('toggle-help').addEventListener('click', toggleHelp);
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', render);
  if (!location.hash) history.replaceState(null, '', '#/overview');
  render();
}

start();
