package places_test

import (
	"testing"

	"github.com/tasi-gis/tasi/data/places"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Liquiçá", "liquica"},
		{"LAUTÉM", "lautem"},
		{"Hatu-Builico", "hatu builico"},
		{"  Dom   Aleixo ", "dom aleixo"},
		{"Pante Macassar", "pante macassar"},
		{"Fatu'u", "fatu u"},
		{"-", ""},
	}
	for _, tt := range tests {
		if got := places.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearch(t *testing.T) {
	ix := load(t).index
	tests := []struct {
		q         string
		wantName  string
		wantLevel places.Level
		wantMatch places.Match
		parent    string // the nearest parent's name, if any
	}{
		{"costa", "Costa", places.Suco, places.Exact, "Pante Macassar"},
		{"COMORO", "Comoro", places.Suco, places.Exact, "Dom Aleixo"},
		{"dili", "Dili", places.Municipality, places.Exact, ""},
		{"liquica", "Liquiçá", places.Municipality, places.Exact, ""},
		{"Liquiçá", "Liquiçá", places.Municipality, places.Exact, ""},
		{"lautem", "Lautém", places.Municipality, places.Exact, ""},
		// The gazetteer's settlement MACASSAR (in Bobonaro) matches whole, before the
		// posto Pante Macassar, which matches at its second word.
		{"macassar", "MACASSAR", places.Locality, places.Exact, "Sanirin"},
		{"pante", "Pante Macassar", places.Posto, places.Prefix, "Oecussi"},
		{"dom ale", "Dom Aleixo", places.Posto, places.Prefix, "Dili"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got := ix.Search(tt.q, 10)
			if len(got) == 0 {
				t.Fatal("nothing found")
			}
			r := got[0]
			if r.Name != tt.wantName || r.Level != tt.wantLevel || r.Match != tt.wantMatch {
				t.Errorf("first %s %s (%s), want %s %s (%s)", r.Level, r.Name, r.Match, tt.wantLevel, tt.wantName, tt.wantMatch)
			}
			if tt.parent != "" && (len(r.Parents) == 0 || r.Parents[0].Name != tt.parent) {
				t.Errorf("parents %v, want %s first", r.Parents, tt.parent)
			}
			// Results come in order: match, then level, then population.
			for i := 1; i < len(got); i++ {
				a, b := got[i-1], got[i]
				if a.Match > b.Match || a.Match == b.Match && (a.Level.Rank() > b.Level.Rank() ||
					a.Level == b.Level && a.Population < b.Population) {
					t.Errorf("result %d (%s %s %s) before %d (%s %s %s)", i-1, a.Match, a.Level, a.Name, i, b.Match, b.Level, b.Name)
				}
			}
		})
	}
}

func TestSearchWordPrefix(t *testing.T) {
	for _, r := range load(t).index.Search("macassar", 10) {
		if r.Level == places.Posto && r.Name == "Pante Macassar" {
			if r.Match != places.WordPrefix {
				t.Errorf("Pante Macassar matched %s, want word-prefix", r.Match)
			}
			return
		}
	}
	t.Error("macassar: posto Pante Macassar not among the first 10")
}

func TestSearchRanksLevels(t *testing.T) {
	// "dili": the municipality first, the only exact match of its level.
	got := load(t).index.Search("dili", 50)
	if got[0].Level != places.Municipality {
		t.Fatalf("first %s %s, want the municipality", got[0].Level, got[0].Name)
	}
	for _, r := range got {
		if r.Match == places.Exact && r.Level == places.Municipality && r != got[0] {
			t.Errorf("a second exact municipality: %v", r.Name)
		}
	}
}

func TestSearchLimits(t *testing.T) {
	ix := load(t).index
	if got := ix.Search("a", 5); len(got) != 5 {
		t.Errorf("limit 5: %d results", len(got))
	}
	if got := ix.Search("a", 0); got != nil {
		t.Errorf("limit 0: %d results", len(got))
	}
	if got := ix.Search(" - ", 5); got != nil {
		t.Errorf("a query of no letters: %d results", len(got))
	}
	if got := ix.Search("zzzzqq", 5); len(got) != 0 {
		t.Errorf("no such name: %d results", len(got))
	}
}
