package tiles

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// CacheStats counts how the Handler's tile cache has served since it was made, for the
// API's /metrics.
type CacheStats struct {
	Hits      uint64 // tiles served from the cache
	Misses    uint64 // tiles cut by the Source (every tile when the cache is off)
	Coalesced uint64 // requests that waited for the same tile being cut for another
	Evictions uint64 // tiles dropped to stay within MaxBytes
	Entries   int    // tiles held now
	Bytes     int64  // their size (gzipped tiles and keys)
	MaxBytes  int64  // the bound; 0 when the cache is off
}

// entry is one cut tile as the cache keeps it: gzipped once, with its ETag.
type entry struct {
	key   string
	gz    []byte // gzipped tile; nil for an empty tile
	hash  string // hex of the uncompressed tile's SHA-256 (truncated), the ETag's opaque part
	empty bool
}

// entryOverhead approximates the bookkeeping bytes of one entry beyond its key and tile.
const entryOverhead = 160

func (e *entry) size() int64 { return int64(len(e.gz)+len(e.key)+len(e.hash)) + entryOverhead }

// lru is a cache of entries bounded by their total size, evicting the least recently
// used.
type lru struct {
	max int64

	mu    sync.Mutex
	size  int64
	order *list.List // front: most recently used; values are *entry
	items map[string]*list.Element

	hits, misses, coalesced, evictions atomic.Uint64
}

func newLRU(max int64) *lru {
	return &lru{max: max, order: list.New(), items: map[string]*list.Element{}}
}

// enabled reports whether the cache keeps anything.
func (c *lru) enabled() bool { return c.max > 0 }

func (c *lru) get(key string) (*entry, bool) {
	if !c.enabled() {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry), true
}

// add keeps e, unless it alone is larger than the cache, and evicts to stay in bounds.
func (c *lru) add(e *entry) {
	n := e.size()
	if !c.enabled() || n > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[e.key]; ok {
		c.size -= el.Value.(*entry).size()
		el.Value = e
		c.order.MoveToFront(el)
	} else {
		c.items[e.key] = c.order.PushFront(e)
	}
	c.size += n
	for c.size > c.max {
		el := c.order.Back()
		old := el.Value.(*entry)
		c.order.Remove(el)
		delete(c.items, old.key)
		c.size -= old.size()
		c.evictions.Add(1)
	}
}

func (c *lru) stats() CacheStats {
	c.mu.Lock()
	n, size := len(c.items), c.size
	c.mu.Unlock()
	return CacheStats{
		Hits: c.hits.Load(), Misses: c.misses.Load(), Coalesced: c.coalesced.Load(), Evictions: c.evictions.Load(),
		Entries: n, Bytes: size, MaxBytes: max(c.max, 0),
	}
}
