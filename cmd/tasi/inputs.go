package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/ogr"
)

// loadInputs reads every input the config names into an analysis.Input in WGS84, and
// returns the files read with their SHA-256 for the run record.
// bundledResult is the outcome of decoding the bundled reference data.
type bundledResult struct {
	ref *data.Reference
	err error
}

func loadInputs(ctx context.Context, c analyzeConfig) (analysis.Input, []analysis.InputFile, error) {
	var in analysis.Input
	var files []analysis.InputFile
	// The bundled data is the default admin layer and coast in Timor-Leste: decode it on
	// another core while the shorelines are read, in case it is needed.
	bundled := make(chan bundledResult, 1)
	if c.admin == "" || c.coast == "" {
		go func() {
			ref, err := data.TimorLeste()
			bundled <- bundledResult{ref, err}
		}()
	}
	addFile := func(role, path string) error {
		sum, err := sha256File(path)
		if err != nil {
			return err
		}
		files = append(files, analysis.InputFile{Role: role, Path: path, SHA256: sum})
		return nil
	}

	dp := analysis.DateParser{Layout: c.dateFormat}
	paths, err := expandVectorPaths(c.shorelines)
	if err != nil {
		return in, nil, err
	}
	for _, path := range paths {
		ss, err := readShorelines(ctx, path, c, dp)
		if err != nil {
			return in, nil, err
		}
		in.Shorelines = append(in.Shorelines, ss...)
		if err := addFile("shorelines", path); err != nil {
			return in, nil, err
		}
	}
	if len(c.shorelines) > 0 && len(in.Shorelines) == 0 {
		return in, nil, fmt.Errorf("read shorelines %s: no shoreline features", strings.Join(c.shorelines, ", "))
	}

	if c.transects != "" {
		ts, err := readTransects(ctx, c)
		if err != nil {
			return in, nil, err
		}
		in.Transects = ts
		in.OriginSeaward = c.origin == "sea"
		if err := addFile("transects", c.transects); err != nil {
			return in, nil, err
		}
	}
	if c.origin != "land" && c.origin != "sea" {
		return in, nil, fmt.Errorf("--origin %q: want land or sea", c.origin)
	}

	var series []*analysis.Series
	for _, path := range c.series {
		s, err := readSeriesFile(path, dp)
		if err != nil {
			return in, nil, err
		}
		series = append(series, s)
		if err := addFile("series", path); err != nil {
			return in, nil, err
		}
	}
	if len(series) > 0 {
		if in.Series, err = analysis.MergeSeries(series...); err != nil {
			return in, nil, err
		}
	}

	extent, ok := inputExtent(in)
	if !ok {
		return in, nil, fmt.Errorf("analyze: the inputs have no geometry to place them")
	}
	var ref *data.Reference
	inTL := false
	if c.admin == "" || c.coast == "" {
		b := <-bundled
		if ref, err = b.ref, b.err; err != nil {
			return in, nil, fmt.Errorf("load bundled Timor-Leste data: %w", err)
		}
		inTL = ref.Bound().Pad(0.05).Contains(extent.Center())
	}

	switch {
	case c.admin == "none":
	case c.admin == "":
		if inTL {
			in.Units = ref.Units
		}
	default:
		units, err := readAdmin(ctx, c)
		if err != nil {
			return in, nil, err
		}
		if !overlapsAny(extent, units) {
			return in, nil, fmt.Errorf("admin %s: none of its %d units overlaps the shorelines (extent %.4f,%.4f – %.4f,%.4f)",
				c.admin, len(units), extent.Min[0], extent.Min[1], extent.Max[0], extent.Max[1])
		}
		in.Units = units
		if err := addFile("admin", c.admin); err != nil {
			return in, nil, err
		}
	}

	if c.land != "" {
		land, err := readPolygons(ctx, c.land, "land")
		if err != nil {
			return in, nil, err
		}
		in.Land = land
		if err := addFile("land", c.land); err != nil {
			return in, nil, err
		}
	} else if len(in.Units) == 0 && inTL && len(in.Transects) == 0 {
		// --admin none in Timor-Leste: the sucos still tell land from sea.
		for _, u := range ref.Units {
			in.Land = append(in.Land, u.Geometry)
		}
	}

	if len(in.Transects) == 0 {
		switch {
		case c.coast != "":
			coast, err := readLines(ctx, c.coast, "coast")
			if err != nil {
				return in, nil, err
			}
			in.Coast = coast
			if err := addFile("coast", c.coast); err != nil {
				return in, nil, err
			}
		case inTL:
			in.Coast = ref.Coastline
		}
	}
	return in, files, nil
}

