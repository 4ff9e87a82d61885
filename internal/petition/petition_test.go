package petition_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

type fixture struct {
	db  *sqldb.DB
	svc *petition.Service
	cal *petition.CalendarStore
	o   *demo.Org
	ctx context.Context
}

func setup(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, svc: petition.NewService(db), cal: petition.NewCalendarStore(db), ctx: ctx}
	if err := f.cal.Load(ctx); err != nil {
		t.Fatal(err)
	}
	f.svc.Calendar = f.cal.Current
	capture := func(ctx context.Context, db *sqldb.DB, o *demo.Org) error { f.o = o; return nil }
	if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", demo.Petitions, capture); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) who(t *testing.T, user string) *org.Principal {
	t.Helper()
	p, err := org.LoadPrincipal(f.ctx, f.db, f.o.Users[user])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func denouncer() petition.Sender {
	return petition.Sender{Name: "Trịnh Văn Khoa", Phone: "0903 111 222", Email: "khoa.tv@example.vn", Address: "Số 8 phố Lý Thường Kiệt, Hà Nội", IDNo: "001090054321"}
}

func (f *fixture) record(t *testing.T, p *org.Principal, kind, channel, received string, s petition.Sender) petition.Petition {
	t.Helper()
	pt, err := f.svc.Record(f.ctx, p, petition.Input{Kind: kind, Channel: channel, UnitID: f.o.Agencies[0].Node.ID, ReceivedOn: received,
		Content: "Nội dung đơn về việc giải quyết hồ sơ hành chính chậm trễ tại bộ phận một cửa " + received + " " + kind, Sender: s})
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

func step(t *testing.T, pt petition.Petition, st petition.Step) petition.StepDeadline {
	t.Helper()
	for _, d := range pt.Steps {
		if d.Step == st && (d.Status == "open" || d.Status == "paused") {
			return d
		}
	}
	t.Fatalf("no open step %s in %+v", st, pt.Steps)
	return petition.StepDeadline{}
}

// Every default rule of DOMAIN.md section 4, looked up as a petition received on a date.
func TestDefaultRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		cases := []struct {
			kind       petition.Kind
			step       petition.Step
			round      int
			complexity string
			area       string
			on         string
			amount     int
			unit       calendar.Unit
			ext, extD  int
		}{
			{"khieu-nai", "accept", 1, "normal", "normal", "2026-06-30", 10, calendar.WorkingDays, 0, 0},
			{"khieu-nai", "accept", 2, "complex", "remote", "2025-03-01", 10, calendar.WorkingDays, 0, 0},
			{"khieu-nai", "accept", 1, "normal", "normal", "2026-07-01", 7, calendar.WorkingDays, 0, 0},
			{"khieu-nai", "resolve", 1, "normal", "normal", "2026-01-10", 30, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 1, "complex", "normal", "2026-01-10", 45, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 1, "normal", "remote", "2026-01-10", 45, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 1, "complex", "remote", "2026-01-10", 60, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 2, "normal", "normal", "2026-01-10", 45, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 2, "complex", "normal", "2026-01-10", 60, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 2, "normal", "remote", "2026-01-10", 60, calendar.CalendarDays, 0, 0},
			{"khieu-nai", "resolve", 2, "complex", "remote", "2026-01-10", 70, calendar.CalendarDays, 0, 0},
			{"to-cao", "register", 1, "normal", "normal", "2026-01-10", 7, calendar.WorkingDays, 1, 3},
			{"to-cao", "forward", 1, "normal", "normal", "2026-01-10", 5, calendar.WorkingDays, 0, 0},
			{"to-cao", "resolve", 1, "normal", "normal", "2026-01-10", 30, calendar.CalendarDays, 0, 0},
			{"to-cao", "resolve", 1, "complex", "remote", "2026-01-10", 30, calendar.CalendarDays, 1, 30},
			{"to-cao", "resolve", 1, "very-complex", "normal", "2026-01-10", 30, calendar.CalendarDays, 2, 30},
			{"khieu-nai", "answer", 1, "normal", "normal", "2026-01-10", 10, calendar.WorkingDays, 0, 0},
			{"to-cao", "answer", 1, "normal", "normal", "2026-01-10", 10, calendar.WorkingDays, 0, 0},
			{"kien-nghi", "answer", 1, "normal", "normal", "2026-01-10", 10, calendar.WorkingDays, 0, 0},
			{"kien-nghi", "forward", 1, "normal", "normal", "2026-01-10", 5, calendar.WorkingDays, 0, 0},
		}
		for _, c := range cases {
			r, ok, err := petition.RuleFor(ctx, db, c.kind, c.step, c.round, c.complexity, c.area, c.on)
			if err != nil || !ok {
				t.Fatalf("%+v: no rule (%v)", c, err)
			}
			if r.Amount != c.amount || r.Unit != c.unit || r.Extensions != c.ext || r.ExtensionDays != c.extD {
				t.Errorf("%s %s round %d %s %s on %s: got %d %s ext %d×%d, want %d %s ext %d×%d", c.kind, c.step, c.round, c.complexity, c.area, c.on,
					r.Amount, r.Unit, r.Extensions, r.ExtensionDays, c.amount, c.unit, c.ext, c.extD)
			}
		}
		// Before the law was in force there is no limit, and no rule for resolving feedback.
		if _, ok, _ := petition.RuleFor(ctx, db, "to-cao", "register", 1, "normal", "normal", "2018-12-31"); ok {
			t.Error("a rule applied before Luật Tố cáo 2018 was in force")
		}
		if _, ok, _ := petition.RuleFor(ctx, db, "kien-nghi", "resolve", 1, "normal", "normal", "2026-01-10"); ok {
			t.Error("feedback has no resolution limit in the default rules")
		}
	})
}

