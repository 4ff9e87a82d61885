package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/calendar"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/draft"
	"danvan/internal/export"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/web"
)

const draftPassword = "mat-khau-demo-2026"

// draftEnv is the real web server over a fresh database with the demo organisation and
// the demo draft, reached through real HTTP.
type draftEnv struct {
	t   testing.TB
	db  *sqldb.DB
	srv *httptest.Server
	o   *demo.Org
	svc *draft.Service
}

func newDraftEnv(t testing.TB, db *sqldb.DB) *draftEnv {
	t.Helper()
	return newDraftEnvWith(t, db, nil)
}

func newDraftEnvWith(t testing.TB, db *sqldb.DB, printer *export.Printer) *draftEnv {
	t.Helper()
	ctx := context.Background()
	var o *demo.Org
	capture := func(ctx context.Context, db *sqldb.DB, org *demo.Org) error { o = org; return nil }
	if _, err := demo.Load(ctx, db, draftPassword, demo.Drafts, capture); err != nil {
		t.Fatal(err)
	}
	svc := draft.NewService(db)
	s, err := web.New(web.Config{OrgName: "Đảng bộ thử nghiệm", PublicRateLimit: 5}, web.Deps{DB: db, Org: org.NewService(db), Auth: auth.NewService(db),
		Files: &attach.Store{DB: db, Dir: t.TempDir(), MaxSize: attach.DefaultMaxSize}, Notify: notify.NewService(db), Calendar: calendar.New(nil), Drafts: svc, Printer: printer})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &draftEnv{t: t, db: db, srv: srv, o: o, svc: svc}
}

// client is one browser: a cookie jar, no automatic redirects.
type draftClient struct {
	e *draftEnv
	c *http.Client
}

func (e *draftEnv) anonymous() *draftClient {
	jar, _ := cookiejar.New(nil)
	return &draftClient{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (e *draftEnv) login(user string) *draftClient {
	e.t.Helper()
	c := e.anonymous()
	res := c.post("/login", url.Values{"username": {user}, "password": {draftPassword}, "next": {"/"}})
	if res.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", user, res.status)
	}
	return c
}

type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *draftClient) do(req *http.Request) response {
	c.e.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *draftClient) get(path string) response {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	return c.do(req)
}

func (c *draftClient) post(path string, form url.Values) response {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *draftClient) postFile(path string, form url.Values, field, name string, content []byte) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.e.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var draftNonceRe = regexp.MustCompile(`name="form_nonce" value="([^"]+)"`)

// nonce reads a fresh form nonce from a page.
func (c *draftClient) nonce(path string) string {
	c.e.t.Helper()
	res := c.get(path)
	m := draftNonceRe.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || m == nil {
		c.e.t.Fatalf("GET %s: %d, no nonce", path, res.status)
	}
	return m[1]
}

func (e *draftEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *draftEnv) principal(user string) *org.Principal {
	e.t.Helper()
	p, err := org.LoadPrincipal(context.Background(), e.db, e.o.Users[user])
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func mustContain(t *testing.T, what string, res response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(res.body, w) {
			t.Fatalf("%s: status %d, body lacks %q", what, res.status, w)
		}
	}
}

// openRound makes a 40-article draft of agency 1 with a round open for an hour to the
// three mass organisations, through the service (the pages are tested elsewhere).
func (e *draftEnv) openRound(public bool) (draft.Draft, draft.Round, draft.Version) {
	e.t.Helper()
	ctx := context.Background()
	a := e.o.Agencies[0]
	head := e.principal("thutruong1")
	d, err := e.svc.Create(ctx, head, draft.Input{Title: "Quy định văn hóa công sở", Kind: "Quy định", UnitID: a.Node.ID, DrafterID: a.Head, HeadID: a.Head, Body: demo.DemoDraftText(40)})
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.db.Now()
	r, err := e.svc.OpenRound(ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour),
		UnitIDs: []int64{a.TradeUnion.ID, a.Youth.ID, a.Veterans.ID}, Public: public})
	if err != nil {
		e.t.Fatal(err)
	}
	v, err := e.svc.LatestVersion(ctx, head, d.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return d, r, v
}

