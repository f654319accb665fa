package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/input"
	"github.com/tasi-gis/tasi/plan"
)

// storedRun is what the at-risk lists need of a stored run.
type storedRun struct {
	res  *analysis.Result
	prov analysis.Provenance
	// forecast is the forecast the run was stored with (its hazard zones' settings,
	// without the zones), nil for a run stored without one.
	forecast *plan.Hazard
}

// runAssessor makes the at-risk assessments tasi serve filters its lists from
// (api.Assessor): it reads a run, forecasts it as it was forecast when it was stored
// (the settings of its hazard zones, so that the lists and the hazard tile layer count
// from the same horizons and date), or, for a run stored without a forecast, with the
// defaults of `tasi at-risk` (10, 20 and 30 years, LRR, a 50 m setback, the run's
// confidence level), and assesses the communities (the bundled localities, or
// --communities) against it. The API keeps what it makes.
type runAssessor struct {
	// read returns run id, or an error wrapping results.ErrNotFound for a run it does not
	// hold.
	read func(ctx context.Context, id int64) (storedRun, error)
	src  input.PlanSources
	ref  *data.Reference
	log  *slog.Logger
}

func (a *runAssessor) Assess(ctx context.Context, run results.Run) (*plan.Assessment, error) {
	start := time.Now()
	s, err := a.read(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	f, err := plan.NewForecast(s.res, forecastOptions(s))
	if errors.Is(err, plan.ErrNoForecast) {
		return nil, &results.NotFoundError{Msg: fmt.Sprintf("run %d has no at-risk list: %v", run.ID, err)}
	}
	if err != nil {
		return nil, fmt.Errorf("forecast run %d: %w", run.ID, err)
	}
	in, notes, err := input.PlanInputs(ctx, s.res, strconv.FormatInt(run.ID, 10), s.prov, a.src, a.ref)
	for _, n := range notes {
		a.log.Warn(n.String())
	}
	if errors.Is(err, input.ErrNoCommunities) {
		return nil, &results.NotFoundError{Msg: fmt.Sprintf("run %d has no at-risk list: %v (start tasi serve with --communities)", run.ID, err)}
	}
	if err != nil {
		return nil, fmt.Errorf("at-risk inputs of run %d: %w", run.ID, err)
	}
	as, err := plan.NewAssessment(ctx, s.res, f, in)
	if err != nil {
		return nil, fmt.Errorf("assess run %d: %w", run.ID, err)
	}
	a.log.Info("assessed communities for the at-risk lists", "run", run.ID, "communities", len(in.Communities),
		"horizons", len(as.Horizons), "zones", as.Zones, "took", since(start))
	return as, nil
}

// forecastOptions are the settings run s was forecast with when it was stored, or, for a
// run stored without a forecast, tasi at-risk's defaults at the run's confidence level.
func forecastOptions(s storedRun) plan.Options {
	h := s.forecast
	if h == nil || len(h.Horizons) == 0 {
		return plan.Options{Confidence: plan.RunConfidence(s.prov)}
	}
	opt := plan.Options{RefDate: h.RefDate, Rate: h.RateKind, Confidence: h.Confidence, Setback: h.Setback}
	for _, hz := range h.Horizons {
		opt.Horizons = append(opt.Horizons, hz.Years)
	}
	if h.Setback == 0 {
		opt.Setback = -1 // stored as 0 for none; 0 in Options means the default
	}
	return opt
}

// withoutZones is h's forecast settings without its zones, which the tiles hold and the
// lists build again from the forecast; nil for nil.
func withoutZones(h *plan.Hazard) *plan.Hazard {
	if h == nil {
		return nil
	}
	c := *h
	c.Zones = nil
	return &c
}

// postgisProvenance is the provenance of a stored run, as lists carry it.
func postgisProvenance(run postgis.Run) analysis.Provenance {
	return analysis.Provenance{Version: run.Version, Started: run.AnalysisStarted, Finished: run.AnalysisFinished,
		Parameters: run.Parameters, Inputs: run.Inputs, Synthetic: run.Synthetic}
}

// postgisRunReader reads runs back from the database for runAssessor. A failure while the
// database cannot be reached is results.ErrUnavailable, which the API answers with 503.
func postgisRunReader(s *postgis.Store) func(context.Context, int64) (storedRun, error) {
	return func(ctx context.Context, id int64) (storedRun, error) {
		res, run, err := s.ReadRun(ctx, id)
		if err != nil {
			if errors.Is(err, postgis.ErrNotFound) {
				return storedRun{}, results.RunNotFound(results.RunRef(id))
			}
			if perr := s.Ping(ctx); perr != nil { // wraps results.ErrUnavailable or ErrTimeout
				return storedRun{}, fmt.Errorf("%w; %w", err, perr)
			}
			return storedRun{}, err
		}
		return storedRun{res: res, prov: postgisProvenance(run), forecast: withoutZones(run.Hazard)}, nil
	}
}
