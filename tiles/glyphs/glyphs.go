// Package glyphs holds the font glyphs MapLibre GL needs to draw text on the map, as
// signed distance fields in glyph PBFs, embedded so that the server draws names offline.
// They are made at build time from DejaVu Sans and DejaVu Sans Bold (Debian's
// fonts-dejavu-core) by `go generate` (gen.go, package internal/sdf) and committed;
// TestGenerated checks that they are what the fonts make. The fonts' licence
// (Bitstream Vera, with DejaVu's changes in the public domain) is in LICENSE-DejaVu.
//
// Ranges cover Latin-1 (0-255: ã, õ, ç, é, ±, ×), Latin Extended-A (256-511: ĩ, ũ),
// General Punctuation (8192-8447: en dash, typographic quotes, ellipsis, thin spaces) and
// Mathematical Operators (8704-8959: the minus sign U+2212). MapLibre asks for the range of each character it draws; a
// range outside these has no file, and those characters are not drawn.
package glyphs

//go:generate go run gen.go

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"path"
	"strings"
)

// Font is one font stack served.
type Font struct {
	Stack string // the name MapLibre asks for in text-font and the glyph URL
	File  string // the TrueType file it is made from, in Debian's fonts-dejavu-core
	dir   string
}

// Fonts returns the font stacks served, the regular one first.
func Fonts() []Font {
	return []Font{
		{Stack: "DejaVu Sans", File: "DejaVuSans.ttf", dir: "DejaVuSans"},
		{Stack: "DejaVu Sans Bold", File: "DejaVuSans-Bold.ttf", dir: "DejaVuSans-Bold"},
	}
}

// Ranges returns the ranges of code points served, as MapLibre names them ("0-255").
func Ranges() []string { return []string{"0-255", "256-511", "8192-8447", "8704-8959"} }

// FontDir is where Debian's fonts-dejavu-core puts the fonts.
const FontDir = "/usr/share/fonts/truetype/dejavu"

//go:embed pbf
var files embed.FS

// PBF returns the glyph PBF of a range ("0-255") of a font stack ("DejaVu Sans"), and
// whether there is one. A stack of several fonts ("DejaVu Sans Bold,DejaVu Sans", as
// MapLibre asks for a text-font list) gets the first font of the list that is served.
func PBF(stack, rng string) ([]byte, bool) {
	for _, name := range strings.Split(stack, ",") {
		name = strings.TrimSpace(name)
		for _, f := range Fonts() {
			if f.Stack != name {
				continue
			}
			b, err := files.ReadFile(path.Join("pbf", f.dir, rng+".pbf"))
			return b, err == nil
		}
	}
	return nil, false
}

// Path returns where gen.go writes the PBF of a range of font f, relative to this package.
func (f Font) Path(rng string) string { return path.Join("pbf", f.dir, rng+".pbf") }

// Version returns a short hash of every glyph served, for URLs that change when the
// glyphs do and may be cached for good.
func Version() string {
	h := sha256.New()
	for _, f := range Fonts() {
		for _, r := range Ranges() {
			b, _ := files.ReadFile(f.Path(r))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}
