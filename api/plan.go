package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/plan"
)

// Planner makes the plans of /api/v1/plan/nfi and /api/v1/plan/relocation from a run's
// at-risk assessment (the one /api/v1/at-risk filters), as `tasi plan nfi` and `tasi plan
// relocation` make them, so that both give the same bytes for the same settings. The API
// checks the query first (every field is within its bounds when a method is called) and
// keeps the plans it gets.
//
// An error wrapping results.ErrNotFound (a run with no household at risk by the horizon,
// or with no candidate depot) is answered with 404 and its message; one wrapping
// plan.ErrDepots (more depots than the run has candidates) with 400.
type Planner interface {
	NFI(ctx context.Context, a *plan.Assessment, q NFIQuery) (*plan.NFIPlan, error)
	Relocation(ctx context.Context, a *plan.Assessment, q RelocationQuery) (*plan.RelocationPlan, error)
}

// NFIQuery is what /api/v1/plan/nfi asks a Planner for: the settings of `tasi plan nfi`
// a map user can change. Distances are over the bundled roads in Timor-Leste and straight
// elsewhere, and the candidates are the bundled ones: the server is given no files.
type NFIQuery struct {
	// Demand is "at-risk" (the households at risk by Horizon) or "coastal" (every
	// community of the run's coastal units).
	Demand string
	// Horizon is one of the assessment's horizons as given, years (20) or a calendar
	// year (2044); "" for the middle one. Always "" for coastal demand.
	Horizon string
	// Depots is the number of depots to open, 1 to MaxDepots.
	Depots int
	// Objective is plan.Median or plan.Cover.
	Objective plan.Objective
	// MaxDistance is the distance a depot should reach (m), required for Cover; 0 none.
	MaxDistance float64
	// Profile names a bundled needs profile.
	Profile string
}

// RelocationQuery is what /api/v1/plan/relocation asks a Planner for.
type RelocationQuery struct {
	// Cell is the side of the grid cells that stand for sites (m), MinCell to MaxCell;
	// plan.DefaultCell unless the query says.
	Cell float64
}

// Bounds of the plans' queries: each is a few seconds at most on the Timor-Leste demo,
// and a plan asked for again is served from the cache.
const (
	// MaxDepots bounds depots: more than a country's municipalities and postos have use
	// for, and the p-median's swaps grow with it.
	MaxDepots = 50
	// MinCell and MaxCell bound the relocation grid: 100 m cells take five seconds on
	// the demo, finer ones grow as the square.
	MinCell, MaxCell = 100.0, 2000.0
	// DefaultPlans is how many plans are kept, over runs and queries: enough for a few
	// users trying settings on a map.
	DefaultPlans = 32
	// DefaultPlanTimeout bounds the computation of one plan, which goes on after the
	// request that started it has ended, for the requests after it.
	DefaultPlanTimeout = 2 * time.Minute
)

// nfiFiles are the CSV files of an NFI plan one request may ask for.
var nfiFiles = []string{export.NFIDepotsFile, export.NFIAssignmentsFile, export.NFISummaryFile, export.NFIShortfallFile}

// nfiRequest is what /api/v1/plan/nfi reads from a request.
type nfiRequest struct {
	run    results.RunRef
	q      NFIQuery
	format export.Format
	file   string // the CSV file; "" for the other formats
}

// key names the plan a request asks for, whatever its format: the normalized query.
func (q NFIQuery) key() string {
	return fmt.Sprintf("nfi\x00%s\x00%s\x00%d\x00%s\x00%g\x00%s", q.Demand, q.Horizon, q.Depots, q.Objective, q.MaxDistance, q.Profile)
}

func (q RelocationQuery) key() string { return fmt.Sprintf("relocation\x00%g", q.Cell) }

