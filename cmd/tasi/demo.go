package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/internal/fileset"
)

// demoConfig is what `tasi demo` is told.
type demoConfig struct {
	dir        string
	seed       uint64
	start, end int
	perYear    float64
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c demoConfig
	fs.StringVar(&c.dir, "dir", "demo", "folder for the synthetic shorelines, the truth and the results")
	d := demo.DefaultConfig()
	fs.Uint64Var(&c.seed, "seed", d.Seed, "seed of the synthetic shorelines and rate field")
	fs.IntVar(&c.start, "start", d.Start, "first year of shorelines")
	fs.IntVar(&c.end, "end", d.End, "last year of shorelines")
	fs.Float64Var(&c.perYear, "per-year", d.PerYear, "mean number of shorelines per year")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.end <= c.start {
		return fmt.Errorf("demo: --end %d must be after --start %d", c.end, c.start)
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintln(e.stdout, demo.Notice)
	fmt.Fprintln(e.stdout)

	step := time.Now()
	series, err := demo.TimorLeste(demo.Config{Seed: c.seed, Start: c.start, End: c.end, PerYear: c.perYear})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	in := series.Input()
	shorePath := filepath.Join(c.dir, "shorelines.gpkg")
	if err := writeSyntheticShorelines(shorePath, in.Shorelines); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "SYNTHETIC.txt"), []byte(demo.Notice+"\n"), 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	e.log.Info("generated synthetic shorelines", "count", len(in.Shorelines), "from", c.start, "to", c.end,
		"seed", c.seed, "file", shorePath, "took", since(step))

	ac, err := parseAnalyzeArgs(e, []string{
		"--shorelines", shorePath,
		"--uncertainty-field", "uncertainty",
		"--out", filepath.Join(c.dir, "results.gpkg"),
		"--csv-dir", c.dir,
	})
	if err != nil {
		return err
	}
	res, err := analyze(ctx, e, ac)
	if err != nil {
		return interrupted(ctx, err)
	}
	errs, err := writeTruth(filepath.Join(c.dir, "truth.csv"), res, series)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	reportRecovery(e.stdout, errs)
	return nil
}

// recovery holds |recovered − true| per transect for LRR and WLR.
type recovery struct{ lrr, wlr []float64 }

// writeTruth writes the true rate at every transect beside the recovered ones.
func writeTruth(path string, res *analysis.Result, series *demo.Series) (recovery, error) {
	var rec recovery
	err := writeFile(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"transect_id", "lon", "lat", "true_rate", "LRR", "WLR", "LRR_error", "WLR_error"})
		f := func(v float64) string {
			if math.IsNaN(v) {
				return ""
			}
			return strconv.FormatFloat(v, 'f', 3, 64)
		}
		for _, t := range res.Transects {
			truth := series.Truth(t.BaselinePoint())
			ll := res.Zone.Inverse(t.Origin)
			el, ew := t.Stats.LRR-truth, t.Stats.WLR-truth
			if !math.IsNaN(el) {
				rec.lrr = append(rec.lrr, math.Abs(el))
			}
			if !math.IsNaN(ew) {
				rec.wlr = append(rec.wlr, math.Abs(ew))
			}
			cw.Write([]string{t.Label, f(ll[0]), f(ll[1]), f(truth), f(t.Stats.LRR), f(t.Stats.WLR), f(el), f(ew)})
		}
		cw.Flush()
		return cw.Error()
	})
	return rec, err
}

func reportRecovery(w io.Writer, r recovery) {
	fmt.Fprintf(w, "\nRecovered rates against the synthetic truth (%d transects with a rate):\n", len(r.lrr))
	for _, s := range []struct {
		name string
		v    []float64
	}{{"LRR", r.lrr}, {"WLR", r.wlr}} {
		if len(s.v) == 0 {
			continue
		}
		fmt.Fprintf(w, "  |%s − truth|: median %.3f m/yr, 95th percentile %.3f m/yr\n", s.name, quantile(s.v, 0.5), quantile(s.v, 0.95))
	}
	fmt.Fprintln(w, "  (synthetic shorelines: see SYNTHETIC.txt)")
}

// quantile is the q-quantile of v by linear interpolation (v is sorted in place).
func quantile(v []float64, q float64) float64 {
	sort.Float64s(v)
	pos := q * float64(len(v)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (pos-float64(lo))*(v[lo+1]-v[lo])
}

// writeSyntheticShorelines writes the shorelines in WGS84 with their date and uncertainty,
// as any user's shoreline file would arrive, and marks every feature synthetic (the field
// input.SyntheticField = 1): the file outlives this command, is analyzed again by CI,
// benchmarks and people, and SYNTHETIC.txt beside it travels less well than a field, which
// survives conversion to any vector format.
func writeSyntheticShorelines(path string, ss []analysis.Shoreline) error {
	set, err := fileset.Begin(path)
	if err != nil {
		return err
	}
	defer set.Abort()
	g, err := ogr.CreateGeoPackage(set.Temp(path))
	if err != nil {
		return err
	}
	lw, err := g.CreateLayer("shorelines", 4326, ogr.MultiLineString, []ogr.FieldDef{
		{Name: "date", Type: ogr.Date},
		{Name: "uncertainty", Type: ogr.Real},
		{Name: input.SyntheticField, Type: ogr.Integer},
	})
	if err != nil {
		g.Close()
		return err
	}
	for _, s := range ss {
		if err := lw.Write(s.Geometry, s.Date, s.Uncertainty, int64(1)); err != nil {
			g.Close()
			return err
		}
	}
	if err := g.Close(); err != nil {
		return err
	}
	return set.Commit()
}
