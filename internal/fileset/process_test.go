package fileset

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelperWriter is not a test: TestOtherProcesses runs the test binary as a writer
// process with FILESET_HELPER_FILE set. It begins a set of that file, writes the new
// file, says "ready" and waits until it is killed or its stdin closes.
func TestHelperWriter(t *testing.T) {
	path := os.Getenv("FILESET_HELPER_FILE")
	if path == "" {
		t.Skip("a helper process of TestOtherProcesses")
	}
	s, err := Begin(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.Temp(path), []byte("another process"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("ready " + s.Temp(path) + "\n")
	bufio.NewReader(os.Stdin).ReadString('\n')
	s.Abort()
}

// TestOtherProcesses runs a writer in another process: its files survive a Begin in the
// same folder while it lives, and go with the next Begin once it is killed with SIGKILL.
func TestOtherProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.gpkg")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$")
	cmd.Env = append(os.Environ(), "FILESET_HELPER_FILE="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		t.Fatalf("helper: %q, %v", line, err)
	}
	theirs := strings.TrimSpace(strings.TrimPrefix(line, "ready "))

	s, err := Begin(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(theirs); err != nil || len(s.Leftovers().Removed) > 0 {
		t.Errorf("a live process's new file: %v; removed %v", err, s.Leftovers().Removed)
	}
	s.Abort()

	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	s, err = Begin(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Abort()
	if _, err := os.Stat(theirs); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed process's new file is still there (%v)", err)
	}
	if got := len(s.Leftovers().Removed); got != 2 { // its new file and its lock file
		t.Errorf("removed %v, want the killed process's new file and lock file", s.Leftovers().Removed)
	}
}
