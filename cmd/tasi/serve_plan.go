package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/network"
)

// runPlanner makes the plans tasi serve answers (api.Planner) from the assessments of
// runAssessor, through the code of tasi plan nfi and tasi plan relocation (planDemand,
// relocate) with the settings a query gives and those commands' defaults for the rest:
// bundled candidates and needs profiles, the bundled roads in Timor-Leste (straight
// lines elsewhere), grid cells for sites and no DEM. The road graph takes a few hundred
// milliseconds to build and is the same for every plan, so it is built once, on the first
// plan that needs it.
type runPlanner struct {
	ref   *data.Reference
	log   *slog.Logger
	roads func() (*plan.Roads, error) // the bundled roads with the default joins
}

func newRunPlanner(ref *data.Reference, log *slog.Logger) *runPlanner {
	return &runPlanner{ref: ref, log: log, roads: sync.OnceValues(func() (*plan.Roads, error) {
		return bundledRoads(defaultJoin())
	})}
}

// defaultJoin is how tasi plan nfi joins places to the roads unless told.
func defaultJoin() network.JoinOptions {
	return network.JoinOptions{Detour: network.DefaultDetour, MaxLeg: network.DefaultMaxLeg}
}

// nfiQueryConfig is the configuration of tasi plan nfi that q stands for: its flags with
// the query's settings, the rest left at their defaults.
func nfiQueryConfig(q api.NFIQuery) nfiConfig {
	c := nfiConfig{demand: q.Demand, profile: q.Profile, depots: q.Depots, objective: q.Objective.String(),
		detour: network.DefaultDetour, maxLeg: network.DefaultMaxLeg / 1000}
	c.run.horizon = q.Horizon
	if q.MaxDistance > 0 {
		c.maxDistance = strconv.FormatFloat(q.MaxDistance, 'f', -1, 64)
	}
	return c
}

func (p *runPlanner) NFI(ctx context.Context, a *plan.Assessment, q api.NFIQuery) (*plan.NFIPlan, error) {
	if _, err := data.NeedsProfile(q.Profile); err != nil {
		return nil, fmt.Errorf("NFI plan of run %s: %w", a.RunID, err) // the API lets only bundled ones through
	}
	c := nfiQueryConfig(q)
	opt, err := c.options()
	if err != nil {
		return nil, fmt.Errorf("NFI plan of run %s: %w", a.RunID, err)
	}
	if opt.Profile, err = readProfile(c.profile); err != nil {
		return nil, fmt.Errorf("NFI plan of run %s: %w", a.RunID, err)
	}
	demand, scope, err := assessmentDemand(a, c.demand, c.run.horizon)
	if err != nil {
		return nil, fmt.Errorf("NFI plan of run %s: %w", a.RunID, err)
	}
	join := defaultJoin()
	bundled := func(j network.JoinOptions) (*plan.Roads, error) {
		if j != join {
			return bundledRoads(j)
		}
		return p.roads()
	}
	pl, err := planDemand(ctx, p.log, c, opt, p.ref, demand, scope, bundled)
	switch {
	case errors.Is(err, errNoDemand):
		return nil, &results.NotFoundError{Msg: fmt.Sprintf("run %s has no NFI plan: %v", a.RunID, err)}
	case errors.Is(err, errNoCandidates):
		return nil, &results.NotFoundError{Msg: fmt.Sprintf("run %s has no NFI plan: no candidate depot (the bundled ones are in Timor-Leste)", a.RunID)}
	case err != nil:
		return nil, fmt.Errorf("NFI plan of run %s: %w", a.RunID, err)
	}
	return pl, nil
}

func (p *runPlanner) Relocation(ctx context.Context, a *plan.Assessment, q api.RelocationQuery) (*plan.RelocationPlan, error) {
	c := relocationConfig{opt: plan.DefaultRelocationOptions()}
	c.opt.Cell = q.Cell
	if err := planOptionsError(c.opt); err != nil {
		return nil, fmt.Errorf("relocation plan of run %s: %w", a.RunID, err)
	}
	pl, err := relocate(ctx, p.log, a, c)
	if err != nil {
		return nil, fmt.Errorf("relocation plan of run %s: %w", a.RunID, err)
	}
	return pl, nil
}
