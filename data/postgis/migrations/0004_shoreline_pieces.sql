-- tasi schema version 4: shoreline_tiles is filled by the writer, not by a trigger.
--
-- Projecting, simplifying and subdividing 38 whole-coast shorelines (3 million vertices) in
-- the trigger of 0002 added about 3 s to storing the Timor-Leste demo run, more than the
-- rest of the run together. WriteRun now cuts the same pieces in Go (projection to Web
-- Mercator, Douglas-Peucker at 2, 100 and 1000 m, runs of at most 256 vertices) and
-- copies them with the run's other rows, in the same transaction.
DROP TRIGGER shorelines_tiles ON shorelines;
DROP FUNCTION shoreline_tiles_insert();
