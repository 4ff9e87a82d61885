package plangen_test

import (
	"context"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/plan/plangen"
	"danvan/internal/sqldb"
)

func TestGenerate(t *testing.T) {
	t.Setenv("DANVAN_GEN_TASKS", "6000")
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, err := gen.Run(ctx, db, gen.Options{Units: 400, People: 3000, Seed: 3, Generators: []gen.Generator{plangen.Generate}})
		if err != nil {
			t.Fatal(err)
		}
		var tasks, plans int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tasks`).Scan(&tasks); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM plans`).Scan(&plans); err != nil {
			t.Fatal(err)
		}
		if tasks != 6000 || plans != len(s.Units[org.KindBaseCommittee]) {
			t.Errorf("tasks %d plans %d", tasks, plans)
		}
		var uid int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kehoach'`).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		p, err := org.LoadPrincipal(ctx, db, uid)
		if err != nil {
			t.Fatal(err)
		}
		svc := plan.NewService(db)
		items, err := svc.OpenWork(ctx, p)
		if err != nil || len(items) != 500 {
			t.Errorf("open work of the busy person: %d (%v), want 500", len(items), err)
		}
		var parent int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM tasks WHERE children > 0`).Scan(&parent); err != nil {
			t.Fatal(err)
		}
		task, err := svc.Task(ctx, p, parent)
		if err != nil || task.Rollup.Total != task.Children || task.Children == 0 {
			t.Errorf("cascade parent: %+v %v", task.Rollup, err)
		}
		// New rows after the generator get fresh ids (sequences moved on PostgreSQL).
		var unit, lead int64
		if err := db.QueryRowContext(ctx, `SELECT unit_id, person_id FROM positions WHERE title = 'bi-thu' ORDER BY id LIMIT 1`).Scan(&unit, &lead); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateTask(ctx, p, plan.TaskInput{Title: "Sau khi sinh", UnitID: unit, LeadID: lead, StartOn: "2026-12-01", DueOn: "2026-12-31"}); err != nil {
			t.Errorf("create after gen: %v", err)
		}
	})
}
