package petitiongen_test

import (
	"context"
	"testing"

	"danvan/internal/calendar"
	"danvan/internal/dbtest"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/petition/petitiongen"
	"danvan/internal/sqldb"
)

func TestGenerator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, err := gen.Run(ctx, db, gen.Options{Units: 200, People: 500, Seed: 3, BatchRows: 900, Generators: []gen.Generator{petitiongen.Generator(3000)}})
		if err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM petitions`); n != 3000 {
			t.Fatalf("petitions %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM petition_steps`); n != 3000 {
			t.Fatalf("steps %d", n)
		}
		if n := count(`SELECT COUNT(DISTINCT kind) FROM petitions`); n != 3 {
			t.Errorf("kinds %d", n)
		}
		if n := count(`SELECT COUNT(DISTINCT state) FROM petitions`); n < 8 {
			t.Errorf("only %d states", n)
		}
		// The dashboard's counters agree with the rows, and overdue petitions exist.
		root := &org.Principal{UserID: 1, Grants: []org.Grant{{UnitID: s.Root.ID, UnitPath: s.Root.Path, Role: org.RoleStaff}}}
		svc := petition.NewService(db)
		d, err := svc.Dashboard(ctx, root, s.Root.ID, 24)
		if err != nil {
			t.Fatal(err)
		}
		if d.Total.Received != 3000 || d.Total.Resolved != count(`SELECT COUNT(*) FROM petitions WHERE resolved_on <> ''`) || d.Total.OverdueNow == 0 {
			t.Errorf("dashboard %+v", d.Total)
		}
		if d.Total.OverdueNow != count(`SELECT COUNT(*) FROM petitions WHERE open = TRUE AND due_on < ?`, calendar.DateOf(db.Now()).String()) {
			t.Error("overdue count disagrees")
		}
		// The list works on a subtree with a filter, and new petitions get fresh ids.
		pg, err := svc.Find(ctx, root, petition.Filter{UnitID: s.Units[org.KindAgency][0].ID, State: "open", Limit: 50})
		if err != nil || len(pg.Petitions) == 0 {
			t.Fatalf("list: %v %d", err, len(pg.Petitions))
		}
		for i := 1; i < len(pg.Petitions); i++ {
			if pg.Petitions[i].DueOn < pg.Petitions[i-1].DueOn && pg.Petitions[i].DueOn != "" {
				t.Fatal("not sorted by nearest deadline")
			}
		}
		if _, err := svc.Submit(ctx, petition.Input{Kind: "kien-nghi", UnitID: s.Units[org.KindAgency][0].ID, Content: "Kiến nghị mới", Sender: petition.Sender{Name: "Lê Văn Tư"}}); err != nil {
			t.Fatalf("submit after generation: %v", err)
		}
	})
}
