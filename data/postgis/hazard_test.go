package postgis_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/input/demo"
	"github.com/tasi-gis/tasi/plan"
	"github.com/tasi-gis/tasi/vector/change"
)

// hazardRun analyses demo.StraightCoast(rate) (61 transects every 50 m, five yearly
// shorelines 2000–2004) and forecasts it with opt.
func hazardRun(t *testing.T, rate float64, opt plan.Options) (*analysis.Result, *plan.Hazard) {
	t.Helper()
	res, h, err := demo.StraightCoastHazard(rate, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res, h
}

// TestHazardRoundTrip stores the zones of a straight coast eroding at 2 m/yr with its run,
// reads them back unchanged, checks the rows the tile server reads, and deletes them with
// the run.
func TestHazardRoundTrip(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	res, h := hazardRun(t, -2, plan.Options{Rate: change.WeightedRate, Setback: 25})
	if len(h.Zones) != 6 {
		t.Fatalf("%d zones, want 3 horizons × 2", len(h.Zones))
	}
	id, err := s.WriteRun(ctx, res, provenance(), postgis.WithHazard(h))
	if err != nil {
		t.Fatal(err)
	}
	_, run, err := s.ReadRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	g := run.Hazard
	if g == nil {
		t.Fatal("ReadRun: no hazard")
	}
	if !equalNaN(*g, *h) {
		t.Errorf("hazard read back:\n got %+v\nwant %+v", *g, *h)
	}

	length := 50 * float64(len(res.Transects))
	for _, tc := range []struct {
		sql  string
		want int
	}{
		{"SELECT count(*) FROM tasi.hazard_zones WHERE run_id = $1", 6},
		{"SELECT count(*) FROM tasi.hazard_zones WHERE run_id = $1 AND band", 3},
		{"SELECT count(*) FROM tasi.hazard_zones WHERE run_id = $1 AND unit_code = 'TL999901' AND ST_SRID(geom) = 32751" +
			" AND ST_SRID(geom_3857) = 3857 AND ST_IsValid(geom_3857) AND abs(ST_Area(geom) / area_m2 - 1) < 1e-9", 6},
		{"SELECT count(*) FROM tasi.hazard_zones WHERE run_id = $1 AND horizon_year = 2004 + horizon_years" +
			" AND horizon_date = make_date(horizon_year, 1, 1)", 6},
		{"SELECT count(*) FROM tasi.hazard_zones WHERE run_id = $1" +
			" AND abs(area_m2 / (" + strconv.FormatFloat(length, 'f', -1, 64) + " * (2 * horizon_years + 25)) - 1) < 0.01", 6},
		{"SELECT count(*) FROM tasi.runs WHERE id = $1 AND forecast_horizons = '{10,20,30}' AND forecast_rate = 'WLR'" +
			" AND forecast_confidence = 0.9 AND forecast_setback_m = 25 AND forecast_ref_date = '2004-01-01T00:00:00Z'", 1},
	} {
		if n := pg.QueryInt(t, dbURL, tc.sql, id); n != tc.want {
			t.Errorf("%s: %d, want %d", tc.sql, n, tc.want)
		}
	}

	if err := s.DeleteRun(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.hazard_zones WHERE run_id = $1", id); n != 0 {
		t.Errorf("%d hazard zones left after deleting the run", n)
	}
}

// TestHazardNone: a run stored with a forecast but no zones (an accreting coast) keeps its
// settings; one stored without a forecast has none; a hazard whose zones name a horizon it
// does not have is refused before anything is stored.
func TestHazardNone(t *testing.T) {
	t.Parallel()
	s, dbURL := newStore(t)
	ctx := context.Background()
	res, h := hazardRun(t, 2, plan.Options{})
	if len(h.Zones) != 0 {
		t.Fatalf("an accreting coast has %d zones", len(h.Zones))
	}
	id, err := s.WriteRun(ctx, res, provenance(), postgis.WithHazard(h))
	if err != nil {
		t.Fatal(err)
	}
	_, run, err := s.ReadRun(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if g := run.Hazard; g == nil || len(g.Zones) != 0 || len(g.Horizons) != 3 || g.Setback != plan.DefaultSetback || !g.RefDate.Equal(h.RefDate) {
		t.Errorf("accreting run: hazard %+v, want the settings and no zones", g)
	}

	plain, err := s.WriteRun(ctx, res, provenance())
	if err != nil {
		t.Fatal(err)
	}
	if _, run, err := s.ReadRun(ctx, plain); err != nil || run.Hazard != nil {
		t.Errorf("run without a forecast: %v, hazard %+v", err, run.Hazard)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.runs WHERE id = $1 AND forecast_ref_date IS NULL AND forecast_horizons IS NULL", plain); n != 1 {
		t.Errorf("run without a forecast has forecast settings")
	}

	_, bad := hazardRun(t, -2, plan.Options{})
	bad.Zones[0].Horizon = 3
	before := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.runs")
	if id, err := s.WriteRun(ctx, res, provenance(), postgis.WithHazard(bad)); err == nil || id != 0 || !strings.Contains(err.Error(), "horizon 3 out of range") {
		t.Errorf("a zone of an unknown horizon: run %d, %v; want an error and nothing stored", id, err)
	}
	if n := pg.QueryInt(t, dbURL, "SELECT count(*) FROM tasi.runs"); n != before {
		t.Errorf("%d runs after a refused write, want %d", n, before)
	}
}
