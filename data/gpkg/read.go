package gpkg

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Run is everything a results GeoPackage holds of its run.
type Run struct {
	Result     *analysis.Result
	Provenance analysis.Provenance
	// Hazard is the run's forecast and hazard zones, geometry in the run's UTM zone and
	// Zone.Unit indexing Result.Units; nil for a run written without a forecast (no
	// transect had two dates, or the file predates forecasts).
	Hazard *plan.Hazard
	// SHA256 is the digest of the file's bytes as they were read: what tells two files
	// apart whatever their runs' times say (two analyses may finish in the same second,
	// and a file may be rewritten by hand). A server names the run after it.
	SHA256 [sha256.Size]byte
}

// ErrChanged reports a file that was replaced or modified while ReadRun read it: what was
// read may mix two versions, so nothing of it is returned. Reading again later gets the
// new version whole.
var ErrChanged = errors.New("the file changed while it was read")

// Read reads the run that Write stored at path, so that a server can serve a GeoPackage
// the way it serves a run from PostGIS: ReadRun without the hazard zones.
func Read(ctx context.Context, path string, opts ...ReadOption) (*analysis.Result, analysis.Provenance, error) {
	r, err := ReadRun(ctx, path, opts...)
	if err != nil {
		return nil, analysis.Provenance{}, err
	}
	return r.Result, r.Provenance, nil
}

// ReadRun reads the run that Write stored at path with its forecast. Geometry comes back
// in the run's UTM zone, as in the Result that was written, exactly as stored: Write
// stores every layer in that zone, and the layers are read without reprojection (a layer
// in another CRS is an error).
//
// The file does not hold everything a Result has, so some fields are rebuilt or left
// unset:
//   - Files written before the transects layer held cast_id, part and chainage_m give
//     Transect.ID as the transect's 1-based position in the file, Part -1, Chainage NaN.
//   - Transect.Unit is found through the transect's P-code among the admin_change rows,
//     and so is a hazard zone's Unit.
//   - Result.Params is the zero Params: the file stores the settings by their
//     command-line names, in Provenance.Parameters.
//   - Missed lists the transects with no shoreline position (n = 0).
//   - Shoreline.Synthetic is not kept per shoreline: Provenance.Synthetic says whether any
//     was, and is false for files written before tasi recorded it.
//
// Units, transects and shorelines keep the file's order, which is the order Write was
// given them in, so the 1-based feature ids (fid) are the unit, transect and shoreline
// numbers PostGIS stores; hazard zones keep it too. Statistics stored as NULL come back
// as NaN, unknown census figures as -1. Files without the hazard_zones layer or the
// forecast columns of the runs layer (written before tasi stored forecasts) read as runs
// without a forecast.
//
// Layers are read in parallel; WithoutIntersections skips the largest one. The file is
// hashed (Run.SHA256) while they are read; a file replaced or modified meanwhile is an
// error wrapping ErrChanged.
func ReadRun(ctx context.Context, path string, opts ...ReadOption) (*Run, error) {
	var o readOptions
	for _, opt := range opts {
		opt(&o)
	}
	fail := func(layer string, err error) (*Run, error) {
		return nil, fmt.Errorf("read run %s: layer %s: %w", path, layer, err)
	}
	// The digest is of the file as opened here; GDAL opens the path again for each layer,
	// so the path is checked afterwards to still name this file, unmodified.
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	var digest [sha256.Size]byte
	var hashErr error
	var hashed sync.WaitGroup
	hashed.Go(func() {
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			hashErr = fmt.Errorf("read run: hash %s: %w", path, err)
			return
		}
		h.Sum(digest[:0])
	})
	r, err := readRunLayers(ctx, path, o, fail)
	hashed.Wait()
	if err == nil {
		err = hashErr
	}
	if err == nil {
		after, serr := os.Stat(path)
		if serr != nil || !os.SameFile(before, after) || before.Size() != after.Size() || !before.ModTime().Equal(after.ModTime()) {
			err = fmt.Errorf("read run %s: %w", path, ErrChanged)
		}
	}
	if err != nil {
		return nil, err
	}
	r.SHA256 = digest
	return r, nil
}

