package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/tasi-gis/tasi/api"
	"github.com/tasi-gis/tasi/data/results"
)

// Example serves a run from memory and asks for the most eroding unit. `tasi serve` does
// the same with a GeoPackage (results.Memory) or PostGIS (*postgis.Store) behind it.
func Example() {
	res, err := straightCoast(-1.5) // a 3 km straight coast eroding 1.5 m/yr, in one unit
	if err != nil {
		panic(err)
	}
	store, err := results.NewMemory(results.Run{ID: 1, Status: results.StatusSucceeded, Version: "example",
		Finished: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, res)
	if err != nil {
		panic(err)
	}
	h := api.New(api.Options{Store: store})

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/units?sort=mean_lrr&limit=1", nil))
	var page struct {
		Run   int64
		Units []struct {
			PCode, Name  string
			Municipality string
			MeanLRR      float64 `json:"mean_lrr"`
			PctEroding   float64 `json:"pct_eroding"`
			Households   *int
		}
		Total int
	}
	if err := json.NewDecoder(rec.Body).Decode(&page); err != nil {
		panic(err)
	}
	u := page.Units[0]
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Printf("run %d, %d unit: %s %s (%s), mean LRR %.2f m/yr, %.0f %% eroding, households %v\n",
		page.Run, page.Total, u.PCode, u.Name, u.Municipality, u.MeanLRR, u.PctEroding, u.Households)
	// Output:
	// 200 application/json
	// run 1, 1 unit: TL999901 Test (Liquiçá), mean LRR -1.50 m/yr, 100 % eroding, households <nil>
}
