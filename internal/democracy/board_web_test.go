package democracy_test

import (
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/democracy"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// TestBoardWebHelpers checks what the pages read beside the domain: the agency of a unit
// (none above the agencies), the latest board, who may write to the board, and the head's
// answer to a recommendation once the task it became is reported done.
func TestBoardWebHelpers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupConf(t, db)
		a, b := f.o.Agencies[0], f.o.Agencies[1]
		got, ok, err := democracy.AgencyOf(f.ctx, db, a.Departments[0].Path)
		if err != nil || !ok || got.ID != a.Node.ID {
			t.Fatalf("agency of a department: %v %v %v, want %d", got.ID, ok, err, a.Node.ID)
		}
		if got, ok, err = democracy.AgencyOf(f.ctx, db, a.Node.Path); err != nil || !ok || got.ID != a.Node.ID {
			t.Fatalf("agency of the agency itself: %v %v %v", got.ID, ok, err)
		}
		if _, ok, err = democracy.AgencyOf(f.ctx, db, f.o.Root.Path); err != nil || ok {
			t.Fatalf("the root is not inside an agency: %v %v", ok, err)
		}
		boardID, err := f.svc.LatestBoard(f.ctx, a.Node.ID)
		if err != nil || boardID == 0 {
			t.Fatalf("agency 1's board: %d %v", boardID, err)
		}
		if id, err := f.svc.LatestBoard(f.ctx, b.Node.ID); err != nil || id != 0 {
			t.Fatalf("agency 2 has no board: %d %v", id, err)
		}
		member, staff, upper, head := f.who(t, "ttnd1"), f.who(t, "dangvien1"), f.who(t, "canbo"), f.who(t, "thutruong1")
		board, err := f.svc.Board(f.ctx, member, boardID)
		if err != nil {
			t.Fatal(err)
		}
		if !board.CanSendRequest(staff) || !board.CanSendRequest(member) || board.CanSendRequest(upper) || board.CanSendRequest(nil) {
			t.Error("requests: the agency's staff send them, the upper committee does not")
		}
		if len(board.Records) == 0 || board.Records[0].TaskID == 0 {
			t.Fatalf("the demo record with its recommendation: %+v", board.Records)
		}
		answers, err := f.svc.RecordAnswers(f.ctx, board)
		if err != nil || len(answers) != 0 {
			t.Fatalf("no answer yet: %v %v", answers, err)
		}
		rec := board.Records[0]
		if err := f.svc.Plans.Complete(f.ctx, head, rec.TaskID, plan.ReportInput{Body: "Văn phòng đã đăng dự toán lên trang nội bộ và niêm yết lại đủ 20 ngày."}); err != nil {
			t.Fatal(err)
		}
		answers, err = f.svc.RecordAnswers(f.ctx, board)
		if err != nil {
			t.Fatal(err)
		}
		ans, ok := answers[rec.ID]
		if !ok || !ans.Answered || !ans.OnTime || ans.Body == "" || ans.At == "" {
			t.Fatalf("the head's answer: %+v (%v)", ans, ok)
		}
		// A reader who may not see the records gets no answers either: Board left them out.
		plain, err := f.svc.Board(f.ctx, staff, boardID)
		if err != nil {
			t.Fatal(err)
		}
		if answers, err := f.svc.RecordAnswers(f.ctx, plain); err != nil || len(answers) != 0 || len(plain.Records) != 0 {
			t.Fatalf("staff see no records: %d records, %v", len(plain.Records), answers)
		}
	})
}
