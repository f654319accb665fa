package ogr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Batch sizes of QueryColumns: rows per cgo call, and the bytes of string values such a
// batch starts with room for (it stops early when they are full, and grows them only for
// a row whose strings alone do not fit).
const (
	batchRows  = 4096
	batchArena = 64 << 10
)

// QueryColumns runs the SQL statement sql on the vector file at path, as Query does, and
// calls fn with its rows a batch of a few thousand at a time, column by column, in order.
// It reads a batch in one cgo call, with no allocation per row but for each distinct
// string: for 500,000 rows of six columns it takes less than half the CPU time of Query,
// most of the rest GDAL's and SQLite's. The columns must be of OGR types Integer,
// Integer64, Real, String, Date or DateTime (an Integer of subtype Boolean reads as 0 and
// 1, where Query gives a bool); any other is an error naming the column, and so is a date
// OGR holds but no calendar has (2019-02-30), a *ValueError. The geometry of a statement
// selecting a geometry column is not handed out, though OGR still decodes it: select what
// is needed of it (ST_MinX(geom)...) instead. The Columns and the slices they hand out are
// reused for the next batch, so fn must copy what it keeps, but for string dictionaries,
// which only grow. An error of fn stops the query and is returned as it is.
//
// With SQLite's SQL (a GeoPackage), OGR types an expression column by its value in the
// first row: a NULL there makes the column a String. Give such expressions a value in
// every row (ifnull(ST_MinX(geom), 0.0) AS x, with a column telling NULLs apart: 0 would
// make it an Integer).
func QueryColumns(ctx context.Context, path, sql string, fn func(c *Columns) error) error {
	return queryColumns(ctx, path, sql, fn, batchRows, batchArena)
}

// queryColumns is QueryColumns with rows per batch and the arena's starting size given,
// so that tests can make batches end early.
func queryColumns(ctx context.Context, path, sql string, fn func(c *Columns) error, rows, arena int) error {
	return execute(ctx, path, sql, func(r *layerReader) error {
		c := &Columns{cols: make([]column, len(r.fields)), zones: map[int]*time.Location{}}
		kinds := make([]int, len(r.fields))
		for k, fd := range r.fields {
			kind, dateOnly, typeName := fd.columnKind()
			if kind == kindNull {
				return fmt.Errorf("column %s: type %s, want Integer, Integer64, Real, String, Date or DateTime", fd.name, typeName)
			}
			kinds[k] = kind
			c.cols[k] = column{name: fd.name, kind: kind, dateOnly: dateOnly}
			if kind == kindString {
				c.cols[k].index = map[string]int32{}
			}
		}
		b := newBatchReader(r, kinds, rows, arena)
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			n, err := b.read()
			if err != nil {
				return fmt.Errorf("after row %d: %w", c.start+c.n, err)
			}
			if n == 0 {
				return nil
			}
			c.start += c.n
			if err := c.decode(b); err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return callerError{err}
			}
		}
	})
}

// Columns is a batch of rows of a QueryColumns result, column by column. Its accessors
// return, per row of the batch, the column's values and whether each is non-null; a
// null value is 0, NaN, the zero time or string code -1. They fail for a column the
// result does not have or of another type.
type Columns struct {
	start, n int
	fids     []int64
	cols     []column
	zones    map[int]*time.Location // fixed offsets by OGR time zone flag
}

// column is one column of Columns: the slice of its kind holds its values.
type column struct {
	name     string
	kind     int
	dateOnly bool
	valid    []bool
	ints     []int64
	reals    []float64
	times    []time.Time
	codes    []int32
	dict     []string
	index    map[string]int32 // dict by value
}

// Len returns the number of rows in the batch.
func (c *Columns) Len() int { return c.n }

// Start returns the number of rows of the result before this batch.
func (c *Columns) Start() int { return c.start }

// FIDs returns the feature id OGR gives each row: with SQLite's SQL, the table's fid
// when the statement selects it (it is then not a column), else the row's 0-based
// position in the result.
func (c *Columns) FIDs() []int64 { return c.fids }

// Int64 returns an Integer or Integer64 column.
func (c *Columns) Int64(name string) (values []int64, valid []bool, err error) {
	col, err := c.column(name, kindInt)
	if err != nil {
		return nil, nil, err
	}
	return col.ints, col.valid, nil
}

// Float64 returns a Real column.
func (c *Columns) Float64(name string) (values []float64, valid []bool, err error) {
	col, err := c.column(name, kindReal)
	if err != nil {
		return nil, nil, err
	}
	return col.reals, col.valid, nil
}

// Time returns a Date or DateTime column. Dates are midnight UTC; date-times with an
// unknown or "local" time zone are taken as UTC, those with an offset keep it; seconds
// are rounded to the millisecond (OGR holds them as a float32), as Query does.
func (c *Columns) Time(name string) (values []time.Time, valid []bool, err error) {
	col, err := c.column(name, kindTime)
	if err != nil {
		return nil, nil, err
	}
	return col.times, col.valid, nil
}

