package plan_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

type fixture struct {
	db  *sqldb.DB
	svc *plan.Service
	o   *demo.Org
	ctx context.Context
}

func setup(t *testing.T, db *sqldb.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	var o *demo.Org
	capture := func(ctx context.Context, db *sqldb.DB, org *demo.Org) error { o = org; return nil }
	if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", demo.Plans, capture); err != nil {
		t.Fatal(err)
	}
	svc := plan.NewService(db)
	svc.Files = &attach.Store{DB: db, Dir: t.TempDir(), MaxSize: attach.DefaultMaxSize}
	return &fixture{db: db, svc: svc, o: o, ctx: ctx}
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

func (f *fixture) doc(t *testing.T, notation string) plan.Document {
	t.Helper()
	pg, err := f.svc.FindDocuments(f.ctx, f.who(t, "bithu1"), plan.DocFilter{Query: notation})
	if err != nil || len(pg.Docs) == 0 {
		t.Fatalf("document %s: %v %v", notation, pg.Docs, err)
	}
	return pg.Docs[0]
}

func fieldOf(err error, field string) string { return apperr.FieldsOf(err)[field] }

func TestDemoDocumentsAndSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		p := f.who(t, "dangvien1")
		for q, want := range map[string]string{
			"04-NQ/DUK":              "04-NQ/ĐUK",
			"4-nq/đuk":               "04-NQ/ĐUK",
			"Số 16 – CTr/ĐUK":        "16-CTr/ĐUK",
			"nghi quyet 25":          "25-NQ/TW",
			"NGHỊ QUYẾT 25":          "25-NQ/TW",
			"luat thuc hien dan chu": "10/2022/QH15",
		} {
			pg, err := f.svc.FindDocuments(f.ctx, p, plan.DocFilter{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range pg.Docs {
				found = found || d.Notation == want
			}
			if !found {
				t.Errorf("search %q: want %s among %d results", q, want, len(pg.Docs))
			}
		}
		// Links both ways, and the replaced regulation is no longer in force.
		d290 := f.doc(t, "290-QĐ/TW")
		full, err := f.svc.Document(f.ctx, p, d290.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.InForce || full.ReplacedRef == nil || full.ReplacedRef.Notation != "23-QĐ/TW" {
			t.Errorf("290-QĐ/TW: in force %v, replaced by %+v", full.InForce, full.ReplacedRef)
		}
		var incoming int
		for _, l := range full.Links {
			if l.Incoming {
				incoming++
			}
		}
		if incoming < 2 {
			t.Errorf("290-QĐ/TW incoming links = %d, want ≥ 2 (763-QĐ/ĐUK concretises, 23-QĐ/TW replaces)", incoming)
		}
	})
}

func TestDocumentBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		canbo := f.who(t, "canbo")
		before := f.count(t, `SELECT COUNT(*) FROM gov_documents`)
		audits := f.count(t, `SELECT COUNT(*) FROM audit_log`)
		cases := []struct {
			in    plan.DocumentInput
			field string
		}{
			{plan.DocumentInput{Notation: "NQ/ĐUK", Kind: "Nghị quyết", Issuer: "Đảng ủy", IssuedOn: "2020-01-01", Title: "X", UnitID: f.o.Root.ID}, "notation"},
			{plan.DocumentInput{Notation: "12-NQ", Kind: "Nghị quyết", Issuer: "Đảng ủy", IssuedOn: "2020-01-01", Title: "X", UnitID: f.o.Root.ID}, "notation"},
			{plan.DocumentInput{Notation: "04 – nq / đuk", Kind: "Nghị quyết", Issuer: "Đảng ủy", IssuedOn: "2017-03-01", Title: "Trùng", UnitID: f.o.Root.ID}, "notation"},
			{plan.DocumentInput{Notation: "30/2020/NĐ-CP", Kind: "Nghị định", Issuer: "Chính phủ", IssuedOn: "2021-03-05", Title: "Sai năm", UnitID: f.o.Root.ID}, "issued_on"},
			{plan.DocumentInput{Notation: "5-KH/ĐU", Kind: "Kế hoạch", Issuer: "Đảng ủy", IssuedOn: "31/02/2020", Title: "X", UnitID: f.o.Root.ID}, "issued_on"},
			{plan.DocumentInput{Notation: "5-KH/ĐU", Kind: "Kế hoạch", Issuer: "", IssuedOn: "2020-02-01", Title: "X", UnitID: f.o.Root.ID}, "issuer"},
		}
		for _, c := range cases {
			_, err := f.svc.CreateDocument(f.ctx, canbo, c.in)
			if apperr.KindOf(err) != apperr.Invalid || fieldOf(err, c.field) == "" {
				t.Errorf("%+v: err %v, want a message on %s", c.in, err, c.field)
			}
		}
		// bithu1 cannot keep documents of the upper committee.
		if _, err := f.svc.CreateDocument(f.ctx, f.who(t, "bithu1"), plan.DocumentInput{Notation: "9-KH/ĐUK", Kind: "Kế hoạch", Issuer: "Đảng ủy Khối", IssuedOn: "2026-01-02", Title: "X", UnitID: f.o.Root.ID}); fieldOf(err, "unit_id") == "" {
			t.Errorf("create outside reach: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM gov_documents`); n != before {
			t.Errorf("documents %d → %d after bad input", before, n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log`); n != audits {
			t.Errorf("audit rows %d → %d after bad input", audits, n)
		}
		// An unknown type code is accepted and normalised.
		d, err := f.svc.CreateDocument(f.ctx, canbo, plan.DocumentInput{Notation: " số  07 — xyz / đuk ", Kind: "Kết luận", Issuer: "Ban Thường vụ", IssuedOn: "2025-05-05", Title: "Kết luận lạ", UnitID: f.o.Root.ID, InForce: true})
		if err != nil || d.Notation != "07-XYZ/ĐUK" || d.Display != "Số 07-XYZ/ĐUK" {
			t.Errorf("unknown code: %+v %v", d.Notation, err)
		}
	})
}

func TestCascadeRollupAndFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a := f.o.Agencies[0]
		bithu := f.who(t, "bithu1")
		nq04 := f.doc(t, "04-NQ/ĐUK")
		pl, err := f.svc.CreatePlan(f.ctx, bithu, plan.PlanInput{UnitID: a.Committee.ID, Year: 2026, Title: "Kế hoạch thực hiện Nghị quyết 04-NQ/ĐUK năm 2026", DocumentIDs: []int64{nq04.ID},
			Targets: []plan.TargetInput{{Indicator: "Đảng viên được quán triệt", Value: "100", Measure: "%"}}})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now().Format("2006-01-02")
		parent, err := f.svc.CreateTask(f.ctx, bithu, plan.TaskInput{Title: "Quán triệt nghị quyết tại chi bộ", UnitID: a.Committee.ID, LeadID: a.Secretary,
			StartOn: start, DueDays: 10, PlanID: pl.ID, CascadeAll: plan.CascadeCells})
		if err != nil {
			t.Fatal(err)
		}
		if parent.Children != len(a.Cells) || parent.Rollup.Total != len(a.Cells) || parent.Rollup.NotStarted != len(a.Cells) {
			t.Fatalf("cascade: children %d rollup %+v, want %d not started", parent.Children, parent.Rollup, len(a.Cells))
		}
		if !strings.Contains(parent.DueRule, "10 ngày làm việc") || parent.DueOn <= start {
			t.Errorf("due rule %q due %s", parent.DueRule, parent.DueOn)
		}
		var child plan.Task
		for _, c := range parent.ChildSet {
			if c.UnitID == a.Cells[0].ID {
				child = c
			}
		}
		if child.LeadID != a.CellLeads[0] {
			t.Fatalf("child of cell 1 led by %d, want the cell's secretary %d", child.LeadID, a.CellLeads[0])
		}
		cb1 := f.who(t, "bithucb1")
		cb2 := f.who(t, "bithucb2")
		member := f.who(t, "dangvien1")
		// Someone else's task: not found, nothing written.
		reports := f.count(t, `SELECT COUNT(*) FROM task_reports`)
		if err := f.svc.ReportProgress(f.ctx, cb2, child.ID, plan.ReportInput{Body: "x", Percent: 10}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("report on another cell's task: %v", err)
		}
		if _, err := f.svc.Task(f.ctx, member, child.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("member sees another's task: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM task_reports`); n != reports {
			t.Errorf("reports written by refused calls: %d → %d", reports, n)
		}
		pdf := append([]byte("%PDF-1.4\n"), make([]byte, 200)...)
		if err := f.svc.ReportProgress(f.ctx, cb1, child.ID, plan.ReportInput{Body: "Đã quán triệt 8/9 đảng viên", Percent: 80, Files: []attach.Upload{{Name: "bien-ban.pdf", Data: pdf}}}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ReportProgress(f.ctx, cb1, child.ID, plan.ReportInput{Body: "", Percent: 120}); fieldOf(err, "percent") == "" || fieldOf(err, "body") == "" {
			t.Errorf("bad report: %v", err)
		}
		if err := f.svc.Complete(f.ctx, cb1, child.ID, plan.ReportInput{Body: "Hoàn thành, kèm biên bản"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Accept(f.ctx, cb1, child.ID, plan.ReportInput{}); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("lead accepting own task: %v", err)
		}
		if err := f.svc.Return(f.ctx, bithu, child.ID, plan.ReportInput{}); fieldOf(err, "body") == "" {
			t.Errorf("return without reason: %v", err)
		}
		if err := f.svc.Return(f.ctx, bithu, child.ID, plan.ReportInput{Body: "Thiếu danh sách đảng viên vắng"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Complete(f.ctx, cb1, child.ID, plan.ReportInput{Body: "Bổ sung danh sách"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Accept(f.ctx, bithu, child.ID, plan.ReportInput{Body: "Đạt"}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Task(f.ctx, bithu, parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rollup.Done != 1 || got.Rollup.NotStarted != len(a.Cells)-1 || len(got.Lagging) != len(a.Cells)-1 {
			t.Errorf("rollup after acceptance %+v, lagging %d", got.Rollup, len(got.Lagging))
		}
		c, err := f.svc.Task(f.ctx, cb1, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != plan.StatusDone || len(c.Reports) != 5 || len(c.Reports[0].Files) != 1 {
			t.Errorf("child after flow: %s, %d reports, files %v", c.Status, len(c.Reports), c.Reports[0].Files)
		}
		if err := f.svc.Reopen(f.ctx, bithu, child.ID, plan.ReportInput{Body: "Cần bổ sung số liệu"}); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'task' AND entity_id = ?`, child.ID); n != 6 {
			t.Errorf("audit rows of the child = %d, want 6", n)
		}
		// My work of the cell secretary holds the reopened task.
		items, err := f.svc.OpenWork(f.ctx, cb1)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			found = found || it.Link == "/tasks/"+strconv.FormatInt(child.ID, 10)
		}
		if !found {
			t.Errorf("my work of bithucb1 lacks the reopened task: %+v", items)
		}
	})
}

func TestTaskBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		a := f.o.Agencies[0]
		other := f.o.Agencies[1]
		bithu := f.who(t, "bithu1")
		cb1 := f.who(t, "bithucb1")
		tasks := f.count(t, `SELECT COUNT(*) FROM tasks`)
		base := plan.TaskInput{Title: "Nhiệm vụ thử", UnitID: a.Committee.ID, LeadID: a.Secretary, StartOn: "2026-12-10", DueOn: "2026-12-20"}
		cases := []struct {
			name  string
			p     *org.Principal
			edit  func(*plan.TaskInput)
			field string
		}{
			{"due before start", bithu, func(in *plan.TaskInput) { in.DueOn = "2026-12-01" }, "due_on"},
			{"lead outside the unit", bithu, func(in *plan.TaskInput) { in.LeadID = other.Secretary }, "lead_id"},
			{"cascade outside the subtree", bithu, func(in *plan.TaskInput) { in.CascadeTo = []int64{a.Cells[0].ID, other.Cells[0].ID} }, "cascade_to"},
			{"cascade to itself", bithu, func(in *plan.TaskInput) { in.CascadeTo = []int64{a.Committee.ID} }, "cascade_to"},
			{"unit outside reach", bithu, func(in *plan.TaskInput) { in.UnitID = other.Committee.ID; in.LeadID = other.Secretary }, "unit_id"},
			{"cell secretary to a non-member", cb1, func(in *plan.TaskInput) { in.UnitID = a.Cells[0].ID; in.LeadID = a.CellLeads[1] }, "lead_id"},
			{"cell secretary on the committee", cb1, func(in *plan.TaskInput) {}, "unit_id"},
			{"no title", bithu, func(in *plan.TaskInput) { in.Title = "  " }, "title"},
			{"bad date", bithu, func(in *plan.TaskInput) { in.StartOn = "2026-13-01" }, "start_on"},
		}
		for _, c := range cases {
			in := base
			c.edit(&in)
			_, err := f.svc.CreateTask(f.ctx, c.p, in)
			if apperr.KindOf(err) != apperr.Invalid || fieldOf(err, c.field) == "" {
				t.Errorf("%s: %v (fields %v), want a message on %s", c.name, err, apperr.FieldsOf(err), c.field)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM tasks`); n != tasks {
			t.Errorf("tasks %d → %d after bad input", tasks, n)
		}
		// A chi bộ secretary assigns to a member of the cell.
		var member int64
		if err := f.db.QueryRowContext(f.ctx, `SELECT person_id FROM positions WHERE unit_id = ? AND title = 'dang-vien' ORDER BY id LIMIT 1`, a.Cells[0].ID).Scan(&member); err != nil {
			t.Fatal(err)
		}
		in := base
		in.UnitID, in.LeadID = a.Cells[0].ID, member
		if _, err := f.svc.CreateTask(f.ctx, cb1, in); err != nil {
			t.Fatalf("cell secretary to a member: %v", err)
		}
		// A double submit (same form nonce) creates one task.
		ctx := sqldb.WithFormNonce(f.ctx, "nonce-plan-test-1")
		if _, err := f.svc.CreateTask(ctx, bithu, base); err != nil {
			t.Fatal(err)
		}
		ctx2 := sqldb.WithFormNonce(f.ctx, "nonce-plan-test-1")
		if _, err := f.svc.CreateTask(ctx2, bithu, base); !errors.Is(err, sqldb.ErrDuplicateSubmit) {
			t.Errorf("double submit: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM tasks`); n != tasks+2 {
			t.Errorf("tasks %d → %d, want +2", tasks, n)
		}
	})
}

func TestCompareMatrixTrainingReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		canbo := f.who(t, "canbo")
		nq04 := f.doc(t, "04-NQ/ĐUK")
		rows, err := f.svc.Compare(f.ctx, canbo, nq04.ID, f.o.CurrentYear, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		with, without := 0, 0
		for _, r := range rows {
			if len(r.Plans) > 0 {
				with++
			} else {
				without++
			}
		}
		if with != 3 || without != len(f.o.Agencies)-3 {
			t.Errorf("compare: %d with a plan, %d without", with, without)
		}
		bithu := f.who(t, "bithu1")
		m, err := f.svc.Matrix(f.ctx, bithu, f.o.Agencies[0].Node.ID, f.o.CurrentYear)
		if err != nil {
			t.Fatal(err)
		}
		gaps := 0
		for _, r := range m {
			if len(r.Gaps()) > 0 {
				gaps++
			}
		}
		if len(m) < 4 || gaps == 0 {
			t.Errorf("matrix: %d rows, %d with gaps", len(m), gaps)
		}
		// The matrix holds every top-level item of the subtree's plans of the year, in
		// the order plan unit, plan, deadline: the same as the plain query says.
		var got, want []int64
		for _, r := range m {
			got = append(got, r.Task.ID)
		}
		agency := f.o.Agencies[0].Node
		items, err := f.db.QueryContext(f.ctx, `SELECT t.id FROM tasks t JOIN plans pl ON pl.id = t.plan_id WHERE t.parent_id IS NULL AND pl.year = ? AND pl.unit_path >= ? AND pl.unit_path < ?
			ORDER BY pl.unit_path, pl.id, t.due_on, t.id`, f.o.CurrentYear, agency.Path, sqldb.PathEnd(agency.Path))
		if err != nil {
			t.Fatal(err)
		}
		for items.Next() {
			var id int64
			if err := items.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
		items.Close()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("matrix items %v, want %v", got, want)
		}
		stats, err := f.svc.TrainingStats(f.ctx, bithu, 0)
		if err != nil || len(stats) != 1 || stats[0].Sessions != 1 || stats[0].Present == 0 || stats[0].Present >= stats[0].Invited {
			t.Errorf("training stats %+v %v", stats, err)
		}
		missing, err := f.svc.NotYetAttended(f.ctx, bithu, f.o.Agencies[0].Committee.ID, nq04.ID, 0)
		if err != nil || len(missing) == 0 {
			t.Errorf("not yet attended: %d %v", len(missing), err)
		}
		// Reminders: once per task and state.
		now := f.db.Now()
		n1, err := f.svc.Remind(f.ctx, now)
		if err != nil || n1 == 0 {
			t.Fatalf("remind: %d %v", n1, err)
		}
		n2, err := f.svc.Remind(f.ctx, now)
		if err != nil || n2 != 0 {
			t.Errorf("second remind sent %d (%v)", n2, err)
		}
	})
}

// TestFindPlansPages: the plans list (newest year first, then by unit) gives every page
// length as the start of the whole list, each plan with its unit and signer, and a
// document's filter keeps exactly the plans citing it — for the upper committee and an
// agency's secretary.
func TestFindPlansPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		var docID int64
		if err := db.QueryRowContext(f.ctx, `SELECT document_id FROM plan_documents GROUP BY document_id ORDER BY COUNT(*) DESC, document_id LIMIT 1`).Scan(&docID); err != nil {
			t.Fatal(err)
		}
		for _, user := range []string{"canbo", "bithu1"} {
			p := f.who(t, user)
			for _, flt := range []plan.PlanFilter{{}, {DocumentID: docID}} {
				flt.Limit = 500
				all, err := f.svc.FindPlans(f.ctx, p, flt)
				if err != nil {
					t.Fatal(err)
				}
				if user == "canbo" && len(all) < 2 {
					t.Fatalf("%s %+v: %d plans; the test needs two", user, flt, len(all))
				}
				for i, x := range all {
					if x.UnitName == "" || x.Title == "" {
						t.Errorf("%s: plan %d listed without its unit or title: %+v", user, x.ID, x)
					}
					if i > 0 && (x.Year > all[i-1].Year || x.Year == all[i-1].Year && x.UnitPath < all[i-1].UnitPath) {
						t.Errorf("%s: plan %d (%d %s) after %d (%d %s)", user, x.ID, x.Year, x.UnitPath, all[i-1].ID, all[i-1].Year, all[i-1].UnitPath)
					}
					if flt.DocumentID != 0 && f.count(t, `SELECT COUNT(*) FROM plan_documents WHERE plan_id = ? AND document_id = ?`, x.ID, docID) != 1 {
						t.Errorf("%s: plan %d listed for document %d, which it does not cite", user, x.ID, docID)
					}
				}
				for k := 1; k <= len(all); k++ {
					flt.Limit = k
					page, err := f.svc.FindPlans(f.ctx, p, flt)
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(page) != fmt.Sprint(all[:k]) {
						t.Errorf("%s %+v: page of %d differs from the start of the list", user, flt, k)
					}
				}
			}
		}
	})
}
