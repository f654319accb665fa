package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/plan"
)

// fakePlanner records the queries it is asked and answers small hand-made plans; with a
// gate it waits for it to close first, with err it fails.
type fakePlanner struct {
	mu      sync.Mutex
	nfi     []api.NFIQuery
	reloc   []api.RelocationQuery
	gate    chan struct{}
	err     error
	started chan struct{} // when set, receives one value per computation that starts
}

func (f *fakePlanner) wait(ctx context.Context) error {
	f.mu.Lock()
	gate, err, started := f.gate, f.err, f.started
	f.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (f *fakePlanner) NFI(ctx context.Context, a *plan.Assessment, q api.NFIQuery) (*plan.NFIPlan, error) {
	f.mu.Lock()
	f.nfi = append(f.nfi, q)
	f.mu.Unlock()
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	return smallNFIPlan(a.RunID, q), nil
}

func (f *fakePlanner) Relocation(ctx context.Context, a *plan.Assessment, q api.RelocationQuery) (*plan.RelocationPlan, error) {
	f.mu.Lock()
	f.reloc = append(f.reloc, q)
	f.mu.Unlock()
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	return &plan.RelocationPlan{RunID: a.RunID, RefDate: a.RefDate, Horizon: a.Horizons[len(a.Horizons)-1], Cell: q.Cell,
		AreaPerPerson: 45, CoveredPerPerson: 3.5, Sites: fmt.Sprintf("grid of %g m cells over the safe land", q.Cell)}, nil
}

func (f *fakePlanner) calls() (nfi []api.NFIQuery, reloc []api.RelocationQuery) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]api.NFIQuery(nil), f.nfi...), append([]api.RelocationQuery(nil), f.reloc...)
}

// smallNFIPlan is one depot serving one community of 20 households with two blankets
// each.
func smallNFIPlan(run string, q api.NFIQuery) *plan.NFIPlan {
	c := plan.Candidate{Code: "D1", Name: "Depot", Kind: plan.SucoCentre, Point: orb.Point{125.5, -8.6}, Capacity: math.Inf(1)}
	return &plan.NFIPlan{RunID: run, Demand: q.Demand, Objective: q.Objective, K: q.Depots, MaxDistance: q.MaxDistance, Distance: plan.StraightLine,
		Profile: plan.Profile{Name: q.Profile, Items: []plan.Item{{Name: "blanket", Unit: "piece", PerHousehold: 2}}},
		Depots: []plan.DepotPlan{{Candidate: c, Communities: 1, Households: 20, People: 100, MeanDistance: 1000, MaxDistance: 1000,
			Kits: 20, Items: []float64{40}}},
		Assignments: []plan.Assignment{{Community: plan.Community{Code: "A", Name: "A", Point: orb.Point{125.51, -8.6}}, Households: 20, People: 100,
			Distance: 1000, Covered: true}},
		Households: 20, People: 100, CoveredHouseholds: 20, Coverage: 1, MeanDistance: 1000, WorstDistance: 1000, Value: 1000}
}

func planHandler(f *fakePlanner, opts ...func(*api.Options)) http.Handler {
	return handler(fakeStore{}, append([]func(*api.Options){func(o *api.Options) { o.AtRisk, o.Planner = &fakeAssessor{}, f }}, opts...)...)
}

