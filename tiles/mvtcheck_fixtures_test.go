package tiles

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// contradictions are fixtures the suite calls valid although the same bytes, or the same
// fault, appear in a fixture it calls invalid. The decoder follows the specification and
// rejects them.
var contradictions = map[string]string{
	"016": "byte for byte fixture 003 (\"missing geometry type\", invalid); the spec says a feature MUST contain a type",
	"057": "a MoveTo of count 536870911 followed by one point, the fault of fixture 051 (invalid)",
}

// TestValidatorFixtures checks the tests' MVT decoder against @mapbox/mvt-fixtures: it
// must accept every tile valid under spec v2 and reject every invalid one, so that a tile
// it accepts is a valid tile.
func TestValidatorFixtures(t *testing.T) {
	infos, err := filepath.Glob("testdata/mvt-fixtures/*.json")
	if err != nil || len(infos) < 50 {
		t.Fatalf("fixtures: %d, %v", len(infos), err)
	}
	valid, invalid := 0, 0
	for _, info := range infos {
		name := strings.TrimSuffix(filepath.Base(info), ".json")
		t.Run(name, func(t *testing.T) {
			var meta struct {
				Description string
				Validity    struct{ V2 bool }
			}
			b, err := os.ReadFile(info)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &meta); err != nil {
				t.Fatal(err)
			}
			tile, err := os.ReadFile(strings.TrimSuffix(info, ".json") + ".mvt")
			if err != nil {
				t.Fatal(err)
			}
			_, err = decodeMVT(tile)
			if why, ok := contradictions[name]; ok {
				if err == nil {
					t.Errorf("accepted; want it rejected: %s", why)
				}
				return
			}
			switch {
			case meta.Validity.V2 && err != nil:
				t.Errorf("valid fixture rejected: %v\n(%s)", err, meta.Description)
			case !meta.Validity.V2 && err == nil:
				t.Errorf("invalid fixture accepted\n(%s)", meta.Description)
			}
			if meta.Validity.V2 {
				valid++
			} else {
				invalid++
			}
		})
	}
	t.Logf("%d valid and %d invalid fixtures", valid, invalid)
}

// TestValidatorDecodes checks what the decoder reads from fixtures whose content is known.
func TestValidatorDecodes(t *testing.T) {
	read := func(name string) *mvtTile {
		t.Helper()
		b, err := os.ReadFile("testdata/mvt-fixtures/" + name + ".mvt")
		if err != nil {
			t.Fatal(err)
		}
		tile, err := decodeMVT(b)
		if err != nil {
			t.Fatal(err)
		}
		return tile
	}
	if tile := read("001"); len(tile.Layers) != 0 {
		t.Errorf("001: %d layers, want none", len(tile.Layers))
	}
	// 017: one point at (25, 17); 019: a triangle whose exterior ring has positive area.
	p := read("017").Layers[0]
	if f := p.Features[0]; p.Extent != 4096 || f.Type != 1 || len(f.Paths) != 1 || f.Paths[0][0] != [2]int64{25, 17} {
		t.Errorf("017: %+v", p)
	}
	poly := read("019").Layers[0].Features[0]
	if poly.Type != 3 || len(poly.Paths) != 1 || len(poly.Paths[0]) != 4 || poly.RingArea[0] <= 0 {
		t.Errorf("019: %+v", poly)
	}
	// 038: every value type.
	props := read("038").Layers[0].Features[0].Props
	kinds := map[string]bool{}
	for _, v := range props {
		switch v.(type) {
		case string:
			kinds["string"] = true
		case float32:
			kinds["float"] = true
		case float64:
			kinds["double"] = true
		case int64:
			kinds["int"] = true
		case uint64:
			kinds["uint"] = true
		case bool:
			kinds["bool"] = true
		}
	}
	if len(kinds) != 6 {
		t.Errorf("038: value kinds %v in %v, want all six", kinds, props)
	}
}
