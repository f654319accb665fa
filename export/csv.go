// Package export writes analysis results as the flat files people pass around: a run's
// transects.csv and admin_change.csv, and the at-risk lists civil protection asks for
// (package plan computes them) as CSV with an HXL row, XLSX, GeoJSON and KML, all from one
// definition of their columns (AtRiskColumns). Writers write to an io.Writer; they open no
// file.
//
// Every writer is deterministic: the same Result or List gives the same bytes. Undefined
// values (NaN statistics, unknown census figures) are empty cells, never 0 or "NaN".
// Coordinates are WGS84 lon/lat in degrees, distances metres, rates metres per year.
//
// A synthetic run (analysis.Provenance.Synthetic) says so in every list and plan: the
// caveats carry it, and the column data_synthetic beside run_id does for readers that
// see no caveat (a strict CSV reader, a row copied out). transects.csv and
// admin_change.csv keep their DSAS-like columns, which tools read by position and name:
// the SYNTHETIC.txt that tasi demo writes beside them is their notice.
package export

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// TransectHeader is the header of transects.csv.
var TransectHeader = []string{
	"transect_id", "pcode", "lon", "lat", "azimuth", "n", "date_first", "date_last",
	"SCE", "NSM", "EPR", "EPRunc", "LRR", "LR2", "LSE", "LCI", "WLR", "WR2", "WSE", "WCI",
}

// AdminChangeHeader is the header of admin_change.csv.
var AdminChangeHeader = []string{
	"pcode", "name", "n_transects", "coast_km", "mean_LRR", "median_LRR", "min_LRR", "max_LRR",
	"mean_EPR", "mean_NSM", "pct_eroding", "pct_accreting", "pct_sig_eroding", "pct_sig_accreting",
	"mean_LRR_unc", "area_lost_m2", "area_gained_m2", "population", "households",
}

// Option changes how a writer of this package writes.
type Option func(*options)

type options struct {
	progress func(analysis.Progress)
}

// WithProgress makes a writer call fn as it writes rows, with the file's usual name as
// Step ("transects.csv") and its rows as Done and Total: at the start, at the end and a
// few hundred times in between at most, on the writer's goroutine.
func WithProgress(fn func(analysis.Progress)) Option {
	return func(o *options) { o.progress = fn }
}

// rowReporter reports the progress of one file.
type rowReporter struct {
	fn    func(analysis.Progress)
	step  string
	total int
}

func newRowReporter(step string, total int, opts []Option) rowReporter {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	r := rowReporter{fn: o.progress, step: step, total: total}
	r.wrote(0)
	return r
}

// wrote reports done rows after every 0.5 % of them and the last.
func (r rowReporter) wrote(done int) {
	if every := min(max(r.total/200, 1), 1000); r.fn != nil && (done%every == 0 || done == r.total) {
		r.fn(analysis.Progress{Step: r.step, Done: done, Total: r.total})
	}
}

// TransectsCSV writes one row per transect: its id, admin unit, origin in WGS84, azimuth,
// and every DSAS statistic. Distances are in metres, rates in metres per year.
func TransectsCSV(w io.Writer, r *analysis.Result, opts ...Option) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(TransectHeader); err != nil {
		return err
	}
	progress := newRowReporter("transects.csv", len(r.Transects), opts)
	for i, t := range r.Transects {
		ll := r.Zone.Inverse(t.Origin)
		s := t.Stats
		pcode := ""
		if t.Unit >= 0 {
			pcode = r.Units[t.Unit].Unit.Code
		}
		row := []string{
			t.Label, pcode, num(ll[0], 6), num(ll[1], 6), num(t.Azimuth, 1), strconv.Itoa(s.N),
			date(s.First), date(s.Last),
			num(s.SCE, 2), num(s.NSM, 2), num(s.EPR, 3), num(s.EPRunc, 3),
			num(s.LRR, 3), num(s.LR2, 4), num(s.LSE, 2), num(s.LCI, 3),
			num(s.WLR, 3), num(s.WR2, 4), num(s.WSE, 2), num(s.WCI, 3),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		progress.wrote(i + 1)
	}
	cw.Flush()
	return cw.Error()
}

// AdminChangeCSV writes one row per admin unit that has transects.
func AdminChangeCSV(w io.Writer, r *analysis.Result, opts ...Option) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(AdminChangeHeader); err != nil {
		return err
	}
	progress := newRowReporter("admin_change.csv", len(r.Units), opts)
	for i, u := range r.Units {
		row := []string{
			u.Unit.Code, u.Unit.Name, strconv.Itoa(u.Transects), num(u.CoastKm, 3),
			num(u.MeanLRR, 3), num(u.MedianLRR, 3), num(u.MinLRR, 3), num(u.MaxLRR, 3),
			num(u.MeanEPR, 3), num(u.MeanNSM, 2),
			num(u.PctEroding, 1), num(u.PctAccreting, 1), num(u.PctSigEroding, 1), num(u.PctSigAccreting, 1),
			num(u.MeanLRRUnc, 3), num(u.AreaLost, 0), num(u.AreaGained, 0),
			count(u.Unit.Population), count(u.Unit.Households),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
		progress.wrote(i + 1)
	}
	cw.Flush()
	return cw.Error()
}

// num formats v with a fixed number of decimals, or as an empty cell when undefined.
func num(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if s[0] == '-' && isZero(s[1:]) { // -0.000 is 0
		return s[1:]
	}
	return s
}

func isZero(s string) bool {
	for _, c := range s {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// count formats a census figure; negative means unknown.
func count(n int) string {
	if n < 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// date formats a date as YYYY-MM-DD, or RFC 3339 when it carries a time of day.
func date(t time.Time) string {
	switch {
	case t.IsZero():
		return ""
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0:
		return t.Format("2006-01-02")
	default:
		return t.Format(time.RFC3339)
	}
}
