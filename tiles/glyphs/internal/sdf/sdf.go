// Package sdf renders the glyphs of a TrueType or OpenType font as signed distance fields
// in the glyph PBF format MapLibre GL reads (the format of node-fontnik and
// glyph-pbf-composite): glyphs at 24 px, a 3 px buffer, distances up to 8 px, the edge at
// 0.75 of the byte range (cutoff 0.25). Each pixel's value is the exact distance from
// its centre to the glyph's outline (curves flattened to lines), as fontnik computes it,
// rather than a distance transform of a rasterised glyph: it needs no rasteriser and is
// as sharp as the outline.
//
// It is run at build time (go generate in package glyphs); the server only serves what it
// wrote.
package sdf

import (
	"encoding/binary"
	"fmt"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The parameters of the glyphs MapLibre expects: it draws them scaled from Size, reads
// Buffer pixels round each, and decodes a byte v as the distance (v/255 - (1-Cutoff)) ×
// 256/Radius pixels outside the edge.
const (
	Size   = 24
	Buffer = 3
	Radius = 8
	Cutoff = 0.25
)

// Glyph is one glyph as the PBF holds it.
type Glyph struct {
	ID            uint32 // Unicode code point
	Bitmap        []byte // (Width+2·Buffer) × (Height+2·Buffer) bytes, top row first; nil when Width is 0
	Width, Height uint32 // of the glyph's box, px
	Left          int32  // from the pen to the left of the box, px
	Top           int32  // from the top of the box to the ascender line, px (negative: below it)
	Advance       uint32 // pen advance, px
}

// Range returns the glyph PBF of the code points start to end (inclusive) of the font
// in src, as a font stack named stack. Code points the font lacks are left out.
func Range(src []byte, stack string, start, end int) ([]byte, error) {
	f, err := sfnt.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	var buf sfnt.Buffer
	ppem := fixed.I(Size)
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, fmt.Errorf("font metrics: %w", err)
	}
	// FreeType rounds the scaled ascender up to a whole pixel; fontnik subtracts it.
	ascender := int32((m.Ascent + 63) >> 6)
	var glyphs []byte
	for r := start; r <= end; r++ {
		x, err := f.GlyphIndex(&buf, rune(r))
		if err != nil {
			return nil, fmt.Errorf("code point %d: %w", r, err)
		}
		if x == 0 {
			continue
		}
		g, err := render(f, &buf, x, uint32(r), ascender)
		if err != nil {
			return nil, fmt.Errorf("code point %d: %w", r, err)
		}
		glyphs = appendBytes(glyphs, 3, encodeGlyph(g))
	}
	var fs []byte
	fs = appendBytes(fs, 1, []byte(stack))
	fs = appendBytes(fs, 2, fmt.Appendf(nil, "%d-%d", start, end))
	fs = append(fs, glyphs...)
	return appendBytes(nil, 1, fs), nil
}

// render returns glyph x of f, code point id.
func render(f *sfnt.Font, buf *sfnt.Buffer, x sfnt.GlyphIndex, id uint32, ascender int32) (Glyph, error) {
	ppem := fixed.I(Size)
	adv, err := f.GlyphAdvance(buf, x, ppem, font.HintingNone)
	if err != nil {
		return Glyph{}, err
	}
	segs, err := f.LoadGlyph(buf, x, ppem, nil)
	if err != nil {
		return Glyph{}, err
	}
	g := Glyph{ID: id, Advance: uint32(max(adv, 0) >> 6), Top: -ascender}
	rings := outline(segs)
	if len(rings) == 0 {
		return g, nil
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, r := range rings {
		for _, p := range r {
			minX, maxX = math.Min(minX, p[0]), math.Max(maxX, p[0])
			minY, maxY = math.Min(minY, p[1]), math.Max(maxY, p[1])
		}
	}
	minX, minY, maxX, maxY = math.Round(minX), math.Round(minY), math.Round(maxX), math.Round(maxY)
	if maxX == minX || maxY == minY {
		return g, nil
	}
	for _, r := range rings {
		for i := range r {
			r[i][0] += Buffer - minX
			r[i][1] += Buffer - minY
		}
	}
	g.Left, g.Top = int32(minX), int32(maxY)-ascender
	g.Width, g.Height = uint32(maxX-minX), uint32(maxY-minY)
	w, h := int(g.Width)+2*Buffer, int(g.Height)+2*Buffer
	g.Bitmap = make([]byte, w*h)
	for y := range h {
		for x := range w {
			p := [2]float64{float64(x) + 0.5, float64(y) + 0.5}
			d := distance(rings, p) * (256 / Radius)
			if inside(rings, p) {
				d = -d
			}
			d += Cutoff * 256
			n := 255
			if d < 255 {
				n = max(int(d), 0)
			}
			g.Bitmap[(h-y-1)*w+x] = byte(255 - n)
		}
	}
	return g, nil
}

// outline flattens segs into closed rings of pixel coordinates, y up.
func outline(segs sfnt.Segments) [][][2]float64 {
	pt := func(p fixed.Point26_6) [2]float64 { return [2]float64{float64(p.X) / 64, -float64(p.Y) / 64} }
	var rings [][][2]float64
	var ring [][2]float64
	closeRing := func() {
		if len(ring) > 1 {
			if ring[0] != ring[len(ring)-1] {
				ring = append(ring, ring[0])
			}
			rings = append(rings, ring)
		}
		ring = nil
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			closeRing()
			ring = append(ring, pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			ring = append(ring, pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			ring = quad(ring, ring[len(ring)-1], pt(s.Args[0]), pt(s.Args[1]))
		case sfnt.SegmentOpCubeTo:
			ring = cube(ring, ring[len(ring)-1], pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2]))
		}
	}
	closeRing()
	return rings
}

