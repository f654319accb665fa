// Package fileset replaces a set of files together: after Commit every file of the set is
// the new one, after Abort, a failure or a crash at any point every file is the one from
// before, and the set is never left mixed (a new GeoPackage beside old CSV files). The
// files may lie in different folders.
//
// Why: a run writes several outputs (a GeoPackage and CSV files) that readers take as one
// result. Writing each under a temporary name and renaming it is atomic for one file only;
// a failure or a kill between two renames leaves the set mixed, and a killed writer leaves
// its temporary files (tens of megabytes) behind for good.
//
// How, in each folder that holds a file of the set (every name is hidden, so that file
// browsers and globs skip them; ID is random per Set):
//
//	.NAME.tasi-ID.tmp     the new NAME, written by the caller; in NAME's folder, so that
//	                      renaming it over NAME is atomic
//	.tasi-ID.lock         held with flock(2) by the writer for its whole life, so that a
//	                      writer that dies, however it dies, is known to be dead; it lists
//	                      the folders of the set
//	.tasi-ID.journal      written by Commit once every new file is complete (a copy in
//	                      each folder): the set's files and the direction, forward while
//	                      the new files are put in place, back while a failed commit
//	                      puts the old ones back
//	.NAME.tasi-ID.old     a hard link to the NAME being replaced, while Commit runs
//	.tasi.lock            held while a set is committed or cleaned up, so that commits
//	                      and clean-ups in one folder never interleave
//
// Begin and Commit first clean up after writers that died in the folders they touch (and
// in the other folders of those writers' sets): files of a writer whose lock is free are
// removed, and a journal they left is finished, forward when it says forward (every new
// file was complete before it was written), back when it says back. Files of a writer
// that is alive, another run writing beside this one, are left alone.
//
// Locks are flock(2) advisory locks: on systems without flock (Windows), the files of
// dead writers are never removed or recovered, and commits are not serialised. Locks do
// not work across machines sharing a network file system.
package fileset

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Set is a group of files being replaced together. Its methods must be called from one
// goroutine at a time.
type Set struct {
	id    string
	files []file
	given map[string]int // index in files of each path as given to Begin
	dirs  []string       // the distinct folders of files, sorted
	locks []*os.File     // this writer's held lock files, one per folder
	done  bool           // Commit or Abort has run
	left  Leftovers

	// Hooks for tests; the os functions otherwise.
	rename func(oldpath, newpath string) error
	link   func(oldpath, newpath string) error
	// crash, when it returns true at a stage of Commit, makes Commit stop there as if the
	// process had been killed: nothing is cleaned up and every lock is released.
	crash func(stage string) bool
}

// file is one file of a set.
type file struct {
	final        string // absolute, with its folder's symbolic links resolved
	temp, backup string
}

// Leftovers is what Begin found of writers that died, and what it did with it.
type Leftovers struct {
	Removed   []string // their temporary, backup, journal and lock files, removed
	Completed []string // files a journal told to put in place, which now are
	Restored  []string // files a journal told to put back, which now are
}

// Empty reports whether nothing was found.
func (l Leftovers) Empty() bool {
	return len(l.Removed) == 0 && len(l.Completed) == 0 && len(l.Restored) == 0
}

func (l *Leftovers) add(o Leftovers) {
	l.Removed = append(l.Removed, o.Removed...)
	l.Completed = append(l.Completed, o.Completed...)
	l.Restored = append(l.Restored, o.Restored...)
}

// Begin starts replacing the files at paths, creating their folders when missing. It
// first cleans up after dead writers in those folders (see the package documentation);
// Leftovers says what it found. Call Temp for the name to write each new file under,
// then Commit or Abort; Abort after Commit does nothing, so
//
//	s, err := fileset.Begin(a, b)
//	...
//	defer s.Abort()
//
// is the usual way to use it.
func Begin(paths ...string) (*Set, error) {
	if len(paths) == 0 {
		return nil, errors.New("begin file set: no files")
	}
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("begin file set: %w", err)
	}
	s := &Set{
		id:     hex.EncodeToString(b),
		given:  make(map[string]int, len(paths)),
		rename: os.Rename,
		link:   os.Link,
		crash:  func(string) bool { return false },
	}
	seen := make(map[string]bool)
	for i, p := range paths {
		final, err := resolve(p)
		if err != nil {
			return nil, fmt.Errorf("begin file set: %s: %w", p, err)
		}
		if seen[final] {
			return nil, fmt.Errorf("begin file set: %s given twice", p)
		}
		seen[final] = true
		s.given[p] = i
		s.files = append(s.files, file{final: final, temp: tempName(final, s.id), backup: backupName(final, s.id)})
		if d := filepath.Dir(final); !slices.Contains(s.dirs, d) {
			s.dirs = append(s.dirs, d)
		}
	}
	slices.Sort(s.dirs)
	err := s.critical(s.dirs, func() error {
		for _, d := range s.dirs {
			f, err := createOwnLock(d, s.id, s.dirs)
			if err != nil {
				return err
			}
			s.locks = append(s.locks, f)
		}
		return nil
	})
	if err != nil {
		for _, f := range s.locks {
			os.Remove(f.Name())
			f.Close()
		}
		return nil, fmt.Errorf("begin file set: %w", err)
	}
	return s, nil
}

