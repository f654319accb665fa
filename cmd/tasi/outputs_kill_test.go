package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/data/gpkg"
)

// hiddenFiles returns the names of the hidden files in dir that start with prefix.
func hiddenFiles(t *testing.T, dir, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+prefix) {
			names = append(names, e.Name())
		}
	}
	return names
}

// fileHashes returns the SHA-256 of each file.
func fileHashes(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	h := make(map[string]string)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.New()
		if _, err := io.Copy(s, f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		h[filepath.Base(p)] = fmt.Sprintf("%x", s.Sum(nil))
	}
	return h
}

// waitForFile polls dir every millisecond until a hidden file whose name starts with
// prefix holds at least size bytes, and returns its name; it fails t when p exits first.
func waitForFile(t *testing.T, p *process, dir, prefix string, size int64) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		for _, name := range hiddenFiles(t, dir, prefix) {
			if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.Size() >= size {
				return name
			}
		}
		select {
		case <-p.done:
			t.Fatalf("tasi exited before it wrote %s…:\n%s", prefix, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s… in 5 minutes", prefix)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestAnalyzeInterruptedAndKilled runs tasi as a process on the demo's whole Timor-Leste
// run (about 15,700 transects and 505,000 intersections, a 74 MB GeoPackage that takes a
// second or two to write), with the outputs of an earlier run in place:
//
//  1. Ctrl-C (SIGINT) while it writes the GeoPackage: it exits non-zero saying the
//     earlier outputs are as they were, and they are, byte for byte, with no temporary
//     file left;
//  2. kill -9 while it writes the GeoPackage leaves its temporary files; the next run
//     removes them and puts a complete set of outputs in place.
//
// To interrupt the write itself, the test stops the process (SIGSTOP) as soon as the
// GeoPackage's temporary file appears and checks that the CSV files are not begun yet
// before it signals; a run that got further (a test machine that stalled the test for
// seconds) is let finish and the step tried again.
func TestAnalyzeInterruptedAndKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds tasi and analyses the whole Timor-Leste demo four times")
	}
	t.Parallel()
	bin := buildTasi(t)
	dir := t.TempDir()
	demo := startTasi(t, bin, nil, "demo", "--dir", dir)
	demo.wait(t, "tasi demo") // the earlier outputs: results.gpkg, transects.csv, admin_change.csv
	outputs := []string{filepath.Join(dir, "results.gpkg"), filepath.Join(dir, "transects.csv"), filepath.Join(dir, "admin_change.csv")}
	args := []string{"analyze", "--shorelines", filepath.Join(dir, "shorelines.gpkg"), "--uncertainty-field", "uncertainty",
		"--spacing", "60", "--out", outputs[0], "--csv-dir", dir}
	leftovers := func() []string {
		var names []string
		for _, f := range outputs {
			names = append(names, hiddenFiles(t, dir, filepath.Base(f))...)
		}
		return append(names, hiddenFiles(t, dir, "tasi")...)
	}

	// 1. Ctrl-C.
	for attempt := 1; ; attempt++ {
		earlier := fileHashes(t, outputs...)
		p := startTasi(t, bin, nil, args...)
		tmp := waitForFile(t, p, dir, "results.gpkg.", 0)
		if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		late := len(hiddenFiles(t, dir, "transects.csv.")) > 0 || hasJournal(t, dir)
		if !late {
			if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		if late {
			if attempt == 3 {
				t.Fatalf("three times the GeoPackage was written before the test could stop tasi")
			}
			t.Logf("attempt %d: tasi was past the GeoPackage when stopped; trying again", attempt)
			p.wait(t, "tasi analyze")
			continue
		}
		select {
		case <-p.done:
		case <-time.After(5 * time.Minute):
			t.Fatalf("tasi did not exit 5 minutes after Ctrl-C")
		}
		var exit *exec.ExitError
		if !errors.As(p.err, &exit) || exit.ExitCode() != 1 || !strings.Contains(p.stderr.String(), "interrupted: earlier outputs left as they were") {
			t.Errorf("after Ctrl-C during the write (of %s): exit %v, want 1 and a message that the earlier outputs are as they were\n%s", tmp, p.err, p.stderr.String())
		}
		if got := fileHashes(t, outputs...); fmt.Sprint(got) != fmt.Sprint(earlier) {
			t.Errorf("outputs after Ctrl-C %v, want the earlier ones %v", got, earlier)
		}
		if l := leftovers(); len(l) > 0 {
			t.Errorf("Ctrl-C left %v", l)
		}
		break
	}

	// 2. kill -9 half-way through the GeoPackage, then a run to the end.
	for attempt := 1; ; attempt++ {
		p := startTasi(t, bin, nil, args...)
		waitForFile(t, p, dir, "results.gpkg.", 8<<20)
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-p.done
		if p.err == nil {
			if attempt == 3 {
				t.Fatalf("three times tasi finished before the test could kill it")
			}
			continue
		}
		break
	}
	stale := leftovers()
	if len(stale) == 0 {
		t.Fatalf("kill -9 during the write left no temporary file; the test proves nothing")
	}
	t.Logf("kill -9 left %v", stale)
	next := startTasi(t, bin, nil, args...)
	next.wait(t, "the run after kill -9")
	if l := leftovers(); len(l) > 0 {
		t.Errorf("after the next run, still %v", l)
	}
	if !strings.Contains(next.stderr.String(), "removed the temporary files of runs that were killed") {
		t.Errorf("the next run does not say it removed the killed run's files:\n%s", next.stderr.String())
	}
	_, rows := readCSV(t, outputs[1])
	res, prov, err := gpkg.Read(context.Background(), outputs[0], gpkg.WithoutIntersections())
	if err != nil {
		t.Fatal(err)
	}
	if prov.Parameters["spacing"] != "60" || len(res.Transects) != len(rows) || len(rows) < 10000 {
		t.Errorf("after the next run: GeoPackage of spacing %s with %d transects, transects.csv with %d rows; want a complete run of spacing 60",
			prov.Parameters["spacing"], len(res.Transects), len(rows))
	}
}

// hasJournal reports whether a commit's journal is in dir.
func hasJournal(t *testing.T, dir string) bool {
	t.Helper()
	for _, name := range hiddenFiles(t, dir, "tasi-") {
		if strings.Contains(name, ".journal") {
			return true
		}
	}
	return false
}
