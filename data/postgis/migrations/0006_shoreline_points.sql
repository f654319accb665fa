-- tasi schema version 6: point shorelines and the satellite that saw each shoreline.
--
-- CoastSeg extracts shorelines as points (one MultiPoint per date) and CoastSat names the
-- sensor of each (satname: L5, L7, L8, L9, S2). A point shoreline keeps its points in
-- points and an empty geom, so that everything drawing or cutting lines is unchanged;
-- exactly one of the two holds the shoreline.
ALTER TABLE shorelines
	ADD COLUMN satname text,
	ADD COLUMN points  geometry(MultiPoint);
ALTER TABLE shorelines ADD CONSTRAINT shorelines_one_geometry
	CHECK ((points IS NULL) <> ST_IsEmpty(geom));
