-- tasi schema version 2: geometry ready for the vector tile server (package tiles).
--
-- The tile server cuts Web Mercator (EPSG:3857) geometry with ST_AsMVTGeom. Three things
-- make that fast and lossless, and are stored here once rather than computed per tile:
--   * valid geometry: a self-intersecting polygon can vanish when clipped, so polygons are
--     passed through ST_MakeValid before any tile sees them;
--   * simplified copies for low zooms, as in 0001: 100 m (zooms 7-10) and 1000 m (0-6);
--     lines with ST_Simplify (Douglas-Peucker, the algorithm of the in-memory tile source),
--     polygons with ST_SimplifyPreserveTopology, which cannot collapse a ring;
--   * small pieces of long lines: a whole-coast shoreline has tens of thousands of
--     vertices and a bounding box covering the country, so every tile would read and clip
--     all of it (megabytes from TOAST per tile). shoreline_tiles holds each shoreline cut
--     by ST_Subdivide into pieces of at most 256 vertices with their own small boxes.
--     The most detailed level is simplified by 2 m, a fifth of a 256-pixel tile's pixel at
--     zoom 14 and far below the 10 m accuracy of satellite shorelines: it drops two thirds
--     of the vertices of the demo's shorelines and, with them, most of the cost of cutting
--     (ST_Subdivide of 1.6 million vertices takes 3 s).

-- admin_change: geom_3857 becomes valid by construction, with simplified copies. The view
-- selecting a.* depends on the column, so it is rebuilt.
DROP VIEW latest_admin_change;
ALTER TABLE admin_change DROP COLUMN geom_3857;
ALTER TABLE admin_change
	ADD COLUMN geom_3857 geometry(MultiPolygon, 3857)
		GENERATED ALWAYS AS (ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(geom, 3857)), 3))) STORED,
	ADD COLUMN geom_3857_mid geometry(MultiPolygon, 3857)
		GENERATED ALWAYS AS (ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), 100)), 3))) STORED,
	ADD COLUMN geom_3857_lo geometry(MultiPolygon, 3857)
		GENERATED ALWAYS AS (ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SimplifyPreserveTopology(ST_Transform(geom, 3857), 1000)), 3))) STORED;
CREATE INDEX admin_change_geom_3857 ON admin_change USING gist (geom_3857);
CREATE INDEX admin_change_geom_3857_mid ON admin_change USING gist (geom_3857_mid);
CREATE INDEX admin_change_geom_3857_lo ON admin_change USING gist (geom_3857_lo);
CREATE VIEW latest_admin_change AS
	SELECT a.* FROM admin_change a WHERE a.run_id = (SELECT id FROM latest_run);

-- coastline: simplified copies (lines: Douglas-Peucker; NULL when a line collapses).
ALTER TABLE coastline
	ADD COLUMN geom_3857_mid geometry(LineString, 3857) GENERATED ALWAYS AS (ST_Simplify(ST_Transform(geom, 3857), 100)) STORED,
	ADD COLUMN geom_3857_lo geometry(LineString, 3857) GENERATED ALWAYS AS (ST_Simplify(ST_Transform(geom, 3857), 1000)) STORED;
CREATE INDEX coastline_geom_3857_mid ON coastline USING gist (geom_3857_mid);
CREATE INDEX coastline_geom_3857_lo ON coastline USING gist (geom_3857_lo);

-- shoreline_tiles: pieces of each shoreline in Web Mercator at three levels of detail,
-- filled by a trigger as shorelines are loaded (COPY fires it once per statement).
CREATE TABLE shoreline_tiles (
	run_id    bigint   NOT NULL,
	shoreline integer  NOT NULL,
	level     smallint NOT NULL CHECK (level BETWEEN 0 AND 2), -- simplified by 0: 2 m, 1: 100 m, 2: 1000 m
	geom      geometry(Geometry, 3857) NOT NULL,                -- LineString or MultiLineString of at most 256 vertices
	FOREIGN KEY (run_id, shoreline) REFERENCES shorelines ON DELETE CASCADE
);
CREATE INDEX shoreline_tiles_run ON shoreline_tiles (run_id, shoreline);
CREATE INDEX shoreline_tiles_geom ON shoreline_tiles USING gist (geom);

-- The CTEs are materialized so that each shoreline is projected once, not once per level.
CREATE FUNCTION shoreline_tiles_insert() RETURNS trigger
	LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	INSERT INTO shoreline_tiles (run_id, shoreline, level, geom)
	WITH m AS MATERIALIZED (
		SELECT run_id, shoreline, ST_Transform(geom, 3857) AS g FROM new_shorelines
	), l AS MATERIALIZED (
		SELECT m.run_id, m.shoreline, v.level, v.g
		FROM m CROSS JOIN LATERAL (VALUES (0, ST_Simplify(m.g, 2)), (1, ST_Simplify(m.g, 100)), (2, ST_Simplify(m.g, 1000))) AS v(level, g)
	)
	SELECT l.run_id, l.shoreline, l.level, p.geom
	FROM l CROSS JOIN LATERAL ST_Subdivide(l.g, 256) AS p(geom)
	WHERE l.g IS NOT NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER shorelines_tiles AFTER INSERT ON shorelines
	REFERENCING NEW TABLE AS new_shorelines
	FOR EACH STATEMENT EXECUTE FUNCTION shoreline_tiles_insert();

-- Shorelines stored before this migration get their pieces now.
INSERT INTO shoreline_tiles (run_id, shoreline, level, geom)
WITH m AS MATERIALIZED (
	SELECT run_id, shoreline, ST_Transform(geom, 3857) AS g FROM shorelines
), l AS MATERIALIZED (
	SELECT m.run_id, m.shoreline, v.level, v.g
	FROM m CROSS JOIN LATERAL (VALUES (0, ST_Simplify(m.g, 2)), (1, ST_Simplify(m.g, 100)), (2, ST_Simplify(m.g, 1000))) AS v(level, g)
)
SELECT l.run_id, l.shoreline, l.level, p.geom
FROM l CROSS JOIN LATERAL ST_Subdivide(l.g, 256) AS p(geom)
WHERE l.g IS NOT NULL;
