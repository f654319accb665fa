package api

import (
	"math"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data/results"
)

// The JSON shapes of the API. Field names follow the CSV exports and the database columns
// (snake case, statistics in lower case); every place carries its P-code.

// num returns f for JSON, nil (null) when it is undefined (NaN) or infinite. Pointers to
// float64 let encoding/json write numbers itself, several times faster than a Marshaler.
func num(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

// count is a census count, JSON null when unknown (negative).
func count(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}

// text is a string, JSON null when empty.
func text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// day is a date as YYYY-MM-DD (UTC), null for the zero time.
func day(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.DateOnly)
	return &s
}

// instant is a time in RFC 3339 (UTC, whole seconds), null for the zero time.
func instant(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

type runJSON struct {
	ID            int64             `json:"id"`
	Status        string            `json:"status"`
	Error         *string           `json:"error"`
	Started       *string           `json:"started"`
	Finished      *string           `json:"finished"`
	Version       string            `json:"tasi_version"`
	EPSG          int               `json:"epsg"`
	Shorelines    int               `json:"shorelines"`
	Transects     int               `json:"transects"`
	Missed        int               `json:"missed_transects"`
	Intersections int               `json:"intersections"`
	Units         int               `json:"units"`
	Parameters    map[string]string `json:"parameters"`
	Inputs        []inputJSON       `json:"inputs"`
	// Synthetic, Period and Sources are the run's provenance, which the web map shows
	// on every view: a synthetic run under a permanent banner, the period in the header.
	Synthetic bool       `json:"synthetic"`
	Period    periodJSON `json:"period"`
	Sources   []string   `json:"sources"`
}

// periodJSON is the time a run's shorelines span, dates as YYYY-MM-DD; both null when it
// is not known (a run that failed before storing its shorelines).
type periodJSON struct {
	First *string `json:"first"`
	Last  *string `json:"last"`
}

// maxSources bounds the sources of a run: a folder of CoastSeg files holds one file per
// date, hundreds, which say nothing more than the first few.
const maxSources = 20

// runSources names where a run's shorelines came from: the sensors they name (CoastSat's
// satname: L5, L8, S2, …) when any does, else the files the shorelines or series were
// read from, by base name as inputs are published; at most maxSources.
func runSources(r results.Run) []string {
	out := []string{}
	if len(r.Satellites) > 0 {
		out = append(out, r.Satellites...)
	} else {
		for _, in := range r.Inputs {
			if in.Role != "shorelines" && in.Role != "series" {
				continue
			}
			if name := baseName(in.Path); name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out[:min(len(out), maxSources)]
}

// inputJSON is a file a run read: its base name, never the folder it was in.
type inputJSON struct {
	Role   string `json:"role"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

func newRunJSON(r results.Run) runJSON {
	p := publicParameters(r.Parameters)
	inputs := make([]inputJSON, len(r.Inputs))
	for i, in := range r.Inputs {
		inputs[i] = inputJSON{Role: in.Role, File: baseName(in.Path), SHA256: in.SHA256}
	}
	return runJSON{
		ID: r.ID, Status: r.Status, Error: text(r.Error), Started: instant(r.Started), Finished: instant(r.Finished),
		Version: r.Version, EPSG: r.EPSG, Shorelines: r.Shorelines, Transects: r.Transects, Missed: r.Missed,
		Intersections: r.Intersections, Units: r.Units, Parameters: p, Inputs: inputs,
		Synthetic: r.Synthetic, Period: periodJSON{First: day(r.Period.First), Last: day(r.Period.Last)}, Sources: runSources(r),
	}
}

type unitJSON struct {
	PCode             string   `json:"pcode"`
	Name              string   `json:"name"`
	Municipality      *string  `json:"municipality"`
	MunicipalityPCode *string  `json:"municipality_pcode"`
	Posto             *string  `json:"posto"`
	PostoPCode        *string  `json:"posto_pcode"`
	NTransects        int      `json:"n_transects"`
	CoastKm           *float64 `json:"coast_km"`
	MeanLRR           *float64 `json:"mean_lrr"`
	MedianLRR         *float64 `json:"median_lrr"`
	MinLRR            *float64 `json:"min_lrr"`
	MaxLRR            *float64 `json:"max_lrr"`
	MeanEPR           *float64 `json:"mean_epr"`
	MeanNSM           *float64 `json:"mean_nsm"`
	PctEroding        *float64 `json:"pct_eroding"`
	PctAccreting      *float64 `json:"pct_accreting"`
	PctSigEroding     *float64 `json:"pct_sig_eroding"`
	PctSigAccreting   *float64 `json:"pct_sig_accreting"`
	MeanLRRUnc        *float64 `json:"mean_lrr_unc"`
	NEffective        *float64 `json:"n_effective"`
	AreaLost          *float64 `json:"area_lost_m2"`
	AreaGained        *float64 `json:"area_gained_m2"`
	Population        *int     `json:"population"`
	Households        *int     `json:"households"`
}

func newUnitJSON(u *results.Unit) unitJSON {
	a := &u.Unit
	return unitJSON{
		PCode: a.Code, Name: a.Name, Municipality: text(a.RegionName), MunicipalityPCode: text(a.RegionCode),
		Posto: text(a.ParentName), PostoPCode: text(a.ParentCode), NTransects: u.Transects, CoastKm: num(u.CoastKm),
		MeanLRR: num(u.MeanLRR), MedianLRR: num(u.MedianLRR), MinLRR: num(u.MinLRR), MaxLRR: num(u.MaxLRR),
		MeanEPR: num(u.MeanEPR), MeanNSM: num(u.MeanNSM), PctEroding: num(u.PctEroding), PctAccreting: num(u.PctAccreting),
		PctSigEroding: num(u.PctSigEroding), PctSigAccreting: num(u.PctSigAccreting), MeanLRRUnc: num(u.MeanLRRUnc),
		NEffective: num(u.NEffective), AreaLost: num(u.AreaLost), AreaGained: num(u.AreaGained),
		Population: count(a.Population), Households: count(a.Households),
	}
}

type unitsJSON struct {
	Run   int64      `json:"run"`
	Units []unitJSON `json:"units"`
	Total int        `json:"total"`
}

// transectRowJSON is a transect in the list of a unit.
type transectRowJSON struct {
	ID      string   `json:"transect_id"`
	LRR     *float64 `json:"lrr"`
	LCI     *float64 `json:"lci"`
	EPR     *float64 `json:"epr"`
	NSM     *float64 `json:"nsm"`
	N       int      `json:"n"`
	Azimuth *float64 `json:"azimuth"`
	Lon     *float64 `json:"lon"` // where it crosses the baseline
	Lat     *float64 `json:"lat"`
}

type unitDetailJSON struct {
	Run int64 `json:"run"`
	unitJSON
	Transects []transectRowJSON `json:"transects"`
	// AtRisk is what the at-risk list of each horizon says of the unit, null until the
	// run's assessment has been made (by a request to /api/v1/at-risk).
	AtRisk []unitAtRiskJSON `json:"at_risk"`
}

func newUnitDetailJSON(d *results.UnitDetail, atRisk []unitAtRiskJSON) unitDetailJSON {
	out := unitDetailJSON{Run: d.Run, unitJSON: newUnitJSON(&d.Unit), Transects: make([]transectRowJSON, len(d.Transects)), AtRisk: atRisk}
	for i, t := range d.Transects {
		out.Transects[i] = transectRowJSON{ID: t.Label, LRR: num(t.Stats.LRR), LCI: num(t.Stats.LCI), EPR: num(t.Stats.EPR),
			NSM: num(t.Stats.NSM), N: t.Stats.N, Azimuth: num(t.Azimuth), Lon: num(t.Baseline[0]), Lat: num(t.Baseline[1])}
	}
	return out
}

type positionJSON struct {
	Date      *string  `json:"date"`
	Distance  *float64 `json:"distance_m"`
	Shoreline int      `json:"shoreline"`
}

type transectJSON struct {
	Run       int64          `json:"run"`
	ID        string         `json:"transect_id"`
	Seq       int            `json:"seq"`
	PCode     *string        `json:"pcode"`
	Azimuth   *float64       `json:"azimuth"`
	Base      *float64       `json:"base_m"`
	Width     *float64       `json:"width_m"`
	N         int            `json:"n"`
	DateFirst *string        `json:"date_first"`
	DateLast  *string        `json:"date_last"`
	SCE       *float64       `json:"sce"`
	NSM       *float64       `json:"nsm"`
	EPR       *float64       `json:"epr"`
	EPRunc    *float64       `json:"eprunc"`
	LRR       *float64       `json:"lrr"`
	LR2       *float64       `json:"lr2"`
	LSE       *float64       `json:"lse"`
	LCI       *float64       `json:"lci"`
	WLR       *float64       `json:"wlr"`
	WR2       *float64       `json:"wr2"`
	WSE       *float64       `json:"wse"`
	WCI       *float64       `json:"wci"`
	Lon       *float64       `json:"lon"`
	Lat       *float64       `json:"lat"`
	Origin    [2]float64     `json:"origin"`
	End       [2]float64     `json:"end"`
	Series    []positionJSON `json:"series"`
}

func newTransectJSON(d *results.TransectDetail) transectJSON {
	t := &d.Transect
	s := &t.Stats
	out := transectJSON{
		Run: d.Run, ID: t.Label, Seq: t.Seq, PCode: text(t.PCode), Azimuth: num(t.Azimuth), Base: num(t.Base), Width: num(t.Width),
		N: s.N, SCE: num(s.SCE), NSM: num(s.NSM), EPR: num(s.EPR), EPRunc: num(s.EPRunc),
		LRR: num(s.LRR), LR2: num(s.LR2), LSE: num(s.LSE), LCI: num(s.LCI), WLR: num(s.WLR), WR2: num(s.WR2), WSE: num(s.WSE), WCI: num(s.WCI),
		Lon: num(t.Baseline[0]), Lat: num(t.Baseline[1]), Origin: point(t.Origin), End: point(t.End),
		Series: make([]positionJSON, len(d.Series)),
	}
	if s.N > 0 {
		out.DateFirst, out.DateLast = day(s.First), day(s.Last)
	}
	for i, p := range d.Series {
		out.Series[i] = positionJSON{Date: day(p.Date), Distance: num(p.Distance), Shoreline: p.Shoreline}
	}
	return out
}

func point(p orb.Point) [2]float64 { return [2]float64{p[0], p[1]} }

// GeoJSON (RFC 7946): geometry in WGS84 lon/lat; properties are the JSON shapes above.

type featureJSON struct {
	Type       string        `json:"type"` // "Feature"
	ID         any           `json:"id"`
	Geometry   *geometryJSON `json:"geometry"` // null for runs
	Properties any           `json:"properties"`
}

// geometryJSON is a GeoJSON geometry; orb's types encode as its coordinate arrays.
// (orb/geojson would do, but pulls in a BSON library.)
type geometryJSON struct {
	Type        string       `json:"type"`
	Coordinates orb.Geometry `json:"coordinates"`
}

type collectionJSON struct {
	Type     string        `json:"type"` // "FeatureCollection"
	Run      *int64        `json:"run,omitempty"`
	Total    *int          `json:"total,omitempty"`
	Features []featureJSON `json:"features"`
}

func feature(id any, g orb.Geometry, props any) featureJSON {
	f := featureJSON{Type: "Feature", ID: id, Properties: props}
	if g != nil {
		f.Geometry = &geometryJSON{Type: g.GeoJSONType(), Coordinates: g}
	}
	return f
}
