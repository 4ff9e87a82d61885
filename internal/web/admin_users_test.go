package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// loginFrom signs in from a given client address (the app trusts X-Forwarded-For from
// loopback), so that failed attempts lock the account without locking the test's address.
func (c *appClient) loginFrom(addr, user, pw string) (*http.Response, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+"/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	return c.do(req)
}

// postForm posts form to action with a fresh nonce read from page.
func (c *appClient) postForm(page, action string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	form.Set("form_nonce", c.nonce(page))
	return c.post(action, form)
}

var loginAlertRE = regexp.MustCompile(`(?s)role="alert"[^>]*>(.*?)</`)

func auditCount(t *testing.T, s *app.Started, userID int64, action string) int {
	t.Helper()
	return scalar[int](t, s, `SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = ? AND action = ?`, userID, action)
}

// TestAdminUsers drives the administrators' account pages through the real app on both
// engines: who reaches them, create (typed and generated password, duplicate name, weak
// password, double submit), grant and revoke, reset, disable (sign-in, session and token
// refused), self-protection, unlock, and the audit rows of each change.
func TestAdminUsers(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		admin := newClientAs(t, s, "admin")
		adminID := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'admin'`)

		t.Run("non-administrators get 404", func(t *testing.T) {
			c := newClientAs(t, s, "bithu1")
			for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/users/" + strconv.FormatInt(adminID, 10)} {
				if res, _ := c.get(path); res.StatusCode != http.StatusNotFound {
					t.Errorf("bithu1 GET %s: %d, want 404", path, res.StatusCode)
				}
			}
			if res, _ := c.post("/admin/users/"+strconv.FormatInt(adminID, 10)+"/disable", url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Errorf("bithu1 POST disable: %d, want 404", res.StatusCode)
			}
			if _, body := c.get("/admin"); strings.Contains(body, `href="/admin/users"`) {
				t.Error("the admin index links the account pages for bithu1")
			}
			if scalar[bool](t, s, `SELECT disabled FROM users WHERE id = ?`, adminID) {
				t.Fatal("bithu1 disabled the administrator")
			}
		})

		t.Run("every page reached from the account list answers", func(t *testing.T) {
			// The site-wide crawl stops at its bound before these pages: walk them here.
			crawl(t, admin, "/admin/users", 80)
		})

		t.Run("list, search without diacritics, unit filter", func(t *testing.T) {
			if _, body := admin.get("/admin"); !strings.Contains(body, `href="/admin/users"`) {
				t.Fatal("the admin index does not link /admin/users")
			}
			res, body := admin.get("/admin/users")
			if res.StatusCode != http.StatusOK || !strings.Contains(body, ">bithu1</a>") || !strings.Contains(body, ">dangvien1</a>") {
				t.Fatalf("list: %d, bithu1/dangvien1 missing", res.StatusCode)
			}
			name := scalar[string](t, s, `SELECT p.full_name FROM people p JOIN users u ON u.person_id = p.id WHERE u.username = 'bithu1'`)
			_, body = admin.get("/admin/users?q=" + url.QueryEscape(search.Fold(name)))
			if !strings.Contains(body, ">bithu1</a>") || strings.Contains(body, ">dangvien1</a>") {
				t.Errorf("search %q: want bithu1 only", search.Fold(name))
			}
			// The create form's person search marks people who already have an account.
			if _, body := admin.get("/admin/users/new?person_q=" + url.QueryEscape(search.Fold(name))); !strings.Contains(body, name) || !strings.Contains(body, "Đã có tài khoản") {
				t.Errorf("person search on the create form: %s without the account mark", name)
			}
			cell := scalar[int64](t, s, `SELECT unit_id FROM users WHERE username = 'bithucb1'`)
			_, body = admin.get("/admin/users?unit=" + strconv.FormatInt(cell, 10))
			if !strings.Contains(body, ">bithucb1</a>") || strings.Contains(body, ">bithu1</a>") {
				t.Errorf("unit filter on bithucb1's cell: want bithucb1 only")
			}
			_, body = admin.get("/admin/users?after=bithu1")
			if strings.Contains(body, ">admin</a>") || strings.Contains(body, ">bithu1</a>") || !strings.Contains(body, ">dangvien1</a>") {
				t.Errorf("page after bithu1: wrong accounts")
			}
		})

		// A demo person without an account, for the new accounts.
		var personID, personUnit int64
		var personName string
		if err := s.DB.QueryRowContext(ctx, `SELECT p.id, p.unit_id, p.full_name FROM people p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.person_id = p.id) ORDER BY p.id LIMIT 1`).
			Scan(&personID, &personUnit, &personName); err != nil {
			t.Fatal(err)
		}
		var newID int64
		const newPw = "mat-khau-moi-2026"

		t.Run("create with a typed password", func(t *testing.T) {
			page := "/admin/users/new?person=" + strconv.FormatInt(personID, 10)
			if _, body := admin.get(page); !strings.Contains(body, personName) {
				t.Fatalf("form for %s lacks the name", personName)
			}
			res, body := admin.postForm(page, "/admin/users", url.Values{"username": {"Nguoi.Moi"}, "person_id": {strconv.FormatInt(personID, 10)},
				"unit_id": {strconv.FormatInt(personUnit, 10)}, "role": {"member"}, "password": {newPw}, "password2": {newPw}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: %d %s", res.StatusCode, body)
			}
			newID = scalar[int64](t, s, `SELECT id FROM users WHERE username = 'nguoi.moi'`)
			if loc := res.Header.Get("Location"); loc != "/admin/users/"+strconv.FormatInt(newID, 10) {
				t.Errorf("redirect to %s", loc)
			}
			if got := scalar[string](t, s, `SELECT display_name FROM users WHERE id = ?`, newID); got != personName {
				t.Errorf("display name %q, want the person's %q", got, personName)
			}
			if got := scalar[int64](t, s, `SELECT person_id FROM users WHERE id = ?`, newID); got != personID {
				t.Errorf("person %d", got)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM role_grants WHERE user_id = ? AND unit_id = ? AND role = 'member'`, newID, personUnit); n != 1 {
				t.Errorf("grants %d", n)
			}
			if auditCount(t, s, newID, "create") != 1 || auditCount(t, s, newID, "grant") != 1 {
				t.Error("create/grant not audited")
			}
			if _, body := admin.get("/admin/users/" + strconv.FormatInt(newID, 10)); !strings.Contains(body, "Đã tạo tài khoản nguoi.moi") {
				t.Error("no success flash on the account page")
			}
			if res, _ := newClient(t, s).login("nguoi.moi", newPw); res.StatusCode != http.StatusSeeOther {
				t.Errorf("new account cannot sign in: %d", res.StatusCode)
			}
			// The person now has an account: a second one for them is refused under the field.
			res, body = admin.postForm("/admin/users/new", "/admin/users", url.Values{"username": {"nguoi.moi2"}, "person_id": {strconv.FormatInt(personID, 10)},
				"unit_id": {strconv.FormatInt(personUnit, 10)}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "đã có tài khoản nguoi.moi") {
				t.Errorf("second account for the person: %d", res.StatusCode)
			}
		})

		t.Run("duplicate username and weak password re-render with the input kept", func(t *testing.T) {
			res, body := admin.postForm("/admin/users/new", "/admin/users", url.Values{"username": {"bithu1"}, "display_name": {"Người trùng tên"},
				"unit_id": {strconv.FormatInt(personUnit, 10)}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Tên đăng nhập này đã có người dùng") {
				t.Fatalf("duplicate: %d", res.StatusCode)
			}
			if !strings.Contains(body, `value="Người trùng tên"`) || !strings.Contains(body, `id="e-username"`) {
				t.Error("duplicate: input or field message missing")
			}
			res, body = admin.postForm("/admin/users/new", "/admin/users", url.Values{"username": {"yeu.matkhau"}, "unit_id": {strconv.FormatInt(personUnit, 10)},
				"password": {"ngan-qua"}, "password2": {"ngan-qua"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Mật khẩu cần ít nhất 10 ký tự") {
				t.Fatalf("weak password: %d", res.StatusCode)
			}
			if strings.Contains(body, "ngan-qua") || !strings.Contains(body, `value="yeu.matkhau"`) {
				t.Error("weak password: the password is echoed or the username lost")
			}
			res, body = admin.postForm("/admin/users/new", "/admin/users", url.Values{"username": {"Có Dấu"}, "unit_id": {""}, "email": {"khong-phai-thu"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "chữ thường không dấu") || !strings.Contains(body, "Vui lòng chọn đơn vị") ||
				!strings.Contains(body, "thư điện tử không hợp lệ") {
				t.Errorf("bad username / no unit: %d", res.StatusCode)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM users WHERE username IN ('yeu.matkhau', 'bithu1')`); n != 1 {
				t.Errorf("accounts made by refused forms: %d", n-1)
			}
		})

		var genID int64
		var genPw string
		t.Run("generated password is shown once and a double submit makes one account", func(t *testing.T) {
			form := url.Values{"username": {"tu.dong"}, "unit_id": {strconv.FormatInt(personUnit, 10)}, "role": {"staff"}, "form_nonce": {admin.nonce("/admin/users/new")}}
			res, body := admin.post("/admin/users", form)
			m := regexp.MustCompile(`<code id="new-password">([^<]+)</code>`).FindStringSubmatch(body)
			if res.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("generated: %d, no password shown", res.StatusCode)
			}
			genPw = m[1]
			res, _ = admin.post("/admin/users", form)
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("second submit: %d, want a redirect", res.StatusCode)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM users WHERE username = 'tu.dong'`); n != 1 {
				t.Fatalf("double submit made %d accounts", n)
			}
			genID = scalar[int64](t, s, `SELECT id FROM users WHERE username = 'tu.dong'`)
			if _, body := admin.get("/admin/users/" + strconv.FormatInt(genID, 10)); strings.Contains(body, genPw) {
				t.Error("the generated password is shown again")
			}
			if res, _ := newClient(t, s).login("tu.dong", genPw); res.StatusCode != http.StatusSeeOther {
				t.Errorf("sign in with the generated password: %d", res.StatusCode)
			}
		})

		t.Run("grant and revoke", func(t *testing.T) {
			page := "/admin/users/" + strconv.FormatInt(newID, 10)
			agency := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
			res, body := admin.postForm(page, page+"/grants", url.Values{"role": {"handler"}, "unit_id": {strconv.FormatInt(agency, 10)}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("grant: %d %s", res.StatusCode, body)
			}
			gid := scalar[int64](t, s, `SELECT id FROM role_grants WHERE user_id = ? AND unit_id = ? AND role = 'handler'`, newID, agency)
			if res, _ := admin.postForm(page, page+"/grants", url.Values{"role": {"khong-co"}, "unit_id": {strconv.FormatInt(agency, 10)}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("bad role: %d", res.StatusCode)
			}
			res, _ = admin.postForm(page, page+"/grants/"+strconv.FormatInt(gid, 10)+"/revoke", url.Values{})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", res.StatusCode)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM role_grants WHERE id = ?`, gid); n != 0 {
				t.Error("grant still there")
			}
			if auditCount(t, s, newID, "grant") != 2 || auditCount(t, s, newID, "revoke") != 1 {
				t.Error("grant/revoke not audited")
			}
			// A grant of another account cannot be revoked through this one's page.
			other := scalar[int64](t, s, `SELECT g.id FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'bithu1'`)
			if res, _ := admin.postForm(page, page+"/grants/"+strconv.FormatInt(other, 10)+"/revoke", url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Errorf("revoke another account's grant: %d", res.StatusCode)
			}
		})

		t.Run("disable ends sign-in, sessions and tokens; enable restores sign-in", func(t *testing.T) {
			user := newClientAs(t, s, "congdoan1")
			uid := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'congdoan1'`)
			tok, err := s.Auth.CreateToken(ctx, uid, "thử")
			if err != nil {
				t.Fatal(err)
			}
			api := func() int {
				req, _ := http.NewRequest("GET", s.URL+"/api/v1/me", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				res, _ := newClient(t, s).do(req)
				return res.StatusCode
			}
			if st := api(); st != http.StatusOK {
				t.Fatalf("token before: %d", st)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, uid); n == 0 {
				t.Fatal("the signed-in session is not tied to its account")
			}
			page := "/admin/users/" + strconv.FormatInt(uid, 10)
			if res, _ := admin.postForm(page, page+"/disable", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable: %d", res.StatusCode)
			}
			if res, _ := user.get("/units"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Errorf("disabled user's session still works: %d", res.StatusCode)
			}
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM sessions WHERE user_id = ?`, uid); n != 0 {
				t.Errorf("%d sessions left", n)
			}
			if st := api(); st != http.StatusUnauthorized {
				t.Errorf("token after disable: %d", st)
			}
			res, body := newClient(t, s).loginFrom("10.1.0.1", "congdoan1", appPassword)
			_, wrong := newClient(t, s).loginFrom("10.1.0.2", "khongcoai", appPassword)
			a, b := loginAlertRE.FindStringSubmatch(body), loginAlertRE.FindStringSubmatch(wrong)
			if res.StatusCode != http.StatusUnauthorized || a == nil || b == nil || a[1] != b[1] {
				t.Errorf("disabled sign-in: %d, message %q vs unknown account %q", res.StatusCode, a, b)
			}
			if auditCount(t, s, uid, "disable") != 1 {
				t.Error("disable not audited")
			}
			if _, body := admin.get("/admin/users?state=disabled"); !strings.Contains(body, ">congdoan1</a>") || strings.Contains(body, ">bithu1</a>") {
				t.Error("state filter: disabled list wrong")
			}
			if res, _ := admin.postForm(page, page+"/enable", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("enable: %d", res.StatusCode)
			}
			if res, _ := newClient(t, s).loginFrom("10.1.0.3", "congdoan1", appPassword); res.StatusCode != http.StatusSeeOther {
				t.Errorf("sign-in after enable: %d", res.StatusCode)
			}
			if st := api(); st != http.StatusUnauthorized {
				t.Errorf("a token revoked by the disabling works again: %d", st)
			}
			if auditCount(t, s, uid, "enable") != 1 {
				t.Error("enable not audited")
			}
		})

		t.Run("administrators cannot disable themselves nor drop their last admin grant", func(t *testing.T) {
			page := "/admin/users/" + strconv.FormatInt(adminID, 10)
			res, _ := admin.postForm(page, page+"/disable", url.Values{})
			if res.StatusCode != http.StatusSeeOther || scalar[bool](t, s, `SELECT disabled FROM users WHERE id = ?`, adminID) {
				t.Fatalf("self-disable: %d", res.StatusCode)
			}
			if _, body := admin.get(page); !strings.Contains(body, "không thể vô hiệu hóa tài khoản của chính mình") {
				t.Error("self-disable: no message")
			}
			gid := scalar[int64](t, s, `SELECT id FROM role_grants WHERE user_id = ? AND role = 'admin'`, adminID)
			res, _ = admin.postForm(page, page+"/grants/"+strconv.FormatInt(gid, 10)+"/revoke", url.Values{})
			if n := scalar[int](t, s, `SELECT COUNT(*) FROM role_grants WHERE id = ?`, gid); res.StatusCode != http.StatusSeeOther || n != 1 {
				t.Fatalf("own last admin grant: %d, left %d", res.StatusCode, n)
			}
			if _, body := admin.get(page); !strings.Contains(body, "quyền quản trị cuối cùng của chính mình") {
				t.Error("last admin grant: no message")
			}
			if res, _ := admin.get("/admin/users"); res.StatusCode != http.StatusOK {
				t.Errorf("admin lost the pages: %d", res.StatusCode)
			}
		})

		t.Run("reset password ends the sessions", func(t *testing.T) {
			user := newClient(t, s)
			if res, _ := user.login("nguoi.moi", newPw); res.StatusCode != http.StatusSeeOther {
				t.Fatal("sign in before reset")
			}
			page := "/admin/users/" + strconv.FormatInt(newID, 10)
			if res, _ := admin.postForm(page, page+"/password", url.Values{"password": {"ngan"}, "password2": {"ngan"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("weak reset: %d", res.StatusCode)
			}
			if res, _ := admin.postForm(page, page+"/password", url.Values{"password": {"mot-mat-khau-dai"}, "password2": {"khac-han-mat-khau"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("mismatched reset: %d", res.StatusCode)
			}
			res, body := admin.postForm(page, page+"/password", url.Values{})
			m := regexp.MustCompile(`<code id="new-password">([^<]+)</code>`).FindStringSubmatch(body)
			if res.StatusCode != http.StatusOK || m == nil {
				t.Fatalf("generated reset: %d", res.StatusCode)
			}
			if res, _ := user.get("/units"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("session survived the reset: %d", res.StatusCode)
			}
			if res, _ := newClient(t, s).loginFrom("10.2.0.1", "nguoi.moi", newPw); res.StatusCode == http.StatusSeeOther {
				t.Error("old password still works")
			}
			if res, _ := newClient(t, s).loginFrom("10.2.0.2", "nguoi.moi", m[1]); res.StatusCode != http.StatusSeeOther {
				t.Errorf("new password: %d", res.StatusCode)
			}
			if auditCount(t, s, newID, "password") != 1 {
				t.Error("reset not audited")
			}
			if res, _ := admin.get("/units"); res.StatusCode != http.StatusOK {
				t.Error("the administrator's own session ended")
			}
		})

		t.Run("unlock an account locked by failures", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				newClient(t, s).loginFrom("10.3.0."+strconv.Itoa(i+1), "tu.dong", "sai-mat-khau-123")
			}
			// Past the five free attempts each further one must wait, so reaching the lock
			// takes minutes; set the row as the throttle leaves it after the tenth failure
			// (auth's own test reaches it for real with a short throttle).
			if _, err := s.DB.ExecContext(ctx, `UPDATE login_throttle SET failures = 10, locked_until = ? WHERE key = 'u:tu.dong'`,
				sqldb.FormatTime(s.DB.Now().Add(15*time.Minute))); err != nil {
				t.Fatal(err)
			}
			if res, _ := newClient(t, s).loginFrom("10.3.1.1", "tu.dong", genPw); res.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("locked account signs in: %d", res.StatusCode)
			}
			page := "/admin/users/" + strconv.FormatInt(genID, 10)
			if _, body := admin.get(page); !strings.Contains(body, "Gỡ tạm khóa đăng nhập") {
				t.Fatal("the account page offers no unlock")
			}
			if _, body := admin.get("/admin/users?state=locked"); !strings.Contains(body, ">tu.dong</a>") {
				t.Error("locked filter lacks tu.dong")
			}
			if res, _ := admin.postForm(page, page+"/unlock", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("unlock: %d", res.StatusCode)
			}
			if res, _ := newClient(t, s).loginFrom("10.3.1.2", "tu.dong", genPw); res.StatusCode != http.StatusSeeOther {
				t.Errorf("sign-in after unlock: %d", res.StatusCode)
			}
			if auditCount(t, s, genID, "unlock") != 1 {
				t.Error("unlock not audited")
			}
		})
	})
}

// Changing one's own password signs out the account's other sessions (someone else may
// know the old one) and keeps the session that changed it.
func TestChangePasswordEndsOtherSessions(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		here, there := newClientAs(t, s, "dangvien1"), newClientAs(t, s, "dangvien1")
		if res, _ := there.get("/account"); res.StatusCode != http.StatusOK {
			t.Fatalf("second session: %d", res.StatusCode)
		}
		res, _ := here.post("/account/password", url.Values{"old_password": {appPassword}, "new_password": {"mat-khau-moi-2026"},
			"new_password2": {"mat-khau-moi-2026"}, "form_nonce": {here.nonce("/account")}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("change password: %d", res.StatusCode)
		}
		if res, _ := here.get("/account"); res.StatusCode != http.StatusOK {
			t.Errorf("the session that changed the password: %d, want 200", res.StatusCode)
		}
		if res, _ := there.get("/account"); res.StatusCode == http.StatusOK {
			t.Errorf("the other session still opens /account after the password changed")
		}
		if res, _ := newClient(t, s).login("dangvien1", "mat-khau-moi-2026"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-in with the new password: %d", res.StatusCode)
		}
	})
}
