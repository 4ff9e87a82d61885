package web

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"danvan/internal/sqldb"
)

// The overview counts a small scope live and a wide one from a count at most ten minutes
// old, saying when it was taken.
func TestOverviewCounts(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), sqldb.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, grp INTEGER)`); err != nil {
		t.Fatal(err)
	}
	add := func(grp, n int) {
		for range n {
			if _, err := db.ExecContext(ctx, `INSERT INTO t (grp) VALUES (?)`, grp); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(1, 30)
	add(2, 3)
	c := countCache{live: 10}
	check := func(from string, args []any, want int, cached bool) {
		t.Helper()
		n, at, err := c.count(ctx, db, from, args)
		if err != nil || n != want || at.IsZero() == cached {
			t.Fatalf("count %s %v = %d at %v (%v), want %d cached=%v", from, args, n, at, err, want, cached)
		}
	}
	check(`t WHERE grp = ?`, []any{1}, 30, true)
	check(`t WHERE grp = ?`, []any{2}, 3, false)
	add(1, 5)
	add(2, 1)
	check(`t WHERE grp = ?`, []any{1}, 30, true) // wide: the count of 08:00 still
	check(`t WHERE grp = ?`, []any{2}, 4, false) // small: live
	now = now.Add(countCacheTTL + time.Second)
	check(`t WHERE grp = ?`, []any{1}, 35, true)
}
