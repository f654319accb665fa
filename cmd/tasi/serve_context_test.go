package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// checkContext checks what `tasi serve` adds around any run, whatever the store: the
// roads and places tile layers over Dili, the glyphs the style names, and the search.
func checkContext(t *testing.T, s *server) {
	t.Helper()
	var tj struct {
		VectorLayers []struct{ ID string } `json:"vector_layers"`
	}
	s.getJSON(t, "/tiles/tasi.json", &tj)
	var ids []string
	for _, l := range tj.VectorLayers {
		ids = append(ids, l.ID)
	}
	if !slices.Contains(ids, "roads") || !slices.Contains(ids, "places") {
		t.Errorf("TileJSON layers %v, want roads and places", ids)
	}
	// Zoom 12 over Comoro, in the west of Dili: the A01 and the suco's name.
	tile := maptile.At(orb.Point{125.532, -8.555}, 12)
	path := fmt.Sprintf("%s/tiles/all/%d/%d/%d.mvt", s.base, tile.Z, tile.X, tile.Y)
	res, err := http.Get(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	layers, err := mvt.Unmarshal(b)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("%s: %d %v", path, res.StatusCode, err)
	}
	values := map[string][]string{}
	for _, l := range layers {
		for _, f := range l.Features {
			for _, k := range []string{"road_code", "name"} {
				if v, ok := f.Properties[k].(string); ok {
					values[l.Name] = append(values[l.Name], v)
				}
			}
		}
	}
	if !slices.Contains(values["roads"], "A01") || !slices.Contains(values["places"], "Comoro") {
		t.Errorf("%s: roads %v, places %v; want A01 and Comoro", path, values["roads"], values["places"])
	}
	var style struct{ Glyphs string }
	s.getJSON(t, "/styles/tasi.json", &style)
	u := strings.NewReplacer("{fontstack}", url.PathEscape("DejaVu Sans"), "{range}", "0-255").Replace(style.Glyphs)
	res, err = http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/x-protobuf" {
		t.Errorf("glyphs %s: %d %s", u, res.StatusCode, res.Header.Get("Content-Type"))
	}
	var found struct {
		Results []struct{ Name, Level string } `json:"results"`
	}
	if st := s.getJSON(t, "/api/v1/search?q=costa", &found); st != 200 || len(found.Results) == 0 ||
		found.Results[0].Name != "Costa" || found.Results[0].Level != "suco" {
		t.Errorf("search costa: %d %+v", st, found.Results)
	}
}
