package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/config"
	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

// Two instances on one database share the public forms' limit, and an instance started
// again keeps counting where the others are: the count lives in the database.
func TestInstancesShareThePublicRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		// SQLite has no URL: the instances share the data folder and its danvan.db (dbtest's
		// database goes unused).
		dir, url := t.TempDir(), db.URL()
		if db.Dialect() == sqldb.SQLite {
			url = ""
		}
		start := func() *app.Started {
			// --public-rate 1: three tracking lookups per address per minute.
			cfg := config.Config{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: url, PublicRate: 1}
			s, err := app.Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		track := func(s *app.Started) int {
			t.Helper()
			res, err := http.Get(s.URL + "/tra-cuu?code=ABCD-EFGH-JKMN")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		a, b := start(), start()
		t.Cleanup(func() { b.Stop() })
		for i, s := range []*app.Started{a, b, a} {
			if got := track(s); got != http.StatusNotFound {
				t.Fatalf("lookup %d within the limit: %d", i+1, got)
			}
		}
		if got := track(b); got != http.StatusTooManyRequests {
			t.Fatalf("4th lookup, on the other instance: %d, want 429", got)
		}
		a.Stop()
		c := start()
		t.Cleanup(func() { c.Stop() })
		if got := track(c); got != http.StatusTooManyRequests {
			t.Fatalf("lookup on a restarted instance: %d, want 429", got)
		}
	})
}

// When the counter cannot be written the public forms stay open: the limiter fails open,
// so no petition is lost to it (here its database handle is closed; both submissions
// are stored although --public-rate 1 would refuse the second).
func TestPublicSubmitWhenTheCounterFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		url := db.URL()
		if db.Dialect() == sqldb.SQLite {
			url = ""
		}
		ctx := context.Background()
		cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: url, PublicRate: 1, Demo: true, DemoPassword: "gioi-han-2026"}
		broken := func(a *app.App) {
			closed, err := sqldb.Open(ctx, a.DB.URL(), sqldb.Options{})
			if err != nil {
				t.Fatal(err)
			}
			closed.Close()
			a.Limiter.DB = closed
		}
		s, err := app.Start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard, broken)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Stop() })
		count := func() (n int) {
			if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM petitions`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		for i := range 2 {
			res, err := http.Post(s.URL+"/api/v1/public/petitions", "application/json",
				strings.NewReader(`{"kind":"kien-nghi","content":"Kiến nghị sửa đường liên thôn","name":"Đỗ Văn Sơn","phone":"0913000111"}`))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("submission %d with a failing counter: %d, want 201", i+1, res.StatusCode)
			}
		}
		if got := count() - before; got != 2 {
			t.Fatalf("%d petitions stored, want 2", got)
		}
	})
}
