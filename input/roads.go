package input

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/tasi-gis/tasi/data/ogr"
)

// ReadRoads reads the lines of a road layer (any OGR line layer: the OSM roads of a
// country, a ministry's network) in lon/lat, every part of a MultiLineString a line of its
// own. Features without a line are skipped with a note; a file with no line at all is an
// error, since a plan over it would give every pair "no route".
func ReadRoads(ctx context.Context, path, assumeCRS string) ([]orb.LineString, []Note, error) {
	layers, err := ogr.Read(ctx, path, ogr.ReadOptions{AssumeSRS: assumeCRS})
	if err != nil {
		return nil, nil, fmt.Errorf("read roads: %w", err)
	}
	var lines []orb.LineString
	var notes []Note
	for _, ly := range layers {
		for _, ft := range ly.Features {
			switch g := ft.Geometry.(type) {
			case orb.LineString:
				lines = append(lines, g)
			case orb.MultiLineString:
				lines = append(lines, g...)
			default:
				notes = append(notes, Note{Kind: SkippedFile, File: path, Layer: ly.Name, Feature: ft.FID,
					Message: fmt.Sprintf("no line (%v): road skipped", geometryName(ft.Geometry))})
			}
		}
	}
	if len(lines) == 0 {
		return nil, notes, fmt.Errorf("read roads %s: no line in any layer", path)
	}
	return lines, notes, nil
}
