// Package shared finds the public data files that sit beside the repository in
// development and CI (../shared/data, see its SOURCES.md), for tests that check tasi
// against real data.
package shared

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Data returns the path of rel (slash-separated) under ../shared/data, found from this
// file's place in the repository, so that a test in any package names files the same
// way. When the file is absent the test is skipped with a message (a user's clone),
// except under CI=true, where it fails: CI must check against the real data.
func Data(t testing.TB, rel string) string {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("shared data: cannot tell where the repository is")
	}
	root := filepath.Join(filepath.Dir(here), "..", "..")
	path := filepath.Join(root, "..", "shared", "data", filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s is missing under CI: %v", rel, err)
		}
		t.Skipf("shared data %s is absent (it sits beside the repository in development): %v", rel, err)
	}
	return path
}
