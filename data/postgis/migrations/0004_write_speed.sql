-- tasi schema version 4: faster run writes.
--
-- shoreline_tiles is filled by the writer, not by a trigger. Projecting, simplifying and
-- subdividing 38 whole-coast shorelines (3 million vertices) in the trigger of 0002 added
-- about 3 s to storing the Timor-Leste demo run, more than the rest of the run together.
-- WriteRun now cuts the same pieces in Go (Douglas-Peucker at 2, 100 and 1000 Web
-- Mercator metres, projection, runs of at most 256 vertices), on all cores while the other
-- tables are copied, and copies them in the same transaction.
DROP TRIGGER shorelines_tiles ON shorelines;
DROP FUNCTION shoreline_tiles_insert();

-- No query looks run geometry up by its UTM coordinates: the tile server and the API's
-- bbox filter use geom_3857. Maintaining these GiST indexes was a third of the time to
-- copy the demo run's 15,670 transects.
DROP INDEX transects_geom;
DROP INDEX shorelines_geom;

