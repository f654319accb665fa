package main

import (
	"context"
	"flag"
	"fmt"
)

// planUsage lists the plans of `tasi plan`. runPlan is one small switch, so that each
// plan (NFI prepositioning, relocation) adds a line to both.
const planUsage = `Usage: tasi plan <plan> [flags]

Plan what to do about the communities at risk of a run.

Plans:
  nfi          where to keep non-food-item kits and what each depot stocks (p-median,
               maximal covering, or --evaluate the depots there are)
  relocation   candidate relocation sites for each community at risk by the longest horizon

Run tasi plan <plan> -h for its flags.`

func runPlan(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, planUsage)
		if len(args) == 0 {
			return fmt.Errorf("plan: name a plan: nfi or relocation")
		}
		return flag.ErrHelp
	}
	switch args[0] {
	case "nfi":
		return runPlanNFI(ctx, e, args[1:])
	case "relocation":
		return runPlanRelocation(ctx, e, args[1:])
	}
	fmt.Fprintln(e.stderr, planUsage)
	return fmt.Errorf("plan: unknown plan %q: want nfi or relocation", args[0])
}
