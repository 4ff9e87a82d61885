package emulation_test

import (
	"fmt"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/emulation"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// watchRows reads model_watch_counts without its all-zero rows.
func watchRows(t *testing.T, f *fixture) string {
	t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT unit_id, day, watching FROM model_watch_counts WHERE watching <> 0 ORDER BY unit_id, day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var unit, n int64
		var day string
		if err := rows.Scan(&unit, &day, &n); err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%d %s %d\n", unit, day, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWatchCountsFollowEveryChange drives models through the changes that move their
// last sign of life — approved (watched from now), a report on a stuck model, stopped,
// watched on the cut-off's own day, an agency moved — and after each checks that the
// live counters equal a rebuild, and that the figures' "stuck" for the whole tree and
// each child equals a count of the models themselves.
func TestWatchCountsFollowEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, demo.Models)
		upper, admin := f.who(t, "canbo"), f.who(t, "admin")
		cutoff := sqldb.FormatTime(db.Now().AddDate(0, 0, -emulation.StuckDays))
		stuckIn := func(scope string) int64 {
			return int64(f.count(t, `SELECT COUNT(*) FROM models WHERE watch_at <> '' AND watch_at < ? AND unit_path >= ? AND unit_path < ?`, cutoff, scope, sqldb.PathEnd(scope)))
		}
		check := func(step string) {
			t.Helper()
			live := watchRows(t, f)
			if err := db.Tx(f.ctx, func(tx *sqldb.Tx) error { return emulation.RebuildRollup(f.ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			if rebuilt := watchRows(t, f); rebuilt != live {
				t.Fatalf("%s: live counters\n%s\nrebuilt\n%s", step, live, rebuilt)
			}
			var kids []string
			for _, a := range f.o.Agencies {
				u, err := org.GetUnit(f.ctx, db, a.Node.ID)
				if err != nil {
					t.Fatal(err)
				}
				if u.ParentID == f.o.Root.ID {
					kids = append(kids, u.Path)
				}
			}
			year := f.o.Today[:4]
			bs, err := f.svc.Figures(f.ctx, upper, figures.Query{Scope: f.o.Root.Path, From: year + "-01-01", To: year + "-12-31", Children: kids})
			if err != nil || len(bs) != 1 {
				t.Fatalf("%s: %+v %v", step, bs, err)
			}
			if got, want := bs[0].Figures[2].Value, stuckIn(f.o.Root.Path); got != want {
				t.Errorf("%s: %d stuck in the whole tree, the models say %d", step, got, want)
			}
			for _, c := range kids {
				if got, want := bs[0].ByChild[c][2], stuckIn(c); got != want {
					t.Errorf("%s: %d stuck in %s, the models say %d", step, got, c, want)
				}
			}
		}
		if stuckIn(f.o.Root.Path) == 0 {
			t.Fatal("the demo has no stuck model to count")
		}
		check("demo")

		union, secretary := f.who(t, "congdoan1"), f.who(t, "bithu1")
		m, err := f.svc.Create(f.ctx, union, f.input(db.Now().Year()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Do(f.ctx, secretary, m.ID, emulation.ActApprove, ""); err != nil {
			t.Fatal(err)
		}
		check("approved")
		var stuck int64
		if err := db.QueryRowContext(f.ctx, `SELECT id FROM models WHERE watch_at <> '' AND watch_at < ? ORDER BY id LIMIT 1`, cutoff).Scan(&stuck); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddReport(f.ctx, admin, stuck, emulation.ReportInput{Body: "Đã khôi phục hoạt động."}); err != nil {
			t.Fatal(err)
		}
		check("a stuck model reports")
		if _, err := f.svc.Do(f.ctx, upper, m.ID, emulation.ActStop, "Đơn vị sáp nhập"); err != nil {
			t.Fatal(err)
		}
		check("stopped")
		// Watched on the cut-off's day, before its time: stuck, from the live edge count.
		edge := cutoff[:10] + "T00:00:00Z"
		if edge < cutoff {
			if _, err := db.ExecContext(f.ctx, `UPDATE models SET watch_at = ? WHERE id = ?`, edge, stuck); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(f.ctx, func(tx *sqldb.Tx) error { return emulation.RebuildRollup(f.ctx, tx) }); err != nil {
				t.Fatal(err)
			}
			check("watched on the cut-off's day")
		}
		units := org.NewService(db)
		units.PathHooks = []org.PathHook{emulation.PathHook}
		if _, err := units.MoveUnit(f.ctx, admin, f.o.Agencies[0].Node.ID, f.o.Agencies[1].Node.ID); err != nil {
			t.Fatal(err)
		}
		check("agency moved")
	})
}
