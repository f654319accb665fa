package tiles

import (
	"strings"

	"github.com/tasi-gis/tasi/data"
)

// rampStop is one stop of a colour ramp.
type rampStop struct {
	Value float64 `json:"value"`
	Color string  `json:"color"`
}

// rateClasses are the seven classes of shoreline change rates, m/yr: Colors[0] below
// Breaks[0], Colors[i] from Breaks[i-1] up to Breaks[i], the last from the last break up.
// They are the web map's classes (api/web/static/ramp.js, which draws its legend from the
// same numbers): erosion dark red to orange, a near-white stable class within ±0.25 m/yr,
// accretion pale cyan to dark blue; apart from the sea and from each other in normal
// vision, the three full-severity colour-vision deficiencies and greyscale (ΔE00 ≥ 10,
// api/web/palette_test.go), each erosion class darker than the accretion class of the
// same size so that a photocopy still tells −1 from +1.
type rateClasses struct {
	Breaks []float64 `json:"breaks"`
	Colors []string  `json:"colors"`
}

func rateRamp() rateClasses {
	return rateClasses{
		Breaks: []float64{-2, -1, -0.25, 0.25, 1, 2},
		Colors: []string{"#7a1712", "#bc4629", "#db824d", "#fbf9f5", "#ccf6f9", "#4aa0c3", "#39678d"},
	}
}

// seaColor is the water behind the units, apart from every rate class (api/web/static/ramp.js).
const seaColor = "#a5c7cd"

// noDataColor draws features whose rate is undefined (NULL in the tile).
const noDataColor = "#d9d4c7"

// rateColor returns a MapLibre expression colouring by the class of the rate in property
// field (rateRamp): a step expression, the first class below −2 m/yr.
func rateColor(field string) []any {
	r := rateRamp()
	step := []any{"step", []any{"get", field}, r.Colors[0]}
	for i, b := range r.Breaks {
		step = append(step, b, r.Colors[i+1])
	}
	return []any{"case", []any{"has", field}, step, noDataColor}
}

// hazardRamp returns the colours of hazard zones by horizon, years after the reference
// date: the nearest horizon darkest. Three steps of ColorBrewer's sequential Purples,
// apart in lightness (CIE L* 28, 55 and 77) so that they stay distinct in greyscale and
// under colour-vision deficiencies (neighbours at least ΔE 23 apart in Machado et al.'s
// full-severity protanopia, deuteranopia and tritanopia simulations), and off the
// red–blue rate ramp.
// Value is the first horizon (years) of each colour: the default horizons 10, 20 and 30
// take one each; others take the colour of the step they fall in.
func hazardRamp() []rampStop {
	return []rampStop{{0, "#54278f"}, {15, "#807dba"}, {25, "#bcbddc"}}
}

// hazardColor returns a MapLibre expression colouring zones by horizon_years.
func hazardColor() []any {
	ramp := hazardRamp()
	expr := []any{"step", []any{"get", "horizon_years"}, ramp[0].Color}
	for _, s := range ramp[1:] {
		expr = append(expr, s.Value, s.Color)
	}
	return expr
}

// Filters of the hazard style layers. A client that filters them further (by
// horizon_year, say) must keep these: map.setFilter replaces a layer's filter whole.
var (
	hazardBestFilter = []any{"==", []any{"get", "band"}, false}
	hazardBandFilter = []any{"==", []any{"get", "band"}, true}
)