// TestPlanQueryErrors: each bad parameter is a 400 whose message names it, and the
// planner is never asked.
func TestPlanQueryErrors(t *testing.T) {
	t.Parallel()
	f := &fakePlanner{}
	h := planHandler(f)
	for _, tc := range []struct{ query, want string }{
		{"/api/v1/plan/nfi", "depots: required"},
		{"/api/v1/plan/nfi?depots=0", "depots=\"0\": want a number of depots from 1 to 50"},
		{"/api/v1/plan/nfi?depots=51", "depots=\"51\""},
		{"/api/v1/plan/nfi?depots=-3", "depots=\"-3\""},
		{"/api/v1/plan/nfi?depots=five", "depots=\"five\""},
		{"/api/v1/plan/nfi?depots=2.5", "depots=\"2.5\""},
		{"/api/v1/plan/nfi?depots=5&run=0", "run=\"0\""},
		{"/api/v1/plan/nfi?depots=5&run=new", "run=\"new\""},
		{"/api/v1/plan/nfi?depots=5&demand=everyone", "demand=\"everyone\": want at-risk or coastal"},
		{"/api/v1/plan/nfi?depots=5&horizon=2099", "horizon=\"2099\""}, // not one of the run's: 75 years on
		{"/api/v1/plan/nfi?depots=5&horizon=soon", "horizon=\"soon\""},
		{"/api/v1/plan/nfi?depots=5&horizon=200", "horizon=\"200\""},
		{"/api/v1/plan/nfi?depots=5&objective=nearest", "objective=\"nearest\": want median or cover"},
		{"/api/v1/plan/nfi?depots=5&objective=cover", "max_distance: required by objective=cover"},
		{"/api/v1/plan/nfi?depots=5&max_distance=far", "max_distance=\"far\""},
		{"/api/v1/plan/nfi?depots=5&max_distance=-3km", "max_distance=\"-3km\""},
		{"/api/v1/plan/nfi?depots=5&max_distance=2000km", "at most 1000 km"},
		{"/api/v1/plan/nfi?depots=5&profile=/etc/passwd", "profile=\"/etc/passwd\": want one of the bundled needs profiles (" + strings.Join(data.NeedsProfiles(), ", ")},
		{"/api/v1/plan/nfi?depots=5&format=kml", "format=\"kml\": want geojson, csv or xlsx"},
		{"/api/v1/plan/nfi?depots=5&format=pdf", "format=\"pdf\""},
		{"/api/v1/plan/nfi?depots=5&format=csv&file=plan.csv", "file=\"plan.csv\": want one of depots.csv, assignments.csv, summary.csv, shortfall.csv"},
		{"/api/v1/plan/nfi?depots=5&format=xlsx&file=depots.csv", "file=\"depots.csv\": only with format=csv"},
		{"/api/v1/plan/nfi?depots=5;x=1", "query string"},
		{"/api/v1/plan/relocation?cell=50", "cell=\"50\": want the side of the grid cells in metres, 100 to 2000"},
		{"/api/v1/plan/relocation?cell=2500", "cell=\"2500\""},
		{"/api/v1/plan/relocation?cell=NaN", "cell=\"NaN\""},
		{"/api/v1/plan/relocation?cell=wide", "cell=\"wide\""},
		{"/api/v1/plan/relocation?format=kml", "format=\"kml\""},
		{"/api/v1/plan/relocation?run=-1", "run=\"-1\""},
	} {
		var e errorOut
		r := get(t, h, tc.query)
		r.decode(t, &e)
		if r.status != 400 || !strings.Contains(e.Error, tc.want) {
			t.Errorf("%s: %d %q, want 400 with %q", tc.query, r.status, e.Error, tc.want)
		}
	}
	if nfi, reloc := f.calls(); len(nfi)+len(reloc) != 0 {
		t.Errorf("the planner was asked %v %v for bad queries", nfi, reloc)
	}
}

