package plan_test

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/plan"
)

// bundledProfile parses a profile bundled in package data.
func bundledProfile(t *testing.T, name string) plan.Profile {
	t.Helper()
	b, err := data.NeedsProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.ReadProfile(bytes.NewReader(b), name+".csv")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBundledProfiles checks every bundled profile parses, names itself after its file and
// says where its numbers come from, line by line.
func TestBundledProfiles(t *testing.T) {
	for _, name := range data.NeedsProfiles() {
		p := bundledProfile(t, name)
		if p.Name != name {
			t.Errorf("%s: Name %q", name, p.Name)
		}
		if p.Title == "" || p.Source == "" || p.Period == "" {
			t.Errorf("%s: title %q, source %q, period %q", name, p.Title, p.Source, p.Period)
		}
		for _, it := range p.Items {
			if it.Source == "" {
				t.Errorf("%s: item %q has no source", name, it.Name)
			}
			if (it.PerHousehold == 0) == (it.PerPerson == 0) {
				t.Errorf("%s: item %q: per household %g, per person %g", name, it.Name, it.PerHousehold, it.PerPerson)
			}
		}
	}
}

// TestProfileNeeds checks the bundled profiles against quantities worked out by hand for
// 100 households of 500 people (Sphere's household of 5).
func TestProfileNeeds(t *testing.T) {
	for _, tc := range []struct {
		profile string
		want    map[string]float64 // by Item.Key
	}{
		{"sphere-family-kit", map[string]float64{
			"tarpaulin_4_x_6_m_piece":    200,  // 2 per household
			"rope_m":                     3000, // 30 m per household
			"blanket_piece":              500,  // 1 per person
			"sleeping_mat_piece":         500,  // 1 per person
			"mosquito_net_piece":         250,  // 1 per 2 people
			"jerrycan_10_l_piece":        100,  // 1 per household
			"bucket_20_l_with_lid_piece": 100,  // 1 per household
			"kitchen_set_set":            100,  // 1 per household
			"bathing_soap_kg":            125,  // 250 g per person per month
			"laundry_soap_kg":            100,  // 200 g per person per month
			"solar_lamp_piece":           100,  // 1 per household
		}},
		{"inasafe-minimum-needs", map[string]float64{
			"rice_kg":          1400,  // 2.8 kg per person per week
			"drinking_water_l": 8750,  // 17.5 L
			"clean_water_l":    33500, // 67 L
			"family_kit_kit":   100,   // 0.2 per person
			"toilet_unit":      25,    // 0.05 per person
		}},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			p := bundledProfile(t, tc.profile)
			got := p.Needs(100, 500)
			if len(got) != len(tc.want) {
				t.Errorf("%d items, want %d", len(got), len(tc.want))
			}
			for i, it := range p.Items {
				want, ok := tc.want[it.Key()]
				if !ok {
					t.Errorf("unexpected item %q (key %s)", it.Name, it.Key())
					continue
				}
				if math.Abs(got[i]-want) > 1e-9*want {
					t.Errorf("%s: %g %s, want %g", it.Key(), got[i], it.Unit, want)
				}
				if q := it.Quantity(100, 500); q != got[i] {
					t.Errorf("%s: Quantity %g, Needs %g", it.Key(), q, got[i])
				}
			}
		})
	}
}

const goodProfile = `# name: test-kit
# title: A test kit
# source: made up
# period: one kit
item,sector,unit,per_household,per_person,source
tarpaulin,shelter,piece,2,,IFRC
blanket,bedding,piece,,1,Sphere
`

// TestReadProfileForms checks what a spreadsheet does to a file still reads: a byte-order
// mark, CRLF line ends, metadata split at commas and padded with empty cells, columns in
// another order, an extra notes column, blank lines, comments; and that the file's name
// stands in for a missing name.
func TestReadProfileForms(t *testing.T) {
	for _, tc := range []struct {
		name, file, text string
		wantName         string
		wantSource       string
	}{
		{"plain", "x.csv", goodProfile, "test-kit", "made up"},
		{"spreadsheet", "x.csv", "\uFEFF# name: test-kit,,,,,\r\n\"# title: A test kit\",,,,,\r\n# source: made up, really,,,,\r\n# period: one kit,,,,,\r\n,,,,,\r\n" +
			"unit,item,notes,sector,per_person,per_household,source\r\n# a comment,,,,,,\r\npiece,tarpaulin,ok,shelter,,2,IFRC\r\npiece,blanket,,bedding,1,,Sphere\r\n",
			"test-kit", "made up, really"},
		{"no name", "/tmp/profiles/my-kit.csv", strings.Replace(goodProfile, "# name: test-kit\n", "", 1), "my-kit", "made up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := plan.ReadProfile(strings.NewReader(tc.text), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			want := []plan.Item{
				{Name: "tarpaulin", Sector: "shelter", Unit: "piece", PerHousehold: 2, Source: "IFRC"},
				{Name: "blanket", Sector: "bedding", Unit: "piece", PerPerson: 1, Source: "Sphere"},
			}
			if p.Name != tc.wantName || p.Title != "A test kit" || p.Source != tc.wantSource || p.Period != "one kit" {
				t.Errorf("profile %q %q %q %q", p.Name, p.Title, p.Source, p.Period)
			}
			if len(p.Items) != len(want) {
				t.Fatalf("items %+v", p.Items)
			}
			for i := range want {
				if p.Items[i] != want[i] {
					t.Errorf("item %d: %+v, want %+v", i, p.Items[i], want[i])
				}
			}
		})
	}
}

