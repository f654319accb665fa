// The planners' map: admin units coloured by mean rate, transects, shorelines and
// localities from the server's vector tiles; the communities at risk by a horizon from the
// API's at-risk list, with the zones the sea may reach (the tiles' hazard layer, when the
// server has it); a side panel with a suco's statistics, its communities at risk and the
// time series of a transect; links to download the at-risk list of what is on screen.
// Test hooks: window.tasiMap (the MapLibre map), window.tasiReady (a promise resolved once
// the tiles of the latest run have rendered), window.tasiAtRiskReady (resolved once the
// first at-risk list is on the map, with {year, count} or {error}), and data-* attributes
// on the panel (data-pcode, data-mean-lrr, data-transect-id, data-at-risk) and on
// #download (data-horizon, data-municipality). Plans are plans.js's.

import * as maplibregl from 'maplibre-gl';
import { I18n } from 'tasi/i18n';
import { RATE_STOPS, YEAR_STOPS, NO_DATA, rateExpression, yearExpression, cssGradient, rateColor } from 'tasi/ramp';
import { timeSeries, strip } from 'tasi/chart';
import { Plans } from 'tasi/plans';

const SOURCE = 'tasi';
// The at-risk communities of the selected horizon: /api/v1/at-risk?format=geojson.
const ATRISK = 'atrisk';
// Style layers of the tiles' hazard layer (fields horizon_year; band: false or 0 for the
// best estimate, true or 1 for the band edge), filtered by the selected horizon. The
// server's style may define them; else the map draws its own when the tiles have a hazard
// layer, and none when they do not.
const HAZARD_LAYERS = ['hazard-band', 'hazard-best'];
const HAZARD_COLORS = { best: '#542788', band: '#b2abd2', line: '#2d004b' };
// Severity of a community at risk: dark to light magenta, apart from the red-blue rate
// ramp under them; each point has a dark ring and a white halo, so it stands out on any
// fill (WCAG 1.4.11).
const SEVERITY_COLORS = { high: '#7a0177', medium: '#c51b8a', low: '#fcc5c0', none: '#bdbdbd' };
const SEA = '#cfe0ea';
// Timor-Leste with Oecussi and Atauro, for when the style's source has no bounds.
const TL_BOUNDS = [[124.0, -9.55], [127.35, -8.1]];
// Which map layers each switch controls; all are ours, on source "tasi".
const LAYER_GROUPS = {
  admin: ['tasi-admin-fill', 'tasi-admin-line', 'tasi-admin-selected'],
  transects: ['tasi-transects', 'tasi-transects-selected'],
  shorelines: ['tasi-shorelines'],
  localities: ['tasi-localities'],
  atrisk: ['tasi-atrisk-halo', 'tasi-atrisk'],
  hazard: HAZARD_LAYERS,
};
const CLICK_TOLERANCE_PX = 5;

const $ = (id) => document.getElementById(id);

let resolveReady;
let rejectReady;
window.tasiReadyFlag = false;
window.tasiReady = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
window.tasiReady.catch(() => { /* reported in the page; a test awaiting it sees the rejection */ });
let resolveAtRisk;
window.tasiAtRiskReady = new Promise((resolve) => { resolveAtRisk = resolve; });

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// assetURL resolves a file beside this module, keeping its ?v= cache key.
function assetURL(name) {
  const self = new URL(import.meta.url);
  const u = new URL(`./${name}`, self);
  u.search = self.search;
  return u.href;
}

class HTTPError extends Error {
  constructor(url, status, message) {
    super(`${url}: ${message || `HTTP ${status}`}`);
    this.status = status;
  }
}

// getJSON fetches an API path relative to the page, so the map also works under a path
// prefix behind a proxy.
async function getJSON(path, params = {}) {
  const u = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  const res = await fetch(u, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let msg = '';
    try {
      const body = await res.json();
      msg = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message ?? '');
    } catch { /* not JSON */ }
    throw new HTTPError(u.pathname, res.status, msg);
  }
  return res.json();
}

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// atRiskRadius sizes a community's circle by its households at risk (area about
// proportional; unknown counts get the smallest), a little larger as the map zooms in.
function atRiskRadius(extra = 0) {
  const r = ['interpolate', ['linear'], ['sqrt', ['to-number', ['coalesce', ['get', 'households_at_risk'], 0], 0]],
    0, 4, 5, 7, 10, 10, 20, 15];
  return ['interpolate', ['linear'], ['zoom'], 7, ['+', ['*', 0.8, r], extra], 14, ['+', ['*', 1.4, r], extra]];
}

// asExpression turns the simple legacy filters a style may hold (["==", "band", 1],
// ["in", "band", 0, 1], under "all" or "any") into expressions, which can be combined
// with the horizon's; anything else is returned as it is.
function asExpression(f) {
  if (!Array.isArray(f) || f.length < 2) return f;
  const [op, ...args] = f;
  if (op === 'all' || op === 'any') return [op, ...args.map(asExpression)];
  if (typeof args[0] !== 'string') return f;
  const key = args[0] === '$type' ? ['geometry-type'] : ['get', args[0]];
  if (['==', '!=', '<', '<=', '>', '>='].includes(op) && args.length === 2 && !Array.isArray(args[1])) {
    return [op, key, args[1]];
  }
  if (op === 'in' && args.length > 1 && args.slice(1).every((v) => !Array.isArray(v))) {
    return ['match', key, args.slice(1), true, false];
  }
  return f;
}

// withoutHorizon drops the horizon clauses from a layer's filter, keeping the rest (the
// band), so that the horizon filter can be set again and again.
function withoutHorizon(filter) {
  if (!Array.isArray(filter)) return null;
  if (JSON.stringify(filter).includes('horizon_year')) {
    if (filter[0] !== 'all') return null;
    const rest = filter.slice(1).filter((c) => !JSON.stringify(c).includes('horizon_year'));
    return rest.length === 0 ? null : ['all', ...rest];
  }
  return filter;
}

