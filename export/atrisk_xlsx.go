package export

import (
	"archive/zip"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/plan"
	"github.com/xuri/excelize/v2"
)

// Sheet names of an at-risk workbook besides the municipalities'.
const (
	SummarySheet    = "Summary"
	AllRowsSheet    = "At risk"
	ProvenanceSheet = "Provenance"
)

// The values of the Summary sheet's level column.
const (
	levelMunicipality = "municipality"
	levelSuco         = "suco"
	levelTotal        = "total"
)

// AtRiskXLSX writes an at-risk list as an Excel workbook with these sheets:
//
//   - "Summary", the displacement outlook: for each municipality (by P-code), a row for
//     the municipality and one for each of its sucos, then a row for the whole list, with
//     per horizon the communities at risk (in the band-edge zone), the people and
//     households at risk (the sums of the rows' whole-number figures, so that they add
//     up to what a reader sums from the rows), and the communities at risk whose people
//     or households are unknown and so missing from the sums; the caveats below;
//   - "At risk", every row in the list's order, the columns of AtRiskColumns;
//   - one sheet per municipality (by P-code) with its rows in the list's order, named
//     after the municipality, made fit for Excel (at most 31 characters, none of
//     []:*?/\, unique);
//   - "Provenance": run, tasi version, reference date, horizons, setback, confidence,
//     rate kind, the count rules used, the severity rule, the caveats, every input with
//     its SHA-256 and every parameter.
//
// Every row sheet has the column names, then the HXL hashtags as the header of an Excel
// table (filter buttons, banded rows), both frozen. Numbers are number cells rounded
// as the CSV rounds them and shown with the same decimals, flags are TRUE/FALSE, and
// unknown values are blank cells. The same list gives the same bytes.
//
// It fails on the lists AtRiskCSV refuses.
func AtRiskXLSX(w io.Writer, l *plan.List, opts ...Option) error {
	cols, err := AtRiskColumns(l)
	if err != nil {
		return err
	}
	f, st, err := newWorkbook(l.Provenance.Finished)
	if err != nil {
		return err
	}
	defer f.Close()
	meta := newListMeta(l, cols)
	if err := f.SetSheetName("Sheet1", SummarySheet); err != nil {
		return err
	}
	if err := writeSummary(f, st, l, meta); err != nil {
		return fmt.Errorf("sheet %s: %w", SummarySheet, err)
	}

	progress := newRowReporter(XLSX.FileName(l, ""), len(l.Rows), opts)
	all := make([]int, len(l.Rows))
	for i := range all {
		all[i] = i
	}
	tables := 0
	sheet := func(name string, rows []int, report bool) error {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		tables++
		return writeRows(f, st, name, "tasi_rows_"+strconv.Itoa(tables), cols, l, rows, func(done int) {
			if report && done < len(l.Rows) { // the last report comes once the file is written
				progress.wrote(done)
			}
		})
	}
	if err := sheet(AllRowsSheet, all, true); err != nil {
		return fmt.Errorf("sheet %s: %w", AllRowsSheet, err)
	}
	taken := map[string]bool{}
	for _, s := range []string{SummarySheet, AllRowsSheet, ProvenanceSheet, "History"} {
		taken[strings.ToLower(s)] = true
	}
	for _, g := range byMunicipality(l) {
		name := sheetName(g.name, g.code, taken)
		if err := sheet(name, g.rows, false); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	if _, err := f.NewSheet(ProvenanceSheet); err != nil {
		return err
	}
	if err := writeProvenanceRows(f, st, ProvenanceSheet, meta.rows()); err != nil {
		return fmt.Errorf("sheet %s: %w", ProvenanceSheet, err)
	}
	if err := setDocProps(f, strings.TrimSuffix(XLSX.FileName(l, ""), XLSX.Extension()), "Communities the sea may reach, run "+l.RunID, l.Provenance, l.Caveats); err != nil {
		return err
	}
	// Summary, the first sheet, is the active one. (File.SetActiveSheet would parse every
	// streamed sheet back and write it again: four fifths of the time of a national list.)
	if err := f.Write(w); err != nil {
		return err
	}
	if len(l.Rows) > 0 {
		progress.wrote(len(l.Rows))
	}
	return nil
}

// xlsxStyles are the cell styles of a workbook.
type xlsxStyles struct {
	header, hxl, bold, note int
	numbers                 map[string]int // by number format
	severity                map[plan.Severity]int
}

func newXLSXStyles(f *excelize.File) (*xlsxStyles, error) {
	st := &xlsxStyles{numbers: map[string]int{}, severity: map[plan.Severity]int{}}
	var err error
	add := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	st.header = add(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.hxl = add(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}})
	st.bold = add(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 3})
	st.note = add(&excelize.Style{Font: &excelize.Font{Italic: true}})
	for _, format := range []string{"0", "#,##0", "0.0", "0.00", "0.000", "0.000000"} {
		st.numbers[format] = add(&excelize.Style{CustomNumFmt: &format})
	}
	for _, s := range []struct {
		severity plan.Severity
		fill     string
	}{{plan.High, "F4B6B6"}, {plan.Medium, "F9D5A7"}, {plan.Low, "FBF0B2"}} {
		st.severity[s.severity] = add(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{s.fill}}})
	}
	return st, err
}

