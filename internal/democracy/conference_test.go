package democracy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

type cfix struct {
	db  *sqldb.DB
	svc *democracy.ConferenceService
	o   *demo.Org
	ctx context.Context
}

func setupConf(t *testing.T, db *sqldb.DB) *cfix {
	t.Helper()
	f := &cfix{db: db, ctx: context.Background()}
	f.svc = democracy.NewConferenceService(db, plan.NewService(db), draft.NewService(db))
	capture := func(ctx context.Context, db *sqldb.DB, o *demo.Org) error { f.o = o; return nil }
	if _, err := demo.Load(f.ctx, db, "mat-khau-demo-2026", demo.Conferences, capture); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *cfix) who(t *testing.T, user string) *org.Principal {
	t.Helper()
	p, err := org.LoadPrincipal(f.ctx, f.db, f.o.Users[user])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *cfix) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKind(t *testing.T, err error, k apperr.Kind, contains string) {
	t.Helper()
	if apperr.KindOf(err) != k {
		t.Fatalf("want kind %v, got %v", k, err)
	}
	msg := apperr.MessageOf(err)
	for _, m := range apperr.FieldsOf(err) {
		msg += " " + m
	}
	if contains != "" && !strings.Contains(msg, contains) {
		t.Fatalf("message %q does not contain %q", msg, contains)
	}
}

func TestConferenceFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupConf(t, db)
		a := f.o.Agencies[0]
		head, union, member, upper := f.who(t, "thutruong1"), f.who(t, "congdoan1"), f.who(t, "dangvien1"), f.who(t, "canbo")
		year := demo.ConferenceYear(f.o) + 1
		in := democracy.ConferenceInput{UnitID: a.Node.ID, Year: year, Place: "Hội trường"}
		// Only the agency's own office and trade union run it.
		for _, p := range []*org.Principal{member, upper} {
			if _, err := f.svc.CreateConference(f.ctx, p, in); apperr.KindOf(err) != apperr.Forbidden {
				t.Fatalf("create by %s: %v", p.Username, err)
			}
		}
		// A double submit of the trade union's form makes one conference.
		ctx := sqldb.WithFormNonce(f.ctx, "conf-nonce-1")
		id, err := f.svc.CreateConference(ctx, union, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateConference(sqldb.WithFormNonce(f.ctx, "conf-nonce-1"), union, in); !errors.Is(err, sqldb.ErrDuplicateSubmit) {
			t.Fatalf("double submit: %v", err)
		}
		if _, err := f.svc.CreateConference(f.ctx, head, in); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("second conference of the year: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM conferences WHERE unit_id = ? AND year = ?`, a.Node.ID, year); n != 1 {
			t.Fatalf("%d conferences", n)
		}
		// The staff see it, the upper committee reads it.
		for _, p := range []*org.Principal{member, upper, union} {
			if _, err := f.svc.Conference(f.ctx, p, id); err != nil {
				t.Fatalf("%s cannot see: %v", p.Username, err)
			}
		}
		// A document put to the staff through the drafts module, in one change.
		did, err := f.svc.AddDocument(f.ctx, head, id, democracy.DocumentInput{Title: "Dự thảo báo cáo kết quả năm", Body: demo.DemoDraftText(4), ClosesAt: f.db.Now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM draft_invites i JOIN draft_rounds r ON r.id = i.round_id WHERE r.draft_id = ? AND i.unit_id = ?`, did, a.Node.ID); n != 1 {
			t.Fatalf("round not aimed at the agency: %d", n)
		}
		// A bad document writes nothing: no draft, no round, no link.
		drafts := f.count(t, `SELECT COUNT(*) FROM drafts`)
		if _, err := f.svc.AddDocument(f.ctx, head, id, democracy.DocumentInput{Title: "", Body: "không có điều nào", ClosesAt: f.db.Now().Add(time.Hour)}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("bad document: %v", err)
		}
		if f.count(t, `SELECT COUNT(*) FROM drafts`) != drafts || f.count(t, `SELECT COUNT(*) FROM conference_documents WHERE conference_id = ?`, id) != 1 {
			t.Fatal("bad document wrote something")
		}
		c, err := f.svc.Conference(f.ctx, head, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Documents) != 1 || c.Delegates < 30 {
			t.Fatalf("documents %d delegates %d", len(c.Documents), c.Delegates)
		}
		resID, err := f.svc.AddItem(f.ctx, head, id, democracy.ItemInput{Kind: democracy.ItemResolution, Title: "Thông qua nghị quyết hội nghị"})
		if err != nil {
			t.Fatal(err)
		}
		motion, err := f.svc.AddItem(f.ctx, union, id, democracy.ItemInput{Kind: democracy.ItemMotion, Title: "Thông qua quy chế chi tiêu nội bộ"})
		if err != nil {
			t.Fatal(err)
		}
		// Votes before the attendance: refused.
		if _, err := f.svc.RecordVotes(f.ctx, head, id, resID, democracy.Votes{For: 3}); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("votes before attendance: %v", err)
		}
		// Under the quorum: no resolution can pass.
		var ids []int64
		for _, d := range c.People {
			ids = append(ids, d.PersonID)
		}
		few := ids[:c.QuorumNeeded()-1]
		today := f.db.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
		if err := f.svc.RecordAttendance(f.ctx, head, id, today, few); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.RecordVotes(f.ctx, head, id, resID, democracy.Votes{For: len(few)})
		wantKind(t, err, apperr.Conflict, "không đủ số đại biểu tối thiểu")
		err = f.svc.IssueResolution(f.ctx, head, id, democracy.IssueInput{Number: "02/NQ-HNCBCC", IssuedOn: today})
		wantKind(t, err, apperr.Conflict, "không đủ số đại biểu tối thiểu")
		if n := f.count(t, `SELECT COUNT(*) FROM conference_items WHERE conference_id = ? AND voted = 1`, id); n != 0 {
			t.Fatalf("a vote was written without quorum: %d", n)
		}
		// Enough present.
		enough := ids[:c.QuorumNeeded()+2]
		if err := f.svc.RecordAttendance(f.ctx, head, id, today, enough); err != nil {
			t.Fatal(err)
		}
		// Votes exceeding those present: refused, nothing written.
		_, err = f.svc.RecordVotes(f.ctx, head, id, resID, democracy.Votes{For: len(enough), Against: 1, Abstain: 1})
		wantKind(t, err, apperr.Invalid, "vượt quá số đại biểu có mặt")
		if n := f.count(t, `SELECT COUNT(*) FROM conference_items WHERE id = ? AND voted = 1`, resID); n != 0 {
			t.Fatal("excess votes were written")
		}
		// Exactly half does not pass; more than half does.
		half := len(enough) / 2
		passed, err := f.svc.RecordVotes(f.ctx, union, id, motion, democracy.Votes{For: half, Against: len(enough) - half})
		if err != nil || passed != (half*2 > len(enough)) {
			t.Fatalf("half: passed %v err %v", passed, err)
		}
		passed, err = f.svc.RecordVotes(f.ctx, head, id, resID, democracy.Votes{For: len(enough) - 1, Abstain: 1})
		if err != nil || !passed {
			t.Fatalf("resolution: passed %v err %v", passed, err)
		}
		for _, cm := range []democracy.CommitmentInput{{Content: "Công khai dự toán ngân sách đúng hạn", DueDays: 20}, {Content: "Tổ chức khám sức khỏe định kỳ", DueDays: 60}} {
			if _, err := f.svc.AddCommitment(f.ctx, union, id, cm); err != nil {
				t.Fatal(err)
			}
		}
		// The trade union co-runs the conference but does not assign tasks.
		err = f.svc.IssueResolution(f.ctx, union, id, democracy.IssueInput{Number: "02/NQ-HNCBCC", IssuedOn: today})
		wantKind(t, err, apperr.Forbidden, "")
		tasks := f.count(t, `SELECT COUNT(*) FROM tasks`)
		if err := f.svc.IssueResolution(f.ctx, head, id, democracy.IssueInput{Number: "02/NQ-HNCBCC", IssuedOn: today}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM tasks`) - tasks; n != 2 {
			t.Fatalf("%d tasks", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM tasks t JOIN conference_commitments c ON c.task_id = t.id JOIN task_support s ON s.task_id = t.id
			WHERE c.conference_id = ? AND t.lead_id = ? AND s.unit_id = ?`, id, a.Head, a.TradeUnion.ID); n != 2 {
			t.Fatalf("commitments not led by the head with the union in support: %d", n)
		}
		// Each commitment keeps its task's status and deadline (the overview counts them
		// without joining the tasks), through every change of the task.
		mirrorOff := func() int {
			return f.count(t, `SELECT COUNT(*) FROM conference_commitments c LEFT JOIN tasks t ON t.id = c.task_id
				WHERE c.conference_id = ? AND (t.id IS NULL OR c.task_status <> t.status OR c.task_due_on <> t.due_on)`, id)
		}
		if n := mirrorOff(); n != 0 {
			t.Fatalf("%d commitments do not show their new task's state", n)
		}
		var taskID int64
		if err := f.db.QueryRowContext(f.ctx, `SELECT task_id FROM conference_commitments WHERE conference_id = ? ORDER BY seq LIMIT 1`, id).Scan(&taskID); err != nil {
			t.Fatal(err)
		}
		for step, change := range []func() error{
			func() error {
				return f.svc.Plans.ReportProgress(f.ctx, head, taskID, plan.ReportInput{Body: "Đã lập dự toán", Percent: 40})
			},
			func() error {
				return f.svc.Plans.Complete(f.ctx, head, taskID, plan.ReportInput{Body: "Đã công khai"})
			},
			func() error {
				return f.svc.Plans.Accept(f.ctx, f.who(t, "canbo"), taskID, plan.ReportInput{Body: "Đạt"})
			},
		} {
			if err := change(); err != nil {
				t.Fatalf("task change %d: %v", step, err)
			}
			if n := mirrorOff(); n != 0 {
				t.Fatalf("after task change %d, %d commitments do not show their task's state", step, n)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM conference_commitments WHERE task_id = ? AND task_status = 'done'`, taskID); n != 1 {
			t.Fatalf("the accepted commitment is not done: %d", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'conference' AND entity_id = ?`, id); n < 8 {
			t.Fatalf("audit rows %d", n)
		}
		// Issued: nothing changes any more.
		_, err = f.svc.RecordVotes(f.ctx, head, id, motion, democracy.Votes{For: 1})
		wantKind(t, err, apperr.Conflict, "đã ban hành")

		// The board.
		c, _ = f.svc.Conference(f.ctx, head, id)
		var staff []int64
		for _, d := range c.People {
			var barred int
			_ = f.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM positions WHERE person_id = ? AND end_date = '' AND title IN ('thu-truong', 'pho-thu-truong', 'ke-toan-truong')`, d.PersonID).Scan(&barred)
			if barred == 0 {
				staff = append(staff, d.PersonID)
			}
		}
		votes := democracy.Votes{For: len(enough) - 2, Against: 2}
		_, err = f.svc.ElectBoard(f.ctx, head, id, democracy.BoardInput{MemberIDs: staff[:12], HeadID: staff[0], Votes: votes})
		wantKind(t, err, apperr.Invalid, "từ 3 đến 9 thành viên; danh sách đang có 12 người")
		var accountant int64
		var accName string
		if err := f.db.QueryRowContext(f.ctx, `SELECT p.id, p.full_name FROM positions ps JOIN people p ON p.id = ps.person_id WHERE ps.title = 'ke-toan-truong' AND p.unit_path LIKE ?`, a.Node.Path+"%").Scan(&accountant, &accName); err != nil {
			t.Fatal("no chief accountant in the demo agency:", err)
		}
		_, err = f.svc.ElectBoard(f.ctx, head, id, democracy.BoardInput{MemberIDs: append([]int64{accountant}, staff[:4]...), HeadID: staff[0], Votes: votes})
		wantKind(t, err, apperr.Invalid, accName+" đang giữ chức vụ Kế toán trưởng")
		_, err = f.svc.ElectBoard(f.ctx, head, id, democracy.BoardInput{MemberIDs: append([]int64{a.Head}, staff[:4]...), HeadID: staff[0], Votes: votes})
		wantKind(t, err, apperr.Invalid, "Thủ trưởng cơ quan")
		if n := f.count(t, `SELECT COUNT(*) FROM boards WHERE conference_id = ?`, id); n != 0 {
			t.Fatal("a refused board was written")
		}
		_, err = f.svc.ElectBoard(f.ctx, head, id, democracy.BoardInput{MemberIDs: staff[:5], HeadID: staff[0], Votes: democracy.Votes{For: len(enough), Against: 1}})
		wantKind(t, err, apperr.Invalid, "vượt quá")
		bid, err := f.svc.ElectBoard(f.ctx, head, id, democracy.BoardInput{MemberIDs: staff[:5], HeadID: staff[0], Votes: votes})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ElectBoard(f.ctx, head, id, democracy.BoardInput{MemberIDs: staff[:5], HeadID: staff[0], Votes: votes}); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("second board: %v", err)
		}
		b, err := f.svc.Board(f.ctx, head, bid)
		if err != nil || len(b.Members) != 5 || b.HeadName() == "" {
			t.Fatalf("board %+v %v", b, err)
		}
		// The previous (demo) board's term ended the day the new one was elected.
		if n := f.count(t, `SELECT COUNT(*) FROM boards WHERE unit_id = ? AND term_end > ?`, a.Node.ID, today); n != 1 {
			t.Fatalf("%d boards in term", n)
		}
		// A member who is no board member may not write its records.
		if _, err := f.svc.AddRecord(f.ctx, member, bid, democracy.RecordInput{CheckedOn: today, Subject: "x", Findings: "y"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("record by a non-member: %v", err)
		}
	})
}

