package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/tasi-gis/tasi/data/postgis"
)

// buildTasi builds the tasi binary into a temporary folder and returns its path.
func buildTasi(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the go tool is not on PATH")
		}
		t.Skip("the go tool is not on PATH: cannot build tasi to run it as a process")
	}
	bin := filepath.Join(t.TempDir(), "tasi")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is a tasi command running as a child process.
type process struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{} // closed when it has exited
	err    error         // its exit status, once done
}

func startTasi(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for p to exit and fails t unless it succeeded.
func (p *process) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(5 * time.Minute):
		t.Fatalf("%s did not finish in 5 minutes\n%s", what, p.stderr.String())
	}
	if p.err != nil {
		t.Fatalf("%s: %v\n%s", what, p.err, p.stderr.String())
	}
}

// pollUntil runs cond on a connection to dbURL every few milliseconds until it returns
// true, and fails t when it has not after timeout or when p exits first.
func pollUntil(t *testing.T, dbURL string, timeout time.Duration, exited <-chan struct{}, what string, cond func(context.Context, *pgx.Conn) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for {
		if cond(ctx, conn) {
			return
		}
		select {
		case <-exited:
			t.Fatalf("the process exited before %s", what)
		case <-ctx.Done():
			t.Fatalf("%s did not happen within %s", what, timeout)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// TestAnalyzeDBKilledAndConcurrent runs tasi as a process on the demo's whole
// Timor-Leste run (about 15,700 transects and 500,000 intersections):
//
//  1. kill -9 while it copies the intersections: no row of that run may be visible, the
//     run is reported abandoned and then failed, and an earlier run is intact;
//  2. two runs at once, both with their load transaction open at the same time: both
//     succeed and each holds exactly its own rows, which written out as CSV are the bytes
//     `analyze --csv-dir` wrote for the same input.
func TestAnalyzeDBKilledAndConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds tasi and analyses the whole Timor-Leste demo three times")
	}
	t.Parallel()
	dbURL := migratedDB(t) // first, so that a missing PostgreSQL skips before the build
	password := urlPassword(t, dbURL)
	bin := buildTasi(t)
	demo := t.TempDir()
	gen := startTasi(t, bin, nil, "demo", "--dir", demo)
	gen.wait(t, "tasi demo")
	start := time.Now()
	step := func(what string) { t.Logf("%s: %s", what, time.Since(start).Round(time.Millisecond)) }
	step("built tasi and generated the demo")
	analyzeArgs := []string{"analyze", "--shorelines", filepath.Join(demo, "shorelines.gpkg"), "--uncertainty-field", "uncertainty"}
	wantT, wantA := readFile(t, filepath.Join(demo, "transects.csv")), readFile(t, filepath.Join(demo, "admin_change.csv"))

	// An earlier run, which nothing below may disturb.
	log, err := runCLIErr(t, append(straightCoastArgs(t, t.TempDir()), "--db", dbURL)...)
	if err != nil {
		t.Fatalf("earlier run: %v\n%s", err, log)
	}
	earlier := storedRunID(t, log)
	earlierRows := runRows(t, dbURL, earlier)
	earlierT, earlierA := storedCSV(t, dbURL, earlier)
	checkEarlier := func(when string) {
		t.Helper()
		if got := runRows(t, dbURL, earlier); fmt.Sprint(got) != fmt.Sprint(earlierRows) {
			t.Errorf("%s: the earlier run has rows %v, had %v", when, got, earlierRows)
		}
		if gotT, gotA := storedCSV(t, dbURL, earlier); !bytes.Equal(gotT, earlierT) || !bytes.Equal(gotA, earlierA) {
			t.Errorf("%s: the earlier run's stored values changed", when)
		}
	}

	// 1. Kill a run (given its database by TASI_DATABASE_URL) half-way through its COPY.
	victim := startTasi(t, bin, []string{envDatabaseURL + "=" + dbURL}, analyzeArgs...)
	var copied, total int64
	pollUntil(t, dbURL, 5*time.Minute, victim.done, "the COPY into intersections was a quarter done", func(ctx context.Context, c *pgx.Conn) bool {
		err := c.QueryRow(ctx, `SELECT p.tuples_processed, r.n_intersections
			FROM pg_stat_progress_copy p, tasi.runs r
			WHERE p.relid = to_regclass('tasi.intersections') AND r.status = 'running'`).Scan(&copied, &total)
		return err == nil && copied > total/4
	})
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-victim.done
	if strings.Contains(victim.stderr.String(), password) {
		t.Errorf("the killed run's log shows the password")
	}
	runs := storedRuns(t, dbURL)
	if len(runs) != 2 || runs[0].Status != postgis.Running {
		t.Fatalf("after the kill: runs %+v, want the earlier one and a running one", runs)
	}
	killed := runs[0]
	t.Logf("killed run %d after %d of its %d intersections had been copied", killed.ID, copied, killed.Intersections)
	if copied >= int64(killed.Intersections) || total != int64(killed.Intersections) || killed.Intersections < 400000 {
		t.Errorf("the kill came after the COPY (%d of %d rows)", copied, killed.Intersections)
	}
	for table, n := range runRows(t, dbURL, killed.ID) {
		if n != 0 {
			t.Errorf("the killed run left %d rows visible in %s", n, table)
		}
	}
	// Its server session ends once the server sees the connection close.
	store := openTestStore(t, dbURL)
	pollUntil(t, dbURL, time.Minute, nil, "the killed run was reported abandoned", func(ctx context.Context, _ *pgx.Conn) bool {
		r, err := store.GetRun(ctx, killed.ID)
		return err == nil && r.Abandoned
	})
	if out, err := runCLIErr(t, "runs", "--db", dbURL); err != nil || !regexp.MustCompile(fmt.Sprintf(`(?m)^%d +abandoned `, killed.ID)).MatchString(out) {
		t.Errorf("tasi runs after the kill: %v\n%s", err, out)
	}
	checkEarlier("after the kill")
	step("killed a run")

	// 2. Two runs at once. A lock held here on intersections stops both just before their
	// COPY into it, with the rest of their run loaded in their open transactions; both
	// then load at the same time once it is released.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE tasi.intersections IN SHARE MODE"); err != nil {
		t.Fatal(err)
	}
	a := startTasi(t, bin, nil, append(analyzeArgs, "--db", dbURL)...)
	b := startTasi(t, bin, nil, append(analyzeArgs, "--db", dbURL)...)
	either := make(chan struct{})
	go func() {
		select {
		case <-a.done:
		case <-b.done:
		}
		close(either)
	}()
	pollUntil(t, dbURL, 5*time.Minute, either, "both runs waited to copy intersections", func(ctx context.Context, c *pgx.Conn) bool {
		var waiting int
		err := c.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE relation = to_regclass('tasi.intersections') AND NOT granted`).Scan(&waiting)
		return err == nil && waiting == 2
	})
	var open int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM tasi.runs WHERE status = 'running' AND id > $1`, killed.ID).Scan(&open); err != nil || open != 2 {
		t.Errorf("%d runs running while both wait (%v), want 2", open, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	step("both concurrent runs waiting to copy intersections")
	a.wait(t, "first concurrent run")
	b.wait(t, "second concurrent run")
	step("both concurrent runs stored")

	ids := []int64{storedRunID(t, a.stderr.String()), storedRunID(t, b.stderr.String())}
	if ids[0] == ids[1] {
		t.Fatalf("both runs stored as run %d", ids[0])
	}
	for i, id := range ids {
		r, err := store.GetRun(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := runRows(t, dbURL, id)
		if r.Status != postgis.Succeeded || got["transects"] != r.Transects || got["intersections"] != r.Intersections ||
			got["shorelines"] != r.Shorelines || got["admin_change"] != r.Units || got["baseline"] == 0 {
			t.Errorf("concurrent run %d (%s) holds rows %v; its runs row says %+v", id, r.Status, got, r)
		}
		gotT, gotA := storedCSV(t, dbURL, id)
		if !bytes.Equal(gotT, wantT) || !bytes.Equal(gotA, wantA) {
			t.Errorf("concurrent run %d: its stored values, written as CSV, differ from the demo's --csv-dir files", id)
		}
		if strings.Contains(a.stderr.String(), password) || strings.Contains(b.stderr.String(), password) {
			t.Errorf("concurrent run %d's log shows the password", i)
		}
	}
	// The concurrent runs' writers failed the killed run, as every analyze --db does.
	r, err := store.GetRun(ctx, killed.ID)
	if err != nil || r.Status != postgis.Failed || !strings.Contains(r.Error, "abandoned") || r.Abandoned {
		t.Errorf("killed run after the next runs: %+v, %v; want failed as abandoned", r, err)
	}
	for table, n := range runRows(t, dbURL, killed.ID) {
		if n != 0 {
			t.Errorf("the killed run has %d rows in %s", n, table)
		}
	}
	checkEarlier("after the concurrent runs")
	step("checked")
}
