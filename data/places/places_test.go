package places_test

import (
	"sync"
	"testing"

	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
)

// bundled is the bundled data and its places, built once for the package's tests.
var bundled = sync.OnceValues(func() (*bundle, error) {
	ref, err := data.TimorLeste()
	if err != nil {
		return nil, err
	}
	ps, err := places.FromReference(ref)
	if err != nil {
		return nil, err
	}
	return &bundle{ref: ref, places: ps, index: places.NewIndex(ps)}, nil
})

type bundle struct {
	ref    *data.Reference
	places []places.Place
	index  *places.Index
}

func load(t testing.TB) *bundle {
	t.Helper()
	b, err := bundled()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFromReference(t *testing.T) {
	b := load(t)
	count := map[places.Level]int{}
	pop := map[places.Level]int{}
	for _, p := range b.places {
		count[p.Level]++
		if p.Population > 0 {
			pop[p.Level] += p.Population
		}
	}
	// data's own test holds these counts and the Census total.
	want := map[places.Level]int{places.Municipality: 13, places.Posto: 65, places.Suco: 442, places.Locality: 2871}
	for level, n := range want {
		if count[level] != n {
			t.Errorf("%s: %d places, want %d", level, count[level], n)
		}
	}
	for _, level := range []places.Level{places.Municipality, places.Posto, places.Suco} {
		if pop[level] != 1183643 {
			t.Errorf("%s: population %d, want the Census total 1,183,643", level, pop[level])
		}
	}
	// Every unit's label point lies inside the unit at full detail: a suco's in the suco,
	// a posto's or municipality's in one of its sucos.
	units := map[string][]int{}
	for i, u := range b.ref.Units {
		units[u.Code] = append(units[u.Code], i)
		units[u.ParentCode] = append(units[u.ParentCode], i)
		units[u.RegionCode] = append(units[u.RegionCode], i)
	}
	for _, p := range b.places {
		if p.Level == places.Locality {
			if !p.Bound.Contains(p.Point) {
				t.Errorf("locality %s: bound %v does not hold %v", p.Name, p.Bound, p.Point)
			}
			continue
		}
		inside := false
		for _, i := range units[p.Code] {
			inside = inside || planar.MultiPolygonContains(b.ref.Units[i].Geometry, p.Point)
		}
		if !inside {
			t.Errorf("%s %s %s: label point %v is outside it", p.Level, p.Code, p.Name, p.Point)
		}
		if !p.Bound.Contains(p.Point) {
			t.Errorf("%s %s: bound %v does not hold %v", p.Level, p.Code, p.Bound, p.Point)
		}
	}
}

func TestParents(t *testing.T) {
	b := load(t)
	find := func(level places.Level, name string) *places.Place {
		for i, p := range b.places {
			if p.Level == level && p.Name == name {
				return &b.places[i]
			}
		}
		t.Fatalf("no %s %s", level, name)
		return nil
	}
	tests := []struct {
		level   places.Level
		name    string
		parents []string
	}{
		{places.Municipality, "Dili", nil},
		{places.Posto, "Dom Aleixo", []string{"Dili"}},
		{places.Suco, "Comoro", []string{"Dom Aleixo", "Dili"}},
		{places.Suco, "Costa", []string{"Pante Macassar", "Oecussi"}},
	}
	for _, tt := range tests {
		p := find(tt.level, tt.name)
		var got []string
		for _, q := range p.Parents {
			got = append(got, q.Name)
		}
		if len(got) != len(tt.parents) || (len(got) > 0 && (got[0] != tt.parents[0] || got[len(got)-1] != tt.parents[len(got)-1])) {
			t.Errorf("%s %s: parents %v, want %v", tt.level, tt.name, got, tt.parents)
		}
	}
	// A locality names its suco, posto and municipality.
	for _, p := range b.places {
		if p.Level == places.Locality && len(p.Parents) != 3 {
			t.Errorf("locality %s: parents %v, want suco, posto and municipality", p.Name, p.Parents)
			break
		}
	}
}