// TestPlanQueries: what the planner is asked for each query, defaults filled in, and what
// the answer is.
func TestPlanQueries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query string
		want  api.NFIQuery
		ct    string
		file  string
	}{
		{"depots=5", api.NFIQuery{Demand: "at-risk", Depots: 5, Objective: plan.Median, Profile: data.DefaultNeedsProfile},
			"application/geo+json", "tasi-nfi-1-nfi_plan.geojson"},
		{"depots=50&demand=AT-RISK&horizon=20&objective=median&max_distance=25000", api.NFIQuery{Demand: "at-risk", Horizon: "20", Depots: 50,
			Objective: plan.Median, MaxDistance: 25000, Profile: data.DefaultNeedsProfile}, "application/geo+json", "tasi-nfi-1-nfi_plan.geojson"},
		{"depots=1&demand=coastal&horizon=2044&objective=cover&max_distance=2.5+km&profile=inasafe-minimum-needs&format=csv",
			api.NFIQuery{Demand: "coastal", Depots: 1, Objective: plan.Cover, MaxDistance: 2500, Profile: "inasafe-minimum-needs"},
			"text/csv; charset=utf-8", "tasi-nfi-1-depots.csv"},
		{"run=7&depots=3&format=csv&file=assignments.csv", api.NFIQuery{Demand: "at-risk", Depots: 3, Objective: plan.Median, Profile: data.DefaultNeedsProfile},
			"text/csv; charset=utf-8", "tasi-nfi-7-assignments.csv"},
		{"depots=3&format=xlsx", api.NFIQuery{Demand: "at-risk", Depots: 3, Objective: plan.Median, Profile: data.DefaultNeedsProfile},
			export.XLSX.ContentType(), "tasi-nfi-1-nfi_plan.xlsx"},
	} {
		f := &fakePlanner{}
		r := get(t, planHandler(f), "/api/v1/plan/nfi?"+tc.query)
		nfi, _ := f.calls()
		if r.status != 200 || len(nfi) != 1 || nfi[0] != tc.want {
			t.Errorf("%s: %d, asked %+v, want %+v\n%.300s", tc.query, r.status, nfi, tc.want, r.body)
			continue
		}
		if r.header.Get("Content-Type") != tc.ct || r.header.Get("Content-Disposition") != `attachment; filename="`+tc.file+`"` {
			t.Errorf("%s: %s %s, want %s named %s", tc.query, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), tc.ct, tc.file)
		}
	}
	// The planner's failures: a plan nobody can make of the run is 404, too many depots
	// for the run's candidates 400, anything else 500 "internal error".
	for _, tc := range []struct {
		err    error
		status int
		want   string
	}{
		{&results.NotFoundError{Msg: "run 1 has no NFI plan: nothing at risk"}, 404, "run 1 has no NFI plan: nothing at risk"},
		{fmt.Errorf("plan nfi: %w: 9 depots from 4 candidates", plan.ErrDepots), 400, "depots=9: plan nfi: bad number of depots: 9 depots from 4 candidates"},
		{errors.New("disk on fire"), 500, "internal error"},
	} {
		h := planHandler(&fakePlanner{err: tc.err})
		var e errorOut
		r := get(t, h, "/api/v1/plan/nfi?depots=9")
		r.decode(t, &e)
		if r.status != tc.status || e.Error != tc.want {
			t.Errorf("planner error %v: %d %q, want %d %q", tc.err, r.status, e.Error, tc.status, tc.want)
		}
	}
	// Relocation: the cell, 250 m by default.
	for _, tc := range []struct {
		query string
		cell  float64
		ct    string
	}{{"", 250, "application/geo+json"}, {"?cell=100&format=csv", 100, "text/csv; charset=utf-8"}, {"?cell=2000m&format=xlsx", 2000, export.XLSX.ContentType()}} {
		f := &fakePlanner{}
		r := get(t, planHandler(f), "/api/v1/plan/relocation"+tc.query)
		_, reloc := f.calls()
		if r.status != 200 || len(reloc) != 1 || reloc[0].Cell != tc.cell || r.header.Get("Content-Type") != tc.ct ||
			r.header.Get("Content-Disposition") != `attachment; filename="tasi-relocation-2054`+extension(tc.ct)+`"` {
			t.Errorf("relocation%s: %d %s %s, asked %+v, want cell %g\n%.300s", tc.query, r.status, r.header.Get("Content-Type"),
				r.header.Get("Content-Disposition"), reloc, tc.cell, r.body)
		}
	}
	// Without a planner, or without assessments, there are no plans.
	for name, h := range map[string]http.Handler{
		"no planner":  handler(fakeStore{}, func(o *api.Options) { o.AtRisk = &fakeAssessor{} }),
		"no assessor": handler(fakeStore{}, func(o *api.Options) { o.Planner = &fakePlanner{} }),
	} {
		var e errorOut
		r := get(t, h, "/api/v1/plan/relocation")
		r.decode(t, &e)
		if r.status != 404 || e.Error != "this server makes no plans" {
			t.Errorf("%s: %d %q", name, r.status, e.Error)
		}
	}
}

