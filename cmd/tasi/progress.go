package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/tasi-gis/tasi/analysis"
)

// progress shows how far the long steps of a command have come: a bar redrawn in place
// when stderr is a terminal, else (a log file, CI, a service's journal) a log line per
// step every logEvery while it runs and one when it ends, never one per item.
//
// It takes any step name and any number of calls, from several goroutines at once, and
// steps that run side by side. A step ends when it reports Done ≥ Total; a report of the
// same step with Done = 0 after that starts it again. Reports with Total ≤ 0 are ignored.
type progress struct {
	mu    sync.Mutex
	w     io.Writer    // the terminal
	log   *slog.Logger // when there is no terminal
	tty   bool
	now   func() time.Time
	steps map[string]*stepProgress

	drawn     time.Time // when the bar was last drawn
	drawnStep string    // and for which step ("" when it is not shown)
}

// stepProgress is how far one step has come.
type stepProgress struct {
	start, logged time.Time
	done, total   int
	ended         bool
}

const (
	logEvery   = 5 * time.Second        // between two log lines of a step
	redrawBar  = 100 * time.Millisecond // between two redraws of the bar for one step
	barWidth   = 20
	stepColumn = 32 // width of the step name before the bar: lines fit in 80 columns
)

// newProgress returns the progress reporter for e's stderr.
func newProgress(e *env) *progress {
	return newProgressTo(e.stderr, e.log, isTerminal(e.stderr), time.Now)
}

func newProgressTo(w io.Writer, log *slog.Logger, tty bool, now func() time.Time) *progress {
	return &progress{w: w, log: log, tty: tty, now: now, steps: make(map[string]*stepProgress)}
}

// isTerminal reports whether w is a character device, as a terminal is.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update records a report; analysis.Params.Progress and the writers call it.
func (p *progress) update(u analysis.Progress) {
	if u.Total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	s := p.steps[u.Step]
	if s == nil || (s.ended && u.Done == 0) {
		s = &stepProgress{start: now, logged: now}
		p.steps[u.Step] = s
	}
	if s.ended {
		return // a late report from another goroutine
	}
	s.done, s.total = max(s.done, u.Done), u.Total
	s.ended = s.done >= s.total
	if p.tty {
		p.draw(u.Step, s, now)
		return
	}
	switch {
	case s.ended:
		p.log.Info("step finished", "step", u.Step, "total", s.total, "took", now.Sub(s.start).Round(time.Millisecond).String())
	case now.Sub(s.logged) >= logEvery:
		s.logged = now
		elapsed := now.Sub(s.start)
		args := []any{"step", u.Step, "done", s.done, "total", s.total, "percent", 100 * s.done / s.total,
			"elapsed", elapsed.Round(time.Second).String()}
		if s.done > 0 {
			eta := time.Duration(float64(elapsed) * float64(s.total-s.done) / float64(s.done))
			args = append(args, "eta", eta.Round(time.Second).String())
		}
		p.log.Info("progress", args...)
	}
}

// draw redraws the bar for step unless it was drawn for the same step a moment ago.
func (p *progress) draw(step string, s *stepProgress, now time.Time) {
	if step == p.drawnStep && !s.ended && now.Sub(p.drawn) < redrawBar {
		return
	}
	p.drawn, p.drawnStep = now, step
	filled := barWidth * s.done / s.total
	name := []rune(step)
	if len(name) > stepColumn {
		name = append(name[:stepColumn-1], '…')
	}
	fmt.Fprintf(p.w, "\r\033[K%-*s [%s%s] %3d%% %d/%d", stepColumn, string(name),
		strings.Repeat("█", filled), strings.Repeat("·", barWidth-filled), 100*s.done/s.total, s.done, s.total)
}

// done ends a group of steps: it clears the bar, so that what is printed next starts on
// a clean line. Steps reported afterwards start again.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawnStep != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.drawnStep = ""
	clear(p.steps)
}
