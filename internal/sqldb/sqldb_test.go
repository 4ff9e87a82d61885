package sqldb_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

func TestRebind(t *testing.T) {
	got := sqldb.Rebind(sqldb.Postgres, `SELECT '?' , "a?" FROM t WHERE a = ? AND b IN (?, ?)`)
	want := `SELECT '?' , "a?" FROM t WHERE a = $1 AND b IN ($2, $3)`
	if got != want {
		t.Fatalf("got %s", got)
	}
	if sqldb.Rebind(sqldb.SQLite, "a = ?") != "a = ?" {
		t.Fatal("sqlite must keep ?")
	}
}

func TestPathEnd(t *testing.T) {
	if sqldb.PathEnd("/1/5/") != "/1/50" {
		t.Fatal(sqldb.PathEnd("/1/5/"))
	}
}

func TestMigrateTwiceAndTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		// A failing transaction leaves nothing behind.
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings (key, value) VALUES (?, ?)`, "k", "v"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_settings`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled back rows visible: n=%d err=%v", n, err)
		}
	})
}

// A form submitted twice (even concurrently) makes one change.
func TestFormNonceDoubleSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := sqldb.WithFormNonce(context.Background(), "nonce-1")
				errs[i] = db.Tx(ctx, func(tx *sqldb.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, run_at) VALUES (?, ?)`, "x", "2026-01-01T00:00:00Z")
					return err
				})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, sqldb.ErrDuplicateSubmit):
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM jobs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || n != 1 {
			t.Fatalf("ok=%d rows=%d, want 1 and 1", ok, n)
		}
	})
}

func TestAuditLogAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		_, err := db.ExecContext(ctx, `INSERT INTO audit_log (at, actor_name, entity, action) VALUES ('2026-01-01T00:00:00Z', 'x', 'e', 'a')`)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE audit_log SET actor_name = 'y'`); err == nil {
			t.Fatal("update of audit_log succeeded")
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("delete from audit_log succeeded")
		}
	})
}

// QueryPlanned answers like QueryContext, with its arguments, on both engines and many
// times over (on PostgreSQL past the five runs after which a prepared query may switch
// to a generic plan).
func TestQueryPlanned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		for i := range 12 {
			rows, err := db.QueryPlanned(ctx, `SELECT ? || 'x', ? + 1`, "a"+strconv.Itoa(i), i)
			if err != nil {
				t.Fatal(err)
			}
			var s string
			var n int
			if !rows.Next() {
				t.Fatal("no row")
			}
			if err := rows.Scan(&s, &n); err != nil || s != "a"+strconv.Itoa(i)+"x" || n != i+1 {
				t.Fatalf("run %d: %q %d %v", i, s, n, err)
			}
			rows.Close()
		}
	})
}

// The page cache is the pool's total, shared out: a quarter to the writer, the rest split
// among the readers, each at least SQLite's own 2 MB — so the server's memory follows the
// flag, whatever the number of connections.
func TestSQLiteCacheIsSharedOut(t *testing.T) {
	cacheKiB := func(pool *sql.DB) int {
		var n int
		if err := pool.QueryRowContext(context.Background(), `PRAGMA cache_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return -n // negative: KiB
	}
	for _, c := range []struct{ mb, readers, write, read int }{
		{64, 4, 16384, 12288},
		{0, 8, sqldb.DefaultCacheMB * 1024 / 4, sqldb.DefaultCacheMB * 1024 * 3 / 4 / 8},
		{4, 8, 2000, 2000},
	} {
		db, err := sqldb.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"), sqldb.Options{CacheMB: c.mb, MaxReadConns: c.readers})
		if err != nil {
			t.Fatal(err)
		}
		if w, r := cacheKiB(db.WritePool()), cacheKiB(db.ReadPool()); w != c.write || r != c.read {
			t.Errorf("CacheMB %d, %d readers: writer %d KiB, reader %d KiB; want %d and %d", c.mb, c.readers, w, r, c.write, c.read)
		}
		db.Close()
	}
}
