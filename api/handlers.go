package api

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data/results"
)

// Content types of the API's answers.
const (
	typeJSON    = "application/json"
	typeGeoJSON = "application/geo+json"
)

// query parses the query string, refusing one Go cannot parse unambiguously (such as a
// semicolon, which net/url would silently drop with the pair it is in), and reads ?f=:
// geo is false for JSON (the default), true for GeoJSON.
func query(r *http.Request) (v url.Values, geo bool, err error) {
	v, err = url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, false, badRequestf("query string: %v", err)
	}
	switch f := v.Get("f"); f {
	case "", "json":
		return v, false, nil
	case "geojson":
		return v, true, nil
	default:
		return nil, false, badRequestf("f=%s: want json or geojson", clip(f))
	}
}

// runQuery parses the query string of a request about one run (the at-risk list and the
// plans), a 400 when it is malformed, and reads its run parameter.
func runQuery(r *http.Request) (url.Values, results.RunRef, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, 0, badRequestf("query string: %v", err)
	}
	run, err := runRef("run", v.Get("run"))
	return v, run, err
}

// runRef reads a run: "latest" or a positive id.
func runRef(param, v string) (results.RunRef, error) {
	if v == "" || v == "latest" {
		return results.Latest, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequestf("%s=%s: want a run id (a positive integer) or latest", param, clip(v))
	}
	return results.RunRef(id), nil
}

// key reads a path parameter naming a unit or transect.
func key(r *http.Request, name string) (string, error) {
	v := chi.URLParam(r, name)
	if u, err := url.PathUnescape(v); err == nil {
		v = u
	}
	if v == "" || len(v) > maxKeyLength {
		return "", badRequestf("%s: want 1 to %d characters", name, maxKeyLength)
	}
	if err := plainText(name, v); err != nil {
		return "", err
	}
	return v, nil
}

// plainText refuses text that no P-code, name or label holds and that the database would
// refuse with an error: invalid UTF-8 and control characters (NUL above all).
func plainText(name, v string) error {
	if !utf8.ValidString(v) {
		return badRequestf("%s: not valid UTF-8", name)
	}
	if strings.ContainsFunc(v, unicode.IsControl) {
		return badRequestf("%s: control characters are not allowed", name)
	}
	return nil
}

// clip shortens user input quoted back in an error message.
func clip(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}

func (s *server) runs(w http.ResponseWriter, r *http.Request) {
	_, geo, err := query(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := s.store.ListRuns(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]runJSON, len(runs))
	for i, run := range runs {
		out[i] = newRunJSON(run)
	}
	if geo {
		// Runs have no geometry: features with null geometry are valid GeoJSON.
		fc := collectionJSON{Type: "FeatureCollection", Features: make([]featureJSON, len(out))}
		for i, run := range out {
			fc.Features[i] = feature(run.ID, nil, run)
		}
		s.writeJSON(w, r, typeGeoJSON, fc)
		return
	}
	s.writeJSON(w, r, typeJSON, struct {
		Runs []runJSON `json:"runs"`
	}{out})
}

