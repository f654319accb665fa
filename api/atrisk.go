package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/plan"
)

// Assessor makes the at-risk assessment of a run: the exposure of every community to the
// run's forecast at the server's horizons, which the lists of /api/v1/at-risk are
// filtered from. It is slow (a second or two for Timor-Leste, more where the run must be
// read from a database first); the API asks once per run and keeps the answer. An error
// wrapping results.ErrNotFound (a run that is no longer held, a run with no communities
// to assess) is kept as well and answered with 404.
type Assessor interface {
	Assess(ctx context.Context, run results.Run) (*plan.Assessment, error)
}

// Defaults of the at-risk cache.
const (
	// DefaultAtRiskRuns is how many runs' assessments are kept: the latest and the one
	// before it, as a followed GeoPackage keeps them.
	DefaultAtRiskRuns = 2
	// DefaultAtRiskTimeout bounds one assessment, which goes on after the request that
	// started it has ended, for the requests after it.
	DefaultAtRiskTimeout = 5 * time.Minute
)

// atRiskCache holds the assessments of the runs asked for last, computing each once
// however many requests ask for it at the same time. Computations run on their own,
// so that a request that gives up or times out leaves the result to the next one, and no
// other route ever waits for them.
type atRiskCache struct {
	assessor Assessor
	keep     int
	timeout  time.Duration
	onError  func(run int64, err error)

	mu      sync.Mutex
	entries map[int64]*atRiskEntry
	clock   uint64 // for least-recently-used eviction
}

// atRiskEntry is one run's assessment. a, err and finished are set (under the cache's
// lock) when the computation ends, and then done is closed.
type atRiskEntry struct {
	entryState
	a *plan.Assessment
}

// entryState is what every entry of a computed-once cache (at-risk assessments, plans)
// holds besides its value: done is closed when the computation ends, and err, finished
// and used (the cache's clock at the last request) are set under the cache's lock.
type entryState struct {
	done     chan struct{}
	err      error
	finished bool
	used     uint64
}

func (s *entryState) state() *entryState { return s }

// evictLRU drops the least recently used finished entries beyond keep; the cache's lock
// is held.
func evictLRU[K comparable, E interface{ state() *entryState }](entries map[K]E, keep int) {
	for {
		var oldest K
		var oldestUsed uint64 = math.MaxUint64
		finished := 0
		for k, e := range entries {
			st := e.state()
			if !st.finished {
				continue
			}
			finished++
			if st.used < oldestUsed {
				oldest, oldestUsed = k, st.used
			}
		}
		if finished <= keep {
			return
		}
		delete(entries, oldest)
	}
}

func newAtRiskCache(a Assessor, keep int, timeout time.Duration, onError func(int64, error)) *atRiskCache {
	return &atRiskCache{assessor: a, keep: keep, timeout: timeout, onError: onError, entries: map[int64]*atRiskEntry{}}
}

// errComputing is the answer to a request that stopped waiting for an assessment still
// being computed.
type errComputing struct {
	run  int64
	what string // "the NFI plan"; "" for the at-risk assessment
	err  error  // why the request stopped waiting
}

func (e *errComputing) Error() string {
	return fmt.Sprintf("%s of run %d is still being computed: %v", e.thing(), e.run, e.err)
}

// thing is what is being computed.
func (e *errComputing) thing() string {
	if e.what == "" {
		return "the at-risk assessment"
	}
	return e.what
}

func (e *errComputing) Unwrap() error { return e.err }

// get returns the assessment of run, starting its computation when it is not held, and
// waiting for it until ctx ends.
func (c *atRiskCache) get(ctx context.Context, run results.Run) (*plan.Assessment, error) {
	c.mu.Lock()
	e, ok := c.entries[run.ID]
	if !ok {
		e = &atRiskEntry{entryState: entryState{done: make(chan struct{})}}
		c.entries[run.ID] = e
		go c.compute(run, e)
	}
	c.clock++
	e.used = c.clock
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.a, e.err
	case <-ctx.Done():
		return nil, &errComputing{run: run.ID, err: ctx.Err()}
	}
}

// peek returns the assessment of run id when it is held, without computing or waiting.
func (c *atRiskCache) peek(id int64) *plan.Assessment {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[id]; ok && e.finished {
		return e.a
	}
	return nil
}

// compute assesses run into e, keeps it (or, for a transient error, forgets it so that the
// next request tries again) and evicts the least recently used entries beyond keep.
func (c *atRiskCache) compute(run results.Run, e *atRiskEntry) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	a, err := func() (a *plan.Assessment, err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("assess run %d: panic: %v", run.ID, v)
			}
		}()
		return c.assessor.Assess(ctx, run)
	}()
	if err == nil && a == nil {
		err = fmt.Errorf("assess run %d: no assessment", run.ID)
	}
	if err != nil && c.onError != nil && !errors.Is(err, results.ErrNotFound) {
		c.onError(run.ID, err)
	}
	c.mu.Lock()
	e.a, e.err, e.finished = a, err, true
	if err != nil && !errors.Is(err, results.ErrNotFound) {
		delete(c.entries, run.ID)
	}
	evictLRU(c.entries, c.keep)
	c.mu.Unlock()
	close(e.done)
}

// atRiskRequest is what /api/v1/at-risk reads from a request.
type atRiskRequest struct {
	run            results.RunRef
	horizon        string // as given: years after the reference date, or a calendar year
	municipality   string // P-code or name, any case; "" for the whole list
	minProbability float64
	format         export.Format
}

