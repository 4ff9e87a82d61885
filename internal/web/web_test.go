package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/attach"
	"danvan/internal/auth"
	"danvan/internal/config"
	"danvan/internal/dbtest"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

const appPassword = "web-test-matkhau-2026"

// eachServer runs fn against the real application with the demo organisation, on SQLite
// and, when DANVAN_TEST_POSTGRES_URL is set, on PostgreSQL. opts adjust the app before
// it starts (see app.Start).
func eachServer(t *testing.T, fn func(t *testing.T, s *app.Started), opts ...func(*app.App)) {
	t.Helper()
	run := func(t *testing.T, dbURL string) {
		cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: dbURL, Demo: true, DemoPassword: appPassword}
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		s, err := app.Start(context.Background(), cfg, logger, io.Discard, opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Stop() })
		fn(t, s)
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.OpenPostgres(t).URL()) })
	}
}

type appClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, s *app.Started) *appClient {
	jar, _ := cookiejar.New(nil)
	return &appClient{t: t, base: s.URL, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *appClient) do(req *http.Request) (*http.Response, string) {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *appClient) get(path string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.base+path, nil)
	return c.do(req)
}

func (c *appClient) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *appClient) login(user, pw string) (*http.Response, string) {
	c.t.Helper()
	return c.post("/login", url.Values{"username": {user}, "password": {pw}})
}

func (c *appClient) mustLogin(user string) {
	c.t.Helper()
	if res, body := c.login(user, appPassword); res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", user, res.StatusCode, body)
	}
}

func newClientAs(t *testing.T, s *app.Started, user string) *appClient {
	c := newClient(t, s)
	c.mustLogin(user)
	return c
}

var appNonceRE = regexp.MustCompile(`name="form_nonce" value="([^"]+)"`)

func (c *appClient) nonce(path string) string {
	c.t.Helper()
	_, body := c.get(path)
	m := appNonceRE.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no form nonce on %s", path)
	}
	return m[1]
}

