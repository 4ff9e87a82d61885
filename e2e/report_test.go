package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReport is issue 13's browser walk of the periodic report. The demo's six-month
// report of Sở Tư pháp waits at the upper committee. Its secretary (bithu1) opens it and
// the test checks its figures against the module lists behind them (petitions received
// in the period, tasks not done, tasks overdue: the rows of each list are counted); the
// upper committee (canbo) sees who has not reported, returns the report with a remark;
// the secretary reads the remark, writes the narrative and submits it again; the upper
// committee receives it. The .docx and the .pdf are downloaded and read back. axe-core
// runs on every page; the report and the board are checked on a 360 px phone.
func TestReport(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	bg := context.Background()
	db := srv.App.DB
	var id, rootID int64
	var year string
	if err := db.QueryRowContext(bg, `SELECT r.id, SUBSTR(r.period_from, 1, 4) FROM reports r JOIN units u ON u.id = r.unit_id WHERE u.code = 'STP' AND r.kind = 'six_month'`).Scan(&id, &year); err != nil {
		t.Fatalf("the demo's six-month report of Sở Tư pháp: %v", err)
	}
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE parent_id IS NULL`).Scan(&rootID); err != nil {
		t.Fatal(err)
	}
	w := walk{t, ctx, srv}
	reportURL := fmt.Sprintf("/reports/%d", id)

	// 1. The secretary opens the report from the list; the figures match the lists.
	login(t, ctx, srv, "bithu1")
	w.want(w.page("/reports", "bao-cao-danh-sach"), "the agency's reports", "Sơ kết công tác dân vận 6 tháng đầu năm "+year, "Đã gửi cấp trên")
	w.want(w.page(reportURL, "bao-cao-so-lieu"), "the report", "Số liệu theo lĩnh vực", "Chốt lúc gửi", "Đơn thư", "Kế hoạch và nhiệm vụ")
	counted := 0
	for _, f := range []struct{ block, figure, what string }{
		{"petitions", "received", "petitions received in the period"},
		{"petitions", "overdue_now", "petitions overdue now"},
		{"plans", "open", "tasks not done"},
		{"plans", "overdue", "tasks overdue"},
	} {
		value, href := figureOf(t, ctx, f.block, f.figure)
		if href == "" {
			t.Fatalf("%s: the figure has no list behind it", f.what)
		}
		rows := listRows(t, w, href)
		if rows != value {
			t.Errorf("%s: the report says %d, the list %s has %d rows", f.what, value, href, rows)
		}
		t.Logf("%s: %d in the report, %d rows in %s", f.what, value, rows, href)
		counted += rows
		w.page(reportURL, "")
	}
	if counted == 0 {
		t.Fatal("every figure checked is 0: the comparison with the lists proves nothing")
	}
	logout(t, ctx, srv)

	// 2. The upper committee sees who has not reported and returns the report.
	login(t, ctx, srv, "canbo")
	board := w.page(fmt.Sprintf("/reports?unit=%d&kind=six_month&year=%s", rootID, year), "bao-cao-cap-tren")
	w.want(board, "the upper committee's board", "Báo cáo của các đơn vị trực thuộc", "Hạn gửi: 10/07/"+year, "Sở Tài chính", "Quá hạn, chưa gửi", "Sở Tư pháp", "Đã gửi cấp trên")
	w.page(reportURL, "")
	text := w.clickAs("return without a remark", `form[action$="/return"] button[type="submit"]`, 422)
	w.want(text, "the refused return", "Hãy ghi ý kiến")
	fill(t, ctx, "#f-remarks", "Đề nghị bổ sung nguyên nhân các đơn thư quá hạn và giải pháp khắc phục.")
	w.want(w.click("return", `form[action$="/return"] button[type="submit"]`), "after the return", "Đã trả lại báo cáo kèm ý kiến", "Bị trả lại")
	logout(t, ctx, srv)

	// 3. The secretary reads the remark, writes the narrative and submits again.
	login(t, ctx, srv, "bithu1")
	w.want(w.page(reportURL, ""), "the returned report", "Ý kiến của cấp trên khi trả lại", "bổ sung nguyên nhân các đơn thư quá hạn")
	setValue(t, ctx, "#f-achievements", "Đảng ủy lãnh đạo quán triệt đầy đủ các văn bản của cấp trên về công tác dân vận.\n- 100% chi bộ sinh hoạt chuyên đề dân vận khéo.")
	setValue(t, ctx, "#f-weaknesses", "Còn đơn thư giải quyết quá hạn.\nNguyên nhân: phải xác minh tại nhiều cơ quan; cán bộ thụ lý kiêm nhiệm.")
	setValue(t, ctx, "#f-next_tasks", "- Giải quyết dứt điểm đơn thư quá hạn trong quý III.\n- Nhân rộng mô hình “Dân vận khéo” của Công đoàn.")
	fill(t, ctx, "#f-number", "18-BC/ĐU")
	screenshot(t, ctx, "bao-cao-soan")
	w.want(w.click("save the narrative", `#save-narrative`), "after saving", "Đã lưu nội dung báo cáo (bản 2)", "Bản 2")
	w.want(w.click("to the confirmation", `#submit-link`), "the confirmation", "chốt tại thời điểm gửi")
	screenshot(t, ctx, "bao-cao-xac-nhan-gui")
	w.want(w.click("submit", `form[action$="/submit"] button[type="submit"]`), "after submitting", "Đã gửi báo cáo lên cấp trên", "Đã gửi cấp trên")
	logout(t, ctx, srv)

	// 4. The upper committee receives it.
	login(t, ctx, srv, "canbo")
	w.page(reportURL, "")
	w.want(w.click("receive", `#receive`), "after receiving", "Đã tiếp nhận báo cáo", "Cấp trên đã tiếp nhận")
	screenshot(t, ctx, "bao-cao-tiep-nhan")

	// 5. The .docx and the .pdf, downloaded and read back.
	doc := docxBody(t, download(t, ctx, reportURL+"/report.docx"))
	for _, want := range []string{"ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TƯ PHÁP", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 18-BC/ĐU", "BÁO CÁO",
		"Sơ kết công tác dân vận 6 tháng đầu năm " + year, "I. KẾT QUẢ ĐẠT ĐƯỢC", "II. HẠN CHẾ, NGUYÊN NHÂN", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
		"cán bộ thụ lý kiêm nhiệm", "Nơi nhận", "T/M ĐẢNG ỦY", "BÍ THƯ"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the report .docx lacks %q", want)
		}
	}
	pdf := download(t, ctx, reportURL+"/report.pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the .pdf is not a PDF: %q", pdf[:min(len(pdf), 16)])
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		skipOrFail(t, "pdftotext is not installed (apt-get install -y poppler-utils): the PDF cannot be read")
	} else {
		cmd := exec.Command("pdftotext", "-", "-")
		cmd.Stdin = bytes.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		pages := strings.Count(strings.TrimSuffix(string(out), "\f"), "\f") + 1
		flat := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"ĐẢNG ỦY SỞ TƯ PHÁP", "BÁO CÁO", "HẠN CHẾ, NGUYÊN NHÂN", "cán bộ thụ lý kiêm nhiệm", "T/M ĐẢNG ỦY"} {
			if !strings.Contains(flat, want) {
				t.Errorf("the report .pdf's text lacks %q", want)
			}
		}
		if pages < 2 || pages > 8 {
			t.Errorf("the report .pdf has %d pages", pages)
		}
	}

	// 6. On a 360 px phone.
	phone := phoneBrowser(t)
	login(t, phone, srv, "bithu1")
	phonePage(t, phone, srv, reportURL)
	screenshotScreen(t, phone, "bao-cao-dien-thoai")
	logout(t, phone, srv)
	login(t, phone, srv, "canbo")
	phonePage(t, phone, srv, fmt.Sprintf("/reports?unit=%d&kind=six_month&year=%s", rootID, year))
}

