package data

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// needsFiles are the bundled needs profiles, one CSV file each (format in README.md,
// "Needs profiles"). Package plan parses them (plan.ReadProfile): data hands out their
// bytes so that it stays the lowest layer and never imports plan.
//
//go:embed needs/*.csv
var needsFiles embed.FS

// DefaultNeedsProfile is the profile an NFI plan uses when none is named: the Sphere-based
// family kit, one per household.
const DefaultNeedsProfile = "sphere-family-kit"

// NeedsProfiles returns the names of the bundled needs profiles, sorted: the file names
// in needs/ without ".csv" ("inasafe-minimum-needs", "sphere-family-kit").
func NeedsProfiles() []string {
	entries, err := needsFiles.ReadDir("needs")
	if err != nil { // cannot happen: the folder is embedded
		return nil
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".csv"); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// NeedsProfile returns the bundled needs profile called name as the bytes of its CSV file,
// for plan.ReadProfile to parse; each call returns a fresh copy the caller owns. A name
// that is not bundled is an error wrapping fs.ErrNotExist that lists the names there are,
// so that a mistyped --profile tells the user what to type.
func NeedsProfile(name string) ([]byte, error) {
	if name != "" && !strings.ContainsAny(name, `/\`) && fs.ValidPath(name) {
		if b, err := needsFiles.ReadFile("needs/" + name + ".csv"); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("needs profile %q: %w (bundled: %s)", name, fs.ErrNotExist,
		strings.Join(NeedsProfiles(), ", "))
}
