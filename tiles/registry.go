package tiles

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
)

// referenceSource is the source under which postgis.ImportReference files the bundled
// reference data (postgis.ReferenceSource; not imported, to keep tiles off the store).
const referenceSource = "'bundled'"

// levels3857 are the stored columns of tables with simplified copies (migrations 0001, 0002).
var levels3857 = [3]string{"t.geom_3857", "t.geom_3857_mid", "t.geom_3857_lo"}

// DefaultLayers returns tasi's tile layers, in the order they are drawn (first at the
// bottom) and encoded in composite tiles. Each call returns a new slice the caller may
// extend: later issues add at-risk communities and depots as one entry each.
func DefaultLayers() []Layer {
	return []Layer{
		{
			Name:        "admin",
			Description: "Admin units (sucos) with at least one transect, with their coastline change summary. OCHA COD-AB: for information only, not official.",
			Geometry:    Polygon,
			MinZoom:     5, MaxZoom: 14,
			Fields: []Field{
				{Name: "pcode", Type: String, Description: "P-code"},
				{Name: "name", Type: String, Description: "English name"},
				{Name: "parent_pcode", Type: String, Description: "P-code of the parent unit (posto)"},
				{Name: "parent_name", Type: String},
				{Name: "region_pcode", Type: String, Description: "P-code of the level-1 unit (municipality)"},
				{Name: "region_name", Type: String},
				{Name: "n_transects", Type: Number, Integer: true, Description: "transects in the unit"},
				{Name: "coast_km", Type: Number, Description: "coast the transects stand for, km"},
				{Name: "mean_lrr", Type: Number, Description: "mean linear regression rate, m/yr (negative: erosion)"},
				{Name: "median_lrr", Type: Number, Description: "median linear regression rate, m/yr"},
				{Name: "min_lrr", Type: Number, Description: "m/yr"},
				{Name: "max_lrr", Type: Number, Description: "m/yr"},
				{Name: "mean_epr", Type: Number, Description: "mean end point rate, m/yr"},
				{Name: "mean_nsm", Type: Number, Description: "mean net shoreline movement, m"},
				{Name: "pct_eroding", Type: Number, Description: "% of transects eroding"},
				{Name: "pct_accreting", Type: Number, Description: "% of transects accreting"},
				{Name: "pct_sig_eroding", Type: Number, Description: "% of transects significantly eroding (LRR + LCI < 0)"},
				{Name: "pct_sig_accreting", Type: Number, Description: "% of transects significantly accreting (LRR - LCI > 0)"},
				{Name: "mean_lrr_unc", Type: Number, Description: "uncertainty of mean_lrr, m/yr"},
				{Name: "area_lost_m2", Type: Number, Description: "land lost, m²"},
				{Name: "area_gained_m2", Type: Number, Description: "land gained, m²"},
				{Name: "population", Type: Number, Integer: true, Description: "Census 2015"},
				{Name: "households", Type: Number, Integer: true, Description: "Census 2015"},
			},
			Simplify: [3]float64{0, 100, 1000},
			PostGIS:  Table{Table: "admin_change", ID: "t.unit", Geom: levels3857, PerRun: true},
			Memory:   adminFeatures,
		},
		{
			Name: "hazard",
			Description: "Hazard zones: the land the sea is forecast to take by each horizon, per admin unit, from today's shoreline " +
				"to the best estimate (band false) or to the landward edge of the forecast band (band true), widened by the setback.",
			Geometry: Polygon,
			MinZoom:  9, MaxZoom: 14,
			Fields: []Field{
				{Name: "horizon_years", Type: Number, Integer: true, Description: "years after the reference date"},
				{Name: "horizon_year", Type: Number, Integer: true, Description: "calendar year of the horizon"},
				{Name: "band", Type: Boolean, Description: "false: to the best estimate; true: to the landward edge of the forecast band"},
				{Name: "unit_code", Type: String, Description: "P-code of the admin unit"},
				{Name: "area_m2", Type: Number, Description: "area of the zone in the unit, m²"},
			},
			// Zooms 9 and 10 draw zones simplified by 20 m (data/postgis migration 0007).
			Simplify: [3]float64{0, 20, 20},
			PostGIS:  Table{Table: "hazard_zones", ID: "t.zone", Geom: [3]string{"t.geom_3857", "t.geom_3857_mid", "t.geom_3857_mid"}, PerRun: true},
			Memory:   hazardFeatures,
		},
		{
			Name:        "coastline",
			Description: "Reference coastline (OCHA COD-AB admLevel 99).",
			Geometry:    LineString,
			MinZoom:     5, MaxZoom: 14,
			Simplify: [3]float64{0, 100, 1000},
			PostGIS:  Table{Table: "coastline", ID: "t.line", Geom: levels3857, Where: "t.source = " + referenceSource},
			Memory:   coastlineFeatures,
		},
		{
			Name:        "shorelines",
			Description: "Dated shorelines of the run.",
			Geometry:    LineString,
			MinZoom:     8, MaxZoom: 14,
			Fields: []Field{
				{Name: "date", Type: String, Description: "YYYY-MM-DD (UTC)", SQL: "((t.date AT TIME ZONE 'UTC')::date)::text"},
				{Name: "year", Type: Number, Integer: true, SQL: "extract(year FROM t.date AT TIME ZONE 'UTC')::integer"},
				{Name: "uncertainty_m", Type: Number, Description: "position uncertainty, m"},
				{Name: "source", Type: String, Description: "where the shoreline came from: file base names, layers and features",
					SQL: sourceSQL},
			},
			Simplify: [3]float64{2, 100, 1000},
			PostGIS:  Table{Table: "shorelines", ID: "t.shoreline", PerRun: true, Pieces: "shoreline_tiles", Key: "shoreline"},
			Memory:   shorelineFeatures,
		},
		{
			Name:        "transects",
			Description: "Transects with their DSAS statistics.",
			Geometry:    LineString,
			MinZoom:     10, MaxZoom: 14,
			Fields: []Field{
				{Name: "transect_id", Type: String, Description: "transect label"},
				{Name: "pcode", Type: String, Description: "P-code of the admin unit it lies in"},
				{Name: "n", Type: Number, Integer: true, Description: "shoreline positions"},
				{Name: "lrr", Type: Number, Description: "linear regression rate, m/yr (negative: erosion)"},
				{Name: "lci", Type: Number, Description: "confidence interval half-width of lrr, m/yr"},
				{Name: "lr2", Type: Number, Description: "R² of the regression"},
				{Name: "epr", Type: Number, Description: "end point rate, m/yr"},
				{Name: "eprunc", Type: Number, Description: "uncertainty of epr, m/yr"},
				{Name: "nsm", Type: Number, Description: "net shoreline movement, m"},
				{Name: "sce", Type: Number, Description: "shoreline change envelope, m"},
				{Name: "wlr", Type: Number, Description: "weighted linear regression rate, m/yr"},
				{Name: "wci", Type: Number, Description: "confidence interval half-width of wlr, m/yr"},
				{Name: "date_first", Type: String, Description: "oldest shoreline, YYYY-MM-DD", SQL: "((t.date_first AT TIME ZONE 'UTC')::date)::text"},
				{Name: "date_last", Type: String, Description: "youngest shoreline, YYYY-MM-DD", SQL: "((t.date_last AT TIME ZONE 'UTC')::date)::text"},
			},
			PostGIS: Table{Table: "transects", ID: "t.transect", Geom: [3]string{"t.geom_3857"}, PerRun: true},
			Memory:  transectFeatures,
		},
		{
			Name:        "localities",
			Description: "Settlements of the 1:50,000 topographic map gazetteer.",
			Geometry:    Point,
			MinZoom:     8, MaxZoom: 14,
			Fields: []Field{
				{Name: "name", Type: String},
				{Name: "kind", Type: Number, Integer: true, Description: "1 municipality capital, 2 posto capital, 3 suco centre, 4 other"},
				{Name: "pcode", Type: String, Description: "P-code of the suco it lies in"},
			},
			// 2,135 settlements fall in one zoom-8 tile around Dili: half the time to cut
			// it, and a map of dots. Other settlements appear from zoom 10.
			Thin:    &Thinning{Field: "kind", Max: 3, Below: 10},
			PostGIS: Table{Table: "localities", ID: "t.locality", Geom: [3]string{"t.geom_3857"}, Where: "t.source = " + referenceSource},
			Memory:  localityFeatures,
		},
	}
}

