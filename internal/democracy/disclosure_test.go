package democracy_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/democracy"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

type dfix struct {
	*cfix
	ds *democracy.DisclosureService
}

func setupDisc(t *testing.T, db *sqldb.DB) *dfix {
	t.Helper()
	f := &cfix{db: db, ctx: context.Background()}
	capture := func(ctx context.Context, db *sqldb.DB, o *demo.Org) error { f.o = o; return nil }
	if _, err := demo.Load(f.ctx, db, "mat-khau-demo-2026", capture); err != nil {
		t.Fatal(err)
	}
	return &dfix{cfix: f, ds: democracy.NewDisclosureService(db)}
}

func daysAgo(db *sqldb.DB, n int) string {
	return work.Today(db.Now().AddDate(0, 0, -n))
}

func TestDisclosureRegister(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupDisc(t, db)
		a := f.o.Agencies[0]
		head, union, member, upper := f.who(t, "thutruong1"), f.who(t, "congdoan1"), f.who(t, "dangvien1"), f.who(t, "canbo")
		in := democracy.DisclosureInput{UnitID: a.Node.ID, Category: "quy-che", Title: "Quy chế chi tiêu nội bộ sửa đổi", DecisionNo: "15/QĐ-STP",
			DecisionOn: daysAgo(db, 40), Signer: "Giám đốc", Forms: []string{democracy.FormPosted, democracy.FormIntranet}}
		// Only the office and the trade union keep the register.
		for _, p := range []*org.Principal{member, upper} {
			if _, err := f.ds.Create(f.ctx, p, in); apperr.KindOf(err) != apperr.Forbidden {
				t.Fatalf("create by %s: %v", p.Username, err)
			}
		}
		// Bad input writes nothing.
		bad := in
		bad.Title, bad.Forms, bad.DecisionOn = "", []string{"bay-gio"}, "2099-01-01"
		_, err := f.ds.Create(f.ctx, head, bad)
		wantKind(t, err, apperr.Invalid, "Hãy nhập nội dung công khai")
		if n := f.count(t, `SELECT COUNT(*) FROM disclosures`); n != 0 {
			t.Fatalf("bad input wrote %d", n)
		}
		id, err := f.ds.Create(sqldb.WithFormNonce(f.ctx, "disc-1"), union, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ds.Create(sqldb.WithFormNonce(f.ctx, "disc-1"), union, in); err == nil {
			t.Fatal("double submit made two items")
		}
		today := work.Today(db.Now())
		d, err := f.ds.Disclosure(f.ctx, head, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.PostState(today) != democracy.PostOverdue || d.DisplayDays != 20 || d.LeadID != a.Head {
			t.Fatalf("state %s display %d lead %d", d.PostState(today), d.DisplayDays, d.LeadID)
		}
		// Not posted: the staff do not see it, the upper committee does.
		if _, err := f.ds.Disclosure(f.ctx, member, id); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("member sees an undisclosed item: %v", err)
		}
		if _, err := f.ds.Disclosure(f.ctx, upper, id); err != nil {
			t.Fatal(err)
		}
		// The overview's counter and the reminder, once even when run twice.
		counts, err := f.ds.OverdueByAgency(f.ctx, f.o.Root.Path, db.Now())
		if err != nil || counts[a.Node.ID] != 1 {
			t.Fatalf("overdue %v %v", counts, err)
		}
		for i, want := range []int{1, 0} {
			n, err := f.ds.RemindOverdue(f.ctx, db.Now())
			if err != nil || n != want {
				t.Fatalf("run %d reminded %d (%v)", i, n, err)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'disclosure.overdue'`); n != 1 {
			t.Fatalf("%d reminders", n)
		}
		// Posted late, 10 days ago: on display, the minimum not met yet.
		in.PostedOn = daysAgo(db, 10)
		if err := f.ds.Update(f.ctx, head, id, in); err != nil {
			t.Fatal(err)
		}
		d, _ = f.ds.Disclosure(f.ctx, head, id)
		if d.PostState(today) != democracy.PostLate || d.DisplayState(today) != democracy.DisplayShowing {
			t.Fatalf("post %s display %s", d.PostState(today), d.DisplayState(today))
		}
		// Taking it down before 20 days is refused and writes nothing.
		err = f.ds.TakeDown(f.ctx, head, id, today)
		wantKind(t, err, apperr.Invalid, "ít nhất 20 ngày")
		if n := f.count(t, `SELECT COUNT(*) FROM disclosures WHERE taken_down_on <> ''`); n != 0 {
			t.Fatal("refused take-down wrote")
		}
		// The staff see it now and ask; the answer reaches the sender.
		qid, err := f.ds.Ask(f.ctx, member, id, democracy.QuestionAsk, "Mức chi hội nghị mới áp dụng từ ngày nào?")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ds.Ask(f.ctx, upper, id, democracy.QuestionAsk, "Hỏi"); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("upper asks: %v", err)
		}
		if err := f.ds.Answer(f.ctx, member, id, qid, "Không"); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("member answers: %v", err)
		}
		if err := f.ds.Answer(f.ctx, union, id, qid, "Từ ngày ký."); err != nil {
			t.Fatal(err)
		}
		d, _ = f.ds.Disclosure(f.ctx, member, id)
		if len(d.QuestionList) != 1 || d.QuestionList[0].Answer != "Từ ngày ký." {
			t.Fatalf("member's questions %+v", d.QuestionList)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'disclosure.answer' AND user_id = ?`, member.UserID); n != 1 {
			t.Fatalf("%d answers notified", n)
		}
		// Posted 25 days ago: may come down.
		in.PostedOn = daysAgo(db, 25)
		if err := f.ds.Update(f.ctx, head, id, in); err != nil {
			t.Fatal(err)
		}
		if err := f.ds.TakeDown(f.ctx, head, id, today); err != nil {
			t.Fatal(err)
		}
		d, _ = f.ds.Disclosure(f.ctx, head, id)
		if d.DisplayState(today) != democracy.DisplayMet {
			t.Fatalf("display %s", d.DisplayState(today))
		}
		// Lists: the outsider of another agency sees nothing of it.
		other := f.who(t, "canbo")
		list, err := f.ds.List(f.ctx, other, democracy.DisclosureFilter{UnitID: a.Node.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("upper list %d %v", len(list), err)
		}
	})
}

func TestDisclosureRuleVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupDisc(t, db)
		admin := f.who(t, "admin")
		// A new law from 2027: 3 working days, 30 days on display.
		if _, err := f.ds.AddDisclosureRule(f.ctx, f.who(t, "thutruong1"), democracy.DisclosureRule{EffectiveFrom: "2027-01-01"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("rule by a head: %v", err)
		}
		if _, err := f.ds.AddDisclosureRule(f.ctx, admin, democracy.DisclosureRule{EffectiveFrom: "2027-01-01", PostWithin: 3, PostUnit: 2, DisplayDays: 30, Basis: "Luật sửa đổi (kiểm thử)"}); err != nil {
			t.Fatal(err)
		}
		cal := f.ds.Calendar()
		old, err := democracy.DisclosureRuleOn(f.ctx, db, "quy-che", "2026-12-31")
		if err != nil {
			t.Fatal(err)
		}
		// Thursday 31/12/2026 + 5 working days (1/1 is a holiday): Friday 8/1/2027.
		if old.DisplayDays != 20 || old.DueOn(cal, "2026-12-31") != "2027-01-08" {
			t.Fatalf("old rule %+v due %s", old, old.DueOn(cal, "2026-12-31"))
		}
		nw, _ := democracy.DisclosureRuleOn(f.ctx, db, "quy-che", "2027-01-04")
		if nw.DisplayDays != 30 || nw.DueOn(cal, "2027-01-04") != "2027-01-07" {
			t.Fatalf("new rule %+v due %s", nw, nw.DueOn(cal, "2027-01-04"))
		}
		// The budget keeps its own row until a budget row of the new law exists.
		b, _ := democracy.DisclosureRuleOn(f.ctx, db, "ngan-sach", "2027-01-04")
		if b.DisplayDays != 90 {
			t.Fatalf("budget rule %+v", b)
		}
		_ = time.Now
	})
}

