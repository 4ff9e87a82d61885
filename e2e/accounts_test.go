package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"danvan/internal/search"
)

// TestAccountsAdminWalk is the accounts part of issue 2 in a browser: the administrator
// finds a demo person by typing the name without diacritics, creates an account for
// them with a generated password (shown once), grants a role on a unit, and the new user
// signs in with that password and sees the role on their account page. Every page
// visited passes axe-core.
func TestAccountsAdminWalk(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	db := srv.App.DB
	bg := context.Background()

	// A demo person of Sở Tư pháp's office without an account.
	var personID int64
	var person, unit string
	if err := db.QueryRowContext(bg, `SELECT p.id, p.full_name, u.name FROM people p JOIN units u ON u.id = p.unit_id
		WHERE u.name = 'Văn phòng' AND NOT EXISTS (SELECT 1 FROM users x WHERE x.person_id = p.id) ORDER BY p.id LIMIT 1`).Scan(&personID, &person, &unit); err != nil {
		t.Fatalf("demo: a person without an account: %v", err)
	}
	folded := search.Fold(person)
	if folded == strings.ToLower(person) {
		t.Fatalf("demo name %q has no diacritics; the search would prove nothing", person)
	}

	login(t, ctx, srv, "admin")
	if st := visit(t, ctx, srv.URL+"/admin"); st != http.StatusOK {
		t.Fatalf("GET /admin: %d", st)
	}
	checkA11y(t, ctx)
	if st := submit(t, ctx, "open the account pages", chromedp.Click(chromedp.CSS(`a[href="/admin/users"]`))); st != http.StatusOK {
		t.Fatalf("GET /admin/users: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "bithu1") || !strings.Contains(text, "Đang hoạt động") {
		t.Errorf("account list lacks bithu1 or its state:\n%s", text)
	}
	checkA11y(t, ctx)

	// Create: find the person without diacritics, pick them.
	if st := submit(t, ctx, "open the create form", chromedp.Click(chromedp.CSS(`a[href="/admin/users/new"]`))); st != http.StatusOK {
		t.Fatalf("GET /admin/users/new: %d", st)
	}
	checkA11y(t, ctx)
	fill(t, ctx, "#f-person_q", folded)
	if st := submit(t, ctx, "search the person", chromedp.Click(chromedp.CSS(`form[action="/admin/users/new"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("person search: %d", st)
	}
	checkA11y(t, ctx)
	pick := `a[href="/admin/users/new?person=` + strconv.FormatInt(personID, 10) + `"]`
	if st := submit(t, ctx, "pick "+person, chromedp.Click(chromedp.CSS(pick))); st != http.StatusOK {
		t.Fatalf("pick the person: %d:\n%s", st, pageText(t, ctx))
	}
	if got := run(t, ctx, "read display name", chromedp.Evaluate[string](`document.querySelector("#f-display_name").value`)); got != person {
		t.Errorf("display name prefilled %q, want %q", got, person)
	}
	checkA11y(t, ctx)
	const username = "canbo.thuong"
	fill(t, ctx, "#f-username", username)
	selectOption(t, ctx, "#f-role", "member")
	if st := submit(t, ctx, "create the account", chromedp.Click(chromedp.CSS(`form[action="/admin/users"] button.primary`))); st != http.StatusOK {
		t.Fatalf("create: %d:\n%s", st, pageText(t, ctx))
	}
	password := run(t, ctx, "read the generated password", chromedp.Evaluate[string](`(document.querySelector("#new-password") || {}).textContent || ""`))
	if len(password) < 10 {
		t.Fatalf("no generated password on the result page:\n%s", pageText(t, ctx))
	}
	checkA11y(t, ctx)

	// The account page: grant a second role on the person's agency.
	if st := submit(t, ctx, "open the account page", chromedp.Click(chromedp.CSS(`a.button.primary[href^="/admin/users/"]`))); st != http.StatusOK {
		t.Fatalf("account page: %d", st)
	}
	if strings.Contains(pageHTML(t, ctx), password) {
		t.Error("the generated password is shown again on the account page")
	}
	checkA11y(t, ctx)
	agency := run(t, ctx, "find the agency option", chromedp.Evaluate[string](`(() => { const o = [...document.querySelectorAll("#f-unit_id option")].find(o => o.textContent.trim() === "Sở Tư pháp"); return o ? o.value : ""; })()`))
	if agency == "" {
		t.Fatalf("grant form offers no Sở Tư pháp:\n%s", pageHTML(t, ctx))
	}
	selectOption(t, ctx, "#f-role", "handler")
	selectOption(t, ctx, "#f-unit_id", agency)
	if st := submit(t, ctx, "grant the role", chromedp.Click(chromedp.CSS(`form[action$="/grants"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("grant: %d", st)
	}
	text := pageText(t, ctx)
	if !strings.Contains(text, "Đã phân quyền Cán bộ xử lý đơn thư") || !strings.Contains(text, "Đảng viên, cán bộ") {
		t.Errorf("account page after the grant lacks the flash or the roles:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "quan-tri-tai-khoan")
	var grants int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = ?`, username).Scan(&grants); err != nil || grants != 2 {
		t.Errorf("grants of %s: %d (%v), want 2", username, grants, err)
	}

	// The new user signs in with the generated password.
	if st := submit(t, ctx, "sign out", chromedp.Evaluate[chromedp.Void](`document.querySelector('form[action="/logout"]').submit(); undefined`)); st != http.StatusOK {
		t.Fatalf("sign out: %d", st)
	}
	if st := visit(t, ctx, srv.URL+"/login"); st != http.StatusOK {
		t.Fatalf("GET /login: %d", st)
	}
	fill(t, ctx, "#f-username", username)
	fill(t, ctx, "#f-password", password)
	if st := submit(t, ctx, "sign in as "+username, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("sign in: %d", st)
	}
	if loc := location(t, ctx); strings.Contains(loc, "/login") {
		t.Fatalf("new user still on %s:\n%s", loc, pageText(t, ctx))
	}
	if st := visit(t, ctx, srv.URL+"/account"); st != http.StatusOK {
		t.Fatalf("GET /account: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, person) || !strings.Contains(text, "Cán bộ xử lý đơn thư") {
		t.Errorf("the new user's account page lacks their name or role:\n%s", text)
	}
	checkA11y(t, ctx)
	// Not an administrator: the account pages are out of reach.
	if st := visit(t, ctx, srv.URL+"/admin/users"); st != http.StatusNotFound {
		t.Errorf("new user GET /admin/users: %d, want 404", st)
	}
}
