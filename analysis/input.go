package analysis

import (
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/vector/transect"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Shoreline is one dated shoreline: lines, or points as CoastSeg extracts them. Input
// shorelines are in WGS84 lon/lat; the shorelines in a Result are in the run's UTM zone.
type Shoreline struct {
	Source      string // where it came from, for messages: "shorelines.gpkg feature 12"
	Date        time.Time
	Uncertainty float64 // metres, > 0
	Satellite   string  // the sensor that saw it (CoastSat's satname: L5, L8, S2, …), or ""
	// Synthetic marks a shoreline no sensor saw: generated, as `tasi demo` generates its
	// series, and marked so in its file. A run that measures one describes no real coast.
	Synthetic bool
	// Geometry holds a line shoreline. Lines may cross themselves and each other, as
	// contour-traced shorelines do: every crossing with a transect counts and the
	// intersect mode picks one.
	Geometry orb.MultiLineString
	// Points holds a point shoreline instead of Geometry; it is measured by the median of
	// the points within Params.Band of each transect (CoastSat's method), whatever Mode.
	Points orb.MultiPoint
}

// AdminUnit is one administrative unit with its hierarchy and census figures: a suco in
// Timor-Leste, with its posto as parent and its municipality as region.
type AdminUnit struct {
	Code, Name             string           // P-code and English name
	ParentCode, ParentName string           // the unit one level up (posto, ADM2); empty for a top-level unit
	RegionCode, RegionName string           // the top-level unit (municipality, ADM1); empty for a top-level unit
	Population, Households int              // census counts; -1 when unknown
	Geometry               orb.MultiPolygon // lon/lat in an Input, the run's UTM zone in a Result
}

// GivenTransect is a user-supplied transect in WGS84 lon/lat, first vertex at its origin.
type GivenTransect struct {
	ID   string
	Line orb.LineString
}

// Series is a CoastSat transect time series: for each date, the chainage (metres from the
// transect origin) where the shoreline crossed each transect.
type Series struct {
	Source    string
	Dates     []time.Time
	Transects []string    // transect ids, the CSV's column names
	Chainage  [][]float64 // [date][transect]; NaN where the shoreline was not seen
}

// Input is everything one analysis reads. Either Shorelines or Series is set; Series needs
// Transects. Without Transects, transects are cast from Coast.
type Input struct {
	Shorelines    []Shoreline
	Series        *Series
	Transects     []GivenTransect
	OriginSeaward bool                // given transects start at sea (CoastSat and DSAS start on land)
	Coast         orb.MultiLineString // reference coast for cast transects, lon/lat
	Units         []AdminUnit         // admin units for the per-unit table; may be empty
	Land          []orb.MultiPolygon  // land polygons telling the seaward side; Units when empty
}

// Params are the analysis settings, with DSAS defaults from DefaultParams.
type Params struct {
	Spacing            float64        // metres between cast transects
	Length             float64        // total transect length (m), centred on the coast
	Smoothing          float64        // baseline smoothing window (m) for transect orientation
	Mode               transect.Mode  // which crossing to keep where a transect meets a shoreline more than once
	Band               float64        // half-width (m) of the band used by the median mode
	Confidence         float64        // confidence level of LCI and WCI, in (0, 1)
	DefaultUncertainty float64        // metres, for shorelines and series without one
	Progress           func(Progress) `json:"-"` // optional, called as long steps advance
	// MemoryLimit, when positive, makes Run refuse input whose Estimate needs more bytes,
	// before it starts, rather than be killed for memory half way.
	MemoryLimit int64 `json:"-"`
}

// DefaultParams returns the DSAS defaults: 50 m spacing, 2500 m smoothing, the most
// seaward intersection, 90 % confidence, 10 m uncertainty.
func DefaultParams() Params {
	return Params{
		Spacing:            50,
		Length:             600,
		Smoothing:          2500,
		Mode:               transect.Seaward,
		Band:               25,
		Confidence:         0.90,
		DefaultUncertainty: 10,
	}
}

// Progress reports how far a long step of Run has come.
type Progress struct {
	Step        string
	Done, Total int
}

// Provenance says how a Result was made, so that a run can be reproduced and audited.
type Provenance struct {
	Version    string            // tasi version
	Started    time.Time         // UTC
	Finished   time.Time         // UTC
	Parameters map[string]string // every setting, by its command-line name
	Inputs     []InputFile
	// Synthetic says that at least one shoreline the run measured was generated rather
	// than seen (Input.Synthetic), so that every answer and export of the run can say its
	// rates describe no real coast. Stores keep it with the run; runs stored before tasi
	// recorded it read as not synthetic.
	Synthetic bool
}

// InputFile is one file a run read, with its SHA-256 so a later reader can tell whether
// the input changed.
type InputFile struct {
	Role   string // shorelines, admin, transects, coast, land, series
	Path   string
	SHA256 string
}

// Synthetic reports whether any shoreline of the input is synthetic: one generated
// shoreline among real ones is enough to make every rate it enters untrustworthy.
func (in Input) Synthetic() bool {
	for _, s := range in.Shorelines {
		if s.Synthetic {
			return true
		}
	}
	return false
}

// Centre is the centre of the data to be measured — the shorelines, or the given
// transects of a series — found as utm.Centre finds it, so that data across the
// antimeridian has its centre there and not on the other side of the world.
func (in Input) Centre() utm.Centre {
	var c utm.Centre
	for _, s := range in.Shorelines {
		if len(s.Points) > 0 {
			c.AddGeometry(s.Points)
		} else {
			c.AddGeometry(s.Geometry)
		}
	}
	for _, t := range in.Transects {
		c.AddGeometry(t.Line)
	}
	return c
}
