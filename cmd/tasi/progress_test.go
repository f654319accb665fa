package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logProgress returns a progress reporter for a log without a terminal, on a fake clock,
// and the log's lines without their time.
func logProgress() (*progress, *fakeClock, func() []string) {
	var mu sync.Mutex
	var buf bytes.Buffer
	h := slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgressTo(&buf, slog.New(h), false, clock.now)
	return p, clock, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (w lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(b)
}

// TestProgressLog follows two steps side by side, on a fake clock, where there is no
// terminal: a line per step every five seconds and one when it ends, never one per report.
func TestProgressLog(t *testing.T) {
	p, clock, lines := logProgress()
	stats := func(done, total int) { p.update(analysis.Progress{Step: "statistics", Done: done, Total: total}) }
	write := func(done int) {
		p.update(analysis.Progress{Step: "write results.gpkg: intersections", Done: done, Total: 500000})
	}

	stats(0, 1000)
	for i := 1; i <= 200; i++ { // many reports in no time: no line
		stats(i, 1000)
	}
	clock.advance(2 * time.Second)
	write(0)
	stats(300, 1000)
	clock.advance(3 * time.Second) // statistics at 5 s, writing at 3 s
	stats(500, 1000)
	write(100000)
	clock.advance(1 * time.Second)
	stats(600, 1000) // 1 s after its last line: none
	clock.advance(1 * time.Second)
	write(200000) // writing at 5 s
	clock.advance(4 * time.Second)
	stats(400, 1000) // a late report from another goroutine, at 11 s: statistics stays at 600
	clock.advance(1 * time.Second)
	stats(900, 1000)
	stats(1000, 1000)
	stats(1000, 1000) // ended already
	stats(999, 1000)
	p.update(analysis.Progress{Step: "unknown total", Done: 5, Total: 0})
	stats(0, 10) // a new round of the step
	clock.advance(time.Second)
	stats(10, 10)
	clock.advance(10 * time.Second)
	write(500000)

	want := []string{
		`level=INFO msg=progress step=statistics done=500 total=1000 percent=50 elapsed=5s eta=5s`,
		`level=INFO msg=progress step="write results.gpkg: intersections" done=200000 total=500000 percent=40 elapsed=5s eta=8s`,
		`level=INFO msg=progress step=statistics done=600 total=1000 percent=60 elapsed=11s eta=7s`,
		`level=INFO msg="step finished" step=statistics total=1000 took=12s`,
		`level=INFO msg="step finished" step=statistics total=10 took=1s`,
		`level=INFO msg="step finished" step="write results.gpkg: intersections" total=500000 took=21s`,
	}
	if got := lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProgressConcurrent reports from many goroutines at once (run it with -race): each
// step ends once, with one line, however the reports interleave.
func TestProgressConcurrent(t *testing.T) {
	p, _, lines := logProgress()
	const total = 5000
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < 3*total; i += 8 {
				step := fmt.Sprintf("step %d", i%3)
				p.update(analysis.Progress{Step: step, Done: i/3 + 1, Total: total})
			}
		})
	}
	wg.Wait()
	got := lines()
	if len(got) != 3 {
		t.Fatalf("%d lines, want one per step:\n%s", len(got), strings.Join(got, "\n"))
	}
	for _, l := range got {
		if !strings.Contains(l, `msg="step finished"`) || !strings.Contains(l, "total=5000 took=0s") {
			t.Errorf("line %s", l)
		}
	}
}

// TestProgressBar draws on a terminal: redrawn in place, at most every 100 ms for one
// step, always at a step's start and end, and cleared by done.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgressTo(&buf, nil, true, clock.now)
	for i := range 1001 {
		p.update(analysis.Progress{Step: "statistics", Done: i, Total: 1000})
		if i == 500 {
			clock.advance(redrawBar) // the next report is drawn
		}
	}
	p.update(analysis.Progress{Step: "a step with a name too long for its column, cut", Done: 1, Total: 4})
	p.done()
	draws := strings.Split(buf.String(), "\r\033[K")
	want := []string{
		"",
		"statistics                       [····················]   0% 0/1000",
		"statistics                       [██████████··········]  50% 501/1000",
		"statistics                       [████████████████████] 100% 1000/1000",
		"a step with a name too long for… [█████···············]  25% 1/4",
		"",
	}
	if strings.Join(draws, "\n") != strings.Join(want, "\n") {
		t.Errorf("drawn:\n%s\nwant:\n%s", strings.Join(draws, "\n"), strings.Join(want, "\n"))
	}
}
