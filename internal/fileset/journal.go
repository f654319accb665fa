package fileset

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// direction is where a journal takes its set: forward puts the new files in place, back
// puts the old ones back.
type direction string

const (
	forward direction = "forward"
	back    direction = "back"
)

// journal is what Commit writes once every new file is complete and before it renames
// any: enough for another process to finish the commit after this one died. Temporary
// and backup names follow from Final and ID and are not stored, so that a journal cannot
// name any other file.
type journal struct {
	ID        string    `json:"id"`
	Direction direction `json:"direction"`
	Files     []entry   `json:"files"`
}

// entry is one file of a journal.
type entry struct {
	Final   string `json:"final"`   // absolute
	Existed bool   `json:"existed"` // a file was at Final before the commit
}

// dirs returns the distinct folders of j's files, sorted.
func (j journal) dirs() []string {
	var ds []string
	for _, e := range j.Files {
		if d := filepath.Dir(e.Final); !slices.Contains(ds, d) {
			ds = append(ds, d)
		}
	}
	slices.Sort(ds)
	return ds
}

// finals returns the paths of j's files.
func (j journal) finals() []string {
	var ps []string
	for _, e := range j.Files {
		ps = append(ps, e.Final)
	}
	return ps
}

// writeJournal writes j into dir under its journal name, replacing a copy there: written
// whole under another name, synced, renamed, and the folder synced.
func writeJournal(dir string, j journal) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	path := filepath.Join(dir, journalName(j.ID))
	tmp := filepath.Join(dir, hiddenPrefix+namePrefix+j.ID+journalNew)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	_, err = f.Write(b)
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write journal %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write journal %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("write journal %s: %w", path, err)
	}
	return nil
}

// readJournal reads the journal at path of writer id. It rejects a journal of another
// user, one for another writer, and one with paths that are not absolute and clean.
func readJournal(path, id string) (journal, error) {
	var j journal
	fi, err := os.Lstat(path)
	if err != nil {
		return j, err
	}
	if !fi.Mode().IsRegular() || !ownedByMe(fi) {
		return j, fmt.Errorf("journal %s: not a file of this user", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return j, err
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return j, fmt.Errorf("journal %s: %w", path, err)
	}
	if j.ID != id || (j.Direction != forward && j.Direction != back) || len(j.Files) == 0 {
		return j, fmt.Errorf("journal %s: not a journal of writer %s", path, id)
	}
	for _, e := range j.Files {
		if !filepath.IsAbs(e.Final) || filepath.Clean(e.Final) != e.Final {
			return j, fmt.Errorf("journal %s: path %q is not absolute", path, e.Final)
		}
	}
	return j, nil
}

// lockInfo is what a writer's lock file holds: the folders of its set, so that whoever
// finds its files in one folder after it died knows where else to look.
type lockInfo struct {
	ID   string   `json:"id"`
	Dirs []string `json:"dirs"`
}