// A complaint received on 30/6/2026 gets 10 working days to be accepted, one received on
// 1/7/2026 gets 7 — and an administrator's later rule version changes neither.
func TestRuleChangeOn1July2026(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		h := f.who(t, "tiepdan1")
		before := f.record(t, h, "khieu-nai", "post", "2026-06-30", petition.Sender{Name: "Phạm Văn Tâm", Address: "Hà Nội", IDNo: "001080011111"})
		after := f.record(t, h, "khieu-nai", "post", "2026-07-01", petition.Sender{Name: "Phạm Thị Hoa", Address: "Hà Nội", IDNo: "001080022222"})
		b, err := f.svc.Get(f.ctx, h, before.ID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := f.svc.Get(f.ctx, h, after.ID)
		// 30/6 (Tue) + 10 working days = 14/7; 1/7 (Wed) + 7 working days = 10/7.
		if got := step(t, b, petition.StepAccept); got.DueOn != "2026-07-14" || got.Amount != 10 {
			t.Errorf("received 30/6: accept due %s (%d days), want 2026-07-14 (10)", got.DueOn, got.Amount)
		}
		if got := step(t, a, petition.StepAccept); got.DueOn != "2026-07-10" || got.Amount != 7 {
			t.Errorf("received 1/7: accept due %s (%d days), want 2026-07-10 (7)", got.DueOn, got.Amount)
		}
		// An administrator adds a version from 1/8/2026; old petitions keep their limits.
		admin := f.who(t, "admin")
		if _, err := f.svc.AddRule(f.ctx, h, petition.RuleInput{Kind: "khieu-nai", Step: "accept", Amount: 5, Unit: "working_days", EffectiveFrom: "2026-08-01", Basis: "Thử"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("non-admin added a rule: %v", err)
		}
		if _, err := f.svc.AddRule(f.ctx, admin, petition.RuleInput{Kind: "khieu-nai", Step: "accept", Amount: 0, Unit: "x", EffectiveFrom: "2026-13-01"}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("bad rule accepted: %v", err)
		}
		if _, err := f.svc.AddRule(f.ctx, admin, petition.RuleInput{Kind: "khieu-nai", Step: "accept", Amount: 5, Unit: "working_days", EffectiveFrom: "2026-08-01", Basis: "Văn bản thử nghiệm"}); err != nil {
			t.Fatal(err)
		}
		a2, _ := f.svc.Get(f.ctx, h, after.ID)
		if got := step(t, a2, petition.StepAccept); got.DueOn != "2026-07-10" {
			t.Errorf("old petition changed by a later rule: %s", got.DueOn)
		}
		later := f.record(t, h, "khieu-nai", "post", "2026-08-03", petition.Sender{Name: "Vũ Văn Long", Address: "Hà Nội", IDNo: "001080033333"})
		l, _ := f.svc.Get(f.ctx, h, later.ID)
		if got := step(t, l, petition.StepAccept); got.Amount != 5 || got.DueOn != "2026-08-10" {
			t.Errorf("received 3/8: accept %d days due %s, want 5 days due 2026-08-10", got.Amount, got.DueOn)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'petition_rule'`); n != 1 {
			t.Errorf("rule additions audited: %d", n)
		}
	})
}

// The whole life of a denunciation, invalid transitions refused, confidentiality kept.
func TestDenunciationLifecycleAndConfidentiality(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		h1, h2, head, canbo := f.who(t, "tiepdan1"), f.who(t, "tiepdan2"), f.who(t, "thutruong1"), f.who(t, "canbo")
		a1 := f.o.Agencies[0]
		s := denouncer()
		received := f.cal.Current().AddWorkingDays(calendar.DateOf(db.Now()), -1).String()
		pt, err := f.svc.Submit(f.ctx, petition.Input{Kind: "to-cao", UnitID: a1.Node.ID, Content: "Tố cáo việc nhận tiền để giải quyết nhanh hồ sơ đăng ký hộ tịch.", Sender: s})
		if err != nil {
			t.Fatal(err)
		}
		_ = received
		if pt.Channel != petition.Online || pt.State != petition.Received {
			t.Fatalf("public submission: %s %s", pt.Channel, pt.State)
		}
		reg := step(t, mustGet(t, f, head, pt.ID), petition.StepRegister)
		if want := f.cal.Current().AddWorkingDays(calendar.DateOf(db.Now()), 7).String(); reg.DueOn != want {
			t.Errorf("register due %s, want %s", reg.DueOn, want)
		}
		// Invalid transitions.
		for _, a := range []petition.Action{petition.ActResolve, petition.ActAccept, petition.ActClose, petition.ActResume, petition.ActSuspend} {
			_, err := f.svc.Do(f.ctx, h1, pt.ID, a, petition.ActionInput{DecisionNo: "1", Result: "right", Reason: "x"})
			if apperr.KindOf(err) != apperr.Conflict || !strings.Contains(apperr.MessageOf(err), "Không thể") {
				t.Errorf("%s on a received petition: %v", a, err)
			}
		}
		do := func(p *org.Principal, a petition.Action, in petition.ActionInput) petition.Petition {
			t.Helper()
			out, err := f.svc.Do(f.ctx, p, pt.ID, a, in)
			if err != nil {
				t.Fatalf("%s: %v", a, err)
			}
			return out
		}
		do(h1, petition.ActClassify, petition.ActionInput{Kind: "to-cao", Competent: true, Complexity: "complex"})
		if _, err := f.svc.Do(f.ctx, h1, pt.ID, petition.ActAccept, petition.ActionInput{}); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("accept without decision: %v", err)
		}
		do(h1, petition.ActAccept, petition.ActionInput{DecisionNo: "05/QĐ-STP"})
		got := do(head, petition.ActAssign, petition.ActionInput{LeadUnitID: a1.Departments[1].ID, LeadPersonID: f.o.People["tiepdan1"], SupportUnitIDs: []int64{a1.Departments[4].ID}})
		if got.State != petition.InProgress || got.LeadPersonID != f.o.People["tiepdan1"] {
			t.Fatalf("after assign: %s lead %d", got.State, got.LeadPersonID)
		}
		res := step(t, got, petition.StepResolve)
		today := calendar.DateOf(db.Now())
		if want := f.cal.Current().CalendarDeadline(today, 30).String(); res.DueOn != want {
			t.Errorf("resolve due %s, want %s", res.DueOn, want)
		}
		got = do(h1, petition.ActExtend, petition.ActionInput{DecisionNo: "07/QĐ-STP", Reason: "Vụ việc phức tạp, cần xác minh thêm"})
		ext := step(t, got, petition.StepResolve)
		if want := f.cal.Current().CalendarDeadline(calendar.MustParseDate(res.DueOn), 30).String(); ext.DueOn != want || got.State != petition.Extended {
			t.Errorf("extended to %s (%s), want %s", ext.DueOn, got.State, want)
		}
		if _, err := f.svc.Do(f.ctx, h1, pt.ID, petition.ActExtend, petition.ActionInput{DecisionNo: "08", Reason: "lần hai"}); apperr.KindOf(err) != apperr.Conflict {
			t.Errorf("second extension of a complex case: %v", err)
		}
		do(h1, petition.ActSuspend, petition.ActionInput{DecisionNo: "09/QĐ-STP", Reason: "Chờ kết quả giám định"})
		got = do(h1, petition.ActResume, petition.ActionInput{})
		if r := step(t, got, petition.StepResolve); r.DueOn != f.cal.Current().CalendarDeadline(today, 60).String() {
			t.Errorf("after resumption due %s, want the limit (30+30) restarted from today", r.DueOn)
		}
		if _, err := f.svc.Do(f.ctx, h2, pt.ID, petition.ActResolve, petition.ActionInput{Result: "nope"}); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("resolve with a bad result: %v", err)
		}
		got = do(h1, petition.ActResolve, petition.ActionInput{Result: "partly", DecisionNo: "12/KL-STP", Conclusion: "Tố cáo đúng một phần."})
		if got.State != petition.Resolved || !got.OnTime {
			t.Errorf("resolved: %s on time %v", got.State, got.OnTime)
		}
		do(h1, petition.ActClose, petition.ActionInput{})

		// Identity: the lead (tiepdan1) and the head of agency 1 see it; others do not.
		for _, c := range []struct {
			user string
			p    *org.Principal
			sees bool
		}{{"tiepdan1", h1, true}, {"thutruong1", head, true}, {"tiepdan2", h2, false}, {"canbo", canbo, false}, {"bithu1", f.who(t, "bithu1"), false}} {
			g, err := f.svc.Get(f.ctx, c.p, pt.ID)
			if err != nil {
				t.Fatalf("%s: %v", c.user, err)
			}
			if (g.Sender.Name == s.Name) != c.sees || (g.Sender.IDNo == s.IDNo) != c.sees || g.Masked == c.sees {
				t.Errorf("%s sees identity %q, want visible=%v", c.user, g.Sender.Name, c.sees)
			}
			list, err := f.svc.Find(f.ctx, c.p, petition.Filter{Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range list.Petitions {
				if x.Sender.Name == s.Name || x.Sender.Phone == s.Phone {
					t.Errorf("%s: list shows the denouncer", c.user)
				}
			}
			if l, _ := f.svc.Find(f.ctx, c.p, petition.Filter{Query: "Trinh Van Khoa"}); len(l.Petitions) != 0 {
				t.Errorf("%s: search by the denouncer's name finds the denunciation", c.user)
			}
		}
		// Outside the subtree: 404.
		if _, err := f.svc.Get(f.ctx, f.who(t, "bithucb1"), pt.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("cell secretary reached the petition: %v", err)
		}
		// Nothing of the identity in the audit log, notifications or public history.
		for _, q := range []string{`SELECT COUNT(*) FROM audit_log WHERE summary || before || after LIKE ?`, `SELECT COUNT(*) FROM notifications WHERE title || body LIKE ?`,
			`SELECT COUNT(*) FROM petition_events WHERE public_text LIKE ?`} {
			for _, v := range []string{s.Name, s.Phone, s.IDNo, "0903111222"} {
				if n := f.count(t, q, "%"+v+"%"); n != 0 {
					t.Errorf("%s finds %q %d times", q, v, n)
				}
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'petition' AND entity_id = ?`, pt.ID); n != 9 {
			t.Errorf("audit entries %d, want 9 (create + 8 steps)", n)
		}
		// The citizen's view.
		st, err := f.svc.Track(f.ctx, strings.ToLower(petition.FormatCode(pt.Code)))
		if err != nil || st.State != petition.Closed || len(st.Events) != 9 {
			t.Fatalf("track: %+v %v", st, err)
		}
		// A wrong check symbol: any symbol but the real one (a fixed "0" was the real one
		// for one code in 32, which made this test flaky).
		wrongCheck := "0"
		if pt.Code[11:] == "0" {
			wrongCheck = "1"
		}
		for _, bad := range []string{"", "ABCD-EFGH-JKMN", pt.Code[:11] + wrongCheck, "'; DROP TABLE petitions; --"} {
			if _, err := f.svc.Track(f.ctx, bad); apperr.KindOf(err) != apperr.NotFound {
				t.Errorf("track %q: %v", bad, err)
			}
		}
	})
}

