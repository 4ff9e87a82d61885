package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/org"
)

// roleAccounts are the demo's accounts that reach agency 1 (Sở Tư pháp): one of each role
// it has there, a cell's secretary inside it, and the upper committee's officers above it.
var roleAccounts = []string{"bithu1", "thutruong1", "congdoan1", "dangvien1", "bithucb1", "tiepdan1", "doantn1", "ttnd1", "canbo", "kiemtra", "bientap"}

// roleRule is what a route asks of its caller inside the subtree: the action, on the path
// of the object its {id} names (found by path).
type roleRule struct {
	action org.Action
	path   string // query of the object's unit path from its id
}

const (
	pUnit     = `SELECT path FROM units WHERE id = ?`
	pPerson   = `SELECT unit_path FROM people WHERE id = ?`
	pPlan     = `SELECT unit_path FROM plans WHERE id = ?`
	pTraining = `SELECT unit_path FROM training_sessions WHERE id = ?`
)

// roleRules are the routes whose rule is one action of the rights table on the object's
// unit: each demo role must get exactly what org.RoleAllows gives it there — a page or a
// form checked for its content when it may, a refusal (403, 404) when it may not, and never
// a validation message for a form it may not send. Routes with finer rules are proved by
// their modules' own tests: an author's own comment, a task's lead and assigner, a board's
// members, an inspection team, the petitions' handling steps (which follow the petition's
// state), and the democracy pages (the agency's managers and its trade union manage them;
// the upper committee only reads, so the plain table would be wrong there).
var roleRules = map[string]roleRule{
	"GET /units/{id}":        {org.ViewUnit, pUnit},
	"GET /units/{id}/edit":   {org.ManageUnit, pUnit},
	"POST /units/{id}":       {org.ManageUnit, pUnit},
	"GET /units/{id}/close":  {org.ManageUnit, pUnit},
	"POST /units/{id}/close": {org.ManageUnit, pUnit},
	"GET /units/{id}/move":   {org.ManageUnit, pUnit},
	"POST /units/{id}/move":  {org.ManageUnit, pUnit},

	"GET /people/{id}":            {org.ViewPerson, pPerson},
	"GET /people/{id}/edit":       {org.ManagePerson, pPerson},
	"POST /people/{id}":           {org.ManagePerson, pPerson},
	"POST /people/{id}/positions": {org.ManagePerson, pPerson},

	"GET /plans/{id}":       {org.ViewPlan, pPlan},
	"GET /plans/{id}/edit":  {org.ManagePlan, pPlan},
	"POST /plans/{id}/edit": {org.ManagePlan, pPlan},

	"GET /training/{id}":             {org.ViewPlan, pTraining},
	"POST /training/{id}/attendance": {org.ManagePlan, pTraining},
	"POST /training/{id}/files":      {org.ManagePlan, pTraining},
}

// reached reports whether the caller got past the route's rights check: a page (GET 200),
// or a form refused for its content (422, 409) or done (a redirect that is not a refusal).
func reached(c *appClient, method string, res *http.Response) bool {
	if method == "GET" {
		return res.StatusCode == http.StatusOK
	}
	switch res.StatusCode {
	case 401, 403, 404:
		return false
	case http.StatusSeeOther, http.StatusFound:
		return !toLogin(res) && !refusedAfter(c, res)
	}
	return true
}

// TestEveryRoleGetsWhatTheRightsTableGives walks the routes of roleRules as every demo
// account that reaches agency 1 and compares each answer with the rights table
// (org.RoleAllows through the account's grants) on the object's own unit, on both engines.
func TestEveryRoleGetsWhatTheRightsTableGives(t *testing.T) {
	if testing.Short() {
		t.Skip("walks routes as eleven accounts")
	}
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		var stpPath string
		if err := s.DB.QueryRowContext(ctx, `SELECT path FROM units WHERE code = 'STP'`).Scan(&stpPath); err != nil {
			t.Fatal(err)
		}
		type caller struct {
			c *appClient
			p *org.Principal
		}
		callers := map[string]caller{}
		for _, name := range roleAccounts {
			var uid int64
			if err := s.DB.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, name).Scan(&uid); err != nil {
				t.Fatalf("demo account %s: %v", name, err)
			}
			p, err := org.LoadPrincipal(ctx, s.DB, uid)
			if err != nil {
				t.Fatal(err)
			}
			callers[name] = caller{newClientAs(t, s, name), p}
		}
		registered := map[string]bool{}
		for _, r := range s.Web.Routes() {
			registered[r] = true
		}
		patterns := make([]string, 0, len(roleRules))
		for p := range roleRules {
			patterns = append(patterns, p)
		}
		sort.Strings(patterns)
		checked, allowedSeen, refusedSeen := 0, 0, 0
		for _, pattern := range patterns {
			rr := roleRules[pattern]
			if !registered[pattern] {
				t.Errorf("%s is in roleRules but the server has no such route", pattern)
				continue
			}
			ar, ok := ruleOf(pattern)
			if !ok {
				t.Errorf("%s has no authz rule", pattern)
				continue
			}
			method, path, _ := strings.Cut(pattern, " ")
			target, missing := fillPattern(t, s.DB, path, ar.ids, stpPath+"%")
			if missing != "" {
				t.Errorf("%s: no object of agency 1 for {%s}", pattern, missing)
				continue
			}
			var id int64
			if err := s.DB.QueryRowContext(ctx, ar.ids["id"], stpPath+"%").Scan(&id); err != nil {
				t.Fatalf("%s: %v", pattern, err)
			}
			var objPath string
			if err := s.DB.QueryRowContext(ctx, rr.path, id).Scan(&objPath); err != nil {
				t.Fatalf("%s: the object's path: %v", pattern, err)
			}
			for _, name := range roleAccounts {
				cl := callers[name]
				want := cl.p.CanPath(rr.action, objPath)
				var res *http.Response
				if method == "POST" {
					res, _ = cl.c.post(target, url.Values{"form_nonce": {"roles-" + name + "-" + target}})
				} else {
					res, _ = cl.c.get(target)
				}
				got := reached(cl.c, method, res)
				checked++
				if want {
					allowedSeen++
				} else {
					refusedSeen++
				}
				switch {
				case res.StatusCode >= 500:
					t.Errorf("%s %s as %s: %d", method, target, name, res.StatusCode)
				case want && !got:
					t.Errorf("DENIED %s %s as %s: %d, but the rights table gives %s on %s", method, target, name, res.StatusCode, rr.action, objPath)
				case !want && got:
					t.Errorf("LEAK %s %s as %s: %d %s, but the rights table does not give %s on %s", method, target, name, res.StatusCode, res.Header.Get("Location"), rr.action, objPath)
				}
			}
		}
		// Both sides of the table occur, so the comparison can fail either way.
		if allowedSeen == 0 || refusedSeen == 0 {
			t.Errorf("%d allowed and %d refused calls: the walk proves one side only", allowedSeen, refusedSeen)
		}
		t.Logf("%d routes × %d accounts: %d calls (%d allowed by the rights table, %d refused)", len(patterns), len(roleAccounts), checked, allowedSeen, refusedSeen)
	})
}
