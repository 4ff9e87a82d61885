package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"danvan/internal/app"
)

var runURLRE = regexp.MustCompile(`^/people/import/runs/[0-9]+$`)

// upload posts file data to the import form with the given nonce and returns the
// response (not followed) and the run's address it redirects to.
func upload(c *appClient, nonce, name string, data []byte) (*http.Response, string, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("form_nonce", nonce)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+"/people/import", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, body := c.do(req)
	return res, res.Header.Get("Location"), body
}

// waitRun follows the run page as a browser would (its Refresh header reloads it while
// the run works) until the run has ended, and returns the last page.
func waitRun(t *testing.T, c *appClient, loc string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, body := c.get(loc)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("run page %s: %d", loc, res.StatusCode)
		}
		if res.Header.Get("Refresh") == "" {
			return body
		}
		if !strings.Contains(body, "<progress") {
			t.Fatalf("running page without a progress bar:\n%s", body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still running:\n%s", loc, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPeopleImportRuns(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		c := newClientAs(t, s, "bithu1")
		res, body := c.get("/people/import/template.xlsx")
		if res.StatusCode != 200 {
			t.Fatalf("template: %d", res.StatusCode)
		}
		x, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		codes, _ := x.GetCols("Danh mục")
		if len(codes) < 3 || len(codes[2]) < 2 {
			t.Fatalf("template lists no unit codes: %v", codes)
		}
		code := codes[2][1]
		fill := func(rows [][]string) []byte {
			t.Helper()
			x, _ := excelize.OpenReader(strings.NewReader(body))
			x.RemoveRow("Danh sách", 2)
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				vals := make([]any, len(r))
				for j, v := range r {
					vals[j] = v
				}
				x.SetSheetRow("Danh sách", cell, &vals)
			}
			var buf bytes.Buffer
			if _, err := x.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		people := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM people`) }
		before := people()

		// Not a workbook: refused on the form itself.
		res, _, page := upload(c, c.nonce("/people/import"), "virus.xlsx", append([]byte("MZ\x90\x00"), make([]byte, 1000)...))
		if res.StatusCode != 422 || !strings.Contains(page, "không phải là bảng tính Excel") {
			t.Fatalf("exe: %d", res.StatusCode)
		}

		// Two good rows: POST-redirect-GET to the run, which ends done.
		good := fill([][]string{{"Nguyễn Văn An", "Nam", "1985", "", "", "Có", code, "Đảng viên", "01/01/2020"}, {"Hoàng Thị Thu", "Nữ", "1990", "", "", "", code}})
		res, loc, _ := upload(c, c.nonce("/people/import"), "ds.xlsx", good)
		if res.StatusCode != http.StatusSeeOther || !runURLRE.MatchString(loc) {
			t.Fatalf("upload: %d %q", res.StatusCode, loc)
		}
		page = waitRun(t, c, loc)
		if !strings.Contains(page, "Đã nhập 2 người, 1 chức vụ") || !strings.Contains(page, `href="/people"`) {
			t.Fatalf("good import:\n%s", page)
		}
		if n := people() - before; n != 2 {
			t.Fatalf("%d people written, want 2", n)
		}

		// The same file again: every row is listed as already there, nothing is written.
		_, loc, _ = upload(c, c.nonce("/people/import"), "ds.xlsx", good)
		page = waitRun(t, c, loc)
		if strings.Count(page, "đã có trong") != 2 || !strings.Contains(page, "chưa nhập dòng nào") || !strings.Contains(page, "Đã kiểm tra 2/2 dòng") {
			t.Fatalf("re-import:\n%s", page)
		}
		if n := people() - before; n != 2 {
			t.Fatalf("re-import wrote %d people", n-2)
		}

		// Bad rows: each with its reason, in Vietnamese; nothing written.
		_, loc, _ = upload(c, c.nonce("/people/import"), "sai.xlsx", fill([][]string{
			{"Lê Văn Cường", "Khác", "1980", "", "", "", code},
			{"Phạm Thị Dung", "Nữ", "1991", "", "", "", "KHONGCO"},
			{"Đỗ Văn Em", "Nam", "1992", "", "", "", code},
		}))
		page = waitRun(t, c, loc)
		if !strings.Contains(page, "Giới tính là Nam hoặc Nữ") || !strings.Contains(page, "Không có đơn vị mã “KHONGCO”") || !strings.Contains(page, "Các dòng chưa hợp lệ") {
			t.Fatalf("bad rows:\n%s", page)
		}
		if n := people() - before; n != 2 {
			t.Fatalf("a file with bad rows wrote %d people", n-2)
		}

		// 1,000 rows, end to end: upload, checked, written.
		rows := make([][]string, 1000)
		for i := range rows {
			rows[i] = []string{fmt.Sprintf("Nguyễn Văn Thử %d", i), "Nam", fmt.Sprint(1960 + i%40), "", "", "Có", code, "Đảng viên", "01/01/2020"}
		}
		big := fill(rows)
		t0 := time.Now()
		_, loc, _ = upload(c, c.nonce("/people/import"), "1000.xlsx", big)
		page = waitRun(t, c, loc)
		t.Logf("1.000-row import, upload to done page: %v", time.Since(t0))
		if !strings.Contains(page, "Đã nhập 1.000 người, 1.000 chức vụ") || !strings.Contains(page, `value="1000"`) {
			t.Fatalf("1,000 rows:\n%s", page)
		}
		if n := people() - before; n != 1002 {
			t.Fatalf("%d people written, want 1,002", n)
		}
		id := strings.TrimPrefix(loc, "/people/import/runs/")
		if st := scalar[string](t, s, `SELECT status || ' ' || CAST(rows_checked AS TEXT) || ' ' || CAST(rows_written AS TEXT) FROM people_imports WHERE id = `+id); st != "done 1000 1000" {
			t.Errorf("recorded run: %q", st)
		}

		// Someone else, even an administrator, does not see the run.
		if res, _ := newClientAs(t, s, "admin").get(loc); res.StatusCode != http.StatusNotFound {
			t.Errorf("admin opening another's run: %d, want 404", res.StatusCode)
		}
		if res, _ := c.get("/people/import/runs/999999"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown run: %d", res.StatusCode)
		}

		// A double submit of one form makes one run; both answers lead to it.
		runs := scalar[int](t, s, `SELECT COUNT(*) FROM people_imports`)
		nonce := c.nonce("/people/import")
		twice := fill([][]string{{"Vũ Thị Giang", "Nữ", "1993", "", "", "", code}})
		_, loc1, _ := upload(c, nonce, "mot.xlsx", twice)
		_, loc2, _ := upload(c, nonce, "mot.xlsx", twice)
		if loc1 == "" || loc1 != loc2 {
			t.Errorf("double submit led to %q and %q", loc1, loc2)
		}
		waitRun(t, c, loc1)
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM people_imports`) - runs; n != 1 {
			t.Errorf("double submit made %d runs", n)
		}
		if n := people() - before; n != 1003 {
			t.Errorf("double submit wrote %d people, want 1", n-1002)
		}

		// Mid-way, as another instance's worker would leave it: the page shows the count
		// and refreshes itself; once the worker's lease has passed the run fails.
		future := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
		if _, err := s.DB.ExecContext(t.Context(), `UPDATE people_imports SET status = 'checking', total_rows = 100, rows_checked = 50, lease_until = ? WHERE id = `+id, future); err != nil {
			t.Fatal(err)
		}
		res, page = c.get(loc)
		if res.Header.Get("Refresh") != "1" || !strings.Contains(page, "Đã kiểm tra 50/100 dòng") || !strings.Contains(page, `value="50"`) || !strings.Contains(page, "Dừng tự cập nhật") {
			t.Fatalf("running page (Refresh %q):\n%s", res.Header.Get("Refresh"), page)
		}
		// Asked not to reload itself (screen readers), it offers a link instead.
		res, page = c.get(loc + "?tu-dong=0")
		if res.Header.Get("Refresh") != "" || !strings.Contains(page, "Cập nhật ngay") || !strings.Contains(page, "Đã kiểm tra 50/100 dòng") {
			t.Fatalf("running page without refresh (Refresh %q):\n%s", res.Header.Get("Refresh"), page)
		}
		if _, err := s.DB.ExecContext(t.Context(), `UPDATE people_imports SET lease_until = '2000-01-01T00:00:00Z' WHERE id = `+id); err != nil {
			t.Fatal(err)
		}
		page = waitRun(t, c, loc)
		if !strings.Contains(page, "bị gián đoạn") {
			t.Fatalf("stale run:\n%s", page)
		}
	})
}
