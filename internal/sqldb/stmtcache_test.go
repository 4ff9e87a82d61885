package sqldb

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// A read query is prepared the second time its text is seen and reused after; texts that
// carry values do not grow the cache past its bound; answers are the same either way, also
// with many goroutines at once and after a schema change.
func TestStmtCache(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (v) VALUES (?)`, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	read := func(q string, args ...any) string {
		t.Helper()
		var v string
		if err := db.QueryRowContext(ctx, q, args...).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	const q = `SELECT v FROM t WHERE id = ?`
	if read(q, 3) != "v2" || len(db.stmts.stmts) != 0 {
		t.Fatalf("first sight: %d cached", len(db.stmts.stmts))
	}
	if read(q, 4) != "v3" || db.stmts.stmts[q] == nil {
		t.Fatal("second sight should prepare")
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := (g+i)%10 + 1
				var v string
				if err := db.QueryRowContext(ctx, q, id).Scan(&v); err != nil || v != fmt.Sprint("v", id-1) {
					t.Errorf("concurrent read %d: %q %v", id, v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Texts with values inlined: each seen twice, the cache stops at its bound.
	for i := range maxStmts + 100 {
		txt := fmt.Sprintf(`SELECT v FROM t WHERE id IN (%d, 1) ORDER BY id LIMIT 1`, i+2)
		read(txt)
		read(txt)
	}
	if n := len(db.stmts.stmts); n != maxStmts {
		t.Fatalf("cache holds %d statements, bound %d", n, maxStmts)
	}
	if read(q, 5) != "v4" {
		t.Fatal("cached statement after the bound")
	}
	// A schema change under a cached statement: SQLite re-prepares it.
	if _, err := db.ExecContext(ctx, `ALTER TABLE t ADD COLUMN w TEXT NOT NULL DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	if read(q, 6) != "v5" {
		t.Fatal("after ALTER TABLE")
	}
	rows, err := db.QueryContext(ctx, `SELECT v FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	if n != 10 {
		t.Fatalf("%d rows", n)
	}
}
