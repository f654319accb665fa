package synthetic

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// chain is one line of the reference coast after the input lines that meet end to end are
// joined, with everything every shoreline needs precomputed.
type chain struct {
	part   int         // index of its first input line, for messages
	pts    []orb.Point // vertices; a closed chain does not repeat its first vertex
	s      []float64   // arc length at each vertex
	length float64     // total length, the closing segment included when closed
	closed bool
	area   float64     // signed area of a closed chain
	normal []orb.Point // unit seaward normal at each vertex
	rate   []float64   // true rate (m/yr) at each vertex
	offset float64     // where the chain starts along all chains end to end (cloud gaps)

	noiseStep float64   // spacing (m) of the noise grid
	noiseN    int       // nodes of the noise grid
	noiseW    []float64 // noise kernel, Σw² = 1, centred on len(noiseW)/2
	cell      float64   // cell size (m) of the crossing index
}

// buildChains cleans the coast lines (repeated vertices, degenerate lines) and joins the
// lines that meet end to end at a point shared by exactly two line ends.
func buildChains(coast orb.MultiLineString) []*chain {
	type line struct {
		part int
		pts  []orb.Point
	}
	var chains []*chain
	var open []line
	for i, ls := range coast {
		pts := dedupe(ls)
		switch {
		case len(pts) < 2:
		case pts[0] == pts[len(pts)-1]:
			if len(pts) >= 4 {
				chains = append(chains, &chain{part: i, pts: pts[:len(pts)-1], closed: true})
			}
		default:
			open = append(open, line{i, pts})
		}
	}
	// ends[p] lists the line ends (2·line + 0 for the first vertex, + 1 for the last) at p.
	ends := make(map[orb.Point][]int, 2*len(open))
	for i, l := range open {
		ends[l.pts[0]] = append(ends[l.pts[0]], 2*i)
		ends[l.pts[len(l.pts)-1]] = append(ends[l.pts[len(l.pts)-1]], 2*i+1)
	}
	used := make([]bool, len(open))
	// walk joins lines starting with end e of line i, going away from that end.
	walk := func(i, e int) *chain {
		c := &chain{part: open[i].part}
		for {
			used[i] = true
			pts := open[i].pts
			if e == 1 {
				for k := len(pts) - 1; k >= 0; k-- {
					c.pts = appendDistinct(c.pts, pts[k])
				}
			} else {
				for _, p := range pts {
					c.pts = appendDistinct(c.pts, p)
				}
			}
			far := pts[len(pts)-1]
			if e == 1 {
				far = pts[0]
			}
			at := ends[far]
			if len(at) != 2 {
				return c
			}
			other := at[0]
			if other == 2*i+1-e {
				other = at[1]
			}
			if used[other/2] {
				if c.pts[0] == c.pts[len(c.pts)-1] && len(c.pts) >= 4 {
					c.pts = c.pts[:len(c.pts)-1]
					c.closed = true
				}
				return c
			}
			i, e = other/2, other%2
		}
	}
	// Chains with a free end first (start there), then the rings made of several lines.
	for i, l := range open {
		for e, p := range []orb.Point{l.pts[0], l.pts[len(l.pts)-1]} {
			if !used[i] && len(ends[p]) != 2 {
				chains = append(chains, walk(i, e))
			}
		}
	}
	for i := range open {
		if !used[i] {
			chains = append(chains, walk(i, 0))
		}
	}
	sort.SliceStable(chains, func(a, b int) bool { return chains[a].part < chains[b].part })
	for _, c := range chains {
		c.measure()
	}
	return chains
}

// dedupe copies ls without repeated consecutive vertices.
func dedupe(ls orb.LineString) []orb.Point {
	out := make([]orb.Point, 0, len(ls))
	for _, p := range ls {
		out = appendDistinct(out, p)
	}
	return out
}

func appendDistinct(pts []orb.Point, p orb.Point) []orb.Point {
	if len(pts) > 0 && pts[len(pts)-1] == p {
		return pts
	}
	return append(pts, p)
}

// measure fills in arc lengths, total length and signed area.
func (c *chain) measure() {
	c.s = make([]float64, len(c.pts))
	for i := 1; i < len(c.pts); i++ {
		c.s[i] = c.s[i-1] + dist(c.pts[i-1], c.pts[i])
	}
	c.length = c.s[len(c.s)-1]
	if c.closed {
		c.length += dist(c.pts[len(c.pts)-1], c.pts[0])
		c.area = signedArea(c.pts)
	}
}

