package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"danvan/internal/calendar"
	"danvan/internal/export"
)

// TestExportPrintPage opens the print page of a document (the HTML view, which the
// browser's own "Lưu thành PDF" can print) under its own Content-Security-Policy, as the web layer
// serves it: the inline style sheet must apply, the page must pass axe-core and read on a
// 360 px phone without sideways scrolling.
func TestExportPrintPage(t *testing.T) {
	d := export.Document{
		Family: export.Party, UpperBody: "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", Issuer: "ĐẢNG ỦY SỞ TƯ PHÁP",
		Number: "12-KH/ĐU", Place: "Hà Nội", Date: calendar.NewDate(2026, time.December, 1),
		Title: "KẾ HOẠCH", Subtitle: "Thực hiện công tác dân vận năm 2027",
		Blocks: []export.Block{
			export.Heading(1, "I. MỤC ĐÍCH, YÊU CẦU"),
			export.Text("Nâng cao nhận thức, trách nhiệm của cấp ủy, chi bộ, cán bộ, đảng viên về công tác dân vận."),
			export.TableBlock([]export.Column{{Header: "STT", Width: 0.7, Center: true}, {Header: "Nội dung nhiệm vụ", Width: 4},
				{Header: "Chủ trì", Width: 1.8}, {Header: "Phối hợp", Width: 1.8}, {Header: "Thời hạn", Width: 1.4}},
				[][]string{{"1", "Tổ chức hội nghị quán triệt Kết luận số 114-KL/TW về công tác dân vận", "Ban Dân vận", "Các chi bộ", "15/01/2027"}}),
		},
		Signature:  export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ", Name: "Nguyễn Thị Hương"},
		Recipients: []string{"Ban Dân vận Đảng ủy Khối,", "Lưu VP."},
		Note:       "Máy chủ chưa tạo được tệp PDF. Dùng lệnh In của trình duyệt (Ctrl+P).",
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", export.ContentTypeHTML)
		w.Header().Set("Content-Security-Policy", export.PrintCSP)
		if err := export.WriteHTML(w, d); err != nil {
			t.Error(err)
		}
	}))
	defer ts.Close()
	ctx := newBrowser(t)
	if st := visit(t, ctx, ts.URL); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	font := run(t, ctx, "read the font", chromedp.Evaluate[string](`getComputedStyle(document.documentElement).fontFamily`))
	weight := run(t, ctx, "read a weight", chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".nation")).fontWeight`))
	if !strings.Contains(font, "Liberation Serif") || weight != "700" { // Chromium's own default is "Times New Roman"
		t.Errorf("the style sheet did not apply under PrintCSP: font %q, weight of the header %q", font, weight)
	}
	text := pageText(t, ctx)
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-KH/ĐU", "Nguyễn Thị Hương", "Máy chủ chưa tạo được tệp PDF"} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "export-ban-in")

	step(t, ctx, "phone viewport", chromedp.EmulateViewport(360, 740))
	visit(t, ctx, ts.URL)
	overflow := run(t, ctx, "measure width", chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if overflow > 0 {
		t.Errorf("the print page scrolls sideways by %d px on a 360 px phone", overflow)
	}
	checkA11y(t, ctx)
}
