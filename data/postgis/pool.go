package postgis

import "github.com/jackc/pgx/v5/pgxpool"

// Pool returns the Store's connection pool, for readers that run their own queries on
// tasi's tables, such as the tile server (package tiles). Its connections resolve
// unqualified names in the Store's schema, then in the schema holding postgis. The pool
// belongs to the Store: do not close it.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// PoolStats returns the statistics of the Store's pools: Pool's, and that of the
// connection Ping keeps to itself, for a server's metrics.
func (s *Store) PoolStats() (pool, ping *pgxpool.Stat) { return s.pool.Stat(), s.health.Stat() }
