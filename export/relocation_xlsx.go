package export

import (
	"errors"
	"io"

	"github.com/tasi-gis/tasi/plan"
)

// RelocationXLSX writes a relocation plan as an Excel workbook.
func RelocationXLSX(w io.Writer, p *plan.RelocationPlan) error {
	return errors.New("relocation plan: xlsx not written yet")
}
