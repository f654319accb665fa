package export

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
)

// nfiSample is a hand-built NFI plan, maximal covering within 30 km with capacities: two
// depots (a municipality capital, and an existing warehouse with stock whose name needs
// CSV quoting), five communities (one served beyond the radius, one the network does not
// reach), four items of the Sphere family kit (per household and per person, fractional
// per person), and one municipality short of kits. The totals are the solver's figures
// worked out by hand:
//
//	depot 0: 82 + 20 = 102 households, 412 + 97 = 509 people,
//	         mean (82·12345.6 + 20·20480.4)/102 = 13940.66 m, max 20480.4 m
//	depot 1: 145 + 30.4 = 175.4 households, 655 + 152 = 807 people,
//	         mean (145·4210.2 + 30.4·38000)/175.4 = 10066.58 m, max 38000 m
//	demand:  289.4 households, 1376 people; covered 82 + 20 + 145 = 247 (0.853)
func nfiSample() *plan.NFIPlan {
	inf := math.Inf(1)
	profile := plan.Profile{
		Name: "sphere-family-kit", Title: "Family NFI kit for one household of five, Sphere-based",
		Source: "Sphere Handbook 2018", Period: "one kit per household, with one month of soap",
		Items: []plan.Item{
			{Name: "tarpaulin 4 x 6 m", Sector: "shelter", Unit: "piece", PerHousehold: 2, Source: "IFRC shelter kit"},
			{Name: "blanket", Sector: "bedding", Unit: "piece", PerPerson: 1, Source: "Sphere standard 4"},
			{Name: "mosquito net", Sector: "bedding", Unit: "piece", PerPerson: 0.5, Source: "one per two people"},
			{Name: "bathing soap", Sector: "hygiene", Unit: "kg", PerPerson: 0.25, Source: "Sphere: 250 g per person per month"},
		},
	}
	liquica := plan.Candidate{Code: "TL08-MC", Name: "Liquiçá", Kind: plan.MunicipalityCapital,
		Point: orb.Point{125.2417, -8.5936}, UnitCode: "TL080102", UnitName: "Dato",
		ParentCode: "TL0801", ParentName: "Liquiçá", RegionCode: "TL08", RegionName: "Liquiçá", Capacity: inf}
	suai := plan.Candidate{Code: "DEP-SUAI", Name: "Suai warehouse, \"port road\"", Kind: plan.ExistingDepot,
		Point: orb.Point{125.2561, -9.3129}, UnitCode: "TL050503", UnitName: "Suai Loro",
		ParentCode: "TL0505", ParentName: "Suai", RegionCode: "TL05", RegionName: "Covalima",
		Capacity: 500, Stock: 40.4, Fixed: true}
	community := func(code, name string, lon, lat float64, unit, unitName, parent, parentName, region, regionName string) plan.Community {
		return plan.Community{Code: code, Name: name, Point: orb.Point{lon, lat}, UnitCode: unit, UnitName: unitName,
			ParentCode: parent, ParentName: parentName, RegionCode: region, RegionName: regionName}
	}
	return &plan.NFIPlan{
		RunID: "run-2025-demo-7", Demand: "at risk by 2045 (band edge)", Objective: plan.Cover,
		K: 2, MaxDistance: 30000, Capacitated: true,
		Distance: "road network (tls_roads_estrada), detour factor 1.3 off the network", DetourFactor: 1.3,
		Profile: profile,
		Depots: []plan.DepotPlan{
			{Candidate: liquica, Communities: 2, Households: 102, People: 509,
				MeanDistance: 1421947.2 / 102, MaxDistance: 20480.4,
				Kits: 102, Items: []float64{204, 509, 254.5, 127.25}},
			{Candidate: suai, Communities: 2, Households: 175.4, People: 807,
				MeanDistance: 1765679 / 175.4, MaxDistance: 38000,
				Kits: 145 + 30.4, Items: []float64{350.8, 807, 403.5, 201.75}},
		},
		Assignments: []plan.Assignment{
			{Community: community("TL080305-01", "Maubara Lisa", 125.205218, -8.621846, "TL080305", "Maubaralissa", "TL0803", "Maubara", "TL08", "Liquiçá"),
				Households: 82, People: 412, Depot: 0, Distance: 12345.6, Covered: true},
			{Community: community("TL050503-02", "Suai Loro", 125.2561, -9.337, "TL050503", "Suai Loro", "TL0505", "Suai", "TL05", "Covalima"),
				Households: 145, People: 655, Depot: 1, Distance: 4210.2, Covered: true},
			{Community: community("TL080303-04", "Vatunau", 125.28889, -8.60417, "TL080303", "Vatuvou", "TL0803", "Maubara", "TL08", "Liquiçá"),
				Households: 20, People: 97, Depot: 0, Distance: 20480.4, Covered: true},
			{Community: community("TL050504-01", "Camenaça Tasi", 125.3189, -9.3567, "TL050504", "Camenaça", "TL0505", "Suai", "TL05", "Covalima"),
				Households: 30.4, People: 152, Depot: 1, Distance: 38000, Covered: false, Reason: "beyond max distance"},
			{Community: community("TL050601-03", "Foholulic Tasi", 125.3712, -9.3811, "TL050601", "Foholulic", "TL0506", "Tilomar", "TL05", "Covalima"),
				Households: 12, People: 60, Depot: -1, Distance: inf, Covered: false, Reason: "unreachable"},
		},
		Value:      247,
		Households: 289.4, People: 1376, CoveredHouseholds: 247, Coverage: 247 / 289.4,
		MeanDistance: (1421947.2 + 1765679) / 277.4, WorstDistance: 38000,
		Shortfalls: []plan.Shortfall{{
			RegionCode: "TL05", RegionName: "Covalima", Households: 187.4, People: 867, Covered: 145,
			Needed: 187.4, Stocked: 40.4, Short: 147,
			ItemsNeeded: []float64{374.8, 867, 433.5, 216.75},
			ItemsShort:  []float64{294, 680.09, 340.04, 170.02},
		}},
		Unreached: []string{"community Foholulic Tasi (TL050601-03): 41 km from the nearest road"},
		Provenance: analysis.Provenance{
			Version:    "0.9.0",
			Started:    time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC),
			Finished:   time.Date(2025, 3, 1, 8, 0, 42, 0, time.UTC),
			Parameters: map[string]string{"k": "2", "max-distance": "30000", "profile": "sphere-family-kit"},
			Inputs: []analysis.InputFile{{Role: "roads", Path: "../shared/data/tls_roads_estrada/roads.gpkg",
				SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
		},
		Caveats: []string{
			"Admin level 3 (suco) is for information only and not official (OCHA COD-AB 2020).",
			"Households from the 2015 census; 5 people per household where only people are known.",
		},
	}
}

// nfiGolden is the golden file of each file of an NFI export.
var nfiGolden = map[string]string{
	NFIDepotsFile: "nfi_depots.csv", NFIAssignmentsFile: "nfi_assignments.csv", NFISummaryFile: "nfi_summary.csv",
	NFIShortfallFile: "nfi_shortfall.csv", NFIWorkbookFile: "nfi.xlsx.txt", NFIGeoJSONFile: "nfi.geojson",
}

func TestNFIGolden(t *testing.T) {
	p := nfiSample()
	for _, f := range []Format{CSV, XLSX, GeoJSON} {
		files, err := NFIFiles(p, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			t.Run(file.Name, func(t *testing.T) {
				write := func() []byte {
					var b bytes.Buffer
					if err := file.Write(&b); err != nil {
						t.Fatal(err)
					}
					return b.Bytes()
				}
				got := write()
				if again := write(); !bytes.Equal(got, again) {
					t.Error("two writes of one plan differ")
				}
				if f == XLSX { // a ZIP's bytes depend on the compressor: compare what it holds
					got = []byte(dumpXLSX(t, got))
				}
				compareGolden(t, nfiGolden[file.Name], got)
			})
		}
	}
}

func TestNFIFiles(t *testing.T) {
	p := nfiSample()
	for _, tc := range []struct {
		f    Format
		want []string
	}{
		{CSV, []string{"depots.csv", "assignments.csv", "summary.csv", "shortfall.csv"}},
		{XLSX, []string{"nfi_plan.xlsx"}},
		{GeoJSON, []string{"nfi_plan.geojson"}},
	} {
		files, err := NFIFiles(p, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range files {
			got = append(got, f.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.f, got, tc.want)
		}
	}
	p.Shortfalls = nil
	if files, _ := NFIFiles(p, CSV); len(files) != 3 {
		t.Errorf("without shortfalls: %d CSV files, want 3", len(files))
	}
	if _, err := NFIFiles(p, KML); !errors.Is(err, ErrFormat) {
		t.Errorf("KML: %v, want ErrFormat", err)
	}
}

func TestWriteNFI(t *testing.T) {
	p := nfiSample()
	var want, got bytes.Buffer
	if err := NFIAssignmentsCSV(&want, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteNFI(&got, p, CSV, "assignments.csv"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Error("WriteNFI assignments.csv differs from NFIAssignmentsCSV")
	}
	if err := WriteNFI(&got, p, GeoJSON, ""); err != nil {
		t.Errorf("GeoJSON without a name: %v", err)
	}
	if err := WriteNFI(&got, p, CSV, ""); err == nil || !strings.Contains(err.Error(), "depots.csv") {
		t.Errorf("CSV without a name: %v, want the names listed", err)
	}
	if err := WriteNFI(&got, p, KML, ""); !errors.Is(err, ErrFormat) {
		t.Errorf("KML: %v, want ErrFormat", err)
	}
}

// TestNFIRefused checks that plans the columns cannot describe are errors in every writer.
func TestNFIRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p *plan.NFIPlan)
		want   string
	}{
		{"depot items", func(p *plan.NFIPlan) { p.Depots[1].Items = p.Depots[1].Items[:3] }, "depot 2"},
		{"depot index", func(p *plan.NFIPlan) { p.Assignments[2].Depot = 2 }, "assignment 3"},
		{"duplicate key", func(p *plan.NFIPlan) { p.Profile.Items[2].Name = "Blanket" }, "duplicate key"},
		{"shortfall items", func(p *plan.NFIPlan) { p.Shortfalls[0].ItemsShort = []float64{1} }, "shortfall 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := nfiSample()
			tc.change(p)
			for _, f := range []Format{CSV, XLSX, GeoJSON} {
				if _, err := NFIFiles(p, f); err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: %v, want %q", f, err, tc.want)
				}
			}
			for name, write := range map[string]func(*bytes.Buffer, *plan.NFIPlan) error{
				"depots":      func(b *bytes.Buffer, p *plan.NFIPlan) error { return NFIDepotsCSV(b, p) },
				"assignments": func(b *bytes.Buffer, p *plan.NFIPlan) error { return NFIAssignmentsCSV(b, p) },
				"summary":     func(b *bytes.Buffer, p *plan.NFIPlan) error { return NFISummaryCSV(b, p) },
				"xlsx":        func(b *bytes.Buffer, p *plan.NFIPlan) error { return NFIXLSX(b, p) },
				"geojson":     func(b *bytes.Buffer, p *plan.NFIPlan) error { return NFIGeoJSON(b, p) },
			} {
				if err := write(new(bytes.Buffer), p); err == nil {
					t.Errorf("%s: no error", name)
				}
			}
		})
	}
	if _, err := NFIFiles(nil, CSV); err == nil {
		t.Error("nil plan: no error")
	}
}

// TestNFIEmpty checks that a plan without depots, communities or items still gives files
// with their headers.
func TestNFIEmpty(t *testing.T) {
	p := &plan.NFIPlan{Distance: "straight line"}
	for _, f := range []Format{CSV, XLSX, GeoJSON} {
		files, err := NFIFiles(p, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if err := file.Write(new(bytes.Buffer)); err != nil {
				t.Errorf("%s: %v", file.Name, err)
			}
		}
	}
}
