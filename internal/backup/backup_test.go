package backup_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/backup"
	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

// pngOf is a small picture that differs for every n (so every upload is a new file).
func pngOf(t *testing.T, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(n%4, (n/4)%4, color.RGBA{uint8(n), uint8(n >> 8), uint8(n >> 16), 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBackupUnderLoadRestoresEveryRow: four writers save attachments with their audit
// entries as fast as they can while the backup is made; the restore into an empty data
// folder holds exactly what the manifest claims (every table's count and hash, every
// file), which is at least what had been committed when the backup started.
func TestBackupUnderLoadRestoresEveryRow(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	ctx := context.Background()
	files := &attach.Store{DB: db, Dir: filepath.Join(t.TempDir(), "files"), MaxSize: attach.DefaultMaxSize}
	var written atomic.Int64
	write := func(n int) error {
		return db.Tx(ctx, func(tx *sqldb.Tx) error {
			f, err := files.Save(ctx, tx, "backup-test", int64(n), attach.Upload{Name: fmt.Sprintf("anh-%d.png", n), Data: pngOf(t, n)}, attach.Images)
			if err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{Entity: "backup-test", EntityID: f.ID, Action: "create", Summary: fmt.Sprintf("Tệp thứ %d", n)})
		})
	}
	for n := range 50 { // something to copy before the load starts
		if err := write(n); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Value
	var next atomic.Int64
	next.Store(50)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := write(int(next.Add(1))); err != nil {
					failed.Store(err)
					return
				}
				written.Add(1)
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // the writers are running
	before := count(t, db, `SELECT COUNT(*) FROM attachments`)
	target := filepath.Join(t.TempDir(), "sao-luu")
	m, err := backup.Make(ctx, db, files.Dir, target)
	after := count(t, db, `SELECT COUNT(*) FROM attachments`)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if e := failed.Load(); e != nil {
		t.Fatalf("a writer failed during the backup: %v", e)
	}
	if after <= before {
		t.Fatalf("no write happened while the backup was made (%d then %d): the test proves nothing", before, after)
	}
	got := m.Tables["attachments"].Rows
	if got < before || got > after {
		t.Fatalf("the backup holds %d attachments; %d were committed when it began, %d when it ended", got, before, after)
	}
	if m.Files != int(got) || m.Tables["audit_log"].Rows < got {
		t.Fatalf("manifest: %d files, %d audit entries for %d attachments", m.Files, m.Tables["audit_log"].Rows, got)
	}
	t.Logf("backup of %d tables, %d rows, %d files made while %d more writes went on", len(m.Tables), m.Rows(), m.Files, written.Load())

	// Restore into an empty data folder: the restored database sums as the manifest says.
	dataDir := filepath.Join(t.TempDir(), "data")
	rm, err := backup.Restore(ctx, target, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, backup.DatabaseFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sums, err := backup.Sum(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range rm.Tables {
		if sums[name] != want {
			t.Errorf("restored %s: %+v, the manifest says %+v", name, sums[name], want)
		}
	}
	// Every attachment of the restored database opens from the restored files.
	restoredFiles := filepath.Join(dataDir, backup.FilesDir)
	rows, err := conn.QueryContext(ctx, `SELECT sha256 FROM attachments`)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for rows.Next() {
		var h string
		rows.Scan(&h)
		if _, err := os.Stat(filepath.Join(restoredFiles, h[:2], h[2:4], h)); err != nil {
			t.Errorf("restored attachment %s: %v", h, err)
		}
		n++
	}
	rows.Close()
	if int64(n) != got {
		t.Fatalf("%d attachments restored, want %d", n, got)
	}

	// Restoring again over the restored database is refused and changes nothing.
	if _, err := backup.Restore(ctx, target, dataDir); apperr.KindOf(err) != apperr.Conflict {
		t.Fatalf("restore over a database: %v, want a conflict", err)
	}
}

// TestRestoreRefusesADamagedBackup: a row changed in the copy, a missing file or a lost
// manifest stop the restore before it writes anything.
func TestRestoreRefusesADamagedBackup(t *testing.T) {
	ctx := context.Background()
	newBackup := func(t *testing.T) string {
		db := dbtest.OpenSQLite(t)
		files := &attach.Store{DB: db, Dir: filepath.Join(t.TempDir(), "files"), MaxSize: attach.DefaultMaxSize}
		if err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			_, err := files.Save(ctx, tx, "backup-test", 1, attach.Upload{Name: "a.png", Data: pngOf(t, 7)}, attach.Images)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(t.TempDir(), "sao-luu")
		if _, err := backup.Make(ctx, db, files.Dir, target); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Make(ctx, db, files.Dir, target); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("a backup into an existing folder: %v", err)
		}
		return target
	}
	cases := map[string]func(t *testing.T, dir string){
		"a row changed": func(t *testing.T, dir string) {
			conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, backup.DatabaseFile))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Exec(`UPDATE attachments SET name = 'khac.png'`); err != nil {
				t.Fatal(err)
			}
		},
		"a file missing": func(t *testing.T, dir string) {
			if err := os.RemoveAll(filepath.Join(dir, backup.FilesDir)); err != nil {
				t.Fatal(err)
			}
		},
		"no manifest": func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, backup.ManifestFile)); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			dir := newBackup(t)
			damage(t, dir)
			dataDir := filepath.Join(t.TempDir(), "data")
			_, err := backup.Restore(ctx, dir, dataDir)
			if apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("restore of a damaged backup: %v, want a refusal", err)
			}
			if _, err := os.Stat(filepath.Join(dataDir, backup.DatabaseFile)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the refused restore wrote a database: %v", err)
			}
		})
	}
}

func count(t *testing.T, db *sqldb.DB, q string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
