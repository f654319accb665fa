package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Tiles on the Timor-Leste coast: Dili's waterfront at zooms 8, 12 and 14, and one in the
// Pacific far from any feature.
var (
	dili    = orb.Point{125.5736, -8.5537}
	dili8   = maptile.At(dili, 8)
	dili12  = maptile.At(dili, 12)
	dili14  = maptile.At(dili, 14)
	pacific = maptile.New(0, 0, 12)
)

func tilePath(layer string, t maptile.Tile) string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", layer, t.Z, t.X, t.Y)
}

// get requests path from h with the headers given as name, value pairs.
func get(t *testing.T, h http.Handler, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// body returns the response body, gunzipped when it is gzipped.
func body(t *testing.T, rec *httptest.ResponseRecorder) []byte {
	t.Helper()
	b := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// sources returns the handlers' sources to test: the in-memory one always, PostGIS when
// the test harness has it.
func sources(t *testing.T) map[string]struct {
	src Source
	run int64
} {
	out := map[string]struct {
		src Source
		run int64
	}{}
	m := memorySource(t)
	out["memory"] = struct {
		src Source
		run int64
	}{m, m.run.ID}
	t.Run("postgis-available", func(t *testing.T) {
		p, d := postgisSource(t)
		out["postgis"] = struct {
			src Source
			run int64
		}{p, d.run}
	})
	return out
}

// checkTile decodes an MVT and checks what every tasi tile must hold: version 2, extent
// 4096, ids on every feature, the registry's geometry type and only registry fields with
// values of their type.
func checkTile(t *testing.T, b []byte, layers []Layer) *mvtTile {
	t.Helper()
	tile, err := decodeMVT(b)
	if err != nil {
		t.Fatalf("invalid tile: %v", err)
	}
	for _, l := range tile.Layers {
		var reg *Layer
		for i := range layers {
			if layers[i].Name == l.Name {
				reg = &layers[i]
			}
		}
		if reg == nil {
			t.Errorf("layer %s is not in the registry", l.Name)
			continue
		}
		if l.Version != 2 || l.Extent != Extent {
			t.Errorf("layer %s: version %d extent %d", l.Name, l.Version, l.Extent)
		}
		wantType := map[GeometryType]uint64{Point: 1, LineString: 2, Polygon: 3}[reg.Geometry]
		for _, f := range l.Features {
			if !f.HasID || f.ID == 0 || f.Type != wantType {
				t.Errorf("layer %s feature %d: has id %v, type %d; want an id and type %d", l.Name, f.ID, f.HasID, f.Type, wantType)
			}
			for k, v := range f.Props {
				var fd Field
				for _, d := range reg.Fields {
					if d.Name == k {
						fd = d
					}
				}
				ok := false
				switch v.(type) {
				case string:
					ok = fd.Type == String
				case uint64, int64:
					ok = fd.Type == Number && fd.Integer
				case float32: // measurements are 32-bit floats, never doubles
					ok = fd.Type == Number && !fd.Integer
				case bool:
					ok = fd.Type == Boolean
				}
				if !ok {
					t.Errorf("layer %s feature %d: property %s = %v (%T) for a %q field (integer %v)", l.Name, f.ID, k, v, v, fd.Type, fd.Integer)
				}
			}
		}
	}
	return tile
}

func TestHandlerTiles(t *testing.T) {
	for name, s := range sources(t) {
		t.Run(name, func(t *testing.T) {
			h := NewHandler(s.src, Options{CacheBytes: DefaultCacheBytes})
			layers := s.src.Layers()
			for _, tc := range []struct {
				tile       maptile.Tile
				layer      string
				wantLayers []string
			}{
				{dili8, "all", []string{"admin", "coastline", "shorelines", "localities"}},
				{dili12, "all", []string{"admin", "hazard", "coastline", "shorelines", "transects", "localities"}},
				{dili14, "all", []string{"admin", "hazard", "coastline", "shorelines", "transects", "localities"}},
				{dili12, "hazard", []string{"hazard"}},
				{dili12, "transects", []string{"transects"}},
				{dili12, "admin", []string{"admin"}},
			} {
				path := tilePath(tc.layer, tc.tile)
				rec := get(t, h, path, "Accept-Encoding", "gzip, deflate")
				if rec.Code != http.StatusOK {
					t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
				}
				hdr := rec.Header()
				if hdr.Get("Content-Type") != "application/vnd.mapbox-vector-tile" || hdr.Get("Content-Encoding") != "gzip" ||
					!strings.HasSuffix(hdr.Get("ETag"), `-gz"`) || hdr.Get("Cache-Control") != latestControl || hdr.Get("Vary") != "Accept-Encoding" {
					t.Errorf("%s: headers %v", path, hdr)
				}
				tile := checkTile(t, body(t, rec), layers)
				var got []string
				for _, l := range tile.Layers {
					got = append(got, l.Name)
				}
				if strings.Join(got, ",") != strings.Join(tc.wantLayers, ",") {
					t.Errorf("%s: layers %v, want %v", path, got, tc.wantLayers)
				}
				// Dili (P-code TL0507...) is in every admin tile at Dili.
				if a := tile.layer("admin"); a != nil {
					found := false
					for _, f := range a.Features {
						if pc, _ := f.Props["pcode"].(string); strings.HasPrefix(pc, "TL") && f.Props["name"] != nil {
							found = true
						}
					}
					if !found {
						t.Errorf("%s: no admin unit with a P-code and name", path)
					}
				}
				if tr := tile.layer("transects"); tr != nil {
					for _, f := range tr.Features {
						if _, ok := f.Props["transect_id"].(string); !ok {
							t.Errorf("%s: transect %d without transect_id: %v", path, f.ID, f.Props)
							break
						}
					}
				}
			}
			// Naming the run makes the URL immutable; the tile is the same.
			latest := get(t, h, tilePath("all", dili12), "Accept-Encoding", "gzip")
			named := get(t, h, tilePath("all", dili12)+fmt.Sprintf("?run=%d", s.run), "Accept-Encoding", "gzip")
			if named.Code != http.StatusOK || named.Header().Get("Cache-Control") != immutableControl ||
				named.Header().Get("ETag") != latest.Header().Get("ETag") {
				t.Errorf("run %d: %d, Cache-Control %q, ETag %q (latest %q)", s.run, named.Code,
					named.Header().Get("Cache-Control"), named.Header().Get("ETag"), latest.Header().Get("ETag"))
			}
			// Without Accept-Encoding: the same tile, not compressed, another ETag.
			plain := get(t, h, tilePath("all", dili12))
			if plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), body(t, latest)) ||
				plain.Header().Get("ETag")+"" == latest.Header().Get("ETag") {
				t.Errorf("identity: encoding %q, ETag %q, %d bytes", plain.Header().Get("Content-Encoding"), plain.Header().Get("ETag"), plain.Body.Len())
			}
			// Nothing there: 204.
			if rec := get(t, h, tilePath("all", pacific)); rec.Code != http.StatusNoContent || rec.Body.Len() != 0 || rec.Header().Get("ETag") == "" {
				t.Errorf("empty tile: %d, %d bytes, ETag %q", rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
			}
			// Below a layer's minimum zoom: 204.
			if rec := get(t, h, tilePath("transects", dili8)); rec.Code != http.StatusNoContent {
				t.Errorf("transects at zoom 8: %d, want 204", rec.Code)
			}
		})
	}
}

func TestHandlerNotModified(t *testing.T) {
	h := NewHandler(memorySource(t), Options{CacheBytes: DefaultCacheBytes})
	path := tilePath("all", dili12)
	first := get(t, h, path, "Accept-Encoding", "gzip")
	gzTag := first.Header().Get("ETag")
	plainTag := get(t, h, path).Header().Get("ETag")
	for _, tc := range []struct {
		name, ifNoneMatch, acceptEncoding string
		want                              int
	}{
		{"same tag", gzTag, "gzip", http.StatusNotModified},
		{"tag of the other encoding", plainTag, "gzip", http.StatusNotModified},
		{"weak form", "W/" + gzTag, "", http.StatusNotModified},
		{"in a list", `"abc", ` + plainTag, "", http.StatusNotModified},
		{"star", "*", "gzip", http.StatusNotModified},
		{"another tile", `"0123456789abcdef01234567"`, "gzip", http.StatusOK},
	} {
		rec := get(t, h, path, "If-None-Match", tc.ifNoneMatch, "Accept-Encoding", tc.acceptEncoding)
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, rec.Code, tc.want)
		}
		if tc.want == http.StatusNotModified && (rec.Body.Len() != 0 || rec.Header().Get("ETag") == "") {
			t.Errorf("%s: 304 with %d bytes, ETag %q", tc.name, rec.Body.Len(), rec.Header().Get("ETag"))
		}
	}
	// TileJSON and the style have ETags too.
	for _, path := range []string{"/tiles/tasi.json", "/styles/tasi.json"} {
		tag := get(t, h, path).Header().Get("ETag")
		if rec := get(t, h, path, "If-None-Match", tag); tag == "" || rec.Code != http.StatusNotModified {
			t.Errorf("%s: ETag %q, revalidation %d", path, tag, rec.Code)
		}
	}
}

