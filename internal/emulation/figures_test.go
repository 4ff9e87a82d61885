package emulation_test

import (
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/figures"
	"danvan/internal/sqldb"
)

// The block's queries run on both engines, children add up to no more than the whole, and
// a principal without a grant gets nothing.
func TestFiguresRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, demo.Models)
		var kids []string
		for _, a := range f.o.Agencies {
			kids = append(kids, a.Node.Path)
		}
		year := f.o.Today[:4]
		q := figures.Query{Scope: f.o.Root.Path, From: year + "-01-01", To: year + "-12-31", Children: kids, Trend: true}
		bs, err := f.svc.Figures(f.ctx, f.who(t, "canbo"), q)
		if err != nil || len(bs) != 1 {
			t.Fatalf("%+v %v", bs, err)
		}
		for i, x := range bs[0].Figures {
			var sum int64
			for _, k := range kids {
				sum += bs[0].ByChild[k][i]
			}
			if x.Key != "answered_pct" && sum > x.Value {
				t.Errorf("%s: children %d exceed the whole %d", x.Key, sum, x.Value)
			}
		}
		if none, err := f.svc.Figures(f.ctx, nil, q); err != nil || none != nil {
			t.Errorf("nil principal: %v %v", none, err)
		}
	})
}
