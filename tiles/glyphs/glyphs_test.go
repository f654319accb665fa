package glyphs_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/tiles/glyphs"
	"github.com/tasi-gis/tasi/tiles/glyphs/internal/sdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// readFont returns the TrueType file of f, skipping the test when the font is not
// installed, except under CI=true, where it must be.
func readFont(t *testing.T, f glyphs.Font) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(glyphs.FontDir, f.File))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v: CI must have fonts-dejavu-core (scripts/install-deps.sh)", err)
		}
		t.Skipf("%v: install fonts-dejavu-core to check the glyphs against the font", err)
	}
	return b
}

// TestGenerated regenerates every glyph PBF from its font and compares the bytes with
// those embedded: the committed files are what `go generate` makes.
func TestGenerated(t *testing.T) {
	for _, f := range glyphs.Fonts() {
		src := readFont(t, f)
		for _, r := range glyphs.Ranges() {
			start, end, _ := strings.Cut(r, "-")
			a, _ := strconv.Atoi(start)
			b, _ := strconv.Atoi(end)
			want, err := sdf.Range(src, f.Stack, a, b)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := glyphs.PBF(f.Stack, r)
			if !ok || !bytes.Equal(got, want) {
				t.Errorf("%s %s: the embedded PBF (%d bytes) is not what the font makes (%d bytes): run go generate ./tiles/glyphs", f.Stack, r, len(got), len(want))
			}
		}
	}
}

// glyph is a decoded glyph message.
type glyph struct {
	id, width, height, advance uint64
	left, top                  int64
	bitmap                     []byte
}

// fontstack is a decoded fontstack message.
type fontstack struct {
	name, rng string
	glyphs    map[uint64]glyph
}

// Decode reads a glyph PBF: glyphs { repeated fontstack stacks = 1 }, fontstack { name 1,
// range 2, repeated glyph glyphs 3 }, glyph { id 1, bitmap 2, width 3, height 4, left 5
// and top 6 sint32, advance 7 }.
func Decode(b []byte) ([]fontstack, error) {
	var stacks []fontstack
	err := fields(b, func(n int, v uint64, bs []byte) error {
		if n != 1 || bs == nil {
			return fmt.Errorf("glyphs: field %d", n)
		}
		fs := fontstack{glyphs: map[uint64]glyph{}}
		err := fields(bs, func(n int, v uint64, bs []byte) error {
			switch n {
			case 1:
				fs.name = string(bs)
			case 2:
				fs.rng = string(bs)
			case 3:
				var g glyph
				err := fields(bs, func(n int, v uint64, bs []byte) error {
					switch n {
					case 1:
						g.id = v
					case 2:
						g.bitmap = bs
					case 3:
						g.width = v
					case 4:
						g.height = v
					case 5:
						g.left = int64(v>>1) ^ -int64(v&1)
					case 6:
						g.top = int64(v>>1) ^ -int64(v&1)
					case 7:
						g.advance = v
					default:
						return fmt.Errorf("glyph: field %d", n)
					}
					return nil
				})
				if err != nil {
					return err
				}
				fs.glyphs[g.id] = g
			default:
				return fmt.Errorf("fontstack: field %d", n)
			}
			return nil
		})
		stacks = append(stacks, fs)
		return err
	})
	return stacks, err
}

// fields calls fn with each field of a protobuf message: varints in v, length-delimited
// fields in bs.
func fields(b []byte, fn func(n int, v uint64, bs []byte) error) error {
	for len(b) > 0 {
		key, k := binary.Uvarint(b)
		if k <= 0 {
			return fmt.Errorf("bad key")
		}
		b = b[k:]
		v, k := binary.Uvarint(b)
		if k <= 0 {
			return fmt.Errorf("bad value of field %d", key>>3)
		}
		b = b[k:]
		switch key & 7 {
		case 0:
			if err := fn(int(key>>3), v, nil); err != nil {
				return err
			}
		case 2:
			if uint64(len(b)) < v {
				return fmt.Errorf("field %d: %d bytes, %d left", key>>3, v, len(b))
			}
			if err := fn(int(key>>3), 0, b[:v:v]); err != nil {
				return err
			}
			b = b[v:]
		default:
			return fmt.Errorf("field %d: wire type %d", key>>3, key&7)
		}
	}
	return nil
}