func partID(t *testing.T, v draft.Version, key string) string {
	t.Helper()
	for _, p := range v.Parts {
		if p.Key == key {
			return strconv.FormatInt(p.ID, 10)
		}
	}
	t.Fatalf("no part %s", key)
	return ""
}

// docxOf builds a minimal Word document whose body is the given paragraphs.
func docxOf(t *testing.T, paras ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("[Content_Types].xml")
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`)
	w, _ = zw.Create("word/document.xml")
	var body strings.Builder
	for _, p := range paras {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + p + `</w:t></w:r></w:p>`)
	}
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+body.String()+`</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipBomb is a .docx whose document.xml inflates to 64 MB of spaces.
func zipBomb(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("word/document.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for i := 0; i < 64; i++ {
		_, _ = w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDraftCreateBadInputHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		a := e.o.Agencies[0]
		head := e.login("thutruong1")
		form := func() url.Values {
			return url.Values{"form_nonce": {head.nonce("/drafts/new")}, "title": {"Quy chế chi tiêu nội bộ"}, "kind": {"Quy chế"},
				"unit_id": {strconv.FormatInt(a.Node.ID, 10)}, "drafter_id": {strconv.FormatInt(a.Head, 10)}, "head_id": {strconv.FormatInt(a.Head, 10)}}
		}
		drafts := e.count(`SELECT COUNT(*) FROM drafts`)
		versions := e.count(`SELECT COUNT(*) FROM draft_versions`)
		parts := e.count(`SELECT COUNT(*) FROM draft_parts`)

		// A paste with no recognisable article, previewed and then saved anyway.
		for _, step := range []string{"preview", "save"} {
			f := form()
			f.Set("body", "Kính gửi các đồng chí,\n1. Nội dung một\n2. Nội dung hai")
			f.Set("step", step)
			res := head.post("/drafts/new", f)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("no articles (%s): status %d", step, res.status)
			}
			mustContain(t, "no articles", res, "Không nhận ra điều nào", "Kính gửi các đồng chí")
		}
		// A renamed .exe, a zip that is no Word document, a zip bomb.
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0}, 4000)...)
		var plainZip bytes.Buffer
		zw := zip.NewWriter(&plainZip)
		w, _ := zw.Create("readme.txt")
		_, _ = io.WriteString(w, "Điều 1. Không phải Word")
		_ = zw.Close()
		for _, c := range []struct {
			name    string
			content []byte
			want    string
		}{
			{"du-thao.docx", exe, "không phải tệp Word .docx hợp lệ"},
			{"du-thao.docx", plainZip.Bytes(), "không phải tệp Word .docx hợp lệ"},
			{"du-thao.exe", exe, "Chỉ nhận tệp Word .docx"},
			{"bom.docx", zipBomb(t), "quá lớn khi giải nén"},
		} {
			res := head.postFile("/drafts/new", form(), "file", c.name, c.content)
			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d", c.name, res.status)
			}
			mustContain(t, c.name, res, c.want)
		}
		if e.count(`SELECT COUNT(*) FROM drafts`) != drafts || e.count(`SELECT COUNT(*) FROM draft_versions`) != versions || e.count(`SELECT COUNT(*) FROM draft_parts`) != parts {
			t.Fatal("refused input wrote something")
		}
		// A real .docx is read and shown split for checking, not saved yet.
		res := head.postFile("/drafts/new", form(), "file", "quy-che.docx", docxOf(t, "QUY CHẾ", "Điều 1. Phạm vi", "1. Quy chế này áp dụng cho cơ quan.", "Điều 2. Hiệu lực", "a) Từ ngày ký."))
		if res.status != http.StatusOK {
			t.Fatalf("docx preview: %d", res.status)
		}
		mustContain(t, "docx preview", res, "<strong>2 điều</strong>", "Lưu dự thảo")
		if e.count(`SELECT COUNT(*) FROM drafts`) != drafts {
			t.Fatal("the preview saved a draft")
		}
		// Saving twice with one nonce (a double click) makes one draft.
		f := form()
		f.Set("body", "Điều 1. Phạm vi\n1. Áp dụng cho cơ quan <b>nhà nước</b>.\na) cán bộ;\nĐiều 2. Hiệu lực")
		f.Set("step", "save")
		first, second := head.post("/drafts/new", f), head.post("/drafts/new", f)
		if first.status != http.StatusSeeOther || !strings.HasPrefix(first.location, "/drafts/") || second.status != http.StatusSeeOther {
			t.Fatalf("save: %d %q, again: %d", first.status, first.location, second.status)
		}
		// The draft's page shows the text, escaped, with an anchor per article.
		shown := head.get(first.location)
		mustContain(t, "draft page", shown, `<p class="article" id="p-d1"><strong>Điều 1. Phạm vi</strong></p>`,
			`<p class="clause">1. Áp dụng cho cơ quan &lt;b&gt;nhà nước&lt;/b&gt;.</p>`, `<p class="point">a) cán bộ;</p>`, "Người đứng đầu chịu trách nhiệm")
		if n := e.count(`SELECT COUNT(*) FROM drafts WHERE title = ?`, "Quy chế chi tiêu nội bộ"); n != 1 {
			t.Fatalf("double submit made %d drafts", n)
		}
		// A member without drafting rights cannot open the form.
		if res := e.login("dangvien1").get("/drafts/new"); res.status != http.StatusForbidden {
			t.Fatalf("member: new draft form %d", res.status)
		}
	})
}

func TestCommentAndAnswerBadInputHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		d, r, v := e.openRound(false)
		a := e.o.Agencies[0]
		round := "/drafts/" + strconv.FormatInt(d.ID, 10) + "/rounds/" + strconv.FormatInt(r.ID, 10)
		union := e.login("congdoan1")
		comments := func() int { return e.count(`SELECT COUNT(*) FROM draft_comments WHERE round_id = ?`, r.ID) }
		form := func(part, body string) url.Values {
			return url.Values{"form_nonce": {union.nonce(round)}, "part_id": {part}, "unit_id": {strconv.FormatInt(a.TradeUnion.ID, 10)}, "body": {body}}
		}
		// 1 MB comment.
		res := union.post(round+"/comments", form(partID(t, v, "d3"), strings.Repeat("góp ý dài ", 1<<20/12)))
		if res.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("1 MB comment: %d", res.status)
		}
		mustContain(t, "1 MB comment", res, "Góp ý tối đa 20.000 ký tự")
		// 1 MB that fits in the form limit reaches the service's check.
		res = union.post(round+"/comments", form(partID(t, v, "d3"), strings.Repeat("a", 1<<20)))
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("1 MB ASCII comment: %d", res.status)
		}
		mustContain(t, "1 MB ASCII comment", res, "Góp ý tối đa 20.000 ký tự")
		// A part of another draft (the demo's).
		var other int64
		if err := db.QueryRowContext(context.Background(), `SELECT MIN(id) FROM draft_parts WHERE draft_id <> ?`, d.ID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		res = union.post(round+"/comments", form(strconv.FormatInt(other, 10), "Sai dự thảo"))
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("part of another draft: %d", res.status)
		}
		mustContain(t, "other draft", res, "không thuộc phiên bản đang lấy ý kiến")
		if comments() != 0 {
			t.Fatal("refused comments were written")
		}
		// A good comment, submitted twice: one record.
		f := form(partID(t, v, "d3"), "Đề nghị làm rõ nguyên tắc <script>alert(1)</script>.")
		first, second := union.post(round+"/comments", f), union.post(round+"/comments", f)
		if first.status != http.StatusSeeOther || second.status != http.StatusSeeOther || comments() != 1 {
			t.Fatalf("double submit: %d, %d, %d comments", first.status, second.status, comments())
		}
		var cid int64
		if err := db.QueryRowContext(context.Background(), `SELECT id FROM draft_comments WHERE round_id = ?`, r.ID).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		// Editing it: an empty body comes back with the message and the typed text, nothing
		// changes; a good edit goes back to the comment on the round page.
		edit := "/drafts/" + strconv.FormatInt(d.ID, 10) + "/comments/" + strconv.FormatInt(cid, 10) + "/edit"
		res = union.post(edit, url.Values{"form_nonce": {union.nonce(edit)}, "part_id": {partID(t, v, "d3")}, "body": {" "}, "proposed": {"Đề xuất giữ lại"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("empty edit: %d", res.status)
		}
		mustContain(t, "empty edit", res, "Hãy nhập nội dung góp ý.", "Đề xuất giữ lại")
		if n := e.count(`SELECT COUNT(*) FROM draft_comments WHERE id = ? AND proposed = ''`, cid); n != 1 {
			t.Fatal("a refused edit was written")
		}
		res = union.post(edit, url.Values{"form_nonce": {union.nonce(edit)}, "part_id": {partID(t, v, "d3")}, "body": {"Đề nghị làm rõ nguyên tắc <script>alert(1)</script>."}})
		if res.status != http.StatusSeeOther || res.location != round+"#c"+strconv.FormatInt(cid, 10) {
			t.Fatalf("edit: %d %q", res.status, res.location)
		}
		answer := "/drafts/" + strconv.FormatInt(d.ID, 10) + "/comments/" + strconv.FormatInt(cid, 10) + "/answer"
		// An answer by someone who is not the drafter nor the head.
		for _, who := range []string{"congdoan1", "bithu1"} {
			c := e.login(who)
			res := c.post(answer, url.Values{"form_nonce": {c.nonce(round)}, "answer": {"accepted"}, "answer_text": {"Đồng ý"}})
			if res.status != http.StatusForbidden {
				t.Fatalf("answer by %s: %d", who, res.status)
			}
			mustContain(t, "answer by "+who, res, "Chỉ người soạn thảo hoặc người đứng đầu")
		}
		if n := e.count(`SELECT COUNT(*) FROM draft_comments WHERE id = ? AND answer <> ''`, cid); n != 0 {
			t.Fatal("a refused answer was written")
		}
		// The drafter: an explanation without a reason is refused, with the reason it is saved.
		head := e.login("thutruong1")
		res = head.post(answer, url.Values{"form_nonce": {head.nonce(round)}, "answer": {"explained"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("explained without reason: %d", res.status)
		}
		mustContain(t, "explained without reason", res, "Hãy ghi lý do giải trình")
		res = head.post(answer, url.Values{"form_nonce": {head.nonce(round)}, "answer": {"explained"}, "answer_text": {"Đã quy định tại Điều 2."}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.status)
		}
		// The report shows it, escaped (its table is written by hand, not by the template).
		rep := head.get(round + "/report")
		mustContain(t, "report", rep, "Đề nghị làm rõ nguyên tắc &lt;script&gt;alert(1)&lt;/script&gt;.", "Giải trình", "Đã quy định tại Điều 2.", "<td>Điều 3</td>")
		if strings.Contains(rep.body, "<script>alert(1)") {
			t.Fatal("unescaped comment in the report page")
		}
		// A comment of another draft through this draft's URL is not found.
		res = head.post("/drafts/"+strconv.FormatInt(d.ID, 10)+"/comments/1/answer", url.Values{"form_nonce": {head.nonce(round)}, "answer": {"explained"}, "answer_text": {"x"}})
		if res.status != http.StatusNotFound {
			t.Fatalf("comment of another draft: %d", res.status)
		}
		// After the close, the server refuses a comment whatever the page showed.
		if _, err := db.ExecContext(context.Background(), `UPDATE draft_rounds SET closes_at = ? WHERE id = ?`, sqldb.FormatTime(db.Now().Add(-time.Second)), r.ID); err != nil {
			t.Fatal(err)
		}
		res = union.post(round+"/comments", url.Values{"form_nonce": {"late-nonce-0001"}, "part_id": {partID(t, v, "d4")}, "body": {"Muộn"}})
		if res.status != http.StatusConflict {
			t.Fatalf("comment after close: %d", res.status)
		}
		mustContain(t, "after close", res, "Đợt lấy ý kiến đã kết thúc")
		if comments() != 1 {
			t.Fatal("a late comment was written")
		}
		// Outside the subtree: 404.
		if res := e.login("bithucb1").get(round); res.status != http.StatusNotFound {
			t.Fatalf("cell secretary sees the round: %d", res.status)
		}
	})
}

func TestPublicRoundHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		d, r, v := e.openRound(true)
		page := "/gop-y/" + strconv.FormatInt(r.ID, 10)
		citizen := e.anonymous()
		if res := citizen.get("/gop-y"); res.status != http.StatusOK || !strings.Contains(res.body, page) {
			t.Fatalf("public list: %d", res.status)
		}
		res := citizen.post(page, url.Values{"form_nonce": {citizen.nonce(page)}, "name": {""}, "contact": {"abc"}, "body": {"x"}})
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad citizen form: %d", res.status)
		}
		mustContain(t, "bad citizen form", res, "Hãy nhập họ và tên.")
		body := "Đề nghị niêm yết cả ở bảng tin khu dân cư."
		res = citizen.post(page, url.Values{"form_nonce": {citizen.nonce(page)}, "name": {"Lê Thị Dân"}, "contact": {"le.thi.dan@example.com"},
			"part_id": {partID(t, v, "d4")}, "body": {body}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("citizen comment: %d %s", res.status, res.body)
		}
		if n := e.count(`SELECT COUNT(*) FROM draft_comments WHERE round_id = ? AND status = 'pending' AND citizen = TRUE`, r.ID); n != 1 {
			t.Fatalf("pending = %d", n)
		}
		// Held for moderation: not shown publicly yet.
		if strings.Contains(citizen.get(page).body, body) {
			t.Fatal("pending comment shown publicly")
		}
		head := e.login("thutruong1")
		round := "/drafts/" + strconv.FormatInt(d.ID, 10) + "/rounds/" + strconv.FormatInt(r.ID, 10)
		res = head.get(round)
		mustContain(t, "moderation queue", res, "chờ duyệt", body, "le.thi.dan@example.com")
		var cid int64
		if err := db.QueryRowContext(context.Background(), `SELECT id FROM draft_comments WHERE round_id = ? AND citizen = TRUE`, r.ID).Scan(&cid); err != nil {
			t.Fatal(err)
		}
		res = head.post("/drafts/"+strconv.FormatInt(d.ID, 10)+"/comments/"+strconv.FormatInt(cid, 10)+"/moderate", url.Values{"form_nonce": {head.nonce(round)}, "decision": {"approve"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.status)
		}
		shown := citizen.get(page)
		mustContain(t, "approved", shown, body, "Lê Thị Dân")
		if strings.Contains(shown.body, "le.thi.dan@example.com") {
			t.Fatal("the citizen's contact is shown publicly")
		}
		// Rate limit: 5 a minute per address (this server's setting), the 6th is refused.
		limited := false
		for i := 0; i < 6; i++ {
			res := citizen.post(page, url.Values{"form_nonce": {citizen.nonce(page)}, "name": {"Lê Thị Dân"}, "contact": {"0912345678"}, "body": {"Góp ý số " + strconv.Itoa(i)}})
			if res.status == http.StatusTooManyRequests {
				limited = true
				mustContain(t, "rate limit", res, "quá nhiều góp ý")
				break
			}
		}
		if !limited {
			t.Fatal("no rate limit on public comments")
		}
		// A round that is not public is not found on the public site.
		_, private, _ := e.openRound(false)
		if res := citizen.get("/gop-y/" + strconv.FormatInt(private.ID, 10)); res.status != http.StatusNotFound {
			t.Fatalf("private round on the public site: %d", res.status)
		}
	})
}

func TestDraftsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		var out struct {
			Drafts []draft.Summary `json:"drafts"`
		}
		res := e.login("congdoan1").get("/api/v1/drafts")
		if res.status != http.StatusOK {
			t.Fatalf("api: %d", res.status)
		}
		if err := json.Unmarshal([]byte(res.body), &out); err != nil || len(out.Drafts) != 1 || out.Drafts[0].Head == "" {
			t.Fatalf("api drafts %+v, %v", out, err)
		}
		res = e.login("bithucb1").get("/api/v1/drafts")
		if err := json.Unmarshal([]byte(res.body), &out); err != nil || len(out.Drafts) != 0 {
			t.Fatalf("outside user sees %+v, %v", out, err)
		}
		if res := e.anonymous().get("/api/v1/drafts"); res.status != http.StatusUnauthorized {
			t.Fatalf("anonymous api: %d", res.status)
		}
	})
}

// docxParagraphs opens a .docx and returns the text of its paragraphs.
func docxParagraphs(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a .docx: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, _ := f.Open()
		defer rc.Close()
		var out strings.Builder
		dec := xml.NewDecoder(rc)
		in := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				return out.String()
			}
			if err != nil {
				t.Fatalf("document.xml: %v", err)
			}
			switch x := tok.(type) {
			case xml.StartElement:
				in = x.Name.Local == "t"
			case xml.EndElement:
				if x.Name.Local == "p" {
					out.WriteString("\n")
				}
				in = false
			case xml.CharData:
				if in {
					out.Write(x)
				}
			}
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

