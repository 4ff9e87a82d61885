package sqldb

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the read pool's prepared statements by their text, so SQLite parses a
// page's queries once per connection rather than on every request: parsing was 13–17 % of
// the CPU of the task page and of "Việc của tôi" (docs/PERFORMANCE.md). PostgreSQL needs
// none: pgx caches prepared statements per connection itself.
//
// Some query texts carry values (an IN list of ids read from the database), so each would
// be a new entry. A text is prepared only the second time it is seen, the set of texts
// seen once is forgotten when it grows past its bound, and the cache stops growing at
// maxStmts; statements are never evicted, so one in use is never closed under a caller.
type stmtCache struct {
	pool  *sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	seen  map[string]struct{}
}

const (
	maxStmts    = 512
	maxSeenOnce = 2048
)

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, seen: map[string]struct{}{}}
}

// get returns the prepared statement for q, or nil when q should run unprepared.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	c.mu.Lock()
	if st, ok := c.stmts[q]; ok {
		c.mu.Unlock()
		return st
	}
	if _, again := c.seen[q]; !again || len(c.stmts) >= maxStmts {
		if len(c.seen) >= maxSeenOnce {
			clear(c.seen)
		}
		c.seen[q] = struct{}{}
		c.mu.Unlock()
		return nil
	}
	delete(c.seen, q)
	c.mu.Unlock()
	// Prepared outside the lock: preparing takes a connection. Two callers may both
	// prepare the same text; the second one's statement is closed and the first kept.
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil // the caller runs the query unprepared and reports its error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[q]; ok {
		st.Close()
		return old
	}
	c.stmts[q] = st
	return st
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.stmts {
		if e := st.Close(); e != nil && err == nil {
			err = e
		}
		delete(c.stmts, q)
	}
	return err
}
