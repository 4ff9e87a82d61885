// Package e2e walks danvan in a real headless Chromium against the real server
// (internal/app.Start on 127.0.0.1:0) with the demo organisation loaded, and runs
// axe-core on every page it visits.
//
// Helpers, used by every <area>_test.go in this package:
//
//	srv := startServer(t)            // real app, fresh database, demo with password demoPassword
//	ctx := newBrowser(t)             // chromedp context on headless Chromium
//	login(t, ctx, srv, "bithu1")     // signs in through /login
//	visit(t, ctx, srv.URL+"/units")  // navigates, returns the HTTP status
//	checkA11y(t, ctx)                // axe-core wcag2a, wcag2aa, wcag21aa; fails on any violation
//	screenshot(t, ctx, "name")       // docs/screenshots/name.png when DANVAN_SCREENSHOTS=1
//	screenshotScreen(t, ctx, "name") // the same, of the screen only (phone pages)
//	phoneBrowser(t), checkPhone(…)   // a 360×740 phone and its layout checks (phone_test.go)
//
// Browser tests skip with a message when Chromium is not installed, or when axe-core is
// not installed (run `npm ci` in e2e/); DANVAN_TEST_BROWSER=1 turns those skips into
// failures (.ci/run sets it). DANVAN_TEST_ENGINE=postgres with DANVAN_TEST_POSTGRES_URL
// runs the server on a fresh PostgreSQL database instead of SQLite.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"danvan/internal/app"
	"danvan/internal/config"
	"danvan/internal/dbtest"
)

// demoPassword is the password of every demo account in browser tests.
const demoPassword = "demo-e2e-matkhau-2026"

// stepTimeout bounds one browser step, so a missing element fails the test quickly
// with the selector in the message instead of hanging until the global timeout.
const stepTimeout = 20 * time.Second

// server is a running danvan for one test.
type server struct {
	URL string
	App *app.Started
}

// browserRequired reports whether missing browser tools must fail the test (CI).
func browserRequired() bool { return os.Getenv("DANVAN_TEST_BROWSER") == "1" }

// startServer runs the real application on 127.0.0.1:0 with a fresh database (SQLite in
// a temporary folder, or PostgreSQL when DANVAN_TEST_ENGINE=postgres) and the demo
// organisation loaded. It stops when the test ends. opts adjust the configuration (a test
// SMTP server's address, say).
func startServer(t *testing.T, opts ...func(*config.Config)) *server {
	t.Helper()
	cfg := config.Config{
		Addr:         "127.0.0.1:0",
		DataDir:      t.TempDir(),
		Demo:         true,
		DemoPassword: demoPassword,
		PublicRate:   0,
		Workers:      true,
	}
	if os.Getenv("DANVAN_TEST_ENGINE") == "postgres" {
		cfg.DatabaseURL = dbtest.URL(t)
	}
	for _, o := range opts {
		o(&cfg)
	}
	lw := &testLogWriter{t: t}
	logger := slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelWarn}))
	started := time.Now()
	s, err := app.Start(context.Background(), cfg, logger, io.Discard)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	t.Logf("server %s ready in %v (database %s)", s.URL, time.Since(started).Round(time.Millisecond), engineName(cfg))
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		lw.close()
	})
	return &server{URL: s.URL, App: s}
}

func engineName(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "postgres"
	}
	return "sqlite"
}

// testLogWriter sends the server's warnings and errors to the test log while the test runs.
type testLogWriter struct {
	mu     sync.Mutex
	t      *testing.T
	closed bool
}

func (w *testLogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.t.Logf("server: %s", strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLogWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

// chromiumPath finds the browser: $DANVAN_CHROMIUM, then the usual names on PATH.
func chromiumPath() string {
	if p := os.Getenv("DANVAN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// skipOrFail skips the test, or fails it when DANVAN_TEST_BROWSER=1.
func skipOrFail(t *testing.T, msg string) {
	t.Helper()
	if browserRequired() {
		t.Fatal(msg + " (DANVAN_TEST_BROWSER=1 makes this a failure)")
	}
	t.Skip(msg + " (set DANVAN_TEST_BROWSER=1 to make this a failure)")
}

// newBrowser starts a headless Chromium (one per test, window 1366×768) and returns its
// context. The browser is closed when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		skipOrFail(t, "browser test skipped: Chromium not found (install the chromium package or set DANVAN_CHROMIUM)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.WindowSize(1366, 768),
		chromedp.UserDataDir(t.TempDir()),
	)
	// The whole browser session of one test is bounded, so a wedged browser cannot hang CI.
	base, cancelBase := context.WithTimeout(context.Background(), 10*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelBase()
	})
	// Start the browser now, so a browser that cannot start is reported here. The first
	// action must run on ctx itself, not on a child with a shorter deadline: chromedp ties
	// the browser's lifetime to the context of that first action.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatalf("start Chromium (%s): %v", exe, err)
	}
	return ctx
}

