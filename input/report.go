package input

import (
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
)

// Kind classifies what Load noticed and worked around.
type Kind int

// Kinds of Note, from the most to the least consequential for the numbers.
const (
	// SelfCrossing is a shoreline that crosses itself or whose parts cross: it is
	// measured as it is, every crossing with a transect counting, and the intersect mode
	// picks one (as DSAS does).
	SelfCrossing Kind = iota + 1
	// BadPart is a part of a shoreline that cannot be measured (empty, one vertex, zero
	// length, non-finite coordinates): it is left out, the rest of the feature is used.
	BadPart
	// GapSplit is a straight jump longer than the maximum gap inside a shoreline line,
	// where CoastSat and CoastSeg join separate contour pieces: the line is split there.
	GapSplit
	// Duplicate is a feature, part, file or series row that repeats one already read
	// (same date and geometry, same content): it is read once.
	Duplicate
	// SameDate is a feature whose date another feature shares: both are measured as one
	// shoreline, so a transect gets one position per date.
	SameDate
	// SameGeometry is a shoreline whose geometry another shoreline of another date has
	// exactly: likely a copy with a wrong date. It is used, but check it.
	SameGeometry
	// BadCell is a time-series cell that is not a number ("--", "inf"): that
	// observation is skipped.
	BadCell
	// DefaultUncertainty is a shoreline whose uncertainty field holds no usable number
	// (CoastSat writes "PASSED" for Sentinel-2): the default uncertainty is used.
	DefaultUncertainty
	// SkippedFile is a file in a shorelines folder that is not read: hidden, not vector
	// data, without lines, or tasi's own output.
	SkippedFile
	// Info is anything else worth a line in the log.
	Info
)

// String returns the kind as the run summary names it.
func (k Kind) String() string {
	switch k {
	case SelfCrossing:
		return "self-crossing shorelines"
	case BadPart:
		return "unusable parts skipped"
	case GapSplit:
		return "lines split at gaps"
	case Duplicate:
		return "duplicates read once"
	case SameDate:
		return "features sharing a date"
	case SameGeometry:
		return "same geometry at another date"
	case BadCell:
		return "time-series cells skipped"
	case DefaultUncertainty:
		return "default uncertainty used"
	case SkippedFile:
		return "files skipped"
	case Info:
		return "notes"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Note is one thing Load noticed in the input and worked around, located as precisely as
// the input allows, so that a researcher can find it in QGIS or a spreadsheet.
type Note struct {
	Kind    Kind
	File    string
	Layer   string // for files with several layers
	Feature int64  // feature id; -1 when the note is about no single feature
	Field   string // attribute or column
	Row     int    // 1-based line of a CSV file, header included; 0 when not a CSV row
	Where   orb.Point
	HasPos  bool // Where (lon/lat) is set
	Count   int  // how many times it happened in this place (crossings, gaps), 0 for once
	Message string
}

// String formats the note as one log line: place first, then what happened.
func (n Note) String() string {
	var b strings.Builder
	b.WriteString(n.File)
	if n.Layer != "" {
		fmt.Fprintf(&b, " layer %q", n.Layer)
	}
	if n.Feature >= 0 {
		fmt.Fprintf(&b, " feature %d", n.Feature)
	}
	if n.Row > 0 {
		fmt.Fprintf(&b, " row %d", n.Row)
	}
	if n.Field != "" {
		fmt.Fprintf(&b, " field %q", n.Field)
	}
	if n.HasPos {
		fmt.Fprintf(&b, " at %.6f,%.6f", n.Where[0], n.Where[1])
	}
	b.WriteString(": ")
	b.WriteString(n.Message)
	return b.String()
}

// Report says what Load read, what it skipped and why.
type Report struct {
	Files []analysis.InputFile // every file read, with its SHA-256, for the run record
	Notes []Note
	// Shorelines is how many dated shorelines the input holds after features of one date
	// were joined; Features is how many features were read to make them.
	Shorelines, Features int
	// PointShorelines is how many of the shorelines are points (CoastSeg), measured by the
	// median of the points near each transect whatever the intersect mode.
	PointShorelines int
}

// Counts returns how many notes of each kind the report holds: one per feature, file,
// row or cell they are about.
func (r *Report) Counts() map[Kind]int {
	out := make(map[Kind]int)
	for _, n := range r.Notes {
		out[n.Kind]++
	}
	return out
}

// events names what Note.Count counts for the kinds where one note stands for several.
var events = map[Kind]string{SelfCrossing: "crossings", GapSplit: "gaps", BadPart: "parts"}

// Summary is one line per kind of note, most consequential first ("34 self-crossing
// shorelines (112 crossings)"), for the end of a run.
func (r *Report) Summary() []string {
	counts := make(map[Kind][2]int)
	for _, n := range r.Notes {
		c := counts[n.Kind]
		c[0]++
		c[1] += max(n.Count, 1)
		counts[n.Kind] = c
	}
	kinds := make([]Kind, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return kinds[i] < kinds[j] })
	out := make([]string, len(kinds))
	for i, k := range kinds {
		c := counts[k]
		out[i] = fmt.Sprintf("%d %s", c[0], k)
		if noun, ok := events[k]; ok && c[1] != c[0] {
			out[i] += fmt.Sprintf(" (%d %s)", c[1], noun)
		}
	}
	return out
}

func (r *Report) add(n Note) { r.Notes = append(r.Notes, n) }
