package data_test

import (
	"fmt"

	"github.com/tasi-gis/tasi/data"
)

func ExampleTimorLeste() {
	ref, err := data.TimorLeste()
	if err != nil {
		fmt.Println(err)
		return
	}
	people := 0
	for _, u := range ref.Units {
		if u.Population > 0 {
			people += u.Population
		}
	}
	fmt.Printf("%d sucos, %d people (2015)\n", len(ref.Units), people)
	fmt.Printf("%d coastline lines, %d localities, %d ports\n", len(ref.Coastline), len(ref.Localities), len(ref.Ports))
	// Output:
	// 442 sucos, 1183643 people (2015)
	// 104 coastline lines, 2871 localities, 6 ports
}