// tolerance is the most a flattened curve strays from the true one, px.
const tolerance = 0.02

// quad appends the quadratic Bézier curve p0 p1 p2 (without p0) flattened to ring: n
// lines stray at most |p0 - 2p1 + p2| / (8n²) from the curve.
func quad(ring [][2]float64, p0, p1, p2 [2]float64) [][2]float64 {
	dd := math.Hypot(p0[0]-2*p1[0]+p2[0], p0[1]-2*p1[1]+p2[1])
	n := max(1, int(math.Ceil(math.Sqrt(dd/(8*tolerance)))))
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		ring = append(ring, [2]float64{
			u*u*p0[0] + 2*u*t*p1[0] + t*t*p2[0],
			u*u*p0[1] + 2*u*t*p1[1] + t*t*p2[1],
		})
	}
	return ring
}

// cube appends the cubic Bézier curve p0 … p3 (without p0) flattened to ring: n lines
// stray at most 3/4 · max |second differences| / n² from the curve.
func cube(ring [][2]float64, p0, p1, p2, p3 [2]float64) [][2]float64 {
	dd := math.Max(math.Hypot(p0[0]-2*p1[0]+p2[0], p0[1]-2*p1[1]+p2[1]), math.Hypot(p1[0]-2*p2[0]+p3[0], p1[1]-2*p2[1]+p3[1]))
	n := max(1, int(math.Ceil(math.Sqrt(0.75*dd/tolerance))))
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		u := 1 - t
		a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
		ring = append(ring, [2]float64{a*p0[0] + b*p1[0] + c*p2[0] + d*p3[0], a*p0[1] + b*p1[1] + c*p2[1] + d*p3[1]})
	}
	return ring
}

// distance returns the distance from p to the nearest edge of rings, or +Inf when none
// is within Radius.
func distance(rings [][][2]float64, p [2]float64) float64 {
	best := float64(Radius * Radius)
	found := false
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			if d := segmentDistance2(p, r[i-1], r[i]); d < best {
				best, found = d, true
			}
		}
	}
	if !found {
		return math.Inf(1)
	}
	return math.Sqrt(best)
}

// segmentDistance2 returns the squared distance from p to the segment ab.
func segmentDistance2(p, a, b [2]float64) float64 {
	x, y := a[0], a[1]
	dx, dy := b[0]-x, b[1]-y
	if l := dx*dx + dy*dy; l > 0 {
		t := ((p[0]-x)*dx + (p[1]-y)*dy) / l
		switch {
		case t > 1:
			x, y = b[0], b[1]
		case t > 0:
			x += dx * t
			y += dy * t
		}
	}
	dx, dy = p[0]-x, p[1]-y
	return dx*dx + dy*dy
}

// inside reports whether p is inside rings by the even-odd rule, as fontnik decides it.
func inside(rings [][][2]float64, p [2]float64) bool {
	in := false
	for _, r := range rings {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
	}
	return in
}

// encodeGlyph returns the protobuf message of g (glyphs.proto: id 1, bitmap 2, width 3,
// height 4, left 5 and top 6 as sint32, advance 7).
func encodeGlyph(g Glyph) []byte {
	var b []byte
	b = appendVarint(b, 1, uint64(g.ID))
	if g.Width > 0 {
		b = appendBytes(b, 2, g.Bitmap)
	}
	b = appendVarint(b, 3, uint64(g.Width))
	b = appendVarint(b, 4, uint64(g.Height))
	b = appendVarint(b, 5, zigzag(g.Left))
	b = appendVarint(b, 6, zigzag(g.Top))
	return appendVarint(b, 7, uint64(g.Advance))
}

func zigzag(v int32) uint64 { return uint64(uint32((v << 1) ^ (v >> 31))) }

func appendVarint(b []byte, field int, v uint64) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3)
	return binary.AppendUvarint(b, v)
}

func appendBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