// Strings returns a String column dictionary-encoded: the value of row i is
// dict[codes[i]], -1 for a null value. dict holds the column's distinct values in the
// order they first appear in the result, all batches so far: codes keep their meaning
// from batch to batch.
func (c *Columns) Strings(name string) (codes []int32, dict []string, valid []bool, err error) {
	col, err := c.column(name, kindString)
	if err != nil {
		return nil, nil, nil, err
	}
	return col.codes, col.dict, col.valid, nil
}

// kindName names a column kind in errors.
func kindName(kind int) string {
	switch kind {
	case kindInt:
		return "an integer"
	case kindReal:
		return "a real"
	case kindString:
		return "a string"
	}
	return "a date or date-time"
}

func (c *Columns) column(name string, kind int) (*column, error) {
	for i := range c.cols {
		if col := &c.cols[i]; col.name == name {
			if col.kind != kind {
				return nil, fmt.Errorf("column %s: %s column, not %s", name, kindName(col.kind), kindName(kind))
			}
			return col, nil
		}
	}
	return nil, fmt.Errorf("no column %s in the result", name)
}

// ValueError reports a value in a QueryColumns result that its column's type cannot
// hold: a date no calendar has.
type ValueError struct {
	Row    int   // 1-based, in the whole result
	FID    int64 // as Columns.FIDs gives it
	Column string
	Err    error
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("row %d (fid %d): column %s: %v", e.Row, e.FID, e.Column, e.Err)
}

func (e *ValueError) Unwrap() error { return e.Err }

// decode takes the rows of b's last batch into c.
func (c *Columns) decode(b *batchReader) error {
	n := b.rows
	c.n = n
	c.fids = b.fids[:n]
	for k := range c.cols {
		col := &c.cols[k]
		col.valid = resize(col.valid, n)
		switch col.kind {
		case kindInt:
			col.ints = resize(col.ints, n)
			for i := range n {
				ok := b.kind(i, k) != kindNull
				col.valid[i], col.ints[i] = ok, 0
				if ok {
					col.ints[i] = b.int(i, k)
				}
			}
		case kindReal:
			col.reals = resize(col.reals, n)
			for i := range n {
				ok := b.kind(i, k) != kindNull
				col.valid[i], col.reals[i] = ok, math.NaN()
				if ok {
					col.reals[i] = b.real(i, k)
				}
			}
		case kindString:
			col.codes = resize(col.codes, n)
			for i := range n {
				ok := b.kind(i, k) != kindNull
				col.valid[i], col.codes[i] = ok, -1
				if !ok {
					continue
				}
				s := b.bytes(i, k)
				code, seen := col.index[string(s)] // no allocation to look up
				if !seen {
					code = int32(len(col.dict))
					v := string(s)
					col.index[v] = code
					col.dict = append(col.dict, v)
				}
				col.codes[i] = code
			}
		case kindTime:
			col.times = resize(col.times, n)
			for i := range n {
				kind := b.kind(i, k)
				col.valid[i], col.times[i] = kind != kindNull, time.Time{}
				if kind == kindNull {
					continue
				}
				var t time.Time
				ok := kind != kindBadDate
				p := b.date(i, k)
				if ok {
					t, ok = civilTime(p, col.dateOnly, c.zones)
				}
				if !ok {
					err := errors.New("OGR cannot read it as a date")
					if kind != kindBadDate {
						err = fmt.Errorf("%04d-%02d-%02d is no calendar date", p.year, p.month, p.day)
					}
					return &ValueError{Row: c.start + i + 1, FID: b.fids[i], Column: col.name, Err: err}
				}
				col.times[i] = t
			}
		}
	}
	return nil
}

// resize returns s with length n, reusing its array when it is large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// dateParts is a date or date-time as OGR holds it: tz is OGR's time zone flag (0
// unknown, 1 local time, 100 UTC, 100±n an offset of n quarter hours).
type dateParts struct {
	year, month, day, hour, minute, tz int
	sec                                float64 // a float32 in OGR
}

// civilTime returns the instant p names; false for a day no calendar has (2019-02-30),
// which time.Date would roll over into the next month. Dates (dateOnly) are midnight
// UTC; date-times with an unknown or "local" time zone are taken as UTC, those with an
// offset keep it, from zones when it is not nil (else made anew).
func civilTime(p dateParts, dateOnly bool, zones map[int]*time.Location) (time.Time, bool) {
	day := time.Date(p.year, time.Month(p.month), p.day, 0, 0, 0, 0, time.UTC)
	if day.Day() != p.day || day.Month() != time.Month(p.month) {
		return time.Time{}, false
	}
	if dateOnly {
		return day, true
	}
	loc := time.UTC
	if p.tz > 1 && p.tz != 100 {
		if loc = zones[p.tz]; loc == nil {
			loc = time.FixedZone("", (p.tz-100)*15*60)
			if zones != nil {
				zones[p.tz] = loc
			}
		}
	}
	// OGR keeps seconds as a float32: round to the millisecond GeoPackage stores.
	ms := int64(p.sec*1000 + 0.5)
	return time.Date(p.year, time.Month(p.month), p.day, p.hour, p.minute, 0, 0, loc).
		Add(time.Duration(ms) * time.Millisecond), true
}