func mustGet(t *testing.T, f *fixture, p *org.Principal, id int64) petition.Petition {
	t.Helper()
	pt, err := f.svc.Get(f.ctx, p, id)
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		h := f.who(t, "tiepdan1")
		unit := f.o.Agencies[0].Node.ID
		before := f.count(t, `SELECT COUNT(*) FROM petitions`)
		tomorrow := calendar.DateOf(db.Now()).AddDays(1).String()
		cases := []struct {
			name  string
			in    petition.Input
			field string
		}{
			{"empty content", petition.Input{Kind: "kien-nghi", Channel: "post", UnitID: unit, ReceivedOn: "2026-11-02", Content: "   ", Sender: petition.Sender{Name: "A"}}, "content"},
			{"1 MB of text", petition.Input{Kind: "kien-nghi", Channel: "post", UnitID: unit, ReceivedOn: "2026-11-02", Content: strings.Repeat("đơn thư ", 1<<17), Sender: petition.Sender{Name: "A"}}, "content"},
			{"future receipt", petition.Input{Kind: "kien-nghi", Channel: "post", UnitID: unit, ReceivedOn: tomorrow, Content: "Nội dung", Sender: petition.Sender{Name: "A"}}, "received_on"},
			{"bad kind", petition.Input{Kind: "exe", Channel: "post", UnitID: unit, ReceivedOn: "2026-11-02", Content: "Nội dung", Sender: petition.Sender{Name: "A"}}, "kind"},
			{"complaint without ID", petition.Input{Kind: "khieu-nai", Channel: "post", UnitID: unit, ReceivedOn: "2026-11-02", Content: "Nội dung", Sender: petition.Sender{Name: "A", Address: "HN"}}, "sender_idno"},
			{"bad phone", petition.Input{Kind: "kien-nghi", Channel: "post", UnitID: unit, ReceivedOn: "2026-11-02", Content: "Nội dung", Sender: petition.Sender{Name: "A", Phone: "<script>"}}, "sender_phone"},
		}
		for _, c := range cases {
			_, err := f.svc.Record(f.ctx, h, c.in)
			if apperr.KindOf(err) != apperr.Invalid || apperr.FieldsOf(err)[c.field] == "" {
				t.Errorf("%s: %v (fields %v)", c.name, err, apperr.FieldsOf(err))
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM petitions`); n != before {
			t.Errorf("bad input wrote %d petitions", n-before)
		}
		// Script tags are stored as text (the pages escape them).
		pt, err := f.svc.Record(f.ctx, h, petition.Input{Kind: "kien-nghi", Channel: "in-person", UnitID: unit, ReceivedOn: "2026-11-02", Content: "<script>alert(1)</script> kiến nghị", Sender: petition.Sender{Name: "Nguyễn <b>An</b>"}})
		if err != nil || !strings.Contains(pt.Content, "<script>") {
			t.Fatalf("script text: %v %q", err, pt.Content)
		}
		// A repeated Idempotency-Key creates one petition.
		in := petition.Input{Kind: "kien-nghi", UnitID: unit, Content: "Kiến nghị sửa đường", Sender: petition.Sender{Name: "Lê Văn B"}, IdemKey: "key-123"}
		a, err := f.svc.Submit(f.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Submit(f.ctx, in)
		if err != nil || a.ID != b.ID || a.Code != b.Code {
			t.Errorf("double submit: %d %d %v", a.ID, b.ID, err)
		}
	})
}

func TestCalendarStoreAndReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		admin, h := f.who(t, "admin"), f.who(t, "tiepdan1")
		d := calendar.MustParseDate("2027-05-12") // a Monday
		if !f.cal.Current().IsWorkingDay(d) {
			t.Fatal("12/5/2027 should be a working day by the rules")
		}
		other := petition.NewCalendarStore(db) // a second instance
		if err := other.Load(f.ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.cal.SetDay(f.ctx, h, "2027-05-12", "off", "Nghỉ bù"); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("non-admin changed the calendar: %v", err)
		}
		if err := f.cal.SetDay(f.ctx, admin, "2027-05-12", "off", "Nghỉ hoán đổi"); err != nil {
			t.Fatal(err)
		}
		if f.cal.Current().IsWorkingDay(d) {
			t.Error("the changing instance did not reload")
		}
		if err := other.Refresh(f.ctx); err != nil || other.Current().IsWorkingDay(d) {
			t.Errorf("the other instance did not see the change: %v", err)
		}
		if err := f.cal.SetDay(f.ctx, admin, "2027-05-15", "working", "Làm bù cho ngày 3/5"); err != nil {
			t.Fatal(err)
		}
		if !f.cal.Current().IsWorkingDay(calendar.MustParseDate("2027-05-15")) {
			t.Error("swapped Saturday is not a working day")
		}
		if err := f.cal.DeleteDay(f.ctx, admin, "2027-05-12"); err != nil || !f.cal.Current().IsWorkingDay(d) {
			t.Errorf("delete: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'calendar_day'`); n != 3 {
			t.Errorf("calendar changes audited %d, want 3", n)
		}

		// Reminders: the demo has due-soon and overdue petitions led by tiepdan1.
		uid := f.o.Users["tiepdan1"]
		if err := f.svc.Remind(f.ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		n1 := f.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind LIKE 'petition.%due%' OR (user_id = ? AND kind = 'petition.overdue')`, uid, uid)
		if n1 == 0 {
			t.Fatal("no reminder sent")
		}
		if err := f.svc.Remind(f.ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		if n2 := f.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind LIKE 'petition.%due%' OR (user_id = ? AND kind = 'petition.overdue')`, uid, uid); n2 != n1 {
			t.Errorf("second run sent again: %d then %d", n1, n2)
		}
		// Dashboard counters agree with the rows.
		dash, err := f.svc.Dashboard(f.ctx, f.who(t, "canbo"), f.o.Root.ID, 12)
		if err != nil {
			t.Fatal(err)
		}
		if total := f.count(t, `SELECT COUNT(*) FROM petitions`); dash.Total.Received != total {
			t.Errorf("dashboard received %d, rows %d", dash.Total.Received, total)
		}
		if res := f.count(t, `SELECT COUNT(*) FROM petitions WHERE resolved_on <> ''`); dash.Total.Resolved != res {
			t.Errorf("dashboard resolved %d, rows %d", dash.Total.Resolved, res)
		}
		if od := f.count(t, `SELECT COUNT(*) FROM petitions WHERE open = TRUE AND due_on < ?`, calendar.DateOf(db.Now()).String()); dash.Total.OverdueNow != od || od == 0 {
			t.Errorf("overdue now %d, rows %d", dash.Total.OverdueNow, od)
		}
		if len(dash.Children) == 0 {
			t.Error("no child figures")
		}
		// Moving agency 2 under agency 1 moves its figures with it.
		a1, a2 := f.o.Agencies[0].Node, f.o.Agencies[1].Node
		before1, err := f.svc.Dashboard(f.ctx, admin, a1.ID, 12)
		if err != nil {
			t.Fatal(err)
		}
		two, _ := f.svc.Dashboard(f.ctx, admin, a2.ID, 12)
		os := org.NewService(db)
		os.PathHooks = append(os.PathHooks, petition.MoveRollups, org.ReplacePathPrefix("petitions", "unit_path"), org.ReplacePathPrefix("petition_stats", "unit_path"))
		if _, err := os.MoveUnit(f.ctx, admin, a2.ID, a1.ID); err != nil {
			t.Fatal(err)
		}
		after1, _ := f.svc.Dashboard(f.ctx, admin, a1.ID, 12)
		root2, _ := f.svc.Dashboard(f.ctx, admin, f.o.Root.ID, 12)
		if after1.Total.Received != before1.Total.Received+two.Total.Received || after1.Total.OverdueNow != before1.Total.OverdueNow+two.Total.OverdueNow || root2.Total != dash.Total {
			t.Errorf("after the move: agency 1 %+v (was %+v, agency 2 %+v); root %+v (was %+v)", after1.Total, before1.Total, two.Total, root2.Total, dash.Total)
		}
		// Compacting old deadlines keeps "overdue now" exact, also after later changes.
		if err := f.svc.CompactDues(f.ctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := f.svc.Dashboard(f.ctx, admin, f.o.Root.ID, 12); c.Total != dash.Total {
			t.Errorf("after compaction %+v, before %+v", c.Total, dash.Total)
		}
		// A rebuild from the source rows gives the same figures.
		if err := f.svc.RebuildRollups(f.ctx); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.svc.Dashboard(f.ctx, admin, a1.ID, 12); again.Total != after1.Total {
			t.Errorf("rebuild: %+v, kept: %+v", again.Total, after1.Total)
		}
	})
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c := petition.NewCode()
		if seen[c] {
			t.Fatal("duplicate code")
		}
		seen[c] = true
		n, ok := petition.NormalizeCode(" " + strings.ToLower(petition.FormatCode(c)) + " ")
		if !ok || n != c {
			t.Fatalf("normalize %s: %s %v", c, n, ok)
		}
		// A single wrong symbol is caught (except 0/Z whose values differ by 31).
		b := []byte(c)
		if b[3] != '0' && b[3] != 'Z' && b[3] != '1' && b[3] != 'Y' {
			b[3] = map[bool]byte{true: '2', false: '3'}[b[3] != '2']
			if _, ok := petition.NormalizeCode(string(b)); ok {
				t.Fatalf("wrong symbol accepted: %s vs %s", b, c)
			}
		}
	}
}

