package places_test

import (
	"testing"

	"github.com/tasi-gis/tasi/data/places"
)

// BenchmarkFromReference is what tasi serve spends once at start: label points of 442
// sucos and of the 65 postos and 13 municipalities dissolved from them.
func BenchmarkFromReference(b *testing.B) {
	ref := load(b).ref
	for b.Loop() {
		if _, err := places.FromReference(ref); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch is one search of the 3,391 names.
func BenchmarkSearch(b *testing.B) {
	ix := load(b).index
	for b.Loop() {
		ix.Search("costa", 10)
	}
}
