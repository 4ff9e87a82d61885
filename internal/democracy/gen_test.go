package democracy_test

import (
	"context"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/democracy"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/plan/plangen"
	"danvan/internal/sqldb"
)

// The generator gives every agency of the synthetic tree its conferences, commitments
// as tasks and a board, and the overview of the whole tree reads them back with the
// late, missing and overdue rows a December would show.
func TestGenerate(t *testing.T) {
	t.Setenv("DANVAN_GEN_TASKS", "2000")
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, err := gen.Run(ctx, db, gen.Options{Units: 600, People: 6000, Seed: 5, Generators: []gen.Generator{plangen.Generate, democracy.Generate}})
		if err != nil {
			t.Fatal(err)
		}
		agencies := len(s.Units[org.KindAgency])
		var confs, issued, tasks, boards, members int
		for _, q := range []struct {
			sql string
			dst *int
		}{{`SELECT COUNT(*) FROM conferences`, &confs}, {`SELECT COUNT(*) FROM conferences WHERE status = 'issued'`, &issued},
			{`SELECT COUNT(*) FROM conference_commitments cm JOIN tasks t ON t.id = cm.task_id`, &tasks},
			{`SELECT COUNT(*) FROM boards`, &boards}, {`SELECT COUNT(*) FROM board_members`, &members}} {
			if err := db.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
				t.Fatal(err)
			}
		}
		if agencies == 0 || confs < agencies || confs > 2*agencies || issued == 0 || tasks != 2*issued || boards == 0 || members != 5*boards {
			t.Fatalf("agencies %d: conferences %d (issued %d), commitment tasks %d, boards %d with %d members", agencies, confs, issued, tasks, boards, members)
		}
		var uid int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kehoach'`).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		p, err := org.LoadPrincipal(ctx, db, uid)
		if err != nil {
			t.Fatal(err)
		}
		svc := democracy.NewConferenceService(db, nil, nil)
		ov, err := svc.Overview(ctx, p, s.Root.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Rows) != agencies {
			t.Fatalf("overview rows %d, agencies %d", len(ov.Rows), agencies)
		}
		held, inTerm := 0, 0
		for _, r := range ov.Rows {
			if r.HeldOn != "" {
				held++
			}
			if r.Board == democracy.BoardInTerm {
				inTerm++
			}
		}
		if ov.ConferencesLate == 0 || held == 0 || inTerm == 0 || ov.CommitmentsOverdue == 0 {
			t.Errorf("overview: %d late, %d held, %d boards in term, %d commitments overdue: a generated December shows all four", ov.ConferencesLate, held, inTerm, ov.CommitmentsOverdue)
		}
		// Rows made after the generator get fresh ids (sequences moved on PostgreSQL).
		if _, err := db.ExecContext(ctx, `INSERT INTO conference_items (conference_id, seq, kind, title) VALUES ((SELECT MIN(id) FROM conferences), 9, 'motion', 'Sau khi sinh')`); err != nil {
			t.Errorf("insert after gen: %v", err)
		}
	})
}