func extension(ct string) string {
	switch {
	case strings.HasPrefix(ct, "text/csv"):
		return ".csv"
	case ct == export.XLSX.ContentType():
		return ".xlsx"
	}
	return ".geojson"
}

// TestPlanCache: a plan is made once per run and query, whatever the format or file, by
// one computation however many ask at once; a request that stops waiting gets 503 while
// the plan is made for the next; If-None-Match answers 304 without a plan; the cache
// keeps the last 32 plans.
func TestPlanCache(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	f := &fakePlanner{gate: gate, started: make(chan struct{}, 100)}
	h := planHandler(f, func(o *api.Options) { o.RequestTimeout = time.Minute })
	const q = "/api/v1/plan/nfi?depots=4"
	var wg sync.WaitGroup
	bodies := make([]response, 8)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			format := []string{"", "&format=csv", "&format=csv&file=summary.csv", "&format=xlsx"}[i%4]
			bodies[i] = get(t, h, q+format)
		}()
	}
	<-f.started // the one computation has begun; let the others pile up on it
	time.Sleep(20 * time.Millisecond)
	close(gate)
	wg.Wait()
	for i, r := range bodies {
		if r.status != 200 {
			t.Errorf("request %d: %d %s", i, r.status, r.body)
		}
	}
	if nfi, _ := f.calls(); len(nfi) != 1 {
		t.Errorf("%d computations for one plan in four formats, want 1", len(nfi))
	}
	if !bytes.Equal(bodies[0].body, bodies[4].body) || bodies[0].header.Get("ETag") != bodies[4].header.Get("ETag") ||
		bodies[0].header.Get("ETag") == bodies[1].header.Get("ETag") || bodies[1].header.Get("ETag") == bodies[2].header.Get("ETag") {
		t.Errorf("ETags: the same for one export, different for others: %q %q %q %q", bodies[0].header.Get("ETag"),
			bodies[4].header.Get("ETag"), bodies[1].header.Get("ETag"), bodies[2].header.Get("ETag"))
	}
	req := httptest.NewRequest(http.MethodGet, q, nil)
	req.Header.Set("If-None-Match", bodies[0].header.Get("ETag"))
	if r := do(t, h, req); r.status != http.StatusNotModified || len(r.body) != 0 {
		t.Errorf("If-None-Match: %d, want an empty 304", r.status)
	}

	// A plan still being made when the request gives up: 503 and Retry-After; the next
	// request gets the plan.
	slow := &fakePlanner{gate: make(chan struct{}), started: make(chan struct{}, 1)}
	hs := planHandler(slow, func(o *api.Options) { o.RequestTimeout = 50 * time.Millisecond })
	// The first request also waits for the assessment: ask for it first.
	if r := get(t, hs, "/api/v1/at-risk"); r.status != 200 {
		t.Fatalf("at-risk: %d", r.status)
	}
	var e errorOut
	r := get(t, hs, "/api/v1/plan/relocation")
	r.decode(t, &e)
	if r.status != 503 || r.header.Get("Retry-After") == "" || e.Error != "the relocation plan of run 1 is still being computed: try again in a few seconds" {
		t.Errorf("a plan still being made: %d %q", r.status, e.Error)
	}
	<-slow.started
	close(slow.gate)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if r = get(t, hs, "/api/v1/plan/relocation"); r.status == 200 || time.Now().After(deadline) {
			break
		}
	}
	if _, reloc := slow.calls(); r.status != 200 || len(reloc) != 1 {
		t.Errorf("after the plan was made: %d, %d computations, want 200 and 1", r.status, len(reloc))
	}

	// 32 plans are kept: the 33rd query pushes out the least recently used.
	lru := &fakePlanner{}
	hl := planHandler(lru)
	for k := 1; k <= 33; k++ {
		if r := get(t, hl, fmt.Sprintf("/api/v1/plan/nfi?depots=%d", k)); r.status != 200 {
			t.Fatalf("depots=%d: %d", k, r.status)
		}
		if k == 1 {
			continue
		}
		get(t, hl, "/api/v1/plan/nfi?depots=1") // keep the first in use
	}
	get(t, hl, "/api/v1/plan/nfi?depots=1")
	get(t, hl, "/api/v1/plan/nfi?depots=3")
	if nfi, _ := lru.calls(); len(nfi) != 33 {
		t.Errorf("after 33 queries and two kept ones again: %d computations, want 33", len(nfi))
	}
	get(t, hl, "/api/v1/plan/nfi?depots=2") // the least recently used: made again
	if nfi, _ := lru.calls(); len(nfi) != 34 {
		t.Errorf("the evicted plan asked again: %d computations, want 34", len(nfi))
	}
}