// expandVectorPaths turns files and folders into the sorted list of vector files.
func expandVectorPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("read shorelines %s: %w", a, err)
		}
		if !fi.IsDir() {
			out = append(out, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("read shorelines %s: %w", a, err)
		}
		n := 0
		for _, e := range entries {
			p := filepath.Join(a, e.Name())
			if !e.IsDir() && ogr.IsVectorFile(p) {
				out = append(out, p)
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("read shorelines %s: folder holds no vector files", a)
		}
	}
	sort.Strings(out)
	return out, nil
}

// field looks an attribute up by name, ignoring case.
func field(f ogr.Feature, name string) (any, bool) {
	if v, ok := f.Fields[name]; ok {
		return v, true
	}
	for k, v := range f.Fields {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// pickField returns the first of the candidates that the layer has, or "".
func pickField(l ogr.Layer, want string, candidates ...string) string {
	if want != "" {
		return want
	}
	for _, c := range candidates {
		for _, f := range l.Fields {
			if strings.EqualFold(f, c) {
				return f
			}
		}
	}
	return ""
}

func hasField(l ogr.Layer, name string) bool {
	for _, f := range l.Fields {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

func readShorelines(ctx context.Context, path string, c analyzeConfig, dp analysis.DateParser) ([]analysis.Shoreline, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read shorelines: %w", err)
	}
	var out []analysis.Shoreline
	for _, l := range layers {
		where := func(f ogr.Feature) string { return fmt.Sprintf("%s layer %q feature %d", path, l.Name, f.FID) }
		if len(layers) == 1 {
			where = func(f ogr.Feature) string { return fmt.Sprintf("%s feature %d", path, f.FID) }
		}
		if !hasField(l, c.dateField) {
			return nil, fmt.Errorf("read shorelines %s: layer %q has no date field %q (fields: %s); set --date-field",
				path, l.Name, c.dateField, strings.Join(l.Fields, ", "))
		}
		if c.uncertaintyField != "" && !hasField(l, c.uncertaintyField) {
			return nil, fmt.Errorf("read shorelines %s: layer %q has no uncertainty field %q (fields: %s)",
				path, l.Name, c.uncertaintyField, strings.Join(l.Fields, ", "))
		}
		for _, f := range l.Features {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			geom, err := asLines(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read shorelines %s: %w", where(f), err)
			}
			v, _ := field(f, c.dateField)
			date, err := dp.Parse(v)
			if err != nil {
				return nil, fmt.Errorf("read shorelines %s: field %q: %w", where(f), c.dateField, err)
			}
			unc := c.defaultUncertainty
			if c.uncertaintyField != "" {
				if v, ok := field(f, c.uncertaintyField); ok && v != nil {
					if unc, err = metres(v); err != nil {
						return nil, fmt.Errorf("read shorelines %s: field %q: %w", where(f), c.uncertaintyField, err)
					}
				}
			}
			out = append(out, analysis.Shoreline{Source: where(f), Date: date, Uncertainty: unc, Geometry: geom})
		}
	}
	return out, nil
}

// metres reads a positive length attribute.
func metres(v any) (float64, error) {
	var x float64
	switch t := v.(type) {
	case float64:
		x = t
	case int64:
		x = float64(t)
	case int:
		x = float64(t)
	case string:
		var err error
		if x, err = strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			return 0, fmt.Errorf("%q is not a number of metres", t)
		}
	default:
		return 0, fmt.Errorf("%v (%T) is not a number of metres", v, v)
	}
	if !(x > 0) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("uncertainty %v m: must be a positive number", x)
	}
	return x, nil
}

// asLines accepts line geometry only.
func asLines(g orb.Geometry) (orb.MultiLineString, error) {
	switch t := g.(type) {
	case nil:
		return nil, fmt.Errorf("no geometry (null or empty)")
	case orb.LineString:
		return orb.MultiLineString{t}, nil
	case orb.MultiLineString:
		return t, nil
	default:
		return nil, fmt.Errorf("geometry is a %s, want a line", g.GeoJSONType())
	}
}

func readLines(ctx context.Context, path, role string) (orb.MultiLineString, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", role, err)
	}
	var out orb.MultiLineString
	for _, l := range layers {
		for _, f := range l.Features {
			ml, err := asLines(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read %s %s feature %d: %w", role, path, f.FID, err)
			}
			out = append(out, ml...)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read %s %s: no line features", role, path)
	}
	return out, nil
}

func readTransects(ctx context.Context, c analyzeConfig) ([]analysis.GivenTransect, error) {
	layers, err := ogr.Read(ctx, c.transects, ogr.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read transects: %w", err)
	}
	var out []analysis.GivenTransect
	seen := map[string]bool{}
	for _, l := range layers {
		idField := pickField(l, c.transectIDField, "transect_id", "TransectID", "id", "name")
		if c.transectIDField != "" && !hasField(l, c.transectIDField) {
			return nil, fmt.Errorf("read transects %s: layer %q has no field %q (fields: %s)", c.transects, l.Name, c.transectIDField, strings.Join(l.Fields, ", "))
		}
		for _, f := range l.Features {
			ml, err := asLines(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read transects %s feature %d: %w", c.transects, f.FID, err)
			}
			if len(ml) != 1 || len(ml[0]) < 2 {
				return nil, fmt.Errorf("read transects %s feature %d: a transect is one line of two or more vertices", c.transects, f.FID)
			}
			id := strconv.FormatInt(f.FID, 10)
			if idField != "" {
				if v, ok := field(f, idField); ok && v != nil {
					id = fmt.Sprint(v)
				}
			}
			if seen[id] {
				return nil, fmt.Errorf("read transects %s feature %d: id %q is not unique", c.transects, f.FID, id)
			}
			seen[id] = true
			out = append(out, analysis.GivenTransect{ID: id, Line: ml[0]})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read transects %s: no transects", c.transects)
	}
	return out, nil
}

func readPolygons(ctx context.Context, path, role string) ([]orb.MultiPolygon, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", role, err)
	}
	var out []orb.MultiPolygon
	for _, l := range layers {
		for _, f := range l.Features {
			mp, err := asPolygons(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read %s %s feature %d: %w", role, path, f.FID, err)
			}
			out = append(out, mp)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read %s %s: no polygon features", role, path)
	}
	return out, nil
}

func asPolygons(g orb.Geometry) (orb.MultiPolygon, error) {
	switch t := g.(type) {
	case nil:
		return nil, fmt.Errorf("no geometry (null or empty)")
	case orb.Polygon:
		return orb.MultiPolygon{t}, nil
	case orb.MultiPolygon:
		return t, nil
	default:
		return nil, fmt.Errorf("geometry is a %s, want a polygon", g.GeoJSONType())
	}
}

func readAdmin(ctx context.Context, c analyzeConfig) ([]data.AdminUnit, error) {
	layers, err := ogr.Read(ctx, c.admin, ogr.ReadOptions{})
	if err != nil {
		return nil, fmt.Errorf("read admin: %w", err)
	}
	var out []data.AdminUnit
	seen := map[string]bool{}
	for _, l := range layers {
		codeField := pickField(l, c.adminCodeField, "ADM3_PCODE", "pcode", "code", "id")
		nameField := pickField(l, c.adminNameField, "ADM3_EN", "name")
		if codeField == "" || !hasField(l, codeField) {
			return nil, fmt.Errorf("read admin %s: layer %q: no unit code field (fields: %s); set --admin-code-field", c.admin, l.Name, strings.Join(l.Fields, ", "))
		}
		hier := codabHierarchy(l, codeField)
		popField := pickField(l, "", "population", "pop", "pop_2015")
		hhField := pickField(l, "", "households", "households_2015", "hh")
		for _, f := range l.Features {
			mp, err := asPolygons(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read admin %s feature %d: %w", c.admin, f.FID, err)
			}
			v, _ := field(f, codeField)
			code := strings.TrimSpace(fmt.Sprint(v))
			if v == nil || code == "" {
				return nil, fmt.Errorf("read admin %s feature %d: field %q: no unit code", c.admin, f.FID, codeField)
			}
			if seen[code] {
				return nil, fmt.Errorf("read admin %s feature %d: unit code %q is not unique", c.admin, f.FID, code)
			}
			seen[code] = true
			u := data.AdminUnit{Code: code, Name: code, Population: -1, Households: -1, Geometry: mp}
			if nameField != "" {
				if v, ok := field(f, nameField); ok && v != nil {
					u.Name = fmt.Sprint(v)
				}
			}
			u.Population = countField(f, popField)
			u.Households = countField(f, hhField)
			u.ParentCode, u.ParentName = textField(f, hier.parentCode), textField(f, hier.parentName)
			u.RegionCode, u.RegionName = textField(f, hier.regionCode), textField(f, hier.regionName)
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read admin %s: no units", c.admin)
	}
	return out, nil
}

// hierarchyFields names the fields holding a unit's parent and top-level (region) unit.
type hierarchyFields struct{ parentCode, parentName, regionCode, regionName string }

// codabHierarchy finds the parent and region fields of an OCHA COD-AB layer, whose units
// at level n carry ADMn_PCODE and the codes and names of every level above them
// (ADM1_PCODE, ADM1_EN, …), so that any country's COD-AB admin layer imports with its
// hierarchy. Other layers have none: their units are top-level.
func codabHierarchy(l ogr.Layer, codeField string) hierarchyFields {
	var level int
	if _, err := fmt.Sscanf(strings.ToUpper(codeField), "ADM%d_PCODE", &level); err != nil || level < 2 {
		return hierarchyFields{}
	}
	at := func(n int, suffix string) string { return pickField(l, "", fmt.Sprintf("ADM%d_%s", n, suffix)) }
	return hierarchyFields{
		parentCode: at(level-1, "PCODE"), parentName: at(level-1, "EN"),
		regionCode: at(1, "PCODE"), regionName: at(1, "EN"),
	}
}

// textField is the trimmed text of field name, or "" when the field is absent or null.
func textField(f ogr.Feature, name string) string {
	if name == "" {
		return ""
	}
	v, ok := field(f, name)
	if !ok || v == nil {
		return ""
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

func countField(f ogr.Feature, name string) int {
	if name == "" {
		return -1
	}
	v, ok := field(f, name)
	if !ok {
		return -1
	}
	switch t := v.(type) {
	case int64:
		return int(t)
	case float64:
		return int(math.Round(t))
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(t)); err == nil {
			return n
		}
	}
	return -1
}

func readSeriesFile(path string, dp analysis.DateParser) (*analysis.Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read time series: %w", err)
	}
	defer f.Close()
	return analysis.ReadSeries(f, path, dp)
}

// inputExtent is the lon/lat extent of the shorelines, or of the transects for a series.
func inputExtent(in analysis.Input) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	add := func(g orb.Geometry) {
		if ok {
			b = b.Union(g.Bound())
		} else {
			b, ok = g.Bound(), true
		}
	}
	for _, s := range in.Shorelines {
		add(s.Geometry)
	}
	for _, t := range in.Transects {
		add(t.Line)
	}
	return b, ok
}

func overlapsAny(extent orb.Bound, units []data.AdminUnit) bool {
	for _, u := range units {
		if u.Geometry.Bound().Intersects(extent) {
			return true
		}
	}
	return false
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
