package plan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/internal/overlay"
	"github.com/tasi-gis/tasi/raster"
	"github.com/tasi-gis/tasi/vector/polyindex"
	"github.com/tasi-gis/tasi/vector/utm"
)

// Planning standards and defaults of a relocation plan. Each is written in every export
// of a plan with its source.
const (
	// AreaPerPerson is the land a relocated person needs, m²: Sphere (2018), Shelter and
	// Settlement standard 2, guidance on camp-type settlements — at least 45 m² of usable
	// surface per person, household plots included (30 m² where communal services are
	// provided elsewhere).
	AreaPerPerson = 45.0
	// CoveredPerPerson is the covered living space a person needs, m²: Sphere (2018),
	// Shelter and Settlement standard 3, at least 3.5 m² per person in warm climates. It
	// is part of AreaPerPerson, not added to it: a plan reports it as the roofed area a
	// community needs.
	CoveredPerPerson = 3.5
	// DefaultCell is the side (m) of the grid cells that stand for candidate sites when
	// no site file is given: 250 m holds about 1,390 people at 45 m² each, a typical
	// coastal aldeia.
	DefaultCell = 250.0
	// MinCellShare is the least share of a grid cell that must be safe land for the cell
	// to be a candidate: smaller slivers along the zones and the unit's edge are not
	// sites anyone would plan on.
	MinCellShare = 0.10
	// DefaultMinElevation is the least mean elevation (m above mean sea level, the DEM's
	// vertical datum) of a site, applied only with a DEM: the figure, above storm
	// surge and the sea-level rise of the century on Timor's microtidal coasts.
	DefaultMinElevation = 10.0
	// DefaultMaxSlope is the steepest mean slope (degrees) of a site, applied only with a
	// DEM: 5.71°, a 10 % gradient, beyond which UNHCR's Emergency Handbook (site
	// selection, topography and drainage) finds land hard to lay out and drain for a
	// settlement; gentle slopes of 2–4 % are the ideal.
	DefaultMaxSlope = 5.71
	// MaxSiteOptions is how many candidate sites a relocation lists per community.
	MaxSiteOptions = 3
)

// Scopes of a site option: where it lies relative to the community.
const (
	ScopeSuco  = "suco"  // in the community's suco
	ScopePosto = "posto" // in another suco of the community's posto administrativo
)

// Kinds of candidate sites.
const (
	SiteGridCell = "grid cell" // a cell of the regular grid over the safe land
	SiteFromFile = "site file" // a site or parcel of the user's file
)

// Reason codes of site options and relocations. Options carry the codes that say why
// they were chosen and how; relocations with fewer than MaxSiteOptions options carry the
// codes that say why.
const (
	ReasonSameSuco        = "same-suco"         // the site lies in the community's suco
	ReasonSamePosto       = "same-posto"        // in another suco of its posto
	ReasonOutsideZones    = "outside-hazard"    // outside every band-edge zone of the longest horizon
	ReasonFullCapacity    = "full-capacity"     // it holds all the community's people
	ReasonPartialCapacity = "partial-capacity"  // it holds only some of them
	ReasonCapacityUnknown = "people-unknown"    // the community's people are unknown: capacity not checked
	ReasonNoDEM           = "no-dem"            // no DEM: elevation and slope not checked
	ReasonElevationOK     = "elevation-ok"      // mean elevation at least the minimum
	ReasonSlopeOK         = "slope-ok"          // mean slope at most the maximum
	ReasonSlopeUnknown    = "slope-unknown"     // the DEM has too few cells around the site for a slope
	ReasonFewerSites      = "fewer-sites"       // fewer than MaxSiteOptions candidates qualify
	ReasonNoSite          = "no-site"           // no candidate qualifies in the suco or the posto
	ReasonLowElevation    = "low-elevation"     // candidates were left out for lying below the minimum elevation
	ReasonSteep           = "steep"             // candidates were left out for being too steep
	ReasonNoElevationData = "no-elevation-data" // candidates were left out where the DEM has no data
	ReasonInHazardZone    = "in-hazard-zone"    // candidate sites of the file were left out for lying in a zone
	ReasonNoSafeLand      = "no-safe-land"      // the zones leave no cell of safe land in the suco and posto
	ReasonNoPosto         = "no-posto"          // the suco has no posto to look further in
	ReasonPartialOnly     = "partial-only"      // no candidate holds all the people
	ReasonUnitUnknown     = "unit-not-given"    // the community's suco is not among the units given
	ReasonOwnCount        = "own-count"         // people to move are the community's own count: the zone's is unknown
)

