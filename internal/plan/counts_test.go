package plan_test

import (
	"fmt"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// countRows reads task_counts without its all-zero rows (a task that left a day leaves a
// row of zeros behind, which a rebuild does not write).
func countRows(t *testing.T, f *fixture) map[string]string {
	t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT unit_id, day, started, started_open, done, done_on_time, due_active, due_open FROM task_counts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var unit int64
		var day string
		var v [6]int64
		if err := rows.Scan(&unit, &day, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
			t.Fatal(err)
		}
		if v != ([6]int64{}) {
			out[fmt.Sprintf("%d %s", unit, day)] = fmt.Sprint(v)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// scanned is the oracle: the tasks block computed straight from the task rows of a
// subtree, by the rules of the task list's filters.
func scanned(t *testing.T, f *fixture, scope, from, to, today string) [5]int64 {
	t.Helper()
	var v [5]int64
	if err := f.db.QueryRowContext(f.ctx, `SELECT
		COALESCE(SUM(CASE WHEN start_on >= ? AND start_on <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'done' AND done_on >= ? AND done_on <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'done' AND done_on >= ? AND done_on <= ? AND submitted_on <= due_on THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status IN ('open', 'doing') AND due_on < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status <> 'done' THEN 1 ELSE 0 END), 0)
		FROM tasks WHERE unit_path >= ? AND unit_path < ?`, from, to, from, to, from, to, today, scope, sqldb.PathEnd(scope)).
		Scan(&v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestTaskCountsFollowEveryChange drives tasks through every change the service makes —
// creation with a cascade, progress, completion, return, acceptance, reopening, a subtree
// moved to another parent, over the demo's tasks (some of them overdue) — and checks after each step that the
// counters kept in those transactions equal a rebuild from the rows, and that the
// dashboard's numbers read from them equal the rows' own counts for the tree, each agency
// and a committee, period and trend included.
func TestTaskCountsFollowEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		if err := f.svc.RebuildTaskCounts(f.ctx); err != nil { // the demo's tasks
			t.Fatal(err)
		}
		a := f.o.Agencies[0]
		bithu, cb1, canbo := f.who(t, "bithu1"), f.who(t, "bithucb1"), f.who(t, "canbo")
		today := time.Now().Format("2006-01-02")
		year := today[:4]
		check := func(step string) {
			t.Helper()
			live := countRows(t, f)
			if err := f.svc.RebuildTaskCounts(f.ctx); err != nil {
				t.Fatal(err)
			}
			rebuilt := countRows(t, f)
			if len(rebuilt) == 0 {
				t.Fatalf("%s: no counters at all", step)
			}
			for k, v := range rebuilt {
				if live[k] != v {
					t.Errorf("%s: unit/day %s kept %q, rebuild %q", step, k, live[k], v)
				}
			}
			for k, v := range live {
				if _, ok := rebuilt[k]; !ok {
					t.Errorf("%s: unit/day %s kept %q, rebuild has none", step, k, v)
				}
			}
			path := func(id int64) string { // read afresh: a move rewrites the paths
				u, err := org.GetUnit(f.ctx, db, id)
				if err != nil {
					t.Fatal(err)
				}
				return u.Path
			}
			var kids []string
			for _, ag := range f.o.Agencies {
				kids = append(kids, path(ag.Node.ID))
			}
			for _, q := range []figures.Query{
				{Scope: f.o.Root.Path, From: year + "-01-01", To: year + "-12-31", Children: kids, Trend: true},
				{Scope: f.o.Root.Path, From: today, To: today},
				{Scope: path(a.Committee.ID), From: year + "-01-01", To: today, Children: []string{path(a.Cells[0].ID), path(a.Cells[2].ID)}},
				{Scope: path(a.Cells[1].ID), From: year + "-01-01", To: year + "-12-31", Trend: true},
			} {
				bs, err := f.svc.Figures(f.ctx, canbo, q)
				if err != nil || len(bs) == 0 || bs[0].Key != "plans" {
					t.Fatalf("%s: figures %+v %v", step, bs, err)
				}
				b := bs[0]
				want := scanned(t, f, q.Scope, q.From, q.To, today)
				for i, fig := range b.Figures {
					if fig.Value != want[i] {
						t.Errorf("%s: %s %s = %d, rows say %d", step, q.Scope, fig.Key, fig.Value, want[i])
					}
				}
				for _, c := range q.Children {
					w := scanned(t, f, c, q.From, q.To, today)
					for i, got := range b.ByChild[c] {
						if got != w[i] {
							t.Errorf("%s: child %s %s = %d, rows say %d", step, c, b.Figures[i].Key, got, w[i])
						}
					}
				}
				if q.Trend {
					var assigned, done int64
					for _, pt := range b.Trend {
						assigned += pt.Values[0]
						done += pt.Values[1]
					}
					if assigned != b.Figures[0].Value || done != b.Figures[1].Value {
						t.Errorf("%s: trend sums assigned %d done %d, block %d %d", step, assigned, done, b.Figures[0].Value, b.Figures[1].Value)
					}
				}
			}
		}
		check("demo")

		parent, err := f.svc.CreateTask(f.ctx, bithu, plan.TaskInput{Title: "Kiểm tra sổ sách chi bộ", UnitID: a.Committee.ID, LeadID: a.Secretary,
			StartOn: today, DueDays: 5, CascadeAll: plan.CascadeCells})
		if err != nil {
			t.Fatal(err)
		}
		check("cascade")
		var child int64
		for _, c := range parent.ChildSet {
			if c.UnitID == a.Cells[0].ID {
				child = c.ID
			}
		}
		steps := []struct {
			name string
			run  func() error
		}{
			{"progress", func() error {
				return f.svc.ReportProgress(f.ctx, cb1, child, plan.ReportInput{Body: "Đã kiểm tra 3/5 sổ", Percent: 60})
			}},
			{"complete", func() error { return f.svc.Complete(f.ctx, cb1, child, plan.ReportInput{Body: "Xong"}) }},
			{"return", func() error {
				return f.svc.Return(f.ctx, bithu, child, plan.ReportInput{Body: "Thiếu sổ nghị quyết"})
			}},
			{"complete again", func() error { return f.svc.Complete(f.ctx, cb1, child, plan.ReportInput{Body: "Đã bổ sung"}) }},
			{"accept", func() error { return f.svc.Accept(f.ctx, bithu, child, plan.ReportInput{Body: "Đạt"}) }},
			{"reopen", func() error { return f.svc.Reopen(f.ctx, bithu, child, plan.ReportInput{Body: "Cần số liệu"}) }},
			{"complete, accept", func() error {
				if err := f.svc.Complete(f.ctx, cb1, child, plan.ReportInput{Body: "Có số liệu"}); err != nil {
					return err
				}
				return f.svc.Accept(f.ctx, bithu, child, plan.ReportInput{})
			}},
		}
		for _, s := range steps {
			if err := s.run(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			check(s.name)
		}

		// A refused change moves nothing: the lead cannot accept their own task.
		before := countRows(t, f)
		if err := f.svc.Accept(f.ctx, cb1, parent.ChildSet[1].ID, plan.ReportInput{}); err == nil {
			t.Fatal("a lead accepted their own task")
		}
		if after := countRows(t, f); fmt.Sprint(after) != fmt.Sprint(before) { // fmt prints a map in key order
			t.Errorf("a refused change moved the counters")
		}

		// A subtree moved under another agency takes its counters along.
		admin := f.who(t, "admin")
		units := org.NewService(db)
		units.PathHooks = []org.PathHook{plan.MoveTaskCounts, org.ReplacePathPrefix("tasks", "unit_path"), org.ReplacePathPrefix("tasks", "assigner_path")}
		if _, err := units.MoveUnit(f.ctx, admin, a.Cells[1].ID, f.o.Agencies[1].Node.ID); err != nil {
			t.Fatal(err)
		}
		check("move")
	})
}
