package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
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