// numberFormat is the Excel number format of a column: its decimals, and thousands
// separators for counts of people and households.
func numberFormat(c Column) string {
	switch {
	case c.decimals == 0 && (c.Unit == "people" || c.Unit == "households"):
		return "#,##0"
	case c.decimals == 0:
		return "0"
	}
	return "0." + strings.Repeat("0", c.decimals)
}

// columnWidth is a width that shows a column's name and typical values.
func columnWidth(c Column) float64 {
	w := float64(len(c.Name)) + 2
	if c.kind == textKind {
		w = max(w, 16)
	}
	return min(max(w, 8), 40)
}

// writeRows writes the rows of l with the given indices to a sheet as a table under the
// column names, reporting after each row.
func writeRows(f *excelize.File, st *xlsxStyles, sheet, table string, cols []Column, l *plan.List, rows []int, wrote func(int)) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	styles, err := startColumnTable(sw, st, cols)
	if err != nil {
		return err
	}
	sevCol := columnIndex(cols, "severity")
	cells := make([]cell, 0, len(cols))
	values := make([]any, len(cols))
	for n, i := range rows {
		r := &l.Rows[i]
		cells = rowCells(cells, cols, l, r)
		for j, c := range cells {
			values[j] = xlsxValue(cols[j].kind, c, styles[j])
		}
		if s, ok := st.severity[r.Severity]; ok && sevCol >= 0 {
			values[sevCol] = excelize.Cell{StyleID: s, Value: cells[sevCol].text}
		}
		if err := sw.SetRow("A"+strconv.Itoa(n+3), values); err != nil {
			return err
		}
		wrote(n + 1)
	}
	last, err := excelize.CoordinatesToCellName(len(cols), max(len(rows)+2, 3))
	if err != nil {
		return err
	}
	if err := sw.AddTable(&excelize.Table{Range: "A2:" + last, Name: table, StyleName: "TableStyleLight9"}); err != nil {
		return err
	}
	return sw.Flush()
}

// xlsxValue is a cell as the stream writer takes it: nil for a blank cell, a number, a
// flag, or text.
func xlsxValue(k kind, c cell, style int) any {
	switch {
	case c.empty:
		return nil
	case k == numberKind:
		return excelize.Cell{StyleID: style, Value: c.num}
	case k == boolKind:
		return c.b
	}
	return c.text
}

// setWidths sets the widths of a sheet's first columns. The stream writer puts each
// column it is given before the others, and Excel wants them in ascending order: so from
// the last to the first.
func setWidths(sw *excelize.StreamWriter, widths []float64) error {
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	return nil
}

func styled(texts []string, style int) []any {
	v := make([]any, len(texts))
	for i, t := range texts {
		v[i] = excelize.Cell{StyleID: style, Value: t}
	}
	return v
}

func frozenHeader(rows int) *excelize.Panes {
	top := "A" + strconv.Itoa(rows+1)
	return &excelize.Panes{Freeze: true, YSplit: rows, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}}}
}

// municipality is the rows of one municipality, in the list's order.
type municipality struct {
	code, name string
	rows       []int
}

// byMunicipality groups the rows by municipality P-code, in P-code order.
func byMunicipality(l *plan.List) []municipality {
	index := map[string]int{}
	var groups []municipality
	for i := range l.Rows {
		c := &l.Rows[i].Community
		g, ok := index[c.RegionCode]
		if !ok {
			g = len(groups)
			index[c.RegionCode] = g
			groups = append(groups, municipality{code: c.RegionCode, name: c.RegionName})
		}
		groups[g].rows = append(groups[g].rows, i)
	}
	slices.SortStableFunc(groups, func(a, b municipality) int { return cmp.Compare(a.code, b.code) })
	return groups
}

