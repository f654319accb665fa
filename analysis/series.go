package analysis

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
)

// ReadSeries reads a CoastSat transect time series. Two layouts are understood:
//
//   - wide, as CoastSat writes it: a "dates" column and one numeric column per transect
//     (an unnamed index column and text columns such as "satname" are ignored);
//   - long, as survey ground truth often comes: columns "transect", a date column
//     ("date", "dates" or "date_utc") and a chainage column ("chainage", "chainage_m" or
//     "distance").
//
// Values are chainages in metres from the transect origin; empty cells and "nan" are gaps.
func ReadSeries(r io.Reader, source string, dp DateParser) (*Series, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("time series %s: %w", source, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("time series %s: no data rows", source)
	}
	header := rows[0]
	col := func(names ...string) int {
		for i, h := range header {
			for _, n := range names {
				if strings.EqualFold(strings.TrimSpace(h), n) {
					return i
				}
			}
		}
		return -1
	}
	dateCol := col("dates", "date", "date_utc", "datetime", "time")
	if dateCol < 0 {
		return nil, fmt.Errorf("time series %s: no dates column (looked for dates, date, date_utc)", source)
	}
	if tc, cc := col("transect", "transect_id"), col("chainage", "chainage_m", "distance"); tc >= 0 && cc >= 0 {
		return readLongSeries(rows, source, dp, dateCol, tc, cc)
	}
	return readWideSeries(rows, source, dp, dateCol)
}

func readWideSeries(rows [][]string, source string, dp DateParser, dateCol int) (*Series, error) {
	header := rows[0]
	// A transect column is any named column other than the dates whose cells are numbers.
	var cols []int
	for i, h := range header {
		if i == dateCol || strings.TrimSpace(h) == "" {
			continue
		}
		numeric := true
		for _, r := range rows[1:] {
			if i < len(r) {
				if _, ok := parseChainage(r[i]); !ok {
					numeric = false
					break
				}
			}
		}
		if numeric {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("time series %s: no numeric transect columns", source)
	}
	s := &Series{Source: source}
	for _, c := range cols {
		s.Transects = append(s.Transects, strings.TrimSpace(header[c]))
	}
	for ri, r := range rows[1:] {
		if dateCol >= len(r) {
			return nil, fmt.Errorf("time series %s: row %d: no date", source, ri+2)
		}
		d, err := dp.Parse(r[dateCol])
		if err != nil {
			return nil, fmt.Errorf("time series %s: row %d: %w", source, ri+2, err)
		}
		vals := make([]float64, len(cols))
		for k, c := range cols {
			vals[k] = math.NaN()
			if c < len(r) {
				vals[k], _ = parseChainage(r[c])
			}
		}
		s.Dates = append(s.Dates, d)
		s.Chainage = append(s.Chainage, vals)
	}
	return s, nil
}

func readLongSeries(rows [][]string, source string, dp DateParser, dateCol, tCol, cCol int) (*Series, error) {
	type obs struct {
		t    time.Time
		id   string
		dist float64
	}
	var all []obs
	ids := map[string]int{}
	var order []string
	for ri, r := range rows[1:] {
		if dateCol >= len(r) || tCol >= len(r) || cCol >= len(r) {
			return nil, fmt.Errorf("time series %s: row %d: too few columns", source, ri+2)
		}
		d, err := dp.Parse(r[dateCol])
		if err != nil {
			return nil, fmt.Errorf("time series %s: row %d: %w", source, ri+2, err)
		}
		v, ok := parseChainage(r[cCol])
		if !ok {
			return nil, fmt.Errorf("time series %s: row %d: chainage %q is not a number", source, ri+2, r[cCol])
		}
		id := strings.TrimSpace(r[tCol])
		if _, seen := ids[id]; !seen {
			ids[id] = len(order)
			order = append(order, id)
		}
		all = append(all, obs{d, id, v})
	}
	s := &Series{Source: source, Transects: order}
	byDate := map[time.Time]int{}
	sort.SliceStable(all, func(i, j int) bool { return all[i].t.Before(all[j].t) })
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
		s.Chainage[di][ids[o.id]] = o.dist
	}
	return s, nil
}

// parseChainage reads one cell; an empty cell or "nan" is a gap (NaN, true).
func parseChainage(cell string) (float64, bool) {
	cell = strings.TrimSpace(cell)
	if cell == "" || strings.EqualFold(cell, "nan") {
		return math.NaN(), true
	}
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// MergeSeries combines series of different transects (CoastSat writes one file per
// transect in SDS_Benchmark) into one, aligned on their dates.
func MergeSeries(all ...*Series) (*Series, error) {
	if len(all) == 0 {
		return nil, errors.New("no time series")
	}
	if len(all) == 1 {
		return all[0], nil
	}
	var sources []string
	out := &Series{}
	col := map[string]int{}
	byDate := map[time.Time]int{}
	for _, s := range all {
		sources = append(sources, s.Source)
		for _, id := range s.Transects {
			if _, dup := col[id]; dup {
				return nil, fmt.Errorf("time series %s: transect %s appears in more than one file", s.Source, id)
			}
			col[id] = len(out.Transects)
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

// seriesColumn finds the series column of a transect id: the same id, or the same after
// dropping a non-numeric prefix (SDS_Benchmark's survey files name profile PF1 just "1").
func seriesColumn(s *Series, id string) int {
	for c, name := range s.Transects {
		if name == id {
			return c
		}
	}
	trimmed := strings.TrimLeftFunc(id, func(r rune) bool { return r < '0' || r > '9' })
	if trimmed == "" || trimmed == id {
		return -1
	}
	for c, name := range s.Transects {
		if name == trimmed {
			return c
		}
	}
	return -1
}
