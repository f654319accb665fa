// The planners' map: admin units coloured by mean rate, transects, shorelines and
// localities from the server's vector tiles; a side panel with a suco's statistics and the
// time series of a transect. Test hooks: window.tasiMap (the MapLibre map),
// window.tasiReady (a promise resolved once the tiles of the latest run have rendered) and
// data-* attributes on the panel (data-pcode, data-mean-lrr, data-transect-id).

import * as maplibregl from 'maplibre-gl';
import { I18n } from 'tasi/i18n';
import { RATE_STOPS, YEAR_STOPS, NO_DATA, rateExpression, yearExpression, cssGradient, rateColor } from 'tasi/ramp';
import { timeSeries, strip } from 'tasi/chart';

const SOURCE = 'tasi';
const SEA = '#cfe0ea';
// Timor-Leste with Oecussi and Atauro, for when the style's source has no bounds.
const TL_BOUNDS = [[124.0, -9.55], [127.35, -8.1]];
// Which map layers each switch controls; all are ours, on source "tasi".
const LAYER_GROUPS = {
  admin: ['tasi-admin-fill', 'tasi-admin-line', 'tasi-admin-selected'],
  transects: ['tasi-transects', 'tasi-transects-selected'],
  shorelines: ['tasi-shorelines'],
  localities: ['tasi-localities'],
};
const CLICK_TOLERANCE_PX = 5;

const $ = (id) => document.getElementById(id);

let resolveReady;
let rejectReady;
window.tasiReadyFlag = false;
window.tasiReady = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
window.tasiReady.catch(() => { /* reported in the page; a test awaiting it sees the rejection */ });

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
    const ok = runs.filter((r) => r.status === undefined || r.status === 'succeeded');
    ok.sort((a, b) => compareIds(b.id, a.id));
    this.run = ok[0] || null;
    if (!this.run) {
      this.showError(this.t('no_runs'));
      throw new Error('no succeeded run');
    }
    this.showRunLabel();

    const styleURL = new URL('styles/tasi.json', document.baseURI).href;
    const style = await this.buildStyle(styleURL);
    this.createMap(style);
    this.bindControls();
    // The list is a convenience: the map works without it.
    this.loadUnits().catch((err) => this.showError(this.t('load_error', { msg: err.message })));
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
    return {
      version: 8,
      name: 'tasi',
      sources: {
        [SOURCE]: source,
        // Bundled land outline (64 kB): inland areas read as land even where the admin
        // layer has only the coastal units of the run. Nothing comes from the internet.
        land: { type: 'geojson', data: assetURL('land.geojson') },
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
      ],
    };
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
    });

    map.on('click', (e) => this.onMapClick(e));
    for (const id of ['tasi-admin-fill', 'tasi-transects', 'tasi-localities']) {
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
  }

  bindControls() {
    for (const box of document.querySelectorAll('input[data-layer]')) {
      box.addEventListener('change', () => this.applyLayerSwitches());
    }
    $('unit-select').addEventListener('change', (e) => {
      if (e.target.value) this.selectUnit(e.target.value, { fly: true });
    });
    $('municipality-select').addEventListener('change', () => this.fillUnitSelect());
    $('transect-select').addEventListener('change', (e) => {
      if (e.target.value) this.selectTransect(e.target.value);
    });
    $('panel-close').addEventListener('click', () => this.clearSelection());
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
    const munis = [...new Set(units.map((u) => u.municipality).filter(Boolean))].sort();
    const ms = $('municipality-select');
    for (const m of munis) {
      const o = document.createElement('option');
      o.value = m;
      o.textContent = m;
      ms.append(o);
    }
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
      if (muni && u.municipality !== muni) continue;
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
    const layers = ['tasi-transects', 'tasi-admin-fill'].filter((id) => map.getLayer(id)
      && map.getLayoutProperty(id, 'visibility') !== 'none');
    const feats = map.queryRenderedFeatures(box, { layers });
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
