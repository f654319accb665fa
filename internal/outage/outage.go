// Package outage logs the outages of something a server depends on (its database) as
// changes of state and periodic summaries, instead of one line per failed request: in
// ten seconds of a database outage under load that was 56,000 lines, which buried the
// one that mattered and filled disks.
package outage

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultEvery is how often a Log summarises an outage that goes on.
const DefaultEvery = 10 * time.Second

// Log turns the outcomes of calls to one dependency into at most one log line per period,
// whatever the rate of calls:
//
//	WARN  "<what> unavailable" err=…                         the first failure
//	WARN  "<what> still unavailable" failures=N err=… for=…  every period while it lasts:
//	                                                         failures since the last line, the first of them
//	INFO  "<what> available again" failures=N after=…        the first success after
//
// It is safe for concurrent use. A success while the dependency is up costs one atomic load.
type Log struct {
	log   *slog.Logger
	what  string
	every time.Duration
	now   func() time.Time

	down atomic.Bool // mirrors state.down, for the fast path of OK

	mu    sync.Mutex
	state struct {
		down     bool
		since    time.Time // first failure of this outage
		total    int       // failures of this outage
		last     time.Time // when the last line was logged
		failures int       // failures since then
		first    error     // the first of them
	}
}

// Option changes a Log.
type Option func(*Log)

// WithClock makes the Log read the time from now instead of time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(l *Log) { l.now = now } }

// WithEvery makes the Log summarise an outage every d instead of DefaultEvery.
func WithEvery(d time.Duration) Option {
	return func(l *Log) {
		if d > 0 {
			l.every = d
		}
	}
}

// New returns a Log writing to log about what ("store", "database").
func New(log *slog.Logger, what string, opts ...Option) *Log {
	l := &Log{log: log, what: what, every: DefaultEvery, now: time.Now}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Fail records a call that failed because the dependency could not be reached.
func (l *Log) Fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	s := &l.state
	if !s.down {
		s.down, s.since, s.total, s.last, s.failures, s.first = true, now, 1, now, 0, nil
		l.down.Store(true)
		l.log.Warn(l.what+" unavailable", "err", err)
		return
	}
	s.total++
	s.failures++
	if s.first == nil {
		s.first = err
	}
	if now.Sub(s.last) >= l.every {
		l.log.Warn(l.what+" still unavailable", "failures", s.failures, "err", s.first, "for", now.Sub(s.since).Round(time.Millisecond))
		s.last, s.failures, s.first = now, 0, nil
	}
}

// OK records a call the dependency answered.
func (l *Log) OK() {
	if !l.down.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &l.state
	if !s.down {
		return
	}
	l.log.Info(l.what+" available again", "failures", s.total, "after", l.now().Sub(s.since).Round(time.Millisecond))
	s.down = false
	l.down.Store(false)
}
