package export

import (
	"encoding/csv"
	"io"

	"github.com/tasi-gis/tasi/plan"
)

// AtRiskCSV writes an at-risk list as CSV: the column names (AtRiskColumns), then the
// HXL hashtag row, then one row per community in the list's order (the caller sorts and
// filters; the writer keeps the order). The file is UTF-8 without a byte-order mark: the
// CSV is for programs (HXL tools, GDAL, pandas, R), in which a mark becomes part of the
// first column's name; people who open lists in Excel take the XLSX, which carries its
// encoding, its number types and the provenance. Empty cells mean unknown or undefined.
//
// It fails when the list has no horizon, selects one it does not have, has two horizons
// in one calendar year, or has a row without one exposure per horizon.
func AtRiskCSV(w io.Writer, l *plan.List, opts ...Option) error {
	cols, err := AtRiskColumns(l)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(names(cols)); err != nil {
		return err
	}
	if err := cw.Write(hxlTags(cols)); err != nil {
		return err
	}
	progress := newRowReporter(CSV.FileName(l, ""), len(l.Rows), opts)
	cells := make([]cell, 0, len(cols))
	record := make([]string, len(cols))
	for i := range l.Rows {
		cells = rowCells(cells, cols, l, &l.Rows[i])
		for j, c := range cells {
			record[j] = c.text
		}
		if err := cw.Write(record); err != nil {
			return err
		}
		progress.wrote(i + 1)
	}
	cw.Flush()
	return cw.Error()
}
