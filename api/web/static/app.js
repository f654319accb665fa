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
import {
  RATE_BREAKS, RATE_COLORS, YEAR_STOPS, NO_DATA, SEA, rateExpression, significantExpression, yearExpression,
  cssGradient, rateColor, patternImage, isSignificant,
} from 'tasi/ramp';
import { timeSeries, strip } from 'tasi/chart';
import { Plans } from 'tasi/plans';
import { Search } from 'tasi/search';
import { UnitsTable } from 'tasi/table';
import { parseState, formatState } from 'tasi/state';

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
// Timor-Leste with Oecussi and Atauro, for when the style's source has no bounds.
const TL_BOUNDS = [[124.0, -9.55], [127.35, -8.1]];
// Which map layers each switch controls; all are ours, on source "tasi".
const LAYER_GROUPS = {
  admin: ['tasi-admin-fill', 'tasi-admin-sig', 'tasi-admin-line', 'tasi-admin-selected'],
  transects: ['tasi-transects-ns', 'tasi-transects', 'tasi-transects-selected'],
  shorelines: ['tasi-shorelines'],
  localities: ['tasi-localities', 'places-locality'],
  roads: ['roads'],
  names: ['places-suco', 'places-posto', 'places-municipality'],
  atrisk: ['tasi-atrisk-halo', 'tasi-atrisk'],
  hazard: HAZARD_LAYERS,
};
// The server style's context layers the map takes as they are: the roads (over the unit
// fill, under the data) and the place names (on top, municipalities last so that they win
// collisions), drawn with the server's glyphs.
const ROAD_LAYERS = ['roads'];
const PLACE_LAYERS = ['places-locality', 'places-suco', 'places-posto', 'places-municipality'];
const PLACES_MINZOOM = 7;
// Probing the server while it is away: first after RETRY_MIN_MS, doubling to RETRY_MAX_MS.
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 15000;
// A phone: the panel is a bottom sheet, the controls a drawer, the legend starts closed.
const PHONE = '(max-width: 700px)';
const CLICK_TOLERANCE_PX = 5;

const $ = (id) => document.getElementById(id);

// transectBounds is the extent of the transects that have a position, or null.
function transectBounds(transects) {
  const pts = (transects || []).filter((t) => isNum(t.lon) && isNum(t.lat));
  if (!pts.length) return null;
  const b = new maplibregl.LngLatBounds();
  for (const t of pts) b.extend([t.lon, t.lat]);
  return b;
}

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
// A request that gets no answer at all (server gone, network down) is reported to
// net.down, which starts the offline state; any answer to net.up.
const net = { down: () => {}, up: () => {} };

class OfflineError extends Error {}

