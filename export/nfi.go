package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/utm"
)

// The files of an NFI plan export (tasi plan nfi), by format: CSV gives NFIDepotsFile,
// NFIAssignmentsFile, NFISummaryFile and, when the plan has shortfalls, NFIShortfallFile;
// XLSX gives NFIWorkbookFile; GeoJSON NFIGeoJSONFile.
const (
	NFIDepotsFile      = "depots.csv"
	NFIAssignmentsFile = "assignments.csv"
	NFISummaryFile     = "summary.csv"
	NFIShortfallFile   = "shortfall.csv"
	NFIWorkbookFile    = "nfi_plan.xlsx"
	NFIGeoJSONFile     = "nfi_plan.geojson"
)

// NFIFile is one file of an NFI plan export: its name and what writes it.
type NFIFile struct {
	Name  string
	Write func(io.Writer) error
}

// NFIFiles returns the files an NFI plan is exported as in format f, in the order a
// reader should open them: for CSV depots.csv, assignments.csv, summary.csv and, when the
// plan has shortfalls, shortfall.csv; for XLSX nfi_plan.xlsx; for GeoJSON
// nfi_plan.geojson. It writes nothing: the caller puts the files in place together
// (cmd/tasi through internal/fileset), or picks one (WriteNFI). KML is not an NFI format:
// it is an error wrapping ErrFormat, as is a plan the writers cannot describe (checkNFI).
//
// Every file names the distance method and carries the run; the caveats are in
// summary.csv, the workbook's Summary and Provenance sheets and the GeoJSON's "tasi"
// member.
func NFIFiles(p *plan.NFIPlan, f Format) ([]NFIFile, error) {
	if err := checkNFI(p); err != nil {
		return nil, err
	}
	with := func(write func(io.Writer, *plan.NFIPlan) error) func(io.Writer) error {
		return func(w io.Writer) error { return write(w, p) }
	}
	switch f {
	case CSV:
		files := []NFIFile{
			{NFIDepotsFile, with(NFIDepotsCSV)},
			{NFIAssignmentsFile, with(NFIAssignmentsCSV)},
			{NFISummaryFile, with(NFISummaryCSV)},
		}
		if len(p.Shortfalls) > 0 {
			files = append(files, NFIFile{NFIShortfallFile, with(NFIShortfallCSV)})
		}
		return files, nil
	case XLSX:
		return []NFIFile{{NFIWorkbookFile, with(NFIXLSX)}}, nil
	case GeoJSON:
		return []NFIFile{{NFIGeoJSONFile, with(NFIGeoJSON)}}, nil
	}
	return nil, fmt.Errorf("nfi plan: %w %v: want csv, xlsx or geojson", ErrFormat, f)
}

// WriteNFI writes one file of an NFI plan export to w, for the API: the file of NFIFiles
// called name, or, when name is "" and the format has one file, that file. An unknown
// name is an error that lists the names there are.
func WriteNFI(w io.Writer, p *plan.NFIPlan, f Format, name string) error {
	files, err := NFIFiles(p, f)
	if err != nil {
		return err
	}
	if name == "" && len(files) == 1 {
		return files[0].Write(w)
	}
	var have []string
	for _, file := range files {
		if file.Name == name {
			return file.Write(w)
		}
		have = append(have, file.Name)
	}
	return fmt.Errorf("nfi plan: no file %q in %s (have %s)", name, f, strings.Join(have, ", "))
}

// nfiColumn is a column of one of an NFI plan's tables, whose rows are R (a depot, an
// assignment, a shortfall): its Column (name, HXL, unit, meaning, kind, decimals) and how
// to get a row's cell.
type nfiColumn[R any] struct {
	Column
	get func(*R) cell
}

func nfiText[R any](name, hxl, meaning string, get func(*R) string) nfiColumn[R] {
	return nfiColumn[R]{Column{Name: name, HXL: hxl, Meaning: meaning, kind: textKind},
		func(r *R) cell { return textCell(get(r)) }}
}

func nfiNumber[R any](name, hxl, unit string, decimals int, meaning string, get func(*R) float64) nfiColumn[R] {
	return nfiColumn[R]{Column{Name: name, HXL: hxl, Unit: unit, Meaning: meaning, kind: numberKind, decimals: decimals},
		func(r *R) cell { return numberCell(get(r), decimals) }}
}

// nfiWhole is a column of whole kits: rounded up (you cannot stock half a kit) or, for
// kits held, down (half a kit cannot be handed out).
func nfiWhole[R any](name, hxl, meaning string, round func(float64) float64, get func(*R) float64) nfiColumn[R] {
	return nfiColumn[R]{Column{Name: name, HXL: hxl, Unit: "kits", Meaning: meaning, kind: numberKind},
		func(r *R) cell { return numberCell(round(get(r)), 0) }}
}

