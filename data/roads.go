package data

import (
	_ "embed" // for the road network
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// roadsFile is tls/roads.geojson: the 52 lines of the ILO / Ministry of Public Works
// "Estrada" road network (see README.md). A string, so that no caller can change the bundle.
// It is kept out of TimorLeste, which every run parses, because only planning needs roads.
//
//go:embed tls/roads.geojson
var roadsFile string

// RoadsCredit is the attribution to show with anything whose distances come from the
// bundled roads.
const RoadsCredit = "Roads: ILO / Ministry of Public Works, Estrada road data via IRMIS"

// RoadsSnapTolerance is the snap tolerance, in metres, with which to node the bundled
// roads (network.Options.SnapTolerance). Nine road ends stop short of the road they meet:
// two by under a metre, seven by 9.9–29.6 m (A12 at A11, C32 at A16, C23 at A02, A10 and
// A12 at each other, C15 at A09, XX006 at A02); the next gap, 195 m (C26 to C27), is no
// junction. Noded with the 5 m generic default instead, a fifth of the routes between
// localities detour around the missed junctions, by 46 km on average and up to 268 km.
const RoadsSnapTolerance = 50.0

// Road classes of the Estrada network.
const (
	RoadNational  = "national"  // A01…A19 and their spurs
	RoadMunicipal = "municipal" // C01…C32
	RoadOther     = "other"     // XX006
)

// Road is one road of the Estrada network: one merged line per road code, not split where
// it meets other roads (package vector/network nodes them before routing).
type Road struct {
	Code     string              // road code, e.g. "A01" (Dili–Baucau–Lautém), "C14"
	Class    string              // RoadNational, RoadMunicipal or RoadOther
	Line     orb.MultiLineString // lon/lat; every bundled road has one part
	LengthKm float64             // length as the source states it, km
}

// Roads parses the embedded road network of Timor-Leste: 52 national, municipal and other
// roads, 2,186 km, in source order. It leaves out the roughly 3,800 km of rural and urban
// roads, so the last leg from a road to a village is off this network. Each call parses
// afresh (a few tens of milliseconds) and returns roads the caller owns.
func Roads() ([]Road, error) {
	type props struct {
		Code     string   `json:"road_code"`
		Class    string   `json:"road_class"`
		LengthKm *float64 `json:"length_km"`
	}
	c, err := decodeLines[props]([]byte(roadsFile))
	if err != nil {
		return nil, fmt.Errorf("read tls/roads.geojson: %w", err)
	}
	roads := make([]Road, 0, len(c))
	for i, f := range c {
		p := f.props
		switch {
		case p.Code == "":
			return nil, fmt.Errorf("read tls/roads.geojson: feature %d: field %q: empty", i, "road_code")
		case p.Class != RoadNational && p.Class != RoadMunicipal && p.Class != RoadOther:
			return nil, fmt.Errorf("read tls/roads.geojson: feature %d (%s): field %q: unknown class %q", i, p.Code, "road_class", p.Class)
		case p.LengthKm == nil:
			return nil, fmt.Errorf("read tls/roads.geojson: feature %d (%s): field %q: missing", i, p.Code, "length_km")
		}
		roads = append(roads, Road{Code: p.Code, Class: p.Class, Line: f.line, LengthKm: *p.LengthKm})
	}
	return roads, nil
}

// lineFeature is a feature of a line layer, its geometry as a MultiLineString whether the
// file holds a LineString or a MultiLineString.
type lineFeature[P any] struct {
	props P
	line  orb.MultiLineString
}

// decodeLines reads a FeatureCollection of LineStrings and MultiLineStrings, refusing any
// other geometry type and any part of fewer than two vertices.
func decodeLines[P any](b []byte) ([]lineFeature[P], error) {
	var c collection[P, json.RawMessage]
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, err
	}
	if c.Type != "FeatureCollection" {
		return nil, fmt.Errorf("type %q, want FeatureCollection", c.Type)
	}
	out := make([]lineFeature[P], 0, len(c.Features))
	for i, f := range c.Features {
		var ml orb.MultiLineString
		switch f.Geometry.Type {
		case "LineString":
			var l lineString
			if err := l.UnmarshalJSON(f.Geometry.Coordinates); err != nil {
				return nil, fmt.Errorf("feature %d: %w", i, err)
			}
			ml = orb.MultiLineString{orb.LineString(l)}
		case "MultiLineString":
			var m multiLineString
			if err := m.UnmarshalJSON(f.Geometry.Coordinates); err != nil {
				return nil, fmt.Errorf("feature %d: %w", i, err)
			}
			ml = orb.MultiLineString(m)
		default:
			return nil, fmt.Errorf("feature %d: geometry type %q, want LineString or MultiLineString", i, f.Geometry.Type)
		}
		for k, l := range ml {
			if len(l) < 2 {
				return nil, fmt.Errorf("feature %d: part %d has %d vertices, want at least 2", i, k, len(l))
			}
		}
		out = append(out, lineFeature[P]{props: f.Properties, line: ml})
	}
	return out, nil
}

// multiLineString is an orb.MultiLineString read from GeoJSON coordinates.
type multiLineString orb.MultiLineString

func (m *multiLineString) UnmarshalJSON(b []byte) error {
	s := coordScanner{b: b}
	var out orb.MultiLineString
	err := s.array(func() error {
		var l orb.LineString
		err := s.array(func() error {
			p, err := s.point()
			l = append(l, p)
			return err
		})
		out = append(out, l)
		return err
	})
	*m = multiLineString(out)
	return s.end(err)
}