func scalar[T any](t *testing.T, s *app.Started, q string, args ...any) T {
	t.Helper()
	var v T
	if err := s.DB.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func TestHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		t.Run("healthz and metrics", func(t *testing.T) {
			c := newClient(t, s)
			if res, body := c.get("/healthz"); res.StatusCode != 200 || body != "ok\n" {
				t.Fatalf("healthz %d %q", res.StatusCode, body)
			}
			c.get("/login")
			res, body := c.get("/metrics")
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
				t.Fatalf("metrics %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			for _, want := range []string{"# TYPE", "_bucket{", `le="+Inf"`, `route="GET /login"`} {
				if !strings.Contains(body, want) {
					t.Errorf("metrics lacks %q", want)
				}
			}
			// Every sample line is "name{labels} value" or "name value".
			sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+0-9.eEInfa]+$`)
			for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
				if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
					t.Errorf("bad metrics line %q", line)
				}
			}
		})

		t.Run("security headers", func(t *testing.T) {
			res, _ := newClient(t, s).get("/login")
			h := res.Header
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("CSP %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("headers %v", h)
			}
		})

		t.Run("login", func(t *testing.T) {
			c := newClient(t, s)
			res, _ := c.login("bithu1", appPassword)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("good login: %d", res.StatusCode)
			}
			var cookie *http.Cookie
			for _, k := range res.Cookies() {
				if k.Name == "danvan_session" {
					cookie = k
				}
			}
			if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
				t.Fatalf("session cookie %+v", cookie)
			}
			if res, body := c.get("/units"); res.StatusCode != 200 || !strings.Contains(body, "bithu1") && !strings.Contains(body, "Đăng xuất") {
				t.Fatalf("signed-in page: %d", res.StatusCode)
			}
			msg := regexp.MustCompile(`(?s)role="alert"[^>]*>(.*?)</`)
			_, wrongPw := newClient(t, s).login("bithu1", "sai-mat-khau-123")
			_, wrongUser := newClient(t, s).login("khongcoai", appPassword)
			a, b := msg.FindStringSubmatch(wrongPw), msg.FindStringSubmatch(wrongUser)
			if a == nil || b == nil || a[1] != b[1] {
				t.Fatalf("failure messages differ or missing: %q vs %q", a, b)
			}
			if !strings.Contains(a[1], "Tên đăng nhập hoặc mật khẩu không đúng") {
				t.Fatalf("message %q", a[1])
			}
		})

		t.Run("outside the subtree is 404", func(t *testing.T) {
			c := newClient(t, s)
			c.mustLogin("dangvien1")
			other := scalar[int64](t, s, `SELECT u.id FROM units u WHERE u.kind = 'co-quan' AND NOT EXISTS (
				SELECT 1 FROM role_grants g JOIN users us ON us.id = g.user_id JOIN units gu ON gu.id = g.unit_id
				WHERE us.username = 'dangvien1' AND (u.path LIKE gu.path || '%' OR gu.path LIKE u.path || '%')) ORDER BY u.id LIMIT 1`)
			own := scalar[int64](t, s, `SELECT g.unit_id FROM role_grants g JOIN users us ON us.id = g.user_id WHERE us.username = 'dangvien1' LIMIT 1`)
			if res, _ := c.get(fmt.Sprintf("/units/%d", own)); res.StatusCode != 200 {
				t.Fatalf("own unit: %d", res.StatusCode)
			}
			res, body := c.get(fmt.Sprintf("/units/%d", other))
			name := scalar[string](t, s, `SELECT name FROM units WHERE id = ?`, other)
			if res.StatusCode != 404 || strings.Contains(body, name) || !strings.Contains(body, "Không tìm thấy") {
				t.Fatalf("other unit page: %d, leaks name: %v", res.StatusCode, strings.Contains(body, name))
			}
			uid := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'dangvien1'`)
			tok, err := s.Auth.CreateToken(ctx, uid, "thử")
			if err != nil {
				t.Fatal(err)
			}
			api := func(path string) (int, string) {
				req, _ := http.NewRequest("GET", s.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				res, body := newClient(t, s).do(req)
				return res.StatusCode, body
			}
			if code, _ := api(fmt.Sprintf("/api/v1/units/%d", own)); code != 200 {
				t.Fatalf("API own unit: %d", code)
			}
			code, body := api(fmt.Sprintf("/api/v1/units/%d", other))
			var e struct {
				Error struct{ Code, Message string }
			}
			if code != 404 || json.Unmarshal([]byte(body), &e) != nil || e.Error.Message == "" || strings.Contains(body, name) {
				t.Fatalf("API other unit: %d %s", code, body)
			}
			if code, _ := api("/api/v1/units/abc"); code != 404 {
				t.Fatalf("API bad id: %d", code)
			}
		})

		t.Run("cross-origin POST is refused", func(t *testing.T) {
			c := newClient(t, s)
			c.mustLogin("bithu1")
			before := scalar[int](t, s, `SELECT COUNT(*) FROM people`)
			req, _ := http.NewRequest("POST", s.URL+"/people", strings.NewReader(url.Values{"full_name": {"Kẻ Giả Mạo"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if res, _ := c.do(req); res.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-origin POST: %d", res.StatusCode)
			}
			if after := scalar[int](t, s, `SELECT COUNT(*) FROM people`); after != before {
				t.Fatal("a person was written")
			}
		})

		t.Run("bad input and double submit", func(t *testing.T) {
			c := newClient(t, s)
			c.mustLogin("bithu1")
			unit := scalar[int64](t, s, `SELECT g.unit_id FROM role_grants g JOIN users us ON us.id = g.user_id WHERE us.username = 'bithu1' LIMIT 1`)
			count := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM people`) }
			before := count()
			auditBefore := scalar[int](t, s, `SELECT COUNT(*) FROM audit_log`)
			person := func(name string) url.Values {
				return url.Values{"form_nonce": {c.nonce("/people/new")}, "full_name": {name}, "unit_id": {fmt.Sprint(unit)}, "gender": {"nu"}, "birth_year": {"1990"}}
			}
			for _, bad := range []struct {
				name string
				form url.Values
			}{
				{"empty", person("")},
				{"10 MB field", person(strings.Repeat("Nguyễn ", 10<<20/8))},
				{"script", person("<script>alert(1)</script>")},
				{"unknown unit", func() url.Values { f := person("Trần Văn Bảy"); f.Set("unit_id", "999999999"); return f }()},
				{"bad year", func() url.Values { f := person("Trần Văn Bảy"); f.Set("birth_year", "năm"); return f }()},
			} {
				res, body := c.post("/people", bad.form)
				if res.StatusCode >= 500 || res.StatusCode < 400 {
					t.Errorf("%s: status %d", bad.name, res.StatusCode)
				}
				if strings.Contains(body, "<script>alert") {
					t.Errorf("%s: script echoed unescaped", bad.name)
				}
				if !strings.Contains(body, "lang=\"vi\"") && res.StatusCode != 413 {
					t.Errorf("%s: not a Vietnamese page", bad.name)
				}
			}
			// Malformed UTF-8 is cleaned, NFD is stored as NFC.
			res, _ := c.post("/people", person("Ng\xffuyễn Thị Lan"))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("malformed UTF-8: %d", res.StatusCode)
			}
			nfd := "Nguye\u0302\u0303n Thi\u0323 Mai" // Nguyễn Thị Mai, decomposed
			if res, _ := c.post("/people", person(nfd)); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("NFD: %d", res.StatusCode)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM people WHERE full_name = ?`, "Nguyễn Thị Mai"); n != 1 {
				t.Fatalf("NFD name not stored as NFC (%d)", n)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM people WHERE full_name = ?`, "Nguyễn Thị Lan"); n != 1 {
				t.Fatalf("malformed UTF-8 name not cleaned (%d)", n)
			}
			if count() != before+2 || scalar[int](t, s, `SELECT COUNT(*) FROM audit_log`) != auditBefore+2 {
				t.Fatalf("bad input wrote something: %d people (was %d)", count(), before)
			}
			// The same form submitted twice makes one person.
			form := person("Đỗ Văn Hùng")
			r1, _ := c.post("/people", form)
			r2, _ := c.post("/people", form)
			if r1.StatusCode != http.StatusSeeOther || r2.StatusCode >= 500 {
				t.Fatalf("double submit: %d, %d", r1.StatusCode, r2.StatusCode)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM people WHERE full_name = 'Đỗ Văn Hùng'`); n != 1 {
				t.Fatalf("double submit made %d people", n)
			}
		})

		t.Run("audit log within the subtree", func(t *testing.T) {
			c := newClient(t, s)
			c.mustLogin("bithu1")
			if res, body := c.get("/admin"); res.StatusCode != 200 || !strings.Contains(body, `href="/audit"`) {
				t.Fatalf("/admin: %d", res.StatusCode)
			}
			_, body := c.get("/audit?actor=bithu1&entity=person")
			if !strings.Contains(body, "Thêm người Đỗ Văn Hùng") {
				t.Fatalf("own change missing from the filtered log")
			}
			if _, body := c.get("/audit?actor=khongcoai"); strings.Contains(body, "Thêm người") {
				t.Fatal("an unknown actor shows entries")
			}
			// The administrator adds someone in another agency: bithu1 must not see it.
			other := scalar[int64](t, s, `SELECT u.id FROM units u WHERE u.kind = 'co-quan' AND NOT EXISTS (
				SELECT 1 FROM role_grants g JOIN users us ON us.id = g.user_id JOIN units gu ON gu.id = g.unit_id
				WHERE us.username = 'bithu1' AND (u.path LIKE gu.path || '%' OR gu.path LIKE u.path || '%')) ORDER BY u.id LIMIT 1`)
			admin, err := org.LoadPrincipal(ctx, s.DB, scalar[int64](t, s, `SELECT id FROM users WHERE username = 'admin'`))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Org.CreatePerson(ctx, admin, org.PersonInput{FullName: "Vũ Thị Ngoài Phạm Vi", UnitID: other}); err != nil {
				t.Fatal(err)
			}
			summary := scalar[string](t, s, `SELECT summary FROM audit_log WHERE unit_id = ? ORDER BY id DESC LIMIT 1`, other)
			if _, body := newClientAs(t, s, "admin").get("/audit"); !strings.Contains(body, summary) {
				t.Fatalf("administrator does not see %q", summary)
			}
			if _, body := c.get("/audit"); strings.Contains(body, summary) {
				t.Fatalf("entry outside the subtree shown: %q", summary)
			}
			if res, _ := c.get(fmt.Sprintf("/audit?unit=%d", other)); res.StatusCode != 404 {
				t.Fatalf("audit of a unit outside the subtree: %d", res.StatusCode)
			}
			m := newClient(t, s)
			m.mustLogin("dangvien1")
			if res, _ := m.get("/audit"); res.StatusCode != 403 {
				t.Fatalf("member opening the audit log: %d", res.StatusCode)
			}
		})

		t.Run("attachments only to who may see the owner", func(t *testing.T) {
			pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
			var shared, orphan attach.File
			err := s.DB.Tx(ctx, func(tx *sqldb.Tx) (err error) {
				// "document" (governing documents) is readable by every signed-in user;
				// an owner type nobody registered is readable by nobody.
				if shared, err = s.Files.Save(ctx, tx, "document", 1, attach.Upload{Name: "Nghị quyết.pdf", Data: pdf}, attach.Documents); err != nil {
					return err
				}
				orphan, err = s.Files.Save(ctx, tx, "khong-dang-ky", 1, attach.Upload{Name: "x.pdf", Data: pdf}, attach.Documents)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if res, body := newClient(t, s).get(fmt.Sprintf("/files/%d", shared.ID)); res.StatusCode != 404 || strings.Contains(body, "%PDF") {
				t.Fatalf("anonymous download: %d", res.StatusCode)
			}
			res, body := newClientAs(t, s, "bithu1").get(fmt.Sprintf("/files/%d", shared.ID))
			if res.StatusCode != 200 || body != string(pdf) || res.Header.Get("Content-Type") != "application/pdf" ||
				res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("signed-in download: %d %v", res.StatusCode, res.Header)
			}
			if res, _ := newClientAs(t, s, "admin").get(fmt.Sprintf("/files/%d", orphan.ID)); res.StatusCode != 404 {
				t.Fatalf("file of an unregistered owner: %d", res.StatusCode)
			}
			if res, _ := newClientAs(t, s, "admin").get("/files/999999"); res.StatusCode != 404 {
				t.Fatalf("missing file: %d", res.StatusCode)
			}
		})

	})
}

// TestLoginLockoutHTTP: after LockAfter wrong passwords the right one is refused too. The
// server gets its short throttle before it starts (changing it under the running server
// would be a data race with the login handlers).
func TestLoginLockoutHTTP(t *testing.T) {
	quick := func(a *app.App) { a.Auth.Throttle = auth.Throttle{SlowAfter: 100, LockAfter: 4, LockFor: time.Minute} }
	eachServer(t, func(t *testing.T, s *app.Started) {
		c := newClient(t, s)
		for i := range 4 {
			if res, _ := c.login("canbo", "sai-mat-khau-xyz"); res.StatusCode == http.StatusSeeOther {
				t.Fatalf("wrong password %d accepted", i)
			}
		}
		res, body := c.login("canbo", appPassword)
		if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "thử lại sau") {
			t.Fatalf("locked account: %d", res.StatusCode)
		}
	}, quick)
}
