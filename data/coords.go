package data

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
)

// GeoJSON coordinates decode through these types rather than through encoding/json's
// reflection into orb's nested slices, which took 0.27 s for the bundled data: most of
// `tasi analyze`'s start-up. They parse the nested number arrays directly.

// multiPolygon is an orb.MultiPolygon read from GeoJSON coordinates.
type multiPolygon orb.MultiPolygon

// lineString is an orb.LineString read from GeoJSON coordinates.
type lineString orb.LineString

// point is an orb.Point read from GeoJSON coordinates.
type point orb.Point

func (m *multiPolygon) UnmarshalJSON(b []byte) error {
	s := coordScanner{b: b}
	var out orb.MultiPolygon
	err := s.array(func() error {
		var poly orb.Polygon
		err := s.array(func() error {
			var ring orb.Ring
			err := s.array(func() error {
				p, err := s.point()
				ring = append(ring, p)
				return err
			})
			poly = append(poly, ring)
			return err
		})
		out = append(out, poly)
		return err
	})
	*m = multiPolygon(out)
	return s.end(err)
}

func (l *lineString) UnmarshalJSON(b []byte) error {
	s := coordScanner{b: b}
	var out orb.LineString
	err := s.array(func() error {
		p, err := s.point()
		out = append(out, p)
		return err
	})
	*l = lineString(out)
	return s.end(err)
}

func (p *point) UnmarshalJSON(b []byte) error {
	s := coordScanner{b: b}
	v, err := s.point()
	*p = point(v)
	return s.end(err)
}

// coordScanner reads nested arrays of numbers from a JSON value that encoding/json has
// already checked to be well-formed.
type coordScanner struct {
	b []byte
	i int
}

func (s *coordScanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\r' || s.b[s.i] == '\t') {
		s.i++
	}
}

// array reads '[' elem (',' elem)* ']', or an empty array.
func (s *coordScanner) array(elem func() error) error {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '[' {
		return s.errorf("want an array")
	}
	s.i++
	s.space()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		s.space()
		if s.i >= len(s.b) {
			return s.errorf("unterminated array")
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("want , or ]")
		}
	}
}

// point reads a position: at least two numbers, of which it keeps x and y.
func (s *coordScanner) point() (orb.Point, error) {
	var p orb.Point
	n := 0
	err := s.array(func() error {
		v, err := s.number()
		if n < 2 {
			p[n] = v
		}
		n++
		return err
	})
	if err == nil && n < 2 {
		err = s.errorf("a position needs two numbers")
	}
	return p, err
}

func (s *coordScanner) number() (float64, error) {
	s.space()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return 0, s.errorf("want a number")
	}
	return v, nil
}

// end reports err, or an error when anything but space follows the value.
func (s *coordScanner) end(err error) error {
	if err != nil {
		return err
	}
	s.space()
	if s.i != len(s.b) {
		return s.errorf("unexpected data after the coordinates")
	}
	return nil
}

func (s *coordScanner) errorf(what string) error {
	return fmt.Errorf("coordinates: %s at byte %d", what, s.i)
}
