package input

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/ogr"
	"github.com/tasi-gis/tasi/vector/linework"
	"github.com/tasi-gis/tasi/vector/utm"
)

// feature is one shoreline feature as read, cleaned, before features of one date are
// joined into one shoreline.
type feature struct {
	file, layer string
	fid         int64
	date        time.Time
	unc         float64
	sat         string
	synthetic   bool // marked as generated (the field SyntheticField)
	lines       orb.MultiLineString
	points      orb.MultiPoint
}

func (f *feature) label() string {
	if f.layer != "" {
		return fmt.Sprintf("%s layer %q feature %d", f.file, f.layer, f.fid)
	}
	return fmt.Sprintf("%s feature %d", f.file, f.fid)
}

// readShorelines reads every shoreline file and joins the features into dated shorelines.
func (l *loader) readShorelines(ctx context.Context) ([]analysis.Shoreline, error) {
	files, err := l.expand(l.c.Shorelines)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]string) // SHA-256 → the file first read with it
	var feats []feature
	for i, f := range files {
		f.index, f.of = i, len(files)
		fs, err := l.readShorelineFile(ctx, f, seen)
		if err != nil {
			return nil, err
		}
		feats = append(feats, fs...)
	}
	if len(feats) == 0 {
		msg := "no usable shoreline features"
		if s := l.report.Summary(); len(s) > 0 {
			msg += " (" + strings.Join(s, ", ") + ")"
		}
		return nil, fmt.Errorf("shorelines %s: %s", strings.Join(l.c.Shorelines, ", "), msg)
	}
	l.report.Features = len(feats)
	ss := l.join(feats)
	l.report.Shorelines = len(ss)
	for _, s := range ss {
		if len(s.Points) > 0 {
			l.report.PointShorelines++
		}
	}
	return ss, nil
}

