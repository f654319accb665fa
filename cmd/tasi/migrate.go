package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tasi-gis/tasi/data/postgis"
)

// runMigrate creates tasi's schema in a PostGIS database or brings it up to date. It is
// safe to run twice, and from several places at once (see postgis.Store.Migrate).
func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", "", dbFlagUsage)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi migrate [--db URL]\n\nCreate or upgrade tasi's tables in a PostGIS database, and\nthe postgis extension in it when the role is a superuser.\n\nFlags:")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	// Setting a database up includes its postgis extension, when the role may create it.
	s, err := openStore(ctx, "migrate", *db, postgis.WithCreatePostGIS())
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	cur, _, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) == 0 {
		fmt.Fprintf(e.stdout, "schema %s is up to date at version %d\n", s.Schema(), cur)
		return nil
	}
	vs := make([]string, len(applied))
	for i, v := range applied {
		vs[i] = fmt.Sprint(v)
	}
	fmt.Fprintf(e.stdout, "applied version %s to schema %s; it is at version %d\n", strings.Join(vs, ", "), s.Schema(), cur)
	return nil
}

// parseInterspersed parses args with fs, allowing flags after positional arguments
// (`tasi runs delete 7 --db URL`), and returns the positional arguments. The flag package
// stops at the first positional argument; this parses the rest again after it. A "--"
// ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	// Make fs.Args and fs.NArg report the positional arguments.
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return nil, err
	}
	return pos, nil
}
