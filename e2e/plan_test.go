package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlanWalk is issue 4's browser walk: bithu1 creates the year's plan concretising
// 04-NQ/ĐUK, cascades a task to every chi bộ; the chi bộ secretary bithucb1 finds it in
// "Việc của tôi" and reports progress with an attachment, then completion; bithu1 sees
// the roll-up and accepts it; the responsibility matrix shows the named people. Every
// page visited passes axe-core.
func TestPlanWalk(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	db := srv.App.DB
	bg := context.Background()
	var nq04, committee int64
	if err := db.QueryRowContext(bg, `SELECT id FROM gov_documents WHERE notation = '04-NQ/ĐUK'`).Scan(&nq04); err != nil {
		t.Fatalf("demo: 04-NQ/ĐUK: %v", err)
	}
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE code = 'STP-DB'`).Scan(&committee); err != nil {
		t.Fatalf("demo: committee of agency 1: %v", err)
	}
	var secretary, head string
	if err := db.QueryRowContext(bg, `SELECT p.full_name FROM people p JOIN users u ON u.person_id = p.id WHERE u.username = 'bithu1'`).Scan(&secretary); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(bg, `SELECT p.full_name FROM people p JOIN users u ON u.person_id = p.id WHERE u.username = 'thutruong1'`).Scan(&head); err != nil {
		t.Fatal(err)
	}

	login(t, ctx, srv, "bithu1")
	// The registry finds 04-NQ/ĐUK typed without diacritics.
	visit(t, ctx, srv.URL+"/documents?q=04-NQ%2FDUK")
	if text := pageText(t, ctx); !strings.Contains(text, "04-NQ/ĐUK") {
		t.Fatalf("search 04-NQ/DUK:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "van-ban-tim-kiem")
	visit(t, ctx, srv.URL+"/documents/"+strconv.FormatInt(nq04, 10))
	checkA11y(t, ctx)
	screenshot(t, ctx, "van-ban")

	// The side-by-side view: agency 1 has no plan for 04-NQ/ĐUK yet.
	visit(t, ctx, srv.URL+"/plans/compare?document="+strconv.FormatInt(nq04, 10))
	if text := pageText(t, ctx); !strings.Contains(text, "Chưa lập kế hoạch") {
		t.Errorf("compare shows no gap:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "so-sanh-ke-hoach")

	// bithu1 creates the plan.
	visit(t, ctx, srv.URL+"/plans/new?document="+strconv.FormatInt(nq04, 10))
	checkA11y(t, ctx)
	selectOption(t, ctx, "#f-unit_id", strconv.FormatInt(committee, 10))
	fill(t, ctx, "#f-title", "Kế hoạch thực hiện Nghị quyết 04-NQ/ĐUK năm nay")
	fill(t, ctx, "#ti-0", "Đảng viên được quán triệt")
	fill(t, ctx, "#tv-0", "100")
	fill(t, ctx, "#tm-0", "%")
	if st := submit(t, ctx, "save plan", chromedp.Click(chromedp.CSS(`form[action="/plans/new"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("save plan: %d\n%s", st, pageText(t, ctx))
	}
	planURL := location(t, ctx)
	if !strings.Contains(pageText(t, ctx), "Đảng ủy lãnh đạo – Thủ trưởng tổ chức thực hiện") {
		t.Errorf("plan page lacks the motto")
	}
	checkA11y(t, ctx)

	// A task cascaded to every chi bộ.
	step(t, ctx, "open task form", chromedp.Click(chromedp.CSS(`a[href^="/tasks/new?plan="]`)))
	run(t, ctx, "wait task form", chromedp.Evaluate[bool](`true`))
	step(t, ctx, "task form visible", chromedp.WaitVisible(chromedp.CSS("#f-title")))
	checkA11y(t, ctx)
	fill(t, ctx, "#f-title", "Quán triệt Nghị quyết 04-NQ/ĐUK tại chi bộ")
	var leadID, organiserID int64
	_ = db.QueryRowContext(bg, `SELECT person_id FROM users WHERE username = 'bithu1'`).Scan(&leadID)
	_ = db.QueryRowContext(bg, `SELECT person_id FROM users WHERE username = 'thutruong1'`).Scan(&organiserID)
	selectOption(t, ctx, "#f-lead_id", strconv.FormatInt(leadID, 10))
	selectOption(t, ctx, "#f-leader_id", strconv.FormatInt(leadID, 10))
	selectOption(t, ctx, "#f-organiser_id", strconv.FormatInt(organiserID, 10))
	step(t, ctx, "due in working days", chromedp.Click(chromedp.CSS("#dm-days")))
	fill(t, ctx, "#f-due_days", "10")
	step(t, ctx, "cascade to all cells", chromedp.Click(chromedp.CSS("#c-cells")))
	screenshot(t, ctx, "giao-nhiem-vu")
	if st := submit(t, ctx, "create task", chromedp.Click(chromedp.CSS(`form[action="/tasks/new"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("create task: %d\n%s", st, pageText(t, ctx))
	}
	taskURL := location(t, ctx)
	text := pageText(t, ctx)
	if !strings.Contains(text, "Tiến độ của 5 đơn vị cấp dưới") || !strings.Contains(text, "10 ngày làm việc") {
		t.Fatalf("task page after cascade:\n%s", text)
	}
	checkA11y(t, ctx)
	var parentID, childID int64
	parentID, _ = strconv.ParseInt(taskURL[strings.LastIndex(taskURL, "/")+1:], 10, 64)
	if err := db.QueryRowContext(bg, `SELECT t.id FROM tasks t JOIN users u ON u.person_id = t.lead_id WHERE t.parent_id = ? AND u.username = 'bithucb1'`, parentID).Scan(&childID); err != nil {
		t.Fatalf("child of bithucb1: %v", err)
	}

	// bithucb1 reports progress with an attachment, then completion.
	cb := newBrowser(t)
	login(t, cb, srv, "bithucb1")
	visit(t, cb, srv.URL+"/my-work")
	if text := pageText(t, cb); !strings.Contains(text, "Quán triệt Nghị quyết 04-NQ/ĐUK tại chi bộ") {
		t.Fatalf("my work of bithucb1:\n%s", text)
	}
	checkA11y(t, cb)
	screenshot(t, cb, "viec-cua-toi")
	visit(t, cb, srv.URL+"/tasks/"+strconv.FormatInt(childID, 10))
	checkA11y(t, cb)
	file := filepath.Join(t.TempDir(), "bien-ban.pdf")
	if err := os.WriteFile(file, append([]byte("%PDF-1.4\n% biên bản\n"), make([]byte, 300)...), 0o600); err != nil {
		t.Fatal(err)
	}
	fill(t, cb, "#f-body", "Đã quán triệt cho 8/9 đảng viên")
	fill(t, cb, "#f-percent", "80")
	step(t, cb, "attach", chromedp.SetUploadFiles(chromedp.CSS("#f-files"), []string{file}))
	if st := submit(t, cb, "report", chromedp.Click(chromedp.CSS(`form[action$="/report"] button.primary`))); st != http.StatusOK {
		t.Fatalf("report: %d\n%s", st, pageText(t, cb))
	}
	if text := pageText(t, cb); !strings.Contains(text, "bien-ban.pdf") || !strings.Contains(text, "80%") {
		t.Fatalf("after report:\n%s", text)
	}
	screenshot(t, cb, "bao-cao-tien-do")
	fill(t, cb, "#f-body", "Đã quán triệt cho toàn bộ đảng viên, kèm biên bản")
	if st := submit(t, cb, "complete", chromedp.Click(chromedp.CSS(`button[formaction$="/complete"]`))); st != http.StatusOK {
		t.Fatalf("complete: %d", st)
	}
	// Another cell's task stays out of reach.
	var other int64
	_ = db.QueryRowContext(bg, `SELECT t.id FROM tasks t JOIN users u ON u.person_id = t.lead_id WHERE t.parent_id = ? AND u.username = 'bithucb2'`, parentID).Scan(&other)
	if st := visit(t, cb, srv.URL+"/tasks/"+strconv.FormatInt(other, 10)); st != http.StatusNotFound {
		t.Errorf("bithucb1 opening another cell's task: %d, want 404", st)
	}

	// bithu1 sees the roll-up and accepts.
	visit(t, ctx, taskURL)
	if text := pageText(t, ctx); !strings.Contains(text, "1\nchờ nghiệm thu") {
		t.Errorf("roll-up lacks the submitted child:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "tien-do-cap-duoi")
	visit(t, ctx, srv.URL+"/tasks/"+strconv.FormatInt(childID, 10))
	fill(t, ctx, "#f-body", "Đạt yêu cầu")
	if st := submit(t, ctx, "accept", chromedp.Click(chromedp.CSS(`form[action$="/accept"] button.primary`))); st != http.StatusOK {
		t.Fatalf("accept: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "Đã hoàn thành") {
		t.Errorf("after acceptance:\n%s", text)
	}
	visit(t, ctx, taskURL)
	if text := pageText(t, ctx); !strings.Contains(text, "Đơn vị chậm") {
		t.Errorf("roll-up lacks the lagging units:\n%s", text)
	}
	var done int
	_ = db.QueryRowContext(bg, `SELECT COUNT(*) FROM tasks WHERE parent_id = ? AND status = 'done'`, parentID).Scan(&done)
	if done != 1 {
		t.Errorf("children done = %d, want 1", done)
	}

	// The responsibility matrix names the leader and the organiser.
	visit(t, ctx, srv.URL+"/plans/matrix?unit="+strconv.FormatInt(committee, 10))
	text = pageText(t, ctx)
	if !strings.Contains(text, secretary) || !strings.Contains(text, head) || !strings.Contains(text, "Quán triệt Nghị quyết 04-NQ/ĐUK tại chi bộ") {
		t.Errorf("matrix lacks %s / %s:\n%s", secretary, head, text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "ma-tran-trach-nhiem")
	visit(t, ctx, planURL)
	screenshot(t, ctx, "ke-hoach")
	visit(t, ctx, srv.URL+"/training")
	checkA11y(t, ctx)
	screenshot(t, ctx, "quan-triet")
	visit(t, ctx, srv.URL+"/training/1")
	checkA11y(t, ctx)
	// Materials of the session.
	step(t, ctx, "attach material", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}))
	if st := submit(t, ctx, "upload material", chromedp.Click(chromedp.CSS(`form[action$="/files"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("upload material: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "bien-ban.pdf") {
		t.Errorf("session page lacks the material:\n%s", text)
	}
	screenshot(t, ctx, "hoi-nghi-diem-danh")
}
