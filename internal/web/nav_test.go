package web

import (
	"html/template"
	"strings"
	"testing"
)

// The navigation written once at start is the one the layout used to build per request:
// every item, the current one marked and no other, and all of it for a page of no item.
func TestNavMarksOnlyTheCurrentItem(t *testing.T) {
	navs := navHTML(navItems)
	for _, it := range navItems {
		h := string(navs[it.Key])
		if n := strings.Count(h, "<li>"); n != len(navItems) {
			t.Fatalf("%s: %d items, want %d", it.Key, n, len(navItems))
		}
		if want := `<a href="` + it.Href + `" aria-current="page">` + strings.ReplaceAll(it.Label, "&", "&amp;") + `</a>`; !strings.Contains(h, want) || strings.Count(h, "aria-current") != 1 {
			t.Errorf("%s: want only %s marked in %s", it.Key, want, h)
		}
	}
	nav := templateFuncs()["nav"].(func(string) template.HTML)
	if h := string(nav("login")); strings.Contains(h, "aria-current") || strings.Count(h, "<li>") != len(navItems) {
		t.Errorf("a page outside the navigation: %s", h)
	}
	if !strings.Contains(string(nav("plans")), `<a href="/plans" aria-current="page">Kế hoạch &amp; nhiệm vụ</a>`) {
		t.Errorf("labels are escaped as the template escaped them: %s", nav("plans"))
	}
}
