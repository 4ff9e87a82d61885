package report_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/plan"
	"danvan/internal/report"
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

// fixture is the demo organisation with the report service over the real sources.
type fixture struct {
	db  *sqldb.DB
	o   *demo.Org
	svc *report.Service
}

func (f fixture) who(t *testing.T, u string) *org.Principal {
	t.Helper()
	p, err := org.LoadPrincipal(context.Background(), f.db, f.o.Users[u])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func newFixture(t *testing.T, db *sqldb.DB) fixture {
	t.Helper()
	ctx := context.Background()
	var o *demo.Org
	capture := func(ctx context.Context, db *sqldb.DB, got *demo.Org) error { o = got; return nil }
	if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", demo.Petitions, demo.Plans, demo.Drafts, demo.Models, capture); err != nil {
		t.Fatal(err)
	}
	sources := []figures.Source{plan.NewService(db), draft.NewService(db), emulation.NewService(db), petition.NewService(db)}
	return fixture{db: db, o: o, svc: report.NewService(db, org.NewService(db), sources)}
}

// TestReportFlow follows agency 1's six-month report from the draft to its receipt,
// through a return with remarks, with every refusal the issue asks for: out of reach is
// NotFound, the receiving level cannot write, a report cannot be sent without its
// narrative, a double submit records one submission, and the figures stay as they were
// sent while the data changes.
func TestReportFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a1, a2 := f.o.Agencies[0], f.o.Agencies[1]
		bithu, staff, member := f.who(t, "bithu1"), f.who(t, "canbo"), f.who(t, "dangvien1")
		year := f.o.CurrentYear
		in := report.Input{UnitID: a1.Node.ID, Kind: report.SixMonth, Year: year}

		_, err := f.svc.Create(ctx, staff, in)
		wantErr(t, err, apperr.Forbidden, "cấp trên tiếp nhận")
		_, err = f.svc.Create(ctx, member, in)
		wantErr(t, err, apperr.NotFound, "Không tìm thấy")
		_, err = f.svc.Create(ctx, bithu, report.Input{UnitID: a2.Node.ID, Kind: report.SixMonth, Year: year})
		wantErr(t, err, apperr.NotFound, "Không tìm thấy")
		_, err = f.svc.Create(ctx, bithu, report.Input{UnitID: a1.Node.ID, Kind: report.Custom, From: "2026-06-30", To: "2026-01-01"})
		wantErr(t, err, apperr.Invalid, "phải sau ngày bắt đầu")
		_, err = f.svc.Create(ctx, bithu, report.Input{UnitID: a1.Node.ID, Kind: "quy"})
		wantErr(t, err, apperr.Invalid, "Hãy chọn loại báo cáo")
		if n := count(t, db, `SELECT COUNT(*) FROM reports`); n != 0 {
			t.Fatalf("refused creations wrote %d reports", n)
		}
		id, err := f.svc.Create(ctx, bithu, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Create(ctx, bithu, in)
		var ce *report.ConflictError
		if !errors.As(err, &ce) || ce.ExistingID != id || apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("second creation: %v, want a Conflict naming report %d", err, id)
		}

		// Without a narrative nothing is sent.
		wantErr(t, f.svc.Submit(ctx, bithu, id), apperr.Invalid, "Kết quả đạt được")
		n := report.Narrative{Achievements: "Hoàn thành 100% nhiệm vụ được giao.\n- Tổ chức quán triệt Nghị quyết.", Weaknesses: "Một số đơn thư giải quyết chậm.", NextTasks: "Tiếp tục nhân rộng mô hình “Dân vận khéo”.", Number: "15-BC/ĐU", Place: "Bắc Ninh"}
		_, err = f.svc.SaveNarrative(ctx, staff, id, 0, n)
		wantErr(t, err, apperr.Forbidden, "không có quyền")
		v, err := f.svc.SaveNarrative(ctx, bithu, id, 0, n)
		if err != nil || v != 1 {
			t.Fatalf("first save: %d %v", v, err)
		}
		_, err = f.svc.SaveNarrative(ctx, bithu, id, 0, n)
		wantErr(t, err, apperr.Conflict, "bản 1")
		if v, err := f.svc.SaveNarrative(ctx, bithu, id, 1, n); err != nil || v != 1 {
			t.Fatalf("saving the same text: version %d %v, want 1 unchanged", v, err)
		}
		if k := count(t, db, `SELECT COUNT(*) FROM report_versions WHERE report_id = ?`, id); k != 1 {
			t.Fatalf("%d versions after an unchanged save", k)
		}
		_, err = f.svc.SaveNarrative(ctx, bithu, id, 1, report.Narrative{Achievements: strings.Repeat("x", report.MaxSection+1)})
		wantErr(t, err, apperr.Invalid, "dài quá")

		// The draft's figures are live and equal the dashboard's sources' own.
		live, err := f.svc.Get(ctx, bithu, id)
		if err != nil {
			t.Fatal(err)
		}
		if live.Frozen || len(live.Figures.Blocks) < 4 || len(live.Figures.Children) == 0 {
			t.Fatalf("draft figures: frozen %v, %d blocks, %d children", live.Frozen, len(live.Figures.Blocks), len(live.Figures.Children))
		}
		received, ok := live.Figures.Value("petitions", "received")
		want := int64(count(t, db, `SELECT COUNT(*) FROM petitions WHERE unit_path LIKE ? AND received_on >= ? AND received_on <= ?`, a1.Node.Path+"%", live.From, live.To))
		if !ok || received != want {
			t.Fatalf("petitions received in the report %d (%v), in the table %d", received, ok, want)
		}

		if err := f.svc.Submit(ctx, bithu, id); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.svc.Submit(ctx, bithu, id), apperr.Conflict, "đã được gửi")
		if k := count(t, db, `SELECT COUNT(*) FROM report_events WHERE report_id = ? AND action = 'submit'`, id); k != 1 {
			t.Fatalf("%d submissions recorded after a double submit", k)
		}
		_, err = f.svc.SaveNarrative(ctx, bithu, id, 1, report.Narrative{Achievements: "khác"})
		wantErr(t, err, apperr.Conflict, "đã gửi cấp trên")
		if k := count(t, db, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'report.submitted'`, f.o.Users["canbo"]); k != 1 {
			t.Errorf("the upper committee's staff got %d notices of the submission", k)
		}

		// The data changes after the submission: the report keeps its figures.
		if _, err := db.ExecContext(ctx, `UPDATE petition_rollup SET received = received + 7 WHERE unit_id = ? AND month = ?`, a1.Node.ID, live.From[:7]); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO petition_rollup (unit_id, month, kind, received, resolved, on_time) VALUES (?, ?, 'kien-nghi', 7, 0, 0) ON CONFLICT DO NOTHING`, a1.Node.ID, live.From[:7]); err != nil {
			t.Fatal(err)
		}
		sent, err := f.svc.Get(ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := sent.Figures.Value("petitions", "received"); !sent.Frozen || got != received {
			t.Errorf("sent report: frozen %v, received %d, want %d as sent", sent.Frozen, got, received)
		}
		nowSnap, err := f.svc.Compute(ctx, bithu, a1.Node, live.From, live.To)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := nowSnap.Value("petitions", "received"); got == received {
			t.Fatal("the data change did not change the live figures: the frozen check above proves nothing")
		}
		if !sent.CanReceive || sent.CanWrite {
			t.Errorf("upper staff on a submitted report: receive %v, write %v", sent.CanReceive, sent.CanWrite)
		}

		// The level above returns it with remarks; the unit edits and sends it again.
		wantErr(t, f.svc.Receive(ctx, bithu, id), apperr.Forbidden, "cấp trên")
		wantErr(t, f.svc.Return(ctx, staff, id, "  "), apperr.Invalid, "Hãy ghi ý kiến")
		if st := sent.Status; st != report.Submitted {
			t.Fatalf("status %s", st)
		}
		if err := f.svc.Return(ctx, staff, id, "Bổ sung số liệu đơn thư quá hạn và nguyên nhân."); err != nil {
			t.Fatal(err)
		}
		wantErr(t, f.svc.Receive(ctx, staff, id), apperr.Conflict, "Bị trả lại")
		back, err := f.svc.Get(ctx, bithu, id)
		if err != nil {
			t.Fatal(err)
		}
		if back.Status != report.Returned || back.Remarks == "" || !back.CanWrite || !back.Frozen {
			t.Fatalf("returned: %s %q write %v frozen %v", back.Status, back.Remarks, back.CanWrite, back.Frozen)
		}
		n.Weaknesses += "\nCòn 2 đơn thư quá hạn do phải xác minh nhiều nơi."
		if v, err := f.svc.SaveNarrative(ctx, bithu, id, 1, n); err != nil || v != 2 {
			t.Fatalf("edit after return: %d %v", v, err)
		}
		if err := f.svc.Submit(ctx, bithu, id); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Receive(ctx, staff, id); err != nil {
			t.Fatal(err)
		}
		done, err := f.svc.Get(ctx, bithu, id)
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != report.Received || len(done.Versions) != 2 || done.Narrative.Version != 2 || !strings.Contains(done.Narrative.Weaknesses, "xác minh") {
			t.Fatalf("received: %s, %d versions, latest %d", done.Status, len(done.Versions), done.Narrative.Version)
		}
		var actions []string
		for _, e := range done.Events {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, ",") != "create,submit,return,submit,receive" {
			t.Errorf("events %v", actions)
		}
		// Every change is in the audit trail.
		if k := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity = 'report' AND entity_id = ?`, id); k != 7 {
			t.Errorf("%d audit entries, want 7 (create, 2 edits, 2 submissions, return, receipt)", k)
		}

		// Out of reach is NotFound: agency 2's report is not bithu1's to read.
		var other int64
		if err := db.Tx(ctx, func(tx *sqldb.Tx) (err error) {
			other, err = tx.InsertID(ctx, `INSERT INTO reports (unit_id, unit_path, kind, period_from, period_to, created_at, updated_at) VALUES (?, ?, 'annual', ?, ?, '', '') RETURNING id`,
				a2.Node.ID, a2.Node.Path, strconv.Itoa(year)+"-01-01", strconv.Itoa(year)+"-12-31")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Get(ctx, bithu, other)
		wantErr(t, err, apperr.NotFound, "Không tìm thấy báo cáo")
		if _, err := f.svc.Get(ctx, staff, other); err != nil {
			t.Errorf("upper staff reading agency 2's report: %v", err)
		}
	})
}

// TestReportBoard checks what the level above sees for a period: every agency is
// expected (the upper committee's own Ban Dân vận is not), a sent report is not missing,
// and the missing ones become overdue only once the call's due date has passed.
func TestReportBoard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		bithu, staff := f.who(t, "bithu1"), f.who(t, "canbo")
		year := f.o.CurrentYear - 1 // last year's annual report: yesterday is always inside its reach
		id, err := f.svc.Create(ctx, bithu, report.Input{UnitID: f.o.Agencies[0].Node.ID, Kind: report.Annual, Year: year})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveNarrative(ctx, bithu, id, 0, report.Narrative{Achievements: "a", Weaknesses: "b", NextTasks: "c"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Submit(ctx, bithu, id); err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Status(ctx, staff, f.o.Root.ID, report.Annual, year, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Children) != len(f.o.Agencies) || b.NotSent != len(f.o.Agencies)-1 || b.Overdue != 0 || b.DueOn != "" {
			t.Fatalf("without a call: %d children, %d not sent, %d overdue", len(b.Children), b.NotSent, b.Overdue)
		}
		_, err = f.svc.SetCall(ctx, bithu, report.CallInput{UnitID: f.o.Root.ID, Kind: report.Annual, Year: year, DueOn: "2000-01-01"})
		wantErr(t, err, apperr.NotFound, "Không tìm thấy")
		_, err = f.svc.SetCall(ctx, staff, report.CallInput{UnitID: f.o.Root.ID, Kind: report.Annual, Year: year, DueOn: "31/12"})
		wantErr(t, err, apperr.Invalid, "Hạn gửi báo cáo")
		past := sqldb.FormatTime(db.Now().AddDate(0, 0, -1))[:10]
		if _, err := f.svc.SetCall(ctx, staff, report.CallInput{UnitID: f.o.Root.ID, Kind: report.Annual, Year: year, DueOn: past}); err != nil {
			t.Fatal(err)
		}
		b, err = f.svc.Status(ctx, staff, f.o.Root.ID, report.Annual, year, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if b.Overdue != len(f.o.Agencies)-1 || b.DueOn != past {
			t.Errorf("after the due date: %d overdue, want %d", b.Overdue, len(f.o.Agencies)-1)
		}
		for _, c := range b.Children {
			if (c.Unit.ID == f.o.Agencies[0].Node.ID) == c.Overdue || (c.Unit.ID == f.o.Agencies[0].Node.ID) != (c.ReportID == id) {
				t.Errorf("%s: report %d %s overdue %v", c.Unit.Name, c.ReportID, c.Status, c.Overdue)
			}
		}
		if _, err := f.svc.Status(ctx, bithu, f.o.Agencies[1].Node.ID, report.Annual, year, "", ""); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another agency's board for bithu1: %v", err)
		}
	})
}

// TestReportLiveFigures checks the reuse of a draft's live figures: a second reading
// within LiveFor gives the same figures, taken at the same time; GetFresh reads the
// change; another reader gets their own.
func TestReportLiveFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a1 := f.o.Agencies[0]
		bithu, head := f.who(t, "bithu1"), f.who(t, "thutruong1")
		id, err := f.svc.Create(ctx, bithu, report.Input{UnitID: a1.Node.ID, Kind: report.Annual, Year: f.o.CurrentYear})
		if err != nil {
			t.Fatal(err)
		}
		first, err := f.svc.Get(ctx, bithu, id)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := first.Figures.Value("petitions", "received")
		month := first.From[:7]
		if _, err := db.ExecContext(ctx, `INSERT INTO petition_rollup (unit_id, month, kind, received, resolved, on_time) VALUES (?, ?, 'kien-nghi', 0, 0, 0) ON CONFLICT DO NOTHING`, a1.Node.ID, month); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE petition_rollup SET received = received + 5 WHERE unit_id = ? AND month = ? AND kind = 'kien-nghi'`, a1.Node.ID, month); err != nil {
			t.Fatal(err)
		}
		again, err := f.svc.Get(ctx, bithu, id)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := again.Figures.Value("petitions", "received"); v != before || again.Figures.TakenAt != first.Figures.TakenAt {
			t.Errorf("second reading within LiveFor: %d taken %s, want %d taken %s", v, again.Figures.TakenAt, before, first.Figures.TakenAt)
		}
		if other, err := f.svc.Get(ctx, head, id); err != nil {
			t.Fatal(err)
		} else if v, _ := other.Figures.Value("petitions", "received"); v != before+5 {
			t.Errorf("another reader's first reading: %d, want %d", v, before+5)
		}
		fresh, err := f.svc.GetFresh(ctx, bithu, id)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := fresh.Figures.Value("petitions", "received"); v != before+5 {
			t.Errorf("fresh reading: %d, want %d", v, before+5)
		}
	})
}
