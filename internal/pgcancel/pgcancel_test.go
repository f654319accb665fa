package pgcancel

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRetry(t *testing.T) {
	stray := fmt.Errorf("tile: %w", &pgconn.PgError{Code: "57014", Message: "canceling statement due to user request"})
	timeout := &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"}
	other := errors.New("connection refused")
	live := context.Background()
	done, cancel := context.WithCancel(live)
	cancel()
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		errs  []error // what each call returns; the last repeats
		calls int
		want  error
	}{
		{"success", live, []error{nil}, 1, nil},
		{"stray cancel, then success", live, []error{stray, nil}, 2, nil},
		{"stray cancel twice", live, []error{stray}, 2, stray},
		{"statement timeout", live, []error{timeout}, 1, timeout},
		{"another error", live, []error{other}, 1, other},
		{"cancelled by its own context", done, []error{stray, nil}, 1, stray},
	} {
		calls := 0
		err := Retry(tc.ctx, func() error {
			calls++
			return tc.errs[min(calls, len(tc.errs))-1]
		})
		if !errors.Is(err, tc.want) || calls != tc.calls {
			t.Errorf("%s: %v after %d calls, want %v after %d", tc.name, err, calls, tc.want, tc.calls)
		}
	}
}
