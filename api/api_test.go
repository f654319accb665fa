package api_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/results"
)

// The JSON answers as a client decodes them; pointers are null-able numbers.
type (
	runOut struct {
		ID            int64             `json:"id"`
		Status        string            `json:"status"`
		Error         *string           `json:"error"`
		Started       *string           `json:"started"`
		Finished      *string           `json:"finished"`
		Version       string            `json:"tasi_version"`
		EPSG          int               `json:"epsg"`
		Shorelines    int               `json:"shorelines"`
		Transects     int               `json:"transects"`
		Missed        int               `json:"missed_transects"`
		Intersections int               `json:"intersections"`
		Units         int               `json:"units"`
		Parameters    map[string]string `json:"parameters"`
		Synthetic     *bool             `json:"synthetic"`
		Period        *struct {
			First *string `json:"first"`
			Last  *string `json:"last"`
		} `json:"period"`
		Sources []string `json:"sources"`
	}
	unitOut struct {
		PCode             string   `json:"pcode"`
		Name              string   `json:"name"`
		Municipality      *string  `json:"municipality"`
		MunicipalityPCode *string  `json:"municipality_pcode"`
		Posto             *string  `json:"posto"`
		PostoPCode        *string  `json:"posto_pcode"`
		NTransects        int      `json:"n_transects"`
		CoastKm           *float64 `json:"coast_km"`
		MeanLRR           *float64 `json:"mean_lrr"`
		MedianLRR         *float64 `json:"median_lrr"`
		MinLRR            *float64 `json:"min_lrr"`
		MaxLRR            *float64 `json:"max_lrr"`
		MeanEPR           *float64 `json:"mean_epr"`
		MeanNSM           *float64 `json:"mean_nsm"`
		PctEroding        *float64 `json:"pct_eroding"`
		PctAccreting      *float64 `json:"pct_accreting"`
		PctSigEroding     *float64 `json:"pct_sig_eroding"`
		PctSigAccreting   *float64 `json:"pct_sig_accreting"`
		MeanLRRUnc        *float64 `json:"mean_lrr_unc"`
		NEffective        *float64 `json:"n_effective"`
		AreaLost          *float64 `json:"area_lost_m2"`
		AreaGained        *float64 `json:"area_gained_m2"`
		Population        *int     `json:"population"`
		Households        *int     `json:"households"`
	}
	unitsOut struct {
		Run   int64     `json:"run"`
		Units []unitOut `json:"units"`
		Total int       `json:"total"`
	}
	transectRowOut struct {
		ID      string   `json:"transect_id"`
		LRR     *float64 `json:"lrr"`
		LCI     *float64 `json:"lci"`
		EPR     *float64 `json:"epr"`
		NSM     *float64 `json:"nsm"`
		N       int      `json:"n"`
		Azimuth *float64 `json:"azimuth"`
		Lon     *float64 `json:"lon"`
		Lat     *float64 `json:"lat"`
	}
	unitDetailOut struct {
		Run int64 `json:"run"`
		unitOut
		Transects []transectRowOut `json:"transects"`
	}
	positionOut struct {
		Date      string   `json:"date"`
		Distance  *float64 `json:"distance_m"`
		Shoreline int      `json:"shoreline"`
	}
	transectOut struct {
		Run       int64         `json:"run"`
		ID        string        `json:"transect_id"`
		Seq       int           `json:"seq"`
		PCode     *string       `json:"pcode"`
		Azimuth   *float64      `json:"azimuth"`
		Base      *float64      `json:"base_m"`
		Width     *float64      `json:"width_m"`
		N         int           `json:"n"`
		DateFirst *string       `json:"date_first"`
		DateLast  *string       `json:"date_last"`
		SCE       *float64      `json:"sce"`
		NSM       *float64      `json:"nsm"`
		EPR       *float64      `json:"epr"`
		EPRunc    *float64      `json:"eprunc"`
		LRR       *float64      `json:"lrr"`
		LR2       *float64      `json:"lr2"`
		LSE       *float64      `json:"lse"`
		LCI       *float64      `json:"lci"`
		WLR       *float64      `json:"wlr"`
		WR2       *float64      `json:"wr2"`
		WSE       *float64      `json:"wse"`
		WCI       *float64      `json:"wci"`
		Lon       *float64      `json:"lon"`
		Lat       *float64      `json:"lat"`
		Origin    [2]float64    `json:"origin"`
		End       [2]float64    `json:"end"`
		Series    []positionOut `json:"series"`
	}
	errorOut struct {
		Error string `json:"error"`
	}
	geometryOut struct {
		Type        string `json:"type"`
		Coordinates any    `json:"coordinates"`
	}
	featureOut struct {
		Type       string         `json:"type"`
		ID         any            `json:"id"`
		Geometry   *geometryOut   `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	collectionOut struct {
		Type     string       `json:"type"`
		Run      int64        `json:"run"`
		Total    int          `json:"total"`
		Features []featureOut `json:"features"`
	}
)

// same reports whether an API number equals a Go value: null for NaN, else exactly equal
// (JSON carries float64 exactly: Go writes the shortest representation that reads back).
func same(got *float64, want float64) bool {
	if got == nil {
		return math.IsNaN(want)
	}
	return *got == want
}

// fmtNum formats an API number for messages.
func fmtNum(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

// stores returns the two stores serving the demo run: PostGIS and memory.
func stores(t *testing.T) (map[string]api.Store, *demoRun) {
	t.Helper()
	d := theDemo(t)
	pgs, _ := newPostGIS(t, d)
	return map[string]api.Store{"postgis": pgs, "memory": newMemory(t, d)}, d
}

// unitIndex returns the index in res.Units of pcode.
func unitIndex(t *testing.T, res *analysis.Result, pcode string) int {
	t.Helper()
	for i, u := range res.Units {
		if u.Unit.Code == pcode {
			return i
		}
	}
	t.Fatalf("no unit %s in the run", pcode)
	return -1
}

// checkUnit compares an answered unit with the analysis' summary.
func checkUnit(t *testing.T, got unitOut, want analysis.UnitChange) {
	t.Helper()
	a := want.Unit
	if got.PCode != a.Code || got.Name != a.Name || *got.MunicipalityPCode != a.RegionCode || *got.Municipality != a.RegionName ||
		*got.PostoPCode != a.ParentCode || *got.Posto != a.ParentName || got.NTransects != want.Transects {
		t.Errorf("unit %s: names or counts %+v, want %+v", a.Code, got, a)
	}
	for _, c := range []struct {
		name string
		got  *float64
		want float64
	}{
		{"coast_km", got.CoastKm, want.CoastKm}, {"mean_lrr", got.MeanLRR, want.MeanLRR}, {"median_lrr", got.MedianLRR, want.MedianLRR},
		{"min_lrr", got.MinLRR, want.MinLRR}, {"max_lrr", got.MaxLRR, want.MaxLRR}, {"mean_epr", got.MeanEPR, want.MeanEPR},
		{"mean_nsm", got.MeanNSM, want.MeanNSM}, {"pct_eroding", got.PctEroding, want.PctEroding},
		{"pct_accreting", got.PctAccreting, want.PctAccreting}, {"pct_sig_eroding", got.PctSigEroding, want.PctSigEroding},
		{"pct_sig_accreting", got.PctSigAccreting, want.PctSigAccreting}, {"mean_lrr_unc", got.MeanLRRUnc, want.MeanLRRUnc},
		{"n_effective", got.NEffective, want.NEffective}, {"area_lost_m2", got.AreaLost, want.AreaLost},
		{"area_gained_m2", got.AreaGained, want.AreaGained},
	} {
		if !same(c.got, c.want) {
			t.Errorf("unit %s: %s = %s, want %v", a.Code, c.name, fmtNum(c.got), c.want)
		}
	}
	if got.Population == nil || *got.Population != a.Population || got.Households == nil || *got.Households != a.Households {
		t.Errorf("unit %s: population %v households %v, want %d %d", a.Code, got.Population, got.Households, a.Population, a.Households)
	}
}

// checkLonLat fails t unless p is a lon/lat in Timor-Leste.
func checkLonLat(t *testing.T, what string, p [2]float64) {
	t.Helper()
	if !(p[0] > 124 && p[0] < 128 && p[1] > -10 && p[1] < -8) {
		t.Errorf("%s: %v is not a lon/lat in Timor-Leste", what, p)
	}
}

// checkMultiPolygon fails t unless c decodes as GeoJSON MultiPolygon coordinates in
// Timor-Leste with closed rings of at least 4 positions; it returns the lon/lat bounds.
func checkMultiPolygon(t *testing.T, what string, c any) orb.Bound {
	t.Helper()
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	polys, ok := c.([]any)
	if !ok || len(polys) == 0 {
		t.Fatalf("%s: coordinates %T, want a non-empty array of polygons", what, c)
	}
	for _, poly := range polys {
		rings, ok := poly.([]any)
		if !ok || len(rings) == 0 {
			t.Fatalf("%s: polygon %T, want an array of rings", what, poly)
		}
		for _, ring := range rings {
			pts, ok := ring.([]any)
			if !ok || len(pts) < 4 {
				t.Fatalf("%s: ring of %d positions, want 4 or more", what, len(pts))
			}
			var first, last [2]float64
			for i, pt := range pts {
				xy, ok := pt.([]any)
				if !ok || len(xy) != 2 {
					t.Fatalf("%s: position %v, want [lon, lat]", what, pt)
				}
				p := [2]float64{xy[0].(float64), xy[1].(float64)}
				checkLonLat(t, what, p)
				b = b.Extend(orb.Point(p))
				if i == 0 {
					first = p
				}
				last = p
			}
			if first != last {
				t.Errorf("%s: ring not closed: %v … %v", what, first, last)
			}
		}
	}
	return b
}

// TestAPI runs every route against the demo run in PostGIS and in memory (one database
// for all: loading the reference data and the run takes seconds).
func TestAPI(t *testing.T) {
	ss, d := stores(t)
	for name, store := range ss {
		t.Run("routes/"+name, func(t *testing.T) { testRoutes(t, handler(store), d) })
	}
	t.Run("same answers", func(t *testing.T) { testSameAnswers(t, ss, d) })
	t.Run("no 500 for any input", func(t *testing.T) { testNoServerErrors(t, ss) })
}

// testNoServerErrors sends random bytes in every path and query parameter: the answer may
// be 200, 400 or 404, never a 500.
func testNoServerErrors(t *testing.T, ss map[string]api.Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	junk := func() string {
		pieces := []string{"", "1", "-1", "0", "latest", "TL01", "mean_lrr", "-pct_eroding", "1e308", "NaN", ",", ";", "'", "\"", "%", "\x00", "\xff",
			"Liquiçá", "' OR 1=1 --", "125,-9,126,-8", "999999999999999999999", "geojson", "json", " ", "\n", "\u2028", "../"}
		var b strings.Builder
		for n := rng.IntN(4); n >= 0; n-- {
			if rng.IntN(3) == 0 {
				b.WriteByte(byte(rng.IntN(256)))
			} else {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
		}
		return b.String()
	}
	for name, store := range ss {
		h := handler(store)
		for i := 0; i < 400; i++ {
			var path string
			switch i % 4 {
			case 0:
				path = "/api/v1/units/" + url.PathEscape(junk())
			case 1:
				path = "/api/v1/transects/" + url.PathEscape(junk())
			case 2:
				path = "/api/v1/runs/" + url.PathEscape(junk())
			}
			q := url.Values{}
			for _, p := range []string{"run", "municipality", "sort", "limit", "offset", "bbox", "f"} {
				if rng.IntN(2) == 0 {
					q.Set(p, junk())
				}
			}
			if path == "" {
				path = "/api/v1/units"
			}
			path += "?" + q.Encode()
			r := get(t, h, path)
			if r.status >= 500 {
				t.Errorf("%s: %s: %d %s", name, path, r.status, r.body)
			}
		}
	}
}

func testRoutes(t *testing.T, h http.Handler, d *demoRun) {
	res := d.res
	// A coastal suco with transects, and the municipality it lies in.
	pcode := "TL010107" // a suco of Dili
	ui := -1
	for i, u := range res.Units {
		if strings.HasPrefix(u.Unit.Code, "TL01") && u.Transects > 5 {
			pcode, ui = u.Unit.Code, i
			break
		}
	}
	if ui < 0 {
		t.Fatal("no coastal suco in Dili (TL01)")
	}
	unit := res.Units[ui]
	var unitTransects []int
	for i, tr := range res.Transects {
		if tr.Unit == ui {
			unitTransects = append(unitTransects, i)
		}
	}
	// A transect with a rate, and one that met no shoreline (if any).
	ti := unitTransects[len(unitTransects)/2]
	tr := res.Transects[ti]
	var series []analysis.Intersection
	for _, x := range res.Intersections {
		if x.Transect == ti {
			series = append(series, x)
		}
	}
	sort.Slice(series, func(i, j int) bool { return series[i].Shoreline < series[j].Shoreline })
	dili := 0
	for _, u := range res.Units {
		if u.Unit.RegionCode == unit.Unit.RegionCode {
			dili++
		}
	}

	t.Run("runs", func(t *testing.T) {
		r := get(t, h, "/api/v1/runs")
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d %s: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		var out struct{ Runs []runOut }
		r.decode(t, &out)
		if len(out.Runs) != 1 {
			t.Fatalf("%d runs, want 1", len(out.Runs))
		}
		run := out.Runs[0]
		want := runOut{ID: 1, Status: "succeeded", Version: "test", EPSG: 32751, Shorelines: len(res.Shorelines),
			Transects: len(res.Transects), Missed: len(res.Missed), Intersections: len(res.Intersections), Units: len(res.Units)}
		if run.ID != want.ID || run.Status != want.Status || run.Version != want.Version || run.EPSG != want.EPSG ||
			run.Shorelines != want.Shorelines || run.Transects != want.Transects || run.Missed != want.Missed ||
			run.Intersections != want.Intersections || run.Units != want.Units {
			t.Errorf("run %+v, want %+v", run, want)
		}
		if run.Started == nil || *run.Started != "2026-01-02T03:04:05Z" || run.Finished == nil || *run.Finished != "2026-01-02T03:04:09Z" || run.Error != nil {
			t.Errorf("run times %v %v error %v", run.Started, run.Finished, run.Error)
		}
		if run.Parameters["spacing"] != "50" {
			t.Errorf("parameters %v", run.Parameters)
		}
		// The demo's provenance: synthetic, its shorelines' period, and its shoreline
		// file (its shorelines name no satellite), by base name.
		checkProvenance := func(path string, run runOut) {
			t.Helper()
			p := res.Period()
			first, last := p.First.Format(time.DateOnly), p.Last.Format(time.DateOnly)
			if run.Synthetic == nil || !*run.Synthetic {
				t.Errorf("%s: synthetic %v, want true", path, run.Synthetic)
			}
			if run.Period == nil || run.Period.First == nil || *run.Period.First != first || run.Period.Last == nil || *run.Period.Last != last {
				t.Errorf("%s: period %+v, want %s – %s", path, run.Period, first, last)
			}
			if !slices.Equal(run.Sources, []string{"shorelines.gpkg"}) {
				t.Errorf("%s: sources %q, want the shoreline file by base name", path, run.Sources)
			}
		}
		if p := res.Period(); p.First.Year() != 2015 || p.Last.Year() != 2024 {
			t.Errorf("demo period %v – %v, want 2015 – 2024", p.First, p.Last)
		}
		checkProvenance("/api/v1/runs", run)
		for _, path := range []string{"/api/v1/runs/1", "/api/v1/runs/latest"} {
			var one runOut
			r := get(t, h, path)
			r.decode(t, &one)
			if r.status != 200 || one.ID != 1 || one.Transects != len(res.Transects) {
				t.Errorf("%s: %d %+v", path, r.status, one)
			}
			checkProvenance(path, one)
		}
	})

	t.Run("units", func(t *testing.T) {
		r := get(t, h, "/api/v1/units?limit=1000")
		var out unitsOut
		r.decode(t, &out)
		if r.status != 200 || out.Run != 1 || out.Total != len(res.Units) || len(out.Units) != len(res.Units) {
			t.Fatalf("status %d run %d total %d, %d units; want 200 run 1 %d", r.status, out.Run, out.Total, len(out.Units), len(res.Units))
		}
		for i, u := range out.Units {
			checkUnit(t, u, res.Units[unitIndex(t, res, u.PCode)])
			if i > 0 && out.Units[i-1].PCode >= u.PCode {
				t.Errorf("default order: %s before %s", out.Units[i-1].PCode, u.PCode)
			}
		}
		// The default page is 100 units.
		r = get(t, h, "/api/v1/units")
		r.decode(t, &out)
		if want := min(100, len(res.Units)); len(out.Units) != want || out.Total != len(res.Units) {
			t.Errorf("default page: %d units of %d, want %d of %d", len(out.Units), out.Total, want, len(res.Units))
		}
	})

	t.Run("units sorted", func(t *testing.T) {
		for _, tc := range []struct {
			sort string
			key  func(u unitOut) float64
			desc bool
		}{
			{"mean_lrr", func(u unitOut) float64 { return *u.MeanLRR }, false},
			{"-mean_lrr", func(u unitOut) float64 { return *u.MeanLRR }, true},
			{"pct_eroding", func(u unitOut) float64 { return *u.PctEroding }, false},
			{"-pct_eroding", func(u unitOut) float64 { return *u.PctEroding }, true},
			{"-population", func(u unitOut) float64 { return float64(*u.Population) }, true},
		} {
			var out unitsOut
			r := get(t, h, "/api/v1/units?limit=1000&sort="+url.QueryEscape(tc.sort))
			r.decode(t, &out)
			if r.status != 200 || len(out.Units) != len(res.Units) {
				t.Fatalf("sort=%s: status %d, %d units", tc.sort, r.status, len(out.Units))
			}
			vals := make([]float64, 0, len(out.Units))
			for _, u := range out.Units {
				if u.MeanLRR == nil {
					break // undefined values come last
				}
				vals = append(vals, tc.key(u))
			}
			if tc.desc {
				slices.Reverse(vals)
			}
			if !sort.Float64sAreSorted(vals) {
				t.Errorf("sort=%s: not in order: %v", tc.sort, vals)
			}
		}
		// The most eroding unit first: its mean LRR is the lowest of the run.
		var out unitsOut
		get(t, h, "/api/v1/units?sort=mean_lrr&limit=1").decode(t, &out)
		lowest := math.Inf(1)
		for _, u := range res.Units {
			if !math.IsNaN(u.MeanLRR) {
				lowest = math.Min(lowest, u.MeanLRR)
			}
		}
		if len(out.Units) != 1 || !same(out.Units[0].MeanLRR, lowest) {
			t.Errorf("sort=mean_lrr&limit=1: %+v, want mean_lrr %v", out.Units, lowest)
		}
		// Names in order.
		get(t, h, "/api/v1/units?sort=name&limit=1000").decode(t, &out)
		if !slices.IsSortedFunc(out.Units, func(a, b unitOut) int { return strings.Compare(a.Name, b.Name) }) {
			t.Error("sort=name: not in name order")
		}
	})

	t.Run("units filtered and paged", func(t *testing.T) {
		var byCode, byName, lower unitsOut
		get(t, h, "/api/v1/units?municipality="+unit.Unit.RegionCode).decode(t, &byCode)
		get(t, h, "/api/v1/units?municipality="+url.QueryEscape(unit.Unit.RegionName)).decode(t, &byName)
		get(t, h, "/api/v1/units?municipality="+url.QueryEscape(strings.ToLower(unit.Unit.RegionName))).decode(t, &lower)
		if byCode.Total != dili || byName.Total != dili || lower.Total != dili || len(byCode.Units) != dili {
			t.Errorf("municipality %s: %d, %d, %d units by code, name, lower-case name; want %d",
				unit.Unit.RegionCode, byCode.Total, byName.Total, lower.Total, dili)
		}
		for _, u := range byName.Units {
			if *u.MunicipalityPCode != unit.Unit.RegionCode {
				t.Errorf("municipality filter let %s of %s through", u.PCode, *u.MunicipalityPCode)
			}
		}
		var none unitsOut
		r := get(t, h, "/api/v1/units?municipality=Atlantis")
		r.decode(t, &none)
		if r.status != 200 || none.Total != 0 || none.Units == nil || len(none.Units) != 0 {
			t.Errorf("unknown municipality: %d %s", r.status, r.body)
		}
		// Pages: offset and limit walk the same order.
		var all, page unitsOut
		get(t, h, "/api/v1/units?sort=-mean_lrr&limit=1000").decode(t, &all)
		for off := 0; off < len(all.Units); off += 7 {
			get(t, h, fmt.Sprintf("/api/v1/units?sort=-mean_lrr&limit=7&offset=%d", off)).decode(t, &page)
			if page.Total != len(all.Units) {
				t.Fatalf("offset %d: total %d, want %d", off, page.Total, len(all.Units))
			}
			for k, u := range page.Units {
				if u.PCode != all.Units[off+k].PCode {
					t.Fatalf("offset %d: unit %d is %s, want %s", off, k, u.PCode, all.Units[off+k].PCode)
				}
			}
		}
		get(t, h, "/api/v1/units?offset=100000").decode(t, &page)
		if len(page.Units) != 0 || page.Total != len(res.Units) {
			t.Errorf("offset past the end: %d units, total %d", len(page.Units), page.Total)
		}
		get(t, h, "/api/v1/units?limit=0").decode(t, &page)
		if len(page.Units) != 0 || page.Total != len(res.Units) {
			t.Errorf("limit=0: %d units, total %d", len(page.Units), page.Total)
		}
	})

	t.Run("units in a bbox", func(t *testing.T) {
		// Around the chosen unit: every unit whose lon/lat bounds overlap.
		var one collectionOut
		get(t, h, "/api/v1/units/"+pcode+"?f=geojson").decode(t, &one)
		var f featureOut
		r := get(t, h, "/api/v1/units/"+pcode+"?f=geojson")
		r.decode(t, &f)
		b := checkMultiPolygon(t, pcode, f.Geometry.Coordinates)
		box := orb.Bound{Min: b.Center(), Max: orb.Point{b.Center()[0] + 0.01, b.Center()[1] + 0.01}}
		var all collectionOut
		get(t, h, "/api/v1/units?f=geojson&limit=1000").decode(t, &all)
		want := map[string]bool{}
		for _, f := range all.Features {
			if checkMultiPolygon(t, fmt.Sprint(f.ID), f.Geometry.Coordinates).Intersects(box) {
				want[f.ID.(string)] = true
			}
		}
		if !want[pcode] {
			t.Fatalf("the box %v misses %s itself", box, pcode)
		}
		var got unitsOut
		r = get(t, h, fmt.Sprintf("/api/v1/units?limit=1000&bbox=%v,%v,%v,%v", box.Min[0], box.Min[1], box.Max[0], box.Max[1]))
		r.decode(t, &got)
		if r.status != 200 || got.Total != len(want) {
			t.Fatalf("bbox: status %d, %d units, want %d (%v)", r.status, got.Total, len(want), want)
		}
		for _, u := range got.Units {
			if !want[u.PCode] {
				t.Errorf("bbox returned %s, whose bounds miss it", u.PCode)
			}
		}
		// The whole country, and the open sea.
		get(t, h, "/api/v1/units?bbox=124,-10,128,-8").decode(t, &got)
		if got.Total != len(res.Units) {
			t.Errorf("bbox of Timor-Leste: %d units, want %d", got.Total, len(res.Units))
		}
		get(t, h, "/api/v1/units?bbox=-180,-90,180,90").decode(t, &got)
		if got.Total != len(res.Units) {
			t.Errorf("bbox of the world: %d units, want %d", got.Total, len(res.Units))
		}
		get(t, h, "/api/v1/units?bbox=0,0,1,1").decode(t, &got)
		if got.Total != 0 {
			t.Errorf("bbox in the Gulf of Guinea: %d units, want 0", got.Total)
		}
	})

	t.Run("units geojson", func(t *testing.T) {
		r := get(t, h, "/api/v1/units?f=geojson&limit=1000")
		var fc collectionOut
		r.decode(t, &fc)
		if r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" || fc.Type != "FeatureCollection" ||
			fc.Run != 1 || fc.Total != len(res.Units) || len(fc.Features) != len(res.Units) {
			t.Fatalf("status %d %s type %q run %d total %d features %d", r.status, r.header.Get("Content-Type"), fc.Type, fc.Run, fc.Total, len(fc.Features))
		}
		for _, f := range fc.Features {
			if f.Type != "Feature" || f.Geometry == nil || f.Geometry.Type != "MultiPolygon" || f.ID != f.Properties["pcode"] {
				t.Fatalf("feature %v: type %q geometry %v pcode %v", f.ID, f.Type, f.Geometry, f.Properties["pcode"])
			}
			checkMultiPolygon(t, fmt.Sprint(f.ID), f.Geometry.Coordinates)
			u := res.Units[unitIndex(t, res, f.ID.(string))]
			if got, ok := f.Properties["mean_lrr"].(float64); (ok || !math.IsNaN(u.MeanLRR)) && got != u.MeanLRR {
				t.Errorf("feature %v: mean_lrr %v, want %v", f.ID, f.Properties["mean_lrr"], u.MeanLRR)
			}
		}
	})

	t.Run("unit", func(t *testing.T) {
		r := get(t, h, "/api/v1/units/"+pcode)
		var out unitDetailOut
		r.decode(t, &out)
		if r.status != 200 || out.Run != 1 {
			t.Fatalf("status %d: %.300s", r.status, r.body)
		}
		checkUnit(t, out.unitOut, unit)
		if len(out.Transects) != len(unitTransects) {
			t.Fatalf("%d transects, want %d", len(out.Transects), len(unitTransects))
		}
		for k, got := range out.Transects {
			want := res.Transects[unitTransects[k]]
			if got.ID != want.Label || got.N != want.Stats.N || !same(got.LRR, want.Stats.LRR) || !same(got.LCI, want.Stats.LCI) ||
				!same(got.EPR, want.Stats.EPR) || !same(got.NSM, want.Stats.NSM) || !same(got.Azimuth, want.Azimuth) {
				t.Errorf("transect %d: %+v, want %s n %d lrr %v", k, got, want.Label, want.Stats.N, want.Stats.LRR)
			}
			ll := res.Zone.Inverse(want.At(0))
			if math.Abs(*got.Lon-ll[0]) > 1e-7 || math.Abs(*got.Lat-ll[1]) > 1e-7 {
				t.Errorf("transect %s at %v,%v, want %v", got.ID, *got.Lon, *got.Lat, ll)
			}
		}
		var f featureOut
		r = get(t, h, "/api/v1/units/"+pcode+"?f=geojson")
		r.decode(t, &f)
		if r.status != 200 || f.Type != "Feature" || f.ID != pcode || f.Geometry.Type != "MultiPolygon" ||
			len(f.Properties["transects"].([]any)) != len(unitTransects) {
			t.Errorf("geojson: %d %v %v", r.status, f.Type, f.ID)
		}
	})

	t.Run("transect", func(t *testing.T) {
		r := get(t, h, "/api/v1/transects/"+url.PathEscape(tr.Label))
		var out transectOut
		r.decode(t, &out)
		if r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		s := tr.Stats
		if out.Run != 1 || out.ID != tr.Label || out.Seq != ti+1 || *out.PCode != pcode || out.N != s.N ||
			*out.DateFirst != s.First.Format("2006-01-02") || *out.DateLast != s.Last.Format("2006-01-02") {
			t.Errorf("transect %+v", out)
		}
		for _, c := range []struct {
			name string
			got  *float64
			want float64
		}{
			{"sce", out.SCE, s.SCE}, {"nsm", out.NSM, s.NSM}, {"epr", out.EPR, s.EPR}, {"eprunc", out.EPRunc, s.EPRunc},
			{"lrr", out.LRR, s.LRR}, {"lr2", out.LR2, s.LR2}, {"lse", out.LSE, s.LSE}, {"lci", out.LCI, s.LCI},
			{"wlr", out.WLR, s.WLR}, {"wr2", out.WR2, s.WR2}, {"wse", out.WSE, s.WSE}, {"wci", out.WCI, s.WCI},
			{"azimuth", out.Azimuth, tr.Azimuth}, {"base_m", out.Base, tr.Base}, {"width_m", out.Width, tr.Width},
		} {
			if !same(c.got, c.want) {
				t.Errorf("%s = %s, want %v", c.name, fmtNum(c.got), c.want)
			}
		}
		checkLonLat(t, "origin", out.Origin)
		checkLonLat(t, "end", out.End)
		if len(out.Series) != len(series) || len(series) != s.N {
			t.Fatalf("%d positions, want %d (n = %d)", len(out.Series), len(series), s.N)
		}
		for k, p := range out.Series {
			x := series[k]
			if p.Shoreline != x.Shoreline+1 || p.Date != x.Date.Format("2006-01-02") || !same(p.Distance, x.Distance) {
				t.Errorf("position %d: %+v, want shoreline %d %s %v", k, p, x.Shoreline+1, x.Date.Format("2006-01-02"), x.Distance)
			}
		}
		var f featureOut
		r = get(t, h, "/api/v1/transects/"+url.PathEscape(tr.Label)+"?f=geojson")
		r.decode(t, &f)
		coords, _ := f.Geometry.Coordinates.([]any)
		if r.status != 200 || f.Type != "Feature" || f.ID != tr.Label || f.Geometry.Type != "LineString" || len(coords) != 2 ||
			len(f.Properties["series"].([]any)) != len(series) {
			t.Errorf("geojson: %d %s", r.status, r.body)
		}
		// A transect that met no shoreline has null rates and an empty series.
		if len(res.Missed) > 0 {
			m := res.Transects[res.Missed[0]]
			var out transectOut
			r := get(t, h, "/api/v1/transects/"+url.PathEscape(m.Label))
			r.decode(t, &out)
			if r.status != 200 || out.N != 0 || out.LRR != nil || out.DateFirst != nil || out.Series == nil || len(out.Series) != 0 {
				t.Errorf("missed transect %s: %d %s", m.Label, r.status, r.body)
			}
		}
	})

	t.Run("errors", func(t *testing.T) {
		long := strings.Repeat("x", 101)
		for _, tc := range []struct {
			path   string
			status int
			msg    string // part of the error
		}{
			{"/api/v1/runs/999", 404, "run 999 not found"},
			{"/api/v1/runs/abc", 400, "run id"},
			{"/api/v1/runs/0", 400, "run id"},
			{"/api/v1/runs/-1", 400, "run id"},
			{"/api/v1/runs/99999999999999999999", 400, "run id"},
			{"/api/v1/runs?f=xml", 400, "json or geojson"},
			{"/api/v1/units?run=999", 404, "run 999 not found"},
			{"/api/v1/units?run=x", 400, "run id"},
			{"/api/v1/units?limit=1001", 400, "at most 1000"},
			{"/api/v1/units?limit=100000000000000000000", 400, "limit"},
			{"/api/v1/units?limit=-1", 400, "limit"},
			{"/api/v1/units?limit=ten", 400, "limit"},
			{"/api/v1/units?offset=-5", 400, "offset"},
			{"/api/v1/units?sort=lrr", 400, "sort"},
			{"/api/v1/units?sort=" + url.QueryEscape("mean_lrr; DROP TABLE runs"), 400, "sort"},
			{"/api/v1/units?bbox=1,2,3", 400, "4 numbers"},
			{"/api/v1/units?bbox=a,b,c,d", 400, "not a number"},
			{"/api/v1/units?bbox=NaN,0,1,1", 400, "not a number"},
			{"/api/v1/units?bbox=0,0,Inf,1", 400, "not a number"},
			{"/api/v1/units?bbox=126,-8,125,-9", 400, "minlon"},
			{"/api/v1/units?bbox=125,-8,126,-9", 400, "minlat"},
			{"/api/v1/units?bbox=-181,0,1,1", 400, "longitudes"},
			{"/api/v1/units?bbox=0,-91,1,1", 400, "latitudes"},
			{"/api/v1/units?f=kml", 400, "json or geojson"},
			{"/api/v1/units?municipality=" + long, 400, "municipality"},
			{"/api/v1/units/TL999999", 404, `unit "TL999999" not found in run 1`},
			{"/api/v1/units/" + url.PathEscape("'; DROP TABLE tasi.runs; --"), 404, "not found"},
			{"/api/v1/units/" + long, 400, "pcode"},
			{"/api/v1/units/" + pcode + "?run=2", 404, "run 2 not found"},
			{"/api/v1/units/" + pcode + "?run=latest;1", 400, "semicolon"},
			{"/api/v1/transects/no-such", 404, `transect "no-such" not found in run 1`},
			{"/api/v1/transects/0", 404, "not found"},
			{"/api/v1/transects/99999999999", 404, "not found"},
			{"/api/v1/transects/" + long, 400, "id"},
			{"/api/v1/transects/1?run=7", 404, "run 7 not found"},
			{"/api/v1/nothing", 404, `no such path: "/api/v1/nothing"`},
			{"/nothing", 404, "no such path"},
		} {
			r := get(t, h, tc.path)
			var e errorOut
			r.decode(t, &e)
			if r.status != tc.status || !strings.Contains(e.Error, tc.msg) || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("%s: %d %q (%s), want %d with %q", tc.path, r.status, e.Error, r.header.Get("Content-Type"), tc.status, tc.msg)
			}
		}
		// SQL in filters is a value like any other.
		var out unitsOut
		get(t, h, "/api/v1/units?municipality="+url.QueryEscape("' OR 1=1 --")).decode(t, &out)
		if out.Total != 0 {
			t.Errorf("municipality with SQL in it matched %d units", out.Total)
		}
		r := do(t, h, httptest.NewRequest(http.MethodPost, "/api/v1/runs", nil))
		if r.status != 405 || !bytes.Contains(r.body, []byte("read-only")) {
			t.Errorf("POST: %d %s", r.status, r.body)
		}
		// Still there after all that.
		if r := get(t, h, "/api/v1/runs/1"); r.status != 200 {
			t.Errorf("run 1 after the bad requests: %d", r.status)
		}
	})

	t.Run("head and gzip", func(t *testing.T) {
		// (The recorder keeps the body a server would drop for HEAD.)
		r := do(t, h, httptest.NewRequest(http.MethodHead, "/api/v1/units", nil))
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("HEAD: %d %s", r.status, r.header.Get("Content-Type"))
		}
		want := get(t, h, "/api/v1/units?limit=1000&f=geojson").body
		for _, enc := range []struct {
			name   string
			reader func(io.Reader) (io.Reader, error)
		}{
			{"gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
			{"deflate", func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }},
		} {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/units?limit=1000&f=geojson", nil)
			req.Header.Set("Accept-Encoding", enc.name)
			r = do(t, h, req)
			if r.status != 200 || r.header.Get("Content-Encoding") != enc.name {
				t.Fatalf("%s: %d %q", enc.name, r.status, r.header.Get("Content-Encoding"))
			}
			zr, err := enc.reader(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plain, want) {
				t.Errorf("%s body differs from the plain one (%d vs %d bytes)", enc.name, len(plain), len(want))
			}
			t.Logf("GeoJSON of %d units: %d bytes, %d with %s", len(res.Units), len(plain), len(r.body), enc.name)
		}
	})

	t.Run("probes", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			r := get(t, h, path)
			if r.status != 200 || !bytes.Contains(r.body, []byte(`"status":"ok"`)) {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
	})
}

// testSameAnswers checks that the PostGIS and memory stores give byte-identical answers.
func testSameAnswers(t *testing.T, ss map[string]api.Store, d *demoRun) {
	hp, hm := handler(ss["postgis"]), handler(ss["memory"])
	paths := []string{
		"/api/v1/runs", "/api/v1/runs/1", "/api/v1/runs/latest?f=geojson", "/api/v1/runs/2",
		"/api/v1/units", "/api/v1/units?limit=1000&f=geojson", "/api/v1/units?run=3",
		"/api/v1/units?bbox=125.5,-8.6,125.7,-8.5&sort=-pct_eroding", "/api/v1/units?municipality=tl01&sort=name",
		"/api/v1/units/nope", "/api/v1/transects/nope",
	}
	for _, key := range results.SortKeys() {
		paths = append(paths, "/api/v1/units?limit=1000&sort="+key, "/api/v1/units?limit=1000&sort=-"+key)
	}
	for i, u := range d.res.Units {
		if i%10 == 0 {
			paths = append(paths, "/api/v1/units/"+u.Unit.Code, "/api/v1/units/"+u.Unit.Code+"?f=geojson&run=1")
		}
	}
	for i, tr := range d.res.Transects {
		if i%1500 == 0 {
			paths = append(paths, "/api/v1/transects/"+tr.Label, "/api/v1/transects/"+tr.Label+"?f=geojson")
		}
	}
	for _, m := range d.res.Missed[:min(3, len(d.res.Missed))] {
		paths = append(paths, "/api/v1/transects/"+d.res.Transects[m].Label)
	}
	for _, p := range paths {
		a, b := get(t, hp, p), get(t, hm, p)
		if a.status != b.status || !bytes.Equal(a.body, b.body) {
			i := 0
			for i < min(len(a.body), len(b.body)) && a.body[i] == b.body[i] {
				i++
			}
			lo := max(0, i-80)
			t.Errorf("%s: postgis %d and memory %d differ at byte %d:\npostgis …%.200s\nmemory  …%.200s", p, a.status, b.status, i, a.body[lo:], b.body[lo:])
		}
	}
}