// resolve returns p as an absolute path whose folder exists and has no symbolic links,
// so that the same folder always has the same name (locks are taken in name order).
func resolve(p string) (string, error) {
	if p == "" || os.IsPathSeparator(p[len(p)-1]) {
		return "", errors.New("not a file name")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	dir, base := filepath.Split(abs)
	if base == "" || base == "." || base == ".." {
		return "", errors.New("not a file name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	dir, err = filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, base), nil
}

// Leftovers returns what Begin cleaned up after writers that died.
func (s *Set) Leftovers() Leftovers { return s.left }

// Temp returns the name to write the new version of path under: hidden, in path's
// folder. path must be one of the paths given to Begin, as given; Temp panics otherwise.
// The file must not exist when Commit is called: write it whole or not at all.
func (s *Set) Temp(path string) string {
	i, ok := s.given[path]
	if !ok {
		panic(fmt.Sprintf("fileset: Temp(%q): not a path given to Begin", path))
	}
	return s.files[i].temp
}

// Commit puts every new file in place of the old one, together. It fails, leaving every
// old file as it was, when a new file was not written or a path is a folder. It cannot be
// cancelled: once the journal is written it either puts all the new files in place or,
// when a rename fails, all the old ones back (a rename that cannot be undone is an error
// that names the journal left for the next Begin to finish).
//
// Commit syncs every new file and the folders, so that after a crash of the machine the
// set is as the last successful Commit left it.
func (s *Set) Commit() error {
	if s.done {
		return errors.New("commit file set: already committed or aborted")
	}
	s.done = true
	ran, crashed := false, false
	err := s.critical(s.dirs, func() error {
		ran = true
		err := s.commitLocked()
		crashed = errors.Is(err, errCrashed)
		return err
	})
	if !ran { // cleaning up after a dead writer failed
		s.cleanup()
	}
	if crashed {
		for _, f := range s.locks {
			f.Close()
		}
		s.locks = nil
		return err
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// errCrashed is returned by Commit when the crash hook stopped it.
var errCrashed = errors.New("fileset: crash simulated by a test")

func (s *Set) commitLocked() error {
	entries := make([]entry, len(s.files))
	for i, f := range s.files {
		fi, err := os.Lstat(f.temp)
		if err != nil {
			s.cleanup()
			return fmt.Errorf("%s: the new file was not written: %w", f.final, err)
		}
		if !fi.Mode().IsRegular() {
			s.cleanup()
			return fmt.Errorf("%s: the new file %s is not a regular file", f.final, f.temp)
		}
		if old, err := os.Lstat(f.final); err == nil {
			if old.IsDir() {
				s.cleanup()
				return fmt.Errorf("%s: is a folder", f.final)
			}
			entries[i].Existed = true
			// A replaced file keeps its permissions (a user who made results group
			// readable only keeps it so).
			if old.Mode().IsRegular() && old.Mode().Perm() != fi.Mode().Perm() {
				if err := os.Chmod(f.temp, old.Mode().Perm()); err != nil {
					s.cleanup()
					return fmt.Errorf("%s: %w", f.final, err)
				}
			}
		} else if !errors.Is(err, os.ErrNotExist) {
			s.cleanup()
			return fmt.Errorf("%s: %w", f.final, err)
		}
		entries[i].Final = f.final
		if err := syncFile(f.temp); err != nil {
			s.cleanup()
			return fmt.Errorf("%s: sync new file: %w", f.final, err)
		}
	}
	j := journal{ID: s.id, Direction: forward, Files: entries}
	for i, d := range s.dirs {
		if err := writeJournal(d, j); err != nil {
			s.cleanup()
			return err
		}
		if s.crash(fmt.Sprintf("journal %d", i+1)) {
			return errCrashed
		}
	}
	if err := s.forward(j, func(i int) bool { return s.crash(fmt.Sprintf("rename %d", i+1)) }); err != nil {
		if errors.Is(err, errCrashed) {
			return err
		}
		if err := s.rollBack(j); err != nil {
			if errors.Is(err, errCrashed) {
				return err
			}
			for _, f := range s.locks { // the journal stays, for the next Begin
				f.Close()
			}
			s.locks = nil
			return err
		}
		s.cleanup()
		return fmt.Errorf("%w; every file was put back as it was", err)
	}
	// The set is in place: what follows only tidies up, and the next Begin redoes what
	// fails of it.
	for _, d := range s.dirs {
		_ = syncDir(d)
	}
	s.cleanup()
	return nil
}

// rollBack turns journal j back and puts the old files back.
func (s *Set) rollBack(j journal) error {
	j.Direction = back
	var jerr error
	for _, d := range j.dirs() {
		jerr = errors.Join(jerr, writeJournal(d, j))
	}
	if s.crash("journal back") {
		return errCrashed
	}
	if err := s.back(j); err != nil {
		return fmt.Errorf("put the old files back: %w (the journals %s are left for the next run to finish)",
			errors.Join(err, jerr), journalName(j.ID))
	}
	return nil
}

// Abort removes the new files and leaves every old file as it was. It does nothing after
// Commit or a first Abort.
func (s *Set) Abort() error {
	if s.done {
		return nil
	}
	s.done = true
	if err := s.cleanup(); err != nil {
		return fmt.Errorf("abort file set: %w", err)
	}
	return nil
}

// cleanup removes every file of this writer, its lock files last, and releases its
// locks. It needs no folder lock: until its lock files go, this writer is known to be
// alive and no one else touches its files, and once they go there is nothing left.
func (s *Set) cleanup() error {
	_, err := removeWriter(s.dirs, s.id)
	for _, f := range s.locks {
		f.Close()
	}
	s.locks = nil
	return err
}

// forward puts the new files of j in place, in order, each after linking the old one to
// its backup name; files already in place are skipped. after, when not nil, is called
// after each rename and stops forward with errCrashed when it returns true.
func (s *Set) forward(j journal, after func(i int) bool) error {
	for i, e := range j.Files {
		temp, backup := tempName(e.Final, j.ID), backupName(e.Final, j.ID)
		if !exists(temp) {
			continue // put in place before
		}
		if e.Existed && !exists(backup) && exists(e.Final) {
			if err := s.link(e.Final, backup); err != nil {
				// A file system without hard links: move the old file aside instead,
				// leaving no file at the name until the rename below.
				if err := s.rename(e.Final, backup); err != nil {
					return fmt.Errorf("%s: keep the old file: %w", e.Final, err)
				}
			}
		}
		if err := s.rename(temp, e.Final); err != nil {
			return fmt.Errorf("%s: %w", e.Final, err)
		}
		if after != nil && after(i) {
			return errCrashed
		}
	}
	return nil
}

// back puts the old files of j back, whatever forward had done; it goes on after an
// error and returns them all.
func (s *Set) back(j journal) error {
	var errs []error
	for _, e := range j.Files {
		temp, backup := tempName(e.Final, j.ID), backupName(e.Final, j.ID)
		switch {
		case exists(temp): // not renamed: the old file is at its name, or moved aside
			if exists(backup) && !exists(e.Final) {
				if err := s.rename(backup, e.Final); err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", e.Final, err))
					continue
				}
			}
			errs = append(errs, removeIfExists(temp), removeIfExists(backup))
		case exists(backup): // renamed over the old file, kept at backup
			if err := s.rename(backup, e.Final); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", e.Final, err))
				continue
			}
			errs = append(errs, removeIfExists(backup)) // a rename between two links of one file does nothing
		case !e.Existed: // renamed to a name that had no file
			errs = append(errs, removeIfExists(e.Final))
		}
	}
	for _, d := range j.dirs() {
		errs = append(errs, syncDir(d))
	}
	return errors.Join(errs...)
}

// Names of a writer's files.
const (
	idBytes        = 8
	hiddenPrefix   = "."
	namePrefix     = "tasi-"
	tempSuffix     = ".tmp"
	backupSuffix   = ".old"
	lockSuffix     = ".lock"
	journalSuffix  = ".journal"
	journalNew     = ".journal-new"
	folderLockName = ".tasi.lock"
)

func tempName(final, id string) string {
	return filepath.Join(filepath.Dir(final), hiddenPrefix+filepath.Base(final)+"."+namePrefix+id+tempSuffix)
}

func backupName(final, id string) string {
	return filepath.Join(filepath.Dir(final), hiddenPrefix+filepath.Base(final)+"."+namePrefix+id+backupSuffix)
}

func lockName(id string) string    { return hiddenPrefix + namePrefix + id + lockSuffix }
func journalName(id string) string { return hiddenPrefix + namePrefix + id + journalSuffix }

// writerOf returns the writer id in the name of a file a writer made (a temporary file
// and what SQLite puts beside it, "…tmp-journal", a backup, a lock file, a journal), or
// "" for any other name.
func writerOf(name string) string {
	if !strings.HasPrefix(name, hiddenPrefix) {
		return ""
	}
	i := strings.LastIndex(name, "."+namePrefix)
	if i < 0 {
		if !strings.HasPrefix(name, hiddenPrefix+namePrefix) {
			return ""
		}
		i = 0
	}
	rest := name[i+1+len(namePrefix):]
	if len(rest) < 2*idBytes+2 || rest[2*idBytes] != '.' {
		return ""
	}
	id := rest[:2*idBytes]
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	switch kind, _, _ := strings.Cut(rest[2*idBytes:], "-"); kind {
	case tempSuffix, backupSuffix, lockSuffix, journalSuffix:
		return id
	}
	return ""
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if errors.Is(err, syscall.EINVAL) { // some file systems cannot sync a folder
		err = nil
	}
	return errors.Join(err, f.Close())
}
