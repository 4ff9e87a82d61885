package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"danvan/internal/app"
)

// hrefRE finds the same-site links of a page (absolute paths only; the product links
// nothing relative).
var hrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// crawlSkip are links a GET crawl must not follow: downloads that are checked by their
// own tests, and sign-out (a POST anyway).
var crawlSkip = []string{"/static/", "/files/", "/logout", ".docx", ".xlsx", ".pdf", "/metrics"}

// TestEveryReachablePageAnswers walks, for every demo account and for a citizen without
// an account, every page reachable by links from the home page (up to a bound), on both
// engines. No page may answer 500, every HTML page must carry the Vietnamese layout
// (lang, a main landmark, a title), and a link the product itself shows must not lead to
// a 404 — the bugs that slip between five modules built side by side.
func TestEveryReachablePageAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl of every page: skipped with -short")
	}
	eachServer(t, func(t *testing.T, s *app.Started) {
		users := demoUsers(t, s)
		users = append(users, "") // a citizen
		for _, user := range users {
			name := user
			if name == "" {
				name = "cong-dan"
			}
			t.Run(name, func(t *testing.T) {
				c := newClient(t, s)
				start, seeds := "/cong-dan", []string{"/search?q=dan+van", "/search?q=so+tu+phap"} // a citizen is sent to sign in
				if user != "" {
					c.mustLogin(user)
					start = "/"
				}
				crawl(t, c, start, 250, seeds...)
			})
		}
	})
}

// demoUsers are the sign-in names the demo created, sorted.
func demoUsers(t *testing.T, s *app.Started) []string {
	t.Helper()
	rows, err := s.DB.QueryContext(context.Background(), `SELECT username FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	if len(out) < 6 {
		t.Fatalf("the demo has %d accounts, want the documented ones", len(out))
	}
	return out
}

// crawl follows links from start; seeds are pages only a form reaches (the crawl submits
// none), such as the header's search, visited right after start with their links.
func crawl(t *testing.T, c *appClient, start string, limit int, seeds ...string) {
	t.Helper()
	from := map[string]string{start: "(start)"} // link -> the first page that showed it
	seen := map[string]bool{start: true}
	queue := []string{start}
	for _, s := range seeds {
		from[s], seen[s] = "(a form)", true
		queue = append(queue, s)
	}
	visited := 0
	for len(queue) > 0 && visited < limit {
		path := queue[0]
		queue = queue[1:]
		res, body := c.get(path)
		visited++
		switch {
		case res.StatusCode >= 500:
			t.Errorf("GET %s: %d", path, res.StatusCode)
			continue
		case res.StatusCode == http.StatusNotFound:
			t.Errorf("GET %s: 404, yet %s links to it", path, from[path])
			continue
		case res.StatusCode != http.StatusOK:
			continue // redirects (e.g. to /login) and refusals are answers, not bugs
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, want := range []string{`<html lang="vi"`, `<main`, `<title>`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: the page lacks %s", path, want)
			}
		}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			link := htmlUnescape(m[1])
			if skipLink(link) || seen[link] {
				continue
			}
			seen[link] = true
			from[link] = path
			queue = append(queue, link)
		}
	}
	if visited < 3 {
		t.Errorf("only %d pages reached from %s", visited, start)
	}
}

func skipLink(link string) bool {
	for _, s := range crawlSkip {
		if strings.Contains(link, s) {
			return true
		}
	}
	// Paging and filter variants of one list add nothing but time.
	if u, err := url.Parse(link); err == nil && (u.Query().Has("after") || u.Query().Has("before") || u.Query().Has("page")) {
		return true
	}
	return false
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#39;", "'", "&quot;", `"`).Replace(s)
}
