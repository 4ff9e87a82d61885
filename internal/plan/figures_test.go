package plan_test

import (
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/figures"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// The dashboard's task numbers must be the task list's own counts for the same principal
// and subtree, for the whole tree and for each agency side by side.
func TestFiguresMatchTaskLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		p := f.who(t, "canbo")
		var kids []string
		for _, a := range f.o.Agencies {
			kids = append(kids, a.Node.Path)
		}
		year := f.o.Today[:4]
		q := figures.Query{Scope: f.o.Root.Path, From: year + "-01-01", To: year + "-12-31", Children: kids, Trend: true}
		bs, err := f.svc.Figures(f.ctx, p, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != 2 || bs[0].Key != "plans" || bs[1].Key != "training" {
			t.Fatalf("blocks %+v", bs)
		}
		b := bs[0]
		list := func(status string, unit int64) int64 {
			ts, err := f.svc.FindTasks(f.ctx, p, plan.TaskFilter{Status: status, UnitID: unit, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return int64(len(ts))
		}
		if got, want := b.Figures[3].Value, list("late", f.o.Root.ID); got != want {
			t.Errorf("overdue %d, list says %d", got, want)
		}
		if got, want := b.Figures[4].Value, list("active", f.o.Root.ID); got != want || want == 0 {
			t.Errorf("open %d, list says %d", got, want)
		}
		var sumOpen, trendAssigned int64
		for i, a := range f.o.Agencies {
			row := b.ByChild[kids[i]]
			if got, want := row[4], list("active", a.Node.ID); got != want {
				t.Errorf("agency %s open %d, list says %d", a.Node.Name, got, want)
			}
			sumOpen += row[4]
		}
		if sumOpen > b.Figures[4].Value {
			t.Errorf("children %d exceed the whole %d", sumOpen, b.Figures[4].Value)
		}
		for _, pt := range b.Trend {
			trendAssigned += pt.Values[0]
		}
		if len(b.Trend) != 12 || trendAssigned != b.Figures[0].Value {
			t.Errorf("trend %d months, assigned %d vs %d", len(b.Trend), trendAssigned, b.Figures[0].Value)
		}
		// A principal with no grant sees nothing of the tree.
		none, err := f.svc.Figures(f.ctx, nil, q)
		if err != nil || none != nil {
			t.Errorf("nil principal: %v %v", none, err)
		}
	})
}
