package postgis

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// ewkbPointSRID is the EWKB type of a point with an SRID: WKB type 1 with the SRID flag.
const ewkbPointSRID = 0x20000001

// pointEncoder writes points as little-endian EWKB into one reused buffer: the hot path
// of loading intersections. pgx copies each value out before asking for the next row.
type pointEncoder struct {
	buf [25]byte
}

// encode returns p with srid as EWKB, valid until the next call.
func (e *pointEncoder) encode(p orb.Point, srid int) []byte {
	b := e.buf[:]
	b[0] = 1 // little endian
	binary.LittleEndian.PutUint32(b[1:], ewkbPointSRID)
	binary.LittleEndian.PutUint32(b[5:], uint32(srid))
	binary.LittleEndian.PutUint64(b[9:], math.Float64bits(p[0]))
	binary.LittleEndian.PutUint64(b[17:], math.Float64bits(p[1]))
	return b
}

// decode parses WKB (from ST_AsBinary) into a geometry of type G.
func decode[G orb.Geometry](b []byte) (G, error) {
	var zero G
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return zero, fmt.Errorf("decode geometry: %w", err)
	}
	out, ok := g.(G)
	if !ok {
		return zero, fmt.Errorf("decode geometry: got %s, want %s", g.GeoJSONType(), zero.GeoJSONType())
	}
	return out, nil
}
