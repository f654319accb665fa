package export

import (
	"bufio"
	"io"
	"maps"
	"strings"

	"github.com/tasi-gis/tasi/plan"
)

// NFIGeoJSON writes an NFI plan as one RFC 7946 FeatureCollection for a map:
//
//   - one Point feature per open depot, in the plan's order, with "kind": "depot" and the
//     columns of depots.csv as properties (kits, the kits to stock, sizes a symbol; stock
//     is what it holds today);
//   - then one feature per community of the demand, with "kind": "assignment" and the
//     columns of assignments.csv: a LineString from the community to its depot (a
//     straight line drawn for the eye; distance_m is the plan's distance, over the
//     network when distance_method says so), or a Point at the community when no depot
//     serves it, so that the unserved show on the map.
//
// Numbers are JSON numbers written as in the CSV, flags booleans, unknown values null;
// a place without coordinates has a null geometry. The collection's "name" is nfi_plan
// (GDAL's layer name), and its foreign member "tasi" holds the summary (summary.csv's keys
// and values), the profile with every item's quantity and source, the unreached places,
// the caveats, the inputs with their SHA-256, the parameters, and every column's HXL tag
// and unit.
func NFIGeoJSON(w io.Writer, p *plan.NFIPlan) error {
	if err := checkNFI(p); err != nil {
		return err
	}
	dcols, acols := depotColumns(p), assignmentColumns(p)
	meta, err := nfiGeoJSONMeta(p, dcols, acols)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	b := make([]byte, 0, 4096)
	b = append(b, `{"type":"FeatureCollection","name":`...)
	b = appendJSONString(b, strings.TrimSuffix(NFIGeoJSONFile, GeoJSON.Extension()))
	b = append(b, `,"tasi":`...)
	b = append(b, meta...)
	b = append(b, `,"features":[`...)
	features := 0
	feature := func(kind string, geometry []byte, cols []Column, cells []cell) error {
		b = b[:0]
		if features > 0 {
			b = append(b, ',')
		}
		features++
		b = append(b, "\n{\"type\":\"Feature\",\"geometry\":"...)
		b = append(b, geometry...)
		b = append(b, `,"properties":{"kind":`...)
		b = appendJSONString(b, kind)
		for j, c := range cells {
			b = append(b, ',')
			b = appendJSONString(b, cols[j].Name)
			b = append(b, ':')
			b = appendJSONCell(b, cols[j].kind, c)
		}
		b = append(b, "}}"...)
		_, err := bw.Write(b)
		return err
	}
	if _, err := bw.Write(b); err != nil {
		return err
	}

	dc := columnsOf(dcols)
	dlon, dlat := columnIndex(dc, "lon"), columnIndex(dc, "lat")
	depotAt := make([][2]cell, len(p.Depots))
	cells := make([]cell, 0, len(dcols))
	var g []byte
	for i := range p.Depots {
		cells = cellsOf(cells, dcols, &p.Depots[i])
		depotAt[i] = [2]cell{cells[dlon], cells[dlat]}
		g = appendGeometry(g[:0], depotAt[i])
		if err := feature("depot", g, dc, cells); err != nil {
			return err
		}
	}
	ac := columnsOf(acols)
	alon, alat := columnIndex(ac, "lon"), columnIndex(ac, "lat")
	cells = make([]cell, 0, len(acols))
	for i := range p.Assignments {
		a := &p.Assignments[i]
		cells = cellsOf(cells, acols, a)
		at := [2]cell{cells[alon], cells[alat]}
		g = appendGeometry(g[:0], at)
		if a.Depot >= 0 {
			g = appendGeometry(g[:0], at, depotAt[a.Depot])
		}
		if err := feature("assignment", g, ac, cells); err != nil {
			return err
		}
	}
	if _, err := bw.WriteString("\n]}\n"); err != nil {
		return err
	}
	return bw.Flush()
}