// planFormat reads the format of a plan's export: GeoJSON unless told, never KML.
func planFormat(v url.Values) (export.Format, error) {
	s := v.Get("format")
	if s == "" {
		return export.GeoJSON, nil
	}
	f, err := export.ParseFormat(s)
	if err != nil || f == export.KML {
		return 0, badRequestf("format=%s: want geojson, csv or xlsx", clip(s))
	}
	return f, nil
}

// nfiQuery reads the parameters of /api/v1/plan/nfi, checking what can be checked
// without the run's assessment: profiles are the bundled ones, named by profiles.
func nfiQuery(r *http.Request, profiles []string) (nfiRequest, error) {
	var q nfiRequest
	v, run, err := runQuery(r)
	if err != nil {
		return q, err
	}
	q.run = run
	switch d := strings.ToLower(strings.TrimSpace(v.Get("demand"))); d {
	case "", "at-risk":
		q.q.Demand = "at-risk"
		if q.q.Horizon, err = horizonParam(v.Get("horizon")); err != nil {
			return q, err
		}
	case "coastal":
		q.q.Demand = "coastal" // every community of the coastal units: no horizon
	default:
		return q, badRequestf("demand=%s: want at-risk or coastal", clip(v.Get("demand")))
	}
	s := v.Get("depots")
	if s == "" {
		return q, badRequestf("depots: required: the number of depots to open, 1 to %d", MaxDepots)
	}
	if q.q.Depots, err = strconv.Atoi(s); err != nil || q.q.Depots < 1 || q.q.Depots > MaxDepots {
		return q, badRequestf("depots=%s: want a number of depots from 1 to %d", clip(s), MaxDepots)
	}
	switch o := strings.ToLower(v.Get("objective")); o {
	case "", "median":
		q.q.Objective = plan.Median
	case "cover":
		q.q.Objective = plan.Cover
	default:
		return q, badRequestf("objective=%s: want median or cover", clip(v.Get("objective")))
	}
	if s := v.Get("max_distance"); s != "" {
		if q.q.MaxDistance, err = plan.ParseDistance(s); err != nil || q.q.MaxDistance > maxDistance {
			return q, badRequestf("max_distance=%s: want a distance above 0 and at most 1000 km, such as 30km or 30000m", clip(s))
		}
	}
	if q.q.Objective == plan.Cover && q.q.MaxDistance == 0 {
		return q, badRequestf("max_distance: required by objective=cover: the distance a depot should reach (30km)")
	}
	q.q.Profile = v.Get("profile")
	if q.q.Profile == "" {
		q.q.Profile = data.DefaultNeedsProfile
	}
	if !slices.Contains(profiles, q.q.Profile) {
		return q, badRequestf("profile=%s: want one of the bundled needs profiles (%s)", clip(q.q.Profile), strings.Join(profiles, ", "))
	}
	if q.format, err = planFormat(v); err != nil {
		return q, err
	}
	file := v.Get("file")
	switch {
	case q.format == export.CSV && file == "":
		q.file = export.NFIDepotsFile
	case q.format == export.CSV && slices.Contains(nfiFiles, file):
		q.file = file
	case q.format == export.CSV:
		return q, badRequestf("file=%s: want one of %s", clip(file), strings.Join(nfiFiles, ", "))
	case file != "":
		return q, badRequestf("file=%s: only with format=csv (%s is one file)", clip(file), q.format)
	}
	return q, nil
}

// maxDistance bounds max_distance: beyond 1,000 km nothing is left to reach in a country.
const maxDistance = 1e6

// relocationRequest is what /api/v1/plan/relocation reads from a request.
type relocationRequest struct {
	run    results.RunRef
	q      RelocationQuery
	format export.Format
}

func relocationQuery(r *http.Request) (relocationRequest, error) {
	var q relocationRequest
	v, run, err := runQuery(r)
	if err != nil {
		return q, err
	}
	q.run = run
	q.q.Cell = plan.DefaultCell
	if s := v.Get("cell"); s != "" {
		c, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "m"), 64)
		if err != nil || !(c >= MinCell && c <= MaxCell) {
			return q, badRequestf("cell=%s: want the side of the grid cells in metres, %g to %g", clip(s), MinCell, MaxCell)
		}
		q.q.Cell = c
	}
	if q.format, err = planFormat(v); err != nil {
		return q, err
	}
	return q, nil
}

