package linework_test

import (
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/tasi-gis/tasi/vector/linework"
)

// A CoastSat-style shoreline (metres, UTM): one line with a 2 km jump between two contour
// pieces, a loop round a river-mouth bar, and a stray one-vertex part. Instead of
// rejecting it, drop what cannot be measured, split at the jump, and report the loop.
func Example() {
	shoreline := orb.MultiLineString{
		{{0, 10}, {230, 10}, {230, 40}, {170, 40}, {170, 25}, {400, 25}, {2400, 25}, {2600, 30}},
		{{5000, 5000}},
	}
	clean, problems := linework.Clean(shoreline)
	for _, p := range problems {
		fmt.Println("dropped", p)
	}
	split, jumps := linework.SplitAtGaps(clean, 500, planar.Distance)
	fmt.Printf("%d jump removed, %d parts\n", jumps, len(split))
	at, n := linework.SelfCrossings(split, 5)
	fmt.Printf("%d self-crossing at %v\n", n, at)
	// Output:
	// dropped part 1: single vertex near (5000, 5000)
	// 1 jump removed, 2 parts
	// 1 self-crossing at [[230 25]]
}
