package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"danvan/internal/org/peopleimport"
)

// importWalk uploads an .xlsx from the import form at base (signed in as bithu1):
// first a file with a bad row, whose run page lists the row and its reason, then the
// corrected file, whose run page ends with the summary. The browser follows the redirect
// to the run page and its self-refresh, without JavaScript of ours.
func importWalk(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	rows := [][]string{
		{"Phan Văn Nhập", "Nam", "1984", "", "", "Có", "STP", "Đảng viên", "01/02/2021"},
		{"Ngô Thị Tệp", "Nữ", "1992", "", "", "Không", "STP"},
		{"Lý Văn Sai", "Khác", "1990", "", "", "", "STP"},
	}
	upload := func(name string, rows [][]string, want string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), name)
		writeBook(t, path, rows)
		visit(t, ctx, base+"/people/import")
		step(t, ctx, "choose "+name, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{path}))
		submit(t, ctx, "upload "+name, chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)))
		if loc := location(t, ctx); !regexp.MustCompile(`/people/import/runs/\d+$`).MatchString(loc) {
			t.Fatalf("after the upload: at %s, want a run page", loc)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			text := pageText(t, ctx)
			if strings.Contains(text, want) {
				return text
			}
			if time.Now().After(deadline) {
				t.Fatalf("run page never showed %q:\n%s", want, text)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	text := upload("sai.xlsx", rows, "Các dòng chưa hợp lệ")
	if !strings.Contains(text, "Giới tính là Nam hoặc Nữ") || !strings.Contains(text, "chưa nhập dòng nào") {
		t.Errorf("bad-row run page:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "nhap-excel-loi")
	rows[2][1] = "Nam"
	text = upload("dung.xlsx", rows, "Đã nhập 3 người")
	if !strings.Contains(text, "Đã nhập 3 người, 1 chức vụ") {
		t.Errorf("run page:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "nhap-excel-ket-qua")
}

func writeBook(t *testing.T, path string, rows [][]string) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	all := append([][]string{peopleimport.Columns}, rows...)
	for i, r := range all {
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
