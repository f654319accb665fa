package analysis

import (
	"fmt"
	"math"

	"github.com/paulmach/orb/geo"
)

// Workload is what a run will hold, estimated from its input before any work is done.
type Workload struct {
	CoastKm    float64 // length of the reference coast, km (0 for given transects)
	Transects  int     // transects that will be cast (or were given)
	Shorelines int     // shorelines (or series dates) each transect is measured against
	Vertices   int     // shoreline vertices and points
	Zones      int     // UTM zones the transects are measured in (see Run), about
	Bytes      int64   // peak memory of Run and of writing its result, about
}

// Memory per item, measured on 2 cores with `tasi analyze --out --csv-dir` (peak RSS of
// straight coasts at 0.02–5 m spacing, 4 and 34 shorelines; BENCHMARKS.md): about 1.4 KB
// a transect, 200 B a possible intersection, and the projected copy of each vertex. The
// figures are rounded up so that the estimate errs on the side of refusing.
const (
	baseBytes        = 128 << 20
	bytesPerTransect = 1600
	bytesPerCrossing = 240
	bytesPerVertex   = 64
	// bytesPerCrossPair is what one pair of crossing draft transects takes while Cast
	// resolves them (16 bytes, twice over while the slice grows).
	bytesPerCrossPair = 32
)

// Estimate returns the workload of Run(in, p): how many transects and intersections it
// will make and the memory they take, from the length of the coast and the spacing.
func Estimate(in Input, p Params) Workload {
	var w Workload
	for _, s := range in.Shorelines {
		w.Vertices += len(s.Points)
		for _, l := range s.Geometry {
			w.Vertices += len(l)
		}
	}
	w.Shorelines = len(in.Shorelines)
	if in.Series != nil {
		w.Shorelines = len(in.Series.Dates)
	}
	switch {
	case len(in.Transects) > 0:
		w.Transects = len(in.Transects)
	case p.Spacing > 0:
		coast := in.Coast
		if len(coast) == 0 {
			coast = oldestShoreline(in.Shorelines)
		}
		for _, l := range coast {
			km := geo.Length(l) / 1000
			w.CoastKm += km
			w.Transects += int(math.Ceil(km*1000/p.Spacing)) + 1
		}
	}
	w.Zones = countZones(in)
	w.Bytes = baseBytes + int64(w.Transects)*bytesPerTransect +
		int64(w.Transects)*int64(w.Shorelines)*bytesPerCrossing + w.vertexBytes()
	return w
}

// vertexBytes is the memory of the projected shorelines: one copy in the result's zone,
// and where the run spans zones, the copy of the shorelines near each zone projected
// into it, made after the previous zone's is let go (so at worst a second copy).
func (w Workload) vertexBytes() int64 {
	if w.Zones > 1 {
		return 2 * int64(w.Vertices) * bytesPerVertex
	}
	return int64(w.Vertices) * bytesPerVertex
}

// countZones is how many zones Run will measure in: 1 when the coast (or the given
// transects) fit the result's zone, else about as many as cutting the coast's parts (not
// yet chained) by zone gives.
func countZones(in Input) int {
	plan, err := planZones(in)
	if err != nil || !plan.multi {
		return 1
	}
	numbers := make(map[int]bool)
	if len(in.Transects) > 0 {
		for _, t := range in.Transects {
			numbers[zoneNumber(givenZone(t, plan.centre))] = true
		}
	} else {
		coast := in.Coast
		if len(coast) == 0 {
			coast = oldestShoreline(in.Shorelines)
		}
		for _, l := range coast {
			for _, pc := range cutPart(l, plan.centre) {
				numbers[zoneNumber(pc.index)] = true
			}
		}
	}
	return max(len(numbers), 1)
}

// checkMemory refuses a run whose workload exceeds the limit, naming the figures.
func checkMemory(in Input, p Params) error {
	if p.MemoryLimit <= 0 {
		return nil
	}
	w := Estimate(in, p)
	if w.Bytes <= p.MemoryLimit {
		return nil
	}
	what := fmt.Sprintf("%d given transects", w.Transects)
	if w.CoastKm > 0 {
		what = fmt.Sprintf("%d transects at %g m spacing over %.1f km of coast", w.Transects, p.Spacing, w.CoastKm)
	}
	hint := ""
	if w.CoastKm > 0 {
		hint = fmt.Sprintf("; a spacing of %g m or more would fit", fitSpacing(w, p))
	}
	return fmt.Errorf("this run would need about %s of memory (%s, each measured against %d shorelines), more than the %s available%s",
		humanBytes(w.Bytes), what, w.Shorelines, humanBytes(p.MemoryLimit), hint)
}

// maxCrossings is how many pairs of crossing transects Cast may hold in the memory the
// estimate leaves under p.MemoryLimit; 0 (no bound) without a limit.
func maxCrossings(in Input, p Params) int {
	if p.MemoryLimit <= 0 {
		return 0
	}
	room := p.MemoryLimit - Estimate(in, p).Bytes
	return int(max(room/bytesPerCrossPair, 1))
}

// fitSpacing is the smallest round spacing whose workload fits the limit.
func fitSpacing(w Workload, p Params) float64 {
	perTransect := float64(bytesPerTransect + w.Shorelines*bytesPerCrossing)
	room := float64(p.MemoryLimit - baseBytes - w.vertexBytes())
	if room <= 0 {
		return math.Inf(1)
	}
	s := w.CoastKm * 1000 * perTransect / room
	// Round up to 1, 2 or 5 times a power of ten.
	e := math.Pow(10, math.Floor(math.Log10(s)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= s {
			return m * e
		}
	}
	return 10 * e
}

func humanBytes(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", b)
}
