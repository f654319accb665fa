package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is a PostgreSQL cluster in a temporary directory, run by this process.
type server struct {
	dir      string // temporary directory: data/, the socket, logs
	cmd      *exec.Cmd
	done     chan struct{} // closed when cmd has exited
	url      *url.URL      // superuser URL of the postgres database over TCP
	bin      string        // of postgres, to start it again
	as       runner
	port     int
	password string
}

// startServer makes a cluster with initdb and starts postgres on a free port.
func startServer(ctx context.Context) (*server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	as, err := currentRunner()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tasi-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("make cluster directory: %w", err)
	}
	srv, err := initCluster(ctx, bin, as, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return srv, nil
}

func initCluster(ctx context.Context, bin string, as runner, dir string) (*server, error) {
	if err := as.own(dir); err != nil {
		return nil, err
	}
	var pw [16]byte
	if _, err := rand.Read(pw[:]); err != nil {
		return nil, err
	}
	password := hex.EncodeToString(pw[:])
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write password file: %w", err)
	}
	if err := as.own(pwfile); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", data, "-U", "postgres", "--pwfile", pwfile,
		"--auth-local=trust", "--auth-host=scram-sha-256",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = as.attr(false)
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb %s: %w\n%s", data, err, out)
	}
	os.Remove(pwfile)

	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		srv, err := launch(ctx, bin, as, dir, port, password)
		if err == nil {
			return srv, nil
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	return nil, lastErr
}

var errPortTaken = errors.New("port taken")

// launch starts postgres on port and waits until it accepts connections.
func launch(ctx context.Context, bin string, as runner, dir string, port int, password string) (*server, error) {
	logPath := filepath.Join(dir, fmt.Sprintf("postgres-%d.log", port))
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create server log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"),
		"-D", filepath.Join(dir, "data"),
		"-p", strconv.Itoa(port),
		"-k", dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=300",
		"-c", "shared_buffers=128MB",
		"-c", "max_wal_size=2GB",
		"-c", "timezone=UTC",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = as.attr(true)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	srv := &server{dir: dir, cmd: cmd, done: make(chan struct{}), bin: bin, as: as, port: port, password: password}
	go func(done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(srv.done)
	srv.url = &url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword("postgres", password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}

	deadline := time.Now().Add(60 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, srv.url.String())
		cancel()
		if err == nil {
			conn.Close(ctx)
			return srv, nil
		}
		select {
		case <-srv.done:
			log, _ := os.ReadFile(logPath)
			if strings.Contains(string(log), "could not bind") || strings.Contains(string(log), "Address already in use") {
				return nil, fmt.Errorf("%w: %d", errPortTaken, port)
			}
			return nil, fmt.Errorf("postgres exited at start: %s", tail(log))
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			_ = srv.stop()
			return nil, fmt.Errorf("wait for postgres: %w", ctx.Err())
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			_ = srv.stop()
			return nil, fmt.Errorf("postgres did not accept connections within 60 s: %v\n%s", err, tail(log))
		}
	}
}

// halt shuts the server down with sig (sigImmediate, as pg_ctl stop -m immediate, or
// sigFast) and keeps its directory. It does nothing to a server that has exited.
func (s *server) halt(sig os.Signal) {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(sig)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
}

// restart starts a halted server again on the same port, with the same data.
func (s *server) restart(ctx context.Context) error {
	srv, err := launch(ctx, s.bin, s.as, s.dir, s.port, s.password)
	if err != nil {
		return fmt.Errorf("restart postgres on port %d: %w", s.port, err)
	}
	s.cmd, s.done = srv.cmd, srv.done
	return nil
}

// stop shuts the server down at once and removes its directory.
func (s *server) stop() error {
	s.halt(sigImmediate)
	if err := os.RemoveAll(s.dir); err != nil {
		return fmt.Errorf("pgtest: remove cluster directory: %w", err)
	}
	return nil
}

// findBin returns the directory holding initdb and postgres.
func findBin() (string, error) {
	ok := func(dir string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv(EnvBin); dir != "" {
		if !ok(dir) {
			return "", fmt.Errorf("%w: %s=%s: no initdb and postgres there", ErrUnavailable, EnvBin, dir)
		}
		return dir, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil && ok(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	var candidates []string
	for _, pattern := range []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin"} {
		m, _ := filepath.Glob(pattern)
		candidates = append(candidates, m...)
	}
	// Newest major version first: /usr/lib/postgresql/16 before /usr/lib/postgresql/9.6.
	sort.SliceStable(candidates, func(i, j int) bool { return versionOf(candidates[i]) > versionOf(candidates[j]) })
	for _, dir := range candidates {
		if ok(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w: no initdb found (set %s to an existing server, %s to the binaries, "+
		"or install postgresql-15-postgis-3 on Debian/Ubuntu)", ErrUnavailable, EnvURL, EnvBin)
}

// versionOf returns the major version in a binary directory's path, 0 when it has none.
func versionOf(dir string) float64 {
	for _, part := range strings.Split(dir, string(filepath.Separator)) {
		part = strings.TrimPrefix(part, "pgsql-")
		if v, err := strconv.ParseFloat(part, 64); err == nil {
			return v
		}
	}
	return 0
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns the end of a log, for error messages.
func tail(b []byte) string {
	const n = 2000
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
