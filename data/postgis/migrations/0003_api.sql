-- tasi schema version 3: what the JSON API of tasi serve (package api) looks up.
--
-- /api/v1/transects/{id} finds a transect of a run by its label, transects.transect_id.
-- Labels need not be unique (given transects carry the user's ids): the first in run order
-- answers, which this index gives without reading the run's other transects (8 ms for the
-- 15,670 of the Timor-Leste demo without it).
CREATE INDEX transects_label ON transects (run_id, transect_id, transect);