// ReasonSeparator is what exports put between the reason codes of one row.
const ReasonSeparator = ";"

const (
	// minSitePeople: a site holding less than one person is no site, and a community
	// with less than one person in the zone has nobody to move.
	minSitePeople        = 1.0
	relocationCaveatGrid = "Candidate sites are cells of a regular grid over the land outside the hazard zones, not surveyed parcels: tenure, access, water and services must be checked on the ground."
)

// Site is a candidate relocation site or parcel: a polygon or a point with its capacity.
type Site struct {
	Code, Name string
	// Geometry is lon/lat: an orb.Point, orb.Polygon or orb.MultiPolygon.
	Geometry orb.Geometry
	// Area is the usable area, m²; NaN takes a polygon's own area (none for a point).
	Area float64
	// Capacity is the people the site holds; NaN takes Area ÷ the plan's area per person.
	Capacity float64
	// UnitCode and ParentCode are the suco and posto the site lies in (package input sets
	// them; grid cells take their unit's).
	UnitCode, ParentCode string
	Kind                 string // SiteGridCell or SiteFromFile
}

// SiteOption is a candidate site for one community, as a relocation lists it.
type SiteOption struct {
	Site  Site
	Rank  int    // 1 for the first choice
	Scope string // ScopeSuco or ScopePosto
	// Centre is the site's centroid (its point for a point site), lon/lat; Distance is
	// straight-line metres from the community to it: about where its people would live.
	// (The centroid of a site cut by a zone can lie outside the site.)
	Centre   orb.Point
	Distance float64
	// Area is the site's usable area (m²), NaN where a point site gave only a capacity;
	// Capacity the people it holds.
	Area, Capacity float64
	// Elevation (m above mean sea level) and Slope (degrees) are the means over the DEM
	// cells whose centre lies in the site (the cell holding its centroid when none
	// does); NaN without a DEM.
	Elevation, Slope float64
	// Partial: the site holds fewer people than the community has.
	Partial bool
	Reasons []string
}

// Relocation is a community at risk by the plan's horizon with its candidate sites.
type Relocation struct {
	AtRisk AtRisk
	// People and Households to move: those living in the band-edge zone of the horizon
	// (Exposure.People), or the community's own counts when the zone's count is unknown;
	// NaN when neither is known.
	People, Households float64
	// Land is the usable area they need (People × area per person), Covered the covered
	// living space (People × covered per person), m².
	Land, Covered float64
	// Options are up to MaxSiteOptions sites, best first; Reasons say why there are fewer
	// (codes of this package), and what was left out.
	Options []SiteOption
	Reasons []string
}

// RelocationPlan is where the communities at risk by the longest horizon could move, with
// everything a reader needs to trust it.
type RelocationPlan struct {
	RunID   string
	RefDate time.Time
	Horizon Horizon // the longest horizon of the forecast
	// Setback is the forecast's (m): the zones are already widened landward by it.
	Setback float64
	// The standards and criteria the plan applied (RelocationOptions).
	AreaPerPerson, CoveredPerPerson float64
	Cell, MinCellShare              float64 // m and share; Cell is 0 with a site file
	MinElevation, MaxSlope          float64 // m and degrees
	// ElevationApplied: a DEM was given, so the elevation and slope criteria were
	// applied; without one, every output says they were not.
	ElevationApplied bool
	// Sites names the candidates ("grid of 250 m cells over the safe land", or the
	// file), DEM the elevation model ("" for none).
	Sites, DEM string
	Rows       []Relocation
	Provenance analysis.Provenance
	Caveats    []string
}

// RelocationOptions are the standards and criteria of a relocation plan.
// DefaultRelocationOptions gives the documented defaults; the zero value is refused.
type RelocationOptions struct {
	// Cell is the side of grid cells (m) when there is no site file.
	Cell float64
	// AreaPerPerson and CoveredPerPerson are m² per person (Sphere).
	AreaPerPerson, CoveredPerPerson float64
	// MinElevation (m above mean sea level) and MaxSlope (degrees) apply with a DEM.
	MinElevation, MaxSlope float64
}

// DefaultRelocationOptions returns the defaults: 250 m cells, 45 m² per person of which
// 3.5 m² covered (Sphere), 10 m above mean sea level and slopes up to 5.71° (10 %).
func DefaultRelocationOptions() RelocationOptions {
	return RelocationOptions{Cell: DefaultCell, AreaPerPerson: AreaPerPerson, CoveredPerPerson: CoveredPerPerson,
		MinElevation: DefaultMinElevation, MaxSlope: DefaultMaxSlope}
}

