package postgis_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/results"
)

// provenanceRuns are runs whose provenance differs: synthetic or not, satellites or none,
// shorelines or a series (no shorelines, the period from the transects).
func provenanceRuns() []struct {
	name      string
	res       *analysis.Result
	synthetic bool
	period    analysis.Period
	sats      []string
} {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	// bigResult's shorelines are 30 days apart from 1987-01-01.
	sats := bigResult(3, 4)
	sats.Shorelines[0].Satellite, sats.Shorelines[1].Satellite, sats.Shorelines[3].Satellite = "L8", "S2+L8", "L5"
	series := bigResult(3, 4)
	series.Shorelines = nil
	series.Transects[1].Stats.First, series.Transects[2].Stats.Last = day(1986, 6, 1), day(1990, 1, 1)
	return []struct {
		name      string
		res       *analysis.Result
		synthetic bool
		period    analysis.Period
		sats      []string
	}{
		{"synthetic", bigResult(3, 4), true, analysis.Period{First: day(1987, 1, 1), Last: day(1987, 4, 1)}, nil},
		{"satellites", sats, false, analysis.Period{First: day(1987, 1, 1), Last: day(1987, 4, 1)}, []string{"L5", "L8", "S2"}},
		{"series", series, false, analysis.Period{First: day(1986, 6, 1), Last: day(1990, 1, 1)}, nil},
	}
}

// TestRunProvenance: whether a run is synthetic, the period its shorelines span and the
// satellites they name are stored with the run and read back by every read of a run.
func TestRunProvenance(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	for _, tt := range provenanceRuns() {
		t.Run(tt.name, func(t *testing.T) {
			prov := provenance()
			prov.Synthetic = tt.synthetic
			id, err := s.WriteRun(ctx, tt.res, prov)
			if err != nil {
				t.Fatal(err)
			}
			check := func(how string, synthetic bool, period analysis.Period, sats []string) {
				t.Helper()
				if synthetic != tt.synthetic || period != tt.period || !slices.Equal(sats, tt.sats) {
					t.Errorf("%s: synthetic %v, period %v – %v, satellites %q; want %v, %v – %v, %q", how,
						synthetic, period.First, period.Last, sats, tt.synthetic, tt.period.First, tt.period.Last, tt.sats)
				}
			}
			run, err := s.GetRun(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			check("GetRun", run.Synthetic, run.Period, run.Satellites)
			_, run, err = s.ReadRun(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			check("ReadRun", run.Synthetic, run.Period, run.Satellites)
			found, err := s.FindRun(ctx, results.RunRef(id))
			if err != nil {
				t.Fatal(err)
			}
			check("FindRun", found.Synthetic, found.Period, found.Satellites)
			// The memory store of a GeoPackage derives the same period and satellites.
			if p, sats := tt.res.Period(), tt.res.Satellites(); p != tt.period || !slices.Equal(sats, tt.sats) {
				t.Errorf("Result: period %v – %v, satellites %q", p.First, p.Last, sats)
			}
		})
	}
}

// TestMigrationProvenance: migration 0008 derives the period and satellites of the runs
// stored before it as WriteRun computes them, and reads them as not synthetic.
func TestMigrationProvenance(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	runs := provenanceRuns()
	ids := make([]int64, len(runs))
	for i, r := range runs {
		prov := provenance()
		prov.Synthetic = r.synthetic
		id, err := s.WriteRun(ctx, r.res, prov)
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	sql, err := os.ReadFile("migrations/0008_run_provenance.sql")
	if err != nil {
		t.Fatal(err)
	}
	// Back to the runs table of version 7, then version 8 again over the stored runs.
	pg.Exec(t, dbURL, `SET search_path = tasi;
		ALTER TABLE runs DROP COLUMN synthetic, DROP COLUMN period_first, DROP COLUMN period_last, DROP COLUMN satellites;
		`+string(sql))
	for i, r := range runs {
		run, err := s.GetRun(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if run.Synthetic || run.Period != r.period || !slices.Equal(run.Satellites, r.sats) {
			t.Errorf("%s: synthetic %v, period %v – %v, satellites %q; want false, %v – %v, %q", r.name,
				run.Synthetic, run.Period.First, run.Period.Last, run.Satellites, r.period.First, r.period.Last, r.sats)
		}
	}
}