async function getJSON(path, params = {}) {
  const u = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  let res;
  try {
    res = await fetch(u, { headers: { Accept: 'application/json' } });
  } catch (err) {
    net.down(err);
    throw new OfflineError(`${u.pathname}: ${err.message}`);
  }
  net.up();
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
    this.search = new Search(this);
    this.table = new UnitsTable(this);
    this.state = parseState(window.location.hash); // what the URL asks for
    this.online = true;
    this.failed = new Set(); // what to load again when the server is back: 'units', 'atrisk', 'unit'
    this.getJSON = getJSON;
  }

  t(key, vars) { return this.i18n.t(key, vars); }

  showError(msg) {
    const box = $('error');
    box.textContent = msg;
    box.hidden = false;
  }

  // status says msg on the page's one live region (a short line read by screen readers);
  // the panel and lists are not live, so a change of suco is not read out whole.
  status(msg) {
    const s = $('status');
    s.textContent = '';
    // A new text node each time, so the same message is announced again.
    setTimeout(() => { s.textContent = msg; }, 30);
  }

  async start() {
    this.i18n.apply(document);
    const langSelect = $('lang-select');
    langSelect.value = this.i18n.lang;
    langSelect.addEventListener('change', () => this.i18n.setLanguage(langSelect.value));
    this.i18n.onChange(() => { this.relabel(); this.saveState(); });
    this.applyStateToControls(this.state);
    this.drawLegend();
    this.bindShell();
    this.setLoading(true);

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
    this.loadUnits();
    this.loadAtRisk(this.state.horizon);
  }

  // showRunLabel names the run by the period its shorelines cover ("Shorelines
  // 1987–2024"), from the run's period when the server gives it, else by its id and date;
  // a synthetic run gets the permanent banner. Older servers send neither field.
  showRunLabel() {
    const r = this.run;
    const label = $('run-label');
    const first = typeof r.period?.first === 'string' ? r.period.first.slice(0, 4) : '';
    const last = typeof r.period?.last === 'string' ? r.period.last.slice(0, 4) : '';
    if (first && last) {
      label.textContent = this.t('run_period', { first, last });
    } else {
      const date = typeof r.finished === 'string' ? r.finished.slice(0, 10) : '';
      label.textContent = this.t('run_label', { id: r.id, date });
    }
    label.title = this.t('run_id', { id: r.id });
    label.dataset.runId = String(r.id);
    const synthetic = r.synthetic === true;
    $('synthetic-banner').hidden = !synthetic;
    document.documentElement.dataset.synthetic = String(synthetic);
    if (synthetic) label.textContent += ` · ${this.t('synthetic_short')}`;
  }

  // bindShell wires what works before the map exists: the menu drawer and the table
  // switch on phones, the offline banner's retry, and the URL's back and forward.
  bindShell() {
    const menu = $('menu-button');
    menu.addEventListener('click', () => {
      const open = !$('controls').classList.contains('open');
      $('controls').classList.toggle('open', open);
      menu.setAttribute('aria-expanded', String(open));
      if (open) $('controls').querySelector('select, input, button')?.focus();
    });
    $('offline-retry').addEventListener('click', () => this.probe());
    net.down = () => this.lostServer();
    net.up = () => { if (!this.online) this.probe(); };
    window.addEventListener('offline', () => this.lostServer());
    window.addEventListener('online', () => this.probe());
    window.addEventListener('popstate', () => this.applyState(parseState(window.location.hash)));
    if (window.matchMedia(PHONE).matches) $('legend-box').open = false;
    this.table.bind();
    this.search.bind();
  }

  // reloadTiles puts the tiles' source on the map again, with its layers where they were
  // (their filters kept): tiles that failed while the server was away are never asked for
  // again by MapLibre (refreshTiles leaves them loading), a new source asks for them all.
  reloadTiles() {
    const map = this.map;
    const style = map.getStyle();
    const src = style.sources[SOURCE];
    if (!src) return;
    const ids = style.layers.map((l) => l.id);
    const ours = style.layers.filter((l) => l.source === SOURCE);
    for (const l of [...ours].reverse()) map.removeLayer(l.id);
    map.removeSource(SOURCE);
    map.addSource(SOURCE, src);
    for (const l of ours) {
      const before = ids.slice(ids.indexOf(l.id) + 1).find((id) => map.getLayer(id));
      map.addLayer(l, before);
    }
  }

  // setLoading shows the loading line over the map: while the page starts, and while the
  // map fetches tiles for more than a moment.
  setLoading(on) {
    clearTimeout(this.loadingTimer);
    if (!on) {
      $('loading').hidden = true;
      document.documentElement.dataset.loading = 'false';
      return;
    }
    document.documentElement.dataset.loading = 'true';
    this.loadingTimer = setTimeout(() => { $('loading').hidden = false; }, this.map ? 400 : 0);
  }

  // lostServer starts the offline state (once): the banner says so and when the page will
  // try again; the page asks /readyz with growing pauses until it answers.
  lostServer() {
    if (!this.online) return;
    this.online = false;
    document.documentElement.dataset.connection = 'offline';
    $('offline').hidden = false;
    this.status(this.t('offline_title'));
    this.retryDelay = RETRY_MIN_MS;
    this.scheduleProbe();
  }

  scheduleProbe() {
    clearTimeout(this.probeTimer);
    clearInterval(this.countdown);
    const due = Date.now() + this.retryDelay;
    const tick = () => {
      const s = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      $('offline-text').textContent = this.t('offline_retry', { s: this.i18n.num(s) });
    };
    tick();
    this.countdown = setInterval(tick, 1000);
    this.probeTimer = setTimeout(() => this.probe(), this.retryDelay);
  }

  // probe asks the server whether it is back; when it is, the map and whatever failed
  // meanwhile are loaded again.
  async probe() {
    if (this.probing) return;
    this.probing = true;
    let ok = false;
    try {
      const res = await fetch(new URL('readyz', document.baseURI), { cache: 'no-store' });
      ok = res.ok;
    } catch { /* still away */ }
    this.probing = false;
    if (!ok) {
      if (this.online) this.lostServer();
      else {
        this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
        this.scheduleProbe();
      }
      return;
    }
    if (this.online) return;
    this.recover();
  }

  recover() {
    clearTimeout(this.probeTimer);
    clearInterval(this.countdown);
    this.online = true;
    document.documentElement.dataset.connection = 'online';
    $('offline').hidden = true;
    this.status(this.t('online_again'));
    if (!this.map) {
      // The page never got as far as the map: start again, the URL keeps the state.
      window.location.reload();
      return;
    }
    this.reloadTiles();
    const failed = [...this.failed];
    this.failed.clear();
    if (failed.includes('units')) this.loadUnits();
    if (failed.includes('atrisk')) this.loadAtRisk(this.wantHorizon);
    if (failed.includes('unit') && this.pendingUnit) this.selectUnit(this.pendingUnit);
    if (failed.includes('transect') && this.pendingTransect) this.selectTransect(this.pendingTransect);
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
    // The attribution is the page's own, in the interface language (attributionText).
    this.sourceAttribution = source.attribution ?? '';
    delete source.attribution;
    const theirs = (ids) => ids.map((id) => (server.layers || []).find((l) => l.id === id && l.source === SOURCE))
      .filter(Boolean).map((l) => ({ ...l }));
    const roads = theirs(ROAD_LAYERS);
    const places = theirs(PLACE_LAYERS);
    this.hasRoads = roads.length > 0;
    const style = {
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
          // Significant change, marked by more than colour: hatching (erosion) or dots
          // (accretion) where the mean rate differs from zero by more than its uncertainty.
          id: 'tasi-admin-sig', type: 'fill', source: SOURCE, 'source-layer': 'admin',
          filter: significantExpression('mean_lrr', 'mean_lrr_unc'),
          paint: { 'fill-pattern': ['case', ['<', ['get', 'mean_lrr'], 0], 'sig-erosion', 'sig-accretion'] },
        },
        ...roads,
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
          // Transects whose rate is within its confidence interval of zero: dashed, thinner.
          id: 'tasi-transects-ns', type: 'line', source: SOURCE, 'source-layer': 'transects',
          minzoom: 10, // the tiles carry transects from zoom 10 (tiles/registry.go)
          filter: ['!', significantExpression('lrr', 'lci')],
          paint: {
            'line-color': rateExpression('lrr'),
            'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.8, 13, 2, 16, 4],
            'line-dasharray': [2, 1.5],
          },
        },
        {
          id: 'tasi-transects', type: 'line', source: SOURCE, 'source-layer': 'transects',
          minzoom: 10,
          filter: significantExpression('lrr', 'lci'),
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
        ...places,
      ],
    };
    if (places.length && typeof server.glyphs === 'string') {
      style.glyphs = absoluteTemplate(server.glyphs, styleURL);
    } else {
      style.layers = style.layers.filter((l) => l.type !== 'symbol');
    }
    return style;
  }

  // attributionText credits the data on the map in the interface language: the units,
  // coastline and localities, the roads when the map draws them, and tasi.
  attributionText() {
    const parts = [this.t('attribution_data')];
    if (this.hasRoads) parts.push(this.t('attribution_roads'));
    parts.push(this.t('attribution_tasi'));
    return parts.join('; ');
  }

  // setAttribution puts the attribution control on the map again with the current
  // language's text (MapLibre has no setter for it).
  setAttribution() {
    if (!this.map) return;
    if (this.attribution) this.map.removeControl(this.attribution);
    this.attribution = new maplibregl.AttributionControl({ compact: true, customAttribution: this.attributionText() });
    this.map.addControl(this.attribution, 'bottom-right');
    const root = this.map.getContainer().querySelector('.maplibregl-ctrl-attrib');
    // Folded on phones and narrow maps: the "i" button opens it.
    if (root && window.matchMedia(PHONE).matches) root.classList.remove('maplibregl-compact-show');
    if (root) root.dataset.lang = this.i18n.lang;
    this.relabelControls();
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
    const view = this.state.view;
    const map = new maplibregl.Map({
      container: 'map',
      style,
      // The first view leaves room for the open legend on its left.
      ...(view ? { center: view.center, zoom: view.zoom } : {
        bounds: this.sourceBounds,
        fitBoundsOptions: { padding: $('legend-box').open ? { top: 16, bottom: 16, right: 16, left: Math.min(240, $('map').clientWidth / 3) } : 16 },
      }),
      maxZoom: 17,
      attributionControl: false, // setAttribution: the page's own, translated
      locale: this.mapLocale(),
      transformRequest: (url) => ({ url: new URL(url, document.baseURI).href }),
    });
    window.tasiMap = map;
    this.map = map;
    // The whole country at the zoom where the tiles start to carry the municipalities'
    // names (7), when fitting it left the map just short of it.
    if (!view && map.getZoom() < PLACES_MINZOOM && map.getZoom() > PLACES_MINZOOM - 0.6) map.setZoom(PLACES_MINZOOM);
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.setAttribution();

    map.on('error', (e) => {
      const msg = e?.error?.message || String(e?.error || 'map error');
      // A tile that failed may mean the server is gone: ask it, and say so if it is.
      if (e?.sourceId === SOURCE || e?.sourceId === 'land' || /fetch|network/i.test(msg)) {
        console.warn('tasi map:', msg);
        this.probe();
        return;
      }
      console.error('tasi map:', msg);
    });
    map.on('dataloading', () => { if (!this.loadingShown) { this.loadingShown = true; this.setLoading(true); } });
    map.on('idle', () => { this.loadingShown = false; this.setLoading(false); });
    // The significance patterns, drawn here rather than fetched from a sprite.
    const addPattern = (id) => {
      if ((id === 'sig-erosion' || id === 'sig-accretion') && !map.hasImage(id)) {
        map.addImage(id, patternImage(id === 'sig-erosion' ? 'erosion' : 'accretion'), { pixelRatio: 1 });
      }
    };
    if (typeof map.setMissingStyleImageResolver === 'function') map.setMissingStyleImageResolver(async (id) => addPattern(id));
    else map.on('styleimagemissing', (e) => addPattern(e.id));

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
      // The suco and transect a link names, once their tiles are there to frame them.
      map.once('idle', () => this.applySelection(this.state, { fly: !this.state.view }));
    });

    map.on('click', (e) => this.onMapClick(e));
    // The municipality on screen is known once the new view's tiles have rendered.
    map.on('moveend', () => {
      this.saveState();
      map.once('idle', () => {
        this.updateDownload();
        if (this.table.isOpen() && $('table-onscreen').checked) this.table.refreshOnScreen();
      });
    });
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
      box.addEventListener('change', () => { this.applyLayerSwitches(); this.saveState(); });
    }
    $('unit-select').addEventListener('change', (e) => {
      if (e.target.value) this.selectUnit(e.target.value, { fly: true, push: true });
    });
    $('municipality-select').addEventListener('change', () => {
      this.fillUnitSelect();
      this.updateDownload();
    });
    $('horizon-select').addEventListener('change', (e) => {
      if (e.target.value) this.loadAtRisk(Number(e.target.value));
    });
    $('transect-select').addEventListener('change', (e) => {
      if (e.target.value) this.selectTransect(e.target.value, { push: true });
    });
    $('panel-close').addEventListener('click', () => this.clearSelection({ push: true }));
    this.plans.bind();
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.unit && !e.defaultPrevented) this.clearSelection({ push: true });
    });
  }

  // currentState is what the URL should say now.
  currentState() {
    const s = {};
    if (this.map) {
      const c = this.map.getCenter();
      s.view = { zoom: this.map.getZoom(), center: [c.lng, c.lat] };
    } else if (this.state.view) s.view = this.state.view;
    s.suco = this.unit?.pcode ?? this.pendingUnit;
    s.transect = this.transect?.transect_id ?? this.pendingTransect;
    s.layers = [...document.querySelectorAll('input[data-layer]')].filter((b) => b.checked).map((b) => b.dataset.layer);
    s.lang = this.i18n.lang;
    s.horizon = this.atRisk?.year ?? this.wantHorizon;
    s.table = this.table.isOpen();
    s.muni = $('table-municipality').value || this.table.pendingMuni;
    s.onscreen = $('table-onscreen').checked;
    s.sort = this.table.sort;
    return s;
  }

  // saveState writes the state into the URL: a new history entry when push (a suco or
  // transect chosen, so Back returns to the one before), else in place (the view, the
  // switches), so that panning does not fill the history.
  saveState({ push = false } = {}) {
    if (this.applying) return;
    const hash = formatState(this.currentState());
    if (hash === window.location.hash) return;
    const url = `${window.location.pathname}${window.location.search}${hash}`;
    if (push) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }

  // applyStateToControls sets the switches, the table and its filters from state before
  // the map exists.
  applyStateToControls(st) {
    if (Array.isArray(st.layers)) {
      for (const box of document.querySelectorAll('input[data-layer]')) box.checked = st.layers.includes(box.dataset.layer);
    }
    if (st.sort) this.table.sort = st.sort;
    $('table-onscreen').checked = Boolean(st.onscreen);
    if (st.muni) {
      this.table.pendingMuni = st.muni;
      $('table-municipality').value = st.muni;
    }
    if (st.horizon) this.wantHorizon = st.horizon;
    if (st.table) this.table.setOpen(true);
  }

  // applyState goes to a state from the history (Back, Forward, an edited hash).
  async applyState(st) {
    this.applying = true;
    try {
      this.state = st;
      if (st.lang && st.lang !== this.i18n.lang) {
        $('lang-select').value = st.lang;
        this.i18n.setLanguage(st.lang);
      }
      this.applyStateToControls(st);
      if (!st.table && this.table.isOpen()) this.table.setOpen(false);
      this.applyLayerSwitches();
      if (st.horizon && this.atRisk && st.horizon !== this.atRisk.year) this.loadAtRisk(st.horizon);
      if (st.view && this.map) this.map.jumpTo({ center: st.view.center, zoom: st.view.zoom });
      await this.applySelection(st, { fly: false });
    } finally {
      this.applying = false;
    }
  }

  async applySelection(st, { fly }) {
    if (!st.suco) {
      if (this.unit) this.clearSelection();
      return;
    }
    if (st.suco !== this.unit?.pcode) {
      await this.selectUnit(st.suco, { fly, transectId: st.transect ?? null });
    } else if (st.transect && st.transect !== this.transect?.transect_id) {
      await this.selectTransect(st.transect);
    } else if (!st.transect && this.transect) {
      this.seq++;
      this.transect = null;
      this.setTransectSelected(null);
      $('transect-select').value = '';
      $('chart-section').hidden = true;
      delete $('panel').dataset.transectId;
      this.renderStrip();
    }
  }

  // goTo shows a place found by the search: its bbox (a point for a locality), and
  // selects it when it is a suco; a municipality also filters the table.
  goTo(r) {
    const map = this.map;
    if (!map) return;
    const b = Array.isArray(r.bbox) && r.bbox.length === 4 ? r.bbox : null;
    const phone = window.matchMedia(PHONE).matches;
    const area = b && (b[2] - b[0] > 1e-4 || b[3] - b[1] > 1e-4) && r.level !== 'locality';
    if (phone && area && r.level === 'suco' && r.code) {
      // The sheet opens with the suco and shrinks the map: selectUnit frames it after.
    } else if (area) {
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: phone ? 24 : 60, maxZoom: 14 });
    } else if (isNum(r.lon) && isNum(r.lat)) {
      map.flyTo({ center: [r.lon, r.lat], zoom: Math.max(map.getZoom(), 14) });
    }
    if (r.level === 'suco' && r.code) {
      this.selectUnit(r.code, { push: true, bounds: area ? [[b[0], b[1]], [b[2], b[3]]] : null });
    } else if (r.level === 'municipality' && r.code && [...$('table-municipality').options].some((o) => o.value === r.code)) {
      $('table-municipality').value = r.code;
      this.table.render();
    }
    this.status(this.t('search_went', { name: r.name }));
    if (phone) $('controls').classList.remove('open');
  }

  // unitsOnScreen is the set of P-codes of units whose polygons in the loaded tiles
  // overlap the view.
  unitsOnScreen() {
    const map = this.map;
    const v = map.getBounds();
    const [w, s, e, n] = [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()];
    const out = new Set();
    for (const f of map.querySourceFeatures(SOURCE, { sourceLayer: 'admin' })) {
      const pc = f.properties.pcode;
      if (!pc || out.has(pc)) continue;
      let fw = Infinity; let fs = Infinity; let fe = -Infinity; let fn = -Infinity;
      const walk = (c) => {
        if (typeof c[0] === 'number') {
          fw = Math.min(fw, c[0]); fe = Math.max(fe, c[0]); fs = Math.min(fs, c[1]); fn = Math.max(fn, c[1]);
        } else c.forEach(walk);
      };
      walk(f.geometry.coordinates);
      if (fw <= e && fe >= w && fs <= n && fn >= s) out.add(pc);
    }
    return out;
  }

  // atRiskTally counts the communities and households at risk of a suco in the list on
  // the map (the selected horizon), or null without a list.
  atRiskTally(pcode) {
    if (!this.atRisk) return null;
    if (!this.atRiskBySuco || this.atRiskBySuco.list !== this.atRisk) {
      const by = new Map();
      for (const f of this.atRisk.features) {
        const p = f.properties || {};
        const t = by.get(p.suco_code) || { communities: 0, households: 0 };
        t.communities++;
        if (isNum(p.households_at_risk)) t.households += p.households_at_risk;
        by.set(p.suco_code, t);
      }
      this.atRiskBySuco = { list: this.atRisk, by };
    }
    return this.atRiskBySuco.by.get(pcode) || { communities: 0, households: 0 };
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

  // rateClassLabel names class i of the rate classes ("−1.00 to −0.25"), as the legend
  // and the table's readers see numbers: the language's separators and minus sign.
  rateClassLabel(i) {
    const n = this.i18n;
    const b = RATE_BREAKS;
    const f = (v) => n.signed(v, Number.isInteger(v) ? 0 : 2);
    if (i === 0) return this.t('class_below', { v: f(b[0]) });
    if (i === b.length) return this.t('class_above', { v: f(b[b.length - 1]) });
    return this.t('class_between', { a: f(b[i - 1]), b: f(b[i]) });
  }

  drawLegend() {
    const list = $('legend-classes');
    list.replaceChildren();
    const stable = Math.floor(RATE_COLORS.length / 2);
    RATE_COLORS.forEach((c, i) => {
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = c;
      const word = i < stable ? 'erosion' : i > stable ? 'accretion' : 'stable';
      const label = document.createElement('span');
      label.textContent = `${this.rateClassLabel(i)}`;
      const kind = document.createElement('span');
      kind.className = `kind ${word}`;
      kind.textContent = i === 0 || i === stable || i === RATE_COLORS.length - 1 ? this.t(word) : '';
      li.append(sw, label, kind);
      list.append(li);
    });
    $('legend-nodata').style.background = NO_DATA;
    $('legend-sea').style.background = SEA;
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
      try {
        body = await getJSON('api/v1/units', { run: this.run.id, sort: 'mean_lrr', limit: 1000 });
      } catch (err) {
        if (!(err instanceof HTTPError) || err.status !== 400) throw err;
        body = await getJSON('api/v1/units', { run: this.run.id, sort: 'mean_lrr' });
      }
    } catch (err) {
      if (err instanceof OfflineError) this.failed.add('units');
      else this.showError(this.t('load_error', { msg: err.message }));
      return;
    }
    const units = body.units || [];
    // Most eroding first; units without a rate last.
    units.sort((a, b) => (isNum(a.mean_lrr) ? a.mean_lrr : Infinity) - (isNum(b.mean_lrr) ? b.mean_lrr : Infinity));
    this.units = units;
    const munis = new Map();
    for (const u of units) if (u.municipality_pcode) munis.set(u.municipality_pcode, u.municipality ?? u.municipality_pcode);
    const ms = $('municipality-select');
    ms.length = 1; // loaded again after an outage
    for (const [code, name] of [...munis].sort((a, b) => a[1].localeCompare(b[1]))) {
      const o = document.createElement('option');
      o.value = code;
      o.textContent = name;
      ms.append(o);
    }
    this.municipalities = munis;
    this.fillUnitSelect();
    this.table.fillMunicipalities(munis);
    this.table.render();
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

  // selectUnit shows a unit in the panel. fly frames it on a desktop; on a phone the unit
  // is always framed, once the sheet is open, in the part of the map left visible (bounds,
  // the search result's bbox, else its polygons in the loaded tiles, else its transects).
  async selectUnit(pcode, { feature = null, fly = false, transectId = null, push = false, bounds = null } = {}) {
    const seq = ++this.seq;
    this.pendingUnit = pcode;
    this.pendingTransect = transectId;
    const found = this.adminFeature(pcode);
    const props = feature?.properties ?? found?.properties ?? {};
    const phone = window.matchMedia(PHONE).matches;
    this.setAdminSelected(pcode);
    if (fly && found && !phone) this.map.fitBounds(found.bounds, { padding: 60, maxZoom: 12 });

    $('unit-select').value = [...$('unit-select').options].some((o) => o.value === pcode) ? pcode : '';
    let unit;
    // The tile says whether the unit has transects: an inland suco has no row in the run,
    // so there is nothing to ask the API.
    const inland = 'pcode' in props && !(Number(props.n_transects) > 0) && !('mean_lrr' in props);
    try {
      unit = inland ? { pcode, transects: [], noStats: true }
        : await getJSON(`api/v1/units/${encodeURIComponent(pcode)}`, { run: this.run.id });
    } catch (err) {
      if (err instanceof OfflineError) {
        this.failed.add('unit');
        return;
      }
      if (!(err instanceof HTTPError) || err.status !== 404) {
        this.showError(this.t('load_error', { msg: err.message }));
        return;
      }
      unit = { pcode, transects: [], noStats: true };
    }
    if (seq !== this.seq) return;
    this.pendingUnit = null;
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
    this.openSheet();
    this.status(this.t('selected_unit', { name: this.unit.name ?? pcode }));
    if (phone) this.fitVisible(bounds ?? this.adminFeature(pcode)?.bounds ?? transectBounds(this.unit.transects));
    else if (fly && !found) this.flyToTransects(pcode, this.unit.transects || []);
    const list = this.unit.transects || [];
    const want = transectId ?? null;
    if (want && list.some((t) => String(t.transect_id) === String(want))) {
      this.pendingTransect = null;
      await this.selectTransect(want);
    } else {
      this.pendingTransect = null;
      this.setTransectSelected(null);
    }
    if (this.table.isOpen()) this.table.render();
    this.saveState({ push });
  }

  // openSheet shows the panel: on a phone it is a sheet over the lower part of the screen,
  // scrolled to its top, with the map above it made smaller so that nothing is hidden.
  openSheet() {
    const panel = $('panel');
    panel.classList.add('has-unit');
    panel.scrollTop = 0;
    if (window.matchMedia(PHONE).matches) {
      $('controls').classList.remove('open');
      this.map?.resize();
    }
  }

  // flyToTransects frames a unit whose polygon is not in the loaded tiles (simplified away
  // at a low zoom, or far off screen) by its transects' positions.
  flyToTransects(pcode, transects) {
    const b = transectBounds(transects);
    if (b) this.map.fitBounds(b, { padding: 80, maxZoom: 12 });
  }

  // fitVisible frames bounds in the part of the map nothing covers: above the sheet where
  // it lies over the map (on a phone it shrinks the map instead, so that part is 0), right
  // of the drawer when it is open, below the legend, left of the zoom buttons and above the
  // scale bar and the attribution. A map too small for all that keeps half the margins.
  fitVisible(bounds) {
    const map = this.map;
    if (!map || !bounds) return;
    const m = map.getContainer().getBoundingClientRect();
    const box = (el) => {
      const r = el && !el.hidden ? el.getBoundingClientRect() : null;
      return r && r.width > 0 && r.height > 0 ? r : null;
    };
    const gap = 8;
    const sheet = box($('panel'));
    const drawer = $('controls').classList.contains('open') ? box($('controls')) : null;
    const legend = box($('legend-box'));
    const corner = (c) => box(map.getContainer().querySelector(`.maplibregl-ctrl-${c}`));
    const zoom = corner('top-right');
    const low = Math.max(0, ...['bottom-left', 'bottom-right'].map((c) => { const r = corner(c); return r ? m.bottom - r.top : 0; }));
    const pad = {
      top: Math.max(0, legend ? legend.bottom - m.top : 0) + gap,
      bottom: Math.max(low, sheet ? m.bottom - sheet.top : 0) + gap,
      left: Math.max(0, drawer ? drawer.right - m.left : 0) + gap,
      right: Math.max(0, zoom ? m.right - zoom.left : 0) + gap,
    };
    for (let i = 0; i < 4 && (pad.top + pad.bottom > m.height - 40 || pad.left + pad.right > m.width - 40); i++) {
      for (const k of Object.keys(pad)) pad[k] = Math.floor(pad[k] / 2);
    }
    map.fitBounds(bounds, { padding: pad, maxZoom: 14 });
  }

  clearSelection({ push = false } = {}) {
    this.seq++;
    this.unit = null;
    this.transect = null;
    this.pendingUnit = null;
    this.pendingTransect = null;
    $('panel').classList.remove('has-unit');
    if (window.matchMedia(PHONE).matches) this.map?.resize();
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
    if (this.table.isOpen()) this.table.render();
    this.saveState({ push });
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
      const sig = document.createElement('span');
      const significant = isSignificant(u.mean_lrr, u.mean_lrr_unc);
      sig.className = significant ? 'sigtag yes' : 'sigtag';
      sig.textContent = this.t(significant ? 'significant' : 'not_significant');
      rate.append(' ', word, ' ', sig);
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

  async selectTransect(id, { push = false } = {}) {
    id = String(id);
    const seq = ++this.seq;
    this.setTransectSelected(id);
    this.pendingTransect = id;
    let tr;
    try {
      tr = await getJSON(`api/v1/transects/${encodeURIComponent(id)}`, { run: this.run.id });
    } catch (err) {
      if (err instanceof OfflineError) this.failed.add('transect');
      else this.showError(this.t('load_error', { msg: err.message }));
      return;
    }
    if (seq !== this.seq) return;
    this.pendingTransect = null;
    this.transect = { ...tr, transect_id: String(tr.transect_id ?? id) };
    $('transect-select').value = this.transect.transect_id;
    this.renderStrip();
    this.renderChart();
    this.saveState({ push });
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
    this.setAttribution();
    this.drawLegend();
    this.search.relabel();
    if (this.table.isOpen()) this.table.render();
    $('table-toggle').textContent = this.t(this.table.isOpen() ? 'table_hide' : 'table_show');
    for (const o of $('table-municipality').options) if (!o.value) o.textContent = this.t('municipality_all');
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
    this.wantHorizon = year;
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
        if (err instanceof OfflineError) {
          this.failed.add('atrisk');
          $('atrisk-status').textContent = this.t('offline_title');
          return;
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
    this.table.render();
    this.saveState();
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
  let app;
  try {
    i18n = await I18n.load(assetURL('i18n.json'), parseState(window.location.hash).lang);
    app = new App(i18n);
    window.tasiApp = app;
    await app.start();
  } catch (err) {
    if (err instanceof OfflineError && app) {
      // The server went away while the page started: say so, and start again when it is
      // back (lostServer's probe reloads the page).
      console.warn('tasi:', err.message);
      app.setLoading(false);
      app.lostServer();
      return;
    }
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
