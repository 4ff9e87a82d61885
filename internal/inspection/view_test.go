package inspection_test

import (
	"context"
	"fmt"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// TestTargetSeesOnlyItsFindings: a target unit sees the round about itself and its own
// findings, not another target's; only the team and the committee write findings.
func TestTargetSeesOnlyItsFindings(t *testing.T) {
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
		svc := inspection.NewService(db, plan.NewService(db))
		staff, target := who("canbo"), who("bithu1")
		a1, a2, a3 := o.Agencies[0], o.Agencies[1], o.Agencies[2]
		var topic int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_topics WHERE code = 'don-thu'`).Scan(&topic); err != nil {
			t.Fatal(err)
		}
		progID, err := svc.CreateProgramme(ctx, staff, inspection.ProgrammeInput{UnitID: o.Root.ID, Year: o.CurrentYear,
			Items: []inspection.ItemInput{{Kind: inspection.KindThematic, TopicID: topic, Months: []int{5}, TargetIDs: []int64{a1.Node.ID, a2.Node.ID}, LeadID: o.People["canbo"]}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.ApproveProgramme(ctx, staff, progID); err != nil {
			t.Fatal(err)
		}
		var itemID int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_items WHERE programme_id = ?`, progID).Scan(&itemID); err != nil {
			t.Fatal(err)
		}
		d := func(md string) string { return fmt.Sprintf("%d-%s", o.CurrentYear, md) }
		roundID, err := svc.OpenRound(ctx, staff, inspection.RoundInput{ItemID: itemID, DecisionNo: "20-QĐ/ĐUK", DecisionOn: d("04-01"),
			HeadID: o.People["canbo"], MemberIDs: []int64{a3.People[0]}, StartsOn: d("05-04"), EndsOn: d("05-08"), ReportDue: d("04-24")})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []int64{a1.Node.ID, a2.Node.ID} {
			if _, err := svc.AddFinding(ctx, staff, roundID, inspection.Finding{TargetID: u, TopicID: topic, Content: fmt.Sprintf("Kết quả tại đơn vị %d", u)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.AddFinding(ctx, target, roundID, inspection.Finding{TargetID: a1.Node.ID, TopicID: topic, Content: "tự ghi"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("a target wrote a finding: %v", err)
		}
		all, err := svc.Round(ctx, staff, roundID)
		if err != nil || len(all.Findings) != 2 || len(all.TargetIDs) != 2 {
			t.Fatalf("committee view: %+v %v", all, err)
		}
		mine, err := svc.Round(ctx, target, roundID)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine.Findings) != 1 || mine.Findings[0].TargetID != a1.Node.ID || len(mine.TargetIDs) != 1 {
			t.Fatalf("target view shows another target: %+v", mine)
		}
	})
}