// TestDisclosureListReadEitherWay: the register lists the same items in the same order
// (latest decision first) whether it is read by the readers' paths or, as a large
// register is, by decision date — for the upper committee, the agency's head and a
// member who sees only what was posted, with and without filters.
func TestDisclosureListReadEitherWay(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setupDisc(t, db)
		a := f.o.Agencies[0]
		head := f.who(t, "thutruong1")
		for i, n := range []int{70, 45, 45, 20, 3} {
			in := democracy.DisclosureInput{UnitID: a.Node.ID, Category: "quy-che", Title: fmt.Sprintf("Quy chế số %d", i), DecisionNo: fmt.Sprintf("%d/QĐ-STP", 40+i),
				DecisionOn: daysAgo(db, n), Signer: "Giám đốc", Forms: []string{democracy.FormPosted}}
			if i%2 == 0 {
				in.PostedOn = daysAgo(db, n-1)
			}
			if _, err := f.ds.Create(f.ctx, head, in); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(p *org.Principal, flt democracy.DisclosureFilter) []int64 {
			t.Helper()
			list, err := f.ds.List(f.ctx, p, flt)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for i, d := range list {
				if i > 0 && (d.DecisionOn > list[i-1].DecisionOn || d.DecisionOn == list[i-1].DecisionOn && d.ID > list[i-1].ID) {
					t.Errorf("%s: %d (%s) after %d (%s)", p.Username, d.ID, d.DecisionOn, list[i-1].ID, list[i-1].DecisionOn)
				}
				out = append(out, d.ID)
			}
			return out
		}
		for _, user := range []string{"canbo", "thutruong1", "dangvien1"} {
			p := f.who(t, user)
			for _, flt := range []democracy.DisclosureFilter{{}, {UnitID: a.Node.ID}, {State: democracy.PostOverdue}, {Limit: 2, Offset: 1}} {
				byPath := ids(p, flt)
				restore := democracy.SetDisclosureListLarge(0)
				byDate := ids(p, flt)
				restore()
				if fmt.Sprint(byPath) != fmt.Sprint(byDate) {
					t.Errorf("%s %+v: by path %v, by date %v", user, flt, byPath, byDate)
				}
				if user == "thutruong1" && flt.UnitID != 0 && len(byPath) < 5 {
					t.Errorf("the head lists %d of the agency's items, want at least the 5 made here", len(byPath))
				}
			}
		}
	})
}
