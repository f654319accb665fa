// The search box: municipalities, postos, sucos and localities by name from
// /api/v1/search (accents and case ignored by the server), as a combobox after the WAI-ARIA
// pattern: typing asks the server after a pause (debounced, older answers dropped), the
// results list each place's level and parents in the interface language, arrow keys move
// through them, Enter picks one, Escape closes the list. Picking flies to the place's
// bbox (a point for a locality) and selects it when it is a suco.
// Test hooks: #search-results li[data-code][data-level]; #search has data-state (idle,
// loading, done, error) and data-count.

const DEBOUNCE_MS = 250;
const LEVELS = ['municipality', 'posto', 'suco', 'locality'];
const $ = (id) => document.getElementById(id);

export class Search {
  constructor(app) {
    this.app = app;
    this.results = [];
    this.active = -1;
    this.seq = 0;
    this.timer = null;
  }

  t(key, vars) { return this.app.t(key, vars); }

  bind() {
    const input = $('search-input');
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      const q = input.value.trim();
      if (q.length < 2) {
        this.seq++;
        this.show([]);
        this.setState('idle');
        return;
      }
      this.timer = setTimeout(() => this.query(q), DEBOUNCE_MS);
    });
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('blur', () => {
      // Let a click on a result land first.
      setTimeout(() => { if (!$('search').contains(document.activeElement)) this.close(); }, 150);
    });
    input.addEventListener('focus', () => { if (this.results.length) this.open(); });
    $('search').addEventListener('submit', (e) => {
      e.preventDefault();
      if (this.results.length) this.pick(Math.max(this.active, 0));
    });
  }

  setState(state, count) {
    const box = $('search');
    box.dataset.state = state;
    if (count === undefined) delete box.dataset.count; else box.dataset.count = String(count);
  }

  async query(q) {
    const seq = ++this.seq;
    this.setState('loading');
    let body;
    try {
      body = await this.app.getJSON('api/v1/search', { q, limit: 10 });
    } catch (err) {
      if (seq !== this.seq) return;
      this.setState('error');
      this.app.status(this.t('search_error', { msg: err.message }));
      return;
    }
    if (seq !== this.seq) return;
    const results = Array.isArray(body.results) ? body.results : [];
    this.show(results);
    this.setState('done', results.length);
    this.app.status(results.length ? this.t('search_count', { n: this.app.i18n.num(results.length) }) : this.t('search_none', { q }));
  }

  describe(r) {
    const level = LEVELS.includes(r.level) ? this.t(`level_${r.level}`) : r.level;
    const parents = (r.parents || []).map((p) => p.name).filter(Boolean).join(', ');
    return parents ? `${level} · ${parents}` : level;
  }

  show(results) {
    this.results = results;
    this.active = -1;
    const list = $('search-results');
    list.replaceChildren();
    results.forEach((r, i) => {
      const li = document.createElement('li');
      li.id = `search-result-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.dataset.code = r.code ?? '';
      li.dataset.level = r.level ?? '';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = r.name;
      const where = document.createElement('span');
      where.className = 'where';
      where.textContent = this.describe(r);
      li.append(name, where);
      // mousedown, not click: the input's blur would close the list first.
      li.addEventListener('mousedown', (e) => { e.preventDefault(); this.pick(i); });
      list.append(li);
    });
    if (results.length) this.open(); else this.close();
  }

  relabel() {
    $('search-results').querySelectorAll('li').forEach((li, i) => {
      const r = this.results[i];
      if (r) li.querySelector('.where').textContent = this.describe(r);
    });
  }

  open() {
    $('search-results').hidden = false;
    $('search-input').setAttribute('aria-expanded', 'true');
  }

  close() {
    $('search-results').hidden = true;
    $('search-input').setAttribute('aria-expanded', 'false');
    $('search-input').removeAttribute('aria-activedescendant');
    this.active = -1;
  }

  move(to) {
    const items = $('search-results').querySelectorAll('li');
    if (!items.length) return;
    this.open();
    this.active = (to + items.length) % items.length;
    items.forEach((li, i) => li.setAttribute('aria-selected', String(i === this.active)));
    const li = items[this.active];
    $('search-input').setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }

  onKey(e) {
    switch (e.key) {
      case 'ArrowDown': e.preventDefault(); this.move(this.active + 1); break;
      case 'ArrowUp': e.preventDefault(); this.move(this.active - 1); break;
      case 'Escape':
        if (!$('search-results').hidden) { e.preventDefault(); e.stopPropagation(); this.close(); }
        break;
      case 'Enter':
        if (this.results.length) { e.preventDefault(); this.pick(Math.max(this.active, 0)); }
        break;
      default:
    }
  }

  // pick goes to result i: its bbox (a locality's point at zoom 14), and selects it when it
  // is a suco; a municipality filters the table.
  pick(i) {
    const r = this.results[i];
    if (!r) return;
    this.close();
    $('search-input').value = r.name;
    this.app.goTo(r);
  }
}
