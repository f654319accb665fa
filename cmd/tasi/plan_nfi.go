package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/export"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/internal/fileset"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/network"
)

// nfiConfig is what `tasi plan nfi` is told.
type nfiConfig struct {
	run                atRiskConfig // the run and its assessment, as tasi at-risk reads them
	demand             string       // at-risk, coastal or a point file
	households, people string       // fields of a demand file
	profile            string       // a bundled profile's name or a file
	candidates, stock  string
	noBundled          bool
	roads              string
	detour, maxLeg     float64
	depots             int
	objective          string
	maxDistance        string
	evaluate           bool
	format, out        string
}

func runPlanNFI(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("plan nfi", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c nfiConfig
	registerRunFlags(fs, &c.run)
	fs.StringVar(&c.run.horizon, "horizon", "", "with --demand at-risk, the horizon: years after the reference date (20) or a calendar year (2045); default the middle horizon")
	fs.StringVar(&c.demand, "demand", "at-risk", "the households to serve: at-risk (at risk by --horizon), coastal (every community of the run's coastal units), or a point file with id, name and households or population")
	fs.StringVar(&c.households, "households-field", "", "the demand file's households field (default: households, hh)")
	fs.StringVar(&c.people, "population-field", "", "the demand file's population field (default: population, pop, people), divided by 5 where households are not given")
	fs.StringVar(&c.profile, "profile", data.DefaultNeedsProfile, "the needs profile: a bundled one ("+strings.Join(data.NeedsProfiles(), ", ")+") or a profile CSV file")
	fs.StringVar(&c.candidates, "candidates", "", "a point file of candidate depots (id, name, optional capacity in kits), added to the bundled ones")
	fs.BoolVar(&c.noBundled, "no-bundled-candidates", false, "leave out the bundled candidates (municipality and posto capitals, suco centres, sea ports)")
	fs.StringVar(&c.stock, "stock", "", "a point file of existing depots (id, name, stock in kits, optional capacity): always open")
	fs.StringVar(&c.roads, "roads", "", "the road network distances run over: an OGR line layer, or none for straight lines (default: the bundled Estrada national and municipal roads in Timor-Leste, straight lines elsewhere)")
	fs.Float64Var(&c.detour, "detour", network.DefaultDetour, "multiplies the straight legs between a place and its nearest road (circuity factor)")
	fs.Float64Var(&c.maxLeg, "max-leg", network.DefaultMaxLeg/1000, "km: the longest straight leg to a road; farther places have no route and are reported")
	fs.IntVar(&c.depots, "depots", 0, "the number of depots to open (existing ones included); required unless --evaluate")
	fs.StringVar(&c.objective, "objective", "median", "median (least household-weighted distance) or cover (most households within --max-distance)")
	fs.StringVar(&c.maxDistance, "max-distance", "", "the distance a depot should reach (30km, 30000m): required by cover, reported by the others")
	fs.BoolVar(&c.evaluate, "evaluate", false, "assess the --stock depots as they are: coverage, distances and shortfall in kits per municipality")
	fs.StringVar(&c.format, "format", "csv", "csv (depots.csv, assignments.csv, summary.csv, shortfall.csv), xlsx or geojson")
	fs.StringVar(&c.out, "out", "nfi-plan", "the folder to write the plan into")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi plan nfi [--gpkg results.gpkg|--db URL] --depots K [flags]\n\nChoose where to keep non-food-item kits so that they reach the households that need them, and what each depot should stock.\n\nFlags:")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("plan nfi: unexpected argument %q", fs.Arg(0))
	}
	markForecastSet(fs, &c.run)
	pl, err := nfiPlan(ctx, e, c)
	if err != nil {
		return fmt.Errorf("plan nfi: %w", err)
	}
	format, err := export.ParseFormat(c.format)
	if err != nil {
		return fmt.Errorf("plan nfi: --format: %w", err)
	}
	files, err := export.NFIFiles(pl, format)
	if err != nil {
		return fmt.Errorf("plan nfi: %w", err)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return fmt.Errorf("plan nfi: %w", err)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(c.out, f.Name)
	}
	// Written together or not at all: an interrupted plan leaves an earlier one as it was.
	set, err := fileset.Begin(paths...)
	if err != nil {
		return fmt.Errorf("plan nfi: %w", err)
	}
	defer set.Abort()
	for i, f := range files {
		if err := writeFile(set.Temp(paths[i]), f.Write); err != nil {
			return fmt.Errorf("plan nfi: write %s: %w", paths[i], err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("plan nfi: interrupted: %s left as it was: %w", c.out, err)
	}
	if err := set.Commit(); err != nil {
		return fmt.Errorf("plan nfi: write %s: %w", c.out, err)
	}
	e.log.Info("wrote NFI plan", "folder", c.out, "files", len(files), "depots", len(pl.Depots),
		"households", math.Round(pl.Households), "coverage", fmt.Sprintf("%.1f%%", 100*pl.Coverage),
		"mean_km", fmt.Sprintf("%.1f", pl.MeanDistance/1000), "distance", pl.Distance)
	return nil
}

// nfiPlan reads what c names and makes the plan.
func nfiPlan(ctx context.Context, e *env, c nfiConfig) (*plan.NFIPlan, error) {
	opt, err := c.options() // bad flags fail before anything is read
	if err != nil {
		return nil, err
	}
	if opt.Profile, err = readProfile(c.profile); err != nil {
		return nil, err
	}
	ref, err := data.TimorLeste()
	if err != nil {
		return nil, fmt.Errorf("load bundled data: %w", err)
	}
	demand, scope, err := nfiDemand(ctx, e, c, ref)
	if err != nil {
		return nil, err
	}
	return planDemand(ctx, e.log, c, opt, ref, demand, scope, bundledRoads)
}

// planDemand plans depots for demand as c says, with opt made by c.options and its
// profile read: the candidates, the distances (over c's roads, the network bundled
// returns in Timor-Leste, or straight lines), the plan and its provenance. tasi plan nfi
// and tasi serve (runPlanner) both make their plans here, so that they write the same
// bytes for the same settings.
func planDemand(ctx context.Context, log *slog.Logger, c nfiConfig, opt plan.NFIOptions, ref *data.Reference,
	demand []plan.Demand, scope nfiScope, bundled func(network.JoinOptions) (*plan.Roads, error)) (*plan.NFIPlan, error) {
	step := time.Now()
	if len(demand) == 0 {
		return nil, fmt.Errorf("%w: %s holds no household", errNoDemand, scope.demand)
	}
	opt.Demand = scope.demand
	inTimor := scope.bundled
	cands, err := nfiCandidates(ctx, log, c, ref, inTimor)
	if err != nil {
		return nil, err
	}
	for _, cd := range cands {
		if !math.IsInf(cd.Capacity, 1) {
			opt.Capacitated = true
		}
	}
	var roads *plan.Roads
	join := network.JoinOptions{Detour: c.detour, MaxLeg: c.maxLeg * 1000}
	switch {
	case strings.EqualFold(c.roads, "none"):
	case c.roads != "":
		lines, notes, err := input.ReadRoads(ctx, c.roads, c.run.assumeCRS)
		for _, n := range notes {
			log.Warn(n.String())
		}
		if err != nil {
			return nil, err
		}
		if roads, err = plan.NewRoads(filepath.Base(c.roads), lines, network.Options{}, join); err != nil {
			return nil, err
		}
	case inTimor:
		if roads, err = bundled(join); err != nil {
			return nil, err
		}
	}
	dist, err := plan.DepotDistances(ctx, roads, cands, demand)
	if err != nil {
		return nil, err
	}
	for _, u := range dist.Unreached {
		log.Warn(u)
	}
	log.Info("measured depot distances", "candidates", len(cands), "communities", len(demand), "distance", dist.Method, "took", since(step))
	step = time.Now()
	pl, err := plan.PlanNFI(ctx, demand, cands, dist, opt)
	if err != nil {
		return nil, err
	}
	pl.RunID, pl.Provenance, pl.Caveats = scope.runID, scope.provenance, scope.caveats
	pl.Provenance.Parameters = nfiParameters(c, pl, pl.Provenance.Parameters)
	log.Info("planned depots", "objective", pl.Objective.String(), "depots", len(pl.Depots), "took", since(step))
	return pl, nil
}

// Errors of planDemand that tasi serve tells apart: they are the run's, not the server's.
var (
	// errNoDemand: the demand holds no household (no community at risk by the horizon).
	errNoDemand = errors.New("no community to serve")
	// errNoCandidates: no candidate depot (a run outside Timor-Leste, no --candidates).
	errNoCandidates = errors.New("no candidate depot")
)

// nfiScope is where a plan's demand came from.
type nfiScope struct {
	demand     string // for the outputs: "at risk by 2045 (band edge)", "coastal units", "file x.csv"
	bundled    bool   // the communities lie in the bundled units of Timor-Leste
	runID      string // "" for a demand file
	provenance analysis.Provenance
	caveats    []string
}

// nfiDemand reads the demand c names: from a demand file without a run, or from the
// run's assessment.
func nfiDemand(ctx context.Context, e *env, c nfiConfig, ref *data.Reference) ([]plan.Demand, nfiScope, error) {
	switch strings.ToLower(c.demand) {
	case "at-risk", "coastal":
	default:
		return demandFile(ctx, e, c, ref)
	}
	as, err := assessRun(ctx, e, c.run)
	if err != nil {
		return nil, nfiScope{}, err
	}
	return assessmentDemand(as.assessment, c.demand, c.run.horizon)
}

// assessmentDemand is the demand of assessment a: every community of the run's coastal
// units (demand "coastal"), or the households at risk by horizon (years or a calendar
// year; "" for the middle horizon).
func assessmentDemand(a *plan.Assessment, demand, horizon string) ([]plan.Demand, nfiScope, error) {
	scope := nfiScope{runID: a.RunID, provenance: a.Provenance, caveats: a.Caveats, bundled: slices.Contains(a.Caveats, input.CaveatOCHA)}
	if strings.EqualFold(demand, "coastal") {
		scope.demand = fmt.Sprintf("every community of the run's %d coastal units", len(a.RunUnits))
		return a.CoastalDemand(), scope, nil
	}
	h, err := plan.ParseHorizon(horizon, a.RefDate, a.Horizons)
	if err != nil {
		return nil, scope, fmt.Errorf("--horizon %q: %w", horizon, err)
	}
	scope.demand = fmt.Sprintf("households at risk by %d (landward edge of the %.0f %% band, %.0f m setback)", a.Horizons[h].Year(), 100*a.Confidence, a.Setback)
	return a.AtRiskDemand(h), scope, nil
}

// demandFile reads a point file of communities with households or population. Points in
// the bundled sucos get their P-codes; elsewhere they are kept unplaced. A community with
// neither count is skipped with a warning.
func demandFile(ctx context.Context, e *env, c nfiConfig, ref *data.Reference) ([]plan.Demand, nfiScope, error) {
	fields := input.CommunityFields{Name: c.run.nameField, Code: c.run.codeField, Population: c.people, Households: c.households}
	comms, notes, err := input.ReadCommunities(ctx, c.demand, ref.Units, fields, c.run.assumeCRS)
	bundled := err == nil
	if errors.Is(err, input.ErrNoCommunityInUnits) {
		comms, notes, err = input.ReadCommunities(ctx, c.demand, nil, fields, c.run.assumeCRS)
	}
	for _, n := range notes {
		e.log.Warn(n.String())
	}
	if err != nil {
		return nil, nfiScope{}, fmt.Errorf("--demand: %w", err)
	}
	var out []plan.Demand
	for _, cm := range comms {
		if math.IsNaN(cm.Households) && math.IsNaN(cm.Population) {
			e.log.Warn("demand: community has neither households nor population: skipped", "file", c.demand, "community", cm.Code, "name", cm.Name)
			continue
		}
		out = append(out, plan.NewDemand(cm, cm.Households, cm.Population))
	}
	sum, err := input.HashFile(c.demand)
	if err != nil {
		return nil, nfiScope{}, err
	}
	scope := nfiScope{demand: "file " + filepath.Base(c.demand), bundled: bundled,
		provenance: analysis.Provenance{Version: e.version, Started: time.Now().UTC(),
			Inputs: []analysis.InputFile{{Role: "demand", Path: c.demand, SHA256: sum}}}}
	if bundled {
		scope.caveats = []string{input.CaveatOCHA}
	}
	return out, scope, nil
}

// nfiCandidates are the bundled candidates (in Timor-Leste, unless left out), those of
// --candidates and the existing depots of --stock; in evaluate mode, only the latter. Ids
// must be unique across them.
func nfiCandidates(ctx context.Context, log *slog.Logger, c nfiConfig, ref *data.Reference, inTimor bool) ([]plan.Candidate, error) {
	var out []plan.Candidate
	if inTimor && !c.noBundled && !c.evaluate {
		out = input.BundledCandidates(ref)
	}
	for _, src := range []struct {
		path string
		kind plan.DepotKind
		flag string
	}{{c.candidates, plan.UserCandidate, "--candidates"}, {c.stock, plan.ExistingDepot, "--stock"}} {
		if src.path == "" || (c.evaluate && src.kind != plan.ExistingDepot) {
			continue
		}
		cs, notes, err := input.ReadCandidates(ctx, src.path, src.kind, ref.Units, input.CandidateFields{}, c.run.assumeCRS)
		for _, n := range notes {
			log.Warn(n.String())
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.flag, err)
		}
		out = append(out, cs...)
	}
	seen := make(map[string]plan.DepotKind, len(out))
	for _, cd := range out {
		if k, dup := seen[cd.Code]; dup {
			return nil, fmt.Errorf("candidate depot id %q is both a %s and a %s: ids must be unique", cd.Code, k, cd.Kind)
		}
		seen[cd.Code] = cd.Kind
	}
	if len(out) == 0 {
		if c.evaluate {
			return nil, errors.New("--evaluate needs the existing depots: --stock FILE")
		}
		return nil, fmt.Errorf("%w: give --candidates FILE (outside Timor-Leste there are no bundled ones)", errNoCandidates)
	}
	return out, nil
}

// options turns the flags into plan.NFIOptions.
func (c nfiConfig) options() (plan.NFIOptions, error) {
	var opt plan.NFIOptions
	switch strings.ToLower(c.objective) {
	case "median", "p-median":
		opt.Objective = plan.Median
	case "cover", "covering":
		opt.Objective = plan.Cover
	default:
		return opt, fmt.Errorf("--objective %q: want median or cover", c.objective)
	}
	if c.evaluate {
		opt.Objective = plan.Evaluate
		if c.stock == "" {
			return opt, errors.New("--evaluate needs the existing depots and their stock: --stock FILE")
		}
	} else if c.depots <= 0 {
		return opt, fmt.Errorf("--depots %d: give the number of depots to open (1 or more)", c.depots)
	}
	opt.Depots = c.depots
	if c.maxDistance != "" {
		d, err := plan.ParseDistance(c.maxDistance)
		if err != nil {
			return opt, fmt.Errorf("--max-distance: %w", err)
		}
		opt.MaxDistance = d
	}
	if opt.Objective == plan.Cover && opt.MaxDistance == 0 {
		return opt, errors.New("--objective cover needs --max-distance (30km)")
	}
	if !(c.detour >= 1) || math.IsInf(c.detour, 0) {
		return opt, fmt.Errorf("--detour %g: want a factor of 1 or more (1.3)", c.detour)
	}
	if !(c.maxLeg > 0) {
		return opt, fmt.Errorf("--max-leg %g: want kilometres above 0", c.maxLeg)
	}
	return opt, nil
}

// readProfile reads the needs profile named by a bundled name or a file.
func readProfile(name string) (plan.Profile, error) {
	if b, err := data.NeedsProfile(name); err == nil {
		return plan.ReadProfile(bytes.NewReader(b), name+".csv")
	}
	f, err := os.Open(name)
	if err != nil {
		return plan.Profile{}, fmt.Errorf("--profile %q: neither a bundled profile (%s) nor a file: %w", name, strings.Join(data.NeedsProfiles(), ", "), err)
	}
	defer f.Close()
	p, err := plan.ReadProfile(f, name)
	if err != nil {
		return p, fmt.Errorf("--profile: %w", err)
	}
	return p, nil
}

// nfiParameters are the run's parameters and the plan's settings, by flag name, the
// plan's prefixed "plan nfi --", for its provenance.
func nfiParameters(c nfiConfig, pl *plan.NFIPlan, run map[string]string) map[string]string {
	p := map[string]string{
		"demand": c.demand, "objective": pl.Objective.String(), "depots": strconv.Itoa(pl.K),
		"profile": pl.Profile.Name, "distance": pl.Distance,
	}
	defer func() {
		for k, v := range p {
			delete(p, k)
			p["plan nfi --"+k] = v
		}
		maps.Copy(p, run)
	}()
	if pl.MaxDistance > 0 {
		p["max-distance"] = strconv.FormatFloat(pl.MaxDistance, 'f', -1, 64)
	}
	if pl.DetourFactor > 0 {
		p["detour"] = strconv.FormatFloat(pl.DetourFactor, 'f', -1, 64)
	}
	for k, v := range map[string]string{"candidates": c.candidates, "stock": c.stock, "roads": c.roads, "horizon": c.run.horizon} {
		if v != "" {
			p[k] = v
		}
	}
	return p
}

// bundledRoads is the bundled Estrada network of Timor-Leste, noded with the snap
// tolerance its road ends need.
func bundledRoads(join network.JoinOptions) (*plan.Roads, error) {
	rs, err := data.Roads()
	if err != nil {
		return nil, fmt.Errorf("load bundled roads: %w", err)
	}
	var lines []orb.LineString
	for _, r := range rs {
		lines = append(lines, r.Line...)
	}
	return plan.NewRoads("Estrada national and municipal roads of Timor-Leste (ILO / Ministry of Public Works)", lines,
		network.Options{SnapTolerance: data.RoadsSnapTolerance}, join)
}