// Check reports whether path looks like a results GeoPackage, with its runs and
// transects layers, without reading them: a few milliseconds, so that a server can tell a
// file it cannot read (not a GeoPackage, another kind of GeoPackage) before it makes room
// for the run in it. ReadRun may still fail on a file that passes.
func Check(path string) error {
	_, err := layerSet(path)
	return err
}

// layerSet returns the layers of the results GeoPackage at path by name.
func layerSet(path string) (map[string]bool, error) {
	names, err := ogr.LayerNames(path)
	if err != nil {
		return nil, fmt.Errorf("read run: %w", err)
	}
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[n] = true
	}
	for _, name := range []string{"runs", "transects"} {
		if !have[name] {
			return nil, fmt.Errorf("read run %s: layer %s: missing: is this a tasi results GeoPackage?", path, name)
		}
	}
	return have, nil
}

// readRunLayers reads the layers of ReadRun.
func readRunLayers(ctx context.Context, path string, o readOptions, fail func(string, error) (*Run, error)) (*Run, error) {
	have, err := layerSet(path)
	if err != nil {
		return nil, err
	}
	// Layers are read in parallel and in the file's CRS, the run's UTM zone: reprojecting
	// them to lon/lat in GDAL and back in Go was most of the time to read the shorelines
	// (issue 12). The intersections, most of the file, are read by SQL without geometry
	// (readIntersections) alongside.
	want := []string{"runs", "shorelines", "shoreline_points", "baseline", "admin_change", "transects", "hazard_zones"}
	layers := make(map[string]*ogr.Layer, len(want))
	errs := make([]error, len(want))
	var mu sync.Mutex
	var wg sync.WaitGroup
	var xs *rawIntersections
	var xsErr error
	if !o.noIntersections && have["intersections"] {
		wg.Go(func() { xs, xsErr = readIntersections(ctx, path) })
	}
	for i, name := range want {
		if !have[name] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ls, err := ogr.Read(ctx, path, ogr.ReadOptions{Layer: name, KeepCRS: true})
			if err != nil {
				errs[i] = fmt.Errorf("read run: %w", err)
				return
			}
			mu.Lock()
			layers[name] = &ls[0]
			mu.Unlock()
		}()
	}
	wg.Wait()
	if xsErr != nil {
		errs = append(errs, fmt.Errorf("read run %s: layer intersections: %w", path, xsErr))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	prov, zone, hazard, err := readRun(layers["runs"])
	if err != nil {
		return fail("runs", err)
	}
	crs := fmt.Sprintf("EPSG:%d", zone.EPSG())
	for _, name := range want {
		if l := layers[name]; l != nil && l.SourceSRS != "" && l.SourceSRS != crs {
			return fail(name, fmt.Errorf("in %s, not in the run's CRS %s", l.SourceSRS, crs))
		}
	}
	res := &analysis.Result{Zone: zone}
	var r reader
	if res.Shorelines, err = r.shorelines(layers["shorelines"], layers["shoreline_points"]); err != nil {
		return fail("shorelines", err)
	}
	if l := layers["baseline"]; l != nil {
		if res.Baseline, err = r.baseline(l); err != nil {
			return fail("baseline", err)
		}
	}
	unitIndex := map[string]int{}
	if l := layers["admin_change"]; l != nil {
		if res.Units, err = r.units(l); err != nil {
			return fail("admin_change", err)
		}
		for i, u := range res.Units {
			unitIndex[u.Unit.Code] = i
		}
	}
	if res.Transects, err = r.transects(layers["transects"], unitIndex); err != nil {
		return fail("transects", err)
	}
	for i, t := range res.Transects {
		if t.Stats.N == 0 {
			res.Missed = append(res.Missed, i)
		}
	}
	if xs != nil {
		if res.Intersections, err = xs.resolve(res.Transects); err != nil {
			return fail("intersections", err)
		}
	}
	if l := layers["hazard_zones"]; l != nil {
		if hazard == nil {
			return fail("hazard_zones", errors.New("zones without the forecast's settings in the runs layer"))
		}
		if hazard.Zones, err = r.zones(l, hazard, unitIndex); err != nil {
			return fail("hazard_zones", err)
		}
	}
	return &Run{Result: res, Provenance: prov, Hazard: hazard}, nil
}

// ReadOption changes what Read reads.
type ReadOption func(*readOptions)

