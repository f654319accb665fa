package ogr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// benchPointFields are the columns of tasi's shoreline intersection points.
var benchPointFields = []FieldDef{
	{"transect", Integer},
	{"shoreline", Integer},
	{"date", Date},
	{"distance", Real},
}

// BenchmarkWritePoints writes 550,000 intersection points with 4 fields, as one
// analysis of the Timor-Leste coast does, and reports features per second including
// Close (commit, and the R-tree that GDAL 3.6 builds then).
func BenchmarkWritePoints(b *testing.B) {
	const n = 550_000
	for _, tc := range []struct {
		name string
		opts []LayerOption
	}{
		{"index", nil},
		{"noindex", []LayerOption{WithoutSpatialIndex()}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d0 := time.Date(1988, 1, 1, 0, 0, 0, 0, time.UTC)
			dates := make([]time.Time, 35)
			for i := range dates {
				dates[i] = d0.AddDate(i, 0, 0)
			}
			var closing time.Duration
			for b.Loop() {
				path := filepath.Join(b.TempDir(), "points.gpkg")
				g, err := CreateGeoPackage(path)
				if err != nil {
					b.Fatal(err)
				}
				w, err := g.CreateLayer("intersections", 32751, Point, benchPointFields, tc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				for i := range n {
					// transects 50 m apart along a coast, 35 shorelines each
					t, s := i/35, i%35
					p := orb.Point{700000 + 50*float64(t%2000), 9000000 + 50*float64(t/2000) + float64(s)}
					if err := w.Write(p, t, s, dates[s], float64(s)*0.37-5); err != nil {
						b.Fatal(err)
					}
				}
				start := time.Now()
				if err := g.Close(); err != nil {
					b.Fatal(err)
				}
				closing += time.Since(start)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "features/s")
			b.ReportMetric(closing.Seconds()/float64(b.N), "s-in-Close/op")
		})
	}
}

// BenchmarkWriteTransects writes 16,000 transect lines with 20 fields.
func BenchmarkWriteTransects(b *testing.B) {
	const n = 16_000
	fields := []FieldDef{{"label", String}, {"pcode", String}, {"unit", Integer}, {"n", Integer}, {"first", Date}, {"last", Date}}
	for _, s := range []string{"sce", "nsm", "epr", "epr_unc", "lrr", "lr2", "lse", "lci", "wlr", "wr2", "wse", "wci", "width", "forecast10"} {
		fields = append(fields, FieldDef{s, Real})
	}
	d0, d1 := time.Date(1988, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	vals := make([]any, len(fields))
	for b.Loop() {
		g, err := CreateGeoPackage(filepath.Join(b.TempDir(), "transects.gpkg"))
		if err != nil {
			b.Fatal(err)
		}
		w, err := g.CreateLayer("transects", 32751, LineString, fields)
		if err != nil {
			b.Fatal(err)
		}
		ls := make(orb.LineString, 2)
		for i := range n {
			x := 700000 + 50*float64(i)
			ls[0], ls[1] = orb.Point{x, 9000000}, orb.Point{x + 20, 9000300}
			vals[0], vals[1], vals[2], vals[3], vals[4], vals[5] = fmt.Sprint("T", i), "TL030315", i/40, 35, d0, d1
			for k := 6; k < len(vals); k++ {
				vals[k] = float64(i%100) * 0.1
			}
			if err := w.Write(ls, vals...); err != nil {
				b.Fatal(err)
			}
		}
		if err := g.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "features/s")
}

// BenchmarkRead reads the test GeoPackage, reprojecting nothing, and a GeoJSON file in
// EPSG:28356, reprojected to WGS84.
func BenchmarkRead(b *testing.B) {
	for _, file := range []string{"epsg4326.gpkg", "epsg28356.geojson"} {
		b.Run(file, func(b *testing.B) {
			for b.Loop() {
				if _, err := Read(context.Background(), filepath.Join("testdata", file), ReadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueryIntersections reads the attributes and point coordinates of the
// intersections layer of a results GeoPackage named by TASI_BENCH_GPKG (the Timor-Leste
// demo run's has 505,000), row by row with Query and in batches with QueryColumns.
func BenchmarkQueryIntersections(b *testing.B) {
	path := os.Getenv("TASI_BENCH_GPKG")
	if path == "" {
		b.Skip("set TASI_BENCH_GPKG to a results GeoPackage, e.g. /tmp/gr-demo/results.gpkg")
	}
	const sql = `SELECT fid, transect_id, shoreline_id, date, distance_m, ST_MinX(geom) AS x, ST_MinY(geom) AS y
		FROM intersections ORDER BY fid`
	var sum float64 // of the values read, so that nothing goes unused
	b.Run("Query", func(b *testing.B) {
		for b.Loop() {
			labels := map[string]int{}
			err := Query(context.Background(), path, sql, func(row map[string]any) error {
				s, _ := row["transect_id"].(string)
				if _, ok := labels[s]; !ok {
					labels[s] = len(labels)
				}
				n, _ := row["shoreline_id"].(int64)
				t, _ := row["date"].(time.Time)
				d, _ := row["distance_m"].(float64)
				x, _ := row["x"].(float64)
				y, _ := row["y"].(float64)
				sum += float64(n) + float64(t.Unix()) + d + x + y
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("QueryColumns", func(b *testing.B) {
		for b.Loop() {
			err := QueryColumns(context.Background(), path, sql, func(c *Columns) error {
				_, _, _, err1 := c.Strings("transect_id")
				n, _, err2 := c.Int64("shoreline_id")
				t, _, err3 := c.Time("date")
				d, _, err4 := c.Float64("distance_m")
				x, _, err5 := c.Float64("x")
				y, _, err6 := c.Float64("y")
				if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
					return err
				}
				for i := range c.Len() {
					sum += float64(n[i]) + float64(t[i].Unix()) + d[i] + x[i] + y[i]
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