func nfiBool[R any](name, hxl, meaning string, get func(*R) bool) nfiColumn[R] {
	return nfiColumn[R]{Column{Name: name, HXL: hxl, Meaning: meaning, kind: boolKind},
		func(r *R) cell { return boolCell(get(r)) }}
}

// wholeTolerance is how close to a whole number a kit count may be and still be that
// number: sums of fractional households carry float error, which must not add a kit.
const wholeTolerance = 1e-6

// kitsUp rounds kits to stock or needed up to whole kits.
func kitsUp(v float64) float64 { return math.Ceil(v - wholeTolerance) }

// kitsDown rounds kits held down to whole kits.
func kitsDown(v float64) float64 { return math.Floor(v + wholeTolerance) }

// columnsOf returns the Columns of a table, for names, HXL tags, widths and formats.
func columnsOf[R any](cols []nfiColumn[R]) []Column {
	c := make([]Column, len(cols))
	for i := range cols {
		c[i] = cols[i].Column
	}
	return c
}

// cellsOf fills dst with the cells of one row.
func cellsOf[R any](dst []cell, cols []nfiColumn[R], r *R) []cell {
	dst = dst[:0]
	for i := range cols {
		dst = append(dst, cols[i].get(r))
	}
	return dst
}

// hxlAttribute makes s an HXL attribute: lower-case ASCII letters, digits and "_".
func hxlAttribute(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// place is the columns saying where a depot or a community is.
func place[R any](lonlat func(*R) [2]float64, codes func(*R) [6]string) []nfiColumn[R] {
	level := []struct{ name, hxl, meaning string }{
		{"municipality_code", "#adm1+code", "P-code of the municipality (ADM1)"},
		{"municipality_name", "#adm1+name", "English name of the municipality"},
		{"posto_code", "#adm2+code", "P-code of the posto administrativo (ADM2)"},
		{"posto_name", "#adm2+name", "English name of the posto administrativo"},
		{"suco_code", "#adm3+code", "P-code of the suco (ADM3)"},
		{"suco_name", "#adm3+name", "English name of the suco"},
	}
	cols := []nfiColumn[R]{
		nfiNumber("lon", "#geo+lon", "degrees", 6, "longitude (WGS84, −180 to 180)",
			func(r *R) float64 { return utm.WrapLongitude(lonlat(r)[0]) }),
		nfiNumber("lat", "#geo+lat", "degrees", 6, "latitude (WGS84)",
			func(r *R) float64 { return lonlat(r)[1] }),
	}
	for i, l := range level {
		cols = append(cols, nfiText(l.name, l.hxl, l.meaning, func(r *R) string { return codes(r)[i] }))
	}
	return cols
}

func distanceMethod[R any](p *plan.NFIPlan) nfiColumn[R] {
	return nfiText("distance_method", "#meta+distance_method",
		"how distances were measured: over the road network (which, detour factor) or in a straight line",
		func(*R) string { return p.Distance })
}

// NFIDepotColumns returns the columns of depots.csv and the Depots sheet: the depot, where
// it is, what it serves, how far, the kits and items to stock (one column per item of the
// plan's profile, named by plan.Item.Key), whether it is fixed, its stock and capacity.
func NFIDepotColumns(p *plan.NFIPlan) ([]Column, error) {
	if err := checkNFI(p); err != nil {
		return nil, err
	}
	return columnsOf(depotColumns(p)), nil
}

func depotColumns(p *plan.NFIPlan) []nfiColumn[plan.DepotPlan] {
	type D = plan.DepotPlan
	cols := []nfiColumn[D]{
		nfiText("depot_id", "#loc+code+depot", "code of the depot (candidate code)", func(d *D) string { return d.Code }),
		nfiText("depot_name", "#loc+name+depot", "name of the depot", func(d *D) string { return d.Name }),
		nfiText("depot_kind", "#loc+type+depot", "where the candidate comes from: municipality capital, posto capital, suco centre, sea port, candidate file, existing depot",
			func(d *D) string { return string(d.Kind) }),
	}
	cols = append(cols, place(
		func(d *D) [2]float64 { return [2]float64{d.Point[0], d.Point[1]} },
		func(d *D) [6]string {
			return [6]string{d.RegionCode, d.RegionName, d.ParentCode, d.ParentName, d.UnitCode, d.UnitName}
		})...)
	cols = append(cols,
		nfiNumber("households_served", "#affected+hh+served", "households", 0, "households of the communities assigned to the depot",
			func(d *D) float64 { return d.Households }),
		nfiNumber("people_served", "#affected+served", "people", 0, "people of the communities assigned to the depot",
			func(d *D) float64 { return d.People }),
		nfiNumber("communities", "#indicator+communities+served", "communities", 0, "communities assigned to the depot",
			func(d *D) float64 { return float64(d.Communities) }),
		nfiNumber("mean_distance_m", "#indicator+distance+mean", "m", 0, "household-weighted mean distance from the depot to its communities; empty when it serves none",
			func(d *D) float64 { return d.MeanDistance }),
		nfiNumber("max_distance_m", "#indicator+distance+max", "m", 0, "distance to its farthest community; empty when it serves none",
			func(d *D) float64 { return d.MaxDistance }),
		distanceMethod[D](p),
		nfiWhole("kits", "#item+num+kits", "kits to stock, one per household served, rounded up to whole kits", kitsUp,
			func(d *D) float64 { return d.Kits }),
	)
	for i, it := range p.Profile.Items {
		cols = append(cols, nfiNumber(it.Key(), "#item+num+"+hxlAttribute(it.Key()), it.Unit, 1,
			itemMeaning(it, "to stock"), func(d *D) float64 { return d.Items[i] }))
	}
	cols = append(cols,
		nfiBool("fixed", "#meta+fixed", "true for a depot that is always open (an existing depot)", func(d *D) bool { return d.Fixed }),
		nfiWhole("stock", "#item+num+kits+stock", "kits the depot holds today, rounded down to whole kits", kitsDown,
			func(d *D) float64 { return d.Stock }),
		nfiNumber("capacity", "#capacity+kits", "kits", 0, "the most kits the depot can hold; empty when not limited",
			func(d *D) float64 { return d.Capacity }),
	)
	return cols
}

// itemMeaning describes an item's column: what, how much per household or person, and
// where the quantity comes from.
func itemMeaning(it plan.Item, what string) string {
	per, q := "household", it.PerHousehold
	if it.PerPerson != 0 {
		per, q = "person", it.PerPerson
	}
	s := fmt.Sprintf("%s %s (%s %s per %s)", it.Name, what, strconv.FormatFloat(q, 'f', -1, 64), it.Unit, per)
	if it.Source != "" {
		s += "; " + it.Source
	}
	return s
}

// NFIAssignmentColumns returns the columns of assignments.csv and the Assignments sheet:
// the community, where it is, its depot and how far, its households and people, whether
// it is covered and, when it is not served, why.
func NFIAssignmentColumns(p *plan.NFIPlan) ([]Column, error) {
	if err := checkNFI(p); err != nil {
		return nil, err
	}
	return columnsOf(assignmentColumns(p)), nil
}

func assignmentColumns(p *plan.NFIPlan) []nfiColumn[plan.Assignment] {
	type A = plan.Assignment
	depot := func(a *A) *plan.DepotPlan {
		if a.Depot < 0 {
			return nil
		}
		return &p.Depots[a.Depot]
	}
	cols := []nfiColumn[A]{
		nfiText("community_id", "#loc+code", "code of the community", func(a *A) string { return a.Community.Code }),
		nfiText("community_name", "#loc+name", "name of the community", func(a *A) string { return a.Community.Name }),
	}
	cols = append(cols, place(
		func(a *A) [2]float64 { return [2]float64{a.Community.Point[0], a.Community.Point[1]} },
		func(a *A) [6]string {
			c := &a.Community
			return [6]string{c.RegionCode, c.RegionName, c.ParentCode, c.ParentName, c.UnitCode, c.UnitName}
		})...)
	cols = append(cols,
		nfiText("depot_id", "#loc+code+depot", "code of the depot that serves it; empty when none does", func(a *A) string {
			if d := depot(a); d != nil {
				return d.Code
			}
			return ""
		}),
		nfiText("depot_name", "#loc+name+depot", "name of that depot", func(a *A) string {
			if d := depot(a); d != nil {
				return d.Name
			}
			return ""
		}),
		nfiNumber("distance_m", "#indicator+distance", "m", 0, "distance from the depot (distance_method); empty when no open depot reaches it (see reason)",
			func(a *A) float64 { return a.Distance }),
		distanceMethod[A](p),
		nfiNumber("households", "#affected+hh", "households", 0, "households of the community the plan serves",
			func(a *A) float64 { return a.Households }),
		nfiNumber("people", "#affected", "people", 0, "people of the community the plan serves",
			func(a *A) float64 { return a.People }),
		nfiBool("covered", "#indicator+covered", "true when served within the plan's max_distance_m (every served community without one)",
			func(a *A) bool { return a.Covered }),
		nfiText("reason", "#meta+reason", "empty when served; else unreachable, over capacity or beyond max distance",
			func(a *A) string { return a.Reason }),
	)
	return cols
}

// NFIShortfallColumns returns the columns of shortfall.csv and the Shortfall sheet: per
// municipality, its demand, the kits it needs, those stocked for it and the kits short,
// then per item of the profile what is needed and what is short.
func NFIShortfallColumns(p *plan.NFIPlan) ([]Column, error) {
	if err := checkNFI(p); err != nil {
		return nil, err
	}
	return columnsOf(shortfallColumns(p)), nil
}

func shortfallColumns(p *plan.NFIPlan) []nfiColumn[plan.Shortfall] {
	type S = plan.Shortfall
	cols := []nfiColumn[S]{
		nfiText("municipality_code", "#adm1+code", "P-code of the municipality (ADM1)", func(s *S) string { return s.RegionCode }),
		nfiText("municipality_name", "#adm1+name", "English name of the municipality", func(s *S) string { return s.RegionName }),
		nfiNumber("households", "#affected+hh", "households", 0, "households of its communities in the plan's demand",
			func(s *S) float64 { return s.Households }),
		nfiNumber("people", "#affected", "people", 0, "people of those communities",
			func(s *S) float64 { return s.People }),
		nfiNumber("covered_households", "#affected+hh+covered", "households", 0, "households within max distance of a depot with stock",
			func(s *S) float64 { return s.Covered }),
		nfiWhole("kits_needed", "#inneed+kits", "kits its households need, rounded up", kitsUp,
			func(s *S) float64 { return s.Needed }),
		nfiWhole("kits_stocked", "#item+num+kits+stocked", "kits of the depots serving it, shared by households served, rounded down", kitsDown,
			func(s *S) float64 { return s.Stocked }),
		nfiWhole("kits_short", "#inneed+kits+short", "max(0, needed − stocked) from the unrounded figures, rounded up", kitsUp,
			func(s *S) float64 { return s.Short }),
	}
	at := func(v []float64, i int) float64 {
		if i < len(v) {
			return v[i]
		}
		return math.NaN()
	}
	for i, it := range p.Profile.Items {
		attr := hxlAttribute(it.Key())
		cols = append(cols,
			nfiNumber(it.Key()+"_needed", "#inneed+"+attr, it.Unit, 1, itemMeaning(it, "needed"),
				func(s *S) float64 { return at(s.ItemsNeeded, i) }),
			nfiNumber(it.Key()+"_short", "#inneed+"+attr+"+short", it.Unit, 1, it.Name+" short",
				func(s *S) float64 { return at(s.ItemsShort, i) }))
	}
	return cols
}

// checkNFI refuses a plan the writers cannot describe: none, two items of its profile
// with one key (their columns would share a name), a depot without one quantity per item,
// an assignment to a depot the plan does not have, a shortfall with item figures for
// another number of items.
func checkNFI(p *plan.NFIPlan) error {
	if p == nil {
		return errors.New("nfi plan: no plan")
	}
	n := len(p.Profile.Items)
	keys := make(map[string]bool, n)
	for i, it := range p.Profile.Items {
		k := it.Key()
		if k == "" || keys[k] {
			return fmt.Errorf("nfi plan: profile %s: item %d (%q): empty or duplicate key %q", p.Profile.Name, i+1, it.Name, k)
		}
		keys[k] = true
	}
	for i, d := range p.Depots {
		if len(d.Items) != n {
			return fmt.Errorf("nfi plan: depot %d (%q): %d item quantities for %d items", i+1, d.Code, len(d.Items), n)
		}
	}
	for i, a := range p.Assignments {
		if a.Depot < -1 || a.Depot >= len(p.Depots) {
			return fmt.Errorf("nfi plan: assignment %d (community %q): depot %d of %d", i+1, a.Community.Code, a.Depot, len(p.Depots))
		}
	}
	for i, s := range p.Shortfalls {
		if (len(s.ItemsNeeded) != 0 && len(s.ItemsNeeded) != n) || (len(s.ItemsShort) != 0 && len(s.ItemsShort) != n) {
			return fmt.Errorf("nfi plan: shortfall %d (%q): %d items needed and %d short for %d items",
				i+1, s.RegionCode, len(s.ItemsNeeded), len(s.ItemsShort), n)
		}
	}
	return nil
}
