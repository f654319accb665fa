package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/plan"
	"github.com/xuri/excelize/v2"
)

// Sheet names of an NFI plan workbook besides SummarySheet and ProvenanceSheet.
const (
	DepotsSheet      = "Depots"
	AssignmentsSheet = "Assignments"
	ShortfallSheet   = "Shortfall"
)

// NFIXLSX writes an NFI plan as an Excel workbook with these sheets:
//
//   - "Summary": the keys and values of summary.csv (numbers as number cells), then the
//     unreached places and the caveats;
//   - "Depots", "Assignments" and, when the plan has shortfalls, "Shortfall": the rows of
//     depots.csv, assignments.csv and shortfall.csv under their column names and HXL
//     tags, as an Excel table (filter buttons), both rows frozen;
//   - "Provenance": the plan's settings, the profile item by item with its source, the
//     unreached places, the caveats, every input with its SHA-256 and every parameter.
//
// Numbers are number cells rounded as the CSV rounds them and shown with the same
// decimals, flags TRUE/FALSE, unknown values blank. The same plan gives the same bytes.
func NFIXLSX(w io.Writer, p *plan.NFIPlan) error {
	if err := checkNFI(p); err != nil {
		return err
	}
	f, st, err := newWorkbook(p.Provenance.Finished)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SummarySheet); err != nil {
		return err
	}
	if err := writeNFISummarySheet(f, st, p); err != nil {
		return fmt.Errorf("sheet %s: %w", SummarySheet, err)
	}
	sheets := []struct {
		name  string
		write func() error
	}{
		{DepotsSheet, func() error { return writeNFISheet(f, st, DepotsSheet, "tasi_depots", depotColumns(p), p.Depots) }},
		{AssignmentsSheet, func() error {
			return writeNFISheet(f, st, AssignmentsSheet, "tasi_assignments", assignmentColumns(p), p.Assignments)
		}},
	}
	if len(p.Shortfalls) > 0 {
		sheets = append(sheets, struct {
			name  string
			write func() error
		}{ShortfallSheet, func() error {
			return writeNFISheet(f, st, ShortfallSheet, "tasi_shortfall", shortfallColumns(p), p.Shortfalls)
		}})
	}
	for _, s := range sheets {
		if _, err := f.NewSheet(s.name); err != nil {
			return err
		}
		if err := s.write(); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	if _, err := f.NewSheet(ProvenanceSheet); err != nil {
		return err
	}
	if err := writeProvenanceRows(f, st, ProvenanceSheet, nfiProvenance(p)); err != nil {
		return fmt.Errorf("sheet %s: %w", ProvenanceSheet, err)
	}
	subject := "NFI prepositioning plan"
	if p.RunID != "" {
		subject += ", run " + p.RunID
	}
	return finishWorkbook(f, w, strings.TrimSuffix(NFIWorkbookFile, XLSX.Extension()), subject, p.Provenance, p.Caveats)
}

// writeNFISummarySheet writes the summary's keys and values, then the unreached places and
// the caveats as notes.
func writeNFISummarySheet(f *excelize.File, st *xlsxStyles, p *plan.NFIPlan) error {
	sw, err := f.NewStreamWriter(SummarySheet)
	if err != nil {
		return err
	}
	if err := setWidths(sw, []float64{26, 60, 80}); err != nil {
		return err
	}
	if err := sw.SetPanes(frozenHeader(1)); err != nil {
		return err
	}
	if err := sw.SetRow("A1", styled([]string{"key", "value", "meaning"}, st.header)); err != nil {
		return err
	}
	row := 2
	for _, e := range nfiSummary(p) {
		style := 0
		if e.kind == numberKind {
			decimals := 0
			if i := strings.IndexByte(e.value.text, '.'); i >= 0 {
				decimals = len(e.value.text) - i - 1
			}
			style = st.numbers[numberFormat(Column{decimals: decimals})]
		}
		values := []any{e.key, xlsxValue(e.kind, e.value, style), nilIfEmpty(e.meaning)}
		if err := sw.SetRow("A"+strconv.Itoa(row), values); err != nil {
			return err
		}
		row++
	}
	row++
	for _, group := range []struct {
		key   string
		notes []string
	}{{"unreached", p.Unreached}, {"caveat", p.Caveats}} {
		for _, n := range group.notes {
			values := []any{group.key, excelize.Cell{StyleID: st.note, Value: textCell(n).text}}
			if err := sw.SetRow("A"+strconv.Itoa(row), values); err != nil {
				return err
			}
			row++
		}
	}
	return sw.Flush()
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeNFISheet writes a table of an NFI plan to a sheet: names, HXL tags as the header of
// an Excel table, rows.
func writeNFISheet[R any](f *excelize.File, st *xlsxStyles, sheet, table string, cols []nfiColumn[R], rows []R) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	c := columnsOf(cols)
	styles, err := startColumnTable(sw, st, c)
	if err != nil {
		return err
	}
	cells := make([]cell, 0, len(cols))
	values := make([]any, len(cols))
	for i := range rows {
		cells = cellsOf(cells, cols, &rows[i])
		for j, v := range cells {
			values[j] = xlsxValue(c[j].kind, v, styles[j])
		}
		if err := sw.SetRow("A"+strconv.Itoa(i+3), values); err != nil {
			return err
		}
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
