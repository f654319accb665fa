package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/plan"
	"github.com/xuri/excelize/v2"
)

// runAssessor assesses a run as tasi serve does (cmd/tasi/serve_atrisk.go): the result is
// read (from memory, as for a GeoPackage, or back from PostGIS), forecast with the
// defaults at the run's confidence, and its communities are the bundled localities.
type runAssessor struct {
	read  func(ctx context.Context, id int64) (*analysis.Result, analysis.Provenance, error)
	calls *int // counted under mu, when set
	mu    sync.Mutex
}

var reference = sync.OnceValues(data.TimorLeste)

func (a *runAssessor) Assess(ctx context.Context, run results.Run) (*plan.Assessment, error) {
	if a.calls != nil {
		a.mu.Lock()
		*a.calls++
		a.mu.Unlock()
	}
	res, prov, err := a.read(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	ref, err := reference()
	if err != nil {
		return nil, err
	}
	f, err := plan.NewForecast(res, plan.Options{Confidence: plan.RunConfidence(prov)})
	if err != nil {
		return nil, err
	}
	in, _, err := input.PlanInputs(ctx, res, strconv.FormatInt(run.ID, 10), prov, input.PlanSources{}, ref)
	if err != nil {
		return nil, err
	}
	return plan.NewAssessment(ctx, res, f, in)
}

// memoryAssessor assesses the demo run held in memory as run 1.
func memoryAssessor(d *demoRun) *runAssessor {
	return &runAssessor{read: func(_ context.Context, id int64) (*analysis.Result, analysis.Provenance, error) {
		if id != 1 {
			return nil, analysis.Provenance{}, results.RunNotFound(results.RunRef(id))
		}
		return d.res, d.prov, nil
	}}
}

// postgisAssessor reads the run back from the database first.
func postgisAssessor(s *postgis.Store) *runAssessor {
	return &runAssessor{read: func(ctx context.Context, id int64) (*analysis.Result, analysis.Provenance, error) {
		res, run, err := s.ReadRun(ctx, id)
		if err != nil {
			return nil, analysis.Provenance{}, err
		}
		return res, analysis.Provenance{Version: run.Version, Started: run.AnalysisStarted, Finished: run.AnalysisFinished,
			Parameters: run.Parameters, Inputs: run.Inputs, Synthetic: run.Synthetic}, nil
	}}
}

// demoAssessment is the assessment of the demo run, made once per test binary, for the
// lists the API's answers are checked against.
var demoAssessment = sync.OnceValues(func() (*plan.Assessment, error) {
	d, err := demoOnce()
	if err != nil {
		return nil, err
	}
	return memoryAssessor(d).Assess(context.Background(), results.Run{ID: 1})
})

func theAssessment(t testing.TB) *plan.Assessment {
	t.Helper()
	a, err := demoAssessment()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// export writes the list opt selects from a in format f, with its file name, as the CLI
// does.
func exportList(t testing.TB, a *plan.Assessment, f export.Format, opt plan.ListOptions) ([]byte, string, *plan.List) {
	t.Helper()
	l, err := a.List(opt)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.WriteAtRisk(&b, l); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), f.FileName(l, opt.Municipality), l
}

// readCSV reads an at-risk CSV: the header, the HXL row, the rows.
func readCSV(t testing.TB, b []byte) (header, hxl []string, rows []map[string]string) {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("CSV: %v, %d records", err, len(recs))
	}
	for _, r := range recs[2:] {
		m := map[string]string{}
		for i, v := range r {
			m[recs[0][i]] = v
		}
		rows = append(rows, m)
	}
	return recs[0], recs[1], rows
}