// sheetName makes a municipality's name a sheet name Excel accepts and that no other
// sheet has (Excel compares names without case): none of []:*?/\, no apostrophe at
// either end, at most 31 UTF-16 units. A name already taken gets the P-code, then a
// number.
func sheetName(name, code string, taken map[string]bool) string {
	clean := func(s string) string {
		s = strings.Map(func(r rune) rune {
			if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
				return ' '
			}
			return r
		}, s)
		s = strings.Trim(strings.Join(strings.Fields(s), " "), "'")
		return strings.TrimRight(truncate16(s, 31), " '")
	}
	base := cmp.Or(name, code, "No municipality")
	candidates := []string{clean(base)}
	if code != "" && code != base {
		suffix := " " + code
		candidates = append(candidates, clean(truncate16(base, 31-len(suffix))+suffix))
	}
	for n := 2; ; n++ {
		for _, c := range candidates {
			if c != "" && !taken[strings.ToLower(c)] {
				taken[strings.ToLower(c)] = true
				return c
			}
		}
		suffix := " (" + strconv.Itoa(n) + ")"
		candidates = []string{clean(truncate16(base, 31-len(suffix)) + suffix)}
	}
}

// truncate16 shortens s to at most n UTF-16 units, whole runes only.
func truncate16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}

// summaryTally is what the Summary sheet counts for one place at one horizon.
type summaryTally struct {
	communities, uncounted int
	people, households     float64
}

type summaryRow struct {
	level                                      string
	regionCode, regionName, unitCode, unitName string
	tally                                      []summaryTally // per horizon
}

// summarize counts the communities at risk (in the band-edge zone) and sums the people
// and households at risk of the rows, per municipality, per suco and for the whole list,
// at every horizon. People and households are the rows' whole-number figures; a
// community at risk whose figures are unknown counts as uncounted.
func summarize(l *plan.List) []summaryRow {
	nh := len(l.Horizons)
	add := func(t []summaryTally, r *plan.AtRisk) {
		for h, e := range r.Exposure {
			people, households := numberCell(e.People, 0), numberCell(e.Households, 0)
			t[h].people += people.num
			t[h].households += households.num
			if e.InBand {
				t[h].communities++
				if people.empty || households.empty {
					t[h].uncounted++
				}
			}
		}
	}
	total := summaryRow{level: levelTotal, regionName: "Total", tally: make([]summaryTally, nh)}
	var out []summaryRow
	for _, g := range byMunicipality(l) {
		m := summaryRow{level: levelMunicipality, regionCode: g.code, regionName: g.name, tally: make([]summaryTally, nh)}
		index := map[string]int{}
		var sucos []summaryRow
		for _, i := range g.rows {
			r := &l.Rows[i]
			c := &r.Community
			s, ok := index[c.UnitCode]
			if !ok {
				s = len(sucos)
				index[c.UnitCode] = s
				sucos = append(sucos, summaryRow{level: levelSuco, regionCode: g.code, regionName: g.name,
					unitCode: c.UnitCode, unitName: c.UnitName, tally: make([]summaryTally, nh)})
			}
			add(sucos[s].tally, r)
			add(m.tally, r)
			add(total.tally, r)
		}
		slices.SortStableFunc(sucos, func(a, b summaryRow) int { return cmp.Compare(a.unitCode, b.unitCode) })
		out = append(out, m)
		out = append(out, sucos...)
	}
	return append(out, total)
}

