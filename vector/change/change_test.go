package change

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDecimalYear(t *testing.T) {
	dili := time.FixedZone("Asia/Dili", 9*3600)
	tests := []struct {
		name string
		t    time.Time
		want float64
	}{
		// DSAS: year + (day-of-year + day fraction)/365.242199, 1 January = day 1.
		{"1 January midnight", date("2000-01-01T00:00:00Z"), 2000 + 1/DaysPerYear},
		{"1 January noon", date("2000-01-01T12:00:00Z"), 2000 + 1.5/DaysPerYear},
		{"last day of a leap year", date("2000-12-31T00:00:00Z"), 2000 + 366/DaysPerYear},
		{"1 March, common year (31+28+1 = day 60)", date("2001-03-01T06:00:00Z"), 2001 + 60.25/DaysPerYear},
		{"leap day (31+29 = day 60)", date("2024-02-29T18:00:00Z"), 2024 + 60.75/DaysPerYear},
		{"half a second", date("2010-07-01T00:00:00.5Z"), 2010 + (182+0.5/86400)/DaysPerYear},
		// 08:00 in Dili (UTC+9) is 23:00 UTC the day before, day 365 of 1999.
		{"zone converted to UTC", time.Date(2000, 1, 1, 8, 0, 0, 0, dili), 1999 + (365+23.0/24)/DaysPerYear},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecimalYear(tc.t); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("DecimalYear(%v) = %.15f, want %.15f", tc.t, got, tc.want)
			}
		})
	}
}

