package demo

import (
	"context"
	"fmt"

	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

const plansKey = "demo.plans"

// DemoDocs are the governing documents named in the seed article (and the 2021 decision
// that replaced Quyết định 290-QĐ/TW, which the article predates), keyed for links.
var DemoDocs = []struct {
	Key, Notation, Kind, Issuer, IssuedOn, Title string
	InForce                                      bool
}{
	{"nq25", "25-NQ/TW", "Nghị quyết", "Ban Chấp hành Trung ương (khóa XI)", "2013-06-03", "Về tăng cường và đổi mới sự lãnh đạo của Đảng đối với công tác dân vận trong tình hình mới", true},
	{"qd290", "290-QĐ/TW", "Quyết định", "Bộ Chính trị (khóa X)", "2010-02-25", "Ban hành Quy chế công tác dân vận của hệ thống chính trị", true},
	{"qd23", "23-QĐ/TW", "Quyết định", "Bộ Chính trị (khóa XIII)", "2021-07-30", "Ban hành Quy chế công tác dân vận của hệ thống chính trị", true},
	{"qd763", "763-QĐ/ĐUK", "Quyết định", "Ban Thường vụ Đảng ủy Khối", "2012-12-06", "Ban hành Quy chế công tác dân vận trong Đảng bộ Khối các cơ quan trực thuộc", true},
	{"ctr16", "16-CTr/ĐUK", "Chương trình hành động", "Ban Chấp hành Đảng bộ Khối", "2013-08-18", "Chương trình hành động thực hiện Nghị quyết số 25-NQ/TW ngày 03-6-2013 của Ban Chấp hành Trung ương (khóa XI)", true},
	{"nq04", "04-NQ/ĐUK", "Nghị quyết", "Ban Chấp hành Đảng bộ Khối", "2017-01-25", "Về nâng cao hiệu quả công tác dân vận của đảng bộ các cơ quan nhà nước", true},
	{"luat10", "10/2022/QH15", "Luật", "Quốc hội (khóa XV)", "2022-11-10", "Luật Thực hiện dân chủ ở cơ sở", true},
}

// DemoLinks are the links between the demo documents: from <kind> to.
var DemoLinks = []struct{ From, Kind, To string }{
	{"ctr16", plan.LinkConcretises, "nq25"},
	{"nq04", plan.LinkConcretises, "nq25"},
	{"qd763", plan.LinkConcretises, "qd290"},
	{"qd23", plan.LinkReplaces, "qd290"},
	{"nq04", plan.LinkGuides, "qd290"},
}

// Plans loads the governing documents of the article with their links; current-year
// plans concretising 04-NQ/ĐUK for agencies 2–4 (agencies 1, 5 and 6 have none yet, so the
// side-by-side view shows gaps); agency 1's programme implementing 16-CTr/ĐUK with tasks
// in every state, a cascade to its five chi bộ and a gap in the responsibility matrix;
// and a dissemination session with attendance.
func Plans(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, plansKey)
	if err != nil || done {
		return err
	}
	svc := plan.NewService(db)
	who := func(user string) (*org.Principal, error) { return org.LoadPrincipal(ctx, db, o.Users[user]) }
	admin, err := who("admin")
	if err != nil {
		return err
	}
	docs := map[string]int64{}
	for _, d := range DemoDocs {
		doc, err := svc.CreateDocument(ctx, admin, plan.DocumentInput{Notation: d.Notation, Kind: d.Kind, Issuer: d.Issuer, IssuedOn: d.IssuedOn, Title: d.Title, InForce: d.InForce, UnitID: o.Root.ID})
		if err != nil {
			return fmt.Errorf("demo document %s: %w", d.Notation, err)
		}
		docs[d.Key] = doc.ID
	}
	for _, l := range DemoLinks {
		if err := svc.AddLink(ctx, admin, docs[l.From], docs[l.To], l.Kind); err != nil {
			return fmt.Errorf("demo link %s %s %s: %w", l.From, l.Kind, l.To, err)
		}
	}
	cal := calendar.New(nil)
	today := calendar.DateOf(db.Now())
	wd := func(n int) string { return cal.AddWorkingDays(today, n).String() }
	year := o.CurrentYear
	targets := []plan.TargetInput{
		{Indicator: "Đảng viên được quán triệt Nghị quyết 04-NQ/ĐUK", Value: "100", Measure: "%"},
		{Indicator: "Mô hình \"Dân vận khéo\" đăng ký mới", Value: "2", Measure: "mô hình"},
		{Indicator: "Hội nghị cán bộ, công chức, viên chức tổ chức đúng hạn", Value: "1", Measure: "hội nghị"},
	}
	for i := 1; i <= 3 && i < len(o.Agencies); i++ {
		a := o.Agencies[i]
		pl, err := svc.CreatePlan(ctx, admin, plan.PlanInput{UnitID: a.Committee.ID, Year: year, Kind: plan.KindPlan, Number: fmt.Sprintf("%02d-KH/ĐU", 3+i),
			Title: fmt.Sprintf("Kế hoạch thực hiện Nghị quyết số 04-NQ/ĐUK năm %d", year), SignerID: a.Secretary, Place: "Hà Nội", IssuedOn: fmt.Sprintf("%d-01-%02d", year, 10+i),
			DocumentIDs: []int64{docs["nq04"]}, Targets: targets})
		if err != nil {
			return fmt.Errorf("demo plan %d: %w", i, err)
		}
		if _, err := svc.CreateTask(ctx, admin, plan.TaskInput{Title: "Quán triệt Nghị quyết 04-NQ/ĐUK đến toàn thể đảng viên", UnitID: a.Committee.ID, LeadID: a.Secretary,
			LeaderID: a.Secretary, OrganiserID: a.Head, AdviserUnits: []int64{a.TradeUnion.ID}, StartOn: fmt.Sprintf("%d-02-01", year), DueOn: fmt.Sprintf("%d-03-31", year), PlanID: pl.ID, DocumentID: docs["nq04"]}); err != nil {
			return err
		}
		if err := svc.ReportTarget(ctx, admin, pl.Targets[0].ID, fmt.Sprint(80+5*i), "Số liệu đến tháng 11"); err != nil {
			return err
		}
	}
	// Agency 1: the programme of bithu1's committee with tasks in every state.
	a := o.Agencies[0]
	bithu, err := who("bithu1")
	if err != nil {
		return err
	}
	pl, err := svc.CreatePlan(ctx, bithu, plan.PlanInput{UnitID: a.Committee.ID, Year: year, Kind: plan.KindProgramme, Number: "02-CTr/ĐU",
		Title: fmt.Sprintf("Chương trình công tác dân vận năm %d", year), Summary: "Cụ thể hóa Chương trình hành động số 16-CTr/ĐUK và Quy chế công tác dân vận.",
		SignerID: a.Secretary, Place: "Hà Nội", IssuedOn: fmt.Sprintf("%d-01-08", year), DocumentIDs: []int64{docs["ctr16"], docs["qd23"]},
		Targets: []plan.TargetInput{{Indicator: "Chi bộ tổ chức sinh hoạt chuyên đề dân vận", Value: "5", Measure: "chi bộ"}, {Indicator: "Bài viết tuyên truyền gương người tốt, việc tốt", Value: "12", Measure: "bài"}}})
	if err != nil {
		return fmt.Errorf("demo programme: %w", err)
	}
	if err := svc.ReportTarget(ctx, bithu, pl.Targets[0].ID, "3", "Ba chi bộ đã sinh hoạt chuyên đề"); err != nil {
		return err
	}
	start := cal.AddWorkingDays(today, -30).String()
	cascade, err := svc.CreateTask(ctx, bithu, plan.TaskInput{Title: "Sinh hoạt chuyên đề \"Dân vận khéo\" tại chi bộ", Description: "Mỗi chi bộ tổ chức một buổi sinh hoạt chuyên đề, báo cáo kết quả kèm biên bản.",
		UnitID: a.Committee.ID, LeadID: a.Secretary, LeaderID: a.Secretary, OrganiserID: a.Head, AdviserUnits: []int64{a.Youth.ID},
		StartOn: start, DueOn: wd(5), Priority: 1, PlanID: pl.ID, DocumentID: docs["ctr16"], CascadeAll: plan.CascadeCells})
	if err != nil {
		return fmt.Errorf("demo cascade: %w", err)
	}
	mk := func(title string, lead int64, leader, organiser int64, advisers []int64, due string) (int64, error) {
		t, err := svc.CreateTask(ctx, bithu, plan.TaskInput{Title: title, UnitID: a.Node.ID, LeadID: lead, LeaderID: leader, OrganiserID: organiser, AdviserUnits: advisers,
			StartOn: start, DueOn: due, PlanID: pl.ID, DocumentID: docs["qd23"]})
		return t.ID, err
	}
	reviewID, err := mk("Rà soát, bổ sung Quy chế dân chủ ở cơ sở của cơ quan", a.Head, a.Secretary, a.Head, []int64{a.TradeUnion.ID, a.Inspection.ID}, wd(-3))
	if err != nil {
		return err
	}
	confID, err := mk("Phối hợp tổ chức Hội nghị cán bộ, công chức, viên chức năm", a.UnionChair, a.Secretary, a.Head, []int64{a.TradeUnion.ID}, wd(-10))
	if err != nil {
		return err
	}
	if _, err := mk("Xây dựng mô hình \"Dân vận khéo\" trong cải cách hành chính", a.YouthLead, a.Secretary, 0, []int64{a.Youth.ID}, wd(20)); err != nil {
		return err
	}
	if _, err := mk("Viết bài tuyên truyền gương điển hình dân vận khéo", o.People["dangvien1"], a.Secretary, a.Head, nil, wd(2)); err != nil {
		return err
	}
	head, err := who("thutruong1")
	if err != nil {
		return err
	}
	union, err := who("congdoan1")
	if err != nil {
		return err
	}
	if err := svc.ReportProgress(ctx, head, reviewID, plan.ReportInput{Body: "Đã rà soát 6/9 quy chế; đang lấy ý kiến công đoàn.", Percent: 70}); err != nil {
		return err
	}
	if err := svc.Complete(ctx, union, confID, plan.ReportInput{Body: "Hội nghị đã tổ chức ngày 20/01, 96% cán bộ dự; nghị quyết hội nghị đã ban hành."}); err != nil {
		return err
	}
	if err := svc.Accept(ctx, bithu, confID, plan.ReportInput{Body: "Đạt yêu cầu."}); err != nil {
		return err
	}
	// The cascade's children: one accepted, one waiting, two in progress, one not started.
	full, err := svc.Task(ctx, bithu, cascade.ID)
	if err != nil {
		return err
	}
	for _, child := range full.ChildSet {
		i := -1
		for j, c := range a.Cells {
			if c.ID == child.UnitID {
				i = j
			}
		}
		if i < 0 {
			continue
		}
		cp, err := who(fmt.Sprintf("bithucb%d", i+1))
		if err != nil {
			return err
		}
		switch i {
		case 0, 1:
			if err := svc.Complete(ctx, cp, child.ID, plan.ReportInput{Body: "Đã sinh hoạt chuyên đề, 100% đảng viên dự; gửi kèm biên bản."}); err != nil {
				return err
			}
			if i == 0 {
				if err := svc.Accept(ctx, bithu, child.ID, plan.ReportInput{Body: "Đạt."}); err != nil {
					return err
				}
			}
		case 2, 3:
			if err := svc.ReportProgress(ctx, cp, child.ID, plan.ReportInput{Body: "Đã xây dựng nội dung, dự kiến sinh hoạt tuần tới.", Percent: 30 + 20*(i-2)}); err != nil {
				return err
			}
		}
	}
	// A dissemination session of 04-NQ/ĐUK for two chi bộ, attendance recorded.
	sid, err := svc.CreateSession(ctx, bithu, plan.SessionInput{UnitID: a.Committee.ID, Kind: "quan-triet", Title: "Hội nghị quán triệt Nghị quyết số 04-NQ/ĐUK",
		HeldOn: cal.AddWorkingDays(today, -15).String(), Place: "Hội trường tầng 3", OrganiserID: a.Secretary, DocumentIDs: []int64{docs["nq04"]}, UnitIDs: []int64{a.Cells[0].ID, a.Cells[1].ID}})
	if err != nil {
		return fmt.Errorf("demo session: %w", err)
	}
	sess, err := svc.Session(ctx, bithu, sid)
	if err != nil {
		return err
	}
	marks := map[int64]string{}
	for i, at := range sess.Attendance {
		switch {
		case i%7 == 3:
			marks[at.PersonID] = plan.AttExcused
		case i%11 == 5:
			marks[at.PersonID] = plan.AttAbsent
		default:
			marks[at.PersonID] = plan.AttPresent
		}
	}
	if err := svc.RecordAttendance(ctx, bithu, sid, marks); err != nil {
		return err
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, plansKey) })
}
