//go:build ignore

// gen writes the glyph PBFs of package glyphs from the DejaVu fonts of Debian's
// fonts-dejavu-core: go generate ./tiles/glyphs (or go run gen.go [font dir]).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/tiles/glyphs"
	"github.com/tasi-gis/tasi/tiles/glyphs/internal/sdf"
)

func main() {
	dir := glyphs.FontDir
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	for _, f := range glyphs.Fonts() {
		src, err := os.ReadFile(filepath.Join(dir, f.File))
		if err != nil {
			return fmt.Errorf("%w (Debian: apt-get install fonts-dejavu-core)", err)
		}
		for _, r := range glyphs.Ranges() {
			start, end, _ := strings.Cut(r, "-")
			a, _ := strconv.Atoi(start)
			b, _ := strconv.Atoi(end)
			pbf, err := sdf.Range(src, f.Stack, a, b)
			if err != nil {
				return fmt.Errorf("%s %s: %w", f.File, r, err)
			}
			out := filepath.FromSlash(f.Path(r))
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(out, pbf, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