type readOptions struct {
	noIntersections bool
}

// WithoutIntersections makes Read skip the intersections layer, leaving
// Result.Intersections empty: most of a results file, and of the time to read it
// (0.35–0.45 of 0.55–0.7 s for the Timor-Leste demo on two cores), which a tile server
// does not need.
func WithoutIntersections() ReadOption {
	return func(o *readOptions) { o.noIntersections = true }
}

// readRun decodes the single row of the runs layer: the provenance, the run's UTM zone,
// and the forecast's settings (without zones), nil when it has none.
func readRun(l *ogr.Layer) (analysis.Provenance, utm.Zone, *plan.Hazard, error) {
	var prov analysis.Provenance
	if len(l.Features) != 1 {
		return prov, utm.Zone{}, nil, fmt.Errorf("%d rows, want 1", len(l.Features))
	}
	f := fieldReader{fields: l.Features[0].Fields}
	prov.Version = f.str("tasi_version")
	prov.Started = f.time("started")
	prov.Finished = f.time("finished")
	prov.Synthetic = f.int("synthetic") != 0 // absent in files written before tasi recorded it: not synthetic
	crs := f.str("crs")
	if s := f.str("parameters"); s != "" {
		if err := json.Unmarshal([]byte(s), &prov.Parameters); err != nil {
			return prov, utm.Zone{}, nil, fmt.Errorf("field parameters: %w", err)
		}
	}
	if s := f.str("inputs"); s != "" {
		if err := json.Unmarshal([]byte(s), &prov.Inputs); err != nil {
			return prov, utm.Zone{}, nil, fmt.Errorf("field inputs: %w", err)
		}
	}
	hazard := f.forecast()
	if f.err != nil {
		return prov, utm.Zone{}, nil, f.err
	}
	code, ok := strings.CutPrefix(crs, "EPSG:")
	epsg, err := strconv.Atoi(code)
	if !ok || err != nil {
		return prov, utm.Zone{}, nil, fmt.Errorf("field crs: %q is not an EPSG code", crs)
	}
	zone, err := utm.ZoneFromEPSG(epsg)
	if err != nil {
		return prov, utm.Zone{}, nil, fmt.Errorf("field crs: %w", err)
	}
	return prov, zone, hazard, nil
}

// forecast reads the forecast columns of a runs row into a Hazard without zones, nil when
// they are null or absent (files written before tasi stored forecasts).
func (f *fieldReader) forecast() *plan.Hazard {
	ref := f.time("forecast_ref_date")
	if ref.IsZero() {
		return nil
	}
	h := &plan.Hazard{RefDate: ref, Confidence: f.num("forecast_confidence"), Setback: f.num("forecast_setback_m")}
	switch rate := f.str("forecast_rate"); rate {
	case "LRR":
		h.RateKind = change.LinearRate
	case "WLR":
		h.RateKind = change.WeightedRate
	default:
		f.fail(fmt.Errorf("field forecast_rate: %q, want LRR or WLR", rate))
	}
	for _, s := range strings.Split(f.str("forecast_horizons"), ",") {
		years, err := strconv.Atoi(s)
		if err != nil || years < 1 {
			f.fail(fmt.Errorf("field forecast_horizons: %q is not a number of years", s))
			return nil
		}
		h.Horizons = append(h.Horizons, plan.Horizon{Years: years, Date: ref.AddDate(years, 0, 0)})
	}
	return h
}

// reader turns the features of ogr, in the run's UTM zone, into the run's values.
type reader struct{}

