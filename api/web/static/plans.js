// Plans on the map: where to keep NFI kits for the communities at risk by the selected
// horizon, or for every coastal community, stocked by a needs profile (/api/v1/plan/nfi:
// depots sized by the kits they should stock, lines to the communities each serves, a
// table and popups), and candidate relocation sites for the communities at risk by the
// last horizon (/api/v1/plan/relocation: sites coloured by choice, lines to their
// community, popups). Both are the files `tasi plan` writes, as
// GeoJSON; the download links ask the same query as CSV or XLSX.
// Test hooks: #nfi-status has data-state (loading, done, error) and data-depots;
// #reloc-status has data-state and data-count; window.tasiApp.plans is this object.

const NFI = 'plan-nfi';
const RELOC = 'plan-relocation';
const RELOC_LINKS = 'plan-relocation-links';
// Depots are dark green on white rings, apart from the red-blue rates and the magenta
// communities at risk; relocation sites go from dark (first choice) to light teal.
const DEPOT_COLOR = '#1b7837';
const LINK_COLOR = '#00441b';
const RANK_COLORS = ['#01665e', '#35978f', '#80cdc1'];
const EMPTY = { type: 'FeatureCollection', features: [] };
export const PLAN_LAYERS = {
  nfi: ['tasi-nfi-lines', 'tasi-nfi-depots'],
  relocation: ['tasi-reloc-fill', 'tasi-reloc-outline', 'tasi-reloc-links', 'tasi-reloc-sites'],
};

const $ = (id) => document.getElementById(id);
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// fetchPlan asks for a plan as GeoJSON, again while the server is still computing it
// (503), and throws the API's message otherwise.
async function fetchPlan(path, params) {
  const u = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
  }
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(u, { headers: { Accept: 'application/geo+json' } });
    if (res.ok) return res.json();
    if (res.status === 503 && attempt < 30) {
      await sleep(3000);
      continue;
    }
    let msg = `HTTP ${res.status}`;
    try {
      const body = await res.json();
      if (typeof body.error === 'string') msg = body.error;
    } catch { /* not JSON */ }
    throw new Error(msg);
  }
}

// extent is the bounds of every coordinate of features.
function extent(features) {
  let w = Infinity; let s = Infinity; let e = -Infinity; let n = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else c.forEach(walk);
  };
  for (const f of features) if (f.geometry) walk(f.geometry.coordinates);
  return Number.isFinite(w) ? [[w, s], [e, n]] : null;
}

export class Plans {
  constructor(app) {
    this.app = app;
    this.nfi = null; // the plan on the map: {body, depots, query}
    this.reloc = null; // {body, count, year}
    this.nfiSeq = 0;
    this.relocSeq = 0;
  }

  t(key, vars) { return this.app.t(key, vars); }

