package main

import (
	"context"
	"errors"

	"github.com/paulmach/orb/maptile"
	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/internal/outage"
	"github.com/tasi-gis/tasi/tiles"
)

// watchedStore tells an outage log how each call to the database went, so that an outage
// is logged when it starts, summarised while it lasts and logged when it ends, rather
// than once per failed request. Calls that time out say nothing either way: a slow query
// is not an outage. Methods added to api.Store later pass through unwatched.
type watchedStore struct {
	api.Store
	out *outage.Log
}

func (w watchedStore) note(err error) {
	switch {
	case errors.Is(err, results.ErrUnavailable):
		w.out.Fail(err)
	case errors.Is(err, results.ErrTimeout), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
	default: // the database answered, if only to say not found
		w.out.OK()
	}
}

func (w watchedStore) ListRuns(ctx context.Context) ([]results.Run, error) {
	v, err := w.Store.ListRuns(ctx)
	w.note(err)
	return v, err
}

func (w watchedStore) FindRun(ctx context.Context, ref results.RunRef) (results.Run, error) {
	v, err := w.Store.FindRun(ctx, ref)
	w.note(err)
	return v, err
}

func (w watchedStore) UnitsPage(ctx context.Context, q results.UnitsQuery) (results.UnitsPage, error) {
	v, err := w.Store.UnitsPage(ctx, q)
	w.note(err)
	return v, err
}

func (w watchedStore) Unit(ctx context.Context, ref results.RunRef, pcode string, geometry bool) (results.UnitDetail, error) {
	v, err := w.Store.Unit(ctx, ref, pcode, geometry)
	w.note(err)
	return v, err
}

func (w watchedStore) TransectSeries(ctx context.Context, ref results.RunRef, id string) (results.TransectDetail, error) {
	v, err := w.Store.TransectSeries(ctx, ref, id)
	w.note(err)
	return v, err
}

func (w watchedStore) Ping(ctx context.Context) error {
	err := w.Store.Ping(ctx)
	w.note(err)
	return err
}

// watchedSource is watchedStore for the tile source, which shares the database and so
// the outage log.
type watchedSource struct {
	tiles.Source
	out *outage.Log
}

func (w watchedSource) note(err error) {
	switch {
	case errors.Is(err, tiles.ErrUnavailable):
		w.out.Fail(err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
	default:
		w.out.OK()
	}
}

func (w watchedSource) Latest(ctx context.Context) (tiles.Run, error) {
	v, err := w.Source.Latest(ctx)
	w.note(err)
	return v, err
}

func (w watchedSource) Run(ctx context.Context, id int64) (tiles.Run, error) {
	v, err := w.Source.Run(ctx, id)
	w.note(err)
	return v, err
}

func (w watchedSource) Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error) {
	v, err := w.Source.Tile(ctx, run, t, layers)
	w.note(err)
	return v, err
}
