// Package backup makes and restores a copy of a danvan data folder on SQLite: the
// database (a consistent snapshot taken while the site goes on writing), the uploaded files
// its attachments reference, and a manifest with the row count and a content hash of every
// table. A restore checks the copy against the manifest before it writes anything and the
// restored database against it afterwards, so "restored" means every row the backup
// claimed is there, byte for byte. (PostgreSQL has pg_dump and pg_restore for this.)
package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/sqldb"
)

// Names inside a backup folder and a data folder.
const (
	DatabaseFile = "danvan.db"     // the database, as in the data folder
	FilesDir     = "files"         // the attachments, as in the data folder
	ManifestFile = "manifest.json" // what the backup holds
)

// Manifest says what a backup holds.
type Manifest struct {
	Made   time.Time           `json:"made"`
	Tables map[string]TableSum `json:"tables"`
	Files  int                 `json:"files"` // files referenced by the attachments and copied
}

// TableSum is a table's row count and the SHA-256 of its rows in primary-key order.
type TableSum struct {
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Rows is the number of rows of every table.
func (m Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// Make writes a backup of the live database db and the files under filesDir into the
// folder target, which must not exist. The database is copied from one snapshot (VACUUM
// INTO) while writers go on; the files are content-addressed and never changed, so those
// the snapshot references are all on disk when it is taken (a file is written before the
// row that references it commits) and are copied after it.
func Make(ctx context.Context, db *sqldb.DB, filesDir, target string) (Manifest, error) {
	const op = "backup.Make"
	if _, err := os.Stat(target); err == nil {
		return Manifest{}, apperr.New(apperr.Conflict, op, "Thư mục sao lưu "+target+" đã có; hãy chọn thư mục mới.")
	}
	if err := os.MkdirAll(target, 0o750); err != nil {
		return Manifest{}, apperr.Wrap(op, err)
	}
	dbPath := filepath.Join(target, DatabaseFile)
	if err := db.Backup(ctx, dbPath); err != nil {
		return Manifest{}, apperr.Wrap(op, err)
	}
	m := Manifest{Made: time.Now().UTC()}
	err := withReadOnly(ctx, dbPath, func(conn *sql.DB) error {
		var err error
		if m.Tables, err = Sum(ctx, conn); err != nil {
			return err
		}
		m.Files, err = copyFiles(ctx, conn, filesDir, filepath.Join(target, FilesDir))
		return err
	})
	if err != nil {
		return Manifest{}, apperr.Wrap(op, err)
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, apperr.Wrap(op, err)
	}
	return m, apperr.Wrap(op, os.WriteFile(filepath.Join(target, ManifestFile), raw, 0o640))
}

// Restore puts the backup in the folder source into the data folder dataDir, which must
// hold no database yet. It checks the backup against its manifest first (a damaged or
// edited copy writes nothing), copies the database and the files, and checks the restored
// database against the manifest again.
func Restore(ctx context.Context, source, dataDir string) (Manifest, error) {
	const op = "backup.Restore"
	m, err := Verify(ctx, source)
	if err != nil {
		return m, err
	}
	dst := filepath.Join(dataDir, DatabaseFile)
	for _, p := range []string{dst, dst + "-wal"} {
		if _, err := os.Stat(p); err == nil {
			return m, apperr.New(apperr.Conflict, op, "Thư mục dữ liệu "+dataDir+" đã có cơ sở dữ liệu ("+filepath.Base(p)+"); hãy khôi phục vào thư mục trống, hoặc chuyển tệp cũ đi trước.")
		}
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return m, apperr.Wrap(op, err)
	}
	if err := copyFile(filepath.Join(source, DatabaseFile), dst); err != nil {
		return m, apperr.Wrap(op, err)
	}
	if err := copyTree(filepath.Join(source, FilesDir), filepath.Join(dataDir, FilesDir)); err != nil {
		return m, apperr.Wrap(op, err)
	}
	err = withReadOnly(ctx, dst, func(conn *sql.DB) error {
		got, err := Sum(ctx, conn)
		if err != nil {
			return err
		}
		return compare(m.Tables, got)
	})
	return m, apperr.Wrap(op, err)
}

// Verify reads the manifest of the backup in source and checks the backup against it:
// every table's count and hash, every referenced file present with its hash.
func Verify(ctx context.Context, source string) (Manifest, error) {
	const op = "backup.Verify"
	var m Manifest
	raw, err := os.ReadFile(filepath.Join(source, ManifestFile))
	if err != nil {
		return m, apperr.New(apperr.Invalid, op, "Không đọc được "+ManifestFile+" trong "+source+": đây không phải thư mục sao lưu của danvan.")
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Tables == nil {
		return m, apperr.New(apperr.Invalid, op, ManifestFile+" trong "+source+" bị hỏng.")
	}
	err = withReadOnly(ctx, filepath.Join(source, DatabaseFile), func(conn *sql.DB) error {
		got, err := Sum(ctx, conn)
		if err != nil {
			return err
		}
		if err := compare(m.Tables, got); err != nil {
			return err
		}
		n, err := checkFiles(ctx, conn, filepath.Join(source, FilesDir))
		if err == nil && n != m.Files {
			err = fmt.Errorf("the backup holds %d files, its manifest says %d", n, m.Files)
		}
		return err
	})
	if err != nil {
		return m, apperr.New(apperr.Invalid, op, "Bản sao lưu không khớp với "+ManifestFile+", không khôi phục: "+err.Error())
	}
	return m, nil
}

// Sum counts and hashes every table of a SQLite database. Rows are read in the order of
// all their columns, so the hash depends on the content only, not on where rows sit in
// the file; each value is written with its type, so 1 and '1' differ.
func Sum(ctx context.Context, conn *sql.DB) (map[string]TableSum, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[string]TableSum, len(tables))
	for _, t := range tables {
		s, err := sumTable(ctx, conn, t)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", t, err)
		}
		out[t] = s
	}
	return out, nil
}

func sumTable(ctx context.Context, conn *sql.DB, table string) (TableSum, error) {
	quoted := `"` + strings.ReplaceAll(table, `"`, `""`) + `"`
	var ncol int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info(?)`, table).Scan(&ncol); err != nil {
		return TableSum{}, err
	}
	order := make([]string, ncol)
	for i := range order {
		order[i] = fmt.Sprint(i + 1)
	}
	rows, err := conn.QueryContext(ctx, `SELECT * FROM `+quoted+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, ncol)
	ptrs := make([]any, ncol)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return TableSum{}, err
		}
		for _, v := range vals {
			writeValue(h, v)
		}
		h.Write([]byte{'\n'})
		n++
	}
	return TableSum{Rows: n, SHA256: hex.EncodeToString(h.Sum(nil))}, rows.Err()
}

func writeValue(h hash.Hash, v any) {
	switch x := v.(type) {
	case nil:
		io.WriteString(h, "N\x1f")
	case []byte:
		fmt.Fprintf(h, "B%d:%x\x1f", len(x), x)
	case string:
		fmt.Fprintf(h, "S%d:%s\x1f", len(x), x)
	case time.Time:
		fmt.Fprintf(h, "T%s\x1f", x.UTC().Format(time.RFC3339Nano))
	default:
		fmt.Fprintf(h, "%T:%v\x1f", x, x)
	}
}

// compare reports the first tables whose count or hash differ, by name.
func compare(want, got map[string]TableSum) error {
	var bad []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			bad = append(bad, name+" (missing)")
		case g.Rows != w.Rows:
			bad = append(bad, fmt.Sprintf("%s (%d rows, want %d)", name, g.Rows, w.Rows))
		case g.SHA256 != w.SHA256:
			bad = append(bad, name+" (content differs)")
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			bad = append(bad, name+" (not in the manifest)")
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return errors.New("tables " + strings.Join(bad, ", "))
}

// referenced lists the distinct hashes of the attachments of a database.
func referenced(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT DISTINCT sha256 FROM attachments ORDER BY sha256`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		if len(h) == 64 {
			out = append(out, h)
		}
	}
	return out, rows.Err()
}