func TestHandlerBadRequests(t *testing.T) {
	m := memorySource(t)
	h := NewHandler(m, Options{CacheBytes: DefaultCacheBytes})
	for _, tc := range []struct {
		path string
		want int
		says string
	}{
		{"/tiles/all/23/0/0.mvt", 400, "zoom"},
		{"/tiles/all/99999999999999999999/0/0.mvt", 400, "zoom"},
		{"/tiles/all/2/4/0.mvt", 400, "x"},
		{"/tiles/all/2/0/4.mvt", 400, "y"},
		{"/tiles/all/2/-1/0.mvt", 400, "x"},
		{"/tiles/all/2/0/%2B1.mvt", 400, "y"},
		{"/tiles/all/a/0/0.mvt", 400, "zoom"},
		{"/tiles/all/2/1.5/0.mvt", 400, "x"},
		{"/tiles/all/2/0/0.png", 400, ".mvt"},
		{"/tiles/all/2/0/0", 400, ".mvt"},
		{"/tiles/nope/2/0/0.mvt", 400, "layer"},
		{"/tiles/ADMIN/2/0/0.mvt", 400, "layer"},
		{"/tiles/nope.json", 400, "layer"},
		{"/tiles/all/2/0/0.mvt?run=abc", 400, "run"},
		{"/tiles/all/2/0/0.mvt?run=0", 400, "run"},
		{"/tiles/all/2/0/0.mvt?run=-3", 400, "run"},
		{"/tiles/all/2/0/0.mvt?run=1e3", 400, "run"},
		{"/tiles/all/2/0/0.mvt?run=99999999999999999999999", 400, "run"},
		{"/tiles/all/2/0/0.mvt?run=12345", 404, "no succeeded run 12345"},
		// Malformed query strings, refused as the API refuses them instead of read in part.
		{"/tiles/all/2/0/0.mvt?run=12345;x=1", 400, "semicolon"},
		{"/tiles/all/2/0/0.mvt?x=1;run=12345", 400, "semicolon"},
		{"/tiles/tasi.json?run=latest;1", 400, "semicolon"},
		{"/styles/tasi.json?a;b", 400, "semicolon"},
		{"/tiles/all/2/0/0.mvt?" + strings.Repeat("a=1&", 15000) + "run=12345", 400, "exceeded limit"},
		{"/tiles/tasi.json?" + strings.Repeat("a=1&", 15000), 400, "exceeded limit"},
		{"/tiles/tasi.json?run=12345", 404, "run"},
		{"/styles/tasi.json?run=12345", 404, "run"},
		{"/tiles/all/2/0/0/extra.mvt", 404, "no such"},
		{"/tiles", 404, "no such"},
		{"/styles/other.json", 404, "no such style"},
	} {
		rec := get(t, h, tc.path)
		var e errorBody
		err := json.Unmarshal(rec.Body.Bytes(), &e)
		if rec.Code != tc.want || err != nil || !strings.Contains(e.Error, tc.says) || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %q (%v), want %d saying %q", tc.path, rec.Code, rec.Body, err, tc.want, tc.says)
		}
	}
	req := httptest.NewRequest(http.MethodPost, tilePath("all", dili12), nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if s := h.CacheStats(); s.Misses != 0 || s.Entries != 0 {
		t.Errorf("bad requests reached the source: %+v", s)
	}
}

