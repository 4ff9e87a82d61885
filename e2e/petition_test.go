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

	"github.com/chromedp/chromedp"
)

// TestPetitionWalk is issue 3's browser walk: a citizen submits a denunciation on the
// public page with Vietnamese text and a PDF and gets a tracking code; tiepdan1
// classifies, accepts, assigns (to themself), extends and resolves it; the citizen then
// sees "Đã giải quyết" with the code; tiepdan2 — same agency, not assigned — never sees
// the denouncer's name. Every page passes axe-core.
func TestPetitionWalk(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	bg := context.Background()
	var agency int64
	if err := srv.App.DB.QueryRowContext(bg, `SELECT id FROM units WHERE code = ?`, "STP").Scan(&agency); err != nil {
		t.Fatalf("demo: agency 1: %v", err)
	}
	const denouncer = "Đặng Thị Thu Hường"
	const idno = "001188004321"
	pdfPath := filepath.Join(t.TempDir(), "bằng-chứng.pdf")
	if err := os.WriteFile(pdfPath, []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The citizen, without an account.
	if st := visit(t, ctx, srv.URL+"/gui-don"); st != http.StatusOK {
		t.Fatalf("GET /gui-don: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "gui-don")
	selectOption(t, ctx, "#f-kind", "to-cao")
	selectOption(t, ctx, "#f-unit_id", strconv.FormatInt(agency, 10))
	fill(t, ctx, "#f-content", "Tôi tố cáo cán bộ bộ phận một cửa đòi “bồi dưỡng” 500.000 đồng mới giải quyết hồ sơ chứng thực của gia đình tôi ngày 20/11/2026.")
	fill(t, ctx, "#f-sender_name", denouncer)
	fill(t, ctx, "#f-sender_address", "Số 7 ngõ Quỳnh, phường Bạch Mai, Hà Nội")
	fill(t, ctx, "#f-sender_idno", idno)
	fill(t, ctx, "#f-sender_phone", "0977 123 456")
	step(t, ctx, "attach the PDF", chromedp.SetUploadFiles(chromedp.CSS("#f-files"), []string{pdfPath}))
	step(t, ctx, "consent", chromedp.Click(chromedp.CSS("#f-consent")))
	if st := submit(t, ctx, "send the petition", chromedp.Click(chromedp.CSS(`form[action="/gui-don"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("submit: %d\n%s", st, pageText(t, ctx))
	}
	code := run(t, ctx, "read the code", chromedp.Text(chromedp.CSS("#tracking-code")))
	if !regexp.MustCompile(`^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`).MatchString(code) {
		t.Fatalf("tracking code %q", code)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "da-gui-don")
	if st := visit(t, ctx, srv.URL+"/tra-cuu?code="+strings.ToLower(code)); st != http.StatusOK {
		t.Fatalf("track: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(text, "Đã tiếp nhận") || strings.Contains(text, denouncer) {
		t.Errorf("tracking page:\n%s", text)
	}
	checkA11y(t, ctx)

	// The handler of agency 1.
	login(t, ctx, srv, "tiepdan1")
	if st := visit(t, ctx, srv.URL+"/petitions?q="+code); st != http.StatusOK {
		t.Fatalf("list: %d", st)
	}
	checkA11y(t, ctx)
	if st := submit(t, ctx, "open the petition", chromedp.Click(chromedp.CSS(`table.list a[href^="/petitions/"]`))); st != http.StatusOK {
		t.Fatalf("petition page: %d", st)
	}
	petURL := location(t, ctx)
	checkA11y(t, ctx)
	act := func(action string, fillIn func()) {
		t.Helper()
		if st := visit(t, ctx, petURL+"/do/"+action); st != http.StatusOK {
			t.Fatalf("%s form: %d\n%s", action, st, pageText(t, ctx))
		}
		if fillIn != nil {
			fillIn()
		}
		checkA11y(t, ctx)
		screenshot(t, ctx, "don-thu-"+action)
		if st := submit(t, ctx, action, chromedp.Click(chromedp.CSS(`form[action$="/do/`+action+`"] button[type="submit"]`))); st != http.StatusOK {
			t.Fatalf("%s: %d\n%s", action, st, pageText(t, ctx))
		}
		if text := pageText(t, ctx); !strings.Contains(text, "Đã ") || strings.Contains(text, "Dữ liệu chưa hợp lệ") {
			t.Fatalf("%s did not succeed:\n%s", action, text)
		}
	}
	act("classify", func() { selectOption(t, ctx, "#f-complexity", "complex") })
	act("accept", func() { fill(t, ctx, "#f-decision_no", "15/TB-STP") })
	var lead, leadUnit int64
	_ = srv.App.DB.QueryRowContext(bg, `SELECT u.person_id FROM users u WHERE u.username = 'tiepdan1'`).Scan(&lead)
	_ = srv.App.DB.QueryRowContext(bg, `SELECT id FROM units WHERE code = 'STP-P2'`).Scan(&leadUnit)
	act("assign", func() {
		selectOption(t, ctx, "#f-lead_unit_id", strconv.FormatInt(leadUnit, 10))
		selectOption(t, ctx, "#f-lead_person_id", strconv.FormatInt(lead, 10))
	})
	if text := pageText(t, ctx); !strings.Contains(text, denouncer) {
		t.Errorf("the assigned handler does not see the denouncer:\n%s", text)
	}
	act("extend", func() {
		fill(t, ctx, "#f-decision_no", "16/QĐ-STP")
		fill(t, ctx, "#f-reason", "Vụ việc phức tạp, cần xác minh tại bộ phận một cửa và làm việc với người bị tố cáo.")
	})
	act("resolve", func() {
		selectOption(t, ctx, "#f-result", "partly")
		fill(t, ctx, "#f-decision_no", "20/KL-STP")
		fill(t, ctx, "#f-conclusion", "Tố cáo đúng một phần; đã kiểm điểm cán bộ liên quan.")
		step(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#f-confirm")))
	})
	screenshot(t, ctx, "don-thu")
	if st := visit(t, ctx, srv.URL+"/petitions/dashboard"); st != http.StatusOK {
		t.Fatalf("dashboard: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "thong-ke-don-thu")
	if st := visit(t, ctx, srv.URL+"/petitions/new"); st != http.StatusOK {
		t.Fatalf("intake form: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "tiep-nhan-don")
	if st := visit(t, ctx, srv.URL+"/petitions"); st != http.StatusOK {
		t.Fatalf("list: %d", st)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "danh-sach-don")

	// The citizen sees the result with the code.
	if st := visit(t, ctx, srv.URL+"/tra-cuu?code="+code); st != http.StatusOK {
		t.Fatalf("track: %d", st)
	}
	if text := pageText(t, ctx); !strings.Contains(strings.ToLower(text), "đã giải quyết") || strings.Contains(text, denouncer) {
		t.Errorf("tracking page after resolution:\n%s", text)
	}
	checkA11y(t, ctx)
	screenshot(t, ctx, "tra-cuu")

	// Another handler of the same agency, not assigned: never the name.
	ctx2 := newBrowser(t)
	login(t, ctx2, srv, "tiepdan2")
	for _, u := range []string{"/petitions", "/petitions?kind=to-cao", petURL, "/audit?entity=petition"} {
		if !strings.HasPrefix(u, "http") {
			u = srv.URL + u
		}
		visit(t, ctx2, u)
		html := pageHTML(t, ctx2)
		for _, secret := range []string{denouncer, idno, "0977 123 456"} {
			if strings.Contains(html, secret) {
				t.Errorf("tiepdan2 sees %q on %s", secret, u)
			}
		}
	}
	checkA11y(t, ctx2)

	// The administrator's pages.
	ctx3 := newBrowser(t)
	login(t, ctx3, srv, "admin")
	for _, page := range []struct{ url, shot string }{{"/admin/calendar", "lich-ngay-nghi"}, {"/admin/petition-rules", "quy-dinh-thoi-han"}} {
		if st := visit(t, ctx3, srv.URL+page.url); st != http.StatusOK {
			t.Fatalf("%s: %d", page.url, st)
		}
		checkA11y(t, ctx3)
		screenshot(t, ctx3, page.shot)
	}
}
