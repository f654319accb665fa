// Browser test of the tasi web map: Debian's headless Chromium, driven by playwright-core,
// opens a running `tasi serve`, waits for the tiles to render, clicks the fastest-eroding
// suco and checks the panel against the JSON API, clicks a transect and checks the chart
// against its time series, then switches layers and language. Screenshots are kept in
// artifacts/: overview.png (the first render) and map.png (suco panel and chart).
//
//   TASI_URL=http://127.0.0.1:8080/ node --test map.test.mjs
//
// Environment: TASI_URL (required; the test is skipped without it, and fails under
// CI=true), CHROMIUM (default /usr/bin/chromium), ARTIFACTS (default ./artifacts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = process.env.TASI_URL;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.ARTIFACTS || path.join(here, 'artifacts');
const READY_TIMEOUT_MS = 90_000;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // With the GPU off, WebGL runs on SwiftShader; recent Chromium wants this said aloud.
  '--enable-unsafe-swiftshader',
];

const skip = !BASE && process.env.CI !== 'true' ? 'TASI_URL is not set (start `tasi serve` and point TASI_URL at it)' : false;

async function api(p) {
  const u = new URL(p, BASE);
  const res = await fetch(u);
  assert.equal(res.status, 200, `GET ${u}: HTTP ${res.status}`);
  return res.json();
}

// Numbers as the page formats them in English (en-GB, explicit sign on rates).
const signed = (v, d = 2) => new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: d, maximumFractionDigits: d, signDisplay: 'exceptZero',
}).format(v);
const whole = (v) => new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(v);

