package transect

import (
	"sync"
	"sync/atomic"
)

// progress passes the progress of work shared among goroutines to a callback: one call at
// a time, with done increasing, at most about every 1 % of total, and a final call with
// done == total once the whole job has finished (finish). A nil *progress does nothing.
type progress struct {
	fn    func(done, total int)
	total int
	step  int64
	count atomic.Int64 // units done
	due   atomic.Int64 // count at which the next call is due

	mu   sync.Mutex // serializes calls
	last int64      // done in the last call, under mu
}

// newProgress returns a progress for fn over total units, or nil when fn is nil.
func newProgress(fn func(done, total int), total int) *progress {
	if fn == nil {
		return nil
	}
	p := &progress{fn: fn, total: total, step: int64(max(1, (total+99)/100))}
	p.due.Store(p.step)
	return p
}

// add counts n more units done, calling back if a call is due. The call for the last
// unit waits for finish, so that done == total means the job has finished.
func (p *progress) add(n int) {
	if p == nil {
		return
	}
	if c := p.count.Add(int64(n)); c < p.due.Load() || c >= int64(p.total) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.count.Load() // other units may have finished meanwhile
	if c < p.due.Load() || c >= int64(p.total) || c <= p.last {
		return
	}
	p.last = c
	p.due.Store(c + p.step)
	p.fn(int(c), p.total)
}

// finish makes the final call, done == total.
func (p *progress) finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = int64(p.total)
	p.fn(p.total, p.total)
}
