package postgis_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/data/results"
	"github.com/tasi-gis/tasi/tiles"
)

// TestLatestIsPublishedLast stores two runs and makes the first one's storing end after
// the second's, as when two analyses run at once and the one begun first finishes last:
// that run is the latest, for FindRun, the units, the tiles and at the head of both run
// lists. (Latest was the greatest id, the run begun last.)
func TestLatestIsPublishedLast(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	first, err := s.WriteRun(ctx, unitsResult(), provenance())
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.WriteRun(ctx, unitsResult(), provenance())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE `+pgx.Identifier{s.Schema(), "runs"}.Sanitize()+` SET write_finished = write_finished + interval '1 hour' WHERE id = $1`, first); err != nil {
		t.Fatal(err)
	}
	src, err := tiles.NewPostGIS(s.Pool(), s.Schema(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	if r, err := s.FindRun(ctx, results.Latest); err == nil {
		got["FindRun(latest)"] = r.ID
	}
	if p, err := s.UnitsPage(ctx, results.UnitsQuery{Limit: 1}); err == nil {
		got["UnitsPage(latest)"] = p.Run
	}
	if r, err := src.Latest(ctx); err == nil {
		got["tiles Latest"] = r.ID
	}
	if l, err := s.ListRuns(ctx); err == nil && len(l) == 2 {
		got["ListRuns first"] = l[0].ID
	}
	if l, err := s.Runs(ctx); err == nil && len(l) == 2 && l[0].Status == postgis.Succeeded {
		got["Runs first"] = l[0].ID
	}
	for _, where := range []string{"FindRun(latest)", "UnitsPage(latest)", "tiles Latest", "ListRuns first", "Runs first"} {
		if got[where] != first {
			t.Errorf("%s: run %d, want %d, stored before %d but published after it", where, got[where], first, second)
		}
	}
}
