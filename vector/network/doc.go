// Package network measures distances over a road network, for choosing depots by how far
// goods travel rather than by straight lines, which lie in Timor-Leste's mountains.
//
// All geometry is planar, in metres, in one projected CRS (the caller projects lon/lat to
// the UTM zone of the data with package vector/utm); nothing here knows about longitude
// and latitude.
//
// Build nodes a road layer whose lines are not split at junctions (the Estrada roads of
// package data are one merged line per road code): lines are split where they cross, where
// a vertex of one touches another, and where a line's end stops within SnapTolerance of
// another line, which it then joins by a short connecting edge. The result is a Graph of
// nodes and edges weighted by their length along the road.
//
// Points (communities, depots) are seldom on a road. Each joins the network at the nearest
// point of any road (not the nearest node) by a straight leg that counts Detour times its
// length, and from there travels along the road both ways. Distances runs Dijkstra once
// per origin over the whole graph, in parallel, and returns a row-major Matrix of metres
// with +Inf where no route exists. Straight gives the same Matrix by straight lines, for
// planning without roads or for comparing with them.
package network