// shorelines reads the line and point shorelines back into one list in shoreline_id
// order; either layer may be absent.
func (r reader) shorelines(lines, points *ogr.Layer) ([]analysis.Shoreline, error) {
	var feats []ogr.Feature
	for _, l := range []*ogr.Layer{lines, points} {
		if l != nil {
			feats = append(feats, l.Features...)
		}
	}
	out := make([]analysis.Shoreline, len(feats))
	seen := make([]bool, len(feats))
	for _, ft := range feats {
		f := fieldReader{fields: ft.Fields}
		s := analysis.Shoreline{Date: f.time("date"), Uncertainty: f.num("uncertainty_m"), Source: f.str("source")}
		if v, ok := ft.Fields["satname"].(string); ok {
			s.Satellite = v
		}
		id := f.int("shoreline_id")
		if f.err == nil && (id < 1 || id > int64(len(out)) || seen[id-1]) {
			f.err = fmt.Errorf("shoreline_id %d: not one of 1..%d, or repeated", id, len(out))
		}
		switch g := ft.Geometry.(type) {
		case orb.MultiPoint:
			s.Points = g
		case orb.Point:
			s.Points = orb.MultiPoint{g}
		default:
			ml, err := multiLine(ft.Geometry)
			if err != nil {
				f.fail(err)
			}
			s.Geometry = ml
		}
		if f.err != nil {
			return nil, fmt.Errorf("feature %d: %w", ft.FID, f.err)
		}
		out[id-1], seen[id-1] = s, true
	}
	return out, nil
}

func (r reader) baseline(l *ogr.Layer) (orb.MultiLineString, error) {
	out := make(orb.MultiLineString, len(l.Features))
	for i, ft := range l.Features {
		ls, ok := ft.Geometry.(orb.LineString)
		if !ok {
			return nil, fmt.Errorf("feature %d: geometry %s, want LineString", ft.FID, typeName(ft.Geometry))
		}
		out[i] = ls
	}
	return out, nil
}

func (r reader) units(l *ogr.Layer) ([]analysis.UnitChange, error) {
	out := make([]analysis.UnitChange, len(l.Features))
	for i, ft := range l.Features {
		f := fieldReader{fields: ft.Fields}
		var u analysis.UnitChange
		a := &u.Unit
		a.Code, a.Name = f.str("pcode"), f.str("name")
		a.ParentCode, a.ParentName = f.str("parent_pcode"), f.str("parent_name")
		a.RegionCode, a.RegionName = f.str("region_pcode"), f.str("region_name")
		a.Population, a.Households = f.count("population"), f.count("households")
		u.Transects = int(f.int("n_transects"))
		u.CoastKm = f.num("coast_km")
		u.MeanLRR, u.MedianLRR, u.MinLRR, u.MaxLRR = f.num("mean_LRR"), f.num("median_LRR"), f.num("min_LRR"), f.num("max_LRR")
		u.MeanEPR, u.MeanNSM = f.num("mean_EPR"), f.num("mean_NSM")
		u.PctEroding, u.PctAccreting = f.num("pct_eroding"), f.num("pct_accreting")
		u.PctSigEroding, u.PctSigAccreting = f.num("pct_sig_eroding"), f.num("pct_sig_accreting")
		u.MeanLRRUnc, u.NEffective = f.num("mean_LRR_unc"), f.num("n_effective")
		u.AreaLost, u.AreaGained = f.num("area_lost_m2"), f.num("area_gained_m2")
		if a.Code == "" && f.err == nil {
			f.err = errors.New("empty pcode")
		}
		g, err := multiPolygon(ft.Geometry)
		if err != nil {
			f.fail(err)
		}
		if f.err != nil {
			return nil, fmt.Errorf("feature %d: %w", ft.FID, f.err)
		}
		a.Geometry = g
		out[i] = u
	}
	return out, nil
}

func (r reader) transects(l *ogr.Layer, unitIndex map[string]int) ([]analysis.Transect, error) {
	out := make([]analysis.Transect, len(l.Features))
	for i, ft := range l.Features {
		f := fieldReader{fields: ft.Fields}
		var t analysis.Transect
		t.ID, t.Part, t.Chainage = i+1, -1, math.NaN()
		if _, ok := ft.Fields["cast_id"]; ok {
			t.ID = int(f.int("cast_id"))
			t.Chainage = f.num("chainage_m")
			if ft.Fields["part"] != nil {
				t.Part = int(f.int("part"))
			}
		}
		t.Label = f.str("transect_id")
		t.Unit = -1
		if code := f.str("pcode"); code != "" {
			u, ok := unitIndex[code]
			if !ok && f.err == nil {
				f.err = fmt.Errorf("pcode %q is not in admin_change", code)
			}
			if ok {
				t.Unit = u
			}
		}
		t.Azimuth, t.Base, t.Width = f.num("azimuth"), f.num("base_m"), f.num("width_m")
		st := &t.Stats
		st.N = int(f.int("n"))
		st.First, st.Last = f.time("date_first"), f.time("date_last")
		st.SCE, st.NSM, st.EPR, st.EPRunc = f.num("SCE"), f.num("NSM"), f.num("EPR"), f.num("EPRunc")
		st.LRR, st.LR2, st.LSE, st.LCI = f.num("LRR"), f.num("LR2"), f.num("LSE"), f.num("LCI")
		st.WLR, st.WR2, st.WSE, st.WCI = f.num("WLR"), f.num("WR2"), f.num("WSE"), f.num("WCI")
		ls, ok := ft.Geometry.(orb.LineString)
		if (!ok || len(ls) != 2) && f.err == nil {
			f.err = fmt.Errorf("geometry %s with %d vertices, want a LineString of 2", typeName(ft.Geometry), len(ls))
		}
		if f.err != nil {
			return nil, fmt.Errorf("feature %d (transect %q): %w", ft.FID, t.Label, f.err)
		}
		t.Origin, t.End = ls[0], ls[1]
		out[i] = t
	}
	return out, nil
}

