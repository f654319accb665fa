package tiles

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestRateClassesMatchWebMap: the style's rate classes are the web map's (ramp.js), so a
// client drawing the style (QGIS, another MapLibre page) shows what the web map's legend
// says.
func TestRateClassesMatchWebMap(t *testing.T) {
	b, err := os.ReadFile("../api/web/static/ramp.js")
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string, v any) {
		t.Helper()
		m := regexp.MustCompile(`export const ` + name + ` = (\[[^\]]*\]);`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("ramp.js has no %s", name)
		}
		if err := json.Unmarshal([]byte(regexp.MustCompile(`'`).ReplaceAllString(string(m[1]), `"`)), v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var breaks []float64
	var colors []string
	read("RATE_BREAKS", &breaks)
	read("RATE_COLORS", &colors)
	r := rateRamp()
	if !slices.Equal(breaks, r.Breaks) || !slices.Equal(colors, r.Colors) {
		t.Errorf("style classes %v %v, web map %v %v", r.Breaks, r.Colors, breaks, colors)
	}
	m := regexp.MustCompile(`export const SEA = '(#[0-9a-f]{6})'`).FindSubmatch(b)
	if m == nil || string(m[1]) != seaColor {
		t.Errorf("sea: web map %q, style %q", m, seaColor)
	}
}
