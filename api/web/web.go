// Package web holds the planners' web map: a static page, its scripts and a vendored
// MapLibre GL JS, embedded in the binary so the map works offline in a field office. The
// page reads the server's style (/styles/tasi.json) and JSON API (/api/v1); it needs no
// build step and nothing from the internet.
//
// Files are served with explicit content types (the host's MIME table is not trusted:
// some map .mjs to nothing), a content-hash ETag, and gzip when the client accepts it,
// compressed once when the handler is built. index.html links its assets with ?v=<hash of
// every embedded file>, so those URLs can be cached for a year and a new binary still
// never serves a stale page.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed index.html static
var files embed.FS

// versionToken is what index.html carries in its asset URLs; Handler replaces it with
// the content hash, and a plain file server (or a browser opening the file) still works.
const versionToken = "?v=dev"

// contentType maps the extensions the page ships to their types. A file with another
// extension is a mistake caught by the tests, and is served as application/octet-stream.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json"
	case ".geojson":
		return "application/geo+json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".txt", "": // LICENSE.txt, vendor/VERSION
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// Cache-Control values: the page itself and unversioned URLs revalidate every time (cheap
// with ETags); URLs carrying the current content hash never change.
const (
	cacheRevalidate = "no-cache"
	cacheImmutable  = "public, max-age=31536000, immutable"
)

// asset is one file ready to serve.
type asset struct {
	body []byte
	// gzipped returns body gzipped, nil when compression does not pay; nil itself for a
	// file not worth compressing. It compresses on the first request that needs it, not
	// when the server starts: MapLibre alone takes a tenth of a second of CPU, which
	// `tasi serve` would otherwise spend before it can answer (issue 12).
	gzipped     func() []byte
	contentType string
	etag        string // quoted strong ETag of body
}

type handler struct {
	assets  map[string]*asset // by URL path: "/", "/static/app.js", …
	version string
	// maplibre is the vendored MapLibre's version, which MapLibre itself puts in the
	// URL of its worker (maplibre-gl-worker.mjs?v=6.17.0): under /static/vendor/ it
	// versions a URL as well as the content hash does.
	maplibre string
	csp      string // Content-Security-Policy of the page
}

// Options configure New.
type Options struct {
	// TileOrigins are origins other than the page's that the map fetches tiles from
	// ("https://tiles.example.org"), when tasi serve --base-url names another host.
	TileOrigins []string
}

// Handler serves the web map: index.html at "/" and the files under /static/. Other paths
// get 404, so it can be mounted at "/" beneath the API and tile routes.
func Handler() http.Handler { return New(Options{}) }

// New is Handler with options.
func New(o Options) http.Handler {
	h, err := newHandler(files)
	if err != nil {
		// The embedded files are fixed at build time and covered by the tests; failing
		// here means the binary was built from a broken tree.
		panic(fmt.Sprintf("web: %v", err))
	}
	h.csp, err = pagePolicy(h.assets["/index.html"].body, o.TileOrigins)
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	return h
}

func newHandler(fsys fs.FS) (*handler, error) {
	h := &handler{assets: map[string]*asset{}}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list embedded files: %w", err)
	}
	sort.Strings(names)
	sum := sha256.New()
	bodies := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, fmt.Errorf("read embedded %s: %w", n, err)
		}
		bodies[n] = b
		fmt.Fprintf(sum, "%s\x00%d\x00", n, len(b))
		sum.Write(b)
	}
	h.version = hex.EncodeToString(sum.Sum(nil))[:12]
	if v, ok := strings.CutPrefix(strings.TrimSpace(strings.SplitN(string(bodies["static/vendor/VERSION"]), "\n", 2)[0]), "maplibre-gl "); ok {
		h.maplibre = v
	}
	for _, n := range names {
		b := bodies[n]
		if n == "index.html" {
			b = bytes.ReplaceAll(b, []byte(versionToken), []byte("?v="+h.version))
		}
		h.assets["/"+n] = newAsset(n, b)
	}
	index, ok := h.assets["/index.html"]
	if !ok {
		return nil, fmt.Errorf("no index.html among the embedded files")
	}
	h.assets["/"] = index
	return h, nil
}

func newAsset(name string, body []byte) *asset {
	ct := contentType(name)
	s := sha256.Sum256(body)
	a := &asset{body: body, contentType: ct, etag: `"` + hex.EncodeToString(s[:])[:20] + `"`}
	if compressible(ct) && len(body) > 1024 {
		a.gzipped = sync.OnceValue(func() []byte { return gzipBody(body) })
	}
	return a
}

// gzipBody returns body gzipped, or nil when that saves less than a tenth.
func gzipBody(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression) // a valid level: no error
	zw.Write(body)                                              // writes to a bytes.Buffer do not fail
	zw.Close()
	if buf.Len() >= len(body)*9/10 {
		return nil
	}
	return buf.Bytes()
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") ||
		ct == "application/json" || ct == "application/geo+json" || ct == "image/svg+xml"
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := h.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", a.contentType)
	hdr.Set("X-Content-Type-Options", "nosniff")
	if a.contentType == contentType(".html") {
		hdr.Set("Content-Security-Policy", h.csp)
		hdr.Set("X-Frame-Options", "SAMEORIGIN") // frame-ancestors for older browsers
	}
	if h.versioned(r) {
		hdr.Set("Cache-Control", cacheImmutable)
	} else {
		hdr.Set("Cache-Control", cacheRevalidate)
	}
	body, etag := a.body, a.etag
	if gz := a.compressed(); gz != nil {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body = gz
			etag = strings.TrimSuffix(a.etag, `"`) + `-gz"`
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304 and handles HEAD and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// compressed returns the asset gzipped, or nil when it is not worth it.
func (a *asset) compressed() []byte {
	if a.gzipped == nil {
		return nil
	}
	return a.gzipped()
}

// versioned reports whether the request's URL names the current content of a static file
// (?v=<content hash>, or MapLibre's version for its own files), which may then be cached
// for a year: a new binary changes the URL. The page itself is never versioned, so that a
// new binary's page, naming the new URLs, is fetched at once.
func (h *handler) versioned(r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		return false
	}
	v := r.URL.Query().Get("v")
	return v == h.version || (h.maplibre != "" && v == h.maplibre && strings.HasPrefix(r.URL.Path, "/static/vendor/"))
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (q=0 refuses it).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