func (o RelocationOptions) check() error {
	switch {
	case !(o.Cell >= 10 && o.Cell <= 5000):
		return fmt.Errorf("cell %g m: want 10 to 5000 m", o.Cell)
	case !(o.AreaPerPerson > 0) || math.IsInf(o.AreaPerPerson, 0):
		return fmt.Errorf("area per person %g m²: want a positive number", o.AreaPerPerson)
	case !(o.CoveredPerPerson > 0 && o.CoveredPerPerson <= o.AreaPerPerson):
		return fmt.Errorf("covered area per person %g m²: want a positive number no larger than the area per person (%g m²)", o.CoveredPerPerson, o.AreaPerPerson)
	case math.IsNaN(o.MinElevation) || math.IsInf(o.MinElevation, 0):
		return fmt.Errorf("minimum elevation %g m: want a number", o.MinElevation)
	case !(o.MaxSlope > 0 && o.MaxSlope <= 90):
		return fmt.Errorf("maximum slope %g°: want more than 0 and at most 90 degrees", o.MaxSlope)
	}
	return nil
}

// RelocationInputs are what a relocation plan needs besides the assessment.
type RelocationInputs struct {
	// Zone is the run's UTM zone, the CRS of Zones.
	Zone utm.Zone
	// Zones are the run's hazard zones (Zones); those of the band edge at the longest
	// horizon, of any unit, bound the safe land.
	Zones []Zone
	// Units are the admin units in lon/lat with their posto (Inputs.Units): every suco
	// of the postos of the communities, inland ones too, so that a community can look
	// beyond its suco.
	Units []analysis.AdminUnit
	// Sites are candidate sites with their units set; nil lays a grid of cells over the
	// safe land instead. SitesSource names the file for the plan.
	Sites       []Site
	SitesSource string
	// DEM is an elevation model in lon/lat (m above mean sea level), nil for none;
	// DEMSource names it.
	DEM       *raster.Grid
	DEMSource string
}

// ErrNoHorizon reports an assessment without horizons: nothing is at risk by anything.
var ErrNoHorizon = errors.New("the assessment has no horizon")

// Relocate plans the relocation of the communities of a at risk by its longest horizon
// (in the band-edge zone, as the at-risk list of that horizon has them, in its order)
// that have people to move (unknown counts are kept, with ReasonCapacityUnknown).
//
// Safe land is each unit's polygon minus every band-edge hazard zone of the longest
// horizon. The zones are already widened landward by the forecast's setback (Zone), so
// safe land keeps that distance from the forecast band's landward edge; no second setback
// is added. Candidates are in.Sites, or without them the cells of a grid of opt.Cell
// metres in the run's UTM zone (aligned on multiples of the cell size, so that cells
// are the same whatever the order of the work) clipped to the safe land, slivers under
// MinCellShare of a cell left out. A site of the file that touches a zone is left out.
// With a DEM, sites whose mean elevation is under opt.MinElevation, whose mean slope
// (Horn's method) is over opt.MaxSlope, or where the DEM has no data are left out.
//
// Capacity is area ÷ opt.AreaPerPerson (whole people, rounded down) unless a site gives
// its own. Each community gets up to MaxSiteOptions options: sites that hold all its
// people before partial ones, then its suco's before the rest of its posto's, then by
// distance (centroid, straight line), then by code.
//
// ctx cancels the work between communities.
func Relocate(ctx context.Context, a *Assessment, in RelocationInputs, opt RelocationOptions) (*RelocationPlan, error) {
	if err := opt.check(); err != nil {
		return nil, fmt.Errorf("plan relocation: %w", err)
	}
	if len(a.Horizons) == 0 {
		return nil, fmt.Errorf("plan relocation: %w", ErrNoHorizon)
	}
	if err := checkSites(in.Sites); err != nil {
		return nil, fmt.Errorf("plan relocation: %w", err)
	}
	if in.DEM != nil {
		if err := in.DEM.Validate(); err != nil {
			return nil, fmt.Errorf("plan relocation: DEM: %w", err)
		}
	}
	h := len(a.Horizons) - 1
	list, err := a.List(ListOptions{Horizon: a.Horizons[h].Years})
	if err != nil {
		return nil, fmt.Errorf("plan relocation: %w", err)
	}
	p := &RelocationPlan{
		RunID: a.RunID, RefDate: a.RefDate, Horizon: a.Horizons[h], Setback: a.Setback,
		AreaPerPerson: opt.AreaPerPerson, CoveredPerPerson: opt.CoveredPerPerson,
		MinElevation: opt.MinElevation, MaxSlope: opt.MaxSlope, ElevationApplied: in.DEM != nil,
		DEM: in.DEMSource, Provenance: a.Provenance, Caveats: slices.Clone(a.Caveats),
	}
	if in.Sites == nil {
		p.Cell, p.MinCellShare = opt.Cell, MinCellShare
		p.Sites = fmt.Sprintf("grid of %g m cells over the safe land", opt.Cell)
		p.Caveats = append(p.Caveats, relocationCaveatGrid)
	} else {
		p.Sites = cmp.Or(in.SitesSource, "site file")
	}
	if in.DEM == nil {
		p.Caveats = append(p.Caveats, "Elevation criterion not applied: no DEM, so neither the minimum elevation nor the maximum slope was checked.")
	} else {
		p.Caveats = append(p.Caveats, fmt.Sprintf("Elevation criterion applied: mean elevation at least %g m above mean sea level and mean slope at most %g° over each site, from %s.",
			opt.MinElevation, opt.MaxSlope, cmp.Or(in.DEMSource, "the DEM")))
	}
	r := newRelocator(a, h, in, opt)
	for i := range list.Rows {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("plan relocation: %w", err)
		}
		row, ok, err := r.relocate(&list.Rows[i])
		if err != nil {
			return nil, fmt.Errorf("plan relocation: community %s (%s): %w", list.Rows[i].Community.Code, list.Rows[i].Community.Name, err)
		}
		if ok {
			p.Rows = append(p.Rows, row)
		}
	}
	return p, nil
}