// style returns a MapLibre GL style (version 8) drawing every layer of the composite
// TileJSON tj: sucos filled and transects drawn by their rate with rateRamp, shorelines
// by date, the coastline and localities, and hazard zones (style layers hazard-band and
// hazard-best, above the units and under everything else) by horizon with hazardRamp, the
// zone of the band's landward edge light and outlined, the best estimate's stronger, the
// nearest horizon on top; with the context layers (WithContext), roads over the unit
// fill and names of places on top. Its glyphs are served by the Handler and it needs no
// sprites, so it works offline;
// metadata["tasi:rate-ramp"] and metadata["tasi:hazard-ramp"] hold the ramps for a legend,
// and metadata["tasi:hazard-filters"] the filters of the hazard layers.
func (h *Handler) style(base string, tj TileJSON, run Run) map[string]any {
	source := map[string]any{
		"type": "vector", "tiles": tj.Tiles, "minzoom": tj.MinZoom, "maxzoom": tj.MaxZoom,
		"attribution": tj.Attribution,
	}
	if tj.Bounds != nil {
		source["bounds"] = tj.Bounds
	}
	if _, ok := h.byName["roads"]; ok && !strings.Contains(tj.Attribution, data.RoadsCredit) {
		// The roads drawn as context are credited with the map's other sources.
		source["attribution"] = tj.Attribution + "; " + data.RoadsCredit
	}
	layer := func(id, kind, sourceLayer string, minzoom int, paint map[string]any) map[string]any {
		l := map[string]any{"id": id, "type": kind, "source": "tasi", "source-layer": sourceLayer, "paint": paint}
		if minzoom > 0 {
			l["minzoom"] = minzoom
		}
		return l
	}
	minzoom := func(name string) int {
		if i, ok := h.byName[name]; ok {
			return h.layers[i].MinZoom
		}
		return 0
	}
	// hazard is a fill layer of one kind of zone; the nearest horizon, the smallest zone,
	// is drawn on top of the later ones that hold it.
	hazard := func(id string, filter []any, paint map[string]any) map[string]any {
		l := layer(id, "fill", "hazard", minzoom("hazard"), paint)
		l["filter"] = filter
		l["layout"] = map[string]any{"fill-sort-key": []any{"-", []any{"get", "horizon_years"}}}
		return l
	}
	var layers []any
	layers = append(layers, map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": seaColor}})
	if _, ok := h.byName["admin"]; ok {
		layers = append(layers,
			layer("admin-fill", "fill", "admin", minzoom("admin"), map[string]any{
				"fill-color": rateColor("mean_lrr"), "fill-opacity": 0.8,
			}),
			layer("admin-outline", "line", "admin", minzoom("admin"), map[string]any{
				"line-color": "#6b6b6b", "line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 6, 0.3, 12, 1.2},
			}))
	}
	if _, ok := h.byName["roads"]; ok {
		// Over the unit fill (which covers the coastal sucos at 0.8 opacity and would hide
		// them) and under every measured layer: context, not data.
		class := func(national, municipal, other any) []any {
			return []any{"match", []any{"get", "road_class"}, "national", national, "municipal", municipal, other}
		}
		layers = append(layers, layer("roads", "line", "roads", minzoom("roads"), map[string]any{
			"line-color": class("#8c6239", "#a8865f", "#bfa98c"),
			"line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 6, class(0.8, 0.4, 0.3), 12, class(2.5, 1.6, 1.2)},
		}))
	}
	if _, ok := h.byName["hazard"]; ok {
		layers = append(layers,
			hazard("hazard-band", hazardBandFilter, map[string]any{
				"fill-color": hazardColor(), "fill-opacity": 0.25, "fill-outline-color": hazardColor(),
			}),
			hazard("hazard-best", hazardBestFilter, map[string]any{
				"fill-color": hazardColor(), "fill-opacity": 0.7,
			}))
	}
	if _, ok := h.byName["coastline"]; ok {
		layers = append(layers, layer("coastline", "line", "coastline", minzoom("coastline"), map[string]any{
			"line-color": "#1f4e79", "line-width": 0.8,
		}))
	}
	if _, ok := h.byName["shorelines"]; ok {
		layers = append(layers, layer("shorelines", "line", "shorelines", minzoom("shorelines"), map[string]any{
			// Older shorelines lighter, the newest darkest.
			"line-color": []any{"interpolate", []any{"linear"}, []any{"get", "year"}, 1985, "#c7d3dd", 2025, "#08306b"},
			"line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 8, 0.4, 14, 1.2},
		}))
	}
	if _, ok := h.byName["transects"]; ok {
		layers = append(layers, layer("transects", "line", "transects", minzoom("transects"), map[string]any{
			"line-color": rateColor("lrr"),
			"line-width": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 10, 1, 14, 3},
		}))
	}
	if _, ok := h.byName["localities"]; ok {
		layers = append(layers, layer("localities", "circle", "localities", minzoom("localities"), map[string]any{
			"circle-radius":       []any{"match", []any{"get", "kind"}, 1, 5, 2, 4, 3, 3, 2},
			"circle-color":        "#333333",
			"circle-stroke-color": "#ffffff",
			"circle-stroke-width": 1,
		}))
	}
	if _, ok := h.byName["places"]; ok {
		for _, l := range placeLabels() {
			layers = append(layers, l)
		}
	}
	s := map[string]any{
		"version": 8,
		"name":    "tasi",
		"glyphs":  h.glyphsURL(base),
		"metadata": map[string]any{
			"tasi:run":         run.ID,
			"tasi:rate-ramp":   rateRamp(),
			"tasi:rate-note":   "m/yr; negative is erosion (red), positive accretion (blue)",
			"tasi:hazard-ramp": hazardRamp(),
			"tasi:hazard-note": "hazard zones by horizon (years after the reference date), nearest darkest; " +
				"hazard-best: to the best estimate, hazard-band: to the landward edge of the forecast band",
			"tasi:hazard-filters": map[string]any{"hazard-best": hazardBestFilter, "hazard-band": hazardBandFilter},
		},
		"sources": map[string]any{"tasi": source},
		"layers":  layers,
	}
	if len(tj.Center) == 3 {
		s["center"] = tj.Center[:2]
		s["zoom"] = tj.Center[2]
	}
	return s
}