// Deadlines gathered by CompactDues still count exactly when such a petition moves on.
func TestCompactedDeadlinesStayExact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		h, admin := f.who(t, "tiepdan1"), f.who(t, "admin")
		old := f.cal.Current().AddWorkingDays(calendar.DateOf(db.Now()), -70).String()
		pt := f.record(t, h, "khieu-nai", "post", old, petition.Sender{Name: "Cao Văn Bảy", Address: "Hà Nội", IDNo: "001075099999"})
		overdue := func() int {
			d, err := f.svc.Dashboard(f.ctx, admin, f.o.Root.ID, 12)
			if err != nil {
				t.Fatal(err)
			}
			if live := f.count(t, `SELECT COUNT(*) FROM petitions WHERE due_on < ?`, calendar.DateOf(db.Now()).String()); d.Total.OverdueNow != live {
				t.Fatalf("dashboard overdue %d, live %d", d.Total.OverdueNow, live)
			}
			return d.Total.OverdueNow
		}
		before := overdue()
		if err := f.svc.CompactDues(f.ctx); err != nil {
			t.Fatal(err)
		}
		if f.count(t, `SELECT COUNT(*) FROM petition_due_counts WHERE due_on = ?`, old) != 0 && f.count(t, `SELECT COUNT(*) FROM petition_due_counts WHERE due_on < ? AND due_on > '0001-01-01'`, calendar.DateOf(db.Now()).AddDays(-31).String()) != 0 {
			t.Error("old deadlines not gathered")
		}
		if overdue() != before {
			t.Fatal("compaction changed the figure")
		}
		for _, a := range []struct {
			act petition.Action
			in  petition.ActionInput
		}{{petition.ActClassify, petition.ActionInput{Kind: "khieu-nai", Competent: true}}, {petition.ActAccept, petition.ActionInput{DecisionNo: "9/TB"}}} {
			if _, err := f.svc.Do(f.ctx, h, pt.ID, a.act, a.in); err != nil {
				t.Fatal(err)
			}
		}
		if got := overdue(); got != before-1 {
			t.Errorf("after accepting the old complaint: overdue %d, want %d", got, before-1)
		}
	})
}

