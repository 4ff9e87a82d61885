package inspection_test

import (
	"fmt"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/figures"
	"danvan/internal/inspection"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// TestCoverage: last year's programme of the root inspects agency 1 on the democracy
// rules (two rounds: one kiểm tra, one giám sát chuyên đề) and supervises agency 2 on
// petitions; agency 1's conclusion has three recommendations (one accepted, one overdue,
// one carried over). Coverage counts exactly that, lists agency 3 among the never
// covered, and the "inspection" figures agree. Other accounts: agency 1's manager sees
// only its own subtree's coverage (the units inside the agency); an account without
// ViewInspection none.
func TestCoverage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := newEvidenceFixture(t, db)
		ctx, o := f.ctx, f.o
		staff, head := f.who(t, "canbo"), f.who(t, "thutruong1")
		a1, a2, a3 := o.Agencies[0], o.Agencies[1], o.Agencies[2]
		year := o.CurrentYear - 1
		var pet int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_topics WHERE code = 'don-thu'`).Scan(&pet); err != nil {
			t.Fatal(err)
		}
		lead := o.People["canbo"]
		progID, err := f.svc.CreateProgramme(ctx, staff, inspection.ProgrammeInput{UnitID: o.Root.ID, Year: year, Items: []inspection.ItemInput{
			{Kind: inspection.KindInspect, TopicID: f.topic, Months: []int{3}, TargetIDs: []int64{a1.Node.ID}, LeadID: lead},
			{Kind: inspection.KindThematic, TopicID: f.topic, Months: []int{6}, TargetIDs: []int64{a1.Node.ID}, LeadID: lead},
			{Kind: inspection.KindThematic, TopicID: pet, Months: []int{9}, TargetIDs: []int64{a2.Node.ID}, LeadID: lead},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ApproveProgramme(ctx, staff, progID); err != nil {
			t.Fatal(err)
		}
		var items []int64
		rows, err := db.QueryContext(ctx, `SELECT id FROM inspection_items WHERE programme_id = ? ORDER BY seq`, progID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			items = append(items, id)
		}
		rows.Close()
		d := func(m, day int) string { return fmt.Sprintf("%d-%02d-%02d", year, m, day) }
		var rounds []int64
		for i, it := range items {
			m := 3 + 3*i
			id, err := f.svc.OpenRound(ctx, staff, inspection.RoundInput{ItemID: it, DecisionNo: fmt.Sprintf("%d-QĐ/ĐUK", 40+i), DecisionOn: d(m, 1), HeadID: lead,
				StartsOn: d(m, 15), EndsOn: d(m, 20), ReportDue: d(m, 10)})
			if err != nil {
				t.Fatal(err)
			}
			rounds = append(rounds, id)
		}
		if err := f.svc.Conclude(ctx, staff, rounds[0], inspection.ConclusionInput{Number: "07-TB/ĐUK", IssuedOn: d(4, 1), Text: "Kết luận.",
			Recommendations: []inspection.RecommendationInput{
				{TargetID: a1.Node.ID, Content: "Công khai kết quả", LeadID: a1.Head, DueDays: 10},
				{TargetID: a1.Node.ID, Content: "Sửa quy chế", LeadID: a1.Head, DueDays: 10},
				{TargetID: a1.Node.ID, Content: "Chờ hướng dẫn", LeadID: a1.Head, DueDays: 10}}}); err != nil {
			t.Fatal(err)
		}
		recTask := func(seq int) (rec, task int64) {
			if err := db.QueryRowContext(ctx, `SELECT id, task_id FROM inspection_recommendations WHERE round_id = ? AND seq = ?`, rounds[0], seq).Scan(&rec, &task); err != nil {
				t.Fatal(err)
			}
			return
		}
		_, t1 := recTask(1)
		if err := f.plans.Complete(ctx, head, t1, plan.ReportInput{Body: "Đã công khai."}); err != nil {
			t.Fatal(err)
		}
		if err := f.plans.Accept(ctx, staff, t1, plan.ReportInput{Body: "Đạt."}); err != nil {
			t.Fatal(err)
		}
		rec3, _ := recTask(3)
		if err := f.svc.CarryOver(ctx, staff, rec3, "Chờ hướng dẫn của Trung ương"); err != nil {
			t.Fatal(err)
		}

		c, err := f.svc.Coverage(ctx, staff, o.Root.ID, 5)
		if err != nil {
			t.Fatal(err)
		}
		row := func(id int64) *inspection.CoverageRow {
			for i := range c.Rows {
				if c.Rows[i].UnitID == id {
					return &c.Rows[i]
				}
			}
			return nil
		}
		r1, r2 := row(a1.Node.ID), row(a2.Node.ID)
		if len(c.Rows) != 2 || r1 == nil || r2 == nil {
			t.Fatalf("covered rows %+v", c.Rows)
		}
		topicAt := map[string]int{}
		for i, tp := range c.Topics {
			topicAt[tp.Code] = i
		}
		if r1.Rounds != 2 || r1.Topics[topicAt["quy-che-dan-chu"]] != 2 || r1.Topics[topicAt["don-thu"]] != 0 || r1.Name != a1.Node.Name || r1.LastOn != d(6, 15) {
			t.Errorf("agency 1 row %+v", *r1)
		}
		if r1.Recs != 3 || r1.Done != 1 || r1.Overdue != 1 || r1.Carried != 1 {
			t.Errorf("agency 1 recommendations %+v", *r1)
		}
		if pct, ok := r1.Rate(); !ok || pct != 50 {
			t.Errorf("agency 1 rate %v %v, want 50 (1 done of 2 not carried over)", pct, ok)
		}
		if _, ok := r2.Rate(); ok || r2.Topics[topicAt["don-thu"]] != 1 {
			t.Errorf("agency 2 row %+v", *r2)
		}
		// By topic and kind: the democracy rules have one unit inspected and the same
		// unit supervised; petitions one unit supervised.
		if got := c.ByTopic[topicAt["quy-che-dan-chu"]]; got != [3]int{1, 1, 0} {
			t.Errorf("democracy rules by kind %v", got)
		}
		if got := c.ByTopic[topicAt["don-thu"]]; got != [3]int{0, 1, 0} {
			t.Errorf("petitions by kind %v", got)
		}
		never := map[int64]bool{}
		for _, u := range c.Never {
			never[u.ID] = true
		}
		if !never[a3.Node.ID] || never[a1.Node.ID] || never[a2.Node.ID] || never[o.Root.ID] {
			t.Errorf("never covered: %+v", c.Never)
		}
		// Every eligible unit under the root is either covered or never covered.
		var eligible int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE kind IN ('dang-bo-cap-tren', 'co-quan') AND valid_to = '' AND path > ? AND path < ?`,
			o.Root.Path, sqldb.PathEnd(o.Root.Path)).Scan(&eligible); err != nil {
			t.Fatal(err)
		}
		if c.Eligible != eligible || c.Covered() != 2 {
			t.Errorf("eligible %d (want %d), covered %d", c.Eligible, eligible, c.Covered())
		}
		// One year back from today misses last year's March round only when today is
		// past March 15; the look-back is bounded.
		if _, err := f.svc.Coverage(ctx, staff, o.Root.ID, 11); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("11 years: %v", err)
		}

		// The same numbers through the figures contract, with agencies side by side.
		q := figures.Query{Scope: o.Root.Path, From: d(1, 1), To: d(12, 31), Children: []string{a1.Node.Path, a2.Node.Path, a3.Node.Path}}
		bs, err := f.svc.Figures(ctx, staff, q)
		if err != nil || len(bs) != 1 {
			t.Fatal(bs, err)
		}
		b := bs[0]
		if got := []int64{b.Figures[0].Value, b.Figures[1].Value, b.Figures[2].Value, b.Figures[3].Value, b.Figures[4].Value}; fmt.Sprint(got) != "[3 2 3 1 1]" {
			t.Errorf("figures %v, want rounds 3, targets 2, recommendations 3, done 1, overdue 1", got)
		}
		if fmt.Sprint(b.ByChild[a1.Node.Path]) != "[2 1 3 1 1]" || fmt.Sprint(b.ByChild[a3.Node.Path]) != "[0 0 0 0 0]" {
			t.Errorf("by child %v", b.ByChild)
		}
		// Read from the period's rounds (as for a scope of many targets), the same block.
		qt := q
		qt.Trend = true
		small, err := f.svc.Figures(ctx, staff, qt)
		if err != nil {
			t.Fatal(err)
		}
		undo := inspection.SetBigScopeTargets(0)
		big, err := f.svc.Figures(ctx, staff, qt)
		undo()
		if err != nil || fmt.Sprint(big) != fmt.Sprint(small) || fmt.Sprint(small[0].Figures) != fmt.Sprint(bs[0].Figures) {
			t.Errorf("by rounds %v\nby targets %v (%v)", big, small, err)
		}
		var trendRounds int64
		for _, pt := range small[0].Trend {
			trendRounds += pt.Values[0]
		}
		if trendRounds != 3 {
			t.Errorf("rounds by month sum to %d, want 3", trendRounds)
		}
		// Agency 1's own manager sees its own rounds, not agency 2's.
		mine, err := f.svc.Figures(ctx, head, q)
		if err != nil || len(mine) != 1 || mine[0].Figures[0].Value != 2 {
			t.Errorf("agency 1's manager: %+v %v", mine, err)
		}
		if _, err := f.svc.Coverage(ctx, head, o.Root.ID, 5); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("agency 1's manager read the root's coverage: %v", err)
		}
		// Agency 1's own coverage lists the units inside it (its committee, cells, mass
		// organisations), none of them a target here.
		ca, err := f.svc.Coverage(ctx, head, a1.Node.ID, 5)
		if err != nil || len(ca.Rows) != 0 || ca.Eligible == 0 || len(ca.Never) != ca.Eligible {
			t.Errorf("agency 1's own coverage: rows %+v, %d never of %d (%v)", ca.Rows, len(ca.Never), ca.Eligible, err)
		}
		if _, err := f.svc.Coverage(ctx, f.who(t, "dangvien1"), a1.Node.ID, 5); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("a member without ViewInspection: %v", err)
		}
	})
}
