package input

import (
	"strings"
	"testing"
	"time"
)

// latest is the day the tests pretend the analysis runs.
var latest = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func TestDateParser(t *testing.T) {
	d := func(y int, m time.Month, day, h, min, s int) time.Time {
		return time.Date(y, m, day, h, min, s, 0, time.UTC)
	}
	tests := []struct {
		layout string
		in     any
		want   time.Time
	}{
		{"", "2019-03-04", d(2019, 3, 4, 0, 0, 0)},
		{"", "2019-03-04T10:20:30Z", d(2019, 3, 4, 10, 20, 30)},
		{"", "2019-03-04T10:20:30+09:00", d(2019, 3, 4, 1, 20, 30)},
		{"", "2019-03-04 10:20:30", d(2019, 3, 4, 10, 20, 30)},
		{"", "2018-12-30 18:22:25+00:00", d(2018, 12, 30, 18, 22, 25)}, // CoastSat, CoastSeg
		{"", "2018-12-30 18:22:25.5+00:00", d(2018, 12, 30, 18, 22, 25).Add(500 * time.Millisecond)},
		{"", "1800-01-01", d(1800, 1, 1, 0, 0, 0)},
		{"", "2026-06-01", d(2026, 6, 1, 0, 0, 0)}, // the day of the analysis
		{"", "03/04/2019", d(2019, 3, 4, 0, 0, 0)}, // DSAS MM/DD/YYYY
		{"", "1999", d(1999, 7, 1, 0, 0, 0)},
		{"", int64(1999), d(1999, 7, 1, 0, 0, 0)},
		{"", float64(2001), d(2001, 7, 1, 0, 0, 0)},
		{"", d(2005, 1, 2, 3, 4, 5).In(time.FixedZone("WITA", 8*3600)), d(2005, 1, 2, 3, 4, 5)},
		{"%d.%m.%Y", "04.03.2019", d(2019, 3, 4, 0, 0, 0)},
		{"02.01.2006", "04.03.2019", d(2019, 3, 4, 0, 0, 0)},
		{"%Y%j", "2019063", d(2019, 3, 4, 0, 0, 0)},
	}
	for _, tt := range tests {
		got, err := DateParser{Layout: tt.layout, Latest: latest}.Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%v) with %q: %v", tt.in, tt.layout, err)
			continue
		}
		if !got.Equal(tt.want) {
			t.Errorf("Parse(%v) with %q = %v, want %v", tt.in, tt.layout, got, tt.want)
		}
	}
}

func TestDateParserErrors(t *testing.T) {
	tests := []struct {
		layout string
		in     any
		want   string
	}{
		{"", nil, "no date"},
		{"", "", "no date"},
		{"", "yesterday", `date "yesterday": not ISO 8601`},
		{"", "13/45/2019", `date "13/45/2019"`},
		{"", 1999.5, "whole year"},
		{"", int64(99), "year 99: before 1800"},
		// One bound for every form: ISO, year, DSAS, a date field, a layout.
		{"", "1750-03-01", "date 1750-03-01: before 1800"},
		{"", "1799-12-31T23:59:59Z", "before 1800"},
		{"", "2031-01-01", "date 2031-01-01: after 2026-06-01"},
		{"", "2031", "date 2031-07-01: after 2026-06-01"},
		{"", int64(2031), "after 2026-06-01"},
		{"", "01/01/2031", "after 2026-06-01"},
		{"", time.Date(1750, 1, 1, 0, 0, 0, 0, time.UTC), "before 1800"},
		{"%d.%m.%Y", "01.01.2031", "after 2026-06-01"},
		{"", int64(123456), "not a year"},
		// An impossible day says so, in any form.
		{"", "2019-02-30", `date "2019-02-30": the day is invalid`},
		{"", "2019-13-01", `date "2019-13-01": the month is invalid`},
		{"", "02/30/2019", "the day is invalid"},
		{"%d.%m.%Y", "30.02.2019", "the day is invalid"},
		// Compact dates get the format that reads them.
		{"", "19870328", "give the date format %Y%m%d"},
		{"%d.%m.%Y", "2019-03-04", `does not match format "%d.%m.%Y"`},
		{"%Q", "x", "unsupported directive %Q"},
		{"", true, "unsupported type bool"},
	}
	for _, tt := range tests {
		_, err := DateParser{Layout: tt.layout, Latest: latest}.Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%v) with %q: error %v, want one containing %q", tt.in, tt.layout, err, tt.want)
		}
	}
}

// TestDateParserCompact reads 19870328 once the format the error suggests is given.
func TestDateParserCompact(t *testing.T) {
	got, err := DateParser{Layout: "%Y%m%d", Latest: latest}.Parse("19870328")
	if err != nil || !got.Equal(time.Date(1987, 3, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Parse(19870328) with %%Y%%m%%d = %v, %v", got, err)
	}
}
