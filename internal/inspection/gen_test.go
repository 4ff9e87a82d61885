package inspection_test

import (
	"context"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/gen"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// The generator gives every committee leading units five years of programmes with
// rounds, whose recommendations are tasks of the targets with a person of the target
// answerable; a closed round has nothing left open; the coverage of the whole tree reads
// them back with covered and never-covered units and a completion rate.
func TestGenerateCoverage(t *testing.T) {
	t.Setenv("DANVAN_GEN_TASKS", "2000")
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, err := gen.Run(ctx, db, gen.Options{Units: 600, People: 6000, Seed: 5, Generators: []gen.Generator{inspection.Generate}})
		if err != nil {
			t.Fatal(err)
		}
		n := func(q string) int {
			t.Helper()
			var v int
			if err := db.QueryRowContext(ctx, q).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		committees := len(s.Units[org.KindUpperCommittee]) + len(s.Units[org.KindBaseCommittee])
		progs := n(`SELECT COUNT(*) FROM inspection_programmes`)
		if progs == 0 || progs > 5*committees || n(`SELECT COUNT(DISTINCT year) FROM inspection_programmes`) != 5 {
			t.Fatalf("%d programmes for %d committees", progs, committees)
		}
		if got := n(`SELECT COUNT(*) FROM inspection_recommendations rc JOIN tasks k ON k.id = rc.task_id AND k.unit_id = rc.target_id
			JOIN people p ON p.id = k.lead_id WHERE p.unit_path LIKE k.unit_path || '%'`); got == 0 || got != n(`SELECT COUNT(*) FROM inspection_recommendations`) {
			t.Fatalf("recommendations as tasks of the target with a lead inside it: %d of %d", got, n(`SELECT COUNT(*) FROM inspection_recommendations`))
		}
		if bad := n(`SELECT COUNT(*) FROM inspection_recommendations rc JOIN inspection_rounds r ON r.id = rc.round_id JOIN tasks k ON k.id = rc.task_id
			WHERE r.status = 'closed' AND k.status <> 'done' AND rc.carried = ''`); bad != 0 {
			t.Fatalf("%d open recommendations in closed rounds", bad)
		}
		if bad := n(`SELECT COUNT(*) FROM inspection_members m JOIN people p ON p.id = m.person_id JOIN inspection_round_targets t ON t.round_id = m.round_id
			WHERE p.unit_path LIKE t.unit_path || '%'`); bad != 0 {
			t.Fatalf("%d team heads inside their round's targets", bad)
		}
		// Staff on the root, as the committee's officer who reads the whole tree.
		p := &org.Principal{UserID: 1, Grants: []org.Grant{{UnitID: s.Root.ID, UnitPath: s.Root.Path, Role: org.RoleStaff}}}
		c, err := inspection.NewService(db, plan.NewService(db)).Coverage(ctx, p, s.Root.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Rows) == 0 || len(c.Never) == 0 || c.Covered() <= 0 || c.Recs == 0 || c.Done == 0 || c.Overdue == 0 {
			t.Fatalf("coverage: %d rows, %d never of %d eligible, recommendations %d done %d overdue %d", len(c.Rows), len(c.Never), c.Eligible, c.Recs, c.Done, c.Overdue)
		}
		// A base committee's coverage lists the cells it supervised.
		var base int64
		if err := db.QueryRowContext(ctx, `SELECT MIN(r.unit_id) FROM inspection_rounds r JOIN units u ON u.id = r.unit_id WHERE u.kind = 'dang-bo-co-so' AND r.starts_on <= ?`, c.To).Scan(&base); err != nil {
			t.Fatal(err)
		}
		cb, err := inspection.NewService(db, plan.NewService(db)).Coverage(ctx, p, base, 5)
		if err != nil || len(cb.Rows) == 0 || cb.Rows[0].Kind != org.KindCell {
			t.Fatalf("base committee %d: rows %+v (%v)", base, cb.Rows, err)
		}
		t.Logf("%d programmes, %d rounds; coverage %d/%d eligible, %d rows, rate %d/%d", progs, n(`SELECT COUNT(*) FROM inspection_rounds`), c.Covered(), c.Eligible, len(c.Rows), c.Done, c.Recs-c.Carried)
	})
}
