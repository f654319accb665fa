package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is a `tasi serve` running in this process.
type server struct {
	base   string // http://127.0.0.1:port
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs `tasi serve args... --addr 127.0.0.1:0` until stop or the end of the test.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{out: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), s.out, s.out) }()
	t.Cleanup(func() { s.stop(t) })
	listening := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(s.out.String()); m != nil {
			s.base = m[1]
			return s
		}
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("serve ended before listening: %v\n%s", err, s.out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve is not listening after a minute:\n%s", s.out)
	return nil
}

// stop cancels the server's context, as SIGINT does, and returns what run returned.
func (s *server) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop within 30 s of its context ending")
		return nil
	}
}

// getJSON fetches path from s and decodes its JSON body into v, returning the status.
func (s *server) getJSON(t *testing.T, path string, v any) int {
	t.Helper()
	res, err := http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v\n%.300s", path, err, b)
		}
	}
	return res.StatusCode
}

type servedUnits struct {
	Run   int64 `json:"run"`
	Total int   `json:"total"`
	Units []struct {
		PCode   string   `json:"pcode"`
		MeanLRR *float64 `json:"mean_lrr"`
		Pop     *int     `json:"population"`
	} `json:"units"`
}

// checkStraightCoast checks the units of the straight-coast fixture as served: W1 erodes
// at 0.6 m/yr on average (its transects cover rates from −1.2 to 0), E1 accretes at
// 0.6 m/yr (as TestAnalyzeKnownRates finds in admin_change.csv).
func checkStraightCoast(t *testing.T, u servedUnits) {
	t.Helper()
	if u.Total != 2 || len(u.Units) != 2 || u.Units[0].PCode != "E1" || u.Units[1].PCode != "W1" {
		t.Fatalf("units %+v, want E1 and W1", u)
	}
	for i, want := range []float64{0.6, -0.6} {
		if got := u.Units[i].MeanLRR; got == nil || *got < want-0.03 || *got > want+0.03 {
			t.Errorf("%s: mean LRR %s, want %v ± 0.03", u.Units[i].PCode, fmtPtr(got), want)
		}
	}
	if u.Units[1].Pop == nil || *u.Units[1].Pop != 1200 || u.Units[0].Pop != nil {
		t.Errorf("population %v %v, want null and 1200", u.Units[0].Pop, u.Units[1].Pop)
	}
}

// checkTiles fetches the style, the TileJSON and one tile of the straight coast twice:
// the second comes from the cache, which /metrics counts.
func checkTiles(t *testing.T, s *server) {
	t.Helper()
	for _, path := range []string{"/styles/tasi.json", "/tiles/tasi.json"} {
		var doc map[string]any
		if st := s.getJSON(t, path, &doc); st != 200 || len(doc) == 0 {
			t.Errorf("%s: %d %v", path, st, doc)
		}
	}
	tile := maptile.At(newStraightCoast().ll(2500, 0), 12)
	path := fmt.Sprintf("%s/tiles/all/%d/%d/%d.mvt", s.base, tile.Z, tile.X, tile.Y)
	for i := 0; i < 2; i++ {
		res, err := http.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" || len(b) == 0 {
			t.Fatalf("%s: %d %s, %d bytes", path, res.StatusCode, res.Header.Get("Content-Type"), len(b))
		}
	}
	res, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"tasi_tile_cache_hits_total 1\n", "tasi_tile_cache_misses_total 1\n", "tasi_tile_cache_max_bytes 6.7108864e+07\n",
		`tasi_http_requests_total{method="GET",route="/tiles/{layer}/{z}/{x}/{y}",status="200"} 2` + "\n",
		`tasi_http_requests_total{method="GET",route="/tiles/{file}",status="200"} 1` + "\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(string(b), "requests_total"))
		}
	}

	// Hazard zones where the coast erodes (the west, -0.8 m/yr), none where it accretes.
	for _, tc := range []struct {
		x     float64
		zones bool
	}{{500, true}, {4500, false}} {
		tile := maptile.At(newStraightCoast().ll(tc.x, -20), 14)
		path := fmt.Sprintf("%s/tiles/hazard/%d/%d/%d.mvt", s.base, tile.Z, tile.X, tile.Y)
		res, err := http.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !tc.zones {
			if res.StatusCode != http.StatusNoContent {
				t.Errorf("%s: %d, want 204 (no zone on an accreting coast)", path, res.StatusCode)
			}
			continue
		}
		layers, err := mvt.Unmarshal(b)
		if err != nil || res.StatusCode != 200 || len(layers) != 1 || layers[0].Name != "hazard" || len(layers[0].Features) != 6 {
			t.Errorf("%s: %d, %v, layers %v; want 6 hazard zones", path, res.StatusCode, err, layers)
			continue
		}
		for _, f := range layers[0].Features {
			if y, _ := f.Properties["horizon_year"].(float64); y != 2020 && y != 2030 && y != 2040 || f.Properties["unit_code"] != "W1" {
				t.Errorf("%s: zone %v: %v", path, f.ID, f.Properties)
			}
		}
	}
}

