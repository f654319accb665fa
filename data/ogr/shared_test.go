package ogr

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/internal/shared"
	"github.com/tasi-gis/tasi/vector/utm"
)

// TestNarrabeenTransects reads CoastSat's Narrabeen example transects, declared in
// EPSG:28356 (GDA94 / MGA zone 56) in the file's "crs" member.
func TestNarrabeenTransects(t *testing.T) {
	path := shared.Data(t, "sds_validation/coastsat_narrabeen_example/NARRA_transects.geojson")
	l := readOne(t, path, ReadOptions{})
	if l.SourceSRS != "EPSG:28356" {
		t.Errorf("SourceSRS = %q, want EPSG:28356", l.SourceSRS)
	}
	if len(l.Features) != 5 {
		t.Fatalf("%d transects, want 5", len(l.Features))
	}
	na1 := l.Features[0]
	if na1.Fields["name"] != "NA1" {
		t.Errorf("first transect %v", na1.Fields["name"])
	}
	ls, ok := na1.Geometry.(orb.LineString)
	if !ok || len(ls) != 2 {
		t.Fatalf("NA1 geometry %#v", na1.Geometry)
	}
	// NA1 starts at (342880, 6269180) in the file; MGA 56 is UTM 56S on GRS80.
	want := utm.Zone{Number: 56, South: true}.Inverse(orb.Point{342880, 6269180})
	if !near(ls[0], want, 1e-8) {
		t.Errorf("NA1 starts at %v, want %v", ls[0], want)
	}
	// Narrabeen beach, Sydney
	for _, f := range l.Features {
		b := f.Geometry.Bound()
		if b.Min[0] < 151.29 || b.Max[0] > 151.32 || b.Min[1] < -33.74 || b.Max[1] > -33.70 {
			t.Errorf("%v lies at %v, not at Narrabeen", f.Fields["name"], b)
		}
	}
}

// TestCODABSucos reads the OCHA COD-AB suco layer (442 sucos, EPSG:4326).
func TestCODABSucos(t *testing.T) {
	path := shared.Data(t, "tls_cod_ab/tls_cod_ab_20200911.gpkg")
	l := readOne(t, path, ReadOptions{Layer: "adm3_suco"})
	if l.SourceSRS != "EPSG:4326" {
		t.Errorf("SourceSRS = %q", l.SourceSRS)
	}
	if len(l.Features) != 442 {
		t.Fatalf("%d sucos, want 442", len(l.Features))
	}
	var all orb.Bound
	var abafala *Feature
	for i, f := range l.Features {
		if _, ok := f.Geometry.(orb.MultiPolygon); !ok {
			t.Fatalf("suco %v: geometry %T", f.Fields["ADM3_PCODE"], f.Geometry)
		}
		if i == 0 {
			all = f.Geometry.Bound()
		} else {
			all = all.Union(f.Geometry.Bound())
		}
		if f.Fields["ADM3_PCODE"] == "TL030315" {
			abafala = &l.Features[i]
		}
	}
	if abafala == nil {
		t.Fatal("no suco TL030315")
	}
	checkFields(t, *abafala, map[string]any{
		"Shape_Leng": 0.0753572349812, "Shape_Area": 0.000272892471657,
		"ADM3_EN": "Abafala", "ADM3_PCODE": "TL030315",
		"ADM2_EN": "Quelicai", "ADM2_PCODE": "TL0303", "ADM1_EN": "Baucau", "ADM1_PCODE": "TL03",
		"ADM0_EN": "Timor-Leste", "ADM0_PCODE": "TL",
		"date": mustDate(t, "2006-12-10"), "validOn": mustDate(t, "2020-09-11"),
	})
	// lon/lat order, and the whole country (Oecussi to Jaco, with Atauro) in 51S
	if all.Min[0] < 124 || all.Max[0] > 127.4 || all.Min[1] < -9.6 || all.Max[1] > -8.1 {
		t.Errorf("extent %v is not Timor-Leste in lon/lat", all)
	}
	if z, err := utm.ZoneOf(all); err != nil || z.EPSG() != 32751 {
		t.Errorf("zone of Timor-Leste: %v, %v", z, err)
	}
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