// demoPlanner plans on the demo as tasi serve does, from the API's assessment: the
// bundled candidates, straight-line distances (the road graph is cmd/tasi's, tested
// there against tasi plan nfi) and the bundled needs profiles; relocation on grid cells
// without a DEM.
type demoPlanner struct{}

func (demoPlanner) NFI(ctx context.Context, a *plan.Assessment, q api.NFIQuery) (*plan.NFIPlan, error) {
	return demoNFI(ctx, a, q)
}

func demoNFI(ctx context.Context, a *plan.Assessment, q api.NFIQuery) (*plan.NFIPlan, error) {
	ref, err := reference()
	if err != nil {
		return nil, err
	}
	b, err := data.NeedsProfile(q.Profile)
	if err != nil {
		return nil, err
	}
	prof, err := plan.ReadProfile(bytes.NewReader(b), q.Profile+".csv")
	if err != nil {
		return nil, err
	}
	h, err := plan.ParseHorizon(q.Horizon, a.RefDate, a.Horizons)
	if err != nil {
		return nil, err
	}
	demand := a.AtRiskDemand(h)
	cands := input.BundledCandidates(ref)
	dist, err := plan.DepotDistances(ctx, nil, cands, demand)
	if err != nil {
		return nil, err
	}
	pl, err := plan.PlanNFI(ctx, demand, cands, dist, plan.NFIOptions{Objective: q.Objective, Depots: q.Depots, MaxDistance: q.MaxDistance,
		Profile: prof, Demand: "at risk"})
	if err != nil {
		return nil, err
	}
	pl.RunID = a.RunID
	return pl, nil
}

func (demoPlanner) Relocation(ctx context.Context, a *plan.Assessment, q api.RelocationQuery) (*plan.RelocationPlan, error) {
	opt := plan.DefaultRelocationOptions()
	opt.Cell = q.Cell
	return plan.Relocate(ctx, a, plan.RelocationInputs{Zone: a.UTM, Zones: a.HazardZones, Units: a.Units}, opt)
}

