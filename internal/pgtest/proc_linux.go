//go:build linux

package pgtest

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// sigImmediate stops postgres without a checkpoint, as pg_ctl stop -m immediate does.
var sigImmediate = syscall.SIGQUIT

// sigFast stops postgres after a checkpoint, as pg_ctl stop -m fast does: sessions are
// ended, and nothing committed is lost even with synchronous_commit off.
var sigFast = syscall.SIGINT

// runner is the user initdb and postgres run as: this process's, or postgres as root.
type runner struct {
	cred *syscall.Credential // nil: this process's user
}

// currentRunner returns the user to run the server as. initdb and postgres refuse to run
// as root, so root runs them as the user postgres.
func currentRunner() (runner, error) {
	if os.Geteuid() != 0 {
		return runner{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return runner{}, fmt.Errorf("%w: running as root, and postgres refuses root: need a user postgres: %v", ErrUnavailable, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return runner{}, fmt.Errorf("user postgres: uid %q gid %q: not numbers", u.Uid, u.Gid)
	}
	return runner{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}, nil
}

// own gives path to the runner's user.
func (r runner) own(path string) error {
	if r.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(r.cred.Uid), int(r.cred.Gid)); err != nil {
		return fmt.Errorf("give %s to user postgres: %w", path, err)
	}
	return nil
}

// attr returns the process attributes of a command run as r. The server (daemon true)
// gets SIGQUIT when this process dies, so a killed test binary leaves no server behind.
func (r runner) attr(daemon bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Credential: r.cred}
	if daemon {
		a.Pdeathsig = syscall.SIGQUIT
	}
	return a
}
