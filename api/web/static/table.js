// The table of units under the map: the run's sucos (/api/v1/units) with their rate, its
// uncertainty, share of transects eroding, coast length, population, households and, once
// an at-risk list is on the map, the communities and households at risk by its horizon;
// sortable by any column (buttons in the headers, aria-sort), filtered by municipality and
// to the sucos on screen, with a CSV of exactly the rows and columns shown, in that order
// (numbers as shown, written with a full stop and a hyphen so that any program reads
// them). A row's name selects the suco.
// Test hooks: #units-table tbody tr[data-pcode]; #units-table has data-sort ("col:dir")
// and data-rows; #table-csv's href is a blob: URL of the CSV.

const $ = (id) => document.getElementById(id);
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

// COLUMNS: key, dictionary key of the header, digits (null for text), value(unit, app).
const COLUMNS = [
  { key: 'name', label: 'suco', text: true, value: (u) => u.name ?? u.pcode },
  { key: 'municipality', label: 'municipality', text: true, value: (u) => u.municipality ?? '' },
  { key: 'mean_lrr', label: 'col_rate', digits: 2, signed: true, value: (u) => u.mean_lrr },
  { key: 'mean_lrr_unc', label: 'col_unc', digits: 2, value: (u) => u.mean_lrr_unc },
  { key: 'pct_eroding', label: 'col_pct_eroding', digits: 0, value: (u) => u.pct_eroding },
  { key: 'coast_km', label: 'col_coast_km', digits: 1, value: (u) => u.coast_km },
  { key: 'population', label: 'col_population', digits: 0, value: (u) => u.population },
  { key: 'households', label: 'households_short', digits: 0, value: (u) => u.households },
  { key: 'atrisk_communities', label: 'col_atrisk_communities', digits: 0, atRisk: true, value: (u, app) => app.atRiskTally(u.pcode)?.communities },
  { key: 'atrisk_households', label: 'col_atrisk_households', digits: 0, atRisk: true, value: (u, app) => app.atRiskTally(u.pcode)?.households },
];
export const TABLE_COLUMNS = COLUMNS.map((c) => c.key);

export class UnitsTable {
  constructor(app) {
    this.app = app;
    this.sort = { col: 'mean_lrr', dir: 'asc' };
    this.onScreen = null; // Set of pcodes on screen, when that filter is on
    this.csvURL = null;
  }

  t(key, vars) { return this.app.t(key, vars); }

  bind() {
    $('table-toggle').addEventListener('click', () => this.setOpen($('table-section').hidden));
    $('table-municipality').addEventListener('change', () => { this.render(); this.app.saveState(); });
    $('table-onscreen').addEventListener('change', () => { this.refreshOnScreen(); this.app.saveState(); });
  }

  isOpen() { return !$('table-section').hidden; }

  setOpen(open) {
    $('table-section').hidden = !open;
    $('table-toggle').setAttribute('aria-expanded', String(open));
    $('table-toggle').textContent = this.t(open ? 'table_hide' : 'table_show');
    this.app.map?.resize();
    if (open) this.refreshOnScreen();
    this.app.saveState();
  }

  // fillMunicipalities lists the municipalities of the run's units in the filter.
  fillMunicipalities(munis) {
    const sel = $('table-municipality');
    const keep = sel.value || this.pendingMuni || '';
    sel.replaceChildren();
    const all = document.createElement('option');
    all.value = '';
    all.textContent = this.t('municipality_all');
    sel.append(all);
    for (const [code, name] of [...munis].sort((a, b) => a[1].localeCompare(b[1]))) {
      const o = document.createElement('option');
      o.value = code;
      o.textContent = name;
      sel.append(o);
    }
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : '';
    this.pendingMuni = null;
  }

  // refreshOnScreen notes which units the map shows (their polygons in the loaded tiles
  // overlapping the view), when the filter is on and the table open, and redraws.
  refreshOnScreen() {
    if (!$('table-onscreen').checked) {
      this.onScreen = null;
    } else if (this.app.map) {
      this.onScreen = this.app.unitsOnScreen();
    }
    this.render();
  }

  columns() {
    return COLUMNS.filter((c) => !c.atRisk || this.app.atRisk);
  }

