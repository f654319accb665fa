package fileset

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// outputs is the set a tasi run writes, in two folders: a GeoPackage that exists, a CSV
// file that exists and one that does not yet.
type outputs struct {
	gpkg, transects, admin string
	old                    map[string][]byte // the files before, by path
}

func newOutputs(t *testing.T) outputs {
	t.Helper()
	root := t.TempDir()
	o := outputs{
		gpkg:      filepath.Join(root, "a", "results.gpkg"),
		transects: filepath.Join(root, "b", "transects.csv"),
		admin:     filepath.Join(root, "b", "admin_change.csv"),
	}
	o.old = map[string][]byte{o.gpkg: []byte("old gpkg"), o.transects: []byte("old transects")}
	for p, b := range o.old {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return o
}

func (o outputs) paths() []string { return []string{o.gpkg, o.transects, o.admin} }
func (o outputs) dirs() []string  { return []string{filepath.Dir(o.gpkg), filepath.Dir(o.admin)} }

// begin starts a set of o's files and writes their new versions, tagged with tag.
func (o outputs) begin(t *testing.T, tag string) *Set {
	t.Helper()
	s, err := Begin(o.paths()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range o.paths() {
		if err := os.WriteFile(s.Temp(p), []byte(tag+" "+filepath.Base(p)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// checkOld fails t unless every file of o is as it was before.
func (o outputs) checkOld(t *testing.T) {
	t.Helper()
	for _, p := range o.paths() {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			continue // put there by the test
		}
		got, err := os.ReadFile(p)
		if want, ok := o.old[p]; ok {
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s = %q, %v; want the old %q", filepath.Base(p), got, err, want)
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s = %q, %v; want no file, as before", filepath.Base(p), got, err)
		}
	}
}

// checkNew fails t unless every file of o is the new one tagged tag.
func (o outputs) checkNew(t *testing.T, tag string) {
	t.Helper()
	for _, p := range o.paths() {
		if got, err := os.ReadFile(p); err != nil || string(got) != tag+" "+filepath.Base(p) {
			t.Errorf("%s = %q, %v; want the new %q", filepath.Base(p), got, err, tag+" "+filepath.Base(p))
		}
	}
}

// hidden returns the hidden files in o's folders.
func (o outputs) hidden(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, d := range o.dirs() {
		entries, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				names = append(names, filepath.Join(filepath.Base(d), e.Name()))
			}
		}
	}
	return names
}

func (o outputs) checkClean(t *testing.T) {
	t.Helper()
	if h := o.hidden(t); len(h) > 0 {
		t.Errorf("files left behind: %v", h)
	}
}

// die makes s's writer die as kill -9 would make it: its files stay, its locks go.
func die(s *Set) {
	for _, f := range s.locks {
		f.Close()
	}
	s.locks, s.done = nil, true
}

func TestCommit(t *testing.T) {
	o := newOutputs(t)
	s := o.begin(t, "new")
	for _, p := range o.paths() {
		tmp := s.Temp(p)
		if filepath.Dir(tmp) != filepath.Dir(p) || !strings.HasPrefix(filepath.Base(tmp), ".") {
			t.Errorf("Temp(%s) = %s, want a hidden file in the same folder", p, tmp)
		}
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	o.checkNew(t, "new")
	o.checkClean(t)
	if fi, err := os.Stat(o.gpkg); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("the replaced file's mode is %v (%v), want 0640 as before", fi.Mode(), err)
	}
	if fi, err := os.Stat(o.admin); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the new file's mode is %v (%v), want 0644 as written", fi.Mode(), err)
	}
	if err := s.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	o.checkNew(t, "new")
	if err := s.Commit(); err == nil {
		t.Errorf("a second Commit succeeded")
	}
}

func TestAbort(t *testing.T) {
	o := newOutputs(t)
	s := o.begin(t, "new")
	if err := os.WriteFile(s.Temp(o.gpkg)+"-journal", []byte("sqlite"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Abort(); err != nil {
		t.Fatal(err)
	}
	o.checkOld(t)
	o.checkClean(t)
	if err := s.Commit(); err == nil {
		t.Errorf("Commit after Abort succeeded")
	}
}

// TestCommitFails makes Commit fail before and while renaming: every old file must be
// as it was, with nothing left behind.
func TestCommitFails(t *testing.T) {
	for _, tc := range []struct {
		name    string
		failAt  int  // the n-th rename of a new file fails
		noLinks bool // a file system without hard links
		prepare func(t *testing.T, o outputs, s *Set)
	}{
		{name: "first rename", failAt: 1},
		{name: "second rename", failAt: 2},
		{name: "third rename", failAt: 3},
		{name: "third rename, no hard links", failAt: 3, noLinks: true},
		{name: "second rename, no hard links", failAt: 2, noLinks: true},
		{name: "a new file not written", prepare: func(t *testing.T, o outputs, s *Set) {
			os.Remove(s.Temp(o.admin))
		}},
		{name: "a folder at a name", prepare: func(t *testing.T, o outputs, s *Set) {
			if err := os.MkdirAll(filepath.Join(o.admin, "x"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOutputs(t)
			s := o.begin(t, "new")
			renames := 0
			s.rename = func(oldpath, newpath string) error {
				if strings.HasSuffix(oldpath, tempSuffix) {
					if renames++; renames == tc.failAt {
						return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EIO}
					}
				}
				return os.Rename(oldpath, newpath)
			}
			if tc.noLinks {
				s.link = func(oldpath, newpath string) error {
					return &os.LinkError{Op: "link", Old: oldpath, New: newpath, Err: syscall.EPERM}
				}
			}
			if tc.prepare != nil {
				tc.prepare(t, o, s)
			}
			err := s.Commit()
			if err == nil {
				t.Fatal("Commit succeeded")
			}
			t.Log(err)
			o.checkOld(t)
			if tc.name == "a folder at a name" {
				if fi, err := os.Stat(o.admin); err != nil || !fi.IsDir() {
					t.Errorf("the folder is gone: %v", err)
				}
			}
			o.checkClean(t)
		})
	}
}

// TestLeftovers: Begin removes what a dead writer left, in every folder of its set, and
// leaves a live writer's files alone.
func TestLeftovers(t *testing.T) {
	o := newOutputs(t)
	live := o.begin(t, "live")
	dead := o.begin(t, "dead")
	sidecar := dead.Temp(o.gpkg) + "-journal" // SQLite's, beside a GeoPackage being written
	if err := os.WriteFile(sidecar, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	die(dead)
	deadFiles := o.hidden(t)

	// A third writer of the GeoPackage alone, in folder a: the dead writer's files in
	// folder b go too, the live writer's stay.
	s, err := Begin(o.gpkg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	left := s.Leftovers()
	if len(left.Completed) > 0 || len(left.Restored) > 0 {
		t.Errorf("leftovers %+v, want files removed and nothing recovered", left)
	}
	for _, p := range append(o.paths(), sidecar) {
		tmp := p
		if p != sidecar {
			tmp = dead.Temp(p)
		}
		if _, err := os.Lstat(tmp); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the dead writer's %s is still there (%v)", filepath.Base(tmp), err)
		}
		if !slices.Contains(left.Removed, tmp) {
			t.Errorf("Leftovers().Removed does not list %s: %v", tmp, left.Removed)
		}
		if p != sidecar {
			if _, err := os.Lstat(live.Temp(p)); err != nil {
				t.Errorf("the live writer's %s: %v", filepath.Base(live.Temp(p)), err)
			}
		}
	}
	if len(left.Removed) != 6 { // three new files, its lock in a and in b, the sidecar
		t.Errorf("removed %d files, want 6: %v (were %v)", len(left.Removed), left.Removed, deadFiles)
	}
	if err := live.Commit(); err != nil {
		t.Fatal(err)
	}
	o.checkNew(t, "live")
	if err := s.Abort(); err != nil {
		t.Fatal(err)
	}
	o.checkClean(t)
}

// TestRecoverJournal kills a writer at each step of its commit, then begins a new set of
// one of the files: the dead writer's set must be all new or all old, never mixed, and
// nothing of it left.
func TestRecoverJournal(t *testing.T) {
	for _, tc := range []struct {
		stage    string // where the writer dies
		failAt   int    // the n-th rename of a new file fails first
		want     string // "new" or "old"
		finished bool   // Leftovers reports the set as completed or restored
	}{
		{stage: "writing", want: "old"},
		{stage: "journal 1", want: "new", finished: true},
		{stage: "journal 2", want: "new", finished: true},
		{stage: "rename 1", want: "new", finished: true},
		{stage: "rename 2", want: "new", finished: true},
		{stage: "rename 3", want: "new", finished: true}, // all renamed, journal not removed
		{stage: "journal back", failAt: 3, want: "old", finished: true},
	} {
		for _, next := range []string{"a", "b"} { // the folder the next writer touches
			t.Run(fmt.Sprintf("%s/next in %s", tc.stage, next), func(t *testing.T) {
				o := newOutputs(t)
				s := o.begin(t, "new")
				if tc.stage == "writing" {
					die(s)
				} else {
					renames := 0
					s.rename = func(oldpath, newpath string) error {
						if strings.HasSuffix(oldpath, tempSuffix) {
							if renames++; renames == tc.failAt {
								return syscall.EIO
							}
						}
						return os.Rename(oldpath, newpath)
					}
					s.crash = func(stage string) bool { return stage == tc.stage }
					if err := s.Commit(); !errors.Is(err, errCrashed) {
						t.Fatalf("Commit = %v, want it to die at %s", err, tc.stage)
					}
				}
				path := o.gpkg
				if next == "b" {
					path = o.admin
				}
				n, err := Begin(path)
				if err != nil {
					t.Fatal(err)
				}
				left := n.Leftovers()
				if err := n.Abort(); err != nil {
					t.Fatal(err)
				}
				if tc.want == "new" {
					o.checkNew(t, "new")
				} else {
					o.checkOld(t)
				}
				o.checkClean(t)
				finished := left.Completed
				if tc.want == "old" {
					finished = left.Restored
				}
				if tc.finished != (len(finished) == 3) || len(left.Completed)+len(left.Restored) != len(finished) {
					t.Errorf("leftovers %+v", left)
				}
			})
		}
	}
}

// TestConcurrentCommits commits the same set from several writers at once: whichever
// commits last, the set must be all of one writer.
func TestConcurrentCommits(t *testing.T) {
	o := newOutputs(t)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 10 {
				s, err := Begin(o.paths()...)
				if err != nil {
					t.Error(err)
					return
				}
				tag := fmt.Sprintf("w%d-%d", w, i)
				for _, p := range o.paths() {
					if err := os.WriteFile(s.Temp(p), []byte(tag+" "+filepath.Base(p)), 0o644); err != nil {
						t.Error(err)
					}
				}
				if err := s.Commit(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	b, err := os.ReadFile(o.gpkg)
	if err != nil {
		t.Fatal(err)
	}
	tag, _, _ := strings.Cut(string(b), " ")
	o.checkNew(t, tag)
	o.checkClean(t)
}

func TestBeginErrors(t *testing.T) {
	dir := t.TempDir()
	for _, paths := range [][]string{
		nil,
		{filepath.Join(dir, "a.csv"), filepath.Join(dir, ".", "a.csv")},
		{dir + "/"},
	} {
		if s, err := Begin(paths...); err == nil {
			s.Abort()
			t.Errorf("Begin(%q) succeeded", paths)
		}
	}
	s, err := Begin(filepath.Join(dir, "new", "deeper", "a.csv"))
	if err != nil {
		t.Fatalf("Begin in a folder to create: %v", err)
	}
	s.Abort()
}

func TestWriterOf(t *testing.T) {
	const id = "0123456789abcdef"
	for name, want := range map[string]string{
		".results.gpkg.tasi-" + id + ".tmp":         id,
		".results.gpkg.tasi-" + id + ".tmp-journal": id,
		".results.gpkg.tasi-" + id + ".tmp-wal":     id,
		".a.csv.tasi-" + id + ".old":                id,
		".tasi-" + id + ".lock":                     id,
		".tasi-" + id + ".journal":                  id,
		".tasi-" + id + ".journal-new":              id,
		".tasi.lock":                                "",
		"results.gpkg.tasi-" + id + ".tmp":          "", // not hidden
		".results.gpkg.tasi-" + id + ".bak":         "",
		".results.gpkg.tasi-0123.tmp":               "",
		".results.gpkg.tasi-0123456789ABCDEF.tmp":   "",
		".results.gpkg.tmp-123456":                  "",
		"transects.csv":                             "",
	} {
		if got := writerOf(name); got != want {
			t.Errorf("writerOf(%q) = %q, want %q", name, got, want)
		}
	}
}
