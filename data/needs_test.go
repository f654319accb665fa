package data_test

import (
	"bytes"
	"errors"
	"io/fs"
	"slices"
	"testing"

	"github.com/tasi-gis/tasi/data"
)

func TestNeedsProfiles(t *testing.T) {
	want := []string{"inasafe-minimum-needs", "sphere-family-kit"}
	if got := data.NeedsProfiles(); !slices.Equal(got, want) {
		t.Fatalf("NeedsProfiles() = %q, want %q", got, want)
	}
	if !slices.Contains(want, data.DefaultNeedsProfile) {
		t.Errorf("DefaultNeedsProfile %q is not bundled", data.DefaultNeedsProfile)
	}
	for _, name := range want {
		b, err := data.NeedsProfile(name)
		if err != nil {
			t.Fatalf("NeedsProfile(%q): %v", name, err)
		}
		if !bytes.Contains(b, []byte("# name: "+name+"\n")) {
			t.Errorf("%s: no \"# name: %s\" line", name, name)
		}
		b[0] = 'X' // the caller owns the copy
		if again, _ := data.NeedsProfile(name); again[0] == 'X' {
			t.Errorf("%s: NeedsProfile hands out the bundle itself", name)
		}
	}
}

func TestNeedsProfileUnknown(t *testing.T) {
	for _, name := range []string{"", "sphere", "sphere-family-kit.csv", "../needs/sphere-family-kit", "needs/sphere-family-kit"} {
		_, err := data.NeedsProfile(name)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("NeedsProfile(%q) = %v, want fs.ErrNotExist", name, err)
		}
	}
}