// readShorelineFile reads the shoreline features of one file; seen maps the SHA-256 of
// every file read so far to its path, so that a second copy is read once.
func (l *loader) readShorelineFile(ctx context.Context, src sourceFile, seen map[string]string) ([]feature, error) {
	path := src.path
	skip := func(why string) ([]feature, error) {
		l.report.add(Note{Kind: SkippedFile, File: path, Feature: -1, Message: why})
		return nil, nil
	}
	infos, err := ogr.Layers(path)
	if err != nil {
		if !src.explicit && errors.Is(err, ogr.ErrNotVector) {
			return skip("not vector data GDAL can read")
		}
		return nil, fmt.Errorf("read shorelines: %w", err)
	}
	if !src.explicit && isResults(infos) {
		return skip("tasi's own results, not shorelines")
	}
	layer, err := l.chooseLayer(src, infos)
	if err != nil || layer == nil {
		return nil, err
	}
	if layer.Geometry == ogr.None || layer.Geometry == ogr.Polygon {
		return skip(fmt.Sprintf("layer %q holds %s, not lines or points", layer.Name, strings.ToLower(layer.Geometry.String())))
	}
	sum, err := l.hash(path)
	if err != nil {
		return nil, err
	}
	if first, ok := seen[sum]; ok && sum != "" {
		l.report.add(Note{Kind: Duplicate, File: path, Feature: -1, Message: fmt.Sprintf("the same content as %s: read once", first)})
		return nil, nil
	}
	seen[sum] = path

	opt := ogr.ReadOptions{Layer: layer.Name, AssumeSRS: l.c.AssumeCRS, KeepNonFinite: true}
	if l.c.Progress != nil {
		// One step for all files, a thousand ticks each, spread over each file's features.
		base, files := 1000*src.index, 1000*src.of
		opt.Progress = func(done, total int) {
			if total > 0 {
				l.c.Progress(analysis.Progress{Step: "read shorelines", Done: base + 1000*done/total, Total: files})
			}
		}
	}
	ls, err := ogr.Read(ctx, path, opt)
	if err != nil {
		return nil, fmt.Errorf("read shorelines: %w", err)
	}
	if _, err := l.addFile("shorelines", path); err != nil {
		return nil, err
	}
	lay := ls[0]
	layerName := ""
	if len(infos) > 1 {
		layerName = lay.Name
	}
	where := func(fid int64) string {
		if layerName != "" {
			return fmt.Sprintf("%s layer %q feature %d", path, layerName, fid)
		}
		return fmt.Sprintf("%s feature %d", path, fid)
	}
	fields := fieldSet(lay.Fields)
	dateField, ok := fields.get(l.c.DateField)
	if !ok {
		return nil, fmt.Errorf("read shorelines %s: layer %q has no date field %q (fields: %s); name it with the date field option",
			path, lay.Name, l.c.DateField, strings.Join(lay.Fields, ", "))
	}
	uncField, explicitUnc := "", l.c.UncertaintyField != ""
	if explicitUnc {
		if uncField, ok = fields.get(l.c.UncertaintyField); !ok {
			return nil, fmt.Errorf("read shorelines %s: layer %q has no uncertainty field %q (fields: %s)",
				path, lay.Name, l.c.UncertaintyField, strings.Join(lay.Fields, ", "))
		}
	} else {
		uncField, _ = fields.get("geoaccuracy")
	}
	satField, _ := fields.get("satname")
	synField, _ := fields.get(SyntheticField)
	maxGap := l.c.MaxGap
	if maxGap == 0 {
		if _, coastsat := fields.get("geoaccuracy"); coastsat || satField != "" {
			maxGap = DefaultMaxGap
		}
	}
	var notes []Note // this file's, put in feature order at the end
	fileNote := func(n Note) {
		n.File, n.Layer = path, layerName
		notes = append(notes, n)
	}
	defaulted := make(map[string]int) // unusable uncertainty value → features
	synthetic := 0                    // features marked synthetic

	var out []feature
	for _, f := range lay.Features {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ft := feature{file: path, layer: layerName, fid: f.FID}
		switch g := f.Geometry.(type) {
		case nil:
			fileNote(Note{Kind: BadPart, Feature: f.FID, Message: "no geometry: feature skipped"})
			continue
		case orb.LineString:
			ft.lines = orb.MultiLineString{g}
		case orb.MultiLineString:
			ft.lines = g
		case orb.Point:
			ft.points = orb.MultiPoint{g}
		case orb.MultiPoint:
			ft.points = g
		default:
			fileNote(Note{Kind: BadPart, Feature: f.FID, Message: fmt.Sprintf("a %s, not a line or points: feature skipped", g.GeoJSONType())})
			continue
		}
		if ft.date, err = l.dp.Parse(f.Fields[dateField]); err != nil {
			return nil, fmt.Errorf("read shorelines %s: field %q: %w", where(f.FID), dateField, err)
		}
		ft.unc = l.c.DefaultUncertainty
		if v, ok := f.Fields[uncField]; ok && uncField != "" {
			u, err := metres(v)
			switch {
			case err == nil:
				ft.unc = u
			case explicitUnc:
				return nil, fmt.Errorf("read shorelines %s: field %q: %w", where(f.FID), uncField, err)
			default:
				defaulted[fmt.Sprint(v)]++
			}
		}
		if v, ok := f.Fields[satField]; ok && satField != "" {
			ft.sat = strings.TrimSpace(fmt.Sprint(v))
		}
		if v, ok := f.Fields[synField]; ok && synField != "" {
			if ft.synthetic, err = flag(v); err != nil {
				return nil, fmt.Errorf("read shorelines %s: field %q: %w", where(f.FID), synField, err)
			}
			if ft.synthetic {
				synthetic++
			}
		}
		out = append(out, ft)
	}
	// Cleaning whole-coast lines (the crossing sweep above all) is most of the reading:
	// spread it over the cores, one feature per task, and keep the notes in file order.
	type cleaned struct {
		usable bool
		notes  []Note
		err    error
	}
	results := make([]cleaned, len(out))
	forEach(len(out), func(i int) {
		ft := &out[i]
		r := &results[i]
		note := func(n Note) { r.notes = append(r.notes, n) }
		if ft.points != nil {
			r.usable = l.cleanPoints(ft, note)
		} else if r.usable, r.err = l.cleanLines(ft, maxGap, note); r.err != nil {
			r.err = fmt.Errorf("read shorelines %s: %w", where(ft.fid), r.err)
		}
	})
	kept := out[:0]
	for i, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		for _, n := range r.notes {
			fileNote(n)
		}
		if r.usable {
			kept = append(kept, out[i])
		}
	}
	out = kept
	slices.SortStableFunc(notes, func(a, b Note) int { return cmp.Compare(a.Feature, b.Feature) })
	values := slices.Sorted(maps.Keys(defaulted))
	for _, v := range values {
		n := defaulted[v]
		fileNote(Note{Kind: DefaultUncertainty, Feature: -1, Field: uncField, Count: n,
			Message: fmt.Sprintf("%d features hold %q, not a number of metres: the default uncertainty of %g m is used", n, v, l.c.DefaultUncertainty)})
	}
	if synthetic > 0 {
		fileNote(Note{Kind: Info, Feature: -1, Field: synField, Count: synthetic,
			Message: fmt.Sprintf("%d features are marked synthetic (generated, as by tasi demo): the run will be marked synthetic and its rates describe no real coast", synthetic)})
	}
	l.report.Notes = append(l.report.Notes, notes...)
	return out, nil
}

