package export

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tasi-gis/tasi/plan"
)

// listMeta is what every export of a list says about where it comes from: the GeoJSON
// foreign member "tasi", the XLSX Provenance sheet and the KML document description.
type listMeta struct {
	RunID         string            `json:"run_id"`
	ReferenceDate string            `json:"reference_date"`
	Horizons      []horizonMeta     `json:"horizons"`
	SelectedYear  int               `json:"selected_horizon_year"`
	Setback       *float64          `json:"setback_m"`
	Confidence    *float64          `json:"confidence"`
	RateKind      string            `json:"rate_kind"`
	Rows          int               `json:"rows"`
	CountRules    []string          `json:"count_rules"`
	SeverityRule  string            `json:"severity_rule"`
	Caveats       []string          `json:"caveats"`
	Version       string            `json:"tasi_version"`
	Started       string            `json:"run_started,omitempty"`
	Finished      string            `json:"run_finished,omitempty"`
	Inputs        []inputMeta       `json:"inputs"`
	Parameters    map[string]string `json:"parameters"`
	Columns       []columnMeta      `json:"columns"`
}

type horizonMeta struct {
	Years int    `json:"years"`
	Year  int    `json:"year"`
	Date  string `json:"date"`
}

type inputMeta struct {
	Role   string `json:"role"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type columnMeta struct {
	Name string `json:"name"`
	HXL  string `json:"hxl"`
	Unit string `json:"unit,omitempty"`
}

func newListMeta(l *plan.List, cols []Column) listMeta {
	p := l.Provenance
	m := listMeta{
		RunID:         l.RunID,
		ReferenceDate: date(l.RefDate),
		SelectedYear:  l.Horizons[l.Selected].Year(),
		Setback:       finite(l.Setback),
		Confidence:    finite(l.Confidence),
		RateKind:      l.RateKind,
		Rows:          len(l.Rows),
		CountRules:    []string{},
		SeverityRule:  SeverityRule,
		Caveats:       append([]string{}, l.Caveats...),
		Version:       p.Version,
		Started:       timestamp(p.Started),
		Finished:      timestamp(p.Finished),
		Inputs:        []inputMeta{},
		Parameters:    map[string]string{},
	}
	for _, h := range l.Horizons {
		m.Horizons = append(m.Horizons, horizonMeta{Years: h.Years, Year: h.Year(), Date: date(h.Date)})
	}
	for _, r := range countRules(l) {
		m.CountRules = append(m.CountRules, string(r))
	}
	for _, in := range p.Inputs {
		m.Inputs = append(m.Inputs, inputMeta{Role: in.Role, Path: in.Path, SHA256: in.SHA256})
	}
	maps.Copy(m.Parameters, p.Parameters)
	for _, c := range cols {
		m.Columns = append(m.Columns, columnMeta{Name: c.Name, HXL: c.HXL, Unit: c.Unit})
	}
	return m
}

// provenanceRow is one line of the XLSX Provenance sheet.
type provenanceRow struct {
	section, name string
	value         any // string or float64
	sha256        string
}

// rows lays the provenance out as the Provenance sheet shows it.
func (m listMeta) rows() []provenanceRow {
	num := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	rows := []provenanceRow{
		{"run", "run_id", m.RunID, ""},
		{"run", "tasi_version", m.Version, ""},
		{"run", "run_started", m.Started, ""},
		{"run", "run_finished", m.Finished, ""},
		{"forecast", "reference_date", m.ReferenceDate, ""},
	}
	for _, h := range m.Horizons {
		rows = append(rows, provenanceRow{"forecast", "horizon", fmt.Sprintf("%d (%d years, %s)", h.Year, h.Years, h.Date), ""})
	}
	rows = append(rows,
		provenanceRow{"forecast", "selected_horizon_year", float64(m.SelectedYear), ""},
		provenanceRow{"forecast", "setback_m", num(m.Setback), ""},
		provenanceRow{"forecast", "confidence", num(m.Confidence), ""},
		provenanceRow{"forecast", "rate_kind", m.RateKind, ""},
		provenanceRow{"list", "rows", float64(m.Rows), ""},
	)
	for _, r := range m.CountRules {
		rows = append(rows, provenanceRow{"list", "count_rule", r, ""})
	}
	rows = append(rows, provenanceRow{"list", "severity_rule", m.SeverityRule, ""})
	for _, c := range m.Caveats {
		rows = append(rows, provenanceRow{"caveat", "caveat", c, ""})
	}
	for _, in := range m.Inputs {
		rows = append(rows, provenanceRow{"input", in.Role, in.Path, in.SHA256})
	}
	for _, k := range slices.Sorted(maps.Keys(m.Parameters)) {
		rows = append(rows, provenanceRow{"parameter", k, m.Parameters[k], ""})
	}
	return rows
}

// summary is the provenance in a few lines of text, for a KML document's description.
func (m listMeta) summary() string {
	var b strings.Builder
	for _, c := range m.Caveats {
		b.WriteString(c + "\n")
	}
	years := make([]string, len(m.Horizons))
	for i, h := range m.Horizons {
		years[i] = strconv.Itoa(h.Year)
	}
	fmt.Fprintf(&b, "Communities the sea may reach by %d: %d. Run %s (tasi %s); horizons %s counted from the reference date %s",
		m.SelectedYear, m.Rows, m.RunID, m.Version, strings.Join(years, ", "), m.ReferenceDate)
	if m.RateKind != "" {
		fmt.Fprintf(&b, "; rates %s", m.RateKind)
	}
	if m.Confidence != nil {
		fmt.Fprintf(&b, " at %s %% confidence", strconv.FormatFloat(*m.Confidence*100, 'f', -1, 64))
	}
	if m.Setback != nil {
		fmt.Fprintf(&b, "; setback %s m", strconv.FormatFloat(*m.Setback, 'f', -1, 64))
	}
	b.WriteString(".\nSeverity: " + m.SeverityRule + ".")
	if len(m.CountRules) > 0 {
		b.WriteString("\nPeople and households counted by: " + strings.Join(m.CountRules, "; ") + ".")
	}
	return b.String()
}

// finite returns a pointer to v, or nil when v is NaN or infinite.
func finite(v float64) *float64 {
	if s := num(v, 0); s == "" {
		return nil
	}
	return &v
}

// timestamp formats a time in RFC 3339, or "" for the zero time.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
