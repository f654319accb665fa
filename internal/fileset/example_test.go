package fileset_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tasi-gis/tasi/internal/fileset"
)

// Replace a GeoPackage and a CSV file in another folder together.
func Example() {
	dir, _ := os.MkdirTemp("", "fileset")
	defer os.RemoveAll(dir)
	gpkg, csv := filepath.Join(dir, "results.gpkg"), filepath.Join(dir, "csv", "transects.csv")

	s, err := fileset.Begin(gpkg, csv)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Abort() // removes the new files unless Commit ran
	for _, p := range []string{gpkg, csv} {
		if err := os.WriteFile(s.Temp(p), []byte("new"), 0o644); err != nil {
			fmt.Println(err)
			return // the deferred Abort leaves the old files as they were
		}
	}
	if err := s.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(csv)
	fmt.Println(string(b))
	// Output: new
}
