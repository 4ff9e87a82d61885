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

// importWalk uploads an .xlsx from the import form (signed in as bithu1):
// first a file with a bad row, whose run page lists the row and its reason, then the
// corrected file, whose run page ends with the summary. The browser follows the redirect
// to the run page and its self-refresh, without JavaScript of ours.
func importWalk(t *testing.T, ctx context.Context, srv *server) {
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
		visit(t, ctx, srv.URL+"/people/import")
		step(t, ctx, "choose "+name, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{path}))
		submit(t, ctx, "upload "+name, chromedp.Click(chromedp.CSS(`form[action="/people/import"] button[type="submit"]`)))
		if loc := location(t, ctx); !regexp.MustCompile(`/people/import/runs/\d+$`).MatchString(loc) {
			t.Fatalf("after the upload: at %s, want a run page", loc)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			text := liveText(ctx)
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

	// The page of a run still working, as a worker mid-way leaves it in the database:
	// without auto-reload (the screen-reader choice) for axe-core to check one stable page,
	// then with it, where the run's end shows up without any action of ours.
	loc := location(t, ctx)
	id := loc[strings.LastIndex(loc, "/")+1:]
	lease := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	if _, err := srv.App.DB.ExecContext(context.Background(), `UPDATE people_imports SET status = 'checking', total_rows = 1000, rows_checked = 350, lease_until = ? WHERE id = `+id, lease); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, loc+"?tu-dong=0")
	if text := pageText(t, ctx); !strings.Contains(text, "Đã kiểm tra 350/1.000 dòng") || !strings.Contains(text, "Cập nhật ngay") {
		t.Errorf("running run page:\n%s", text)
	}
	checkA11y(t, ctx)
	// For the guide's picture, the reload is cancelled (window.stop) so it cannot
	// interrupt the screenshot; the flag proves the page stayed.
	visit(t, ctx, loc)
	run(t, ctx, "stop the reload", chromedp.Evaluate[chromedp.Void](`window.stop(); window.stayed = true; undefined`))
	if text := pageText(t, ctx); !strings.Contains(text, "Trang tự cập nhật mỗi giây") {
		t.Errorf("running run page:\n%s", text)
	}
	screenshot(t, ctx, "nhap-excel-tien-do")
	time.Sleep(1500 * time.Millisecond)
	if !run(t, ctx, "same page", chromedp.Evaluate[bool](`window.stayed === true`)) {
		t.Errorf("window.stop() did not cancel the reload")
	}
	visit(t, ctx, loc)
	if _, err := srv.App.DB.ExecContext(context.Background(), `UPDATE people_imports SET status = 'done' WHERE id = `+id); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(liveText(ctx), "Đã nhập 3 người") {
		if time.Now().After(deadline) {
			t.Fatalf("the run page did not reload itself:\n%s", liveText(ctx))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// liveText is the page's text, or "" while the page is reloading itself (no body yet).
func liveText(ctx context.Context) string {
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	text, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return ""
	}
	return text
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
