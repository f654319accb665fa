// Small dependency-free SVG charts: the time series of one transect (shoreline distance
// against date, with its LRR line) and the strip of rates along a suco's coast.

import { rateColor } from 'tasi/ramp';

const SVG = 'http://www.w3.org/2000/svg';
const DAYS_PER_YEAR = 365.242199;

// decimalYear follows DSAS (and vector/change.DecimalYear): year + day-of-year/365.242199
// with 1 January as day 1, so the slope drawn here is the slope the server computed.
export function decimalYear(isoDate) {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  const doy = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86400000 + 1;
  return y + doy / DAYS_PER_YEAR;
}

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// niceTicks returns about n round numbers covering [lo, hi].
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    ticks.push(Math.round(v / step) * step);
  }
  return ticks;
}

// timeSeries draws series ([{date, distance_m}]) into container as an SVG, with the LRR
// line: slope lrr (m/yr) through the mean point, which is where the least-squares line
// passes. labels: {title, x, y, trend, points, table, date, distance}; fmt(v, digits)
// formats numbers for the interface language. Returns the svg element.
export function timeSeries(container, { transectId, series, lrr, lci }, labels, fmt) {
  container.replaceChildren();
  const pts = series
    .filter((s) => typeof s.distance_m === 'number' && Number.isFinite(s.distance_m) && s.date)
    .map((s) => ({ t: decimalYear(s.date), d: s.distance_m, date: s.date.slice(0, 10) }))
    .sort((a, b) => a.t - b.t);

  const W = 340;
  const H = 200;
  const M = { l: 46, r: 10, t: 10, b: 34 };
  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img',
    'aria-labelledby': 'chart-svg-title chart-svg-desc', class: 'ts',
    'data-transect-id': transectId, 'data-n-points': pts.length,
  });
  if (typeof lrr === 'number') svg.setAttribute('data-lrr', String(lrr));
  svg.append(el('title', { id: 'chart-svg-title' }, labels.title));
  svg.append(el('desc', { id: 'chart-svg-desc' },
    `${labels.points}: ${pts.length}. ${labels.trend}: ${fmt(lrr, 2)} ${labels.unit}`));
  container.append(svg);
  if (pts.length === 0) return svg;

  let t0 = pts[0].t;
  let t1 = pts[pts.length - 1].t;
  if (t1 - t0 < 1) { t0 -= 0.5; t1 += 0.5; }
  const ds = pts.map((p) => p.d);
  let d0 = Math.min(...ds);
  let d1 = Math.max(...ds);
  const pad = Math.max((d1 - d0) * 0.08, 1);
  d0 -= pad; d1 += pad;
  const x = (t) => M.l + ((t - t0) / (t1 - t0)) * (W - M.l - M.r);
  const y = (d) => H - M.b - ((d - d0) / (d1 - d0)) * (H - M.t - M.b);

  const axes = el('g', { class: 'axes' });
  for (const v of niceTicks(d0, d1, 4)) {
    axes.append(el('line', { x1: M.l, x2: W - M.r, y1: y(v), y2: y(v), class: 'grid' }));
    axes.append(el('text', { x: M.l - 4, y: y(v) + 3, 'text-anchor': 'end' }, fmt(v, 0)));
  }
  for (const v of niceTicks(t0, t1, 5)) {
    axes.append(el('line', { x1: x(v), x2: x(v), y1: H - M.b, y2: H - M.b + 4, class: 'tick' }));
    axes.append(el('text', { x: x(v), y: H - M.b + 14, 'text-anchor': 'middle' }, String(Math.round(v))));
  }
  axes.append(el('line', { x1: M.l, x2: M.l, y1: M.t, y2: H - M.b, class: 'axis' }));
  axes.append(el('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, class: 'axis' }));
  axes.append(el('text', { x: (M.l + W - M.r) / 2, y: H - 4, 'text-anchor': 'middle', class: 'label' }, labels.x));
  axes.append(el('text', {
    x: 0, y: 0, 'text-anchor': 'middle', class: 'label',
    transform: `translate(11 ${(M.t + H - M.b) / 2}) rotate(-90)`,
  }, labels.y));
  svg.append(axes);

  if (typeof lrr === 'number' && Number.isFinite(lrr) && pts.length >= 2) {
    const tm = pts.reduce((s, p) => s + p.t, 0) / pts.length;
    const dm = pts.reduce((s, p) => s + p.d, 0) / pts.length;
    const line = el('line', {
      x1: x(pts[0].t), y1: y(dm + lrr * (pts[0].t - tm)),
      x2: x(pts[pts.length - 1].t), y2: y(dm + lrr * (pts[pts.length - 1].t - tm)),
      class: 'lrr-line',
    });
    line.append(el('title', {}, `${labels.trend}: ${fmt(lrr, 2)}${typeof lci === 'number' ? ` ± ${fmt(lci, 2)}` : ''} ${labels.unit}`));
    svg.append(line);
  }

  const dots = el('g', { class: 'points' });
  for (const p of pts) {
    const c = el('circle', { cx: x(p.t), cy: y(p.d), r: 3, class: 'pt', 'data-date': p.date, 'data-distance': p.d });
    c.append(el('title', {}, `${p.date}: ${fmt(p.d, 1)} m`));
    dots.append(c);
  }
  svg.append(dots);

  // The same numbers as a table, for screen readers and for copying.
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = labels.table;
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of [labels.date, labels.distance]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const p of pts) {
    const row = body.insertRow();
    row.insertCell().textContent = p.date;
    row.insertCell().textContent = fmt(p.d, 1);
  }
  details.append(summary, table);
  container.append(details);
  return svg;
}

// strip draws one bar per transect (in the given order) from zero to its rate, coloured
// by the rate ramp; clicking a bar calls onPick(transectId); fmt formats numbers.
// Keyboard users pick from the list beside it, so the bars are not focusable.
export function strip(container, transects, selectedId, onPick, fmt) {
  container.replaceChildren();
  const W = 340;
  const H = 70;
  const rates = transects.map((t) => t.lrr).filter((v) => typeof v === 'number' && Number.isFinite(v));
  const maxAbs = Math.max(0.5, ...rates.map(Math.abs));
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'strip-svg', 'aria-hidden': 'true' });
  const mid = H / 2;
  const bw = W / Math.max(transects.length, 1);
  svg.append(el('line', { x1: 0, x2: W, y1: mid, y2: mid, class: 'axis' }));
  transects.forEach((tr, i) => {
    const v = tr.lrr;
    const ok = typeof v === 'number' && Number.isFinite(v);
    const h = ok ? (Math.abs(v) / maxAbs) * (mid - 2) : 0;
    const id = String(tr.transect_id);
    const r = el('rect', {
      x: i * bw, y: ok && v > 0 ? mid - h : mid, width: Math.max(bw - 0.5, 0.5), height: Math.max(h, 0.5),
      fill: rateColor(v), class: id === selectedId ? 'bar selected' : 'bar', 'data-transect-id': id,
    });
    r.append(el('title', {}, `${id}: ${fmt(v, 2)}`));
    r.addEventListener('click', () => onPick(id));
    svg.append(r);
  });
  container.append(svg);
  return svg;
}
