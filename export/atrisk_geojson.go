package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/tasi-gis/tasi/plan"
)

// AtRiskGeoJSON writes an at-risk list as an RFC 7946 GeoJSON FeatureCollection: one
// Point feature per row, in the list's order, at [lon, lat] (WGS84, the lon and lat
// columns), with the columns of AtRiskColumns as properties in their order. Numbers are
// JSON numbers written as the CSV writes them (2030.0, so that GDAL and QGIS, which guess
// a property's type from its values, take a year with decimals as a real), flags are
// booleans, and unknown or
// undefined values are null; a community without coordinates has a null geometry. The
// collection carries a "name" (the download name without extension, which GDAL and QGIS
// take as the layer name) and a foreign member "tasi" with the provenance: run, reference
// date, horizons, forecast settings, count rules, severity rule, caveats, inputs with their
// SHA-256, parameters, tasi version, and every column's HXL hashtag and unit.
//
// It fails on the lists AtRiskCSV refuses.
func AtRiskGeoJSON(w io.Writer, l *plan.List, opts ...Option) error {
	cols, err := AtRiskColumns(l)
	if err != nil {
		return err
	}
	meta, err := marshalJSON(newListMeta(l, cols))
	if err != nil {
		return err
	}
	name := GeoJSON.FileName(l, "")
	bw := bufio.NewWriterSize(w, 64<<10)
	b := make([]byte, 0, 4096)
	b = append(b, `{"type":"FeatureCollection","name":`...)
	b = appendJSONString(b, name[:len(name)-len(GeoJSON.Extension())])
	b = append(b, `,"tasi":`...)
	b = append(b, meta...)
	b = append(b, `,"features":[`...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	lat, lon := columnIndex(cols, "lat"), columnIndex(cols, "lon")
	progress := newRowReporter(name, len(l.Rows), opts)
	cells := make([]cell, 0, len(cols))
	for i := range l.Rows {
		cells = rowCells(cells, cols, l, &l.Rows[i])
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n{\"type\":\"Feature\",\"geometry\":"...)
		if cells[lon].empty || cells[lat].empty {
			b = append(b, "null"...)
		} else {
			b = append(b, `{"type":"Point","coordinates":[`...)
			b = append(b, cells[lon].text...)
			b = append(b, ',')
			b = append(b, cells[lat].text...)
			b = append(b, "]}"...)
		}
		b = append(b, `,"properties":`...)
		b = appendProperties(b, cols, cells)
		b = append(b, '}')
		if _, err := bw.Write(b); err != nil {
			return err
		}
		progress.wrote(i + 1)
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// appendProperties appends a GeoJSON properties object: each column's name and its cell,
// as appendJSONCell writes it.
func appendProperties(b []byte, cols []Column, cells []cell) []byte {
	b = append(b, '{')
	for j, c := range cells {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, cols[j].Name)
		b = append(b, ':')
		b = appendJSONCell(b, cols[j].kind, c)
	}
	return append(b, '}')
}

// appendJSONCell appends a cell as a JSON value.
func appendJSONCell(b []byte, k kind, c cell) []byte {
	switch {
	case c.empty:
		return append(b, "null"...)
	case k == numberKind: // as the CSV writes it: a reader that guesses types sees 2030.0 as a real
		return append(b, c.text...)
	case k == boolKind:
		return strconv.AppendBool(b, c.b)
	}
	return appendJSONString(b, c.text)
}

// appendJSONString appends s as a JSON string, escaping what JSON requires and replacing
// invalid UTF-8 with U+FFFD as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029': // valid JSON, but not in JavaScript source
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// marshalJSON is json.Marshal without escaping <, > and &, which lists' texts contain.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// columnIndex returns the index of the column named name, or -1.
func columnIndex(cols []Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}