function compareIds(a, b) {
  const x = Number(a);
  const y = Number(b);
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return String(a).localeCompare(String(b));
}

class App {
  constructor(i18n) {
    this.i18n = i18n;
    this.run = null; // {id, finished, …}
    this.units = []; // from /api/v1/units, most eroding first
    this.unit = null; // the selected unit as the API returned it (plus feature props)
    this.transect = null; // the selected transect with its series
    this.seq = 0; // guards against out-of-order responses
    this.atRisk = null; // {year, horizons, features} of the list on the map
    this.atRiskSeq = 0;
    this.hazardBase = {}; // each hazard layer's filter without the horizon
    this.plans = new Plans(this); // NFI depots and relocation sites
  }

  t(key, vars) { return this.i18n.t(key, vars); }

  showError(msg) {
    const box = $('error');
    box.textContent = msg;
    box.hidden = false;
  }

  async start() {
    this.i18n.apply(document);
    const langSelect = $('lang-select');
    langSelect.value = this.i18n.lang;
    langSelect.addEventListener('change', () => this.i18n.setLanguage(langSelect.value));
    this.i18n.onChange(() => this.relabel());
    this.drawLegend();

    const { runs = [] } = await getJSON('api/v1/runs');
    // The server lists runs latest first: its first succeeded run is the one latest names.
    // Ids say nothing of age (a GeoPackage's come from its SHA-256), so keep that order.
    const ok = runs.filter((r) => r.status === undefined || r.status === 'succeeded');
    this.run = ok[0] || null;
    if (!this.run) {
      this.showError(this.t('no_runs'));
      throw new Error('no succeeded run');
    }
    this.showRunLabel();

    // The style of this run, not of latest: the panel and the tiles then draw one run even
    // when a new one is loaded between the two requests.
    const styleURL = new URL(`styles/tasi.json?run=${encodeURIComponent(this.run.id)}`, document.baseURI).href;
    const style = await this.buildStyle(styleURL);
    this.createMap(style);
    this.bindControls();
    // The list is a convenience: the map works without it.
    this.loadUnits().catch((err) => this.showError(this.t('load_error', { msg: err.message })));
    this.loadAtRisk();
  }

  showRunLabel() {
    const r = this.run;
    const date = typeof r.finished === 'string' ? r.finished.slice(0, 10) : '';
    $('run-label').textContent = this.t('run_label', { id: r.id, date });
  }