// errNoResult reports a Dataset without a Result.
var errNoResult = errors.New("dataset has no result")

// earthRadius is the radius of the EPSG:3857 sphere: the WGS84 semi-major axis, metres.
const earthRadius = 6378137.0

// mercator projects lon/lat degrees to EPSG:3857 metres, as PROJ does.
func mercator(p orb.Point) orb.Point {
	lat := math.Max(-85.06, math.Min(85.06, p[1]))
	return orb.Point{
		earthRadius * p[0] * math.Pi / 180,
		earthRadius * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360)),
	}
}

// fromUTM returns the projection of a result's UTM coordinates to EPSG:3857.
func fromUTM(res *analysis.Result) orb.Projection {
	return func(p orb.Point) orb.Point { return mercator(res.Zone.Inverse(p)) }
}

// day returns t as YYYY-MM-DD in UTC, or nil for the zero time.
func day(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.DateOnly)
}

func adminFeatures(d *Dataset) ([]Feature, error) {
	if d.Result == nil {
		return nil, errNoResult
	}
	proj := fromUTM(d.Result)
	out := make([]Feature, len(d.Result.Units))
	for i, u := range d.Result.Units {
		a := u.Unit
		out[i] = Feature{
			ID: uint64(i + 1),
			Props: []any{a.Code, a.Name, data.NullString(a.ParentCode), data.NullString(a.ParentName), data.NullString(a.RegionCode), data.NullString(a.RegionName),
				int64(u.Transects), u.CoastKm, u.MeanLRR, u.MedianLRR, u.MinLRR, u.MaxLRR, u.MeanEPR, u.MeanNSM,
				u.PctEroding, u.PctAccreting, u.PctSigEroding, u.PctSigAccreting, u.MeanLRRUnc,
				u.AreaLost, u.AreaGained, data.NullCount(a.Population), data.NullCount(a.Households)},
			Geometry: project.MultiPolygon(a.Geometry.Clone(), proj),
		}
	}
	return out, nil
}

