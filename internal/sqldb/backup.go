package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of a live SQLite database to path with VACUUM INTO,
// which reads one snapshot while writers go on. The target must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errors.New("sqldb: backup is for SQLite; use pg_dump for PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqldb: backup target %s already exists", path)
	}
	if strings.ContainsAny(path, "'\x00") {
		return errors.New("sqldb: backup path must not contain quotes")
	}
	// A connection of its own: the read pool is query_only, and the writer must stay free
	// for the live site while the copy is made from a snapshot.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("sqldb: backup: %w", err)
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, "VACUUM INTO '"+path+"'")
	if err != nil {
		return fmt.Errorf("sqldb: backup: %w", err)
	}
	return nil
}