  // buildStyle takes only the "tasi" source from the server's style and draws our own
  // layers on it, so nothing here depends on the server's layer ids.
  async buildStyle(styleURL) {
    const res = await fetch(styleURL);
    if (!res.ok) throw new HTTPError(styleURL, res.status);
    const server = await res.json();
    const src = server.sources?.[SOURCE];
    if (!src) throw new Error(`${styleURL}: no source "${SOURCE}"`);
    const source = { ...src };
    // Tile and TileJSON URLs may be relative to the style; MapLibre's workers need them
    // absolute.
    if (Array.isArray(source.tiles)) source.tiles = source.tiles.map((u) => absoluteTemplate(u, styleURL));
    if (typeof source.url === 'string') source.url = new URL(source.url, styleURL).href;
    this.sourceBounds = Array.isArray(source.bounds) && source.bounds.length === 4
      ? [[source.bounds[0], source.bounds[1]], [source.bounds[2], source.bounds[3]]]
      : TL_BOUNDS;
    const rate = rateExpression('mean_lrr');
    const hazard = await this.hazardLayers(server);
    return {
      version: 8,
      name: 'tasi',
      sources: {
        [SOURCE]: source,
        // Bundled land outline (64 kB): inland areas read as land even where the admin
        // layer has only the coastal units of the run. Nothing comes from the internet.
        land: { type: 'geojson', data: assetURL('land.geojson') },
        [ATRISK]: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      },
      layers: [
        { id: 'tasi-sea', type: 'background', paint: { 'background-color': SEA } },
        { id: 'tasi-land', type: 'fill', source: 'land', paint: { 'fill-color': NO_DATA } },
        {
          id: 'tasi-admin-fill', type: 'fill', source: SOURCE, 'source-layer': 'admin',
          paint: { 'fill-color': rate, 'fill-opacity': 0.9 },
        },
        {
          id: 'tasi-shorelines', type: 'line', source: SOURCE, 'source-layer': 'shorelines',
          layout: { visibility: 'none', 'line-join': 'round' },
          paint: {
            'line-color': yearExpression(),
            'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.6, 14, 1.6],
            'line-opacity': 0.8,
          },
        },
        {
          id: 'tasi-admin-line', type: 'line', source: SOURCE, 'source-layer': 'admin',
          paint: {
            'line-color': '#6b6b6b',
            'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.3, 12, 1],
          },
        },
        {
          // The selected unit, by P-code: a filter reaches every tile piece of the polygon.
          id: 'tasi-admin-selected', type: 'line', source: SOURCE, 'source-layer': 'admin',
          filter: ['==', ['get', 'pcode'], ''],
          layout: { 'line-join': 'round' },
          paint: {
            'line-color': '#111111',
            'line-width': ['interpolate', ['linear'], ['zoom'], 7, 2, 12, 3.5],
          },
        },
        {
          id: 'tasi-transects', type: 'line', source: SOURCE, 'source-layer': 'transects',
          minzoom: 10, // the tiles carry transects from zoom 10 (tiles/registry.go)
          layout: { 'line-cap': 'round' },
          paint: {
            'line-color': rateExpression('lrr'),
            'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 13, 3, 16, 6],
          },
        },
        {
          id: 'tasi-transects-selected', type: 'line', source: SOURCE, 'source-layer': 'transects',
          minzoom: 10,
          filter: ['==', ['to-string', ['get', 'transect_id']], ''],
          paint: { 'line-color': '#000000', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 9] },
        },
        // Above the transects: where the sea may reach by the horizon is what the map is
        // read for once a horizon is chosen; the transects still show seaward of it.
        ...hazard,
        {
          id: 'tasi-localities', type: 'circle', source: SOURCE, 'source-layer': 'localities',
          minzoom: 8,
          paint: {
            'circle-radius': ['match', ['to-string', ['get', 'kind']], '1', 6, '2', 5, '3', 4, 3],
            'circle-color': '#333333',
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1.2,
          },
        },
        {
          id: 'tasi-atrisk-halo', type: 'circle', source: ATRISK,
          layout: { 'circle-sort-key': ['match', ['get', 'severity'], 'high', 3, 'medium', 2, 'low', 1, 0] },
          paint: { 'circle-radius': atRiskRadius(2), 'circle-color': '#ffffff', 'circle-opacity': 0.95 },
        },
        {
          id: 'tasi-atrisk', type: 'circle', source: ATRISK,
          layout: { 'circle-sort-key': ['match', ['get', 'severity'], 'high', 3, 'medium', 2, 'low', 1, 0] },
          paint: {
            'circle-radius': atRiskRadius(),
            'circle-color': ['match', ['get', 'severity'], 'high', SEVERITY_COLORS.high, 'medium', SEVERITY_COLORS.medium,
              'low', SEVERITY_COLORS.low, SEVERITY_COLORS.none],
            'circle-stroke-color': '#1d2327',
            'circle-stroke-width': 1.2,
          },
        },
      ],
    };
  }

  // hazardLayers returns the style layers of the tiles' hazard zones: the server style's
  // hazard-band and hazard-best when it has them, else ours when the tiles carry a hazard
  // layer (TileJSON vector_layers), else none: the map works the same without them. The
  // server colours zones by horizon, for a map that shows them all; this one shows one
  // horizon at a time, so it colours them by band, as its legend says.
  async hazardLayers(server) {
    const paint = {
      'hazard-band': { 'fill-color': HAZARD_COLORS.band, 'fill-opacity': 0.8, 'fill-outline-color': HAZARD_COLORS.line },
      'hazard-best': { 'fill-color': HAZARD_COLORS.best, 'fill-opacity': 0.85, 'fill-outline-color': HAZARD_COLORS.line },
    };
    const theirs = (server.layers || []).filter((l) => HAZARD_LAYERS.includes(l.id) && l.source === SOURCE);
    if (theirs.length) {
      return HAZARD_LAYERS.map((id) => theirs.find((l) => l.id === id)).filter(Boolean)
        .map((l) => ({ ...l, paint: { ...(l.paint || {}), ...paint[l.id] } }));
    }
    let ids = [];
    try {
      const res = await fetch(new URL('tiles/tasi.json', document.baseURI));
      if (res.ok) ids = ((await res.json()).vector_layers || []).map((l) => l.id);
    } catch { /* no TileJSON: no hazard layer */ }
    if (!ids.includes('hazard')) return [];
    const band = (b) => ['==', ['to-number', ['get', 'band'], -1], b]; // 0/1 or false/true
    return [
      { id: 'hazard-band', type: 'fill', source: SOURCE, 'source-layer': 'hazard', filter: band(1), paint: paint['hazard-band'] },
      { id: 'hazard-best', type: 'fill', source: SOURCE, 'source-layer': 'hazard', filter: band(0), paint: paint['hazard-best'] },
    ];
  }

  createMap(style) {
    const map = new maplibregl.Map({
      container: 'map',
      style,
      bounds: this.sourceBounds,
      fitBoundsOptions: { padding: 16 },
      maxZoom: 17,
      attributionControl: { compact: true }, // the source carries the attribution
      locale: this.mapLocale(),
      transformRequest: (url) => ({ url: new URL(url, document.baseURI).href }),
    });
    window.tasiMap = map;
    this.map = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');

    map.on('error', (e) => {
      const msg = e?.error?.message || String(e?.error || 'map error');
      console.error('tasi map:', msg);
      if (e?.sourceId === SOURCE && !this.tileErrorShown) {
        this.tileErrorShown = true;
        this.showError(this.t('load_error', { msg }));
      }
    });

    map.on('load', () => {
      const check = () => {
        if (!map.getSource(SOURCE) || !map.isSourceLoaded(SOURCE)) return;
        map.off('idle', check);
        const admin = map.queryRenderedFeatures({ layers: ['tasi-admin-fill'] }).length;
        window.tasiReadyFlag = true;
        document.documentElement.dataset.tasiReady = 'true';
        resolveReady({ run: this.run.id, adminFeatures: admin });
      };
      map.on('idle', check);
      this.applyLayerSwitches();
      this.plans.install(map);
    });

    map.on('click', (e) => this.onMapClick(e));
    // The municipality on screen is known once the new view's tiles have rendered.
    map.on('moveend', () => map.once('idle', () => this.updateDownload()));
    for (const id of ['tasi-admin-fill', 'tasi-transects', 'tasi-localities', 'tasi-atrisk']) {
      map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
    }
    this.popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, offset: 8 });
    map.on('mousemove', 'tasi-localities', (e) => {
      const f = e.features?.[0];
      if (!f) return;
      const kind = String(f.properties.kind ?? '');
      const label = ['1', '2', '3', '4'].includes(kind) ? this.t(`kind_${kind}`) : this.t('locality');
      const div = document.createElement('div');
      const b = document.createElement('strong');
      b.textContent = f.properties.name ?? '';
      div.append(b, document.createElement('br'), label);
      this.popup.setLngLat(e.lngLat).setDOMContent(div).addTo(map);
    });
    map.on('mouseleave', 'tasi-localities', () => this.popup.remove());
    map.on('mousemove', 'tasi-atrisk', (e) => {
      const f = e.features?.[0];
      if (f) this.popup.setLngLat(f.geometry.coordinates).setDOMContent(this.atRiskPopup(f.properties)).addTo(map);
    });
    map.on('mouseleave', 'tasi-atrisk', () => this.popup.remove());
  }

  // atRiskPopup describes a community at risk: name, suco, when the sea reaches it, the
  // probability by the selected horizon, people and households at risk, severity.
  atRiskPopup(p) {
    const i = this.i18n;
    const div = document.createElement('div');
    div.className = 'atrisk-popup';
    const b = document.createElement('strong');
    b.textContent = p.community_name ?? '';
    div.append(b);
    const line = (label, value) => {
      div.append(document.createElement('br'), `${label}: ${value}`);
    };
    line(this.t('suco'), `${p.suco_name ?? '–'}${p.municipality_name ? ` (${p.municipality_name})` : ''}`);
    line(this.t('year_reached'), this.yearText(p.year_reached));
    line(this.t('probability_by', { year: this.atRisk?.year ?? '' }), this.probText(p.p_reached));
    line(this.t('people_at_risk'), i.num(p.people_at_risk));
    line(this.t('households_at_risk'), i.num(p.households_at_risk));
    line(this.t('severity'), this.severityText(p.severity));
    return div;
  }

  yearText(v) { return isNum(v) ? String(Math.floor(v)) : '–'; }

  probText(v) { return isNum(v) ? `${this.i18n.num(v * 100)} %` : '–'; }

  severityText(s) {
    return ['high', 'medium', 'low', 'none'].includes(s) ? this.t(`severity_${s}`) : '–';
  }

  bindControls() {
    for (const box of document.querySelectorAll('input[data-layer]')) {
      box.addEventListener('change', () => this.applyLayerSwitches());
    }
    $('unit-select').addEventListener('change', (e) => {
      if (e.target.value) this.selectUnit(e.target.value, { fly: true });
    });
    $('municipality-select').addEventListener('change', () => {
      this.fillUnitSelect();
      this.updateDownload();
    });
    $('horizon-select').addEventListener('change', (e) => {
      if (e.target.value) this.loadAtRisk(Number(e.target.value));
    });
    $('transect-select').addEventListener('change', (e) => {
      if (e.target.value) this.selectTransect(e.target.value);
    });
    $('panel-close').addEventListener('click', () => this.clearSelection());
    this.plans.bind();
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.unit) this.clearSelection();
    });
  }

  applyLayerSwitches() {
    if (!this.map?.isStyleLoaded()) return;
    for (const box of document.querySelectorAll('input[data-layer]')) {
      for (const id of LAYER_GROUPS[box.dataset.layer] || []) {
        if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', box.checked ? 'visible' : 'none');
      }
    }
    $('legend-years').hidden = !$('layer-shorelines').checked;
    const hazard = HAZARD_LAYERS.some((id) => this.map.getLayer(id));
    $('layer-hazard-label').hidden = !hazard;
    $('legend-hazard').hidden = !hazard || !$('layer-hazard').checked;
    $('legend-atrisk').hidden = !$('layer-atrisk').checked;
  }

  drawLegend() {
    $('legend-ramp').style.background = cssGradient(RATE_STOPS);
    $('legend-nodata').style.background = NO_DATA;
    const lo = RATE_STOPS[0][0];
    const hi = RATE_STOPS[RATE_STOPS.length - 1][0];
    this.drawTicks($('legend-ticks'), RATE_STOPS, lo, hi, (v, i, n) => {
      const s = this.i18n.signed(v, Number.isInteger(v) ? 0 : 1).replace('-', '−');
      if (i === 0) return `≤${s}`;
      if (i === n - 1) return `≥${s}`;
      return s;
    });
    $('legend-ramp').setAttribute('aria-label',
      `${this.t('legend_rate')}: ${this.t('erosion')} ${RATE_STOPS[0][0]} … ${this.t('accretion')} +${hi}`);
    $('legend-years-ramp').style.background = cssGradient(YEAR_STOPS);
    this.drawTicks($('legend-years-ticks'), YEAR_STOPS, YEAR_STOPS[0][0], YEAR_STOPS[YEAR_STOPS.length - 1][0],
      (v) => String(v));
    $('legend-years-ramp').setAttribute('aria-label',
      `${this.t('layer_shorelines')}: ${YEAR_STOPS[0][0]}–${YEAR_STOPS[YEAR_STOPS.length - 1][0]}`);
  }

  drawTicks(box, stops, lo, hi, label) {
    box.replaceChildren();
    stops.forEach(([v], i) => {
      if (!Number.isInteger(v)) return; // ±0.5 would crowd 0; the ramp shows them
      const s = document.createElement('span');
      s.style.left = `${((v - lo) / (hi - lo)) * 100}%`;
      s.textContent = label(v, i, stops.length);
      box.append(s);
    });
  }

  async loadUnits() {
    let body;
    try {
      body = await getJSON('api/v1/units', { run: this.run.id, sort: 'mean_lrr', limit: 1000 });
    } catch (err) {
      if (!(err instanceof HTTPError) || err.status !== 400) throw err;
      body = await getJSON('api/v1/units', { run: this.run.id, sort: 'mean_lrr' });
    }
    const units = body.units || [];
    // Most eroding first; units without a rate last.
    units.sort((a, b) => (isNum(a.mean_lrr) ? a.mean_lrr : Infinity) - (isNum(b.mean_lrr) ? b.mean_lrr : Infinity));
    this.units = units;
    const munis = new Map();
    for (const u of units) if (u.municipality_pcode) munis.set(u.municipality_pcode, u.municipality ?? u.municipality_pcode);
    const ms = $('municipality-select');
    for (const [code, name] of [...munis].sort((a, b) => a[1].localeCompare(b[1]))) {
      const o = document.createElement('option');
      o.value = code;
      o.textContent = name;
      ms.append(o);
    }
    this.municipalities = munis;
    this.fillUnitSelect();
  }

  fillUnitSelect() {
    const sel = $('unit-select');
    const muni = $('municipality-select').value;
    const keep = sel.value;
    sel.replaceChildren();
    const first = document.createElement('option');
    first.value = '';
    first.dataset.i18n = 'choose';
    first.textContent = this.t('choose');
    sel.append(first);
    for (const u of this.units) {
      if (muni && u.municipality_pcode !== muni) continue;
      const o = document.createElement('option');
      o.value = u.pcode;
      o.textContent = `${u.name} (${u.municipality ?? ''}) ${this.i18n.signed(u.mean_lrr)} ${this.t('unit_rate')}`;
      sel.append(o);
    }
    sel.value = keep;
  }

  onMapClick(e) {
    const map = this.map;
    const p = e.point;
    const box = [[p.x - CLICK_TOLERANCE_PX, p.y - CLICK_TOLERANCE_PX], [p.x + CLICK_TOLERANCE_PX, p.y + CLICK_TOLERANCE_PX]];
    const layers = ['tasi-atrisk', 'tasi-transects', 'tasi-admin-fill'].filter((id) => map.getLayer(id)
      && map.getLayoutProperty(id, 'visibility') !== 'none');
    const feats = map.queryRenderedFeatures(box, { layers });
    // A community at risk selects its suco; within the selected suco, a click on a
    // transect under it picks the transect.
    const community = feats.find((f) => f.layer.id === 'tasi-atrisk');
    const sucoCode = community?.properties.suco_code;
    if (sucoCode && (sucoCode !== this.unit?.pcode || !feats.some((f) => f.layer.id === 'tasi-transects'))) {
      this.selectUnit(sucoCode);
      return;
    }
    const tr = feats.find((f) => f.layer.id === 'tasi-transects');
    if (tr) {
      const id = String(tr.properties.transect_id);
      const pcode = tr.properties.pcode;
      if (pcode && pcode !== this.unit?.pcode) {
        this.selectUnit(pcode, { transectId: id });
      } else {
        this.selectTransect(id);
      }
      return;
    }
    const adminHits = map.queryRenderedFeatures(e.point, { layers: layers.filter((l) => l === 'tasi-admin-fill') });
    const unit = adminHits[0];
    if (unit) this.selectUnit(unit.properties.pcode, { feature: unit });
  }

  // adminFeature finds the pcode's polygons among the loaded tiles: its props and the
  // bounds of all its pieces (tiles clip polygons, so one unit can be many features).
  adminFeature(pcode) {
    const feats = this.map.querySourceFeatures(SOURCE, { sourceLayer: 'admin', filter: ['==', ['get', 'pcode'], pcode] });
    if (!feats.length) return null;
    const b = new maplibregl.LngLatBounds();
    for (const f of feats) {
      const walk = (c) => { if (typeof c[0] === 'number') b.extend(c); else c.forEach(walk); };
      walk(f.geometry.coordinates);
    }
    return { properties: feats[0].properties, bounds: b };
  }

  setAdminSelected(pcode) {
    if (this.map.getLayer('tasi-admin-selected')) {
      this.map.setFilter('tasi-admin-selected', ['==', ['get', 'pcode'], pcode ?? '']);
    }
  }

  async selectUnit(pcode, { feature = null, fly = false, transectId = null } = {}) {
    const seq = ++this.seq;
    const found = this.adminFeature(pcode);
    const props = feature?.properties ?? found?.properties ?? {};
    this.setAdminSelected(pcode);
    if (fly && found) this.map.fitBounds(found.bounds, { padding: 60, maxZoom: 12 });

    $('unit-select').value = [...$('unit-select').options].some((o) => o.value === pcode) ? pcode : '';
    let unit;
    // The tile says whether the unit has transects: an inland suco has no row in the run,
    // so there is nothing to ask the API.
    const inland = 'pcode' in props && !(Number(props.n_transects) > 0) && !('mean_lrr' in props);
    try {
      unit = inland ? { pcode, transects: [], noStats: true }
        : await getJSON(`api/v1/units/${encodeURIComponent(pcode)}`, { run: this.run.id });
    } catch (err) {
      if (!(err instanceof HTTPError) || err.status !== 404) {
        this.showError(this.t('load_error', { msg: err.message }));
        return;
      }
      unit = { pcode, transects: [], noStats: true };
    }
    if (seq !== this.seq) return;
    this.unit = {
      ...unit,
      pcode: unit.pcode ?? pcode,
      name: unit.name ?? props.name,
      municipality: unit.municipality ?? props.region_name,
      municipality_pcode: unit.municipality_pcode ?? props.region_pcode ?? null,
      posto: unit.posto ?? unit.parent_name ?? props.parent_name,
      population: unit.population ?? props.population ?? null,
      households: unit.households ?? props.households ?? null,
    };
    this.transect = null;
    this.renderUnit();
    if (fly && !found) this.flyToTransects(pcode, this.unit.transects || []);
    const list = this.unit.transects || [];
    const want = transectId ?? null;
    if (want && list.some((t) => String(t.transect_id) === want)) {
      await this.selectTransect(want);
    } else {
      this.setTransectSelected(null);
    }
  }

  // flyToTransects frames a unit whose polygon is not in the loaded tiles (simplified away
  // at a low zoom, or far off screen) by its transects' positions.
  flyToTransects(pcode, transects) {
    const pts = transects.filter((t) => isNum(t.lon) && isNum(t.lat));
    if (!pts.length) return;
    const b = new maplibregl.LngLatBounds();
    for (const t of pts) b.extend([t.lon, t.lat]);
    this.map.fitBounds(b, { padding: 80, maxZoom: 12 });
  }

  clearSelection() {
    this.seq++;
    this.unit = null;
    this.transect = null;
    this.setAdminSelected(null);
    this.setTransectSelected(null);
    const panel = $('panel');
    delete panel.dataset.pcode;
    delete panel.dataset.meanLrr;
    delete panel.dataset.transectId;
    $('panel-title').textContent = this.t('suco');
    $('panel-title').dataset.i18n = 'suco';
    $('panel-empty').hidden = false;
    $('unit-details').hidden = true;
    $('panel-close').hidden = true;
    $('unit-select').value = '';
    delete panel.dataset.atRisk;
    this.updateDownload();
  }

  renderUnit() {
    const u = this.unit;
    if (!u) return;
    const i = this.i18n;
    const panel = $('panel');
    panel.dataset.pcode = u.pcode;
    panel.dataset.meanLrr = isNum(u.mean_lrr) ? String(u.mean_lrr) : '';
    delete $('panel-title').dataset.i18n;
    $('panel-title').textContent = u.name ?? u.pcode;
    $('panel-empty').hidden = true;
    $('unit-details').hidden = false;
    $('panel-close').hidden = false;

    const pc = $('unit-pcode');
    pc.textContent = u.pcode;
    pc.dataset.pcode = u.pcode;
    $('unit-posto').textContent = u.posto ?? '–';
    $('unit-municipality').textContent = u.municipality ?? '–';

    const rate = $('unit-mean-lrr');
    rate.replaceChildren();
    rate.dataset.meanLrr = isNum(u.mean_lrr) ? String(u.mean_lrr) : '';
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = rateColor(u.mean_lrr);
    const unc = isNum(u.mean_lrr_unc) ? ` ± ${i.num(u.mean_lrr_unc, 2)}` : '';
    rate.append(sw, ` ${i.signed(u.mean_lrr)}${unc} ${this.t('unit_rate')}`);
    if (isNum(u.mean_lrr)) {
      const word = document.createElement('span');
      word.className = u.mean_lrr < 0 ? 'tag erosion' : 'tag accretion';
      word.textContent = this.t(u.mean_lrr < 0 ? 'erosion' : 'accretion');
      rate.append(' ', word);
    }
    $('unit-pct-eroding').textContent = isNum(u.pct_eroding) ? `${i.num(u.pct_eroding, 1)} %` : '–';
    $('unit-pct-sig-eroding').textContent = isNum(u.pct_sig_eroding) ? `${i.num(u.pct_sig_eroding, 1)} %` : '–';
    $('unit-n-transects').textContent = isNum(u.n_transects) ? i.num(u.n_transects) : '–';
    $('unit-coast-km').textContent = isNum(u.coast_km) ? `${i.num(u.coast_km, 1)} km` : '–';
    $('unit-population').textContent = i.num(u.population);
    $('unit-households').textContent = i.num(u.households);
    const noStats = Boolean(u.noStats) || !isNum(u.mean_lrr);
    $('unit-not-coastal').hidden = !noStats;
    for (const e of document.querySelectorAll('#unit-details [data-coastal]')) e.hidden = Boolean(u.noStats);

    const transects = [...(u.transects || [])].sort((a, b) => compareIds(a.transect_id, b.transect_id));
    $('transects-section').hidden = transects.length === 0;
    const sel = $('transect-select');
    sel.replaceChildren();
    for (const tr of transects) {
      const o = document.createElement('option');
      o.value = String(tr.transect_id);
      const ci = isNum(tr.lci) ? ` ± ${i.num(tr.lci, 2)}` : '';
      o.textContent = `${this.t('transect')} ${tr.transect_id}: ${i.signed(tr.lrr)}${ci} ${this.t('unit_rate')}`;
      sel.append(o);
    }
    this.sortedTransects = transects;
    this.renderAtRiskPanel();
    this.updateDownload();
    this.renderStrip();
    if (this.transect) {
      sel.value = this.transect.transect_id;
      this.renderChart();
    } else {
      $('chart-section').hidden = true;
      delete panel.dataset.transectId;
    }
  }

  renderStrip() {
    strip($('transect-strip'), this.sortedTransects || [], this.transect?.transect_id ?? null,
      (id) => this.selectTransect(id), (v, d) => this.i18n.signed(v, d));
  }

  setTransectSelected(id) {
    const map = this.map;
    // A filter on the id highlights the transect in every tile it crosses, whether or not
    // its feature ids are loaded yet.
    if (map.getLayer('tasi-transects-selected')) {
      map.setFilter('tasi-transects-selected', ['==', ['to-string', ['get', 'transect_id']], id ?? '']);
    }
  }

  async selectTransect(id) {
    id = String(id);
    const seq = ++this.seq;
    this.setTransectSelected(id);
    let tr;
    try {
      tr = await getJSON(`api/v1/transects/${encodeURIComponent(id)}`, { run: this.run.id });
    } catch (err) {
      this.showError(this.t('load_error', { msg: err.message }));
      return;
    }
    if (seq !== this.seq) return;
    this.transect = { ...tr, transect_id: String(tr.transect_id ?? id) };
    $('transect-select').value = this.transect.transect_id;
    this.renderStrip();
    this.renderChart();
  }

  renderChart() {
    const tr = this.transect;
    if (!tr) return;
    $('panel').dataset.transectId = tr.transect_id;
    $('chart-section').hidden = false;
    const title = this.t('chart_title', { id: tr.transect_id });
    $('chart-title').textContent = title;
    const i = this.i18n;
    timeSeries($('chart'), {
      transectId: tr.transect_id, series: tr.series || [], lrr: tr.lrr, lci: tr.lci,
    }, {
      title,
      x: this.t('chart_x'),
      y: this.t('chart_y'),
      trend: this.t('chart_trend'),
      points: this.t('chart_points'),
      table: this.t('data_table'),
      date: this.t('date'),
      distance: this.t('distance'),
      unit: this.t('unit_rate'),
    }, (v, d) => (d === 2 ? i.signed(v, d) : i.num(v, d)));
    const cap = document.createElement('p');
    cap.className = 'chart-caption';
    const ci = isNum(tr.lci) ? ` ± ${i.num(tr.lci, 2)}` : '';
    cap.textContent = `${this.t('chart_trend')}: ${i.signed(tr.lrr)}${ci} ${this.t('unit_rate')} · n = ${(tr.series || []).length}`;
    $('chart').prepend(cap);
  }

  // mapLocale gives MapLibre's own controls the interface language. MapLibre reads it
  // when a control is added; relabelControls updates the controls already on the map.
  mapLocale() {
    const out = {};
    for (const [key, , label] of MAP_CONTROL_LABELS) out[key] = this.t(label);
    return out;
  }

  relabelControls() {
    const root = this.map?.getContainer();
    if (!root) return;
    for (const [, selector, label] of MAP_CONTROL_LABELS) {
      for (const el of root.querySelectorAll(selector)) {
        el.title = this.t(label);
        el.setAttribute('aria-label', this.t(label));
      }
    }
  }

  // relabel redraws everything that carries text after a language change.
  relabel() {
    this.relabelControls();
    this.drawLegend();
    if (this.run) this.showRunLabel();
    if (this.units.length) this.fillUnitSelect();
    if (this.unit) this.renderUnit();
    this.renderAtRiskStatus();
    this.updateDownload();
    this.plans.relabel();
  }

  // loadAtRisk puts the at-risk list of horizon year (the server's default when
  // undefined) on the map: the communities as points, the horizon selector, the hazard
  // layers' filter, the download links and the panel. The first list of a run may take the
  // server a few seconds; one it is still computing (503) is asked for again.
  async loadAtRisk(year) {
    const seq = ++this.atRiskSeq;
    $('atrisk-status').textContent = this.t('atrisk_loading');
    let body;
    for (let attempt = 0; ; attempt++) {
      try {
        body = await getJSON('api/v1/at-risk', { run: this.run.id, format: 'geojson', horizon: year });
        break;
      } catch (err) {
        if (seq !== this.atRiskSeq) return;
        if (err instanceof HTTPError && err.status === 503 && attempt < 30) {
          await sleep(3000);
          continue;
        }
        this.atRiskFailed(err);
        return;
      }
    }
    if (seq !== this.atRiskSeq) return;
    const meta = body.tasi || {};
    this.atRisk = {
      year: meta.selected_horizon_year,
      horizons: Array.isArray(meta.horizons) ? meta.horizons : [],
      features: Array.isArray(body.features) ? body.features : [],
    };
    this.map.getSource(ATRISK)?.setData(body);
    this.fillHorizonSelect();
    this.applyHorizon();
    this.renderAtRiskStatus();
    this.updateDownload();
    if (this.unit) {
      this.renderAtRiskPanel();
      if (!Array.isArray(this.unit.at_risk)) this.refreshTallies(this.unit.pcode);
    }
    resolveAtRisk({ year: this.atRisk.year, count: this.atRisk.features.length });
  }

  atRiskFailed(err) {
    console.warn('tasi: at-risk list:', err.message);
    this.atRisk = null;
    $('atrisk-status').textContent = this.t('atrisk_unavailable', { msg: err.message });
    $('horizon-select').disabled = true;
    $('download').hidden = true;
    resolveAtRisk({ error: err.message });
  }

  fillHorizonSelect() {
    const sel = $('horizon-select');
    sel.replaceChildren();
    for (const h of this.atRisk.horizons) {
      const o = document.createElement('option');
      o.value = String(h.year);
      o.textContent = String(h.year);
      sel.append(o);
    }
    sel.value = String(this.atRisk.year);
    sel.disabled = this.atRisk.horizons.length === 0;
  }

  // applyHorizon shows the hazard zones of the selected horizon, on whichever hazard
  // layers the map has.
  applyHorizon() {
    const year = Number(this.atRisk?.year);
    if (!Number.isFinite(year)) return;
    for (const id of HAZARD_LAYERS) {
      if (!this.map.getLayer(id)) continue;
      if (!(id in this.hazardBase)) this.hazardBase[id] = asExpression(withoutHorizon(this.map.getFilter(id)));
      const base = this.hazardBase[id];
      const f = ['==', ['to-number', ['get', 'horizon_year'], 0], year];
      this.map.setFilter(id, base ? ['all', base, f] : f);
    }
    this.applyLayerSwitches();
  }

  renderAtRiskStatus() {
    if (!this.atRisk) return;
    const status = $('atrisk-status');
    status.textContent = this.t('atrisk_count', { year: this.atRisk.year, n: this.i18n.num(this.atRisk.features.length) });
    status.dataset.year = String(this.atRisk.year);
    status.dataset.count = String(this.atRisk.features.length);
  }

  // downloadScope is the municipality the download is for: the selected suco's, else the
  // one chosen in the finder, else the one whose sucos fill the map, else none (the whole
  // country).
  downloadScope() {
    if (this.unit?.municipality_pcode) {
      return { code: this.unit.municipality_pcode, name: this.unit.municipality ?? this.unit.municipality_pcode };
    }
    const chosen = $('municipality-select').value;
    if (chosen) return { code: chosen, name: this.municipalities?.get(chosen) ?? chosen };
    if (!this.map?.getLayer('tasi-admin-fill')) return null;
    const seen = new Map();
    for (const f of this.map.queryRenderedFeatures({ layers: ['tasi-admin-fill'] })) {
      const code = f.properties.region_pcode;
      if (code) seen.set(code, f.properties.region_name ?? code);
    }
    if (seen.size !== 1) return null;
    const [[code, name]] = seen;
    return { code, name };
  }

  updateDownload() {
    const box = $('download');
    if (!this.atRisk || !this.run) {
      box.hidden = true;
      return;
    }
    const scope = this.downloadScope();
    const link = (format) => {
      const u = new URL('api/v1/at-risk', document.baseURI);
      u.searchParams.set('run', String(this.run.id));
      u.searchParams.set('horizon', String(this.atRisk.year));
      if (scope) u.searchParams.set('municipality', scope.code);
      u.searchParams.set('format', format);
      return u.href;
    };
    $('download-xlsx').href = link('xlsx');
    $('download-csv').href = link('csv');
    $('download-scope').textContent = this.t('download_scope', { place: scope?.name ?? this.t('whole_country'), year: this.atRisk.year });
    box.dataset.horizon = String(this.atRisk.year);
    box.dataset.municipality = scope?.code ?? '';
    box.hidden = false;
  }

  // renderAtRiskPanel lists the selected suco's communities at risk by the horizon (from
  // the list on the map) and its tallies at every horizon (from the unit's at_risk).
  renderAtRiskPanel() {
    const u = this.unit;
    const section = $('atrisk-section');
    if (!u || !this.atRisk) {
      section.hidden = true;
      return;
    }
    const i = this.i18n;
    const year = this.atRisk.year;
    const rows = this.atRisk.features.filter((f) => f.properties?.suco_code === u.pcode);
    section.hidden = false;
    $('panel').dataset.atRisk = String(rows.length);
    $('atrisk-panel-title').textContent = this.t('panel_atrisk_heading', { year });
    $('atrisk-prob-head').textContent = this.t('probability_by', { year });
    $('atrisk-none').hidden = rows.length > 0;
    $('atrisk-none').textContent = this.t('panel_atrisk_none', { year });
    $('atrisk-table').hidden = rows.length === 0;
    const body = $('atrisk-rows');
    body.replaceChildren();
    for (const f of rows) {
      const p = f.properties;
      const tr = document.createElement('tr');
      tr.dataset.code = p.community_code ?? '';
      const name = document.createElement('td');
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'link';
      btn.textContent = p.community_name ?? '';
      btn.addEventListener('click', () => {
        if (f.geometry?.type === 'Point') this.map.flyTo({ center: f.geometry.coordinates, zoom: Math.max(this.map.getZoom(), 14) });
      });
      const tag = document.createElement('span');
      tag.className = `sev sev-${p.severity}`;
      tag.textContent = this.severityText(p.severity);
      name.append(btn, ' ', tag);
      const cells = [this.yearText(p.year_reached), this.probText(p.p_reached), i.num(p.households_at_risk)].map((v) => {
        const td = document.createElement('td');
        td.textContent = v;
        return td;
      });
      tr.append(name, ...cells);
      body.append(tr);
    }
    const tallies = Array.isArray(u.at_risk) ? u.at_risk : [];
    $('tally-table').hidden = tallies.length === 0;
    const tb = $('tally-rows');
    tb.replaceChildren();
    for (const t of tallies) {
      const tr = document.createElement('tr');
      if (t.year === year) tr.className = 'current';
      for (const v of [String(t.year), i.num(t.communities), i.num(t.people), i.num(t.households)]) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      tb.append(tr);
    }
  }

  // refreshTallies asks for the unit again once the run's assessment is made: its at_risk
  // is null until then.
  async refreshTallies(pcode) {
    try {
      const unit = await getJSON(`api/v1/units/${encodeURIComponent(pcode)}`, { run: this.run.id });
      if (this.unit?.pcode !== pcode) return;
      this.unit.at_risk = unit.at_risk;
      this.renderAtRiskPanel();
    } catch { /* the tallies are a convenience */ }
  }
}