// "Việc của tôi" of a handler lists the petitions waiting to be classified or assigned in
// their reach, nearest deadline first, at most 50: the same rows, in the same order, as
// one plain query over both states would give.
func TestOpenWorkWaitingPetitionsNearestFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		h1 := f.who(t, "tiepdan1")
		today := calendar.DateOf(db.Now())
		for i := range 64 {
			received := f.cal.Current().AddWorkingDays(today, -(i % 9)).String()
			pt := f.record(t, h1, "kien-nghi", "in-person", received, petition.Sender{Name: "Người gửi " + strconv.Itoa(i), Phone: "0912 000 " + strconv.Itoa(100+i)})
			if i%2 == 0 {
				if _, err := f.svc.Do(f.ctx, h1, pt.ID, petition.ActClassify, petition.ActionInput{Kind: "kien-nghi", Competent: true, Complexity: "normal"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		items, err := f.svc.OpenWork(f.ctx, h1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			if it.Kind == "Đơn thư" && !strings.Contains(it.Status, "Đang giải quyết") {
				got = append(got, it.Link)
			}
		}
		cond, args := h1.Scope(org.HandlePetition).SQL("unit_path")
		rows, err := db.QueryContext(f.ctx, `SELECT id FROM petitions WHERE state IN ('received', 'classified') AND `+cond+` ORDER BY due_on, id LIMIT 50`, args...)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, "/petitions/"+strconv.FormatInt(id, 10))
		}
		rows.Close()
		if len(want) != 50 {
			t.Fatalf("fixture: %d waiting petitions in reach, want more than 50", len(want))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("open work:\n got %v\nwant %v", got, want)
		}
	})
}