// planETag is the validator of a plan's export: it names the run, the plan's key, the
// export and this server process, so that it is known before the plan is made.
func (s *server) planETag(run results.Run, key string, f export.Format, file string) string {
	h := sha256.New()
	fmt.Fprintf(h, "plan\x00%s\x00%d\x00%d\x00%s\x00%s\x00%s", s.instance, run.ID, run.Finished.UnixNano(), key, f, file)
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// planRun finds the run a plan is asked of and its assessment. It answers the request
// (and returns nil) when it cannot go on: an error, or If-None-Match naming tag(run).
func (s *server) planRun(w http.ResponseWriter, r *http.Request, ref results.RunRef, tag func(results.Run) string) (*plan.Assessment, results.Run, string) {
	if s.plans == nil || s.atRisks == nil {
		s.fail(w, r, &results.NotFoundError{Msg: "this server makes no plans"})
		return nil, results.Run{}, ""
	}
	run, err := s.store.FindRun(r.Context(), ref)
	if err != nil {
		s.fail(w, r, err)
		return nil, run, ""
	}
	if run.Status != results.StatusSucceeded {
		s.fail(w, r, results.NoResults(run))
		return nil, run, ""
	}
	t := tag(run)
	if etagMatches(r.Header.Get("If-None-Match"), t) {
		w.Header().Set("ETag", t)
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotModified)
		return nil, run, ""
	}
	a, err := s.atRisks.get(r.Context(), run)
	if err != nil {
		s.fail(w, r, err)
		return nil, run, ""
	}
	return a, run, t
}

// planNFI answers /api/v1/plan/nfi: where to keep NFI kits for a run's households at risk
// (or all its coastal communities), as a file, the same bytes `tasi plan nfi` writes.
func (s *server) planNFI(w http.ResponseWriter, r *http.Request) {
	q, err := nfiQuery(r, data.NeedsProfiles())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := q.q.key()
	a, run, tag := s.planRun(w, r, q.run, func(run results.Run) string { return s.planETag(run, key, q.format, q.file) })
	if a == nil {
		return
	}
	if q.q.Horizon != "" {
		if _, err := plan.ParseHorizon(q.q.Horizon, a.RefDate, a.Horizons); err != nil {
			s.fail(w, r, badRequestf("horizon=%s: %v", clip(q.q.Horizon), err))
			return
		}
	}
	v, err := s.plans.get(r.Context(), run, key, "NFI plan", func(ctx context.Context) (any, error) {
		return s.planner.NFI(ctx, a, q.q)
	})
	if err != nil {
		if errors.Is(err, plan.ErrDepots) {
			err = badRequestf("depots=%d: %v", q.q.Depots, err)
		}
		s.fail(w, r, err)
		return
	}
	pl := v.(*plan.NFIPlan)
	files, err := export.NFIFiles(pl, q.format)
	if err != nil {
		s.fail(w, r, fmt.Errorf("NFI plan of run %d: %w", run.ID, err))
		return
	}
	name := files[0].Name
	if q.file != "" {
		name = q.file
		if !slices.ContainsFunc(files, func(f export.NFIFile) bool { return f.Name == name }) {
			s.fail(w, r, &results.NotFoundError{Msg: fmt.Sprintf("file=%s: this plan has no %s (only plans with existing depots and their stock do)", clip(name), name)})
			return
		}
	}
	var buf bytes.Buffer
	if err := export.WriteNFI(&buf, pl, q.format, name); err != nil {
		s.fail(w, r, fmt.Errorf("write NFI plan of run %d: %w", run.ID, err))
		return
	}
	s.writePlan(w, buf.Bytes(), q.format, "tasi-nfi-"+strconv.FormatInt(run.ID, 10)+"-"+name, tag)
}