// appendGeometry appends a Point at one lon/lat pair, a LineString through two, or null
// when the first has no coordinates; a line whose second end has none is the Point of its
// first.
func appendGeometry(b []byte, at ...[2]cell) []byte {
	known := func(c [2]cell) bool { return !c[0].empty && !c[1].empty }
	if !known(at[0]) {
		return append(b, "null"...)
	}
	if len(at) == 1 || !known(at[1]) {
		b = append(b, `{"type":"Point","coordinates":`...)
		return append(appendPosition(b, at[0]), '}')
	}
	b = append(b, `{"type":"LineString","coordinates":[`...)
	b = appendPosition(b, at[0])
	b = append(b, ',')
	b = appendPosition(b, at[1])
	return append(b, "]}"...)
}

func appendPosition(b []byte, c [2]cell) []byte {
	b = append(b, '[')
	b = append(b, c[0].text...)
	b = append(b, ',')
	b = append(b, c[1].text...)
	return append(b, ']')
}

// nfiMeta is the GeoJSON's "tasi" member but its summary, which keeps the order of
// summary.csv and is written by hand.
type nfiMeta struct {
	Profile    profileMeta             `json:"profile"`
	Unreached  []string                `json:"unreached"`
	Caveats    []string                `json:"caveats"`
	Inputs     []inputMeta             `json:"inputs"`
	Parameters map[string]string       `json:"parameters"`
	Columns    map[string][]columnMeta `json:"columns"`
}

type profileMeta struct {
	Name   string     `json:"name"`
	Title  string     `json:"title"`
	Source string     `json:"source"`
	Period string     `json:"period"`
	Items  []itemMeta `json:"items"`
}

type itemMeta struct {
	Key          string   `json:"key"`
	Name         string   `json:"name"`
	Sector       string   `json:"sector"`
	Unit         string   `json:"unit"`
	PerHousehold *float64 `json:"per_household"`
	PerPerson    *float64 `json:"per_person"`
	Source       string   `json:"source"`
}

func nfiGeoJSONMeta(p *plan.NFIPlan, dcols []nfiColumn[plan.DepotPlan], acols []nfiColumn[plan.Assignment]) ([]byte, error) {
	m := nfiMeta{
		Profile: profileMeta{Name: p.Profile.Name, Title: p.Profile.Title, Source: p.Profile.Source,
			Period: p.Profile.Period, Items: []itemMeta{}},
		Unreached:  append([]string{}, p.Unreached...),
		Caveats:    append([]string{}, p.Caveats...),
		Inputs:     []inputMeta{},
		Parameters: maps.Clone(p.Provenance.Parameters),
		Columns:    map[string][]columnMeta{},
	}
	if m.Parameters == nil {
		m.Parameters = map[string]string{}
	}
	for _, it := range p.Profile.Items {
		im := itemMeta{Key: it.Key(), Name: it.Name, Sector: it.Sector, Unit: it.Unit, Source: it.Source}
		if it.PerPerson != 0 {
			im.PerPerson = finite(it.PerPerson)
		} else {
			im.PerHousehold = finite(it.PerHousehold)
		}
		m.Profile.Items = append(m.Profile.Items, im)
	}
	for _, in := range p.Provenance.Inputs {
		m.Inputs = append(m.Inputs, inputMeta{Role: in.Role, Path: in.Path, SHA256: in.SHA256})
	}
	add := func(kind string, cols []Column) {
		m.Columns[kind] = []columnMeta{{Name: "kind", HXL: "#meta+feature"}}
		for _, c := range cols {
			m.Columns[kind] = append(m.Columns[kind], columnMeta{Name: c.Name, HXL: c.HXL, Unit: c.Unit})
		}
	}
	add("depot", columnsOf(dcols))
	add("assignment", columnsOf(acols))
	rest, err := marshalJSON(m)
	if err != nil {
		return nil, err
	}
	b := []byte(`{"summary":{`)
	for i, e := range nfiSummary(p) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e.key)
		b = append(b, ':')
		b = appendJSONCell(b, e.kind, e.value)
	}
	b = append(b, "},"...)
	return append(b, rest[1:]...), nil // rest is an object: drop its "{"
}