// TestPlansOnTheDemo serves plans of the demo run from memory (as from a GeoPackage) and
// from PostGIS: both answer the same bytes as the plans made directly from the demo's
// assessment, and the depots' households add up to the households at risk.
func TestPlansOnTheDemo(t *testing.T) {
	ss, d := stores(t)
	a := theAssessment(t)
	handlers := map[string]http.Handler{
		"memory": handler(ss["memory"], func(o *api.Options) { o.AtRisk, o.Planner = memoryAssessor(d), demoPlanner{} }),
		"postgis": handler(ss["postgis"], func(o *api.Options) {
			o.AtRisk, o.Planner = postgisAssessor(ss["postgis"].(*postgis.Store)), demoPlanner{}
		}),
	}
	q := api.NFIQuery{Demand: "at-risk", Horizon: "2054", Depots: 4, Objective: plan.Median, Profile: data.DefaultNeedsProfile}
	pl, err := demoNFI(context.Background(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := export.WriteNFI(&want, pl, export.CSV, export.NFIDepotsFile); err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, d := range a.AtRiskDemand(len(a.Horizons) - 1) {
		total += d.Households
	}
	served := 0.0
	for _, d := range pl.Depots {
		served += d.Households
	}
	if len(pl.Depots) != 4 || total < 50 || math.Abs(served-total) > 1e-6*total || pl.Distance != plan.StraightLine {
		t.Fatalf("the demo's plan: %d depots serving %.1f households of %.1f at risk by 2054, %s", len(pl.Depots), served, total, pl.Distance)
	}
	rp, err := demoPlanner{}.Relocation(context.Background(), a, api.RelocationQuery{Cell: 500})
	if err != nil {
		t.Fatal(err)
	}
	var wantReloc bytes.Buffer
	if err := export.WriteRelocation(&wantReloc, export.CSV, rp); err != nil {
		t.Fatal(err)
	}
	if len(rp.Rows) == 0 || rp.ElevationApplied {
		t.Fatalf("the demo's relocation plan: %d communities, elevation applied %v", len(rp.Rows), rp.ElevationApplied)
	}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			r := get(t, h, "/api/v1/plan/nfi?depots=4&horizon=2054&format=csv")
			if r.status != 200 || !bytes.Equal(r.body, want.Bytes()) {
				t.Errorf("depots.csv: %d\n%.600s\nwant\n%.600s", r.status, r.body, want.Bytes())
			}
			r = get(t, h, "/api/v1/plan/relocation?cell=500&format=csv")
			if r.status != 200 || !bytes.Equal(r.body, wantReloc.Bytes()) {
				t.Errorf("relocation: %d\n%.600s\nwant\n%.600s", r.status, r.body, wantReloc.Bytes())
			}
			var e errorOut
			r = get(t, h, "/api/v1/plan/nfi?depots=4&horizon=2040")
			r.decode(t, &e)
			if r.status != 400 || !strings.Contains(e.Error, "10 (2034), 20 (2044), 30 (2054)") {
				t.Errorf("a horizon the run lacks: %d %q, want 400 listing the horizons", r.status, e.Error)
			}
		})
	}
}

// TestPlansDocumented: the OpenAPI document names every parameter the plan routes read,
// the media types they answer and the statuses they give.
func TestPlansDocumented(t *testing.T) {
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
	}
	get(t, planHandler(&fakePlanner{}), "/api/openapi.json").decode(t, &doc)
	for path, params := range map[string][]string{
		"/api/v1/plan/nfi":        {"run", "depots", "demand", "horizon", "objective", "max_distance", "profile", "format", "file"},
		"/api/v1/plan/relocation": {"run", "cell", "format"},
	} {
		op, ok := doc.Paths[path]
		if !ok {
			t.Errorf("%s undocumented", path)
			continue
		}
		var names []string
		for _, p := range op.Get.Parameters {
			names = append(names, p.Name)
		}
		for _, want := range params {
			// run is the shared component parameter, a $ref without a name here.
			if want != "run" && !slices.Contains(names, want) {
				t.Errorf("%s: parameter %s undocumented (%v)", path, want, names)
			}
		}
		for _, f := range []export.Format{export.GeoJSON, export.CSV, export.XLSX} {
			if _, ok := op.Get.Responses["200"].Content[f.ContentType()]; !ok {
				t.Errorf("%s: content type %s undocumented", path, f.ContentType())
			}
		}
		if op.Get.Responses["200"].Headers["Content-Disposition"] == nil {
			t.Errorf("%s: Content-Disposition undocumented", path)
		}
		for _, status := range []string{"304", "400", "404", "503"} {
			if _, ok := op.Get.Responses[status]; !ok {
				t.Errorf("%s: status %s undocumented", path, status)
			}
		}
	}
}