  rows() {
    const muni = $('table-municipality').value;
    const units = this.app.units.filter((u) => (!muni || u.municipality_pcode === muni)
      && (!this.onScreen || this.onScreen.has(u.pcode)));
    const col = COLUMNS.find((c) => c.key === this.sort.col) || COLUMNS[2];
    const sign = this.sort.dir === 'desc' ? -1 : 1;
    const val = (u) => col.value(u, this.app);
    return units.map((u) => ({ u, v: val(u) })).sort((a, b) => {
      // Missing values last whatever the direction.
      const am = col.text ? !a.v : !isNum(a.v);
      const bm = col.text ? !b.v : !isNum(b.v);
      if (am || bm) return am - bm;
      const d = col.text ? String(a.v).localeCompare(String(b.v), this.app.i18n.lang) : a.v - b.v;
      return d * sign || String(a.u.name).localeCompare(String(b.u.name));
    }).map((r) => r.u);
  }

  setSort(key) {
    if (this.sort.col === key) this.sort = { col: key, dir: this.sort.dir === 'asc' ? 'desc' : 'asc' };
    else this.sort = { col: key, dir: COLUMNS.find((c) => c.key === key)?.text ? 'asc' : 'asc' };
    this.render();
    this.app.saveState();
    const btn = document.querySelector(`#units-table th[data-col="${key}"] button`);
    btn?.focus();
  }

  cell(c, u) {
    const v = c.value(u, this.app);
    const i = this.app.i18n;
    if (c.text) return { shown: v || '–', csv: v || '' };
    if (!isNum(v)) return { shown: '–', csv: '' };
    const shown = c.signed ? i.signed(v, c.digits) : i.num(v, c.digits);
    const fixed = v.toFixed(c.digits);
    return { shown, csv: c.signed && v > 0 && Number(fixed) !== 0 ? `+${fixed}` : fixed };
  }

  render() {
    if (!this.isOpen()) return;
    const cols = this.columns();
    const table = $('units-table');
    const head = document.createElement('tr');
    for (const c of cols) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.col = c.key;
      if (!c.text) th.className = 'num';
      const sorted = this.sort.col === c.key;
      th.setAttribute('aria-sort', sorted ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = this.t(c.label, { year: this.app.atRisk?.year ?? '' });
      const arrow = document.createElement('span');
      arrow.className = 'arrow';
      arrow.setAttribute('aria-hidden', 'true');
      arrow.textContent = sorted ? (this.sort.dir === 'asc' ? '▲' : '▼') : '';
      b.append(arrow);
      b.addEventListener('click', () => this.setSort(c.key));
      th.append(b);
      head.append(th);
    }
    table.tHead.replaceChildren(head);
    const body = table.tBodies[0];
    body.replaceChildren();
    const rows = this.rows();
    const csv = [cols.map((c) => this.t(c.label, { year: this.app.atRisk?.year ?? '' }))];
    for (const u of rows) {
      const tr = document.createElement('tr');
      tr.dataset.pcode = u.pcode;
      if (u.pcode === this.app.unit?.pcode) tr.className = 'current';
      const line = [];
      cols.forEach((c, k) => {
        const { shown, csv: value } = this.cell(c, u);
        line.push(value);
        const td = document.createElement(k === 0 ? 'th' : 'td');
        if (k === 0) {
          td.scope = 'row';
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'link';
          b.textContent = shown;
          b.addEventListener('click', () => this.app.selectUnit(u.pcode, { fly: true, push: true }));
          td.append(b);
        } else {
          td.textContent = shown;
          if (!c.text) td.className = 'num';
        }
        tr.append(td);
      });
      csv.push(line);
      body.append(tr);
    }
    table.dataset.sort = `${this.sort.col}:${this.sort.dir}`;
    table.dataset.rows = String(rows.length);
    $('table-count').textContent = this.t('table_count', { n: this.app.i18n.num(rows.length), total: this.app.i18n.num(this.app.units.length) });
    this.setCSV(csv);
  }

  setCSV(lines) {
    const esc = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const text = `\ufeff${lines.map((l) => l.map((v) => esc(String(v))).join(',')).join('\r\n')}\r\n`;
    if (this.csvURL) URL.revokeObjectURL(this.csvURL);
    this.csvURL = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = $('table-csv');
    a.href = this.csvURL;
    const muni = $('table-municipality').value;
    a.download = `tasi-sucos-${this.app.run?.id ?? 'run'}${muni ? `-${muni}` : ''}${this.onScreen ? '-on-screen' : ''}.csv`;
  }
}
