package input

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/raster"
	rastergdal "github.com/tasi-gis/tasi/raster/gdal"
	"github.com/tasi-gis/tasi/vector/polyindex"
)

// SiteFields names the attributes of a sites layer; "" picks the first of the usual
// names.
type SiteFields struct {
	Code, Name, Capacity, Area string
}

// ReadSites reads the candidate relocation sites or parcels of a polygon or point layer
// (any OGR format) and places each in the unit (lon/lat polygons, with their posto) that
// holds its point or its polygon's centroid. Each site needs an id (field code, id,
// site_id, pcode, fid…) and may give a capacity in people (capacity, people,
// max_people) or a usable area in m² (area, area_m2); a polygon without either takes its
// own area, a point must give one. A layer without an id field, a site without an id,
// two sites with one id, a capacity or area that is not a positive number, a point
// without capacity or area, or a line are errors naming the feature: nothing is
// planned on half a file. A feature without geometry or outside every unit is skipped
// with a note.
func ReadSites(ctx context.Context, path string, units []analysis.AdminUnit, f SiteFields, assumeCRS string) ([]plan.Site, []Note, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{AssumeSRS: assumeCRS})
	if err != nil {
		return nil, nil, fmt.Errorf("read sites: %w", err)
	}
	polys := make([]orb.MultiPolygon, len(units))
	for i, u := range units {
		polys[i] = u.Geometry
	}
	ix := polyindex.New(polys)
	var out []plan.Site
	var notes []Note
	seen := make(map[string]int64)
	for _, ly := range layers {
		pick := func(given string, usual ...string) (string, error) {
			return pickField("sites", path, ly, given, usual...)
		}
		codeF, err := pick(f.Code, "code", "id", "site_id", "site_code", "pcode", "parcel_id")
		if err != nil {
			return nil, nil, err
		}
		if codeF == "" {
			return nil, nil, fmt.Errorf("read sites %s: layer %q has no id field (fields: %s): give each site an id (code, id, site_id) or name the field", path, ly.Name, strings.Join(ly.Fields, ", "))
		}
		nameF, err := pick(f.Name, "name", "site_name", "place_name")
		if err != nil {
			return nil, nil, err
		}
		capF, err := pick(f.Capacity, "capacity", "people", "max_people", "capacity_people")
		if err != nil {
			return nil, nil, err
		}
		areaF, err := pick(f.Area, "area_m2", "area", "usable_area")
		if err != nil {
			return nil, nil, err
		}
		note := func(fid int64, msg string) {
			notes = append(notes, Note{Kind: SkippedFile, File: path, Layer: ly.Name, Feature: fid, Message: msg})
		}
		for _, ft := range ly.Features {
			where := func(field string) string {
				s := fmt.Sprintf("read sites %s feature %d", path, ft.FID)
				if field != "" {
					s += fmt.Sprintf(": field %q", field)
				}
				return s
			}
			code := textField(ft, codeF)
			if code == "" {
				return nil, nil, fmt.Errorf("%s: no id", where(codeF))
			}
			if first, dup := seen[code]; dup {
				return nil, nil, fmt.Errorf("%s: id %q is also feature %d's", where(codeF), code, first)
			}
			seen[code] = ft.FID
			s := plan.Site{Code: code, Name: cmp.Or(textField(ft, nameF), code), Area: math.NaN(), Capacity: math.NaN(), Kind: plan.SiteFromFile}
			for _, fc := range []struct {
				field string
				dst   *float64
			}{{capF, &s.Capacity}, {areaF, &s.Area}} {
				if fc.field == "" || ft.Fields[fc.field] == nil {
					continue
				}
				v, err := number(ft.Fields[fc.field])
				if err == nil && !(v > 0 && !math.IsInf(v, 0)) {
					err = fmt.Errorf("%v is not a positive number", v)
				}
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", where(fc.field), err)
				}
				*fc.dst = v
			}
			var at orb.Point
			switch g := ft.Geometry.(type) {
			case nil:
				note(ft.FID, fmt.Sprintf("site %q has no geometry: skipped", code))
				continue
			case orb.Point:
				if math.IsNaN(s.Capacity) && math.IsNaN(s.Area) {
					return nil, nil, fmt.Errorf("%s: site %q is a point without capacity or area (fields: %s)", where(""), code, strings.Join(ly.Fields, ", "))
				}
				s.Geometry, at = g, g
			case orb.Polygon, orb.MultiPolygon:
				s.Geometry = g
				at, _ = planar.CentroidArea(g)
			case orb.MultiPoint:
				if len(g) != 1 {
					return nil, nil, fmt.Errorf("%s: site %q is %d points, want one point or a polygon", where(""), code, len(g))
				}
				if math.IsNaN(s.Capacity) && math.IsNaN(s.Area) {
					return nil, nil, fmt.Errorf("%s: site %q is a point without capacity or area", where(""), code)
				}
				s.Geometry, at = g[0], g[0]
			default:
				return nil, nil, fmt.Errorf("%s: site %q is a %s, want a point or a polygon", where(""), code, geometryName(g))
			}
			u := ix.Locate(at)
			if u < 0 {
				note(ft.FID, fmt.Sprintf("site %q at %.6f,%.6f lies in no admin unit: skipped", code, at[0], at[1]))
				continue
			}
			s.UnitCode, s.ParentCode = units[u].Code, units[u].ParentCode
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, notes, fmt.Errorf("read sites %s: no site lies in an admin unit", path)
	}
	return out, notes, nil
}

// ReadDEM reads an elevation model (any GDAL raster, metres above mean sea level) for a
// relocation plan: the part over bound (lon/lat; zero for all of it), warped to EPSG:4326
// with bilinear resampling when it is in another CRS. A raster without georeferencing is
// an error that says so: its cells cannot be placed.
func ReadDEM(ctx context.Context, path string, bound orb.Bound) (*raster.Grid, error) {
	g, err := rastergdal.Read(ctx, path, rastergdal.Options{Resampling: "bilinear", Bound: bound})
	switch {
	case errors.Is(err, rastergdal.ErrNoCRS):
		return nil, fmt.Errorf("read DEM: %w: it is not georeferenced; give it a CRS and geotransform first (gdal_translate -a_srs EPSG:32751 -a_ullr …, or gdalwarp with GCPs)", err)
	case err != nil:
		return nil, fmt.Errorf("read DEM: %w", err)
	}
	valid := 0
	for _, v := range g.Values {
		if v == v {
			valid++
		}
	}
	if valid == 0 {
		return nil, fmt.Errorf("read DEM %s: no elevation over the units planned in (%.4f,%.4f to %.4f,%.4f)", path, bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1])
	}
	return g, nil
}
