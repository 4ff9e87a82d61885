package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Phone viewport: the narrowest phone the interface promises to serve (issues 2 and 4),
// at the density of a real one.
const (
	phoneWidth  = 360
	phoneHeight = 740
	// minTarget is WCAG 2.2 success criterion 2.5.8 (target size, minimum), in CSS px.
	minTarget = 24
)

// phoneBrowser is newBrowser emulating a 360×740 phone (device scale 2, mobile, touch).
func phoneBrowser(t *testing.T) context.Context {
	t.Helper()
	ctx := newBrowser(t)
	step(t, ctx, "emulate a 360 px phone", chromedp.EmulateViewport(phoneWidth, phoneHeight,
		chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	return ctx
}

// phoneReport is what phoneLayout measures on the current page.
type phoneReport struct {
	InnerWidth  float64  `json:"innerWidth"`  // a phone zooms out (wider than 360) to fit a too-wide page
	ClientWidth float64  `json:"clientWidth"` // the layout viewport
	ScrollWidth float64  `json:"scrollWidth"`
	Wide        []string `json:"wide"`     // elements sticking out of the viewport, not inside a scroller
	Small       []string `json:"small"`    // controls smaller than minTarget
	Squeezed    []string `json:"squeezed"` // text of several words squeezed into a narrow column
}

// phoneLayoutJS measures the page. An element sticking out on the right is reported only
// when no ancestor scrolls or clips it horizontally (a table inside an overflow-x: auto
// wrapper is fine: the wrapper scrolls, the page does not), and only the outermost such
// element, so the report names the culprit rather than all its children.
const phoneLayoutJS = `(() => {
  const W = document.documentElement.clientWidth; // the layout viewport, 360 unless zoomed out
  const describe = e => {
    let s = e.tagName.toLowerCase();
    if (e.id) s += "#" + e.id;
    if (typeof e.className === "string" && e.className.trim()) s += "." + e.className.trim().split(/\s+/).join(".");
    const r = e.getBoundingClientRect();
    const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return s + " [" + Math.round(r.left) + "→" + Math.round(r.right) + " × " + Math.round(r.height) + "] " + JSON.stringify(text);
  };
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === "auto" || ox === "scroll" || ox === "hidden" || ox === "clip") return true;
    }
    return false;
  };
  const visible = e => {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false; // visually hidden (skip link, honeypot)
    if (r.right <= 0 || r.bottom <= 0) return false; // moved off screen on purpose
    if (!e.checkVisibility({visibilityProperty: true})) return false; // display: none, a closed <details>

    // Inside a visually hidden box (the header row of a table stacked into cards).
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const ar = a.getBoundingClientRect();
      if ((ar.width <= 1 || ar.height <= 1) && getComputedStyle(a).overflow !== "visible") return false;
    }
    return true;
  };
  const wide = [];
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (r.right <= W + 0.5 || !visible(e) || clipped(e)) continue;
    let outer = true;
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (a.getBoundingClientRect().right > W + 0.5) { outer = false; break; }
    }
    if (outer) wide.push(describe(e));
  }
  const small = [];
  const controls = "button, input:not([type=hidden]), select, textarea, a.button, summary, [role=button]";
  for (const e of document.body.querySelectorAll(controls)) {
    if (!visible(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.height < 24 - 0.5 || r.width < 24 - 0.5) small.push(describe(e));
  }
  // A phrase laid out a word a line (a table caption left at the width of a stacked
  // table's first cell, a label beside a fixed-width control) is unreadable on a phone.
  const squeezed = [];
  const texts = "main :is(p, li, dt, dd, td, th, caption, h1, h2, h3, label, legend, summary, button, a.button)";
  for (const e of document.querySelectorAll(texts)) {
    if (!visible(e)) continue;
    const words = (e.innerText || "").trim().split(/\s+/).filter(w => w.length > 0);
    const cs = getComputedStyle(e);
    const line = parseFloat(cs.lineHeight) || 1.5 * parseFloat(cs.fontSize);
    const r = e.getBoundingClientRect();
    if (words.length >= 3 && r.width < W / 4 && r.height > 2.5 * line) squeezed.push(describe(e));
  }
  return JSON.stringify({innerWidth: window.innerWidth, clientWidth: W, scrollWidth: document.documentElement.scrollWidth,
    wide: wide.slice(0, 10), small: small.slice(0, 10), squeezed: squeezed.slice(0, 10)});
})()`

// phoneNavJS tells whether the main navigation's links can be seen: "visible" when they
// are on screen, "toggle" when they are hidden behind a visible <details> summary (which
// opens without JavaScript), or what is wrong.
const phoneNavJS = `(() => {
  const nav = document.querySelector("header nav");
  if (!nav) return "no navigation in the header";
  const links = [...nav.querySelectorAll("a")];
  if (links.length === 0) return "navigation has no links";
  const W = document.documentElement.clientWidth;
  // checkVisibility: the content of a closed <details> still has a layout box, but is not rendered.
  const shown = a => { const r = a.getBoundingClientRect(); return a.checkVisibility({visibilityProperty: true}) && r.width > 1 && r.height > 1 && r.left >= -0.5 && r.right <= W + 0.5; };
  if (links.every(shown)) return "visible";
  const d = nav.closest("details");
  if (!d || d.open) return "navigation links off screen: " + links.filter(a => !shown(a)).map(a => a.textContent.trim()).join(", ");
  const s = d.querySelector(":scope > summary");
  if (!s) return "navigation in a <details> without a summary";
  const r = s.getBoundingClientRect();
  if (r.height < 24 || r.width < 24 || r.right > W + 0.5) return "menu toggle hidden or too small";
  return "toggle";
})()`

// checkPhone asserts what a phone user relies on, on the current page: the page does not
// scroll sideways, the navigation can be reached, controls are big enough to tap, and
// axe-core passes.
func checkPhone(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	// The main menu: on screen, or folded into a <details> whose summary opens it.
	opened := false
	switch nav := run(t, ctx, "navigation on "+what, chromedp.Evaluate[string](phoneNavJS)); nav {
	case "visible":
	case "toggle":
		step(t, ctx, "open the menu on "+what, chromedp.Click(chromedp.CSS("details:has(> nav) > summary")))
		opened = true
		if got := run(t, ctx, "navigation after the tap on "+what, chromedp.Evaluate[string](phoneNavJS)); got != "visible" {
			t.Errorf("%s: after opening the menu: %s", what, got)
		}
	default:
		t.Errorf("%s: %s", what, nav)
	}
	// The account menu (sign-out) opens on screen, not past the left or right edge.
	account := run(t, ctx, "account menu on "+what, chromedp.Evaluate[bool](`!!document.querySelector("details.me")`))
	if account {
		step(t, ctx, "open the account menu on "+what, chromedp.Click(chromedp.CSS("details.me > summary")))
		box := run(t, ctx, "measure the account menu on "+what, chromedp.Evaluate[string](`(() => {
  const r = document.querySelector("details.me > ul").getBoundingClientRect();
  return r.left >= -0.5 && r.right <= document.documentElement.clientWidth + 0.5 ? "" : Math.round(r.left) + "→" + Math.round(r.right); })()`))
		if box != "" {
			t.Errorf("%s: the account menu opens off screen (%s, screen 0→%d)", what, box, phoneWidth)
		}
	}

	// The layout, with both menus open so their links and buttons are measured too.
	var rep phoneReport
	out := run(t, ctx, "measure "+what, chromedp.Evaluate[string](phoneLayoutJS))
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("measure %s: %v", what, err)
	}
	if rep.ClientWidth != phoneWidth {
		t.Fatalf("%s: layout viewport is %v px wide, want %d (is the viewport meta tag there?)", what, rep.ClientWidth, phoneWidth)
	}
	if rep.InnerWidth != phoneWidth || rep.ScrollWidth > rep.InnerWidth || len(rep.Wide) > 0 {
		t.Errorf("%s: the page is wider than the %d px screen (window %v px, scrollWidth %v); sticking out:\n    %s",
			what, phoneWidth, rep.InnerWidth, rep.ScrollWidth, strings.Join(rep.Wide, "\n    "))
	}
	if len(rep.Small) > 0 {
		t.Errorf("%s: controls smaller than %d×%d px:\n    %s", what, minTarget, minTarget, strings.Join(rep.Small, "\n    "))
	}
	if len(rep.Squeezed) > 0 {
		t.Errorf("%s: text squeezed into a column narrower than a quarter of the screen:\n    %s", what, strings.Join(rep.Squeezed, "\n    "))
	}

	// Back to the page as it opens (menus folded) for axe-core and the screenshots.
	if account {
		step(t, ctx, "close the account menu on "+what, chromedp.Click(chromedp.CSS("details.me > summary")))
	}
	if opened {
		step(t, ctx, "close the menu on "+what, chromedp.Click(chromedp.CSS("details:has(> nav) > summary")))
	}
	checkA11y(t, ctx)
}

// phonePage opens path and checks it as checkPhone does; the status must be 200.
func phonePage(t *testing.T, ctx context.Context, srv *server, path string) {
	t.Helper()
	if st := visit(t, ctx, srv.URL+path); st != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, st, pageText(t, ctx))
	}
	checkPhone(t, ctx, path)
}

