package tiles

import (
	"errors"
	"fmt"
	"math"
)

// This file is an MVT 2.1 decoder and validator written from the specification
// (github.com/mapbox/vector-tile-spec, 2.1), independent of orb and gogo/protobuf, so that
// the tests do not check the encoder with itself. TestValidatorFixtures checks it against
// @mapbox/mvt-fixtures: it must accept the valid tiles and reject the invalid ones.

// mvtTile is a decoded tile.
type mvtTile struct {
	Layers []mvtLayer
}

type mvtLayer struct {
	Name     string
	Version  uint64
	Extent   uint64
	Features []mvtFeature
}

type mvtFeature struct {
	ID    uint64
	HasID bool
	Type  uint64 // 1 point, 2 linestring, 3 polygon
	Props map[string]any
	// Geometry in tile coordinates: for points one path of all points, for lines one path
	// per line, for polygons one closed ring per path (first point repeated at the end)
	// with RingArea set.
	Paths    [][][2]int64
	RingArea []float64 // twice the signed area of each ring (y down), polygons only
}

// layer returns the layer called name, or nil.
func (t *mvtTile) layer(name string) *mvtLayer {
	for i := range t.Layers {
		if t.Layers[i].Name == name {
			return &t.Layers[i]
		}
	}
	return nil
}

// pbuf reads protocol buffer wire format.
type pbuf struct {
	b   []byte
	pos int
}

var errTruncated = errors.New("truncated message")

func (p *pbuf) done() bool { return p.pos >= len(p.b) }

func (p *pbuf) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if p.pos >= len(p.b) {
			return 0, errTruncated
		}
		c := p.b[p.pos]
		p.pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errors.New("varint overflows 64 bits")
}

// key returns the next field number and wire type.
func (p *pbuf) key() (int, int, error) {
	k, err := p.varint()
	if err != nil {
		return 0, 0, err
	}
	if k>>3 == 0 {
		return 0, 0, errors.New("field number 0")
	}
	return int(k >> 3), int(k & 7), nil
}

func (p *pbuf) bytes() ([]byte, error) {
	n, err := p.varint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(p.b)-p.pos) {
		return nil, errTruncated
	}
	b := p.b[p.pos : p.pos+int(n)]
	p.pos += int(n)
	return b, nil
}

func (p *pbuf) fixed(n int) (uint64, error) {
	if len(p.b)-p.pos < n {
		return 0, errTruncated
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(p.b[p.pos+i])
	}
	p.pos += n
	return v, nil
}

// packed decodes a packed repeated uint32 field.
func packed(b []byte) ([]uint32, error) {
	p := pbuf{b: b}
	var out []uint32
	for !p.done() {
		v, err := p.varint()
		if err != nil {
			return nil, err
		}
		if v > math.MaxUint32 {
			return nil, fmt.Errorf("packed value %d overflows uint32", v)
		}
		out = append(out, uint32(v))
	}
	return out, nil
}

const (
	wireVarint = 0
	wire64     = 1
	wireBytes  = 2
	wire32     = 5
)

// decodeMVT decodes and validates b. It rejects anything the specification forbids:
// unknown fields, wrong wire types, layers without name or version or with a duplicate
// name, values without exactly one typed field, odd or dangling tags, features without
// type or geometry, and malformed geometry command streams (see checkGeometry).
func decodeMVT(b []byte) (*mvtTile, error) {
	p := pbuf{b: b}
	t := &mvtTile{}
	names := map[string]bool{}
	for !p.done() {
		f, w, err := p.key()
		if err != nil {
			return nil, fmt.Errorf("tile: %w", err)
		}
		if f != 3 || w != wireBytes {
			return nil, fmt.Errorf("tile: unexpected field %d (wire type %d)", f, w)
		}
		lb, err := p.bytes()
		if err != nil {
			return nil, fmt.Errorf("tile: layer: %w", err)
		}
		l, err := decodeLayer(lb)
		if err != nil {
			return nil, fmt.Errorf("layer %d (%q): %w", len(t.Layers), l.Name, err)
		}
		if names[l.Name] {
			return nil, fmt.Errorf("layer %q: name used twice", l.Name)
		}
		names[l.Name] = true
		t.Layers = append(t.Layers, l)
	}
	return t, nil
}

type rawFeature struct {
	id                 uint64
	hasID, hasType     bool
	typ                uint64
	tags, geom         []uint32
	nTagFields, nGeoms int
}