// chooseLayer picks the shoreline layer of a file: Config.Layer, or its only layer, or
// its only layer of lines or points with the date field. Several candidates is an error
// listing them, since reading them all would count a shoreline twice when they are
// copies. It returns nil for a folder's file without any.
func (l *loader) chooseLayer(src sourceFile, infos []ogr.LayerInfo) (*ogr.LayerInfo, error) {
	describe := func(ls []ogr.LayerInfo) string {
		d := make([]string, len(ls))
		for i, x := range ls {
			d[i] = fmt.Sprintf("%s (%s, %d features)", x.Name, strings.ToLower(x.Geometry.String()), x.Features)
		}
		return strings.Join(d, ", ")
	}
	if l.c.Layer != "" && len(infos) > 1 {
		for i := range infos {
			if infos[i].Name == l.c.Layer {
				return &infos[i], nil
			}
		}
		return nil, fmt.Errorf("read shorelines %s: no layer %q (layers: %s)", src.path, l.c.Layer, describe(infos))
	}
	if len(infos) == 1 {
		return &infos[0], nil
	}
	var cands []ogr.LayerInfo
	for _, x := range infos {
		switch x.Geometry {
		case ogr.Point, ogr.LineString, ogr.AnyGeometry:
			if _, ok := fieldSet(x.Fields).get(l.dateFieldName()); ok {
				cands = append(cands, x)
			}
		}
	}
	switch len(cands) {
	case 0:
		if !src.explicit {
			l.report.add(Note{Kind: SkippedFile, File: src.path, Feature: -1,
				Message: fmt.Sprintf("no layer of lines or points with a %q field (layers: %s)", l.dateFieldName(), describe(infos))})
			return nil, nil
		}
		return nil, fmt.Errorf("read shorelines %s: no layer of lines or points with a %q field (layers: %s)", src.path, l.dateFieldName(), describe(infos))
	case 1:
		for i := range infos {
			if infos[i].Name == cands[0].Name {
				return &infos[i], nil
			}
		}
	}
	return nil, fmt.Errorf("read shorelines %s: %d layers could hold the shorelines: %s; name the one to read with the layer option",
		src.path, len(cands), describe(cands))
}

func (l *loader) dateFieldName() string { return l.c.DateField }

