package places

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Match says how a name matched a query, the best first.
type Match int

// How a name matches a query, compared after Fold.
const (
	Exact      Match = iota // the whole name
	Prefix                  // the start of the name
	WordPrefix              // the start of a later word of the name ("comoro" in "Bairo Comoro")
	Substring               // anywhere else
)

// String returns the match's name as the API writes it.
func (m Match) String() string {
	return [...]string{"exact", "prefix", "word-prefix", "substring"}[m]
}

// Index finds places by name. It is built once and safe for concurrent use.
type Index struct {
	places []Place
	folded []string // Fold of each name
}

// NewIndex indexes places, which it keeps and the caller must not change.
func NewIndex(places []Place) *Index {
	ix := &Index{places: places, folded: make([]string, len(places))}
	for i, p := range places {
		ix.folded[i] = Fold(p.Name)
	}
	return ix
}

// Places returns the indexed places, which the caller must not change.
func (ix *Index) Places() []Place { return ix.places }

// Result is one place a search found.
type Result struct {
	*Place
	Match Match
}

// Search returns up to limit places whose name holds q, compared after Fold, the best
// first: by how the name matches (Exact, Prefix, WordPrefix, Substring), then by level
// (municipality, posto, suco, locality), then by population (largest first), name and
// P-code. A query that folds to nothing finds nothing.
func (ix *Index) Search(q string, limit int) []Result {
	q = Fold(q)
	if q == "" || limit <= 0 {
		return nil
	}
	var out []Result
	for i, name := range ix.folded {
		m, ok := match(name, q)
		if !ok {
			continue
		}
		out = append(out, Result{Place: &ix.places[i], Match: m})
	}
	slices.SortStableFunc(out, func(a, b Result) int {
		return cmp.Or(
			cmp.Compare(a.Match, b.Match),
			cmp.Compare(a.Level.Rank(), b.Level.Rank()),
			cmp.Compare(b.Population, a.Population),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Code, b.Code),
		)
	})
	return out[:min(limit, len(out))]
}

// match reports whether folded name holds folded query q, and how.
func match(name, q string) (Match, bool) {
	i := strings.Index(name, q)
	switch {
	case i < 0:
		return 0, false
	case name == q:
		return Exact, true
	case i == 0:
		return Prefix, true
	case strings.Contains(" "+name, " "+q):
		return WordPrefix, true
	}
	return Substring, true
}

// Fold returns s as names are compared: decomposed (NFD) with the combining marks
// removed, so that "Liquiçá" reads "liquica"; lower case; every run of characters that
// are neither letters nor digits (spaces, hyphens, apostrophes) one space; trimmed.
func Fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}
