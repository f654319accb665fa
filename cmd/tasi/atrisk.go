package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/gpkg"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/internal/fileset"
	"github.com/tasi-gis/tasi/plan"
)

// atRiskConfig is what `tasi at-risk` is told.
type atRiskConfig struct {
	gpkg, db, run           string
	forecast                forecastFlags
	forecastSet             bool // a forecast flag was given: not the run's stored settings
	horizon                 string
	confidence              float64
	municipality            string
	minProbability          float64
	format, out             string
	communities, population string
	nameField, codeField    string
	assumeCRS               string
}

func runAtRisk(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("at-risk", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c atRiskConfig
	registerRunFlags(fs, &c)
	fs.StringVar(&c.horizon, "horizon", "", "the horizon of the list: years after the reference date (20) or a calendar year (2045); default the middle horizon")
	fs.StringVar(&c.municipality, "municipality", "", "keep one municipality, by P-code (TL01)")
	fs.Float64Var(&c.minProbability, "min-probability", 0, "keep communities reached by the horizon with at least this probability (0 to 1)")
	fs.StringVar(&c.format, "format", "csv", "csv (with an HXL row), xlsx, geojson or kml")
	fs.StringVar(&c.out, "out", "", "the file to write; - for standard output (default: a name from the horizon and filter)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi at-risk --gpkg results.gpkg|--db URL [flags]\n\nList the communities the forecast shoreline reaches, with their people, households and probability.\n\nFlags:")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("at-risk: unexpected argument %q", fs.Arg(0))
	}
	markForecastSet(fs, &c)
	list, scope, err := atRiskList(ctx, e, c)
	if err != nil {
		return fmt.Errorf("at-risk: %w", err)
	}
	format, err := export.ParseFormat(c.format)
	if err != nil {
		return fmt.Errorf("at-risk: --format: %w", err)
	}
	if c.out == "-" {
		return format.WriteAtRisk(e.stdout, list)
	}
	if c.out == "" {
		c.out = format.FileName(list, scope)
	}
	// Written whole or not at all: an interrupted export leaves an earlier list as it was.
	set, err := fileset.Begin(c.out)
	if err != nil {
		return fmt.Errorf("at-risk: %w", err)
	}
	defer set.Abort()
	if err := writeFile(set.Temp(c.out), func(w io.Writer) error { return format.WriteAtRisk(w, list) }); err != nil {
		return fmt.Errorf("at-risk: write %s: %w", c.out, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("at-risk: interrupted: %s left as it was: %w", c.out, err)
	}
	if err := set.Commit(); err != nil {
		return fmt.Errorf("at-risk: write %s: %w", c.out, err)
	}
	e.log.Info("wrote at-risk list", "file", c.out, "communities", len(list.Rows), "horizon", list.Horizons[list.Selected].Year())
	return nil
}

// atRiskList builds the list c asks for; scope names its filter for the file name.
func atRiskList(ctx context.Context, e *env, c atRiskConfig) (*plan.List, string, error) {
	as, err := assessRun(ctx, e, c)
	if err != nil {
		return nil, "", err
	}
	selected, err := plan.ParseHorizon(c.horizon, as.forecast.RefDate, as.forecast.Horizons)
	if err != nil {
		if errors.Is(err, plan.ErrHorizon) {
			return nil, "", fmt.Errorf("--horizon %s: %w; add it to --horizons", c.horizon, err)
		}
		return nil, "", fmt.Errorf("--horizon %q: %w", c.horizon, err)
	}
	list, err := as.assessment.List(plan.ListOptions{
		Horizon: as.forecast.Horizons[selected].Years, Municipality: c.municipality, MinProbability: c.minProbability,
	})
	if err != nil {
		return nil, "", err
	}
	e.log.Info("assessed communities", "communities", len(as.inputs.Communities), "at_risk", len(list.Rows),
		"horizon", as.forecast.Horizons[list.Selected].Year(), "zones", as.assessment.Zones, "took", since(as.started))
	return list, c.municipality, nil
}

// assessed is a run read, forecast and assessed as c asks: what the at-risk lists and the
// relocation plans are made from.
type assessed struct {
	res        *analysis.Result
	forecast   *plan.Forecast
	inputs     plan.Inputs
	assessment *plan.Assessment
	started    time.Time // when the assessment began, for the log
}

// assessRun reads the run c names, forecasts it (with the run's stored settings unless
// forecast flags were given) and assesses the communities against it. A bad horizon
// flag fails before the communities are read.
func assessRun(ctx context.Context, e *env, c atRiskConfig) (assessed, error) {
	opt, err := c.forecastOptions() // a bad flag fails before the run is read
	if err != nil {
		return assessed{}, err
	}
	stored, runID, err := loadRun(ctx, c)
	if err != nil {
		return assessed{}, err
	}
	res, prov := stored.res, stored.prov
	if !c.forecastSet {
		// The settings the run's hazard zones were built with, as tasi serve lists it.
		conf := opt.Confidence
		opt = forecastOptions(stored)
		if conf != 0 {
			opt.Confidence = conf
		}
	}
	if opt.Confidence == 0 { // the run's level, as analyze was told it
		opt.Confidence = plan.RunConfidence(prov)
	}
	f, err := plan.NewForecast(res, opt)
	if err != nil {
		return assessed{}, err
	}
	if _, err := plan.ParseHorizon(c.horizon, f.RefDate, f.Horizons); err != nil {
		if errors.Is(err, plan.ErrHorizon) {
			return assessed{}, fmt.Errorf("--horizon %s: %w; add it to --horizons", c.horizon, err)
		}
		return assessed{}, fmt.Errorf("--horizon %q: %w", c.horizon, err)
	}
	step := time.Now()
	ref, err := data.TimorLeste()
	if err != nil {
		return assessed{}, fmt.Errorf("load bundled data: %w", err)
	}
	in, notes, err := input.PlanInputs(ctx, res, runID, prov, input.PlanSources{
		Communities: c.communities, Fields: input.CommunityFields{Name: c.nameField, Code: c.codeField},
		AssumeCRS: c.assumeCRS, Population: c.population,
	}, ref)
	for _, n := range notes {
		e.log.Warn(n.String())
	}
	if errors.Is(err, input.ErrNoCommunities) {
		return assessed{}, fmt.Errorf("%w (--communities)", err)
	}
	if err != nil {
		return assessed{}, err
	}
	a, err := plan.NewAssessment(ctx, res, f, in)
	if err != nil {
		return assessed{}, err
	}
	return assessed{res: res, forecast: f, inputs: in, assessment: a, started: step}, nil
}

// loadRun reads the run c names from a GeoPackage or the database, with its id.
func loadRun(ctx context.Context, c atRiskConfig) (storedRun, string, error) {
	if c.gpkg != "" {
		if c.db != "" {
			return storedRun{}, "", errors.New("give --gpkg or --db, not both")
		}
		r, err := gpkg.ReadRun(ctx, c.gpkg)
		if err != nil {
			return storedRun{}, "", err
		}
		id := strconv.FormatInt(gpkgRunRecord(r).ID, 10)
		return storedRun{res: r.Result, prov: r.Provenance, forecast: withoutZones(r.Hazard)}, id, nil
	}
	url := databaseURL(c.db)
	if url == "" || url == "none" {
		return storedRun{}, "", fmt.Errorf("give a run: --gpkg results.gpkg, or --db URL (or $%s)", envDatabaseURL)
	}
	s, err := openStore(ctx, "at-risk", url)
	if err != nil {
		return storedRun{}, "", err
	}
	defer s.Close()
	var id int64
	if c.run == "" || c.run == "latest" {
		runs, err := s.Runs(ctx)
		if err != nil {
			return storedRun{}, "", err
		}
		for _, r := range runs {
			if r.Status == postgis.Succeeded {
				id = r.ID
				break
			}
		}
		if id == 0 {
			return storedRun{}, "", errors.New("the database holds no run that succeeded")
		}
	} else if id, err = strconv.ParseInt(c.run, 10, 64); err != nil || id <= 0 {
		return storedRun{}, "", fmt.Errorf("--run %q: want a run id or latest", c.run)
	}
	run, err := postgisRunReader(s)(ctx, id)
	return run, strconv.FormatInt(id, 10), err
}

// forecastOptions turns the flags into plan.Options.
func (c atRiskConfig) forecastOptions() (plan.Options, error) {
	opt, err := c.forecast.options()
	if err != nil {
		return opt, err
	}
	if c.confidence != 0 {
		if !(c.confidence >= 50 && c.confidence < 100) {
			return opt, fmt.Errorf("--confidence %g: the level is in percent, from 50 to below 100 (90 for 90 %%)", c.confidence)
		}
		opt.Confidence = c.confidence / 100
	}
	return opt, nil
}

// registerRunFlags adds the flags that name a run and how its communities are assessed:
// the run's stored forecast settings unless forecast flags are given (as tasi serve
// lists), the bundled communities and population grid unless others are given.
func registerRunFlags(fs *flag.FlagSet, c *atRiskConfig) {
	fs.StringVar(&c.gpkg, "gpkg", "", "the results GeoPackage of a run (tasi analyze --out)")
	fs.StringVar(&c.db, "db", "", "the PostGIS database of runs (default $"+envDatabaseURL+" when --gpkg is not given)")
	fs.StringVar(&c.run, "run", "latest", "the run in the database: its id, or latest")
	c.forecast.register(fs)
	fs.Float64Var(&c.confidence, "confidence", 0, "confidence level in percent of the forecast band (default: the run's, 90)")
	fs.StringVar(&c.communities, "communities", "", "a point layer of communities (default: the bundled gazetteer localities)")
	fs.StringVar(&c.nameField, "community-name-field", "", "the community layer's name field (default: name, place_name, …)")
	fs.StringVar(&c.codeField, "community-code-field", "", "the community layer's code field (default: code, pcode, id)")
	fs.StringVar(&c.population, "population", "", "a population grid, people per cell (default: the bundled WorldPop 100 m grid of Timor-Leste)")
	fs.StringVar(&c.assumeCRS, "assume-crs", "", "CRS of input layers that declare none (EPSG:4326)")
}

// markForecastSet records whether a forecast flag was given, so that the run's stored
// forecast settings are used otherwise.
func markForecastSet(fs *flag.FlagSet, c *atRiskConfig) {
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "horizons", "ref-date", "rate", "setback":
			c.forecastSet = true
		}
	})
}