// checkSites refuses sites without a code, with a code twice, without a usable geometry,
// or a point that gives neither area nor capacity.
func checkSites(sites []Site) error {
	seen := make(map[string]int, len(sites))
	for i, s := range sites {
		if strings.TrimSpace(s.Code) == "" {
			return fmt.Errorf("site %d (%q): no code", i+1, s.Name)
		}
		if j, dup := seen[s.Code]; dup {
			return fmt.Errorf("site %d: code %q is also site %d's", i+1, s.Code, j+1)
		}
		seen[s.Code] = i
		switch g := s.Geometry.(type) {
		case orb.Point:
			if math.IsNaN(s.Area) && math.IsNaN(s.Capacity) {
				return fmt.Errorf("site %s: a point needs a capacity or an area", s.Code)
			}
		case orb.Polygon, orb.MultiPolygon:
			if planar.Area(g) <= 0 && math.IsNaN(s.Area) && math.IsNaN(s.Capacity) {
				return fmt.Errorf("site %s: a polygon without area needs a capacity or an area", s.Code)
			}
		default:
			return fmt.Errorf("site %s: geometry %v, want a point or polygon", s.Code, geometryType(s.Geometry))
		}
		for _, v := range []float64{s.Area, s.Capacity} {
			if v < 0 || math.IsInf(v, 0) {
				return fmt.Errorf("site %s: area %g m², capacity %g people: want positive numbers", s.Code, s.Area, s.Capacity)
			}
		}
	}
	return nil
}

func geometryType(g orb.Geometry) string {
	if g == nil {
		return "none"
	}
	return g.GeoJSONType()
}

// candidate is a site of one unit that passed the criteria, in the run's UTM zone.
type candidate struct {
	site             Site
	centroid         orb.Point // UTM
	area, capacity   float64
	elevation, slope float64
}

// unitCandidates are the candidates of one unit and what was left out there.
type unitCandidates struct {
	sites   []candidate
	dropped map[string]int // by reason code
}

// relocator holds what Relocate reuses between communities: units by code, the zones of
// the horizon, and the candidates of each unit once computed.
type relocator struct {
	a     *Assessment
	h     int
	in    RelocationInputs
	opt   RelocationOptions
	units map[string]int   // code → index in in.Units
	posto map[string][]int // posto code → indexes of its units
	zones []orb.MultiPolygon
	bound []orb.Bound
	zix   *polyindex.Index
	sites map[string][]int // unit code → indexes in in.Sites
	cache map[string]*unitCandidates
}

func newRelocator(a *Assessment, h int, in RelocationInputs, opt RelocationOptions) *relocator {
	r := &relocator{a: a, h: h, in: in, opt: opt, units: map[string]int{}, posto: map[string][]int{},
		sites: map[string][]int{}, cache: map[string]*unitCandidates{}}
	for i, u := range in.Units {
		r.units[u.Code] = i
		if u.ParentCode != "" {
			r.posto[u.ParentCode] = append(r.posto[u.ParentCode], i)
		}
	}
	for _, z := range in.Zones {
		if z.Band && z.Horizon == h && len(z.Geometry) > 0 {
			r.zones = append(r.zones, z.Geometry)
			r.bound = append(r.bound, z.Geometry.Bound())
		}
	}
	r.zix = polyindex.New(r.zones)
	for i, s := range in.Sites {
		r.sites[s.UnitCode] = append(r.sites[s.UnitCode], i)
	}
	return r
}

