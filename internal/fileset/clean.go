package fileset

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// critical runs fn holding the folder locks of dirs and of the other folders of every
// dead writer found in them, once the leftovers of those writers are cleaned up.
//
// Folder locks are taken in name order and all released before more are taken, so that
// two processes never wait for each other. When fn returns errCrashed the locks are
// released as a killed process releases them: without removing the lock files.
func (s *Set) critical(dirs []string, fn func() error) error {
	want := slices.Clone(dirs)
	for {
		held, err := lockFolders(want)
		if err != nil {
			return err
		}
		left, extra, err := s.cleanDead(want)
		s.left.add(left)
		if err == nil && len(extra) > 0 {
			unlockFolders(held, true)
			want = append(want, extra...)
			slices.Sort(want)
			continue
		}
		if err == nil {
			err = fn()
		}
		unlockFolders(held, !errors.Is(err, errCrashed))
		return err
	}
}

// lockFolders takes the folder lock of each of dirs, in order; it skips folders that do
// not exist.
func lockFolders(dirs []string) ([]*os.File, error) {
	var held []*os.File
	for _, d := range dirs {
		f, err := lockFolder(d)
		if err != nil {
			unlockFolders(held, true)
			return nil, err
		}
		if f != nil {
			held = append(held, f)
		}
	}
	return held, nil
}

// lockFolder takes dir's folder lock, waiting for it, or returns nil when dir does not
// exist. The lock file is removed by whoever releases it, so a process that waited for
// it may hold a file no longer at the name: it then tries again.
func lockFolder(dir string) (*os.File, error) {
	path := filepath.Join(dir, folderLockName)
	for {
		f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("lock folder %s: %w", dir, err)
		}
		if err := lock(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock folder %s: %w", dir, err)
		}
		held, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock folder %s: %w", dir, err)
		}
		if at, err := os.Lstat(path); err == nil && os.SameFile(held, at) {
			return f, nil
		}
		f.Close()
	}
}

// unlockFolders releases folder locks, removing their files when unlink is set.
func unlockFolders(held []*os.File, unlink bool) {
	for i := len(held) - 1; i >= 0; i-- {
		if unlink {
			os.Remove(held[i].Name())
		}
		held[i].Close()
	}
}

// createOwnLock creates and takes this writer's lock file in dir, listing dirs. The
// caller holds dir's folder lock, under which dead writers are looked for, so no one
// can see the file before it is locked.
func createOwnLock(dir, id string, dirs []string) (*os.File, error) {
	path := filepath.Join(dir, lockName(id))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create lock: %w", err)
	}
	b, err := json.Marshal(lockInfo{ID: id, Dirs: dirs})
	if err == nil {
		err = lock(f)
	}
	if err == nil {
		_, err = f.Write(b)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		os.Remove(path)
		f.Close()
		return nil, fmt.Errorf("create lock %s: %w", path, err)
	}
	return f, nil
}

// deadWriter is a writer that died with files left, and where they are.
type deadWriter struct {
	id       string
	dirs     []string   // every folder of its set that exists
	journals []journal  // the copies of its journal found
	probes   []*os.File // its lock files, held by this process
}

