package plan_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
	"github.com/tasi-gis/tasi/vector/utm"
)

// TestAssessStraightCoast places communities at known distances behind a straight coast
// retreating 2 m/yr without noise: a community D metres inland is reached when the
// shoreline has retreated D metres, and is at risk by a horizon when D is within the
// retreat plus the 50 m setback.
func TestAssessStraightCoast(t *testing.T) {
	res := straightRun(t, -2)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	zones := plan.Zones(res, f, nil)
	zone := utm.Zone{Number: 51, South: true}
	today := 9050000 - 2*4.0 // the 2004 shoreline
	var cs []plan.Community
	for _, d := range []float64{10, 60, 80, 100, 150, 400} {
		cs = append(cs, plan.Community{Name: "D", Point: zone.Inverse(orb.Point{701510, today - d}), UnitCode: "TL999901",
			RegionCode: "TL99", Population: math.NaN(), Households: math.NaN()})
	}
	rows := plan.Assess(res, f, zones, cs, nil)
	ref := change.DecimalYear(time.Date(2004, 1, 1, 0, 0, 0, 0, time.UTC))
	for i, d := range []float64{10, 60, 80, 100, 150, 400} {
		r := rows[i]
		if math.Abs(r.DistanceToShore-d) > 0.01 || math.Abs(r.Rate+2) > 1e-6 || r.Method != "LRR" || len(r.Transects) != 3 {
			t.Errorf("D=%v: distance %v, rate %v (%s, %v)", d, r.DistanceToShore, r.Rate, r.Method, r.Transects)
		}
		if want := ref + d/2; math.Abs(r.YearReached-want) > 1e-6 || math.Abs(r.YearReachedBand-want) > 2e-3 {
			t.Errorf("D=%v: reached %v (band %v), want %v", d, r.YearReached, r.YearReachedBand, want)
		}
		for h, hz := range f.Horizons {
			retreat := 2 * float64(hz.Years)
			e := r.Exposure[h]
			inRisk := d <= retreat+plan.DefaultSetback
			if e.InZone != inRisk || e.InBand != inRisk {
				t.Errorf("D=%v at %d years: in zone %v, in band %v, want %v", d, hz.Years, e.InZone, e.InBand, inRisk)
			}
			if want := map[bool]float64{true: 1, false: 0}[d <= retreat]; e.Probability != want {
				t.Errorf("D=%v at %d years: probability %v, want %v", d, hz.Years, e.Probability, want)
			}
		}
	}
	if got := []plan.Severity{rows[0].Severity, rows[1].Severity, rows[2].Severity, rows[3].Severity, rows[4].Severity, rows[5].Severity}; got[0] != plan.High ||
		got[1] != plan.Low || got[2] != plan.Low || got[3] != plan.Low || got[4] != plan.None || got[5] != plan.None {
		t.Errorf("severities %v", got)
	}
	// The 20-year list: D = 10, 60, 80, by the year the shoreline reaches them.
	h, list, err := plan.Select(rows, f, []string{"TL99"}, plan.ListOptions{Horizon: 20})
	if err != nil || h != 1 || len(list) != 3 || list[0].DistanceToShore > list[1].DistanceToShore {
		t.Errorf("20-year list: %d rows, horizon %d, %v", len(list), h, err)
	}
	for _, bad := range []plan.ListOptions{{Horizon: 25}, {Horizon: 20, Municipality: "TL01"}, {Horizon: 20, MinProbability: 2}} {
		if _, _, err := plan.Select(rows, f, []string{"TL99"}, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestAtRiskRecovery places communities behind the whole demo coast, whose true rate
// field is known, and compares the 20-year list with the truth: the communities the true
// shoreline reaches are listed (recall ≥ 0.95), and those well beyond the true shoreline
// and its setback are not (≥ 0.95 of them left out).
func TestAtRiskRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("the demo run takes seconds")
	}
	series, err := demo.TimorLeste(demo.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	res := demoRun(t)
	f, err := plan.NewForecast(res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	zones := plan.Zones(res, f, nil)
	h := 1 // 20 years
	start := change.DecimalYear(time.Date(demo.DefaultConfig().Start, 1, 1, 0, 0, 0, 0, time.UTC))
	tH := change.DecimalYear(f.Horizons[h].Date)
	rng := rand.New(rand.NewPCG(3, 4))
	var cs []plan.Community
	var truthReached, farOut []bool
	for range 6000 {
		i := rng.IntN(len(res.Transects))
		tr := res.Transects[i]
		if f.Trends[i].Method == "" {
			continue
		}
		rate := series.Truth(tr.BaselinePoint())
		d := rng.Float64() * 200 // metres behind today's true shoreline
		sToday := rate * (change.DecimalYear(f.RefDate) - start)
		s := sToday - d
		if s < -tr.Base+10 { // behind the transect's landward end: outside what the run measured
			continue
		}
		line := rate * (tH - start) // the true shoreline at the horizon
		cs = append(cs, plan.Community{Name: "c", Point: res.Zone.Inverse(tr.At(s)), Population: math.NaN(), Households: math.NaN()})
		truthReached = append(truthReached, s >= line)
		farOut = append(farOut, s < line-plan.DefaultSetback-60)
	}
	rows := plan.Assess(res, f, zones, cs, nil)
	var tp, pos, farListed, far int
	for i, r := range rows {
		listed := r.Exposure[h].InBand
		if truthReached[i] {
			pos++
			if listed {
				tp++
			}
		}
		if farOut[i] {
			far++
			if listed {
				farListed++
			}
		}
	}
	recall, leftOut := float64(tp)/float64(pos), 1-float64(farListed)/float64(far)
	t.Logf("%d communities: %d truly reached by %d, recall %.3f; %d well beyond, %.3f left out", len(rows), pos, f.Horizons[h].Year(), recall, far, leftOut)
	if pos < 200 || far < 200 || recall < 0.95 || leftOut < 0.95 {
		t.Errorf("recall %.3f of %d, %.3f of %d well beyond left out; want both ≥ 0.95", recall, pos, leftOut, far)
	}
}
