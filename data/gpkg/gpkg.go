// Package gpkg is tasi's embedded store: one analysis run written to a GeoPackage that
// opens in QGIS and ogrinfo, with the layers
//
//	shorelines     dated shoreline lines (UTM), with their uncertainty, satellite and source
//	shoreline_points  dated point shorelines (CoastSeg's), numbered with the lines
//	baseline       the reference coast transects were cast from (UTM)
//	transects      transect lines with every DSAS statistic (UTM)
//	intersections  shoreline positions: transect id, date, distance (UTM points; no
//	               spatial index, add one with ogrinfo FILE -sql
//	               "SELECT CreateSpatialIndex('intersections','geom')")
//	admin_change   admin unit polygons with their change summary (UTM)
//	hazard_zones   the land the sea is forecast to take by each horizon, per admin unit,
//	               to the best estimate (band 0) and to the landward edge of the
//	               forecast band (band 1), with the setback (UTM); only in runs written
//	               with a forecast (WithHazard), and empty where every coast accretes
//	runs           parameters, SHA-256 of every input, tasi version, start and end time,
//	               whether its shorelines were synthetic (1) or seen (0), and the
//	               forecast's settings (reference date, horizons, rate, band
//	               confidence, setback), empty when the run has no forecast
//
// Geometry is stored in the run's UTM zone (EPSG:326xx/327xx), as DSAS keeps its results in
// the projected CRS the rates were measured in.
package gpkg

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/plan"
)

// Write writes res and its provenance to a new GeoPackage at path, which must not exist.
// Callers that replace an earlier file write to a temporary name and rename it.
//
// Write checks ctx before each feature and returns its error, wrapped, once it is done:
// the file is then incomplete and should be removed.
func Write(ctx context.Context, path string, res *analysis.Result, prov analysis.Provenance, opts ...WriteOption) (err error) {
	w := &writer{ctx: ctx, path: path, res: res, epsg: res.Zone.EPSG()}
	for _, o := range opts {
		o(w)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w.g, err = ogr.CreateGeoPackage(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.g.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}()
	for _, write := range []func(*writer) error{
		writeShorelines, writeBaseline, writeTransects, writeIntersections, writeAdminChange, writeHazard,
	} {
		if err := write(w); err != nil {
			return err
		}
	}
	return writeRun(w, prov)
}

// WriteOption changes how Write writes.
type WriteOption func(*writer)

// WithProgress makes Write call fn as it writes each layer, with the layer's name as Step
// and its features as Done and Total: at the start and end of the layer and a few
// hundred times in between at most. fn is called on Write's goroutine.
func WithProgress(fn func(analysis.Progress)) WriteOption {
	return func(w *writer) { w.progress = fn }
}

// WithHazard makes Write store the run's forecast: its hazard zones in the layer
// hazard_zones and its settings in the runs layer. h's geometry is in the run's UTM zone
// and its zones' Unit index res.Units. A nil h stores no forecast, as without the option.
func WithHazard(h *plan.Hazard) WriteOption {
	return func(w *writer) { w.hazard = h }
}

// writer is one Write under way.
type writer struct {
	ctx      context.Context
	path     string
	g        *ogr.GeoPackage
	res      *analysis.Result
	epsg     int
	progress func(analysis.Progress)
	hazard   *plan.Hazard
}

// wrote is called with done = 0 before a layer's first feature and after each feature.
// It returns the context's error, if any, and reports progress after every 0.5 % of the
// layer's features (every feature of a small layer of large shorelines, every thousandth
// of the half million intersections of a whole country).
func (w *writer) wrote(layer string, done, total int) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("write %s: layer %s: %w", w.path, layer, err)
	}
	if every := min(max(total/200, 1), 1000); w.progress != nil && (done%every == 0 || done == total) {
		w.progress(analysis.Progress{Step: layer, Done: done, Total: total})
	}
	return nil
}

