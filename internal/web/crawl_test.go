package web_test

import (
	"archive/zip"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/demo"
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
//
// The same walk is the sweep for the denouncer's identity (issue 14): for everyone but the
// handlers of the demo denunciation, no page and no .xlsx/.docx/.pdf download the walk
// reaches may hold the denouncer's name, phone, e-mail, address or ID number (the Office
// files are unzipped and their parts read, the PDFs' text layer is read by pdftotext). The
// handlers' own walk must show it, so the check can fail; and the PDFs read must carry
// Vietnamese text, so a name in one would be found.
func TestEveryReachablePageAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("crawl of every page: skipped with -short")
	}
	eachServer(t, func(t *testing.T, s *app.Started) {
		users := demoUsers(t, s)
		users = append(users, "") // a citizen
		d := demo.DemoDenouncer
		secrets := []string{d.Name, d.Phone, strings.ReplaceAll(d.Phone, " ", ""), d.IDNo, d.Email, d.Address}
		denunciation := strconv.FormatInt(scalar[int64](t, s, `SELECT id FROM petitions WHERE sender_idno = ?`, d.IDNo), 10)
		// Each demo account is a person of its own: what a person may see (the identity
		// follows the person) must not spill onto another role's account.
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM (SELECT person_id FROM users WHERE person_id IS NOT NULL GROUP BY person_id HAVING COUNT(*) > 1) d`); n != 0 {
			t.Errorf("%d people hold more than one demo account", n)
		}
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
				handler := denouncerHandlers[user]
				if handler {
					seeds = append(seeds, "/petitions/"+denunciation) // a handler's walk must meet the identity
				}
				seenIdentity, pdfs := "", 0
				crawlWith(t, c, start, 250, !handler, func(path, body string) {
					if isPDFLink(path) && havePDFText() {
						if !vietnamese(body) {
							t.Errorf("%s: the text read from %s holds no Vietnamese: the sweep would miss a name in it (%.200q)", name, path, body)
						}
						pdfs++
					}
					for _, sec := range secrets {
						if strings.Contains(body, sec) {
							if !handler {
								t.Errorf("%s sees the denouncer's %q on %s", name, sec, path)
							}
							seenIdentity = path
						}
					}
				}, seeds...)
				if handler && seenIdentity == "" {
					t.Errorf("%s, who handles the denunciation, met the denouncer nowhere: the sweep could not fail", name)
				}
				if user == "bithu1" && pdfs == 0 && havePDFText() {
					t.Errorf("%s's walk read no PDF: the sweep of the .pdf downloads proves nothing", name)
				}
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

// denouncerHandlers may see the demo denouncer's identity: the handler assigned to the
// case and the head of agency 1 (demo.DemoDenouncer).
var denouncerHandlers = map[string]bool{"tiepdan1": true, "thutruong1": true}

// crawl follows links from start; seeds are pages only a form reaches (the crawl submits
// none), such as the header's search, visited right after start with their links.
func crawl(t *testing.T, c *appClient, start string, limit int, seeds ...string) {
	t.Helper()
	crawlWith(t, c, start, limit, false, nil, seeds...)
}

// crawlWith is crawl that hands every page answered 200 to inspect (its text: an HTML
// page as sent, a .docx or .xlsx download as the text of its XML parts); with downloads
// it fetches the .docx and .xlsx links too (not followed further).
func crawlWith(t *testing.T, c *appClient, start string, limit int, downloads bool, inspect func(path, body string), seeds ...string) {
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
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			if inspect != nil {
				if strings.HasPrefix(ct, "application/pdf") {
					inspect(path, pdfText(t, path, body))
				} else {
					inspect(path, zipText(t, path, body))
				}
			}
			continue
		}
		if inspect != nil {
			inspect(path, body)
		}
		for _, want := range []string{`<html lang="vi"`, `<main`, `<title>`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: the page lacks %s", path, want)
			}
		}
		for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
			link := htmlUnescape(m[1])
			if seen[link] || (skipLink(link) && !(downloads && isDownload(link))) {
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

// isDownload reports a link to a .docx, .xlsx or .pdf export.
func isDownload(link string) bool {
	p, _, _ := strings.Cut(link, "?")
	return strings.HasSuffix(p, ".docx") || strings.HasSuffix(p, ".xlsx") || isPDFLink(link)
}

// isPDFLink reports a link to a PDF: a .pdf file or an export asked for as PDF.
func isPDFLink(link string) bool {
	p, q, _ := strings.Cut(link, "?")
	return strings.HasSuffix(p, ".pdf") || strings.Contains(q, "format=pdf")
}

func havePDFText() bool {
	_, err := exec.LookPath("pdftotext")
	return err == nil
}

// pdfText is the text layer of a PDF as pdftotext reads it. Without pdftotext the PDF
// cannot be read: on a bare laptop the sweep says so and reads nothing; in CI (CI=true,
// where .ci/run installs poppler-utils) that is a failure.
func pdfText(t *testing.T, path, body string) string {
	t.Helper()
	if !havePDFText() {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: pdftotext is not installed (poppler-utils): the PDF cannot be swept", path)
		}
		t.Logf("%s: pdftotext is not installed (apt-get install -y poppler-utils): the PDF is not swept", path)
		return ""
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = strings.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("%s: pdftotext: %v", path, err)
	}
	return string(out)
}

// zipText is the text of every XML part of an Office file (its cells and paragraphs),
// or the body itself when it is not a zip.
func zipText(t *testing.T, path, body string) string {
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		return body
	}
	var b strings.Builder
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Errorf("%s: part %s: %v", path, f.Name, err)
			continue
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		b.Write(raw)
		b.WriteByte('\n')
	}
	return b.String()
}
