package inspection_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

func msgOf(err error) string {
	m := apperr.MessageOf(err)
	for _, f := range apperr.FieldsOf(err) {
		m += " " + f
	}
	return m
}

func wantErr(t *testing.T, err error, k apperr.Kind, contains string) {
	t.Helper()
	if apperr.KindOf(err) != k || !strings.Contains(msgOf(err), contains) {
		t.Fatalf("want %v containing %q, got %v (%s)", k, contains, err, msgOf(err))
	}
}

func count(t *testing.T, db *sqldb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRoundFlow follows one round from the programme to its closing, with the refusals
// the issue asks for: nothing is written by a refused step.
func TestRoundFlow(t *testing.T) {
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
		plans := plan.NewService(db)
		svc := inspection.NewService(db, plans)
		staff, member, head := who("canbo"), who("dangvien1"), who("thutruong1")
		a1, a2 := o.Agencies[0], o.Agencies[1]
		year := o.CurrentYear
		var topic int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_topics WHERE code = 'quy-che-dan-chu'`).Scan(&topic); err != nil {
			t.Fatal(err)
		}
		pin := inspection.ProgrammeInput{UnitID: o.Root.ID, Year: year,
			Items: []inspection.ItemInput{{Kind: inspection.KindInspect, TopicID: topic, Months: []int{3}, TargetIDs: []int64{a1.Node.ID}, LeadID: o.People["canbo"]}}}
		_, err := svc.CreateProgramme(ctx, member, pin)
		wantErr(t, err, apperr.Forbidden, "không có quyền")
		progID, err := svc.CreateProgramme(ctx, staff, pin)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.CreateProgramme(ctx, staff, pin)
		wantErr(t, err, apperr.Conflict, "đã có chương trình")
		var itemID int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_items WHERE programme_id = ?`, progID).Scan(&itemID); err != nil {
			t.Fatal(err)
		}
		d := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
		rin := inspection.RoundInput{ItemID: itemID, DecisionNo: "Số 12-QĐ/ĐUK", DecisionOn: d("01-05"), HeadID: o.People["canbo"],
			MemberIDs: []int64{a2.People[0]}, StartsOn: d("01-15"), EndsOn: d("01-20"), ReportDue: d("01-10")}
		_, err = svc.OpenRound(ctx, staff, rin)
		wantErr(t, err, apperr.Conflict, "chưa được phê duyệt")
		if err := svc.ApproveProgramme(ctx, staff, progID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, svc.ApproveProgramme(ctx, staff, progID), apperr.Conflict, "đã được phê duyệt")

		bad := rin
		bad.MemberIDs = []int64{a1.People[0]}
		_, err = svc.OpenRound(ctx, staff, bad)
		wantErr(t, err, apperr.Invalid, "không thể là thành viên đoàn")
		bad = rin
		bad.DecisionNo = "quyết định"
		_, err = svc.OpenRound(ctx, staff, bad)
		wantErr(t, err, apperr.Invalid, "Số quyết định không đọc được")
		bad = rin
		bad.EndsOn = fmt.Sprintf("%d-01-02", year+1)
		_, err = svc.OpenRound(ctx, staff, bad)
		wantErr(t, err, apperr.Invalid, fmt.Sprintf("trong năm %d", year))
		if n := count(t, db, `SELECT COUNT(*) FROM inspection_rounds`); n != 0 {
			t.Fatalf("refused rounds wrote %d rows", n)
		}
		roundID, err := svc.OpenRound(ctx, staff, rin)
		if err != nil {
			t.Fatal(err)
		}
		// A double submit of the same decision makes one round.
		_, err = svc.OpenRound(ctx, staff, rin)
		wantErr(t, err, apperr.Conflict, "đã được dùng")
		if n := count(t, db, `SELECT COUNT(*) FROM inspection_rounds`); n != 1 {
			t.Fatalf("rounds = %d", n)
		}

		cin := inspection.ConclusionInput{Number: "05-TB/ĐUK", IssuedOn: o.Today, Text: "Cơ quan thực hiện cơ bản tốt quy chế dân chủ.", Referral: "Ủy ban Kiểm tra Đảng ủy Khối",
			Recommendations: []inspection.RecommendationInput{
				{TargetID: a1.Node.ID, Content: "Công khai kết quả tiếp thu ý kiến cán bộ", LeadID: a1.Head, DueDays: 10},
				{TargetID: a1.Node.ID, Content: "Rà soát quy chế làm việc", DueDays: 20}}}
		wantErr(t, svc.Conclude(ctx, staff, roundID, cin), apperr.Invalid, "Kiến nghị 2 chưa có người chịu trách nhiệm")
		if n := count(t, db, `SELECT COUNT(*) FROM inspection_recommendations`); n != 0 {
			t.Fatalf("refused conclusion wrote %d recommendations", n)
		}
		cin.Recommendations[1].LeadID = a1.Head
		if err := svc.Conclude(ctx, staff, roundID, cin); err != nil {
			t.Fatal(err)
		}
		wantErr(t, svc.Conclude(ctx, staff, roundID, cin), apperr.Conflict, "đã có thông báo kết luận")
		if n := count(t, db, `SELECT COUNT(*) FROM tasks t JOIN inspection_recommendations r ON r.task_id = t.id WHERE t.unit_id = ? AND t.lead_id = ?`, a1.Node.ID, a1.Head); n != 2 {
			t.Fatalf("recommendation tasks of agency 1's head = %d", n)
		}
		wantErr(t, svc.Close(ctx, staff, roundID), apperr.Conflict, "Còn 2 kiến nghị")

		// The target reports the first done through the task; the team accepts it.
		var task1, rec2 int64
		if err := db.QueryRowContext(ctx, `SELECT task_id FROM inspection_recommendations WHERE round_id = ? AND seq = 1`, roundID).Scan(&task1); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_recommendations WHERE round_id = ? AND seq = 2`, roundID).Scan(&rec2); err != nil {
			t.Fatal(err)
		}
		if err := plans.Complete(ctx, head, task1, plan.ReportInput{Body: "Đã công khai trên bảng tin cơ quan."}); err != nil {
			t.Fatal(err)
		}
		if err := plans.Accept(ctx, staff, task1, plan.ReportInput{Body: "Đạt."}); err != nil {
			t.Fatal(err)
		}
		// Each recommendation keeps its task's status and deadline (the figures count them
		// without joining the tasks), through the task's own changes.
		if n := count(t, db, `SELECT COUNT(*) FROM inspection_recommendations r JOIN tasks t ON t.id = r.task_id
			WHERE r.round_id = ? AND (r.task_status <> t.status OR r.task_due_on <> t.due_on)`, roundID); n != 0 {
			t.Fatalf("%d recommendations do not show their task's state", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM inspection_recommendations WHERE task_id = ? AND task_status = 'done'`, task1); n != 1 {
			t.Fatal("the accepted recommendation is not done")
		}
		wantErr(t, svc.Close(ctx, staff, roundID), apperr.Conflict, "Còn 1 kiến nghị")
		wantErr(t, svc.CarryOver(ctx, staff, rec2, " "), apperr.Invalid, "lý do")
		if err := svc.CarryOver(ctx, staff, rec2, "Chờ sửa đổi quy chế của Bộ"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Close(ctx, staff, roundID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity IN ('inspection_programme', 'inspection_round')`); n != 6 {
			t.Fatalf("audit entries = %d, want 6 (create, approve, open, conclude, carry over, close)", n)
		}
	})
}

// TestInspectionOpenRoundNotifiesTargets: opening a round tells those who manage each target unit,
// in the round's transaction — the agency's secretary and head, not its members nor the
// committee's staff who opened it — and a refused round tells nobody.
func TestInspectionOpenRoundNotifiesTargets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var o *demo.Org
		capture := func(ctx context.Context, db *sqldb.DB, got *demo.Org) error { o = got; return nil }
		if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", capture); err != nil {
			t.Fatal(err)
		}
		staff, err := org.LoadPrincipal(ctx, db, o.Users["canbo"])
		if err != nil {
			t.Fatal(err)
		}
		svc := inspection.NewService(db, plan.NewService(db))
		a1, a2, a3 := o.Agencies[0], o.Agencies[1], o.Agencies[2]
		year := o.CurrentYear
		var topic int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_topics WHERE code = 'quy-che-dan-chu'`).Scan(&topic); err != nil {
			t.Fatal(err)
		}
		progID, err := svc.CreateProgramme(ctx, staff, inspection.ProgrammeInput{UnitID: o.Root.ID, Year: year,
			Items: []inspection.ItemInput{{Kind: inspection.KindInspect, TopicID: topic, Months: []int{3}, TargetIDs: []int64{a1.Node.ID, a2.Node.ID}, LeadID: o.People["canbo"]}}})
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
		d := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
		rin := inspection.RoundInput{ItemID: itemID, DecisionNo: "12-QĐ/ĐUK", DecisionOn: d("01-05"), HeadID: o.People["canbo"],
			MemberIDs: []int64{a1.People[0]}, StartsOn: d("01-15"), EndsOn: d("01-20"), ReportDue: d("01-10")}
		notes := `SELECT COUNT(*) FROM notifications WHERE kind = 'inspection.round'`
		_, err = svc.OpenRound(ctx, staff, rin)
		wantErr(t, err, apperr.Invalid, "không thể là thành viên đoàn")
		if n := count(t, db, notes); n != 0 {
			t.Fatalf("a refused round sent %d notes", n)
		}
		rin.MemberIDs = []int64{a3.People[0]}
		roundID, err := svc.OpenRound(ctx, staff, rin)
		if err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf("/inspections/rounds/%d#target-%d", roundID, a1.Node.ID)
		rows, err := db.QueryContext(ctx, `SELECT u.username, n.title, n.body FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'inspection.round' AND n.link = ? ORDER BY u.username`, link)
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for rows.Next() {
			var user, title, body string
			if err := rows.Scan(&user, &title, &body); err != nil {
				t.Fatal(err)
			}
			told = append(told, user)
			if !strings.Contains(title, a1.Node.Name) || !strings.Contains(title, "12-QĐ/ĐUK") ||
				!strings.Contains(body, fmt.Sprintf("10/01/%d", year)) || !strings.Contains(body, "Kiểm tra") {
				t.Errorf("the note to %s: %q / %q", user, title, body)
			}
		}
		rows.Close()
		if got := strings.Join(told, ","); got != "bithu1,thutruong1" {
			t.Fatalf("agency 1's notice went to %q, want its secretary and head (bithu1,thutruong1)", got)
		}
		// Agency 2's notice goes to its own managers only, and nobody is told of a unit
		// they do not manage.
		if n := count(t, db, `SELECT COUNT(*) FROM notifications n WHERE n.kind = 'inspection.round' AND n.link = ?
			AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = n.user_id AND g.unit_id = ?)`, fmt.Sprintf("/inspections/rounds/%d#target-%d", roundID, a2.Node.ID), a2.Node.ID); n != 0 {
			t.Fatalf("%d notes about agency 2 to people who do not manage it", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'inspection.round' AND u.username IN ('canbo', 'dangvien1', 'congdoan1')`); n != 0 {
			t.Fatalf("%d notes to the opener, a member or a mass organisation's officer", n)
		}
	})
}

// TestInspectionRemindsTheTeam: an overdue recommendation reminds the team's side — the
// round's head and the one who issued the conclusion — once per deadline; one not yet due
// and one accepted do not.
func TestInspectionRemindsTheTeam(t *testing.T) {
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
		plans := plan.NewService(db)
		svc := inspection.NewService(db, plans)
		admin, head := who("admin"), who("thutruong1")
		a1, a3 := o.Agencies[0], o.Agencies[2]
		year := o.CurrentYear
		var topic int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_topics WHERE code = 'quy-che-dan-chu'`).Scan(&topic); err != nil {
			t.Fatal(err)
		}
		progID, err := svc.CreateProgramme(ctx, admin, inspection.ProgrammeInput{UnitID: o.Root.ID, Year: year,
			Items: []inspection.ItemInput{{Kind: inspection.KindInspect, TopicID: topic, Months: []int{3}, TargetIDs: []int64{a1.Node.ID}, LeadID: o.People["canbo"]}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.ApproveProgramme(ctx, admin, progID); err != nil {
			t.Fatal(err)
		}
		var itemID int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_items WHERE programme_id = ?`, progID).Scan(&itemID); err != nil {
			t.Fatal(err)
		}
		d := func(md string) string { return fmt.Sprintf("%d-%s", year, md) }
		roundID, err := svc.OpenRound(ctx, admin, inspection.RoundInput{ItemID: itemID, DecisionNo: "12-QĐ/ĐUK", DecisionOn: d("01-05"), HeadID: o.People["canbo"],
			MemberIDs: []int64{a3.People[0]}, StartsOn: d("01-15"), EndsOn: d("01-20"), ReportDue: d("01-10")})
		if err != nil {
			t.Fatal(err)
		}
		// Issued two months before today: 5 working days have run out, 500 have not.
		issued := db.Now().AddDate(0, -2, 0).Format("2006-01-02")
		if err := svc.Conclude(ctx, admin, roundID, inspection.ConclusionInput{Number: "05-TB/ĐUK", IssuedOn: issued, Text: "Kết luận.",
			Recommendations: []inspection.RecommendationInput{
				{TargetID: a1.Node.ID, Content: "Kiến nghị quá hạn", LeadID: a1.Head, DueDays: 5},
				{TargetID: a1.Node.ID, Content: "Kiến nghị còn hạn", LeadID: a1.Head, DueDays: 500},
				{TargetID: a1.Node.ID, Content: "Kiến nghị đã nghiệm thu", LeadID: a1.Head, DueDays: 5}}}); err != nil {
			t.Fatal(err)
		}
		var recOverdue, taskDone int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM inspection_recommendations WHERE round_id = ? AND seq = 1`, roundID).Scan(&recOverdue); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT task_id FROM inspection_recommendations WHERE round_id = ? AND seq = 3`, roundID).Scan(&taskDone); err != nil {
			t.Fatal(err)
		}
		if err := plans.Complete(ctx, head, taskDone, plan.ReportInput{Body: "Đã làm."}); err != nil {
			t.Fatal(err)
		}
		if err := plans.Accept(ctx, admin, taskDone, plan.ReportInput{Body: "Đạt."}); err != nil {
			t.Fatal(err)
		}
		n, err := svc.Remind(ctx, db.Now())
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("reminded %d recommendations, want 1 (the overdue one)", n)
		}
		rows, err := db.QueryContext(ctx, `SELECT u.username, n.link, n.body FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.kind = 'inspection.overdue' ORDER BY u.username`)
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for rows.Next() {
			var user, link, body string
			if err := rows.Scan(&user, &link, &body); err != nil {
				t.Fatal(err)
			}
			told = append(told, user)
			if link != fmt.Sprintf("/inspections/rounds/%d#rec-%d", roundID, recOverdue) || !strings.Contains(body, "Kiến nghị quá hạn") || !strings.Contains(body, "12-QĐ/ĐUK") {
				t.Errorf("the note to %s: %s %q", user, link, body)
			}
		}
		rows.Close()
		if got := strings.Join(told, ","); got != "admin,canbo" {
			t.Fatalf("the team's reminder went to %q, want the one who concluded and the round's head (admin,canbo)", got)
		}
		if n, err := svc.Remind(ctx, db.Now()); err != nil || n != 0 {
			t.Fatalf("a second run reminded %d (%v), want 0", n, err)
		}
		if c := count(t, db, `SELECT COUNT(*) FROM notifications WHERE kind = 'inspection.overdue'`); c != 2 {
			t.Fatalf("notes after the second run = %d, want 2", c)
		}
	})
}
