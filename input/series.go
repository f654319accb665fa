package input

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// seriesMetaColumns are the columns of CoastSat and CoastSeg time series that describe a
// row rather than hold a transect's chainage.
var seriesMetaColumns = map[string]bool{
	"satname": true, "sat": true, "satellite": true, "geoaccuracy": true, "cloud_cover": true,
	"tide": true, "x": true, "y": true, "filename": true, "index": true, "idx": true,
}

// ReadSeries reads a transect time series as CoastSat and CoastSeg write it. Two layouts
// are understood:
//
//   - wide, as CoastSat writes transect_time_series.csv: a date column ("dates") and one
//     column per transect named by its id; an unnamed index column and columns that
//     describe the row (satname, geoaccuracy, cloud_cover, tide, x, y) are not transects;
//   - long, as CoastSeg writes its merged series and as survey ground truth often comes:
//     a transect column ("transect_id" or "transect"), a date column ("dates", "date",
//     "date_utc") and a chainage column ("cross_distance", "chainage", "chainage_m",
//     "distance").
//
// Values are chainages in metres from the transect origin; empty cells and "nan" are gaps.
// A cell that is neither ("--", "inf", text) is skipped with a BadCell note naming its
// row and column, and the rest of the transect is used. A row without a usable date is
// an error, as are two rows for one transect and date with different values (an
// identical repeat is a Duplicate note and read once).
func ReadSeries(r io.Reader, source string, dp DateParser) (*analysis.Series, []Note, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("time series %s: %w", source, err)
	}
	if len(rows) < 2 {
		return nil, nil, fmt.Errorf("time series %s: no data rows", source)
	}
	header := rows[0]
	col := func(names ...string) int {
		for _, n := range names {
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), n) {
					return i
				}
			}
		}
		return -1
	}
	dateCol := col("dates", "date", "date_utc", "datetime", "time")
	if dateCol < 0 {
		return nil, nil, fmt.Errorf("time series %s: no dates column (looked for dates, date, date_utc; columns: %s)", source, strings.Join(header, ", "))
	}
	sr := seriesReader{source: source, dp: dp, header: header, dateCol: dateCol}
	if tc, cc := col("transect_id", "transect"), col("cross_distance", "chainage", "chainage_m", "distance"); tc >= 0 && cc >= 0 {
		return sr.long(rows, tc, cc)
	}
	return sr.wide(rows)
}

type seriesReader struct {
	source  string
	dp      DateParser
	header  []string
	dateCol int
	notes   []Note
}

func (sr *seriesReader) badCell(row, col int, cell string) {
	sr.notes = append(sr.notes, Note{
		Kind: BadCell, File: sr.source, Feature: -1, Row: row, Field: strings.TrimSpace(sr.header[col]),
		Message: fmt.Sprintf("%q is not a chainage in metres: observation skipped", cell),
	})
}

// date reads the date of CSV line row (1-based, header is line 1).
func (sr *seriesReader) date(r []string, row int) (time.Time, error) {
	if sr.dateCol >= len(r) {
		return time.Time{}, fmt.Errorf("time series %s: row %d: no date", sr.source, row)
	}
	d, err := sr.dp.Parse(r[sr.dateCol])
	if err != nil {
		return time.Time{}, fmt.Errorf("time series %s: row %d: column %q: %w", sr.source, row, strings.TrimSpace(sr.header[sr.dateCol]), err)
	}
	return d, nil
}

func (sr *seriesReader) wide(rows [][]string) (*analysis.Series, []Note, error) {
	var cols []int
	for i, h := range sr.header {
		name := strings.TrimSpace(h)
		if i == sr.dateCol || name == "" || seriesMetaColumns[strings.ToLower(name)] {
			continue
		}
		cols = append(cols, i)
	}
	if len(cols) == 0 {
		return nil, nil, fmt.Errorf("time series %s: no transect columns (columns: %s)", sr.source, strings.Join(sr.header, ", "))
	}
	s := &analysis.Series{Source: sr.source}
	for _, c := range cols {
		s.Transects = append(s.Transects, strings.TrimSpace(sr.header[c]))
	}
	if err := checkUniqueIDs(sr.source, s.Transects); err != nil {
		return nil, nil, err
	}
	byDate := make(map[time.Time]int)
	for ri, r := range rows[1:] {
		row := ri + 2
		d, err := sr.date(r, row)
		if err != nil {
			return nil, nil, err
		}
		vals := make([]float64, len(cols))
		for k, c := range cols {
			vals[k] = math.NaN()
			if c >= len(r) {
				continue
			}
			v, ok := parseChainage(r[c])
			if !ok {
				sr.badCell(row, c, r[c])
				continue
			}
			vals[k] = v
		}
		if prev, ok := byDate[d]; ok {
			if !sameValues(s.Chainage[prev], vals) {
				return nil, nil, fmt.Errorf("time series %s: row %d: date %s is also on an earlier row with other values; two shorelines of one date would count twice", sr.source, row, d.Format(time.RFC3339))
			}
			sr.notes = append(sr.notes, Note{Kind: Duplicate, File: sr.source, Feature: -1, Row: row,
				Message: fmt.Sprintf("repeats an earlier row of %s: read once", d.Format(time.RFC3339))})
			continue
		}
		byDate[d] = len(s.Dates)
		s.Dates = append(s.Dates, d)
		s.Chainage = append(s.Chainage, vals)
	}
	return s, sr.notes, nil
}

