package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"danvan/internal/demo"
	"danvan/internal/sqldb"
)

// TestDraftWalk is issue 5's browser walk. thutruong1 (head of Sở Tư pháp) pastes a
// 40-article draft, checks the split, saves it and opens a round for the three mass
// organisations, also public; congdoan1 comments on two articles on behalf of the trade
// union; a citizen comments on the public site without an account (held, then shown
// once approved); the drafter approves it, answers one comment accepted with new
// wording and one explained; the report lists both with the answers; after the close
// the server refuses a comment sent from a page loaded while open. Every page passes
// axe-core; the screenshots illustrate docs/guide/du-thao.md.
func TestDraftWalk(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	db := srv.App.DB
	bg := context.Background()
	title := "Quy định về văn hóa công sở tại Sở Tư pháp"

	login(t, ctx, srv, "thutruong1")
	page := func(path, shot string) string {
		t.Helper()
		if st := visit(t, ctx, srv.URL+path); st != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, st, pageText(t, ctx))
		}
		checkA11y(t, ctx)
		if shot != "" {
			screenshot(t, ctx, shot)
		}
		return pageText(t, ctx)
	}
	click := func(what, css string) string {
		t.Helper()
		if st := submit(t, ctx, what, chromedp.Click(chromedp.CSS(css))); st != http.StatusOK {
			t.Fatalf("%s: status %d\n%s", what, st, pageText(t, ctx))
		}
		return pageText(t, ctx)
	}
	setValue := func(css, value string) {
		t.Helper()
		// A 40-article text typed key by key would take long: set it in one go.
		step(t, ctx, "set "+css, chromedp.WaitVisible(chromedp.CSS(css)),
			chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(css)+`).value = `+jsString(value)+`; undefined`))
	}

	page("/drafts", "du-thao-danh-sach")
	page("/drafts/new", "")
	fill(t, ctx, "#f-title", title)
	selectOption(t, ctx, "#f-kind", "Quy định")
	setValue("#f-body", demo.DemoDraftText(40))
	text := click("preview the split", `button[name="step"][value="preview"]`)
	if !strings.Contains(text, "40 điều") || !strings.Contains(text, "Điểm b khoản 2 Điều 40") {
		t.Fatalf("preview does not show 40 articles:\n%.2000s", text)
	}
	checkA11y(t, ctx)
	viewShot(t, ctx, "du-thao-kiem-tra")
	text = click("save the draft", `button[name="step"][value="save"]`)
	if !strings.Contains(text, "Đã tạo dự thảo") || !strings.Contains(text, "Người đứng đầu chịu trách nhiệm") {
		t.Fatalf("draft page after saving:\n%.2000s", text)
	}
	checkA11y(t, ctx)
	viewShot(t, ctx, "du-thao-trang")
	loc := location(t, ctx)
	m := regexp.MustCompile(`/drafts/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("not on a draft page: %s", loc)
	}
	draftURL := "/drafts/" + m[1]

	// A round for the three mass organisations (công đoàn, đoàn thanh niên, hội CCB),
	// open to the public too.
	page(draftURL+"/rounds/new", "du-thao-mo-dot")
	var women, union int64
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE kind = 'ban-nu-cong' AND name LIKE ? ORDER BY id LIMIT 1`, "%Sở Tư pháp%").Scan(&women); err != nil {
		t.Fatalf("demo: ban nữ công: %v", err)
	}
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE kind = 'cong-doan' AND name = ?`, "Công đoàn Sở Tư pháp").Scan(&union); err != nil {
		t.Fatalf("demo: công đoàn: %v", err)
	}
	tick(t, ctx, "#u-"+strconv.FormatInt(women, 10), false) // ban nữ công
	tick(t, ctx, "#f-public", true)
	text = click("open the round", `form[action$="/rounds/new"] button[type="submit"]`)
	if !strings.Contains(text, "Đã mở đợt lấy ý kiến") || !strings.Contains(text, "Công đoàn Sở Tư pháp") || strings.Contains(text, "Ban Nữ công") {
		t.Fatalf("round page:\n%.2000s", text)
	}
	roundURL := strings.TrimPrefix(location(t, ctx), srv.URL)
	ridText := roundURL[strings.LastIndex(roundURL, "/")+1:]
	rid, err := strconv.ParseInt(ridText, 10, 64)
	if err != nil {
		t.Fatalf("round URL %s", roundURL)
	}
	var invited int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM draft_invites WHERE round_id = ?`, rid).Scan(&invited); err != nil || invited != 3 {
		t.Fatalf("invited %d units, %v", invited, err)
	}
	partOf := func(ref string) string {
		t.Helper()
		var id string
		if err := db.QueryRowContext(bg, `SELECT CAST(p.id AS TEXT) FROM draft_parts p JOIN draft_rounds r ON r.version_id = p.version_id WHERE r.id = ? AND p.pkey = ?`, rid, ref).Scan(&id); err != nil {
			t.Fatalf("part %s: %v", ref, err)
		}
		return id
	}
	logout(t, ctx, srv)

	// congdoan1 comments on two articles on behalf of the trade union.
	login(t, ctx, srv, "congdoan1")
	comments := []struct{ part, body, proposed string }{
		{"d3.1", "Đề nghị quy định rõ thời hạn công khai là 03 ngày làm việc.", "1. Thủ trưởng cơ quan chủ trì, phối hợp với Ban Chấp hành Công đoàn thực hiện nội dung tại Điều 3 trong thời hạn 03 ngày làm việc."},
		{"d7", "Đề nghị bổ sung hình thức lấy ý kiến qua hộp thư góp ý.", ""},
	}
	for i, c := range comments {
		page(roundURL, "")
		selectOption(t, ctx, "#f-part_id", partOf(c.part))
		selectOption(t, ctx, "#f-unit_id", strconv.FormatInt(union, 10))
		fill(t, ctx, "#f-body", c.body)
		if c.proposed != "" {
			setValue("#f-proposed", c.proposed)
		}
		text = click("send comment "+strconv.Itoa(i+1), `form[action$="/comments"] button[type="submit"]`)
		if !strings.Contains(text, "Đã gửi góp ý") || !strings.Contains(text, c.body) {
			t.Fatalf("after comment %d:\n%.3000s", i+1, text)
		}
	}
	checkA11y(t, ctx)
	viewShot(t, ctx, "du-thao-gop-y")
	var onBehalf int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM draft_comments WHERE round_id = ? AND unit_id = ?`, rid, union).Scan(&onBehalf); err != nil || onBehalf != 2 {
		t.Fatalf("comments on behalf of the union: %d, %v", onBehalf, err)
	}
	logout(t, ctx, srv)

	// A citizen comments on the public site without an account: held for moderation.
	publicURL := "/gop-y/" + ridText
	page("/gop-y", "")
	text = page(publicURL, "")
	viewShot(t, ctx, "gop-y-cong-khai")
	if !strings.Contains(text, title) || !strings.Contains(text, "Bảo vệ thông tin cá nhân") {
		t.Fatalf("public round page:\n%.2000s", text)
	}
	citizen := "Đề nghị niêm yết cả tại bộ phận một cửa để người dân cùng biết."
	fill(t, ctx, "#f-name", "Trần Văn Dân")
	fill(t, ctx, "#f-contact", "0912345678")
	selectOption(t, ctx, "#f-part_id", partOf("d4"))
	fill(t, ctx, "#f-body", citizen)
	text = click("citizen comment", `form[action="`+publicURL+`"] button[type="submit"]`)
	if !strings.Contains(text, "sau khi cơ quan soạn thảo duyệt") || strings.Contains(text, citizen) {
		t.Fatalf("after the citizen's comment:\n%.2000s", text)
	}
	checkA11y(t, ctx)

	// The drafter approves it, answers one accepted with new wording and one explained.
	login(t, ctx, srv, "thutruong1")
	text = page(roundURL+"?unanswered=1", "")
	if !strings.Contains(text, "chờ duyệt") || !strings.Contains(text, citizen) {
		t.Fatalf("moderation queue:\n%.3000s", text)
	}
	click("approve the citizen's comment", `button[name="decision"][value="approve"]`)
	ids := commentIDs(t, db, rid)
	answer := func(id int64, kind, text, ref string) {
		t.Helper()
		page(roundURL, "")
		sid := strconv.FormatInt(id, 10)
		step(t, ctx, "open answer form", chromedp.Click(chromedp.CSS("#c"+sid+" details summary")))
		tick(t, ctx, "#a-"+sid+"-"+kind, true)
		setValue("#at-"+sid, text)
		if ref != "" {
			fill(t, ctx, "#ar-"+sid, ref)
		}
		if out := click("answer "+sid, `form[action$="/comments/`+sid+`/answer"] button[type="submit"]`); !strings.Contains(out, "Đã trả lời góp ý") {
			t.Fatalf("answer %s:\n%.2000s", sid, out)
		}
	}
	newWording := "1. Thủ trưởng cơ quan chủ trì, phối hợp với Ban Chấp hành Công đoàn thực hiện nội dung tại Điều 3 trong thời hạn 03 ngày làm việc."
	reason := "Hộp thư góp ý đã được quy định tại Quy chế tiếp công dân của Sở; không nhắc lại."
	answer(ids[0], "accepted", newWording, "Khoản 1 Điều 3")
	answer(ids[1], "explained", reason, "")
	text = page(roundURL, "")
	step(t, ctx, "scroll to the answered comment", chromedp.Evaluate[chromedp.Void](`document.getElementById("c`+strconv.FormatInt(ids[0], 10)+`").scrollIntoView(); undefined`))
	viewShot(t, ctx, "du-thao-tra-loi")
	if !strings.Contains(text, "1 chưa trả lời") { // the citizen's comment
		t.Fatalf("unanswered count:\n%.3000s", text)
	}

	// The report lists both comments with who made them and the answers.
	text = page(roundURL+"/report", "")
	viewShot(t, ctx, "du-thao-bao-cao")
	for _, want := range []string{"Công đoàn Sở Tư pháp", comments[0].body, comments[1].body, "Tiếp thu", newWording, "Giải trình", reason, "Trần Văn Dân (người dân)", "Khoản 1 Điều 3", "Điều 7"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	logout(t, ctx, srv)

	// Once approved, the citizen's comment is public.
	if text := page(publicURL, ""); !strings.Contains(text, citizen) {
		t.Fatalf("approved comment not shown publicly:\n%.2000s", text)
	}

	// After the close no comment is accepted: the page was loaded while open, the form
	// is sent after the close, and the server refuses it.
	login(t, ctx, srv, "congdoan1")
	page(roundURL, "")
	fill(t, ctx, "#f-body", "Góp ý gửi sau khi hết hạn.")
	if _, err := db.ExecContext(bg, `UPDATE draft_rounds SET closes_at = ? WHERE id = ?`, sqldb.FormatTime(db.Now().Add(-time.Second)), rid); err != nil {
		t.Fatal(err)
	}
	st := submit(t, ctx, "comment after the close", chromedp.Click(chromedp.CSS(`form[action$="/comments"] button[type="submit"]`)))
	text = pageText(t, ctx)
	if st != http.StatusConflict || !strings.Contains(text, "Đợt lấy ý kiến đã kết thúc") {
		t.Fatalf("comment after the close: status %d\n%.2000s", st, text)
	}
	checkA11y(t, ctx)
	var late int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM draft_comments WHERE round_id = ? AND body LIKE ?`, rid, "%sau khi hết hạn%").Scan(&late); err != nil || late != 0 {
		t.Fatalf("late comment stored: %d, %v", late, err)
	}
	text = page(roundURL, "")
	if strings.Contains(text, "Gửi góp ý\n") || !strings.Contains(text, "không nhận thêm góp ý") {
		t.Fatalf("closed round still offers the form:\n%.2000s", text)
	}

	// On a 360 px phone the round page does not scroll sideways.
	step(t, ctx, "phone viewport", chromedp.EmulateViewport(360, 740))
	page(roundURL, "")
	if w := run(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 360 {
		t.Errorf("round page is %d px wide on a 360 px phone", w)
	}
	viewShot(t, ctx, "du-thao-dien-thoai")
}

// commentIDs returns the ids of the round's comments made on behalf of a unit, oldest first.
func commentIDs(t *testing.T, db *sqldb.DB, rid int64) []int64 {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT id FROM draft_comments WHERE round_id = ? AND unit_id IS NOT NULL ORDER BY id`, rid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if len(out) != 2 {
		t.Fatalf("comments on behalf of units: %v", out)
	}
	return out
}

// logout signs out through the header's form.
func logout(t *testing.T, ctx context.Context, srv *server) {
	t.Helper()
	// The button sits in the account menu; submitting the form is what it does.
	if st := submit(t, ctx, "sign out", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/logout"]').submit(); undefined`)); st != http.StatusOK {
		t.Fatalf("sign out: %d", st)
	}
}

// viewShot saves what the window shows (the top of a long page) as
// docs/screenshots/<name>.png when DANVAN_SCREENSHOTS=1: a 40-article draft in full would
// make a screenshot of several megabytes.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("DANVAN_SCREENSHOTS") != "1" {
		return
	}
	png := run(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join("..", "docs", "screenshots", name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
