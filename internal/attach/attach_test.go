package attach_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, _ := zw.Create(n)
		// Padding pushes the part names far from the start of the file.
		w.Write(bytes.Repeat([]byte("<x/>"), 3000))
	}
	zw.Close()
	return b.Bytes()
}

var (
	pdf = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
	png = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	exe = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...)
)

func TestDetectByContent(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdf, "application/pdf"},
		{"png", png, "image/png"},
		{"exe", exe, "application/octet-stream"},
		{"html", []byte("<html><script>alert(1)</script>"), "text/html"},
		{"docx", zipWith(t, "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"xlsx", zipWith(t, "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"plain zip with a word/ folder name", zipWith(t, "word/document.xml"), "application/zip"},
	} {
		if got := attach.Detect(c.data); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestSaveChecksAndStoresByHash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		st := &attach.Store{DB: db, Dir: t.TempDir(), MaxSize: 1 << 10}
		save := func(u attach.Upload) (attach.File, error) {
			var f attach.File
			err := db.Tx(ctx, func(tx *sqldb.Tx) (err error) {
				f, err = st.Save(ctx, tx, "test", 7, u, attach.Documents)
				return err
			})
			return f, err
		}
		for _, bad := range []attach.Upload{
			{Name: "hoa-don.pdf", Data: exe}, // renamed .exe
			{Name: "trang.pdf", Data: []byte("<html><script>x</script>")},
			{Name: "lon.pdf", Data: append(pdf, make([]byte, 2<<10)...)}, // over 1 KB
			{Name: "rong.pdf"},
		} {
			_, err := save(bad)
			if apperr.KindOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "Tệp") {
				t.Errorf("%s accepted or wrong error: %v", bad.Name, err)
			}
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments`).Scan(&n)
		if n != 0 {
			t.Fatalf("%d rows after refusals", n)
		}
		a, err := save(attach.Upload{Name: `..\..\Đơn khiếu nại.pdf`, Data: pdf})
		if err != nil {
			t.Fatal(err)
		}
		b, err := save(attach.Upload{Name: "ban-sao.pdf", Data: pdf})
		if err != nil {
			t.Fatal(err)
		}
		if a.SHA256 != b.SHA256 || a.ID == b.ID || a.Name != "Đơn khiếu nại.pdf" || a.MIME != "application/pdf" {
			t.Fatalf("files %+v %+v", a, b)
		}
		got, err := st.Get(ctx, a.ID)
		if err != nil || got.OwnerType != "test" || got.OwnerID != 7 {
			t.Fatalf("Get: %+v %v", got, err)
		}
		rc, err := st.Open(got)
		if err != nil {
			t.Fatal(err)
		}
		content, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(content, pdf) {
			t.Fatal("content differs")
		}
		if _, err := st.Get(ctx, 999999); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("missing file: %v", err)
		}
	})
}
