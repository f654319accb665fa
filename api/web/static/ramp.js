// Colour ramps shared by the map layers, the legend and the charts, so what the legend
// says is exactly what the map draws.

// RATE_STOPS is the diverging ramp for rates of change in m/yr (ColorBrewer RdBu, 7
// classes): negative rates are erosion (red), positive accretion (blue). Values beyond the
// ends take the end colours. The server's own style (/styles/tasi.json) uses the same
// stops, so the map looks the same in QGIS or any other MapLibre client.
export const RATE_STOPS = [
  [-2, '#b2182b'],
  [-1, '#ef8a62'],
  [-0.25, '#fddbc7'],
  [0, '#f7f7f7'],
  [0.25, '#d1e5f0'],
  [1, '#67a9cf'],
  [2, '#2166ac'],
];

// NO_DATA is the fill of units without a rate (inland sucos, too few shorelines).
export const NO_DATA = '#d9d4c7';

// YEAR_STOPS colours shorelines from old (purple) to recent (yellow): viridis.
export const YEAR_STOPS = [
  [1985, '#440154'],
  [1995, '#3b528b'],
  [2005, '#21918c'],
  [2015, '#5ec962'],
  [2025, '#fde725'],
];

// rateExpression is a MapLibre expression colouring by the numeric property prop, grey
// when the feature lacks it (MVT has no null: an undefined rate is an absent property).
export function rateExpression(prop) {
  const stops = RATE_STOPS.flatMap(([v, c]) => [v, c]);
  return ['case',
    ['==', ['typeof', ['get', prop]], 'number'],
    ['interpolate', ['linear'], ['get', prop], ...stops],
    NO_DATA];
}

// yearExpression colours by the shoreline's year (a number, or the year of its date).
export function yearExpression() {
  const stops = YEAR_STOPS.flatMap(([v, c]) => [v, c]);
  const year = ['case',
    ['has', 'year'], ['to-number', ['get', 'year'], 2000],
    ['to-number', ['slice', ['to-string', ['get', 'date']], 0, 4], 2000]];
  return ['interpolate', ['linear'], year, ...stops];
}

// cssGradient is the CSS linear-gradient of stops, positioned by value.
export function cssGradient(stops) {
  const lo = stops[0][0];
  const hi = stops[stops.length - 1][0];
  const parts = stops.map(([v, c]) => `${c} ${(((v - lo) / (hi - lo)) * 100).toFixed(1)}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}

// rateColor is the ramp's colour for value v, interpolated in RGB like MapLibre's 'linear'
// (close enough for bars in a chart), or NO_DATA when v is not a finite number.
export function rateColor(v) {
  return rampColor(RATE_STOPS, v);
}

export function rampColor(stops, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return NO_DATA;
  if (v <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [v1, c1] = stops[i];
    if (v <= v1) {
      const [v0, c0] = stops[i - 1];
      const f = (v - v0) / (v1 - v0);
      const a = hexRGB(c0);
      const b = hexRGB(c1);
      const rgb = a.map((x, k) => Math.round(x + (b[k] - x) * f));
      return `rgb(${rgb.join(',')})`;
    }
  }
  return stops[stops.length - 1][1];
}

function hexRGB(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