// writeCommunities writes three communities of the straight coast: Near, 20 m behind the
// 2010 shoreline of the eroding west (at risk from the first horizon), Inland, 1.5 km
// behind it, and East, on the accreting coast; and returns the file.
func writeCommunities(t *testing.T, dir string) string {
	t.Helper()
	c := newStraightCoast()
	path := filepath.Join(dir, "communities.geojson")
	writeGeoJSON(t, path, []feature{
		{map[string]any{"name": "Near", "code": "C1", "population": 50, "households": 10}, c.ll(100, c.rate(100)*10-20)},
		{map[string]any{"name": "Inland", "code": "C2", "population": 80, "households": 16}, c.ll(800, -1500)},
		{map[string]any{"name": "East", "code": "C3", "population": 30, "households": 6}, c.ll(4500, -50)},
	})
	return path
}

// sameAsCLI fetches the at-risk list of the straight coast from s in every format, at the
// default horizon (of year def) and at year, and compares each with what `tasi cli...
// --format F [--horizon year]` writes: the same bytes, Near listed and Inland not.
func sameAsCLI(t *testing.T, s *server, def, year string, cli []string) {
	t.Helper()
	for _, f := range []string{"csv", "xlsx", "geojson", "kml"} {
		for _, h := range []string{"", year} {
			q := "?format=" + f
			args := append(slices.Clone(cli), "--format", f, "--out", "-")
			if h != "" {
				q += "&horizon=" + h
				args = append(args, "--horizon", h)
			}
			want, err := runCLIStdout(t, args...)
			if err != nil {
				t.Fatalf("tasi %s: %v", strings.Join(args, " "), err)
			}
			res, err := http.Get(s.base + "/api/v1/at-risk" + q)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !bytes.Equal(body, want) ||
				res.Header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="tasi-at-risk-%s.%s"`, cmp.Or(h, def), f) {
				t.Errorf("at-risk%s: %d %s, %d bytes, want the CLI's %d bytes\n%.300s", q, res.StatusCode,
					res.Header.Get("Content-Disposition"), len(body), len(want), body)
			}
			if f == "csv" && !bytes.Contains(body, []byte(",Near,C1,")) || bytes.Contains(body, []byte("Inland")) {
				t.Errorf("at-risk%s: want Near and not Inland:\n%s", q, body)
			}
		}
	}
}

// checkAtRisk fetches the at-risk list of the straight coast from s in every format and
// compares it with what `tasi at-risk cli...` writes: the same bytes. Near is the one
// community at risk, in unit W1, whose tallies the unit's answer then carries.
func checkAtRisk(t *testing.T, s *server, cli ...string) {
	t.Helper()
	sameAsCLI(t, s, "2030", "2030", cli)
	var unit struct {
		AtRisk []struct {
			Year        int `json:"year"`
			Communities int `json:"communities"`
		} `json:"at_risk"`
	}
	if st := s.getJSON(t, "/api/v1/units/W1", &unit); st != 200 || len(unit.AtRisk) != 3 || unit.AtRisk[0].Year != 2020 || unit.AtRisk[0].Communities != 1 {
		t.Errorf("unit W1: %d, at_risk %+v, want Near from 2020", st, unit.AtRisk)
	}
	var e struct{ Error string }
	if st := s.getJSON(t, "/api/v1/at-risk?horizon=2110", &e); st != 400 || !strings.Contains(e.Error, "horizon=") {
		t.Errorf("a horizon a century on: %d %q", st, e.Error)
	}
}

// runCLIStdout runs tasi and returns what it wrote to standard output.
func runCLIStdout(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, errOut.String())
	}
	return out.Bytes(), nil
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestServeGeoPackage serves a GeoPackage written by analyze and shuts down cleanly.
func TestServeGeoPackage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gpkgPath := filepath.Join(dir, "results.gpkg")
	if out, err := runCLIErr(t, append(straightCoastArgs(t, dir), "--out", gpkgPath)...); err != nil {
		t.Fatalf("analyze: %v\n%s", err, out)
	}
	communities := writeCommunities(t, dir)
	s := startServe(t, "--gpkg", gpkgPath, "--communities", communities)

	var runs struct {
		Runs []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
			EPSG   int    `json:"epsg"`
		} `json:"runs"`
	}
	if st := s.getJSON(t, "/api/v1/runs", &runs); st != 200 || len(runs.Runs) != 1 || runs.Runs[0].Status != "succeeded" ||
		runs.Runs[0].EPSG != 32756 || runs.Runs[0].ID < time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix() {
		t.Fatalf("runs: %d %+v (the id is the Unix time the analysis finished)", st, runs)
	}
	var units servedUnits
	if st := s.getJSON(t, "/api/v1/units", &units); st != 200 || units.Run != runs.Runs[0].ID {
		t.Fatalf("units: %d, run %d", st, units.Run)
	}
	checkStraightCoast(t, units)
	for _, path := range []string{"/healthz", "/readyz"} {
		if st := s.getJSON(t, path, nil); st != 200 {
			t.Errorf("%s: %d", path, st)
		}
	}
	checkTiles(t, s)
	checkContext(t, s)
	checkAtRisk(t, s, "at-risk", "--gpkg", gpkgPath, "--communities", communities)
	checkNoPaths(t, s, dir)
	res, err := http.Get(s.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the map at /: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// Stopping (SIGINT) returns nil and closes the port.
	if err := s.stop(t); err != nil {
		t.Fatalf("serve returned %v after its context ended\n%s", err, s.out)
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
	if !strings.Contains(s.out.String(), `msg=stopped`) {
		t.Errorf("log lacks the stop:\n%s", s.out)
	}
}

// TestServeGeoPackageFollowsFile writes new runs over a served GeoPackage: each is served
// as the latest without a restart, the run it replaced stays reachable by id (a map opened
// before keeps working), older ones go, and a file that cannot be read changes nothing.
func TestServeGeoPackageFollowsFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gpkgPath := filepath.Join(dir, "results.gpkg")
	args := append(straightCoastArgs(t, dir), "--out", gpkgPath)
	// analyze writes a new file and renames it over the old, as a user's rerun does. Run
	// ids name the file's content, so reruns within one second are runs of their own.
	analyze := func(spacing string) {
		t.Helper()
		if out, err := runCLIErr(t, append(args, "--spacing", spacing)...); err != nil {
			t.Fatalf("analyze: %v\n%s", err, out)
		}
	}
	analyze("50")
	s := startServe(t, "--gpkg", gpkgPath, "--follow", "20ms")

	type runList struct {
		Runs []struct {
			ID        int64 `json:"id"`
			Transects int   `json:"transects"`
		} `json:"runs"`
	}
	runs := func() runList {
		t.Helper()
		var l runList
		if st := s.getJSON(t, "/api/v1/runs", &l); st != 200 || len(l.Runs) == 0 {
			t.Fatalf("runs: %d %+v", st, l)
		}
		return l
	}
	// waitFor polls the run list until the newest run is not old.
	waitFor := func(old int64) runList {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if l := runs(); l.Runs[0].ID != old {
				return l
			}
		}
		t.Fatalf("still serving run %d 30 s after the file changed:\n%s", old, s.out)
		return runList{}
	}
	tileStatus := func(run int64) int {
		t.Helper()
		tile := maptile.At(newStraightCoast().ll(2500, 0), 12)
		res, err := http.Get(fmt.Sprintf("%s/tiles/transects/%d/%d/%d.mvt?run=%d", s.base, tile.Z, tile.X, tile.Y, run))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}

	first := runs().Runs[0]
	// Served without --communities, a run outside Timor-Leste has no at-risk list.
	var e struct{ Error string }
	if st := s.getJSON(t, "/api/v1/at-risk", &e); st != http.StatusNotFound || !strings.Contains(e.Error, "--communities") {
		t.Errorf("at-risk without communities: %d %q, want 404 naming --communities", st, e.Error)
	}
	analyze("100")
	l := waitFor(first.ID)
	second := l.Runs[0]
	// Transects stand at both ends of the baseline: n = L/spacing + 1. (Until the runs
	// listed their counts, both were 0 and this held whatever was served.)
	if len(l.Runs) != 2 || l.Runs[1].ID != first.ID || first.Transects == 0 || second.Transects != (first.Transects-1)/2+1 {
		t.Fatalf("after a rerun at twice the spacing: runs %+v, want the new one ((%d-1)/2+1 transects) then the first",
			l.Runs, first.Transects)
	}
	var units servedUnits
	if st := s.getJSON(t, "/api/v1/units", &units); st != 200 || units.Run != second.ID {
		t.Errorf("units of the latest run: %d, run %d, want %d", st, units.Run, second.ID)
	}
	if st := s.getJSON(t, fmt.Sprintf("/api/v1/units?run=%d", first.ID), &units); st != 200 || units.Run != first.ID {
		t.Errorf("units of the replaced run: %d, run %d, want %d", st, units.Run, first.ID)
	}
	checkStraightCoast(t, units)
	if a, b := tileStatus(first.ID), tileStatus(second.ID); a != 200 || b != 200 {
		t.Errorf("tiles of the replaced and the new run: %d %d, want 200 200", a, b)
	}

	// A file that is not a GeoPackage is logged and skipped.
	junk := filepath.Join(dir, "junk")
	if err := os.WriteFile(junk, []byte("not a GeoPackage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(junk, gpkgPath); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(s.out.String(), "cannot be read"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no warning 30 s after the file was spoiled:\n%s", s.out)
		}
	}
	if l := runs(); len(l.Runs) != 2 || l.Runs[0].ID != second.ID {
		t.Fatalf("after a spoiled file: runs %+v, want %d and %d still", l.Runs, second.ID, first.ID)
	}

	// A third run pushes the first out.
	analyze("50")
	l = waitFor(second.ID)
	if len(l.Runs) != 2 || l.Runs[1].ID != second.ID {
		t.Fatalf("after a third run: %+v, want it and %d", l.Runs, second.ID)
	}
	// (The tile handler trusts a run it has seen for a minute; the API asks every time.)
	if st := s.getJSON(t, fmt.Sprintf("/api/v1/units?run=%d", first.ID), nil); st != http.StatusNotFound {
		t.Errorf("units of a run no longer held: %d, want 404", st)
	}
}

// TestServeDatabase serves runs from PostGIS, found through TASI_DATABASE_URL, follows a
// new run without a restart, and never shows the password.
func TestServeDatabase(t *testing.T) {
	dbURL := migratedDB(t)
	dir := t.TempDir()
	analyze := func() {
		t.Helper()
		if out, err := runCLIErr(t, append(straightCoastArgs(t, dir), "--db", dbURL)...); err != nil {
			t.Fatalf("analyze: %v\n%s", err, out)
		}
	}
	analyze()
	t.Setenv(envDatabaseURL, dbURL)
	communities := writeCommunities(t, dir)
	s := startServe(t, "--communities", communities, "--db-max-conns", "3")
	if !strings.Contains(s.out.String(), `msg="database pool" max_conns=3 readiness_conns=1`) {
		t.Errorf("the log does not report the pool size given:\n%s", s.out)
	}
	var units servedUnits
	if st := s.getJSON(t, "/api/v1/units", &units); st != 200 || units.Run != 1 {
		t.Fatalf("units: %d run %d", st, units.Run)
	}
	checkStraightCoast(t, units)
	checkTiles(t, s)
	checkContext(t, s)
	checkAtRisk(t, s, "at-risk", "--db", dbURL, "--run", "1", "--communities", communities)
	checkNoPaths(t, s, dir)
	if _, _, body := httpGet(t, s.base+"/metrics"); !strings.Contains(body, `tasi_db_pool_max_connections{pool="api"} 3`+"\n") ||
		!strings.Contains(body, `tasi_db_pool_max_connections{pool="readiness"} 1`+"\n") || !strings.Contains(body, `tasi_db_pool_acquires_total{pool="api"} `) {
		t.Errorf("metrics lack the pools:\n%s", grepLines(body, "tasi_db_pool"))
	}
	analyze()
	if st := s.getJSON(t, "/api/v1/units", &units); st != 200 || units.Run != 2 {
		t.Errorf("after a second run: %d, latest is run %d, want 2", st, units.Run)
	}
	var ready struct{ Status string }
	if st := s.getJSON(t, "/readyz", &ready); st != 200 || ready.Status != "ok" {
		t.Errorf("readyz: %d %+v", st, ready)
	}
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	if pw := urlPassword(t, dbURL); pw == "" || strings.Contains(s.out.String(), pw) {
		t.Errorf("the log shows the password (or the test URL has none):\n%s", s.out)
	}
	if !strings.Contains(s.out.String(), "xxxxx@") {
		t.Errorf("the log does not name the (redacted) database:\n%s", s.out)
	}
}

func TestServeFlags(t *testing.T) {
	t.Parallel()
	e := &env{stdout: io.Discard, stderr: io.Discard}
	c, err := parseServeArgs(e, []string{"--gpkg", "x.gpkg"})
	if err != nil || c.addr != "127.0.0.1:8080" || c.cacheMB != 64 {
		t.Errorf("defaults: %+v %v; want 127.0.0.1:8080 and 64 MB", c, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--gpkg", "x.gpkg", "--db", "postgres://localhost/tasi"}, "not both"},
		{nil, envDatabaseURL},
		{[]string{"--gpkg", "x.gpkg", "--addr", "8080"}, "host:port"},
		{[]string{"--gpkg", "x.gpkg", "--cache-mb", "-1"}, "cache-mb"},
		{[]string{"--db", "postgres://localhost/tasi", "--db-max-conns", "-1"}, "db-max-conns"},
		{[]string{"--gpkg", "x.gpkg", "--follow", "-1s"}, "follow"},
		{[]string{"--gpkg", "x.gpkg", "--request-timeout", "0s"}, "request-timeout"},
		{[]string{"--gpkg", "x.gpkg", "extra"}, "unexpected argument"},
		{[]string{"--gpkg", "x.gpkg", "--base-url", "maps.example.org"}, "base-url"},
		{[]string{"--gpkg", "x.gpkg", "--base-url", "ftp://maps.example.org"}, "base-url"},
		{[]string{"--gpkg", "x.gpkg", "--base-url", "https://maps.example.org/?x=1"}, "base-url"},
		{[]string{"--gpkg", "x.gpkg", "--cors-origins", "https://a.example/path"}, "cors-origins"},
		{[]string{"--gpkg", "x.gpkg", "--cors-origins", "a.example"}, "cors-origins"},
		{[]string{"--gpkg", "x.gpkg", "--metrics-addr", "9090"}, "metrics-addr"},
	} {
		if _, err := parseServeArgs(e, tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error about %q", tc.args, err, tc.want)
		}
	}
	// A file that is not there, and a database that is not there, fail at start.
	if _, err := runCLIErr(t, "serve", "--gpkg", filepath.Join(t.TempDir(), "missing.gpkg"), "--addr", "127.0.0.1:0"); err == nil {
		t.Error("serving a missing file started")
	}
	const secret = "Sekr1t-horse"
	_, err = runCLIErr(t, "serve", "--db", fmt.Sprintf("postgres://tasi:%s@127.0.0.1:1/tasi?connect_timeout=2", secret), "--addr", "127.0.0.1:0")
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("serving an unreachable database: %v", err)
	}
	if errors.Is(err, context.Canceled) {
		t.Errorf("unexpected cancellation: %v", err)
	}
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}