// relocate makes the relocation of one community; false when it has nobody to move.
func (r *relocator) relocate(ar *AtRisk) (Relocation, bool, error) {
	c := &ar.Community
	e := ar.Exposure[r.h]
	row := Relocation{AtRisk: *ar, People: e.People, Households: e.Households}
	if math.IsNaN(row.People) && !math.IsNaN(c.Population) {
		row.People, row.Households = c.Population, c.Households
		row.Reasons = append(row.Reasons, ReasonOwnCount)
	}
	if !math.IsNaN(row.People) && math.Round(row.People) < minSitePeople {
		return row, false, nil // nobody lives in the zone: nobody to move
	}
	row.Land = row.People * r.opt.AreaPerPerson
	row.Covered = row.People * r.opt.CoveredPerPerson
	if math.IsNaN(row.People) {
		row.Reasons = append(row.Reasons, ReasonCapacityUnknown)
	}
	ui, ok := r.units[c.UnitCode]
	if !ok {
		row.Reasons = append(row.Reasons, ReasonUnitUnknown, ReasonNoSite)
		return row, true, nil
	}
	home := r.in.Zone.Forward(c.Point)
	type ranked struct {
		candidate
		scope   string
		partial bool
		dist    float64
	}
	var pool []ranked
	dropped := map[string]int{}
	full := 0
	add := func(uc *unitCandidates, scope string) {
		for k, n := range uc.dropped {
			dropped[k] += n
		}
		for _, cd := range uc.sites {
			partial := !math.IsNaN(row.People) && cd.capacity < math.Round(row.People)
			if !partial {
				full++
			}
			pool = append(pool, ranked{cd, scope, partial, planar.Distance(home, cd.centroid)})
		}
	}
	uc, err := r.candidates(ui)
	if err != nil {
		return row, false, err
	}
	add(uc, ScopeSuco)
	parent := r.in.Units[ui].ParentCode
	if full < MaxSiteOptions {
		if parent == "" {
			row.Reasons = append(row.Reasons, ReasonNoPosto)
		}
		for _, j := range r.posto[parent] {
			if j == ui {
				continue
			}
			uc, err := r.candidates(j)
			if err != nil {
				return row, false, err
			}
			add(uc, ScopePosto)
		}
	}
	slices.SortFunc(pool, func(x, y ranked) int {
		return cmp.Or(
			cmp.Compare(boolRank(x.partial), boolRank(y.partial)),
			cmp.Compare(boolRank(x.scope != ScopeSuco), boolRank(y.scope != ScopeSuco)),
			cmp.Compare(x.dist, y.dist),
			cmp.Compare(x.site.Code, y.site.Code))
	})
	for k := 0; k < len(pool) && k < MaxSiteOptions; k++ {
		cd := pool[k]
		o := SiteOption{Site: cd.site, Rank: k + 1, Scope: cd.scope, Centre: r.in.Zone.Inverse(cd.centroid), Distance: cd.dist, Area: cd.area,
			Capacity: cd.capacity, Elevation: cd.elevation, Slope: cd.slope, Partial: cd.partial}
		if cd.scope == ScopeSuco {
			o.Reasons = append(o.Reasons, ReasonSameSuco)
		} else {
			o.Reasons = append(o.Reasons, ReasonSamePosto)
		}
		o.Reasons = append(o.Reasons, ReasonOutsideZones)
		switch {
		case math.IsNaN(row.People):
			o.Reasons = append(o.Reasons, ReasonCapacityUnknown)
		case cd.partial:
			o.Reasons = append(o.Reasons, ReasonPartialCapacity)
		default:
			o.Reasons = append(o.Reasons, ReasonFullCapacity)
		}
		if r.in.DEM == nil {
			o.Reasons = append(o.Reasons, ReasonNoDEM)
		} else {
			o.Reasons = append(o.Reasons, ReasonElevationOK)
			if math.IsNaN(cd.slope) {
				o.Reasons = append(o.Reasons, ReasonSlopeUnknown)
			} else {
				o.Reasons = append(o.Reasons, ReasonSlopeOK)
			}
		}
		row.Options = append(row.Options, o)
	}
	if len(row.Options) < MaxSiteOptions {
		if len(row.Options) == 0 {
			row.Reasons = append(row.Reasons, ReasonNoSite)
		} else {
			row.Reasons = append(row.Reasons, ReasonFewerSites)
		}
		if r.in.Sites == nil && len(pool) == 0 && len(dropped) == 0 {
			row.Reasons = append(row.Reasons, ReasonNoSafeLand)
		}
		for _, k := range []string{ReasonInHazardZone, ReasonLowElevation, ReasonSteep, ReasonNoElevationData} {
			if dropped[k] > 0 {
				row.Reasons = append(row.Reasons, k)
			}
		}
	}
	if len(row.Options) > 0 && row.Options[0].Partial {
		row.Reasons = append(row.Reasons, ReasonPartialOnly)
	}
	return row, true, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// candidates returns the candidates of unit i, computing them once.
func (r *relocator) candidates(i int) (*unitCandidates, error) {
	u := r.in.Units[i]
	if uc, ok := r.cache[u.Code]; ok {
		return uc, nil
	}
	uc := &unitCandidates{dropped: map[string]int{}}
	var err error
	if r.in.Sites == nil {
		err = r.gridCandidates(u, uc)
	} else {
		r.fileCandidates(u, uc)
	}
	if err != nil {
		return nil, fmt.Errorf("candidate sites of %s (%s): %w", u.Code, u.Name, err)
	}
	r.cache[u.Code] = uc
	return uc, nil
}

// keep applies the DEM criteria to a candidate and adds it, or counts why not.
func (r *relocator) keep(uc *unitCandidates, cd candidate, utmGeom orb.Geometry) {
	cd.elevation, cd.slope = math.NaN(), math.NaN()
	if cd.capacity < minSitePeople {
		return
	}
	if r.in.DEM != nil {
		cd.elevation, cd.slope = demStats(r.in.DEM, r.in.Zone, utmGeom, cd.centroid)
		switch {
		case math.IsNaN(cd.elevation):
			uc.dropped[ReasonNoElevationData]++
			return
		case cd.elevation < r.opt.MinElevation:
			uc.dropped[ReasonLowElevation]++
			return
		case cd.slope > r.opt.MaxSlope:
			uc.dropped[ReasonSteep]++
			return
		}
	}
	uc.sites = append(uc.sites, cd)
}

// gridCandidates lays the grid over unit u's safe land.
func (r *relocator) gridCandidates(u analysis.AdminUnit, uc *unitCandidates) error {
	unit := project.MultiPolygon(u.Geometry.Clone(), r.in.Zone.Forward)
	safe, err := r.safeLand(unit)
	if err != nil {
		return err
	}
	if len(safe) == 0 {
		return nil
	}
	b := safe.Bound()
	cell := r.opt.Cell
	minArea := MinCellShare * cell * cell
	bounds := make([]orb.Bound, len(safe))
	for i, p := range safe {
		bounds[i] = p.Bound()
	}
	for y := math.Floor(b.Min[1]/cell) * cell; y < b.Max[1]; y += cell {
		for x := math.Floor(b.Min[0]/cell) * cell; x < b.Max[0]; x += cell {
			cb := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + cell, y + cell}}
			var piece orb.MultiPolygon
			for i, p := range safe {
				if !bounds[i].Intersects(cb) {
					continue
				}
				if q := clipPolygon(cb, p); len(q) > 0 {
					piece = append(piece, q)
				}
			}
			if len(piece) == 0 {
				continue
			}
			c, area := planar.CentroidArea(piece)
			if area < minArea {
				continue
			}
			site := Site{
				Code:     fmt.Sprintf("%s-E%.0fN%.0f", u.Code, x, y),
				Name:     fmt.Sprintf("%g m cell at E %.0f N %.0f (%s)", cell, x, y, r.in.Zone),
				Geometry: project.MultiPolygon(piece.Clone(), r.in.Zone.Inverse),
				Area:     area, Capacity: math.Floor(area / r.opt.AreaPerPerson),
				UnitCode: u.Code, ParentCode: u.ParentCode, Kind: SiteGridCell,
			}
			r.keep(uc, candidate{site: site, centroid: c, area: area, capacity: site.Capacity}, piece)
		}
	}
	return nil
}

