package ogr

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/airbusgeo/godal"
)

// Query runs the SQL statement sql on the vector file at path (for a GeoPackage, SQLite's
// own SQL) and calls fn with each row of its result, in order: the row's non-null values
// by column name, typed as Feature.Fields. The map is reused for the next row, so fn must
// copy what it keeps. A statement selecting no geometry column reads no geometry: no
// parsing and no reprojection, and no Feature per row. For many rows of a few plain
// columns QueryColumns is several times cheaper: Query makes a cgo call per value and
// boxes each one in the map. An error of fn stops the query and is returned.
func Query(ctx context.Context, path, sql string, fn func(row map[string]any) error) error {
	return execute(ctx, path, sql, func(r *layerReader) error {
		row := make(map[string]any, len(r.fields))
		for i := 0; ; i++ {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			_, ok, err := r.next()
			if err != nil {
				return fmt.Errorf("after row %d: %w", i, err)
			}
			if !ok {
				return nil
			}
			clear(row)
			r.values(row)
			if err := fn(row); err != nil {
				return callerError{err}
			}
		}
	})
}

// callerError carries an error of a caller's function through execute unwrapped.
type callerError struct{ err error }

func (e callerError) Error() string { return e.err.Error() }

// execute runs sql on the file at path and calls read with a reader of its result, on
// a thread locked for the call (GDAL's error state is per thread: see Read). Errors of
// read are wrapped with the path, but for a callerError, returned as it carries.
func execute(ctx context.Context, path, sql string, read func(r *layerReader) error) error {
	if err := setup(); err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	ds, err := open(path, nil)
	if err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	defer ds.Close(godal.SkipWarnings)
	rs, err := ds.ExecuteSQL(sql, godal.SkipWarnings)
	if err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	if rs == nil || layerHandle(&rs.Layer) == nil {
		return fmt.Errorf("query %s: %q returns no rows", path, sql)
	}
	defer rs.Close()
	r, err := newLayerReader(&rs.Layer, "")
	if errors.Is(err, errNoCRS) {
		r, err = newLayerReader(&rs.Layer, "EPSG:4326") // geometry selected without its CRS: unused here
	}
	if err != nil {
		return fmt.Errorf("query %s: %w", path, err)
	}
	defer r.close()
	if err := read(r); err != nil {
		if ce, ok := err.(callerError); ok {
			return ce.err
		}
		return fmt.Errorf("query %s: %w", path, err)
	}
	return nil
}
