package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/sqldb"
	"danvan/internal/web"
)

type site struct {
	t      *testing.T
	db     *sqldb.DB
	srv    *httptest.Server
	o      *demo.Org
	tokens map[string]string
	pet    *petition.Service
}

func newSite(t *testing.T, db *sqldb.DB, rate int) *site {
	t.Helper()
	ctx := context.Background()
	st := &site{t: t, db: db, tokens: map[string]string{}}
	capture := func(ctx context.Context, db *sqldb.DB, o *demo.Org) error { st.o = o; return nil }
	if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", demo.Petitions, capture); err != nil {
		t.Fatal(err)
	}
	cal := petition.NewCalendarStore(db)
	if err := cal.Load(ctx); err != nil {
		t.Fatal(err)
	}
	st.pet = petition.NewService(db)
	st.pet.Calendar = cal.Current
	a := auth.NewService(db)
	s, err := web.New(web.Config{OrgName: "Đảng ủy Khối thử nghiệm", PublicRateLimit: rate}, web.Deps{DB: db, Org: org.NewService(db), Auth: a,
		Files: &attach.Store{DB: db, Dir: filepath.Join(t.TempDir(), "files")}, Notify: notify.NewService(db), Calendar: cal.Current(),
		Petitions: st.pet, CalendarDays: cal})
	if err != nil {
		t.Fatal(err)
	}
	st.srv = httptest.NewServer(s)
	t.Cleanup(st.srv.Close)
	for _, u := range []string{"admin", "canbo", "bithu1", "thutruong1", "tiepdan1", "tiepdan2", "dangvien1", "bithucb1"} {
		tok, err := a.CreateToken(ctx, st.o.Users[u], "test")
		if err != nil {
			t.Fatal(err)
		}
		st.tokens[u] = tok
	}
	return st
}

func (st *site) do(user, method, path string, body io.Reader, ctype string) (int, string) {
	st.t.Helper()
	req, _ := http.NewRequest(method, st.srv.URL+path, body)
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+st.tokens[user])
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		st.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (st *site) get(user, path string) (int, string) { return st.do(user, "GET", path, nil, "") }

