package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"danvan/internal/sqldb"
	"danvan/internal/work"
)

type homePage struct {
	Page
	Units  int
	People int
	// CountedAt is when the counts of a wide scope were taken ("" when they are live).
	CountedAt string
}

// home is the overview for staff; citizens get the public portal.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsZero() {
		return s.render(w, r, http.StatusOK, "public/portal", s.publicPage(r, "Cổng thông tin công dân", ""))
	}
	pg := homePage{Page: s.page(r, "Tổng quan", "home")}
	ctx := r.Context()
	cond, args := p.Scope("unit.view").SQL("path")
	units, at1, err := s.counts.count(ctx, s.DB, `units WHERE valid_to = '' AND `+cond, args)
	if err != nil {
		return err
	}
	pcond, pargs := p.Scope("person.view").SQL("unit_path")
	people, at2, err := s.counts.count(ctx, s.DB, `people WHERE `+pcond, pargs)
	if err != nil {
		return err
	}
	pg.Units, pg.People = units, people
	at := at1
	if at2.After(at) {
		at = at2
	}
	if !at.IsZero() {
		pg.CountedAt = at.In(work.VietnamZone).Format("15:04 02/01/2006")
	}
	return s.render(w, r, http.StatusOK, "home/home", pg)
}

// countCache holds the counts of wide scopes for the overview page. Counting a
// 1.000.000-person scope reads the whole path index (about 200 ms on SQLite), too much for
// the page everyone opens first; a count of that size a few minutes old says the same
// thing. Small scopes (under liveCountLimit rows) are always counted live, so a unit's
// staff see their own change at once. Per instance, in memory: nothing to keep in step.
type countCache struct {
	live int // rows under which a scope is counted live; 0: liveCountLimit
	mu   sync.Mutex
	m    map[string]cachedCount
}

type cachedCount struct {
	n  int
	at time.Time
}

const (
	liveCountLimit = 20000
	countCacheTTL  = 10 * time.Minute
)

// count returns COUNT(*) of "FROM from" and, when it came from the cache or was just
// cached, the time it was taken.
func (c *countCache) count(ctx context.Context, db *sqldb.DB, from string, args []any) (int, time.Time, error) {
	live := c.live
	if live <= 0 {
		live = liveCountLimit
	}
	n, err := db.CountUpTo(ctx, live, from, args...)
	if err != nil || n < live {
		return n, time.Time{}, err
	}
	key := from + "\x00" + fmt.Sprint(args...)
	now := db.Now()
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedCount{}
	}
	hit, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(hit.at) < countCacheTTL {
		return hit.n, hit.at, nil
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from, args...).Scan(&n); err != nil {
		return 0, time.Time{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 1000 { // one entry per distinct scope; forget them all rather than grow
		clear(c.m)
	}
	c.m[key] = cachedCount{n, now}
	return n, now, nil
}
