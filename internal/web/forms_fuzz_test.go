package web

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
)

// Every date field of every form goes through ParseDateVN: it must never panic, and a date
// it accepts must be a real calendar date in ISO form that it reads back unchanged.
func FuzzParseDateVN(f *testing.F) {
	for _, s := range []string{"07/12/2026", "2026-12-07", "29/02/2025", "31/04/2026", "1/1/1900", "0/0/0", "-1/-1/-1", "//", "2026-1-1", "99999999999999999999/1/1", " 07/12/2026 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := ParseDateVN(s)
		if !ok || out == "" {
			return
		}
		d, err := time.Parse("2006-01-02", out)
		if err != nil || d.Format("2006-01-02") != out {
			t.Fatalf("%q accepted as %q, not a real date", s, out)
		}
		if again, ok := ParseDateVN(out); !ok || again != out {
			t.Fatalf("%q -> %q -> %q", s, out, again)
		}
	})
}

// The JSON API's bodies: whatever arrives is decoded or refused as invalid input (a 422
// with a message), never a panic or another kind of error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"title":"Kế hoạch","due":"2026-12-31","assignee_id":3}`, `{}`, `[]`, `null`, `{"title":1}`, `{"x":"y"}`, "{\"title\":\"\xff\"}", `{"title":"a"}{"title":"b"}`, strings.Repeat("[", 10000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var v struct {
			Title      string `json:"title"`
			Due        string `json:"due"`
			AssigneeID int64  `json:"assignee_id"`
		}
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		err := decodeJSON(r, &v)
		if err != nil && !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("%q: %v is not an invalid-input error", body, err)
		}
	})
}
