package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"danvan/internal/work"
)

// TestConferenceLife is issue 10's browser walk of the annual staff conference of Sở Tư
// pháp: the trade union's chair plans it and sets the agenda; the head puts a draft rule
// to the staff; a staff member comments on it through the draft round's page; the head
// takes the attendance (the quorum is reached), records the votes, adds two commitments,
// tries to elect the chief accountant to the people's inspection board (refused with the
// reason), elects the board and issues the resolution; the .docx resolution reads right;
// the commitments are in the answerable people's "Việc của tôi". axe-core runs on every
// page; the conference's pages are checked on a 360 px phone.
func TestConferenceLife(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	bg := context.Background()
	db := srv.App.DB
	year := db.Now().In(work.VietnamZone).Year() + 1
	var stpPath string
	if err := db.QueryRowContext(bg, `SELECT path FROM units WHERE code = 'STP'`).Scan(&stpPath); err != nil {
		t.Fatal(err)
	}
	w := walk{t, ctx, srv}
	page, click, clickAs, openAll := w.page, w.click, w.clickAs, w.openAll
	// shotAt saves what the screen shows with a section of the page at its top.
	shotAt := func(css, name string) {
		t.Helper()
		step(t, ctx, "scroll to "+css, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(css)+`).scrollIntoView(); undefined`))
		screenshotScreen(t, ctx, name)
	}
	want := w.want

	// 1. The trade union's chair plans the conference and sets the agenda.
	login(t, ctx, srv, "congdoan1")
	page("/democracy/conferences", "hncb-danh-sach")
	page("/democracy/conferences/new", "")
	fill(t, ctx, "#f-planned_on", fmt.Sprintf("20/01/%d", year))
	fill(t, ctx, "#f-place", "Hội trường tầng 3, trụ sở Sở Tư pháp")
	screenshot(t, ctx, "hncb-lap-ke-hoach")
	text := click("plan", `form[action="/democracy/conferences/new"] button[type="submit"]`)
	want(text, "after planning", "Đã lập kế hoạch hội nghị", "hai phần ba", "Chưa tổ chức, còn trong hạn")
	m := regexp.MustCompile(`/democracy/conferences/(\d+)`).FindStringSubmatch(location(t, ctx))
	if m == nil {
		t.Fatalf("not on a conference page: %s", location(t, ctx))
	}
	confURL := "/democracy/conferences/" + m[1]
	confID, _ := strconv.ParseInt(m[1], 10, 64)
	for _, it := range []struct{ kind, title string }{
		{"report", fmt.Sprintf("Báo cáo kết quả thực hiện nhiệm vụ năm %d và phương hướng năm %d", year-1, year)},
		{"motion", "Thông qua Quy chế chi tiêu nội bộ sửa đổi"},
		{"resolution", fmt.Sprintf("Thông qua Nghị quyết hội nghị cán bộ, công chức, viên chức, người lao động năm %d", year)},
	} {
		openAll()
		tick(t, ctx, `input[name="item_kind"][value="`+it.kind+`"]`, true)
		fill(t, ctx, "#f-item_title", it.title)
		want(click("add item", `form[action$="/items"] button[type="submit"]`), "after an item", "Đã thêm nội dung", it.title)
	}
	logout(t, ctx, srv)

	// 2. The head puts the draft rule to the staff (a round of the drafts module).
	login(t, ctx, srv, "thutruong1")
	page(confURL, "")
	openAll()
	fill(t, ctx, "#f-doc_title", "Dự thảo Quy chế chi tiêu nội bộ sửa đổi")
	fill(t, ctx, "#f-doc_kind", "Quy chế")
	fill(t, ctx, "#f-doc_closes_on", fmt.Sprintf("15/01/%d", year))
	step(t, ctx, "document body", chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-doc_body").value = `+jsString(
		"Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định chế độ, định mức chi tiêu nội bộ của cơ quan.\nĐiều 2. Công tác phí\nCán bộ đi công tác được thanh toán theo định mức của Quy chế.\nĐiều 3. Tổ chức thực hiện\nVăn phòng chủ trì, phối hợp với Công đoàn cơ quan tổ chức thực hiện.")+`; undefined`))
	shotAt("#documents", "hncb-tai-lieu")
	want(click("put the document to the staff", `form[action$="/documents"] button[type="submit"]`), "after the document", "Đã đưa tài liệu ra lấy ý kiến", "Xem và góp ý")
	logout(t, ctx, srv)

	// 3. A staff member comments through the draft round's page.
	login(t, ctx, srv, "dangvien1")
	page(confURL, "")
	if st := submit(t, ctx, "open the round", chromedp.Click(chromedp.CSS("a.doc-round"))); st != http.StatusOK {
		t.Fatalf("round page: %d", st)
	}
	checkA11y(t, ctx)
	step(t, ctx, "choose an article", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#f-part_id"); const o = [...s.options].find(o => o.value && o.value !== "0"); if (o) s.value = o.value; })(); undefined`))
	fill(t, ctx, "#f-body", "Đề nghị bổ sung định mức khoán công tác phí cho cán bộ đi cơ sở thường xuyên.")
	want(click("send the comment", `form[action$="/comments"] button[type="submit"]`), "after the comment", "Đã gửi góp ý")
	var comments int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM draft_comments m JOIN conference_documents d ON d.round_id = m.round_id WHERE d.conference_id = ?`, confID).Scan(&comments); err != nil || comments != 1 {
		t.Fatalf("comments on the conference's document: %d, %v", comments, err)
	}
	logout(t, ctx, srv)

	// 4. On the day: attendance, votes, commitments, the board, the resolution.
	login(t, ctx, srv, "thutruong1")
	page(confURL, "")
	var delegates int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM conference_delegates WHERE conference_id = ?`, confID).Scan(&delegates); err != nil {
		t.Fatal(err)
	}
	// Two delegates are absent.
	step(t, ctx, "untick two absent delegates", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('input[name="att_present"]')].slice(-2).forEach(c => c.checked = false); undefined`))
	shotAt("#attendance", "hncb-diem-danh")
	present := delegates - 2
	text = click("attendance", `form[action$="/attendance"] button[type="submit"]`)
	want(text, "after the attendance", "Đã ghi nhận điểm danh", fmt.Sprintf("%d/%d", present, delegates), "Đủ số đại biểu tối thiểu")
	items := map[string]int64{}
	rows, err := db.QueryContext(bg, `SELECT id, kind FROM conference_items WHERE conference_id = ?`, confID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var k string
		_ = rows.Scan(&id, &k)
		items[k] = id
	}
	rows.Close()
	vote := func(kind string, yes, no, abst int, status int) string {
		t.Helper()
		p := fmt.Sprintf("#f-v%d_", items[kind])
		fill(t, ctx, p+"votes_for", strconv.Itoa(yes))
		fill(t, ctx, p+"votes_against", strconv.Itoa(no))
		fill(t, ctx, p+"votes_abstain", strconv.Itoa(abst))
		return clickAs("votes on "+kind, fmt.Sprintf(`form[action$="/items/%d/votes"] button[type="submit"]`, items[kind]), status)
	}
	// More votes than people present: refused with the numbers, nothing written.
	want(vote("motion", present, 1, 1, http.StatusUnprocessableEntity), "too many votes", "vượt quá số đại biểu có mặt")
	want(vote("motion", present-4, 2, 2, http.StatusOK), "motion votes", "Được thông qua")
	want(vote("resolution", present-1, 0, 1, http.StatusOK), "resolution votes", fmt.Sprintf("Tán thành %d, không tán thành 0, không biểu quyết 1", present-1))
	shotAt("#agenda", "hncb-bieu-quyet")
	var unionChair int64
	if err := db.QueryRowContext(bg, `SELECT person_id FROM users WHERE username = 'congdoan1'`).Scan(&unionChair); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ content, lead, due string }{
		{"Công khai đầy đủ, đúng hạn dự toán và quyết toán ngân sách của cơ quan", "", fmt.Sprintf("30/06/%d", year)},
		{"Tổ chức khám sức khỏe định kỳ cho toàn thể cán bộ, công chức, viên chức, người lao động", strconv.FormatInt(unionChair, 10), fmt.Sprintf("30/09/%d", year)},
	} {
		openAll()
		fill(t, ctx, "#f-cm_content", c.content)
		if c.lead != "" {
			selectOption(t, ctx, "#f-cm_lead_id", c.lead)
		}
		fill(t, ctx, "#f-cm_due_on", c.due)
		want(click("add a commitment", `form[action$="/commitments"] button[type="submit"]`), "after a commitment", "Đã thêm cam kết", c.content)
	}
	// The board: the chief accountant is refused, with the reason.
	var accountant int64
	if err := db.QueryRowContext(bg, `SELECT ps.person_id FROM positions ps JOIN people p ON p.id = ps.person_id WHERE ps.title = 'ke-toan-truong' AND ps.end_date = '' AND p.unit_path LIKE ? ORDER BY ps.id LIMIT 1`, stpPath+"%").Scan(&accountant); err != nil {
		t.Fatal(err)
	}
	var members []int64
	rows, err = db.QueryContext(bg, `SELECT p.id FROM people p WHERE p.unit_path LIKE ? AND p.id <> ? AND NOT EXISTS (SELECT 1 FROM positions ps WHERE ps.person_id = p.id AND ps.end_date = ''
		AND ps.title IN ('thu-truong', 'pho-thu-truong', 'ke-toan-truong')) ORDER BY p.id LIMIT 4`, stpPath+"%", unionChair)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		members = append(members, id)
	}
	rows.Close()
	tick := func(ids ...int64) {
		t.Helper()
		step(t, ctx, "clear the board's list", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="board_member_ids"]').forEach(c => c.checked = false); undefined`))
		for _, id := range ids {
			tick(t, ctx, fmt.Sprintf(`input[name="board_member_ids"][value="%d"]`, id), true)
		}
		selectOption(t, ctx, "#f-board_head_id", strconv.FormatInt(members[0], 10))
		fill(t, ctx, "#f-board_votes_for", strconv.Itoa(present-2))
		fill(t, ctx, "#f-board_votes_against", "1")
		fill(t, ctx, "#f-board_votes_abstain", "1")
	}
	tick(accountant, members[0], members[1], members[2])
	text = clickAs("elect the chief accountant", `form[action$="/board"] button[type="submit"]`, http.StatusUnprocessableEntity)
	want(text, "the refused election", "Không thể bầu vào Ban Thanh tra nhân dân", "Kế toán trưởng", "không được tham gia Ban")
	shotAt("#board", "hncb-bau-ban-tu-choi")
	var boards int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM boards WHERE conference_id = ?`, confID).Scan(&boards); err != nil || boards != 0 {
		t.Fatalf("a refused election wrote a board: %d, %v", boards, err)
	}
	tick(members...)
	want(click("elect the board", `form[action$="/board"] button[type="submit"]`), "after the election", "Đã ghi nhận kết quả bầu Ban", "Trưởng ban")
	fill(t, ctx, "#f-res_number", "01/NQ-HNCBCC")
	text = click("issue the resolution", `form[action$="/resolution"] button[type="submit"]`)
	want(text, "after the issue", "Đã ban hành nghị quyết", "01/NQ-HNCBCC", "Chưa thực hiện", "Đúng hạn")
	screenshot(t, ctx, "hncb-nghi-quyet")

	// 5. The resolution as .docx, read back.
	b64 := run(t, ctx, "download the resolution", chromedp.Evaluate[string](`fetch(`+jsString(confURL+"/resolution.docx")+`).then(r => r.arrayBuffer()).then(b => {
  const u = new Uint8Array(b); let s = ""; for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s); })`, chromedp.EvalAwaitPromise))
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	doc := docxBody(t, raw)
	for _, w := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ TƯ PHÁP", "Số: 01/NQ-HNCBCC", "NGHỊ QUYẾT", "QUYẾT NGHỊ",
		"Công khai đầy đủ, đúng hạn dự toán và quyết toán ngân sách của cơ quan", "Tổ chức khám sức khỏe định kỳ",
		fmt.Sprintf("%d/%d đại biểu có mặt tán thành", present-1, present), "Ban Thanh tra nhân dân gồm 4 thành viên", "T/M HỘI NGHỊ"} {
		if !strings.Contains(doc, w) {
			t.Errorf("the resolution .docx lacks %q", w)
		}
	}
	page(confURL+"/resolution.html", "hncb-nghi-quyet-ban-in")

	// 6. The commitments in the answerable people's work.
	want(page("/my-work", ""), "the head's work", "Công khai đầy đủ, đúng hạn dự toán và quyết toán ngân sách của cơ quan")
	logout(t, ctx, srv)
	login(t, ctx, srv, "congdoan1")
	want(page("/my-work", "hncb-viec-cua-toi"), "the union chair's work", "Tổ chức khám sức khỏe định kỳ")

	// 7. On a 360 px phone.
	phone := phoneBrowser(t)
	login(t, phone, srv, "thutruong1")
	phonePage(t, phone, srv, "/democracy/conferences")
	phonePage(t, phone, srv, confURL)
	screenshotScreen(t, phone, "hncb-dien-thoai")
	var planned int64
	if err := db.QueryRowContext(bg, `SELECT c.id FROM conferences c JOIN units u ON u.id = c.unit_id WHERE c.status = 'planned' ORDER BY c.id LIMIT 1`).Scan(&planned); err != nil {
		t.Fatal(err)
	}
	logout(t, phone, srv)
	login(t, phone, srv, "admin")
	phonePage(t, phone, srv, fmt.Sprintf("/democracy/conferences/%d", planned))
	step(t, phone, "open the folded forms", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("main details").forEach(d => d.open = true); undefined`))
	checkPhone(t, phone, "a planned conference with its forms open")
}

// docxBody is the text of a .docx's body with the tags dropped.
func docxBody(t *testing.T, raw []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("not a .docx (%d bytes): %v", len(raw), err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(b), "")
		}
	}
	t.Fatal("the .docx has no word/document.xml")
	return ""
}
