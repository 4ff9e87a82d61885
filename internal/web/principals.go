package web

import (
	"context"
	"sync"

	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// principals keeps the principals this instance has loaded, valid while the database's
// rights version (org.RightsVersion) has not moved. A signed-in request then reads one
// row instead of the account and its grants (issue 15); any change to an account, a grant
// or a unit, made on any instance, moves the version, and the next request on every
// instance loads again.
type principals struct {
	mu      sync.Mutex
	version int64
	byUser  map[int64]*org.Principal
}

// maxCachedPrincipals bounds the memory: past it the map starts again (a principal is a
// few hundred bytes; the accounts active on one instance are far fewer).
const maxCachedPrincipals = 20000

// load returns the principal of userID, from the cache when the version read first is
// the one it was loaded at. The version is read before the principal, so a change that
// lands in between is caught by the next request, never hidden.
func (c *principals) load(ctx context.Context, db *sqldb.DB, userID int64) (*org.Principal, error) {
	v, err := org.RightsVersion(ctx, db)
	if err != nil {
		return org.LoadPrincipal(ctx, db, userID)
	}
	c.mu.Lock()
	if c.version == v && c.byUser != nil {
		if p, ok := c.byUser[userID]; ok {
			c.mu.Unlock()
			cp := *p // each request gets its own copy; the grants are only read
			return &cp, nil
		}
	}
	c.mu.Unlock()
	p, err := org.LoadPrincipal(ctx, db, userID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.version != v || c.byUser == nil || len(c.byUser) >= maxCachedPrincipals {
		if v < c.version {
			c.mu.Unlock() // an older reader finishing late: keep the newer cache
			return p, nil
		}
		c.version, c.byUser = v, map[int64]*org.Principal{}
	}
	cp := *p
	c.byUser[userID] = &cp
	c.mu.Unlock()
	return p, nil
}
