package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/auth"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/plan"
	"danvan/internal/report"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// TestFiguresByConstruction proves the dashboard's and the report's figures right by
// construction, not by coincidence: a new agency of two child units is added beside the
// demo's, a known set of tasks, petitions, models and a consultation round is made in it
// through the domains' own services (task states set on the task rows, which are what
// the plan's figures read), and every number of every block — the agency's and each
// child's — is checked against the set, in the dashboard's JSON and in a report of the
// agency, frozen at submission.
func TestFiguresByConstruction(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		db := s.DB
		var root org.Unit
		var agency, a, b org.Unit
		var leadA, leadB, drafterUser int64
		rootID := scalar[int64](t, s, `SELECT id FROM units WHERE parent_id IS NULL`)
		if err := db.Tx(ctx, func(tx *sqldb.Tx) (err error) {
			if root, err = org.GetUnit(ctx, tx, rootID); err != nil {
				return err
			}
			if agency, err = org.InsertUnit(ctx, tx, root, org.UnitInput{Kind: org.KindAgency, Name: "Sở Khoa học và Công nghệ", Code: "SKHCN"}); err != nil {
				return err
			}
			if a, err = org.InsertUnit(ctx, tx, agency, org.UnitInput{Kind: org.KindBaseCommittee, Name: "Đảng bộ Sở Khoa học và Công nghệ", Code: "SKHCN-DB"}); err != nil {
				return err
			}
			if b, err = org.InsertUnit(ctx, tx, agency, org.UnitInput{Kind: org.KindTradeUnion, Name: "Công đoàn Sở Khoa học và Công nghệ", Code: "SKHCN-CD"}); err != nil {
				return err
			}
			if leadA, err = org.InsertPerson(ctx, tx, org.PersonInput{FullName: "Lê Thị Thu", Gender: "nu", BirthYear: 1980, UnitID: a.ID, PositionTitle: "bi-thu", PositionStart: "2024-01-01"}, a); err != nil {
				return err
			}
			if leadB, err = org.InsertPerson(ctx, tx, org.PersonInput{FullName: "Phạm Văn Hải", Gender: "nam", BirthYear: 1978, UnitID: b.ID, PositionTitle: "chu-tich-cong-doan", PositionStart: "2024-01-01"}, b); err != nil {
				return err
			}
			// The drafter answers comments: A's secretary gets an account.
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "thu.lt", Password: "mat-khau-thu-2026", DisplayName: "Lê Thị Thu", PersonID: leadA, UnitID: a.ID})
			if err != nil {
				return err
			}
			drafterUser = u.ID
			return org.InsertGrant(ctx, tx, u.ID, a, org.RoleManager)
		}); err != nil {
			t.Fatal(err)
		}
		staff, err := org.LoadPrincipal(ctx, db, scalar[int64](t, s, `SELECT id FROM users WHERE username = 'canbo'`))
		if err != nil {
			t.Fatal(err)
		}
		now := db.Now()
		today := work.Today(now)
		from := today[:4] + "-01-01"
		later := func(days int) string { return now.AddDate(0, 0, days).In(work.VietnamZone).Format("2006-01-02") }

		// Tasks: two in A (one done on time, one open), one in B, overdue.
		plans := plan.NewService(db)
		task := func(unit org.Unit, lead int64, title string, due string) int64 {
			tk, err := plans.CreateTask(ctx, staff, plan.TaskInput{Title: title, UnitID: unit.ID, LeadID: lead, StartOn: today, DueOn: due})
			if err != nil {
				t.Fatalf("task %s: %v", title, err)
			}
			return tk.ID
		}
		task(a, leadA, "Tuyên truyền Quy chế dân chủ ở cơ sở", later(10))
		done := task(a, leadA, "Sơ kết mô hình Dân vận khéo", later(5))
		late := task(b, leadB, "Tổng hợp ý kiến đoàn viên", later(1))
		if _, err := db.ExecContext(ctx, `UPDATE tasks SET status = 'done', percent = 100, submitted_on = ?, done_on = ? WHERE id = ?`, today, today, done); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE tasks SET due_on = ? WHERE id = ?`, later(-1), late); err != nil {
			t.Fatal(err)
		}
		// Those two states are written directly (the service would need days of calendar to
		// reach them), so the task counters are recomputed as after a bulk load; that the
		// service's own changes keep them right is internal/plan's TestTaskCountsFollowEveryChange.
		if err := plans.RebuildTaskCounts(ctx); err != nil {
			t.Fatal(err)
		}

		// Petitions received today: a complaint and a feedback in A, a feedback in B.
		pets := petition.NewService(db)
		for i, x := range []struct {
			unit org.Unit
			kind petition.Kind
		}{{a, petition.Complaint}, {a, petition.Feedback}, {b, petition.Feedback}} {
			in := petition.Input{Kind: string(x.kind), Channel: string(petition.InPerson), UnitID: x.unit.ID, ReceivedOn: today, Subject: fmt.Sprintf("Đơn thử nghiệm số %d", i+1),
				Content: "Nội dung đơn để kiểm tra số liệu.", Sender: petition.Sender{Name: "Nguyễn Văn Dân", Address: "Số 1 đường Lý Thái Tổ", Phone: "0912000111", IDNo: "001080012345"}}
			if _, err := pets.Record(ctx, staff, in); err != nil {
				t.Fatalf("petition %d: %v", i+1, err)
			}
		}

		// Models of this year: one registered in B, one left a draft in B (not counted).
		models := emulation.NewService(db)
		year, _ := strconv.Atoi(today[:4])
		for i, register := range []bool{true, false} {
			in := emulation.Input{Kind: emulation.KindModel, Name: fmt.Sprintf("Mô hình thử nghiệm %d", i+1), Field: "kinh-te", UnitID: b.ID, Year: year,
				Problem: "Vấn đề", Goals: "Mục tiêu", Criteria: "Tiêu chí đo được", Methods: "Cách làm", Area: "Cơ quan", Beneficiaries: "Cán bộ", LeadForce: "Công đoàn",
				Partners: "Chi bộ", Resources: "Kinh phí công đoàn", StartsOn: from, EndsOn: today[:4] + "-12-31", Outputs: "Kết quả", Register: register}
			if _, err := models.Create(ctx, staff, in); err != nil {
				t.Fatalf("model %d: %v", i+1, err)
			}
		}

		// A consultation round on a draft of A: two comments, one answered.
		drafts := draft.NewService(db)
		d, err := drafts.Create(ctx, staff, draft.Input{Title: "Quy chế làm việc của Đảng ủy", Kind: "Quy chế", UnitID: a.ID, DrafterID: leadA, HeadID: leadA,
			Body: "Điều 1. Phạm vi\nQuy chế này quy định việc làm việc của Đảng ủy.\nĐiều 2. Trách nhiệm\nCấp ủy viên thực hiện nhiệm vụ được phân công."})
		if err != nil {
			t.Fatal(err)
		}
		r, err := drafts.OpenRound(ctx, staff, d.ID, draft.RoundInput{OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(48 * time.Hour), UnitIDs: []int64{b.ID}})
		if err != nil {
			t.Fatal(err)
		}
		var first int64
		for i, body := range []string{"Đề nghị bổ sung trách nhiệm báo cáo.", "Đề nghị làm rõ phạm vi áp dụng."} {
			c, err := drafts.AddComment(ctx, staff, r.ID, draft.CommentInput{Body: body})
			if err != nil {
				t.Fatalf("comment %d: %v", i+1, err)
			}
			if i == 0 {
				first = c.ID
			}
		}
		drafter, err := org.LoadPrincipal(ctx, db, drafterUser)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := drafts.Answer(ctx, drafter, first, draft.AnswerInput{Kind: draft.Explained, Text: "Đã quy định tại Điều 2."}); err != nil {
			t.Fatal(err)
		}

		// What the set makes, block by block: the agency's numbers, then A's and B's.
		want := map[string][3][]int64{
			"plans":     {{3, 1, 1, 1, 2}, {2, 1, 1, 0, 1}, {1, 0, 0, 1, 1}},
			"training":  {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}},
			"drafts":    {{1, 2, 1, 50}, {1, 2, 1, 50}, {0, 0, 0, 0}},
			"models":    {{1, 0, 0}, {0, 0, 0}, {1, 0, 0}},
			"petitions": {{3, 0, 0, 0, 1, 0, 2}, {2, 0, 0, 0, 1, 0, 1}, {1, 0, 0, 0, 0, 0, 1}},
		}
		check := func(where string, keys []string, values func(block string) [3][]int64) {
			t.Helper()
			seen := map[string]bool{}
			for _, k := range keys {
				seen[k] = true
			}
			for block, w := range want {
				if !seen[block] {
					t.Errorf("%s: block %s missing (%v)", where, block, keys)
					continue
				}
				got := values(block)
				for i, name := range []string{agency.Name, a.Name, b.Name} {
					if fmt.Sprint(got[i]) != fmt.Sprint(w[i]) {
						t.Errorf("%s: %s of %s = %v, want %v", where, block, name, got[i], w[i])
					}
				}
			}
		}

		// The dashboard's JSON.
		tok, err := s.Auth.CreateToken(ctx, staff.UserID, "kiểm tra số liệu")
		if err != nil {
			t.Fatal(err)
		}
		st, out := apiCall(t, s, tok, "GET", "/api/v1/dashboard?unit="+strconv.FormatInt(agency.ID, 10)+"&from="+from+"&to="+today, "")
		if st != http.StatusOK {
			t.Fatalf("dashboard: %d %v", st, out)
		}
		raw, _ := json.Marshal(out["blocks"])
		var blocks []struct {
			Key     string `json:"key"`
			Figures []struct {
				Value int64 `json:"value"`
			} `json:"figures"`
			ByChild map[string][]int64 `json:"by_child"`
		}
		if err := json.Unmarshal(raw, &blocks); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, bl := range blocks {
			keys = append(keys, bl.Key)
		}
		check("dashboard", keys, func(block string) [3][]int64 {
			for _, bl := range blocks {
				if bl.Key == block {
					var own []int64
					for _, f := range bl.Figures {
						own = append(own, f.Value)
					}
					return [3][]int64{own, bl.ByChild[a.Path], bl.ByChild[b.Path]}
				}
			}
			return [3][]int64{}
		})

		// The report of the agency, written by its own committee and frozen at submission.
		if err := db.Tx(ctx, func(tx *sqldb.Tx) error {
			return org.InsertGrant(ctx, tx, scalar[int64](t, s, `SELECT id FROM users WHERE username = 'thutruong1'`), agency, org.RoleManager)
		}); err != nil {
			t.Fatal(err)
		}
		head, err := org.LoadPrincipal(ctx, db, scalar[int64](t, s, `SELECT id FROM users WHERE username = 'thutruong1'`))
		if err != nil {
			t.Fatal(err)
		}
		id, err := s.Reports.Create(ctx, head, report.Input{UnitID: agency.ID, Kind: report.Custom, From: from, To: today})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reports.SaveNarrative(ctx, head, id, 0, report.Narrative{Achievements: "a", Weaknesses: "b", NextTasks: "c"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Reports.Submit(ctx, head, id); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Reports.Get(ctx, staff, id)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Frozen {
			t.Fatal("the submitted report's figures are not frozen")
		}
		keys = nil
		for _, bl := range rep.Figures.Blocks {
			keys = append(keys, bl.Key)
		}
		check("report", keys, func(block string) [3][]int64 {
			for _, bl := range rep.Figures.Blocks {
				if bl.Key == block {
					var own []int64
					for _, f := range bl.Figures {
						own = append(own, f.Value)
					}
					return [3][]int64{own, bl.ByChild[a.Path], bl.ByChild[b.Path]}
				}
			}
			return [3][]int64{}
		})
	})
}