  // install adds the plans' sources and layers (empty until a plan is asked for) on top of
  // the map's, and their popups.
  install(map) {
    this.map = map;
    map.addSource(NFI, { type: 'geojson', data: EMPTY });
    map.addSource(RELOC, { type: 'geojson', data: EMPTY });
    map.addSource(RELOC_LINKS, { type: 'geojson', data: EMPTY });
    map.addLayer({
      id: 'tasi-reloc-fill', type: 'fill', source: RELOC,
      paint: { 'fill-color': this.rankColor(), 'fill-opacity': 0.7 },
    });
    map.addLayer({
      id: 'tasi-reloc-outline', type: 'line', source: RELOC,
      paint: { 'line-color': '#003c30', 'line-width': 1 },
    });
    map.addLayer({
      id: 'tasi-reloc-links', type: 'line', source: RELOC_LINKS, filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': '#003c30', 'line-width': 1.2, 'line-dasharray': [2, 1.5] },
    });
    map.addLayer({
      // The site's centre: polygons of 250 m vanish at country scale.
      id: 'tasi-reloc-sites', type: 'circle', source: RELOC_LINKS, filter: ['==', ['geometry-type'], 'Point'],
      layout: { 'circle-sort-key': ['-', 4, ['to-number', ['get', 'rank'], 3]] },
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 3.5, 14, 7],
        'circle-color': this.rankColor(),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
      },
    });
    map.addLayer({
      id: 'tasi-nfi-lines', type: 'line', source: NFI,
      filter: ['all', ['==', ['geometry-type'], 'LineString'], ['==', ['get', 'kind'], 'assignment']],
      layout: { 'line-cap': 'round' },
      paint: { 'line-color': LINK_COLOR, 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 1, 13, 2.5], 'line-opacity': 0.8 },
    });
    map.addLayer({
      id: 'tasi-nfi-depots', type: 'circle', source: NFI, filter: ['==', ['get', 'kind'], 'depot'],
      // The smaller depots on top, where circles overlap.
      layout: { 'circle-sort-key': ['-', 0, ['to-number', ['coalesce', ['get', 'kits'], 0], 0]] },
      paint: {
        'circle-radius': this.depotRadius(1),
        'circle-color': DEPOT_COLOR,
        'circle-opacity': 0.85,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    });
    for (const id of ['tasi-nfi-depots', 'tasi-reloc-sites', 'tasi-reloc-fill']) {
      map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
    }
    const popup = this.app.popup;
    map.on('mousemove', 'tasi-nfi-depots', (e) => {
      const f = e.features?.[0];
      if (f) popup.setLngLat(f.geometry.coordinates).setDOMContent(this.depotPopup(f.properties)).addTo(map);
    });
    map.on('mouseleave', 'tasi-nfi-depots', () => popup.remove());
    for (const id of ['tasi-reloc-sites', 'tasi-reloc-fill']) {
      map.on('mousemove', id, (e) => {
        const f = e.features?.[0];
        if (f) popup.setLngLat(e.lngLat).setDOMContent(this.sitePopup(f.properties)).addTo(map);
      });
      map.on('mouseleave', id, () => popup.remove());
    }
    this.applySwitches();
  }

  rankColor() {
    return ['match', ['to-number', ['get', 'rank'], 0], 1, RANK_COLORS[0], 2, RANK_COLORS[1], 3, RANK_COLORS[2], '#bdbdbd'];
  }

  // depotRadius sizes a depot by the kits it should stock, by area (square root), the
  // largest of the plan 26 px across at country scale.
  depotRadius(maxKits) {
    const share = ['sqrt', ['/', ['to-number', ['coalesce', ['get', 'kits'], 0], 0], Math.max(maxKits, 1)]];
    const r = ['+', 5, ['*', 13, share]];
    return ['interpolate', ['linear'], ['zoom'], 7, r, 14, ['*', 1.5, r]];
  }

  bind() {
    $('nfi-objective').addEventListener('change', () => this.showObjective());
    $('nfi-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.computeNFI();
    });
    $('layer-relocation').addEventListener('change', () => {
      if ($('layer-relocation').checked && !this.reloc) this.loadRelocation();
      this.applySwitches();
    });
    $('layer-nfi').addEventListener('change', () => this.applySwitches());
    this.showObjective();
  }

  showObjective() {
    $('nfi-max-row').hidden = $('nfi-objective').value !== 'cover';
  }

  applySwitches() {
    if (!this.map) return;
    const show = { nfi: $('layer-nfi').checked, relocation: $('layer-relocation').checked };
    for (const [group, ids] of Object.entries(PLAN_LAYERS)) {
      for (const id of ids) this.map.setLayoutProperty(id, 'visibility', show[group] ? 'visible' : 'none');
    }
    $('legend-nfi').hidden = !this.nfi || !show.nfi;
    $('legend-relocation').hidden = !this.reloc || !show.relocation;
  }

  // query is the NFI query of the form: k depots for the households at risk by the
  // selected horizon (demand at-risk) or for every coastal community (coastal: no
  // horizon), median or cover within the distance given, stocked by the needs profile.
  query() {
    const demand = $('nfi-demand').value;
    const q = {
      run: this.app.run.id,
      demand,
      horizon: demand === 'at-risk' ? this.app.atRisk?.year : undefined,
      depots: Math.round(Number($('nfi-depots').value)),
      objective: $('nfi-objective').value,
      profile: $('nfi-profile').value,
    };
    if (q.objective === 'cover') q.max_distance = `${Number($('nfi-max-distance').value)}km`;
    return q;
  }

  async computeNFI() {
    const seq = ++this.nfiSeq;
    const status = $('nfi-status');
    const q = this.query();
    if (!(q.depots >= 1 && q.depots <= 50)) {
      this.nfiState('error', this.t('nfi_error', { msg: this.t('nfi_depots_range') }));
      return;
    }
    if (q.objective === 'cover' && !(Number($('nfi-max-distance').value) > 0)) {
      this.nfiState('error', this.t('nfi_error', { msg: this.t('nfi_distance_range') }));
      return;
    }
    this.nfiState('loading', this.t('nfi_loading'));
    $('nfi-compute').disabled = true;
    let body;
    try {
      body = await fetchPlan('api/v1/plan/nfi', { ...q, format: 'geojson' });
    } catch (err) {
      if (seq !== this.nfiSeq) return;
      $('nfi-compute').disabled = false;
      this.nfi = null;
      this.map.getSource(NFI).setData(EMPTY);
      this.renderNFI();
      this.nfiState('error', this.t('nfi_error', { msg: err.message }));
      return;
    } finally {
      if (seq === this.nfiSeq) $('nfi-compute').disabled = false;
    }
    if (seq !== this.nfiSeq) return;
    const features = Array.isArray(body.features) ? body.features : [];
    const depots = features.filter((f) => f.properties?.kind === 'depot');
    this.nfi = { body, depots, query: q };
    const maxKits = Math.max(1, ...depots.map((f) => Number(f.properties.kits) || 0));
    this.map.setPaintProperty('tasi-nfi-depots', 'circle-radius', this.depotRadius(maxKits));
    this.map.getSource(NFI).setData(body);
    $('layer-nfi').checked = true;
    this.applySwitches();
    this.renderNFI();
    status.dataset.depots = String(depots.length);
    this.nfiState('done', this.nfiSummary());
    const b = extent(features);
    if (b) this.map.fitBounds(b, { padding: 60, maxZoom: 12, duration: 0 });
  }

  nfiState(state, text) {
    const status = $('nfi-status');
    status.dataset.state = state;
    status.textContent = text;
    status.classList.toggle('error-text', state === 'error');
  }

  nfiSummary() {
    const s = this.nfi?.body?.tasi?.summary || {};
    const i = this.app.i18n;
    const lines = [this.t(this.nfi.query.demand === 'coastal' ? 'nfi_summary_coastal' : 'nfi_summary', {
      n: i.num(this.nfi.depots.length), households: i.num(s.households), year: this.nfi.query.horizon ?? '',
      mean: i.num(s.mean_distance_m / 1000, 1),
    })];
    if (isNum(s.coverage_share) && this.nfi.query.objective === 'cover') {
      lines.push(this.t('nfi_coverage', { share: i.num(100 * s.coverage_share), km: i.num(s.max_distance_m / 1000) }));
    }
    lines.push(String(s.distance_method ?? '').startsWith('road') ? this.t('nfi_distance_roads') : this.t('nfi_distance_straight'));
    return lines.join(' ');
  }

  // renderNFI fills the depot list and the download links of the plan on the map.
  renderNFI() {
    const i = this.app.i18n;
    const list = $('nfi-list');
    list.replaceChildren();
    $('nfi-result').hidden = !this.nfi;
    if (!this.nfi) return;
    const km = (m) => (isNum(m) ? i.num(m / 1000, 1) : '–');
    for (const f of this.nfi.depots) {
      const p = f.properties;
      const li = document.createElement('li');
      li.dataset.depot = p.depot_id ?? '';
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'link';
      btn.textContent = p.depot_name ?? p.depot_id ?? '';
      btn.addEventListener('click', () => {
        this.map.flyTo({ center: f.geometry.coordinates, zoom: Math.max(this.map.getZoom(), 11) });
      });
      const figures = document.createElement('span');
      figures.className = 'figures';
      const part = (cls, text) => {
        const s = document.createElement('span');
        s.className = cls;
        s.textContent = text;
        return s;
      };
      figures.append(
        part('households', this.t('nfi_households', { n: i.num(p.households_served) })), ' · ',
        part('kits', this.t('nfi_kits', { n: i.num(p.kits) })), ' · ',
        part('distance', `${km(p.mean_distance_m)} / ${km(p.max_distance_m)} km`),
      );
      li.append(btn, figures);
      list.append(li);
    }
    const link = (format, file) => {
      const u = new URL('api/v1/plan/nfi', document.baseURI);
      for (const [k, v] of Object.entries(this.nfi.query)) if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, String(v));
      u.searchParams.set('format', format);
      if (file) u.searchParams.set('file', file);
      return u.href;
    };
    $('nfi-download-csv').href = link('csv', 'depots.csv');
    $('nfi-download-xlsx').href = link('xlsx');
  }

  depotPopup(p) {
    const i = this.app.i18n;
    const div = document.createElement('div');
    div.className = 'plan-popup';
    const b = document.createElement('strong');
    b.textContent = p.depot_name ?? p.depot_id ?? '';
    div.append(b);
    const line = (label, value) => div.append(document.createElement('br'), `${label}: ${value}`);
    line(this.t('suco'), `${p.suco_name ?? '–'}${p.municipality_name ? ` (${p.municipality_name})` : ''}`);
    line(this.t('communities'), i.num(p.communities));
    line(this.t('households_served'), i.num(p.households_served));
    line(this.t('kits'), i.num(p.kits));
    line(this.t('mean_distance'), isNum(p.mean_distance_m) ? `${i.num(p.mean_distance_m / 1000, 1)} km` : '–');
    line(this.t('max_distance'), isNum(p.max_distance_m) ? `${i.num(p.max_distance_m / 1000, 1)} km` : '–');
    return div;
  }

  // loadRelocation puts the relocation sites of the run on the map: the sites, and a line
  // from each community to the centre of each of its sites.
  async loadRelocation() {
    const seq = ++this.relocSeq;
    const status = $('reloc-status');
    status.dataset.state = 'loading';
    status.textContent = this.t('reloc_loading');
    let body;
    try {
      body = await fetchPlan('api/v1/plan/relocation', { run: this.app.run.id, format: 'geojson' });
    } catch (err) {
      if (seq !== this.relocSeq) return;
      status.dataset.state = 'error';
      status.textContent = this.t('reloc_error', { msg: err.message });
      return;
    }
    if (seq !== this.relocSeq) return;
    const features = Array.isArray(body.features) ? body.features : [];
    const links = [];
    for (const f of features) {
      const p = f.properties || {};
      if (!isNum(p.site_lon) || !isNum(p.site_lat)) continue;
      const site = [p.site_lon, p.site_lat];
      links.push({ type: 'Feature', properties: p, geometry: { type: 'Point', coordinates: site } });
      if (isNum(p.lon) && isNum(p.lat)) {
        links.push({ type: 'Feature', properties: p, geometry: { type: 'LineString', coordinates: [[p.lon, p.lat], site] } });
      }
    }
    const communities = new Set(features.map((f) => f.properties?.community_code));
    this.reloc = { body, count: communities.size, sites: links.filter((f) => f.geometry.type === 'Point').length, year: body.tasi?.horizon_year };
    this.map.getSource(RELOC).setData({ type: 'FeatureCollection', features: features.filter((f) => f.geometry) });
    this.map.getSource(RELOC_LINKS).setData({ type: 'FeatureCollection', features: links });
    status.dataset.state = 'done';
    status.dataset.count = String(this.reloc.sites);
    this.renderRelocation();
    this.applySwitches();
  }

  renderRelocation() {
    if (!this.reloc) return;
    const i = this.app.i18n;
    const status = $('reloc-status');
    const parts = [this.t('reloc_count', { n: i.num(this.reloc.count), year: this.reloc.year ?? '' })];
    if (this.reloc.body.tasi?.elevation_applied === false) parts.push(this.t('reloc_no_dem'));
    status.textContent = parts.join(' ');
    const link = (format) => {
      const u = new URL('api/v1/plan/relocation', document.baseURI);
      u.searchParams.set('run', String(this.app.run.id));
      u.searchParams.set('format', format);
      return u.href;
    };
    $('reloc-download-csv').href = link('csv');
    $('reloc-download-xlsx').href = link('xlsx');
    $('reloc-download').hidden = false;
  }

  sitePopup(p) {
    const i = this.app.i18n;
    const div = document.createElement('div');
    div.className = 'plan-popup';
    const b = document.createElement('strong');
    b.textContent = `${p.community_name ?? ''} → ${this.t('site_rank', { rank: p.rank ?? '–' })}`;
    div.append(b);
    const line = (label, value) => div.append(document.createElement('br'), `${label}: ${value}`);
    line(this.t('suco'), `${p.suco_name ?? '–'}${p.municipality_name ? ` (${p.municipality_name})` : ''}`);
    line(this.t('people_to_move'), i.num(p.people_to_move));
    line(this.t('site_capacity'), `${i.num(p.capacity_people)}${p.partial ? ` (${this.t('site_partial')})` : ''}`);
    line(this.t('site_distance'), isNum(p.distance_m) ? `${i.num(p.distance_m / 1000, 1)} km` : '–');
    const reasons = [p.site_reasons, p.community_reasons].filter(Boolean).join(';');
    if (reasons) line(this.t('reasons'), reasons.split(';').join(', '));
    if (p.elevation_applied === false) {
      const note = document.createElement('em');
      note.textContent = this.t('reloc_no_dem');
      div.append(document.createElement('br'), note);
    }
    return div;
  }

  relabel() {
    if (this.nfi) {
      this.renderNFI();
      if ($('nfi-status').dataset.state === 'done') this.nfiState('done', this.nfiSummary());
    }
    this.renderRelocation();
  }
}