// planRelocation answers /api/v1/plan/relocation: up to three candidate sites for each
// community at risk by the run's longest horizon, as a file, the same bytes `tasi plan
// relocation` writes. The server has no elevation model: the plan says so.
func (s *server) planRelocation(w http.ResponseWriter, r *http.Request) {
	q, err := relocationQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := q.q.key()
	a, run, tag := s.planRun(w, r, q.run, func(run results.Run) string { return s.planETag(run, key, q.format, "") })
	if a == nil {
		return
	}
	v, err := s.plans.get(r.Context(), run, key, "relocation plan", func(ctx context.Context) (any, error) {
		return s.planner.Relocation(ctx, a, q.q)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := v.(*plan.RelocationPlan)
	var buf bytes.Buffer
	if err := export.WriteRelocation(&buf, q.format, p); err != nil {
		s.fail(w, r, fmt.Errorf("write relocation plan of run %d: %w", run.ID, err))
		return
	}
	s.writePlan(w, buf.Bytes(), q.format, export.RelocationFileName(q.format, p), tag)
}

// writePlan answers 200 with a plan's file b.
func (s *server) writePlan(w http.ResponseWriter, b []byte, f export.Format, name, tag string) {
	hdr := w.Header()
	hdr.Set("Content-Type", f.ContentType())
	hdr.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("ETag", tag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// planCache holds the plans asked for last, by run and query, least recently used first
// out, computing each once however many requests ask for it at the same time. As with the
// assessments, a computation runs on its own, so that a request that gives up leaves the
// plan to the next one. Failed computations are not kept: a bad query fails fast, and a
// transient failure is tried again.
type planCache struct {
	keep    int
	timeout time.Duration
	onError func(run int64, what string, err error)

	mu      sync.Mutex
	entries map[string]*planEntry
	clock   uint64
}

// planEntry is one plan; v, err and finished are set under the cache's lock, then done is
// closed.
type planEntry struct {
	entryState
	v any
}

func newPlanCache(keep int, timeout time.Duration, onError func(int64, string, error)) *planCache {
	return &planCache{keep: keep, timeout: timeout, onError: onError, entries: map[string]*planEntry{}}
}

// get returns the plan key of run, which make computes when it is not held, waiting for
// it until ctx ends. what names the plan in the 503 of a request that stops waiting.
func (c *planCache) get(ctx context.Context, run results.Run, key, what string, build func(context.Context) (any, error)) (any, error) {
	k := strconv.FormatInt(run.ID, 10) + "\x00" + strconv.FormatInt(run.Finished.UnixNano(), 10) + "\x00" + key
	c.mu.Lock()
	e, ok := c.entries[k]
	if !ok {
		e = &planEntry{entryState: entryState{done: make(chan struct{})}}
		c.entries[k] = e
		go c.compute(run.ID, k, what, e, build)
	}
	c.clock++
	e.used = c.clock
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.v, e.err
	case <-ctx.Done():
		return nil, &errComputing{run: run.ID, what: "the " + what, err: ctx.Err()}
	}
}

func (c *planCache) compute(run int64, k, what string, e *planEntry, build func(context.Context) (any, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	v, err := func() (v any, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("%s of run %d: panic: %v", what, run, p)
			}
		}()
		return build(ctx)
	}()
	if err == nil && v == nil {
		err = fmt.Errorf("%s of run %d: no plan", what, run)
	}
	var bad *badRequest
	if err != nil && c.onError != nil && !errors.Is(err, results.ErrNotFound) && !errors.Is(err, plan.ErrDepots) && !errors.As(err, &bad) {
		c.onError(run, what, err)
	}
	c.mu.Lock()
	e.v, e.err, e.finished = v, err, true
	if err != nil {
		delete(c.entries, k)
	}
	evictLRU(c.entries, c.keep)
	c.mu.Unlock()
	close(e.done)
}