func TestOverview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupConf(t, db)
		upper := f.who(t, "canbo")
		y := demo.ConferenceYear(f.o)
		ov, err := f.svc.Overview(f.ctx, upper, f.o.Root.ID, y)
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Rows) != len(f.o.Agencies) {
			t.Fatalf("%d rows", len(ov.Rows))
		}
		byID := map[int64]democracy.OverviewRow{}
		for _, r := range ov.Rows {
			byID[r.UnitID] = r
		}
		a1, a2 := byID[f.o.Agencies[0].Node.ID], byID[f.o.Agencies[1].Node.ID]
		if a1.Conference != "on-time" || a1.Board != democracy.BoardInTerm || a1.Commitments != 3 || a1.Staff < 30 {
			t.Fatalf("agency 1: %+v", a1)
		}
		if f.o.Today > y0331(y) && a2.Conference != "overdue" {
			t.Fatalf("agency 2: %+v", a2)
		}
		if a2.Board != democracy.BoardMissing {
			t.Fatalf("agency 2 board: %+v", a2)
		}
		// A member of agency 1 reaches only their agency.
		if _, err := f.svc.Overview(f.ctx, f.who(t, "dangvien1"), f.o.Root.ID, y); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("member overview of the root: %v", err)
		}
	})
}

func y0331(y int) string { return time.Date(y, 3, 31, 0, 0, 0, 0, time.UTC).Format("2006-01-02") }

