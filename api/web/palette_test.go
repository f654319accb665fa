package web

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// The rate classes of static/ramp.js stay apart where a planner reads them: from the sea,
// and erosion from accretion, in normal vision, under full-severity protanopia,
// deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009, applied to linear
// RGB) and in greyscale (relative luminance), by CIEDE2000. The figures are in README.md;
// run with -v to print them.
func TestPaletteApart(t *testing.T) {
	b, err := fs.ReadFile(files, "static/ramp.js")
	if err != nil {
		t.Fatal(err)
	}
	classes := hexList(t, string(b), `RATE_COLORS = \[([^\]]+)\]`)
	sea := hexList(t, string(b), `SEA = ('[^']+')`)[0]
	noData := hexList(t, string(b), `NO_DATA = ('[^']+')`)[0]
	if len(classes) != 7 {
		t.Fatalf("%d rate classes, want 7", len(classes))
	}
	erosion, stable, accretion := classes[:3], classes[3], classes[4:]
	const minApart = 10.0 // ΔE00: clearly different at a glance on a map
	for _, v := range visions {
		s := func(c [3]float64) [3]float64 { return lab(v.sim(c)) }
		// Every class against the sea.
		worstSea := math.Inf(1)
		for _, c := range classes {
			worstSea = math.Min(worstSea, ciede2000(s(c), s(sea)))
		}
		// Erosion against accretion: every pair in colour; in greyscale, classes of the same
		// size (−1 against +1), the darker one always the erosion.
		worstEA := math.Inf(1)
		for i, e := range erosion {
			for j, a := range accretion {
				if v.name == "greyscale" && i != len(accretion)-1-j {
					continue
				}
				worstEA = math.Min(worstEA, ciede2000(s(e), s(a)))
			}
		}
		// Neighbouring classes, and no data against every class, in colour.
		worstNext, worstNoData := math.Inf(1), math.Inf(1)
		for i := range classes[1:] {
			worstNext = math.Min(worstNext, ciede2000(s(classes[i]), s(classes[i+1])))
		}
		for _, c := range classes {
			worstNoData = math.Min(worstNoData, ciede2000(s(c), s(noData)))
		}
		t.Logf("%-12s sea %5.1f  erosion/accretion %5.1f  neighbours %5.1f  no data %5.1f  stable/sea %5.1f",
			v.name, worstSea, worstEA, worstNext, worstNoData, ciede2000(s(stable), s(sea)))
		if worstSea < minApart {
			t.Errorf("%s: a rate class is ΔE00 %.1f from the sea, want ≥ %g", v.name, worstSea, minApart)
		}
		if worstEA < minApart {
			t.Errorf("%s: erosion and accretion classes ΔE00 %.1f apart, want ≥ %g", v.name, worstEA, minApart)
		}
		if v.name != "greyscale" && worstNext < 5 {
			t.Errorf("%s: neighbouring classes ΔE00 %.1f apart, want ≥ 5", v.name, worstNext)
		}
		if v.name != "greyscale" && worstNoData < 8 {
			t.Errorf("%s: no data ΔE00 %.1f from a class, want ≥ 8", v.name, worstNoData)
		}
	}
}

func hexList(t *testing.T, src, pattern string) [][3]float64 {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(src)
	if m == nil {
		t.Fatalf("ramp.js: no match for %s", pattern)
	}
	var out [][3]float64
	for _, h := range regexp.MustCompile(`'#([0-9a-fA-F]{6})'`).FindAllStringSubmatch(m[1], -1) {
		var c [3]float64
		for k := 0; k < 3; k++ {
			n, _ := strconv.ParseUint(h[1][2*k:2*k+2], 16, 8)
			c[k] = linear(float64(n) / 255)
		}
		out = append(out, c)
	}
	return out
}

func linear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

type vision struct {
	name string
	sim  func([3]float64) [3]float64 // linear RGB to linear RGB
}

func matrix(m [3][3]float64) func([3]float64) [3]float64 {
	return func(c [3]float64) [3]float64 {
		var o [3]float64
		for i := range o {
			o[i] = math.Min(1, math.Max(0, m[i][0]*c[0]+m[i][1]*c[1]+m[i][2]*c[2]))
		}
		return o
	}
}

// visions: Machado et al.'s severity 1.0 matrices, and greyscale by relative luminance.
var visions = []vision{
	{"normal", func(c [3]float64) [3]float64 { return c }},
	{"protanopia", matrix([3][3]float64{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}})},
	{"deuteranopia", matrix([3][3]float64{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}})},
	{"tritanopia", matrix([3][3]float64{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}})},
	{"greyscale", func(c [3]float64) [3]float64 {
		y := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
		return [3]float64{y, y, y}
	}},
}

