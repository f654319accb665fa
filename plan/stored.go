package plan

import (
	"slices"
	"time"

	"github.com/tasi-gis/tasi/vector/change"
)

// Hazard is a run's hazard zones with the forecast settings they were built with: what
// `tasi analyze` stores beside a run (packages gpkg and postgis) and the tile sources
// draw. Geometry is in the run's UTM zone, as in Zone.
type Hazard struct {
	// RefDate is the date the horizons count from; Horizons are in ascending order.
	RefDate  time.Time
	Horizons []Horizon
	// Setback (m, 0 for none), Confidence of the band (0–1) and RateKind (LRR or WLR) are
	// the forecast's settings.
	Setback, Confidence float64
	RateKind            change.RateKind
	// Zones are the hazard zones, Zone.Horizon indexing Horizons; none where every coast
	// accretes or is stable.
	Zones []Zone
}

// Hazard returns f's settings with zones, the zones Zones built from f.
func (f *Forecast) Hazard(zones []Zone) *Hazard {
	return &Hazard{
		RefDate: f.RefDate, Horizons: slices.Clone(f.Horizons),
		Setback: f.Setback, Confidence: f.Confidence, RateKind: f.RateKind, Zones: zones,
	}
}
