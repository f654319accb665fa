package analysis

import (
	"fmt"
	"strings"
)

// seriesColumns returns, for each given transect, the column of s holding its chainages
// (-1 when s has none). A column matches the transect with the same id, or else the one
// whose id is the column after a non-numeric prefix (SDS_Benchmark's survey files name
// profile PF1 just "1").
//
// Matching is by id only, never by position, and a mismatch is an error rather than a
// quiet wrong answer: a transect without an id, a column that matches no transect (0-based
// feature ids against columns 1..5 would put each series on its neighbour), or a column
// that could belong to two transects.
func seriesColumns(s *Series, ts []GivenTransect) ([]int, error) {
	cols := make([]int, len(ts))
	byID := make(map[string]int, len(ts))
	byNumber := make(map[string][]int)
	for i, t := range ts {
		cols[i] = -1
		if strings.TrimSpace(t.ID) == "" {
			return nil, fmt.Errorf("time series %s: transect %d has no id to match the series' columns by", s.Source, i+1)
		}
		byID[t.ID] = i
		if n := strings.TrimLeftFunc(t.ID, func(r rune) bool { return r < '0' || r > '9' }); n != "" && n != t.ID {
			byNumber[n] = append(byNumber[n], i)
		}
	}
	var unmatched []string
	for c, name := range s.Transects {
		ti, ok := byID[name]
		if !ok {
			switch cands := byNumber[name]; len(cands) {
			case 0:
				unmatched = append(unmatched, name)
				continue
			case 1:
				ti = cands[0]
			default:
				return nil, fmt.Errorf("time series %s: column %q could be transect %s or %s; name the columns by the full transect id",
					s.Source, name, ts[cands[0]].ID, ts[cands[1]].ID)
			}
		}
		if cols[ti] >= 0 {
			return nil, fmt.Errorf("time series %s: columns %q and %q both match transect %s", s.Source, s.Transects[cols[ti]], name, ts[ti].ID)
		}
		cols[ti] = c
	}
	if len(unmatched) > 0 {
		ids := make([]string, 0, 6)
		for _, t := range ts[:min(len(ts), 6)] {
			ids = append(ids, t.ID)
		}
		more := ""
		if len(ts) > 6 {
			more = ", …"
		}
		return nil, fmt.Errorf("time series %s: %s %s no transect (transect ids: %s%s); series are matched to transects by id, never by position",
			s.Source, plural(len(unmatched), "column", "columns"), quoteList(unmatched, 10)+verb(len(unmatched)), strings.Join(ids, ", "), more)
	}
	return cols, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func verb(n int) string {
	if n == 1 {
		return " matches"
	}
	return " match"
}

// quoteList quotes up to max names, then says how many more there are.
func quoteList(names []string, max int) string {
	q := make([]string, 0, max+1)
	for _, n := range names[:min(len(names), max)] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	if len(names) > max {
		q = append(q, fmt.Sprintf("and %d more", len(names)-max))
	}
	return strings.Join(q, ", ")
}
