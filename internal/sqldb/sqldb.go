// Package sqldb opens danvan's database — embedded SQLite by default, PostgreSQL for
// scale-out — and gives one code path for both: SQL is written once with `?`
// placeholders and rebound to `$n` for PostgreSQL; only DDL and a few expressions
// (search, date bucketing) differ by Dialect.
//
// On SQLite every write goes through a single connection opened with
// _txlock=immediate, so a transaction that reads then writes never fails with
// "database is locked"; reads use a separate pool. On PostgreSQL both are one pool.
//
// A transaction carries the clock (Tx.Now), so services stamp every row of one change
// with the same time and tests can fix the time.
package sqldb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier is what both *DB and *Tx offer, so read helpers work inside or outside a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	Dialect() Dialect
}

// DB is danvan's database handle.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time
	url     string
	path    string     // SQLite file path
	stmts   *stmtCache // prepared read statements, SQLite only (nil on PostgreSQL)
}

// Options tune Open.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxReadConns bounds the read pool (default 2×CPU-ish).
	MaxReadConns int
	// CacheMB is SQLite's page cache in MB, shared out among the connections: the writer
	// gets a quarter, the readers split the rest (DefaultCacheMB when 0). Each connection
	// keeps a cache of its own, so it is the pool's total, not a connection's, that shows in
	// the server's memory; the pages not cached are read from the operating system's file
	// cache. PostgreSQL ignores it.
	CacheMB int
}

// DefaultCacheMB is the page cache of a SQLite database when Options.CacheMB is 0.
const DefaultCacheMB = 288

// IsPostgresURL reports whether a database URL names PostgreSQL.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open opens the database named by url: a postgres:// URL, or a SQLite file path
// (optionally prefixed with "sqlite:" or "file:"). The SQLite file's folder is created.
func Open(ctx context.Context, url string, o Options) (*DB, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	if IsPostgresURL(url) {
		pool, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("sqldb: open postgres: %w", err)
		}
		pool.SetMaxOpenConns(max(o.MaxReadConns, 20))
		pool.SetMaxIdleConns(max(o.MaxReadConns, 20))
		pool.SetConnMaxIdleTime(5 * time.Minute)
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("sqldb: connect postgres: %w", err)
		}
		return &DB{dialect: Postgres, write: pool, read: pool, now: now, url: url}, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("sqldb: empty SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("sqldb: create data folder: %w", err)
	}
	n := o.MaxReadConns
	if n <= 0 {
		n = 8
	}
	cacheMB := o.CacheMB
	if cacheMB <= 0 {
		cacheMB = DefaultCacheMB
	}
	// cache_size with a minus sign is in KiB; at least SQLite's own default of 2 MB each.
	writeKiB, readKiB := max(cacheMB*1024/4, 2000), max(cacheMB*1024*3/4/n, 2000)
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+fmt.Sprintf("&_pragma=cache_size(-%d)", writeKiB)+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqldb: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqldb: open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+fmt.Sprintf("&_pragma=cache_size(-%d)", readKiB)+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqldb: open sqlite reader: %w", err)
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxIdleTime(0)
	return &DB{dialect: SQLite, write: write, read: read, now: now, url: url, path: path, stmts: newStmtCache(read)}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	if db.stmts != nil {
		err = db.stmts.close()
	}
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// URL returns the URL or SQLite path the database was opened with, so a second handle
// (a second "instance" in tests) can be opened on the same database.
func (db *DB) URL() string { return db.url }

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Now returns the current time from the database's clock, in UTC.
func (db *DB) Now() time.Time { return db.now().UTC() }

// SQLitePath returns the file path of a SQLite database, "" for PostgreSQL.
func (db *DB) SQLitePath() string { return db.path }

// ReadPool and WritePool expose the pools for metrics and for libraries that need a *sql.DB.
func (db *DB) ReadPool() *sql.DB  { return db.read }
func (db *DB) WritePool() *sql.DB { return db.write }

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// QueryContext runs a read query on the read pool.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if db.stmts != nil {
		if st := db.stmts.get(ctx, q); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return db.read.QueryContext(ctx, Rebind(db.dialect, q), args...)
}

// CountUpTo counts the rows of "FROM from" (a table with its WHERE, args bound to its
// placeholders), stopping at n: a page that only needs to know "more than n" or "under n"
// reads at most n index entries instead of a national subtree.
func (db *DB) CountUpTo(ctx context.Context, n int, from string, args ...any) (int, error) {
	var got int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+from+` LIMIT `+strconv.Itoa(n)+`) x`, args...).Scan(&got)
	return got, err
}