// clipPolygon clips polygon p to bound b, its holes too; nil when nothing is left.
// (orb's clip.Ring uses its input as scratch space: the safe land is clipped once per
// cell, so it must stay as it is.)
func clipPolygon(b orb.Bound, p orb.Polygon) orb.Polygon {
	if pb := p.Bound(); b.Contains(pb.Min) && b.Contains(pb.Max) {
		return p
	}
	outer := clipRing(b, p[0])
	if outer == nil {
		return nil
	}
	q := orb.Polygon{outer}
	for _, h := range p[1:] {
		if hb := h.Bound(); !hb.Intersects(b) {
			continue
		}
		if c := clipRing(b, h); c != nil {
			q = append(q, c)
		}
	}
	return q
}

// clipRing clips ring r to bound b (Sutherland–Hodgman, one edge of b at a time) into a
// new closed ring, leaving r as it is; nil when no area is left. Where r leaves and
// re-enters b the result runs along b's edge, which adds no area.
func clipRing(b orb.Bound, r orb.Ring) orb.Ring {
	in := []orb.Point(r)
	if len(in) > 1 && in[0] == in[len(in)-1] {
		in = in[:len(in)-1]
	}
	for edge := range 4 {
		inside := func(p orb.Point) bool {
			switch edge {
			case 0:
				return p[0] >= b.Min[0]
			case 1:
				return p[0] <= b.Max[0]
			case 2:
				return p[1] >= b.Min[1]
			}
			return p[1] <= b.Max[1]
		}
		cross := func(p, q orb.Point) orb.Point {
			var t float64
			switch edge {
			case 0:
				t = (b.Min[0] - p[0]) / (q[0] - p[0])
				return orb.Point{b.Min[0], p[1] + t*(q[1]-p[1])}
			case 1:
				t = (b.Max[0] - p[0]) / (q[0] - p[0])
				return orb.Point{b.Max[0], p[1] + t*(q[1]-p[1])}
			case 2:
				t = (b.Min[1] - p[1]) / (q[1] - p[1])
				return orb.Point{p[0] + t*(q[0]-p[0]), b.Min[1]}
			}
			t = (b.Max[1] - p[1]) / (q[1] - p[1])
			return orb.Point{p[0] + t*(q[0]-p[0]), b.Max[1]}
		}
		if len(in) == 0 {
			return nil
		}
		out := make([]orb.Point, 0, len(in)+4)
		prev := in[len(in)-1]
		for _, cur := range in {
			switch ci, pi := inside(cur), inside(prev); {
			case ci && pi:
				out = append(out, cur)
			case ci:
				out = append(out, cross(prev, cur), cur)
			case pi:
				out = append(out, cross(prev, cur))
			}
			prev = cur
		}
		in = out
	}
	if len(in) < 3 {
		return nil
	}
	ring := append(orb.Ring(in), in[0])
	if planar.Area(ring) == 0 {
		return nil
	}
	return ring
}

