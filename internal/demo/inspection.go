package demo

import (
	"context"
	"fmt"
	"time"

	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

const inspectionKey = "demo.inspections"

// Inspections loads the upper committee's inspection and supervision programme for the
// current year, run by the account kiemtra (made by Models, which must run first):
//   - item 1, kiểm tra on the democracy rules at Sở Tư pháp: a round closed with two
//     recommendations. The first was reported done by the agency's head and accepted. The
//     second is overdue: its task is still open past its deadline (so the reminders job
//     reminds both sides), and the round could close only because the team carried it
//     over, with the reason, to the round under way — a round closes only when every
//     recommendation is accepted or carried over, so this is the honest form of "a closed
//     round with one recommendation done and one overdue";
//   - item 2, giám sát chuyên đề on petitions at Sở Tư pháp and the second agency: a round
//     under way, with Sở Tư pháp's self-report sent and a first finding at the other;
//   - item 3, giám sát chuyên đề on the democracy rules at Sở Tư pháp later in the year,
//     no round yet (the browser test plans one).
func Inspections(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, inspectionKey)
	if err != nil || done {
		return err
	}
	if o.Users["kiemtra"] == 0 || len(o.Agencies) < 3 {
		return nil // the inspector comes with the models' sample data
	}
	fail := func(what string, err error) error { return fmt.Errorf("demo inspections: %s: %w", what, err) }
	pr := func(user string) (*org.Principal, error) { return org.LoadPrincipal(ctx, db, o.Users[user]) }
	inspector, err := pr("kiemtra")
	if err != nil {
		return err
	}
	head, err := pr("thutruong1")
	if err != nil {
		return err
	}
	plans := plan.NewService(db)
	svc := inspection.NewService(db, plans)
	a1, a2, a3 := o.Agencies[0], o.Agencies[1], o.Agencies[2]
	topics := map[string]int64{}
	ts, err := svc.Topics(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		topics[t.Code] = t.ID
	}
	// Dates of this year relative to today, never before 1 January: the rounds must fall
	// in the programme's year.
	now := db.Now()
	jan1 := time.Date(o.CurrentYear, 1, 1, 12, 0, 0, 0, work.VietnamZone)
	ago := func(days int) string {
		t := now.AddDate(0, 0, -days)
		if t.Before(jan1) {
			t = jan1
		}
		return work.Today(t)
	}
	staff := o.People["canbo"] // Ban Dân vận of the upper committee: team head, item lead
	progID, err := svc.CreateProgramme(ctx, inspector, inspection.ProgrammeInput{UnitID: o.Root.ID, Year: o.CurrentYear, Items: []inspection.ItemInput{
		{Kind: inspection.KindInspect, TopicID: topics["quy-che-dan-chu"], Months: []int{3, 4}, TargetIDs: []int64{a1.Node.ID}, LeadID: staff},
		{Kind: inspection.KindThematic, TopicID: topics["don-thu"], Months: []int{10, 11}, TargetIDs: []int64{a1.Node.ID, a2.Node.ID}, LeadID: staff},
		{Kind: inspection.KindThematic, TopicID: topics["quy-che-dan-chu"], Months: []int{12}, TargetIDs: []int64{a1.Node.ID}, LeadID: staff},
		{Kind: inspection.KindRegular, TopicID: topics["mo-hinh-dan-van"], Months: []int{6, 12}, TargetIDs: []int64{a2.Node.ID, a3.Node.ID}, LeadID: staff},
	}})
	if err != nil {
		return fail("programme", err)
	}
	if err := svc.ApproveProgramme(ctx, inspector, progID); err != nil {
		return fail("approve", err)
	}
	items, err := itemIDs(ctx, db, progID)
	if err != nil {
		return err
	}

	// Round 1: closed.
	closed, err := svc.OpenRound(ctx, inspector, inspection.RoundInput{ItemID: items[0], DecisionNo: "15-QĐ/ĐUK", DecisionOn: ago(100), HeadID: staff, MemberIDs: []int64{a2.People[0]},
		StartsOn: ago(85), EndsOn: ago(81), ReportDue: ago(90)})
	if err != nil {
		return fail("round 1", err)
	}
	if _, err := svc.AddFinding(ctx, inspector, closed, inspection.Finding{TargetID: a1.Node.ID, TopicID: topics["quy-che-dan-chu"],
		Content: "Sở ban hành quy chế dân chủ và công khai đầy đủ dự toán ngân sách; kết quả tiếp thu ý kiến cán bộ tại hội nghị chưa được thông báo lại, quy chế làm việc chưa cập nhật theo Luật Thực hiện dân chủ ở cơ sở."}); err != nil {
		return fail("finding 1", err)
	}
	if err := svc.Conclude(ctx, inspector, closed, inspection.ConclusionInput{Number: "08-TB/ĐUK", IssuedOn: ago(75),
		Text: "Đảng ủy Sở Tư pháp và Thủ trưởng cơ quan đã lãnh đạo, tổ chức thực hiện quy chế dân chủ cơ bản nghiêm túc. Còn hạn chế: chưa thông báo kết quả tiếp thu ý kiến cán bộ sau hội nghị; quy chế làm việc chậm sửa đổi.",
		Recommendations: []inspection.RecommendationInput{
			{TargetID: a1.Node.ID, Content: "Thông báo kết quả tiếp thu, giải trình ý kiến cán bộ tại hội nghị cán bộ, công chức năm nay", LeadID: a1.Head, DueDays: 15},
			{TargetID: a1.Node.ID, Content: "Sửa đổi quy chế làm việc của cơ quan theo Luật Thực hiện dân chủ ở cơ sở", LeadID: a1.Head, DueDays: 20},
		}}); err != nil {
		return fail("conclusion 1", err)
	}
	var task1, rec2 int64
	if err := db.QueryRowContext(ctx, `SELECT task_id FROM inspection_recommendations WHERE round_id = ? AND seq = 1`, closed).Scan(&task1); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_recommendations WHERE round_id = ? AND seq = 2`, closed).Scan(&rec2); err != nil {
		return err
	}
	if err := plans.Complete(ctx, head, task1, plan.ReportInput{Body: "Đã thông báo kết quả tiếp thu, giải trình 23 ý kiến tại cuộc họp giao ban và trên trang thông tin nội bộ."}); err != nil {
		return fail("report 1", err)
	}
	if err := plans.Accept(ctx, inspector, task1, plan.ReportInput{Body: "Đạt yêu cầu; minh chứng là thông báo trên trang nội bộ."}); err != nil {
		return fail("accept 1", err)
	}

	// Round 2: under way.
	open, err := svc.OpenRound(ctx, inspector, inspection.RoundInput{ItemID: items[1], DecisionNo: "21-QĐ/ĐUK", DecisionOn: ago(20), HeadID: staff, MemberIDs: []int64{a3.People[0]},
		StartsOn: ago(4), EndsOn: ago(-3), ReportDue: ago(8)})
	if err != nil {
		return fail("round 2", err)
	}
	if err := svc.CarryOver(ctx, inspector, rec2, "Sở chờ Bộ ban hành quy chế mẫu; tiếp tục theo dõi tại đoàn giám sát theo Quyết định 21-QĐ/ĐUK"); err != nil {
		return fail("carry over", err)
	}
	if err := svc.Close(ctx, inspector, closed); err != nil {
		return fail("close 1", err)
	}
	if err := svc.SubmitSelfReport(ctx, head, open, inspection.SelfReportInput{UnitID: a1.Node.ID,
		Body: "Năm nay Sở tiếp nhận 41 đơn, đã giải quyết 37 đơn, 4 đơn đang trong hạn. Tồn tại: 3 đơn giải quyết quá hạn do phải xin ý kiến cơ quan cấp trên."}); err != nil {
		return fail("self-report", err)
	}
	if _, err := svc.AddFinding(ctx, inspector, open, inspection.Finding{TargetID: a2.Node.ID, TopicID: topics["don-thu"],
		Content: "Sổ theo dõi đơn thư ghi đủ; 3 đơn giải quyết quá hạn chưa có văn bản gia hạn."}); err != nil {
		return fail("finding 2", err)
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, inspectionKey) })
}

func itemIDs(ctx context.Context, db *sqldb.DB, progID int64) ([]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT id FROM inspection_items WHERE programme_id = ? ORDER BY seq`, progID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
