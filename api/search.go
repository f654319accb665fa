package api

import (
	"math"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/tasi-gis/tasi/data/places"
	"github.com/tasi-gis/tasi/data/results"
)

// Limits on /api/v1/search.
const (
	DefaultSearchLimit = 10
	MaxSearchLimit     = 50
	// minQuery is the fewest letters or digits a search query must hold: one letter
	// matches most of the 3,391 names and tells the user nothing.
	minQuery = 2
)

// searchOut is the answer of /api/v1/search.
type searchOut struct {
	Query   string        `json:"query"`
	Results []searchPlace `json:"results"`
}

// searchPlace is one place found, with what a map needs to fly to it.
type searchPlace struct {
	Name    string          `json:"name"`
	Level   places.Level    `json:"level"`
	Code    *string         `json:"code"` // P-code; null for a locality
	Kind    *int            `json:"kind"` // gazetteer kind of a locality; null for a unit
	Match   string          `json:"match"`
	Parents []places.Parent `json:"parents"`
	// Population is the 2015 Census count of a unit; null when unknown and for localities.
	Population *int       `json:"population"`
	Lon        float64    `json:"lon"`
	Lat        float64    `json:"lat"`
	BBox       [4]float64 `json:"bbox"` // west, south, east, north
}

// search answers /api/v1/search?q=…&limit=…: places of the bundled reference data whose
// names hold q, ignoring case and accents, the best matches first (see places.Index).
func (s *server) search(w http.ResponseWriter, r *http.Request) {
	if s.places == nil {
		s.fail(w, r, &results.NotFoundError{Msg: "this server has no place index to search"})
		return
	}
	v, _, err := query(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := v.Get("q")
	if len(q) > maxKeyLength {
		s.fail(w, r, badRequestf("q: at most %d bytes", maxKeyLength))
		return
	}
	if err := plainText("q", q); err != nil {
		s.fail(w, r, err)
		return
	}
	if utf8.RuneCountInString(places.Fold(q)) < minQuery {
		s.fail(w, r, badRequestf("q=%s: want at least %d letters or digits", clip(q), minQuery))
		return
	}
	limit := DefaultSearchLimit
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxSearchLimit {
			s.fail(w, r, badRequestf("limit=%s: want a whole number from 1 to %d", clip(l), MaxSearchLimit))
			return
		}
		limit = n
	}
	found := s.places.Search(q, limit)
	out := searchOut{Query: q, Results: make([]searchPlace, len(found))}
	round := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	for i, f := range found {
		p := searchPlace{
			Name: f.Name, Level: f.Level, Match: f.Match.String(), Parents: f.Parents,
			Lon: round(f.Point[0]), Lat: round(f.Point[1]),
			BBox: [4]float64{round(f.Bound.Min[0]), round(f.Bound.Min[1]), round(f.Bound.Max[0]), round(f.Bound.Max[1])},
		}
		if p.Parents == nil {
			p.Parents = []places.Parent{}
		}
		if f.Code != "" {
			p.Code = &f.Code
		}
		if f.Level == places.Locality {
			p.Kind = &f.Kind
		}
		if f.Population >= 0 && f.Level != places.Locality {
			p.Population = &f.Population
		}
		out.Results[i] = p
	}
	s.writeJSON(w, r, typeJSON, out)
}