// hazardFeatures are the zones of d.Hazard, numbered from 1 in their order as
// postgis.WriteRun numbers hazard_zones.zone.
func hazardFeatures(d *Dataset) ([]Feature, error) {
	h := d.Hazard
	if h == nil {
		return nil, nil
	}
	if d.Result == nil {
		return nil, errNoResult
	}
	proj := fromUTM(d.Result)
	out := make([]Feature, len(h.Zones))
	for i, z := range h.Zones {
		if z.Horizon < 0 || z.Horizon >= len(h.Horizons) {
			return nil, fmt.Errorf("hazard zone %d: horizon %d out of range [0, %d)", i, z.Horizon, len(h.Horizons))
		}
		hz := h.Horizons[z.Horizon]
		out[i] = Feature{
			ID:       uint64(i + 1),
			Props:    []any{int64(hz.Years), int64(hz.Year()), z.Band, data.NullString(z.UnitCode), z.Area},
			Geometry: project.MultiPolygon(z.Geometry.Clone(), proj),
		}
	}
	return out, nil
}

func coastlineFeatures(d *Dataset) ([]Feature, error) {
	if d.Reference == nil {
		return nil, nil
	}
	out := make([]Feature, len(d.Reference.Coastline))
	for i, l := range d.Reference.Coastline {
		out[i] = Feature{ID: uint64(i + 1), Geometry: project.LineString(l.Clone(), mercator)}
	}
	return out, nil
}

func shorelineFeatures(d *Dataset) ([]Feature, error) {
	if d.Result == nil {
		return nil, errNoResult
	}
	proj := fromUTM(d.Result)
	out := make([]Feature, len(d.Result.Shorelines))
	// Shorelines are projected side by side: millions of vertices for a whole coast.
	parallel(len(out), func(i int) {
		s := &d.Result.Shorelines[i]
		out[i] = Feature{
			ID:       uint64(i + 1),
			Props:    []any{day(s.Date), int64(s.Date.UTC().Year()), s.Uncertainty, publicSource(s.Source)},
			Geometry: project.MultiLineString(s.Geometry.Clone(), proj),
		}
	})
	return out, nil
}

func transectFeatures(d *Dataset) ([]Feature, error) {
	res := d.Result
	if res == nil {
		return nil, errNoResult
	}
	proj := fromUTM(res)
	out := make([]Feature, len(res.Transects))
	for i, t := range res.Transects {
		var pcode any
		if t.Unit >= 0 {
			pcode = res.Units[t.Unit].Unit.Code
		}
		s := t.Stats
		var first, last any
		if s.N > 0 {
			first, last = day(s.First), day(s.Last)
		}
		out[i] = Feature{
			ID: uint64(i + 1),
			Props: []any{t.Label, pcode, int64(s.N), s.LRR, s.LCI, s.LR2, s.EPR, s.EPRunc, s.NSM, s.SCE, s.WLR, s.WCI,
				first, last},
			Geometry: orb.LineString{proj(t.Origin), proj(t.End)},
		}
	}
	return out, nil
}

func localityFeatures(d *Dataset) ([]Feature, error) {
	if d.Reference == nil {
		return nil, nil
	}
	out := make([]Feature, len(d.Reference.Localities))
	for i, l := range d.Reference.Localities {
		out[i] = Feature{ID: uint64(i + 1), Props: []any{l.Name, int64(l.Kind), data.NullString(l.UnitCode)}, Geometry: mercator(l.Point)}
	}
	return out, nil
}
