package data

import _ "embed" // for the population grid

// populationGrid is tls/population.tif, byte for byte the WorldPop GeoTIFF of
// shared/data/tls_worldpop_population (see README.md). A string, so that no caller can
// change the bundle.
//
//go:embed tls/population.tif
var populationGrid string

// PopulationGrid returns the bundled WorldPop population grid of Timor-Leste: the bytes of
// a GeoTIFF (Float32, LZW, EPSG:4326, 3958 × 1654 cells of 0.000833°, about 92 m at
// 8.8° S; nodata −99999) whose values are people per cell. It is WorldPop's
// settlement-constrained product: only the 25,486 settled cells hold people, 1,247,886 in
// all, for a year after the 2015 census (the exact release is not recorded). tasi uses it
// only to tell where in a suco people live, scaling the cells to the suco's census counts.
//
// Each call returns a fresh copy (829,542 bytes) that the caller owns. Package raster/gdal
// reads it into a raster.Grid (ReadBytes); data itself does not decode it, so that it stays
// free of cgo. Anything shown or exported from it must credit PopulationCredit.
func PopulationGrid() []byte { return []byte(populationGrid) }

// PopulationCredit is the attribution that the WorldPop licence (CC BY 4.0) asks of every
// map, list or file whose numbers come from the bundled population grid.
const PopulationCredit = "Population distribution: WorldPop (www.worldpop.org), CC BY 4.0"