func writeSummary(f *excelize.File, st *xlsxStyles, l *plan.List, meta listMeta) error {
	header := []string{"level", "municipality_code", "municipality_name", "suco_code", "suco_name"}
	tags := []string{"#meta+level", "#adm1+code", "#adm1+name", "#adm3+code", "#adm3+name"}
	for _, h := range l.Horizons {
		y := strconv.Itoa(h.Year())
		header = append(header, "communities_"+y, "people_"+y, "households_"+y, "uncounted_"+y)
		tags = append(tags, "#indicator+communities+y"+y, "#affected+y"+y, "#affected+hh+y"+y, "#indicator+uncounted+y"+y)
	}
	sw, err := f.NewStreamWriter(SummarySheet)
	if err != nil {
		return err
	}
	widths := make([]float64, len(header))
	for i, h := range header {
		widths[i] = float64(len(h)) + 2
		if i == 2 || i == 4 {
			widths[i] = 20
		}
	}
	if err := setWidths(sw, widths); err != nil {
		return err
	}
	if err := sw.SetPanes(frozenHeader(2)); err != nil {
		return err
	}
	if err := sw.SetRow("A1", styled(header, st.header)); err != nil {
		return err
	}
	if err := sw.SetRow("A2", styled(tags, st.hxl)); err != nil {
		return err
	}
	row := 3
	count := st.numbers["#,##0"]
	for _, s := range summarize(l) {
		style := count
		if s.level != levelSuco {
			style = st.bold
		}
		values := []any{s.level, s.regionCode, s.regionName, s.unitCode, s.unitName}
		for i, v := range values {
			if v == "" {
				values[i] = nil
			} else if s.level != levelSuco {
				values[i] = excelize.Cell{StyleID: st.header, Value: v}
			}
		}
		for _, t := range s.tally {
			values = append(values,
				excelize.Cell{StyleID: style, Value: t.communities},
				excelize.Cell{StyleID: style, Value: t.people},
				excelize.Cell{StyleID: style, Value: t.households},
				excelize.Cell{StyleID: style, Value: t.uncounted})
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), values); err != nil {
			return err
		}
		row++
	}
	row++
	notes := append([]string{
		fmt.Sprintf("Communities at risk lie in the zone of the landward edge of the forecast band; people and households at risk live in it. "+
			"Reference date %s; rows of this list only (%d).", meta.ReferenceDate, meta.Rows),
	}, meta.Caveats...)
	for _, n := range notes {
		if err := sw.SetRow("A"+strconv.Itoa(row), []any{excelize.Cell{StyleID: st.note, Value: n}}); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

// newWorkbook is an empty workbook whose parts are written in one order with one
// modification time (modified, or the earliest a ZIP can say), so that the same content
// gives the same bytes, and its styles.
func newWorkbook(modified time.Time) (*excelize.File, *xlsxStyles, error) {
	f := excelize.NewFile()
	if modified.IsZero() {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		return &sortedZip{w: w, modified: modified, files: map[string]*bytes.Buffer{}}
	})
	st, err := newXLSXStyles(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// finishWorkbook sets the workbook's document properties (setDocProps) and writes it to w.
func finishWorkbook(f *excelize.File, w io.Writer, title, subject string, prov analysis.Provenance, caveats []string) error {
	if err := setDocProps(f, title, subject, prov, caveats); err != nil {
		return err
	}
	return f.Write(w)
}

// setDocProps sets the workbook's document properties: title, subject, the tasi version
// as creator, the caveats as description, the run's finish time as its dates.
func setDocProps(f *excelize.File, title, subject string, prov analysis.Provenance, caveats []string) error {
	props := &excelize.DocProperties{
		Title:       title,
		Subject:     subject,
		Creator:     strings.TrimSpace("tasi " + prov.Version),
		Description: strings.Join(caveats, " "),
	}
	if t := timestamp(prov.Finished); t != "" {
		props.Created, props.Modified = t, t
	}
	return f.SetDocProps(props)
}

// startColumnTable sets a sheet's column widths, writes the column names and their HXL
// tags as its two frozen header rows, and returns the number style of each column (0 for
// text and flags).
func startColumnTable(sw *excelize.StreamWriter, st *xlsxStyles, cols []Column) ([]int, error) {
	widths := make([]float64, len(cols))
	styles := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = columnWidth(c)
		if c.kind == numberKind {
			styles[i] = st.numbers[numberFormat(c)]
		}
	}
	if err := setWidths(sw, widths); err != nil {
		return nil, err
	}
	if err := sw.SetPanes(frozenHeader(2)); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", styled(names(cols), st.header)); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A2", styled(hxlTags(cols), st.hxl)); err != nil {
		return nil, err
	}
	return styles, nil
}

// writeProvenanceRows writes sheet as a table of section, name, value and SHA-256 rows:
// the Provenance sheet of every workbook, the Settings sheet of a relocation plan.
func writeProvenanceRows(f *excelize.File, st *xlsxStyles, sheet string, rows []provenanceRow) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, []float64{12, 24, 80, 66}); err != nil {
		return err
	}
	if err := sw.SetPanes(frozenHeader(1)); err != nil {
		return err
	}
	if err := sw.SetRow("A1", styled([]string{"section", "name", "value", "sha256"}, st.header)); err != nil {
		return err
	}
	for i, r := range rows {
		values := []any{r.section, r.name, r.value, r.sha256}
		for j, v := range values {
			if v == "" {
				values[j] = nil
			}
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+2), values); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// sortedZip is a ZIP writer that writes the workbook's parts in one order ([Content_Types].xml
// first, then by name), whatever order excelize creates them in, so that the same list
// gives the same bytes.
type sortedZip struct {
	w        io.Writer
	modified time.Time // of every part
	files    map[string]*bytes.Buffer
}

func (z *sortedZip) Create(name string) (io.Writer, error) {
	if _, ok := z.files[name]; ok {
		return nil, fmt.Errorf("xlsx: part %s written twice", name)
	}
	b := new(bytes.Buffer)
	z.files[name] = b
	return b, nil
}

func (z *sortedZip) AddFS(fs.FS) error {
	return errors.New("xlsx: adding a file system is not supported")
}

func (z *sortedZip) Close() error {
	const first = "[Content_Types].xml"
	names := make([]string, 0, len(z.files))
	for n := range z.files {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(-cmp.Compare(boolInt(a == first), boolInt(b == first)), cmp.Compare(a, b))
	})
	zw := zip.NewWriter(z.w)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: z.modified})
		if err != nil {
			return err
		}
		if _, err := z.files[n].WriteTo(w); err != nil {
			return err
		}
	}
	return zw.Close()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