// TestDecimalYearCalendar checks the integer calendar arithmetic of DecimalYear against the
// time package, midday of every day from 1599 to 2401 (leap rules of 1600, 1700, 2000, 2100,
// 2400 included) and a few instants before 1970 and year 1.
func TestDecimalYearCalendar(t *testing.T) {
	viaTime := func(tt time.Time) float64 {
		tt = tt.UTC()
		h, m, s := tt.Clock()
		sec := float64(h*3600+m*60+s) + float64(tt.Nanosecond())/1e9
		return float64(tt.Year()) + (float64(tt.YearDay())+sec/86400)/DaysPerYear
	}
	check := func(tt time.Time) {
		t.Helper()
		if got, want := DecimalYear(tt), viaTime(tt); got != want {
			t.Fatalf("DecimalYear(%v) = %.15f, want %.15f", tt, got, want)
		}
	}
	for d := time.Date(1599, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() < 2402; d = d.AddDate(0, 0, 1) {
		check(d)
	}
	for _, s := range []string{
		"1969-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z", "1900-02-28T06:07:08Z",
		"0001-01-01T00:00:00Z", "1583-10-15T00:00:01Z", "9999-12-31T23:59:59Z",
	} {
		check(date(s))
	}
}

// want lists expected statistics; compare checks each to 1e-9 (relative above 1).
type want struct {
	SCE, NSM, EPR, EPRunc float64
	LRR, LR2, LSE, LCI    float64
	WLR, WR2, WSE, WCI    float64
}

func compare(t *testing.T, got Stats, w want) {
	t.Helper()
	fields := []struct {
		name      string
		got, want float64
	}{
		{"SCE", got.SCE, w.SCE}, {"NSM", got.NSM, w.NSM}, {"EPR", got.EPR, w.EPR},
		{"EPRunc", got.EPRunc, w.EPRunc}, {"LRR", got.LRR, w.LRR}, {"LR2", got.LR2, w.LR2},
		{"LSE", got.LSE, w.LSE}, {"LCI", got.LCI, w.LCI}, {"WLR", got.WLR, w.WLR},
		{"WR2", got.WR2, w.WR2}, {"WSE", got.WSE, w.WSE}, {"WCI", got.WCI, w.WCI},
	}
	for _, f := range fields {
		if !sameFloat(f.got, f.want, 1e-9*math.Max(1, math.Abs(f.want))) {
			t.Errorf("%s = %.15g, want %.15g", f.name, f.got, f.want)
		}
	}
}

var nan = math.NaN()

// allNaN is the expectation when nothing can be computed.
var allNaN = want{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan}

// regular is the hand-computed case. Dates are 1 January 00:00, so decimal years are
// 2000 + 1/365.242199 + 5k and differ by whole years; write t' = year − 2010.
//
//	t'  −10  −5   0   5  10      d  10  4  −1  −9  −14     u  5  10  10  10  5
//
// OLS: t̄' = 0, d̄ = −10/5 = −2, deviations of d: 12, 6, 1, −7, −12.
//
//	SS  = 100+25+0+25+100 = 250
//	SCP = −10·12 − 5·6 + 0·1 + 5·(−7) + 10·(−12) = −305
//	TSS = 144+36+1+49+144 = 374
//	LRR = −305/250 = −1.22
//	LR2 = LRR·SCP/TSS = 372.1/374 = 0.99491978609625668...
//	LSE = √((374 − 372.1)/3) = √(1.9/3) = 0.79582242575422146...
//	LCI = t(0.95, 3)·LSE/√250 = 2.3533634348018...·0.7958224257542/15.811388300842 = 0.11845002865849...
//
// WLS, w = 1/u² = (4, 1, 1, 1, 4)/100. The slope, R² and CI do not depend on the factor
// 1/100, so use w' = 4, 1, 1, 1, 4 (Σw' = 11):
//
//	t̄' = (−40 − 5 + 0 + 5 + 40)/11 = 0;  d̄ = (40 + 4 − 1 − 9 − 56)/11 = −2
//	SSw' = 400+25+0+25+400 = 850;  SCPw' = −480 − 30 + 0 − 35 − 480 = −1025
//	TSSw' = 576+36+1+49+576 = 1238
//	WLR = −1025/850 = −1.2058823529411765
//	WR2 = (1025²/850)/1238 = 1236.0294117647/1238 = 0.99840824859830...
//	WSE = √((1238 − 1236.0294117647)/100/3) = √(0.019705882352941/3) = 0.081047069354668...
//	WCI = t(0.95, 3)·WSE/√(850/100) = 2.3533634348018·0.0810470693547/2.9154759474227 = 0.065420951143753...
//
// End points: SCE = 10 − (−14) = 24, NSM = −14 − 10 = −24, EPR = −24/20 = −1.2,
// EPRunc = √(5² + 5²)/20 = 0.35355339059327376.
var regular = []Observation{
	{date("2000-01-01T00:00:00Z"), 10, 5},
	{date("2005-01-01T00:00:00Z"), 4, 10},
	{date("2010-01-01T00:00:00Z"), -1, 10},
	{date("2015-01-01T00:00:00Z"), -9, 10},
	{date("2020-01-01T00:00:00Z"), -14, 5},
}

// irregular has times of day, a leap day, a zone other than UTC and two shorelines on both
// the oldest and the youngest date (the second 1987 one is the same instant written in
// UTC+9). Expected values: testdata/dsas_reference.py, exact rational arithmetic.
var irregular = []Observation{
	{date("1987-03-14T10:30:00Z"), 25.3, 12},
	{date("1987-03-14T19:30:00+09:00"), 22.1, 8},
	{date("1994-11-02T02:15:30Z"), 18.7, 10},
	{date("2003-06-30T23:59:59Z"), 9.2, 6},
	{date("2016-02-29T12:00:00Z"), 1.4, 4},
	{date("2024-12-31T18:00:00Z"), -6.8, 3},
	{date("2024-12-31T18:00:00Z"), -4.0, 5},
}

func TestComputeReference(t *testing.T) {
	tests := []struct {
		name        string
		obs         []Observation
		confidence  float64
		first, last string
		want        want
	}{
		{"regular", regular, 0.90, "2000-01-01T00:00:00Z", "2020-01-01T00:00:00Z", want{
			SCE: 24, NSM: -24, EPR: -1.2, EPRunc: 0.3535533905932738,
			LRR: -1.22, LR2: 0.9949197860962566, LSE: 0.7958224257542215, LCI: 0.11845002865849234,
			WLR: -1.2058823529411764, WR2: 0.9984082485983085, WSE: 0.08104706935466817, WCI: 0.06542095114375274,
		}},
		// Oldest position (25.3 + 22.1)/2 = 23.7, youngest (−6.8 − 4.0)/2 = −5.4, NSM = −29.1;
		// EPRunc = √((12² + 8²)/2 + (3² + 5²)/2)/Δt.
		{"irregular", irregular, 0.95, "1987-03-14T10:30:00Z", "2024-12-31T18:00:00Z", want{
			SCE: 32.1, NSM: -29.1, EPR: -0.7697788930935757, EPRunc: 0.2909817121659565,
			LRR: -0.7730476732319747, LR2: 0.9866395517151658, LSE: 1.6400615214441132, LCI: 0.10341510187856887,
			WLR: -0.7674969993885522, WR2: 0.9842107838231365, WSE: 0.2739036625711985, WCI: 0.11175303955708493,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Compute(tc.obs, tc.confidence)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got.N != len(tc.obs) {
				t.Errorf("N = %d, want %d", got.N, len(tc.obs))
			}
			if !got.First.Equal(date(tc.first)) || !got.Last.Equal(date(tc.last)) {
				t.Errorf("First, Last = %v, %v, want %s, %s", got.First, got.Last, tc.first, tc.last)
			}
			compare(t, got, tc.want)

			// The order of the observations does not matter.
			rev := make([]Observation, len(tc.obs))
			for i, o := range tc.obs {
				rev[len(rev)-1-i] = o
			}
			again, err := Compute(rev, tc.confidence)
			if err != nil {
				t.Fatalf("Compute reversed: %v", err)
			}
			compare(t, again, tc.want)
		})
	}
}

func TestComputeSpecialCases(t *testing.T) {
	t95_1 := 6.313751514675038 // t(0.95, 1), testdata/tquantile.py
	tests := []struct {
		name       string
		obs        []Observation
		confidence float64
		want       want
	}{
		{"one observation", []Observation{{date("2001-05-01T00:00:00Z"), 3, 10}}, 0.9, allNaN},
		{"one date, three shorelines", []Observation{
			{date("2001-05-01T00:00:00Z"), 3, 10},
			{date("2001-05-01T00:00:00Z"), 7, 10},
			{date("2001-05-01T00:00:00Z"), 5, 10},
		}, 0.9, allNaN},
		// n = 2: SCE = 15, NSM = −15, EPR = −15/10, EPRunc = √(3² + 4²)/10 = 0.5;
		// the regressions need n ≥ 3.
		{"two observations", []Observation{
			{date("2000-01-01T00:00:00Z"), 0, 3},
			{date("2010-01-01T00:00:00Z"), -15, 4},
		}, 0.9, want{15, -15, -1.5, 0.5, nan, nan, nan, nan, nan, nan, nan, nan}},
		// Two shorelines on the oldest date: its position is (10 + 14)/2 = 12 and its
		// uncertainty √((3² + 4²)/2). NSM = 2 − 12 = −10, EPR = −10/10,
		// EPRunc = √(12.5 + 25)/10. Regression on all three, t' = 0, 0, 10, d = 10, 14, 2:
		// t̄' = 10/3, d̄ = 26/3, SS = 600/9, SCP = −600/9, TSS = 672/9, so LRR = −1,
		// LR2 = 600/672, RSS = 672/9 − 600/9 = 8, LSE = √(8/1), LCI = t(0.95, 1)·√8/√(600/9).
		// With w = 1/9, 1/16, 1/25 (w' = 400, 225, 144 after ×3600, Σ = 769):
		// t̄' = 1440/769, d̄ = (4000 + 3150 + 288)/769 = 7438/769.
		{"duplicate oldest date", []Observation{
			{date("2000-01-01T00:00:00Z"), 10, 3},
			{date("2000-01-01T00:00:00Z"), 14, 4},
			{date("2010-01-01T00:00:00Z"), 2, 5},
		}, 0.9, func() want {
			w := []float64{400, 225, 144}
			tt := []float64{0, 0, 10}
			d := []float64{10, 14, 2}
			tb, db := 1440.0/769, 7438.0/769
			var ss, scp, tss float64
			for i := range w {
				ss += w[i] * (tt[i] - tb) * (tt[i] - tb)
				scp += w[i] * (tt[i] - tb) * (d[i] - db)
				tss += w[i] * (d[i] - db) * (d[i] - db)
			}
			wlr := scp / ss
			wse := math.Sqrt((tss - wlr*scp) / 3600)
			return want{
				SCE: 12, NSM: -10, EPR: -1, EPRunc: math.Sqrt(37.5) / 10,
				LRR: -1, LR2: 600.0 / 672, LSE: math.Sqrt(8), LCI: t95_1 * math.Sqrt(8) / math.Sqrt(600.0/9),
				WLR: wlr, WR2: wlr * scp / tss, WSE: wse, WCI: t95_1 * wse / math.Sqrt(ss/3600),
			}
		}()},
		// Exact line d = 3 − 0.75·(t − t₀): R² = 1, no scatter, so SE = CI = 0.
		{"exact line", []Observation{
			{date("2000-01-01T00:00:00Z"), 3, 2},
			{date("2004-01-01T00:00:00Z"), 0, 9},
			{date("2008-01-01T00:00:00Z"), -3, 4},
			{date("2016-01-01T00:00:00Z"), -9, 1},
			{date("2020-01-01T00:00:00Z"), -12, 30},
		}, 0.9, want{15, -15, -0.75, math.Sqrt(4+900) / 20, -0.75, 1, 0, 0, -0.75, 1, 0, 0}},
		// No movement at all: rates and scatter are 0, R² is undefined (TSS = 0). Both end
		// dates are 1 January, 11 years apart: EPRunc = √(10² + 5²)/11.
		{"constant position", []Observation{
			{date("2000-01-01T00:00:00Z"), 0.1, 10},
			{date("2004-06-01T00:00:00Z"), 0.1, 10},
			{date("2011-01-01T00:00:00Z"), 0.1, 5},
		}, 0.9, want{0, 0, 0, math.Sqrt(10*10+5*5) / 11, 0, nan, 0, 0, 0, nan, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Compute(tc.obs, tc.confidence)
			if err != nil {
				t.Fatalf("Compute: %v", err)
			}
			if got.N != len(tc.obs) {
				t.Errorf("N = %d, want %d", got.N, len(tc.obs))
			}
			compare(t, got, tc.want)
		})
	}
}

// TestComputeEqualWeights checks that with one uncertainty u for all shorelines the
// weighted regression is the ordinary one: WLR = LRR, WR2 = LR2, WCI = LCI, and
// WSE = LSE/u because the weights 1/u² scale the weighted residuals.
func TestComputeEqualWeights(t *testing.T) {
	for _, u := range []float64{0.5, 7, 40} {
		obs := make([]Observation, len(irregular))
		copy(obs, irregular)
		for i := range obs {
			obs[i].Uncertainty = u
		}
		s, err := Compute(obs, 0.95)
		if err != nil {
			t.Fatalf("Compute: %v", err)
		}
		// The ordinary regression does not use u at all.
		compare(t, s, want{
			SCE: 32.1, NSM: -29.1, EPR: -0.7697788930935757, EPRunc: math.Sqrt(2*u*u) / (-29.1 / -0.7697788930935757),
			LRR: -0.7730476732319747, LR2: 0.9866395517151658, LSE: 1.6400615214441132, LCI: 0.10341510187856887,
			WLR: -0.7730476732319747, WR2: 0.9866395517151658, WSE: 1.6400615214441132 / u, WCI: 0.10341510187856887,
		})
	}
}

// TestComputeMany runs past the stack buffer: 100 yearly shorelines on an exact line.
func TestComputeMany(t *testing.T) {
	var obs []Observation
	for k := range 100 {
		obs = append(obs, Observation{time.Date(1925+k, 1, 1, 0, 0, 0, 0, time.UTC), 40 - 0.3*float64(k), 8})
	}
	s, err := Compute(obs, 0.9)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	compare(t, s, want{29.7, -29.7, -0.3, math.Sqrt(128) / 99, -0.3, 1, 0, 0, -0.3, 1, 0, 0})
}

func TestComputeErrors(t *testing.T) {
	ok := Observation{date("2000-01-01T00:00:00Z"), 1, 10}
	later := Observation{date("2010-01-01T00:00:00Z"), 2, 10}
	with := func(f func(*Observation)) []Observation {
		o := later
		f(&o)
		return []Observation{ok, o}
	}
	tests := []struct {
		name       string
		obs        []Observation
		confidence float64
		msg        string
	}{
		{"nil", nil, 0.9, "no observations"},
		{"empty", []Observation{}, 0.9, "no observations"},
		{"confidence 0", []Observation{ok, later}, 0, "confidence 0"},
		{"confidence 1", []Observation{ok, later}, 1, "confidence 1"},
		{"confidence 90", []Observation{ok, later}, 90, "confidence 90"},
		{"confidence negative", []Observation{ok, later}, -0.9, "confidence -0.9"},
		{"confidence NaN", []Observation{ok, later}, math.NaN(), "confidence NaN"},
		{"distance NaN", with(func(o *Observation) { o.Distance = math.NaN() }), 0.9, "observation 1 (2010-01-01): distance NaN"},
		{"distance Inf", with(func(o *Observation) { o.Distance = math.Inf(-1) }), 0.9, "distance -Inf"},
		{"uncertainty 0", with(func(o *Observation) { o.Uncertainty = 0 }), 0.9, "uncertainty 0 m"},
		{"uncertainty negative", with(func(o *Observation) { o.Uncertainty = -3 }), 0.9, "uncertainty -3 m"},
		{"uncertainty NaN", with(func(o *Observation) { o.Uncertainty = math.NaN() }), 0.9, "uncertainty NaN"},
		{"uncertainty Inf", with(func(o *Observation) { o.Uncertainty = math.Inf(1) }), 0.9, "uncertainty +Inf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compute(tc.obs, tc.confidence)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Compute error = %v, want one wrapping ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Compute error %q does not mention %q", err, tc.msg)
			}
		})
	}
}
