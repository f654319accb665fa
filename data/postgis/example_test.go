package postgis_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data/postgis"
)

// Example stores a run and lists the runs. It needs a database, so it is compiled but
// not run.
func Example() {
	ctx := context.Background()
	store, err := postgis.Open(ctx, os.Getenv("TASI_DATABASE_URL"))
	if err != nil {
		log.Fatal(err) // the message never shows the password
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	var res *analysis.Result // from analysis.Run
	id, err := store.WriteRun(ctx, res, analysis.Provenance{Version: "dev"})
	if err != nil {
		log.Fatal(err) // run id, if non-zero, is recorded as failed with no rows
	}
	runs, err := store.Runs(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range runs {
		fmt.Println(r.ID, r.Status, r.Transects, r.ID == id)
	}
}