// HintNeeded reports whether a query over "FROM from" should be given an index hint
// (IndexedBy): on SQLite when from holds more than n rows, counted up to n+1, since its
// planner's choice suits a small set but can sort a national one whole where an index
// would stop at the page; never on PostgreSQL, which takes no hints and plans such
// queries from its statistics.
func (db *DB) HintNeeded(ctx context.Context, n int, from string, args ...any) (bool, error) {
	if db.dialect != SQLite {
		return false, nil
	}
	got, err := db.CountUpTo(ctx, n+1, from, args...)
	return got > n, err
}

// IndexedBy returns the SQLite hint that makes a table read through the named index
// (" INDEXED BY name"), or "" on PostgreSQL, which takes no hints: write the query so
// that the index is its natural choice there.
func (db *DB) IndexedBy(index string) string {
	if db.dialect == SQLite {
		return " INDEXED BY " + index
	}
	return ""
}

// QueryPlanned runs a read query that the database must plan for these very arguments,
// every time: a search whose best plan depends on the words searched for. On
// PostgreSQL, pgx prepares each query once per connection, and after five runs the
// server may switch it to a generic plan chosen without the arguments; for the people
// search that plan intersected the trigram and path indexes over the whole tree
// whatever the name (175–610 ms where the plan for the name takes 6 ms). Here the query
// goes as an unnamed statement, planned each time. Making every query so cost the plans
// page and the task page 2–3 times their time (their joins take longer to plan than
// to run), hence a separate call. SQLite plans each statement at prepare time with
// its own statistics, so the statement cache is fine there.
func (db *DB) QueryPlanned(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if db.dialect == Postgres {
		return db.read.QueryContext(ctx, Rebind(db.dialect, q), append([]any{pgx.QueryExecModeExec}, args...)...)
	}
	return db.QueryContext(ctx, q, args...)
}

// QueryRowContext runs a one-row read query on the read pool.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if db.stmts != nil {
		if st := db.stmts.get(ctx, q); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return db.read.QueryRowContext(ctx, Rebind(db.dialect, q), args...)
}

// ExecContext runs one statement outside a transaction, on the writer. Prefer Tx for changes
// that must be audited.
func (db *DB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, Rebind(db.dialect, q), args...)
}

// Tx is a write transaction with its clock.
type Tx struct {
	tx  *sql.Tx
	db  *DB
	now time.Time
}

// Tx runs fn in a write transaction (BEGIN IMMEDIATE on SQLite), committing when fn
// returns nil and rolling back otherwise. A panic rolls back and re-panics.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	stx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqldb: begin: %w", err)
	}
	tx := &Tx{tx: stx, db: db, now: db.Now()}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
	}()
	st, err := db.claimNonce(ctx, tx)
	if err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := fn(tx); err != nil {
		_ = stx.Rollback()
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqldb: commit: %w", err)
	}
	if st != nil {
		st.claimed = true
	}
	return nil
}

// Now is the transaction's time: every row of one change carries the same instant.
func (tx *Tx) Now() time.Time { return tx.now }

// Dialect returns the engine.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// DB returns the database the transaction belongs to.
func (tx *Tx) DB() *DB { return tx.db }

func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, Rebind(tx.db.dialect, q), args...)
}

func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, Rebind(tx.db.dialect, q), args...)
}

func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, Rebind(tx.db.dialect, q), args...)
}

// InsertID runs an INSERT … RETURNING id and returns the new id. The query must end with
// "RETURNING id" (both engines support it).
func (tx *Tx) InsertID(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, q, args...).Scan(&id)
	return id, err
}

// Rebind turns `?` placeholders into `$1, $2…` for PostgreSQL, leaving `?` inside quoted
// strings and identifiers alone.
func Rebind(d Dialect, q string) string {
	if d != Postgres || strings.IndexByte(q, '?') < 0 {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			b.WriteByte(c)
		case c == '\'' || c == '"':
			quote = c
			b.WriteByte(c)
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(fmt.Sprint(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Placeholders returns "?, ?, ?" with n marks, for IN lists.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// ValueRows returns n rows of k placeholders, "(?, ?), (?, ?)", for multi-row INSERTs.
func ValueRows(n, k int) string {
	one := "(" + Placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505") || strings.Contains(s, "duplicate key value")
}

//go:embed migrations
var migrationFiles embed.FS

// Migrations returns the embedded migration folder for a dialect.
func Migrations(d Dialect) fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(d))
	if err != nil {
		panic(err) // the folders are embedded at build time; a missing one is a build mistake
	}
	return sub
}
