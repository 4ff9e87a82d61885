package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/backup"
	"danvan/internal/sqldb"
)

// volatileTables change whatever the form says: the session store, on any request of a
// signed-in client, and the shared limiter's counts, which count every attempt, refused
// ones included (that is what stops a flood of bad posts). Everything else must stay as
// it was when a form is refused.
var volatileTables = map[string]bool{"sessions": true, "rate_counts": true}

// acceptsEmpty are the routes for which an empty form is a whole request, with why.
var acceptsEmpty = map[string]string{
	"POST /account/tokens":                         "a token's name is optional (\"Mã truy cập\" by default)",
	"POST /admin/users/{id}/disable":               "the action is the address",
	"POST /admin/users/{id}/enable":                "the action is the address",
	"POST /admin/users/{id}/unlock":                "the action is the address",
	"POST /admin/users/{id}/grants/{grant}/revoke": "the action is the address",
	"POST /admin/users/{id}/password":              "resets to a one-time password, shown once",
	"POST /documents/{id}/links/{lid}/delete":      "the action is the address",
	"POST /notifications/read":                     "marks every note read",
	"POST /reports/{id}/receive":                   "receiving needs no remark (returning does)",
	"POST /training/{id}/attendance":               "no box ticked is a session nobody attended",
}

// tableState reads every table of the database: on SQLite its row count and a hash of
// its content (backup.Sum: an update is seen too), on PostgreSQL its row count.
func tableState(t *testing.T, db *sqldb.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	if db.Dialect() == sqldb.SQLite {
		sums, err := backup.Sum(t.Context(), db.WritePool())
		if err != nil {
			t.Fatal(err)
		}
		for n, s := range sums {
			if !volatileTables[n] {
				out[n] = fmt.Sprintf("%d rows, content %s", s.Rows, s.SHA256[:12])
			}
		}
		return out
	}
	rows, err := db.QueryContext(t.Context(), `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if !volatileTables[n] {
			out[n] = fmt.Sprintf("%d rows", count(t, db, `SELECT COUNT(*) FROM `+n))
		}
	}
	return out
}

// TestEveryEmptyFormWritesNothing posts an empty form (only its nonce) to every POST
// route the router has, as the administrator, on both engines. A route that refuses it —
// 4xx, or a redirect to a page whose message is an error — must say why in Vietnamese
// and leave every table as it was (every table's rows and, on SQLite, their content; the
// session store and the limiter's counts aside); no
// route may answer 5xx. A route that accepts an empty form (mark all as read, a toggle)
// is counted, not judged. A new route is covered the day it is added.
func TestEveryEmptyFormWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("posts to every form")
	}
	eachServer(t, func(t *testing.T, s *app.Started) {
		db := s.DB
		var stpPath string
		if err := db.QueryRowContext(t.Context(), `SELECT path FROM units WHERE code = 'STP'`).Scan(&stpPath); err != nil {
			t.Fatal(err)
		}
		root := newClientAs(t, s, "admin")
		routes := s.Web.Routes()
		sort.Strings(routes)
		refused, accepted, posts := 0, 0, 0
		for _, pattern := range routes {
			method, path, _ := strings.Cut(pattern, " ")
			// Signing in and out change the session itself; the first-run set-up refuses
			// once set up (tested with its own flow).
			if method != "POST" || path == "/logout" || path == "/login" || path == "/setup" {
				continue
			}
			r, ok := ruleOf(pattern)
			if !ok || r.who == skip {
				continue
			}
			target, missing := fillPattern(t, db, path, r.ids, stpPath+"%")
			if missing != "" {
				continue
			}
			posts++
			before := tableState(t, db)
			res, body := root.post(target, url.Values{"form_nonce": {"empty-" + target}})
			what := "POST " + target + " (empty form)"
			if res.StatusCode >= 500 {
				t.Errorf("%s: %d", what, res.StatusCode)
				continue
			}
			message, isRefusal := "", false
			switch {
			case res.StatusCode >= 400 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json"):
				if m := jsonMessageRE.FindStringSubmatch(body); m != nil {
					message = m[1]
				}
				isRefusal = true
			case res.StatusCode >= 400:
				message, isRefusal = refusalMessage(body), true
			case res.StatusCode == http.StatusSeeOther:
				loc := res.Header.Get("Location")
				if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "/login") {
					break
				}
				next, nb := root.get(loc)
				if next.StatusCode >= 500 {
					t.Errorf("%s: the page it leads to (%s) answers %d", what, loc, next.StatusCode)
				}
				if m := flashErrorRE.FindStringSubmatch(nb); m != nil {
					message, isRefusal = m[1], true
				}
			}
			if !isRefusal {
				accepted++
				if _, ok := acceptsEmpty[pattern]; !ok {
					t.Errorf("%s: accepted (%d) an empty form; refuse it with a message, or add %q to acceptsEmpty with the reason", what, res.StatusCode, pattern)
				}
				continue
			}
			refused++
			if !vietnamese(message) {
				t.Errorf("%s: refused (%d) without a Vietnamese message: %q", what, res.StatusCode, message)
			}
			after := tableState(t, db)
			for name, st := range after {
				if before[name] != st {
					t.Errorf("%s: refused (%d) but table %s went from %s to %s", what, res.StatusCode, name, before[name], st)
				}
			}
		}
		if refused < posts/2 {
			t.Errorf("only %d of %d empty forms were refused: the check proves little", refused, posts)
		}
		t.Logf("%d POST routes: %d refused an empty form and wrote nothing, %d accepted it", posts, refused, accepted)
	})
}

var (
	flashErrorRE   = regexp.MustCompile(`(?s)<div class="flash flash-error"[^>]*>(.*?)</div>`)
	errorSummaryRE = regexp.MustCompile(`(?s)<div class="error-summary"[^>]*>\s*<h2>(.*?)</h2>`)
	jsonMessageRE  = regexp.MustCompile(`"message":\s*"([^"]*)"`)
	errorPageRE    = regexp.MustCompile(`(?s)<div class="panel">\s*<h1>.*?</h1>\s*<p>(.*?)</p>`)
)

// refusalMessage is what a refused form tells its user: the form's error summary, or the
// error page's message ("" when neither is there).
func refusalMessage(body string) string {
	for _, re := range []*regexp.Regexp{errorSummaryRE, errorPageRE} {
		if m := re.FindStringSubmatch(body); m != nil {
			return m[1]
		}
	}
	return ""
}

// vietnamese reports whether s carries a message in Vietnamese: one of the letters with
// marks that only Vietnamese uses among the languages this product could answer in.
func vietnamese(s string) bool {
	return strings.ContainsAny(s, "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
}