// firstHref returns the first link in the page's main content whose path matches the
// regular expression (JavaScript syntax), e.g. a record's page from its list.
func firstHref(t *testing.T, ctx context.Context, pattern string) string {
	t.Helper()
	href := run(t, ctx, "find a link "+pattern, chromedp.Evaluate[string](`(() => {
  const re = new RegExp(`+jsString(pattern)+`);
  const a = [...document.querySelectorAll("main a[href]")].find(a => re.test(a.getAttribute("href")));
  return a ? a.getAttribute("href") : ""; })()`))
	if href == "" {
		t.Fatalf("no link matching %s on %s:\n%s", pattern, location(t, ctx), pageText(t, ctx))
	}
	return href
}

// TestPhoneWidth is the phone check of issues 2 and 4: at 360×740, every main page of every
// capability — visited by a demo user who may see it, the public pages by a citizen without
// an account — does not scroll sideways, keeps its navigation reachable (the menu folds
// into a <details> toggle that works without JavaScript), has controls of at least
// 24×24 px (WCAG 2.5.8) and passes axe-core. A citizen also sends a petition from the phone
// and tracks it with the code.
func TestPhoneWidth(t *testing.T) {
	srv := startServer(t)
	db := srv.App.DB
	bg := context.Background()
	id := func(query string, args ...any) string {
		t.Helper()
		var n int64
		if err := db.QueryRowContext(bg, query, args...).Scan(&n); err != nil {
			t.Fatalf("demo: %s: %v", query, err)
		}
		return strconv.FormatInt(n, 10)
	}
	agency := id(`SELECT id FROM units WHERE code = 'STP'`)
	committee := id(`SELECT id FROM units WHERE code = 'STP-DB'`)
	secretary := id(`SELECT person_id FROM users WHERE username = 'bithu1'`)
	programme := id(`SELECT id FROM plans WHERE number = '02-CTr/ĐU'`)
	cascaded := id(`SELECT t.id FROM tasks t WHERE t.parent_id IS NULL AND EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = t.id) ORDER BY t.id LIMIT 1`)
	nq04 := id(`SELECT id FROM gov_documents WHERE notation = '04-NQ/ĐUK'`)
	session := id(`SELECT MIN(id) FROM training_sessions`)

	// A citizen, on the phone, without an account.
	ctx := phoneBrowser(t)
	phonePage(t, ctx, srv, "/gui-don")
	screenshotScreen(t, ctx, "dien-thoai-gui-don")
	selectOption(t, ctx, "#f-kind", "kien-nghi")
	selectOption(t, ctx, "#f-unit_id", agency)
	fill(t, ctx, "#f-content", "Đề nghị bố trí thêm ghế chờ tại bộ phận một cửa vào buổi sáng thứ Hai.")
	fill(t, ctx, "#f-sender_name", "Lê Văn Điện Thoại")
	fill(t, ctx, "#f-sender_address", "Số 12 phố Huế, Hà Nội")
	fill(t, ctx, "#f-sender_phone", "0912 345 678")
	step(t, ctx, "consent", chromedp.Click(chromedp.CSS("#f-consent")))
	if st := submit(t, ctx, "send the petition", chromedp.Click(chromedp.CSS(`form[action="/gui-don"] button[type="submit"]`))); st != http.StatusOK {
		t.Fatalf("submit from the phone: %d\n%s", st, pageText(t, ctx))
	}
	code := run(t, ctx, "read the code", chromedp.Text(chromedp.CSS("#tracking-code")))
	if !regexp.MustCompile(`^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`).MatchString(code) {
		t.Fatalf("tracking code %q", code)
	}
	checkPhone(t, ctx, "/gui-don (sent)")
	phonePage(t, ctx, srv, "/tra-cuu")
	phonePage(t, ctx, srv, "/tra-cuu?code="+code)
	if text := pageText(t, ctx); !strings.Contains(text, "Đã tiếp nhận") {
		t.Errorf("tracking from the phone:\n%s", text)
	}
	phonePage(t, ctx, srv, "/vinh-danh")
	phonePage(t, ctx, srv, firstHref(t, ctx, `^/vinh-danh/\d+$`))
	phonePage(t, ctx, srv, "/gop-y")

	// The menu works without JavaScript: the <details> stays open, its links on screen.
	noJS := phoneBrowser(t)
	login(t, noJS, srv, "bithu1")
	step(t, noJS, "disable JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	visit(t, noJS, srv.URL+"/")
	if got := run(t, noJS, "navigation without JavaScript", chromedp.Evaluate[string](phoneNavJS)); got != "visible" {
		t.Errorf("home page without JavaScript: navigation %s", got)
	}

	// Foundation, plans, documents and training as the secretary of agency 1.
	ctx = phoneBrowser(t)
	login(t, ctx, srv, "bithu1")
	checkPhone(t, ctx, "home")
	for _, path := range []string{
		"/units", "/units/" + agency, "/people", "/people/" + secretary,
		"/plans", "/plans/" + programme, "/tasks/" + cascaded, "/tasks",
		"/plans/matrix?unit=" + committee, "/plans/compare?document=" + nq04,
		"/training", "/training/" + session,
		"/documents", "/documents/" + nq04,
		"/notifications",
	} {
		phonePage(t, ctx, srv, path)
		switch {
		case path == "/plans/"+programme:
			screenshotScreen(t, ctx, "dien-thoai-ke-hoach")
		case path == "/tasks/"+cascaded:
			if text := pageText(t, ctx); !strings.Contains(text, "Tiến độ của") {
				t.Errorf("task %s shows no children's progress:\n%s", cascaded, text)
			}
		}
	}

	// My work of a cell secretary whose part of the cascaded task is under way.
	ctx = phoneBrowser(t)
	login(t, ctx, srv, "bithucb3")
	phonePage(t, ctx, srv, "/my-work")
	if text := pageText(t, ctx); !strings.Contains(text, `Sinh hoạt chuyên đề "Dân vận khéo" tại chi bộ`) {
		t.Errorf("my work of bithucb3 lacks the cascaded task:\n%s", text)
	}
	screenshotScreen(t, ctx, "dien-thoai-viec-cua-toi")

	// Petitions as the handler of agency 1.
	ctx = phoneBrowser(t)
	login(t, ctx, srv, "tiepdan1")
	phonePage(t, ctx, srv, "/petitions")
	phonePage(t, ctx, srv, firstHref(t, ctx, `^/petitions/\d+$`))
	phonePage(t, ctx, srv, "/petitions/dashboard")

	// Drafts as the head of agency 1.
	ctx = phoneBrowser(t)
	login(t, ctx, srv, "thutruong1")
	phonePage(t, ctx, srv, "/drafts")
	phonePage(t, ctx, srv, firstHref(t, ctx, `^/drafts/\d+$`))
	phonePage(t, ctx, srv, firstHref(t, ctx, `^/drafts/\d+/rounds/\d+$`))

	// Models as the staff of the upper committee.
	ctx = phoneBrowser(t)
	login(t, ctx, srv, "canbo")
	phonePage(t, ctx, srv, "/models")
	phonePage(t, ctx, srv, "/models/discover")
	phonePage(t, ctx, srv, firstHref(t, ctx, `^/models/\d+$`))
	// The subtree dashboard of the upper committee, its children side by side.
	phonePage(t, ctx, srv, "/dashboard")
	screenshotScreen(t, ctx, "dien-thoai-so-lieu")

	// The administrator's index.
	ctx = phoneBrowser(t)
	login(t, ctx, srv, "admin")
	phonePage(t, ctx, srv, "/admin")
	phonePage(t, ctx, srv, "/audit")
}
