package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/internal/pgtest"
)

// TestServeDatabaseOutage stops PostgreSQL under `tasi serve`: cached tiles keep answering
// 200, uncached tiles and the API 503 with Retry-After, the outage is logged once however
// many requests fail, and its end once when the database is back.
func TestServeDatabaseOutage(t *testing.T) {
	own := pgtest.New() // this test stops its server: not the one the others share
	t.Cleanup(func() {
		if err := own.Close(); err != nil {
			t.Error(err)
		}
	})
	dbURL := own.Database(t)
	if out, err := runCLIErr(t, "migrate", "--db", dbURL); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	if out, err := runCLIErr(t, append(straightCoastArgs(t, t.TempDir()), "--db", dbURL)...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	s := startServe(t, "--db", dbURL)
	at := newStraightCoast().ll(2500, 0)
	warm, cold := maptile.At(at, 12), maptile.At(at, 13)
	tilePath := func(tl maptile.Tile) string { return fmt.Sprintf("/tiles/all/%d/%d/%d.mvt", tl.Z, tl.X, tl.Y) }
	get := func(path string) (int, http.Header) {
		t.Helper()
		res, err := http.Get(s.base + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, res.Header
	}
	if st, _ := get(tilePath(warm)); st != http.StatusOK {
		t.Fatalf("tile before the outage: %d", st)
	}

	own.Stop(t)
	const rounds = 50
	got := map[string]map[int]int{}
	for range rounds {
		for _, p := range []string{tilePath(warm), tilePath(cold), "/api/v1/units", "/readyz"} {
			st, h := get(p)
			if st == http.StatusServiceUnavailable && h.Get("Retry-After") == "" {
				t.Errorf("%s: 503 without Retry-After", p)
			}
			if got[p] == nil {
				got[p] = map[int]int{}
			}
			got[p][st]++
		}
	}
	for p, want := range map[string]int{tilePath(warm): http.StatusOK, tilePath(cold): http.StatusServiceUnavailable,
		"/api/v1/units": http.StatusServiceUnavailable, "/readyz": http.StatusServiceUnavailable} {
		if got[p][want] != rounds {
			t.Errorf("%s with the database down: statuses %v, want %d × %d", p, got[p], rounds, want)
		}
	}
	log := s.out.String()
	if n := strings.Count(log, `msg="database unavailable"`); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, log)
	}
	// 150 failed requests: one line at the start, and at most a summary per 10 s.
	if n := strings.Count(log, "unavailable"); n > 3 {
		t.Errorf("%d lines about the outage for %d failed requests:\n%s", n, 3*rounds, log)
	}
	if strings.Contains(log, "tile request failed") || strings.Contains(log, "internal error") {
		t.Errorf("failed requests logged one by one:\n%s", log)
	}

	own.Start(t)
	// Connections the stopped server broke leave the pool as they fail: a few requests
	// may still meet one.
	st := 0
	for range 10 {
		if st, _ = get("/api/v1/units"); st == http.StatusOK {
			break
		}
	}
	if st != http.StatusOK {
		t.Fatalf("units after the database came back: %d", st)
	}
	if st, _ := get(tilePath(cold)); st != http.StatusOK {
		t.Errorf("uncached tile after the database came back: %d", st)
	}
	if n := strings.Count(s.out.String(), `msg="database available again"`); n != 1 {
		t.Errorf("the end of the outage was logged %d times, want once:\n%s", n, s.out)
	}
}
