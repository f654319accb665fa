package tiles

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/klauspost/compress/gzip"
	"github.com/tasi-gis/tasi/tiles/glyphs"
)

// Text fonts of the style's label layers: the font stacks package glyphs serves.
var (
	fontRegular = []any{"DejaVu Sans"}
	fontBold    = []any{"DejaVu Sans Bold"}
)

// glyphsURL returns the style's glyphs template: MapLibre fills in {fontstack} and
// {range}. The version changes with the glyphs, so that they may be cached for good.
func (h *Handler) glyphsURL(base string) string {
	return base + "/fonts/{fontstack}/{range}.pbf?v=" + h.glyphsVersion
}

// serveGlyphs answers GET /fonts/{fontstack}/{range}.pbf with the embedded glyph PBF
// (application/x-protobuf), gzipped when the client accepts it, cached for a year (the
// style's URL names the glyphs' version), with an ETag. Unknown font stacks and ranges
// get 404.
func (h *Handler) serveGlyphs(w http.ResponseWriter, r *http.Request) {
	stack, err := url.PathUnescape(chi.URLParam(r, "fontstack"))
	rng, ok := strings.CutSuffix(chi.URLParam(r, "range"), ".pbf")
	var b []byte
	if err == nil && ok {
		b, ok = glyphs.PBF(stack, rng)
	}
	if err != nil || !ok {
		var stacks []string
		for _, f := range glyphs.Fonts() {
			stacks = append(stacks, f.Stack)
		}
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such glyphs: fonts %s; ranges %s",
			strings.Join(stacks, ", "), strings.Join(glyphs.Ranges(), ", ")))
		return
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:12])
	gz := acceptsGzip(r)
	hdr := w.Header()
	hdr.Set("Vary", "Accept-Encoding")
	hdr.Set("Cache-Control", immutableControl)
	if gz {
		hdr.Set("ETag", `"`+hash+`-gz"`)
	} else {
		hdr.Set("ETag", `"`+hash+`"`)
	}
	if matchETag(r.Header.Get("If-None-Match"), hash) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", "application/x-protobuf")
	if gz {
		var buf bytes.Buffer
		zw := h.gzPool.Get().(*gzip.Writer)
		defer h.gzPool.Put(zw)
		zw.Reset(&buf)
		_, err := zw.Write(b)
		if err == nil {
			err = zw.Close()
		}
		if err != nil {
			h.fail(w, r, fmt.Errorf("gzip glyphs %s %s: %w", stack, rng, err))
			return
		}
		hdr.Set("Content-Encoding", "gzip")
		b = buf.Bytes()
	}
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}
