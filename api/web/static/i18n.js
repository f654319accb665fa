// Interface language: English, Portuguese and Tetum. All labels live in i18n.json (one
// dictionary per language, the same keys in each: a Go test checks it); this module loads
// it, translates the page's data-i18n elements and formats numbers for the language.

export const LANGUAGES = ['en', 'pt', 'tet'];
const STORAGE_KEY = 'tasi.lang';

// Number formatting locale per language. Intl knows no Tetum; Timor-Leste writes numbers
// the Portuguese way (decimal comma), so Tetum borrows pt-TL.
const NUMBER_LOCALE = { en: 'en-GB', pt: 'pt-TL', tet: 'pt-TL' };

export class I18n {
  constructor(dict, lang) {
    this.dict = dict;
    this.lang = LANGUAGES.includes(lang) ? lang : 'en';
    this.listeners = [];
  }

  // load fetches the dictionary (served beside this module) and picks the stored language,
  // else the browser's, else English.
  // A language named by the page's URL (a shared link) wins over both.
  static async load(url, wanted) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const dict = await res.json();
    return new I18n(dict, LANGUAGES.includes(wanted) ? wanted : I18n.initialLanguage());
  }

  static initialLanguage() {
    try {
      const stored = localStorage.getItem(STORAGE_KEY);
      if (LANGUAGES.includes(stored)) return stored;
    } catch { /* storage disabled: fall through */ }
    for (const l of navigator.languages || [navigator.language || 'en']) {
      const base = String(l).toLowerCase().split('-')[0];
      if (base === 'tet' || base === 'tdt') return 'tet';
      if (base === 'pt') return 'pt';
      if (base === 'en') return 'en';
    }
    return 'en';
  }

  // t translates key, filling {name} placeholders from vars; a missing key shows the
  // English text, then the key itself, so a gap is visible but never breaks the page.
  t(key, vars = {}) {
    const s = this.dict[this.lang]?.[key] ?? this.dict.en?.[key] ?? key;
    return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  }

  setLanguage(lang) {
    if (!LANGUAGES.includes(lang)) return;
    this.lang = lang;
    try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* ignore */ }
    this.apply(document);
    for (const fn of this.listeners) fn(lang);
  }

  onChange(fn) { this.listeners.push(fn); }

  // apply translates every element under root: data-i18n sets the text, data-i18n-attr
  // ("aria-label:key,title:key2") sets attributes.
  apply(root) {
    document.documentElement.lang = this.lang;
    for (const el of root.querySelectorAll('[data-i18n]')) {
      el.textContent = this.t(el.dataset.i18n);
    }
    for (const el of root.querySelectorAll('[data-i18n-attr]')) {
      for (const pair of el.dataset.i18nAttr.split(',')) {
        const [attr, key] = pair.split(':').map((s) => s.trim());
        if (attr && key) el.setAttribute(attr, this.t(key));
      }
    }
  }

  // num formats v with the given fraction digits and the language's separators (Intl),
  // negatives with the minus sign U+2212; '–' when v is null or not finite. Every number
  // on the page (panel, legend, table, popups, chart) goes through num or signed.
  num(v, digits = 0) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
    return minus(this.format(digits, 'auto').format(v));
  }

  // signed formats a rate with an explicit sign (−0.42, +0.10): erosion must read as
  // negative at a glance.
  signed(v, digits = 2) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
    return minus(this.format(digits, 'exceptZero').format(v));
  }

  format(digits, signDisplay) {
    const key = `${this.lang}/${digits}/${signDisplay}`;
    this.formats ??= new Map();
    if (!this.formats.has(key)) {
      this.formats.set(key, new Intl.NumberFormat(NUMBER_LOCALE[this.lang], {
        minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay,
      }));
    }
    return this.formats.get(key);
  }
}

// minus writes Intl's hyphen-minus as the minus sign (U+2212), as typeset numbers do.
function minus(s) { return s.replace(/-/g, '\u2212'); }
