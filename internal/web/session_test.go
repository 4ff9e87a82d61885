package web_test

import (
	"net/http"
	"strings"
	"testing"

	"danvan/internal/app"
)

// A page view with an unchanged session writes nothing: no Set-Cookie and no session
// write (scs used to re-commit every session on every request to move its idle expiry;
// the store now keeps the idle time itself, issue 15). A flash does change the session,
// and is written.
func TestUnchangedSessionIsNotRewritten(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		c := newClientAs(t, s, "bithu1")
		before := scalar[string](t, s, `SELECT MAX(seen_at) || '|' || MAX(expiry) FROM sessions WHERE user_id > 0`)
		for range 3 {
			res, _ := c.get("/notifications")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("notifications: %d", res.StatusCode)
			}
			if len(res.Header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a page view sets the cookie again: %v", res.Header.Values("Set-Cookie"))
			}
		}
		if after := scalar[string](t, s, `SELECT MAX(seen_at) || '|' || MAX(expiry) FROM sessions WHERE user_id > 0`); after != before {
			t.Fatalf("page views rewrote the session: %s → %s", before, after)
		}
		// Marking all read flashes a message: the session changes and is committed.
		res, _ := c.post("/notifications/read", map[string][]string{"id": {"0"}})
		if res.StatusCode != http.StatusSeeOther || len(res.Header.Values("Set-Cookie")) == 0 {
			t.Fatalf("a flash: %d, Set-Cookie %v", res.StatusCode, res.Header.Values("Set-Cookie"))
		}
		if res, body := c.get("/notifications"); res.StatusCode != 200 || !strings.Contains(body, `class="flash`) {
			t.Fatalf("the flash after the redirect: %d", res.StatusCode)
		}
	})
}
