// Package pgcancel recognises a PostgreSQL statement cancelled by a cancel request that
// was meant for an earlier statement of the same pooled connection.
//
// pgx sends a cancel request, when a query's context ends, on a connection of its own,
// and the server may act on it only after the pooled connection has been handed to the
// next query, which it then cancels "due to user request" although nobody asked. A
// loaded server makes it likely: when a load test stops, its clients hang up on hundreds
// of tile requests at once, and the next queries of those connections fail (issue 12's
// probe saw two such failures in 124,000 tiles). A read-only statement so cancelled can be
// run again: Retry does, once.
package pgcancel

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Stray reports whether err is a cancellation by request that ctx did not ask for: the
// server's query_canceled (57014) "due to user request", ctx still live. Statement
// timeouts (57014 "due to statement timeout") are not stray.
func Stray(ctx context.Context, err error) bool {
	var pgErr *pgconn.PgError
	return ctx.Err() == nil && errors.As(err, &pgErr) && pgErr.Code == "57014" && strings.Contains(pgErr.Message, "user request")
}

// Retry runs the read-only statement(s) of f, and once more if a stray cancel request
// (Stray) stopped them; it returns f's last error.
func Retry(ctx context.Context, f func() error) error {
	err := f()
	if Stray(ctx, err) {
		err = f()
	}
	return err
}
