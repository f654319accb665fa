package change_test

import (
	"fmt"
	"log"
	"time"

	"github.com/tasi-gis/tasi/vector/change"
)

func Example() {
	day := func(s string) time.Time {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			log.Fatal(err)
		}
		return t
	}
	// Five shorelines on one transect: metres from the baseline, positive seaward, each
	// with its positional uncertainty.
	obs := []change.Observation{
		{Time: day("2000-01-01"), Distance: 10, Uncertainty: 5},
		{Time: day("2005-01-01"), Distance: 4, Uncertainty: 10},
		{Time: day("2010-01-01"), Distance: -1, Uncertainty: 10},
		{Time: day("2015-01-01"), Distance: -9, Uncertainty: 10},
		{Time: day("2020-01-01"), Distance: -14, Uncertainty: 5},
	}
	s, err := change.Compute(obs, 0.90) // DSAS default confidence
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("NSM %.1f m, EPR %.2f ± %.2f m/yr\n", s.NSM, s.EPR, s.EPRunc)
	fmt.Printf("LRR %.3f ± %.3f m/yr (R² %.3f)\n", s.LRR, s.LCI, s.LR2)
	fmt.Printf("WLR %.3f ± %.3f m/yr (R² %.3f)\n", s.WLR, s.WCI, s.WR2)

	// Summaries per admin unit take the transects in along-coast order.
	sum := change.Summarize([]change.TransectRate{
		{LRR: s.LRR, LCI: s.LCI, EPR: s.EPR, NSM: s.NSM},
		{LRR: -0.4, LCI: 0.5, EPR: -0.3, NSM: -6},
		{LRR: 0.2, LCI: 0.1, EPR: 0.25, NSM: 5},
	})
	fmt.Printf("mean LRR %.2f ± %.2f m/yr over N* = %.1f of %d transects; %.0f %% significantly eroding\n",
		sum.MeanLRR, sum.MeanLRRUnc, sum.NEffective, sum.Transects, sum.PctSigEroding)
	// Output:
	// NSM -24.0 m, EPR -1.20 ± 0.35 m/yr
	// LRR -1.220 ± 0.118 m/yr (R² 0.995)
	// WLR -1.206 ± 0.065 m/yr (R² 0.998)
	// mean LRR -0.47 ± 0.14 m/yr over N* = 3.0 of 3 transects; 33 % significantly eroding
}

func ExampleStudentTQuantile() {
	// Two-sided 90 % interval with 3 degrees of freedom.
	fmt.Printf("%.9f\n", change.StudentTQuantile(0.95, 3))
	// Output: 2.353363435
}
