package input

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
)

// read reads every layer of a reference file (transects, admin units, land, coast),
// recording it for the run.
func (l *loader) read(ctx context.Context, path, role string) ([]ogr.Layer, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{AssumeSRS: l.c.AssumeCRS})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", role, err)
	}
	if _, err := l.addFile(role, path); err != nil {
		return nil, err
	}
	return layers, nil
}

func (l *loader) readTransects(ctx context.Context) ([]analysis.GivenTransect, error) {
	c := l.c
	layers, err := l.read(ctx, c.Transects, "transects")
	if err != nil {
		return nil, err
	}
	needIDs := len(c.Series) > 0
	var out []analysis.GivenTransect
	seen := map[string]int64{}
	for _, ly := range layers {
		fs := fieldSet(ly.Fields)
		idField := ""
		if c.TransectIDField != "" {
			var ok bool
			if idField, ok = fs.get(c.TransectIDField); !ok {
				return nil, fmt.Errorf("read transects %s: layer %q has no field %q (fields: %s)", c.Transects, ly.Name, c.TransectIDField, strings.Join(ly.Fields, ", "))
			}
		} else {
			idField = fs.first("transect_id", "TransectID", "id", "name")
		}
		if idField == "" && needIDs {
			return nil, fmt.Errorf("read transects %s: layer %q has no id field to match the time series' columns by (fields: %s); name it with the transect id field option",
				c.Transects, ly.Name, strings.Join(ly.Fields, ", "))
		}
		for _, f := range ly.Features {
			ml, err := asLines(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read transects %s feature %d: %w", c.Transects, f.FID, err)
			}
			if len(ml) != 1 || len(ml[0]) < 2 {
				return nil, fmt.Errorf("read transects %s feature %d: a transect is one line of two or more vertices", c.Transects, f.FID)
			}
			// Without an id field, a transect is labelled by its feature id; with a time
			// series it must have an id of its own, never a position.
			id := strconv.FormatInt(f.FID, 10)
			if idField != "" {
				v, ok := f.Fields[idField]
				if !ok || v == nil || strings.TrimSpace(fmt.Sprint(v)) == "" {
					if needIDs {
						return nil, fmt.Errorf("read transects %s feature %d: field %q: no id to match the time series by", c.Transects, f.FID, idField)
					}
				} else {
					id = strings.TrimSpace(fmt.Sprint(v))
				}
			}
			if first, dup := seen[id]; dup {
				return nil, fmt.Errorf("read transects %s feature %d: id %q is also feature %d's", c.Transects, f.FID, id, first)
			}
			seen[id] = f.FID
			out = append(out, analysis.GivenTransect{ID: id, Line: ml[0]})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read transects %s: no transects", c.Transects)
	}
	return out, nil
}

func (l *loader) readSeries() (*analysis.Series, error) {
	var all []*analysis.Series
	for _, path := range l.c.Series {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("read time series: %w", err)
		}
		s, notes, err := ReadSeries(f, path, l.dp)
		f.Close()
		if err != nil {
			return nil, err
		}
		l.report.Notes = append(l.report.Notes, notes...)
		if _, err := l.addFile("series", path); err != nil {
			return nil, err
		}
		all = append(all, s)
	}
	return MergeSeries(all...)
}

