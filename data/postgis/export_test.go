package postgis

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Read exposes read to the tests: f runs in a read-only transaction of the store.
func (s *Store) Read(ctx context.Context, f func(pgx.Tx) error) error { return s.read(ctx, f) }
