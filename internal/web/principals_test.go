package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/config"
	"danvan/internal/dbtest"
)

// Two instances on one database: a session made on one is valid on the other, and a
// change to a grant, a unit's name or an account takes effect on the next request on both,
// though each keeps the principals it loaded (issue 15).
func TestPrincipalChangesReachEveryInstance(t *testing.T) {
	run := func(t *testing.T, dbURL string) {
		dataDir := t.TempDir()
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		start := func(demo bool) *app.Started {
			s, err := app.Start(context.Background(), config.Config{Addr: "127.0.0.1:0", DataDir: dataDir, DatabaseURL: dbURL, Demo: demo, DemoPassword: appPassword}, logger, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Stop() })
			return s
		}
		a := start(true)
		b := start(false)
		ca := newClientAs(t, a, "bithu1")
		// The same browser (its cookie) on the other instance.
		cb := newClient(t, b)
		cb.http.Jar = ca.http.Jar
		unit := scalar[int64](t, a, `SELECT g.unit_id FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'bithu1' ORDER BY g.id LIMIT 1`)
		name := scalar[string](t, a, `SELECT name FROM units WHERE id = ?`, unit)
		page := "/units/" + strconv.FormatInt(unit, 10)
		for _, c := range []*appClient{ca, cb, ca, cb} { // twice each: the second answer is from the cache
			res, body := c.get(page)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, name) {
				t.Fatalf("%s before any change: %d", page, res.StatusCode)
			}
		}
		// A unit renamed on one instance: the header's unit name is new on both.
		if _, err := b.DB.ExecContext(context.Background(), `UPDATE units SET name = ? WHERE id = ?`, name+" (đổi tên)", unit); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*appClient{ca, cb} {
			if _, body := c.get("/notifications"); !strings.Contains(body, name+" (đổi tên)") {
				t.Fatal("the renamed unit does not show in the header on the next request")
			}
		}
		// The grants revoked: the unit's page is out of reach at once on both.
		if _, err := b.DB.ExecContext(context.Background(), `DELETE FROM role_grants WHERE user_id = (SELECT id FROM users WHERE username = 'bithu1')`); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*appClient{ca, cb} {
			if res, _ := c.get(page); res.StatusCode == http.StatusOK {
				t.Fatalf("%s after the grants were revoked: %d", page, res.StatusCode)
			}
		}
		// The account disabled: signed out on both.
		if _, err := a.DB.ExecContext(context.Background(), `UPDATE users SET disabled = TRUE WHERE username = 'bithu1'`); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*appClient{ca, cb} {
			if res, _ := c.get("/notifications"); !toLogin(res) {
				t.Fatalf("a disabled account's page: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "") })
	if os.Getenv(dbtest.PostgresEnv) != "" {
		t.Run("postgres", func(t *testing.T) { run(t, dbtest.OpenPostgres(t).URL()) })
	}
}
