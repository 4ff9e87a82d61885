// Package dbtest gives each test a fresh, migrated danvan database.
//
// Each, not All: a test runs against SQLite always and, when DANVAN_TEST_POSTGRES_URL is
// set, against PostgreSQL too, as subtests named "sqlite" and "postgres". The same
// assertions run on both engines, so dialect differences cannot hide.
//
// On PostgreSQL a migrated template database is built once per migration set (named by
// a hash of the migration files, under an advisory lock so parallel test binaries agree)
// and each test gets CREATE DATABASE … TEMPLATE, which takes tens of milliseconds.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danvan/internal/sqldb"
)

// PostgresEnv names the variable holding the admin URL of a PostgreSQL server for tests.
const PostgresEnv = "DANVAN_TEST_POSTGRES_URL"

// RequirePostgresEnv names the variable that turns a missing PostgreSQL into a failure
// instead of a skip; .ci/run sets it, and CI=true has the same effect, so a CI run can
// never pass by silently testing SQLite only.
const RequirePostgresEnv = "DANVAN_TEST_REQUIRE_POSTGRES"

func postgresRequired() bool {
	return os.Getenv(RequirePostgresEnv) == "1" || os.Getenv("CI") == "true"
}

// Each runs fn once per available engine, each time on a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	if os.Getenv(PostgresEnv) != "" || postgresRequired() {
		t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
	}
}

// Open returns a fresh migrated database: PostgreSQL when DANVAN_TEST_POSTGRES_URL is set
// and DANVAN_TEST_ENGINE=postgres, SQLite otherwise. Prefer Each.
func Open(t *testing.T) *sqldb.DB {
	t.Helper()
	if os.Getenv(PostgresEnv) != "" && os.Getenv("DANVAN_TEST_ENGINE") == "postgres" {
		return OpenPostgres(t)
	}
	return OpenSQLite(t)
}

// URL returns a database URL for a fresh migrated database of the same engine as Open,
// for tests that start the whole server. The database is dropped when the test ends.
func URL(t *testing.T) string {
	t.Helper()
	if os.Getenv(PostgresEnv) != "" && os.Getenv("DANVAN_TEST_ENGINE") == "postgres" {
		return newPostgresDB(t)
	}
	return filepath.Join(t.TempDir(), "danvan.db")
}

// OpenSQLite returns a fresh migrated SQLite database in the test's temporary folder
// (a test or a benchmark, like OpenPostgres).
func OpenSQLite(t testing.TB) *sqldb.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(t.TempDir(), "test.db"), sqldb.Options{})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return db
}

// OpenPostgres returns a fresh migrated PostgreSQL database; it skips the test when
// DANVAN_TEST_POSTGRES_URL is not set.
func OpenPostgres(t testing.TB) *sqldb.DB {
	t.Helper()
	u := newPostgresDB(t)
	db, err := sqldb.Open(context.Background(), u, sqldb.Options{MaxReadConns: 4})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newPostgresDB(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		if postgresRequired() {
			t.Fatalf("dbtest: PostgreSQL is required here (%s=1 or CI=true) but %s is not set", RequirePostgresEnv, PostgresEnv)
		}
		t.Skip("PostgreSQL tests need DANVAN_TEST_POSTGRES_URL (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable); .ci/run sets it")
	}
	ctx := context.Background()
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	tmpl, err := ensureTemplate(ctx, conn, admin)
	if err != nil {
		t.Fatalf("dbtest: template: %v", err)
	}
	name := "danvan_t_" + randHex(6)
	var lastErr error
	for range 20 { // CREATE DATABASE … TEMPLATE fails while another session still touches the template
		if _, lastErr = conn.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tmpl); lastErr == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lastErr != nil {
		t.Fatalf("dbtest: create database: %v", lastErr)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(admin, name)
}

// ensureTemplate builds the migrated template database once per migration set.
func ensureTemplate(ctx context.Context, conn *sql.DB, admin string) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(sqldb.Migrations(sqldb.Postgres), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sqldb.Migrations(sqldb.Postgres), p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "danvan_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]
	c, err := conn.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "SELECT pg_advisory_lock(734501)"); err != nil {
		return "", err
	}
	defer c.ExecContext(context.Background(), "SELECT pg_advisory_unlock(734501)")
	var exists bool
	if err := c.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	_, _ = c.ExecContext(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	if _, err := c.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	db, err := sqldb.Open(ctx, withDatabase(admin, building), sqldb.Options{})
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	db.Close()
	if err != nil {
		return "", err
	}
	if _, err := c.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		return "", err
	}
	return name, nil
}

func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic(fmt.Sprintf("dbtest: bad %s: %v", PostgresEnv, err))
	}
	u.Path = "/" + name
	return strings.TrimSuffix(u.String(), "?")
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// FixedClock returns a clock that always answers t, for sqldb.Options.Now.
func FixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// EmptyPostgresURL returns the URL of a new, empty PostgreSQL database (no migrations),
// dropped when the test ends: for tests of what instances do on their first start.
// It skips (or fails in CI) like OpenPostgres when no server is configured.
func EmptyPostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		if postgresRequired() {
			t.Fatalf("dbtest: PostgreSQL is required here (%s=1 or CI=true) but %s is not set", RequirePostgresEnv, PostgresEnv)
		}
		t.Skip("PostgreSQL tests need DANVAN_TEST_POSTGRES_URL (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable); .ci/run sets it")
	}
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer conn.Close()
	name := "danvan_e_" + randHex(6)
	if _, err := conn.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("dbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(admin, name)
}
