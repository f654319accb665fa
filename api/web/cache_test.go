package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestVersionedURLsImmutable checks Cache-Control for every way the page names a static
// file: the content hash (index.html's links, and what app.js loads beside itself) and
// MapLibre's version, which MapLibre puts in its worker's URL; the page and unversioned
// or stale URLs revalidate.
func TestVersionedURLsImmutable(t *testing.T) {
	h := Handler()
	hh := h.(*handler)
	if hh.maplibre == "" {
		t.Fatal("no MapLibre version read from static/vendor/VERSION")
	}
	// MapLibre names its worker maplibre-gl-worker.mjs?v=<its version>.
	mjs := string(hh.assets["/static/vendor/maplibre-gl.mjs"].body)
	if !strings.Contains(mjs, "`"+hh.maplibre+"`") || !strings.Contains(mjs, "searchParams.set(`v`,") {
		t.Fatalf("the vendored MapLibre does not put its version %s in the worker URL as expected", hh.maplibre)
	}
	for _, tc := range []struct {
		path, want string
	}{
		{"/static/vendor/maplibre-gl-worker.mjs?v=" + hh.maplibre, cacheImmutable},
		{"/static/vendor/maplibre-gl.mjs?v=" + hh.version, cacheImmutable},
		{"/static/i18n.json?v=" + hh.version, cacheImmutable},
		{"/static/land.geojson?v=" + hh.version, cacheImmutable},
		{"/static/app.js?v=" + hh.version, cacheImmutable},
		{"/static/vendor/maplibre-gl-worker.mjs?v=0.0.1", cacheRevalidate},
		{"/static/vendor/maplibre-gl-worker.mjs", cacheRevalidate},
		{"/static/app.js?v=" + hh.maplibre, cacheRevalidate}, // MapLibre's version names only its files
		{"/static/app.js", cacheRevalidate},
		{"/", cacheRevalidate},
		{"/index.html?v=" + hh.version, cacheRevalidate},
	} {
		res := get(t, h, http.MethodGet, tc.path, nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != tc.want {
			t.Errorf("%s: %d, Cache-Control %q, want %q", tc.path, res.StatusCode, res.Header.Get("Cache-Control"), tc.want)
		}
	}
}
