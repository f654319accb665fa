//go:build !linux

package pgtest

import (
	"fmt"
	"os"
	"syscall"
)

// sigImmediate stops the server; outside Linux the process is killed.
var sigImmediate = os.Kill

// sigFast stops the server after a checkpoint where signals exist (os.Interrupt).
var sigFast = os.Interrupt

// runner is the user initdb and postgres run as: outside Linux, always this process's.
type runner struct{}

// currentRunner refuses root outside Linux, where pgtest cannot switch to the postgres user (it uses Linux credentials).
func currentRunner() (runner, error) {
	if os.Geteuid() == 0 {
		return runner{}, fmt.Errorf("%w: running as root, and postgres refuses root: run the tests as another user", ErrUnavailable)
	}
	return runner{}, nil
}

func (runner) own(string) error { return nil }

func (runner) attr(bool) *syscall.SysProcAttr { return nil }
