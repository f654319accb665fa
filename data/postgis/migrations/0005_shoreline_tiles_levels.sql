-- tasi schema version 5: one spatial index per level of shoreline_tiles.
--
-- A tile reads the pieces of one level (package tiles: zooms 11 and above level 0, 7-10
-- level 1, 0-6 level 2), but the single GiST index of 0002 holds every level. Near the
-- coast the full-detail pieces (about 190 vertices, 3 kB each) lie under every tile of
-- the lower levels, so a zoom 8 tile of Dili fetched 2,470 pieces from the heap to keep
-- 618 (about 6 MB read to use 0.2 MB), half the time of its shoreline layer. A partial
-- index per level finds only the pieces of that level; the tile query names the level as
-- a constant (p.level = 0, 1 or 2), which is what lets PostgreSQL use them. Together they
-- hold as many entries as the index they replace, so writing a run costs the same.
CREATE INDEX shoreline_tiles_geom_0 ON shoreline_tiles USING gist (geom) WHERE level = 0;
CREATE INDEX shoreline_tiles_geom_1 ON shoreline_tiles USING gist (geom) WHERE level = 1;
CREATE INDEX shoreline_tiles_geom_2 ON shoreline_tiles USING gist (geom) WHERE level = 2;
DROP INDEX shoreline_tiles_geom;