// writeShorelines writes line shorelines to the layer shorelines and point shorelines
// (CoastSeg's) to shoreline_points: a GeoPackage layer has one geometry type, and GIS
// software other than QGIS reads mixed layers poorly. shoreline_id numbers them together,
// in the run's order.
func writeShorelines(wr *writer) error {
	res := wr.res
	if len(res.Shorelines) == 0 {
		return nil
	}
	fields := []ogr.FieldDef{
		{Name: "shoreline_id", Type: ogr.Integer},
		{Name: "date", Type: ogr.DateTime},
		{Name: "uncertainty_m", Type: ogr.Real},
		{Name: "satname", Type: ogr.String},
		{Name: "source", Type: ogr.String},
	}
	var lines, points *ogr.LayerWriter
	if err := wr.wrote("shorelines", 0, len(res.Shorelines)); err != nil {
		return err
	}
	for i, s := range res.Shorelines {
		name, w, g := "shorelines", &lines, orb.Geometry(s.Geometry)
		kind := ogr.MultiLineString
		if len(s.Points) > 0 {
			name, w, g, kind = "shoreline_points", &points, s.Points, ogr.MultiPoint
		}
		if *w == nil {
			var err error
			if *w, err = wr.g.CreateLayer(name, wr.epsg, kind, fields); err != nil {
				return fmt.Errorf("layer %s: %w", name, err)
			}
		}
		if err := (*w).Write(g, int64(i+1), s.Date, s.Uncertainty, data.NullString(s.Satellite), s.Source); err != nil {
			return fmt.Errorf("layer %s: %w", name, err)
		}
		if err := wr.wrote("shorelines", i+1, len(res.Shorelines)); err != nil {
			return err
		}
	}
	return nil
}

func writeBaseline(wr *writer) error {
	res := wr.res
	if len(res.Baseline) == 0 {
		return nil
	}
	w, err := wr.g.CreateLayer("baseline", wr.epsg, ogr.LineString, []ogr.FieldDef{
		{Name: "part", Type: ogr.Integer},
		{Name: "length_m", Type: ogr.Real},
	})
	if err != nil {
		return fmt.Errorf("layer baseline: %w", err)
	}
	if err := wr.wrote("baseline", 0, len(res.Baseline)); err != nil {
		return err
	}
	for i, l := range res.Baseline {
		if err := w.Write(l, int64(i), planar.Length(l)); err != nil {
			return fmt.Errorf("layer baseline: %w", err)
		}
		if err := wr.wrote("baseline", i+1, len(res.Baseline)); err != nil {
			return err
		}
	}
	return nil
}

// transectFields are the columns of the transects layer, after the geometry.
var transectFields = []ogr.FieldDef{
	{Name: "transect_id", Type: ogr.String},
	{Name: "pcode", Type: ogr.String},
	{Name: "cast_id", Type: ogr.Integer}, // 1-based, in order along the baseline parts
	{Name: "part", Type: ogr.Integer},    // baseline part (layer baseline), null for given transects
	{Name: "chainage_m", Type: ogr.Real}, // along that part, null for given transects
	{Name: "azimuth", Type: ogr.Real},
	{Name: "base_m", Type: ogr.Real},
	{Name: "width_m", Type: ogr.Real},
	{Name: "n", Type: ogr.Integer},
	{Name: "date_first", Type: ogr.DateTime},
	{Name: "date_last", Type: ogr.DateTime},
	{Name: "SCE", Type: ogr.Real},
	{Name: "NSM", Type: ogr.Real},
	{Name: "EPR", Type: ogr.Real},
	{Name: "EPRunc", Type: ogr.Real},
	{Name: "LRR", Type: ogr.Real},
	{Name: "LR2", Type: ogr.Real},
	{Name: "LSE", Type: ogr.Real},
	{Name: "LCI", Type: ogr.Real},
	{Name: "WLR", Type: ogr.Real},
	{Name: "WR2", Type: ogr.Real},
	{Name: "WSE", Type: ogr.Real},
	{Name: "WCI", Type: ogr.Real},
}

func writeTransects(wr *writer) error {
	res := wr.res
	w, err := wr.g.CreateLayer("transects", wr.epsg, ogr.LineString, transectFields)
	if err != nil {
		return fmt.Errorf("layer transects: %w", err)
	}
	if err := wr.wrote("transects", 0, len(res.Transects)); err != nil {
		return err
	}
	for i, t := range res.Transects {
		s := t.Stats
		var pcode any
		if t.Unit >= 0 {
			pcode = res.Units[t.Unit].Unit.Code
		}
		var part any
		if t.Part >= 0 {
			part = int64(t.Part)
		}
		if err := w.Write(orb.LineString{t.Origin, t.End},
			t.Label, pcode, int64(t.ID), part, t.Chainage, t.Azimuth, t.Base, t.Width, int64(s.N), optTime(s.N, s.First), optTime(s.N, s.Last),
			s.SCE, s.NSM, s.EPR, s.EPRunc, s.LRR, s.LR2, s.LSE, s.LCI, s.WLR, s.WR2, s.WSE, s.WCI,
		); err != nil {
			return fmt.Errorf("layer transects: transect %s: %w", t.Label, err)
		}
		if err := wr.wrote("transects", i+1, len(res.Transects)); err != nil {
			return err
		}
	}
	return nil
}

func optTime(n int, t any) any {
	if n == 0 {
		return nil
	}
	return t
}

