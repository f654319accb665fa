// Command tasi turns satellite-derived shorelines into coastline change per admin unit
// (per suco in Timor-Leste), and stores, serves and exports the results.
//
// Usage:
//
//	tasi <command> [flags]
//
// Run `tasi help` for the list of commands and `tasi <command> -h` for the flags of one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at link time (-ldflags "-X main.version=...") by the Makefile and Dockerfile.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "tasi: %v\n", err)
		os.Exit(1)
	}
}

// command is one tasi subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what every subcommand receives: where to write, and how to log.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
	version        string
}

func commands() []command {
	return []command{
		{"analyze", "compute shoreline change per transect and per admin unit", runAnalyze},
		{"demo", "generate synthetic shorelines on the bundled coast and analyze them", runDemo},
		{"at-risk", "list the communities the forecast shoreline reaches (CSV with HXL, XLSX, GeoJSON, KML)", runAtRisk},
		{"plan", "plan for the communities at risk: relocation sites (tasi plan relocation)", runPlan},
		{"migrate", "create or upgrade tasi's tables in a PostGIS database", runMigrate},
		{"import", "load the bundled Timor-Leste reference data, or an admin layer, into PostGIS", runImport},
		{"runs", "list the runs stored in PostGIS, or delete one", runRuns},
		{"serve", "serve the map, vector tiles and the JSON API of the stored runs", runServe},
		{"version", "print the tasi version", runVersion},
		{"help", "list the commands", nil},
	}
}

// run executes one tasi command line; main only maps its error to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{
		stdout:  stdout,
		stderr:  stderr,
		log:     slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		version: version,
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "tasi — coastline change per admin unit, for relocation and NFI planning")
	fmt.Fprintln(w, "\nUsage: tasi <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'tasi <command> -h' for the flags of a command.")
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "tasi %s\n", e.version)
	return nil
}
