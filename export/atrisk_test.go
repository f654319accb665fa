package export

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/xuri/excelize/v2"
)

// atRiskSample is a hand-built at-risk list over two municipalities, Liquiçá (TL08) and
// Covalima (TL05), with the rows in the order plan sorts them (year reached, then
// P-code), which interleaves the municipalities and is neither alphabetical nor by code:
// writers must keep it. The last row knows almost nothing (no transect reached it, no
// census count), so its numbers must come out empty, never 0.
func atRiskSample() *plan.List {
	nan := math.NaN()
	ref := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	hz := func(years int) plan.Horizon { return plan.Horizon{Years: years, Date: ref.AddDate(years, 0, 0)} }
	horizons := []plan.Horizon{hz(10), hz(20), hz(50)}
	exp := func(ps ...float64) []plan.Exposure {
		// ps: for each horizon, probability, people, households, inZone (0/1), inBand (0/1)
		var e []plan.Exposure
		for i := 0; i < len(ps); i += 5 {
			e = append(e, plan.Exposure{Horizon: horizons[i/5], Probability: ps[i], People: ps[i+1], Households: ps[i+2],
				InZone: ps[i+3] == 1, InBand: ps[i+4] == 1})
		}
		return e
	}
	liquica := func(c plan.Community) plan.Community {
		c.RegionCode, c.RegionName, c.ParentCode, c.ParentName = "TL08", "Liquiçá", "TL0803", "Maubara"
		return c
	}
	covalima := func(c plan.Community) plan.Community {
		c.RegionCode, c.RegionName, c.ParentCode, c.ParentName = "TL05", "Covalima", "TL0505", "Suai"
		return c
	}
	return &plan.List{
		RunID:      "run-2025-demo-7",
		RefDate:    ref,
		Horizons:   horizons,
		Selected:   1,
		Setback:    25,
		Confidence: 0.9, RateKind: "LRR",
		Provenance: analysis.Provenance{
			Version:  "v0.9.0",
			Started:  time.Date(2025, 3, 2, 8, 0, 0, 0, time.UTC),
			Finished: time.Date(2025, 3, 2, 8, 0, 2, 0, time.UTC),
			Parameters: map[string]string{
				"spacing": "50", "confidence": "90", "intersect": "seaward", "horizons": "10,20,50",
			},
			Inputs: []analysis.InputFile{
				{Role: "shorelines", Path: "shorelines/", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
				{Role: "admin", Path: "bundled sucos (COD-AB 2020)", SHA256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"},
			},
			Synthetic: true,
		},
		Caveats: []string{
			"Suco boundaries: OCHA COD-AB, \"for information only, not official\".",
			"Synthetic demo shorelines: not a forecast of real change.",
		},
		Rows: []plan.AtRisk{
			{
				Community: liquica(plan.Community{Code: "TL080305-01", Name: "Maubara Lisa", Point: orb.Point{125.2052183, -8.6218457},
					UnitCode: "TL080305", UnitName: "Maubaralissa", Population: 412.4, Households: 81.6, Rule: plan.FromGrid}),
				Exposure:        exp(0.712, 38.4, 7.6, 1, 1, 0.934, 120.4, 23.6, 1, 1, 0.999, 412.4, 81.6, 1, 1),
				DistanceToShore: 41.26, Rate: -2.3456, RateCI: 0.4049, Method: "LRR", Transects: []string{"T1204", "T1205", "T1206"},
				YearReached: 2031.44, YearReachedBand: 2029.96, Severity: plan.High,
			},
			{
				Community: covalima(plan.Community{Code: "TL050503-02", Name: "Suai Loro", Point: orb.Point{125.2561, -9.3370004},
					UnitCode: "TL050503", UnitName: "Suai Loro", Population: 655, Households: 145, Rule: plan.FromLayer}),
				Exposure:        exp(0.31, 0, 0, 0, 0, 0.62, 210, 46, 1, 1, 0.97, 655, 145, 1, 1),
				DistanceToShore: 66.04, Rate: -1.6, RateCI: 0.55, Method: "WLR", Transects: []string{"T3310"},
				YearReached: 2042.25, YearReachedBand: 2036.0, Severity: plan.Medium,
			},
			{
				Community: liquica(plan.Community{Code: "TL080303-04", Name: "Vatunau", Point: orb.Point{125.28889, -8.60417},
					UnitCode: "TL080303", UnitName: "Vatuvou", Population: 97.4, Households: 19.6, Rule: plan.EqualShare}),
				Exposure:        exp(0.02, 0, 0, 0, 0, 0.18, 0, 0, 0, 1, 0.64, 97.4, 19.6, 1, 1),
				DistanceToShore: 120, Rate: -1.2, RateCI: 0.9, Method: "EPR", Transects: []string{"T1301", "T1302"},
				YearReached: 2069.7, YearReachedBand: 2041.04, Severity: plan.Low,
			},
			{
				Community: covalima(plan.Community{Code: "TL050504-01", Name: "Camenaça Tasi", Point: orb.Point{125.3189, -9.3567},
					UnitCode: "TL050504", UnitName: "Camenaça", Population: nan, Households: nan, Rule: plan.Unknown}),
				Exposure:        exp(nan, nan, nan, 0, 0, nan, nan, nan, 0, 1, nan, nan, nan, 0, 1),
				DistanceToShore: nan, Rate: nan, RateCI: nan, YearReached: nan, YearReachedBand: nan, Severity: plan.Low,
			},
		},
	}
}

// TestAtRiskColumns checks the column definition: names unique and snake_case, every
// column with an HXL hashtag, one probability column per horizon named by its year.
func TestAtRiskColumns(t *testing.T) {
	cols, err := AtRiskColumns(atRiskSample())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	tags := map[string]bool{}
	for _, c := range cols {
		if seen[c.Name] {
			t.Errorf("column %s twice", c.Name)
		}
		seen[c.Name] = true
		if strings.Trim(c.Name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("column %q is not snake_case", c.Name)
		}
		if !strings.HasPrefix(c.HXL, "#") || strings.ContainsAny(c.HXL, " ,") {
			t.Errorf("column %s: HXL %q", c.Name, c.HXL)
		}
		if tags[c.HXL] {
			t.Errorf("HXL %s twice", c.HXL) // the XLSX table uses the tags as its header
		}
		tags[c.HXL] = true
		if c.Meaning == "" {
			t.Errorf("column %s has no meaning", c.Name)
		}
	}
	for _, name := range []string{"p_reached_2035", "p_reached_2045", "p_reached_2075"} {
		if !seen[name] {
			t.Errorf("no column %s", name)
		}
	}
}

// TestAtRiskRefused checks that lists the columns cannot describe are refused by every
// writer, with a message saying why.
func TestAtRiskRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*plan.List)
		want   string
	}{
		{"no horizon", func(l *plan.List) { l.Horizons = nil }, "no horizon"},
		{"selected out of range", func(l *plan.List) { l.Selected = 3 }, "selected horizon 3 of 3"},
		{"two horizons in a year", func(l *plan.List) { l.Horizons[2] = l.Horizons[1] }, "two horizons in 2045"},
		{"missing exposure", func(l *plan.List) { l.Rows[2].Exposure = l.Rows[2].Exposure[:2] }, `row 3 (community "TL080303-04"): 2 exposures for 3 horizons`},
		{"exposure of another horizon", func(l *plan.List) { l.Rows[0].Exposure[0].Horizon = l.Horizons[1] }, "exposure 1 is for 2045"},
	} {
		for _, f := range Formats() {
			t.Run(tc.name+"/"+f.String(), func(t *testing.T) {
				l := atRiskSample()
				tc.change(l)
				err := f.WriteAtRisk(io.Discard, l)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want one containing %q", err, tc.want)
				}
			})
		}
	}
	if err := CSV.WriteAtRisk(io.Discard, nil); err == nil {
		t.Error("a nil list was written")
	}
}

