package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"danvan/internal/work"
)

// TestInspectionRound is issue 11's browser walk. kiemtra plans a round on the item the
// demo left for it (giám sát chuyên đề on the democracy rules at Sở Tư pháp): putting a
// member of Sở Tư pháp in the team is refused with the reason, the team is formed and the
// agency's head and secretary are told. The conclusion is issued with two recommendations
// (a line without a person answerable is refused first), dated a month ago so the second's
// five working days have run out; each lands in its answerable person's "Việc của tôi". The
// head reports the first done and the team accepts it; the second is overdue, and the
// reminders (run as the app's plan.reminders and inspection.reminders tasks run them) tell
// the secretary and the team: kiemtra who issued it and the team's head. The
// conclusion .docx is read back. axe-core runs on every page; the pages are checked at
// 360 px. The evidence pack is another branch's and is not visited here.
func TestInspectionRound(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	bg := context.Background()
	db := srv.App.DB
	w := walk{t, ctx, srv}
	now := db.Now()
	today := now.In(work.VietnamZone)
	jan1 := time.Date(today.Year(), 1, 1, 12, 0, 0, 0, work.VietnamZone)
	// Round dates must fall in the programme's year: never before 1 January.
	inYear := func(daysAgo int) string {
		d := today.AddDate(0, 0, -daysAgo)
		if d.Before(jan1) {
			d = jan1
		}
		return d.Format("02/01/2006")
	}
	id := func(what, q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRowContext(bg, q, args...).Scan(&n); err != nil {
			t.Fatalf("demo: %s: %v", what, err)
		}
		return n
	}
	person := func(user string) int64 {
		return id("person of "+user, `SELECT person_id FROM users WHERE username = ?`, user)
	}
	str := func(v int64) string { return strconv.FormatInt(v, 10) }
	var progID, itemID int64
	if err := db.QueryRowContext(bg, `SELECT p.id, i.id FROM inspection_items i JOIN inspection_programmes p ON p.id = i.programme_id JOIN inspection_topics tp ON tp.id = i.topic_id
		WHERE p.year = ? AND tp.code = 'quy-che-dan-chu' AND i.kind = 'thematic' AND NOT EXISTS (SELECT 1 FROM inspection_rounds r WHERE r.item_id = i.id)`, today.Year()).Scan(&progID, &itemID); err != nil {
		t.Fatalf("demo: the democracy-rules item without a round: %v", err)
	}
	stp := id("Sở Tư pháp", `SELECT id FROM units WHERE code = 'STP'`)
	canbo, head, secretary, member := person("canbo"), person("thutruong1"), person("bithu1"), person("dangvien1")
	// A member from outside Sở Tư pháp: the one the demo put in its round under way.
	outsider := id("a team member of the round under way", `SELECT m.person_id FROM inspection_members m JOIN inspection_rounds r ON r.id = m.round_id
		WHERE r.decision_no LIKE '%21-QĐ/ĐUK' AND m.person_id <> ?`, canbo)
	var memberName string
	if err := db.QueryRowContext(bg, `SELECT full_name FROM people WHERE id = ?`, member).Scan(&memberName); err != nil {
		t.Fatal(err)
	}
	selectMembers := func(ids ...int64) {
		var vals []string
		for _, v := range ids {
			vals = append(vals, jsString(str(v)))
		}
		step(t, ctx, "choose the team", chromedp.Evaluate[chromedp.Void](`(() => { const want = [`+strings.Join(vals, ",")+`];
  document.querySelectorAll("#f-member_ids option").forEach(o => o.selected = want.includes(o.value)); })(); undefined`))
	}

	// 1. kiemtra opens the programme and plans the round; a member of the target is refused.
	login(t, ctx, srv, "kiemtra")
	w.want(w.page("/inspections", ""), "the list", "Chương trình kiểm tra, giám sát")
	w.want(w.page(fmt.Sprintf("/inspections/programmes/%d", progID), ""), "the programme", "Sở Tư pháp", "Giám sát chuyên đề")
	w.page(fmt.Sprintf("/inspections/programmes/%d/rounds/new?item=%d", progID, itemID), "")
	fill(t, ctx, "#f-decision_no", "27-QĐ/ĐUK")
	fill(t, ctx, "#f-decision_on", inYear(45))
	fill(t, ctx, "#f-report_due", inYear(40))
	fill(t, ctx, "#f-starts_on", inYear(38))
	fill(t, ctx, "#f-ends_on", inYear(36))
	selectOption(t, ctx, "#f-head_id", str(canbo))
	selectMembers(outsider, member)
	form := `form[action$="/rounds/new"] button[type="submit"]`
	text := w.clickAs("a team with a member of Sở Tư pháp", form, http.StatusUnprocessableEntity)
	w.want(text, "the refused team", memberName+" thuộc Sở Tư pháp là đơn vị được kiểm tra, giám sát: không thể là thành viên đoàn.")
	screenshot(t, ctx, "kiem-tra-thanh-lap-doan")
	if n := id("rounds", `SELECT COUNT(*) FROM inspection_rounds WHERE item_id = ?`, itemID); n != 0 {
		t.Fatalf("the refused team wrote %d rounds", n)
	}
	selectMembers(outsider)
	text = w.click("form the team", form)
	w.want(text, "the round", "Đã thành lập đoàn kiểm tra, giám sát", "27-QĐ/ĐUK", "Trưởng đoàn", "Sở Tư pháp", "Chưa gửi")
	if strings.Contains(text, memberName) {
		t.Errorf("the refused member is in the team:\n%s", text)
	}
	m := regexp.MustCompile(`/inspections/rounds/(\d+)`).FindStringSubmatch(location(t, ctx))
	if m == nil {
		t.Fatalf("not on a round's page: %s", location(t, ctx))
	}
	roundURL := "/inspections/rounds/" + m[1]
	screenshot(t, ctx, "kiem-tra-doan")

	// 2. The conclusion: a recommendation without a person answerable is refused, then two
	// recommendations, issued a month ago (the second has five working days).
	w.page(roundURL+"/conclude", "")
	issued := today.AddDate(0, 0, -30)
	fill(t, ctx, "#f-number", "12-TB/ĐUK")
	fill(t, ctx, "#f-issued_on", issued.Format("02/01/2006"))
	step(t, ctx, "the conclusion's text", chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-text").value = `+
		jsString("Sở Tư pháp tổ chức hội nghị cán bộ, công chức đúng quy định; việc đối thoại định kỳ giữa người đứng đầu với cán bộ chưa thực hiện.")+`; undefined`))
	rec1 := "Tổ chức đối thoại định kỳ giữa Giám đốc Sở với cán bộ, công chức"
	rec2 := "Công khai quy chế chi tiêu nội bộ sửa đổi tại trụ sở"
	selectOption(t, ctx, "#f-rec-1-target", str(stp))
	fill(t, ctx, "#f-rec-1-content", rec1)
	selectOption(t, ctx, "#f-rec-1-lead", str(head))
	fill(t, ctx, "#f-rec-1-days", "60")
	selectOption(t, ctx, "#f-rec-2-target", str(stp))
	fill(t, ctx, "#f-rec-2-content", rec2)
	fill(t, ctx, "#f-rec-2-days", "5")
	conclude := `form[action$="/conclude"] button[type="submit"]`
	w.want(w.clickAs("a recommendation without a person answerable", conclude, http.StatusUnprocessableEntity), "the refused conclusion",
		"Kiến nghị 2 chưa có người chịu trách nhiệm thực hiện.")
	if n := id("recommendations", `SELECT COUNT(*) FROM inspection_recommendations WHERE round_id = ?`, m[1]); n != 0 {
		t.Fatalf("the refused conclusion wrote %d recommendations", n)
	}
	selectOption(t, ctx, "#f-rec-2-lead", str(secretary))
	screenshot(t, ctx, "kiem-tra-ket-luan")
	text = w.click("issue the conclusion", conclude)
	w.want(text, "the concluded round", "Đã ban hành thông báo kết luận", "12-TB/ĐUK", rec1, rec2)
	overdue := func(text, what string) {
		t.Helper()
		if !regexp.MustCompile(regexp.QuoteMeta(rec2) + `[^\n]*\n?[^\n]*Quá hạn \d+ ngày`).MatchString(text) {
			t.Errorf("%s: the second recommendation is not shown overdue:\n%s", what, text)
		}
		if regexp.MustCompile(regexp.QuoteMeta(rec1) + `[^\n]*Quá hạn`).MatchString(text) {
			t.Errorf("%s: the first recommendation is shown overdue:\n%s", what, text)
		}
	}
	overdue(text, "the concluded round")
	task1 := id("task of recommendation 1", `SELECT task_id FROM inspection_recommendations WHERE round_id = ? AND seq = 1`, m[1])
	task2 := id("task of recommendation 2", `SELECT task_id FROM inspection_recommendations WHERE round_id = ? AND seq = 2`, m[1])

	// 3. The conclusion .docx, read back.
	b64 := run(t, ctx, "download the conclusion", chromedp.Evaluate[string](`fetch(`+jsString(roundURL+"/conclusion.docx")+`).then(r => { if (!r.ok) throw new Error("status " + r.status); return r.arrayBuffer(); }).then(b => {
  const u = new Uint8Array(b); let s = ""; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); })`, chromedp.EvalAwaitPromise))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	doc := docxBody(t, raw)
	for _, s := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-TB/ĐUK", "THÔNG BÁO KẾT LUẬN", "27-QĐ/ĐUK", "I. KẾT LUẬN", "đối thoại định kỳ giữa người đứng đầu",
		"III. KIẾN NGHỊ", rec1, rec2, "T/M ĐẢNG ỦY"} {
		if !strings.Contains(doc, s) {
			t.Errorf("the conclusion .docx lacks %q", s)
		}
	}
	logout(t, ctx, srv)

	// 4. The head was told of the round, finds the first recommendation in their work and
	// reports it done.
	login(t, ctx, srv, "thutruong1")
	w.want(w.page("/notifications", ""), "the head's notifications", "Thông báo kiểm tra, giám sát Sở Tư pháp theo Quyết định 27-QĐ/ĐUK")
	text = w.page("/my-work", "")
	w.want(text, "the head's work", rec1)
	if strings.Contains(text, rec2) {
		t.Errorf("the secretary's recommendation is in the head's work:\n%s", text)
	}
	w.page("/tasks/"+str(task1), "")
	fill(t, ctx, "#f-body", "Đã tổ chức đối thoại quý IV với 46 cán bộ, công chức; biên bản đăng trên trang nội bộ.")
	w.want(w.click("report done", `button[formaction$="/complete"]`), "the reported task", "Chờ nghiệm thu")
	logout(t, ctx, srv)

	// 5. The team accepts it.
	login(t, ctx, srv, "kiemtra")
	w.page("/tasks/"+str(task1), "")
	fill(t, ctx, "#f-body", "Đạt yêu cầu; minh chứng là biên bản đối thoại.")
	w.want(w.click("accept", `form[action$="/accept"] button.primary`), "the accepted task", "Đã hoàn thành")
	text = w.page(roundURL, "kiem-tra-kien-nghi")
	w.want(text, "the round after the acceptance", "Đã nghiệm thu")
	if !regexp.MustCompile(`Kiến nghị chưa hoàn thành\s*1\b`).MatchString(text) {
		t.Errorf("the round does not count one open recommendation:\n%s", text)
	}
	logout(t, ctx, srv)

	// 6. The second is overdue: the reminders tell its person answerable, once, and the
	// team; not the head, whose recommendation is done.
	// The app's reminder tasks run hourly (at start, then every hour); they are run here as
	// the jobs runner runs them. The counts below hold whichever run sent the notes.
	if _, err := srv.App.Plans.Remind(bg, db.Now()); err != nil {
		t.Fatalf("the reminders to the person answerable: %v", err)
	}
	if _, err := srv.App.Inspections.Remind(bg, db.Now()); err != nil {
		t.Fatalf("the reminders to the team: %v", err)
	}
	rec2ID := id("recommendation 2", `SELECT id FROM inspection_recommendations WHERE round_id = ? AND seq = 2`, m[1])
	if n := id("the team's reminders", `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'inspection.overdue' AND n.link = ? AND u.username IN ('kiemtra', 'canbo')`,
		roundURL+"#rec-"+str(rec2ID)); n != 2 {
		t.Errorf("the team's reminders of the second recommendation = %d, want 2 (kiemtra who issued it, canbo the team's head)", n)
	}
	if n := id("the team's reminders of the round", `SELECT COUNT(*) FROM notifications WHERE kind = 'inspection.overdue' AND link LIKE ?`, roundURL+"#rec-%"); n != 2 {
		t.Errorf("the team's reminders of the round = %d, want 2 (the accepted recommendation reminds nobody)", n)
	}
	if n := id("reminders of task 2", `SELECT COUNT(*) FROM notifications WHERE kind = 'task.overdue' AND link = ?`, "/tasks/"+str(task2)); n != 1 {
		t.Errorf("overdue reminders of the second recommendation = %d, want 1", n)
	}
	if n := id("reminders of task 1", `SELECT COUNT(*) FROM notifications WHERE link = ? AND kind IN ('task.overdue', 'task.due-soon')`, "/tasks/"+str(task1)); n != 0 {
		t.Errorf("the accepted recommendation was reminded %d times", n)
	}
	login(t, ctx, srv, "bithu1")
	w.want(w.page("/notifications", ""), "the secretary's notifications", "Nhiệm vụ quá hạn", rec2)
	text = w.page("/my-work", "")
	w.want(text, "the secretary's work", rec2)
	overdue(text, "the secretary's work")
	logout(t, ctx, srv)
	login(t, ctx, srv, "kiemtra")
	w.want(w.page("/notifications", ""), "the team's notifications", "Kiến nghị quá hạn chưa thực hiện: Sở Tư pháp", rec2)

	// 7. On a 360 px phone: the head's view of the round and the team's.
	phone := phoneBrowser(t)
	login(t, phone, srv, "thutruong1")
	phonePage(t, phone, srv, "/inspections")
	phonePage(t, phone, srv, roundURL)
	logout(t, phone, srv)
	login(t, phone, srv, "kiemtra")
	phonePage(t, phone, srv, roundURL)
	screenshotScreen(t, phone, "kiem-tra-dien-thoai")
	phonePage(t, phone, srv, fmt.Sprintf("/inspections/programmes/%d/rounds/new?item=%d", progID, itemID))
}
