package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tasi-gis/tasi/plan"
)

// Format is a file format an at-risk list can be written in. The zero Format is CSV, the
// default.
type Format int

// The formats of at-risk lists.
const (
	CSV     Format = iota // CSV with an HXL row, UTF-8
	XLSX                  // Excel workbook: summary, all rows, one sheet per municipality, provenance
	GeoJSON               // RFC 7946 FeatureCollection of points
	KML                   // KML 2.2, a folder per municipality
)

// Formats returns every format, CSV first.
func Formats() []Format { return []Format{CSV, XLSX, GeoJSON, KML} }

// ParseFormat returns the format named by s ("csv", "xlsx", "geojson" or "kml", in any
// case, with or without a leading dot; "json" is GeoJSON), or an error wrapping ErrFormat.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "csv":
		return CSV, nil
	case "xlsx":
		return XLSX, nil
	case "geojson", "json":
		return GeoJSON, nil
	case "kml":
		return KML, nil
	}
	return 0, fmt.Errorf("%w %q: want csv, xlsx, geojson or kml", ErrFormat, s)
}

// String returns the format's name as ParseFormat reads it: "csv", "xlsx", "geojson", "kml".
func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case XLSX:
		return "xlsx"
	case GeoJSON:
		return "geojson"
	case KML:
		return "kml"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// ContentType returns the format's media type, for an HTTP Content-Type header.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case GeoJSON:
		return "application/geo+json"
	case KML:
		return "application/vnd.google-earth.kml+xml"
	}
	return "application/octet-stream"
}

// Extension returns the format's file extension with its dot: ".csv", ".xlsx",
// ".geojson", ".kml".
func (f Format) Extension() string {
	if f < CSV || f > KML {
		return ""
	}
	return "." + f.String()
}

// FileName returns the name a download of l in this format should have:
// tasi-at-risk-2045-TL01.csv for the horizon of 2045 and the scope TL01, the part of the
// country the caller filtered the list to (a P-code, say), which the list itself does not
// record. Without a scope it is tasi-at-risk-2045.csv. Characters other than ASCII
// letters, digits, '-' and '_' are dropped from the scope, so the name is safe in a
// Content-Disposition header and on every file system.
func (f Format) FileName(l *plan.List, scope string) string {
	var b strings.Builder
	b.WriteString("tasi-at-risk")
	if l != nil && l.Selected >= 0 && l.Selected < len(l.Horizons) {
		b.WriteString("-" + strconv.Itoa(l.Horizons[l.Selected].Year()))
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, scope)
	if clean != "" {
		b.WriteString("-" + clean)
	}
	b.WriteString(f.Extension())
	return b.String()
}

// WriteAtRisk writes l to w in this format, with AtRiskCSV, AtRiskXLSX, AtRiskGeoJSON or
// AtRiskKML.
func (f Format) WriteAtRisk(w io.Writer, l *plan.List, opts ...Option) error {
	switch f {
	case CSV:
		return AtRiskCSV(w, l, opts...)
	case XLSX:
		return AtRiskXLSX(w, l, opts...)
	case GeoJSON:
		return AtRiskGeoJSON(w, l, opts...)
	case KML:
		return AtRiskKML(w, l, opts...)
	}
	return fmt.Errorf("%w %v", ErrFormat, f)
}
