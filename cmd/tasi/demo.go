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

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/synthetic"
	"github.com/tasi-gis/tasi/vector/utm"
)

// syntheticNotice is printed with every demo and written next to its files.
const syntheticNotice = `THE DEMO SHORELINES ARE SYNTHETIC. There is no public time series of satellite-derived
shorelines for Timor-Leste, so tasi generated one from a seed on the real COD-AB coastline,
with a known rate field. The rates below measure how well tasi recovers that field; they
say nothing about the real coast of Timor-Leste.`

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
	fs.Uint64Var(&c.seed, "seed", 20261122, "seed of the synthetic shorelines and rate field")
	fs.IntVar(&c.start, "start", 1987, "first year of shorelines")
	fs.IntVar(&c.end, "end", 2024, "last year of shorelines")
	fs.Float64Var(&c.perYear, "per-year", 1, "mean number of shorelines per year")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.end <= c.start {
		return fmt.Errorf("demo: --end %d must be after --start %d", c.end, c.start)
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	fmt.Fprintln(e.stdout, syntheticNotice)
	fmt.Fprintln(e.stdout)

	step := time.Now()
	ref, err := data.TimorLeste()
	if err != nil {
		return fmt.Errorf("demo: load bundled data: %w", err)
	}
	zone, err := utm.ZoneOf(ref.Bound())
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	coast := project.MultiLineString(ref.Coastline.Clone(), zone.Forward)
	land := make([]orb.MultiPolygon, len(ref.Units))
	for i, u := range ref.Units {
		land[i] = project.MultiPolygon(u.Geometry.Clone(), zone.Forward)
	}
	rate := synthetic.DefaultRateField(coast.Bound(), c.seed)
	shorelines, err := synthetic.Generate(coast, polyindex.New(land), rate, synthetic.Options{
		Seed:        c.seed,
		Start:       time.Date(c.start, 1, 1, 0, 0, 0, 0, time.UTC),
		End:         time.Date(c.end, 12, 31, 0, 0, 0, 0, time.UTC),
		PerYear:     c.perYear,
		Noise:       8,
		NoiseLength: 500,
		Uncertainty: [2]float64{6, 15},
		CloudGap:    0.15,
		Seasonal:    5,
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	shorePath := filepath.Join(c.dir, "shorelines.gpkg")
	if err := writeSyntheticShorelines(shorePath, shorelines, zone); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, "SYNTHETIC.txt"), []byte(syntheticNotice+"\n"), 0o644); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	e.log.Info("generated synthetic shorelines", "count", len(shorelines), "from", c.start, "to", c.end,
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
		return err
	}
	errs, err := writeTruth(filepath.Join(c.dir, "truth.csv"), res, rate)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	reportRecovery(e.stdout, errs)
	return nil
}

// recovery holds |recovered − true| per transect for LRR and WLR.
type recovery struct{ lrr, wlr []float64 }

// writeTruth writes the true rate at every transect beside the recovered ones.
func writeTruth(path string, res *analysis.Result, rate synthetic.RateField) (recovery, error) {
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
			truth := synthetic.Truth(rate, t.BaselinePoint())
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
// as any user's shoreline file would arrive.
func writeSyntheticShorelines(path string, ss []synthetic.Shoreline, zone utm.Zone) error {
	tmp := path + ".tmp"
	os.Remove(tmp)
	g, err := ogr.CreateGeoPackage(tmp)
	if err != nil {
		return err
	}
	lw, err := g.CreateLayer("shorelines", 4326, ogr.MultiLineString, []ogr.FieldDef{
		{Name: "date", Type: ogr.Date},
		{Name: "uncertainty", Type: ogr.Real},
	})
	if err != nil {
		g.Close()
		return err
	}
	for _, s := range ss {
		if err := lw.Write(project.MultiLineString(s.Geometry.Clone(), zone.Inverse), s.Date, s.Uncertainty); err != nil {
			g.Close()
			return err
		}
	}
	if err := g.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