// TestAtRisk serves the at-risk lists of the demo run from both stores: every format
// with its content type and download name, the same bytes as the CLI's writer, filters,
// bad input, unknown runs, ETags, and the unit's at-risk tallies.
func TestAtRisk(t *testing.T) {
	ss, d := stores(t)
	a := theAssessment(t)
	if len(a.Horizons) != 3 || a.Horizons[0].Years != 10 {
		t.Fatalf("horizons %v, want 10, 20, 30 years", a.Horizons)
	}
	// The municipality with the most communities at risk by the last horizon.
	last, _, _ := exportList(t, a, export.CSV, plan.ListOptions{Horizon: 30})
	_, _, all := readCSV(t, last)
	count := map[string]int{}
	for _, r := range all {
		count[r["municipality_code"]]++
	}
	muni := ""
	for code, n := range count {
		if muni == "" || n > count[muni] || n == count[muni] && code < muni {
			muni = code
		}
	}
	if len(all) < 5 || muni == "" {
		t.Fatalf("%d communities at risk by %d: too few to test with", len(all), a.Horizons[2].Year())
	}
	t.Logf("%d communities at risk by %d, %d of them in %s", len(all), a.Horizons[2].Year(), count[muni], muni)
	handlers := map[string]http.Handler{
		"memory":  handler(ss["memory"], func(o *api.Options) { o.AtRisk = memoryAssessor(d) }),
		"postgis": handler(ss["postgis"], func(o *api.Options) { o.AtRisk = postgisAssessor(ss["postgis"].(*postgis.Store)) }),
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) { testAtRisk(t, h, a, muni, d) })
	}
	t.Run("same lists from both stores", func(t *testing.T) {
		for _, q := range []string{"", "?format=geojson&horizon=2054", "?format=kml&municipality=" + muni, "?horizon=10&min_probability=0.5"} {
			p, m := get(t, handlers["postgis"], "/api/v1/at-risk"+q), get(t, handlers["memory"], "/api/v1/at-risk"+q)
			if p.status != 200 || !bytes.Equal(p.body, m.body) {
				t.Errorf("%s: postgis %d and memory %d differ:\n%.600s\n%.600s", q, p.status, m.status, p.body, m.body)
			}
		}
	})
}

