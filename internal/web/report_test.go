package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"danvan/internal/app"
)

// TestReportPages drives the periodic report through the real application on both
// engines with the demo's reports: the upper committee sees agency 2 overdue and agency
// 1's report waiting, returns it with a remark (refused without one, nothing written),
// the secretary edits and resubmits it, the upper committee receives it; the .docx has
// the Party format's parts, the .pdf reads back, the .xlsx has a sheet per block; another
// agency's secretary gets 404.
func TestReportPages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		staff, bithu := newClientAs(t, s, "canbo"), newClientAs(t, s, "bithu1")
		a1 := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
		a2 := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STC'`)
		root := scalar[int64](t, s, `SELECT id FROM units WHERE parent_id IS NULL`)
		id := scalar[int64](t, s, `SELECT id FROM reports WHERE unit_id = ? AND kind = 'six_month'`, a1)
		year := scalar[string](t, s, `SELECT period_from FROM reports WHERE id = ?`, id)[:4]
		rid := strconv.FormatInt(id, 10)
		page := "/reports/" + rid

		res, body := staff.get("/reports?unit=" + strconv.FormatInt(root, 10) + "&kind=six_month&year=" + year)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("board: %d", res.StatusCode)
		}
		for _, w := range []string{"Sở Tư pháp", "Sở Tài chính", "Quá hạn, chưa gửi", "Đã gửi cấp trên", "1</strong> đơn vị quá hạn", "10/07/" + year} {
			if !strings.Contains(body, w) {
				t.Errorf("board lacks %q", w)
			}
		}
		// Moving the due date: a malformed date is refused on the board, nothing written.
		boardURL := "/reports?unit=" + strconv.FormatInt(root, 10) + "&kind=six_month&year=" + year
		call := url.Values{"unit_id": {strconv.FormatInt(root, 10)}, "kind": {"six_month"}, "year": {year}, "from": {year + "-01-01"}, "to": {year + "-06-30"}, "due_on": {"31/06/" + year}}
		if res, body := staff.postForm(boardURL, "/reports/calls", call); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hạn gửi báo cáo không hợp lệ") {
			t.Errorf("a due date that does not exist: %d", res.StatusCode)
		}
		if d := scalar[string](t, s, `SELECT due_on FROM report_calls WHERE unit_id = ?`, root); d != year+"-07-10" {
			t.Errorf("due date after the refused change: %s", d)
		}
		call.Set("due_on", "15/07/"+year)
		if res, _ := staff.postForm(boardURL, "/reports/calls", call); res.StatusCode != http.StatusSeeOther {
			t.Errorf("moving the due date: %d", res.StatusCode)
		}
		if _, body := staff.get(boardURL); !strings.Contains(body, "Hạn gửi: <strong>15/07/"+year) {
			t.Error("the board does not show the new due date")
		}
		if strings.Contains(body, "Ban Dân vận Đảng ủy Khối</") {
			t.Error("the upper committee's own Ban Dân vận is listed as a reporting unit")
		}
		// Nothing under an agency node reports to it: its committee's report is the agency's.
		if _, body := bithu.get("/reports"); !strings.Contains(body, "Sơ kết công tác dân vận 6 tháng đầu năm "+year) || strings.Contains(body, "Báo cáo của các đơn vị trực thuộc") {
			t.Error("the secretary's /reports: the agency's report missing, or its own committee listed as a unit to report")
		}
		res, body = bithu.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Chốt lúc gửi") || strings.Contains(body, `id="narrative-form"`) {
			t.Fatalf("secretary on the submitted report: %d, frozen shown %v, editor shown %v", res.StatusCode, strings.Contains(body, "Chốt lúc gửi"), strings.Contains(body, `id="narrative-form"`))
		}

		// A return without remarks is refused on the page, nothing written.
		events := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM report_events WHERE report_id = ?`, id) }
		before := events()
		res, body = staff.postForm(page, page+"/return", url.Values{"remarks": {" "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy ghi ý kiến") || events() != before {
			t.Fatalf("return without remarks: %d, events %d → %d", res.StatusCode, before, events())
		}
		res, _ = staff.postForm(page, page+"/return", url.Values{"remarks": {"Đề nghị bổ sung nguyên nhân đơn thư quá hạn."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("return: %d", res.StatusCode)
		}
		_, body = bithu.get(page)
		if !strings.Contains(body, "bổ sung nguyên nhân đơn thư") || !strings.Contains(body, `id="narrative-form"`) {
			t.Fatal("the returned report shows neither the remarks nor the editor")
		}
		version := scalar[int](t, s, `SELECT version FROM reports WHERE id = ?`, id)
		form := url.Values{"base": {strconv.Itoa(version)}, "achievements": {"Hoàn thành các chỉ tiêu.\n- Quán triệt đầy đủ."}, "weaknesses": {"Còn 2 đơn quá hạn do phải xác minh tại nhiều nơi."},
			"next_tasks": {"Giải quyết dứt điểm đơn thư quá hạn."}, "number": {"15-BC/ĐU"}, "place": {"Bắc Ninh"}}
		if res, _ = bithu.postForm(page, page+"/narrative", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		// A second save from the same (now stale) version is a conflict, kept on the page.
		form.Set("weaknesses", "khác")
		if res, body = bithu.postForm(page, page+"/narrative", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "vừa được lưu") {
			t.Errorf("stale save: %d", res.StatusCode)
		}
		if res, _ = bithu.postForm(page+"/submit", page+"/submit", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", res.StatusCode)
		}
		if res, _ = staff.postForm(page, page+"/receive", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("receive: %d", res.StatusCode)
		}
		if st := scalar[string](t, s, `SELECT status FROM reports WHERE id = ?`, id); st != "received" {
			t.Fatalf("status %s, want received", st)
		}

		// The Party-format document.
		res, body = bithu.get(page + "/report.docx")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("docx: %d", res.StatusCode)
		}
		text := docxText(t, body)
		for _, w := range []string{"ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TƯ PHÁP", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 15-BC/ĐU", "Bắc Ninh, ngày", "BÁO CÁO",
			"Sơ kết công tác dân vận 6 tháng đầu năm " + year, "I. KẾT QUẢ ĐẠT ĐƯỢC", "II. HẠN CHẾ, NGUYÊN NHÂN", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
			"Còn 2 đơn quá hạn", "Đơn tiếp nhận", "Công đoàn Sở Tư pháp", "Nơi nhận", "T/M ĐẢNG ỦY", "BÍ THƯ"} {
			if !strings.Contains(text, w) {
				t.Errorf("docx lacks %q", w)
			}
		}
		res, body = bithu.get(page + "/report.pdf")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("pdf: %d %q", res.StatusCode, body[:min(len(body), 8)])
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			cmd := exec.Command("pdftotext", "-", "-")
			cmd.Stdin = bytes.NewReader([]byte(body))
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.Join(strings.Fields(string(out)), " ")
			for _, w := range []string{"BÁO CÁO", "ĐẢNG ỦY SỞ TƯ PHÁP", "HẠN CHẾ, NGUYÊN NHÂN", "Còn 2 đơn quá hạn"} {
				if !strings.Contains(flat, w) {
					t.Errorf("pdf text lacks %q", w)
				}
			}
		}
		res, body = bithu.get(page + "/tables.xlsx")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: %d", res.StatusCode)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if sh := f.GetSheetList(); len(sh) < 4 {
			t.Errorf("xlsx sheets %v", sh)
		}

		// An old version is shown read-only, the newest one a link away.
		if _, body := bithu.get(page + "?v=1"); !strings.Contains(body, "Đang xem bản 1") || !strings.Contains(body, "Xem bản mới nhất") {
			t.Error("version 1 is not shown as an old version")
		}
		// A new report: the same form sent twice makes one report.
		n := bithu.nonce("/reports/new?unit=" + strconv.FormatInt(a1, 10))
		form = url.Values{"form_nonce": {n}, "unit_id": {strconv.FormatInt(a1, 10)}, "kind": {"annual"}, "year": {year}}
		res1, _ := bithu.post("/reports", form)
		res2, _ := bithu.post("/reports", form)
		if res1.StatusCode != http.StatusSeeOther || res2.StatusCode != http.StatusSeeOther || scalar[int](t, s, `SELECT COUNT(*) FROM reports WHERE unit_id = ? AND kind = 'annual'`, a1) != 1 {
			t.Errorf("double submit of a new report: %d %d, %d reports", res1.StatusCode, res2.StatusCode, scalar[int](t, s, `SELECT COUNT(*) FROM reports WHERE unit_id = ? AND kind = 'annual'`, a1))
		}
		form.Set("form_nonce", bithu.nonce("/reports/new?unit="+strconv.FormatInt(a1, 10)))
		form.Set("kind", "custom")
		form.Set("from", "31/02/"+year)
		if res, body := bithu.post("/reports", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ngày bắt đầu kỳ báo cáo không hợp lệ") {
			t.Errorf("a custom period with a date that does not exist: %d", res.StatusCode)
		}

		// Out of reach: agency 2's report is a 404 for agency 1's secretary.
		other := scalar[int64](t, s, `SELECT id FROM reports WHERE unit_id = ?`, a2)
		for _, p := range []string{"", "/report.docx", "/tables.xlsx"} {
			if res, _ := bithu.get("/reports/" + strconv.FormatInt(other, 10) + p); res.StatusCode != http.StatusNotFound {
				t.Errorf("agency 2's report%s for bithu1: %d", p, res.StatusCode)
			}
		}
	})
}
