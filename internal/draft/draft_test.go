package draft_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/auth"
	"danvan/internal/calendar"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/draft"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

type fixture struct {
	db  *sqldb.DB
	svc *draft.Service
	o   *demo.Org
	ctx context.Context
}

func setup(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, svc: draft.NewService(db), ctx: ctx}
	var o *demo.Org
	capture := func(ctx context.Context, db *sqldb.DB, org *demo.Org) error { o = org; return nil }
	if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", demo.Drafts, capture); err != nil {
		t.Fatal(err)
	}
	f.o = o
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

// newRound creates a draft by thutruong1 with a round open for an hour to the three mass organisations.
func (f *fixture) newRound(t *testing.T) (draft.Draft, draft.Round, draft.Version) {
	t.Helper()
	a := f.o.Agencies[0]
	head := f.who(t, "thutruong1")
	d, err := f.svc.Create(f.ctx, head, draft.Input{Title: "Quy định về văn hóa công sở", Kind: "Quy định", UnitID: a.Node.ID,
		DrafterID: a.Head, HeadID: a.Head, Body: demo.DemoDraftText(40)})
	if err != nil {
		t.Fatal(err)
	}
	now := f.db.Now()
	r, err := f.svc.OpenRound(f.ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour),
		UnitIDs: []int64{a.TradeUnion.ID, a.Youth.ID, a.Veterans.ID}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := f.svc.LatestVersion(f.ctx, head, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d, r, v
}

func part(t *testing.T, v draft.Version, key string) int64 {
	t.Helper()
	for _, p := range v.Parts {
		if p.Key == key {
			return p.ID
		}
	}
	t.Fatalf("no part %s", key)
	return 0
}

func TestDemoDraftsLoadedOnceWithAnsweredClosedRound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		if _, err := demo.Load(f.ctx, db, "mat-khau-demo-2026", demo.Drafts); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM drafts`); n != 1 {
			t.Fatalf("drafts = %d after loading twice", n)
		}
		p := f.who(t, "thutruong1")
		ds, err := f.svc.List(f.ctx, p, "", 0)
		if err != nil || len(ds) != 1 {
			t.Fatalf("list = %v, %v", ds, err)
		}
		rs, err := f.svc.Rounds(f.ctx, p, ds[0].ID)
		if err != nil || len(rs) != 2 {
			t.Fatalf("rounds = %d, %v", len(rs), err)
		}
		if rs[0].State(db.Now()) != "closed" || rs[0].Unanswered != 0 || rs[0].Comments < 3 {
			t.Fatalf("closed round: %+v", rs[0])
		}
		rep, err := f.svc.Report(f.ctx, p, rs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		units := map[string]bool{}
		for _, c := range rep.ByUnit {
			units[c.Label] = true
		}
		if !units["Công đoàn Sở Tư pháp"] || !units["Đoàn Thanh niên Sở Tư pháp"] {
			t.Fatalf("report by unit = %+v", rep.ByUnit)
		}
		if rs[1].State(db.Now()) != "open" {
			t.Fatalf("second round state %s", rs[1].State(db.Now()))
		}
		// The list carries each draft's latest round with its counts (one query for the list).
		if lr := ds[0].LatestRound; lr == nil || lr.ID != rs[1].ID || lr.VersionNumber != 2 || lr.Comments != rs[1].Comments {
			t.Fatalf("latest round in the list: %+v, want %+v", lr, rs[1])
		}
		sums, err := f.svc.Summaries(f.ctx, p)
		if err != nil || len(sums) != 1 || sums[0].RoundState != "open" || sums[0].Versions != 2 {
			t.Fatalf("summaries %+v, %v", sums, err)
		}
	})
}

func TestCommentAnswerAndReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		d, r, v := f.newRound(t)
		a := f.o.Agencies[0]
		union := f.who(t, "congdoan1")
		c1, err := f.svc.AddComment(f.ctx, union, r.ID, draft.CommentInput{PartID: part(t, v, "d3"), UnitID: a.TradeUnion.ID, Body: "Đề nghị làm rõ nguyên tắc.", Proposed: "Điều 3. Nguyên tắc công khai, minh bạch"})
		if err != nil {
			t.Fatal(err)
		}
		if c1.UnitName != "Công đoàn Sở Tư pháp" || c1.PartRef != "Điều 3" {
			t.Fatalf("comment = %+v", c1)
		}
		c2, err := f.svc.AddComment(f.ctx, union, r.ID, draft.CommentInput{PartID: part(t, v, "d7.2.a"), UnitID: a.TradeUnion.ID, Body: "Đề nghị 30 ngày."})
		if err != nil {
			t.Fatal(err)
		}
		// Someone who is not the drafter or head cannot answer; nothing is written.
		_, err = f.svc.Answer(f.ctx, f.who(t, "bithu1"), c1.ID, draft.AnswerInput{Kind: draft.Accepted, Text: "x"})
		if apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("answer by bithu1: %v", err)
		}
		_, err = f.svc.Answer(f.ctx, union, c1.ID, draft.AnswerInput{Kind: draft.Accepted, Text: "x"})
		if apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("answer by commenter: %v", err)
		}
		head := f.who(t, "thutruong1")
		if _, err := f.svc.Answer(f.ctx, head, c1.ID, draft.AnswerInput{Kind: draft.Explained}); apperr.KindOf(err) != apperr.Invalid || apperr.FieldsOf(err)["answer_text"] == "" {
			t.Fatalf("explained without reason: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM draft_comments WHERE answer <> ''`); n != 4 { // the demo's 4
			t.Fatalf("answered = %d", n)
		}
		if _, err := f.svc.Answer(f.ctx, head, c1.ID, draft.AnswerInput{Kind: draft.Accepted, Text: "Điều 3. Nguyên tắc công khai, minh bạch", Ref: "Điều 3"}); err != nil {
			t.Fatal(err)
		}
		un, err := f.svc.Comments(f.ctx, head, r.ID, draft.CommentFilter{Unanswered: true})
		if err != nil || len(un) != 1 || un[0].ID != c2.ID {
			t.Fatalf("unanswered = %+v, %v", un, err)
		}
		if _, err := f.svc.Answer(f.ctx, head, c2.ID, draft.AnswerInput{Kind: draft.Explained, Text: "Luật quy định 20 ngày."}); err != nil {
			t.Fatal(err)
		}
		rep, err := f.svc.Report(f.ctx, head, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Invited != 3 || rep.Responded != 1 || rep.Total != 2 || rep.Accepted != 1 || rep.Explained != 1 || rep.Unanswered != 0 {
			t.Fatalf("report counts %+v", rep)
		}
		if len(rep.Articles) != 2 || rep.Articles[0].Ref != "Điều 3" || rep.Articles[1].Ref != "Điều 7" || rep.Articles[1].Comments[0].PartRef != "Điểm a khoản 2 Điều 7" {
			t.Fatalf("articles %+v", rep.Articles)
		}
		if rep.Format != "state" {
			t.Fatalf("format %s for an agency", rep.Format)
		}
		_ = d
	})
}

func TestRoundTimingAndOnBehalfRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		_, r, v := f.newRound(t)
		a := f.o.Agencies[0]
		// doantn1 may not speak for the trade union; dangvien1 may comment personally only.
		_, err := f.svc.AddComment(f.ctx, f.who(t, "doantn1"), r.ID, draft.CommentInput{PartID: part(t, v, "d1"), UnitID: a.TradeUnion.ID, Body: "Ý kiến"})
		if apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("youth speaking for the union: %v", err)
		}
		member := f.who(t, "dangvien1")
		if _, err := f.svc.AddComment(f.ctx, member, r.ID, draft.CommentInput{PartID: part(t, v, "d1"), UnitID: a.Youth.ID, Body: "Ý kiến"}); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("member speaking for the youth union: %v", err)
		}
		mine, err := f.svc.AddComment(f.ctx, member, r.ID, draft.CommentInput{PartID: part(t, v, "d1"), Body: "Ý kiến cá nhân"})
		if err != nil {
			t.Fatal(err)
		}
		// A unit that is not invited (ban nữ công) cannot be spoken for in this round.
		if _, err := f.svc.AddComment(f.ctx, f.who(t, "thutruong1"), r.ID, draft.CommentInput{UnitID: a.Women.ID, Body: "x"}); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("uninvited unit: %v", err)
		}
		// Editing works while open, then the round closes: the server refuses.
		if _, err := f.svc.UpdateComment(f.ctx, member, mine.ID, draft.CommentInput{PartID: part(t, v, "d2"), Body: "Sửa lại"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(f.ctx, `UPDATE draft_rounds SET closes_at = ? WHERE id = ?`, sqldb.FormatTime(db.Now().Add(-time.Second)), r.ID); err != nil {
			t.Fatal(err)
		}
		before := f.count(t, `SELECT COUNT(*) FROM draft_comments`)
		_, err = f.svc.AddComment(f.ctx, member, r.ID, draft.CommentInput{Body: "Muộn"})
		if apperr.KindOf(err) != apperr.Conflict || !strings.Contains(apperr.MessageOf(err), "đã kết thúc") {
			t.Fatalf("comment after close: %v", err)
		}
		if _, err := f.svc.UpdateComment(f.ctx, member, mine.ID, draft.CommentInput{Body: "Sửa muộn"}); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("edit after close: %v", err)
		}
		if after := f.count(t, `SELECT COUNT(*) FROM draft_comments`); after != before {
			t.Fatal("a refused comment was written")
		}
	})
}

func TestBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a := f.o.Agencies[0]
		head := f.who(t, "thutruong1")
		drafts := f.count(t, `SELECT COUNT(*) FROM drafts`)
		_, err := f.svc.Create(f.ctx, head, draft.Input{Title: "Không có điều", Kind: "Quy chế", UnitID: a.Node.ID, DrafterID: a.Head, HeadID: a.Head,
			Body: "Kính gửi các đồng chí,\n1. Nội dung một\n2. Nội dung hai"})
		if msg := apperr.FieldsOf(err)["body"]; !strings.Contains(msg, "Không nhận ra điều nào") {
			t.Fatalf("no articles: %v", err)
		}
		// A unit outside reach (agency 2) is refused for bithu1.
		_, err = f.svc.Create(f.ctx, f.who(t, "bithu1"), draft.Input{Title: "X", Kind: "Quy chế", UnitID: f.o.Agencies[1].Node.ID, DrafterID: a.Head, HeadID: a.Head, Body: "Điều 1. A"})
		if apperr.FieldsOf(err)["unit_id"] == "" {
			t.Fatalf("other agency: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM drafts`); n != drafts {
			t.Fatal("half-written draft")
		}
		_, r, _ := f.newRound(t)
		union := f.who(t, "congdoan1")
		_, err = f.svc.AddComment(f.ctx, union, r.ID, draft.CommentInput{Body: strings.Repeat("góp ý ", 1<<20/7)})
		if apperr.KindOf(err) != apperr.Invalid || !strings.Contains(apperr.FieldsOf(err)["body"], "20.000") {
			t.Fatalf("1 MB comment: %v", err)
		}
		// A part of another draft (the demo's) is refused.
		var other int64
		if err := db.QueryRowContext(f.ctx, `SELECT MIN(id) FROM draft_parts WHERE draft_id <> ?`, r.DraftID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddComment(f.ctx, union, r.ID, draft.CommentInput{PartID: other, Body: "Sai dự thảo"})
		if apperr.FieldsOf(err)["part_id"] == "" {
			t.Fatalf("part of another draft: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM draft_comments WHERE round_id = ?`, r.ID); n != 0 {
			t.Fatalf("comments written: %d", n)
		}
		// Outside reach (a cell's secretary: the cell is not under the agency node, and not invited) → NotFound.
		if _, err := f.svc.Get(f.ctx, f.who(t, "bithucb1"), r.DraftID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("cell secretary: %v", err)
		}
	})
}

func TestVisibilityAndWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		d, r, _ := f.newRound(t)
		// congdoan1 only has a role on the trade union, yet sees the draft because it is invited.
		union := f.who(t, "congdoan1")
		if _, err := f.svc.Get(f.ctx, union, d.ID); err != nil {
			t.Fatalf("invited union cannot see: %v", err)
		}
		items, err := f.svc.OpenWork(f.ctx, union)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			if strings.Contains(it.Link, "/rounds/"+itoa(r.ID)) {
				found = true
			}
		}
		if !found {
			t.Fatalf("work items %+v", items)
		}
		// Another agency's user sees nothing.
		ds, err := f.svc.List(f.ctx, f.who(t, "canbo"), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 { // canbo is staff on the root: sees everything
			t.Fatalf("canbo sees %d drafts", len(ds))
		}
	})
}

func TestSeeOwnCommentsOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a := f.o.Agencies[0]
		head := f.who(t, "thutruong1")
		d, err := f.svc.Create(f.ctx, head, draft.Input{Title: "Quy chế chi tiêu nội bộ", Kind: "Quy chế", UnitID: a.Node.ID, DrafterID: a.Head, HeadID: a.Head, Body: "Điều 1. A\nĐiều 2. B"})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now()
		r, err := f.svc.OpenRound(f.ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour),
			UnitIDs: []int64{a.TradeUnion.ID, a.Youth.ID}, Visibility: draft.SeeOwn})
		if err != nil {
			t.Fatal(err)
		}
		union, youth := f.who(t, "congdoan1"), f.who(t, "doantn1")
		cu, err := f.svc.AddComment(f.ctx, union, r.ID, draft.CommentInput{UnitID: a.TradeUnion.ID, Body: "Ý kiến của công đoàn"})
		if err != nil {
			t.Fatal(err)
		}
		cy, err := f.svc.AddComment(f.ctx, youth, r.ID, draft.CommentInput{UnitID: a.Youth.ID, Body: "Ý kiến của đoàn thanh niên"})
		if err != nil {
			t.Fatal(err)
		}
		seen := func(p *org.Principal) []int64 {
			cs, err := f.svc.Comments(f.ctx, p, r.ID, draft.CommentFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			return ids
		}
		if got := seen(union); len(got) != 1 || got[0] != cu.ID {
			t.Fatalf("union sees %v, want only its own %d", got, cu.ID)
		}
		if got := seen(youth); len(got) != 1 || got[0] != cy.ID {
			t.Fatalf("youth sees %v, want only its own %d", got, cy.ID)
		}
		if got := seen(head); len(got) != 2 {
			t.Fatalf("drafter sees %v, want both", got)
		}
		// Reading the other's comment directly is not found, and its counts are not leaked.
		if _, err := f.svc.Comment(f.ctx, youth, cu.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("youth reads the union's comment: %v", err)
		}
		counts, err := f.svc.ArticleCounts(f.ctx, youth, r.ID)
		if err != nil || counts[""].N != 1 {
			t.Fatalf("youth counts %+v, %v", counts, err)
		}
		// With the default (everyone sees all), the youth union sees both.
		r2, err := f.svc.OpenRound(f.ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour), UnitIDs: []int64{a.TradeUnion.ID, a.Youth.ID}})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []*org.Principal{union, youth} {
			if _, err := f.svc.AddComment(f.ctx, p, r2.ID, draft.CommentInput{Body: "Ý kiến cá nhân"}); err != nil {
				t.Fatal(err)
			}
		}
		if cs, err := f.svc.Comments(f.ctx, youth, r2.ID, draft.CommentFilter{}); err != nil || len(cs) != 2 {
			t.Fatalf("round visible to all: youth sees %d, %v", len(cs), err)
		}
	})
}

