package outage

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lines is a slog.Handler keeping each record as "LEVEL msg k=v ...".
type lines struct {
	mu  sync.Mutex
	got []string
}

func (h *lines) Enabled(context.Context, slog.Level) bool { return true }
func (h *lines) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *lines) WithGroup(string) slog.Handler            { return h }
func (h *lines) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.mu.Lock()
	h.got = append(h.got, b.String())
	h.mu.Unlock()
	return nil
}

// event is a call's outcome at a moment after the start: a failure, or a success.
type event struct {
	at   time.Duration
	fail bool
}

// failures returns n failures, one every step from start.
func failures(start time.Duration, n int, step time.Duration) []event {
	out := make([]event, n)
	for i := range out {
		out[i] = event{start + time.Duration(i)*step, true}
	}
	return out
}

func TestLog(t *testing.T) {
	up := func(at time.Duration) []event { return []event{{at, false}} }
	cat := func(parts ...[]event) []event {
		var out []event
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		events []event
		want   []string
	}{
		{"up: nothing to say", cat(up(0), up(time.Second)), nil},
		{
			// The probe's case: 56,000 failed requests in 10 s of outage.
			"56,000 failures in 10 s",
			cat(failures(0, 56000, 10*time.Second/56000), up(10*time.Second)),
			[]string{
				"WARN store unavailable err=e0",
				"INFO store available again failures=56000 after=10s",
			},
		},
		{
			// A summary each period, counting the failures since the last line and naming
			// the first of them.
			"1,000 failures a second for 30 s",
			cat(failures(0, 30000, time.Millisecond), up(30*time.Second)),
			[]string{
				"WARN store unavailable err=e0",
				"WARN store still unavailable failures=10000 err=e1 for=10s",
				"WARN store still unavailable failures=10000 err=e10001 for=20s",
				"INFO store available again failures=30000 after=30s",
			},
		},
		{
			"one failure every 25 s",
			cat(failures(0, 3, 25*time.Second), up(60*time.Second)),
			[]string{
				"WARN store unavailable err=e0",
				"WARN store still unavailable failures=1 err=e1 for=25s",
				"WARN store still unavailable failures=1 err=e2 for=50s",
				"INFO store available again failures=3 after=1m0s",
			},
		},
		{
			"two outages",
			cat(failures(0, 5, time.Second), up(5*time.Second), up(6*time.Second), failures(7*time.Second, 2, time.Second), up(9*time.Second)),
			[]string{
				"WARN store unavailable err=e0",
				"INFO store available again failures=5 after=5s",
				"WARN store unavailable err=e7", // events are numbered from 0, successes included
				"INFO store available again failures=2 after=2s",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &lines{}
			start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			now := start
			l := New(slog.New(h), "store", WithClock(func() time.Time { return now }))
			n := 0
			for _, e := range tc.events {
				now = start.Add(e.at)
				if e.fail {
					l.Fail(fmt.Errorf("e%d", n))
				} else {
					l.OK()
				}
				n++
			}
			if strings.Join(h.got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("logged\n%s\nwant\n%s", strings.Join(h.got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestLogConcurrent checks that concurrent callers are counted once each (run with -race).
func TestLogConcurrent(t *testing.T) {
	h := &lines{}
	l := New(slog.New(h), "store", WithEvery(time.Hour))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				l.Fail(fmt.Errorf("down"))
			}
		}()
	}
	wg.Wait()
	l.OK()
	if len(h.got) != 2 || !strings.Contains(h.got[1], "failures=8000 ") {
		t.Errorf("logged %q, want the outage and its end with 8000 failures", h.got)
	}
}
