package export

import (
	"maps"
	"math"
	"slices"

	"github.com/tasi-gis/tasi/plan"
)

// summaryEntry is one key of an NFI plan's summary: summary.csv's rows, the workbook's
// Summary sheet and the "summary" object of the GeoJSON's "tasi" member.
type summaryEntry struct {
	key     string
	kind    kind
	value   cell
	meaning string
}

// nfiSummary is what a reader of an NFI plan needs first: how it was made, what it serves,
// how far, what to stock in all, what is short, and the run. Kits are summed as the
// depots' rows show them (whole kits, rounded up); item totals are the depots' unrounded
// quantities summed, then rounded. Caveats and unreached notes, which repeat, are not
// here: writers add them after these keys.
func nfiSummary(p *plan.NFIPlan) []summaryEntry {
	text := func(key, v, meaning string) summaryEntry {
		return summaryEntry{key, textKind, textCell(v), meaning}
	}
	number := func(key string, v float64, decimals int, meaning string) summaryEntry {
		return summaryEntry{key, numberKind, numberCell(v, decimals), meaning}
	}
	valueMeaning := "household-weighted mean distance to the nearest open depot (m)"
	if p.Objective == plan.Cover {
		valueMeaning = "households served within max_distance_m"
	}
	maxDistance := p.MaxDistance
	if maxDistance == 0 {
		maxDistance = math.NaN()
	}
	unserved := 0
	for _, a := range p.Assignments {
		if a.Depot < 0 && a.Households > 0 {
			unserved++
		}
	}
	kits := 0.0
	items := make([]float64, len(p.Profile.Items))
	for _, d := range p.Depots {
		kits += kitsUp(d.Kits)
		for i, q := range d.Items {
			items[i] += q
		}
	}
	s := []summaryEntry{
		text("objective", p.Objective.String(), "median: least household-weighted distance; cover: most households within max_distance_m; evaluate: the fixed depots as they stand"),
		number("objective_value", p.Value, 0, valueMeaning),
		number("k", float64(p.K), 0, "depots asked for"),
		number("depots", float64(len(p.Depots)), 0, "depots open in the plan"),
		number("max_distance_m", maxDistance, 0, "covering radius; empty for none"),
		{"capacitated", boolKind, boolCell(p.Capacitated), "whether depot capacities bound the assignments"},
		text("distance_method", p.Distance, "road network (which, detour factor) or straight line"),
		number("detour_factor", p.DetourFactor, 2, "multiplies the straight legs off the network"),
		text("profile", p.Profile.Name, "needs profile"),
		text("profile_title", p.Profile.Title, ""),
		text("profile_source", p.Profile.Source, ""),
		text("profile_period", p.Profile.Period, "what the profile's quantities cover"),
		text("demand", p.Demand, "where the demand comes from"),
		number("communities", float64(len(p.Assignments)), 0, "communities in the demand"),
		number("households", p.Households, 0, "households in the demand"),
		number("people", p.People, 0, "people in the demand"),
		number("covered_households", p.CoveredHouseholds, 0, "households served within max_distance_m (all served ones without it)"),
		number("coverage_share", p.Coverage, 3, "covered_households / households (0–1)"),
		number("unserved_communities", float64(unserved), 0, "communities with households that no open depot serves (assignments.csv says why)"),
		number("mean_distance_m", p.MeanDistance, 0, "household-weighted mean distance over served communities"),
		number("worst_distance_m", p.WorstDistance, 0, "distance to the farthest served community"),
		number("kits", kits, 0, "kits to stock in all: the depots' kits, each rounded up"),
	}
	for i, it := range p.Profile.Items {
		s = append(s, number(it.Key(), items[i], 1, itemMeaning(it, "to stock in all")))
	}
	if len(p.Shortfalls) > 0 {
		short := 0.0
		for _, f := range p.Shortfalls {
			short += kitsUp(f.Short)
		}
		s = append(s,
			number("shortfall_municipalities", float64(len(p.Shortfalls)), 0, "municipalities in shortfall.csv"),
			number("kits_short", short, 0, "kits short in all: the municipalities' shortfalls, each rounded up"))
	}
	prov := p.Provenance
	s = append(s,
		text("run_id", p.RunID, "the analysis run the demand comes from; empty for a demand file"),
		text("tasi_version", prov.Version, ""),
		text("run_started", timestamp(prov.Started), ""),
		text("run_finished", timestamp(prov.Finished), ""),
	)
	return s
}

// nfiProvenance lays the plan's provenance out as the Provenance sheet shows it: the
// summary's keys, the profile item by item with its source, unreached places, caveats,
// inputs with their SHA-256, and parameters.
func nfiProvenance(p *plan.NFIPlan) []provenanceRow {
	var rows []provenanceRow
	for _, e := range nfiSummary(p) {
		var v any = e.value.text
		switch {
		case e.value.empty:
			v = ""
		case e.kind == numberKind:
			v = e.value.num
		}
		rows = append(rows, provenanceRow{"plan", e.key, v, ""})
	}
	for _, it := range p.Profile.Items {
		rows = append(rows, provenanceRow{"profile", it.Key(), itemMeaning(it, "["+it.Sector+"]"), ""})
	}
	for _, u := range p.Unreached {
		rows = append(rows, provenanceRow{"unreached", "unreached", u, ""})
	}
	for _, c := range p.Caveats {
		rows = append(rows, provenanceRow{"caveat", "caveat", c, ""})
	}
	for _, in := range p.Provenance.Inputs {
		rows = append(rows, provenanceRow{"input", in.Role, in.Path, in.SHA256})
	}
	for _, k := range slices.Sorted(maps.Keys(p.Provenance.Parameters)) {
		rows = append(rows, provenanceRow{"parameter", k, p.Provenance.Parameters[k], ""})
	}
	return rows
}