func (s *server) run(w http.ResponseWriter, r *http.Request) {
	_, geo, err := query(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref, err := runRef("id", chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	run, err := s.store.FindRun(r.Context(), ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if geo {
		s.writeJSON(w, r, typeGeoJSON, feature(run.ID, nil, newRunJSON(run)))
		return
	}
	s.writeJSON(w, r, typeJSON, newRunJSON(run))
}

// unitsQuery reads the parameters of /api/v1/units.
func unitsQuery(v url.Values) (results.UnitsQuery, error) {
	q := results.UnitsQuery{Limit: DefaultLimit}
	var err error
	if q.Run, err = runRef("run", v.Get("run")); err != nil {
		return q, err
	}
	q.Municipality = strings.TrimSpace(v.Get("municipality"))
	if len(q.Municipality) > maxKeyLength {
		return q, badRequestf("municipality: at most %d characters", maxKeyLength)
	}
	if err := plainText("municipality", q.Municipality); err != nil {
		return q, err
	}
	if sort := v.Get("sort"); sort != "" {
		q.Desc = strings.HasPrefix(sort, "-")
		q.Sort = strings.TrimPrefix(sort, "-")
		if !results.ValidSortKey(q.Sort) {
			return q, badRequestf("sort=%s: want one of %s, with - before it for descending order",
				clip(sort), strings.Join(results.SortKeys(), ", "))
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || n < 0:
			return q, badRequestf("limit=%s: want a whole number from 0 to %d", clip(s), MaxLimit)
		case n > MaxLimit:
			return q, badRequestf("limit=%d: at most %d units a page; page with offset", n, MaxLimit)
		}
		q.Limit = n
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > math.MaxInt32 {
			return q, badRequestf("offset=%s: want a whole number from 0", clip(s))
		}
		q.Offset = n
	}
	if s := v.Get("bbox"); s != "" {
		b, err := bbox(s)
		if err != nil {
			return q, err
		}
		q.BBox = &b
	}
	return q, nil
}

// bbox reads minlon,minlat,maxlon,maxlat in WGS84 degrees.
func bbox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	bad := func(why string) (orb.Bound, error) {
		return orb.Bound{}, badRequestf("bbox=%s: %s; want minlon,minlat,maxlon,maxlat in degrees", clip(s), why)
	}
	if len(parts) != 4 {
		return bad("4 numbers needed")
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad(strconv.Quote(p) + " is not a number")
		}
		v[i] = f
	}
	switch {
	case v[0] < -180 || v[2] > 180 || v[0] > 180 || v[2] < -180:
		return bad("longitudes lie between -180 and 180")
	case v[1] < -90 || v[3] > 90 || v[1] > 90 || v[3] < -90:
		return bad("latitudes lie between -90 and 90")
	case v[0] > v[2]:
		return bad("minlon is greater than maxlon")
	case v[1] > v[3]:
		return bad("minlat is greater than maxlat")
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

func (s *server) units(w http.ResponseWriter, r *http.Request) {
	v, geo, err := query(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, err := unitsQuery(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q.Geometry = geo
	page, err := s.store.UnitsPage(r.Context(), q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if geo {
		fc := collectionJSON{Type: "FeatureCollection", Run: &page.Run, Total: &page.Total, Features: make([]featureJSON, len(page.Units))}
		for i := range page.Units {
			u := &page.Units[i]
			fc.Features[i] = feature(u.Unit.Code, u.Unit.Geometry, newUnitJSON(u))
		}
		s.writeJSON(w, r, typeGeoJSON, fc)
		return
	}
	out := unitsJSON{Run: page.Run, Total: page.Total, Units: make([]unitJSON, len(page.Units))}
	for i := range page.Units {
		out.Units[i] = newUnitJSON(&page.Units[i])
	}
	s.writeJSON(w, r, typeJSON, out)
}

// itemRequest is what the routes for one item (/units/{pcode}, /transects/{id}) read
// from a request.
type itemRequest struct {
	geo bool           // ?f=geojson
	run results.RunRef // ?run=
	key string         // the item's path parameter
}

// parseItem reads an itemRequest whose item is named by the path parameter param.
func parseItem(r *http.Request, param string) (itemRequest, error) {
	v, geo, err := query(r)
	if err != nil {
		return itemRequest{}, err
	}
	ref, err := runRef("run", v.Get("run"))
	if err != nil {
		return itemRequest{}, err
	}
	k, err := key(r, param)
	if err != nil {
		return itemRequest{}, err
	}
	return itemRequest{geo: geo, run: ref, key: k}, nil
}

func (s *server) unit(w http.ResponseWriter, r *http.Request) {
	req, err := parseItem(r, "pcode")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	geo, ref, pcode := req.geo, req.run, req.key
	d, err := s.store.Unit(r.Context(), ref, pcode, geo)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := newUnitDetailJSON(&d, s.unitAtRisk(d.Run, d.Unit.Unit.Code))
	if geo {
		s.writeJSON(w, r, typeGeoJSON, feature(d.Unit.Unit.Code, d.Unit.Unit.Geometry, out))
		return
	}
	s.writeJSON(w, r, typeJSON, out)
}

func (s *server) transect(w http.ResponseWriter, r *http.Request) {
	req, err := parseItem(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	geo, ref, id := req.geo, req.run, req.key
	d, err := s.store.TransectSeries(r.Context(), ref, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := newTransectJSON(&d)
	if geo {
		s.writeJSON(w, r, typeGeoJSON, feature(d.Transect.Label, orb.LineString{d.Transect.Origin, d.Transect.End}, out))
		return
	}
	s.writeJSON(w, r, typeJSON, out)
}