// cleanLines drops the parts of a line feature that cannot be measured, splits it at
// gaps, and reports crossings; it returns false when nothing usable is left.
func (l *loader) cleanLines(ft *feature, maxGap float64, note func(Note)) (bool, error) {
	lines, problems := linework.Clean(ft.lines)
	if len(problems) > 0 {
		n := Note{Kind: BadPart, Feature: ft.fid, Count: len(problems)}
		p := problems[0]
		if p.Located {
			n.Where, n.HasPos = p.At, true
		}
		n.Message = fmt.Sprintf("%s skipped (%s)", plural(len(problems), "1 unusable part", fmt.Sprintf("%d unusable parts", len(problems))), describeProblems(problems))
		if len(lines) == 0 {
			n.Message = "no usable part: feature skipped (" + describeProblems(problems) + ")"
		}
		note(n)
	}
	if len(lines) == 0 {
		return false, nil
	}
	if maxGap > 0 {
		var gaps int
		lines, gaps = linework.SplitAtGaps(lines, maxGap, geo.Distance)
		if gaps > 0 {
			note(Note{Kind: GapSplit, Feature: ft.fid, Count: gaps,
				Message: fmt.Sprintf("split at %s longer than %g m (pieces joined by a straight jump)", plural(gaps, "1 gap", fmt.Sprintf("%d gaps", gaps)), maxGap)})
		}
		if len(lines) == 0 {
			return false, nil
		}
	}
	at, total := linework.SelfCrossings(continuousLon(lines), 1)
	if total > 0 {
		at[0][0] = utm.WrapLongitude(at[0][0])
		if l.c.Strict {
			return false, fmt.Errorf("line crosses itself near %.6f,%.6f (%d crossings; without strict mode it is measured as it is)", at[0][0], at[0][1], total)
		}
		note(Note{Kind: SelfCrossing, Feature: ft.fid, Where: at[0], HasPos: true, Count: total,
			Message: fmt.Sprintf("crosses itself %s: measured as it is, every crossing with a transect counting", plural(total, "once", fmt.Sprintf("%d times", total)))})
	}
	ft.lines = lines
	return true, nil
}

// cleanPoints drops non-finite points; it returns false when none is left.
func (l *loader) cleanPoints(ft *feature, note func(Note)) bool {
	kept := ft.points[:0:0]
	for _, p := range ft.points {
		if finitePoint(p) {
			kept = append(kept, p)
		}
	}
	if bad := len(ft.points) - len(kept); bad > 0 {
		msg := fmt.Sprintf("%d points with non-finite coordinates skipped", bad)
		if len(kept) == 0 {
			msg = "no point with finite coordinates: feature skipped"
		}
		note(Note{Kind: BadPart, Feature: ft.fid, Count: bad, Message: msg})
	}
	ft.points = kept
	return len(kept) > 0
}

func describeProblems(ps []linework.Problem) string {
	seen := make(map[string]int)
	var order []string
	for _, p := range ps {
		k := p.Kind.String()
		if seen[k] == 0 {
			order = append(order, k)
		}
		seen[k]++
	}
	for i, k := range order {
		if seen[k] > 1 {
			order[i] = fmt.Sprintf("%s ×%d", k, seen[k])
		}
	}
	return strings.Join(order, ", ")
}

