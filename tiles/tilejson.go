package tiles

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// attribution credits the data every tile holds.
const attribution = "Admin units, coastline: OCHA COD-AB Timor-Leste (for information only, not official); " +
	"localities: 1:50,000 topographic gazetteer; change statistics: tasi"

// TileJSON is a TileJSON 3.0.0 document (https://github.com/mapbox/tilejson-spec).
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       []float64     `json:"bounds,omitempty"`
	Center       []float64     `json:"center,omitempty"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one layer of vector tiles in TileJSON.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"` // field name: String, Number or Boolean
}

// tileJSON returns the TileJSON of the named layers of run ("all": every layer).
func (h *Handler) tileJSON(base string, run Run, name string) TileJSON {
	layers := h.layers
	title := "tasi: all layers"
	desc := "Coastline change by tasi: " + strings.Join(layerNames(h.layers), ", ")
	if name != "all" {
		l := h.layers[h.byName[name]]
		layers, title, desc = []Layer{l}, "tasi: "+l.Name, l.Description
	}
	tj := TileJSON{
		TileJSON: "3.0.0", Name: title, Description: desc, Attribution: attribution, Scheme: "xyz",
		Version: "1.0." + strconv.FormatInt(run.ID, 10), // changes with the run, as TileJSON asks
		Tiles:   []string{fmt.Sprintf("%s/tiles/%s/{z}/{x}/{y}.mvt?run=%d", base, name, run.ID)},
		MinZoom: MaxTileZoom, MaxZoom: 0,
	}
	for _, l := range layers {
		fields := make(map[string]string, len(l.Fields))
		for _, f := range l.Fields {
			fields[f.Name] = string(f.Type)
		}
		tj.VectorLayers = append(tj.VectorLayers, VectorLayer{ID: l.Name, Description: l.Description, MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: fields})
		tj.MinZoom, tj.MaxZoom = min(tj.MinZoom, l.MinZoom), max(tj.MaxZoom, l.MaxZoom)
	}
	if b := run.Bounds; b.Max[0] > b.Min[0] {
		round := func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
		tj.Bounds = []float64{round(b.Min[0]), round(b.Min[1]), round(b.Max[0]), round(b.Max[1])}
		c := b.Center()
		tj.Center = []float64{round(c[0]), round(c[1]), float64(max(tj.MinZoom, 8))}
	}
	return tj
}

func (h *Handler) serveTileJSON(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(chi.URLParam(r, "file"), ".json")
	if !ok {
		writeError(w, http.StatusNotFound, "no such resource: see /tiles/tasi.json")
		return
	}
	if name == "tasi" {
		name = "all"
	}
	if _, err := h.layersFor(name); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	run, named, ok := h.resolve(w, r)
	if !ok {
		return
	}
	base, vary := h.baseURL(r)
	setVary(w, vary)
	h.writeJSON(w, r, h.tileJSON(base, run, name), named)
}

func (h *Handler) serveStyle(w http.ResponseWriter, r *http.Request) {
	if chi.URLParam(r, "file") != "tasi.json" {
		writeError(w, http.StatusNotFound, "no such style: see /styles/tasi.json")
		return
	}
	run, named, ok := h.resolve(w, r)
	if !ok {
		return
	}
	base, vary := h.baseURL(r)
	setVary(w, vary)
	h.writeJSON(w, r, h.style(base, h.tileJSON(base, run, "all"), run), named)
}

// writeJSON sends v with an ETag, answering If-None-Match with 304. Documents naming a run
// are cached for an hour; those for the latest run as briefly as latest tiles. When their
// URLs were built from the request's headers, the caller has named those headers in Vary,
// so that a shared cache keeps one copy per host.
func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, v any, named bool) {
	b, err := json.Marshal(v)
	if err != nil {
		h.fail(w, r, fmt.Errorf("encode %s: %w", r.URL.Path, err))
		return
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:12])
	hdr := w.Header()
	hdr.Set("ETag", `"`+hash+`"`)
	if named {
		hdr.Set("Cache-Control", "public, max-age=3600")
	} else {
		hdr.Set("Cache-Control", latestControl)
	}
	if matchETag(r.Header.Get("If-None-Match"), hash) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}
