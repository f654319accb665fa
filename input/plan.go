package input

import (
	"context"
	"errors"
	"fmt"

	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
	rastergdal "github.com/tasi-gis/tasi/raster/gdal"
)

// CaveatOCHA is what every list built on the bundled sucos says of them (DOMAIN.md).
const CaveatOCHA = "Admin boundaries: OCHA COD-AB Timor-Leste 2020; OCHA marks the suco (admin level 3) layer \"for information only, not official\"."

// ErrNoCommunities reports a run whose admin units are not the bundled sucos of
// Timor-Leste and for which no community layer was given: there is nothing to assess.
var ErrNoCommunities = errors.New("the run's admin units are not the bundled sucos of Timor-Leste: give its communities")

// PlanSources names what an at-risk assessment reads besides the run. Empty paths take
// the bundled data of Timor-Leste where the run lies there.
type PlanSources struct {
	// Communities is a point layer of communities (ReadCommunities), read with Fields and
	// AssumeCRS; "" takes the bundled gazetteer localities (BundledCommunities).
	Communities string
	Fields      CommunityFields
	AssumeCRS   string
	// Population is a population grid, people per cell, any GDAL raster; "" takes the
	// bundled WorldPop 100 m grid of Timor-Leste, or none outside it.
	Population string
}

// PlanInputs reads what plan.NewAssessment needs for run res besides its forecast: the
// admin units communities and census counts come from, the communities, and the
// population grid, with the OCHA caveat when they are the bundled sucos. runID and prov
// are put in as they are. The units are the bundled sucos where the run's units are
// bundled sucos (all of them, inland ones too, so that every locality has its suco), else
// the run's own units in lon/lat; a run with other units and no src.Communities gives an
// error wrapping ErrNoCommunities. A given population grid in another CRS is warped
// keeping its totals (resampling "sum"). The notes say which features of a community
// layer were skipped.
func PlanInputs(ctx context.Context, res *analysis.Result, runID string, prov analysis.Provenance, src PlanSources, ref *data.Reference) (plan.Inputs, []Note, error) {
	in := plan.Inputs{RunID: runID, Provenance: prov}
	units, bundled := planUnits(res, ref)
	in.Units = units
	var notes []Note
	switch {
	case src.Communities != "":
		var err error
		in.Communities, notes, err = ReadCommunities(ctx, src.Communities, units, src.Fields, src.AssumeCRS)
		if err != nil {
			return in, notes, err
		}
	case bundled:
		in.Communities = BundledCommunities(ref)
	default:
		return in, nil, ErrNoCommunities
	}
	var err error
	var grid *raster.Grid
	switch {
	case src.Population != "":
		grid, err = rastergdal.Read(ctx, src.Population, rastergdal.Options{Resampling: "sum"}) // people: a warp must keep the totals
	case bundled:
		grid, err = rastergdal.ReadBytes(ctx, "worldpop.tif", data.PopulationGrid(), rastergdal.Options{})
	}
	if err != nil {
		return in, notes, fmt.Errorf("read population grid: %w", err)
	}
	in.Grid = grid
	if bundled {
		in.Caveats = append(in.Caveats, CaveatOCHA)
	}
	return in, notes, nil
}

// planUnits returns the admin units communities and census counts come from, in lon/lat,
// and whether they are the bundled sucos: they are when every unit of the run is one.
func planUnits(res *analysis.Result, ref *data.Reference) ([]analysis.AdminUnit, bool) {
	if ref != nil {
		bundled := make(map[string]bool, len(ref.Units))
		for _, u := range ref.Units {
			bundled[u.Code] = true
		}
		all := len(res.Units) > 0
		for _, u := range res.Units {
			all = all && bundled[u.Unit.Code]
		}
		if all {
			return ref.Units, true
		}
	}
	units := make([]analysis.AdminUnit, len(res.Units))
	for i, u := range res.Units {
		units[i] = u.Unit
		units[i].Geometry = project.MultiPolygon(u.Unit.Geometry.Clone(), res.Zone.Inverse)
	}
	return units, false
}