// safeLand is unit (UTM) minus every band-edge zone of the horizon that reaches it.
func (r *relocator) safeLand(unit orb.MultiPolygon) (orb.MultiPolygon, error) {
	ub := unit.Bound()
	var cut []orb.MultiPolygon
	for i, z := range r.zones {
		if r.bound[i].Intersects(ub) {
			cut = append(cut, z)
		}
	}
	if len(cut) == 0 {
		return unit, nil
	}
	d, err := overlay.Difference(unit, cut...)
	if err != nil {
		return nil, fmt.Errorf("unit minus %d hazard zones: %w", len(cut), err)
	}
	return d, nil
}

// fileCandidates takes the sites of the file that lie in unit u and outside every zone.
func (r *relocator) fileCandidates(u analysis.AdminUnit, uc *unitCandidates) {
	for _, i := range r.sites[u.Code] {
		s := r.in.Sites[i]
		s.Kind = SiteFromFile
		var g orb.Geometry
		var centroid orb.Point
		area := s.Area
		switch sg := s.Geometry.(type) {
		case orb.Point:
			p := r.in.Zone.Forward(sg)
			g, centroid = p, p
			if r.zix.Contains(p) {
				uc.dropped[ReasonInHazardZone]++
				continue
			}
		case orb.Polygon:
			g = project.MultiPolygon(orb.MultiPolygon{sg.Clone()}, r.in.Zone.Forward)
		case orb.MultiPolygon:
			g = project.MultiPolygon(sg.Clone(), r.in.Zone.Forward)
		}
		if mp, ok := g.(orb.MultiPolygon); ok {
			var a float64
			centroid, a = planar.CentroidArea(mp)
			if math.IsNaN(area) {
				area = a
			}
			if r.touchesZone(mp) {
				uc.dropped[ReasonInHazardZone]++
				continue
			}
		}
		capacity := s.Capacity
		if math.IsNaN(capacity) {
			capacity = math.Floor(area / r.opt.AreaPerPerson)
		}
		r.keep(uc, candidate{site: s, centroid: centroid, area: area, capacity: capacity}, g)
	}
}