// figureOf reads a figure of the report page: its number and the list behind it.
func figureOf(t *testing.T, ctx context.Context, block, figure string) (int, string) {
	t.Helper()
	sel := `[data-block="` + block + `"] [data-figure="` + figure + `"] .n`
	res := run(t, ctx, "read "+block+"/"+figure, chromedp.Evaluate[string](`(() => { const n = document.querySelector(`+jsString(sel)+`);
  if (!n) return ""; const a = n.querySelector("a"); return n.textContent.trim() + "|" + (a ? a.getAttribute("href") : ""); })()`))
	num, href, ok := strings.Cut(res, "|")
	if !ok {
		t.Fatalf("the report has no figure %s/%s", block, figure)
	}
	v, err := strconv.Atoi(strings.ReplaceAll(num, ".", ""))
	if err != nil {
		t.Fatalf("figure %s/%s: %q", block, figure, num)
	}
	return v, href
}

// listRows counts the rows of a module's list at href, following its "Trang sau" pages.
func listRows(t *testing.T, w walk, href string) int {
	t.Helper()
	total := 0
	for page := 0; href != "" && page < 50; page++ {
		w.page(href, "")
		res := run(t, w.ctx, "count the rows of "+href, chromedp.Evaluate[string](`(() => { const n = document.querySelectorAll("main table.list tbody tr").length;
  const next = document.querySelector("main nav.pager a"); return n + "|" + (next ? next.getAttribute("href") : ""); })()`))
		n, next, _ := strings.Cut(res, "|")
		k, _ := strconv.Atoi(n)
		total += k
		href = next
	}
	return total
}

// setValue sets a textarea's value (fill types key by key, too slow for paragraphs).
func setValue(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	step(t, ctx, "set "+css, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(css)+`).value = `+jsString(value)+`; undefined`))
}

// download fetches a path with the browser's session and returns the bytes.
func download(t *testing.T, ctx context.Context, path string) []byte {
	t.Helper()
	b64 := run(t, ctx, "download "+path, chromedp.Evaluate[string](`fetch(`+jsString(path)+`).then(r => r.arrayBuffer()).then(b => {
  const u = new Uint8Array(b); let s = ""; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); })`, chromedp.EvalAwaitPromise))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
