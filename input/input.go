package input

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/ogr"
)

// DefaultMaxGap is the longest straight jump (m) kept inside a CoastSat or CoastSeg
// shoreline line. Their line files join separate contour pieces end to end, and a jump
// measured as shoreline moved rates by more than 0.05 m/yr on most transects of a test;
// contour vertices lie a pixel or less apart (10–30 m), so anything far longer is a join.
const DefaultMaxGap = 100.0

// Config names the files of one analysis and how to read them. A path is a local file, a
// folder (for shorelines), or a GDAL virtual path (/vsizip/…, /vsigzip/…, /vsicurl/…).
type Config struct {
	// Shorelines are dated shoreline files or folders of them: lines, or points as
	// CoastSeg extracts them. Folders are read one level deep; hidden files, files that
	// are not vector data and tasi's own outputs in them are skipped with a note.
	Shorelines []string
	// Layer names the shoreline layer of files that hold several candidates (layers of
	// lines or points with a date field).
	Layer string
	// DateField holds each shoreline's date; "" means "date".
	DateField string
	// DateFormat reads dates in other forms (see DateParser.Layout).
	DateFormat string
	// UncertaintyField holds each shoreline's position uncertainty in metres; "" means
	// CoastSat's "geoaccuracy" where a layer has it, else DefaultUncertainty.
	UncertaintyField string
	// DefaultUncertainty (m) is used for shorelines without one.
	DefaultUncertainty float64
	// AssumeCRS is the CRS of files that declare none (a Shapefile without .prj, a CSV
	// with WKT), in any form GDAL accepts ("EPSG:4326").
	AssumeCRS string
	// MaxGap (m) splits shoreline lines at straight jumps longer than it. 0 splits only
	// files that carry CoastSat or CoastSeg fields (satname, geoaccuracy), at
	// DefaultMaxGap; a negative value never splits.
	MaxGap float64
	// Strict makes a self-crossing shoreline an error instead of a note.
	Strict bool

	// Transects are given transects, used as they are instead of casting them.
	Transects string
	// TransectIDField holds each given transect's id; "" means the first of transect_id,
	// TransectID, id, name.
	TransectIDField string
	// OriginSeaward says given transects start at sea (CoastSat and DSAS start on land).
	OriginSeaward bool
	// Series are CoastSat or CoastSeg transect time series, used with Transects.
	Series []string

	// Admin is the admin unit layer: "" for the bundled Timor-Leste sucos where the
	// shorelines lie in Timor-Leste, "none" for no per-unit table.
	Admin string
	// AdminCodeField and AdminNameField name the unit code and name attributes; "" picks
	// the first of ADM3_PCODE, pcode, code, id and of ADM3_EN, name.
	AdminCodeField, AdminNameField string
	// Land is polygons telling land from sea; "" means the admin units.
	Land string
	// Coast is the reference coast transects are cast from; "" means the bundled
	// coastline in Timor-Leste, else the oldest shoreline.
	Coast string

	// Outputs are the files the analysis will write. An input that is one of them is an
	// error (the results would replace it), and a folder's files that are are skipped.
	Outputs []string
	// Now is when the analysis runs: no shoreline may be younger. Zero means time.Now.
	Now time.Time
	// Bundled returns the bundled reference data; nil means data.TimorLeste.
	Bundled func() (*data.Reference, error)
	// Progress, when set, is told how reading each shoreline file advances (step "read"
	// and the file's name, features done and in all).
	Progress func(analysis.Progress)
}

// Load reads every input c names into an analysis.Input in WGS84, with a report of what
// was read, skipped and worked around.
func Load(ctx context.Context, c Config) (analysis.Input, *Report, error) {
	l, err := newLoader(c)
	if err != nil {
		return analysis.Input{}, nil, err
	}
	in, err := l.load(ctx)
	if err != nil {
		return analysis.Input{}, nil, err
	}
	return in, &l.report, nil
}

// loader carries one Load.
type loader struct {
	c       Config
	dp      DateParser
	report  Report
	outputs []string // absolute, cleaned
	hashes  map[string]string
	bundled chan bundledResult
}

type bundledResult struct {
	ref *data.Reference
	err error
}

