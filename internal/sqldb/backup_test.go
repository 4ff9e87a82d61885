package sqldb_test

import (
	"context"
	"path/filepath"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

func TestBackupIsAUsableCopy(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `INSERT INTO app_settings (key, value) VALUES ('k', 'giá trị')`); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, target); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, target); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
	cp, err := sqldb.Open(ctx, target, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	var v string
	if err := cp.QueryRowContext(ctx, `SELECT value FROM app_settings WHERE key = 'k'`).Scan(&v); err != nil || v != "giá trị" {
		t.Fatalf("copy: %q %v", v, err)
	}
}