// A search for text holding LIKE's own characters matches them literally on both engines:
// "50%" finds the petition about a 50% fee and nothing else, "%" alone matches only
// petitions that contain a percent sign.
func TestFindMatchesLikeCharactersLiterally(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		h1 := f.who(t, "tiepdan1")
		today := calendar.DateOf(db.Now()).String()
		pt, err := f.svc.Record(f.ctx, h1, petition.Input{Kind: "kien-nghi", Channel: "in-person", UnitID: f.o.Agencies[0].Node.ID, ReceivedOn: today,
			Content: "Kiến nghị giảm 50% lệ phí cấp bản sao giấy tờ cho người cao tuổi", Sender: petition.Sender{Name: "Đào Văn Hậu", Phone: "0912 345 001"}})
		if err != nil {
			t.Fatal(err)
		}
		f.record(t, h1, "kien-nghi", "in-person", today, petition.Sender{Name: "Lý Thị Hương", Phone: "0912 345 002"}) // no percent sign
		for _, q := range []string{"50%", "%", "giam 50% le phi"} {
			page, err := f.svc.Find(f.ctx, h1, petition.Filter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Petitions) != 1 || page.Petitions[0].ID != pt.ID {
				t.Errorf("search %q: %d petitions, want only the one about 50%%", q, len(page.Petitions))
			}
		}
		if page, err := f.svc.Find(f.ctx, h1, petition.Filter{Query: "_"}); err != nil || len(page.Petitions) != 0 {
			t.Errorf(`search "_": %d petitions (%v), want none`, len(page.Petitions), err)
		}
	})
}

