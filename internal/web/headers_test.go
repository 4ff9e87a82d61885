package web

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
)

// HSTS pins a site to https in browsers for a year, so it must follow the deployment's
// own base URL, never a header a client can forge.
func TestHSTSFollowsTheBaseURL(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	cases := []struct {
		name  string
		https bool
		req   func() *http.Request
		want  bool
	}{
		{"http base URL", false, func() *http.Request { return httptest.NewRequest("GET", "/", nil) }, false},
		{"http base URL, forged X-Forwarded-Proto", false, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("X-Forwarded-Proto", "https")
			return r
		}, false},
		{"https base URL behind a proxy", true, func() *http.Request { return httptest.NewRequest("GET", "/", nil) }, true},
		{"direct TLS", false, func() *http.Request {
			r := httptest.NewRequest("GET", "/", nil)
			r.TLS = &tls.ConnectionState{}
			return r
		}, true},
	}
	for _, c := range cases {
		w := httptest.NewRecorder()
		securityHeaders(ok, c.https).ServeHTTP(w, c.req())
		got := w.Header().Get("Strict-Transport-Security")
		if (got != "") != c.want {
			t.Errorf("%s: Strict-Transport-Security %q, want set=%v", c.name, got, c.want)
		}
		if w.Header().Get("Content-Security-Policy") == "" || w.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: the other headers are missing: %v", c.name, w.Header())
		}
	}
}
