package demo

import (
	"testing"
)

func TestTimorLeste(t *testing.T) {
	c := DefaultConfig()
	c.Start = 2000 // a shorter series keeps the test quick; the recipe is the same
	a, err := TimorLeste(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := TimorLeste(c)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.Shorelines); n < 20 || n > 30 {
		t.Errorf("%d shorelines for 2000–2024 at one a year", n)
	}
	in := a.Input()
	bound := a.Reference.Bound().Pad(0.01)
	for i, s := range in.Shorelines {
		if !bound.Contains(s.Geometry.Bound().Min) || !bound.Contains(s.Geometry.Bound().Max) {
			t.Fatalf("shoreline %d (%s) lies outside Timor-Leste: %v", i, s.Source, s.Geometry.Bound())
		}
		if !s.Date.Equal(b.Shorelines[i].Date) || s.Uncertainty != b.Shorelines[i].Uncertainty ||
			len(a.Shorelines[i].Geometry) != len(b.Shorelines[i].Geometry) {
			t.Fatalf("shoreline %d differs between two runs with the same seed", i)
		}
		if s.Uncertainty < 6 || s.Uncertainty > 15 {
			t.Errorf("shoreline %d: uncertainty %v m outside 6–15 m", i, s.Uncertainty)
		}
	}
	// The rate field is the truth the demo reports recovery against: within ±3 m/yr and
	// not flat along the coast.
	lo, hi := 0.0, 0.0
	for _, l := range a.Shorelines[0].Geometry {
		for _, p := range l {
			r := a.Truth(p)
			lo, hi = min(lo, r), max(hi, r)
		}
	}
	if lo > -0.5 || hi < 0.5 || lo < -3 || hi > 3 {
		t.Errorf("true rates span %.2f to %.2f m/yr", lo, hi)
	}
}

func TestTimorLesteBadConfig(t *testing.T) {
	for _, c := range []Config{
		{Seed: 1, Start: 2020, End: 2020, PerYear: 1},
		{Seed: 1, Start: 2000, End: 2020, PerYear: 0},
	} {
		if _, err := TimorLeste(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}