// TestReadProfileErrors checks that each fault is refused with the file, the line and the
// field.
func TestReadProfileErrors(t *testing.T) {
	header := "# title: t\n# source: s\n# period: p\nitem,sector,unit,per_household,per_person,source\n" // line 4
	for _, tc := range []struct {
		name, text string
		want       []string // all in the error
	}{
		{"negative", header + "tarpaulin,shelter,piece,-2,,x\n", []string{"kit.csv", "line 5", "per_household", "negative"}},
		{"missing quantity", header + "tarpaulin,shelter,piece,2,,x\nblanket,bedding,piece,,,x\n", []string{"line 6", "blanket", "no quantity"}},
		{"both quantities", header + "tarpaulin,shelter,piece,2,1,x\n", []string{"line 5", "both per_household and per_person"}},
		{"both, one zero", header + "tarpaulin,shelter,piece,0,1,x\n", []string{"line 5", "both"}},
		{"not a number", header + "tarpaulin,shelter,piece,two,,x\n", []string{"line 5", "per_household", `"two" is not a number`}},
		{"decimal comma", header + "blanket,bedding,piece,,\"0,5\",x\n", []string{"line 5", "per_person", "decimal point"}},
		{"NaN", header + "blanket,bedding,piece,,NaN,x\n", []string{"line 5", "per_person", "not a number"}},
		{"infinite", header + "blanket,bedding,piece,,+Inf,x\n", []string{"line 5", "per_person", "not a number"}},
		{"duplicate", header + "Blanket,bedding,piece,,1,x\nrope,shelter,m,30,,x\nblanket ,bedding,piece,,2,x\n", []string{"line 7", "item", "same item as line 5"}},
		{"duplicate by punctuation", header + "sleeping mat,bedding,piece,,1,x\nsleeping-mat,bedding,piece,,1,x\n", []string{"line 6", "same item as line 5"}},
		{"missing columns", "# title: t\n# source: s\n# period: p\nitem,sector,unit,per_household,source\nrope,shelter,m,30,x\n", []string{"line 4", "per_person"}},
		{"duplicate column", "# title: t\n# source: s\n# period: p\nitem,sector,unit,per_household,per_person,source,unit\n", []string{"line 4", `"unit" twice`}},
		{"empty unit", header + "rope,shelter,,30,,x\n", []string{"line 5", "field unit: empty"}},
		{"empty item", header + ",shelter,piece,30,,x\n", []string{"line 5", "field item: empty"}},
		{"no items", header, []string{"no item"}},
		{"no header", "# title: t\n# source: s\n# period: p\n", []string{"no header"}},
		{"no source", "# title: t\n# period: p\nitem,sector,unit,per_household,per_person,source\nrope,shelter,m,30,,x\n", []string{"kit.csv", "no source"}},
		{"metadata twice", "# title: t\n# title: u\n", []string{"line 2", `"title" given twice (also line 1)`}},
		{"bad quoting", header + "rope,shelter,m,30,,\"x\n", []string{"line 5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := plan.ReadProfile(strings.NewReader(tc.text), "kit.csv")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestItemKey(t *testing.T) {
	for _, tc := range []struct{ name, unit, want string }{
		{"tarpaulin 4 x 6 m", "piece", "tarpaulin_4_x_6_m_piece"},
		{"Bathing soap", "kg", "bathing_soap_kg"},
		{"  rope (30 m) ", "m", "rope_30_m_m"},
		{"água", "L", "água_l"},
	} {
		if got := (plan.Item{Name: tc.name, Unit: tc.unit}).Key(); got != tc.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tc.name, tc.unit, got, tc.want)
		}
	}
}