func writeIntersections(wr *writer) error {
	res := wr.res
	w, err := wr.g.CreateLayer("intersections", wr.epsg, ogr.Point, []ogr.FieldDef{
		{Name: "transect_id", Type: ogr.String},
		{Name: "shoreline_id", Type: ogr.Integer},
		{Name: "date", Type: ogr.DateTime},
		{Name: "distance_m", Type: ogr.Real},
	}, ogr.WithoutSpatialIndex()) // GDAL 3.6 builds an R-tree row by row: 6 s for the demo's 550,000 points
	if err != nil {
		return fmt.Errorf("layer intersections: %w", err)
	}
	if err := wr.wrote("intersections", 0, len(res.Intersections)); err != nil {
		return err
	}
	for i, x := range res.Intersections {
		if err := w.Write(x.Point, res.Transects[x.Transect].Label, int64(x.Shoreline+1), x.Date, x.Distance); err != nil {
			return fmt.Errorf("layer intersections: %w", err)
		}
		if err := wr.wrote("intersections", i+1, len(res.Intersections)); err != nil {
			return err
		}
	}
	return nil
}

func writeAdminChange(wr *writer) error {
	res := wr.res
	if len(res.Units) == 0 {
		return nil
	}
	w, err := wr.g.CreateLayer("admin_change", wr.epsg, ogr.MultiPolygon, []ogr.FieldDef{
		{Name: "pcode", Type: ogr.String},
		{Name: "name", Type: ogr.String},
		{Name: "parent_pcode", Type: ogr.String},
		{Name: "parent_name", Type: ogr.String},
		{Name: "region_pcode", Type: ogr.String},
		{Name: "region_name", Type: ogr.String},
		{Name: "n_transects", Type: ogr.Integer},
		{Name: "coast_km", Type: ogr.Real},
		{Name: "mean_LRR", Type: ogr.Real},
		{Name: "median_LRR", Type: ogr.Real},
		{Name: "min_LRR", Type: ogr.Real},
		{Name: "max_LRR", Type: ogr.Real},
		{Name: "mean_EPR", Type: ogr.Real},
		{Name: "mean_NSM", Type: ogr.Real},
		{Name: "pct_eroding", Type: ogr.Real},
		{Name: "pct_accreting", Type: ogr.Real},
		{Name: "pct_sig_eroding", Type: ogr.Real},
		{Name: "pct_sig_accreting", Type: ogr.Real},
		{Name: "mean_LRR_unc", Type: ogr.Real},
		{Name: "n_effective", Type: ogr.Real},
		{Name: "area_lost_m2", Type: ogr.Real},
		{Name: "area_gained_m2", Type: ogr.Real},
		{Name: "population", Type: ogr.Integer},
		{Name: "households", Type: ogr.Integer},
	})
	if err != nil {
		return fmt.Errorf("layer admin_change: %w", err)
	}
	if err := wr.wrote("admin_change", 0, len(res.Units)); err != nil {
		return err
	}
	for i, u := range res.Units {
		a := u.Unit
		if err := w.Write(a.Geometry, a.Code, a.Name, data.NullString(a.ParentCode), data.NullString(a.ParentName), data.NullString(a.RegionCode), data.NullString(a.RegionName),
			int64(u.Transects), u.CoastKm, u.MeanLRR, u.MedianLRR, u.MinLRR, u.MaxLRR, u.MeanEPR, u.MeanNSM,
			u.PctEroding, u.PctAccreting, u.PctSigEroding, u.PctSigAccreting, u.MeanLRRUnc, u.NEffective,
			u.AreaLost, u.AreaGained, data.NullCount(a.Population), data.NullCount(a.Households),
		); err != nil {
			return fmt.Errorf("layer admin_change: unit %s: %w", a.Code, err)
		}
		if err := wr.wrote("admin_change", i+1, len(res.Units)); err != nil {
			return err
		}
	}
	return nil
}

// hazardFields are the columns of the hazard_zones layer, after the geometry.
var hazardFields = []ogr.FieldDef{
	{Name: "horizon_years", Type: ogr.Integer}, // years after the reference date
	{Name: "horizon_year", Type: ogr.Integer},  // calendar year of the horizon
	{Name: "horizon_date", Type: ogr.Date},     // the reference date plus horizon_years
	{Name: "band", Type: ogr.Integer},          // 0: to the best estimate; 1: to the landward edge of the band
	{Name: "unit_code", Type: ogr.String},      // admin_change.pcode, null for coast outside every unit
	{Name: "area_m2", Type: ogr.Real},
	{Name: "setback_m", Type: ogr.Real},   // added landward of the forecast shoreline
	{Name: "confidence", Type: ogr.Real},  // of the forecast band, 0–1
	{Name: "rate_kind", Type: ogr.String}, // LRR or WLR
}