// zones reads the hazard zones of h, whose horizons come from the runs layer.
func (r reader) zones(l *ogr.Layer, h *plan.Hazard, unitIndex map[string]int) ([]plan.Zone, error) {
	out := make([]plan.Zone, len(l.Features))
	for i, ft := range l.Features {
		f := fieldReader{fields: ft.Fields}
		years := int(f.int("horizon_years"))
		z := plan.Zone{Horizon: -1, Band: f.int("band") != 0, Unit: -1, UnitCode: f.str("unit_code"), Area: f.num("area_m2")}
		for k, hz := range h.Horizons {
			if hz.Years == years {
				z.Horizon = k
			}
		}
		if z.Horizon < 0 && f.err == nil {
			f.err = fmt.Errorf("horizon_years %d is not one of the run's forecast_horizons", years)
		}
		if z.UnitCode != "" {
			u, ok := unitIndex[z.UnitCode]
			if !ok && f.err == nil {
				f.err = fmt.Errorf("unit_code %q is not in admin_change", z.UnitCode)
			}
			if ok {
				z.Unit = u
			}
		}
		g, err := multiPolygon(ft.Geometry)
		if err != nil {
			f.fail(err)
		}
		if f.err != nil {
			return nil, fmt.Errorf("feature %d: %w", ft.FID, f.err)
		}
		z.Geometry = g
		out[i] = z
	}
	return out, nil
}

// rawIntersections are the rows of the intersections layer with their transects named by
// label, until the transects layer says which transect each label is.
type rawIntersections struct {
	labels []string                // distinct transect_id values
	label  []int32                 // of each row, an index into labels
	rows   []analysis.Intersection // Transect unset
	// The fid of row i is fids[i], or firstFID+i when fids is nil: the fids of a layer
	// Write made run from 1 without gaps.
	firstFID int64
	fids     []int64
}

// fid returns the feature id of row i.
func (xs *rawIntersections) fid(i int) int64 {
	if xs.fids != nil {
		return xs.fids[i]
	}
	return xs.firstFID + int64(i)
}

// intersectionsSQL reads the intersections with fids from %d to %d in file order without
// reprojecting their points: ST_MinX/ST_MinY of a point (GDAL's GeoPackage SQL functions)
// are its coordinates in the layer's CRS, the run's UTM zone, so they come back exactly
// as written, with none of the cost of a feature geometry per row. OGR types an
// expression column by its value in the first row, a NULL making it a String, so x and y
// are never NULL and nogeom tells a point without coordinates.
const intersectionsSQL = `SELECT fid, transect_id, shoreline_id, date, distance_m,
		ifnull(x, 0.0) AS x, ifnull(y, 0.0) AS y, x IS NULL OR y IS NULL AS nogeom
	FROM (SELECT fid, transect_id, shoreline_id, date, distance_m, ST_MinX(geom) AS x, ST_MinY(geom) AS y
		FROM intersections WHERE fid BETWEEN %d AND %d)
	ORDER BY fid`

// minPartRows is the fewest rows worth a part of their own in readIntersections.
const minPartRows = 50_000