// TestDuplicatesOfAPetition: the petition page lists the petitions with the same ID
// number, phone or content that the reader may see, with the reason, never the petition
// itself nor an unrelated one — the same answer whether the reader's scope is read by
// its path range (small) or each probe's own index (large, which SQLite must be told).
func TestDuplicatesOfAPetition(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		staff := f.who(t, "tiepdan1")
		today := work.Today(db.Now())
		rec := func(content string, s petition.Sender) petition.Petition {
			t.Helper()
			pt, err := f.svc.Record(f.ctx, staff, petition.Input{Kind: string(petition.Feedback), Channel: string(petition.Post), UnitID: f.o.Agencies[0].Node.ID, ReceivedOn: today,
				Content: content, Sender: s})
			if err != nil {
				t.Fatal(err)
			}
			return pt
		}
		same := "Đề nghị công khai quy hoạch sử dụng đất của phường trên cổng thông tin điện tử"
		a := rec(same, petition.Sender{Name: "Lê Thị Hoa", Phone: "0912 345 678", IDNo: "001190012345", Address: "Hà Nội"})
		byPhone := rec("Đề nghị sửa đường ngõ 12 bị sụt lún sau mưa lớn", petition.Sender{Name: "Lê Văn Hùng", Phone: "0912.345.678", Address: "Hà Nội"})
		byText := rec(same+".", petition.Sender{Name: "Phạm Văn Nam", Phone: "0987 000 111", Address: "Hà Nội"})
		other := rec("Phản ánh tiếng ồn từ xưởng cơ khí ban đêm", petition.Sender{Name: "Đỗ Thu Trang", Phone: "0977 222 333", Address: "Hà Nội"})
		for _, large := range []int{2000, 0} {
			restore := petition.SetDuplicateScopeLarge(large)
			for _, user := range []string{"tiepdan1", "admin"} {
				got, err := f.svc.DuplicatesOf(f.ctx, f.who(t, user), a.ID)
				if err != nil {
					t.Fatalf("threshold %d, %s: %v", large, user, err)
				}
				reasons := map[int64]string{}
				for _, d := range got {
					reasons[d.ID] = d.Reason
				}
				if !strings.Contains(reasons[byPhone.ID], "điện thoại") || !strings.Contains(reasons[byText.ID], "Nội dung") {
					t.Errorf("threshold %d, %s: duplicates %+v miss the same phone (%d) or the same content (%d)", large, user, got, byPhone.ID, byText.ID)
				}
				if _, ok := reasons[a.ID]; ok {
					t.Errorf("threshold %d, %s: the petition is listed as its own duplicate", large, user)
				}
				if _, ok := reasons[other.ID]; ok {
					t.Errorf("threshold %d, %s: an unrelated petition is listed: %+v", large, user, got)
				}
			}
			restore()
		}
	})
}
