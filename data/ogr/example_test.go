package ogr_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data/ogr"
)

func ExampleRead() {
	// GDA94 / MGA zone 56 in the file, WGS84 lon/lat out.
	layers, err := ogr.Read(context.Background(), "testdata/epsg28356.geojson", ogr.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range layers {
		fmt.Println(l.Name, l.SourceSRS, l.Fields)
		f := l.Features[0]
		p := f.Geometry.(orb.LineString)[0]
		fmt.Printf("%s starts at %.4f, %.4f\n", f.Fields["name"], p[0], p[1])
	}
	// Output:
	// transects EPSG:28356 [name]
	// T1 starts at 151.3003, -33.7205
}

func ExampleCreateGeoPackage() {
	dir, err := os.MkdirTemp("", "tasi")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "result.gpkg")

	g, err := ogr.CreateGeoPackage(path)
	if err != nil {
		log.Fatal(err)
	}
	w, err := g.CreateLayer("intersections", 32751, ogr.Point, []ogr.FieldDef{
		{Name: "transect", Type: ogr.Integer},
		{Name: "distance", Type: ogr.Real},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Write(orb.Point{782910.68, 9053954.17}, 1, 12.5); err != nil {
		log.Fatal(err)
	}
	if err := g.Close(); err != nil { // commits
		log.Fatal(err)
	}

	layers, err := ogr.Read(context.Background(), path, ogr.ReadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	f := layers[0].Features[0]
	p := f.Geometry.(orb.Point)
	fmt.Printf("%s %v %.5f %.5f %v\n", layers[0].SourceSRS, f.Fields["transect"], p[0], p[1], f.Fields["distance"])
	// Output:
	// EPSG:32751 1 125.57000 -8.55000 12.5
}