func newLoader(c Config) (*loader, error) {
	if c.DateField == "" {
		c.DateField = "date"
	}
	if !(c.DefaultUncertainty > 0) {
		return nil, fmt.Errorf("default uncertainty %v m: must be a positive number", c.DefaultUncertainty)
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.Bundled == nil {
		c.Bundled = data.TimorLeste
	}
	switch {
	case len(c.Shorelines) == 0 && len(c.Series) == 0:
		return nil, errors.New("no shorelines and no time series given")
	case len(c.Series) > 0 && c.Transects == "":
		return nil, errors.New("a time series needs the transects it was measured on")
	case len(c.Series) > 0 && len(c.Shorelines) > 0:
		return nil, errors.New("give shorelines or a time series, not both: the series already holds the shoreline positions")
	}
	l := &loader{c: c, dp: DateParser{Layout: c.DateFormat, Latest: c.Now}, hashes: make(map[string]string)}
	for _, o := range c.Outputs {
		if o == "" || ogr.IsVirtual(o) {
			continue
		}
		abs, err := filepath.Abs(o)
		if err != nil {
			return nil, fmt.Errorf("output %s: %w", o, err)
		}
		l.outputs = append(l.outputs, abs)
	}
	return l, nil
}

func (l *loader) load(ctx context.Context) (analysis.Input, error) {
	var in analysis.Input
	c := l.c
	// The bundled data is the default admin layer and coast in Timor-Leste: decode it on
	// another core while the shorelines are read, in case it is needed.
	if c.Admin == "" || c.Coast == "" {
		l.bundled = make(chan bundledResult, 1)
		go func() {
			ref, err := c.Bundled()
			l.bundled <- bundledResult{ref, err}
		}()
	}
	for _, f := range []struct{ role, path string }{{"transects", c.Transects}, {"admin", c.Admin}, {"land", c.Land}, {"coast", c.Coast}} {
		if f.path != "" && f.path != "none" {
			if err := l.checkNotOutput(f.path, f.role); err != nil {
				return in, err
			}
		}
	}
	for _, path := range c.Series {
		if err := l.checkNotOutput(path, "time series"); err != nil {
			return in, err
		}
	}

	if len(c.Shorelines) > 0 {
		ss, err := l.readShorelines(ctx)
		if err != nil {
			return in, err
		}
		in.Shorelines = ss
	}
	if c.Transects != "" {
		ts, err := l.readTransects(ctx)
		if err != nil {
			return in, err
		}
		in.Transects = ts
		in.OriginSeaward = c.OriginSeaward
	}
	if len(c.Series) > 0 {
		s, err := l.readSeries()
		if err != nil {
			return in, err
		}
		in.Series = s
	}

	extent, ok := inputExtent(in)
	if !ok {
		return in, errors.New("the inputs have no geometry to place them")
	}
	var ref *data.Reference
	inBundled := false
	if l.bundled != nil {
		b := <-l.bundled
		if b.err != nil {
			return in, fmt.Errorf("load bundled reference data: %w", b.err)
		}
		ref = b.ref
		centre := in.Centre()
		c, _ := centre.Point()
		inBundled = ref.Bound().Pad(0.05).Contains(c)
	}

	switch {
	case c.Admin == "none":
	case c.Admin == "":
		if inBundled {
			in.Units = ref.Units
		}
	default:
		units, err := l.readAdmin(ctx)
		if err != nil {
			return in, err
		}
		if !overlapsAny(extent, units) {
			return in, fmt.Errorf("admin %s: none of its %d units overlaps the shorelines (extent %.4f,%.4f – %.4f,%.4f)",
				c.Admin, len(units), extent.Min[0], extent.Min[1], extent.Max[0], extent.Max[1])
		}
		in.Units = units
	}

	if c.Land != "" {
		land, err := l.readPolygons(ctx, c.Land, "land")
		if err != nil {
			return in, err
		}
		in.Land = land
	} else if len(in.Units) == 0 && inBundled && len(in.Transects) == 0 {
		// No admin table in Timor-Leste: the sucos still tell land from sea.
		for _, u := range ref.Units {
			in.Land = append(in.Land, u.Geometry)
		}
	}

	if len(in.Transects) == 0 {
		switch {
		case c.Coast != "":
			coast, err := l.readLines(ctx, c.Coast, "coast")
			if err != nil {
				return in, err
			}
			in.Coast = coast
		case inBundled:
			coast, err := bundledCoast(ref, in, c)
			if err != nil {
				return in, err
			}
			in.Coast = coast
		default:
			if in.Shorelines != nil && allPoints(in.Shorelines) {
				return in, errors.New("point shorelines cannot serve as the reference coast to cast transects from: give a coast or transects")
			}
		}
	}
	return in, nil
}

// checkNotOutput refuses an input that the analysis is about to overwrite.
func (l *loader) checkNotOutput(path, role string) error {
	if o, ok := l.isOutput(path); ok {
		return fmt.Errorf("%s %s is also an output of this analysis (%s): writing the results would replace it", role, path, o)
	}
	return nil
}

// isOutput reports whether path is one of the outputs, and which.
func (l *loader) isOutput(path string) (string, bool) {
	if ogr.IsVirtual(path) || len(l.outputs) == 0 {
		return "", false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	st, statErr := os.Stat(abs)
	for _, o := range l.outputs {
		if o == abs {
			return o, true
		}
		if statErr == nil {
			if ost, err := os.Stat(o); err == nil && os.SameFile(st, ost) {
				return o, true
			}
		}
	}
	return "", false
}

// addFile records a file read, with its SHA-256, and returns the hash. A file inside a
// GDAL virtual path (/vsizip/archive.zip/x.shp) is hashed by its archive; a remote one
// (/vsicurl/) has no hash.
func (l *loader) addFile(role, path string) (string, error) {
	sum, err := l.hash(path)
	if err != nil {
		return "", err
	}
	l.report.Files = append(l.report.Files, analysis.InputFile{Role: role, Path: path, SHA256: sum})
	return sum, nil
}

func (l *loader) hash(path string) (string, error) {
	local := localPart(path)
	if local == "" {
		return "", nil
	}
	if sum, ok := l.hashes[local]; ok {
		return sum, nil
	}
	sum, err := HashFile(path)
	if err != nil {
		return "", err
	}
	l.hashes[local] = sum
	return sum, nil
}

// HashFile returns the SHA-256 of the local file that holds path (itself, or the archive
// of a GDAL virtual path), in hex, as provenance records it; "" for a remote path.
func HashFile(path string) (string, error) {
	local := localPart(path)
	if local == "" {
		return "", nil
	}
	f, err := os.Open(local)
	if err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// localPart returns the local file that holds path: path itself, or the archive or
// compressed file inside a GDAL virtual path; "" for a remote one.
func localPart(path string) string {
	if !ogr.IsVirtual(path) {
		return path
	}
	rest := path
	for strings.HasPrefix(rest, "/vsi") {
		i := strings.Index(rest[1:], "/")
		if i < 0 {
			return ""
		}
		fs := rest[:i+1]
		rest = rest[i+1:]
		switch fs {
		case "/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift", "/vsihdfs", "/vsiwebhdfs", "/vsimem":
			return ""
		}
	}
	// rest is a local path that may run on inside an archive: take its longest existing
	// prefix that is a file.
	for p := rest; p != "/" && p != "."; p = filepath.Dir(p) {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// inputExtent is the lon/lat extent of the shorelines, or of the transects for a series.
func inputExtent(in analysis.Input) (orb.Bound, bool) {
	var b orb.Bound
	ok := false
	add := func(g orb.Geometry) {
		if ok {
			b = b.Union(g.Bound())
		} else {
			b, ok = g.Bound(), true
		}
	}
	for _, s := range in.Shorelines {
		if len(s.Points) > 0 {
			add(s.Points)
		} else {
			add(s.Geometry)
		}
	}
	for _, t := range in.Transects {
		add(t.Line)
	}
	return b, ok
}

func overlapsAny(extent orb.Bound, units []analysis.AdminUnit) bool {
	for _, u := range units {
		if u.Geometry.Bound().Intersects(extent) {
			return true
		}
	}
	return false
}

func allPoints(ss []analysis.Shoreline) bool {
	for _, s := range ss {
		if len(s.Points) == 0 {
			return false
		}
	}
	return true
}
