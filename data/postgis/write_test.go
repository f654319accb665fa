package postgis_test

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/internal/pgtest"
	"github.com/tasi-gis/tasi/vector/change"
)

// sameFloat reports whether a and b are equal, or both NaN.
func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// equalNaN reports whether a and b are deeply equal, with NaN equal to NaN and times
// compared with Equal.
func equalNaN(a, b any) bool { return equalValue(reflect.ValueOf(a), reflect.ValueOf(b)) }

func equalValue(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	if t, ok := a.Interface().(time.Time); ok {
		return t.Equal(b.Interface().(time.Time))
	}
	switch a.Kind() {
	case reflect.Float64:
		return sameFloat(a.Float(), b.Float())
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if !equalValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Func:
		return a.IsNil() && b.IsNil()
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

func TestWriteRunRoundTrip(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	res := straightRun(t)
	if len(res.Transects) < 55 || len(res.Intersections) != 5*len(res.Transects) || len(res.Units) != 1 {
		t.Fatalf("straight run: %d transects, %d intersections, %d units", len(res.Transects), len(res.Intersections), len(res.Units))
	}
	// Undefined statistics must come back undefined: make transect 2 a missed one and
	// leave transect 3 without a weighted fit.
	nan := math.NaN()
	res.Transects[2].Stats = change.Stats{SCE: nan, NSM: nan, EPR: nan, EPRunc: nan, LRR: nan, LR2: nan, LSE: nan, LCI: nan,
		WLR: nan, WR2: nan, WSE: nan, WCI: nan}
	res.Transects[3].Stats.WLR, res.Transects[3].Stats.WCI = nan, nan
	res.Missed = []int{2}
	res.Units[0].MeanLRRUnc = nan
	var xs []analysis.Intersection
	for _, x := range res.Intersections {
		if x.Transect != 2 {
			xs = append(xs, x)
		}
	}
	res.Intersections = xs
	// A point shoreline (CoastSeg) and a satellite name come back as they went.
	res.Shorelines[2].Points = orb.MultiPoint(res.Shorelines[2].Geometry[0])
	res.Shorelines[2].Geometry = nil
	res.Shorelines[1].Satellite = "S2"
	prov := provenance()

	id, err := s.WriteRun(ctx, res, prov)
	if err != nil {
		t.Fatal(err)
	}
	got, run, err := s.ReadRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	if run.ID != id || run.Status != postgis.Succeeded || run.Error != "" || run.Abandoned || run.Version != "test" ||
		run.EPSG != 32751 || !run.AnalysisStarted.Equal(prov.Started) || !run.AnalysisFinished.Equal(prov.Finished) ||
		run.WriteFinished.Before(run.WriteStarted) || !reflect.DeepEqual(run.Parameters, prov.Parameters) ||
		!reflect.DeepEqual(run.Inputs, prov.Inputs) {
		t.Errorf("run %+v", run)
	}
	if run.Shorelines != 5 || run.Transects != len(res.Transects) || run.Intersections != len(res.Intersections) ||
		run.Missed != 1 || run.Units != 1 {
		t.Errorf("run counts %d %d %d %d %d", run.Shorelines, run.Transects, run.Intersections, run.Missed, run.Units)
	}

	if got.Zone != res.Zone {
		t.Errorf("zone %v, want %v", got.Zone, res.Zone)
	}
	if !equalNaN(got.Params, res.Params) {
		t.Errorf("params %+v, want %+v", got.Params, res.Params)
	}
	if !equalNaN(got.Shorelines, res.Shorelines) {
		t.Errorf("shorelines differ:\n got %+v\nwant %+v", got.Shorelines, res.Shorelines)
	}
	if !equalNaN(got.Baseline, res.Baseline) {
		t.Errorf("baseline differs")
	}
	if len(got.Transects) != len(res.Transects) {
		t.Fatalf("%d transects, want %d", len(got.Transects), len(res.Transects))
	}
	for i := range res.Transects {
		if !equalNaN(got.Transects[i], res.Transects[i]) {
			t.Errorf("transect %d:\n got %+v\nwant %+v", i, got.Transects[i], res.Transects[i])
		}
	}
	want := slices.Clone(res.Intersections)
	slices.SortFunc(want, func(a, b analysis.Intersection) int {
		return a.Transect*1000 + a.Shoreline - b.Transect*1000 - b.Shoreline
	})
	if !equalNaN(got.Intersections, want) {
		t.Errorf("intersections differ")
	}
	if !equalNaN(got.Units, res.Units) {
		t.Errorf("units:\n got %+v\nwant %+v", got.Units, res.Units)
	}
	if !slices.Equal(got.Missed, res.Missed) {
		t.Errorf("missed %v, want %v", got.Missed, res.Missed)
	}

	// NaN is NULL in the database, and the GeoPackage columns are there.
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM tasi.transects WHERE run_id = $1 AND lrr IS NULL", 1},
		{"SELECT count(*) FROM tasi.transects WHERE run_id = $1 AND wlr IS NULL AND wci IS NULL", 2},
		{"SELECT count(*) FROM tasi.transects WHERE run_id = $1 AND n = 0 AND date_first IS NULL", 1},
		{"SELECT count(*) FROM tasi.transects WHERE run_id = $1 AND abs(lrr - 2) < 1e-6 AND pcode = 'TL999901'", len(res.Transects) - 1},
		{"SELECT count(*) FROM tasi.transects WHERE run_id = $1 AND ST_SRID(geom) = 32751 AND ST_SRID(geom_3857) = 3857", len(res.Transects)},
		{"SELECT count(*) FROM tasi.admin_change WHERE run_id = $1 AND mean_lrr_unc IS NULL AND households IS NULL AND population = 500", 1},
		{"SELECT count(*) FROM tasi.admin_change WHERE run_id = $1 AND abs(mean_lrr - 2) < 1e-6 AND ST_SRID(geom_3857) = 3857", 1},
		{"SELECT count(*) FROM tasi.runs WHERE id = $1 AND inputs @> '[{\"SHA256\": \"abc\"}]' AND parameters->>'spacing' = '50'", 1},
	} {
		if n := pg.QueryInt(t, dbURL, tc.sql, id); n != tc.want {
			t.Errorf("%s: %d, want %d", tc.sql, n, tc.want)
		}
	}

	ts, err := s.RunTransects(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != len(res.Transects) || ts[0].PCode != "TL999901" || ts[0].Unit != 0 || !equalNaN(ts[5].Transect, res.Transects[5]) {
		t.Errorf("RunTransects: %d, first %+v", len(ts), ts[0])
	}
	us, err := s.RunAdminChange(ctx, id)
	if err != nil || !equalNaN(us, res.Units) {
		t.Errorf("RunAdminChange: %v, %+v", err, us)
	}
	ix, err := s.RunIntersections(ctx, id)
	if err != nil || !equalNaN(ix, want) {
		t.Errorf("RunIntersections: %v, %d rows", err, len(ix))
	}
	for _, read := range []func() error{
		func() error { _, err := s.RunTransects(ctx, id+100); return err },
		func() error { _, err := s.RunAdminChange(ctx, id+100); return err },
		func() error { _, err := s.RunIntersections(ctx, id+100); return err },
		func() error { _, _, err := s.ReadRun(ctx, id+100); return err },
		func() error { _, err := s.GetRun(ctx, id+100); return err },
	} {
		if err := read(); !errors.Is(err, postgis.ErrNotFound) {
			t.Errorf("reading an unknown run: %v, want ErrNotFound", err)
		}
	}
}

// copyStarted waits until a COPY into table has loaded rows, as seen from dbURL.
func copyStarted(t *testing.T, dbURL, table string, deadline time.Duration) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Error(err)
		return false
	}
	defer conn.Close(context.Background())
	for ctx.Err() == nil {
		var n int64
		err := conn.QueryRow(ctx, `SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy
			WHERE relid = to_regclass($1)`, "tasi."+table).Scan(&n)
		if err == nil && n > 0 {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// TestWriteRunCancelled cancels a large write while it copies intersections: the run
// must end failed with no rows visible, and a run written at the same time must be whole.
func TestWriteRunCancelled(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	big := bigResult(5000, 100) // 500,000 intersections
	small := straightRun(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var bigID, smallID int64
	var bigErr, smallErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		bigID, bigErr = s.WriteRun(ctx, big, provenance())
	}()
	go func() {
		defer wg.Done()
		if !copyStarted(t, dbURL, "intersections", time.Minute) {
			t.Error("the COPY into intersections never started")
		}
		// Write a whole run while the big one is half-way, then cancel the big one.
		smallID, smallErr = s.WriteRun(context.Background(), small, provenance())
		cancel()
	}()
	wg.Wait()

	if smallErr != nil {
		t.Fatalf("concurrent WriteRun: %v", smallErr)
	}
	if !errors.Is(bigErr, context.Canceled) || bigID == 0 {
		t.Fatalf("cancelled WriteRun = %d, %v; want an id and context.Canceled", bigID, bigErr)
	}
	run, err := s.GetRun(context.Background(), bigID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != postgis.Failed || !strings.Contains(run.Error, "context canceled") || run.WriteFinished.IsZero() {
		t.Errorf("cancelled run: status %s, error %q, finished %v", run.Status, run.Error, run.WriteFinished)
	}
	for table, n := range runRows(t, dbURL, bigID) {
		if n != 0 {
			t.Errorf("cancelled run left %d rows in %s", n, table)
		}
	}
	got := runRows(t, dbURL, smallID)
	want := map[string]int{"shorelines": 5, "baseline": 1, "transects": len(small.Transects),
		"intersections": len(small.Intersections), "admin_change": 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("concurrent run has rows %v, want %v", got, want)
	}
	if run, err := s.GetRun(context.Background(), smallID); err != nil || run.Status != postgis.Succeeded {
		t.Errorf("concurrent run: %+v, %v", run, err)
	}
}

// envWriter tells the test binary, run again by TestWriterKilled, to write a big run to
// the database at this URL.
const envWriter = "TASI_TEST_WRITER_URL"

// TestWriterProcess is the process TestWriterKilled kills; it does nothing in a normal run.
func TestWriterProcess(t *testing.T) {
	dbURL := os.Getenv(envWriter)
	if dbURL == "" {
		t.Skip("helper process for TestWriterKilled")
	}
	s, err := postgis.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.WriteRun(context.Background(), bigResult(5000, 100), provenance())
	t.Fatalf("WriteRun returned (%v) before it was killed", err)
}

// TestWriterKilled kills a process while it copies intersections: no rows of its run may
// be visible, and its run is reported abandoned until FailAbandoned marks it failed.
func TestWriterKilled(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	before, err := s.WriteRun(ctx, straightRun(t), provenance())
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestWriterProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envWriter+"="+dbURL)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := copyStarted(t, dbURL, "intersections", time.Minute)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if !started {
		t.Fatalf("the writer never started copying intersections:\n%s", out.String())
	}

	// The server notices the closed connection and rolls the load back.
	var killed postgis.Run
	for deadline := time.Now().Add(30 * time.Second); ; {
		runs, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 2 || runs[0].ID == before {
			t.Fatalf("runs %+v: want the killed one first", runs)
		}
		killed = runs[0]
		if killed.Abandoned || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if killed.Status != postgis.Running || !killed.Abandoned {
		t.Fatalf("killed run: status %s, abandoned %v; want running and abandoned", killed.Status, killed.Abandoned)
	}
	for table, n := range runRows(t, dbURL, killed.ID) {
		if n != 0 {
			t.Errorf("killed run left %d rows in %s", n, table)
		}
	}
	ids, err := s.FailAbandoned(ctx)
	if err != nil || !slices.Equal(ids, []int64{killed.ID}) {
		t.Fatalf("FailAbandoned = %v, %v; want [%d]", ids, err, killed.ID)
	}
	run, err := s.GetRun(ctx, killed.ID)
	if err != nil || run.Status != postgis.Failed || !strings.Contains(run.Error, "abandoned") || run.Abandoned || !run.WriterLost {
		t.Errorf("killed run after FailAbandoned: %+v, %v", run, err)
	}
	if run, err := s.GetRun(ctx, before); err != nil || run.Status != postgis.Succeeded {
		t.Errorf("earlier run: %+v, %v", run, err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.transects WHERE run_id = $1", before); n == 0 {
		t.Errorf("earlier run lost its transects")
	}
}

// TestFailAbandonedSparesLiveWriters checks that a run being written is not abandoned.
func TestFailAbandonedSparesLiveWriters(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.WriteRun(ctx, bigResult(5000, 100), provenance())
		done <- err
	}()
	if !copyStarted(t, dbURL, "intersections", time.Minute) {
		t.Fatal("the COPY into intersections never started")
	}
	ids, err := s.FailAbandoned(context.Background())
	if err != nil || len(ids) != 0 {
		t.Errorf("FailAbandoned during a write = %v, %v; want none", ids, err)
	}
	runs, err := s.Runs(context.Background())
	if err != nil || len(runs) != 1 || runs[0].Abandoned || runs[0].Status != postgis.Running {
		t.Errorf("Runs during a write = %+v, %v", runs, err)
	}
	if err := s.DeleteRun(context.Background(), runs[0].ID); !errors.Is(err, postgis.ErrBusy) {
		t.Errorf("DeleteRun during a write: %v, want ErrBusy", err)
	}
	cancel()
	<-done
}

func TestDeleteRun(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	res := straightRun(t)
	a, err := s.WriteRun(ctx, res, provenance())
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.WriteRun(ctx, res, provenance())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRun(ctx, a); err != nil {
		t.Fatal(err)
	}
	for table, n := range runRows(t, dbURL, a) {
		if n != 0 {
			t.Errorf("deleted run left %d rows in %s", n, table)
		}
	}
	if got := runRows(t, dbURL, b); got["intersections"] != len(res.Intersections) || got["transects"] != len(res.Transects) {
		t.Errorf("the other run lost rows: %v", got)
	}
	for _, id := range []int64{a, 12345} {
		if err := s.DeleteRun(ctx, id); !errors.Is(err, postgis.ErrNotFound) || !strings.Contains(err.Error(), "run") {
			t.Errorf("DeleteRun(%d): %v, want ErrNotFound", id, err)
		}
	}
	runs, err := s.Runs(ctx)
	if err != nil || len(runs) != 1 || runs[0].ID != b {
		t.Errorf("Runs = %+v, %v; want run %d only", runs, err, b)
	}
	// Deleting in SQL, from a session with another search_path, cascades too.
	pg.Exec(t, dbURL, "DELETE FROM tasi.runs WHERE id = $1", b)
	for table, n := range runRows(t, dbURL, b) {
		if n != 0 {
			t.Errorf("run deleted in SQL left %d rows in %s", n, table)
		}
	}
}

// TestReadOnlyRole checks that a role that may only read gets a clear error from every
// write and leaves nothing behind.
func TestReadOnlyRole(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	existing, err := s.WriteRun(ctx, straightRun(t), provenance())
	if err != nil {
		t.Fatal(err)
	}
	role, password := pgtest.UniqueRole("tasi_reader"), "reader-pw-1"
	pg.Exec(t, dbURL, "CREATE ROLE "+role+" LOGIN PASSWORD '"+password+"'")
	t.Cleanup(func() {
		pg.Exec(t, dbURL, "DROP OWNED BY "+role)
		pg.Exec(t, dbURL, "DROP ROLE "+role)
	})
	pg.Exec(t, dbURL, "GRANT USAGE ON SCHEMA tasi TO "+role)
	pg.Exec(t, dbURL, "GRANT SELECT ON ALL TABLES IN SCHEMA tasi TO "+role)

	ro, err := postgis.Open(ctx, pgtest.WithUser(t, dbURL, role, password))
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if runs, err := ro.Runs(ctx); err != nil || len(runs) != 1 {
		t.Errorf("reader Runs = %v, %v", runs, err)
	}
	if _, _, err := ro.ReadRun(ctx, existing); err != nil {
		t.Errorf("reader ReadRun: %v", err)
	}

	id, err := ro.WriteRun(ctx, straightRun(t), provenance())
	if err == nil || id != 0 || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "needs INSERT") {
		t.Errorf("reader WriteRun = %d, %v; want 0 and a permission error saying what is needed", id, err)
	}
	if err := ro.DeleteRun(ctx, existing); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("reader DeleteRun: %v, want permission denied", err)
	}
	if err := ro.ImportAdminUnits(ctx, nil, "x"); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("reader ImportAdminUnits: %v, want permission denied", err)
	}
	if _, err := ro.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("reader Migrate: %v, want permission denied", err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.runs"); n != 1 {
		t.Errorf("%d runs after the reader's attempts, want 1", n)
	}
	if got := runRows(t, dbURL, existing); got["transects"] == 0 {
		t.Errorf("existing run lost rows: %v", got)
	}
}
