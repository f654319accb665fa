package tiles

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Errors callers branch on.
var (
	// ErrNoRun reports that a run does not exist or has not succeeded, or, for Latest,
	// that no run has succeeded yet.
	ErrNoRun = errors.New("no such run")
	// ErrUnavailable reports that the Source cannot be reached now (the database is down
	// or restarting): the Handler answers 503 with Retry-After, and goes on serving the
	// tiles it has cached.
	ErrUnavailable = errors.New("tile source unavailable")
)

// Run is a succeeded analysis run whose tiles a Source can cut.
type Run struct {
	ID       int64
	Finished time.Time // when it was stored (PostGIS) or analysed (GeoPackage); zero if unknown
	// Bounds covers the run's geometry (units, transects, shorelines) in WGS84 lon/lat;
	// the zero Bound when it has none.
	Bounds orb.Bound
}

// Source cuts vector tiles of a run. It is the contract shared by the PostGIS store and
// the in-memory (GeoPackage) store; both encode the same layers the same way, so that a
// map cannot tell them apart. Implementations are safe for concurrent use.
type Source interface {
	// Layers returns the layer registry the Source serves, in encoding order. The caller
	// must not modify it.
	Layers() []Layer
	// Latest returns the succeeded run published last (results.Latest), or an error
	// wrapping ErrNoRun. Errors of a source that cannot be reached wrap ErrUnavailable,
	// here and in Run and Tile.
	Latest(ctx context.Context) (Run, error)
	// Run returns succeeded run id, or an error wrapping ErrNoRun.
	Run(ctx context.Context, id int64) (Run, error)
	// Tile returns the MVT 2.1 tile t of run id holding the named layers (a subset of
	// Layers, in any order; encoded in registry order), uncompressed, extent 4096. A tile
	// without features is empty (nil or zero length). Layers outside their zoom range
	// contribute nothing.
	Tile(ctx context.Context, run int64, t maptile.Tile, layers []string) ([]byte, error)
}

// MaxTileZoom is the highest zoom a tile may be requested at.
const MaxTileZoom = 22

// Extent is the tile coordinate range of every layer: MVT's default.
const Extent = 4096

// Buffer is how far, in tile units, geometry is kept beyond a tile's edge so that lines and
// polygon edges join up across tiles: PostGIS's ST_AsMVTGeom default.
const Buffer = 256

// tileBound returns the EPSG:3857 bounds of tile t.
func tileBound(t maptile.Tile) orb.Bound {
	const half = math.Pi * earthRadius
	size := 2 * half / float64(uint64(1)<<t.Z)
	// The arithmetic of ST_TileEnvelope, so that both sources snap alike.
	return orb.Bound{
		Min: orb.Point{-half + size*float64(t.X), half - size*float64(t.Y+1)},
		Max: orb.Point{-half + size*float64(t.X+1), half - size*float64(t.Y)},
	}
}

// lonLat returns the WGS84 lon/lat of an EPSG:3857 point.
func lonLat(p orb.Point) orb.Point {
	return orb.Point{
		p[0] / earthRadius * 180 / math.Pi,
		(2*math.Atan(math.Exp(p[1]/earthRadius)) - math.Pi/2) * 180 / math.Pi,
	}
}

// validTile reports whether t exists: z ≤ MaxTileZoom and x, y < 2^z.
func validTile(t maptile.Tile) bool {
	return t.Z <= MaxTileZoom && uint64(t.X) < uint64(1)<<t.Z && uint64(t.Y) < uint64(1)<<t.Z
}
