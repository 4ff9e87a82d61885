package inspection_test

import (
	"context"
	"fmt"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/figures"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// recCountRows reads recommendation_counts without its all-zero rows (a recommendation
// that left a unit leaves a row of zeros behind, which a rebuild does not write).
func recCountRows(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT unit_id, day, recs, done, pending FROM recommendation_counts ORDER BY unit_id, day`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := ""
	for rows.Next() {
		var unit, a, b, c int64
		var day string
		if err := rows.Scan(&unit, &day, &a, &b, &c); err != nil {
			t.Fatal(err)
		}
		if a != 0 || b != 0 || c != 0 {
			out += fmt.Sprintf("%d %s %d %d %d\n", unit, day, a, b, c)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// scannedRecs is the oracle: recommendations, done and overdue of a subtree's targets for
// the conclusions of [from, to], straight from the rows and their tasks (not the copy).
func scannedRecs(t *testing.T, db *sqldb.DB, scope, from, to, today string) [3]int64 {
	t.Helper()
	var v [3]int64
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN k.status = 'done' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN k.status <> 'done' AND rc.carried = '' AND k.due_on < ? THEN 1 ELSE 0 END), 0)
		FROM inspection_recommendations rc JOIN tasks k ON k.id = rc.task_id JOIN inspection_rounds r ON r.id = rc.round_id
		JOIN units u ON u.id = rc.target_id
		WHERE u.path >= ? AND u.path < ? AND r.conclusion_on >= ? AND r.conclusion_on <= ?`,
		today, scope, sqldb.PathEnd(scope), from, to).Scan(&v[0], &v[1], &v[2]); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRecommendationCountsFollowEveryChange drives recommendations through every change
// that moves them — a conclusion with one overdue and two not yet due, a task reported
// done, accepted, returned to work, a carry-over, a target agency moved to another parent —
// and after each one checks that the live counters equal a rebuild from the rows, and
// that the dashboard's inspection figures read from them (the inspector sees the whole
// tree, so the counters are used) equal a scan of the rows and their tasks, for the whole
// tree, each child and the trend; and that the head of one agency, who sees only its
// targets and so is given the row-scanning path, gets that agency's numbers for the tree.
func TestRecommendationCountsFollowEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var o *demo.Org
		capture := func(ctx context.Context, db *sqldb.DB, got *demo.Org) error { o = got; return nil }
		if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", demo.Models, demo.Inspections(nil), capture); err != nil {
			t.Fatal(err)
		}
		who := func(u string) *org.Principal {
			p, err := org.LoadPrincipal(ctx, db, o.Users[u])
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		plans := plan.NewService(db)
		svc := inspection.NewService(db, plans)
		inspector, head := who("kiemtra"), who("thutruong1")
		if !inspector.Scope(org.ViewInspection).Contains(o.Root.Path) || head.Scope(org.ViewInspection).Contains(o.Root.Path) {
			t.Fatal("the test needs a reader of the whole tree and one of an agency")
		}
		today := work.Today(db.Now())
		daysAgo := func(n int) string { return work.Today(db.Now().AddDate(0, 0, -n)) }
		from := daysAgo(400)
		a1, a2 := o.Agencies[0], o.Agencies[1]

		check := func(step string) {
			t.Helper()
			live := recCountRows(t, db)
			if live == "" {
				t.Fatalf("%s: no counters", step)
			}
			if err := inspection.RebuildRecommendationCounts(ctx, db); err != nil {
				t.Fatal(err)
			}
			if rebuilt := recCountRows(t, db); rebuilt != live {
				t.Fatalf("%s: live counters\n%s\nrebuilt\n%s", step, live, rebuilt)
			}
			var kids []string
			for _, a := range o.Agencies {
				u, err := org.GetUnit(ctx, db, a.Node.ID)
				if err != nil {
					t.Fatal(err)
				}
				if u.ParentID == o.Root.ID {
					kids = append(kids, u.Path)
				}
			}
			q := figures.Query{Scope: o.Root.Path, From: from, To: today, Children: kids, Trend: true}
			bs, err := svc.Figures(ctx, inspector, q)
			if err != nil || len(bs) != 1 {
				t.Fatalf("%s: %+v %v", step, bs, err)
			}
			b := bs[0]
			got := [3]int64{b.Figures[2].Value, b.Figures[3].Value, b.Figures[4].Value}
			if want := scannedRecs(t, db, q.Scope, from, today, today); got != want {
				t.Errorf("%s: whole tree recommendations, done, overdue %v, rows say %v", step, got, want)
			}
			for _, c := range kids {
				row := b.ByChild[c]
				if got, want := [3]int64{row[2], row[3], row[4]}, scannedRecs(t, db, c, from, today, today); got != want {
					t.Errorf("%s: child %s %v, rows say %v", step, c, got, want)
				}
			}
			var trend [3]int64
			for _, pt := range b.Trend {
				for i := range trend {
					trend[i] += pt.Values[2+i]
				}
			}
			if trend != got {
				t.Errorf("%s: the trend sums to %v, the figures are %v", step, trend, got)
			}
			a1u, err := org.GetUnit(ctx, db, a1.Node.ID)
			if err != nil {
				t.Fatal(err)
			}
			bs, err = svc.Figures(ctx, head, figures.Query{Scope: o.Root.Path, From: from, To: today})
			if err != nil || len(bs) != 1 {
				t.Fatalf("%s: agency reader %+v %v", step, bs, err)
			}
			if got, want := [3]int64{bs[0].Figures[2].Value, bs[0].Figures[3].Value, bs[0].Figures[4].Value}, scannedRecs(t, db, a1u.Path, from, today, today); got != want {
				t.Errorf("%s: agency 1's head on the whole tree %v, rows of agency 1 say %v", step, got, want)
			}
		}
		check("demo")

		// The demo's round under way is concluded 60 days back: one recommendation past its
		// deadline, two not yet due.
		var round int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_rounds WHERE status = 'open'`).Scan(&round); err != nil {
			t.Fatal(err)
		}
		if err := svc.Conclude(ctx, inspector, round, inspection.ConclusionInput{Number: "30-TB/ĐUK", IssuedOn: daysAgo(60), Text: "Kết luận giám sát chuyên đề.",
			Recommendations: []inspection.RecommendationInput{
				{TargetID: a1.Node.ID, Content: "Trả lời đơn tồn đọng", LeadID: a1.Head, DueDays: 5},
				{TargetID: a1.Node.ID, Content: "Công khai quy trình tiếp công dân", LeadID: a1.Head, DueDays: 300},
				{TargetID: a2.Node.ID, Content: "Rà soát sổ tiếp công dân", LeadID: a2.Head, DueDays: 300},
			}}); err != nil {
			t.Fatal(err)
		}
		check("concluded: one overdue, two not yet due")
		rec := func(seq int) (id, task int64) {
			t.Helper()
			if err := db.QueryRowContext(ctx, `SELECT id, task_id FROM inspection_recommendations WHERE round_id = ? AND seq = ?`, round, seq).Scan(&id, &task); err != nil {
				t.Fatal(err)
			}
			return id, task
		}
		_, overdueTask := rec(1)
		if err := plans.Complete(ctx, head, overdueTask, plan.ReportInput{Body: "Đã trả lời 12 đơn."}); err != nil {
			t.Fatal(err)
		}
		check("overdue one reported done")
		if err := plans.Return(ctx, inspector, overdueTask, plan.ReportInput{Body: "Còn thiếu biên bản."}); err != nil {
			t.Fatal(err)
		}
		check("returned to work")
		if err := plans.Complete(ctx, head, overdueTask, plan.ReportInput{Body: "Đã bổ sung biên bản."}); err != nil {
			t.Fatal(err)
		}
		if err := plans.Accept(ctx, inspector, overdueTask, plan.ReportInput{Body: "Đạt."}); err != nil {
			t.Fatal(err)
		}
		check("accepted")
		carried, _ := rec(3)
		if err := svc.CarryOver(ctx, inspector, carried, "Chờ quy định mới"); err != nil {
			t.Fatal(err)
		}
		check("carried over")

		// An agency moved under another takes its counters along.
		units := org.NewService(db)
		units.PathHooks = []org.PathHook{inspection.MoveRecommendationCounts, org.ReplacePathPrefix("inspection_round_targets", "unit_path")}
		if _, err := units.MoveUnit(ctx, who("admin"), a2.Node.ID, a1.Node.ID); err != nil {
			t.Fatal(err)
		}
		check("agency moved")
	})
}
