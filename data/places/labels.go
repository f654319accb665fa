package places

//go:generate go test -run TestLabelTable -update .

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
)

// labelsCSV is the label table: the label point of every municipality, posto and suco of
// the bundled reference as FromReference computes it, so that tasi serve starts without
// dissolving and labelling them again (about 0.7 s of CPU). It is made by go generate
// (TestLabelTable -update) and checked by TestLabelTable.
//
//go:embed labels.csv
var labelsCSV []byte

// labelKey names a unit in the label table.
type labelKey struct {
	level Level
	code  string
}

// labelRow is a unit's label point and the hash of the geometry it was found in.
type labelRow struct {
	labelKey
	hash  uint64
	point orb.Point
}

// labelTable is a parsed label table. A nil table has no rows: every label is computed.
type labelTable map[labelKey]labelRow

// lookup returns the label point of a unit from the table, when the table has the unit
// and made it from geometry with the same hash; otherwise the label must be computed.
func (t labelTable) lookup(level Level, code string, hash uint64) (orb.Point, bool) {
	r, ok := t[labelKey{level, code}]
	if !ok || r.hash != hash {
		return orb.Point{}, false
	}
	return r.point, true
}

// labelHeader are the columns of the label table.
var labelHeader = []string{"level", "code", "hash", "lon", "lat"}

// parseLabels reads a label table: comment lines starting with #, a header row, then a
// row per unit with its level, P-code, geometry hash (16 hex digits) and label point
// (lon, lat in shortest round-trip decimals, so that they read back bit for bit).
func parseLabels(b []byte) (labelTable, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	r.FieldsPerRecord = len(labelHeader)
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read label table: %w", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], labelHeader) {
		return nil, fmt.Errorf("read label table: no header %v", labelHeader)
	}
	t := make(labelTable, len(recs)-1)
	for i, rec := range recs[1:] {
		row := labelRow{labelKey: labelKey{Level(rec[0]), rec[1]}}
		var errs [3]error
		row.hash, errs[0] = strconv.ParseUint(rec[2], 16, 64)
		row.point[0], errs[1] = strconv.ParseFloat(rec[3], 64)
		row.point[1], errs[2] = strconv.ParseFloat(rec[4], 64)
		for _, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("read label table: row %d (%s %s): %w", i+1, rec[0], rec[1], err)
			}
		}
		if _, dup := t[row.labelKey]; dup {
			return nil, fmt.Errorf("read label table: row %d: %s %s twice", i+1, rec[0], rec[1])
		}
		t[row.labelKey] = row
	}
	return t, nil
}

// geometryHash returns the 64-bit FNV-1a hash of a suco's geometry as FromReference reads
// it: the bits of every coordinate with the number of polygons, rings and vertices, after
// the simplification tolerance and label precision, since a label found with other
// settings is another label. It hashes the full outline rather than the simplified one
// so that no simplification is needed to check the table (about 3 ms for all sucos).
func geometryHash(mp orb.MultiPolygon) uint64 {
	h := fnv.New64a()
	buf := make([]byte, 0, 1024)
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(simplifyDegrees))
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(labelPrecision))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(mp)))
	for _, p := range mp {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(p)))
		for _, r := range p {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(len(r)))
			for _, v := range r {
				if len(buf)+16 > cap(buf) {
					h.Write(buf)
					buf = buf[:0]
				}
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v[0]))
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v[1]))
			}
		}
	}
	h.Write(buf)
	return h.Sum64()
}

// groupHash returns the hash of a posto's or municipality's geometry: the FNV-1a hash of
// its sucos' hashes in the order they are dissolved, which is the reference's order.
func groupHash(members []uint64) uint64 {
	h := fnv.New64a()
	buf := make([]byte, 0, 8*(len(members)+1))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(members)))
	for _, m := range members {
		buf = binary.LittleEndian.AppendUint64(buf, m)
	}
	h.Write(buf)
	return h.Sum64()
}
