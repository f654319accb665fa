package tiles

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/tiles/glyphs"
)

func TestServeGlyphs(t *testing.T) {
	h := NewHandler(memorySource(t), Options{})
	for _, f := range glyphs.Fonts() {
		for _, r := range glyphs.Ranges() {
			path := "/fonts/" + url.PathEscape(f.Stack) + "/" + r + ".pbf"
			rec := get(t, h, path)
			hdr := rec.Header()
			if rec.Code != 200 || hdr.Get("Content-Type") != "application/x-protobuf" || hdr.Get("Cache-Control") != immutableControl || hdr.Get("ETag") == "" {
				t.Fatalf("%s: %d %v", path, rec.Code, hdr)
			}
			// The bytes package glyphs holds, whose glyphs its tests decode and check
			// against the font.
			want, _ := glyphs.PBF(f.Stack, r)
			if got := body(t, rec); !bytes.Equal(got, want) {
				t.Errorf("%s: %d bytes, want the %d of package glyphs", path, len(got), len(want))
			}
			gz := get(t, h, path, "Accept-Encoding", "gzip")
			if gz.Header().Get("Content-Encoding") != "gzip" || !bytes.Equal(body(t, gz), want) || gz.Body.Len() >= len(want) {
				t.Errorf("%s gzipped: %v, %d bytes", path, gz.Header(), gz.Body.Len())
			}
			if nm := get(t, h, path, "If-None-Match", gz.Header().Get("ETag")); nm.Code != http.StatusNotModified {
				t.Errorf("%s with its ETag: %d, want 304", path, nm.Code)
			}
		}
	}
	if rec := get(t, h, "/fonts/DejaVu%20Sans%2CDejaVu%20Sans%20Bold/0-255.pbf"); rec.Code != 200 {
		t.Errorf("a list of font stacks: %d", rec.Code)
	}
	for _, path := range []string{
		"/fonts/Open%20Sans%20Regular/0-255.pbf",
		"/fonts/DejaVu%20Sans/512-767.pbf",
		"/fonts/DejaVu%20Sans/0-255",
		"/fonts/DejaVu%20Sans/..%2F..%2Fglyphs.go",
		"/fonts/DejaVuSans/0-255.pbf",
	} {
		if rec := get(t, h, path); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "DejaVu Sans Bold") {
			t.Errorf("%s: %d %s, want 404 naming the fonts", path, rec.Code, rec.Body)
		}
	}
}

func TestContextStyle(t *testing.T) {
	w, err := WithContext(memorySource(t), contextData(t).ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(w, Options{})
	rec := get(t, h, "/styles/tasi.json")
	var style struct {
		Glyphs string
		Layers []struct {
			ID, Type    string
			SourceLayer string `json:"source-layer"`
			MinZoom     int
			Filter      []any
			Layout      map[string]any
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &style); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v", rec.Code, err)
	}
	if !strings.HasPrefix(style.Glyphs, "http://example.com/fonts/{fontstack}/{range}.pbf?v=") {
		t.Fatalf("glyphs %q", style.Glyphs)
	}
	var ids []string
	for _, l := range style.Layers {
		ids = append(ids, l.ID)
	}
	// Roads over the unit fill and under the data; names above everything, the
	// municipalities on top so that they win collisions.
	wantOrder := []string{"admin-fill", "roads", "hazard-band", "transects", "localities", "places-locality", "places-suco", "places-posto", "places-municipality"}
	last := -1
	for _, id := range wantOrder {
		i := slices.Index(ids, id)
		if i <= last {
			t.Errorf("layer %s at %d, after %d: order %v", id, i, last, ids)
		}
		last = i
	}
	if last != len(ids)-1 {
		t.Errorf("places-municipality is not the top layer: %v", ids)
	}
	// Every label layer: from its level's zoom, text from name, in a font the server has.
	zooms := map[string]int{"places-municipality": MunicipalityZoom, "places-posto": PostoZoom, "places-suco": SucoZoom, "places-locality": LocalityZoom}
	for _, l := range style.Layers {
		if l.Type != "symbol" {
			continue
		}
		if l.SourceLayer != "places" || l.MinZoom != zooms[l.ID] || len(l.Filter) != 3 {
			t.Errorf("%s: source-layer %s minzoom %d filter %v", l.ID, l.SourceLayer, l.MinZoom, l.Filter)
		}
		if b, _ := json.Marshal(l.Layout["text-field"]); string(b) != `["get","name"]` {
			t.Errorf("%s: text-field %s", l.ID, b)
		}
		fonts, _ := l.Layout["text-font"].([]any)
		if len(fonts) != 1 {
			t.Fatalf("%s: text-font %v", l.ID, l.Layout["text-font"])
		}
		u := strings.NewReplacer("{fontstack}", url.PathEscape(fonts[0].(string)), "{range}", "0-255").Replace(style.Glyphs)
		path := strings.TrimPrefix(u, "http://example.com")
		if rec := get(t, h, path); rec.Code != 200 {
			t.Errorf("%s: glyphs %s: %d", l.ID, path, rec.Code)
		}
	}
	if len(zooms) != 4 || !slices.Contains(ids, "places-suco") {
		t.Errorf("label layers missing: %v", ids)
	}
}
