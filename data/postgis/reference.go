package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
)

// ReferenceSource is the source under which ImportReference files the reference data.
const ReferenceSource = "bundled"

// wgs84 is the SRID of reference data.
const wgs84 = 4326

// ImportReference replaces the reference data filed under ReferenceSource (admin units,
// coastline, localities, ports) with ref, in one transaction: readers see the old data or
// the new, never a mix. Posto and municipality rows are derived from the sucos (see
// ImportAdminUnits). Geometry must be WGS84 lon/lat, as package data gives it.
func (s *Store) ImportReference(ctx context.Context, ref *data.Reference) error {
	if ref == nil {
		return errors.New("import reference data: nil reference")
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if err := s.importUnits(ctx, tx, ref.Units, ReferenceSource); err != nil {
			return err
		}
		if err := replace(ctx, tx, "coastline", ReferenceSource, []string{"source", "line", "geom"}, len(ref.Coastline),
			func(i int, row []any) error {
				g, err := encode(ref.Coastline[i], wgs84)
				row[0], row[1], row[2] = ReferenceSource, i+1, g
				return err
			}); err != nil {
			return err
		}
		if err := replace(ctx, tx, "localities", ReferenceSource, []string{"source", "locality", "name", "kind", "pcode", "geom"}, len(ref.Localities),
			func(i int, row []any) error {
				l := ref.Localities[i]
				g, err := encode(l.Point, wgs84)
				row[0], row[1], row[2], row[3], row[4], row[5] = ReferenceSource, i+1, l.Name, l.Kind, data.NullString(l.UnitCode), g
				return err
			}); err != nil {
			return err
		}
		return replace(ctx, tx, "ports", ReferenceSource, []string{"source", "port", "name", "geom"}, len(ref.Ports),
			func(i int, row []any) error {
				p := ref.Ports[i]
				g, err := encode(p.Point, wgs84)
				row[0], row[1], row[2], row[3] = ReferenceSource, i+1, p.Name, g
				return err
			})
	})
	if err != nil {
		return fmt.Errorf("import reference data: %w", err)
	}
	return nil
}

// ImportAdminUnits replaces the admin units filed under source with units, in one
// transaction. Geometry must be WGS84 lon/lat.
//
// A unit's level is 1 plus the number of distinct ancestors it names: 3 (suco) when
// ParentCode and RegionCode are both set, 2 (posto) with one of them, 1 (municipality)
// with neither. Parents that units name but do not include are derived: their geometry
// is the union of their children's, their population and households the sums when every
// child has them. Population and Households below 0 (unknown) are stored as NULL.
func (s *Store) ImportAdminUnits(ctx context.Context, units []analysis.AdminUnit, source string) error {
	if err := s.inTx(ctx, func(tx pgx.Tx) error { return s.importUnits(ctx, tx, units, source) }); err != nil {
		return fmt.Errorf("import admin units %q: %w", source, err)
	}
	return nil
}

