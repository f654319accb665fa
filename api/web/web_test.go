package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func readAll(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHandlerServesFilesWithTypes(t *testing.T) {
	h := Handler()
	tests := []struct {
		path, file, contentType string
		minSize                 int
	}{
		{"/", "index.html", "text/html; charset=utf-8", 1000},
		{"/index.html", "index.html", "text/html; charset=utf-8", 1000},
		{"/static/app.js", "static/app.js", "text/javascript; charset=utf-8", 1000},
		{"/static/chart.js", "static/chart.js", "text/javascript; charset=utf-8", 1000},
		{"/static/i18n.js", "static/i18n.js", "text/javascript; charset=utf-8", 1000},
		{"/static/ramp.js", "static/ramp.js", "text/javascript; charset=utf-8", 500},
		{"/static/plans.js", "static/plans.js", "text/javascript; charset=utf-8", 1000},
		{"/static/app.css", "static/app.css", "text/css; charset=utf-8", 1000},
		{"/static/i18n.json", "static/i18n.json", "application/json", 1000},
		{"/static/land.geojson", "static/land.geojson", "application/geo+json", 10_000},
		{"/static/vendor/maplibre-gl.mjs", "static/vendor/maplibre-gl.mjs", "text/javascript; charset=utf-8", 500_000},
		{"/static/vendor/maplibre-gl-worker.mjs", "static/vendor/maplibre-gl-worker.mjs", "text/javascript; charset=utf-8", 200_000},
		{"/static/vendor/maplibre-gl.css", "static/vendor/maplibre-gl.css", "text/css; charset=utf-8", 10_000},
		{"/static/vendor/LICENSE.txt", "static/vendor/LICENSE.txt", "text/plain; charset=utf-8", 1000},
		{"/static/vendor/VERSION", "static/vendor/VERSION", "text/plain; charset=utf-8", 20},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res := get(t, h, http.MethodGet, tc.path, nil)
			body := readAll(t, res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			if got := res.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			if got := res.Header.Get("Cache-Control"); got != cacheRevalidate {
				t.Errorf("Cache-Control %q without ?v=, want %q", got, cacheRevalidate)
			}
			if !strings.HasPrefix(res.Header.Get("ETag"), `"`) {
				t.Errorf("ETag %q is not a quoted strong tag", res.Header.Get("ETag"))
			}
			if len(body) < tc.minSize {
				t.Errorf("body %d bytes, want at least %d", len(body), tc.minSize)
			}
			want, err := fs.ReadFile(files, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if tc.file == "index.html" {
				want = bytes.ReplaceAll(want, []byte(versionToken), []byte("?v="+h.(*handler).version))
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from embedded %s (%d vs %d bytes)", tc.file, len(body), len(want))
			}
		})
	}
}

func TestHandlerRejects(t *testing.T) {
	h := Handler()
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/nope", http.StatusNotFound},
		{http.MethodGet, "/static/", http.StatusNotFound},
		{http.MethodGet, "/static", http.StatusNotFound},
		{http.MethodGet, "/static/vendor/maplibre-gl.js", http.StatusNotFound},
		{http.MethodGet, "/static/../web.go", http.StatusNotFound},
		{http.MethodGet, "/web.go", http.StatusNotFound},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/static/app.js", http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			res := get(t, h, tc.method, tc.path, nil)
			if res.StatusCode != tc.status {
				t.Errorf("status %d, want %d", res.StatusCode, tc.status)
			}
		})
	}
}

func TestHandlerHead(t *testing.T) {
	res := get(t, Handler(), http.MethodHead, "/static/app.js", nil)
	if res.StatusCode != http.StatusOK || len(readAll(t, res.Body)) != 0 {
		t.Fatalf("HEAD: status %d with a body", res.StatusCode)
	}
	if res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("HEAD Content-Type %q", res.Header.Get("Content-Type"))
	}
}

func TestHandlerConditionalAndGzip(t *testing.T) {
	h := Handler()
	plain := get(t, h, http.MethodGet, "/static/vendor/maplibre-gl.mjs", nil)
	body := readAll(t, plain.Body)
	etag := plain.Header.Get("ETag")
	if plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("Content-Encoding %q without Accept-Encoding", plain.Header.Get("Content-Encoding"))
	}
	if plain.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q, want Accept-Encoding", plain.Header.Get("Vary"))
	}

	res := get(t, h, http.MethodGet, "/static/vendor/maplibre-gl.mjs", map[string]string{"If-None-Match": etag})
	if res.StatusCode != http.StatusNotModified || len(readAll(t, res.Body)) != 0 {
		t.Errorf("If-None-Match %s: status %d, want an empty 304", etag, res.StatusCode)
	}

	zres := get(t, h, http.MethodGet, "/static/vendor/maplibre-gl.mjs", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if zres.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", zres.Header.Get("Content-Encoding"))
	}
	zbody := readAll(t, zres.Body)
	zr, err := gzip.NewReader(bytes.NewReader(zbody))
	if err != nil {
		t.Fatal(err)
	}
	if un := readAll(t, zr); !bytes.Equal(un, body) {
		t.Fatalf("gunzipped body differs from the plain one (%d vs %d bytes)", len(un), len(body))
	}
	if ratio := float64(len(zbody)) / float64(len(body)); ratio > 0.45 {
		t.Errorf("gzip ratio %.2f for minified JavaScript, want below 0.45", ratio)
	}
	zetag := zres.Header.Get("ETag")
	if zetag == etag {
		t.Errorf("gzip and identity bodies share ETag %s", etag)
	}
	res = get(t, h, http.MethodGet, "/static/vendor/maplibre-gl.mjs", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": zetag})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("gzip If-None-Match: status %d, want 304", res.StatusCode)
	}

	for _, ae := range []string{"gzip;q=0", "identity", "deflate, br"} {
		res := get(t, h, http.MethodGet, "/static/app.js", map[string]string{"Accept-Encoding": ae})
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want none", ae, res.Header.Get("Content-Encoding"))
		}
	}
}

