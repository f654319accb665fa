package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/tasi-gis/tasi/analysis"
	"github.com/tasi-gis/tasi/data"
	"github.com/tasi-gis/tasi/data/postgis"
	"github.com/tasi-gis/tasi/input"
)

// importConfig is what `tasi import` is told.
type importConfig struct {
	db                          string
	admin, codeField, nameField string
	source                      string
}

// runImport loads reference data into the database: the bundled Timor-Leste data by
// default, or another admin layer with --admin. Either replaces what was imported before
// under the same source, in one transaction.
func runImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var c importConfig
	fs.StringVar(&c.db, "db", "", dbFlagUsage)
	fs.StringVar(&c.admin, "admin", "", "import this admin unit layer (any OGR vector format) instead of the bundled Timor-Leste data; a COD-AB layer (ADMn_PCODE with ADM1_…ADMn-1_ fields) keeps its hierarchy, other layers are filed as top-level units")
	fs.StringVar(&c.codeField, "admin-code-field", "", "admin attribute holding the unit code (default: first of ADM3_PCODE, pcode, code, id)")
	fs.StringVar(&c.nameField, "admin-name-field", "", "admin attribute holding the unit name (default: first of ADM3_EN, name)")
	fs.StringVar(&c.source, "source", "", "name the layer is filed under; importing again under it replaces it (default: the file name without extension)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: tasi import [--db URL] [--admin PATH [--source NAME]]\n\n"+
			"Load the bundled Timor-Leste reference data (sucos with census 2015, coastline, localities, sea ports),\n"+
			"or another admin unit layer, into a PostGIS database.\n\nFlags:")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("import: unexpected argument %q", fs.Arg(0))
	}
	if c.admin == "" && (c.codeField != "" || c.nameField != "" || c.source != "") {
		return fmt.Errorf("import: --admin-code-field, --admin-name-field and --source go with --admin")
	}
	if c.admin != "" && c.source == "" {
		c.source = strings.TrimSuffix(filepath.Base(c.admin), filepath.Ext(c.admin))
	}
	if c.admin != "" && c.source == postgis.ReferenceSource {
		return fmt.Errorf("import: --source %s is where the bundled reference data is filed: choose another name", postgis.ReferenceSource)
	}

	// Read the input before connecting, so that a bad file fails without touching the database.
	var ref *data.Reference
	var units []analysis.AdminUnit
	var err error
	if c.admin == "" {
		if ref, err = data.TimorLeste(); err != nil {
			return fmt.Errorf("import: load bundled Timor-Leste data: %w", err)
		}
	} else if units, err = input.ReadAdmin(ctx, input.Config{Admin: c.admin, AdminCodeField: c.codeField, AdminNameField: c.nameField}); err != nil {
		return fmt.Errorf("import: %w", err)
	}

	s, err := openStore(ctx, "import", c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	if ref != nil {
		if err := s.ImportReference(ctx, ref); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		fmt.Fprintf(e.stdout, "imported the bundled Timor-Leste data into schema %s as source %q: %d sucos (with their postos and municipalities), "+
			"%d coastline lines, %d localities, %d sea ports\n",
			s.Schema(), postgis.ReferenceSource, len(ref.Units), len(ref.Coastline), len(ref.Localities), len(ref.Ports))
		return nil
	}
	if err := s.ImportAdminUnits(ctx, units, c.source); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(e.stdout, "imported %d admin units from %s into schema %s as source %q\n", len(units), c.admin, s.Schema(), c.source)
	return nil
}
