// Package ratelimit counts events per key (a public form and the caller's address) per
// minute in the database, so that every danvan instance on one database shares one count
// and a restart does not forget it. It protects the public forms from floods.
//
// # Window
//
// Each key has one row: when its window started and how many events it has seen since.
// An event more than a minute after the start opens a new window with a count of one.
// These are the semantics the in-memory limiter had before (a minute from the first event,
// not minute-aligned buckets), kept because they are the simple correct choice here:
// one row per key and one statement per event, which both engines run atomically
// (INSERT … ON CONFLICT DO UPDATE … RETURNING), so two instances counting the same key
// at once never lose an event. Like any fixed window it lets a client that waits for the
// end of a window send up to twice the limit within a short time; a weighted sliding
// window would narrow that but costs a second row and a second statement per event, and
// twice a per-minute limit is still a flood bound.
//
// # Failure
//
// The limiter fails open: when the database errors or does not answer within Timeout,
// Allow reports true with the error, and the caller logs it and lets the request in. A
// citizen's petition must not be lost because the counter could not be written; the
// submission itself is then the judge of whether the database works. On SQLite the count
// is a write through the single writer connection, so Timeout also bounds how long a
// public request waits behind a long write (an import) before it is let in uncounted.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"danvan/internal/jobs"
	"danvan/internal/sqldb"
)

// Window is the length of a key's counting window.
const Window = time.Minute

// Limiter counts events per key per Window in the rate_counts table.
type Limiter struct {
	DB *sqldb.DB
	// Now is the clock (default: the database's clock). Instances compare their own clock
	// with window starts written by others; clocks a few seconds apart move a window's
	// end by as much, which is harmless for a flood bound.
	Now func() time.Time
	// Timeout bounds one count (default one second); past it Allow fails open.
	Timeout time.Duration
}

// New returns a limiter on db with the default clock and timeout.
func New(db *sqldb.DB) *Limiter { return &Limiter{DB: db} }

func (l *Limiter) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return l.DB.Now()
}

// The count is written on the writer (WritePool): DB.QueryRowContext reads from the read
// pool, which is query-only on SQLite. excluded.started is this event's time; the right
// side of every SET sees the row as it was, so n and started restart together.
const countSQL = `INSERT INTO rate_counts (key, started, n) VALUES (?, ?, 1)
ON CONFLICT (key) DO UPDATE SET
  n = CASE WHEN rate_counts.started < ? THEN 1 ELSE rate_counts.n + 1 END,
  started = CASE WHEN rate_counts.started < ? THEN excluded.started ELSE rate_counts.started END
RETURNING n`

// Allow counts one event for key and reports whether it is within limit per Window.
// Refused events count too, so a client that keeps flooding stays refused until its
// window ends. A limit <= 0 means no limit (nothing is written). On an error Allow
// reports true and the error: the limiter fails open (see the package comment).
func (l *Limiter) Allow(ctx context.Context, key string, limit int) (bool, error) {
	if limit <= 0 {
		return true, nil
	}
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	now := l.now().UnixMilli()
	expired := now - Window.Milliseconds() // a window that started before this has ended
	var n int
	err := l.DB.WritePool().QueryRowContext(ctx, sqldb.Rebind(l.DB.Dialect(), countSQL), key, now, expired, expired).Scan(&n)
	if err != nil {
		return true, fmt.Errorf("ratelimit: count %q: %w", key, err)
	}
	return n <= limit, nil
}

// DeleteOld removes the rows whose window has ended (the next event of their key would
// restart them anyway) and returns how many it removed.
func (l *Limiter) DeleteOld(ctx context.Context) (int64, error) {
	res, err := l.DB.ExecContext(ctx, `DELETE FROM rate_counts WHERE started < ?`, l.now().Add(-Window).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("ratelimit: delete old counts: %w", err)
	}
	return res.RowsAffected()
}

// Task deletes the ended windows every period, so the table holds only the keys seen in
// the last period and a minute, however long danvan runs.
func (l *Limiter) Task(every time.Duration) jobs.Task {
	return jobs.Task{Name: "foundation.rate-counts", Every: every, Run: func(ctx context.Context, _ time.Time) error {
		_, err := l.DeleteOld(ctx)
		return err
	}}
}
