package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
)

// injectionPayloads are the classic attacks on a parameter: SQL that widens or ends a
// query, markup that would run if echoed unescaped, a path escape, a NUL, bytes that are
// not UTF-8, and a value far longer than any field.
var injectionPayloads = []string{
	`' OR '1'='1`,
	`1; DROP TABLE users; --`,
	`1 UNION SELECT username, password_hash FROM users --`,
	`"><script>alert(7)</script>`,
	`../../../../etc/passwd`,
	"\x00",
	"\xff\xfe",
	strings.Repeat("Đ", 5000),
}

// scriptMark is what an unescaped echo of the markup payload would put on a page.
const scriptMark = `<script>alert(7)</script>`

// getFormFieldRE finds the names of the fields of a page's forms (the query parameters a
// GET form sends are these names).
var getFormFieldRE = regexp.MustCompile(`<(?:input|select|textarea)[^>]*\bname="([a-z_]+)"`)

// TestEveryRouteResistsInjection gives every parameter of every GET route — each path
// wildcard, and each field of the page's own forms plus q — the classic payloads, as the
// administrator (who sees every object), on both engines. No answer may be a 5xx, no
// page may echo the markup unescaped, a search for SQL that widens a query finds no more
// than a search for a word nobody wrote, and the users are all still there. (POST routes
// take their fields from the form tests and the bad-input tests of each module.)
func TestEveryRouteResistsInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("calls every GET route with every payload")
	}
	eachServer(t, func(t *testing.T, s *app.Started) {
		db := s.DB
		var stpPath string
		if err := db.QueryRowContext(t.Context(), `SELECT path FROM units WHERE code = 'STP'`).Scan(&stpPath); err != nil {
			t.Fatal(err)
		}
		users := count(t, db, `SELECT COUNT(*) FROM users`)
		root := newClientAs(t, s, "admin")
		routes := s.Web.Routes()
		sort.Strings(routes)
		calls := 0
		check := func(what string, res *http.Response, body string) {
			t.Helper()
			calls++
			if res.StatusCode >= 500 {
				t.Errorf("%s: %d", what, res.StatusCode)
			}
			if strings.Contains(body, scriptMark) {
				t.Errorf("%s: the page echoes the script unescaped", what)
			}
		}
		for _, pattern := range routes {
			method, path, _ := strings.Cut(pattern, " ")
			if method != "GET" {
				continue
			}
			r, ok := ruleOf(pattern)
			if !ok || r.who == skip || strings.HasPrefix(path, "/logout") {
				continue
			}
			target, missing := fillPattern(t, db, path, r.ids, stpPath+"%")
			if missing != "" {
				continue // TestEveryRouteKeepsStrangersOut reports it
			}
			// Each path wildcard in turn.
			for _, w := range wildcardRE.FindAllString(path, -1) {
				if w == "{$}" {
					continue
				}
				for _, p := range injectionPayloads {
					bad, _ := fillPattern(t, db, strings.Replace(path, w, url.PathEscape(p), 1), r.ids, stpPath+"%")
					res, body := root.get(bad)
					check("GET "+pattern+" with "+w+"="+short(p), res, body)
				}
			}
			// Each field of the page's forms, and q.
			res, body := root.get(target)
			if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				continue
			}
			names := map[string]bool{"q": true}
			for _, m := range getFormFieldRE.FindAllStringSubmatch(body, -1) {
				if m[1] != "form_nonce" && m[1] != "password" {
					names[m[1]] = true
				}
			}
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			for name := range names {
				for _, p := range injectionPayloads {
					res, body := root.get(target + sep + url.Values{name: {p}}.Encode())
					check("GET "+target+" with "+name+"="+short(p), res, body)
				}
			}
			// SQL that would widen a search finds no more than a word nobody wrote.
			if names["q"] && strings.Contains(body, "<table") {
				_, none := root.get(target + sep + "q=zzkhongaivietzz")
				_, widened := root.get(target + sep + url.Values{"q": {`' OR '1'='1`}}.Encode())
				if n, w := strings.Count(none, "<tr"), strings.Count(widened, "<tr"); w > n {
					t.Errorf("GET %s: q=' OR '1'='1 shows %d rows, a word nobody wrote %d", target, w, n)
				}
			}
		}
		// The markup does reach the pages, escaped, so the check above can fail.
		if _, body := root.get("/search?" + url.Values{"q": {injectionPayloads[3]}}.Encode()); !strings.Contains(body, "&lt;script&gt;alert(7)&lt;/script&gt;") {
			t.Error("the search page does not echo its words: the unescaped-echo check proves nothing")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM users`); n != users {
			t.Fatalf("users: %d before, %d after", users, n)
		}
		t.Logf("%d calls with %d payloads", calls, len(injectionPayloads))
	})
}

// short names a payload in a message.
func short(p string) string {
	if len(p) > 40 {
		return "(a value of " + strconv.Itoa(len(p)) + " bytes)"
	}
	return strconv.Quote(p)
}