func (l *loader) readLines(ctx context.Context, path, role string) (orb.MultiLineString, error) {
	layers, err := l.read(ctx, path, role)
	if err != nil {
		return nil, err
	}
	var out orb.MultiLineString
	for _, ly := range layers {
		for _, f := range ly.Features {
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

func (l *loader) readPolygons(ctx context.Context, path, role string) ([]orb.MultiPolygon, error) {
	layers, err := l.read(ctx, path, role)
	if err != nil {
		return nil, err
	}
	var out []orb.MultiPolygon
	for _, ly := range layers {
		for _, f := range ly.Features {
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

func (l *loader) readAdmin(ctx context.Context) ([]analysis.AdminUnit, error) {
	c := l.c
	layers, err := l.read(ctx, c.Admin, "admin")
	if err != nil {
		return nil, err
	}
	var out []analysis.AdminUnit
	seen := map[string]int64{}
	for _, ly := range layers {
		fs := fieldSet(ly.Fields)
		// A named field must exist; otherwise the first of the usual names is taken.
		codeField := fs.first("ADM3_PCODE", "pcode", "code", "id")
		if c.AdminCodeField != "" {
			codeField, _ = fs.get(c.AdminCodeField)
		}
		if codeField == "" {
			return nil, fmt.Errorf("read admin %s: layer %q: no unit code field (fields: %s); name it with the admin code field option", c.Admin, ly.Name, strings.Join(ly.Fields, ", "))
		}
		nameField := fs.first("ADM3_EN", "name")
		if c.AdminNameField != "" {
			var ok bool
			if nameField, ok = fs.get(c.AdminNameField); !ok {
				return nil, fmt.Errorf("read admin %s: layer %q has no name field %q (fields: %s)", c.Admin, ly.Name, c.AdminNameField, strings.Join(ly.Fields, ", "))
			}
		}
		hier := codabHierarchy(fs, codeField)
		popField := fs.first("population", "pop", "pop_2015")
		hhField := fs.first("households", "households_2015", "hh")
		for _, f := range ly.Features {
			mp, err := asPolygons(f.Geometry)
			if err != nil {
				return nil, fmt.Errorf("read admin %s feature %d: %w", c.Admin, f.FID, err)
			}
			code := textField(f, codeField)
			if code == "" {
				return nil, fmt.Errorf("read admin %s feature %d: field %q: no unit code", c.Admin, f.FID, codeField)
			}
			if first, dup := seen[code]; dup {
				return nil, fmt.Errorf("read admin %s feature %d: unit code %q is also feature %d's", c.Admin, f.FID, code, first)
			}
			seen[code] = f.FID
			u := analysis.AdminUnit{Code: code, Name: code, Geometry: mp}
			if n := textField(f, nameField); n != "" {
				u.Name = n
			}
			u.Population = countField(f, popField)
			u.Households = countField(f, hhField)
			u.ParentCode, u.ParentName = textField(f, hier.parentCode), textField(f, hier.parentName)
			u.RegionCode, u.RegionName = textField(f, hier.regionCode), textField(f, hier.regionName)
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read admin %s: no units", c.Admin)
	}
	return out, nil
}

// first returns the layer's spelling of the first of the names it has, or "".
func (f fieldNames) first(names ...string) string {
	for _, n := range names {
		if s, ok := f.get(n); ok {
			return s
		}
	}
	return ""
}

// pickField returns the spelling in layer ly of the field given, or an error naming the
// layer's fields when it has none; when none is given, the first of the usual names the
// layer has, "" for none. what and path name the input in the error ("read sites x.gpkg").
func pickField(what, path string, ly ogr.Layer, given string, usual ...string) (string, error) {
	fs := fieldSet(ly.Fields)
	if given == "" {
		return fs.first(usual...), nil
	}
	name, ok := fs.get(given)
	if !ok {
		return "", fmt.Errorf("read %s %s: layer %q has no field %q (fields: %s)", what, path, ly.Name, given, strings.Join(ly.Fields, ", "))
	}
	return name, nil
}

// hierarchyFields names the fields holding a unit's parent and top-level (region) unit.
type hierarchyFields struct{ parentCode, parentName, regionCode, regionName string }

// codabHierarchy finds the parent and region fields of an OCHA COD-AB layer, whose units
// at level n carry ADMn_PCODE and the codes and names of every level above them
// (ADM1_PCODE, ADM1_EN, …), so that any country's COD-AB admin layer imports with its
// hierarchy. Other layers have none: their units are top-level.
func codabHierarchy(fs fieldNames, codeField string) hierarchyFields {
	var level int
	if _, err := fmt.Sscanf(strings.ToUpper(codeField), "ADM%d_PCODE", &level); err != nil || level < 2 {
		return hierarchyFields{}
	}
	at := func(n int, suffix string) string { return fs.first(fmt.Sprintf("ADM%d_%s", n, suffix)) }
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
	v, ok := f.Fields[name]
	if !ok || v == nil {
		return ""
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

// countField is a census count, -1 when the field is absent, null or not a count.
func countField(f ogr.Feature, name string) int {
	if name == "" {
		return -1
	}
	switch t := f.Fields[name].(type) {
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

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ReadAdmin reads the admin unit layer c.Admin on its own (for importing it into a store),
// with c's code and name fields and assumed CRS.
func ReadAdmin(ctx context.Context, c Config) ([]analysis.AdminUnit, error) {
	if c.Admin == "" || c.Admin == "none" {
		return nil, fmt.Errorf("read admin: no admin layer given")
	}
	l := &loader{c: c, hashes: make(map[string]string)}
	return l.readAdmin(ctx)
}