// MAP_CONTROL_LABELS maps MapLibre's locale keys to the buttons that show them and to
// tasi's dictionary keys. Scale units (m, km) read the same in all three languages.
const MAP_CONTROL_LABELS = [
  ['NavigationControl.ZoomIn', '.maplibregl-ctrl-zoom-in', 'ml_zoom_in'],
  ['NavigationControl.ZoomOut', '.maplibregl-ctrl-zoom-out', 'ml_zoom_out'],
  ['NavigationControl.ResetBearing', '.maplibregl-ctrl-compass', 'ml_reset_bearing'],
  ['AttributionControl.ToggleAttribution', '.maplibregl-ctrl-attrib-button', 'ml_attribution'],
  ['Popup.Close', '.maplibregl-popup-close-button', 'ml_close'],
  ['Map.Title', '.maplibregl-canvas', 'map_label'],
];

function absoluteTemplate(u, base) {
  // new URL() would percent-encode the {z}/{x}/{y} braces; protect them.
  const abs = new URL(u.replace(/\{/g, '__L__').replace(/\}/g, '__R__'), base).href;
  return abs.replace(/__L__/g, '{').replace(/__R__/g, '}');
}

async function main() {
  let i18n;
  try {
    i18n = await I18n.load(assetURL('i18n.json'));
    const app = new App(i18n);
    window.tasiApp = app;
    await app.start();
  } catch (err) {
    console.error('tasi:', err);
    if (!$('error').textContent) {
      const msg = err?.message || String(err);
      $('error').textContent = i18n ? i18n.t('load_error', { msg }) : `Could not load data: ${msg}`;
      $('error').hidden = false;
    }
    rejectReady(err);
  }
}

main();