// touchesZone tells whether polygon mp (UTM) shares any point with a zone.
func (r *relocator) touchesZone(mp orb.MultiPolygon) bool {
	b := mp.Bound()
	var near []orb.MultiPolygon
	for i, z := range r.zones {
		if r.bound[i].Intersects(b) {
			near = append(near, z)
		}
	}
	return overlay.Intersects(mp, near...)
}

// demStats returns the mean elevation and mean slope (degrees, Horn) of the DEM cells
// whose centre lies in g (UTM; for a point, or when no centre does, the cell holding
// centroid), NaN where the DEM has no data there.
func demStats(dem *raster.Grid, z utm.Zone, g orb.Geometry, centroid orb.Point) (elev, slope float64) {
	var se, ss float64
	ne, ns := 0, 0
	addCell := func(col, row int) {
		if v := dem.At(col, row); v == v {
			se += float64(v)
			ne++
			if s := hornSlope(dem, col, row); !math.IsNaN(s) {
				ss += s
				ns++
			}
		}
	}
	if mp, ok := g.(orb.MultiPolygon); ok {
		b := mp.Bound()
		ll := orb.MultiPoint{z.Inverse(b.Min), z.Inverse(b.Max), z.Inverse(orb.Point{b.Min[0], b.Max[1]}), z.Inverse(orb.Point{b.Max[0], b.Min[1]})}.Bound()
		for c := range dem.Cells(ll) {
			if planar.MultiPolygonContains(mp, z.Forward(dem.Centre(c.Col, c.Row))) {
				addCell(c.Col, c.Row)
			}
		}
	}
	if ne == 0 {
		if col, row, ok := dem.Cell(z.Inverse(centroid)); ok {
			addCell(col, row)
		}
	}
	elev, slope = math.NaN(), math.NaN()
	if ne > 0 {
		elev = se / float64(ne)
	}
	if ns > 0 {
		slope = ss / float64(ns)
	}
	return elev, slope
}

// hornSlope is the slope (degrees) at a DEM cell by Horn's (1981) method: the weighted
// differences of its 3 × 3 neighbourhood, with the cell sizes in metres at the cell's
// latitude. NaN at the grid's edge or where a neighbour has no data.
func hornSlope(dem *raster.Grid, col, row int) float64 {
	if col < 1 || row < 1 || col >= dem.Width-1 || row >= dem.Height-1 {
		return math.NaN()
	}
	z := func(dc, dr int) float64 { return float64(dem.At(col+dc, row+dr)) }
	a, b, c := z(-1, -1), z(0, -1), z(1, -1) // north row
	d, f := z(-1, 0), z(1, 0)
	g, h, i := z(-1, 1), z(0, 1), z(1, 1) // south row
	m := metresPerDegree(dem.Centre(col, row)[1])
	dx, dy := dem.CellWidth*m[0], dem.CellHeight*m[1]
	dzdx := ((c + 2*f + i) - (a + 2*d + g)) / (8 * dx)
	dzdy := ((g + 2*h + i) - (a + 2*b + c)) / (8 * dy)
	return math.Atan(math.Hypot(dzdx, dzdy)) * 180 / math.Pi
}

// RelocationBound returns the lon/lat bound of the units a relocation plan of a may look
// in: the sucos of the communities at risk by the longest horizon and every suco of their
// postos, padded by a kilometre (about 0.01°). It is what to read of a large DEM. Zero
// when nothing is at risk.
func RelocationBound(a *Assessment, units []analysis.AdminUnit) orb.Bound {
	if len(a.Horizons) == 0 {
		return orb.Bound{}
	}
	h := len(a.Horizons) - 1
	sucos, postos := map[string]bool{}, map[string]bool{}
	for i := range a.Rows {
		if r := &a.Rows[i]; r.Exposure[h].InBand {
			sucos[r.Community.UnitCode] = true
		}
	}
	for _, u := range units {
		if sucos[u.Code] && u.ParentCode != "" {
			postos[u.ParentCode] = true
		}
	}
	var b orb.Bound
	first := true
	for _, u := range units {
		if !sucos[u.Code] && !postos[u.ParentCode] || len(u.Geometry) == 0 {
			continue
		}
		if first {
			b, first = u.Geometry.Bound(), false
		} else {
			b = b.Union(u.Geometry.Bound())
		}
	}
	if first {
		return orb.Bound{}
	}
	return b.Pad(0.01)
}