// join turns features into dated shorelines: features of one date (and kind, lines or
// points) are measured as one shoreline, so a transect gets one position per date;
// parts repeated within a date are read once; a geometry repeated at another date is
// noted.
func (l *loader) join(feats []feature) []analysis.Shoreline {
	slices.SortStableFunc(feats, func(a, b feature) int {
		if c := a.date.Compare(b.date); c != 0 {
			return c
		}
		return boolCmp(a.points != nil, b.points != nil)
	})
	type seenGeom struct {
		date  time.Time
		label string
	}
	byGeom := make(map[uint64]seenGeom) // whole-feature hash → first feature with it
	var out []analysis.Shoreline
	for lo := 0; lo < len(feats); {
		hi := lo + 1
		for hi < len(feats) && feats[hi].date.Equal(feats[lo].date) && (feats[hi].points != nil) == (feats[lo].points != nil) {
			hi++
		}
		group := feats[lo:hi]
		lo = hi

		s := analysis.Shoreline{Date: group[0].date}
		parts := make(map[uint64]string) // part hash → the feature it came from
		var labels, sats []string
		var uncs []float64
		for i := range group {
			f := &group[i]
			whole := geomHash(f.lines, f.points)
			if prev, ok := byGeom[whole]; ok && !prev.date.Equal(f.date) {
				l.report.add(Note{Kind: SameGeometry, File: f.file, Layer: f.layer, Feature: f.fid,
					Message: fmt.Sprintf("the same geometry as %s of %s, dated %s: a copy with a wrong date?", prev.label, prev.date.Format(time.DateOnly), f.date.Format(time.DateOnly))})
			} else if !ok {
				byGeom[whole] = seenGeom{f.date, f.label()}
			}
			if f.points != nil {
				if first, dup := parts[whole]; dup {
					l.report.add(Note{Kind: Duplicate, File: f.file, Layer: f.layer, Feature: f.fid,
						Message: fmt.Sprintf("the same date and points as %s: read once", first)})
					continue
				}
				parts[whole] = f.label()
				s.Points = append(s.Points, f.points...)
			} else {
				var kept orb.MultiLineString
				var dupOf string
				for _, ls := range f.lines {
					h := geomHash(orb.MultiLineString{ls}, nil)
					if first, dup := parts[h]; dup {
						dupOf = first
						continue
					}
					parts[h] = f.label()
					kept = append(kept, ls)
				}
				switch {
				case len(kept) == 0:
					l.report.add(Note{Kind: Duplicate, File: f.file, Layer: f.layer, Feature: f.fid,
						Message: fmt.Sprintf("the same date and geometry as %s: read once", dupOf)})
					continue
				case len(kept) < len(f.lines):
					l.report.add(Note{Kind: Duplicate, File: f.file, Layer: f.layer, Feature: f.fid, Count: len(f.lines) - len(kept),
						Message: fmt.Sprintf("%d of its %d parts repeat %s on the same date: read once", len(f.lines)-len(kept), len(f.lines), dupOf)})
				}
				s.Geometry = append(s.Geometry, kept...)
			}
			labels = append(labels, f.label())
			uncs = append(uncs, f.unc)
			s.Synthetic = s.Synthetic || f.synthetic
			if f.sat != "" && !slices.Contains(sats, f.sat) {
				sats = append(sats, f.sat)
			}
		}
		if len(labels) == 0 {
			continue
		}
		s.Uncertainty = slices.Max(uncs)
		s.Satellite = strings.Join(sats, "+")
		s.Source = joinLabels(labels)
		if len(labels) > 1 {
			msg := fmt.Sprintf("%d features share the date %s: measured as one shoreline (%s)", len(labels), s.Date.Format(time.RFC3339), s.Source)
			if slices.Min(uncs) != s.Uncertainty {
				msg += fmt.Sprintf("; their uncertainties differ, the largest (%g m) is used", s.Uncertainty)
			}
			l.report.add(Note{Kind: SameDate, File: group[0].file, Feature: -1, Message: msg})
		}
		out = append(out, s)
	}
	return out
}

// joinLabels names the features of one shoreline compactly: "a.geojson features 3, 7".
func joinLabels(labels []string) string {
	if len(labels) == 1 {
		return labels[0]
	}
	shown := labels[:min(len(labels), 3)]
	s := strings.Join(shown, "; ")
	if len(labels) > 3 {
		s += fmt.Sprintf("; and %d more", len(labels)-3)
	}
	return s
}

