package analysis

import (
	"strings"
	"testing"
	"time"
)

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
		got, err := DateParser{Layout: tt.layout}.Parse(tt.in)
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
		{"", int64(99), "year 99"},
		{"%d.%m.%Y", "2019-03-04", `does not match format "%d.%m.%Y"`},
		{"%Q", "x", "unsupported directive %Q"},
		{"", true, "unsupported type bool"},
	}
	for _, tt := range tests {
		_, err := DateParser{Layout: tt.layout}.Parse(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%v) with %q: error %v, want one containing %q", tt.in, tt.layout, err, tt.want)
		}
	}
}
