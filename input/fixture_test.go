package input

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data"
)

// now is the day the tests pretend the analysis runs.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// origin is a point on the coast of New South Wales (outside the bundled data), and ll
// places a point x metres east and y metres north of it, near enough for tests.
var origin = orb.Point{151.30, -33.75}

func ll(x, y float64) orb.Point {
	return orb.Point{
		origin[0] + x/(111320*math.Cos(origin[1]*math.Pi/180)),
		origin[1] + y/110574,
	}
}

// coastLine is a 2 km straight shoreline running east, y metres north of the origin,
// with a vertex every 20 m.
func coastLine(y float64) orb.LineString {
	var l orb.LineString
	for x := 0.0; x <= 2000; x += 20 {
		l = append(l, ll(x, y))
	}
	return l
}

// feat is one GeoJSON feature of a fixture; geom nil writes a null geometry, and raw,
// when set, is written as the geometry's JSON text as it is (for NaN, which
// encoding/json refuses).
type feat struct {
	props map[string]any
	geom  orb.Geometry
	raw   string
}

func geometryJSON(g orb.Geometry) any {
	switch x := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return map[string]any{"type": "Point", "coordinates": x}
	case orb.MultiPoint:
		return map[string]any{"type": "MultiPoint", "coordinates": x}
	case orb.LineString:
		return map[string]any{"type": "LineString", "coordinates": x}
	case orb.MultiLineString:
		return map[string]any{"type": "MultiLineString", "coordinates": x}
	case orb.Polygon:
		return map[string]any{"type": "Polygon", "coordinates": x}
	}
	panic("fixture geometry")
}

// writeFeatures writes features as a GeoJSON FeatureCollection at path.
func writeFeatures(t *testing.T, path string, fs ...feat) {
	t.Helper()
	parts := make([]string, len(fs))
	for i, f := range fs {
		props, err := json.Marshal(f.props)
		if err != nil {
			t.Fatal(err)
		}
		geom := f.raw
		if geom == "" {
			b, err := json.Marshal(geometryJSON(f.geom))
			if err != nil {
				t.Fatal(err)
			}
			geom = string(b)
		}
		parts[i] = `{"type":"Feature","properties":` + string(props) + `,"geometry":` + geom + `}`
	}
	body := `{"type":"FeatureCollection","features":[` + strings.Join(parts, ",") + `]}`
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// dated is a feature with a date and a geometry.
func dated(date string, g orb.Geometry) feat {
	return feat{props: map[string]any{"date": date}, geom: g}
}

// baseConfig reads shorelines only, with no admin table and the tests' day.
func baseConfig(paths ...string) Config {
	return Config{Shorelines: paths, DefaultUncertainty: 10, Admin: "none", Now: now,
		Bundled: func() (*data.Reference, error) { return &data.Reference{}, nil }}
}

// notesOf returns the notes of one kind.
func notesOf(r *Report, k Kind) []Note {
	var out []Note
	for _, n := range r.Notes {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	return out
}
