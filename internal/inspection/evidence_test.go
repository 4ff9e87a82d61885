package inspection_test

import (
	"context"
	"fmt"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/auth"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/figures"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// evidenceFixture is the demo organisation with the dashboard's sources wired as
// internal/app wires them, and a helper to open a round on agency 1.
type evidenceFixture struct {
	ctx   context.Context
	db    *sqldb.DB
	o     *demo.Org
	plans *plan.Service
	svc   *inspection.Service
	topic int64
}

func newEvidenceFixture(t *testing.T, db *sqldb.DB) *evidenceFixture {
	t.Helper()
	f := &evidenceFixture{ctx: context.Background(), db: db}
	capture := func(ctx context.Context, db *sqldb.DB, got *demo.Org) error { f.o = got; return nil }
	if _, err := demo.Load(f.ctx, db, "mat-khau-demo-2026", capture); err != nil {
		t.Fatal(err)
	}
	f.plans = plan.NewService(db)
	f.svc = inspection.NewService(db, f.plans)
	f.svc.Sources = []figures.Source{f.plans, draft.NewService(db), emulation.NewService(db),
		democracy.NewFigures(democracy.NewConferenceService(db, f.plans, nil), democracy.NewDisclosureService(db)), f.svc}
	if err := db.QueryRowContext(f.ctx, `SELECT id FROM inspection_topics WHERE code = 'quy-che-dan-chu'`).Scan(&f.topic); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *evidenceFixture) who(t *testing.T, username string) *org.Principal {
	t.Helper()
	p, err := org.LoadPrincipal(f.ctx, f.db, f.o.Users[username])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// openRound makes an approved programme of the root with one item on targets and opens
// a round on it whose team is head plus members.
func (f *evidenceFixture) openRound(t *testing.T, p *org.Principal, decision string, targets []int64, members []int64) int64 {
	t.Helper()
	year := f.o.CurrentYear
	var progID int64
	err := f.db.QueryRowContext(f.ctx, `SELECT id FROM inspection_programmes WHERE unit_id = ? AND year = ?`, f.o.Root.ID, year).Scan(&progID)
	if err != nil {
		progID, err = f.svc.CreateProgramme(f.ctx, p, inspection.ProgrammeInput{UnitID: f.o.Root.ID, Year: year,
			Items: []inspection.ItemInput{{Kind: inspection.KindInspect, TopicID: f.topic, Months: []int{3}, TargetIDs: targets, LeadID: f.o.People["canbo"]}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ApproveProgramme(f.ctx, p, progID); err != nil {
			t.Fatal(err)
		}
	}
	var itemID int64
	if err := f.db.QueryRowContext(f.ctx, `SELECT id FROM inspection_items WHERE programme_id = ? ORDER BY id LIMIT 1`, progID).Scan(&itemID); err != nil {
		t.Fatal(err)
	}
	d := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
	id, err := f.svc.OpenRound(f.ctx, p, inspection.RoundInput{ItemID: itemID, DecisionNo: decision, DecisionOn: d("01-05"), HeadID: f.o.People["canbo"],
		MemberIDs: members, StartsOn: d("12-20"), EndsOn: d("12-31"), ReportDue: d("12-10")})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func figure(t *testing.T, e inspection.Evidence, block, key string) int64 {
	t.Helper()
	for _, b := range e.Blocks {
		if b.Key != block {
			continue
		}
		for _, fg := range b.Figures {
			if fg.Key == key {
				return fg.Value
			}
		}
		t.Fatalf("block %s has no figure %s", block, key)
	}
	t.Fatalf("pack has no block %s (blocks: %d)", block, len(e.Blocks))
	return 0
}

// TestEvidencePack builds known records at agency 1 (and one at agency 2 that must not
// count), opens a round and checks the stored pack's numbers, that it stays as taken
// until refreshed, who may read and refresh it, and on whose rights.
func TestEvidencePack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newEvidenceFixture(t, db)
		ctx, o := f.ctx, f.o
		staff, head := f.who(t, "canbo"), f.who(t, "thutruong1")
		a1, a2, a3 := o.Agencies[0], o.Agencies[1], o.Agencies[2]
		today := work.Today(db.Now())
		// The records are of last year, inside the pack's period whatever today's date.
		year := o.CurrentYear - 1
		past := fmt.Sprintf("%d-02-02", year)

		// Tasks at agency 1: one done on time, one overdue, one open and not yet due; one
		// overdue at agency 2.
		task := func(unit org.Unit, lead int64, title, start, due string) int64 {
			tk, err := f.plans.CreateTask(ctx, staff, plan.TaskInput{Title: title, UnitID: unit.ID, LeadID: lead, StartOn: start, DueOn: due, Priority: 2})
			if err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		done := task(a1.Node, a1.Head, "Rà soát quy chế dân chủ", past, "2099-12-31")
		if err := f.plans.Complete(ctx, head, done, plan.ReportInput{Body: "Đã rà soát."}); err != nil {
			t.Fatal(err)
		}
		if err := f.plans.Accept(ctx, staff, done, plan.ReportInput{Body: "Đạt."}); err != nil {
			t.Fatal(err)
		}
		task(a1.Node, a1.Head, "Báo cáo công tác dân vận quý", past, fmt.Sprintf("%d-03-01", year))
		task(a1.Node, a1.Head, "Kế hoạch năm sau", past, "2099-12-31")
		task(a2.Node, a2.Head, "Việc của cơ quan khác", past, fmt.Sprintf("%d-03-01", year))

		// The register of agency 1: one posted on time, one late, one not posted past its
		// due date; a conference held after its window.
		var rule int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM disclosure_rules WHERE category = '' ORDER BY id LIMIT 1`).Scan(&rule); err != nil {
			t.Fatal(err)
		}
		ts := sqldb.FormatTime(db.Now())
		for i, posted := range []string{fmt.Sprintf("%d-02-05", year), fmt.Sprintf("%d-03-01", year), ""} {
			if _, err := db.ExecContext(ctx, `INSERT INTO disclosures (unit_id, unit_path, category, title, decision_no, decision_on, forms, rule_id, due_on, display_days, posted_on, lead_id, created_at, updated_at)
				VALUES (?, ?, 'ke-hoach', ?, ?, ?, 'niem-yet', ?, ?, 20, ?, ?, ?, ?)`, a1.Node.ID, a1.Node.Path, fmt.Sprintf("Kế hoạch %d", i), fmt.Sprintf("%d/QĐ-STP", i+1),
				fmt.Sprintf("%d-02-02", year), rule, fmt.Sprintf("%d-02-09", year), posted, a1.Head, ts, ts); err != nil {
				t.Fatal(err)
			}
		}
		// Written past the register's service: its counters are rebuilt from the rows.
		if err := democracy.RebuildDisclosureCounts(ctx, db); err != nil {
			t.Fatal(err)
		}
		var crule int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM conference_rules ORDER BY id LIMIT 1`).Scan(&crule); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO conferences (unit_id, unit_path, year, rule_id, due_on, held_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'held', ?, ?)`,
			a1.Node.ID, a1.Node.Path, year, crule, fmt.Sprintf("%d-03-31", year), fmt.Sprintf("%d-04-15", year), ts, ts); err != nil {
			t.Fatal(err)
		}

		// A team member from agency 3, outside agency 1's subtree, with an account of no grant.
		outsider := a3.People[0]
		var outsiderUser int64
		if err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "doan-vien", Password: "mat-khau-doan-vien", DisplayName: "Thành viên đoàn", PersonID: outsider, UnitID: a3.Node.ID})
			outsiderUser = u.ID
			return err
		}); err != nil {
			t.Fatal(err)
		}
		member, err := org.LoadPrincipal(ctx, db, outsiderUser)
		if err != nil {
			t.Fatal(err)
		}

		roundID := f.openRound(t, staff, "31-QĐ/ĐUK", []int64{a1.Node.ID}, []int64{outsider})
		e, err := f.svc.Evidence(ctx, staff, roundID, a1.Node.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.TakenAt == "" || e.From != fmt.Sprintf("%d-01-01", year) || e.To != today || !e.Linked || !e.CanRefresh {
			t.Fatalf("pack not taken on opening as expected: %+v", e)
		}
		want := map[[2]string]int64{
			{"plans", "done"}: 1, {"plans", "done_on_time"}: 1, {"plans", "overdue"}: 1, {"plans", "open"}: 2,
			{"democracy", "disclosures_on_time"}: 1, {"democracy", "disclosures_late"}: 1, {"democracy", "disclosures_overdue"}: 1,
			{"democracy", "conferences_held"}: 1, {"democracy", "conferences_late"}: 1,
		}
		for k, v := range want {
			if got := figure(t, e, k[0], k[1]); got != v {
				t.Errorf("%s.%s = %d, want %d", k[0], k[1], got, v)
			}
		}
		// The pack is the same as the sources answer directly for agency 1 on the
		// officer's rights (no block is lost or changed by storing it).
		direct, err := f.svc.EvidenceFigures(ctx, staff, a1.Node.Path, e.From, e.To)
		if err != nil {
			t.Fatal(err)
		}
		if len(direct) != len(e.Blocks) {
			t.Fatalf("stored %d blocks, sources give %d", len(e.Blocks), len(direct))
		}

		// It stays as taken: a new overdue task does not show until a refresh.
		task(a1.Node, a1.Head, "Việc mới quá hạn", past, fmt.Sprintf("%d-03-02", year))
		if e2, _ := f.svc.Evidence(ctx, staff, roundID, a1.Node.ID); figure(t, e2, "plans", "overdue") != 1 {
			t.Fatalf("the stored pack moved without a refresh")
		}

		// The team member from outside reads it, without links, and refreshes it on the
		// rights of the officer who opened the round: the new task now counts.
		em, err := f.svc.Evidence(ctx, member, roundID, a1.Node.ID)
		if err != nil {
			t.Fatal(err)
		}
		if em.Linked || figure(t, em, "plans", "overdue") != 1 {
			t.Fatalf("team member's view: linked %v", em.Linked)
		}
		for _, b := range em.Blocks {
			for _, fg := range b.Figures {
				if fg.Href != "" {
					t.Fatalf("a link to %s shown to a reader who cannot open it", fg.Href)
				}
			}
		}
		// On their own rights a grant-less account sees nothing of agency 1.
		own, err := f.svc.EvidenceFigures(ctx, member, a1.Node.Path, e.From, e.To)
		if err != nil {
			t.Fatal(err)
		}
		if n := figure(t, inspection.Evidence{Blocks: own}, "plans", "overdue"); n != 0 {
			t.Fatalf("the outsider's own rights count %d overdue tasks of agency 1", n)
		}
		for _, b := range own {
			if b.Key == "democracy" {
				t.Fatalf("the outsider's own rights give agency 1's democracy block")
			}
		}
		if err := f.svc.TakeEvidence(ctx, member, roundID); err != nil {
			t.Fatal(err)
		}
		em, _ = f.svc.Evidence(ctx, member, roundID, a1.Node.ID)
		if figure(t, em, "plans", "overdue") != 2 || em.RightsOf == "" || em.RightsOf == em.AskedBy {
			t.Fatalf("refresh by the team: overdue %d, rights of %q, asked by %q", figure(t, em, "plans", "overdue"), em.RightsOf, em.AskedBy)
		}

		// Nobody else reads it: not the target's own head, not another agency's account.
		for _, u := range []string{"thutruong1", "bithu1"} {
			if _, err := f.svc.Evidence(ctx, f.who(t, u), roundID, a1.Node.ID); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s read the pack: %v", u, err)
			}
			if err := f.svc.TakeEvidence(ctx, f.who(t, u), roundID); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("%s refreshed the pack: %v", u, err)
			}
		}
		if _, err := f.svc.Evidence(ctx, staff, roundID, a2.Node.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("a pack of a unit that is not a target: %v", err)
		}
		// When the opener no longer manages the committee's inspections, the team cannot
		// refresh on their rights any more.
		if _, err := db.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = ?`, o.Users["canbo"]); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.TakeEvidence(ctx, member, roundID); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("refresh on the rights of an opener without rights: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = 'inspection_round' AND action = 'evidence'`); n != 2 {
			t.Errorf("audit entries of the pack = %d, want 2 (opening, refresh)", n)
		}
	})
}
