package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"danvan/internal/work"
)

// TestDisclosureAndBoard is issue 10's browser walk of the agency's disclosures and its
// people's inspection board, in Sở Tư pháp: the head registers the budget estimate as
// disclosed at the office, tries to take it down on the same day (refused: the minimum
// display period has not run) ; a staff member reads the register and asks a question; the
// head answers it and the staff member reads the answer. The board's head records a
// supervision with a recommendation to the head (which lands in the head's "Việc của tôi"),
// a staff member sends the board a request and the board answers it. The upper committee's
// staff reads the overview of its subtree. axe-core runs on every page; the register is
// checked on a 360 px phone.
func TestDisclosureAndBoard(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	bg := context.Background()
	db := srv.App.DB
	today := db.Now().In(work.VietnamZone)
	vn := func(daysAgo int) string { return today.AddDate(0, 0, -daysAgo).Format("02/01/2006") }
	var boardID int64
	if err := db.QueryRowContext(bg, `SELECT b.id FROM boards b JOIN units u ON u.id = b.unit_id WHERE u.code = 'STP' ORDER BY b.id DESC LIMIT 1`).Scan(&boardID); err != nil {
		t.Fatalf("the demo's board of Sở Tư pháp: %v", err)
	}
	w := walk{t, ctx, srv}
	title := fmt.Sprintf("Dự toán ngân sách năm %d của Sở Tư pháp", today.Year())

	// 1. The head registers a disclosure made today of a decision signed two days ago.
	login(t, ctx, srv, "thutruong1")
	w.page("/democracy/disclosures", "")
	w.page("/democracy/disclosures/new", "")
	selectOption(t, ctx, "#f-category", "ngan-sach")
	fill(t, ctx, "#f-title", title)
	fill(t, ctx, "#f-summary", "Tổng dự toán chi thường xuyên, chi không thường xuyên và định mức chi theo Quy chế chi tiêu nội bộ.")
	fill(t, ctx, "#f-decision_no", "25/QĐ-STP")
	fill(t, ctx, "#f-decision_on", vn(2))
	fill(t, ctx, "#f-signer", "Giám đốc Sở Tư pháp")
	// Posted at the office and read at a meeting, whatever the form ticks by default.
	step(t, ctx, "forms", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="forms"]').forEach(c => c.checked = ["niem-yet", "hoi-nghi"].includes(c.value)); undefined`))
	fill(t, ctx, "#f-posted_on", vn(0))
	screenshot(t, ctx, "cong-khai-ghi-so")
	text := w.click("register", `form[action="/democracy/disclosures/new"] button[type="submit"]`)
	w.want(text, "after registering", "Đã ghi sổ công khai", title, "25/QĐ-STP", "Niêm yết tại trụ sở; Thông báo tại hội nghị, cuộc họp", "ít nhất 90 ngày")
	m := regexp.MustCompile(`/democracy/disclosures/(\d+)$`).FindStringSubmatch(location(t, ctx))
	if m == nil {
		t.Fatalf("not on a disclosure's page: %s", location(t, ctx))
	}
	itemURL := "/democracy/disclosures/" + m[1]
	screenshot(t, ctx, "cong-khai-chi-tiet")

	// 2. Taken down on the day it went up: refused, with the first day it may come down.
	w.page(itemURL+"/take-down", "")
	fill(t, ctx, "#f-taken_down_on", vn(0))
	text = w.clickAs("take down too early", `form[action$="/take-down"] button[type="submit"]`, http.StatusUnprocessableEntity)
	w.want(text, "the early take-down", "Chưa được gỡ", "ít nhất 90 ngày liên tục", "Sớm nhất được gỡ ngày")
	var down string
	if err := db.QueryRowContext(bg, `SELECT taken_down_on FROM disclosures WHERE id = ?`, m[1]).Scan(&down); err != nil || down != "" {
		t.Fatalf("the refused take-down wrote %q (%v)", down, err)
	}
	logout(t, ctx, srv)

	// 3. A staff member reads the register and asks about the item.
	login(t, ctx, srv, "dangvien1")
	w.want(w.page("/democracy/disclosures", "cong-khai-so"), "the staff's register", title, "Công khai đúng hạn")
	w.page(itemURL, "")
	fill(t, ctx, "#f-content", "Đề nghị Văn phòng cho biết định mức công tác phí năm nay có thay đổi so với năm trước không?")
	w.want(w.click("ask", `form[action$="/questions"] button[type="submit"]`), "after asking", "Đã gửi", "Chưa trả lời")
	logout(t, ctx, srv)

	// 4. The head answers; the staff member reads the answer.
	login(t, ctx, srv, "thutruong1")
	w.page(itemURL, "")
	step(t, ctx, "answer", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action*="/answer"] textarea').value = `+
		jsString("Định mức công tác phí giữ như năm trước; chỉ điều chỉnh mức khoán đi lại theo giá mới.")+`; undefined`))
	w.want(w.click("answer", `form[action*="/answer"] button[type="submit"]`), "after the answer", "Đã trả lời; người hỏi được thông báo", "Đã trả lời")
	logout(t, ctx, srv)
	login(t, ctx, srv, "dangvien1")
	w.want(w.page(itemURL, "cong-khai-tra-loi"), "the answer for its sender", "Định mức công tác phí giữ như năm trước")

	// 5. The staff member sends the people's inspection board a request.
	boardURL := fmt.Sprintf("/democracy/boards/%d", boardID)
	w.page(boardURL, "")
	fill(t, ctx, "#f-request_content", "Đề nghị Ban giám sát việc thanh toán tiền làm thêm giờ quý III, đến nay chưa được chi trả.")
	w.want(w.click("send a request", `#request-form button[type="submit"]`), "after the request", "Đã gửi kiến nghị đến Ban Thanh tra nhân dân")
	logout(t, ctx, srv)

	// 6. The board's head answers it and records a supervision with a recommendation.
	login(t, ctx, srv, "ttnd1")
	w.page(boardURL, "")
	step(t, ctx, "answer the request", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action*="/requests/"][action$="/answer"] textarea').value = `+
		jsString("Ban đã làm việc với Văn phòng: tiền làm thêm giờ quý III được chi trong tháng này.")+`; undefined`))
	w.want(w.click("answer the request", `form[action*="/requests/"][action$="/answer"] button[type="submit"]`), "after the board's answer", "Đã trả lời kiến nghị")
	fill(t, ctx, "#f-subject", "Việc chi trả tiền làm thêm giờ quý III")
	fill(t, ctx, "#f-findings", "Văn phòng chậm lập bảng chấm công làm thêm giờ; chưa chi trả cho 14 người.")
	fill(t, ctx, "#f-recommendation", "Đề nghị Giám đốc chỉ đạo chi trả trước ngày 20 tháng sau và công khai kết quả.")
	w.want(w.click("record", `#record-form button[type="submit"]`), "after the record", "Đã ghi biên bản giám sát", "Việc chi trả tiền làm thêm giờ quý III")
	screenshot(t, ctx, "bttnd-ban")
	logout(t, ctx, srv)

	// 7. The sender reads the board's answer; the head finds the recommendation in their work.
	login(t, ctx, srv, "dangvien1")
	w.want(w.page(boardURL, ""), "the board's answer for its sender", "tiền làm thêm giờ quý III được chi trong tháng này")
	logout(t, ctx, srv)
	login(t, ctx, srv, "thutruong1")
	w.want(w.page("/my-work", ""), "the head's work", "Trả lời kiến nghị của Ban Thanh tra nhân dân: Việc chi trả tiền làm thêm giờ quý III")
	logout(t, ctx, srv)

	// 8. The upper committee's overview of its subtree.
	login(t, ctx, srv, "canbo")
	w.want(w.page("/democracy/overview", "dcc-tong-hop"), "the overview", "Sở Tư pháp")

	// 9. The register on a 360 px phone.
	phone := phoneBrowser(t)
	login(t, phone, srv, "dangvien1")
	phonePage(t, phone, srv, "/democracy/disclosures")
	phonePage(t, phone, srv, itemURL)
	screenshotScreen(t, phone, "cong-khai-dien-thoai")
}
