// Package attach stores attachments (tệp đính kèm) under the data folder by content
// hash, with the type checked by content (not by name) and a size limit. The web layer
// serves a file only to someone who may see the record that owns it.
package attach

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/sqldb"
)

// Kinds of content accepted, by detected MIME type.
var (
	Documents = []string{"application/pdf", "image/jpeg", "image/png"}
	Images    = []string{"image/jpeg", "image/png", "image/webp", "image/gif"}
	Office    = []string{"application/pdf", "image/jpeg", "image/png",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
)

// DefaultMaxSize is the limit of one file.
const DefaultMaxSize = 10 << 20

// Store keeps files on disk and their records in the attachments table.
type Store struct {
	DB      *sqldb.DB
	Dir     string // folder for the files, under the data folder
	MaxSize int64
}

// File is an attachment's record.
type File struct {
	ID        int64
	SHA256    string
	Size      int64
	MIME      string
	Name      string
	OwnerType string // "petition", "task_report", "model", …
	OwnerID   int64
	CreatedAt string
}

// Upload is a file received from a form.
type Upload struct {
	Name string
	Data []byte
}

// Detect returns the MIME type of data by content. Office Open XML files are zip files;
// they are recognised by the part names inside.
func Detect(data []byte) string {
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if ct == "application/zip" || ct == "application/x-zip-compressed" {
		// Read the archive's directory (not its contents): the main part's name tells
		// a Word document from a workbook wherever it lies in the file.
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ct
		}
		types := false
		for _, f := range zr.File {
			types = types || f.Name == "[Content_Types].xml"
		}
		for _, f := range zr.File {
			switch {
			case !types:
			case f.Name == "word/document.xml":
				return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
			case f.Name == "xl/workbook.xml":
				return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			}
		}
	}
	return ct
}

// Check validates an upload against a size limit and accepted types, with a message a
// citizen understands. Errors: Invalid.
func (s *Store) Check(u Upload, accepted []string) (string, error) {
	max := s.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	name := u.Name
	if len(u.Data) == 0 {
		return "", invalid(fmt.Sprintf("Tệp \"%s\" rỗng.", clean(name)))
	}
	if int64(len(u.Data)) > max {
		return "", invalid(fmt.Sprintf("Tệp \"%s\" lớn hơn giới hạn %d MB.", clean(name), max>>20))
	}
	mime := Detect(u.Data)
	for _, a := range accepted {
		if a == mime {
			return mime, nil
		}
	}
	return "", invalid(fmt.Sprintf("Tệp \"%s\" không đúng định dạng cho phép (%s). Nội dung tệp được kiểm tra, không dựa vào tên tệp.", clean(name), describe(accepted)))
}

func invalid(msg string) error {
	return &apperr.Error{Kind: apperr.Invalid, Op: "attach.Check", Message: msg, Fields: map[string]string{"files": msg}}
}

func describe(accepted []string) string {
	var names []string
	for _, a := range accepted {
		switch a {
		case "application/pdf":
			names = append(names, "PDF")
		case "image/jpeg":
			names = append(names, "JPG")
		case "image/png":
			names = append(names, "PNG")
		case "image/webp":
			names = append(names, "WEBP")
		case "image/gif":
			names = append(names, "GIF")
		case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
			names = append(names, "DOCX")
		case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
			names = append(names, "XLSX")
		}
	}
	return strings.Join(names, ", ")
}

func clean(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.ToValidUTF8(name, "")
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	if name == "." || name == "/" || name == "" {
		name = "tep"
	}
	return name
}

// Save checks and stores an upload for an owner inside tx. The file is written to disk
// first (by hash, so a rolled-back transaction leaves at most an unreferenced file).
// Errors: Invalid.
func (s *Store) Save(ctx context.Context, tx *sqldb.Tx, ownerType string, ownerID int64, u Upload, accepted []string) (File, error) {
	mime, err := s.Check(u, accepted)
	if err != nil {
		return File{}, err
	}
	sum := sha256.Sum256(u.Data)
	h := hex.EncodeToString(sum[:])
	p := s.path(h)
	if _, err := os.Stat(p); err != nil {
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			return File{}, apperr.Wrap("attach.Save", err)
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, u.Data, 0o640); err != nil {
			return File{}, apperr.Wrap("attach.Save", err)
		}
		if err := os.Rename(tmp, p); err != nil {
			return File{}, apperr.Wrap("attach.Save", err)
		}
	}
	f := File{SHA256: h, Size: int64(len(u.Data)), MIME: mime, Name: clean(u.Name), OwnerType: ownerType, OwnerID: ownerID, CreatedAt: sqldb.FormatTime(tx.Now())}
	var by any
	if a := actorID(ctx); a != 0 {
		by = a
	}
	f.ID, err = tx.InsertID(ctx, `INSERT INTO attachments (sha256, size, mime, name, owner_type, owner_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.SHA256, f.Size, f.MIME, f.Name, f.OwnerType, f.OwnerID, by, f.CreatedAt)
	return f, apperr.Wrap("attach.Save", err)
}

func (s *Store) path(hash string) string {
	return filepath.Join(s.Dir, hash[:2], hash[2:4], hash)
}

// List returns an owner's files.
func (s *Store) List(ctx context.Context, q sqldb.Querier, ownerType string, ownerID int64) ([]File, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, sha256, size, mime, name, owner_type, owner_id, created_at FROM attachments WHERE owner_type = ? AND owner_id = ? ORDER BY id`, ownerType, ownerID)
	if err != nil {
		return nil, apperr.Wrap("attach.List", err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.SHA256, &f.Size, &f.MIME, &f.Name, &f.OwnerType, &f.OwnerID, &f.CreatedAt); err != nil {
			return nil, apperr.Wrap("attach.List", err)
		}
		out = append(out, f)
	}
	return out, apperr.Wrap("attach.List", rows.Err())
}

// Get returns a file's record. Errors: NotFound.
func (s *Store) Get(ctx context.Context, id int64) (File, error) {
	var f File
	err := s.DB.QueryRowContext(ctx, `SELECT id, sha256, size, mime, name, owner_type, owner_id, created_at FROM attachments WHERE id = ?`, id).
		Scan(&f.ID, &f.SHA256, &f.Size, &f.MIME, &f.Name, &f.OwnerType, &f.OwnerID, &f.CreatedAt)
	if err != nil {
		return File{}, apperr.New(apperr.NotFound, "attach.Get", "Không tìm thấy tệp.")
	}
	return f, nil
}

// Open returns the content of a file.
func (s *Store) Open(f File) (io.ReadSeekCloser, error) {
	fh, err := os.Open(s.path(f.SHA256))
	if err != nil {
		return nil, apperr.Wrap("attach.Open", err)
	}
	return fh, nil
}

func actorID(ctx context.Context) int64 { return audit.ActorFrom(ctx).UserID }
