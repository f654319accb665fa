package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
)

// placeIndex is the index of the bundled places, made once per test binary.
var placeIndex = sync.OnceValues(func() (*places.Index, error) {
	ref, err := data.TimorLeste()
	if err != nil {
		return nil, err
	}
	ps, err := places.FromReference(ref)
	if err != nil {
		return nil, err
	}
	return places.NewIndex(ps), nil
})

// searchHandler serves the API with the place index and a store the search never reads.
func searchHandler(t *testing.T) http.Handler {
	t.Helper()
	ix, err := placeIndex()
	if err != nil {
		t.Fatal(err)
	}
	return handler(noStore{}, func(o *api.Options) { o.Places = ix })
}

// noStore is a Store for routes that read none.
type noStore struct{ api.Store }

type searchResults struct {
	Query   string `json:"query"`
	Results []struct {
		Name    string  `json:"name"`
		Level   string  `json:"level"`
		Code    *string `json:"code"`
		Kind    *int    `json:"kind"`
		Match   string  `json:"match"`
		Parents []struct {
			Level, Code, Name string
		} `json:"parents"`
		Population *int       `json:"population"`
		Lon        float64    `json:"lon"`
		Lat        float64    `json:"lat"`
		BBox       [4]float64 `json:"bbox"`
	} `json:"results"`
}

func TestSearch(t *testing.T) {
	h := searchHandler(t)
	tests := []struct {
		query             string
		name, level, code string
		parents           string // names, nearest first
		minPop            int
	}{
		{"costa", "Costa", "suco", "TL120104", "Pante Macassar, Oecussi", 1},
		{"COMORO", "Comoro", "suco", "TL060503", "Dom Aleixo, Dili", 1},
		{"dili", "Dili", "municipality", "TL06", "", 200000},
		{"liquica", "Liquiçá", "municipality", "TL08", "", 1},
		{"Liqui%C3%A7%C3%A1", "Liquiçá", "municipality", "TL08", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, h, "/api/v1/search?q="+tt.query)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d %s: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var out searchResults
			r.decode(t, &out)
			if len(out.Results) == 0 || len(out.Results) > api.DefaultSearchLimit {
				t.Fatalf("%d results", len(out.Results))
			}
			got := out.Results[0]
			if got.Name != tt.name || got.Level != tt.level || got.Match != "exact" {
				t.Errorf("first %s %s (%s), want %s %s (exact)", got.Level, got.Name, got.Match, tt.level, tt.name)
			}
			if tt.code != "" && (got.Code == nil || *got.Code != tt.code) {
				t.Errorf("code %v, want %s", got.Code, tt.code)
			}
			var parents []string
			for _, p := range got.Parents {
				parents = append(parents, p.Name)
			}
			if strings.Join(parents, ", ") != tt.parents {
				t.Errorf("parents %v, want %s", parents, tt.parents)
			}
			if got.Population == nil || *got.Population < tt.minPop || got.Kind != nil {
				t.Errorf("population %v kind %v", got.Population, got.Kind)
			}
			// The point to fly to lies in the bbox, in Timor-Leste.
			b := got.BBox
			if !(b[0] <= got.Lon && got.Lon <= b[2] && b[1] <= got.Lat && got.Lat <= b[3]) ||
				b[0] < 124 || b[2] > 127.5 || b[1] < -9.6 || b[3] > -8 {
				t.Errorf("point (%v, %v), bbox %v", got.Lon, got.Lat, b)
			}
		})
	}
}

func TestSearchLocality(t *testing.T) {
	var out searchResults
	r := get(t, searchHandler(t), "/api/v1/search?q=macassar&limit=50")
	r.decode(t, &out)
	for _, p := range out.Results {
		if p.Level == "locality" {
			if p.Code != nil || p.Kind == nil || p.Population != nil || len(p.Parents) != 3 || p.Parents[0].Level != "suco" {
				t.Errorf("locality %s: code %v kind %v population %v parents %v", p.Name, p.Code, p.Kind, p.Population, p.Parents)
			}
			if p.BBox != [4]float64{p.Lon, p.Lat, p.Lon, p.Lat} {
				t.Errorf("locality %s: bbox %v, want its point", p.Name, p.BBox)
			}
			return
		}
	}
	t.Error("no locality found for macassar")
}

func TestSearchBadRequests(t *testing.T) {
	h := searchHandler(t)
	for _, q := range []string{
		"/api/v1/search",
		"/api/v1/search?q=",
		"/api/v1/search?q=a",
		"/api/v1/search?q=%C3%A1", // one letter with an accent
		"/api/v1/search?q=-+-",
		"/api/v1/search?q=" + strings.Repeat("a", 101),
		"/api/v1/search?q=di%00li",
		"/api/v1/search?q=dili&limit=0",
		"/api/v1/search?q=dili&limit=51",
		"/api/v1/search?q=dili&limit=ten",
	} {
		if r := get(t, h, q); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"error"`) {
			t.Errorf("%s: status %d %s, want 400", q, r.status, r.body)
		}
	}
	for _, tt := range []struct {
		q    string
		want int
	}{{"/api/v1/search?q=an&limit=50", 50}, {"/api/v1/search?q=an&limit=3", 3}, {"/api/v1/search?q=an", api.DefaultSearchLimit}, {"/api/v1/search?q=zzqqx", 0}} {
		var out searchResults
		r := get(t, h, tt.q)
		r.decode(t, &out)
		if r.status != http.StatusOK || len(out.Results) != tt.want || out.Results == nil {
			t.Errorf("%s: status %d, %d results, want %d", tt.q, r.status, len(out.Results), tt.want)
		}
	}
}

func TestSearchWithoutIndex(t *testing.T) {
	h := handler(noStore{})
	if r := get(t, h, "/api/v1/search?q=dili"); r.status != http.StatusNotFound {
		t.Errorf("status %d, want 404", r.status)
	}
}
