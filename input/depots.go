package input

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/polyindex"
)

// BundledCandidates are the places of the bundled data where NFI kits could be kept: the
// gazetteer's municipality capitals, posto capitals and suco centres (their codes as
// BundledCommunities gives them, so a depot in a community's own town is that community),
// and the sea ports, less those whose name marks them abandoned or disused. Capacities
// are unlimited; a candidate file (ReadCandidates) gives real ones.
func BundledCandidates(ref *data.Reference) []plan.Candidate {
	kinds := map[int]plan.DepotKind{
		data.KindDistrictCapital:    plan.MunicipalityCapital,
		data.KindSubdistrictCapital: plan.PostoCapital,
		data.KindSucoCentre:         plan.SucoCentre,
	}
	var out []plan.Candidate
	for i, c := range BundledCommunities(ref) {
		kind, ok := kinds[ref.Localities[i].Kind]
		if !ok {
			continue
		}
		out = append(out, candidateAt(c, kind))
	}
	locate := unitLocator(ref.Units)
	for i, p := range ref.Ports {
		low := strings.ToLower(p.Name)
		if strings.Contains(low, "abandoned") || strings.Contains(low, "disused") {
			continue
		}
		name := p.Name
		if name == "" {
			name = fmt.Sprintf("sea port at %.4f, %.4f", p.Point[0], p.Point[1])
		}
		c := plan.Community{Code: fmt.Sprintf("PORT-%d", i+1), Name: name, Point: p.Point}
		if u, ok := locate(p.Point); ok {
			setUnit(&c, u)
		}
		out = append(out, candidateAt(c, plan.SeaPort))
	}
	return out
}

func candidateAt(c plan.Community, kind plan.DepotKind) plan.Candidate {
	return plan.Candidate{
		Code: c.Code, Name: c.Name, Kind: kind, Point: c.Point,
		UnitCode: c.UnitCode, UnitName: c.UnitName, ParentCode: c.ParentCode, ParentName: c.ParentName,
		RegionCode: c.RegionCode, RegionName: c.RegionName, Capacity: math.Inf(1),
	}
}

// unitLocator finds the unit a point lies in; a point in none (a port on its jetty, just
// off the coastline) takes the nearest unit within 2 km.
func unitLocator(units []analysis.AdminUnit) func(orb.Point) (analysis.AdminUnit, bool) {
	polys := make([]orb.MultiPolygon, len(units))
	for i, u := range units {
		polys[i] = u.Geometry
	}
	ix := polyindex.New(polys)
	return func(p orb.Point) (analysis.AdminUnit, bool) {
		if i := ix.Locate(p); i >= 0 {
			return units[i], true
		}
		best, bestD := -1, 2000.0
		for i, u := range units {
			if d := distanceToPolygon(p, u.Geometry); d < bestD {
				best, bestD = i, d
			}
		}
		if best < 0 {
			return analysis.AdminUnit{}, false
		}
		return units[best], true
	}
}

// distanceToPolygon is the great-circle-free (equirectangular) distance in metres from p
// to the boundary of mp: enough to tell whether a port is within 2 km of a unit.
func distanceToPolygon(p orb.Point, mp orb.MultiPolygon) float64 {
	if !mp.Bound().Pad(0.05).Contains(p) {
		return math.Inf(1)
	}
	kx := 111320 * math.Cos(p[1]*math.Pi/180)
	const ky = 110574.0
	best := math.Inf(1)
	for _, poly := range mp {
		for _, ring := range poly {
			for i := 1; i < len(ring); i++ {
				a, b := ring[i-1], ring[i]
				ax, ay := (a[0]-p[0])*kx, (a[1]-p[1])*ky
				bx, by := (b[0]-p[0])*kx, (b[1]-p[1])*ky
				dx, dy := bx-ax, by-ay
				t := 0.0
				if l := dx*dx + dy*dy; l > 0 {
					t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
				}
				best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
			}
		}
	}
	return best
}

// CandidateFields names the attributes of a candidate or stock file; "" picks the first of
// the usual names.
type CandidateFields struct {
	Code, Name, Capacity, Stock string
}