// TestAtRiskGolden checks every format against its golden file, that the same list
// gives the same bytes twice, and the progress from no row to every row.
func TestAtRiskGolden(t *testing.T) {
	l := atRiskSample()
	for _, f := range Formats() {
		t.Run(f.String(), func(t *testing.T) {
			var progress []string
			write := func() []byte {
				progress = progress[:0]
				var b bytes.Buffer
				if err := f.WriteAtRisk(&b, l, WithProgress(func(p analysis.Progress) {
					progress = append(progress, fmt.Sprintf("%s %d/%d", p.Step, p.Done, p.Total))
				})); err != nil {
					t.Fatal(err)
				}
				return b.Bytes()
			}
			got := write()
			if again := write(); !bytes.Equal(got, again) {
				t.Error("two writes of one list differ")
			}
			var want []string
			for i := range len(l.Rows) + 1 {
				want = append(want, fmt.Sprintf("tasi-at-risk-2045%s %d/%d", f.Extension(), i, len(l.Rows)))
			}
			if !slices.Equal(progress, want) {
				t.Errorf("progress %q, want %q", progress, want)
			}
			golden := "at_risk" + f.Extension()
			if f == XLSX { // a ZIP's bytes depend on the compressor: compare what it holds
				golden += ".txt"
				got = []byte(dumpXLSX(t, got))
			}
			compareGolden(t, golden, got)
		})
	}
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden (go test -update rewrites it):\n got: %s\nwant: %s", name, got, want)
	}
}

