package democracy_test

import (
	"context"
	"fmt"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/democracy"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// TestDemocracyFigures builds known records (a board in term at agency 1, an old board
// out of term at agency 2, disclosures of agency 1 posted and not posted, an overdue
// commitment) and checks the "democracy" block for the root with the agencies side by
// side, and that a plain member of agency 1 is not counted the items its register does
// not show them (those not yet disclosed).
func TestDemocracyFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var o *demo.Org
		capture := func(ctx context.Context, db *sqldb.DB, got *demo.Org) error { o = got; return nil }
		if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", capture); err != nil {
			t.Fatal(err)
		}
		who := func(u string) *org.Principal {
			p, err := org.LoadPrincipal(ctx, db, o.Users[u])
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		src := democracy.NewFigures(democracy.NewConferenceService(db, nil, nil), democracy.NewDisclosureService(db))
		a1, a2 := o.Agencies[0], o.Agencies[1]
		today := work.Today(db.Now())
		year := o.CurrentYear - 1
		ts := sqldb.FormatTime(db.Now())
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`INSERT INTO boards (unit_id, unit_path, elected_on, term_end, created_at) VALUES (?, ?, ?, '2099-01-01', ?)`, a1.Node.ID, a1.Node.Path, today, ts)
		exec(`INSERT INTO boards (unit_id, unit_path, elected_on, term_end, created_at) VALUES (?, ?, '2020-01-01', '2022-01-01', ?)`, a2.Node.ID, a2.Node.Path, ts)
		var rule int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM disclosure_rules WHERE category = '' ORDER BY id LIMIT 1`).Scan(&rule); err != nil {
			t.Fatal(err)
		}
		for i, posted := range []string{fmt.Sprintf("%d-02-05", year), "", ""} {
			exec(`INSERT INTO disclosures (unit_id, unit_path, category, title, decision_no, decision_on, forms, rule_id, due_on, display_days, posted_on, lead_id, created_at, updated_at)
				VALUES (?, ?, 'ke-hoach', ?, ?, ?, 'niem-yet', ?, ?, 20, ?, ?, ?, ?)`, a1.Node.ID, a1.Node.Path, fmt.Sprintf("Kế hoạch %d", i), fmt.Sprintf("%d/QĐ-STP", i+1),
				fmt.Sprintf("%d-02-02", year), rule, fmt.Sprintf("%d-02-09", year), posted, a1.Head, ts, ts)
		}
		// Written past the service: the register's counters are rebuilt from the rows.
		if err := democracy.RebuildDisclosureCounts(ctx, db); err != nil {
			t.Fatal(err)
		}
		var crule int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM conference_rules ORDER BY id LIMIT 1`).Scan(&crule); err != nil {
			t.Fatal(err)
		}
		confID, err := func() (int64, error) {
			var id int64
			err := db.Tx(ctx, func(tx *sqldb.Tx) error {
				var err error
				id, err = tx.InsertID(ctx, `INSERT INTO conferences (unit_id, unit_path, year, rule_id, due_on, held_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'issued', ?, ?) RETURNING id`,
					a1.Node.ID, a1.Node.Path, year, crule, fmt.Sprintf("%d-03-31", year), fmt.Sprintf("%d-03-20", year), ts, ts)
				return err
			})
			return id, err
		}()
		if err != nil {
			t.Fatal(err)
		}
		var taskID int64
		if err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			var err error
			taskID, err = tx.InsertID(ctx, `INSERT INTO tasks (unit_id, unit_path, assigner_path, title, title_fold, description, lead_id, priority, start_on, due_on, due_rule, status, percent, created_at, updated_at)
				VALUES (?, ?, ?, 'Cam kết', 'cam ket', '', ?, 2, ?, ?, '', 'doing', 10, ?, ?) RETURNING id`, a1.Node.ID, a1.Node.Path, a1.Node.Path, a1.Head,
				fmt.Sprintf("%d-03-21", year), fmt.Sprintf("%d-06-30", year), ts, ts)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO conference_commitments (conference_id, seq, content, lead_id, due_on, task_id, unit_path, task_status, task_due_on) VALUES (?, 1, 'Cam kết', ?, ?, ?, ?, 'doing', ?)`,
			confID, a1.Head, fmt.Sprintf("%d-06-30", year), taskID, a1.Node.Path, fmt.Sprintf("%d-06-30", year))

		var kids []string
		for _, a := range o.Agencies {
			kids = append(kids, a.Node.Path)
		}
		q := figures.Query{Scope: o.Root.Path, From: fmt.Sprintf("%d-01-01", year), To: today, Children: kids, Trend: true}
		bs, err := src.Figures(ctx, who("canbo"), q)
		if err != nil || len(bs) != 1 || bs[0].Key != "democracy" {
			t.Fatalf("blocks %+v %v", bs, err)
		}
		b := bs[0]
		val := map[string]int64{}
		for _, f := range b.Figures {
			val[f.Key] = f.Value
		}
		// Agencies whose staff reaches the rule's minimum and have no board in term.
		var missing int64
		for _, a := range o.Agencies {
			if a.Node.ID != a1.Node.ID && len(a.People) >= 8 {
				missing++
			}
		}
		want := map[string]int64{"conferences_held": 1, "conferences_late": 0, "disclosures_on_time": 1, "disclosures_late": 0, "disclosures_overdue": 2,
			"boards_in_term": 1, "boards_missing": missing, "commitments_overdue": 1}
		for k, v := range want {
			if val[k] != v {
				t.Errorf("%s = %d, want %d", k, val[k], v)
			}
		}
		if row := b.ByChild[a1.Node.Path]; fmt.Sprint(row) != "[1 0 1 0 2 1 0 1]" {
			t.Errorf("agency 1 side by side %v", row)
		}
		if row := b.ByChild[a2.Node.Path]; row[5] != 0 || (len(a2.People) >= 8) != (row[6] == 1) {
			t.Errorf("agency 2 (board out of term) %v", row)
		}
		var trendHeld int64
		for _, pt := range b.Trend {
			trendHeld += pt.Values[0]
		}
		if trendHeld != 1 {
			t.Errorf("trend of held conferences sums to %d", trendHeld)
		}
		// The head reads the whole register; a plain member only what was disclosed.
		for u, overdue := range map[string]int64{"thutruong1": 2, "dangvien1": 0} {
			bs, err := src.Figures(ctx, who(u), figures.Query{Scope: a1.Node.Path, From: q.From, To: q.To})
			if err != nil || len(bs) != 1 {
				t.Fatalf("%s: %+v %v", u, bs, err)
			}
			if got := bs[0].Figures[4].Value; got != overdue || bs[0].Figures[2].Value != 1 {
				t.Errorf("%s counts %d not yet disclosed (want %d), %d on time", u, got, overdue, bs[0].Figures[2].Value)
			}
		}
		// Another agency's account sees no block of agency 1.
		if bs, err := src.Figures(ctx, who("bithu1"), figures.Query{Scope: a2.Node.Path, From: q.From, To: q.To}); err != nil || len(bs) != 0 {
			t.Errorf("agency 1's secretary on agency 2: %+v %v", bs, err)
		}
	})
}