// at returns the point at arc length s: wrapped round a closed chain, clamped to the ends
// of an open one.
func (c *chain) at(s float64) orb.Point {
	if c.closed {
		s = math.Mod(s, c.length)
		if s < 0 {
			s += c.length
		}
	} else {
		s = math.Max(0, math.Min(c.length, s))
	}
	i := sort.SearchFloat64s(c.s, s) // first vertex at or after s
	switch {
	case i == 0:
		return c.pts[0]
	case i == len(c.s): // on the closing segment
		a, b := c.pts[len(c.pts)-1], c.pts[0]
		return lerp(a, b, (s-c.s[i-1])/(c.length-c.s[i-1]))
	}
	return lerp(c.pts[i-1], c.pts[i], (s-c.s[i-1])/(c.s[i]-c.s[i-1]))
}

// smoothNormals sets c.normal to the left unit normals of the coast averaged over a window
// of the given length: the mean unit tangent over [s−h, s+h] is the chord
// (P(s+h) − P(s−h))/2h, so it is exact and needs no sum. Where the chord is shorter than
// half the window (a hairpin: a spit, a narrow inlet) the window is halved until it is not.
// orientSeaward flips them to point out to sea.
func (c *chain) smoothNormals(window float64) {
	n := len(c.pts)
	c.normal = make([]orb.Point, n)
	maxH := window / 2
	if c.closed {
		maxH = math.Min(maxH, c.length/4)
	}
	for i := range c.pts {
		var t orb.Point
		for h, tries := maxH, 0; tries < 10; h, tries = h/2, tries+1 {
			a, b := c.s[i]-h, c.s[i]+h
			if !c.closed {
				a, b = math.Max(a, 0), math.Min(b, c.length)
			}
			t = sub(c.at(b), c.at(a))
			if norm(t) >= 0.5*(b-a) {
				break
			}
		}
		if norm(t) < 1e-9*maxH { // the coast folds back on itself here: local tangent
			prev, next := i-1, i+1
			if c.closed {
				prev, next = (i+n-1)%n, (i+1)%n
			}
			prev, next = max(prev, 0), min(next, n-1)
			if t = sub(c.pts[next], c.pts[prev]); t == (orb.Point{}) {
				t = sub(c.pts[next], c.pts[i])
			}
			if t == (orb.Point{}) {
				t = sub(c.pts[i], c.pts[prev])
			}
		}
		l := norm(t)
		c.normal[i] = orb.Point{-t[1] / l, t[0] / l}
	}
}

// orientSeaward probes land on both sides of the chain every 250 m of coast (at least 16
// times) and turns the normals to the side more often found to be sea. A line that bounds
// land has land on the same side all along, so one vote per chain is both right and
// robust to places where the probes are ambiguous (a spit thinner than the probe
// distance, land data coarser than the coast).
func (c *chain) orientSeaward(land Land, probe float64) error {
	step := math.Min(250, c.length/16)
	var left, right int // votes for land on the left, on the right
	next := 0.0
	for i, p := range c.pts {
		if c.s[i] < next {
			continue
		}
		next = c.s[i] + step
		nl := c.normal[i]
		for d := probe; d <= 8*probe; d *= 2 {
			l := land.Contains(orb.Point{p[0] + d*nl[0], p[1] + d*nl[1]})
			r := land.Contains(orb.Point{p[0] - d*nl[0], p[1] - d*nl[1]})
			if l != r {
				if l {
					left++
				} else {
					right++
				}
				break
			}
		}
	}
	if left == right {
		p := c.pts[0]
		return fmt.Errorf("coast line %d from (%.1f, %.1f): cannot tell the seaward side (land on the left at %d probes, on the right at %d)", c.part, p[0], p[1], left, right)
	}
	if left > right {
		for i, nl := range c.normal {
			c.normal[i] = orb.Point{-nl[0], -nl[1]}
		}
	}
	return nil
}

// prepareIndex sets the cell size of the crossing index to twice the mean segment length.
func (c *chain) prepareIndex() {
	segs := len(c.pts) - 1
	if c.closed {
		segs++
	}
	c.cell = 2 * c.length / float64(max(segs, 1))
}

func dist(a, b orb.Point) float64  { return math.Hypot(b[0]-a[0], b[1]-a[1]) }
func sub(a, b orb.Point) orb.Point { return orb.Point{a[0] - b[0], a[1] - b[1]} }
func norm(v orb.Point) float64     { return math.Hypot(v[0], v[1]) }
func cross(a, b orb.Point) float64 {
	return a[0]*b[1] - a[1]*b[0]
}
func dot(a, b orb.Point) float64 { return a[0]*b[0] + a[1]*b[1] }
func lerp(a, b orb.Point, t float64) orb.Point {
	return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
}

// signedArea is the shoelace area of the ring through pts (positive counter-clockwise),
// computed about the first point to keep the products small.
func signedArea(pts []orb.Point) float64 {
	if len(pts) < 3 {
		return 0
	}
	o := pts[0]
	var a float64
	for i := 1; i+1 < len(pts); i++ {
		a += cross(sub(pts[i], o), sub(pts[i+1], o))
	}
	return a / 2
}
