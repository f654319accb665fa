package places_test

import (
	"fmt"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/places"
)

func ExampleIndex_Search() {
	ref, err := data.TimorLeste()
	if err != nil {
		panic(err)
	}
	named, err := places.FromReference(ref)
	if err != nil {
		panic(err)
	}
	ix := places.NewIndex(named)
	for _, r := range ix.Search("liquica", 2) {
		fmt.Println(r.Level, r.Name, r.Code, r.Match)
	}
	// Output:
	// municipality Liquiçá TL08 exact
	// posto Liquiçá TL0802 exact
}
