package ratelimit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/ratelimit"
	"danvan/internal/sqldb"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC)} }

// allow counts one event and fails the test on an error (the limiter would have let it in).
func allow(t *testing.T, l *ratelimit.Limiter, key string, limit int) bool {
	t.Helper()
	ok, err := l.Allow(context.Background(), key, limit)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func rows(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM rate_counts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLimitThenNextMinute(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		l := &ratelimit.Limiter{DB: db, Now: clk.Now}
		for i := range 3 {
			if !allow(t, l, "submit|10.0.0.1", 3) {
				t.Fatalf("event %d of 3 refused", i+1)
			}
			clk.Add(10 * time.Second)
		}
		if allow(t, l, "submit|10.0.0.1", 3) {
			t.Fatal("4th event within the minute allowed")
		}
		// Another key and another form have their own counts.
		if !allow(t, l, "submit|10.0.0.2", 3) || !allow(t, l, "track|10.0.0.1", 3) {
			t.Fatal("another key refused")
		}
		// The window is a minute from the first event (at 0 s); at 50 s it is still open,
		// and the refused events counted too.
		clk.Add(20 * time.Second) // 50 s
		if allow(t, l, "submit|10.0.0.1", 3) {
			t.Fatal("allowed again before the window ended")
		}
		clk.Add(11 * time.Second) // 61 s: a new window
		for i := range 3 {
			if !allow(t, l, "submit|10.0.0.1", 3) {
				t.Fatalf("next minute: event %d refused", i+1)
			}
		}
		if allow(t, l, "submit|10.0.0.1", 3) {
			t.Fatal("next minute: 4th event allowed")
		}
	})
}

// Two handles on one database are two danvan instances: they share the count.
func TestInstancesShareTheCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		db2, err := sqldb.Open(context.Background(), db.URL(), sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db2.Close() })
		clk := newClock()
		a := &ratelimit.Limiter{DB: db, Now: clk.Now}
		b := &ratelimit.Limiter{DB: db2, Now: clk.Now}
		if !allow(t, a, "submit|10.0.0.1", 4) || !allow(t, b, "submit|10.0.0.1", 4) || !allow(t, a, "submit|10.0.0.1", 4) || !allow(t, b, "submit|10.0.0.1", 4) {
			t.Fatal("an event within the limit refused")
		}
		if allow(t, a, "submit|10.0.0.1", 4) || allow(t, b, "submit|10.0.0.1", 4) {
			t.Fatal("the 5th and 6th events, one per instance, allowed: each instance counts alone")
		}
		// Concurrent events from both instances: none is lost.
		var wg sync.WaitGroup
		for _, l := range []*ratelimit.Limiter{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					if _, err := l.Allow(context.Background(), "track|10.0.0.9", 1000); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT n FROM rate_counts WHERE key = ?`, "track|10.0.0.9").Scan(&n); err != nil || n != 20 {
			t.Fatalf("concurrent count: %d, %v; want 20", n, err)
		}
	})
}

func TestDeleteOldAndNoLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock()
		l := &ratelimit.Limiter{DB: db, Now: clk.Now}
		// A limit <= 0 is no limit, and writes nothing.
		for range 50 {
			if !allow(t, l, "submit|10.0.0.1", 0) || !allow(t, l, "submit|10.0.0.1", -1) {
				t.Fatal("no limit refused an event")
			}
		}
		if n := rows(t, db); n != 0 {
			t.Fatalf("no limit wrote %d rows", n)
		}
		allow(t, l, "submit|10.0.0.1", 5)
		clk.Add(40 * time.Second)
		allow(t, l, "submit|10.0.0.2", 5)
		clk.Add(30 * time.Second) // the first window has ended (70 s), the second not (30 s)
		task := l.Task(10 * time.Minute)
		if err := task.Run(context.Background(), clk.Now()); err != nil {
			t.Fatal(err)
		}
		var key string
		if err := db.QueryRowContext(context.Background(), `SELECT key FROM rate_counts`).Scan(&key); err != nil || key != "submit|10.0.0.2" || rows(t, db) != 1 {
			t.Fatalf("after cleanup: %q %v, %d rows; want only the open window", key, err, rows(t, db))
		}
		// The second address's window goes on counting after the cleanup.
		if !allow(t, l, "submit|10.0.0.2", 2) || allow(t, l, "submit|10.0.0.2", 2) {
			t.Fatal("the open window lost its count")
		}
	})
}

// While another transaction holds the counter (on SQLite: the single writer, here busy
// with a long change), a public request is let in after Timeout, not kept waiting.
func TestFailsOpenWhenTheDatabaseIsBusy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		l := &ratelimit.Limiter{DB: db, Timeout: 200 * time.Millisecond}
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
		go func() {
			done <- db.Tx(context.Background(), func(tx *sqldb.Tx) error {
				// Takes the row lock on PostgreSQL; the writer itself on SQLite.
				if _, err := tx.ExecContext(context.Background(), `INSERT INTO rate_counts (key, started, n) VALUES (?, ?, ?)`, "submit|10.0.0.1", db.Now().UnixMilli(), 100); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		start := time.Now()
		ok, err := l.Allow(context.Background(), "submit|10.0.0.1", 1)
		took := time.Since(start)
		close(release)
		if terr := <-done; terr != nil {
			t.Fatal(terr)
		}
		if !ok || err == nil {
			t.Fatalf("busy database: allowed %v, error %v; want allowed with the error", ok, err)
		}
		if took > 2*time.Second {
			t.Fatalf("busy database kept the request waiting %v", took)
		}
		// Once the writer is free the count works again (100 from the other transaction).
		if allowed, err := l.Allow(context.Background(), "submit|10.0.0.1", 1); err != nil || allowed {
			t.Fatalf("after the busy spell: %v %v", allowed, err)
		}
	})
}
