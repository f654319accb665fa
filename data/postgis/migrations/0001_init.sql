-- tasi schema version 1: reference data, runs and their results.
--
-- Applied by Store.Migrate inside one transaction, with search_path set to the tasi schema
-- and the schema holding postgis. Names are unqualified so the schema is configurable.
--
-- Geometry columns:
--   geom         as measured: WGS84 (4326) for reference data, the run's UTM zone
--                (runs.epsg, 326xx/327xx) for run results, which is where the rates were
--                measured. Run tables leave the SRID unconstrained because it varies by run.
--   geom_3857    a generated Web Mercator copy for the tile server (EPSG:3857 tile grid).
--   geom_3857_mid, geom_3857_lo
--                generated, simplified copies for low zooms: 100 m (about one 256-pixel
--                tile pixel at zoom 10; use for zooms 7-10) and 1000 m (about one pixel at
--                zoom 7; use for zooms 0-6).

-- Reference data ---------------------------------------------------------------------------

-- admin_units: admin units of any level with their hierarchy and census figures. One
-- source (a layer, such as the bundled COD-AB 2020 sucos) is replaced as a whole on import.
-- Parents missing from a source are derived from their children (derived = true): geometry
-- dissolved, population and households summed when every child has them.
CREATE TABLE admin_units (
	source        text     NOT NULL,
	pcode         text     NOT NULL,
	level         smallint NOT NULL CHECK (level BETWEEN 1 AND 4), -- 1 municipality, 2 posto, 3 suco, 4 aldeia
	name          text     NOT NULL,
	parent_pcode  text,                                           -- direct parent, NULL at level 1
	parent_name   text,
	region_pcode  text,                                           -- level-1 ancestor, NULL at level 1
	region_name   text,
	population    integer CHECK (population >= 0),                -- NULL when unknown
	households    integer CHECK (households >= 0),
	derived       boolean  NOT NULL DEFAULT false,
	geom          geometry(MultiPolygon, 4326) NOT NULL,
	geom_3857     geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	geom_3857_mid geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Multi(ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), 100))) STORED,
	geom_3857_lo  geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Multi(ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), 1000))) STORED,
	PRIMARY KEY (source, pcode),
	CHECK ((level = 1) = (parent_pcode IS NULL))
);
CREATE INDEX admin_units_parent ON admin_units (source, parent_pcode);
CREATE INDEX admin_units_geom ON admin_units USING gist (geom);
CREATE INDEX admin_units_geom_3857 ON admin_units USING gist (geom_3857);
CREATE INDEX admin_units_geom_3857_mid ON admin_units USING gist (geom_3857_mid);
CREATE INDEX admin_units_geom_3857_lo ON admin_units USING gist (geom_3857_lo);