func testAtRisk(t *testing.T, h http.Handler, a *plan.Assessment, muni string, d *demoRun) {
	mid := a.Horizons[1]
	// A suco with communities at risk, for the unit's tallies.
	_, _, rows30 := readCSV(t, must(exportList(t, a, export.CSV, plan.ListOptions{Horizon: 30})))
	suco := rows30[0]["suco_code"]

	// Before any list is asked for, the unit says nothing of the lists: making them is
	// not for this route.
	var unit map[string]json.RawMessage
	r := get(t, h, "/api/v1/units/"+suco)
	r.decode(t, &unit)
	if r.status != 200 || string(unit["at_risk"]) != "null" {
		t.Fatalf("unit %s before any list: %d, at_risk %s, want null", suco, r.status, unit["at_risk"])
	}

	t.Run("formats", func(t *testing.T) {
		for _, f := range export.Formats() {
			want, name, l := exportList(t, a, f, plan.ListOptions{Horizon: mid.Years})
			r := get(t, h, "/api/v1/at-risk?format="+f.String())
			if r.status != 200 || r.header.Get("Content-Type") != f.ContentType() {
				t.Fatalf("%s: %d %s: %.300s", f, r.status, r.header.Get("Content-Type"), r.body)
			}
			if got, w := r.header.Get("Content-Disposition"), `attachment; filename="`+name+`"`; got != w || name != fmt.Sprintf("tasi-at-risk-%d%s", mid.Year(), f.Extension()) {
				t.Errorf("%s: Content-Disposition %q, want %q", f, got, w)
			}
			if !bytes.Equal(r.body, want) {
				t.Errorf("%s: %d bytes differ from the writer's %d for the same list", f, len(r.body), len(want))
			}
			// Read each back a little.
			switch f {
			case export.CSV:
				header, hxl, rows := readCSV(t, r.body)
				if header[0] != "municipality_code" || hxl[0] != "#adm1+code" || len(rows) != len(l.Rows) {
					t.Errorf("CSV: %v / %v, %d rows, want %d", header[:2], hxl[:2], len(rows), len(l.Rows))
				}
				for _, row := range rows {
					if row["horizon_year"] != strconv.Itoa(mid.Year()) || row["in_band"] != "true" || row["run_id"] != "1" {
						t.Errorf("CSV row %v", row)
						break
					}
				}
			case export.XLSX:
				x, err := excelize.OpenReader(bytes.NewReader(r.body))
				if err != nil {
					t.Fatal(err)
				}
				sheets := x.GetSheetList()
				rows, err := x.GetRows("At risk")
				if err != nil || len(sheets) < 3 || sheets[0] != "Summary" || sheets[1] != "At risk" || sheets[len(sheets)-1] != "Provenance" ||
					len(rows) != len(l.Rows)+2 {
					t.Errorf("XLSX: sheets %v, %d rows on At risk (%v), want %d + 2", sheets, len(rows), err, len(l.Rows))
				}
				x.Close()
			case export.GeoJSON:
				var fc struct {
					Type string `json:"type"`
					Tasi struct {
						RunID    string `json:"run_id"`
						Selected int    `json:"selected_horizon_year"`
						Horizons []struct {
							Years int `json:"years"`
							Year  int `json:"year"`
						} `json:"horizons"`
					} `json:"tasi"`
					Features []featureOut `json:"features"`
				}
				r.decode(t, &fc)
				if fc.Type != "FeatureCollection" || fc.Tasi.RunID != "1" || fc.Tasi.Selected != mid.Year() || len(fc.Tasi.Horizons) != 3 ||
					len(fc.Features) != len(l.Rows) {
					t.Errorf("GeoJSON: %s run %q selected %d, %d features", fc.Type, fc.Tasi.RunID, fc.Tasi.Selected, len(fc.Features))
				}
				for _, ft := range fc.Features {
					if ft.Geometry == nil || ft.Geometry.Type != "Point" {
						t.Errorf("GeoJSON feature %v", ft)
						break
					}
				}
			case export.KML:
				var doc struct {
					Placemarks []struct {
						Name string `xml:"name"`
					} `xml:"Document>Folder>Placemark"`
				}
				if err := xml.Unmarshal(r.body, &doc); err != nil || len(doc.Placemarks) != len(l.Rows) {
					t.Errorf("KML: %v, %d placemarks, want %d", err, len(doc.Placemarks), len(l.Rows))
				}
			}
		}
		// json is GeoJSON; HEAD has the headers.
		if r := get(t, h, "/api/v1/at-risk?format=json"); r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" {
			t.Errorf("format=json: %d %s", r.status, r.header.Get("Content-Type"))
		}
		if r := do(t, h, httptest.NewRequest(http.MethodHead, "/api/v1/at-risk?format=xlsx", nil)); r.status != 200 ||
			r.header.Get("Content-Type") != export.XLSX.ContentType() {
			t.Errorf("HEAD: %d %s", r.status, r.header.Get("Content-Type"))
		}
	})

	t.Run("filters", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			opt   plan.ListOptions
			file  string
		}{
			{"", plan.ListOptions{Horizon: 20}, fmt.Sprintf("tasi-at-risk-%d.csv", mid.Year())},
			{"horizon=10", plan.ListOptions{Horizon: 10}, fmt.Sprintf("tasi-at-risk-%d.csv", a.Horizons[0].Year())},
			{fmt.Sprintf("horizon=%d", a.Horizons[0].Year()), plan.ListOptions{Horizon: 10}, ""},
			{fmt.Sprintf("horizon=%d", a.Horizons[2].Year()), plan.ListOptions{Horizon: 30}, ""},
			{"horizon=30&municipality=" + muni, plan.ListOptions{Horizon: 30, Municipality: muni},
				fmt.Sprintf("tasi-at-risk-%d-%s.csv", a.Horizons[2].Year(), muni)},
			{"horizon=30&municipality=" + strings.ToLower(muni), plan.ListOptions{Horizon: 30, Municipality: muni}, ""},
			{"horizon=30&municipality=" + url.QueryEscape(muniName(a, muni)), plan.ListOptions{Horizon: 30, Municipality: muni},
				fmt.Sprintf("tasi-at-risk-%d-%s.csv", a.Horizons[2].Year(), muni)},
			{"horizon=30&min_probability=0.5", plan.ListOptions{Horizon: 30, MinProbability: 0.5}, ""},
			{"run=1&run=latest", plan.ListOptions{Horizon: 20}, ""}, // the first value counts
		} {
			want, name, l := exportList(t, a, export.CSV, tc.opt)
			r := get(t, h, "/api/v1/at-risk?"+tc.query)
			if r.status != 200 || !bytes.Equal(r.body, want) {
				t.Errorf("%s: %d, %d bytes, want the list of %+v (%d rows)", tc.query, r.status, len(r.body), tc.opt, len(l.Rows))
			}
			if tc.file != "" && (name != tc.file || r.header.Get("Content-Disposition") != `attachment; filename="`+tc.file+`"`) {
				t.Errorf("%s: Content-Disposition %q, want %s", tc.query, r.header.Get("Content-Disposition"), tc.file)
			}
			_, _, rows := readCSV(t, r.body)
			for _, row := range rows {
				p, _ := strconv.ParseFloat(row["p_reached"], 64)
				if tc.opt.Municipality != "" && row["municipality_code"] != tc.opt.Municipality || p < tc.opt.MinProbability {
					t.Errorf("%s: row %s %s p %v", tc.query, row["community_code"], row["municipality_code"], p)
				}
			}
		}
	})

	t.Run("bad input", func(t *testing.T) {
		ref := a.RefDate.Year()
		for _, tc := range []struct {
			query  string
			status int
			msg    string
		}{
			{"horizon=101", 400, "horizon=\"101\": 101 years after the reference date; it must be 1 to 100"},
			{fmt.Sprintf("horizon=%d", ref+101), 400, fmt.Sprintf("the year %d is 101 years after the reference date", ref+101)},
			{fmt.Sprintf("horizon=%d", ref), 400, fmt.Sprintf("the year %d is before or in the reference year %d (the reference date is %s)", ref, ref, a.RefDate.Format(time.DateOnly))},
			{"horizon=1999", 400, "before or in the reference year"},
			{"horizon=0", 400, "horizon=\"0\": 0 years: a horizon must come after the reference date"},
			{"horizon=-10", 400, "horizon="},
			{"horizon=15", 400, fmt.Sprintf("not one of the forecast's horizons, 10 (%d), 20 (%d), 30 (%d)", ref+10, ref+20, ref+30)},
			{"horizon=soon", 400, "horizon=\"soon\": want years after the reference date (20) or a calendar year (2045)"},
			{"horizon=20.5", 400, "horizon="},
			{"horizon=99999999999999999999", 400, "horizon="},
			{"municipality=TL99", 400, "municipality=\"TL99\": not one of the run's municipalities (TL01 "},
			{"municipality=Atlantis", 400, "municipality=\"Atlantis\""},
			{"municipality=%00", 400, "municipality: control characters"},
			{"municipality=" + strings.Repeat("x", 101), 400, "municipality: at most 100"},
			{"format=pdf", 400, "format=\"pdf\": want csv, xlsx, geojson or kml"},
			{"min_probability=2", 400, "min_probability=\"2\": want a probability from 0 to 1"},
			{"min_probability=NaN", 400, "min_probability="},
			{"run=x", 400, "run="},
			{"run=1;2", 400, "semicolon"},
			{"run=999", 404, "run 999 not found"},
			{"run=2", 404, "run 2 not found"},
		} {
			r := get(t, h, "/api/v1/at-risk?"+tc.query)
			var e errorOut
			r.decode(t, &e)
			if r.status != tc.status || !strings.Contains(e.Error, tc.msg) || r.header.Get("Content-Type") != "application/json" ||
				r.header.Get("ETag") != "" || r.header.Get("Content-Disposition") != "" {
				t.Errorf("%s: %d %q (%s), want %d with %q", tc.query, r.status, e.Error, r.header.Get("Content-Type"), tc.status, tc.msg)
			}
		}
	})

	t.Run("etag", func(t *testing.T) {
		first := get(t, h, "/api/v1/at-risk?format=xlsx&municipality="+muni)
		tag := first.header.Get("ETag")
		if first.status != 200 || !strings.HasPrefix(tag, `W/"`) || first.header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("status %d ETag %q Cache-Control %q", first.status, tag, first.header.Get("Cache-Control"))
		}
		req := httptest.NewRequest(http.MethodGet, "/api/v1/at-risk?format=xlsx&municipality="+muni, nil)
		req.Header.Set("If-None-Match", tag)
		if r := do(t, h, req); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != tag {
			t.Errorf("If-None-Match: %d, %d bytes, ETag %q", r.status, len(r.body), r.header.Get("ETag"))
		}
		tags := map[string]bool{tag: true}
		for _, q := range []string{"format=csv&municipality=" + muni, "format=xlsx", "format=xlsx&municipality=" + muni + "&horizon=10"} {
			other := get(t, h, "/api/v1/at-risk?"+q).header.Get("ETag")
			if tags[other] || other == "" {
				t.Errorf("%s: ETag %q repeats another query's", q, other)
			}
			tags[other] = true
		}
		// The same list asked for again has the same tag.
		if again := get(t, h, "/api/v1/at-risk?format=xlsx&municipality="+muni); again.header.Get("ETag") != tag || !bytes.Equal(again.body, first.body) {
			t.Errorf("the same query again: ETag %q, want %q", again.header.Get("ETag"), tag)
		}
	})

	t.Run("unit tallies", func(t *testing.T) {
		var u struct {
			PCode  string `json:"pcode"`
			AtRisk []struct {
				HorizonYears int     `json:"horizon_years"`
				Year         int     `json:"year"`
				Communities  int     `json:"communities"`
				People       float64 `json:"people"`
				Households   float64 `json:"households"`
				Uncounted    int     `json:"uncounted"`
			} `json:"at_risk"`
		}
		r := get(t, h, "/api/v1/units/"+suco)
		r.decode(t, &u)
		if r.status != 200 || len(u.AtRisk) != 3 {
			t.Fatalf("unit %s after the lists: %d, at_risk %+v", suco, r.status, u.AtRisk)
		}
		for i, hz := range a.Horizons {
			_, _, rows := readCSV(t, must(exportList(t, a, export.CSV, plan.ListOptions{Horizon: hz.Years})))
			n, people, households, uncounted := 0, 0.0, 0.0, 0
			for _, row := range rows {
				if row["suco_code"] != suco {
					continue
				}
				n++
				p, perr := strconv.ParseFloat(row["people_at_risk"], 64)
				hh, herr := strconv.ParseFloat(row["households_at_risk"], 64)
				people += p
				households += hh
				if perr != nil || herr != nil {
					uncounted++
				}
			}
			got := u.AtRisk[i]
			if got.HorizonYears != hz.Years || got.Year != hz.Year() || got.Communities != n || got.People != people ||
				got.Households != households || got.Uncounted != uncounted {
				t.Errorf("unit %s at %d: %+v, want %d communities, %v people, %v households, %d uncounted from the list",
					suco, hz.Year(), got, n, people, households, uncounted)
			}
		}
		if u.AtRisk[2].Communities == 0 {
			t.Errorf("unit %s has no community at risk by %d, though the list has", suco, a.Horizons[2].Year())
		}
		// The GeoJSON of the unit carries them too.
		var f featureOut
		get(t, h, "/api/v1/units/"+suco+"?f=geojson").decode(t, &f)
		if tallies, ok := f.Properties["at_risk"].([]any); !ok || len(tallies) != 3 {
			t.Errorf("unit GeoJSON at_risk %v", f.Properties["at_risk"])
		}
	})
}

