package export

import (
	"encoding/csv"
	"io"

	"github.com/tasi-gis/tasi/plan"
)

// NFIDepotsCSV writes depots.csv: the column names (NFIDepotColumns), the HXL row, then
// one row per open depot in the plan's order. Kits are whole kits rounded up (half a kit
// cannot be stocked), stock rounded down, item quantities have one decimal, distances
// none; an empty cell is unknown or not limited (capacity), never 0. UTF-8 without a
// byte-order mark, as AtRiskCSV.
func NFIDepotsCSV(w io.Writer, p *plan.NFIPlan) error {
	if err := checkNFI(p); err != nil {
		return err
	}
	return writeNFITable(w, depotColumns(p), p.Depots)
}

// NFIAssignmentsCSV writes assignments.csv: the column names (NFIAssignmentColumns), the
// HXL row, then one row per community of the demand in the plan's order, with the depot
// that serves it. A community no depot serves has no depot and an empty distance, and its
// reason says why.
func NFIAssignmentsCSV(w io.Writer, p *plan.NFIPlan) error {
	if err := checkNFI(p); err != nil {
		return err
	}
	return writeNFITable(w, assignmentColumns(p), p.Assignments)
}

// NFIShortfallCSV writes shortfall.csv: the column names (NFIShortfallColumns), the HXL
// row, then one row per municipality of the plan's shortfalls in its order (none when it
// has none).
func NFIShortfallCSV(w io.Writer, p *plan.NFIPlan) error {
	if err := checkNFI(p); err != nil {
		return err
	}
	return writeNFITable(w, shortfallColumns(p), p.Shortfalls)
}

// NFISummaryCSV writes summary.csv: key,value rows (an HXL row under the header) saying how
// the plan was made (objective, k, max distance, capacities, distance method, detour
// factor, profile), what it serves (demand, households, people, coverage), how far (mean
// and worst distance), what to stock in all (kits and each item), what is short, and the
// run; then one "unreached" row per place that could not be joined to the network, and one
// "caveat" row per caveat. Numbers are written as in the other files.
func NFISummaryCSV(w io.Writer, p *plan.NFIPlan) error {
	if err := checkNFI(p); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	records := [][]string{{"key", "value"}, {"#meta+key", "#meta+value"}}
	for _, e := range nfiSummary(p) {
		records = append(records, []string{e.key, e.value.text})
	}
	for _, u := range p.Unreached {
		records = append(records, []string{"unreached", textCell(u).text})
	}
	for _, c := range p.Caveats {
		records = append(records, []string{"caveat", textCell(c).text})
	}
	if err := cw.WriteAll(records); err != nil {
		return err
	}
	return cw.Error()
}

// writeNFITable writes a table as CSV: names, HXL tags, rows.
func writeNFITable[R any](w io.Writer, cols []nfiColumn[R], rows []R) error {
	cw := csv.NewWriter(w)
	c := columnsOf(cols)
	if err := cw.Write(names(c)); err != nil {
		return err
	}
	if err := cw.Write(hxlTags(c)); err != nil {
		return err
	}
	cells := make([]cell, 0, len(cols))
	record := make([]string, len(cols))
	for i := range rows {
		cells = cellsOf(cells, cols, &rows[i])
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
