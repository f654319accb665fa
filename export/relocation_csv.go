package export

import (
	"encoding/csv"
	"io"

	"github.com/tasi-gis/tasi/plan"
)

// RelocationCSV writes a relocation plan as CSV: the column names (RelocationColumns),
// the HXL hashtag row, then one row per community and site option in the plan's order
// (options by rank), and one row with empty site columns for a community without any.
// UTF-8 without a byte-order mark, empty cells for unknown values, as AtRiskCSV. The
// elevation_applied column says in every row whether the elevation criterion was
// applied.
func RelocationCSV(w io.Writer, p *plan.RelocationPlan) error {
	cols, err := relocationColumns(p)
	if err != nil {
		return err
	}
	desc := relocDescriptions(cols)
	cw := csv.NewWriter(w)
	if err := cw.Write(names(desc)); err != nil {
		return err
	}
	if err := cw.Write(hxlTags(desc)); err != nil {
		return err
	}
	cells := make([]cell, 0, len(cols))
	record := make([]string, len(cols))
	for _, row := range relocRows(p) {
		cells = relocCells(cells, cols, p, row)
		for j, c := range cells {
			record[j] = c.text
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
