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

// TestFoundationWalk is issue 2's browser walk: bithu1 signs in, opens the tree, finds a
// person by typing the name without diacritics, creates a person and sees the change in
// the audit log; dangvien1 then fails (404) to open another committee's unit. Every page
// visited passes axe-core.
func TestFoundationWalk(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	db := srv.App.DB
	bg := context.Background()

	var secretary string
	if err := db.QueryRowContext(bg, `SELECT p.full_name FROM people p JOIN users u ON u.person_id = p.id WHERE u.username = ?`, "bithu1").Scan(&secretary); err != nil {
		t.Fatalf("demo: bithu1's person: %v", err)
	}
	var otherAgency, ownAgency int64
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE code = ?`, "STC").Scan(&otherAgency); err != nil {
		t.Fatalf("demo: agency 2: %v", err)
	}
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE code = ?`, "STP").Scan(&ownAgency); err != nil {
		t.Fatalf("demo: agency 1: %v", err)
	}

	// The login page itself.
	if st := visit(t, ctx, srv.URL+"/login"); st != http.StatusOK {
		t.Fatalf("GET /login: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "dang-nhap")

	login(t, ctx, srv, "bithu1")
	checkA11y(t, ctx)
	screenshot(t, ctx, "trang-chu")

	// The tree: bithu1 sees their agency, not the others.
	if st := visit(t, ctx, srv.URL+"/units"); st != http.StatusOK {
		t.Fatalf("GET /units: %d", st)
	}
	text := pageText(t, ctx)
	if !strings.Contains(text, "Sở Tư pháp") {
		t.Errorf("tree of bithu1 lacks their agency Sở Tư pháp:\n%s", text)
	}
	if strings.Contains(text, "Sở Tài chính") {
		t.Errorf("tree of bithu1 shows another agency (Sở Tài chính):\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "cay-to-chuc")

	// Search units without diacritics.
	fill(t, ctx, "#f-q", "chi bo van phong")
	if st := submit(t, ctx, "search units", chromedp.Click(chromedp.CSS(`form[action="/units"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("unit search: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "Chi bộ Văn phòng") {
		t.Errorf("unit search “chi bo van phong” does not find Chi bộ Văn phòng:\n%s", text)
	}
	checkA11y(t, ctx)

	// The agency's unit page.
	if st := visit(t, ctx, srv.URL+"/units/"+strconv.FormatInt(ownAgency, 10)); st != http.StatusOK {
		t.Fatalf("own agency page: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "don-vi")

	// Find a person by typing the name without diacritics.
	if st := visit(t, ctx, srv.URL+"/people"); st != http.StatusOK {
		t.Fatalf("GET /people: %d", st)
	}
	checkA11y(t, ctx)
	folded := search.Fold(secretary)
	if folded == strings.ToLower(secretary) {
		t.Fatalf("demo name %q has no diacritics; the search would prove nothing", secretary)
	}
	fill(t, ctx, "#f-q", folded)
	if st := submit(t, ctx, "search people", chromedp.Click(chromedp.CSS(`form[action="/people"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("people search: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, secretary) {
		t.Errorf("people search %q does not find %q:\n%s", folded, secretary, text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "tim-nguoi")

	// The header's search box: one page with a section per module.
	fill(t, ctx, "#site-q", folded)
	if st := submit(t, ctx, "header search", chromedp.Click(chromedp.CSS(`form.search button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("header search: %d", st)
	}
	if loc := location(t, ctx); !strings.Contains(loc, "/search?q=") {
		t.Errorf("header search lands on %s", loc)
	}
	if text := pageText(t, ctx); !strings.Contains(text, secretary) || !strings.Contains(text, "Cán bộ, đảng viên") {
		t.Errorf("header search %q does not list %q under people:\n%s", folded, secretary, text)
	}
	checkA11y(t, ctx)
	fill(t, ctx, "#search-q", "04-nq/duk")
	if st := submit(t, ctx, "search a notation", chromedp.Click(chromedp.CSS(`form[action="/search"].filters button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("notation search: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "04-NQ/ĐUK") {
		t.Errorf("search 04-nq/duk does not find 04-NQ/ĐUK:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "tim-kiem")

	// Create a person.
	const newName = "Trương Thị Kiểm Thử"
	if st := visit(t, ctx, srv.URL+"/people/new"); st != http.StatusOK {
		t.Fatalf("GET /people/new: %d", st)
	}
	checkA11y(t, ctx)
	// An empty submit re-renders the form with a message under the field.
	if st := submit(t, ctx, "submit empty person form", chromedp.Evaluate[chromedp.Void](
		`document.querySelectorAll("form [required]").forEach(e => e.removeAttribute("required")); document.querySelector("form[action='/people'] button.primary").click(); undefined`)); st != http.StatusUnprocessableEntity {
		t.Errorf("empty person form: status %d, want 422", st)
	}
	if n := run(t, ctx, "count field errors", chromedp.Evaluate[int](`document.querySelectorAll(".field-error").length`)); n == 0 {
		t.Errorf("empty person form: no message under any field:\n%s", pageText(t, ctx))
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "them-nguoi-loi")

	fill(t, ctx, "#f-full_name", newName)
	unitValue := run(t, ctx, "pick unit", chromedp.Evaluate[string](`(() => { const o = [...document.querySelectorAll("#f-unit_id option")].find(o => o.textContent.trim() === "Văn phòng"); return o ? o.value : ""; })()`))
	if unitValue == "" {
		t.Fatalf("person form offers no Văn phòng:\n%s", pageHTML(t, ctx))
	}
	selectOption(t, ctx, "#f-unit_id", unitValue)
	selectOption(t, ctx, "#f-gender", "nu")
	fill(t, ctx, "#f-birth_year", "1990")
	tick(t, ctx, "#f-party_member", true)
	screenshot(t, ctx, "them-nguoi")
	if st := submit(t, ctx, "create person", chromedp.Click(chromedp.CSS(`form[action="/people"] button.primary`))); st != http.StatusOK {
		t.Fatalf("create person: status %d:\n%s", st, pageText(t, ctx))
	}
	loc := location(t, ctx)
	if !strings.Contains(loc, "/people/") {
		t.Fatalf("after create: at %s, want the person's page", loc)
	}
	text = pageText(t, ctx)
	if !strings.Contains(text, newName) || !strings.Contains(text, "Đã thêm") {
		t.Errorf("person page after create lacks the name or the success message:\n%s", text)
	}
	checkA11y(t, ctx)
	var stored int
	if err := db.QueryRowContext(bg, `SELECT COUNT(*) FROM people WHERE full_name = ?`, newName).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("people named %q in the database: %d (%v), want 1", newName, stored, err)
	}

	// The audit log shows the change, by whom.
	if st := visit(t, ctx, srv.URL+"/audit"); st != http.StatusOK {
		t.Fatalf("GET /audit: %d", st)
	}
	text = pageText(t, ctx)
	if !strings.Contains(text, "Thêm người "+newName) {
		t.Errorf("audit log lacks the creation of %s:\n%s", newName, text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "nhat-ky")

	// The import page (form, template link) and the notification centre.
	if st := visit(t, ctx, srv.URL+"/people/import"); st != http.StatusOK {
		t.Fatalf("GET /people/import: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "Tải tệp mẫu") {
		t.Errorf("import page lacks the template link:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "nhap-excel")
	importWalk(t, ctx, srv)
	if st := visit(t, ctx, srv.URL+"/notifications"); st != http.StatusOK {
		t.Fatalf("GET /notifications: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "thong-bao")

	// Account page (tokens are created there).
	if st := visit(t, ctx, srv.URL+"/account"); st != http.StatusOK {
		t.Fatalf("GET /account: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "tai-khoan")

	// Sign out through the menu.
	step(t, ctx, "open account menu", chromedp.Click(chromedp.CSS("details.me summary")))
	submit(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	if loc := location(t, ctx); !strings.Contains(loc, "/login") {
		t.Errorf("after sign-out: at %s, want /login", loc)
	}

	// A party member of agency 1 cannot open agency 2's unit, but can open their own.
	login(t, ctx, srv, "dangvien1")
	if st := visit(t, ctx, srv.URL+"/units/"+strconv.FormatInt(ownAgency, 10)); st != http.StatusOK {
		t.Errorf("dangvien1 opening their own agency: status %d, want 200", st)
	}
	if st := visit(t, ctx, srv.URL+"/units/"+strconv.FormatInt(otherAgency, 10)); st != http.StatusNotFound {
		t.Errorf("dangvien1 opening another committee's unit: status %d, want 404", st)
	}
	text = pageText(t, ctx)
	if strings.Contains(text, "Sở Tài chính") {
		t.Errorf("404 page leaks the other unit's name:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "khong-tim-thay")
}