func must(b []byte, _ string, _ *plan.List) []byte { return b }

func muniName(a *plan.Assessment, code string) string {
	for _, m := range a.Municipalities {
		if m.Code == code {
			return m.Name
		}
	}
	return ""
}

// fakeStore serves any run id as a succeeded run (latest is 1), and units with no data.
type fakeStore struct{ api.Store }

func (fakeStore) FindRun(_ context.Context, ref results.RunRef) (results.Run, error) {
	id := int64(ref)
	if ref == results.Latest {
		id = 1
	}
	return results.Run{ID: id, Status: results.StatusSucceeded}, nil
}

func (fakeStore) ListRuns(context.Context) ([]results.Run, error) {
	return []results.Run{{ID: 1, Status: results.StatusSucceeded}}, nil
}

func (fakeStore) Unit(_ context.Context, ref results.RunRef, pcode string, _ bool) (results.UnitDetail, error) {
	return results.UnitDetail{Run: max(int64(ref), 1), Unit: results.Unit{Unit: analysis.AdminUnit{Code: pcode, Population: -1, Households: -1}}}, nil
}

// fakeAssessor counts its calls and, with a gate, waits for it to close before it
// answers a small hand-made assessment; err or a panic answer instead.
type fakeAssessor struct {
	mu    sync.Mutex
	calls map[int64]int
	gate  chan struct{}
	err   error
	panic bool
}