-- coastline: coastline lines (COD-AB admLevel 99; never the land border).
CREATE TABLE coastline (
	source    text NOT NULL,
	line      integer NOT NULL,                                   -- 1-based, in source order
	geom      geometry(LineString, 4326) NOT NULL,
	length_m  double precision GENERATED ALWAYS AS (ST_Length(geom::geography)) STORED, -- on the WGS84 ellipsoid
	geom_3857 geometry(LineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	PRIMARY KEY (source, line)
);
CREATE INDEX coastline_geom ON coastline USING gist (geom);
CREATE INDEX coastline_geom_3857 ON coastline USING gist (geom_3857);

-- localities: named settlement points (gazetteer).
CREATE TABLE localities (
	source    text NOT NULL,
	locality  integer NOT NULL,                                   -- 1-based, in source order
	name      text NOT NULL,
	kind      smallint NOT NULL,                                  -- data.KindDistrictCapital ... data.KindLocality
	pcode     text,                                               -- suco it lies in
	geom      geometry(Point, 4326) NOT NULL,
	geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	PRIMARY KEY (source, locality)
);
CREATE INDEX localities_pcode ON localities (pcode);
CREATE INDEX localities_geom ON localities USING gist (geom);
CREATE INDEX localities_geom_3857 ON localities USING gist (geom_3857);

-- ports: sea ports usable as logistics hubs.
CREATE TABLE ports (
	source    text NOT NULL,
	port      integer NOT NULL,                                   -- 1-based, in source order
	name      text NOT NULL,                                      -- empty when unnamed
	geom      geometry(Point, 4326) NOT NULL,
	geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	PRIMARY KEY (source, port)
);
CREATE INDEX ports_geom ON ports USING gist (geom);
CREATE INDEX ports_geom_3857 ON ports USING gist (geom_3857);

-- Runs -------------------------------------------------------------------------------------

-- runs: one analysis run and its provenance. A run's rows in the tables below appear
-- together with status 'succeeded', in one transaction; a failed run has none.
CREATE TABLE runs (
	id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	status             text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
	error              text,                                      -- why it failed
	tasi_version       text NOT NULL,
	analysis_started   timestamptz,                               -- when the analysis ran
	analysis_finished  timestamptz,
	write_started      timestamptz NOT NULL DEFAULT clock_timestamp(), -- when it was stored
	write_finished     timestamptz,
	epsg               integer NOT NULL CHECK (epsg BETWEEN 32601 AND 32760), -- UTM zone of every run geometry
	parameters         jsonb NOT NULL DEFAULT '{}',               -- every setting by its command-line name
	analysis_params    jsonb NOT NULL DEFAULT '{}',               -- analysis.Params
	inputs             jsonb NOT NULL DEFAULT '[]',               -- [{Role, Path, SHA256}]
	n_shorelines       integer NOT NULL,
	n_transects        integer NOT NULL,
	n_intersections    integer NOT NULL,
	n_missed_transects integer NOT NULL,
	n_units            integer NOT NULL,
	backend_pid        integer,                                   -- server process writing it, to spot abandoned runs
	CHECK ((status = 'failed') = (error IS NOT NULL)),
	CHECK ((status = 'running') = (write_finished IS NULL))
);
CREATE INDEX runs_status ON runs (status, id);

-- shorelines: the run's dated shorelines (empty for a time-series run).
CREATE TABLE shorelines (
	run_id        bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
	shoreline     integer NOT NULL,                               -- shoreline_id: 1-based, in input order
	date          timestamptz NOT NULL,
	uncertainty_m double precision NOT NULL,
	source        text NOT NULL,
	geom          geometry(MultiLineString) NOT NULL,
	PRIMARY KEY (run_id, shoreline)
);
-- Whole-coast shorelines are megabytes of coordinates that barely compress: storing them
-- uncompressed makes loading four times faster (pglz tries, and fails, on every value).
ALTER TABLE shorelines ALTER COLUMN geom SET STORAGE EXTERNAL;
CREATE INDEX shorelines_geom ON shorelines USING gist (geom);

-- baseline: the reference coast the run's transects were cast from, one row per part.
CREATE TABLE baseline (
	run_id   bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
	part     integer NOT NULL,                                    -- 0-based, transects.part
	length_m double precision NOT NULL,
	geom     geometry(LineString) NOT NULL,
	PRIMARY KEY (run_id, part)
);
ALTER TABLE baseline ALTER COLUMN geom SET STORAGE EXTERNAL;

-- transects: transects with every DSAS statistic; NULL where a statistic is undefined.
CREATE TABLE transects (
	run_id      bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
	transect    integer NOT NULL,                                 -- 1-based position in the run
	transect_id text    NOT NULL,                                 -- label: given id or sequence number
	cast_id     integer NOT NULL,                                 -- 1-based, in order along the baseline parts
	pcode       text,                                             -- admin unit it lies in (admin_change.pcode)
	part        integer,                                          -- baseline part, NULL for given transects
	chainage_m  double precision,                                 -- along that part, NULL for given transects
	azimuth     double precision NOT NULL,                        -- degrees from grid north, origin to sea
	base_m      double precision NOT NULL,                        -- origin to the baseline crossing
	width_m     double precision NOT NULL,                        -- coast it stands for
	n           integer NOT NULL,                                 -- shoreline positions; 0: missed
	date_first  timestamptz,
	date_last   timestamptz,
	sce         double precision,
	nsm         double precision,
	epr         double precision,
	eprunc      double precision,
	lrr         double precision,
	lr2         double precision,
	lse         double precision,
	lci         double precision,
	wlr         double precision,
	wr2         double precision,
	wse         double precision,
	wci         double precision,
	geom        geometry(LineString) NOT NULL,                    -- origin (land) to end (sea), run's UTM
	geom_3857   geometry(LineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	PRIMARY KEY (run_id, transect)
);
CREATE INDEX transects_pcode ON transects (run_id, pcode);
CREATE INDEX transects_geom ON transects USING gist (geom);
CREATE INDEX transects_geom_3857 ON transects USING gist (geom_3857);

-- intersections: shoreline positions on transects, the time series behind the statistics.
-- The largest table by far (550,000 rows for the Timor-Leste demo), so it is lean for
-- bulk loads: the primary key serves time-series lookups by (run_id, transect), and there
-- is neither a spatial index nor a foreign key. Spatial lookups go through the transects
-- (every point lies on its transect): join on (run_id, transect) from a transects query.
-- A foreign key checks each inserted row, and a GiST index inserts each point; together
-- they tripled the time to load a run (measured: 0.9 s, then 1.9 s with the key, 4.7 s
-- with both, for 500,000 rows). Only WriteRun writes here, holding the runs row; the
-- trigger below gives ON DELETE CASCADE from runs.
CREATE TABLE intersections (
	run_id     bigint  NOT NULL,                                  -- runs.id
	transect   integer NOT NULL,                                  -- transects.transect
	shoreline  integer NOT NULL,                                  -- shorelines.shoreline, or the 1-based date of a series
	date       timestamptz NOT NULL,
	distance_m double precision NOT NULL,                         -- from the baseline, positive seaward
	geom       geometry(Point) NOT NULL,                          -- run's UTM
	PRIMARY KEY (run_id, transect, shoreline)
);

CREATE FUNCTION delete_run_intersections() RETURNS trigger
	LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	DELETE FROM intersections i USING deleted_runs d WHERE i.run_id = d.id;
	RETURN NULL;
END
$$;
CREATE TRIGGER runs_delete_intersections AFTER DELETE ON runs
	REFERENCING OLD TABLE AS deleted_runs
	FOR EACH STATEMENT EXECUTE FUNCTION delete_run_intersections();

-- admin_change: change summary per admin unit, with the unit as it was in the run.
CREATE TABLE admin_change (
	run_id            bigint  NOT NULL REFERENCES runs ON DELETE CASCADE,
	unit              integer NOT NULL,                           -- 1-based, in the run's unit order
	pcode             text    NOT NULL,
	name              text    NOT NULL,
	parent_pcode      text,
	parent_name       text,
	region_pcode      text,
	region_name       text,
	n_transects       integer NOT NULL,
	coast_km          double precision,
	mean_lrr          double precision,
	median_lrr        double precision,
	min_lrr           double precision,
	max_lrr           double precision,
	mean_epr          double precision,
	mean_nsm          double precision,
	pct_eroding       double precision,
	pct_accreting     double precision,
	pct_sig_eroding   double precision,
	pct_sig_accreting double precision,
	mean_lrr_unc      double precision,
	n_effective       double precision,
	area_lost_m2      double precision,
	area_gained_m2    double precision,
	population        integer,
	households        integer,
	geom              geometry(MultiPolygon) NOT NULL,            -- run's UTM
	geom_3857         geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
	PRIMARY KEY (run_id, pcode),
	UNIQUE (run_id, unit)
);
CREATE INDEX admin_change_geom_3857 ON admin_change USING gist (geom_3857);

-- Views for the tile server and API: the results of the newest succeeded run.
CREATE VIEW latest_run AS
	SELECT * FROM runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1;
CREATE VIEW latest_transects AS
	SELECT t.* FROM transects t WHERE t.run_id = (SELECT id FROM latest_run);
CREATE VIEW latest_admin_change AS
	SELECT a.* FROM admin_change a WHERE a.run_id = (SELECT id FROM latest_run);
