package data_test

import (
	"testing"

	"github.com/tasi-gis/tasi/data"
)

func BenchmarkTimorLeste(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := data.TimorLeste(); err != nil {
			b.Fatal(err)
		}
	}
}