// cleanDead cleans up after every writer that died with files in held, folders whose
// locks the caller holds: it finishes their journals and removes their files. When one of
// them has files in other folders too, it does nothing and returns those folders, for
// the caller to take their locks as well and call again.
func (s *Set) cleanDead(held []string) (left Leftovers, extra []string, err error) {
	found := make(map[string][]string) // writer id: folders with its files
	for _, d := range held {
		entries, err := os.ReadDir(d)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return left, nil, fmt.Errorf("look for leftovers in %s: %w", d, err)
		}
		for _, e := range entries {
			if id := writerOf(e.Name()); id != "" && id != s.id && !slices.Contains(found[id], d) {
				found[id] = append(found[id], d)
			}
		}
	}
	var dead []*deadWriter
	defer func() {
		for _, w := range dead {
			for _, f := range w.probes {
				f.Close()
			}
		}
	}()
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		w, err := inspect(id, found[id])
		if err != nil {
			return left, nil, err
		}
		if w == nil {
			continue // alive, or another user's
		}
		dead = append(dead, w)
		for _, d := range w.dirs {
			if !slices.Contains(held, d) && !slices.Contains(extra, d) {
				extra = append(extra, d)
			}
		}
	}
	if len(extra) > 0 {
		return left, extra, nil
	}
	for _, w := range dead {
		if len(w.journals) > 0 {
			j := w.journals[0]
			for _, o := range w.journals[1:] {
				if o.Direction == back { // back was decided once any copy says so
					j.Direction = back
				}
			}
			if j.Direction == forward {
				if ferr := s.forward(j, nil); ferr != nil {
					if err := s.rollBack(j); err != nil {
						return left, nil, fmt.Errorf("finish the commit of a run that died (%w): %w", ferr, err)
					}
					left.Restored = append(left.Restored, j.finals()...)
				} else {
					left.Completed = append(left.Completed, j.finals()...)
				}
			} else {
				if err := s.back(j); err != nil {
					return left, nil, fmt.Errorf("undo the commit of a run that died: %w", err)
				}
				left.Restored = append(left.Restored, j.finals()...)
			}
		}
		removed, err := removeWriter(w.dirs, w.id)
		left.Removed = append(left.Removed, removed...)
		if err != nil {
			return left, nil, fmt.Errorf("remove the files of a run that died: %w", err)
		}
	}
	return left, nil, nil
}

// inspect returns writer id, whose files are in dirs, when it is dead: its lock files
// there are free (it held them until it died) and belong to this user. It returns nil
// for a writer that is alive or another user's.
func inspect(id string, dirs []string) (*deadWriter, error) {
	w := &deadWriter{id: id}
	all := slices.Clone(dirs)
	for _, d := range dirs {
		path := filepath.Join(d, lockName(id))
		fi, err := os.Lstat(path)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed last, after the writer's other files: a clean-up that died
		}
		if err != nil {
			return nil, fmt.Errorf("look for leftovers: %w", err)
		}
		if !ownedByMe(fi) || !fi.Mode().IsRegular() {
			w.close()
			return nil, nil
		}
		f, err := os.Open(path)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("look for leftovers: %w", err)
		}
		w.probes = append(w.probes, f)
		free, err := tryLock(f)
		if err != nil || !free {
			w.close()
			return nil, err
		}
		var info lockInfo
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &info) == nil && info.ID == id {
			for _, o := range info.Dirs {
				if filepath.IsAbs(o) && !slices.Contains(all, o) {
					all = append(all, o)
				}
			}
		}
	}
	// The copies of its journal, and the folders they name, until no new folder turns up.
	read := make(map[string]bool)
	for more := true; more; {
		more = false
		for _, d := range slices.Clone(all) {
			if read[d] {
				continue
			}
			read[d] = true
			j, err := readJournal(filepath.Join(d, journalName(id)), id)
			if err != nil {
				continue // none there, or not one to trust
			}
			w.journals = append(w.journals, j)
			for _, o := range j.dirs() {
				if !slices.Contains(all, o) {
					all = append(all, o)
					more = true
				}
			}
		}
	}
	for _, d := range all {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			w.dirs = append(w.dirs, d)
		}
	}
	slices.Sort(w.dirs)
	return w, nil
}

func (w *deadWriter) close() {
	for _, f := range w.probes {
		f.Close()
	}
	w.probes = nil
}

// removeWriter removes every file of writer id in dirs, its lock files last, and returns
// their paths.
func removeWriter(dirs []string, id string) ([]string, error) {
	var removed []string
	var errs []error
	for _, pass := range []func(name string) bool{
		func(name string) bool { return name != lockName(id) },
		func(name string) bool { return name == lockName(id) },
	} {
		for _, d := range dirs {
			entries, err := os.ReadDir(d)
			if err != nil {
				if !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
				continue
			}
			for _, e := range entries {
				if writerOf(e.Name()) != id || !pass(e.Name()) {
					continue
				}
				p := filepath.Join(d, e.Name())
				if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
					continue
				}
				removed = append(removed, p)
			}
		}
	}
	return removed, errors.Join(errs...)
}