func decodeLayer(b []byte) (mvtLayer, error) {
	p := pbuf{b: b}
	l := mvtLayer{Extent: 4096}
	var hasName, hasVersion bool
	var keys []string
	var values []any
	var raws []rawFeature
	for !p.done() {
		f, w, err := p.key()
		if err != nil {
			return l, err
		}
		switch {
		case f == 15 && w == wireVarint:
			if l.Version, err = p.varint(); err != nil {
				return l, err
			}
			hasVersion = true
		case f == 1 && w == wireBytes:
			s, err := p.bytes()
			if err != nil {
				return l, err
			}
			l.Name, hasName = string(s), true
		case f == 2 && w == wireBytes:
			fb, err := p.bytes()
			if err != nil {
				return l, err
			}
			rf, err := decodeFeature(fb)
			if err != nil {
				return l, fmt.Errorf("feature %d: %w", len(raws), err)
			}
			raws = append(raws, rf)
		case f == 3 && w == wireBytes:
			s, err := p.bytes()
			if err != nil {
				return l, err
			}
			keys = append(keys, string(s))
		case f == 4 && w == wireBytes:
			vb, err := p.bytes()
			if err != nil {
				return l, err
			}
			v, err := decodeValue(vb)
			if err != nil {
				return l, fmt.Errorf("value %d: %w", len(values), err)
			}
			values = append(values, v)
		case f == 5 && w == wireVarint:
			if l.Extent, err = p.varint(); err != nil {
				return l, err
			}
		default:
			return l, fmt.Errorf("unexpected field %d (wire type %d)", f, w)
		}
	}
	if !hasName {
		return l, errors.New("no name")
	}
	if !hasVersion {
		return l, errors.New("no version")
	}
	if l.Version != 1 && l.Version != 2 {
		return l, fmt.Errorf("version %d", l.Version)
	}
	if l.Extent == 0 {
		return l, errors.New("extent 0")
	}
	for i, rf := range raws {
		feat := mvtFeature{ID: rf.id, HasID: rf.hasID, Type: rf.typ, Props: map[string]any{}}
		if len(rf.tags)%2 != 0 {
			return l, fmt.Errorf("feature %d: odd number of tags", i)
		}
		for k := 0; k < len(rf.tags); k += 2 {
			ki, vi := rf.tags[k], rf.tags[k+1]
			if int(ki) >= len(keys) || int(vi) >= len(values) {
				return l, fmt.Errorf("feature %d: tag (%d, %d) outside %d keys, %d values", i, ki, vi, len(keys), len(values))
			}
			feat.Props[keys[ki]] = values[vi]
		}
		if err := decodeGeometry(&feat, rf.geom, l.Version); err != nil {
			return l, fmt.Errorf("feature %d: %w", i, err)
		}
		l.Features = append(l.Features, feat)
	}
	return l, nil
}

func decodeFeature(b []byte) (rawFeature, error) {
	p := pbuf{b: b}
	var rf rawFeature
	for !p.done() {
		f, w, err := p.key()
		if err != nil {
			return rf, err
		}
		switch {
		case f == 1 && w == wireVarint:
			if rf.id, err = p.varint(); err != nil {
				return rf, err
			}
			rf.hasID = true
		case f == 2 && w == wireBytes:
			pb, err := p.bytes()
			if err != nil {
				return rf, err
			}
			if rf.tags, err = packed(pb); err != nil {
				return rf, err
			}
			rf.nTagFields++
		case f == 3 && w == wireVarint:
			if rf.typ, err = p.varint(); err != nil {
				return rf, err
			}
			rf.hasType = true
		case f == 4 && w == wireBytes:
			pb, err := p.bytes()
			if err != nil {
				return rf, err
			}
			if rf.geom, err = packed(pb); err != nil {
				return rf, err
			}
			rf.nGeoms++
		default:
			return rf, fmt.Errorf("unexpected field %d (wire type %d)", f, w)
		}
	}
	switch {
	case !rf.hasType:
		return rf, errors.New("no type")
	case rf.typ > 3:
		return rf, fmt.Errorf("type %d is not a GeomType", rf.typ)
	case rf.nGeoms == 0:
		return rf, errors.New("no geometry")
	case rf.nGeoms > 1 || rf.nTagFields > 1:
		return rf, errors.New("geometry or tags given twice")
	}
	return rf, nil
}

func decodeValue(b []byte) (any, error) {
	p := pbuf{b: b}
	var v any
	n := 0
	for !p.done() {
		f, w, err := p.key()
		if err != nil {
			return nil, err
		}
		n++
		switch {
		case f == 1 && w == wireBytes:
			s, err := p.bytes()
			if err != nil {
				return nil, err
			}
			v = string(s)
		case f == 2 && w == wire32:
			u, err := p.fixed(4)
			if err != nil {
				return nil, err
			}
			v = math.Float32frombits(uint32(u))
		case f == 3 && w == wire64:
			u, err := p.fixed(8)
			if err != nil {
				return nil, err
			}
			v = math.Float64frombits(u)
		case f == 4 && w == wireVarint:
			u, err := p.varint()
			if err != nil {
				return nil, err
			}
			v = int64(u)
		case f == 5 && w == wireVarint:
			u, err := p.varint()
			if err != nil {
				return nil, err
			}
			v = u
		case f == 6 && w == wireVarint:
			u, err := p.varint()
			if err != nil {
				return nil, err
			}
			v = int64(u>>1) ^ -int64(u&1)
		case f == 7 && w == wireVarint:
			u, err := p.varint()
			if err != nil {
				return nil, err
			}
			v = u != 0
		default:
			return nil, fmt.Errorf("unexpected field %d (wire type %d)", f, w)
		}
	}
	if n != 1 {
		return nil, fmt.Errorf("%d typed fields, want exactly 1", n)
	}
	return v, nil
}