// writeHazard writes the zones of the run's forecast, if it has one: a run with a forecast
// and no zones (every coast accretes) gets the layer empty, so that a reader can tell it
// from a run without a forecast.
func writeHazard(wr *writer) error {
	h := wr.hazard
	if h == nil {
		return nil
	}
	w, err := wr.g.CreateLayer("hazard_zones", wr.epsg, ogr.MultiPolygon, hazardFields,
		ogr.WithDescription("Land the sea is forecast to take by each horizon, per admin unit (tasi)"))
	if err != nil {
		return fmt.Errorf("layer hazard_zones: %w", err)
	}
	if err := wr.wrote("hazard_zones", 0, len(h.Zones)); err != nil {
		return err
	}
	rate := h.RateKind.String()
	for i, z := range h.Zones {
		if z.Horizon < 0 || z.Horizon >= len(h.Horizons) {
			return fmt.Errorf("layer hazard_zones: zone %d: horizon %d out of range [0, %d)", i, z.Horizon, len(h.Horizons))
		}
		hz := h.Horizons[z.Horizon]
		band := 0
		if z.Band {
			band = 1
		}
		if err := w.Write(z.Geometry, int64(hz.Years), int64(hz.Year()), hz.Date, int64(band), data.NullString(z.UnitCode),
			z.Area, h.Setback, h.Confidence, rate); err != nil {
			return fmt.Errorf("layer hazard_zones: zone %d: %w", i, err)
		}
		if err := wr.wrote("hazard_zones", i+1, len(h.Zones)); err != nil {
			return err
		}
	}
	return nil
}

// forecastRunFields are the runs layer's columns of the forecast's settings, null for a
// run without a forecast.
var forecastRunFields = []ogr.FieldDef{
	{Name: "forecast_ref_date", Type: ogr.DateTime}, // the date the horizons count from
	{Name: "forecast_horizons", Type: ogr.String},   // years after it, comma-separated: 10,20,30
	{Name: "forecast_rate", Type: ogr.String},       // LRR or WLR
	{Name: "forecast_confidence", Type: ogr.Real},   // of the band, 0–1
	{Name: "forecast_setback_m", Type: ogr.Real},
}

// forecastValues returns the values of forecastRunFields for h.
func forecastValues(h *plan.Hazard) []any {
	if h == nil {
		return []any{nil, nil, nil, nil, nil}
	}
	years := make([]string, len(h.Horizons))
	for i, hz := range h.Horizons {
		years[i] = strconv.Itoa(hz.Years)
	}
	return []any{h.RefDate, strings.Join(years, ","), h.RateKind.String(), h.Confidence, h.Setback}
}

// boolInt is b as a GeoPackage stores a flag: an integer, 0 or 1.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func writeRun(wr *writer, prov analysis.Provenance) error {
	res := wr.res
	params, err := json.Marshal(prov.Parameters)
	if err != nil {
		return fmt.Errorf("layer runs: %w", err)
	}
	inputs, err := json.Marshal(prov.Inputs)
	if err != nil {
		return fmt.Errorf("layer runs: %w", err)
	}
	w, err := wr.g.CreateLayer("runs", 0, ogr.None, append([]ogr.FieldDef{
		{Name: "tasi_version", Type: ogr.String},
		{Name: "started", Type: ogr.DateTime},
		{Name: "finished", Type: ogr.DateTime},
		{Name: "crs", Type: ogr.String},
		{Name: "parameters", Type: ogr.String},
		{Name: "inputs", Type: ogr.String},
		{Name: "n_shorelines", Type: ogr.Integer},
		{Name: "n_transects", Type: ogr.Integer},
		{Name: "n_intersections", Type: ogr.Integer},
		{Name: "n_missed_transects", Type: ogr.Integer},
		{Name: "synthetic", Type: ogr.Integer}, // 1 when a shoreline was generated, not seen
	}, forecastRunFields...))
	if err != nil {
		return fmt.Errorf("layer runs: %w", err)
	}
	values := append([]any{prov.Version, prov.Started, prov.Finished, fmt.Sprintf("EPSG:%d", res.Zone.EPSG()),
		string(params), string(inputs), int64(len(res.Shorelines)), int64(len(res.Transects)),
		int64(len(res.Intersections)), int64(len(res.Missed)), boolInt(prov.Synthetic)}, forecastValues(wr.hazard)...)
	if err := w.Write(nil, values...); err != nil {
		return fmt.Errorf("layer runs: %w", err)
	}
	return nil
}
