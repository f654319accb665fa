package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/internal/fileset"
	"github.com/tasi-gis/tasi/plan"
)

// relocationConfig is what `tasi plan relocation` is told: the run and communities as
// `tasi at-risk` reads them, and the plan's own settings.
type relocationConfig struct {
	atRisk     atRiskConfig
	sites      string
	siteFields input.SiteFields
	dem        string
	opt        plan.RelocationOptions
	format     string
	out        string
}

func runPlanRelocation(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("plan relocation", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c relocationConfig
	c.opt = plan.DefaultRelocationOptions()
	a := &c.atRisk
	registerRunFlags(fs, a)
	fs.StringVar(&c.sites, "sites", "", "a polygon or point layer of candidate sites or parcels, each with an id and a capacity (people) or area (m²); default: cells of a grid over the safe land")
	fs.StringVar(&c.siteFields.Code, "site-id-field", "", "the sites layer's id field (default: code, id, site_id, …)")
	fs.StringVar(&c.siteFields.Capacity, "site-capacity-field", "", "the sites layer's capacity field, people (default: capacity, people, …)")
	fs.StringVar(&c.siteFields.Area, "site-area-field", "", "the sites layer's area field, m² (default: area_m2, area; else a polygon's own area)")
	fs.Float64Var(&c.opt.Cell, "cell", c.opt.Cell, "side of the grid cells (m) that stand for sites without --sites")
	fs.Float64Var(&c.opt.AreaPerPerson, "area-per-person", c.opt.AreaPerPerson, "usable land per person, m² (Sphere: 45 in camp-type settlements, plots included)")
	fs.Float64Var(&c.opt.CoveredPerPerson, "covered-per-person", c.opt.CoveredPerPerson, "covered living space per person, m² (Sphere: 3.5)")
	fs.StringVar(&c.dem, "dem", "", "an elevation model, m above mean sea level (any GDAL raster; another CRS is warped to EPSG:4326); without it the elevation criterion is not applied")
	fs.Float64Var(&c.opt.MinElevation, "min-elevation", c.opt.MinElevation, "least mean elevation of a site, m above mean sea level (with --dem)")
	fs.Float64Var(&c.opt.MaxSlope, "max-slope", c.opt.MaxSlope, "steepest mean slope of a site, degrees (with --dem; 5.71° is a 10 % gradient, UNHCR)")
	fs.StringVar(&c.format, "format", "csv", "csv (with an HXL row), xlsx or geojson")
	fs.StringVar(&c.out, "out", "", "the file to write; - for standard output (default: tasi-relocation-<year>.<format>)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi plan relocation --gpkg results.gpkg|--db URL [flags]\n\nList up to three candidate relocation sites for each community at risk by the longest horizon:\nin its suco, then its posto, outside every hazard zone, with their capacity (and elevation with --dem).\n\nFlags:")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("plan relocation: unexpected argument %q", fs.Arg(0))
	}
	markForecastSet(fs, a)
	format, err := export.ParseFormat(c.format)
	if err == nil && format == export.KML {
		err = fmt.Errorf("%w %q for a relocation plan: want csv, xlsx or geojson", export.ErrFormat, c.format)
	}
	if err != nil {
		return fmt.Errorf("plan relocation: --format: %w", err)
	}
	if err := checkRelocationFlags(fs, c); err != nil {
		return fmt.Errorf("plan relocation: %w", err)
	}
	p, err := relocationPlan(ctx, e, c)
	if err != nil {
		return fmt.Errorf("plan relocation: %w", err)
	}
	write := func(w io.Writer) error { return export.WriteRelocation(w, format, p) }
	if c.out == "-" {
		return write(e.stdout)
	}
	if c.out == "" {
		c.out = export.RelocationFileName(format, p)
	}
	// Written whole or not at all: an interrupted or failed plan leaves an earlier one as it was.
	set, err := fileset.Begin(c.out)
	if err != nil {
		return fmt.Errorf("plan relocation: %w", err)
	}
	defer set.Abort()
	if err := writeFile(set.Temp(c.out), write); err != nil {
		return fmt.Errorf("plan relocation: write %s: %w", c.out, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("plan relocation: interrupted: %s left as it was: %w", c.out, err)
	}
	if err := set.Commit(); err != nil {
		return fmt.Errorf("plan relocation: write %s: %w", c.out, err)
	}
	e.log.Info("wrote relocation plan", "file", c.out, "communities", len(p.Rows), "horizon", p.Horizon.Year(),
		"elevation_applied", p.ElevationApplied)
	return nil
}

// checkRelocationFlags refuses flags that make no plan, before the run is read: the
// criteria of the DEM without a DEM, a cell size with a sites file.
func checkRelocationFlags(fs *flag.FlagSet, c relocationConfig) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		switch {
		case err != nil:
		case (f.Name == "min-elevation" || f.Name == "max-slope") && c.dem == "":
			err = fmt.Errorf("--%s needs --dem: without an elevation model the criterion cannot be applied", f.Name)
		case f.Name == "cell" && c.sites != "":
			err = errors.New("--cell lays a grid where there is no --sites file: give one or the other")
		}
	})
	if err != nil {
		return err
	}
	return planOptionsError(c.opt)
}