func TestHandlerCache(t *testing.T) {
	m := memorySource(t)
	for _, tc := range []struct {
		name                string
		bytes               int64
		hits, misses, count int
	}{
		{"on", DefaultCacheBytes, 3, 2, 2},
		{"off", 0, 0, 5, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHandler(m, Options{CacheBytes: tc.bytes})
			for _, path := range []string{tilePath("all", dili12), tilePath("all", dili12), tilePath("all", dili14),
				tilePath("all", dili12) + fmt.Sprintf("?run=%d", m.run.ID), tilePath("all", dili14)} {
				if rec := get(t, h, path, "Accept-Encoding", "gzip"); rec.Code != http.StatusOK {
					t.Fatalf("%s: %d", path, rec.Code)
				}
			}
			s := h.CacheStats()
			if s.Hits != uint64(tc.hits) || s.Misses != uint64(tc.misses) || s.Entries != tc.count || s.MaxBytes != tc.bytes {
				t.Errorf("stats %+v, want %d hits, %d misses, %d entries", s, tc.hits, tc.misses, tc.count)
			}
			if tc.count > 0 && (s.Bytes <= 0 || s.Bytes > tc.bytes) {
				t.Errorf("cache holds %d bytes", s.Bytes)
			}
		})
	}
	// A small cache evicts the least recently used tile.
	small := get(t, NewHandler(m, Options{CacheBytes: DefaultCacheBytes}), tilePath("all", dili12), "Accept-Encoding", "gzip").Body.Len()
	h := NewHandler(m, Options{CacheBytes: int64(small) + 1000})
	get(t, h, tilePath("all", dili12))
	get(t, h, tilePath("all", dili14))
	get(t, h, tilePath("all", dili12))
	if s := h.CacheStats(); s.Evictions == 0 || s.Bytes > int64(small)+1000 || s.Hits != 0 {
		t.Errorf("small cache: %+v", s)
	}
}

