// Package locate chooses depots for prepositioning non-food-item kits: the p-median
// (least household-weighted distance to the nearest open depot), maximal covering (most
// households within a radius of an open depot), and the assessment of a given set of
// depots, with or without depot capacities.
//
// It is pure algorithms on a distance matrix computed elsewhere (over a road network or
// in a straight line): distances are in metres, weights in households, capacities in kits
// (one per household). +Inf in the matrix means that a candidate and a demand point cannot
// be joined.
//
// # Objective
//
// Every objective is lexicographic so that the solver never trades households for
// metres. For the p-median it is, in order: the most weight reached (assigned to an open
// depot), then the least weighted total distance over the weight reached. For maximal
// covering it is the most weight covered (assigned within the radius), then the most weight
// reached, then the least weighted total distance. A household that no open depot can
// reach (or, with capacities, that fits in no depot in reach) contributes nothing to the
// distance and is reported as unassigned.
//
// # Methods
//
// Exact solvers for these problems are integer programmes; none are in Go, and the
// instances tasi meets (hundreds of candidates, thousands of communities) are well served
// by the standard heuristic: a greedy start (add the candidate that improves the objective
// most, fixed depots first) followed by vertex substitution (Teitz & Bart 1968: swap an
// open depot for a closed candidate while a swap improves). Each sweep of the substitution
// evaluates every swap with the fast interchange of Whitaker (1983) as described by
// Resende & Werneck (2007): with the nearest and second-nearest open depot of each point
// kept up to date, the best removal for one inserted candidate costs O(points + k), so a
// sweep over all swaps costs O(candidates × points). Sweeps apply the best swap found
// (ties to the lowest candidate indexes), so results do not depend on how many goroutines
// evaluate them.
//
// With capacities a community is served by one depot (single sourcing); see Evaluate for
// the assignment heuristic and Median for how the search uses it.
package locate
