package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tasi-gis/tasi/data/postgis"
)

// runRuns lists the runs stored in the database (`tasi runs`) or deletes one
// (`tasi runs delete ID`).
func runRuns(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("runs", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", "", dbFlagUsage)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi runs [--db URL]            list the stored runs, newest first\n"+
			"       tasi runs delete ID [--db URL]  delete a run and everything it owns\n\nFlags:")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	var del int64
	switch {
	case len(pos) == 0:
	case pos[0] == "delete" && len(pos) == 2:
		if del, err = strconv.ParseInt(pos[1], 10, 64); err != nil || del <= 0 {
			return fmt.Errorf("runs delete: %q is not a run id (see tasi runs)", pos[1])
		}
	case pos[0] == "delete":
		return fmt.Errorf("runs delete: give one run id")
	default:
		return fmt.Errorf("runs: unexpected argument %q (did you mean tasi runs delete ID?)", pos[0])
	}

	s, err := openStore(ctx, "runs", *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if del != 0 {
		if err := s.DeleteRun(ctx, del); err != nil {
			return fmt.Errorf("runs: %w", err)
		}
		fmt.Fprintf(e.stdout, "deleted run %d\n", del)
		return nil
	}
	runs, err := s.Runs(ctx)
	if err != nil {
		return fmt.Errorf("runs: %w", err)
	}
	if len(runs) == 0 {
		fmt.Fprintf(e.stdout, "no runs in schema %s\n", s.Schema())
		return nil
	}
	return printRuns(e.stdout, runs)
}

// printRuns writes runs as a table. STARTED is when the analysis started (UTC), DURATION
// runs from then until the run was stored or failed. A run whose writer was killed has
// none: the schema records no sign of life after the start, and the time it was marked
// failed is when the next analyze noticed, perhaps days later. NOTE says why a run failed,
// or that its shorelines were synthetic.
func printRuns(w io.Writer, runs []postgis.Run) error {
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tSTARTED (UTC)\tDURATION\tTRANSECTS\tUNITS\tVERSION\tNOTE")
	abandoned := false
	for _, r := range runs {
		status := string(r.Status)
		if r.Abandoned {
			status, abandoned = "abandoned", true
		}
		started := r.AnalysisStarted
		if started.IsZero() {
			started = r.WriteStarted
		}
		duration := "–"
		if !r.WriteFinished.IsZero() && !r.WriterLost {
			duration = r.WriteFinished.Sub(started).Round(100 * time.Millisecond).String()
		}
		note, _, _ := strings.Cut(r.Error, "\n")
		if r.Synthetic && note == "" {
			note = "synthetic shorelines (tasi demo): no real coast"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", r.ID, status, started.Format("2006-01-02 15:04:05"),
			duration, r.Transects, r.Units, r.Version, truncate(note, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// tabwriter pads the empty cells of the last column; drop the trailing blanks.
	for _, line := range strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n") {
		if _, err := fmt.Fprintln(w, strings.TrimRight(line, " ")); err != nil {
			return err
		}
	}
	if abandoned {
		fmt.Fprintln(w, "\nabandoned: its writer was killed before the run was stored; none of its rows are stored. "+
			"The next tasi analyze --db marks it failed; tasi runs delete removes it.")
	}
	return nil
}
