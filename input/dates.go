package input

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Earliest is the oldest date a shoreline may carry: the first coastal charts usable for
// shoreline change (DSAS users digitise T-sheets from the 1840s) are younger, so an older
// date is a typing or unit error, and one such date moved a suco's mean rate tenfold.
var Earliest = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)

// DateParser turns the date attribute of a shoreline into a time. The zero value accepts
// ISO 8601 dates and date-times (CoastSat's "2018-12-30 18:22:25+00:00" among them), a bare
// year (taken as 1 July, the middle of the year, so a year-only survey is not biased half a
// year early), and the DSAS form MM/DD/YYYY. Layout, when set, is tried first: a Go layout
// ("02.01.2006") or a strftime pattern ("%d.%m.%Y").
//
// Every form is held to the same bounds: on or after Earliest and not after Latest (the
// day the analysis runs; zero means the time of the call), so that a date typed 2031 or
// 1750 is refused rather than stretching a regression.
type DateParser struct {
	Layout string
	Latest time.Time
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"01/02/2006", // DSAS
	"01/02/2006 15:04:05",
}

// Parse interprets v, a string, time.Time, or a whole-number year, as a UTC time.
func (dp DateParser) Parse(v any) (time.Time, error) {
	t, err := dp.parse(v)
	if err != nil {
		return time.Time{}, err
	}
	return dp.check(t)
}

func (dp DateParser) parse(v any) (time.Time, error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, errors.New("no date")
	case time.Time:
		if x.IsZero() {
			return time.Time{}, errors.New("no date")
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

// check holds t to the bounds every form shares.
func (dp DateParser) check(t time.Time) (time.Time, error) {
	latest := dp.Latest
	if latest.IsZero() {
		latest = time.Now()
	}
	switch {
	case t.Before(Earliest):
		return time.Time{}, fmt.Errorf("date %s: before %d, older than any shoreline survey", t.Format(time.DateOnly), Earliest.Year())
	case t.After(latest):
		return time.Time{}, fmt.Errorf("date %s: after %s, the day of the analysis", t.Format(time.DateOnly), latest.UTC().Format(time.DateOnly))
	}
	return t, nil
}

// compactDate is a date written without separators, such as 19870328.
var compactDate = regexp.MustCompile(`^\d{8}$`)

func (dp DateParser) parseString(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("no date")
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
			if r := outOfRange(err); r != "" {
				return time.Time{}, fmt.Errorf("date %q: %s", s, r)
			}
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
		t, err := time.Parse(l, s)
		if err == nil {
			return t.UTC(), nil
		}
		// The form matched but a field is impossible (2019-02-30): say which. Parse
		// reads fields before separators, so the shapes must agree too.
		if r := outOfRange(err); r != "" && shape(s) == shape(shapeSample.Format(l)) {
			return time.Time{}, fmt.Errorf("date %q: %s", s, r)
		}
	}
	if compactDate.MatchString(s) {
		return time.Time{}, fmt.Errorf("date %q: not ISO 8601; if it is year, month, day, give the date format %%Y%%m%%d", s)
	}
	return time.Time{}, fmt.Errorf("date %q: not ISO 8601, a year or MM/DD/YYYY (give a date format for other forms)", s)
}

// shapeSample is a time whose every field has two digits or more, so that formatting it
// with a layout shows the layout's shape.
var shapeSample = time.Date(2000, 12, 28, 11, 11, 11, 0, time.UTC)

// shape replaces the digits of s by 9: "2019-02-30" and "2000-12-28" have one shape.
func shape(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '9'
		}
		return r
	}, s)
}

// outOfRange returns what time.Parse found impossible in a value that has the layout's
// form ("day out of range", "month out of range"), or "" for a value of another form.
func outOfRange(err error) string {
	var pe *time.ParseError
	if errors.As(err, &pe) && strings.HasSuffix(pe.Message, "out of range") {
		field := strings.TrimSuffix(strings.TrimPrefix(pe.Message, ": "), " out of range")
		return fmt.Sprintf("the %s is invalid", field)
	}
	return ""
}

func yearDate(y int64) (time.Time, error) {
	switch {
	case y < int64(Earliest.Year()):
		return time.Time{}, fmt.Errorf("year %d: before %d, older than any shoreline survey", y, Earliest.Year())
	case y > 9999:
		return time.Time{}, fmt.Errorf("year %d: not a year", y)
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