// TestAtRiskEmpty checks that a list without rows gives files with the header and no
// row, not an error.
func TestAtRiskEmpty(t *testing.T) {
	l := atRiskSample()
	l.Rows = nil
	for _, f := range Formats() {
		var b bytes.Buffer
		if err := f.WriteAtRisk(&b, l); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	var b bytes.Buffer
	if err := AtRiskCSV(&b, l); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 2 {
		t.Errorf("empty CSV has %d lines, want the header and the HXL row", n)
	}
}

func TestFormat(t *testing.T) {
	l := atRiskSample()
	for _, tc := range []struct {
		f                    Format
		names                []string
		contentType, extName string
	}{
		{CSV, []string{"csv", "CSV", ".csv"}, "text/csv; charset=utf-8", "tasi-at-risk-2045-TL08.csv"},
		{XLSX, []string{"xlsx", ".XLSX"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "tasi-at-risk-2045-TL08.xlsx"},
		{GeoJSON, []string{"geojson", "json"}, "application/geo+json", "tasi-at-risk-2045-TL08.geojson"},
		{KML, []string{"kml"}, "application/vnd.google-earth.kml+xml", "tasi-at-risk-2045-TL08.kml"},
	} {
		for _, n := range tc.names {
			if f, err := ParseFormat(n); err != nil || f != tc.f {
				t.Errorf("ParseFormat(%q) = %v, %v, want %v", n, f, err, tc.f)
			}
		}
		if got := tc.f.ContentType(); got != tc.contentType {
			t.Errorf("%v content type %q, want %q", tc.f, got, tc.contentType)
		}
		if got := tc.f.FileName(l, "TL08"); got != tc.extName {
			t.Errorf("%v file name %q, want %q", tc.f, got, tc.extName)
		}
	}
	if _, err := ParseFormat("pdf"); !errors.Is(err, ErrFormat) {
		t.Errorf("ParseFormat(pdf): %v, want ErrFormat", err)
	}
	if got := CSV.FileName(l, `../TL 08"`); got != "tasi-at-risk-2045-TL08.csv" {
		t.Errorf("unsafe scope gives %q", got)
	}
	if got := CSV.FileName(l, ""); got != "tasi-at-risk-2045.csv" {
		t.Errorf("no scope gives %q", got)
	}
	if err := Format(9).WriteAtRisk(io.Discard, l); !errors.Is(err, ErrFormat) {
		t.Errorf("Format(9): %v, want ErrFormat", err)
	}
}

func TestSheetName(t *testing.T) {
	taken := map[string]bool{"summary": true, "at risk": true, "provenance": true, "history": true}
	for _, tc := range []struct{ name, code, want string }{
		{"Liquiçá", "TL08", "Liquiçá"},
		{"Liquiçá", "TL99", "Liquiçá TL99"}, // a second municipality of that name
		{"LIQUIÇÁ", "", "LIQUIÇÁ (2)"},      // Excel compares names without case
		{"Summary", "TL01", "Summary TL01"},
		{"", "TL02", "TL02"},
		{"", "", "No municipality"},
		{"Oé-Cusse Ambeno: [Special/Admin*Region?]", "TL12", "Oé-Cusse Ambeno Special Admin R"},
		{"'Quoted'", "TL13", "Quoted"},
	} {
		got := sheetName(tc.name, tc.code, taken)
		if got != tc.want {
			t.Errorf("sheetName(%q, %q) = %q, want %q", tc.name, tc.code, got, tc.want)
		}
		if n := len([]rune(got)); n > 31 {
			t.Errorf("sheetName(%q) has %d characters", tc.name, n)
		}
	}
}

// TestREADMEColumns checks that the README's table of at-risk columns names every column
// with its hashtag, in order, the per-horizon columns as one p_reached_<year> row.
func TestREADMEColumns(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n### At-risk lists\n")
	if !ok {
		t.Fatal("README has no section At-risk lists")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var documented []string
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") || !strings.HasPrefix(strings.TrimSpace(cells[2]), "`#") {
			continue
		}
		documented = append(documented, strings.Trim(strings.TrimSpace(cells[1]), "`")+" "+strings.Trim(strings.TrimSpace(cells[2]), "`"))
	}
	l := atRiskSample()
	cols, err := AtRiskColumns(l)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range cols {
		if strings.HasPrefix(c.Name, "p_reached_") {
			if c.Name == fmt.Sprintf("p_reached_%d", l.Horizons[0].Year()) {
				want = append(want, "p_reached_<year> #indicator+p_reached+y<year>")
			}
			continue
		}
		want = append(want, c.Name+" "+c.HXL)
	}
	if !slices.Equal(documented, want) {
		t.Errorf("README documents\n%s\nwant\n%s", strings.Join(documented, "\n"), strings.Join(want, "\n"))
	}
}

// TestAtRiskOddText checks that rows without a municipality and names with control
// characters or invalid UTF-8 still give files their readers open.
func TestAtRiskOddText(t *testing.T) {
	l := atRiskSample()
	l.Rows[0].Community.Name = "Bad\x01name \xff<&>\"'"
	l.Rows[1].Community.RegionCode, l.Rows[1].Community.RegionName = "", ""
	for _, f := range Formats() {
		var b bytes.Buffer
		if err := f.WriteAtRisk(&b, l); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		switch f {
		case CSV:
			if !utf8.Valid(b.Bytes()) || !strings.Contains(b.String(), "Bad\x01name \uFFFD<&>") {
				t.Errorf("CSV: invalid UTF-8 or the name lost:\n%s", b.String())
			}
		case GeoJSON:
			var g geoJSON
			if err := json.Unmarshal(b.Bytes(), &g); err != nil {
				t.Errorf("GeoJSON: %v", err)
			}
		case KML:
			var k kmlFile
			if err := xml.Unmarshal(b.Bytes(), &k); err != nil {
				t.Errorf("KML: %v", err)
			} else if len(k.Document.Folders) != 3 || k.Document.Folders[0].Name != "No municipality" {
				t.Errorf("KML folders %d, first %q", len(k.Document.Folders), k.Document.Folders[0].Name)
			}
		case XLSX:
			x, err := excelize.OpenReader(&b)
			if err != nil {
				t.Fatalf("XLSX: %v", err)
			}
			if got := x.GetSheetList(); !slices.Contains(got, "No municipality") {
				t.Errorf("XLSX sheets %q", got)
			}
			x.Close()
		}
	}
}