func (f *fakeAssessor) Assess(ctx context.Context, run results.Run) (*plan.Assessment, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[int64]int{}
	}
	f.calls[run.ID]++
	gate, err, p := f.gate, f.err, f.panic
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if p {
		panic("assessor bug")
	}
	if err != nil {
		return nil, err
	}
	return smallAssessment(run.ID), nil
}

func (f *fakeAssessor) count(id int64) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id]
}

// smallAssessment has two communities of suco TL010101 in Dili, one at risk from the
// first horizon, one from the last.
func smallAssessment(run int64) *plan.Assessment {
	ref := time.Date(2024, 8, 25, 0, 0, 0, 0, time.UTC)
	hs := []plan.Horizon{{Years: 10, Date: ref.AddDate(10, 0, 0)}, {Years: 20, Date: ref.AddDate(20, 0, 0)}, {Years: 30, Date: ref.AddDate(30, 0, 0)}}
	row := func(name string, from int, people float64) plan.AtRisk {
		r := plan.AtRisk{Community: plan.Community{Code: name, Name: name, UnitCode: "TL010101", UnitName: "Suco", RegionCode: "TL01", RegionName: "Dili",
			Population: 100, Households: 20, Rule: plan.FromGrid}, DistanceToShore: 10, Rate: -1, RateCI: 0.1, Method: "LRR",
			YearReached: 2030, YearReachedBand: 2029, Severity: plan.High}
		for h, hz := range hs {
			in := h >= from
			e := plan.Exposure{Horizon: hz, InZone: in, InBand: in, People: math.NaN(), Households: math.NaN()}
			if in {
				e.Probability, e.People, e.Households = 0.9, people, people/5
			}
			r.Exposure = append(r.Exposure, e)
		}
		return r
	}
	return &plan.Assessment{RunID: strconv.FormatInt(run, 10), RefDate: ref, Horizons: hs, Setback: 50, Confidence: 0.9, RateKind: "LRR",
		Rows: []plan.AtRisk{row("A", 0, 50), row("B", 2, 10.5)}, Municipalities: []plan.Municipality{{Code: "TL01", Name: "Dili"}}}
}

