package democracy_test

import (
	"context"
	"testing"

	"danvan/internal/calendar"
	"danvan/internal/work"

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
		svc.Disclosures = democracy.NewDisclosureService(db)
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
		checkGeneratedDisclosures(t, ctx, db, p, ov, agencies)
		// Rows made after the generator get fresh ids (sequences moved on PostgreSQL).
		if _, err := db.ExecContext(ctx, `INSERT INTO conference_items (conference_id, seq, kind, title) VALUES ((SELECT MIN(id) FROM conferences), 9, 'motion', 'Sau khi sinh')`); err != nil {
			t.Errorf("insert after gen: %v", err)
		}
	})
}

// checkGeneratedDisclosures: every agency's year of disclosures keeps the register's
// rules (due date from the rule in force and the working days, posted between the
// decision and today, taken down after posting), shows every posting state, and the
// overview and the register count what was written.
func checkGeneratedDisclosures(t *testing.T, ctx context.Context, db *sqldb.DB, p *org.Principal, ov democracy.Overview, agencies int) {
	t.Helper()
	today := work.Today(db.Now())
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	items := count(`SELECT COUNT(*) FROM disclosures`)
	withItems := count(`SELECT COUNT(DISTINCT unit_id) FROM disclosures`)
	overdue := count(`SELECT COUNT(*) FROM disclosures WHERE posted_on = '' AND due_on < ?`, today)
	late := count(`SELECT COUNT(*) FROM disclosures WHERE posted_on > due_on`)
	onTime := count(`SELECT COUNT(*) FROM disclosures WHERE posted_on <> '' AND posted_on <= due_on`)
	cut := count(`SELECT COUNT(*) FROM disclosures WHERE taken_down_on <> '' AND taken_down_on < posted_on`)
	if withItems == 0 || withItems > agencies || items < 18*withItems || items > 30*withItems {
		t.Fatalf("%d disclosures over %d of %d agencies: a year is 18 to 30 items each", items, withItems, agencies)
	}
	if overdue == 0 || late == 0 || onTime < late || cut != 0 {
		t.Errorf("posting states: %d on time, %d late, %d overdue, %d taken down before posting", onTime, late, overdue, cut)
	}
	if n := count(`SELECT COUNT(*) FROM disclosures WHERE (posted_on <> '' AND (posted_on < decision_on OR posted_on > ?)) OR decision_on > ? OR decision_on < ?`,
		today, today, calendar.DateOf(db.Now()).AddDays(-366).String()); n != 0 {
		t.Errorf("%d disclosures decided or posted outside the last year", n)
	}
	// Due dates are the rule's, counted in working days on the calendar.
	rows, err := db.QueryContext(ctx, `SELECT category, decision_on, due_on, display_days FROM disclosures ORDER BY id LIMIT 300`)
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		cat, on, due string
		days         int
	}
	var sample []item
	for rows.Next() {
		var x item
		if err := rows.Scan(&x.cat, &x.on, &x.due, &x.days); err != nil {
			t.Fatal(err)
		}
		sample = append(sample, x)
	}
	rows.Close()
	for _, x := range sample {
		rule, err := democracy.DisclosureRuleOn(ctx, db, x.cat, x.on)
		if err != nil {
			t.Fatal(err)
		}
		if due := rule.DueOn(calendar.New(nil), x.on); due != x.due || rule.DisplayDays != x.days {
			t.Fatalf("%s of %s: due %s for %d days, the rule gives %s for %d", x.cat, x.on, x.due, x.days, due, rule.DisplayDays)
		}
	}
	// The overview counts the overdue items written, per agency and in all.
	if !ov.DisclosuresKnow || ov.DisclosuresOverdue != overdue {
		t.Errorf("overview: %d disclosures overdue (counted %v), generated %d", ov.DisclosuresOverdue, ov.DisclosuresKnow, overdue)
	}
	// The register of the agency with the most overdue items lists all its items, its
	// overdue ones, and their questions.
	var agency int64
	if err := db.QueryRowContext(ctx, `SELECT unit_id FROM disclosures WHERE posted_on = '' AND due_on < ? GROUP BY unit_id ORDER BY COUNT(*) DESC, unit_id LIMIT 1`, today).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	for _, r := range ov.Rows {
		if r.UnitID == agency && r.DisclosuresOverdue != count(`SELECT COUNT(*) FROM disclosures WHERE unit_id = ? AND posted_on = '' AND due_on < ?`, agency, today) {
			t.Errorf("overview row of agency %d: %d overdue", agency, r.DisclosuresOverdue)
		}
	}
	ds := democracy.NewDisclosureService(db)
	all, err := ds.List(ctx, p, democracy.DisclosureFilter{UnitID: agency, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	od, err := ds.List(ctx, p, democracy.DisclosureFilter{UnitID: agency, State: democracy.PostOverdue, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != count(`SELECT COUNT(*) FROM disclosures WHERE unit_id = ?`, agency) || len(od) == 0 ||
		len(od) != count(`SELECT COUNT(*) FROM disclosures WHERE unit_id = ? AND posted_on = '' AND due_on < ?`, agency, today) {
		t.Fatalf("register of agency %d: %d items, %d overdue", agency, len(all), len(od))
	}
	for _, d := range od {
		if d.PostState(today) != democracy.PostOverdue || d.LeadName == "" || d.Signer == "" {
			t.Errorf("overdue item %d: state %s, answerable %q, signer %q", d.ID, d.PostState(today), d.LeadName, d.Signer)
		}
	}
	questions := count(`SELECT COUNT(*) FROM disclosure_questions`)
	answered := count(`SELECT COUNT(*) FROM disclosure_questions WHERE answered_at <> '' AND answer <> '' AND answered_by IS NOT NULL`)
	if questions == 0 || answered == 0 || answered == questions {
		t.Errorf("questions: %d, answered %d: most but not all are answered", questions, answered)
	}
	if n := count(`SELECT COUNT(*) FROM disclosure_questions q JOIN disclosures d ON d.id = q.disclosure_id JOIN users u ON u.id = q.sender_id
		JOIN people pe ON pe.id = u.person_id WHERE d.posted_on = '' OR q.unit_path <> d.unit_path OR pe.unit_path NOT LIKE d.unit_path || '%'`); n != 0 {
		t.Errorf("%d questions on unposted items or from outside the agency", n)
	}
	var qd int64
	if err := db.QueryRowContext(ctx, `SELECT MIN(disclosure_id) FROM disclosure_questions`).Scan(&qd); err != nil {
		t.Fatal(err)
	}
	d, err := ds.Disclosure(ctx, p, qd)
	if err != nil || d.Questions == 0 || len(d.QuestionList) != d.Questions || d.QuestionList[0].SenderName == "" {
		t.Errorf("item %d with questions: %+v, %v", qd, d.QuestionList, err)
	}
}
