package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// DateParser turns the date attribute of a shoreline into a time. The zero value accepts
// ISO 8601 dates and date-times, a bare year (taken as 1 July, the middle of the year, so a
// year-only survey is not biased half a year early), and the DSAS form MM/DD/YYYY.
// Layout, when set, is tried first: a Go layout ("02.01.2006") or a strftime pattern
// ("%d.%m.%Y").
type DateParser struct {
	Layout string
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"01/02/2006", // DSAS
	"01/02/2006 15:04:05",
}

// Parse interprets v, a string, time.Time, or a whole-number year, as a UTC time.
func (dp DateParser) Parse(v any) (time.Time, error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, fmt.Errorf("no date")
	case time.Time:
		if x.IsZero() {
			return time.Time{}, fmt.Errorf("no date")
		}
		return x.UTC(), nil
	case int64:
		return yearDate(x)
	case int:
		return yearDate(int64(x))
	case float64:
		if x != math.Trunc(x) {
			return time.Time{}, fmt.Errorf("date %v: a number must be a whole year", x)
		}
		return yearDate(int64(x))
	case string:
		return dp.parseString(strings.TrimSpace(x))
	default:
		return time.Time{}, fmt.Errorf("date %v: unsupported type %T", v, v)
	}
}

func (dp DateParser) parseString(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("no date")
	}
	if dp.Layout != "" {
		layout := dp.Layout
		if strings.Contains(layout, "%") {
			var err error
			if layout, err = strftimeLayout(layout); err != nil {
				return time.Time{}, err
			}
		}
		t, err := time.Parse(layout, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("date %q does not match format %q", s, dp.Layout)
		}
		return t.UTC(), nil
	}
	if len(s) == 4 {
		if y, err := strconv.ParseInt(s, 10, 64); err == nil {
			return yearDate(y)
		}
	}
	for _, l := range isoLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: not ISO 8601, a year or MM/DD/YYYY (use a date format for other forms)", s)
}

func yearDate(y int64) (time.Time, error) {
	if y < 1800 || y > 2200 {
		return time.Time{}, fmt.Errorf("year %d: outside 1800–2200", y)
	}
	return time.Date(int(y), time.July, 1, 0, 0, 0, 0, time.UTC), nil
}

// strftimeLayout converts the strftime directives dates use into a Go time layout.
func strftimeLayout(f string) (string, error) {
	repl := map[byte]string{
		'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'H': "15", 'M': "04", 'S': "05",
		'b': "Jan", 'B': "January", 'j': "002", 'z': "-0700", 'Z': "MST", 'f': "000000", '%': "%",
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		if i+1 == len(f) {
			return "", fmt.Errorf("date format %q ends in %%", f)
		}
		r, ok := repl[f[i+1]]
		if !ok {
			return "", fmt.Errorf("date format %q: unsupported directive %%%c", f, f[i+1])
		}
		b.WriteString(r)
		i++
	}
	return b.String(), nil
}
