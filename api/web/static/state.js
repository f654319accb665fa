// The page's shareable state in the URL's hash: the view, the selected suco and transect,
// the layers switched on, the language, the at-risk horizon and the table, so that a link
// ("look at Costa") opens the same map, and reloading keeps it:
//
//   #map=11.50/-9.21832/124.39265&suco=TL120104&transect=4924&layers=admin,transects
//    &lang=pt&horizon=2054&table=1&muni=TL12&onscreen=1&sort=mean_lrr:asc
//
// The hash, not the query: it never reaches the server, so the page stays one cacheable
// document. Parsing ignores what it does not know and keeps what is malformed out.

const KEYS = ['map', 'suco', 'transect', 'layers', 'lang', 'horizon', 'table', 'muni', 'onscreen', 'sort'];

// parseState reads a location hash ("#map=…&suco=…") into a plain object; fields that are
// absent or malformed are left out.
export function parseState(hash) {
  const out = {};
  const text = String(hash || '').replace(/^#/, '');
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    let value;
    try { value = decodeURIComponent(part.slice(eq + 1)); } catch { continue; }
    if (!KEYS.includes(key) || value === '') continue;
    switch (key) {
      case 'map': {
        const [z, lat, lon] = value.split('/').map(Number);
        if ([z, lat, lon].every(Number.isFinite) && z >= 0 && z <= 24 && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) {
          out.view = { zoom: z, center: [lon, lat] };
        }
        break;
      }
      case 'layers':
        out.layers = value.split(',').filter((s) => /^[a-z]+$/.test(s));
        break;
      case 'horizon':
        if (/^\d{4}$/.test(value)) out.horizon = Number(value);
        break;
      case 'table':
      case 'onscreen':
        out[key] = value === '1';
        break;
      case 'sort': {
        const [col, dir] = value.split(':');
        if (/^[a-z_]+$/.test(col)) out.sort = { col, dir: dir === 'desc' ? 'desc' : 'asc' };
        break;
      }
      default:
        out[key] = value;
    }
  }
  return out;
}

// formatState writes state (as parseState returns it) as a hash, keys in a fixed order.
export function formatState(s) {
  const parts = [];
  const put = (k, v) => {
    if (v === undefined || v === null || v === '' || v === false) return;
    parts.push(`${k}=${encodeURIComponent(String(v)).replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':')}`);
  };
  if (s.view) {
    const [lon, lat] = s.view.center;
    put('map', `${s.view.zoom.toFixed(2)}/${lat.toFixed(5)}/${lon.toFixed(5)}`);
  }
  put('suco', s.suco);
  put('transect', s.transect);
  if (Array.isArray(s.layers)) put('layers', s.layers.join(',') || 'none');
  put('lang', s.lang);
  put('horizon', s.horizon);
  put('table', s.table ? '1' : '');
  put('muni', s.muni);
  put('onscreen', s.onscreen ? '1' : '');
  if (s.sort) put('sort', `${s.sort.col}:${s.sort.dir}`);
  return parts.length ? `#${parts.join('&')}` : '';
}
