// The weekly chart, drawn as SVG by hand: one bar per week, an optional
// baseline band (expected range) and surge marks. Scales with its box.

import { svg, h } from './dom.js';

/** Monday of the ISO week of a YYYY-MM-DD day, as YYYY-MM-DD (UTC). */
export function weekOf(day) {
  const d = new Date(day + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return null;
  const back = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

/** Counts per week over `days`, with empty weeks in between filled with 0. */
export function weekly(days) {
  const counts = new Map();
  for (const day of days) {
    const w = day && weekOf(day);
    if (w) counts.set(w, (counts.get(w) || 0) + 1);
  }
  if (!counts.size) return [];
  const weeks = [...counts.keys()].sort();
  const out = [];
  const d = new Date(weeks[0] + 'T00:00:00Z');
  const last = weeks[weeks.length - 1];
  for (;;) {
    const w = d.toISOString().slice(0, 10);
    out.push({ week: w, count: counts.get(w) || 0 });
    if (w >= last) break;
    d.setUTCDate(d.getUTCDate() + 7);
  }
  return out;
}

/**
 * Draws `series` ([{week, count, band?: [low, high], surge?: bool,
 * note?: string}]) into `el`. `title` names what is counted, `weekLabel`
 * the day the weeks start on ("Wednesdays").
 */
export function drawChart(el, series, { title = 'Reports per week', onWeek, weekLabel = 'Mondays' } = {}) {
  el.replaceChildren();
  const total = series.reduce((a, s) => a + s.count, 0);
  el.dataset.total = String(total);
  el.dataset.weeks = String(series.length);
  el.dataset.surges = String(series.filter((s) => s.surge).length);
  if (!series.length) {
    el.append(h('p.status', {}, 'No dated reports match.'));
    return;
  }
  const W = 640;
  const H = 220;
  const m = { l: 34, r: 10, t: 14, b: 40 };
  const max = Math.max(1, ...series.map((s) => Math.max(s.count, s.band ? s.band[1] : 0)));
  const step = (W - m.l - m.r) / series.length;
  const y = (v) => H - m.b - (v / max) * (H - m.t - m.b);
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${title}: ${series.map((s) => `${s.week} ${s.count}${s.surge ? ' (surge)' : ''}`).join(', ')}`,
  });
  root.append(svg('title', { text: title }));
  // Axis and grid.
  const ticks = niceTicks(max);
  for (const t of ticks) {
    root.append(svg('line', { class: 'grid', x1: m.l, x2: W - m.r, y1: y(t), y2: y(t) }));
    root.append(svg('text', { class: 'tick', x: m.l - 6, y: y(t) + 4, 'text-anchor': 'end', text: t }));
  }
  // Baseline band, as one polygon through the weeks that have one.
  const banded = series.map((s, i) => ({ ...s, i })).filter((s) => s.band);
  if (banded.length) {
    const top = banded.map((s) => `${m.l + s.i * step + step / 2},${y(s.band[1])}`);
    const bottom = banded.slice().reverse().map((s) => `${m.l + s.i * step + step / 2},${y(s.band[0])}`);
    root.append(svg('polygon', { class: 'band', points: [...top, ...bottom].join(' ') },
      svg('title', { text: 'Baseline: the expected range from the previous weeks' })));
  }
  series.forEach((s, i) => {
    const x = m.l + i * step;
    const bw = Math.max(2, step * 0.7);
    const bar = svg('rect', {
      class: 'bar' + (s.surge ? ' surge' : ''),
      x: x + (step - bw) / 2,
      y: y(s.count),
      width: bw,
      height: Math.max(0, H - m.b - y(s.count)),
      'data-week': s.week,
      'data-count': s.count,
    }, svg('title', { text: `Week of ${s.week}: ${s.count}${s.band ? ` (expected ${s.band[0]}–${s.band[1]})` : ''}${s.surge ? ' — SURGE' : ''}${s.note ? '. ' + s.note : ''}` }));
    if (onWeek) {
      bar.setAttribute('tabindex', '0');
      bar.addEventListener('click', () => onWeek(s.week));
      bar.addEventListener('keydown', (e) => { if (e.key === 'Enter') onWeek(s.week); });
    }
    root.append(bar);
    if (s.surge) {
      root.append(svg('text', { class: 'surge-mark', x: x + step / 2, y: y(s.count) - 4, 'text-anchor': 'middle', text: '▲' },
        svg('title', { text: `Surge in the week of ${s.week}` })));
    }
    const every = Math.ceil(series.length / 8);
    if (i % every === 0) {
      root.append(svg('text', { class: 'tick', x: x + step / 2, y: H - m.b + 16, 'text-anchor': 'middle', text: s.week.slice(5) }));
    }
  });
  root.append(svg('line', { class: 'axis', x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
  root.append(svg('text', { class: 'tick', x: m.l, y: H - 6, text: `weeks from ${series[0].week} (${weekLabel})` }));
  el.append(root);
}

function niceTicks(max) {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) || mag;
  const out = [];
  for (let t = 0; t <= max + 1e-9; t += step) out.push(Math.round(t * 100) / 100);
  return out;
}

/** mean ± 2√mean, the spread a Poisson count has around its mean. */
function poissonBand(mean) {
  const sd = Math.sqrt(mean);
  return [Math.max(0, mean - 2 * sd), mean + 2 * sd].map((x) => Math.round(x * 10) / 10);
}

/** The weeks of one series of `/api/v1/tally` as `drawChart` takes them:
 * each with its baseline band and surge mark. */
export function tallyWeeks(weeks) {
  return (weeks ?? []).map((w) => ({
    week: w.start,
    count: w.value,
    band: w.baseline === null || w.baseline === undefined ? null : poissonBand(w.baseline),
    surge: w.surge,
    note: w.surge ? `flagged by ${w.flagged_by.join(', ')}` : (w.baseline != null ? `baseline ${w.baseline.toFixed(1)}` : ''),
  }));
}

/**
 * Draws shares per week and group in the style of `drawChart`: for each
 * week ([{week, total, rising?, groups: {name: share}}]) one bar per group
 * of `groups` (shares 0..1, drawn as percentages), the all-groups share as
 * a line, and ▲ over the weeks flagged rising. Bars get the class
 * `bar k-<group>`; `note(week)` adds to each week's tooltip.
 */
export function drawShareChart(el, weeks, groups, { title = 'Share per week', weekLabel = 'Mondays' } = {}) {
  el.replaceChildren();
  el.dataset.weeks = String(weeks.length);
  el.dataset.groups = String(groups.length);
  el.dataset.rising = String(weeks.filter((w) => w.rising).length);
  if (!weeks.length) {
    el.append(h('p.status', {}, 'No tagged documents in these weeks.'));
    return;
  }
  const W = 640;
  const H = 220;
  const m = { l: 44, r: 10, t: 14, b: 40 };
  const max = Math.max(0.01, ...weeks.flatMap((w) => [w.total, ...Object.values(w.groups)]));
  const step = (W - m.l - m.r) / weeks.length;
  const y = (v) => H - m.b - (v / max) * (H - m.t - m.b);
  const pct = (v) => `${Math.round(v * 1000) / 10}%`;
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart share-chart',
    role: 'img',
    'aria-label': `${title}: ${weeks.map((w) => `${w.week} ${pct(w.total)}${w.rising ? ' (rising)' : ''}`).join(', ')}`,
  });
  root.append(svg('title', { text: title }));
  for (const t of niceTicks(max * 100).map((x) => x / 100)) {
    root.append(svg('line', { class: 'grid', x1: m.l, x2: W - m.r, y1: y(t), y2: y(t) }));
    root.append(svg('text', { class: 'tick', x: m.l - 6, y: y(t) + 4, 'text-anchor': 'end', text: pct(t) }));
  }
  const inner = step * 0.8;
  const bw = Math.max(1.5, inner / Math.max(1, groups.length));
  weeks.forEach((w, i) => {
    const x0 = m.l + i * step + (step - inner) / 2;
    groups.forEach((g, j) => {
      const v = w.groups[g];
      if (v === undefined) return;
      root.append(svg('rect', {
        class: `bar k-${g}`,
        x: x0 + j * bw,
        y: y(v),
        width: Math.max(1, bw - 1),
        height: Math.max(0, H - m.b - y(v)),
        'data-week': w.week,
        'data-group': g,
        'data-share': v,
      }, svg('title', { text: `Week of ${w.week}, ${g.replaceAll('_', ' ')}: ${pct(v)}` })));
    });
    if (w.rising) {
      root.append(svg('text', { class: 'surge-mark', x: m.l + i * step + step / 2, y: y(Math.max(w.total, ...Object.values(w.groups))) - 4, 'text-anchor': 'middle', text: '▲' },
        svg('title', { text: `Rising in the week of ${w.week}` })));
    }
    const every = Math.ceil(weeks.length / 8);
    if (i % every === 0) {
      root.append(svg('text', { class: 'tick', x: m.l + i * step + step / 2, y: H - m.b + 16, 'text-anchor': 'middle', text: w.week.slice(5) }));
    }
  });
  const line = weeks.map((w, i) => `${m.l + i * step + step / 2},${y(w.total)}`).join(' ');
  root.append(svg('polyline', { class: 'share-line', points: line },
    svg('title', { text: 'Share of all tagged documents, every kind of source' })));
  root.append(svg('line', { class: 'axis', x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
  root.append(svg('text', { class: 'tick', x: m.l, y: H - 6, text: `weeks from ${weeks[0].week} (${weekLabel})` }));
  el.append(root);
}