// step runs browser actions with a per-step timeout and fails the test on error.
func step(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// run runs one browser action that returns a value, with the per-step timeout.
func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// visit navigates to url, waits for the page to load and returns the HTTP status.
func visit(t *testing.T, ctx context.Context, url string) int {
	t.Helper()
	resp := run(t, ctx, "open "+url, chromedp.NavigateResponse(url))
	if resp == nil {
		t.Fatalf("open %s: no response", url)
	}
	return int(resp.Status)
}

// tick sets the radio button or checkbox selected by css to checked (or unchecked) and
// fails unless it is so afterwards. It clicks through the DOM, not at screen coordinates:
// on a loaded machine a photo that finishes loading after the click was aimed moves the
// form, and a coordinate click then lands beside the box (TestModelLife sent a progress
// report instead of the review that way in CI). The click still fires the page's own
// handlers, as a user's would.
func tick(t *testing.T, ctx context.Context, css string, checked bool) {
	t.Helper()
	step(t, ctx, "wait for "+css, chromedp.WaitVisible(chromedp.CSS(css)))
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%s); if (el.checked !== %t) el.click(); return el.checked === %t; })()`, jsString(css), checked, checked)
	if !run(t, ctx, "tick "+css, chromedp.Evaluate[bool](js)) {
		t.Fatalf("tick %s: checked is not %t after the click", css, checked)
	}
}

// submit runs the steps (typically a click on a submit button), waits for the page the
// browser navigates to and returns its HTTP status.
func submit(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) int {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(sctx, steps...)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp == nil {
		t.Fatalf("%s: no navigation", what)
	}
	return int(resp.Status)
}

// fill replaces the value of the input selected by css with value, by typing it.
func fill(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	// Emptied with script: chromedp's SetValue cannot set an empty string (it reads the
	// value back and compares).
	step(t, ctx, "fill "+css,
		chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(css)+`).value = ""; undefined`),
		chromedp.SendKeys(chromedp.CSS(css), value),
	)
}

// selectOption chooses the option with the given value in the <select> selected by css.
func selectOption(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	step(t, ctx, "select "+css, chromedp.SetValue(chromedp.CSS(css), value))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// pageText returns the visible text of the current page.
func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, "read page text", chromedp.Evaluate[string](`document.body.innerText`))
}

// pageHTML returns the HTML of the current page.
func pageHTML(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, "read page HTML", chromedp.Evaluate[string](`document.documentElement.outerHTML`))
}

// location returns the current URL.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	return run(t, ctx, "read location", chromedp.Location())
}

// login signs in as username (a demo account) through the /login form and checks that
// the browser left the login page signed in.
func login(t *testing.T, ctx context.Context, srv *server, username string) {
	t.Helper()
	if st := visit(t, ctx, srv.URL+"/login"); st != http.StatusOK {
		t.Fatalf("GET /login: status %d", st)
	}
	fill(t, ctx, "#f-username", username)
	fill(t, ctx, "#f-password", demoPassword)
	st := submit(t, ctx, "submit login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)))
	if st != http.StatusOK {
		t.Fatalf("login as %s: status %d; page:\n%s", username, st, pageText(t, ctx))
	}
	if loc := location(t, ctx); strings.Contains(loc, "/login") {
		t.Fatalf("login as %s: still on %s; page:\n%s", username, loc, pageText(t, ctx))
	}
}

// axeViolation is the part of an axe-core result a failure message needs.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeScript reads axe-core's browser bundle, installed by `npm ci` in e2e/.
func axeScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if errors.Is(err, os.ErrNotExist) {
		skipOrFail(t, "accessibility check skipped: e2e/node_modules/axe-core/axe.min.js is missing (run `npm ci` in e2e/)")
	}
	if err != nil {
		t.Fatalf("read axe-core: %v", err)
	}
	return string(b)
}

// checkA11y runs axe-core on the current page with the WCAG 2.0 A/AA and 2.1 AA rules
// and fails the test listing every violation (rule, help, offending elements).
func checkA11y(t *testing.T, ctx context.Context) {
	t.Helper()
	loaded := run(t, ctx, "check axe-core", chromedp.Evaluate[bool](`typeof window.axe !== "undefined"`))
	if !loaded {
		src := axeScript(t)
		// Evaluated through the DevTools protocol, which the page's CSP does not restrict.
		run(t, ctx, "inject axe-core", chromedp.Evaluate[chromedp.Void](src+"\n;undefined"))
	}
	const audit = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}, resultTypes: ["violations"]})
  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))}))))`
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := chromedp.Run(sctx, chromedp.Evaluate[string](audit, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe-core result: %v", err)
	}
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "accessibility: %d axe-core violation(s) on %s:", len(vs), location(t, ctx))
	for _, v := range vs {
		fmt.Fprintf(&b, "\n- %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %s", n)
		}
	}
	t.Error(b.String())
}

// screenshot saves the current page as docs/screenshots/<name>.png for the user guide,
// only when DANVAN_SCREENSHOTS=1 (so ordinary test runs do not rewrite committed files).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	saveScreenshot(t, ctx, name, chromedp.FullScreenshot(100))
}

// screenshotScreen is screenshot of what the screen shows (the viewport), not the whole
// page: what a phone user sees on opening the page.
func screenshotScreen(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	saveScreenshot(t, ctx, name, chromedp.CaptureScreenshot())
}

func saveScreenshot(t *testing.T, ctx context.Context, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	if os.Getenv("DANVAN_SCREENSHOTS") != "1" {
		return
	}
	png := run(t, ctx, "screenshot "+name, shot)
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
