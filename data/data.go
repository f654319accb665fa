// Package data bundles the Timor-Leste reference data that tasi needs at run time and parses
// it into orb geometries in WGS84 lon/lat (orb.Point{lon, lat}, degrees).
//
// The data is embedded in the binary as compact GeoJSON (coordinates rounded to 6 decimals,
// about 0.1 m; not simplified). See README.md in this folder for sources, commits, changes and
// LICENSES for the licences. The bundle holds:
//
//   - the 442 sucos (ADM3) of the OCHA COD-AB 2020-09-11 release, with their posto (ADM2) and
//     municipality (ADM1) P-codes and English names, joined by P-code to the 2015 Census
//     population and households (totals 1,183,643 people, 204,597 households);
//   - the COD-AB coastline: the 104 boundary lines with admLevel 99 (784.7 km in UTM 51S).
//     The land border with Indonesia (admLevel 0) is not included and is never coast;
//   - 2,871 settlement points of the 1:50,000 topographic map gazetteer that fall inside a
//     suco, with their kind and suco P-code;
//   - 6 sea ports (ferry terminals) from the HOT OpenStreetMap export
//     (© OpenStreetMap contributors, ODbL);
//   - the WorldPop settlement-constrained population grid (CC BY 4.0) as GeoTIFF bytes, for
//     package raster/gdal to decode (PopulationGrid).
//
// OCHA marks the suco (admin level 3) layer "for information only, not official": Decree Law
// 16/2017 created sucos that have no public geometry yet, and the data predates Atauro
// becoming a municipality in 2022 (it is still a posto of Dili here). Exports built from this
// data must say so.
package data

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
)

// Kinds of Locality, the gazetteer's "symbol" classes (Indonesian-era terms).
const (
	KindDistrictCapital    = 1 // district capital; today a municipality capital
	KindSubdistrictCapital = 2 // subdistrict capital; today a posto administrativo capital
	KindSucoCentre         = 3 // desa/suco centre
	KindLocality           = 4 // any other settlement
)

//go:embed tls/sucos.geojson tls/coastline.geojson tls/localities.geojson tls/ports.geojson
var files embed.FS

// NullString returns s, or nil when it is empty: what the stores and the tiles write for a
// unit's missing parent or region, or a locality outside every unit (NULL, no property).
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NullCount returns census count n as an int64, or nil when it is unknown (negative), as
// the stores and the tiles write it.
func NullCount(n int) any {
	if n < 0 {
		return nil
	}
	return int64(n)
}

// Locality is a named settlement point from the topographic map gazetteer.
type Locality struct {
	Name     string    // place name as printed on the map sheet (Indonesian-era spelling)
	Kind     int       // one of KindDistrictCapital, KindSubdistrictCapital, KindSucoCentre, KindLocality
	UnitCode string    // P-code of the suco the point falls in
	Point    orb.Point // lon/lat
}

// Port is a sea port or ferry terminal usable as a logistics hub.
type Port struct {
	Name  string    // OpenStreetMap name, else its English name, else empty
	Point orb.Point // lon/lat
}

// Reference is the bundled data set.
type Reference struct {
	Units      []analysis.AdminUnit // sucos, sorted by P-code
	Coastline  orb.MultiLineString  // COD-AB admLevel 99 lines, lon/lat
	Localities []Locality           // gazetteer points inside a suco, in gazetteer order
	Ports      []Port               // sea ports, in source order
}

// TimorLeste parses the embedded Timor-Leste data. Each call parses afresh (about 0.1 s) and
// returns a Reference the caller owns; keep it rather than calling again.
func TimorLeste() (*Reference, error) {
	r := &Reference{}
	steps := []struct {
		name string
		read func([]byte) error
	}{
		{"tls/sucos.geojson", r.readUnits},
		{"tls/coastline.geojson", r.readCoastline},
		{"tls/localities.geojson", r.readLocalities},
		{"tls/ports.geojson", r.readPorts},
	}
	for _, s := range steps {
		b, err := files.ReadFile(s.name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", s.name, err)
		}
		if err := s.read(b); err != nil {
			return nil, fmt.Errorf("read %s: %w", s.name, err)
		}
	}
	return r, nil
}

// Bound returns the bounding box of all geometry in r (units, coastline, localities, ports),
// or the zero Bound when r holds none.
func (r *Reference) Bound() orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, u := range r.Units {
		b = b.Union(u.Geometry.Bound())
	}
	b = b.Union(r.Coastline.Bound())
	for _, l := range r.Localities {
		b = b.Extend(l.Point)
	}
	for _, p := range r.Ports {
		b = b.Extend(p.Point)
	}
	if b.IsEmpty() {
		return orb.Bound{}
	}
	return b
}

