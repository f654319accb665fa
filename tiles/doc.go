// Package tiles serves tasi's results as Mapbox Vector Tiles (MVT 2.1, extent 4096, on the
// EPSG:3857 tile grid), with TileJSON 3.0.0 and a MapLibre style, from either store:
//
//   - PostGIS (NewPostGIS): each tile is one SQL statement of ST_AsMVTGeom and ST_AsMVT
//     over the Web Mercator columns data/postgis stores, valid and simplified for low
//     zooms when a run is written (migrations 0001 and 0002);
//   - in memory (NewMemory), for the embedded GeoPackage store: a run read with
//     gpkg.ReadRun, projected, simplified and indexed once, and each tile cut with orb's
//     clipper and MVT encoder following ST_AsMVTGeom step by step.
//
// Both sources cut equivalent tiles: the same layers, feature ids, properties and
// geometry types, and coordinates a few tile units apart at most (TestSourcesAgree
// compares 80,000 features on 262 tiles of the Timor-Leste coast).
//
// # Layers
//
// The layer registry (DefaultLayers) is declarative: a Layer names its fields and types,
// zoom range, PostGIS table and columns, and how to get the same features from an
// in-memory run. Feature ids are stable across runs and sources: the 1-based number of
// the admin unit (admin_change.unit), hazard zone (hazard_zones.zone), transect,
// shoreline, locality or coastline line in its run or reference data. P-codes are
// properties.
//
// Geometry has three levels of detail (Level): full detail from zoom 11, simplified by
// 100 m for zooms 7–10 and by 1000 m for zooms 0–6. A layer's tiles are empty below its
// MinZoom.
//
// Context layers (ContextLayers: the bundled roads, and label points of municipalities,
// postos, sucos and settlements, each level from its own zoom) are the same for every run
// and store: WithContext adds them to any Source, cut in memory.
//
// # Serving
//
// Handler serves the tiles over HTTP with a bounded in-memory cache of gzipped tiles,
// strong ETags, versioned URLs (?run=ID is immutable, run=latest follows new runs without
// a restart) and JSON errors; see Handler for the routes and HTTP semantics, and
// CacheStats for the counters an API reports in /metrics.
//
// # Example use
//
// With PostGIS:
//
//	store, _ := postgis.Open(ctx, url)
//	src, _ := tiles.NewPostGIS(store.Pool(), store.Schema(), nil)
//	h := tiles.NewHandler(src, tiles.Options{CacheBytes: tiles.DefaultCacheBytes, OnError: logIt})
//
// With a GeoPackage written by tasi analyze:
//
//	r, _ := gpkg.ReadRun(ctx, path, gpkg.WithoutIntersections())
//	ref, _ := data.TimorLeste()
//	src, _ := tiles.NewMemory(tiles.Dataset{
//		Run:    tiles.Run{ID: r.Provenance.Finished.Unix(), Finished: r.Provenance.Finished},
//		Result: r.Result, Reference: ref, Hazard: r.Hazard,
//	}, nil)
package tiles
