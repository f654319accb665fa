package postgis_test

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
)

func TestImportReference(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	ref, err := data.TimorLeste()
	if err != nil {
		t.Fatal(err)
	}
	// Twice: the second import replaces the first.
	for i := 0; i < 2; i++ {
		if err := s.ImportReference(ctx, ref); err != nil {
			t.Fatal(err)
		}
	}
	// Figures from DOMAIN.md and data/README.md.
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM tasi.admin_units WHERE level = 3 AND NOT derived", 442},
		{"SELECT count(*) FROM tasi.admin_units WHERE level = 2 AND derived", 65},
		{"SELECT count(*) FROM tasi.admin_units WHERE level = 1 AND derived", 13},
		{"SELECT sum(population) FROM tasi.admin_units WHERE level = 3", 1183643},
		{"SELECT sum(population) FROM tasi.admin_units WHERE level = 1", 1183643},
		{"SELECT sum(households) FROM tasi.admin_units WHERE level = 2", 204597},
		{"SELECT count(*) FROM tasi.admin_units WHERE pcode = 'TL030315' AND parent_pcode = 'TL0303' AND region_pcode = 'TL03'", 1},
		{"SELECT count(*) FROM tasi.admin_units WHERE pcode = 'TL0303' AND level = 2 AND parent_pcode = 'TL03' AND region_pcode = 'TL03'", 1},
		{"SELECT count(*) FROM tasi.admin_units WHERE pcode = 'TL03' AND level = 1 AND parent_pcode IS NULL", 1},
		// Simplified copies exist and are smaller.
		{"SELECT count(*) FROM tasi.admin_units WHERE ST_NPoints(geom_3857_lo) <= ST_NPoints(geom_3857_mid) AND ST_NPoints(geom_3857_mid) <= ST_NPoints(geom_3857)", 520},
		{"SELECT (sum(ST_NPoints(geom_3857_lo)) * 10 < sum(ST_NPoints(geom_3857)))::int FROM tasi.admin_units WHERE level = 3", 1},
		{"SELECT count(*) FROM tasi.coastline", 104},
		{"SELECT round(sum(length_m) / 1000)::int FROM tasi.coastline", 784},
		{"SELECT count(*) FROM tasi.localities WHERE pcode IS NOT NULL", len(ref.Localities)},
		{"SELECT count(*) FROM tasi.ports", len(ref.Ports)},
		{"SELECT count(*) FROM tasi.ports WHERE ST_SRID(geom_3857) = 3857", len(ref.Ports)},
	} {
		if n := pg.QueryInt(t, dbURL, tc.sql); n != tc.want {
			t.Errorf("%s: %d, want %d", tc.sql, n, tc.want)
		}
	}
}

func TestImportAdminUnits(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	square := func(x, y float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}}
	}
	units := []analysis.AdminUnit{
		{Code: "XX0101", Name: "A", ParentCode: "XX01", ParentName: "One", Population: 10, Households: 2, Geometry: square(0, 0)},
		{Code: "XX0102", Name: "B", ParentCode: "XX01", ParentName: "One", Population: 5, Households: -1, Geometry: square(1, 0)},
		{Code: "XX02", Name: "Two (given)", Population: 7, Households: 1, Geometry: square(5, 5)},
		{Code: "XX0201", Name: "C", ParentCode: "XX02", ParentName: "Two", Population: 1, Households: 1, Geometry: square(5, 5)},
	}
	if err := s.ImportAdminUnits(ctx, units, "test layer"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM tasi.admin_units WHERE source = 'test layer'", 5},
		{"SELECT count(*) FROM tasi.admin_units WHERE pcode = 'XX01' AND derived AND level = 1 AND population = 15 AND households IS NULL", 1},
		{"SELECT round(ST_Area(geom))::int FROM tasi.admin_units WHERE pcode = 'XX01'", 2},
		{"SELECT count(*) FROM tasi.admin_units WHERE pcode = 'XX02' AND NOT derived AND name = 'Two (given)' AND population = 7", 1},
		{"SELECT count(*) FROM tasi.admin_units WHERE level = 2", 3},
	} {
		if n := pg.QueryInt(t, dbURL, tc.sql); n != tc.want {
			t.Errorf("%s: %d, want %d", tc.sql, n, tc.want)
		}
	}
	// Replacing the layer drops what it no longer has; other layers stay.
	if err := s.ImportAdminUnits(ctx, units[:1], "other layer"); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportAdminUnits(ctx, units[2:3], "test layer"); err != nil {
		t.Fatal(err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.admin_units WHERE source = 'test layer'"); n != 1 {
		t.Errorf("test layer has %d units after replacing it with 1", n)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.admin_units WHERE source = 'other layer'"); n != 2 {
		t.Errorf("other layer has %d units, want 2", n)
	}
	// Bad input changes nothing.
	dup := []analysis.AdminUnit{units[0], units[0]}
	if err := s.ImportAdminUnits(ctx, dup, "test layer"); err == nil || !strings.Contains(err.Error(), "duplicate P-code") {
		t.Errorf("duplicate P-codes: %v", err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.admin_units WHERE source = 'test layer'"); n != 1 {
		t.Errorf("a failed import changed the layer: %d units", n)
	}
	if err := s.ImportAdminUnits(ctx, units, ""); err == nil {
		t.Errorf("empty source name accepted")
	}
}
