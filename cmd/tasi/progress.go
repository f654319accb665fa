package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/tasi-gis/tasi/analysis"
)

// progressBar draws the progress of long steps on a terminal, and stays silent when
// stderr is a file or pipe (logs and CI output get the one-line step summaries instead).
type progressBar struct {
	mu   sync.Mutex
	w    io.Writer
	tty  bool
	last string
}

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil {
			tty = fi.Mode()&os.ModeCharDevice != 0
		}
	}
	return &progressBar{w: w, tty: tty}
}

func (b *progressBar) update(p analysis.Progress) {
	if !b.tty || p.Total <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	const width = 30
	filled := width * p.Done / p.Total
	line := fmt.Sprintf("\r%-14s [%s%s] %3d%%", p.Step, strings.Repeat("█", filled), strings.Repeat("·", width-filled), 100*p.Done/p.Total)
	if line != b.last {
		fmt.Fprint(b.w, line)
		b.last = line
	}
}

func (b *progressBar) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tty && b.last != "" {
		fmt.Fprint(b.w, "\r\033[K")
		b.last = ""
	}
}