func (s *Store) importUnits(ctx context.Context, tx pgx.Tx, units []analysis.AdminUnit, source string) error {
	if source == "" {
		return errors.New("empty source name")
	}
	seen := make(map[string]bool, len(units))
	for i, u := range units {
		if u.Code == "" || seen[u.Code] {
			return fmt.Errorf("unit %d (%s): empty or duplicate P-code %q", i, u.Name, u.Code)
		}
		seen[u.Code] = true
	}
	cols := []string{"source", "pcode", "level", "name", "parent_pcode", "parent_name", "region_pcode", "region_name", "population", "households", "geom"}
	if err := replace(ctx, tx, "admin_units", source, cols, len(units), func(i int, row []any) error {
		u := units[i]
		level, parent, parentName, region, regionName := hierarchy(u)
		g, err := encode(u.Geometry, wgs84)
		if err != nil {
			return fmt.Errorf("unit %s: %w", u.Code, err)
		}
		row[0], row[1], row[2], row[3], row[4], row[5] = source, u.Code, level, u.Name, parent, parentName
		row[6], row[7], row[8], row[9], row[10] = region, regionName, data.NullCount(u.Population), data.NullCount(u.Households), g
		return nil
	}); err != nil {
		return err
	}
	// Derive missing postos from sucos, then missing municipalities from postos.
	for _, level := range []int{3, 2} {
		if _, err := tx.Exec(ctx, `
			INSERT INTO admin_units (source, pcode, level, name, parent_pcode, parent_name, region_pcode, region_name,
				population, households, derived, geom)
			SELECT c.source, c.parent_pcode, $2 - 1, min(c.parent_name),
				CASE WHEN $2 = 3 THEN min(c.region_pcode) END, CASE WHEN $2 = 3 THEN min(c.region_name) END,
				CASE WHEN $2 = 3 THEN min(c.region_pcode) END, CASE WHEN $2 = 3 THEN min(c.region_name) END,
				CASE WHEN count(c.population) = count(*) THEN sum(c.population) END,
				CASE WHEN count(c.households) = count(*) THEN sum(c.households) END,
				true, ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3))
			FROM admin_units c
			WHERE c.source = $1 AND c.level = $2 AND c.parent_pcode IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM admin_units p WHERE p.source = c.source AND p.pcode = c.parent_pcode)
			GROUP BY c.source, c.parent_pcode`, source, level); err != nil {
			return fmt.Errorf("derive level %d units: %w", level-1, err)
		}
	}
	return nil
}

// hierarchy returns a unit's level and its parent and level-1 ancestor (nil when none).
func hierarchy(u analysis.AdminUnit) (level int, parent, parentName, region, regionName any) {
	switch {
	case u.ParentCode != "" && u.RegionCode != "" && u.ParentCode != u.RegionCode:
		return 3, u.ParentCode, data.NullString(u.ParentName), u.RegionCode, data.NullString(u.RegionName)
	case u.ParentCode != "":
		return 2, u.ParentCode, data.NullString(u.ParentName), u.ParentCode, data.NullString(u.ParentName)
	case u.RegionCode != "":
		return 2, u.RegionCode, data.NullString(u.RegionName), u.RegionCode, data.NullString(u.RegionName)
	}
	return 1, nil, nil, nil, nil
}

// replace deletes the rows of table filed under source and copies n new rows in; row(i,
// buf) fills buf with the values of row i, in the order of cols.
func replace(ctx context.Context, tx pgx.Tx, table, source string, cols []string, n int, row func(int, []any) error) error {
	if _, err := tx.Exec(ctx, "DELETE FROM "+pgx.Identifier{table}.Sanitize()+" WHERE source = $1", source); err != nil {
		return fmt.Errorf("%s: delete old rows: %w", table, err)
	}
	if _, err := copyRows(ctx, tx, table, cols, n, row); err != nil {
		return err
	}
	return nil
}

// copyRows loads n rows into table with COPY; row(i, buf) fills buf with row i's values.
func copyRows(ctx context.Context, tx pgx.Tx, table string, cols []string, n int, row func(int, []any) error) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	buf := make([]any, len(cols))
	i := 0
	got, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		if i == n {
			return nil, nil
		}
		if err := row(i, buf); err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, err)
		}
		i++
		return buf, nil
	}))
	if err != nil {
		return got, fmt.Errorf("%s: copy: %w", table, err)
	}
	if got != int64(n) {
		return got, fmt.Errorf("%s: copied %d rows of %d", table, got, n)
	}
	return got, nil
}

// inTx runs f in a transaction after checking the schema version, and commits when f
// returns nil.
func (s *Store) inTx(ctx context.Context, f func(pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // after Commit it does nothing
	if err := s.checkSchema(ctx, tx); err != nil {
		return err
	}
	if err := f(tx); err != nil {
		return permissionHint(err, "INSERT, UPDATE and DELETE on the tables of schema "+s.schema)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// encode returns g as EWKB with srid, the binary form PostGIS reads in COPY.
func encode(g orb.Geometry, srid int) ([]byte, error) {
	b, err := ewkb.Marshal(g, srid)
	if err != nil {
		return nil, fmt.Errorf("encode %s geometry: %w", g.GeoJSONType(), err)
	}
	return b, nil
}