func TestSendRemindersOncePerInvitee(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a := f.o.Agencies[0]
		head := f.who(t, "thutruong1")
		d, err := f.svc.Create(f.ctx, head, draft.Input{Title: "Kế hoạch", Kind: "Kế hoạch", UnitID: a.Node.ID, DrafterID: a.Head, HeadID: a.Head, Body: "Điều 1. A\nĐiều 2. B"})
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now()
		r, err := f.svc.OpenRound(f.ctx, head, d.ID, draft.RoundInput{OpensAt: now.Add(24 * time.Hour), ClosesAt: now.AddDate(0, 0, 20), UnitIDs: []int64{a.TradeUnion.ID}})
		if err != nil {
			t.Fatal(err)
		}
		link := "/drafts/" + itoa(d.ID) + "/rounds/" + itoa(r.ID)
		notes := func(user int64, kind string) int {
			return f.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ? AND link = ?`, user, kind, link)
		}
		union := f.o.Users["congdoan1"]
		if n := notes(union, "draft.open"); n != 0 {
			t.Fatalf("notified before opening: %d", n)
		}
		opened := now.Add(25 * time.Hour)
		// Two runs at once (two instances) and a rerun: one opening notice.
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() { _, err := f.svc.SendReminders(f.ctx, opened); errs <- err }()
		}
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.SendReminders(f.ctx, opened.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n := notes(union, "draft.open"); n != 1 {
			t.Fatalf("opening notices = %d, want 1", n)
		}
		// Someone who joins the trade union's leadership later is told at the next run, once;
		// the others are not told again.
		var late int64
		err = db.Tx(f.ctx, func(tx *sqldb.Tx) error {
			u, err := auth.CreateUser(f.ctx, tx, auth.NewUser{Username: "congdoan2", Password: "mat-khau-dai-2026", DisplayName: "Phó chủ tịch công đoàn"})
			if err != nil {
				return err
			}
			late = u.ID
			return org.InsertGrant(f.ctx, tx, u.ID, a.TradeUnion, org.RoleMassOrg)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SendReminders(f.ctx, opened.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if notes(late, "draft.open") != 1 || notes(union, "draft.open") != 1 {
			t.Fatalf("late joiner %d, congdoan1 %d opening notices", notes(late, "draft.open"), notes(union, "draft.open"))
		}
		closes := sqldb.ParseTime(r.ClosesAt)
		remind := draft.ReminderDate(f.svc.Calendar(), closes).Time().Add(2 * time.Hour)
		if _, err := f.svc.SendReminders(f.ctx, remind.Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := notes(union, "draft.remind"); n != 0 {
			t.Fatalf("reminded too early: %d", n)
		}
		for i := 0; i < 2; i++ {
			if _, err := f.svc.SendReminders(f.ctx, remind); err != nil {
				t.Fatal(err)
			}
		}
		if notes(union, "draft.remind") != 1 || notes(late, "draft.remind") != 1 {
			t.Fatalf("reminders = %d, %d; want 1 each", notes(union, "draft.remind"), notes(late, "draft.remind"))
		}
		// The reminder falls two working days before the closing day, on a working day.
		rd := draft.ReminderDate(f.svc.Calendar(), closes)
		cal := f.svc.Calendar()
		if !cal.IsWorkingDay(rd) || (cal.IsWorkingDay(calendar.DateOf(closes)) && cal.AddWorkingDays(rd, 2) != calendar.DateOf(closes)) {
			t.Fatalf("reminder date %v for closing %v", rd, closes)
		}
		// After the close nothing more is sent.
		if n, err := f.svc.SendReminders(f.ctx, closes.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("after close: %d, %v", n, err)
		}
		// The task wraps the same work.
		task := f.svc.ReminderTask()
		if task.Name == "" || task.Every <= 0 || task.Run(f.ctx, remind) != nil {
			t.Fatalf("task %+v", task)
		}
	})
}

func TestShortRoundGetsNoReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		_, r, _ := f.newRound(t) // open for an hour: announced at once, no reminder
		union := f.o.Users["congdoan1"]
		if n := f.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'draft.open' AND link LIKE ?`, union, "%/rounds/"+itoa(r.ID)); n != 1 {
			t.Fatalf("opening notices = %d", n)
		}
		if _, err := f.svc.SendReminders(f.ctx, db.Now().Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind LIKE 'draft.%' AND link LIKE ?`, union, "%/rounds/"+itoa(r.ID)); n != 1 {
			t.Fatalf("notes = %d, want only the opening notice", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Moving the drafting agency elsewhere in the tree keeps its drafts and rounds within its
// people's reach (the paths copied onto them follow through draft.PathHook).
func TestDraftsFollowAMovedUnit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		orgSvc := org.NewService(db)
		orgSvc.PathHooks = append(orgSvc.PathHooks, draft.PathHook)
		admin := f.who(t, "admin")
		if _, err := orgSvc.MoveUnit(f.ctx, admin, f.o.Agencies[0].Node.ID, f.o.Mobilise.ID); err != nil {
			t.Fatal(err)
		}
		head := f.who(t, "thutruong1")
		ds, err := f.svc.List(f.ctx, head, "", 0)
		if err != nil || len(ds) != 1 {
			t.Fatalf("the head's drafts after the move: %v, %v", ds, err)
		}
		rs, err := f.svc.Rounds(f.ctx, head, ds[0].ID)
		if err != nil || len(rs) != 2 {
			t.Fatalf("rounds after the move: %d, %v", len(rs), err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM draft_invites WHERE unit_path <> '' AND unit_path NOT LIKE ?`, f.o.Mobilise.Path+"%"); n != 0 {
			t.Fatalf("%d invitations still carry the old path", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM draft_rounds WHERE unit_path NOT LIKE ?`, f.o.Mobilise.Path+"%"); n != 0 {
			t.Fatalf("%d rounds still carry the old path", n)
		}
	})
}
