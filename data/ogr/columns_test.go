package ogr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// columnsFile writes a GeoPackage with an attribute table "vals" of every type
// QueryColumns reads, and returns its path. The first rows are the cases of
// TestQueryColumns; then come extra rows of labels repeated three times each. When
// ogrinfo is installed, row 2's date-time is rewritten with an offset and a fraction,
// row 5's without a time zone (ok reports it): GDAL writes every date-time in UTC.
func columnsFile(t *testing.T, extra int) (path string, ok bool) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "columns.gpkg")
	g, err := CreateGeoPackage(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := g.CreateLayer("vals", 0, None, []FieldDef{{"n", Integer}, {"r", Real}, {"s", String}, {"d", Date}, {"dt", DateTime}})
	if err != nil {
		t.Fatal(err)
	}
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	rows := [][]any{
		{1, 1.5, "a", d(1988, 6, 30), time.Date(2025, 11, 22, 1, 30, 15, 123e6, time.UTC)},
		{-7, -0.25, "ünï", d(2000, 2, 29), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{nil, nil, nil, nil, nil},
		{int64(1) << 40, 0.0, "", d(1, 1, 2), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{0, math.MaxFloat64, "a", d(9999, 12, 31), time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for i := range extra {
		rows = append(rows, []any{i, float64(i) / 4, fmt.Sprintf("label %d", i/3), d(1990+i%30, 1+i%12, 1+i%28), nil})
	}
	for _, r := range rows {
		if err := w.Write(nil, r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	return path, ogrinfoSQL(t, path,
		"UPDATE vals SET dt = '2025-11-22T09:30:15.5+08:00' WHERE fid = 2",
		"UPDATE vals SET dt = '2025-11-22T09:30:15' WHERE fid = 5")
}

// ogrinfoSQL runs statements on the file at path with ogrinfo; false when it is not
// installed.
func ogrinfoSQL(t *testing.T, path string, statements ...string) bool {
	t.Helper()
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		return false
	}
	for _, sql := range statements {
		if out, err := exec.Command(bin, "-q", path, "-sql", sql).CombinedOutput(); err != nil {
			t.Fatalf("ogrinfo -sql %q: %v\n%s", sql, err, out)
		}
	}
	return true
}

// collected is a whole QueryColumns result of the vals table, strings decoded.
type collected struct {
	fids                  []int64
	n                     []int64
	nOK, rOK, sOK, dOK    []bool
	dtOK                  []bool
	r                     []float64
	s                     []string
	d, dt                 []time.Time
	dict                  []string
	batches, maxBatchRows int
}

func collect(t *testing.T, path, sql string, rows, arena int) collected {
	t.Helper()
	var c collected
	err := queryColumns(context.Background(), path, sql, func(cs *Columns) error {
		if cs.Start() != len(c.fids) {
			return fmt.Errorf("batch starts at %d after %d rows", cs.Start(), len(c.fids))
		}
		c.batches++
		c.maxBatchRows = max(c.maxBatchRows, cs.Len())
		c.fids = append(c.fids, cs.FIDs()...)
		n, nOK, err := cs.Int64("n")
		if err != nil {
			return err
		}
		r, rOK, err := cs.Float64("r")
		if err != nil {
			return err
		}
		codes, dict, sOK, err := cs.Strings("s")
		if err != nil {
			return err
		}
		d, dOK, err := cs.Time("d")
		if err != nil {
			return err
		}
		dt, dtOK, err := cs.Time("dt")
		if err != nil {
			return err
		}
		c.n, c.nOK = append(c.n, n...), append(c.nOK, nOK...)
		c.r, c.rOK = append(c.r, r...), append(c.rOK, rOK...)
		c.d, c.dOK = append(c.d, d...), append(c.dOK, dOK...)
		c.dt, c.dtOK = append(c.dt, dt...), append(c.dtOK, dtOK...)
		for i, code := range codes {
			if (code >= 0) != sOK[i] {
				return fmt.Errorf("row %d: code %d, valid %v", cs.Start()+i+1, code, sOK[i])
			}
			s := ""
			if code >= 0 {
				s = dict[code]
			}
			c.s, c.sOK = append(c.s, s), append(c.sOK, sOK[i])
		}
		c.dict = dict
		return nil
	}, rows, arena)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestQueryColumns reads values of every type, nulls among them, in batches of every
// size down to one row and with an arena too small for some rows' strings, and checks
// them against what was written and against Query.
func TestQueryColumns(t *testing.T) {
	const extra = 40
	path, rewritten := columnsFile(t, extra)
	const sql = "SELECT fid, n, r, s, d, dt FROM vals ORDER BY fid"
	wita := time.FixedZone("", 8*3600)
	want := []struct {
		n    int64
		r    float64
		s    string
		d    time.Time
		dt   time.Time
		null bool
	}{
		{1, 1.5, "a", time.Date(1988, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2025, 11, 22, 1, 30, 15, 123e6, time.UTC), false},
		{-7, -0.25, "ünï", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2025, 11, 22, 9, 30, 15, 500e6, wita), false},
		{0, math.NaN(), "", time.Time{}, time.Time{}, true},
		{1 << 40, 0, "", time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{0, math.MaxFloat64, "a", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(2025, 11, 22, 9, 30, 15, 0, time.UTC), false},
	}
	if !rewritten {
		t.Log("ogrinfo not installed: date-times with an offset and without a time zone not read")
		want[1].dt = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		want[4].dt = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for _, tc := range []struct {
		rows, arena   int
		batches, most int // batches expected, rows in the largest
	}{
		{batchRows, batchArena, 1, 45},
		{7, 1 << 10, 7, 7},
		{1, 1, 45, 1}, // the arena grows to hold "label 13"
		// 9 bytes of strings: rows 1-4 ("a", "ünï", NULL, ""), 5-6 ("a", "label 0"), then
		// one row of "label n" a batch
		{4, 9, 41, 4},
	} {
		t.Run(fmt.Sprintf("rows%d-arena%d", tc.rows, tc.arena), func(t *testing.T) {
			c := collect(t, path, sql, tc.rows, tc.arena)
			if len(c.fids) != len(want)+extra {
				t.Fatalf("%d rows, want %d", len(c.fids), len(want)+extra)
			}
			if tc.batches > 0 && (c.batches != tc.batches || c.maxBatchRows != tc.most) {
				t.Errorf("%d batches of up to %d rows, want %d of up to %d", c.batches, c.maxBatchRows, tc.batches, tc.most)
			}
			for i, w := range want {
				if c.fids[i] != int64(i+1) {
					t.Errorf("row %d: fid %d", i+1, c.fids[i])
				}
				ok := !w.null
				if c.nOK[i] != ok || c.rOK[i] != ok || c.sOK[i] != ok || c.dOK[i] != ok || c.dtOK[i] != ok {
					t.Errorf("row %d: valid %v %v %v %v %v, want all %v", i+1, c.nOK[i], c.rOK[i], c.sOK[i], c.dOK[i], c.dtOK[i], ok)
				}
				if c.n[i] != w.n || !same(c.r[i], w.r) || c.s[i] != w.s {
					t.Errorf("row %d: %d %v %q, want %d %v %q", i+1, c.n[i], c.r[i], c.s[i], w.n, w.r, w.s)
				}
				if !c.d[i].Equal(w.d) || c.d[i].Location() != time.UTC && !w.d.IsZero() {
					t.Errorf("row %d: date %v, want %v", i+1, c.d[i], w.d)
				}
				_, off := c.dt[i].Zone()
				_, wantOff := w.dt.Zone()
				if !c.dt[i].Equal(w.dt) || off != wantOff {
					t.Errorf("row %d: date-time %v, want %v", i+1, c.dt[i], w.dt)
				}
			}
			// 40 extra rows label 0..13, after "a", "ünï" and "": 17 distinct strings in order
			if len(c.dict) != 17 || c.dict[0] != "a" || c.dict[1] != "ünï" || c.dict[2] != "" || c.dict[3] != "label 0" || c.dict[16] != "label 13" {
				t.Errorf("dictionary %q", c.dict)
			}
			for i := range extra {
				k := len(want) + i
				wantD := time.Date(1990+i%30, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
				if c.n[k] != int64(i) || c.r[k] != float64(i)/4 || c.s[k] != fmt.Sprintf("label %d", i/3) || !c.d[k].Equal(wantD) || c.dtOK[k] {
					t.Errorf("row %d: %d %v %q %v %v", k+1, c.n[k], c.r[k], c.s[k], c.d[k], c.dtOK[k])
				}
			}
			compareQuery(t, path, sql, c)
		})
	}
}

// compareQuery checks that Query reads the same values as c.
func compareQuery(t *testing.T, path, sql string, c collected) {
	t.Helper()
	i := 0
	err := Query(context.Background(), path, sql, func(row map[string]any) error {
		if i >= len(c.n) {
			return errors.New("Query reads more rows")
		}
		for _, name := range []string{"n", "r", "s", "d", "dt"} {
			var got any
			var ok bool
			switch name {
			case "n":
				got, ok = c.n[i], c.nOK[i]
			case "r":
				got, ok = c.r[i], c.rOK[i]
			case "s":
				got, ok = c.s[i], c.sOK[i]
			case "d":
				got, ok = c.d[i], c.dOK[i]
			case "dt":
				got, ok = c.dt[i], c.dtOK[i]
			}
			v, has := row[name]
			if has != ok || has && fmt.Sprint(v) != fmt.Sprint(got) {
				t.Errorf("row %d column %s: Query %v (%v), QueryColumns %v (%v)", i+1, name, v, has, got, ok)
			}
		}
		i++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i != len(c.n) {
		t.Errorf("Query reads %d rows, QueryColumns %d", i, len(c.n))
	}
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// TestQueryColumnsErrors: a column of another type, a date no calendar has, a
// cancelled context, misused accessors and an error of the caller's function.
func TestQueryColumnsErrors(t *testing.T) {
	path, _ := columnsFile(t, 20)
	errStop := errors.New("stop")
	badDate := ogrinfoSQL(t, path, "UPDATE vals SET d = '2019-02-30' WHERE fid = 12")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		sql  string
		fn   func(c *Columns) error
		want string // in the error
		is   error
	}{
		{name: "blob", sql: "SELECT n, zeroblob(2) AS b FROM vals", want: "column b: type Binary"},
		{name: "cancelled", ctx: cancelled, sql: "SELECT n FROM vals", is: context.Canceled},
		{name: "caller", sql: "SELECT n FROM vals", fn: func(*Columns) error { return errStop }, is: errStop, want: "stop"},
		{name: "unknown column", sql: "SELECT n FROM vals", fn: func(c *Columns) error {
			_, _, err := c.Int64("m")
			return err
		}, want: "no column m"},
		{name: "wrong type", sql: "SELECT s FROM vals", fn: func(c *Columns) error {
			_, _, err := c.Float64("s")
			return err
		}, want: "column s: a string column, not a real"},
		{name: "date as int", sql: "SELECT d FROM vals", fn: func(c *Columns) error {
			_, _, err := c.Int64("d")
			return err
		}, want: "column d: a date or date-time column, not an integer"},
		{name: "bad date", sql: "SELECT fid, d FROM vals ORDER BY fid", want: "row 12 (fid 12): column d: 2019-02-30 is no calendar date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "bad date" && !badDate {
				t.Skip("no ogrinfo to write an impossible date with")
			}
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			fn := tc.fn
			if fn == nil {
				fn = func(*Columns) error { return nil }
			}
			err := queryColumns(ctx, path, tc.sql, fn, 5, 64)
			if err == nil || tc.want != "" && !strings.Contains(err.Error(), tc.want) || tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want %q / %v", err, tc.want, tc.is)
			}
			var ve *ValueError
			if tc.name == "bad date" && (!errors.As(err, &ve) || ve.Row != 12 || ve.FID != 12 || ve.Column != "d") {
				t.Errorf("%#v, want a ValueError of row 12, column d", ve)
			}
		})
	}

	// cancelled between batches: the second is not read
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := 0
	err := queryColumns(ctx, path, "SELECT n FROM vals", func(*Columns) error {
		batches++
		cancel()
		return nil
	}, 5, 64)
	if !errors.Is(err, context.Canceled) || batches != 1 {
		t.Errorf("cancelled after the first batch: %v after %d batches", err, batches)
	}
}
