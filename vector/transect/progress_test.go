package transect

import (
	"context"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// recorder keeps the progress calls it gets, and notes calls that overlap; a slow one
// takes its time over each call, so that unserialized calls would overlap.
type recorder struct {
	busy, bad atomic.Bool
	slow      bool
	calls     [][2]int
}

func (r *recorder) fn(done, total int) {
	if !r.busy.CompareAndSwap(false, true) {
		r.bad.Store(true)
	}
	if r.slow {
		time.Sleep(200 * time.Microsecond)
	}
	r.calls = append(r.calls, [2]int{done, total})
	r.busy.Store(false)
}

// check fails t unless the calls rose steadily to a final done == total, about every 1 %.
func (r *recorder) check(t *testing.T, total int) {
	t.Helper()
	if r.bad.Load() {
		t.Error("progress calls overlapped")
	}
	n := len(r.calls)
	if n == 0 {
		t.Fatal("no progress calls")
	}
	if last := r.calls[n-1]; last != [2]int{total, total} {
		t.Errorf("last call %v, want done == total == %d", last, total)
	}
	for i, c := range r.calls {
		if c[1] != total || c[0] < 0 || c[0] > total || i > 0 && c[0] <= r.calls[i-1][0] {
			t.Fatalf("call %d is %v after %v: want done rising to total %d", i, c, r.calls[max(i-1, 0)], total)
		}
		if i > 0 && i < n-1 && float64(c[0]-r.calls[i-1][0]) < math.Ceil(float64(total)/100) {
			t.Fatalf("call %d at %d follows %d: more often than every 1 %% of %d", i, c[0], r.calls[i-1][0], total)
		}
	}
	// Real progress: intermediate calls, not just 0 → 100 %.
	if want := min(total, 100) / 2; n < want {
		t.Errorf("%d progress calls for %d units, want at least %d", n, total, want)
	}
}

func TestIntersectProgress(t *testing.T) {
	for _, tc := range []struct {
		shorelines, workers int
	}{{35, 1}, {35, 2}, {250, 3}, {1, 2}, {400, 8}} {
		ts, shores := randomScene(3, tc.shorelines)
		lines, points := recorder{slow: tc.workers > 1}, recorder{slow: tc.workers > 1}
		_, err := IntersectContext(context.Background(), ts, shores, IntersectOptions{Workers: tc.workers, Progress: lines.fn})
		if err != nil {
			t.Fatal(err)
		}
		lines.check(t, tc.shorelines)
		_, err = IntersectPointsContext(context.Background(), ts, asPoints(shores), IntersectOptions{Workers: tc.workers, Progress: points.fn})
		if err != nil {
			t.Fatal(err)
		}
		points.check(t, tc.shorelines)
	}
	// Nothing to measure is finished at once; a cancelled run makes no final call.
	var empty recorder
	if _, err := IntersectContext(context.Background(), nil, nil, IntersectOptions{Progress: empty.fn}); err != nil {
		t.Fatal(err)
	}
	if len(empty.calls) != 1 || empty.calls[0] != [2]int{0, 0} {
		t.Errorf("no shorelines: calls %v, want [0 0]", empty.calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var cancelled recorder
	ts, shores := randomScene(3, 5)
	if _, err := IntersectContext(ctx, ts, shores, IntersectOptions{Progress: cancelled.fn}); err == nil {
		t.Fatal("cancelled run succeeded")
	}
	for _, c := range cancelled.calls {
		if c[0] == c[1] {
			t.Errorf("cancelled run reported %v", c)
		}
	}
}

func TestCastProgress(t *testing.T) {
	f := func(x float64) float64 { return 120*math.Sin(x/300) + 30*math.Sin(x/70) }
	var coast orb.LineString
	for x := 0.0; x <= 20000; x += 20 {
		coast = append(coast, orb.Point{x, f(x)})
	}
	land := LandFunc(func(p orb.Point) bool { return p[1] < f(p[0]) })
	for _, workers := range []int{1, 2, 4} {
		r := recorder{slow: true}
		_, st, err := cast(orb.MultiLineString{coast, ring(orb.Point{5000, 3000}, 500, 100, true)},
			LandFunc(func(p orb.Point) bool { return land(p) || math.Hypot(p[0]-5000, p[1]-3000) < 500 }),
			CastOptions{Spacing: 50, Landward: 150, Seaward: 150, Smoothing: 500, Workers: workers, Progress: r.fn})
		if err != nil {
			t.Fatal(err)
		}
		r.check(t, st.laid)
	}
}