// lab converts linear sRGB to CIELAB (D65).
func lab(c [3]float64) [3]float64 {
	x := (0.4124564*c[0] + 0.3575761*c[1] + 0.1804375*c[2]) / 0.95047
	y := 0.2126729*c[0] + 0.7151522*c[1] + 0.0721750*c[2]
	z := (0.0193339*c[0] + 0.1191920*c[1] + 0.9503041*c[2]) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return (24389.0/27*t + 16) / 116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

// ciede2000 is the CIEDE2000 colour difference (Sharma, Wu and Dalal 2005).
func ciede2000(p, q [3]float64) float64 {
	rad := math.Pi / 180
	c1, c2 := math.Hypot(p[1], p[2]), math.Hypot(q[1], q[2])
	cb := (c1 + c2) / 2
	g := 0.5 * (1 - math.Sqrt(math.Pow(cb, 7)/(math.Pow(cb, 7)+math.Pow(25, 7))))
	a1, a2 := (1+g)*p[1], (1+g)*q[1]
	c1p, c2p := math.Hypot(a1, p[2]), math.Hypot(a2, q[2])
	hue := func(b, a float64) float64 {
		if a == 0 && b == 0 {
			return 0
		}
		h := math.Atan2(b, a) / rad
		if h < 0 {
			h += 360
		}
		return h
	}
	h1, h2 := hue(p[2], a1), hue(q[2], a2)
	dL, dC := q[0]-p[0], c2p-c1p
	var dh float64
	if c1p*c2p != 0 {
		dh = h2 - h1
		if dh > 180 {
			dh -= 360
		} else if dh < -180 {
			dh += 360
		}
	}
	dH := 2 * math.Sqrt(c1p*c2p) * math.Sin(dh*rad/2)
	lb, cbp := (p[0]+q[0])/2, (c1p+c2p)/2
	hb := h1 + h2
	if c1p*c2p != 0 {
		switch {
		case math.Abs(h1-h2) <= 180:
			hb = (h1 + h2) / 2
		case h1+h2 < 360:
			hb = (h1 + h2 + 360) / 2
		default:
			hb = (h1 + h2 - 360) / 2
		}
	}
	tt := 1 - 0.17*math.Cos((hb-30)*rad) + 0.24*math.Cos(2*hb*rad) + 0.32*math.Cos((3*hb+6)*rad) - 0.20*math.Cos((4*hb-63)*rad)
	dTheta := 30 * math.Exp(-math.Pow((hb-275)/25, 2))
	rc := 2 * math.Sqrt(math.Pow(cbp, 7)/(math.Pow(cbp, 7)+math.Pow(25, 7)))
	sl := 1 + 0.015*(lb-50)*(lb-50)/math.Sqrt(20+(lb-50)*(lb-50))
	sc := 1 + 0.045*cbp
	sh := 1 + 0.015*cbp*tt
	rt := -math.Sin(2*dTheta*rad) * rc
	return math.Sqrt(math.Pow(dL/sl, 2) + math.Pow(dC/sc, 2) + math.Pow(dH/sh, 2) + rt*(dC/sc)*(dH/sh))
}

// The CIEDE2000 implementation against Sharma et al.'s test data.
func TestCIEDE2000(t *testing.T) {
	tests := []struct {
		p, q [3]float64
		want float64
	}{
		{[3]float64{50, 2.6772, -79.7751}, [3]float64{50, 0, -82.7485}, 2.0425},
		{[3]float64{50, -1.3802, -84.2814}, [3]float64{50, 0, -82.7485}, 1.0000},
		{[3]float64{50, 2.5, 0}, [3]float64{73, 25, -18}, 27.1492},
		{[3]float64{22.7233, 20.0904, -46.6940}, [3]float64{23.0331, 14.9730, -42.5619}, 2.0373},
		{[3]float64{90.9257, -0.5406, -0.9208}, [3]float64{88.6381, -0.8985, -0.7239}, 1.5381},
	}
	for _, tc := range tests {
		if got := ciede2000(tc.p, tc.q); math.Abs(got-tc.want) > 1e-4 {
			t.Errorf("ΔE00(%v, %v) = %.4f, want %.4f", tc.p, tc.q, got, tc.want)
		}
	}
}