// slowSource delays and counts the tiles of a Source, and can fail them.
type slowSource struct {
	Source
	delay time.Duration
	fail  error
	calls atomic.Int64
}

func (s *slowSource) Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error) {
	s.calls.Add(1)
	select {
	case <-time.After(s.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.fail != nil {
		return nil, s.fail
	}
	return s.Source.Tile(ctx, run, t, layers)
}

func TestHandlerCoalesces(t *testing.T) {
	src := &slowSource{Source: memorySource(t), delay: 100 * time.Millisecond}
	h := NewHandler(src, Options{CacheBytes: DefaultCacheBytes})
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = get(t, h, tilePath("all", dili12), "Accept-Encoding", "gzip").Code
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("request %d: %d", i, c)
		}
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("%d tiles cut for 8 concurrent requests, want 1", n)
	}
	if s := h.CacheStats(); s.Misses != 1 || s.Coalesced+s.Hits != 7 {
		t.Errorf("stats %+v", s)
	}
}

func TestHandlerFailures(t *testing.T) {
	m := memorySource(t)
	var logged []error
	var mu sync.Mutex
	onError := func(r *http.Request, err error) {
		mu.Lock()
		logged = append(logged, err)
		mu.Unlock()
	}
	secret := errors.New("connection to 10.0.0.7 refused: password=hunter2")
	for _, tc := range []struct {
		name   string
		src    Source
		opts   Options
		want   int
		says   string
		logged bool
	}{
		{"source error", &slowSource{Source: m, fail: secret}, Options{}, 500, "internal error", true},
		{"timeout", &slowSource{Source: m, delay: time.Minute}, Options{Timeout: 50 * time.Millisecond}, 504, "too long", true},
		{"timeout with cache", &slowSource{Source: m, delay: time.Minute}, Options{Timeout: 50 * time.Millisecond, CacheBytes: 1 << 20}, 504, "too long", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logged = nil
			tc.opts.OnError = onError
			rec := get(t, NewHandler(tc.src, tc.opts), tilePath("all", dili12))
			if rec.Code != tc.want || !strings.Contains(rec.Body.String(), tc.says) || strings.Contains(rec.Body.String(), "hunter2") {
				t.Errorf("%d %s, want %d saying %q", rec.Code, rec.Body, tc.want, tc.says)
			}
			if (len(logged) > 0) != tc.logged {
				t.Errorf("logged %v", logged)
			}
		})
	}
}

