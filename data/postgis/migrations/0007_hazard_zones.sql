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
-- transaction. Zones are valid polygons when built (package plan); the Web Mercator copies
-- are made valid again after projection, as admin_change's are, so that no tile loses
-- one. The tile layer starts at zoom 9, so there is no copy for zooms 0-6; zooms 7-10 draw
-- from a copy simplified by 20 m, about two tile units at zoom 10 and far below a pixel:
-- a zone's rings have a vertex every 50 m (one per transect on each side), which a zoom-9
-- tile's grid of 19 m barely thins, and cutting them took 7 ms of a 9 ms composite tile
-- over Dili. ST_SimplifyPreserveTopology keeps the strips, tens of metres wide, from
-- crossing themselves.
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
	geom_3857_mid geometry(MultiPolygon, 3857)
		GENERATED ALWAYS AS (ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), 20)), 3))) STORED,
	PRIMARY KEY (run_id, zone)
);
CREATE INDEX hazard_zones_geom_3857 ON hazard_zones USING gist (geom_3857);
CREATE INDEX hazard_zones_geom_3857_mid ON hazard_zones USING gist (geom_3857_mid);