test('web map: suco panel and transect chart match the API', { skip, timeout: 240_000 }, async (t) => {
  assert.ok(BASE, 'TASI_URL must be set under CI=true');
  await mkdir(ARTIFACTS, { recursive: true });
  // launch() (not launchPersistentContext) runs Chromium on a fresh temporary profile that
  // it deletes on close: no cache, no stored language from an earlier run.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  t.after(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();

  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  const offsite = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== new URL(BASE).origin) offsite.push(r.url());
  });

  // Load and wait for the tiles of the latest run to render.
  await page.goto(BASE, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.tasiReady !== undefined);
  const ready = await page.evaluate(() => Promise.race([
    window.tasiReady,
    new Promise((_, reject) => setTimeout(() => reject(new Error('tasiReady timed out')), 85_000)),
  ]), null, { timeout: READY_TIMEOUT_MS });
  const { runs } = await api('api/v1/runs');
  const latest = runs.filter((r) => r.status === 'succeeded').sort((a, b) => Number(b.id) - Number(a.id))[0];
  assert.ok(latest, 'the server has a succeeded run');
  assert.equal(ready.run, latest.id, 'the page shows the latest succeeded run');
  assert.ok(ready.adminFeatures > 0, `admin units rendered: ${ready.adminFeatures}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png') });

  // The fastest-eroding suco per the API.
  const { units } = await api(`api/v1/units?run=${latest.id}&sort=mean_lrr&limit=100`);
  const unit = units.find((u) => typeof u.mean_lrr === 'number');
  assert.ok(unit, 'at least one unit has a mean rate');
  assert.ok(unit.mean_lrr < 0, `the fastest-eroding suco erodes: ${unit.pcode} ${unit.mean_lrr}`);

  const detail = await api(`api/v1/units/${unit.pcode}?run=${latest.id}`);
  const located = detail.transects.filter((tr) => typeof tr.lon === 'number' && typeof tr.lat === 'number')
    .map((tr) => [tr.lon, tr.lat]);

  // Zoom to it and find a pixel inside its polygon that no transect covers.
  const target = await page.evaluate(async ({ pcode, located }) => {
    const map = window.tasiMap;
    const settle = () => new Promise((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      map.once('idle', () => { clearTimeout(timer); resolve(); });
    });
    const extent = (coords) => {
      let w = Infinity; let s = Infinity; let e = -Infinity; let n = -Infinity;
      const walk = (c) => {
        if (typeof c[0] === 'number') { w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]); } else c.forEach(walk);
      };
      walk(coords);
      return [[w, s], [e, n]];
    };
    const find = () => map.querySourceFeatures('tasi', { sourceLayer: 'admin', filter: ['==', ['get', 'pcode'], pcode] });
    let feats = find();
    if (!feats.length && located.length) {
      // Too small to survive simplification at the overview zoom: go where its transects are.
      const done = settle();
      map.fitBounds(extent(located), { padding: 120, animate: false, maxZoom: 12 });
      await done;
      feats = find();
    }
    if (!feats.length) return { error: `no admin feature ${pcode} in the loaded tiles` };
    const done = settle();
    map.fitBounds(extent(feats.map((f) => f.geometry.coordinates)), { padding: 120, animate: false });
    await done;
    const [[w, s], [e, n]] = extent(find().map((f) => f.geometry.coordinates));
    const a = map.project([w, n]);
    const b = map.project([e, s]);
    let best = null;
    for (let i = 1; i < 30; i++) {
      for (let j = 1; j < 30; j++) {
        const x = a.x + ((b.x - a.x) * i) / 30;
        const y = a.y + ((b.y - a.y) * j) / 30;
        const hit = map.queryRenderedFeatures([x, y], { layers: ['tasi-admin-fill'] });
        if (!hit.length || hit[0].properties.pcode !== pcode) continue;
        const near = map.queryRenderedFeatures([[x - 8, y - 8], [x + 8, y + 8]], { layers: ['tasi-transects'] });
        if (near.length) continue;
        // Prefer points deep inside: all four neighbours 12 px away in the same unit.
        const inside = [[12, 0], [-12, 0], [0, 12], [0, -12]].every(([dx, dy]) => {
          const h = map.queryRenderedFeatures([x + dx, y + dy], { layers: ['tasi-admin-fill'] });
          return h.length && h[0].properties.pcode === pcode;
        });
        if (!best || (inside && !best.inside)) best = { x, y, inside };
        if (best.inside) break;
      }
      if (best?.inside) break;
    }
    const r = map.getCanvas().getBoundingClientRect();
    return best ? { x: r.left + best.x, y: r.top + best.y, zoom: map.getZoom() } : { error: `no clickable pixel for ${pcode}` };
  }, { pcode: unit.pcode, located });
  assert.ok(!target.error, target.error);

  await page.mouse.click(target.x, target.y);
  const panel = page.locator('#panel');
  await page.waitForFunction((pc) => document.getElementById('panel').dataset.pcode === pc, unit.pcode, { timeout: 15_000 });
  assert.equal(await page.locator('#unit-pcode').textContent(), unit.pcode);
  assert.equal(Number(await panel.getAttribute('data-mean-lrr')), unit.mean_lrr, 'data-mean-lrr is the API value');
  const rateText = await page.locator('#unit-mean-lrr').textContent();
  assert.ok(rateText.includes(signed(unit.mean_lrr)), `panel rate "${rateText}" shows ${signed(unit.mean_lrr)}`);
  if (typeof unit.mean_lrr_unc === 'number') {
    assert.ok(rateText.includes(`± ${signed(unit.mean_lrr_unc).replace('+', '')}`), `panel rate "${rateText}" shows its uncertainty`);
  }
  assert.equal(await page.locator('#panel-title').textContent(), unit.name);
  assert.equal(await page.locator('#unit-municipality').textContent(), unit.municipality);
  if (typeof unit.population === 'number') {
    assert.equal(await page.locator('#unit-population').textContent(), whole(unit.population));
  }
  if (typeof unit.households === 'number') {
    assert.equal(await page.locator('#unit-households').textContent(), whole(unit.households));
  }
  assert.equal(await page.locator('#transect-select option').count(), detail.transects.length, 'one list entry per transect');
  assert.equal(await page.locator('#transect-strip rect.bar').count(), detail.transects.length, 'one bar per transect');

  // Click a transect of this suco on the map: the chart shows its whole series.
  const trPoint = await page.evaluate((pcode) => {
    const map = window.tasiMap;
    const feats = map.queryRenderedFeatures({ layers: ['tasi-transects'] })
      .filter((f) => f.properties.pcode === pcode && f.geometry.type === 'LineString');
    if (!feats.length) return { error: `no rendered transect of ${pcode} at zoom ${map.getZoom()}` };
    const f = feats[Math.floor(feats.length / 2)];
    const c = f.geometry.coordinates;
    const p0 = map.project(c[0]);
    const p1 = map.project(c[c.length - 1]);
    const r = map.getCanvas().getBoundingClientRect();
    return { x: r.left + (p0.x + p1.x) / 2, y: r.top + (p0.y + p1.y) / 2 };
  }, unit.pcode);
  assert.ok(!trPoint.error, trPoint.error);
  await page.mouse.click(trPoint.x, trPoint.y);
  await page.waitForFunction(() => document.querySelector('#chart svg[data-transect-id]'), null, { timeout: 15_000 });
  await checkChart(page, latest.id);

  // Pick another transect from the list, as a keyboard user would.
  const chosen = await page.locator('#panel').getAttribute('data-transect-id');
  const options = await page.locator('#transect-select option').evaluateAll((os) => os.map((o) => o.value));
  const other = options.find((v) => v !== chosen);
  if (other) {
    await page.locator('#transect-select').focus();
    await page.selectOption('#transect-select', other);
    await page.waitForFunction((id) => document.querySelector('#chart svg')?.dataset.transectId === id, other, { timeout: 15_000 });
    await checkChart(page, latest.id);
  }

  await page.screenshot({ path: path.join(ARTIFACTS, 'map.png') });

  // Layer switcher hides and shows map layers.
  await page.locator('#layer-admin').uncheck();
  assert.equal(await page.evaluate(() => window.tasiMap.getLayoutProperty('tasi-admin-fill', 'visibility')), 'none');
  await page.locator('#layer-admin').check();
  assert.equal(await page.evaluate(() => window.tasiMap.getLayoutProperty('tasi-admin-fill', 'visibility')), 'visible');
  await page.locator('#layer-shorelines').check();
  assert.equal(await page.evaluate(() => window.tasiMap.getLayoutProperty('tasi-shorelines', 'visibility')), 'visible');
  assert.equal(await page.locator('#legend-years').isVisible(), true, 'the year legend shows with the shorelines');

  // Language switch: Tetum labels, Portuguese-style decimals.
  await page.selectOption('#lang-select', 'tet');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'tet');
  assert.equal(await page.locator('.layers legend').textContent(), 'Kamada');
  assert.equal(await page.locator('#legend-title').textContent(), 'Lejenda');
  assert.match(await page.locator('#panel dt:has(+ #unit-households)').textContent(), /^Uma-kain/);
  const tetRate = await page.locator('#unit-mean-lrr').textContent();
  assert.ok(tetRate.includes(signed(unit.mean_lrr).replace('.', ',')) && tetRate.includes('m/tinan'),
    `Tetum rate "${tetRate}"`);
  assert.equal(await page.locator('.maplibregl-ctrl-zoom-in').getAttribute('title'), 'Halo boot',
    'MapLibre\'s own buttons follow the language');
  await page.selectOption('#lang-select', 'pt');
  assert.equal(await page.locator('.layers legend').textContent(), 'Camadas');
  assert.equal(await page.locator('.maplibregl-ctrl-zoom-out').getAttribute('aria-label'), 'Afastar');
  await page.selectOption('#lang-select', 'en');
  assert.equal(await page.locator('.layers legend').textContent(), 'Layers');

  assert.deepEqual(offsite, [], 'the page requests nothing from other hosts');
  assert.deepEqual(problems, [], 'no errors in the page');
});

// checkChart compares the chart on the page with the transect's series from the API.
async function checkChart(page, run) {
  const id = await page.locator('#chart svg').getAttribute('data-transect-id');
  assert.equal(await page.locator('#panel').getAttribute('data-transect-id'), id);
  const tr = await api(`api/v1/transects/${encodeURIComponent(id)}?run=${run}`);
  const n = tr.series.filter((s) => typeof s.distance_m === 'number').length;
  assert.ok(n > 0, `transect ${id} has a series`);
  assert.equal(await page.locator('#chart circle.pt').count(), n, `transect ${id}: one point per shoreline`);
  assert.equal(Number(await page.locator('#chart svg').getAttribute('data-n-points')), n);
  if (typeof tr.lrr === 'number' && n > 2) {
    assert.equal(await page.locator('#chart line.lrr-line').count(), 1, `transect ${id}: the LRR line is drawn`);
    assert.equal(Number(await page.locator('#chart svg').getAttribute('data-lrr')), tr.lrr);
    // The page's dates (DSAS decimal years) reproduce the server's least-squares slope, so
    // the line drawn through the points is the fit the server reports.
    const slope = await page.evaluate(async (series) => {
      const { decimalYear } = await import('tasi/chart');
      const pts = series.filter((s) => typeof s.distance_m === 'number').map((s) => [decimalYear(s.date), s.distance_m]);
      const tm = pts.reduce((a, p) => a + p[0], 0) / pts.length;
      const dm = pts.reduce((a, p) => a + p[1], 0) / pts.length;
      let sxy = 0;
      let sxx = 0;
      for (const [t, d] of pts) { sxy += (t - tm) * (d - dm); sxx += (t - tm) ** 2; }
      return sxy / sxx;
    }, tr.series);
    assert.ok(Math.abs(slope - tr.lrr) < 1e-6, `transect ${id}: slope of the plotted points ${slope} vs LRR ${tr.lrr}`);
  }
  // Points lie inside the plot: no NaN coordinates from a bad date or number.
  const bad = await page.locator('#chart circle.pt').evaluateAll((cs) => cs.filter((c) => !Number.isFinite(Number(c.getAttribute('cx'))) || !Number.isFinite(Number(c.getAttribute('cy')))).length);
  assert.equal(bad, 0, `transect ${id}: every point has finite coordinates`);
}