// decodeGeometry checks the command stream of a feature of its type and decodes it.
//
//	POINT       one MoveTo of count ≥ 1
//	LINESTRING  repeated MoveTo(1) LineTo(≥ 1), no zero-length segment
//	POLYGON     repeated MoveTo(1) LineTo(≥ 2) ClosePath(1); each ring of non-zero area,
//	            the first exterior (positive area in tile coordinates, y down)
//
// UNKNOWN geometry is accepted as it is (the specification leaves it to the reader).
func decodeGeometry(f *mvtFeature, g []uint32, version uint64) error {
	if f.Type == 0 {
		return nil
	}
	var x, y int64
	i := 0
	param := func() (int64, error) {
		if i >= len(g) {
			return 0, errors.New("command runs past the end of the geometry")
		}
		v := g[i]
		i++
		return int64(v>>1) ^ -int64(v&1), nil
	}
	command := func() (id, count uint32, err error) {
		if i >= len(g) {
			return 0, 0, errTruncated
		}
		c := g[i]
		i++
		return c & 7, c >> 3, nil
	}
	move := func(n uint32, path [][2]int64, noRepeat bool) ([][2]int64, error) {
		if uint64(n)*2 > uint64(len(g)-i) {
			return nil, fmt.Errorf("count %d needs %d parameters, %d left", n, 2*n, len(g)-i)
		}
		for k := uint32(0); k < n; k++ {
			dx, err := param()
			if err != nil {
				return nil, err
			}
			dy, err := param()
			if err != nil {
				return nil, err
			}
			if noRepeat && dx == 0 && dy == 0 {
				return nil, errors.New("zero-length segment")
			}
			x, y = x+dx, y+dy
			path = append(path, [2]int64{x, y})
		}
		return path, nil
	}
	switch f.Type {
	case 1:
		id, n, err := command()
		if err != nil {
			return err
		}
		if id != 1 || n == 0 {
			return fmt.Errorf("point geometry starts with command %d count %d, want MoveTo", id, n)
		}
		path, err := move(n, nil, false)
		if err != nil {
			return err
		}
		f.Paths = append(f.Paths, path)
		if i != len(g) {
			return errors.New("point geometry has more than one MoveTo")
		}
	case 2:
		for i < len(g) {
			id, n, err := command()
			if err != nil {
				return err
			}
			if id != 1 || n != 1 {
				return fmt.Errorf("line starts with command %d count %d, want MoveTo(1)", id, n)
			}
			path, err := move(1, nil, false)
			if err != nil {
				return err
			}
			if id, n, err = command(); err != nil {
				return err
			}
			if id != 2 || n == 0 {
				return fmt.Errorf("line continues with command %d count %d, want LineTo(≥ 1)", id, n)
			}
			if path, err = move(n, path, version >= 2); err != nil {
				return err
			}
			f.Paths = append(f.Paths, path)
		}
		if len(f.Paths) == 0 {
			return errors.New("empty line geometry")
		}
	case 3:
		for i < len(g) {
			id, n, err := command()
			if err != nil {
				return err
			}
			if id != 1 || n != 1 {
				return fmt.Errorf("ring starts with command %d count %d, want MoveTo(1)", id, n)
			}
			ring, err := move(1, nil, false)
			if err != nil {
				return err
			}
			if id, n, err = command(); err != nil {
				return err
			}
			if id != 2 || n < 2 {
				return fmt.Errorf("ring continues with command %d count %d, want LineTo(≥ 2)", id, n)
			}
			if ring, err = move(n, ring, version >= 2); err != nil {
				return err
			}
			if id, n, err = command(); err != nil {
				return err
			}
			if id != 7 || n != 1 {
				return fmt.Errorf("ring ends with command %d count %d, want ClosePath(1)", id, n)
			}
			ring = append(ring, ring[0])
			var a float64
			for k := 0; k+1 < len(ring); k++ {
				a += float64(ring[k][0])*float64(ring[k+1][1]) - float64(ring[k+1][0])*float64(ring[k][1])
			}
			if a == 0 {
				return fmt.Errorf("ring %d has zero area", len(f.Paths))
			}
			if len(f.Paths) == 0 && a < 0 && version >= 2 {
				return errors.New("first ring is not exterior (negative area)")
			}
			f.Paths = append(f.Paths, ring)
			f.RingArea = append(f.RingArea, a)
		}
		if len(f.Paths) == 0 {
			return errors.New("empty polygon geometry")
		}
	}
	return nil
}
