-- tasi schema version 7: hazard zones, and the forecast they were built with.
--
-- tasi analyze forecasts each transect's shoreline at horizons counted from a reference
-- date taken from the data (package plan), and stores with the run the land the sea is
-- forecast to take by each horizon in each admin unit: from today's shoreline to the best
-- estimate (band false) or to the landward edge of the forecast band (band true), widened
-- landward by the setback. Accreting and stable coasts have no zone.

-- runs: the forecast's settings, all NULL for a run without a forecast (no transect had
-- shorelines at two dates, or the run was stored before this version). The views of 0001
-- selecting runs.* keep the columns they were made with.
ALTER TABLE runs
	ADD COLUMN forecast_ref_date   timestamptz,                                  -- the date the horizons count from
	ADD COLUMN forecast_horizons   integer[],                                    -- years after it, ascending
	ADD COLUMN forecast_rate       text CHECK (forecast_rate IN ('LRR', 'WLR')), -- the regression extended
	ADD COLUMN forecast_confidence double precision CHECK (forecast_confidence > 0 AND forecast_confidence < 1), -- of the band
	ADD COLUMN forecast_setback_m  double precision CHECK (forecast_setback_m >= 0),
	ADD CONSTRAINT runs_forecast_whole CHECK (
		(forecast_ref_date IS NULL) = (forecast_horizons IS NULL)
		AND (forecast_ref_date IS NULL) = (forecast_rate IS NULL)
		AND (forecast_ref_date IS NULL) = (forecast_confidence IS NULL)
		AND (forecast_ref_date IS NULL) = (forecast_setback_m IS NULL));

-- hazard_zones: one row per horizon, band and admin unit, written in the run's load
-- transaction. Zones are valid polygons when built (package plan); geom_3857 is made valid
-- again after projection, as admin_change's is, so that no tile loses one. No simplified
-- copies: the layer is drawn from zoom 9, where a zone (tens to a few hundred metres wide)
-- is a few tile units across, and its rings have one vertex per transect on each side,
-- which a tile's snapping to its grid thins as much as a simplification would.
CREATE TABLE hazard_zones (
	run_id        bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
	zone          integer NOT NULL,                               -- 1-based, in the run's order: the tile feature id
	horizon_years integer NOT NULL CHECK (horizon_years BETWEEN 1 AND 100), -- years after runs.forecast_ref_date
	horizon_year  integer NOT NULL,                               -- its calendar year
	horizon_date  date    NOT NULL,                               -- the reference date plus horizon_years
	band          boolean NOT NULL,                               -- false: to the best estimate; true: to the landward band edge
	unit_code     text,                                           -- admin_change.pcode; NULL for coast outside every unit
	area_m2       double precision NOT NULL,
	geom          geometry(MultiPolygon) NOT NULL,                -- run's UTM
	geom_3857     geometry(MultiPolygon, 3857)
		GENERATED ALWAYS AS (ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(geom, 3857)), 3))) STORED,
	PRIMARY KEY (run_id, zone)
);
CREATE INDEX hazard_zones_geom_3857 ON hazard_zones USING gist (geom_3857);
