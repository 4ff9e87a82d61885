package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"danvan/internal/calendar"
	"danvan/internal/export"

	"github.com/xuri/excelize/v2"
)

func exportDoc() export.Document {
	return export.Document{
		Issuer: "ĐẢNG ỦY SỞ TƯ PHÁP", Number: "12-KH/ĐU", Place: "Hà Nội",
		Date:  calendar.NewDate(2026, time.December, 1),
		Title: "KẾ HOẠCH", Blocks: []export.Block{export.Text("Nội dung")},
		Signature: export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ", Name: "Nguyễn Thị Hương"},
	}
}

func TestSendDocumentDOCX(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := sendDocument(rec, httptest.NewRequest("GET", "/x", nil), nil, nil, "docx", "Kế hoạch 12-KH-ĐU", exportDoc()); err != nil {
		t.Fatal(err)
	}
	if ct := rec.Header().Get("Content-Type"); ct != export.ContentTypeDOCX {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="ke hoach 12-kh-du.docx"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	body := rec.Body.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		found = found || f.Name == "word/document.xml"
	}
	if !found {
		t.Error("no word/document.xml")
	}
}

// Without a browser a PDF request still gets a PDF file, written in Go.
func TestSendDocumentPDFWithoutBrowser(t *testing.T) {
	for name, p := range map[string]*export.Printer{"no printer": nil, "default printer": {ExecPath: "/nonexistent/chromium"}} {
		rec := httptest.NewRecorder()
		if err := sendDocument(rec, httptest.NewRequest("GET", "/x", nil), p, nil, "pdf", "Kế hoạch", exportDoc()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		h := rec.Header()
		if h.Get("Content-Type") != export.ContentTypePDF || !strings.Contains(h.Get("Content-Disposition"), ".pdf") {
			t.Errorf("%s: headers %v", name, h)
		}
		if body := rec.Body.Bytes(); !bytes.HasPrefix(body, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(body), []byte("%%EOF")) {
			t.Errorf("%s: not a PDF", name)
		}
	}
}

func TestSendDocumentPDF(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("DANVAN_TEST_BROWSER") == "1" {
			t.Fatal("chromium is not installed and DANVAN_TEST_BROWSER=1")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium)")
	}
	p := &export.Printer{Browser: true}
	defer p.Close()
	rec := httptest.NewRecorder()
	if err := sendDocument(rec, httptest.NewRequest("GET", "/x", nil), p, nil, "pdf", "Kế hoạch", exportDoc()); err != nil {
		t.Fatal(err)
	}
	if rec.Header().Get("Content-Type") != export.ContentTypePDF || !bytes.HasPrefix(rec.Body.Bytes(), []byte("%PDF-")) {
		t.Errorf("not a PDF: %v", rec.Header())
	}
}

func TestSendSheets(t *testing.T) {
	rec := httptest.NewRecorder()
	err := sendSheets(rec, nil, "Nhiệm vụ", export.Sheet{Columns: []export.Column{{Header: "Nhiệm vụ"}}, Rows: [][]any{{"Hội nghị"}}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Header().Get("Content-Type") != export.ContentTypeXLSX {
		t.Errorf("headers %v", rec.Header())
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(f.GetSheetName(0), "A2"); v != "Hội nghị" {
		t.Errorf("A2 = %q", v)
	}
}

// attachOnWrite leaves the headers alone until the first byte, so an error page can follow.
func TestAttachOnWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	a := &attachOnWrite{w: rec, contentType: export.ContentTypeXLSX, filename: "a.xlsx"}
	if rec.Header().Get("Content-Disposition") != "" {
		t.Fatal("headers set before writing")
	}
	a.Write([]byte("x"))
	if rec.Header().Get("Content-Disposition") == "" || rec.Code != http.StatusOK {
		t.Error("headers not set at the first write")
	}
}