// The page links its assets with the content hash, and those URLs may be cached for good.
func TestIndexLinksVersionedAssets(t *testing.T) {
	h := Handler()
	version := h.(*handler).version
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(version) {
		t.Fatalf("version %q is not 12 hex digits", version)
	}
	index := string(readAll(t, get(t, h, http.MethodGet, "/", nil).Body))
	if strings.Contains(index, versionToken) {
		t.Fatalf("index.html still contains %q", versionToken)
	}
	refs := regexp.MustCompile(`"\.?/?(static/[^"?]+)\?v=([0-9a-f]+)"`).FindAllStringSubmatch(index, -1)
	var paths []string
	for _, m := range refs {
		paths = append(paths, m[1])
		if m[2] != version {
			t.Errorf("%s?v=%s, want v=%s", m[1], m[2], version)
		}
		res := get(t, h, http.MethodGet, "/"+m[1]+"?v="+m[2], nil)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", m[1], res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); got != cacheImmutable {
			t.Errorf("%s?v=current: Cache-Control %q, want %q", m[1], got, cacheImmutable)
		}
	}
	sort.Strings(paths)
	want := []string{
		"static/app.css", "static/app.js", "static/chart.js", "static/i18n.js", "static/plans.js", "static/ramp.js",
		"static/search.js", "static/state.js", "static/table.js", "static/vendor/maplibre-gl.css", "static/vendor/maplibre-gl.mjs",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("index.html links %v, want %v", paths, want)
	}
	// A stale hash is served (old pages keep working) but must be revalidated.
	res := get(t, h, http.MethodGet, "/static/app.js?v=000000000000", nil)
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != cacheRevalidate {
		t.Errorf("stale ?v=: status %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	// The page itself always revalidates, whatever its query.
	res = get(t, h, http.MethodGet, "/?v="+version, nil)
	if got := res.Header.Get("Cache-Control"); got != cacheRevalidate {
		t.Errorf("/?v=current: Cache-Control %q, want %q", got, cacheRevalidate)
	}
}

func TestEmbeddedFilesHaveKnownTypes(t *testing.T) {
	n := 0
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if ct := contentType(p); ct == "application/octet-stream" {
			t.Errorf("%s: no content type for its extension", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 12 {
		t.Errorf("%d embedded files, want at least 12", n)
	}
}

func TestNewHandlerNeedsIndex(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr bool
	}{
		{"index only", fstest.MapFS{"index.html": {Data: []byte("<p>?v=dev</p>")}}, false},
		{"no index", fstest.MapFS{"static/app.js": {Data: []byte("x")}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := newHandler(tc.fsys)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err == nil {
				body := string(readAll(t, get(t, h, http.MethodGet, "/", nil).Body))
				if body != "<p>?v="+h.version+"</p>" {
					t.Errorf("index body %q", body)
				}
			}
		})
	}
}

func loadDictionary(t *testing.T) map[string]map[string]string {
	t.Helper()
	b, err := fs.ReadFile(files, "static/i18n.json")
	if err != nil {
		t.Fatal(err)
	}
	var dict map[string]map[string]string
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&dict); err != nil {
		t.Fatalf("static/i18n.json: %v", err)
	}
	return dict
}

var templateVarRE = regexp.MustCompile(`\{(\w+)\}`)

func templateVars(s string) []string {
	var out []string
	for _, m := range templateVarRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// Every language has every key, no empty text, and the same {variables} per key.
func TestDictionariesMatch(t *testing.T) {
	dict := loadDictionary(t)
	langs := make([]string, 0, len(dict))
	for l := range dict {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	if !slices.Equal(langs, []string{"en", "pt", "tet"}) {
		t.Fatalf("languages %v, want [en pt tet]", langs)
	}
	en := dict["en"]
	if len(en) < 40 {
		t.Fatalf("%d English keys, want at least 40", len(en))
	}
	for _, lang := range []string{"pt", "tet"} {
		for k, v := range en {
			got, ok := dict[lang][k]
			if !ok {
				t.Errorf("%s: missing key %q (en: %q)", lang, k, v)
				continue
			}
			if !slices.Equal(templateVars(got), templateVars(v)) {
				t.Errorf("%s.%s = %q: template variables %v, en has %v", lang, k, got, templateVars(got), templateVars(v))
			}
		}
		for k := range dict[lang] {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: key %q is not in en", lang, k)
			}
		}
	}
	for lang, m := range dict {
		for k, v := range m {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s.%s is empty", lang, k)
			}
		}
	}
}

// Every key the page uses is in the dictionary: data-i18n and data-i18n-attr in
// index.html, t('key') in the scripts.
func TestPageKeysAreInDictionary(t *testing.T) {
	en := loadDictionary(t)["en"]
	used := map[string]string{}
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`data-i18n="([^"]+)"`).FindAllSubmatch(index, -1) {
		used[string(m[1])] = "index.html"
	}
	for _, m := range regexp.MustCompile(`data-i18n-attr="([^"]+)"`).FindAllSubmatch(index, -1) {
		for _, pair := range strings.Split(string(m[1]), ",") {
			_, key, ok := strings.Cut(pair, ":")
			if !ok {
				t.Errorf("index.html: data-i18n-attr %q is not attr:key", pair)
			}
			used[strings.TrimSpace(key)] = "index.html"
		}
	}
	callRE := regexp.MustCompile(`\bt\(\s*'([a-z0-9_]+)'`)
	for _, name := range []string{"static/app.js", "static/chart.js", "static/i18n.js", "static/plans.js", "static/search.js", "static/table.js"} {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range callRE.FindAllSubmatch(b, -1) {
			used[string(m[1])] = name
		}
	}
	// Built from a locality's kind in app.js.
	for _, k := range []string{"kind_1", "kind_2", "kind_3", "kind_4"} {
		used[k] = "static/app.js"
	}
	// Built from a search result's level in search.js, and the table's column labels.
	for _, k := range []string{"level_municipality", "level_posto", "level_suco", "level_locality"} {
		used[k] = "static/search.js"
	}
	for _, m := range regexp.MustCompile(`label: '([a-z0-9_]+)'`).FindAllSubmatch(must(fs.ReadFile(files, "static/table.js")), -1) {
		used[string(m[1])] = "static/table.js"
	}
	if len(used) < 40 {
		t.Errorf("found %d keys in use, want at least 40: is the key pattern still right?", len(used))
	}
	for k, where := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("%s uses %q, which is not in static/i18n.json", where, k)
		}
	}
}

