package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// availableMemory is how many bytes a run may use on this machine: the kernel's estimate
// of memory available without swapping (MemAvailable), or less when a cgroup (a
// container, a systemd slice) limits this process. It returns 0 when neither can be read,
// which leaves runs unchecked.
func availableMemory() int64 {
	avail := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil {
					avail = kb << 10
				}
			}
		}
		f.Close()
	}
	read := func(path string) (int64, bool) {
		b, err := os.ReadFile(path)
		if err != nil {
			return 0, false
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		return n, err == nil
	}
	if limit, ok := read("/sys/fs/cgroup/memory.max"); ok { // "max" does not parse: no limit
		used, _ := read("/sys/fs/cgroup/memory.current")
		if room := limit - used; room > 0 && (avail == 0 || room < avail) {
			avail = room
		}
	}
	return avail
}

// parseBytes reads a size such as 512MB, 8GB or 8G (powers of 1024), or a plain number of
// bytes.
func parseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) {
		return 0, fmt.Errorf("%q is not a size such as 512MB or 8GB", s)
	}
	return int64(v * float64(mult)), nil
}