// TestConferenceListPages: a page of the list (newest year first, then by agency name)
// is the start of the whole list whatever its length, so reading only the years that
// fill the page leaves none out — for the upper committee and an agency's head.
func TestConferenceListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupConf(t, db)
		svc := f.svc
		// Next year's conferences of two agencies beside the demo's year.
		year := demo.ConferenceYear(f.o) + 1
		for _, a := range f.o.Agencies[:2] {
			if _, err := svc.CreateConference(f.ctx, f.who(t, "admin"), democracy.ConferenceInput{UnitID: a.Node.ID, Year: year, Place: "Hội trường"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, user := range []string{"canbo", "thutruong1"} {
			p := f.who(t, user)
			all, err := svc.Conferences(f.ctx, p, democracy.ConferenceFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			years := map[int]bool{}
			for _, c := range all {
				years[c.Year] = true
			}
			if user == "canbo" && len(years) < 2 {
				t.Fatalf("the demo's conferences span %d year(s); the test needs two", len(years))
			}
			// Each row of the list is the conference as its own page reads it.
			counted := 0
			for _, c := range all {
				one, err := svc.Conference(f.ctx, p, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				row := func(c democracy.Conference) string {
					return fmt.Sprint(c.ID, c.UnitID, c.UnitPath, c.UnitName, c.Year, c.RuleID, c.DueOn, c.PlannedOn, c.HeldOn, c.Place, c.DelegateMode, c.ChairID, c.ChairName,
						c.UnionID, c.UnionName, c.UnionPath, c.Status, c.ResolutionNo, c.IssuedOn, c.BoardID, c.CreatedAt, c.Delegates, c.Present)
				}
				if row(one) != row(c) {
					t.Errorf("%s: listed as\n%+v\nits page reads\n%+v", user, c, one)
				}
				counted += c.Delegates
			}
			if user == "canbo" && counted == 0 {
				t.Error("no delegates counted in the list")
			}
			for k := 1; k <= len(all); k++ {
				page, err := svc.Conferences(f.ctx, p, democracy.ConferenceFilter{Limit: k})
				if err != nil {
					t.Fatal(err)
				}
				var got, want []int64
				for _, c := range page {
					got = append(got, c.ID)
				}
				for _, c := range all[:k] {
					want = append(want, c.ID)
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s, page of %d: %v, the list starts %v", user, k, got, want)
				}
			}
		}
	})
}