func TestDraftReportExports(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		printer := &export.Printer{} // the Go writer: a PDF on every machine
		e := newDraftEnvWith(t, db, printer)
		var demoDraft, closed, open int64
		if err := db.QueryRowContext(context.Background(), `SELECT MIN(draft_id), MIN(id), MAX(id) FROM draft_rounds`).Scan(&demoDraft, &closed, &open); err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/drafts/" + strconv.FormatInt(demoDraft, 10)
		union := e.login("congdoan1")
		// The latest round (open, no comment yet) by default.
		res := union.get(base + "/report.docx")
		if res.status != http.StatusOK || res.header.Get("Content-Type") != export.ContentTypeDOCX || !strings.Contains(res.header.Get("Content-Disposition"), ".docx") {
			t.Fatalf("report.docx: %d %s %s", res.status, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
		}
		text := docxParagraphs(t, []byte(res.body))
		for _, want := range []string{"BÁO CÁO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Tổng số ý kiến: 0", "Không có ý kiến góp ý."} {
			if !strings.Contains(text, want) {
				t.Errorf("latest round report lacks %q", want)
			}
		}
		// Any round of the draft, from the report page's links.
		page := union.get("/drafts/" + strconv.FormatInt(demoDraft, 10) + "/rounds/" + strconv.FormatInt(closed, 10) + "/report")
		link := base + "/report.docx?round=" + strconv.FormatInt(closed, 10)
		mustContain(t, "report page links", page, `href="`+link+`"`, `href="`+base+`/report.pdf?round=`+strconv.FormatInt(closed, 10)+`"`)
		text = docxParagraphs(t, []byte(union.get(link).body))
		for _, want := range []string{"Tổng số ý kiến: 4", "Đề nghị rút ngắn thời hạn công khai", "Công đoàn Sở Tư pháp", "Giải trình", "Nhóm tin nhắn không phải kênh thông tin chính thức"} {
			if !strings.Contains(text, want) {
				t.Errorf("closed round report lacks %q", want)
			}
		}
		// 404: outside the subtree, a round of another draft, a draft without a round.
		if res := e.login("bithucb1").get(base + "/report.docx"); res.status != http.StatusNotFound {
			t.Errorf("outside user: %d", res.status)
		}
		d, r, _ := e.openRound(false)
		if res := union.get(base + "/report.docx?round=" + strconv.FormatInt(r.ID, 10)); res.status != http.StatusNotFound {
			t.Errorf("round of another draft: %d", res.status)
		}
		bare, err := e.svc.Create(context.Background(), e.principal("thutruong1"), draft.Input{Title: "Chưa lấy ý kiến", Kind: "Quy chế", UnitID: e.o.Agencies[0].Node.ID,
			DrafterID: e.o.Agencies[0].Head, HeadID: e.o.Agencies[0].Head, Body: "Điều 1. A"})
		if err != nil {
			t.Fatal(err)
		}
		if res := e.login("thutruong1").get("/api/v1/drafts/" + strconv.FormatInt(bare.ID, 10) + "/report.pdf"); res.status != http.StatusNotFound {
			t.Errorf("draft without a round: %d", res.status)
		}
		if res := e.anonymous().get(base + "/report.docx"); res.status != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", res.status)
		}
		_ = d
		// PDF: written in Go, the text read back.
		res = union.get(link[:len(link)-len("docx?round=")-len(strconv.FormatInt(closed, 10))] + "pdf?round=" + strconv.FormatInt(closed, 10))
		if res.status != http.StatusOK || res.header.Get("Content-Type") != export.ContentTypePDF || !strings.HasPrefix(res.body, "%PDF-") {
			t.Fatalf("report.pdf: %d %s", res.status, res.header.Get("Content-Type"))
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			cmd := exec.Command("pdftotext", "-", "-")
			cmd.Stdin = strings.NewReader(res.body)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range []string{"BÁO CÁO", "Tổng số ý kiến: 4", "Công đoàn Sở Tư pháp", "Tiếp thu", "Giải trình"} {
				if !strings.Contains(flat, want) {
					t.Errorf("PDF lacks %q", want)
				}
			}
			// Narrow table cells wrap and pdftotext interleaves their lines: check that
			// every word of a comment and of its answer is there.
			words := map[string]bool{}
			for _, w := range strings.Fields(flat) {
				words[w] = true
			}
			for _, w := range strings.Fields("Đề nghị rút ngắn thời hạn công khai để người lao động nắm bắt kịp thời. Nhóm tin nhắn không phải kênh thông tin chính thức") {
				if !words[w] {
					t.Errorf("PDF lacks the word %q of the comments", w)
				}
			}
		}
	})
}

func TestRoundFormHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		a := e.o.Agencies[0]
		head := e.login("thutruong1")
		d, err := e.svc.Create(context.Background(), e.principal("thutruong1"), draft.Input{Title: "Kế hoạch tập huấn", Kind: "Kế hoạch", UnitID: a.Node.ID,
			DrafterID: a.Head, HeadID: a.Head, Body: "Điều 1. A\nĐiều 2. B"})
		if err != nil {
			t.Fatal(err)
		}
		path := "/drafts/" + strconv.FormatInt(d.ID, 10) + "/rounds/new"
		form := head.get(path)
		// The mass organisations are invited by default.
		for _, u := range []int64{a.TradeUnion.ID, a.Youth.ID, a.Veterans.ID} {
			if !regexp.MustCompile(`id="u-` + strconv.FormatInt(u, 10) + `"[^>]*checked`).MatchString(form.body) {
				t.Errorf("mass organisation %d not checked by default", u)
			}
		}
		member := strconv.FormatInt(e.o.People["dangvien1"], 10)
		if !strings.Contains(form.body, `<option value="`+member+`"`) {
			t.Fatal("dangvien1 is not among the people offered for invitation")
		}
		vn := time.FixedZone("ICT", 7*3600)
		now := db.Now().In(vn)
		bad := url.Values{"form_nonce": {head.nonce(path)}, "opens_at": {now.Format("2006-01-02T15:04")}, "closes_at": {now.Add(-time.Hour).Format("2006-01-02T15:04")},
			"units": {strconv.FormatInt(a.TradeUnion.ID, 10)}, "people": {member}, "visibility": {"own"}}
		res := head.post(path, bad)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("closing before opening: %d", res.status)
		}
		mustContain(t, "closing before opening", res, "Thời điểm kết thúc phải sau thời điểm bắt đầu")
		rounds := e.count(`SELECT COUNT(*) FROM draft_rounds WHERE draft_id = ?`, d.ID)
		if rounds != 0 {
			t.Fatal("a refused round was written")
		}
		good := url.Values{"form_nonce": {head.nonce(path)}, "opens_at": {now.Format("2006-01-02T15:04")}, "closes_at": {now.AddDate(0, 0, 10).Format("2006-01-02") + "T17:00"},
			"units": {strconv.FormatInt(a.TradeUnion.ID, 10)}, "people": {member}, "visibility": {"own"}}
		if res := head.post(path, good); res.status != http.StatusSeeOther {
			t.Fatalf("open round: %d", res.status)
		}
		if n := e.count(`SELECT COUNT(*) FROM draft_invites i JOIN draft_rounds r ON r.id = i.round_id WHERE r.draft_id = ? AND (i.unit_id = ? OR i.person_id = ?)`, d.ID, a.TradeUnion.ID, e.o.People["dangvien1"]); n != 2 {
			t.Fatalf("invites = %d, want the union and the member", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM draft_rounds WHERE draft_id = ? AND visibility = 'own'`, d.ID); n != 1 {
			t.Fatal("visibility not saved")
		}
		// The member invited in person is told at once (the round is open).
		if n := e.count(`SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'draft.open'`, e.o.Users["dangvien1"]); n != 1 {
			t.Fatalf("member notified %d times", n)
		}
	})
}