// placeLabels returns the symbol layers naming places, one per level, from the smallest
// (at the bottom) to the municipalities (on top): MapLibre places the labels of the top
// layer first, so that where names collide the larger place keeps its name. Within a
// level, the more populous unit wins (symbol-sort-key), and settlements by kind
// (capitals first).
func placeLabels() []map[string]any {
	label := func(level string, minzoom int, font []any, size []any, colour string, sortKey any) map[string]any {
		layout := map[string]any{
			"text-field": []any{"get", "name"}, "text-font": font, "text-size": size,
			"text-max-width": 8, "text-padding": 4,
		}
		if sortKey != nil {
			layout["symbol-sort-key"] = sortKey
		}
		return map[string]any{
			"id": "places-" + level, "type": "symbol", "source": "tasi", "source-layer": "places", "minzoom": minzoom,
			"filter": []any{"==", []any{"get", "level"}, level},
			"layout": layout,
			"paint": map[string]any{
				"text-color": colour, "text-halo-color": "#ffffff", "text-halo-width": 1.5, "text-halo-blur": 0.5,
			},
		}
	}
	byZoom := func(z0, s0, z1, s1 float64) []any {
		return []any{"interpolate", []any{"linear"}, []any{"zoom"}, z0, s0, z1, s1}
	}
	largestFirst := []any{"-", []any{"coalesce", []any{"get", "population"}, 0}}
	locality := label("locality", LocalityZoom, fontRegular, byZoom(12, 10, 16, 13), "#555555", []any{"get", "kind"})
	// Beside the gazetteer's dot (the localities layer), not on it.
	locality["layout"].(map[string]any)["text-anchor"] = "top"
	locality["layout"].(map[string]any)["text-offset"] = []any{0, 0.5}
	municipality := label("municipality", MunicipalityZoom, fontBold, byZoom(7, 11, 11, 16), "#333333", largestFirst)
	municipality["layout"].(map[string]any)["text-transform"] = "uppercase"
	municipality["layout"].(map[string]any)["text-letter-spacing"] = 0.08
	return []map[string]any{
		locality,
		label("suco", SucoZoom, fontRegular, byZoom(11, 11, 15, 14), "#222222", largestFirst),
		label("posto", PostoZoom, fontBold, byZoom(9, 11, 13, 14), "#444444", largestFirst),
		municipality,
	}
}