// getFrom asks as a citizen from another address (the server trusts X-Forwarded-For
// from loopback), for rate limits kept per address.
func (st *site) getFrom(addr, path string) (int, string) {
	st.t.Helper()
	req, _ := http.NewRequest("GET", st.srv.URL+path, nil)
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		st.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (st *site) post(user, path string, form url.Values) (int, string) {
	if form.Get("form_nonce") == "" {
		form.Set("form_nonce", "n-"+strconv.Itoa(len(path))+"-"+strconv.FormatInt(int64(len(form.Encode())), 10)+randSuffix())
	}
	return st.do(user, "POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

var nonceN int

func randSuffix() string { nonceN++; return strconv.Itoa(nonceN) }

func (st *site) multipart(user, path string, fields map[string]string, files map[string][]byte) (int, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	for name, data := range files {
		fw, _ := w.CreateFormFile("files", name)
		_, _ = fw.Write(data)
	}
	w.Close()
	return st.do(user, "POST", path, &b, w.FormDataContentType())
}

var linkRe = regexp.MustCompile(`href="(/[^"#]*)"`)

// The denouncer of the demo denunciation is visible to tiepdan1 (assigned) and
// thutruong1 (head of agency 1) only: every page, list, search, audit view, API answer
// and public page fetched by other users holds no trace of the name, phone or ID number.
func TestDenouncerIdentityNeverLeaks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		st := newSite(t, db, 0)
		d := demo.DemoDenouncer
		secrets := []string{d.Name, d.Phone, strings.ReplaceAll(d.Phone, " ", ""), d.IDNo, d.Email, d.Address, "Bảo Ngọc"}
		var denID int64
		var code string
		if err := db.QueryRowContext(context.Background(), `SELECT id, code FROM petitions WHERE sender_idno = ?`, d.IDNo).Scan(&denID, &code); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(denID, 10)
		// Those allowed do see it (so the checks below can fail).
		for _, u := range []string{"tiepdan1", "thutruong1"} {
			if _, body := st.get(u, "/petitions/"+id); !strings.Contains(body, d.Name) || !strings.Contains(body, d.IDNo) {
				t.Fatalf("%s does not see the denouncer", u)
			}
			if _, body := st.get(u, "/api/v1/petitions/"+id); !strings.Contains(body, d.IDNo) {
				t.Fatalf("%s: API hides the denouncer from an allowed reader", u)
			}
		}
		for _, u := range []string{"tiepdan2", "bithu1", "canbo", "admin", "dangvien1"} {
			pages := []string{"/petitions", "/petitions?q=" + url.QueryEscape(d.Name), "/petitions?q=luong+thi+bao+ngoc", "/petitions?q=" + d.IDNo, "/petitions?kind=to-cao",
				"/petitions/" + id, "/petitions/dashboard", "/audit", "/audit?entity=petition&entity_id=" + id, "/notifications",
				"/api/v1/petitions", "/api/v1/petitions?kind=to-cao", "/api/v1/petitions/" + id, "/tra-cuu?code=" + code, "/api/v1/public/petitions/" + code}
			for _, a := range petition.Actions {
				pages = append(pages, "/petitions/"+id+"/do/"+string(a))
			}
			// Every petition page linked from the list.
			_, list := st.get(u, "/petitions?state=")
			for _, m := range linkRe.FindAllStringSubmatch(list, -1) {
				if strings.HasPrefix(m[1], "/petitions/") {
					pages = append(pages, strings.ReplaceAll(m[1], "&amp;", "&"))
				}
			}
			for _, pth := range pages {
				status, body := st.get(u, pth)
				if pu, err := url.Parse(pth); err == nil && pu.Query().Get("q") != "" {
					// The reader's own search words are echoed in the search boxes; that is not a leak.
					body = strings.ReplaceAll(body, `value="`+pu.Query().Get("q")+`"`, "")
					body = strings.ReplaceAll(body, "q="+url.QueryEscape(pu.Query().Get("q")), "")
				}
				if status >= 500 {
					t.Errorf("%s %s: status %d", u, pth, status)
				}
				for _, sec := range secrets {
					if strings.Contains(body, sec) {
						t.Errorf("%s sees %q on %s", u, sec, pth)
					}
				}
			}
		}
		// The .xlsx export, opened and read cell by cell.
		for _, u := range []string{"tiepdan2", "canbo", "thutruong1", "tiepdan1"} {
			status, body := st.get(u, "/petitions/export.xlsx?kind=to-cao")
			if status != 200 {
				t.Fatalf("%s export: %d", u, status)
			}
			x, err := excelize.OpenReader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("%s export does not open: %v", u, err)
			}
			rows, err := x.GetRows(x.GetSheetName(0))
			if err != nil {
				t.Fatal(err)
			}
			all := ""
			for _, r := range rows {
				all += strings.Join(r, "|") + "\n"
			}
			if !strings.Contains(all, petition.FormatCode(code)) || !strings.Contains(all, "Tố cáo") {
				t.Errorf("%s export lacks the denunciation: %q", u, all[:min(300, len(all))])
			}
			for _, sec := range secrets {
				if strings.Contains(all, sec) {
					t.Errorf("%s export shows %q", u, sec)
				}
			}
		}
		// The citizen's view has no identity either.
		for _, pth := range []string{"/tra-cuu?code=" + code, "/api/v1/public/petitions/" + code} {
			status, body := st.get("", pth)
			if status != 200 {
				t.Errorf("public %s: %d", pth, status)
			}
			for _, sec := range secrets {
				if strings.Contains(body, sec) {
					t.Errorf("public page %s shows %q", pth, sec)
				}
			}
		}
		// Outside the subtree the petition does not exist.
		if status, _ := st.get("bithucb1", "/petitions/"+id); status != 404 {
			t.Errorf("cell secretary: %d", status)
		}
	})
}

var pdf = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

var codeRe = regexp.MustCompile(`id="tracking-code">([0-9A-Z-]{14})<`)