// planOptionsError checks the options as Relocate will, naming the flags.
func planOptionsError(o plan.RelocationOptions) error {
	switch {
	case !(o.Cell >= 10 && o.Cell <= 5000):
		return fmt.Errorf("--cell %g: want 10 to 5000 m", o.Cell)
	case !(o.AreaPerPerson > 0) || math.IsInf(o.AreaPerPerson, 0):
		return fmt.Errorf("--area-per-person %g: want a positive number of m²", o.AreaPerPerson)
	case !(o.CoveredPerPerson > 0 && o.CoveredPerPerson <= o.AreaPerPerson):
		return fmt.Errorf("--covered-per-person %g: want a positive number of m², no more than --area-per-person", o.CoveredPerPerson)
	case !(o.MaxSlope > 0 && o.MaxSlope <= 90):
		return fmt.Errorf("--max-slope %g: want more than 0 and at most 90 degrees", o.MaxSlope)
	}
	return nil
}

// relocationPlan assesses the run as tasi at-risk does and plans the relocation of the
// communities at risk by the longest horizon.
func relocationPlan(ctx context.Context, e *env, c relocationConfig) (*plan.RelocationPlan, error) {
	as, err := assessRun(ctx, e, c.atRisk)
	if err != nil {
		return nil, err
	}
	return relocate(ctx, e.log, as.assessment, c)
}

// relocate plans the relocation of the communities of assessment a at risk by its longest
// horizon, with c's sites, DEM and options. tasi plan relocation and tasi serve
// (runPlanner) both plan here, so that they write the same bytes for the same settings.
func relocate(ctx context.Context, log *slog.Logger, a *plan.Assessment, c relocationConfig) (*plan.RelocationPlan, error) {
	step := time.Now()
	in := plan.RelocationInputs{Zone: a.UTM, Zones: a.HazardZones, Units: a.Units}
	if c.sites != "" {
		sites, notes, err := input.ReadSites(ctx, c.sites, in.Units, c.siteFields, c.atRisk.assumeCRS)
		for _, n := range notes {
			log.Warn(n.String())
		}
		if err != nil {
			return nil, err
		}
		in.Sites, in.SitesSource = sites, c.sites
	}
	if c.dem != "" {
		bound := plan.RelocationBound(a, in.Units)
		if bound.IsZero() {
			log.Info("no community at risk by the last horizon: the DEM is not read")
		} else {
			dem, err := input.ReadDEM(ctx, c.dem, bound)
			if err != nil {
				return nil, err
			}
			in.DEM, in.DEMSource = dem, c.dem
		}
	}
	p, err := plan.Relocate(ctx, a, in, c.opt)
	if err != nil {
		return nil, err
	}
	log.Info("planned relocation", "communities", len(p.Rows), "horizon", p.Horizon.Year(), "sites", p.Sites,
		"elevation_applied", p.ElevationApplied, "took", since(step))
	return p, nil
}