// horizonParam checks a horizon as at-risk lists and plans read it, before the run's horizons are
// known.
func horizonParam(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > 10 {
		return "", badRequestf("horizon=%s: want years after the reference date (20) or a calendar year (2045)", clip(s))
	}
	if n, err := strconv.Atoi(s); err != nil || n < 1000 {
		if _, err := plan.HorizonYears(s, time.Time{}); err != nil {
			return "", badRequestf("horizon=%s: %v", clip(s), err)
		}
	}
	return s, nil
}

// atRiskQuery reads the parameters of /api/v1/at-risk, checking what can be checked
// without the run's assessment.
func atRiskQuery(r *http.Request) (atRiskRequest, error) {
	var q atRiskRequest
	v, run, err := runQuery(r)
	if err != nil {
		return q, err
	}
	q.run = run
	if q.horizon, err = horizonParam(v.Get("horizon")); err != nil {
		return q, err
	}
	q.municipality = strings.TrimSpace(v.Get("municipality"))
	if len(q.municipality) > maxKeyLength {
		return q, badRequestf("municipality: at most %d characters", maxKeyLength)
	}
	if err := plainText("municipality", q.municipality); err != nil {
		return q, err
	}
	if s := v.Get("min_probability"); s != "" {
		p, err := strconv.ParseFloat(s, 64)
		if err != nil || !(p >= 0 && p <= 1) {
			return q, badRequestf("min_probability=%s: want a probability from 0 to 1", clip(s))
		}
		q.minProbability = p
	}
	if s := v.Get("format"); s != "" {
		if q.format, err = export.ParseFormat(s); err != nil {
			return q, badRequestf("format=%s: want csv, xlsx, geojson or kml", clip(s))
		}
	}
	return q, nil
}

// atRiskETag is the validator of an export: it names the run, the query and this server
// process (whose code and bundled data made the list), so that it is known before the
// list is built, and a client that holds the list gets 304 without any work.
func (s *server) atRiskETag(run results.Run, q atRiskRequest) string {
	h := sha256.New()
	fmt.Fprintf(h, "at-risk\x00%s\x00%d\x00%d\x00%s\x00%s\x00%s\x00%g", s.instance, run.ID, run.Finished.UnixNano(),
		q.format, q.horizon, strings.ToUpper(q.municipality), q.minProbability)
	return `W/"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// atRisk answers /api/v1/at-risk: the at-risk list of a run at a horizon, for the whole
// country or one municipality, as a file in the format asked for (CSV by default), the
// same bytes `tasi at-risk` writes.
func (s *server) atRisk(w http.ResponseWriter, r *http.Request) {
	q, err := atRiskQuery(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.atRisks == nil {
		s.fail(w, r, &results.NotFoundError{Msg: "this server makes no at-risk lists"})
		return
	}
	run, err := s.store.FindRun(r.Context(), q.run)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if run.Status != results.StatusSucceeded {
		s.fail(w, r, results.NoResults(run))
		return
	}
	tag := s.atRiskETag(run, q)
	if etagMatches(r.Header.Get("If-None-Match"), tag) {
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	a, err := s.atRisks.get(r.Context(), run)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h, err := plan.ParseHorizon(q.horizon, a.RefDate, a.Horizons)
	if err != nil {
		s.fail(w, r, badRequestf("horizon=%s: %v", clip(q.horizon), err))
		return
	}
	var muni plan.Municipality
	if q.municipality != "" {
		var ok bool
		if muni, ok = a.FindMunicipality(q.municipality); !ok {
			codes := make([]string, len(a.Municipalities))
			for i, m := range a.Municipalities {
				codes[i] = m.Code + " " + m.Name
			}
			s.fail(w, r, badRequestf("municipality=%s: not one of the run's municipalities (%s)", clip(q.municipality), strings.Join(codes, ", ")))
			return
		}
	}
	list, err := a.List(plan.ListOptions{Horizon: a.Horizons[h].Years, Municipality: muni.Code, MinProbability: q.minProbability})
	if err != nil {
		s.fail(w, r, fmt.Errorf("at-risk list of run %d: %w", run.ID, err))
		return
	}
	var buf bytes.Buffer
	if err := q.format.WriteAtRisk(&buf, list); err != nil {
		s.fail(w, r, fmt.Errorf("write at-risk list of run %d: %w", run.ID, err))
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", q.format.ContentType())
	hdr.Set("Content-Disposition", `attachment; filename="`+q.format.FileName(list, muni.Code)+`"`)
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("ETag", tag)
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// unitAtRiskJSON is what the at-risk list of one horizon says of one unit.
type unitAtRiskJSON struct {
	HorizonYears int     `json:"horizon_years"`
	Year         int     `json:"year"`
	Communities  int     `json:"communities"`
	People       float64 `json:"people"`
	Households   float64 `json:"households"`
	Uncounted    int     `json:"uncounted"`
}

// unitAtRisk returns the at-risk tallies of unit pcode in run, per horizon, when the run's
// assessment is held; nil otherwise (JSON null: not computed yet, or no lists served).
func (s *server) unitAtRisk(run int64, pcode string) []unitAtRiskJSON {
	if s.atRisks == nil {
		return nil
	}
	a := s.atRisks.peek(run)
	if a == nil {
		return nil
	}
	tallies := a.TallyUnit(pcode)
	out := make([]unitAtRiskJSON, len(tallies))
	for i, t := range tallies {
		out[i] = unitAtRiskJSON{HorizonYears: t.Horizon.Years, Year: t.Horizon.Year(), Communities: t.Communities,
			People: t.People, Households: t.Households, Uncounted: t.Uncounted}
	}
	return out
}