// readIntersections reads the intersections layer of path, in fid ranges side by side,
// one for each processor with room for minPartRows rows or more: 90 % of the time
// to read it is GDAL's and SQLite's, in cgo calls that use a thread each.
func readIntersections(ctx context.Context, path string) (*rawIntersections, error) {
	return readIntersectionsIn(ctx, path, 0)
}

// intersectionsPart is a range of fids of the intersections layer read by one goroutine
// into rows from..from+n of the result.
type intersectionsPart struct {
	lo, hi int64 // fids
	from   int
	n      int
	labels []string // the values label indexes in its rows, code -1 for NULL
	err    error
}

// readIntersectionsIn reads the intersections layer of path in (up to) parts fid ranges
// side by side, into one slice of rows, in file order; parts 0 is as readIntersections
// says.
func readIntersectionsIn(ctx context.Context, path string, parts int) (*rawIntersections, error) {
	lo, hi, n, err := intersectionsExtent(ctx, path)
	if err != nil {
		return nil, err
	}
	if hi < lo {
		return &rawIntersections{firstFID: lo}, nil // no rows
	}
	if parts == 0 {
		parts = int(min(int64(runtime.GOMAXPROCS(0)), max(n/minPartRows, 1)))
	}
	ps := fidRanges(lo, hi, parts)
	if hi-lo+1 == n {
		// As many rows as fids: each range's rows start at its first fid - lo, which
		// each range checks by reading as many rows as it has fids.
		out, err := readIntersectionParts(ctx, path, ps, lo, false)
		if !errors.Is(err, errGap) {
			return out, err
		}
	}
	// fids with gaps (or a feature count that was wrong): count the rows of each range
	from := 0
	for i := range ps {
		p := &ps[i]
		err := ogr.QueryColumns(ctx, path, fmt.Sprintf("SELECT count(*) AS n FROM intersections WHERE fid BETWEEN %d AND %d", p.lo, p.hi),
			func(c *ogr.Columns) error {
				count, _, err := c.Int64("n")
				if err != nil {
					return err
				}
				p.n = int(count[0])
				return nil
			})
		if err != nil {
			return nil, err
		}
		p.from = from
		from += p.n
	}
	return readIntersectionParts(ctx, path, ps, lo, true)
}

// intersectionsExtent returns the least and greatest fid of the intersections layer
// (hi < lo when it has no rows) and its number of rows: the feature count GDAL keeps in
// gpkg_ogr_contents when it is there, as SELECT count(*) reads the whole table (0.1 s
// of the demo's 0.5 s). readIntersectionsIn does not rely on it being right.
func intersectionsExtent(ctx context.Context, path string) (lo, hi, n int64, err error) {
	// One min() or max() a SELECT, which SQLite then finds without a scan; ifnull, as OGR
	// types an expression column by its first value and a NULL makes it a String.
	const extent = `SELECT ifnull((SELECT min(fid) FROM intersections), 1) AS lo,
		ifnull((SELECT max(fid) FROM intersections), 0) AS hi, `
	var v [3]int64
	read := func(c *ogr.Columns) error {
		for k, name := range []string{"lo", "hi", "n"} {
			col, _, err := c.Int64(name)
			if err != nil {
				return err
			}
			v[k] = col[0]
		}
		return nil
	}
	err = ogr.QueryColumns(ctx, path, extent+`ifnull((SELECT feature_count FROM gpkg_ogr_contents
		WHERE lower(table_name) = 'intersections'), -1) AS n`, read)
	if err != nil || v[2] < 0 { // no gpkg_ogr_contents, or no count in it
		err = ogr.QueryColumns(ctx, path, extent+`(SELECT count(*) FROM intersections) AS n`, read)
	}
	return v[0], v[1], v[2], err
}

// fidRanges returns up to parts ranges of equal width covering fids lo to hi, each
// starting at its first fid - lo in the rows, with as many rows as fids.
func fidRanges(lo, hi int64, parts int) []intersectionsPart {
	span := hi - lo + 1
	if span <= 0 { // fids spread over more than int64 holds: counted anyway
		parts, span = 1, -1
	}
	parts = max(parts, 1)
	step := span/int64(parts) + min(span%int64(parts), 1)
	ps := make([]intersectionsPart, 0, parts)
	for a := lo; ; a += step {
		b := hi
		if span > 0 && hi-a >= step {
			b = a + step - 1
		}
		ps = append(ps, intersectionsPart{lo: a, hi: b, from: int(a - lo), n: int(b - a + 1)})
		if b == hi {
			return ps
		}
	}
}

