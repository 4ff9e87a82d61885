package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/web"
	"danvan/internal/work"
)

// docxText is the text of a .docx's body, the runs joined in order (tags dropped).
func docxText(t *testing.T, body string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("not a .docx: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(b), "")
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

var confIDRE = regexp.MustCompile(`^/democracy/conferences/(\d+)`)

// confFixture is a conference of next year planned in Sở Tư pháp by its head.
type confFixture struct {
	s            *app.Started
	head         *appClient
	id           int64
	url, stpPath string
}

func planConference(t *testing.T, s *app.Started) *confFixture {
	t.Helper()
	f := &confFixture{s: s, head: newClientAs(t, s, "thutruong1")}
	f.stpPath = scalar[string](t, s, `SELECT path FROM units WHERE code = 'STP'`)
	stp := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
	year := s.DB.Now().In(work.VietnamZone).Year() + 1
	form := url.Values{"form_nonce": {f.head.nonce("/democracy/conferences/new")}, "unit_id": {fmt.Sprint(stp)}, "year": {fmt.Sprint(year)},
		"planned_on": {fmt.Sprintf("20/01/%d", year)}, "place": {"Hội trường tầng 3"}, "delegate_mode": {"all"}}
	res, body := f.head.post("/democracy/conferences/new", form)
	m := confIDRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d %s %s", res.StatusCode, res.Header.Get("Location"), body)
	}
	f.id, _ = strconv.ParseInt(m[1], 10, 64)
	f.url = "/democracy/conferences/" + m[1]
	// The same form twice makes one conference.
	if res, _ := f.head.post("/democracy/conferences/new", form); res.StatusCode >= 500 {
		t.Fatalf("double submit: %d", res.StatusCode)
	}
	if n := scalar[int](t, s, `SELECT COUNT(*) FROM conferences WHERE unit_id = ? AND year = ?`, stp, year); n != 1 {
		t.Fatalf("%d conferences after a double submit", n)
	}
	return f
}

// post sends one of the page's forms with a fresh nonce.
func (f *confFixture) post(t *testing.T, c *appClient, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("form_nonce", c.nonce(f.url))
	return c.post(f.url+path, form)
}

func (f *confFixture) writes(t *testing.T) int {
	t.Helper()
	return scalar[int](t, f.s, `SELECT COUNT(*) FROM audit_log WHERE entity IN ('conference', 'board', 'task', 'draft')`)
}

func wantRefused(t *testing.T, what string, res *http.Response, body string, status int, msg string) {
	t.Helper()
	if res.StatusCode != status || !strings.Contains(body, msg) {
		t.Fatalf("%s: %d, want %d with %q", what, res.StatusCode, status, msg)
	}
}

func itemIDs(t *testing.T, s *app.Started, conf int64) (report, motion, resolution int64) {
	t.Helper()
	rows, err := s.DB.QueryContext(context.Background(), `SELECT id, kind FROM conference_items WHERE conference_id = ? ORDER BY seq`, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k string
		_ = rows.Scan(&id, &k)
		switch k {
		case "report":
			report = id
		case "motion":
			motion = id
		case "resolution":
			resolution = id
		}
	}
	return
}

func TestConferencePages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		f := planConference(t, s)
		head := f.head
		today := web.FormatDate(work.Today(s.DB.Now()))
		if res, body := head.get("/democracy/conferences"); res.StatusCode != 200 || !strings.Contains(body, "Lập kế hoạch hội nghị") || !strings.Contains(body, f.url) {
			t.Fatalf("list: %d", res.StatusCode)
		}
		if res, body := head.get(f.url); res.StatusCode != 200 || !strings.Contains(body, "hai phần ba") || !strings.Contains(body, "Chưa tổ chức, còn trong hạn") {
			t.Fatalf("show: %d", res.StatusCode)
		}

		// A document put to the staff opens a round of the drafts module.
		year := s.DB.Now().In(work.VietnamZone).Year() + 1
		res, body := f.post(t, head, "/documents", url.Values{"doc_title": {"Dự thảo Quy chế chi tiêu nội bộ sửa đổi"}, "doc_kind": {"Quy chế"},
			"doc_body": {"Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định việc chi tiêu nội bộ.\nĐiều 2. Đối tượng áp dụng\nCán bộ, công chức của cơ quan."}, "doc_closes_on": {fmt.Sprintf("15/01/%d", year)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("document: %d %s", res.StatusCode, body)
		}
		rid := scalar[int64](t, s, `SELECT round_id FROM conference_documents WHERE conference_id = ?`, f.id)
		did := scalar[int64](t, s, `SELECT draft_id FROM conference_documents WHERE conference_id = ?`, f.id)
		if _, body := head.get(f.url); !strings.Contains(body, fmt.Sprintf(`/drafts/%d/rounds/%d`, did, rid)) {
			t.Fatal("the page does not link the round where staff comment")
		}
		// A document closing after the conference is refused, nothing written.
		before := f.writes(t)
		res, body = f.post(t, head, "/documents", url.Values{"doc_title": {"Muộn"}, "doc_body": {"Điều 1. Nội dung"}, "doc_closes_on": {fmt.Sprintf("25/01/%d", year)}})
		wantRefused(t, "late document", res, body, 422, "Hạn góp ý phải trước ngày hội nghị")
		if !strings.Contains(body, `id="f-doc_closes_on"`) || !strings.Contains(body, `href="#f-doc_closes_on"`) {
			t.Fatal("the error is not under its field")
		}

		// An existing draft of the agency is linked; an unknown one is not found.
		own := scalar[int64](t, s, `SELECT id FROM drafts WHERE unit_path LIKE ? AND id <> ? ORDER BY id LIMIT 1`, f.stpPath+"%", did)
		other := scalar[int64](t, s, `SELECT COALESCE(MAX(id), 0) + 1000 FROM drafts`)
		res, body = f.post(t, head, "/documents/link", url.Values{"link_draft_id": {fmt.Sprint(other)}})
		wantRefused(t, "an unknown draft", res, body, 422, "Không tìm thấy dự thảo này trong cơ quan")
		if res, body := f.post(t, head, "/documents/link", url.Values{"link_draft_id": {fmt.Sprint(own)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("link: %d %s", res.StatusCode, body)
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM conference_documents WHERE conference_id = ?`, f.id); n != 2 {
			t.Fatalf("%d documents after the link", n)
		}
		// A second plan for the same year is refused on the form.
		stp := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
		res, body = head.post("/democracy/conferences/new", url.Values{"form_nonce": {head.nonce("/democracy/conferences/new")}, "unit_id": {fmt.Sprint(stp)}, "year": {fmt.Sprint(year)}})
		wantRefused(t, "a second plan", res, body, 409, fmt.Sprintf("đã có kế hoạch hội nghị năm %d", year))
		// A conference of elected delegates needs an agency above the threshold.
		res, body = head.post("/democracy/conferences/new", url.Values{"form_nonce": {head.nonce("/democracy/conferences/new")}, "unit_id": {fmt.Sprint(stp)}, "year": {fmt.Sprint(year - 1)}, "delegate_mode": {"elected"}})
		wantRefused(t, "elected delegates in a small agency", res, body, 422, "hội nghị là hội nghị toàn thể, không bầu đại biểu")
		before = f.writes(t)
		for _, it := range []url.Values{
			{"item_kind": {"report"}, "item_title": {"Báo cáo kết quả thực hiện nhiệm vụ năm"}},
			{"item_kind": {"motion"}, "item_title": {"Thông qua Quy chế chi tiêu nội bộ sửa đổi"}},
			{"item_kind": {"resolution"}, "item_title": {"Thông qua Nghị quyết hội nghị"}},
		} {
			if res, body := f.post(t, head, "/items", it); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("item: %d %s", res.StatusCode, body)
			}
		}
		res, body = f.post(t, head, "/items", url.Values{"item_kind": {"report"}, "item_title": {""}})
		wantRefused(t, "item without a title", res, body, 422, "Hãy nhập tên nội dung.")
		_, motion, resolution := itemIDs(t, s, f.id)
		votes := func(item int64, yes, no, abst int) url.Values {
			p := fmt.Sprintf("v%d_", item)
			return url.Values{p + "votes_for": {fmt.Sprint(yes)}, p + "votes_against": {fmt.Sprint(no)}, p + "votes_abstain": {fmt.Sprint(abst)}}
		}
		vpath := func(item int64) string { return fmt.Sprintf("/items/%d/votes", item) }
		if f.writes(t) != before+3 {
			t.Fatalf("bad input wrote: %d entries, want %d", f.writes(t), before+3)
		}
		before = f.writes(t)
		// Before the attendance: no vote.
		res, body = f.post(t, head, vpath(motion), votes(motion, 5, 0, 0))
		wantRefused(t, "vote before attendance", res, body, 409, "Hội nghị chưa điểm danh")

		// Attendance below the quorum, then every delegate.
		var delegates []string
		rows, err := s.DB.QueryContext(context.Background(), `SELECT person_id FROM conference_delegates WHERE conference_id = ? ORDER BY person_id`, f.id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			delegates = append(delegates, fmt.Sprint(id))
		}
		rows.Close()
		n := len(delegates)
		few := delegates[:n/2]
		if res, _ := f.post(t, head, "/attendance", url.Values{"att_held_on": {today}, "att_present": few}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("attendance: %d", res.StatusCode)
		}
		if _, body := head.get(f.url); !strings.Contains(body, "Chưa đủ số đại biểu tối thiểu") || !strings.Contains(body, fmt.Sprintf("%d/%d", len(few), n)) {
			t.Fatal("the page does not say the quorum is missing")
		}
		before = f.writes(t)
		res, body = f.post(t, head, vpath(resolution), votes(resolution, len(few), 0, 0))
		wantRefused(t, "vote without quorum", res, body, 409, "không đủ số đại biểu tối thiểu")
		res, body = f.post(t, head, "/attendance", url.Values{"att_held_on": {"31/02/2020"}, "att_present": delegates})
		wantRefused(t, "bad date", res, body, 422, "Ngày tổ chức không hợp lệ")
		if f.writes(t) != before {
			t.Fatal("a refused vote or attendance wrote something")
		}
		if res, _ := f.post(t, head, "/attendance", url.Values{"att_held_on": {today}, "att_present": delegates}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("attendance: %d", res.StatusCode)
		}
		if _, body := head.get(f.url); !strings.Contains(body, "Đủ số đại biểu tối thiểu") {
			t.Fatal("quorum not shown")
		}
		// More votes than people present.
		before = f.writes(t)
		res, body = f.post(t, head, vpath(motion), votes(motion, n, 1, 0))
		wantRefused(t, "too many votes", res, body, 422, "vượt quá số đại biểu có mặt")
		res, body = f.post(t, head, vpath(motion), votes(motion, -1, 0, 0))
		wantRefused(t, "negative votes", res, body, 422, "Số phiếu")
		if f.writes(t) != before || scalar[int](t, s, `SELECT COUNT(*) FROM conference_items WHERE conference_id = ? AND voted = 1`, f.id) != 0 {
			t.Fatal("refused votes wrote something")
		}
		if res, _ := f.post(t, head, vpath(motion), votes(motion, n-3, 2, 1)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("motion votes: %d", res.StatusCode)
		}
		if res, _ := f.post(t, head, vpath(resolution), votes(resolution, n-1, 0, 1)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("resolution votes: %d", res.StatusCode)
		}
		_, body = head.get(f.url)
		if !strings.Contains(body, "Được thông qua") || !strings.Contains(body, fmt.Sprintf("Tán thành %d, không tán thành 2, không biểu quyết 1", n-3)) {
			t.Fatal("votes not shown")
		}

		// Commitments: one for the head (default), one for the trade union's chair.
		unionChair := scalar[int64](t, s, `SELECT person_id FROM users WHERE username = 'congdoan1'`)
		if res, body := f.post(t, head, "/commitments", url.Values{"cm_content": {"Công khai dự toán, quyết toán ngân sách đúng hạn"}, "cm_due_days": {"60"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("commitment: %d %s", res.StatusCode, body)
		}
		if res, body := f.post(t, head, "/commitments", url.Values{"cm_content": {"Tổ chức khám sức khỏe định kỳ cho cán bộ"}, "cm_lead_id": {fmt.Sprint(unionChair)}, "cm_due_on": {fmt.Sprintf("30/09/%d", year)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("commitment: %d %s", res.StatusCode, body)
		}
		res, body = f.post(t, head, "/commitments", url.Values{"cm_content": {""}, "cm_due_days": {"10"}})
		wantRefused(t, "empty commitment", res, body, 422, "Hãy nhập nội dung cam kết")

		// The board: the chief accountant is refused with the reason.
		accountant := scalar[int64](t, s, `SELECT ps.person_id FROM positions ps JOIN people p ON p.id = ps.person_id WHERE ps.title = 'ke-toan-truong' AND ps.end_date = '' AND p.unit_path LIKE ? ORDER BY ps.id LIMIT 1`, f.stpPath+"%")
		var members []string
		rows, err = s.DB.QueryContext(context.Background(), `SELECT p.id FROM people p WHERE p.unit_path LIKE ? AND NOT EXISTS (SELECT 1 FROM positions ps WHERE ps.person_id = p.id AND ps.end_date = ''
			AND ps.title IN ('thu-truong', 'pho-thu-truong', 'ke-toan-truong')) ORDER BY p.id LIMIT 4`, f.stpPath+"%")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			members = append(members, fmt.Sprint(id))
		}
		rows.Close()
		board := func(ids []string) url.Values {
			return url.Values{"board_member_ids": ids, "board_head_id": {members[0]}, "board_votes_for": {fmt.Sprint(n - 1)}, "board_votes_against": {"1"}}
		}
		before = f.writes(t)
		res, body = f.post(t, head, "/board", board(append([]string{fmt.Sprint(accountant)}, members[:3]...)))
		wantRefused(t, "accountant on the board", res, body, 422, "Kế toán trưởng")
		if !strings.Contains(body, "không được tham gia Ban") || f.writes(t) != before {
			t.Fatal("the refusal lacks the reason or wrote something")
		}
		if res, body := f.post(t, head, "/board", board(members)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("board: %d %s", res.StatusCode, body)
		}

		// The trade union co-runs the conference but does not assign tasks.
		union := newClientAs(t, s, "congdoan1")
		res, body = f.post(t, union, "/resolution", url.Values{"res_number": {"01/NQ-HNCBCC"}, "res_issued_on": {today}})
		wantRefused(t, "issue by the trade union", res, body, 403, "Chỉ thủ trưởng hoặc văn phòng cơ quan")
		res, body = f.post(t, head, "/resolution", url.Values{"res_number": {""}, "res_issued_on": {today}})
		wantRefused(t, "issue without a number", res, body, 422, "Hãy nhập số, ký hiệu nghị quyết")
		if res, body := f.post(t, head, "/resolution", url.Values{"res_number": {"01/NQ-HNCBCC"}, "res_issued_on": {today}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("issue: %d %s", res.StatusCode, body)
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM conference_commitments WHERE conference_id = ? AND task_id IS NOT NULL`, f.id); n != 2 {
			t.Fatalf("%d commitments became tasks", n)
		}
		_, body = head.get(f.url)
		if !strings.Contains(body, "Đã ban hành nghị quyết") || !strings.Contains(body, "/tasks/") || !strings.Contains(body, "Đúng hạn") {
			t.Fatal("issued page lacks the tasks' badges")
		}
		// After the issue nothing more is recorded.
		res, body = head.post(f.url+"/items", url.Values{"form_nonce": {"after-issue"}, "item_kind": {"report"}, "item_title": {"Muộn"}})
		wantRefused(t, "item after the issue", res, body, 409, "Nghị quyết hội nghị đã ban hành")
		// The commitments are in the answerable people's work.
		if _, body := union.get("/my-work"); !strings.Contains(body, "Tổ chức khám sức khỏe định kỳ cho cán bộ") {
			t.Fatal("the trade union chair's commitment is not in Việc của tôi")
		}
		if _, body := head.get("/my-work"); !strings.Contains(body, "Công khai dự toán, quyết toán ngân sách đúng hạn") {
			t.Fatal("the head's commitment is not in Việc của tôi")
		}

		t.Run("exports", func(t *testing.T) {
			res, body := head.get(f.url + "/resolution.docx")
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), ".docx") {
				t.Fatalf("resolution.docx: %d %v", res.StatusCode, res.Header)
			}
			text := docxText(t, body)
			for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ TƯ PHÁP", "Số: 01/NQ-HNCBCC", "NGHỊ QUYẾT", "QUYẾT NGHỊ", "Công khai dự toán, quyết toán ngân sách đúng hạn",
				"Tổ chức khám sức khỏe định kỳ cho cán bộ", "Thông qua Quy chế chi tiêu nội bộ sửa đổi", fmt.Sprintf("%d/%d đại biểu có mặt tán thành", n-1, n), "Ban Thanh tra nhân dân gồm 4 thành viên", "T/M HỘI NGHỊ", "CHỦ TỌA"} {
				if !strings.Contains(text, want) {
					t.Errorf("resolution lacks %q", want)
				}
			}
			res, body = head.get(f.url + "/minutes.docx")
			if res.StatusCode != 200 {
				t.Fatalf("minutes.docx: %d", res.StatusCode)
			}
			text = docxText(t, body)
			for _, want := range []string{"BIÊN BẢN", fmt.Sprintf("có mặt: %d người", n), "hai phần ba", "Báo cáo kết quả thực hiện nhiệm vụ năm", "Nội dung được thông qua.", "Hội trường tầng 3", "BẦU BAN THANH TRA NHÂN DÂN"} {
				if !strings.Contains(text, want) {
					t.Errorf("minutes lack %q", want)
				}
			}
			res, body = head.get(f.url + "/review.docx")
			if res.StatusCode != 200 {
				t.Fatalf("review.docx: %d", res.StatusCode)
			}
			text = docxText(t, body)
			for _, want := range []string{"BÁO CÁO", "Sơ kết 6 tháng", "2 cam kết", "Chưa thực hiện", "Tổ chức khám sức khỏe định kỳ cho cán bộ"} {
				if !strings.Contains(text, want) {
					t.Errorf("review lacks %q", want)
				}
			}
			// A PDF on every machine (the Go writer needs no browser).
			if res, body := head.get(f.url + "/resolution.pdf"); res.StatusCode != 200 || !strings.HasPrefix(body, "%PDF") {
				t.Fatalf("resolution.pdf: %d", res.StatusCode)
			}
			if res, body := head.get(f.url + "/resolution.html"); res.StatusCode != 200 || !strings.Contains(body, "01/NQ-HNCBCC") {
				t.Fatalf("resolution.html: %d", res.StatusCode)
			}
			// The staff read them; a planned conference has none.
			if res, _ := newClientAs(t, s, "dangvien1").get(f.url + "/resolution.docx"); res.StatusCode != 200 {
				t.Fatalf("a staff member's download: %d", res.StatusCode)
			}
			planned := scalar[int64](t, s, `SELECT c.id FROM conferences c WHERE c.status = 'planned' ORDER BY c.id LIMIT 1`)
			if res, _ := newClientAs(t, s, "admin").get(fmt.Sprintf("/democracy/conferences/%d/resolution.docx", planned)); res.StatusCode != 409 {
				t.Fatalf("resolution of a planned conference: %d", res.StatusCode)
			}
		})

		t.Run("rights", func(t *testing.T) {
			stranger := newClientAs(t, s, newOutsider(t, s.DB))
			before := f.writes(t)
			if res, body := stranger.get(f.url); res.StatusCode != 404 || strings.Contains(body, "Sở Tư pháp") {
				t.Fatalf("stranger sees the conference: %d", res.StatusCode)
			}
			for _, path := range []string{"/attendance", "/items", "/commitments", "/board", "/resolution", "/documents"} {
				if res, _ := stranger.post(f.url+path, url.Values{"form_nonce": {"x" + path}, "item_kind": {"report"}, "item_title": {"Lạ"}}); res.StatusCode != 404 {
					t.Errorf("stranger POST %s: %d", path, res.StatusCode)
				}
			}
			if res, _ := stranger.get(f.url + "/minutes.docx"); res.StatusCode != 404 {
				t.Fatalf("stranger minutes: %d", res.StatusCode)
			}
			if _, body := stranger.get("/democracy/conferences"); strings.Contains(body, "Sở Tư pháp") {
				t.Fatal("the stranger's list shows Sở Tư pháp")
			}
			// A staff member reads, does not run.
			member := newClientAs(t, s, "dangvien1")
			if res, body := member.get(f.url); res.StatusCode != 200 || strings.Contains(body, `action="`+f.url+`/items"`) {
				t.Fatalf("member's page: %d", res.StatusCode)
			}
			if res, _ := member.get("/democracy/conferences/new"); res.StatusCode != 403 {
				t.Fatalf("member's new form: %d", res.StatusCode)
			}
			planned := scalar[int64](t, s, `SELECT c.id FROM conferences c JOIN units u ON u.id = c.unit_id WHERE u.code = 'STP' AND c.status = 'issued' ORDER BY c.id LIMIT 1`)
			if res, _ := member.post(fmt.Sprintf("/democracy/conferences/%d/commitments", planned), url.Values{"form_nonce": {"m1"}, "cm_content": {"Lạ"}, "cm_due_days": {"3"}}); res.StatusCode != 403 && res.StatusCode != 409 {
				t.Fatalf("member POST: %d", res.StatusCode)
			}
			if f.writes(t) != before {
				t.Fatal("refused callers wrote something")
			}
		})
	})
}
