package democracy_test

import (
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

func TestPlannableAgencies(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupConf(t, db)
		all, err := f.svc.PlannableAgencies(f.ctx, f.who(t, "admin"))
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(f.o.Agencies) {
			t.Fatalf("administrator: %d agencies, want %d", len(all), len(f.o.Agencies))
		}
		for _, c := range []struct {
			user string
			want int
		}{{"thutruong1", 1}, {"congdoan1", 1}, {"dangvien1", 0}, {"canbo", 0}} {
			us, err := f.svc.PlannableAgencies(f.ctx, f.who(t, c.user))
			if err != nil {
				t.Fatal(err)
			}
			if len(us) != c.want || c.want == 1 && us[0].ID != f.o.Agencies[0].Node.ID {
				t.Errorf("%s: %d agencies, want %d", c.user, len(us), c.want)
			}
		}
	})
}