// errGap reports a range of fids with fewer rows than fids.
var errGap = errors.New("fewer rows than fids")

// readIntersectionParts reads the ranges ps side by side into one slice of rows; gaps
// says whether the fids have gaps (they are then kept for each row). Without gaps, a
// range that finds one is an error wrapping errGap.
func readIntersectionParts(ctx context.Context, path string, ps []intersectionsPart, lo int64, gaps bool) (*rawIntersections, error) {
	last := ps[len(ps)-1]
	n := last.from + last.n
	out := &rawIntersections{firstFID: lo, rows: make([]analysis.Intersection, n), label: make([]int32, n)}
	if gaps {
		out.fids = make([]int64, n)
	}
	var wg sync.WaitGroup
	for i := range ps {
		wg.Go(func() { ps[i].read(ctx, path, out) })
	}
	wg.Wait()
	// The first error in file order, as reading the layer from its start would find it
	// (parts run to their end when another fails), once it is known where rows go.
	for _, p := range ps {
		if errors.Is(p.err, errGap) {
			return nil, p.err
		}
	}
	for _, p := range ps {
		if p.err != nil {
			return nil, p.err
		}
	}
	// One dictionary of labels: each part's codes into it.
	index := map[string]int32{}
	for _, p := range ps {
		remap := make([]int32, len(p.labels))
		for k, label := range p.labels {
			remap[k] = out.labelCode(index, label)
		}
		for i, k := range out.label[p.from : p.from+p.n] {
			if k < 0 {
				out.label[p.from+i] = out.labelCode(index, "") // NULL reads as ""
			} else {
				out.label[p.from+i] = remap[k]
			}
		}
	}
	return out, nil
}

// labelCode returns the index of label in xs.labels, adding it if new.
func (xs *rawIntersections) labelCode(index map[string]int32, label string) int32 {
	k, ok := index[label]
	if !ok {
		k = int32(len(xs.labels))
		index[label] = k
		xs.labels = append(xs.labels, label)
	}
	return k
}

// read reads the rows of p into its rows of out, with labels coded by p.labels, and
// leaves in p.err what went wrong. Values are read as fieldReader reads them: a NULL
// label is "", a NULL shoreline_id 0, a NULL date the zero time, a NULL distance NaN.
func (p *intersectionsPart) read(ctx context.Context, path string, out *rawIntersections) {
	rows, label := out.rows[p.from:p.from+p.n], out.label[p.from:p.from+p.n]
	var fids []int64
	if out.fids != nil {
		fids = out.fids[p.from : p.from+p.n]
	}
	at := 0
	var dist []float64
	err := ogr.QueryColumns(ctx, path, fmt.Sprintf(intersectionsSQL, p.lo, p.hi), func(c *ogr.Columns) error {
		fid := c.FIDs()
		fail := func(field string, err error) error {
			return fmt.Errorf("feature %d: field %s: %w", fid[0], field, err)
		}
		codes, dict, _, err := c.Strings("transect_id")
		if err != nil {
			return fail("transect_id", err)
		}
		shoreline, _, err := c.Int64("shoreline_id")
		if err != nil {
			return fail("shoreline_id", err)
		}
		date, dateOK, err := c.Time("date")
		if err != nil {
			return fail("date", err)
		}
		if dist, err = reals(c, "distance_m", dist); err != nil {
			return fail("distance_m", err)
		}
		x, _, errX := c.Float64("x")
		y, _, errY := c.Float64("y")
		nogeom, _, errG := c.Int64("nogeom")
		if err := errors.Join(errX, errY, errG); err != nil {
			return fmt.Errorf("feature %d: %w", fid[0], err)
		}
		if at+c.Len() > len(rows) {
			return fmt.Errorf("more rows with fids %d to %d than counted: %w", p.lo, p.hi, ErrChanged)
		}
		for i := range c.Len() {
			if nogeom[i] != 0 {
				return fmt.Errorf("feature %d: geometry none, want Point", fid[i])
			}
			r := &rows[at+i]
			r.Shoreline, r.Distance, r.Point = int(shoreline[i])-1, dist[i], orb.Point{x[i], y[i]}
			if dateOK[i] {
				r.Date = date[i].UTC()
			}
			label[at+i] = codes[i]
		}
		if fids != nil {
			copy(fids[at:], fid)
		}
		at += c.Len()
		p.labels = dict
		return nil
	})
	var ve *ogr.ValueError
	if errors.As(err, &ve) {
		err = fmt.Errorf("feature %d: field %s: %w", ve.FID, ve.Column, ve.Err)
	}
	if err == nil && at != len(rows) {
		err = fmt.Errorf("%d rows with fids %d to %d, %d counted: %w", at, p.lo, p.hi, len(rows), ErrChanged)
		if fids == nil {
			err = fmt.Errorf("fids %d to %d: %w", p.lo, p.hi, errGap)
		}
	}
	p.err = err
}