// collection is a GeoJSON FeatureCollection whose features all have geometry type T and
// properties P. Coordinates decode through the types of coords.go.
type collection[P any, T any] struct {
	Type     string `json:"type"`
	Features []struct {
		Properties P `json:"properties"`
		Geometry   struct {
			Type        string `json:"type"`
			Coordinates T      `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

// decode unmarshals a FeatureCollection and checks that every feature has geometry type want.
func decode[P any, T any](b []byte, want string) (*collection[P, T], error) {
	var c collection[P, T]
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	if c.Type != "FeatureCollection" {
		return nil, fmt.Errorf("type %q, want FeatureCollection", c.Type)
	}
	for i, f := range c.Features {
		if f.Geometry.Type != want {
			return nil, fmt.Errorf("feature %d: geometry type %q, want %s", i, f.Geometry.Type, want)
		}
	}
	return &c, nil
}

// orUnknown returns *v, or -1 when the property was null or missing.
func orUnknown(v *int) int {
	if v == nil {
		return -1
	}
	return *v
}

func (r *Reference) readUnits(b []byte) error {
	type props struct {
		Code       string `json:"adm3_pcode"`
		Name       string `json:"adm3_en"`
		ParentCode string `json:"adm2_pcode"`
		ParentName string `json:"adm2_en"`
		RegionCode string `json:"adm1_pcode"`
		RegionName string `json:"adm1_en"`
		Population *int   `json:"pop_2015"`
		Households *int   `json:"households_2015"`
	}
	c, err := decode[props, multiPolygon](b, "MultiPolygon")
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(c.Features))
	r.Units = make([]analysis.AdminUnit, 0, len(c.Features))
	for i, f := range c.Features {
		p := f.Properties
		if p.Code == "" || seen[p.Code] {
			return fmt.Errorf("feature %d: field %q: empty or duplicate P-code %q", i, "adm3_pcode", p.Code)
		}
		seen[p.Code] = true
		r.Units = append(r.Units, analysis.AdminUnit{
			Code: p.Code, Name: p.Name,
			ParentCode: p.ParentCode, ParentName: p.ParentName,
			RegionCode: p.RegionCode, RegionName: p.RegionName,
			Population: orUnknown(p.Population), Households: orUnknown(p.Households),
			Geometry: orb.MultiPolygon(f.Geometry.Coordinates),
		})
	}
	return nil
}

func (r *Reference) readCoastline(b []byte) error {
	type props struct {
		AdmLevel int `json:"admLevel"`
	}
	c, err := decode[props, lineString](b, "LineString")
	if err != nil {
		return err
	}
	r.Coastline = make(orb.MultiLineString, 0, len(c.Features))
	for i, f := range c.Features {
		// admLevel 0 is the land border with Indonesia and must never pass as coast.
		if f.Properties.AdmLevel != 99 {
			return fmt.Errorf("feature %d: field %q: %d, want 99 (coastline)", i, "admLevel", f.Properties.AdmLevel)
		}
		r.Coastline = append(r.Coastline, orb.LineString(f.Geometry.Coordinates))
	}
	return nil
}

func (r *Reference) readLocalities(b []byte) error {
	type props struct {
		Name     string `json:"place_name"`
		Kind     int    `json:"symbol"`
		UnitCode string `json:"adm3_pcode"`
	}
	c, err := decode[props, point](b, "Point")
	if err != nil {
		return err
	}
	r.Localities = make([]Locality, 0, len(c.Features))
	for _, f := range c.Features {
		p := f.Properties
		r.Localities = append(r.Localities, Locality{Name: p.Name, Kind: p.Kind, UnitCode: p.UnitCode, Point: orb.Point(f.Geometry.Coordinates)})
	}
	return nil
}

func (r *Reference) readPorts(b []byte) error {
	type props struct {
		Name   string `json:"name"`
		NameEN string `json:"name:en"`
	}
	c, err := decode[props, point](b, "Point")
	if err != nil {
		return err
	}
	r.Ports = make([]Port, 0, len(c.Features))
	for _, f := range c.Features {
		name := f.Properties.Name
		if name == "" {
			name = f.Properties.NameEN
		}
		r.Ports = append(r.Ports, Port{Name: name, Point: orb.Point(f.Geometry.Coordinates)})
	}
	return nil
}