// TestAtRiskComputedOnce: concurrent first requests share one computation, which no
// other route waits for; a request that stops waiting gets 503 while the computation goes
// on for the next one.
func TestAtRiskComputedOnce(t *testing.T) {
	t.Parallel()
	f := &fakeAssessor{gate: make(chan struct{})}
	h := handler(fakeStore{}, func(o *api.Options) { o.AtRisk = f })

	// A request that waits a millisecond: 503, Retry-After, and the work goes on.
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	r := do(t, h, httptest.NewRequest(http.MethodGet, "/api/v1/at-risk", nil).WithContext(ctx))
	var e errorOut
	r.decode(t, &e)
	if r.status != 503 || r.header.Get("Retry-After") != "5" || !strings.Contains(e.Error, "still being computed") {
		t.Errorf("impatient request: %d %q", r.status, e.Error)
	}

	// Meanwhile other routes answer, and the unit has no tallies yet.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, p := range []string{"/api/v1/runs", "/api/v1/units/TL010101", "/healthz"} {
			r := get(t, h, p)
			if r.status != 200 || p == "/api/v1/units/TL010101" && !bytes.Contains(r.body, []byte(`"at_risk":null`)) {
				t.Errorf("%s while an assessment is computed: %d %s", p, r.status, r.body)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("other routes wait for the assessment")
	}

	var wg sync.WaitGroup
	bodies := make([][]byte, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := get(t, h, "/api/v1/at-risk?horizon=30")
			if r.status != 200 {
				t.Errorf("concurrent request %d: %d %s", i, r.status, r.body)
			}
			bodies[i] = r.body
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(f.gate)
	wg.Wait()
	if n := f.count(1); n != 1 {
		t.Errorf("%d computations for one run, want 1", n)
	}
	for _, b := range bodies[1:] {
		if !bytes.Equal(b, bodies[0]) {
			t.Error("concurrent answers differ")
		}
	}
	_, _, rows := readCSV(t, bodies[0])
	if len(rows) != 2 {
		t.Errorf("%d rows by the last horizon, want 2", len(rows))
	}
	// The unit has its tallies now: A by 2034; A and B by 2054, 50 + 10 people (10.5
	// written as 10, ties to even).
	var u struct {
		AtRisk []map[string]float64 `json:"at_risk"`
	}
	get(t, h, "/api/v1/units/TL010101").decode(t, &u)
	if len(u.AtRisk) != 3 || u.AtRisk[0]["communities"] != 1 || u.AtRisk[0]["year"] != 2034 || u.AtRisk[2]["communities"] != 2 ||
		u.AtRisk[2]["people"] != 60 || u.AtRisk[2]["households"] != 12 || u.AtRisk[2]["uncounted"] != 0 {
		t.Errorf("unit tallies %v", u.AtRisk)
	}
	if get(t, h, "/api/v1/at-risk?format=kml").status != 200 || f.count(1) != 1 {
		t.Errorf("another format of the same run computed again: %d computations", f.count(1))
	}
}

// TestAtRiskKeepsTwoRuns: the assessments of the two runs asked for last are kept; a
// third pushes out the least recently used.
func TestAtRiskKeepsTwoRuns(t *testing.T) {
	t.Parallel()
	f := &fakeAssessor{}
	h := handler(fakeStore{}, func(o *api.Options) { o.AtRisk = f })
	ask := func(id int64) {
		t.Helper()
		if r := get(t, h, fmt.Sprintf("/api/v1/at-risk?run=%d", id)); r.status != 200 {
			t.Fatalf("run %d: %d %s", id, r.status, r.body)
		}
	}
	ask(1)
	ask(2)
	ask(1) // 1 is now the more recently used
	ask(3) // pushes out 2
	ask(1)
	ask(3)
	if f.count(1) != 1 || f.count(3) != 1 {
		t.Errorf("computations %v: runs 1 and 3 once each", f.calls)
	}
	ask(2)
	if f.count(2) != 2 {
		t.Errorf("run 2 computed %d times, want twice (it was pushed out)", f.count(2))
	}
}

// TestAtRiskErrors: a failing assessment is logged and answered 500, and tried again on
// the next request; one that finds nothing is answered 404 and kept; a panic is a 500 and
// the server goes on; no assessor is a 404.
func TestAtRiskErrors(t *testing.T) {
	t.Parallel()
	var logged syncBuilder
	f := &fakeAssessor{err: errors.New("disk on fire")}
	h := handler(fakeStore{}, func(o *api.Options) { o.AtRisk, o.Logger = f, testLogger(&logged) })
	for i := 1; i <= 2; i++ {
		r := get(t, h, "/api/v1/at-risk")
		var e errorOut
		r.decode(t, &e)
		if r.status != 500 || e.Error != "internal error" || f.count(1) != i {
			t.Errorf("failure %d: %d %q, %d computations", i, r.status, e.Error, f.count(1))
		}
	}
	if !strings.Contains(logged.String(), "disk on fire") {
		t.Errorf("log %q lacks the failure", logged.String())
	}
	f.mu.Lock()
	f.err = &results.NotFoundError{Msg: "run 1 has no communities to assess"}
	f.mu.Unlock()
	for range 2 {
		var e errorOut
		r := get(t, h, "/api/v1/at-risk")
		r.decode(t, &e)
		if r.status != 404 || e.Error != "run 1 has no communities to assess" || f.count(1) != 3 {
			t.Errorf("not found: %d %q, %d computations", r.status, e.Error, f.count(1))
		}
	}
	f.mu.Lock()
	f.err, f.panic = nil, true
	f.mu.Unlock()
	if r := get(t, h, "/api/v1/at-risk?run=5"); r.status != 500 {
		t.Errorf("panic: %d %s", r.status, r.body)
	}
	if !strings.Contains(logged.String(), "assessor bug") {
		t.Errorf("log lacks the panic")
	}
	if r := get(t, h, "/api/v1/runs"); r.status != 200 {
		t.Errorf("after the panic: %d", r.status)
	}

	var e errorOut
	r := get(t, handler(fakeStore{}), "/api/v1/at-risk")
	r.decode(t, &e)
	if r.status != 404 || e.Error != "this server makes no at-risk lists" {
		t.Errorf("no assessor: %d %q", r.status, e.Error)
	}
}

// syncBuilder is a strings.Builder safe for the computation's goroutine and the test.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAtRiskDocumented: the OpenAPI document describes the at-risk route's parameters
// and formats, and every field the unit answer has, at_risk among them.
func TestAtRiskDocumented(t *testing.T) {
	t.Parallel()
	var doc struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct {
					Name string `json:"name"`
				} `json:"parameters"`
				Responses map[string]struct {
					Content map[string]json.RawMessage `json:"content"`
					Headers map[string]json.RawMessage `json:"headers"`
				} `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	h := handler(fakeStore{}, func(o *api.Options) { o.AtRisk = &fakeAssessor{} })
	get(t, h, "/api/openapi.json").decode(t, &doc)
	op := doc.Paths["/api/v1/at-risk"].Get
	var params []string
	for _, p := range op.Parameters {
		params = append(params, p.Name)
	}
	for _, want := range []string{"horizon", "municipality", "min_probability", "format"} {
		if !slices.Contains(params, want) {
			t.Errorf("at-risk: parameter %s undocumented (%v)", want, params)
		}
	}
	for _, f := range export.Formats() {
		if _, ok := op.Responses["200"].Content[f.ContentType()]; !ok {
			t.Errorf("at-risk: content type %s undocumented", f.ContentType())
		}
	}
	if op.Responses["200"].Headers["Content-Disposition"] == nil {
		t.Error("at-risk: Content-Disposition undocumented")
	}
	for _, status := range []string{"304", "400", "404", "503"} {
		if _, ok := op.Responses[status]; !ok {
			t.Errorf("at-risk: status %s undocumented", status)
		}
	}

	// Every field of a unit answer (with its tallies) is a documented property.
	documented := map[string]bool{}
	var unit struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	var detail struct {
		AllOf []struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		} `json:"allOf"`
	}
	json.Unmarshal(doc.Components.Schemas["Unit"], &unit)
	json.Unmarshal(doc.Components.Schemas["UnitDetail"], &detail)
	for k := range unit.Properties {
		documented[k] = true
	}
	for _, part := range detail.AllOf {
		for k := range part.Properties {
			documented[k] = true
		}
	}
	get(t, h, "/api/v1/at-risk") // the tallies are there once the run is assessed
	var answer map[string]json.RawMessage
	get(t, h, "/api/v1/units/TL010101").decode(t, &answer)
	for k := range answer {
		if !documented[k] {
			t.Errorf("unit field %s is not in the OpenAPI document", k)
		}
	}
	var tallies []map[string]json.RawMessage
	json.Unmarshal(answer["at_risk"], &tallies)
	var tally struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	json.Unmarshal(doc.Components.Schemas["UnitAtRisk"], &tally)
	if len(tallies) == 0 {
		t.Fatal("no tallies in the unit answer")
	}
	for k := range tallies[0] {
		if tally.Properties[k] == nil {
			t.Errorf("at_risk field %s is not in the OpenAPI document", k)
		}
	}
	if len(tally.Properties) != len(tallies[0]) {
		t.Errorf("UnitAtRisk documents %d fields, the answer has %d", len(tally.Properties), len(tallies[0]))
	}
}

// TestAtRiskNoServerErrors sends junk in every parameter of /api/v1/at-risk: the answer
// is 200, 400 or 404, never a 500.
func TestAtRiskNoServerErrors(t *testing.T) {
	t.Parallel()
	h := handler(fakeStore{}, func(o *api.Options) { o.AtRisk = &fakeAssessor{} })
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"", "1", "-1", "0", "10", "2034", "2054", "2024", "101", "latest", "TL01", "tl01", "Dili", "DILI", "csv", "xlsx",
		"geojson", "kml", "json", "NaN", "1e308", "0.5", ",", ";", "'", "\x00", "\xff", "Liquiçá", "' OR 1=1 --", " ", "\n", "../"}
	junk := func() string {
		var b strings.Builder
		for n := rng.IntN(3); n >= 0; n-- {
			if rng.IntN(4) == 0 {
				b.WriteByte(byte(rng.IntN(256)))
			} else {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
		}
		return b.String()
	}
	statuses := map[int]int{}
	for range 400 {
		q := url.Values{}
		for _, p := range []string{"run", "horizon", "municipality", "min_probability", "format"} {
			if rng.IntN(2) == 0 {
				q.Set(p, junk())
			}
		}
		r := get(t, h, "/api/v1/at-risk?"+q.Encode())
		statuses[r.status]++
		if r.status >= 500 {
			t.Errorf("%s: %d %s", q.Encode(), r.status, r.body)
		}
	}
	if statuses[200] == 0 || statuses[400] == 0 {
		t.Errorf("statuses %v: want some 200 and some 400", statuses)
	}
}
