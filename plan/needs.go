package plan

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"unicode"
)

// ProfileColumns returns the columns a needs profile file must have, in any order; other
// columns (a planner's notes) are allowed and ignored.
func ProfileColumns() []string {
	return []string{"item", "sector", "unit", "per_household", "per_person", "source"}
}

// ReadProfile reads a needs profile from r: a CSV file (UTF-8, a byte-order mark allowed)
// with leading "# key: value" lines giving the profile's name, title, source and period,
// then a header naming the ProfileColumns, then one line per item with its quantity per
// household or per person (one of the two, the other empty). Other lines starting with
// "#" are comments. The format is documented in data/README.md ("Needs profiles"); the
// bundled profiles are data.NeedsProfile's.
//
// file names the input in errors (a path, or the bundled profile's name); it is also the
// profile's name when the file has no "# name:" line (its base without ".csv"). Every
// error names the file, the line and the field: a missing column or metadata line, an
// item without a name, sector or unit, a quantity that is not a finite number, negative,
// missing (both empty) or given twice (both set), and two items whose names are the same
// once case and punctuation are dropped (exports would give them one column, Item.Key);
// a missing title, source or period names the file only.
// A profile without items is an error.
func ReadProfile(r io.Reader, file string) (Profile, error) {
	fail := func(line int, format string, args ...any) (Profile, error) {
		return Profile{}, fmt.Errorf("read needs profile %s: line %d: %s", file, line, fmt.Sprintf(format, args...))
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // metadata lines and data lines differ in width
	meta := map[string]string{}
	metaLine := map[string]int{}
	var (
		col     map[string]int // column index by name, once the header is read
		p       Profile
		names   = map[string]int{} // item name (slug) → line
		first   = true
		lastRow int
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fail(pe.Line, "%v", pe.Err)
			}
			return Profile{}, fmt.Errorf("read needs profile %s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		lastRow = line
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF") // spreadsheets write one
			first = false
		}
		if strings.HasPrefix(strings.TrimSpace(rec[0]), "#") {
			// A comment. Spreadsheets pad it with empty cells and split it at commas;
			// joining the cells back gives the line as written.
			text := strings.TrimRight(strings.Join(rec, ","), ", \t")
			text = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "#"))
			key, value, ok := strings.Cut(text, ":")
			key = strings.ToLower(strings.TrimSpace(key))
			if !ok || !isMetaKey(key) {
				continue
			}
			if prev, dup := metaLine[key]; dup {
				return fail(line, "%q given twice (also line %d)", key, prev)
			}
			meta[key], metaLine[key] = strings.TrimSpace(value), line
			continue
		}
		if blank(rec) {
			continue
		}
		if col == nil {
			col = map[string]int{}
			for i, name := range rec {
				name = strings.ToLower(strings.TrimSpace(name))
				if _, dup := col[name]; dup && name != "" {
					return fail(line, "column %q twice in the header", name)
				}
				col[name] = i
			}
			var missing []string
			for _, name := range ProfileColumns() {
				if _, ok := col[name]; !ok {
					missing = append(missing, name)
				}
			}
			if len(missing) > 0 {
				return fail(line, "header lacks column %s (want %s)", strings.Join(missing, ", "), strings.Join(ProfileColumns(), ","))
			}
			continue
		}
		field := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		it := Item{Name: field("item"), Sector: field("sector"), Unit: field("unit")}
		for _, name := range []string{"item", "sector", "unit"} {
			if field(name) == "" {
				return fail(line, "field %s: empty", name)
			}
		}
		if slug(it.Name) == "" {
			return fail(line, "field item: %q has no letter or digit", it.Name)
		}
		var set []string
		for _, q := range []struct {
			name string
			v    *float64
		}{{"per_household", &it.PerHousehold}, {"per_person", &it.PerPerson}} {
			s := field(q.name)
			if s == "" {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			switch {
			case err != nil && strings.Contains(s, ","):
				return fail(line, "field %s: %q is not a number (write a decimal point, not a comma)", q.name, s)
			case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
				return fail(line, "field %s: %q is not a number", q.name, s)
			case v < 0:
				return fail(line, "field %s: %s is negative", q.name, s)
			}
			*q.v = v
			set = append(set, q.name)
		}
		switch len(set) {
		case 0:
			return fail(line, "item %q: no quantity: set per_household or per_person", it.Name)
		case 2:
			return fail(line, "item %q: both per_household and per_person set: give one (split the item in two lines if it needs both)", it.Name)
		}
		if prev, dup := names[slug(it.Name)]; dup {
			return fail(line, "field item: %q is the same item as line %d", it.Name, prev)
		}
		names[slug(it.Name)] = line
		it.Source = field("source")
		p.Items = append(p.Items, it)
	}
	if col == nil {
		return fail(max(lastRow, 1), "no header (want %s)", strings.Join(ProfileColumns(), ","))
	}
	if len(p.Items) == 0 {
		return fail(lastRow, "no item after the header")
	}
	p.Name = meta["name"]
	if p.Name == "" {
		p.Name = strings.TrimSuffix(path.Base(strings.ReplaceAll(file, `\`, "/")), ".csv")
	}
	p.Title, p.Source, p.Period = meta["title"], meta["source"], meta["period"]
	for _, key := range []string{"title", "source", "period"} {
		if meta[key] == "" {
			return Profile{}, fmt.Errorf("read needs profile %s: no %s: add a line \"# %s: ...\" before the header", file, key, key)
		}
	}
	return p, nil
}

// isMetaKey reports whether key is one of the metadata keys of a profile file.
func isMetaKey(key string) bool {
	switch key {
	case "name", "title", "source", "period":
		return true
	}
	return false
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Key names the item in column names and properties: its name and unit in lower case,
// with every run of other characters than letters and digits made one "_"
// ("tarpaulin 4 x 6 m" in pieces is "tarpaulin_4_x_6_m_piece"), so that a reader sees the
// unit in the column's name. ReadProfile refuses two items whose names give one key.
func (it Item) Key() string {
	name := slug(it.Name)
	if name == "" {
		return ""
	}
	if unit := slug(it.Unit); unit != "" {
		return name + "_" + unit
	}
	return name
}

func slug(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
			continue
		}
		gap = true
	}
	return b.String()
}

// Needs returns what households and people need of each item of the profile, in its
// Items order (Item.Quantity): a kit per household and blankets per person, say.
func (p Profile) Needs(households, people float64) []float64 {
	q := make([]float64, len(p.Items))
	for i, it := range p.Items {
		q[i] = it.Quantity(households, people)
	}
	return q
}
