package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
)

// TestPublicPagesRevalidate holds the citizens' pages to their validators: each answers
// a visitor without cookies with an ETag, a browser holding it gets 304, and a change of
// what the page shows, made in the database as any instance would make it, gives a new
// page within the versions' second, or at once after a write in this instance. A page with a form gives each visitor a nonce of their own, and its
// ETag stops matching once that nonce has been used.
func TestPublicPagesRevalidate(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := s.DB.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		code := scalar[string](t, s, `SELECT code FROM petitions ORDER BY id LIMIT 1`)
		honoured := scalar[int64](t, s, `SELECT id FROM models WHERE honoured = TRUE ORDER BY id LIMIT 1`)
		round := scalar[int64](t, s, `SELECT id FROM draft_rounds WHERE public = TRUE ORDER BY id LIMIT 1`)
		units, err := s.Petitions.ReceivingUnits(ctx)
		if err != nil || len(units) == 0 {
			t.Fatalf("receiving units: %v", err)
		}
		pages := []struct {
			path   string
			text   string       // what the change makes the page show
			change func(string) // changes what the page shows
		}{
			{"/gui-don", units[0].Name + " (đổi tên)", func(text string) {
				exec(`UPDATE units SET name = ? WHERE id = ?`, text, units[0].ID)
			}},
			{"/tra-cuu?code=" + url.QueryEscape(code), "Cơ quan nhận đơn (đổi tên để thử)", func(text string) {
				exec(`UPDATE units SET name = ? WHERE id = (SELECT unit_id FROM petitions WHERE code = ?)`, text, code)
			}},
			{"/vinh-danh", "Mô hình đổi tên để thử bộ nhớ đệm", func(text string) {
				exec(`UPDATE models SET name = ? WHERE id = ?`, text, honoured)
			}},
			{"/vinh-danh/" + strconv.FormatInt(honoured, 10), "Câu chuyện mới của mô hình.", func(text string) {
				exec(`UPDATE models SET story = ? WHERE id = ?`, text, honoured)
			}},
			{"/gop-y", "Dự thảo đổi tiêu đề để thử", func(text string) {
				exec(`UPDATE drafts SET title = ? WHERE id = (SELECT draft_id FROM draft_rounds WHERE id = ?)`, text, round)
			}},
			{"/gop-y/" + strconv.FormatInt(round, 10), "Góp ý đã duyệt để thử bộ nhớ đệm.", func(text string) {
				exec(`INSERT INTO draft_comments (draft_id, round_id, author_name, citizen, contact, status, body, created_at, updated_at)
					SELECT r.draft_id, r.id, 'Trần Văn Thử', TRUE, '0912000111', 'published', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
					FROM draft_rounds r WHERE r.id = ?`, text, round)
			}},
			{"/cong-dan", "", nil},
			{"/tra-cuu", "", nil},
		}
		for i, pg := range pages {
			res, body := plainGet(t, s, pg.path)
			tag := res.Header.Get("ETag")
			if res.StatusCode != http.StatusOK || tag == "" || !strings.Contains(res.Header.Get("Vary"), "Cookie") {
				t.Fatalf("%s: %d, ETag %q, Vary %q", pg.path, res.StatusCode, tag, res.Header.Get("Vary"))
			}
			if again, _ := plainGet(t, s, pg.path, "If-None-Match", tag); again.StatusCode != http.StatusNotModified {
				t.Fatalf("%s: revalidated with its own ETag: %d", pg.path, again.StatusCode)
			}
			if other, _ := plainGet(t, s, pg.path, "If-None-Match", `"something-else"`); other.StatusCode != http.StatusOK {
				t.Fatalf("%s: another ETag: %d", pg.path, other.StatusCode)
			}
			if pg.change == nil {
				continue
			}
			if strings.Contains(body, pg.text) {
				t.Fatalf("%s holds the change before it is made", pg.path)
			}
			pg.change(pg.text)
			if i == 0 {
				// Made outside this instance (as another instance or a script would): seen
				// once the kept versions are a second old.
				if res, _ := plainGet(t, s, pg.path, "If-None-Match", tag); res.StatusCode != http.StatusNotModified {
					t.Logf("%s: the change was seen before the versions' second was out", pg.path)
				}
				time.Sleep(1100 * time.Millisecond)
			} else {
				// Any write in this instance (here a refused one) reads them again at once.
				if res, _ := newClient(t, s).post("/gui-don", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("empty petition: %d", res.StatusCode)
				}
			}
			res, body = plainGet(t, s, pg.path, "If-None-Match", tag)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, pg.text) || res.Header.Get("ETag") == tag {
				t.Fatalf("%s after a change: %d, shows it %v, ETag %q (was %q)", pg.path, res.StatusCode, strings.Contains(body, pg.text), res.Header.Get("ETag"), tag)
			}
			if pg.path == "/gui-don" {
				// The answer to a sent form lists the units from its own kept copy, which
				// follows the same version.
				if res, body := newClient(t, s).post("/gui-don", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, pg.text) {
					t.Fatalf("a sent form's answer after a unit's change: %d, shows it %v", res.StatusCode, strings.Contains(body, pg.text))
				}
			}
		}

		// The form's nonce: each visitor has their own, and it is in the ETag.
		res1, body1 := plainGet(t, s, "/gui-don")
		_, body2 := plainGet(t, s, "/gui-don")
		n1, n2 := appNonceRE.FindStringSubmatch(body1), appNonceRE.FindStringSubmatch(body2)
		if n1 == nil || n2 == nil || n1[1] == n2[1] || !strings.Contains(res1.Header.Get("ETag"), n1[1]) {
			t.Fatalf("form nonces %v %v, ETag %q", n1, n2, res1.Header.Get("ETag"))
		}
		if cc := res1.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
			t.Fatalf("a page with a form nonce may be shared: %q", cc)
		}
		// Once the citizen has sent the form, the page they hold is stale: its nonce would
		// make their next petition look like a double of the first.
		c := newClient(t, s)
		res, body := c.post("/gui-don", url.Values{"form_nonce": {n1[1]}, "kind": {"kien-nghi"}, "unit_id": {strconv.FormatInt(units[0].ID, 10)},
			"content": {"Kiến nghị sửa đường vào trường tiểu học của phường, mùa mưa ngập sâu."}, "sender_name": {"Phạm Văn Kiến"},
			"sender_address": {"Phường Cửa Nam"}, "sender_phone": {"0912 345 678"}, "consent": {"yes"}})
		if res.StatusCode != http.StatusOK || !codeRe.MatchString(body) {
			t.Fatalf("submit with the cached page's nonce: %d", res.StatusCode)
		}
		if again, body := plainGet(t, s, "/gui-don", "If-None-Match", res1.Header.Get("ETag")); again.StatusCode != http.StatusOK || strings.Contains(body, n1[1]) {
			t.Fatalf("revalidation after the nonce was used: %d", again.StatusCode)
		}
		if again, _ := plainGet(t, s, "/gui-don", "If-None-Match", `"`+strings.Trim(res1.Header.Get("ETag"), `"`)[:strings.Index(strings.Trim(res1.Header.Get("ETag"), `"`), ".")]+"."+n2[1]+`"`); again.StatusCode != http.StatusNotModified {
			t.Fatalf("revalidation with an unused nonce: %d", again.StatusCode)
		}

		// Signed in: a fresh, private page without validators.
		staff := newClientAs(t, s, "canbo")
		res, _ = staff.get("/gui-don")
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") != "" || !strings.Contains(res.Header.Get("Cache-Control"), "no-store") {
			t.Fatalf("signed in: %d, ETag %q, Cache-Control %q", res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
		}
		// An unknown round and an unknown code are not kept.
		if res, _ := plainGet(t, s, "/gop-y/999999"); res.StatusCode != http.StatusNotFound || res.Header.Get("ETag") != "" {
			t.Fatalf("unknown round: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
		}
		if res, _ := plainGet(t, s, "/tra-cuu?code=ABCD-EFGH-JKLM"); res.StatusCode != http.StatusNotFound || res.Header.Get("ETag") != "" {
			t.Fatalf("unknown code: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
		}
	})
}
