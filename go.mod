module github.com/tasi-gis/tasi

go 1.26.8

require (
	github.com/airbusgeo/godal v0.0.18
	github.com/paulmach/orb v0.14.0
)
