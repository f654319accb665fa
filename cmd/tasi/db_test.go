package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/data/postgis"
)

// straightCoastArgs writes the straight-coast fixture into dir and returns the analyze
// arguments that read it.
func straightCoastArgs(t *testing.T, dir string) []string {
	t.Helper()
	newStraightCoast().write(t, dir)
	return []string{"analyze",
		"--shorelines", filepath.Join(dir, "shorelines.geojson"), "--uncertainty-field", "unc",
		"--coast", filepath.Join(dir, "coast.geojson"), "--land", filepath.Join(dir, "land.geojson"),
		"--admin", filepath.Join(dir, "admin.geojson")}
}

// storedRunID returns the run id that analyze's log names.
func storedRunID(t testing.TB, log string) int64 {
	t.Helper()
	m := regexp.MustCompile(`msg="stored run" .* run=(\d+)`).FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("the log names no stored run:\n%s", log)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAnalyzeDBRoundTrip checks that what `analyze --db` stores is what `analyze --out
// --csv-dir` writes for the same input: the same CSV files byte for byte when written
// from the stored run, and the same values at full precision as the GeoPackage.
func TestAnalyzeDBRoundTrip(t *testing.T) {
	t.Parallel()
	dbURL := migratedDB(t)
	dir := t.TempDir()
	args := straightCoastArgs(t, dir)

	// --db alone, the files alone, then both at once.
	log, err := runCLIErr(t, append(args, "--db", dbURL)...)
	if err != nil {
		t.Fatalf("analyze --db: %v\n%s", err, log)
	}
	dbOnly := storedRunID(t, log)
	filesDir, bothDir := filepath.Join(dir, "files"), filepath.Join(dir, "both")
	for _, d := range []string{filesDir, bothDir} {
		if err := os.Mkdir(d, 0o755); err != nil { // --out wants its folder to exist
			t.Fatal(err)
		}
	}
	if log, err := runCLIErr(t, append(args, "--out", filepath.Join(filesDir, "results.gpkg"), "--csv-dir", filesDir)...); err != nil {
		t.Fatalf("analyze --out: %v\n%s", err, log)
	}
	log, err = runCLIErr(t, append(args, "--db", dbURL, "--out", filepath.Join(bothDir, "results.gpkg"), "--csv-dir", bothDir)...)
	if err != nil {
		t.Fatalf("analyze --db --out: %v\n%s", err, log)
	}
	both := storedRunID(t, log)
	if both == dbOnly {
		t.Fatalf("two analyses stored as one run %d", both)
	}

	wantT, wantA := readFile(t, filepath.Join(filesDir, "transects.csv")), readFile(t, filepath.Join(filesDir, "admin_change.csv"))
	if n := bytes.Count(wantT, []byte("\n")); n < 110 {
		t.Fatalf("transects.csv has %d lines", n)
	}
	for _, id := range []int64{dbOnly, both} {
		gotT, gotA := storedCSV(t, dbURL, id)
		if !bytes.Equal(gotT, wantT) {
			t.Errorf("run %d: transects.csv from the database differs from --csv-dir's", id)
		}
		if !bytes.Equal(gotA, wantA) {
			t.Errorf("run %d: admin_change.csv from the database differs from --csv-dir's:\n%s\nwant\n%s", id, gotA, wantA)
		}
	}
	if !bytes.Equal(readFile(t, filepath.Join(bothDir, "transects.csv")), wantT) {
		t.Errorf("--db changed the transects.csv written beside it")
	}

	// Full precision against the GeoPackage.
	ctx := context.Background()
	s := openTestStore(t, dbURL)
	res, run, err := s.ReadRun(ctx, dbOnly)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := ogr.Read(ctx, filepath.Join(filesDir, "results.gpkg"), ogr.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ogr.Layer{}
	for _, l := range layers {
		byName[l.Name] = l
	}
	real := func(f ogr.Feature, name string) float64 {
		v, ok := f.Fields[name]
		if !ok {
			return math.NaN() // NULL
		}
		return v.(float64)
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

	ts := byName["transects"].Features
	if len(ts) != len(res.Transects) || run.Transects != len(ts) {
		t.Fatalf("%d transects in the GeoPackage, %d stored (run row says %d)", len(ts), len(res.Transects), run.Transects)
	}
	for i, f := range ts {
		tr := res.Transects[i]
		st := tr.Stats
		if f.Fields["transect_id"] != tr.Label || f.Fields["n"] != int64(st.N) {
			t.Errorf("transect %d: GeoPackage %v/%v, stored %s/%d", i, f.Fields["transect_id"], f.Fields["n"], tr.Label, st.N)
		}
		for _, c := range []struct {
			field string
			v     float64
		}{{"azimuth", tr.Azimuth}, {"base_m", tr.Base}, {"width_m", tr.Width}, {"SCE", st.SCE}, {"NSM", st.NSM}, {"EPR", st.EPR},
			{"EPRunc", st.EPRunc}, {"LRR", st.LRR}, {"LR2", st.LR2}, {"LSE", st.LSE}, {"LCI", st.LCI},
			{"WLR", st.WLR}, {"WR2", st.WR2}, {"WSE", st.WSE}, {"WCI", st.WCI}} {
			if g := real(f, c.field); !same(g, c.v) {
				t.Errorf("transect %s %s: GeoPackage %v, stored %v", tr.Label, c.field, g, c.v)
			}
		}
	}
	us := byName["admin_change"].Features
	if len(us) != 2 || len(res.Units) != 2 {
		t.Fatalf("%d units in the GeoPackage, %d stored; want 2", len(us), len(res.Units))
	}
	for i, f := range us {
		u := res.Units[i]
		if f.Fields["pcode"] != u.Unit.Code || f.Fields["n_transects"] != int64(u.Transects) {
			t.Errorf("unit %d: GeoPackage %v, stored %s", i, f.Fields, u.Unit.Code)
		}
		for _, c := range []struct {
			field string
			v     float64
		}{{"coast_km", u.CoastKm}, {"mean_LRR", u.MeanLRR}, {"median_LRR", u.MedianLRR}, {"min_LRR", u.MinLRR}, {"max_LRR", u.MaxLRR},
			{"mean_EPR", u.MeanEPR}, {"mean_NSM", u.MeanNSM}, {"pct_eroding", u.PctEroding}, {"pct_sig_eroding", u.PctSigEroding},
			{"mean_LRR_unc", u.MeanLRRUnc}, {"n_effective", u.NEffective}, {"area_lost_m2", u.AreaLost}, {"area_gained_m2", u.AreaGained}} {
			if g := real(f, c.field); !same(g, c.v) {
				t.Errorf("unit %s %s: GeoPackage %v, stored %v", u.Unit.Code, c.field, g, c.v)
			}
		}
	}
	// Intersections, as sets: the stored ones come back in transect order.
	type key struct {
		transect string
		shore    int64
		d        float64
	}
	var fromGpkg, stored []key
	for _, f := range byName["intersections"].Features {
		fromGpkg = append(fromGpkg, key{f.Fields["transect_id"].(string), f.Fields["shoreline_id"].(int64), f.Fields["distance_m"].(float64)})
	}
	for _, x := range res.Intersections {
		stored = append(stored, key{res.Transects[x.Transect].Label, int64(x.Shoreline + 1), x.Distance})
	}
	cmp := func(a, b key) int {
		return strings.Compare(fmt.Sprint(a.transect, " ", a.shore), fmt.Sprint(b.transect, " ", b.shore))
	}
	slices.SortFunc(fromGpkg, cmp)
	slices.SortFunc(stored, cmp)
	if len(stored) < 1000 || !slices.Equal(fromGpkg, stored) {
		t.Errorf("intersections: %d in the GeoPackage, %d stored, or they differ", len(fromGpkg), len(stored))
	}

	// The run records its parameters, but not where it was stored (the URL holds a password).
	if _, ok := run.Parameters["db"]; ok || run.Parameters["uncertainty-field"] != "unc" || run.Parameters["spacing"] != "50" {
		t.Errorf("run parameters %v: want the analysis flags without db", run.Parameters)
	}
	if pw := urlPassword(t, dbURL); pw == "" || strings.Contains(fmt.Sprint(run.Parameters), pw) || strings.Contains(log, pw) {
		t.Errorf("the password shows in the run's parameters or the log")
	}
}

// TestAnalyzeDBUndo makes renaming the files fail after the run is stored: the stored run
// must be removed again, so that the database and the files agree.
func TestAnalyzeDBUndo(t *testing.T) {
	t.Parallel()
	dbURL := migratedDB(t)
	dir := t.TempDir()
	args := straightCoastArgs(t, dir)
	csvDir := filepath.Join(dir, "csv")
	// A folder where transects.csv should go: the rename fails, the write before it did not.
	if err := os.MkdirAll(filepath.Join(csvDir, "transects.csv", "blocker"), 0o755); err != nil {
		t.Fatal(err)
	}
	log, err := runCLIErr(t, append(args, "--db", dbURL, "--csv-dir", csvDir)...)
	if err == nil || !strings.Contains(err.Error(), "transects.csv") {
		t.Fatalf("analyze = %v, want the rename of transects.csv to fail\n%s", err, log)
	}
	id := storedRunID(t, log) // it was stored ...
	if !strings.Contains(log, "removed the stored run") {
		t.Errorf("the log does not say the run was removed:\n%s", log)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.runs"); n != 0 { // ... and removed
		t.Errorf("%d runs stored after the files failed, want 0", n)
	}
	for table, n := range runRows(t, dbURL, id) {
		if n != 0 {
			t.Errorf("%s holds %d rows of the removed run", table, n)
		}
	}
	if _, err := os.Stat(filepath.Join(csvDir, "admin_change.csv")); err == nil {
		t.Errorf("admin_change.csv was put in place although the run failed")
	}
}

// TestDBCommands runs migrate, import and runs as a user would.
func TestDBCommands(t *testing.T) {
	dbURL := pg.Database(t)
	// TASI_DATABASE_URL stands in for --db everywhere (so this test is not parallel).
	t.Setenv(envDatabaseURL, dbURL)

	if out, err := runCLIErr(t, "runs"); err == nil || !strings.Contains(err.Error(), "run tasi migrate") {
		t.Errorf("runs before migrate = %v, want an error saying to run tasi migrate\n%s", err, out)
	}
	_, latest, err := openTestStore(t, dbURL).SchemaVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := []string{}
	for v := 1; v <= latest; v++ {
		all = append(all, fmt.Sprint(v))
	}
	for i, want := range []string{
		fmt.Sprintf("applied version %s to schema tasi; it is at version %d\n", strings.Join(all, ", "), latest),
		fmt.Sprintf("schema tasi is up to date at version %d\n", latest),
	} {
		if out, err := runCLIErr(t, "migrate"); err != nil || out != want {
			t.Errorf("migrate #%d: %v, %q; want %q", i+1, err, out, want)
		}
	}

	// The bundled reference data: 442 sucos, 65 postos and 13 municipalities derived from them.
	// (That importing again replaces is data/postgis's TestImportReference.)
	if out, err := runCLIErr(t, "import"); err != nil || !strings.Contains(out, "442 sucos") || !strings.Contains(out, "104 coastline lines") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'bundled' AND level = 3", 442},
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'bundled' AND level = 2 AND derived", 65},
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'bundled' AND level = 1 AND derived", 13},
		{"SELECT sum(population)::int FROM tasi.admin_units WHERE source = 'bundled' AND level = 1", 1183643},
		{"SELECT count(*) FROM tasi.coastline WHERE source = 'bundled'", 104},
		{"SELECT count(*) FROM tasi.localities WHERE source = 'bundled'", 2871},
		{"SELECT count(*) FROM tasi.ports WHERE source = 'bundled'", 6},
	} {
		if n := pg.QueryInt(t, dbURL, tc.sql); n != tc.want {
			t.Errorf("%s = %d, want %d", tc.sql, n, tc.want)
		}
	}

	// Another admin layer, read as analyze reads one, filed under its own source.
	dir := t.TempDir()
	args := straightCoastArgs(t, dir)
	admin := filepath.Join(dir, "admin.geojson")
	if out, err := runCLIErr(t, "import", "--admin", admin); err != nil || !strings.Contains(out, `imported 2 admin units from `+admin+` into schema tasi as source "admin"`) {
		t.Errorf("import --admin: %v\n%s", err, out)
	}
	if out, err := runCLIErr(t, "import", "--admin", admin, "--source", "nsw", "--admin-name-field", "pcode"); err != nil {
		t.Errorf("import --admin --source: %v\n%s", err, out)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.admin_units WHERE source = 'admin' AND population = 1200 AND name = 'West'"); n != 1 {
		t.Errorf("unit W1 of source admin: %d rows with its name and census", n)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.admin_units WHERE source = 'nsw' AND name IN ('W1', 'E1')"); n != 2 {
		t.Errorf("source nsw: %d units named by --admin-name-field pcode, want 2", n)
	}
	// A COD-AB layer keeps its hierarchy: sucos under their posto and municipality, with
	// the postos and municipalities derived, as for the bundled data.
	sucos := filepath.Join("..", "..", "data", "tls", "sucos.geojson")
	if out, err := runCLIErr(t, "import", "--admin", sucos, "--source", "codab"); err != nil {
		t.Errorf("import --admin sucos.geojson: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'codab' AND level = 3 AND parent_pcode LIKE 'TL____' AND region_pcode LIKE 'TL__'", 442},
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'codab' AND level = 1", 13},
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'codab' AND pcode = 'TL010101' AND parent_name = 'Ainaro' AND region_name = 'Ainaro'", 1},
	} {
		if n := pg.QueryInt(t, dbURL, tc.sql); n != tc.want {
			t.Errorf("%s = %d, want %d", tc.sql, n, tc.want)
		}
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.admin_units WHERE source = 'bundled'"); n != 442+65+13 {
		t.Errorf("importing other layers changed the bundled units: %d", n)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--source", "x"}, "go with --admin"},
		{[]string{"import", "--admin", admin, "--source", "bundled"}, "choose another name"},
		{[]string{"import", "--admin", filepath.Join(dir, "missing.geojson")}, "missing.geojson"},
		{[]string{"import", "--admin", admin, "--admin-code-field", "nope"}, `no unit code field`},
		{[]string{"runs", "delete"}, "give one run id"},
		{[]string{"runs", "delete", "x1"}, `"x1" is not a run id`},
		{[]string{"runs", "remove", "1"}, `unexpected argument "remove"`},
		{[]string{"runs", "delete", "99"}, "not found"},
	} {
		if out, err := runCLIErr(t, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v = %v, want an error containing %q\n%s", tc.args, err, tc.want, out)
		}
	}

	// Two runs, listed newest first; then one deleted with everything it owns.
	if out, err := runCLIErr(t, "runs"); err != nil || !strings.Contains(out, "no runs in schema tasi") {
		t.Errorf("runs with none stored: %v\n%s", err, out)
	}
	var ids []int64
	for range 2 {
		log, err := runCLIErr(t, args...) // no --db: TASI_DATABASE_URL
		if err != nil {
			t.Fatalf("analyze with %s: %v\n%s", envDatabaseURL, err, log)
		}
		ids = append(ids, storedRunID(t, log))
	}
	out, err := runCLIErr(t, "runs")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !regexp.MustCompile(`^ID +STATUS +STARTED \(UTC\) +DURATION +TRANSECTS +UNITS +VERSION +NOTE$`).MatchString(lines[0]) {
		t.Fatalf("runs printed:\n%s", out)
	}
	n := runRows(t, dbURL, ids[0])["transects"]
	for i, id := range []int64{ids[1], ids[0]} {
		row := regexp.MustCompile(fmt.Sprintf(`^%d +succeeded +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +[0-9.]+m?s +%d +2 +dev$`, id, n))
		if !row.MatchString(lines[i+1]) {
			t.Errorf("runs line %d = %q, want run %d with %d transects, 2 units", i+1, lines[i+1], id, n)
		}
	}
	if out, err := runCLIErr(t, "runs", "delete", fmt.Sprint(ids[0])); err != nil || out != fmt.Sprintf("deleted run %d\n", ids[0]) {
		t.Errorf("runs delete: %v, %q", err, out)
	}
	for table, n := range runRows(t, dbURL, ids[0]) {
		if n != 0 {
			t.Errorf("%s holds %d rows of the deleted run", table, n)
		}
	}
	if got := runRows(t, dbURL, ids[1]); got["transects"] != n || got["admin_change"] != 2 {
		t.Errorf("the other run lost rows: %v", got)
	}
	// Flags may follow the run id; --db wins over the environment.
	t.Setenv(envDatabaseURL, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if out, err := runCLIErr(t, "runs", "delete", fmt.Sprint(ids[1]), "--db", dbURL); err != nil {
		t.Errorf("runs delete ID --db: %v\n%s", err, out)
	}
	if runs := storedRuns(t, dbURL); len(runs) != 0 {
		t.Errorf("%d runs left, want 0", len(runs))
	}
	t.Setenv(envDatabaseURL, "")
	if _, err := runCLIErr(t, "runs"); err == nil || !strings.Contains(err.Error(), "give --db URL or set "+envDatabaseURL) {
		t.Errorf("runs without a database: %v", err)
	}
}

// TestParseInterspersed checks that flags may come before, between and after positional
// arguments.
func TestParseInterspersed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		db   string
		pos  []string
	}{
		{[]string{"delete", "7", "--db", "u"}, "u", []string{"delete", "7"}},
		{[]string{"--db", "u", "delete", "7"}, "u", []string{"delete", "7"}},
		{[]string{"delete", "--db=u", "7"}, "u", []string{"delete", "7"}},
		{[]string{"delete", "--", "--db"}, "", []string{"delete", "--db"}},
		{nil, "", nil},
	} {
		fs := newFlagSet()
		db := fs.String("db", "", "")
		pos, err := parseInterspersed(fs, tc.args)
		if err != nil || *db != tc.db || !slices.Equal(pos, tc.pos) || !slices.Equal(fs.Args(), tc.pos) {
			t.Errorf("parseInterspersed(%q) = %q, db %q, %v; want %q, db %q", tc.args, pos, *db, err, tc.pos, tc.db)
		}
	}
}

// TestRunsTable checks the table of runs for a synthetic run, a failed and an abandoned
// run, and a run failed as abandoned, whose duration is unknown.
func TestRunsTable(t *testing.T) {
	var b bytes.Buffer
	runs := []postgis.Run{
		{ID: 13, Status: postgis.Succeeded, Synthetic: true, Version: "v1", Transects: 10, Units: 1,
			AnalysisStarted: mustTime(t, "2026-01-03T00:00:00Z"), WriteFinished: mustTime(t, "2026-01-03T00:00:01.5Z")},
		{ID: 12, Status: postgis.Running, Abandoned: true, Version: "v1", Transects: 15670, Units: 98},
		{ID: 11, Status: postgis.Failed, Error: "write run 11: context canceled\nmore", Version: "v1", Transects: 10, Units: 1},
		// Killed, and marked failed by an analyze three days later: not a 72-hour run.
		{ID: 10, Status: postgis.Failed, WriterLost: true, Error: "abandoned: the writer's database session ended before the run was stored",
			Version: "v1", Transects: 10, Units: 1},
	}
	runs[1].AnalysisStarted = mustTime(t, "2026-01-02T03:04:05Z")
	runs[2].AnalysisStarted = mustTime(t, "2026-01-02T03:00:00Z")
	runs[2].WriteFinished = mustTime(t, "2026-01-02T03:00:09.26Z")
	runs[3].AnalysisStarted = mustTime(t, "2026-01-01T02:00:00Z")
	runs[3].WriteFinished = mustTime(t, "2026-01-04T02:00:00Z")
	if err := printRuns(&b, runs); err != nil {
		t.Fatal(err)
	}
	want := "ID  STATUS     STARTED (UTC)        DURATION  TRANSECTS  UNITS  VERSION  NOTE\n" +
		"13  succeeded  2026-01-03 00:00:00  1.5s      10         1      v1       synthetic shorelines (tasi demo): no real coast\n" +
		"12  abandoned  2026-01-02 03:04:05  –         15670      98     v1\n" +
		"11  failed     2026-01-02 03:00:00  9.3s      10         1      v1       write run 11: context canceled\n" +
		"10  failed     2026-01-01 02:00:00  –         10         1      v1       abandoned: the writer's database session ended before the r…\n"
	if got := b.String(); !strings.HasPrefix(got, want) || !strings.Contains(got, "abandoned: its writer was killed") {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
