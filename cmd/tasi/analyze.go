package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/transect"
)

// analyzeConfig is everything `tasi analyze` is told on its command line.
type analyzeConfig struct {
	shorelines         []string
	layer              string
	assumeCRS          string
	maxGap             string
	strict             bool
	maxMemory          string
	dateField          string
	dateFormat         string
	uncertaintyField   string
	defaultUncertainty float64
	admin              string
	adminCodeField     string
	adminNameField     string
	land               string
	transects          string
	transectIDField    string
	origin             string
	coast              string
	series             []string
	spacing            float64
	length             float64
	smoothing          float64
	intersect          string
	band               float64
	confidence         float64
	forecast           forecastFlags
	out                string
	csvDir             string
	db                 string

	settings map[string]string // every flag and its value, for the run record
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func (c *analyzeConfig) flags(fs *flag.FlagSet) {
	d := analysis.DefaultParams()
	fs.Var((*listFlag)(&c.shorelines), "shorelines", "dated shoreline file or folder (repeatable); any OGR vector format")
	fs.StringVar(&c.layer, "layer", "", "the shoreline layer of files with several layers of lines or points (a GeoPackage)")
	fs.StringVar(&c.assumeCRS, "assume-crs", "", "CRS of inputs that declare none (a Shapefile without .prj, a CSV with WKT), e.g. EPSG:4326")
	fs.StringVar(&c.maxGap, "max-gap", "auto", "split shoreline lines at straight jumps longer than this many metres; auto: "+fmt.Sprint(input.DefaultMaxGap)+" m for CoastSat/CoastSeg files (with satname or geoaccuracy), off for others; off: never")
	fs.StringVar(&c.maxMemory, "max-memory", "auto", "refuse, before starting, a run estimated to need more memory than this (e.g. 8GB); auto: what the machine or container has available")
	fs.BoolVar(&c.strict, "strict", false, "refuse shorelines that cross themselves instead of measuring them as they are")
	fs.StringVar(&c.dateField, "date-field", "date", "shoreline attribute holding the date: ISO date or datetime, a year, or MM/DD/YYYY")
	fs.StringVar(&c.dateFormat, "date-format", "", "date layout for other forms, strftime (%d.%m.%Y) or Go (02.01.2006)")
	fs.StringVar(&c.uncertaintyField, "uncertainty-field", "", "shoreline attribute holding its position uncertainty in metres (default: geoaccuracy where a file has it)")
	fs.Float64Var(&c.defaultUncertainty, "default-uncertainty", d.DefaultUncertainty, "uncertainty (m) of shorelines without one (DSAS: 10)")
	fs.StringVar(&c.admin, "admin", "", "admin unit polygons; default: the bundled Timor-Leste sucos where the shorelines lie in Timor-Leste; 'none' for no per-unit table")
	fs.StringVar(&c.adminCodeField, "admin-code-field", "", "admin attribute holding the unit code (default: first of ADM3_PCODE, pcode, code, id)")
	fs.StringVar(&c.adminNameField, "admin-name-field", "", "admin attribute holding the unit name (default: first of ADM3_EN, name)")
	fs.StringVar(&c.land, "land", "", "land polygons telling the seaward side of the coast (default: the admin units)")
	fs.StringVar(&c.transects, "transects", "", "use these transects as they are instead of casting them")
	fs.StringVar(&c.transectIDField, "transect-id-field", "", "transect attribute holding its id (default: first of transect_id, id, name, TransectID)")
	fs.StringVar(&c.origin, "origin", "land", "which end given transects start from: land or sea")
	fs.StringVar(&c.coast, "coast", "", "reference coast to cast transects from (default: bundled coastline in Timor-Leste, else the oldest shoreline)")
	fs.Var((*listFlag)(&c.series), "coastsat-series", "CoastSat or CoastSeg transect time-series CSV, wide or long (repeatable), used with --transects")
	fs.Float64Var(&c.spacing, "spacing", d.Spacing, "metres between cast transects")
	fs.Float64Var(&c.length, "transect-length", d.Length, "total transect length in metres, centred on the coast")
	fs.Float64Var(&c.smoothing, "smoothing", d.Smoothing, "baseline smoothing window in metres for transect orientation")
	fs.StringVar(&c.intersect, "intersect", "seaward", "where a transect meets a shoreline more than once: seaward (DSAS), landward, or median (CoastSat)")
	fs.Float64Var(&c.band, "band", d.Band, "half-width in metres of the band the median mode takes shoreline points from")
	fs.Float64Var(&c.confidence, "confidence", d.Confidence*100, "confidence level in percent (50 to 99.99) of the LCI and WCI intervals and of the forecast band")
	c.forecast.register(fs)
	fs.StringVar(&c.out, "out", "", "write the run to this GeoPackage (the embedded store)")
	fs.StringVar(&c.csvDir, "csv-dir", "", "write transects.csv and admin_change.csv into this folder")
	fs.StringVar(&c.db, "db", "", "also store the run in this PostGIS database (default $"+envDatabaseURL+"; 'none' for no database)")
}

func (c *analyzeConfig) params() (analysis.Params, error) {
	p := analysis.DefaultParams()
	// The flag is in percent; 0.9 would be 0.9 %, making every rate significant.
	if !(c.confidence >= 50 && c.confidence < 100) {
		hint := ""
		if c.confidence > 0 && c.confidence <= 1 {
			hint = fmt.Sprintf("; for %g %% give %g", c.confidence*100, c.confidence*100)
		}
		return p, fmt.Errorf("--confidence %g: the level is in percent, from 50 to below 100 (90 for 90 %%)%s", c.confidence, hint)
	}
	p.Spacing, p.Length, p.Smoothing, p.Band = c.spacing, c.length, c.smoothing, c.band
	p.Confidence = c.confidence / 100
	p.DefaultUncertainty = c.defaultUncertainty
	switch strings.ToLower(strings.TrimSpace(c.maxMemory)) {
	case "auto", "":
		p.MemoryLimit = availableMemory()
	case "off", "none":
	default:
		n, err := parseBytes(c.maxMemory)
		if err != nil {
			return p, fmt.Errorf("--max-memory: %w", err)
		}
		p.MemoryLimit = n
	}
	switch c.intersect {
	case "seaward":
		p.Mode = transect.Seaward
	case "landward":
		p.Mode = transect.Landward
	case "median":
		p.Mode = transect.Median
	default:
		return p, fmt.Errorf("--intersect %q: want seaward, landward or median", c.intersect)
	}
	return p, nil
}

func runAnalyze(ctx context.Context, e *env, args []string) error {
	c, err := parseAnalyzeArgs(e, args)
	if err != nil {
		return err
	}
	c.db = databaseURL(c.db) // here, not in parseAnalyzeArgs: the demo stores no run
	_, err = analyze(ctx, e, c)
	return interrupted(ctx, err)
}

// parseAnalyzeArgs reads the analyze command line; the demo goes through it too.
func parseAnalyzeArgs(e *env, args []string) (analyzeConfig, error) {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c analyzeConfig
	c.flags(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi analyze --shorelines PATH [flags]\n\nCompute DSAS shoreline change statistics per transect and per admin unit.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("analyze: unexpected argument %q", fs.Arg(0))
	}
	c.settings = make(map[string]string)
	fs.VisitAll(func(f *flag.Flag) { c.settings[f.Name] = f.Value.String() })
	delete(c.settings, "db") // where the run is stored is no parameter of it, and may hold a password
	return c, nil
}

// analyze runs one analysis end to end: read, compute, write, report.
func analyze(ctx context.Context, e *env, c analyzeConfig) (*analysis.Result, error) {
	started := time.Now().UTC()
	p, err := c.params()
	if err != nil {
		return nil, err
	}
	fopt, err := c.forecast.options() // a bad horizon fails before anything is read or written
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	fopt.Confidence = p.Confidence
	if len(c.shorelines) == 0 && len(c.series) == 0 {
		return nil, fmt.Errorf("analyze: give --shorelines (or --coastsat-series with --transects)")
	}
	if len(c.series) > 0 && c.transects == "" {
		return nil, fmt.Errorf("analyze: --coastsat-series needs --transects, the transects the series was measured on")
	}
	if c.origin != "land" && c.origin != "sea" {
		return nil, fmt.Errorf("analyze: --origin %q: want land or sea", c.origin)
	}
	if c.out == "" && c.csvDir == "" && (c.db == "" || c.db == "none") {
		return nil, fmt.Errorf("analyze: give --out results.gpkg, --csv-dir DIR and/or --db URL, or nothing would be kept")
	}
	if c.out != "" && !strings.EqualFold(filepath.Ext(c.out), ".gpkg") {
		return nil, fmt.Errorf("analyze: --out %s: the embedded store is a GeoPackage, name it .gpkg", c.out)
	}

	db, err := openRunDB(ctx, e, c.db)
	if err != nil {
		return nil, err
	}
	defer db.close()

	step := time.Now()
	ic, err := c.inputConfig(started)
	if err != nil {
		return nil, err
	}
	bar := newProgress(e)
	defer bar.done()
	ic.Progress = bar.update
	in, report, err := input.Load(ctx, ic)
	if err != nil {
		if errors.Is(err, ogr.ErrNoCRS) {
			err = fmt.Errorf("%w (give --assume-crs EPSG:4326 if its coordinates are longitude and latitude)", err)
		}
		return nil, err
	}
	files := report.Files
	logNotes(e, report)
	e.log.Info("read inputs", "shorelines", len(in.Shorelines), "features", report.Features,
		"point_shorelines", report.PointShorelines, "admin_units", len(in.Units),
		"given_transects", len(in.Transects), "files", len(files), "took", since(step))

	step = time.Now()
	p.Progress = bar.update
	res, err := analysis.Run(ctx, in, p)
	bar.done()
	if err != nil {
		return nil, err
	}
	e.log.Info("computed change", "utm", res.Zone.String(), "transects", len(res.Transects),
		"intersections", len(res.Intersections), "units", len(res.Units), "took", since(step))
	if zs := res.Zones(); len(zs) > 1 {
		names := make([]string, len(zs))
		for i, z := range zs {
			names[i] = z.String()
		}
		e.log.Info("the coast spans UTM zones: each part was measured in its own, and the results are stored in "+res.Zone.String(),
			"zones", strings.Join(names, ", "))
	}
	if n := len(res.Missed); n > 0 {
		sample := make([]string, 0, 5)
		for _, i := range res.Missed[:min(n, 5)] {
			sample = append(sample, res.Transects[i].Label)
		}
		e.log.Warn("transects that meet no shoreline", "count", n, "first", strings.Join(sample, ","))
	}

	// The hazard zones go to the stores only: a run written as CSV alone skips them (0.6 s
	// of the Timor-Leste demo).
	var hazard *plan.Hazard
	params := maps.Clone(c.settings)
	if c.out != "" || db != nil {
		step = time.Now()
		var skipped string
		if hazard, skipped, err = forecastHazard(res, fopt); err != nil {
			return nil, fmt.Errorf("analyze: %w", err)
		}
		logHazard(e, res, hazard, skipped, since(step))
		maps.Copy(params, forecastParameters(hazard, skipped))
	}

	step = time.Now()
	prov := analysis.Provenance{
		Version:    e.version,
		Started:    started,
		Finished:   time.Now().UTC(),
		Parameters: params,
		Inputs:     files,
		Synthetic:  in.Synthetic(),
	}
	if prov.Synthetic {
		e.log.Warn("the shorelines are synthetic: the run is marked so, and its rates, forecasts and lists describe no real coast")
	}
	if err := writeOutputs(ctx, e, c, res, prov, hazard, db.writer(ctx, res, prov, hazard)); err != nil {
		return nil, err
	}
	e.log.Info("wrote results", "gpkg", c.out, "csv_dir", c.csvDir, "took", since(step))
	printTopEroding(e, res, 10)
	if sum := report.Summary(); len(sum) > 0 {
		fmt.Fprintf(e.stdout, "\nInput notes (details in the log above): %s\n", strings.Join(sum, "; "))
	}
	return res, nil
}

// logHazard reports the forecast's hazard zones, or why the run has none.
func logHazard(e *env, res *analysis.Result, h *plan.Hazard, skipped, took string) {
	if h == nil {
		e.log.Warn("no forecast and no hazard zones: the run is stored without them", "reason", skipped)
		return
	}
	years := make([]string, len(h.Horizons))
	for i, hz := range h.Horizons {
		years[i] = fmt.Sprintf("%d (%d)", hz.Years, hz.Year())
	}
	var area [2]float64 // km² at the last horizon: best estimate, band edge
	for _, z := range h.Zones {
		if z.Horizon == len(h.Horizons)-1 {
			if z.Band {
				area[1] += z.Area / 1e6
			} else {
				area[0] += z.Area / 1e6
			}
		}
	}
	e.log.Info("forecast hazard zones", "ref_date", h.RefDate.UTC().Format(time.DateOnly), "horizons", strings.Join(years, ", "),
		"rate", h.RateKind.String(), "setback_m", h.Setback, "zones", len(h.Zones),
		"last_horizon_km2", fmt.Sprintf("%.2f (band edge %.2f)", area[0], area[1]), "took", took)
	switch {
	case len(res.Units) == 0:
		e.log.Warn("no hazard zones: they are clipped to the admin units, and the run has none")
	case len(h.Zones) == 0:
		e.log.Info("no hazard zones: no transect's shoreline is forecast to move landward")
	}
}

// inputConfig says what input.Load reads for this command line. started bounds the
// shoreline dates: none may be younger than the analysis.
func (c *analyzeConfig) inputConfig(started time.Time) (input.Config, error) {
	ic := input.Config{
		Shorelines:         c.shorelines,
		Layer:              c.layer,
		DateField:          c.dateField,
		DateFormat:         c.dateFormat,
		UncertaintyField:   c.uncertaintyField,
		DefaultUncertainty: c.defaultUncertainty,
		AssumeCRS:          c.assumeCRS,
		Strict:             c.strict,
		Transects:          c.transects,
		TransectIDField:    c.transectIDField,
		OriginSeaward:      c.origin == "sea",
		Series:             c.series,
		Admin:              c.admin,
		AdminCodeField:     c.adminCodeField,
		AdminNameField:     c.adminNameField,
		Land:               c.land,
		Coast:              c.coast,
		Now:                started,
	}
	switch g := strings.ToLower(strings.TrimSpace(c.maxGap)); g {
	case "auto", "":
	case "off", "none":
		ic.MaxGap = -1
	default:
		v, err := strconv.ParseFloat(g, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return ic, fmt.Errorf("analyze: --max-gap %q: want a positive number of metres, auto or off", c.maxGap)
		}
		ic.MaxGap = v
	}
	if c.out != "" {
		ic.Outputs = append(ic.Outputs, c.out)
	}
	if c.csvDir != "" {
		ic.Outputs = append(ic.Outputs, filepath.Join(c.csvDir, "transects.csv"), filepath.Join(c.csvDir, "admin_change.csv"))
	}
	return ic, nil
}

// notesPerKind is how many notes of one kind the log shows one by one; the rest are
// counted in one line, so a file with thousands of bad cells does not flood the log.
const notesPerKind = 5

// logNotes logs what the input reader worked around.
func logNotes(e *env, r *input.Report) {
	shown := make(map[input.Kind]int)
	for _, n := range r.Notes {
		if shown[n.Kind]++; shown[n.Kind] <= notesPerKind {
			level := slog.LevelWarn
			if n.Kind == input.SkippedFile || n.Kind == input.SameDate || n.Kind == input.Info {
				level = slog.LevelInfo
			}
			e.log.Log(context.Background(), level, n.String())
		}
	}
	for k := input.SelfCrossing; k <= input.Info; k++ {
		if n := shown[k]; n > notesPerKind {
			e.log.Warn(fmt.Sprintf("%d more notes of %s not shown one by one", n-notesPerKind, k))
		}
	}
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

// printTopEroding prints the units whose mean LRR falls fastest.
func printTopEroding(e *env, res *analysis.Result, n int) {
	var idx []int
	for i, u := range res.Units {
		if !math.IsNaN(u.MeanLRR) && u.MeanLRR < 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return
	}
	sort.SliceStable(idx, func(a, b int) bool { return res.Units[idx[a]].MeanLRR < res.Units[idx[b]].MeanLRR })
	fmt.Fprintf(e.stdout, "\nFastest-eroding units (mean LRR, m/yr):\n")
	fmt.Fprintf(e.stdout, "  %-10s %-24s %9s %10s %9s %11s\n", "P-code", "name", "mean LRR", "% eroding", "coast km", "population")
	for _, i := range idx[:min(n, len(idx))] {
		u := res.Units[i]
		pop := "–"
		if u.Unit.Population >= 0 {
			pop = fmt.Sprint(u.Unit.Population)
		}
		fmt.Fprintf(e.stdout, "  %-10s %-24s %9.2f %10.0f %9.1f %11s\n", u.Unit.Code, truncate(u.Unit.Name, 24), u.MeanLRR, u.PctEroding, u.CoastKm, pop)
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