func TestPBF(t *testing.T) {
	for _, f := range glyphs.Fonts() {
		for _, r := range glyphs.Ranges() {
			b, ok := glyphs.PBF(f.Stack, r)
			if !ok {
				t.Fatalf("%s %s: no PBF", f.Stack, r)
			}
			stacks, err := Decode(b)
			if err != nil || len(stacks) != 1 {
				t.Fatalf("%s %s: %d stacks, %v", f.Stack, r, len(stacks), err)
			}
			fs := stacks[0]
			if fs.name != f.Stack || fs.rng != r {
				t.Errorf("%s %s: stack %q range %q", f.Stack, r, fs.name, fs.rng)
			}
			start, end, _ := strings.Cut(r, "-")
			lo, _ := strconv.ParseUint(start, 10, 64)
			hi, _ := strconv.ParseUint(end, 10, 64)
			for id, g := range fs.glyphs {
				if id < lo || id > hi {
					t.Errorf("%s %s: glyph %d out of the range", f.Stack, r, id)
				}
				want := 0
				if g.width > 0 {
					want = int((g.width + 2*sdf.Buffer) * (g.height + 2*sdf.Buffer))
				}
				if len(g.bitmap) != want {
					t.Errorf("%s: glyph %d: %d×%d with a bitmap of %d bytes, want %d", f.Stack, id, g.width, g.height, len(g.bitmap), want)
				}
			}
		}
	}
	if _, ok := glyphs.PBF("DejaVu Sans", "512-767"); ok {
		t.Error("a range that is not made")
	}
	if _, ok := glyphs.PBF("Open Sans Regular", "0-255"); ok {
		t.Error("a font that is not served")
	}
	if _, ok := glyphs.PBF("../DejaVuSans", "0-255"); ok {
		t.Error("a path for a stack")
	}
	bold, _ := glyphs.PBF("DejaVu Sans Bold", "0-255")
	if got, ok := glyphs.PBF("Open Sans Bold,DejaVu Sans Bold, DejaVu Sans", "0-255"); !ok || !bytes.Equal(got, bold) {
		t.Error("a list of fonts: want the first one served")
	}
}

// TestGlyphs checks glyphs against the font and against what they look like: the
// characters of Timor-Leste's names are there, 'A' advances as far as the font says at
// 24 px, and its distance field is inside at its crossbar and outside in its buffer.
func TestGlyphs(t *testing.T) {
	decode := func(stack, r string) fontstack {
		b, _ := glyphs.PBF(stack, r)
		s, err := Decode(b)
		if err != nil || len(s) != 1 {
			t.Fatalf("%s %s: %v", stack, r, err)
		}
		return s[0]
	}
	latin := decode("DejaVu Sans", "0-255")
	for _, r := range " AZaz09-'.,()ÁÉÍÓÚáéíóúãõçÇâêô" {
		if _, ok := latin.glyphs[uint64(r)]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	ext := decode("DejaVu Sans", "256-511")
	for _, r := range "ĩũŨĨ" {
		if _, ok := ext.glyphs[uint64(r)]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	punct := decode("DejaVu Sans Bold", "8192-8447")
	for _, r := range "–—‘’“”…" {
		if _, ok := punct.glyphs[uint64(r)]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	for _, stack := range []string{"DejaVu Sans", "DejaVu Sans Bold"} {
		if _, ok := decode(stack, "8704-8959").glyphs['−']; !ok {
			t.Errorf("%s: no minus sign U+2212", stack)
		}
	}
	// DejaVu Sans 'A': advance 1401 of 2048 units, 16.4 px at 24 px: 16.
	a := latin.glyphs['A']
	if a.advance != 16 {
		t.Errorf("'A' advance %d, want 16", a.advance)
	}
	if space := latin.glyphs[' ']; space.width != 0 || space.bitmap != nil || space.advance != 7 {
		t.Errorf("space: %+v, want no bitmap and advance 7 (651 of 2048 units)", space)
	}
	f := glyphs.Fonts()[0]
	if src, err := os.ReadFile(filepath.Join(glyphs.FontDir, f.File)); err == nil {
		fnt, err := sfnt.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		x, _ := fnt.GlyphIndex(&buf, 'A')
		adv, _ := fnt.GlyphAdvance(&buf, x, fixed.I(sdf.Size), font.HintingNone)
		if uint64(adv.Floor()) != a.advance {
			t.Errorf("'A' advance %d, the font's %v at %d px", a.advance, adv, sdf.Size)
		}
	}
	// The bitmap: 255 - 64 = 191 is the edge; inside is above it, outside below.
	w, h := int(a.width)+2*sdf.Buffer, int(a.height)+2*sdf.Buffer
	at := func(x, y int) byte { return a.bitmap[y*w+x] }
	if at(0, 0) >= 191 || at(w-1, h-1) >= 191 || at(w/2, 0) >= 191 {
		t.Errorf("'A': buffer corners %d %d, top middle %d: want outside (< 191)", at(0, 0), at(w-1, h-1), at(w/2, 0))
	}
	// The foot of the left leg, just inside the bottom of the box.
	inside := 0
	for x := range w {
		if at(x, h-sdf.Buffer-1) > 191 {
			inside++
		}
	}
	if inside < 4 || inside > w-2*sdf.Buffer {
		t.Errorf("'A': %d pixels inside on the bottom row of the glyph, want both legs", inside)
	}
	if a.top >= 0 || a.top < -6 || a.left < 0 || a.left > 1 {
		t.Errorf("'A': left %d top %d; want its box from the pen, its top just under the ascender", a.left, a.top)
	}
}
