package change

import (
	"math"
	"testing"
)

func TestStudentTQuantile(t *testing.T) {
	// Reference values from testdata/tquantile.py: the closed-form CDF for integer df
	// (Abramowitz & Stegun 26.7.3-4) in 60-digit decimal arithmetic, inverted by bisection.
	// They agree with the published tables quoted in the brief, e.g. t(0.95, 1) =
	// 6.313751514675, t(0.95, 3) = 2.353363435, t(0.975, 10) = 2.228138852.
	tests := []struct {
		p    float64
		df   int
		want float64
	}{
		{0.95, 1, 6.313751514675038},
		{0.95, 2, 2.9199855803537242},
		{0.95, 3, 2.353363434801823},
		{0.95, 4, 2.1318467863266495},
		{0.95, 10, 1.8124611228116758},
		{0.975, 10, 2.2281388519862744},
		{0.95, 30, 1.6972608865939574},
		{0.75, 3, 0.7648923284043453},
		{0.6, 25, 0.2560596848271514},
		{0.995, 5, 4.032142983555227},
		{0.9995, 7, 5.407882520861828},
		{0.99, 100, 2.3642173662384818},
		{0.999999, 3, 103.29946777942897},
		{0.999999999, 6, 56.80143090854117},
		{0.55, 9, 0.1292529321518311},
		{0.95, 33, 1.692360309030344},
		{0.975, 250, 1.9694983934211532},
		{0.975, 2000, 1.9611508260994377},
		{0.9999, 1501, 3.728223538938208},
	}
	for _, tc := range tests {
		got := StudentTQuantile(tc.p, tc.df)
		if !closeRel(got, tc.want, 1e-11) {
			t.Errorf("StudentTQuantile(%v, %d) = %.17g, want %.17g (rel err %.2g)",
				tc.p, tc.df, got, tc.want, math.Abs(got-tc.want)/tc.want)
		}
		// Symmetry: the lower quantile is the negated upper one.
		if low := StudentTQuantile(1-tc.p, tc.df); !closeRel(-low, tc.want, 1e-9) {
			t.Errorf("StudentTQuantile(%v, %d) = %.17g, want %.17g", 1-tc.p, tc.df, low, -tc.want)
		}
	}
}

func TestStudentTQuantileEdges(t *testing.T) {
	tests := []struct {
		name string
		p    float64
		df   int
		want float64
	}{
		{"median", 0.5, 7, 0},
		{"p=0", 0, 3, math.Inf(-1)},
		{"p=1", 1, 3, math.Inf(1)},
		{"p<0", -0.1, 3, math.NaN()},
		{"p>1", 1.1, 3, math.NaN()},
		{"p NaN", math.NaN(), 3, math.NaN()},
		{"df=0", 0.95, 0, math.NaN()},
		{"df<0", 0.95, -2, math.NaN()},
		// Huge df: z + (z³+z)/(4ν) with z = z(0.975) = 1.959963984540054 (A&S 26.7.5).
		{"df=2e5", 0.975, 200_000, 1.959963984540054 + (1.959963984540054*1.959963984540054*1.959963984540054+1.959963984540054)/8e5},
		{"df=1e9", 0.975, 1_000_000_000, 1.959963984540054 + (1.959963984540054*1.959963984540054*1.959963984540054+1.959963984540054)/4e9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := StudentTQuantile(tc.p, tc.df)
			if !sameFloat(got, tc.want, 1e-9) {
				t.Errorf("StudentTQuantile(%v, %d) = %v, want %v", tc.p, tc.df, got, tc.want)
			}
		})
	}
}

// TestStudentTQuantileRoundTrip inverts the quantile with the CDF for many df and p,
// including far tails, and checks P(T > t) against 1 − p.
func TestStudentTQuantileRoundTrip(t *testing.T) {
	for _, df := range []int{1, 2, 3, 4, 5, 8, 13, 33, 100, 1000, 100000, 199999} {
		for _, q := range []float64{0.4999, 0.45, 0.3, 0.1, 0.05, 0.025, 0.005, 1e-4, 1e-7, 1e-12} {
			x := StudentTQuantile(1-q, df)
			nu := float64(df)
			tail := tTail(x, nu, lnBetaHalf(nu/2))
			if !closeRel(tail, q, 1e-9) {
				t.Errorf("df %d: P(T > %.17g) = %.17g, want %.17g", df, x, tail, q)
			}
		}
	}
}

func closeRel(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// sameFloat reports whether got and want are both NaN, equal infinities, or within tol.
func sameFloat(got, want, tol float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= tol
}
