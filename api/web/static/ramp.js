// Colours shared by the map layers, the legend and the charts, so what the legend says is
// exactly what the map draws.
//
// Rates of change (m/yr) are drawn in seven classes, not a continuous ramp: erosion in
// dark red to orange, a near-white "stable" class (|rate| < 0.25 m/yr, within the noise of
// most runs), accretion in pale cyan to dark blue. The classes are chosen to stay apart
// where a planner will read them: from the sea (a muted grey-teal, darker than slight
// accretion, so the pale classes never melt into the water), and erosion from accretion,
// in normal vision, in full-severity protanopia, deuteranopia and tritanopia (Machado et
// al. 2009) and in greyscale, where each erosion class is darker than the accretion class
// of the same size (a photocopy still tells −1 from +1). api/web/palette_test.go computes
// CIEDE2000 between them under each simulation; api/web/README.md lists the figures.
// Significant change is marked by more than hue: a hatch (erosion) or dots (accretion) on
// the unit, solid rather than dashed transects.

// RATE_BREAKS are the class limits, m/yr; a rate equal to a limit falls in the class above.
export const RATE_BREAKS = [-2, -1, -0.25, 0.25, 1, 2];

// RATE_COLORS are the seven classes' colours, strongest erosion first.
export const RATE_COLORS = ['#7a1712', '#bc4629', '#db824d', '#fbf9f5', '#ccf6f9', '#4aa0c3', '#39678d'];

// SEA is the map's water: apart from every rate class (ΔE00 ≥ 10 in every simulation).
export const SEA = '#a5c7cd';

// NO_DATA is the fill of land without a rate (inland sucos, too few shorelines).
export const NO_DATA = '#d9d4c7';

// YEAR_STOPS colours shorelines from old (purple) to recent (yellow): viridis.
export const YEAR_STOPS = [
  [1985, '#440154'],
  [1995, '#3b528b'],
  [2005, '#21918c'],
  [2015, '#5ec962'],
  [2025, '#fde725'],
];

// rateClass is the index in RATE_COLORS of rate v, or -1 when v is not a finite number.
export function rateClass(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return -1;
  let i = 0;
  while (i < RATE_BREAKS.length && v >= RATE_BREAKS[i]) i++;
  return i;
}

// rateExpression is a MapLibre expression colouring by the class of the numeric property
// prop, NO_DATA when the feature lacks it (MVT has no null: an undefined rate is an
// absent property).
export function rateExpression(prop) {
  const steps = RATE_BREAKS.flatMap((b, i) => [b, RATE_COLORS[i + 1]]);
  return ['case',
    ['==', ['typeof', ['get', prop]], 'number'],
    ['step', ['get', prop], RATE_COLORS[0], ...steps],
    NO_DATA];
}

// significantExpression is true where the rate prop differs from zero by more than its
// uncertainty unc (a unit's mean_lrr ± mean_lrr_unc, a transect's lrr ± lci).
export function significantExpression(prop, unc) {
  return ['all',
    ['==', ['typeof', ['get', prop]], 'number'],
    ['==', ['typeof', ['get', unc]], 'number'],
    ['>', ['abs', ['get', prop]], ['get', unc]]];
}

// isSignificant is significantExpression for plain numbers.
export function isSignificant(v, unc) {
  return typeof v === 'number' && Number.isFinite(v) && typeof unc === 'number' && Number.isFinite(unc)
    && Math.abs(v) > unc;
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

// rateColor is the colour of rate v's class, or NO_DATA when v is not a finite number.
export function rateColor(v) {
  const i = rateClass(v);
  return i < 0 ? NO_DATA : RATE_COLORS[i];
}

// patternImage draws the significance marks for map.addImage: diagonal hatching
// (erosion) or dots (accretion), dark with a light edge so they show on every class.
export function patternImage(kind, size = 8) {
  const px = new Uint8Array(size * size * 4);
  const put = (x, y, [r, g, b, a]) => {
    const i = ((y % size) * size + (x % size)) * 4;
    px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a;
  };
  const dark = [29, 35, 39, 200];
  const light = [255, 255, 255, 150];
  if (kind === 'erosion') {
    for (let k = 0; k < size; k++) {
      put(k, size - 1 - k, dark);
      put(k + 1, size - 1 - k, light);
    }
  } else {
    const c = Math.floor(size / 2);
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) put(c - 1 + dx, c - 1 + dy, dark);
    for (const [dx, dy] of [[-1, 0], [2, 0], [0, -1], [1, -1], [-1, 1], [2, 1], [0, 2], [1, 2]]) put(c - 1 + dx, c - 1 + dy, light);
  }
  return { width: size, height: size, data: px };
}
