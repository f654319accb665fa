package ogr

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// WKB geometry type codes (2D).
const (
	wkbPoint              = 1
	wkbLineString         = 2
	wkbPolygon            = 3
	wkbMultiPoint         = 4
	wkbMultiLineString    = 5
	wkbMultiPolygon       = 6
	wkbGeometryCollection = 7
)

// appendWKB appends the little-endian WKB of g to dst. It is orb's encoding/wkb
// without the io.Writer, so that writing a feature allocates nothing once dst has
// grown: a point costs 21 bytes.
func appendWKB(dst []byte, g orb.Geometry) ([]byte, error) {
	switch g := g.(type) {
	case orb.Point:
		dst = appendHeader(dst, wkbPoint)
		return appendPoint(dst, g), nil
	case orb.MultiPoint:
		dst = appendHeader(dst, wkbMultiPoint)
		dst = appendUint32(dst, len(g))
		for _, p := range g {
			dst = appendHeader(dst, wkbPoint)
			dst = appendPoint(dst, p)
		}
		return dst, nil
	case orb.LineString:
		dst = appendHeader(dst, wkbLineString)
		return appendPoints(dst, g), nil
	case orb.MultiLineString:
		dst = appendHeader(dst, wkbMultiLineString)
		dst = appendUint32(dst, len(g))
		for _, ls := range g {
			dst = appendHeader(dst, wkbLineString)
			dst = appendPoints(dst, ls)
		}
		return dst, nil
	case orb.Ring:
		return appendWKB(dst, orb.Polygon{g})
	case orb.Polygon:
		dst = appendHeader(dst, wkbPolygon)
		return appendPolygon(dst, g), nil
	case orb.MultiPolygon:
		dst = appendHeader(dst, wkbMultiPolygon)
		dst = appendUint32(dst, len(g))
		for _, p := range g {
			dst = appendHeader(dst, wkbPolygon)
			dst = appendPolygon(dst, p)
		}
		return dst, nil
	case orb.Collection:
		dst = appendHeader(dst, wkbGeometryCollection)
		dst = appendUint32(dst, len(g))
		for _, c := range g {
			var err error
			if dst, err = appendWKB(dst, c); err != nil {
				return dst, err
			}
		}
		return dst, nil
	}
	return dst, fmt.Errorf("unsupported geometry type %s", typeName(g))
}

// appendMulti appends g, a Point, LineString, Polygon or Ring, as a one-member
// MultiPoint, MultiLineString or MultiPolygon.
func appendMulti(dst []byte, g orb.Geometry) ([]byte, error) {
	var code uint32
	switch g.(type) {
	case orb.Point:
		code = wkbMultiPoint
	case orb.LineString:
		code = wkbMultiLineString
	case orb.Polygon, orb.Ring:
		code = wkbMultiPolygon
	default:
		return dst, fmt.Errorf("cannot make a multi-geometry of %s", typeName(g))
	}
	dst = appendHeader(dst, code)
	dst = appendUint32(dst, 1)
	return appendWKB(dst, g)
}

func appendHeader(dst []byte, code uint32) []byte {
	dst = append(dst, 1) // little endian
	return binary.LittleEndian.AppendUint32(dst, code)
}

func appendUint32(dst []byte, n int) []byte {
	return binary.LittleEndian.AppendUint32(dst, uint32(n))
}

func appendPoint(dst []byte, p orb.Point) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(p[0]))
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(p[1]))
}

func appendPoints(dst []byte, ps []orb.Point) []byte {
	dst = appendUint32(dst, len(ps))
	for _, p := range ps {
		dst = appendPoint(dst, p)
	}
	return dst
}

func appendPolygon(dst []byte, p orb.Polygon) []byte {
	dst = appendUint32(dst, len(p))
	for _, r := range p {
		dst = appendPoints(dst, r)
	}
	return dst
}