// reals returns a Real or Integer column of c as numbers, NULL as NaN, in buf if it is
// needed (for integers) and large enough.
func reals(c *ogr.Columns, name string, buf []float64) ([]float64, error) {
	v, _, err := c.Float64(name)
	if err == nil {
		return v, nil
	}
	ints, ok, ierr := c.Int64(name)
	if ierr != nil {
		return nil, err
	}
	buf = buf[:0]
	for i, n := range ints {
		if ok[i] {
			buf = append(buf, float64(n))
		} else {
			buf = append(buf, math.NaN())
		}
	}
	return buf, nil
}

// resolve returns the intersections on ts, found by label, in the rows' slice.
func (xs *rawIntersections) resolve(ts []analysis.Transect) ([]analysis.Intersection, error) {
	index := make(map[string]int, len(ts))
	for i, t := range ts {
		index[t.Label] = i
	}
	byLabel := make([]int, len(xs.labels))
	for k, label := range xs.labels {
		t, ok := index[label]
		if !ok {
			t = -1
		}
		byLabel[k] = t
	}
	for i, k := range xs.label {
		t := byLabel[k]
		if t < 0 {
			return nil, fmt.Errorf("feature %d: transect_id %q is not in the transects layer", xs.fid(i), xs.labels[k])
		}
		xs.rows[i].Transect = t
	}
	return xs.rows, nil
}

// fieldReader reads typed fields of one feature and keeps the first error.
type fieldReader struct {
	fields map[string]any
	err    error
}

func (f *fieldReader) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

func (f *fieldReader) str(name string) string {
	switch v := f.fields[name].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		f.fail(fmt.Errorf("field %s: %T, want a string", name, v))
		return ""
	}
}

// num returns a real field, NaN when it is null.
func (f *fieldReader) num(name string) float64 {
	switch v := f.fields[name].(type) {
	case nil:
		return math.NaN()
	case float64:
		return v
	case int64:
		return float64(v)
	default:
		f.fail(fmt.Errorf("field %s: %T, want a number", name, v))
		return math.NaN()
	}
}

// int returns an integer field, 0 when it is null.
func (f *fieldReader) int(name string) int64 {
	switch v := f.fields[name].(type) {
	case nil:
		return 0
	case int64:
		return v
	default:
		f.fail(fmt.Errorf("field %s: %T, want an integer", name, v))
		return 0
	}
}

// count returns a census count, -1 when it is null (unknown).
func (f *fieldReader) count(name string) int {
	if f.fields[name] == nil {
		return -1
	}
	return int(f.int(name))
}

// time returns a date-time field in UTC, the zero time when it is null.
func (f *fieldReader) time(name string) time.Time {
	switch v := f.fields[name].(type) {
	case nil:
		return time.Time{}
	case time.Time:
		return v.UTC()
	default:
		f.fail(fmt.Errorf("field %s: %T, want a date-time", name, v))
		return time.Time{}
	}
}

func multiLine(g orb.Geometry) (orb.MultiLineString, error) {
	switch g := g.(type) {
	case orb.MultiLineString:
		return g, nil
	case orb.LineString:
		return orb.MultiLineString{g}, nil
	}
	return nil, fmt.Errorf("geometry %s, want MultiLineString", typeName(g))
}

func multiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("geometry %s, want MultiPolygon", typeName(g))
}

func typeName(g orb.Geometry) string {
	if g == nil {
		return "none"
	}
	return g.GeoJSONType()
}