// filePath is where the attachment store keeps a file (attach.Store's layout).
func filePath(dir, hash string) string { return filepath.Join(dir, hash[:2], hash[2:4], hash) }

func copyFiles(ctx context.Context, conn *sql.DB, from, to string) (int, error) {
	hashes, err := referenced(ctx, conn)
	if err != nil {
		return 0, err
	}
	for _, h := range hashes {
		if err := copyFile(filePath(from, h), filePath(to, h)); err != nil {
			return 0, fmt.Errorf("attachment %s: %w", h, err)
		}
	}
	return len(hashes), nil
}

// checkFiles checks that every file the database references is in dir with its hash.
func checkFiles(ctx context.Context, conn *sql.DB, dir string) (int, error) {
	hashes, err := referenced(ctx, conn)
	if err != nil {
		return 0, err
	}
	for _, h := range hashes {
		f, err := os.Open(filePath(dir, h))
		if err != nil {
			return 0, fmt.Errorf("attachment %s is missing", h)
		}
		s := sha256.New()
		_, err = io.Copy(s, f)
		f.Close()
		if err != nil || hex.EncodeToString(s.Sum(nil)) != h {
			return 0, fmt.Errorf("attachment %s is damaged", h)
		}
	}
	return len(hashes), nil
}

func withReadOnly(ctx context.Context, path string, fn func(*sql.DB) error) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	return fn(conn)
}

// copyFile copies a file through a temporary name, so a half-written copy never has the
// final name.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
		return err
	}
	tmp := to + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, to)
}

// copyTree copies every regular file below from into to; a missing from is an empty tree.
func copyTree(from, to string) error {
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		return copyFile(p, filepath.Join(to, rel))
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