// geomHash hashes lines or points at 1e-7 degrees (1 cm), the precision at which two
// copies of one shoreline in lon/lat agree.
func geomHash(lines orb.MultiLineString, points orb.MultiPoint) uint64 {
	h := fnv.New64a()
	var buf [16]byte
	put := func(p orb.Point) {
		x, y := int64(math.Round(p[0]*1e7)), int64(math.Round(p[1]*1e7))
		for i := 0; i < 8; i++ {
			buf[i], buf[8+i] = byte(x>>(8*i)), byte(y>>(8*i))
		}
		h.Write(buf[:])
	}
	for _, ls := range lines {
		for _, p := range ls {
			put(p)
		}
		h.Write([]byte{0xff})
	}
	for _, p := range points {
		put(p)
	}
	return h.Sum64()
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func finitePoint(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

// number reads a numeric attribute: a number, or text holding one.
func number(v any) (float64, error) {
	switch t := v.(type) {
	case float64:
		return t, nil
	case int64:
		return float64(t), nil
	case int:
		return float64(t), nil
	case string:
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", t)
		}
		return x, nil
	}
	return 0, fmt.Errorf("%v (%T) is not a number", v, v)
}

// SyntheticField is the attribute that marks a shoreline feature as generated rather
// than seen: `tasi demo` writes it as 1 on every feature of its synthetic shorelines, so
// that any later analysis of the file knows, whoever runs it. Any non-zero number, or
// true, yes or 1 as text, marks a feature; null, 0, false, no and empty text do not.
const SyntheticField = "synthetic"

// flag reads a yes/no attribute: a number (non-zero is yes) or text.
func flag(v any) (bool, error) {
	switch t := v.(type) {
	case nil:
		return false, nil
	case bool:
		return t, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "", "0", "false", "no", "f", "n":
			return false, nil
		case "1", "true", "yes", "t", "y":
			return true, nil
		}
		return false, fmt.Errorf("%q is not a yes or no (want 1 or 0, true or false)", t)
	}
	x, err := number(v)
	if err != nil || math.IsNaN(x) {
		return false, fmt.Errorf("%v is not a yes or no (want 1 or 0, true or false)", v)
	}
	return x != 0, nil
}

// metres reads a positive length attribute.
func metres(v any) (float64, error) {
	x, err := number(v)
	if err != nil {
		return 0, fmt.Errorf("%w of metres", err)
	}
	if !(x > 0) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("uncertainty %v m: must be a positive number", x)
	}
	return x, nil
}

// fieldNames looks attribute names up ignoring case.
type fieldNames map[string]string

func fieldSet(names []string) fieldNames {
	f := make(fieldNames, len(names))
	for _, n := range names {
		f[strings.ToLower(n)] = n
	}
	return f
}

// get returns the layer's spelling of name, and whether it has it.
func (f fieldNames) get(name string) (string, bool) {
	n, ok := f[strings.ToLower(name)]
	return n, ok
}

// forEach calls fn(0) … fn(n-1) on all cores.
func forEach(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// continuousLon returns a copy of lines whose longitudes run on across ±180° instead of
// jumping by 360°, so that a shoreline across the antimeridian (Fiji, the Aleutians) is
// one continuous line to the crossing sweep. Lines that do not cross it come back as
// they are, uncopied.
func continuousLon(lines orb.MultiLineString) orb.MultiLineString {
	jumps := false
	for _, l := range lines {
		for i := 1; i < len(l) && !jumps; i++ {
			jumps = math.Abs(l[i][0]-l[i-1][0]) > 180
		}
	}
	if !jumps {
		return lines
	}
	out := make(orb.MultiLineString, len(lines))
	ref := lines[0][0][0]
	for k, l := range lines {
		c := make(orb.LineString, len(l))
		for i, p := range l {
			lon := utm.Unwrap(p[0], ref)
			c[i], ref = orb.Point{lon, p[1]}, lon
		}
		out[k] = c
	}
	return out
}
