package petition_test

import (
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/figures"
	"danvan/internal/sqldb"
)

// The petitions block counts what the petitions dashboard counts over the same months,
// for the whole tree and for each agency side by side.
func TestFiguresMatchDashboard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		p := f.who(t, "canbo")
		dash, err := f.svc.Dashboard(f.ctx, p, f.o.Root.ID, 12)
		if err != nil {
			t.Fatal(err)
		}
		first, last := dash.ByMonth[0].Month, dash.ByMonth[len(dash.ByMonth)-1].Month
		var kids []string
		for _, c := range dash.Children {
			kids = append(kids, c.Unit.Path)
		}
		q := figures.Query{Scope: f.o.Root.Path, From: first + "-01", To: last + "-28", Children: kids, Trend: true}
		bs, err := f.svc.Figures(f.ctx, p, q)
		if err != nil || len(bs) != 1 {
			t.Fatalf("%v %v", bs, err)
		}
		b := bs[0]
		var received, resolved, onTime int64
		for _, m := range dash.ByMonth {
			received += int64(m.Received)
			resolved += int64(m.Resolved)
			onTime += int64(m.OnTime)
		}
		if b.Figures[0].Value != received || b.Figures[1].Value != onTime || b.Figures[2].Value != resolved-onTime || b.Figures[3].Value != int64(dash.Total.OverdueNow) {
			t.Errorf("figures %+v, dashboard received %d resolved %d on time %d overdue %d", b.Figures, received, resolved, onTime, dash.Total.OverdueNow)
		}
		var kinds int64
		for _, x := range b.Figures[4:] {
			kinds += x.Value
		}
		if kinds != received {
			t.Errorf("by kind %d, received %d", kinds, received)
		}
		for _, c := range dash.Children {
			if got := b.ByChild[c.Unit.Path][3]; got != int64(c.OverdueNow) {
				t.Errorf("child %s overdue %d, dashboard %d", c.Unit.Name, got, c.OverdueNow)
			}
		}
	})
}
