package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/config"
	"danvan/internal/dbtest"
)

// BenchmarkFixedCost is the part of a request every page pays before its own work
// (issue 15): the middleware chain, the session, the principal and its grants, the
// header's counts and the layout. Each case goes through the server's handler in process
// (no network), so what differs between cases is danvan's own work:
//
//   - hello: a bare handler, the floor of net/http's ServeHTTP with a recorder;
//
//   - anonymous: /healthz through the whole chain without a session;
//
//   - principal: GET /api/v1/me signed in: session, principal, a small JSON answer;
//
//   - page: GET /notifications signed in with nothing to list: the above plus the layout
//     and the header's unread count.
//
//     go test -run '^$' -bench FixedCost -benchmem -count 6 ./internal/web/
//
// On a shared machine the wall time (ns/op) moves with whatever else runs; cpu-ns/op is the
// process's own CPU time (user and system, garbage collection included) per request, which
// moves much less. With DANVAN_TEST_POSTGRES_URL set, the same cases run on PostgreSQL too.
func BenchmarkFixedCost(b *testing.B) {
	engines := []string{""}
	if os.Getenv(dbtest.PostgresEnv) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		name := "sqlite"
		if engine != "" {
			name = "postgres"
		}
		b.Run(name, func(b *testing.B) {
			dbURL := ""
			if engine != "" {
				dbURL = dbtest.OpenPostgres(b).URL()
			}
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: b.TempDir(), DatabaseURL: dbURL, Demo: true, DemoPassword: appPassword}
			s, err := app.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Stop() })
			h := s.Web
			// Sign in as a party secretary of agency 1, as a browser does.
			req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"username": {"bithu1"}, "password": {appPassword}, "next": {"/"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var session *http.Cookie
			for _, c := range rec.Result().Cookies() {
				if c.Name == "danvan_session" && c.Value != "" {
					session = c
				}
			}
			if session == nil {
				b.Fatalf("sign-in: %d, no session cookie", rec.Code)
			}
			hello := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = io.WriteString(w, "Hello, World!")
			})
			cases := []struct {
				name, path string
				h          http.Handler
				signed     bool
			}{
				{"hello", "/", hello, false},
				{"anonymous", "/healthz", h, false},
				{"principal", "/api/v1/me", h, true},
				{"page", "/notifications", h, true},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					req := httptest.NewRequest("GET", c.path, nil)
					if c.signed {
						req.AddCookie(session)
					}
					// Once outside the loop: the answer must be the page, not a sign-in redirect.
					rec := httptest.NewRecorder()
					c.h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d", c.path, rec.Code)
					}
					b.ReportAllocs()
					before := cpuTime()
					for b.Loop() {
						rec := httptest.NewRecorder()
						c.h.ServeHTTP(rec, req)
					}
					b.ReportMetric(float64((cpuTime()-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