func (sr *seriesReader) long(rows [][]string, tCol, cCol int) (*analysis.Series, []Note, error) {
	type obs struct {
		t    time.Time
		id   int
		dist float64
		row  int
	}
	var all []obs
	ids := map[string]int{}
	var order []string
	for ri, r := range rows[1:] {
		row := ri + 2
		if tCol >= len(r) || cCol >= len(r) {
			return nil, nil, fmt.Errorf("time series %s: row %d: too few columns", sr.source, row)
		}
		d, err := sr.date(r, row)
		if err != nil {
			return nil, nil, err
		}
		id := strings.TrimSpace(r[tCol])
		if id == "" {
			return nil, nil, fmt.Errorf("time series %s: row %d: column %q: no transect id", sr.source, row, strings.TrimSpace(sr.header[tCol]))
		}
		v, ok := parseChainage(r[cCol])
		if !ok {
			sr.badCell(row, cCol, r[cCol])
			continue
		}
		if math.IsNaN(v) {
			continue
		}
		k, seen := ids[id]
		if !seen {
			k = len(order)
			ids[id] = k
			order = append(order, id)
		}
		all = append(all, obs{d, k, v, row})
	}
	s := &analysis.Series{Source: sr.source, Transects: order}
	sort.SliceStable(all, func(i, j int) bool { return all[i].t.Before(all[j].t) })
	byDate := map[time.Time]int{}
	rowOf := map[[2]int]int{} // (date index, transect) → the row that set it
	for _, o := range all {
		di, ok := byDate[o.t]
		if !ok {
			di = len(s.Dates)
			byDate[o.t] = di
			s.Dates = append(s.Dates, o.t)
			row := make([]float64, len(order))
			for k := range row {
				row[k] = math.NaN()
			}
			s.Chainage = append(s.Chainage, row)
		}
		if prev := s.Chainage[di][o.id]; !math.IsNaN(prev) {
			first := rowOf[[2]int{di, o.id}]
			if prev != o.dist {
				return nil, nil, fmt.Errorf("time series %s: rows %d and %d: transect %s has two chainages (%g, %g m) on %s",
					sr.source, first, o.row, order[o.id], prev, o.dist, o.t.Format(time.RFC3339))
			}
			sr.notes = append(sr.notes, Note{Kind: Duplicate, File: sr.source, Feature: -1, Row: o.row,
				Message: fmt.Sprintf("repeats row %d (transect %s, %s): read once", first, order[o.id], o.t.Format(time.RFC3339))})
			continue
		}
		s.Chainage[di][o.id] = o.dist
		rowOf[[2]int{di, o.id}] = o.row
	}
	return s, sr.notes, nil
}

// sameValues reports whether two rows hold the same chainages, gaps included.
func sameValues(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func checkUniqueIDs(source string, ids []string) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return fmt.Errorf("time series %s: transect column %q appears twice", source, id)
		}
		seen[id] = true
	}
	return nil
}

// parseChainage reads one cell; an empty cell or "nan" is a gap (NaN, true), anything
// else that is not a finite number is unusable (false).
func parseChainage(cell string) (float64, bool) {
	cell = strings.TrimSpace(cell)
	if cell == "" || strings.EqualFold(cell, "nan") {
		return math.NaN(), true
	}
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// MergeSeries combines series of different transects (CoastSat writes one file per
// transect in SDS_Benchmark) into one, aligned on their dates. A transect in more than
// one series is an error: its observations would be counted twice.
func MergeSeries(all ...*analysis.Series) (*analysis.Series, error) {
	if len(all) == 0 {
		return nil, errors.New("no time series")
	}
	if len(all) == 1 {
		return all[0], nil
	}
	var sources []string
	out := &analysis.Series{}
	col := map[string]int{}
	from := map[string]string{}
	byDate := map[time.Time]int{}
	for _, s := range all {
		sources = append(sources, s.Source)
		for _, id := range s.Transects {
			if _, dup := col[id]; dup {
				return nil, fmt.Errorf("time series %s: transect %s is also in %s; its observations would count twice", s.Source, id, from[id])
			}
			col[id] = len(out.Transects)
			from[id] = s.Source
			out.Transects = append(out.Transects, id)
		}
		for _, d := range s.Dates {
			if _, ok := byDate[d]; !ok {
				byDate[d] = len(out.Dates)
				out.Dates = append(out.Dates, d)
			}
		}
	}
	sort.Slice(out.Dates, func(i, j int) bool { return out.Dates[i].Before(out.Dates[j]) })
	for i, d := range out.Dates {
		byDate[d] = i
	}
	out.Chainage = make([][]float64, len(out.Dates))
	for i := range out.Chainage {
		row := make([]float64, len(out.Transects))
		for k := range row {
			row[k] = math.NaN()
		}
		out.Chainage[i] = row
	}
	for _, s := range all {
		for di, d := range s.Dates {
			for k, id := range s.Transects {
				if v := s.Chainage[di][k]; !math.IsNaN(v) {
					out.Chainage[byDate[d]][col[id]] = v
				}
			}
		}
	}
	out.Source = strings.Join(sources, ", ")
	return out, nil
}