// ReadCandidates reads a point layer of depot places: candidate sites (--candidates,
// kind plan.UserCandidate) or existing depots with their stock (--stock, kind
// plan.ExistingDepot, which are Fixed). Every feature needs an id: a layer without an id
// field, a feature with an empty one, or two features with one id are errors, since an id
// is how a plan names its depots. Capacity (kits) is optional (unlimited where absent);
// stock (kits) is required for existing depots. A feature without a point is skipped with
// a note; a point in no unit keeps empty P-codes when units are given but is not skipped:
// a warehouse at the port or airport is still a depot.
func ReadCandidates(ctx context.Context, path string, kind plan.DepotKind, units []analysis.AdminUnit, f CandidateFields, assumeCRS string) ([]plan.Candidate, []Note, error) {
	what := "candidates"
	if kind == plan.ExistingDepot {
		what = "stock"
	}
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{AssumeSRS: assumeCRS})
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", what, err)
	}
	locate := unitLocator(units)
	var out []plan.Candidate
	var notes []Note
	seen := make(map[string]string)
	for _, ly := range layers {
		pick := func(given string, usual ...string) (string, error) {
			return pickField(what, path, ly, given, usual...)
		}
		codeF, err := pick(f.Code, "id", "code", "depot_id", "pcode")
		if err != nil {
			return nil, nil, err
		}
		if codeF == "" {
			return nil, nil, fmt.Errorf("read %s %s: layer %q has no id field (id, code or depot_id; fields: %s): a plan names its depots by id", what, path, ly.Name, strings.Join(ly.Fields, ", "))
		}
		nameF, err := pick(f.Name, "name", "depot", "place_name")
		if err != nil {
			return nil, nil, err
		}
		capF, err := pick(f.Capacity, "capacity", "capacity_kits", "kits_capacity")
		if err != nil {
			return nil, nil, err
		}
		stockF, err := pick(f.Stock, "stock", "kits", "stock_kits")
		if err != nil {
			return nil, nil, err
		}
		if kind == plan.ExistingDepot && stockF == "" {
			return nil, nil, fmt.Errorf("read %s %s: layer %q has no stock field (stock or kits; fields: %s)", what, path, ly.Name, strings.Join(ly.Fields, ", "))
		}
		for _, ft := range ly.Features {
			where := fmt.Sprintf("read %s %s feature %d", what, path, ft.FID)
			code := textField(ft, codeF)
			if code == "" {
				return nil, nil, fmt.Errorf("%s: field %q: no id", where, codeF)
			}
			if first, dup := seen[code]; dup {
				return nil, nil, fmt.Errorf("%s: id %q is also %s's: ids must be unique", where, code, first)
			}
			seen[code] = fmt.Sprintf("feature %d", ft.FID)
			p, ok := ft.Geometry.(orb.Point)
			if !ok {
				notes = append(notes, Note{Kind: SkippedFile, File: path, Layer: ly.Name, Feature: ft.FID,
					Message: fmt.Sprintf("%s %q has no point (%v): skipped", what, code, geometryName(ft.Geometry))})
				continue
			}
			name := textField(ft, nameF)
			if name == "" {
				name = code
			}
			c := plan.Candidate{Code: code, Name: name, Kind: kind, Point: p, Capacity: math.Inf(1), Fixed: kind == plan.ExistingDepot}
			if v := ft.Fields[capF]; capF != "" && v != nil {
				if c.Capacity, err = count(v); err != nil {
					return nil, nil, fmt.Errorf("%s: field %q: %w", where, capF, err)
				}
			}
			if v := ft.Fields[stockF]; stockF != "" && v != nil {
				if c.Stock, err = count(v); err != nil {
					return nil, nil, fmt.Errorf("%s: field %q: %w", where, stockF, err)
				}
			} else if kind == plan.ExistingDepot {
				return nil, nil, fmt.Errorf("%s: field %q: no stock", where, stockF)
			}
			if c.Stock > c.Capacity {
				return nil, nil, fmt.Errorf("%s: stock %g is more than its capacity %g", where, c.Stock, c.Capacity)
			}
			if u, ok := locate(p); ok {
				c.UnitCode, c.UnitName = u.Code, u.Name
				c.ParentCode, c.ParentName = u.ParentCode, u.ParentName
				c.RegionCode, c.RegionName = u.RegionCode, u.RegionName
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, notes, fmt.Errorf("read %s %s: no feature with a point", what, path)
	}
	return out, notes, nil
}