func TestPublicSubmissionAndTracking(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		st := newSite(t, db, 12)
		ctx := context.Background()
		count := func() int {
			var n int
			_ = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM petitions`).Scan(&n)
			return n
		}
		unit := strconv.FormatInt(st.o.Agencies[0].Node.ID, 10)
		fields := map[string]string{"kind": "to-cao", "unit_id": unit, "content": "Tố cáo cán bộ địa chính nhận tiền của dân khi làm thủ tục — “đường dây” ở phường.",
			"sender_name": "Đoàn Thị Hương", "sender_address": "Phường Cửa Nam, Hà Nội", "sender_idno": "001190077777", "sender_phone": "0912 000 111", "consent": "yes", "form_nonce": "pub-1"}
		before := count()
		status, body := st.multipart("", "/gui-don", fields, map[string][]byte{"bien-lai.pdf": pdf})
		m := codeRe.FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("submit: %d %s", status, body[:min(len(body), 400)])
		}
		code := m[1]
		// The same form sent twice creates one petition.
		if status, _ := st.multipart("", "/gui-don", fields, map[string][]byte{"bien-lai.pdf": pdf}); status != http.StatusSeeOther {
			t.Errorf("double submit: %d", status)
		}
		if count() != before+1 {
			t.Errorf("petitions %d, want %d", count(), before+1)
		}
		status, body = st.get("", "/tra-cuu?code="+strings.ToLower(code))
		if status != 200 || !strings.Contains(body, "Đã tiếp nhận") || strings.Contains(body, "Đoàn Thị Hương") {
			t.Errorf("track: %d", status)
		}
		// Bad input: each answered clearly, nothing written.
		bad := []struct {
			name  string
			edit  func(map[string]string)
			files map[string][]byte
			msg   string
		}{
			{"empty content", func(f map[string]string) { f["content"] = "  " }, nil, "Hãy ghi nội dung đơn"},
			{"1 MB of text", func(f map[string]string) { f["content"] = strings.Repeat("a", 1<<20) }, nil, "quá dài"},
			{"exe renamed pdf", nil, map[string][]byte{"don.pdf": append([]byte("MZ\x90\x00\x03"), make([]byte, 600)...)}, "không đúng định dạng"},
			{"no consent", func(f map[string]string) { delete(f, "consent") }, nil, "đồng ý"},
		}
		for i, b := range bad {
			f := map[string]string{}
			for k, v := range fields {
				f[k] = v
			}
			f["form_nonce"] = "bad-" + strconv.Itoa(i)
			if b.edit != nil {
				b.edit(f)
			}
			status, body := st.multipart("", "/gui-don", f, b.files)
			if status != 422 || !strings.Contains(body, b.msg) {
				t.Errorf("%s: %d, message %q missing", b.name, status, b.msg)
			}
		}
		if count() != before+1 {
			t.Errorf("bad input wrote petitions: %d", count()-before-1)
		}
		// Script tags come back escaped.
		f := map[string]string{}
		for k, v := range fields {
			f[k] = v
		}
		f["content"], f["form_nonce"], f["kind"] = "<script>alert('x')</script> kiến nghị", "script-1", "kien-nghi"
		if status, _ := st.multipart("", "/gui-don", f, nil); status != 200 {
			t.Fatalf("script submit: %d", status)
		}
		var sid int64
		_ = db.QueryRowContext(ctx, `SELECT id FROM petitions ORDER BY id DESC LIMIT 1`).Scan(&sid)
		if _, body := st.get("tiepdan1", "/petitions/"+strconv.FormatInt(sid, 10)); strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
			t.Error("script tag not escaped on the petition page")
		}
		// Wrong and guessed codes: one answer, no hint; then rate-limited.
		_, notFound := st.get("", "/tra-cuu?code=ABCD-EFGH-JKMN")
		// A one-character change of the real code (its last character, the check symbol,
		// replaced by another: "X" alone would be the real code whenever it ends in X).
		typo := code[:13] + "X"
		if code[13] == 'X' {
			typo = code[:13] + "Y"
		}
		for i, c := range []string{"ABCD-EFGH-JKMN", typo, "0000-0000-0000", "x"} {
			status, body := st.get("", "/tra-cuu?code="+url.QueryEscape(c))
			if status != 404 || !strings.Contains(body, "Không tìm thấy đơn với mã tra cứu này") {
				t.Errorf("code %d: %d", i, status)
			}
			// The same page whatever the code: only the echoed code differs.
			if c != "x" && strings.ReplaceAll(body, c, "") != strings.ReplaceAll(notFound, "ABCD-EFGH-JKMN", "") {
				t.Errorf("code %q answered differently", c)
			}
		}
		limited := false
		for i := 0; i < 50; i++ {
			if status, _ := st.get("", "/tra-cuu?code=ZZZZ-ZZZZ-ZZZ"+strconv.Itoa(i%10)); status == 429 {
				limited = true
				break
			}
		}
		if !limited {
			t.Error("guessing codes is not rate-limited")
		}
		// API.
		apiBody := `{"kind":"kien-nghi","content":"Kiến nghị lắp đèn đường","name":"Hà Văn Minh","phone":"0913222333"}`
		req := func(key string) (int, map[string]any) {
			r, _ := http.NewRequest("POST", st.srv.URL+"/api/v1/public/petitions", strings.NewReader(apiBody))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-Forwarded-For", "10.9.9.9")
			if key != "" {
				r.Header.Set("Idempotency-Key", key)
			}
			resp, err := http.DefaultClient.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		s1, b1 := req("k-1")
		s2, b2 := req("k-1")
		if s1 != 201 || s2 != 200 || b1["code"] == nil || b1["code"] != b2["code"] {
			t.Errorf("API submit: %d %v / %d %v", s1, b1, s2, b2)
		}
		status, body = st.getFrom("10.9.9.9", "/api/v1/public/petitions/"+b1["code"].(string))
		if status != 200 || !strings.Contains(body, `"state":"received"`) || strings.Contains(body, "Hà Văn Minh") || strings.Contains(body, "0913222333") {
			t.Errorf("API track: %d %s", status, body)
		}
		if status, _ := st.getFrom("10.9.9.9", "/api/v1/public/petitions/ABCD-EFGH-JKMN"); status != 404 {
			t.Errorf("API wrong code: %d", status)
		}
		// The hidden honeypot: answered like a success, nothing stored.
		n := count()
		f["website"], f["form_nonce"] = "http://spam.example", "hp-1"
		if status, body := st.multipart("", "/gui-don", f, nil); status != 200 || !codeRe.MatchString(body) || count() != n {
			t.Errorf("honeypot: %d, stored %d", status, count()-n)
		}
		// Submissions from one address are limited per minute (12 here).
		limited = false
		for i := 0; i < 13 && !limited; i++ {
			f["form_nonce"], f["website"] = "flood-"+strconv.Itoa(i), ""
			status, _ := st.multipart("", "/gui-don", f, nil)
			limited = status == 429
		}
		if !limited {
			t.Error("public submissions are not rate-limited")
		}
	})
}

func TestStaffIntakeAndActions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		st := newSite(t, db, 0)
		unit := strconv.FormatInt(st.o.Agencies[0].Node.ID, 10)
		form := url.Values{"kind": {"khieu-nai"}, "channel": {"in-person"}, "unit_id": {unit}, "received_on": {"31/12/2099"}, "sender_name": {"Mai Văn Hòa"},
			"sender_address": {"Hà Nội"}, "sender_idno": {"001070012345"}, "content": {"Khiếu nại quyết định hành chính về hộ tịch"}, "step": {"save"}}
		if status, body := st.post("tiepdan1", "/petitions/new", form); status != 422 || !strings.Contains(body, "không được sau ngày hôm nay") {
			t.Errorf("future receipt: %d", status)
		}
		form.Set("received_on", "02/11/2026")
		form.Del("form_nonce")
		status, _ := st.post("tiepdan1", "/petitions/new", form)
		if status != http.StatusSeeOther {
			t.Fatalf("intake: %d", status)
		}
		var id int64
		_ = db.QueryRowContext(context.Background(), `SELECT id FROM petitions WHERE sender_idno = '001070012345'`).Scan(&id)
		pid := strconv.FormatInt(id, 10)
		_, page := st.get("tiepdan1", "/petitions/"+pid)
		if !strings.Contains(page, "Thụ lý") || !strings.Contains(page, "02/11/2026") || !strings.Contains(page, "Tiếp công dân trực tiếp") {
			t.Error("petition page lacks its deadlines")
		}
		// Invalid transition: refused with a Vietnamese message.
		status, _ = st.post("tiepdan1", "/petitions/"+pid+"/do/resolve", url.Values{"result": {"right"}, "decision_no": {"1"}, "confirm": {"yes"}})
		var state string
		_ = db.QueryRowContext(context.Background(), `SELECT state FROM petitions WHERE id = ?`, id).Scan(&state)
		if status != http.StatusSeeOther || state != "received" {
			t.Errorf("invalid transition: %d %s", status, state)
		}
		// Irreversible action without confirmation.
		if status, body := st.post("tiepdan1", "/petitions/"+pid+"/do/reject", url.Values{"reason": {"Không đủ điều kiện"}}); status != 422 || !strings.Contains(body, "xác nhận") {
			t.Errorf("reject without confirmation: %d", status)
		}
		for _, step := range []struct {
			action string
			form   url.Values
		}{
			{"classify", url.Values{"kind": {"khieu-nai"}, "competent": {"yes"}, "complexity": {"normal"}}},
			{"accept", url.Values{"decision_no": {"21/TB-STP"}}},
			{"assign", url.Values{"lead_unit_id": {strconv.FormatInt(st.o.Agencies[0].Departments[1].ID, 10)}, "lead_person_id": {strconv.FormatInt(st.o.People["tiepdan2"], 10)}}},
		} {
			if status, body := st.post("tiepdan1", "/petitions/"+pid+"/do/"+step.action, step.form); status != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step.action, status, body[:min(400, len(body))])
			}
		}
		// A staff member of another agency cannot act (404).
		if status, _ := st.get("bithucb1", "/petitions/"+pid+"/do/extend"); status != 404 {
			t.Errorf("outside the subtree: %d", status)
		}
		// Admin pages.
		if status, _ := st.get("tiepdan1", "/admin/calendar"); status != 403 {
			t.Errorf("calendar page for a non-admin: %d", status)
		}
		if status, _ := st.post("admin", "/admin/calendar", url.Values{"date": {"12/05/2027"}, "kind": {"off"}, "name": {"Nghỉ thử"}}); status != http.StatusSeeOther {
			t.Errorf("set day: %d", status)
		}
		if _, body := st.get("admin", "/admin/calendar?year=2027"); !strings.Contains(body, "Nghỉ thử") || !strings.Contains(body, "Giỗ Tổ") {
			t.Error("calendar page")
		}
		if status, body := st.post("admin", "/admin/petition-rules", url.Values{"kind": {"khieu-nai"}, "step": {"accept"}, "amount": {"6"}, "unit": {"working_days"}, "effective_from": {"01/01/2028"}, "basis": {"Nghị định thử"}}); status != http.StatusSeeOther {
			t.Errorf("add rule: %d %s", status, body)
		}
		if status, body := st.post("admin", "/admin/petition-rules", url.Values{"kind": {"khieu-nai"}, "step": {"accept"}, "amount": {"0"}, "unit": {"working_days"}, "effective_from": {"01/01/2028"}, "basis": {"Nghị định sai"}}); status != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Thời hạn từ 1 đến 365 ngày.") || !strings.Contains(body, "Nghị định sai") {
			t.Errorf("add a rule of 0 days: %d", status)
		}
		if _, body := st.get("admin", "/admin/petition-rules"); !strings.Contains(body, "Nghị định thử") || !strings.Contains(body, "01/07/2026") || strings.Contains(body, "Nghị định sai") {
			t.Error("rules page")
		}
		if status, body := st.get("canbo", "/petitions/dashboard"); status != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, "Sở Tư pháp") {
			t.Errorf("dashboard: %d", status)
		}
	})
}
