package input

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/polyindex"
)

// BundledCommunities are the gazetteer localities of the bundled data as communities,
// with the hierarchy of the suco each lies in. The gazetteer has no codes: a locality's
// code is its suco's P-code and its 1-based rank among the suco's localities in gazetteer
// order (TL010101-003), stable as long as the bundled gazetteer is.
func BundledCommunities(ref *data.Reference) []plan.Community {
	units := make(map[string]analysis.AdminUnit, len(ref.Units))
	for _, u := range ref.Units {
		units[u.Code] = u
	}
	rank := make(map[string]int)
	out := make([]plan.Community, 0, len(ref.Localities))
	for _, l := range ref.Localities {
		rank[l.UnitCode]++
		c := plan.Community{
			Code: fmt.Sprintf("%s-%03d", l.UnitCode, rank[l.UnitCode]), Name: l.Name, Point: l.Point,
			Population: math.NaN(), Households: math.NaN(),
		}
		setUnit(&c, units[l.UnitCode])
		out = append(out, c)
	}
	return out
}

func setUnit(c *plan.Community, u analysis.AdminUnit) {
	c.UnitCode, c.UnitName = u.Code, u.Name
	c.ParentCode, c.ParentName = u.ParentCode, u.ParentName
	c.RegionCode, c.RegionName = u.RegionCode, u.RegionName
}

// ErrNoCommunityInUnits reports a community layer none of whose points lies in the admin
// units given: units of another country, or a layer in the wrong CRS.
var ErrNoCommunityInUnits = errors.New("no community lies in an admin unit")

// CommunityFields names the attributes of a community layer; "" picks the first of the
// usual names.
type CommunityFields struct {
	Name, Code, Population, Households string
}

// ReadCommunities reads a point layer of communities and places each in the unit (lon/lat
// polygons) that contains it; nil units keep every community, unplaced. A layer without a name field is an error; a feature without
// a point, or with a point in no unit, is skipped with a note; counts that are not
// numbers are an error naming the feature. Population and households come from the layer
// where it has them (plan.FromLayer), NaN otherwise.
func ReadCommunities(ctx context.Context, path string, units []analysis.AdminUnit, f CommunityFields, assumeCRS string) ([]plan.Community, []Note, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{AssumeSRS: assumeCRS})
	if err != nil {
		return nil, nil, fmt.Errorf("read communities: %w", err)
	}
	polys := make([]orb.MultiPolygon, len(units))
	for i, u := range units {
		polys[i] = u.Geometry
	}
	ix := polyindex.New(polys)
	var out []plan.Community
	var notes []Note
	seen := make(map[string]int64)
	for _, ly := range layers {
		pick := func(given string, usual ...string) (string, error) {
			return pickField("communities", path, ly, given, usual...)
		}
		nameF, err := pick(f.Name, "name", "place_name", "community", "aldeia", "loc_name")
		if err != nil {
			return nil, nil, err
		}
		if nameF == "" {
			return nil, nil, fmt.Errorf("read communities %s: layer %q has no name field (fields: %s); name it with the community name field option", path, ly.Name, strings.Join(ly.Fields, ", "))
		}
		codeF, err := pick(f.Code, "code", "pcode", "id", "loc_code")
		if err != nil {
			return nil, nil, err
		}
		popF, err := pick(f.Population, "population", "pop", "people")
		if err != nil {
			return nil, nil, err
		}
		hhF, err := pick(f.Households, "households", "hh")
		if err != nil {
			return nil, nil, err
		}
		note := func(fid int64, msg string) {
			notes = append(notes, Note{Kind: SkippedFile, File: path, Layer: ly.Name, Feature: fid, Message: msg})
		}
		for _, ft := range ly.Features {
			p, ok := ft.Geometry.(orb.Point)
			if !ok {
				note(ft.FID, fmt.Sprintf("no point (%v): community skipped", geometryName(ft.Geometry)))
				continue
			}
			name := textField(ft, nameF)
			if name == "" {
				return nil, nil, fmt.Errorf("read communities %s feature %d: field %q: no name", path, ft.FID, nameF)
			}
			c := plan.Community{Name: name, Code: textField(ft, codeF), Point: p, Population: math.NaN(), Households: math.NaN()}
			if c.Code == "" {
				c.Code = strconv.FormatInt(ft.FID, 10)
			}
			if first, dup := seen[c.Code]; dup {
				return nil, nil, fmt.Errorf("read communities %s feature %d: code %q is also feature %d's", path, ft.FID, c.Code, first)
			}
			seen[c.Code] = ft.FID
			for _, fc := range []struct {
				field string
				dst   *float64
			}{{popF, &c.Population}, {hhF, &c.Households}} {
				if fc.field == "" || ft.Fields[fc.field] == nil {
					continue
				}
				v, err := count(ft.Fields[fc.field])
				if err != nil {
					return nil, nil, fmt.Errorf("read communities %s feature %d: field %q: %w", path, ft.FID, fc.field, err)
				}
				*fc.dst = v
			}
			if units == nil { // no admin units to place it in: kept without P-codes
				out = append(out, c)
				continue
			}
			u := ix.Locate(p)
			if u < 0 {
				note(ft.FID, fmt.Sprintf("%q at %.6f,%.6f lies in no admin unit: community skipped", name, p[0], p[1]))
				continue
			}
			setUnit(&c, units[u])
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, notes, fmt.Errorf("read communities %s: %w", path, ErrNoCommunityInUnits)
	}
	return out, notes, nil
}

func geometryName(g orb.Geometry) string {
	if g == nil {
		return "none"
	}
	return g.GeoJSONType()
}

// count reads a non-negative count attribute.
func count(v any) (float64, error) {
	x, err := number(v)
	if err != nil {
		return 0, fmt.Errorf("%w: not a count", err)
	}
	if !(x >= 0) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%v is not a count", x)
	}
	return x, nil
}
