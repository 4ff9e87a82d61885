package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// walk holds the moves every module's browser walk makes in one browser: open a page,
// submit a form and expect its status, look for texts. axe-core runs after each page and
// each submit, so no page of a walk escapes the accessibility check.
type walk struct {
	t   *testing.T
	ctx context.Context
	srv *server
}

// page opens url (a path on the test server), wants 200, checks it with axe-core, saves
// the screenshot shot when it is not empty, and returns the page's text.
func (w walk) page(url, shot string) string {
	w.t.Helper()
	if st := visit(w.t, w.ctx, w.srv.URL+url); st != http.StatusOK {
		w.t.Fatalf("GET %s: %d\n%s", url, st, pageText(w.t, w.ctx))
	}
	checkA11y(w.t, w.ctx)
	if shot != "" {
		screenshot(w.t, w.ctx, shot)
	}
	return pageText(w.t, w.ctx)
}

// clickAs clicks css (a submit button) and wants the status given: a refusal comes back
// as 422 with the form and its message.
func (w walk) clickAs(what, css string, want int) string {
	w.t.Helper()
	if st := submit(w.t, w.ctx, what, chromedp.Click(chromedp.CSS(css))); st != want {
		w.t.Fatalf("%s: status %d, want %d\n%.3000s", what, st, want, pageText(w.t, w.ctx))
	}
	checkA11y(w.t, w.ctx)
	return pageText(w.t, w.ctx)
}

// click is clickAs wanting 200.
func (w walk) click(what, css string) string {
	w.t.Helper()
	return w.clickAs(what, css, http.StatusOK)
}

// want fails the test when text lacks one of the needles.
func (w walk) want(text, what string, needles ...string) {
	w.t.Helper()
	for _, n := range needles {
		if !strings.Contains(text, n) {
			w.t.Fatalf("%s: page lacks %q\n%.4000s", what, n, text)
		}
	}
}

// openAll unfolds every <details> of the main content, where the less used forms wait.
func (w walk) openAll() {
	w.t.Helper()
	step(w.t, w.ctx, "open the folded forms", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("main details").forEach(d => d.open = true); undefined`))
}