func TestHandlerTileJSON(t *testing.T) {
	m := memorySource(t)
	h := NewHandler(m, Options{})
	rec := get(t, h, "/tiles/tasi.json")
	var tj TileJSON
	if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil || rec.Code != 200 {
		t.Fatalf("%d %v", rec.Code, err)
	}
	wantTiles := fmt.Sprintf("http://example.com/tiles/all/{z}/{x}/{y}.mvt?run=%d", m.run.ID)
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != wantTiles || tj.MinZoom != 5 || tj.MaxZoom != 14 || tj.Scheme != "xyz" {
		t.Errorf("tilejson %+v", tj)
	}
	if rec.Header().Get("Cache-Control") != latestControl {
		t.Errorf("latest TileJSON Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	// Timor-Leste: 124.0–127.4 E, 8.1–9.5 S.
	if len(tj.Bounds) != 4 || tj.Bounds[0] < 123.9 || tj.Bounds[2] > 127.5 || tj.Bounds[1] < -9.6 || tj.Bounds[3] > -8.0 || tj.Bounds[0] > 124.5 || tj.Bounds[2] < 127 {
		t.Errorf("bounds %v", tj.Bounds)
	}
	if len(tj.VectorLayers) != len(DefaultLayers()) {
		t.Fatalf("%d vector layers", len(tj.VectorLayers))
	}
	admin := tj.VectorLayers[0]
	if admin.ID != "admin" || admin.Fields["pcode"] != "String" || admin.Fields["mean_lrr"] != "Number" || admin.MinZoom != 5 {
		t.Errorf("admin layer %+v", admin)
	}
	hazard := tj.VectorLayers[1]
	want := map[string]string{"horizon_years": "Number", "horizon_year": "Number", "band": "Boolean", "unit_code": "String", "area_m2": "Number"}
	if hazard.ID != "hazard" || !reflect.DeepEqual(hazard.Fields, want) || hazard.MinZoom != 9 || hazard.MaxZoom != 14 {
		t.Errorf("hazard layer %+v, want fields %v from zoom 9", hazard, want)
	}
	// One layer, named run, configured base URL.
	h = NewHandler(m, Options{BaseURL: "https://maps.example.org/tasi/"})
	rec = get(t, h, fmt.Sprintf("/tiles/transects.json?run=%d", m.run.ID))
	tj = TileJSON{}
	if err := json.Unmarshal(rec.Body.Bytes(), &tj); err != nil {
		t.Fatal(err)
	}
	if tj.Tiles[0] != fmt.Sprintf("https://maps.example.org/tasi/tiles/transects/{z}/{x}/{y}.mvt?run=%d", m.run.ID) ||
		len(tj.VectorLayers) != 1 || tj.VectorLayers[0].Fields["lrr"] != "Number" || tj.MinZoom != 10 ||
		rec.Header().Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("transects tilejson %+v, Cache-Control %q", tj, rec.Header().Get("Cache-Control"))
	}
	if rec := get(t, h, "/tiles/all.json"); rec.Code != 200 {
		t.Errorf("/tiles/all.json: %d", rec.Code)
	}
}

func TestHandlerStyle(t *testing.T) {
	m := memorySource(t)
	rec := get(t, NewHandler(m, Options{}), "/styles/tasi.json")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var style struct {
		Version int
		Sources map[string]struct {
			Type  string
			Tiles []string
		}
		Layers []struct {
			ID, Type, Source string
			SourceLayer      string `json:"source-layer"`
			MinZoom          int
			Filter           []any
			Layout           map[string]any
			Paint            map[string]any
		}
		Metadata map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &style); err != nil {
		t.Fatal(err)
	}
	src := style.Sources["tasi"]
	if style.Version != 8 || src.Type != "vector" || len(src.Tiles) != 1 || !strings.Contains(src.Tiles[0], fmt.Sprintf("run=%d", m.run.ID)) {
		t.Errorf("style %+v", style)
	}
	colours := map[string]string{}
	for _, l := range style.Layers {
		if l.Type == "background" {
			continue
		}
		if l.Source != "tasi" || l.SourceLayer == "" {
			t.Errorf("layer %s: source %q, source-layer %q", l.ID, l.Source, l.SourceLayer)
		}
		for _, k := range []string{"fill-color", "line-color"} {
			if c, ok := l.Paint[k]; ok {
				b, _ := json.Marshal(c)
				colours[l.ID] = string(b)
			}
		}
	}
	// Units by mean rate and transects by rate, in the web map's seven classes: darkest red
	// below −2, near-white within ±0.25, darkest blue from +2.
	for id, field := range map[string]string{"admin-fill": "mean_lrr", "transects": "lrr"} {
		c := colours[id]
		if !strings.Contains(c, `["step",["get","`+field+`"],"#7a1712",-2,"#bc4629"`) || !strings.Contains(c, `-0.25,"#fbf9f5"`) || !strings.Contains(c, `2,"#39678d"`) {
			t.Errorf("%s colour %s", id, c)
		}
	}
	if style.Metadata["tasi:rate-ramp"] == nil {
		t.Errorf("no ramp in metadata %v", style.Metadata)
	}

	// Hazard zones: one style layer per kind, above the units and under the lines, by
	// horizon in three purples (the nearest darkest and on top), the best estimate
	// stronger than the band's edge, which is outlined.
	order := map[string]int{}
	for i, l := range style.Layers {
		order[l.ID] = i
	}
	for _, pair := range [][2]string{{"admin-outline", "hazard-band"}, {"hazard-band", "hazard-best"}, {"hazard-best", "coastline"},
		{"hazard-best", "shorelines"}, {"hazard-best", "transects"}} {
		if !(order[pair[0]] < order[pair[1]]) {
			t.Errorf("style layer %s at %d, %s at %d: want %[1]s first (below)", pair[0], order[pair[0]], pair[1], order[pair[1]])
		}
	}
	ramp := `["step",["get","horizon_years"],"#54278f",15,"#807dba",25,"#bcbddc"]`
	for _, tc := range []struct {
		id, filter string
		opacity    float64
		outline    bool
	}{{"hazard-best", `["==",["get","band"],false]`, 0.7, false}, {"hazard-band", `["==",["get","band"],true]`, 0.25, true}} {
		l := style.Layers[order[tc.id]]
		filter, _ := json.Marshal(l.Filter)
		sortKey, _ := json.Marshal(l.Layout["fill-sort-key"])
		_, outline := l.Paint["fill-outline-color"]
		if l.Type != "fill" || l.SourceLayer != "hazard" || l.MinZoom != 9 || string(filter) != tc.filter || colours[tc.id] != ramp ||
			l.Paint["fill-opacity"] != tc.opacity || outline != tc.outline || string(sortKey) != `["-",["get","horizon_years"]]` {
			t.Errorf("style layer %s: %+v, filter %s, colour %s, sort key %s", tc.id, l, filter, colours[tc.id], sortKey)
		}
	}
	if style.Metadata["tasi:hazard-ramp"] == nil || style.Metadata["tasi:hazard-filters"] == nil {
		t.Errorf("no hazard ramp or filters in metadata %v", style.Metadata)
	}
}

// TestHandlerUnderChi mounts the handler in a chi router, as the server does.
func TestHandlerUnderChi(t *testing.T) {
	h := NewHandler(memorySource(t), Options{})
	r := chi.NewRouter()
	r.Handle("/tiles/*", h)
	r.Handle("/styles/*", h)
	r.Get("/api/v1/x/{id}", func(w http.ResponseWriter, r *http.Request) {})
	for _, path := range []string{tilePath("admin", dili12), "/tiles/tasi.json", "/styles/tasi.json"} {
		if rec := get(t, r, path); rec.Code != http.StatusOK {
			t.Errorf("%s under chi: %d %s", path, rec.Code, rec.Body)
		}
	}
}