// The Tetum dictionary uses the agreed Tetum terms, and no Portuguese form slips in.
func TestTetumTerms(t *testing.T) {
	dict := loadDictionary(t)
	tet := dict["tet"]
	tests := []struct{ key, want string }{
		{"suco", "Suku"},
		{"municipality", "Munisípiu"},
		{"population", "Populasaun"},
		{"households", "Uma-kain"},
		{"erosion", "Erozaun"},
		{"accretion", "Akresaun"},
		{"language", "Lian"},
		{"layers", "Kamada"},
		{"posto", "Postu administrativu"},
	}
	for _, tc := range tests {
		if !strings.HasPrefix(tet[tc.key], tc.want) {
			t.Errorf("tet.%s = %q, want it to start with %q", tc.key, tet[tc.key], tc.want)
		}
	}
	for k, v := range tet {
		for _, pt := range []string{"Suco", "suco", "Município", "População", "Erosão", "Acreção", "Camada", "Transecto", "transecto"} {
			if strings.Contains(v, pt) {
				t.Errorf("tet.%s = %q contains the Portuguese %q", k, v, pt)
			}
		}
	}
	if got := dict["pt"]["households"]; !strings.HasPrefix(got, "Agregados familiares") {
		t.Errorf("pt.households = %q", got)
	}
}

// The vendored MapLibre is the one VERSION names, with its worker beside it.
func TestVendoredMapLibre(t *testing.T) {
	ver, err := fs.ReadFile(files, "static/vendor/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^maplibre-gl (\d+\.\d+\.\d+)$`).FindSubmatch(ver)
	if m == nil {
		t.Fatalf("static/vendor/VERSION %q names no maplibre-gl version", ver)
	}
	version := string(m[1])
	js, err := fs.ReadFile(files, "static/vendor/maplibre-gl.mjs")
	if err != nil {
		t.Fatal(err)
	}
	if head := string(js[:min(400, len(js))]); !strings.Contains(head, "/v"+version+"/LICENSE.txt") {
		t.Errorf("maplibre-gl.mjs banner does not name v%s: %q", version, head)
	}
	if !bytes.Contains(js, []byte("maplibre-gl-worker.mjs")) {
		t.Error("maplibre-gl.mjs no longer loads maplibre-gl-worker.mjs; update index.html and the vendor script")
	}
	lic, err := fs.ReadFile(files, "static/vendor/LICENSE.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(lic, []byte("MapLibre contributors")) {
		t.Error("static/vendor/LICENSE.txt is not MapLibre's licence")
	}
	for _, name := range []string{"static/vendor/maplibre-gl.mjs", "static/vendor/maplibre-gl-worker.mjs"} {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("sourceMappingURL=")) {
			t.Errorf("%s points at a source map that is not shipped", name)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
