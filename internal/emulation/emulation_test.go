package emulation_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/emulation"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

type fixture struct {
	db  *sqldb.DB
	svc *emulation.Service
	o   *demo.Org
	ctx context.Context
}

func setup(t *testing.T, db *sqldb.DB, loaders ...demo.Loader) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, svc: emulation.NewService(db), ctx: ctx}
	f.svc.Files = &attach.Store{DB: db, Dir: t.TempDir(), MaxSize: attach.DefaultMaxSize}
	capture := func(ctx context.Context, db *sqldb.DB, o *demo.Org) error { f.o = o; return nil }
	if _, err := demo.Load(ctx, db, "mat-khau-demo-2026", append(loaders, capture)...); err != nil {
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

// PNG returns a small real PNG image.
func PNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 8; i++ {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (f *fixture) input(year int) emulation.Input {
	a := f.o.Agencies[0]
	return emulation.Input{Kind: emulation.KindModel, Name: "Công đoàn đồng hành cùng người lao động khó khăn", Field: "van-hoa-xa-hoi", UnitID: a.TradeUnion.ID, Year: year,
		Problem: "Một số đoàn viên có hoàn cảnh khó khăn, con em thiếu điều kiện học tập.", Goals: "Hỗ trợ 100% đoàn viên khó khăn.",
		Criteria: "Số đoàn viên được hỗ trợ; số suất học bổng trao cho con đoàn viên.", Methods: "Vận động đóng góp hằng tháng, lập quỹ tương trợ.",
		Area: "Sở Tư pháp", Beneficiaries: "Đoàn viên công đoàn và gia đình", LeadForce: "Ban Chấp hành Công đoàn", Partners: "Đoàn Thanh niên, Ban nữ công",
		Resources: "Quỹ tương trợ 50 triệu đồng", StartsOn: time.Now().Format("2006") + "-01-15", EndsOn: time.Now().Format("2006") + "-12-15",
		Outputs: "Quỹ tương trợ hoạt động thường xuyên", Story: "Từ một buổi quyên góp nhỏ, quỹ tương trợ đã giúp 12 gia đình.", Register: true}
}

func mustKind(t *testing.T, err error, k apperr.Kind, contains string) {
	t.Helper()
	if apperr.KindOf(err) != k {
		t.Fatalf("want %v, got %v (%v)", k, apperr.KindOf(err), err)
	}
	msg := apperr.MessageOf(err)
	for _, v := range apperr.FieldsOf(err) {
		msg += " | " + v
	}
	if contains != "" && !strings.Contains(msg, contains) {
		t.Fatalf("message %q does not contain %q", msg, contains)
	}
}

// flow takes a model through its whole life up to recognition and returns it with the round.
func (f *fixture) flow(t *testing.T) (emulation.Model, emulation.Round) {
	t.Helper()
	year := f.db.Now().Year()
	union, secretary, staff, admin := f.who(t, "congdoan1"), f.who(t, "bithu1"), f.who(t, "canbo"), f.who(t, "admin")
	in := f.input(year)
	in.Photos = []attach.Upload{{Name: "quy-tuong-tro.png", Data: PNG(t)}}
	m, err := f.svc.Create(f.ctx, union, in)
	if err != nil {
		t.Fatal(err)
	}
	if m.State != emulation.Registered || m.PhotoID == 0 {
		t.Fatalf("created %+v", m)
	}
	if _, err := f.svc.Do(f.ctx, union, m.ID, emulation.ActApprove, ""); apperr.KindOf(err) != apperr.Forbidden {
		t.Fatalf("a mass organisation approved its own model: %v", err)
	}
	if m, err = f.svc.Do(f.ctx, secretary, m.ID, emulation.ActApprove, ""); err != nil || m.State != emulation.Approved {
		t.Fatalf("approve: %v %v", m.State, err)
	}
	r, err := f.svc.AddReport(f.ctx, union, m.ID, emulation.ReportInput{Body: "Đã vận động 40 đoàn viên tham gia quỹ.",
		Figures: []emulation.Figure{{Label: "Đoàn viên được hỗ trợ", Value: 12}}, Difficulties: "Thiếu kinh phí trao học bổng.",
		Support: "Đề nghị Đảng ủy hỗ trợ kết nối nhà tài trợ học bổng.", Photos: []attach.Upload{{Name: "trao-qua.png", Data: PNG(t)}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Support == nil || r.Support.ToUnitID != f.o.Agencies[0].Node.ID || len(r.Photos) != 1 || len(r.Figures) != 1 {
		t.Fatalf("report %+v", r)
	}
	if _, err := f.svc.Answer(f.ctx, union, r.Support.ID, "Tự trả lời"); apperr.KindOf(err) != apperr.Forbidden {
		t.Fatalf("the asker answered: %v", err)
	}
	if _, err := f.svc.Answer(f.ctx, secretary, r.Support.ID, "Đảng ủy đã giới thiệu hai doanh nghiệp tài trợ 20 suất học bổng."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Answer(f.ctx, secretary, r.Support.ID, "Lần hai"); apperr.KindOf(err) != apperr.Conflict {
		t.Fatalf("answered twice: %v", err)
	}
	if _, err := f.svc.AddReport(f.ctx, union, m.ID, emulation.ReportInput{Kind: emulation.ReportReview, Body: "Sơ kết 6 tháng: 12 đoàn viên được hỗ trợ."}); err != nil {
		t.Fatal(err)
	}
	set, err := f.svc.CreateCriteriaSet(f.ctx, admin, emulation.CriteriaInput{Year: year, Level: "cap-tren", Name: "Tiêu chí Dân vận khéo", ScaleMin: 0, ScaleMax: 10,
		Criteria: []emulation.Criterion{{Name: "Hiệu quả", Weight: 50}, {Name: "Sức lan tỏa", Weight: 30}, {Name: "Khả năng nhân rộng", Weight: 20}}})
	if err != nil {
		t.Fatal(err)
	}
	round, err := f.svc.CreateRound(f.ctx, staff, emulation.RoundInput{Name: "Bình xét Dân vận khéo năm nay", UnitID: f.o.Root.ID, SetID: set.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Propose(f.ctx, secretary, round.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	cs, err := f.svc.Candidates(f.ctx, staff, round)
	if err != nil || len(cs) != 1 {
		t.Fatalf("candidates %v %v", cs, err)
	}
	vals := func(a, b, c float64) emulation.ScoreInput {
		return emulation.ScoreInput{Values: map[int64]float64{set.Criteria[0].ID: a, set.Criteria[1].ID: b, set.Criteria[2].ID: c}}
	}
	sc, err := f.svc.SubmitScore(f.ctx, staff, cs[0].ID, vals(9, 8, 7))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Total != 8.3 {
		t.Fatalf("weighted result %v, want 8.3", sc.Total)
	}
	// bithu1 has not scored yet: they cannot see canbo's score.
	cs, _ = f.svc.Candidates(f.ctx, secretary, round)
	if f.svc.CanSeeScores(secretary, round, cs[0]) {
		t.Fatal("an assessor sees the others' scores before submitting")
	}
	if list, _ := f.svc.Scores(f.ctx, secretary, round, cs[0]); list != nil {
		t.Fatal("scores returned before own submission")
	}
	if _, err := f.svc.SubmitScore(f.ctx, secretary, cs[0].ID, vals(8, 8, 8)); err != nil {
		t.Fatal(err)
	}
	cs, _ = f.svc.Candidates(f.ctx, secretary, round)
	if list, _ := f.svc.Scores(f.ctx, secretary, round, cs[0]); len(list) != 2 {
		t.Fatalf("after scoring, %d scores visible", len(list))
	}
	if cs[0].Result != 8.15 || cs[0].Scores != 2 {
		t.Fatalf("result %v with %d scores", cs[0].Result, cs[0].Scores)
	}
	round, err = f.svc.Decide(f.ctx, staff, round.ID, emulation.DecideInput{Number: "125-QĐ/ĐUK", Recognised: []emulation.Decision{{CandidateID: cs[0].ID, Reward: "Bằng khen"}}})
	if err != nil {
		t.Fatal(err)
	}
	m, err = f.svc.Get(f.ctx, union, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.State != emulation.Recognised || m.Level != "cap-tren" || m.Reward != "Bằng khen" || m.RecognisedYear != year {
		t.Fatalf("recognised %+v", m)
	}
	return m, round
}

func TestLifeFromRegistrationToReplication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		m, _ := f.flow(t)
		board, _, err := f.svc.Honoured(f.ctx, emulation.PublicFilter{Year: m.RecognisedYear})
		if err != nil || len(board) != 1 || board[0].ID != m.ID {
			t.Fatalf("honour board %v %v", board, err)
		}
		if !f.svc.CanSeeFile(f.ctx, nil, emulation.OwnerPhoto, m.ID) {
			t.Fatal("photo of a recognised model is not public")
		}
		var reportID int64
		_ = db.QueryRowContext(f.ctx, `SELECT id FROM model_reports WHERE model_id = ? ORDER BY id LIMIT 1`, m.ID).Scan(&reportID)
		if f.svc.CanSeeFile(f.ctx, nil, emulation.OwnerReport, reportID) {
			t.Fatal("a report photo is public")
		}
		// canbo (Ban Dân vận, whole tree) replicates it in the trade union of agency 2.
		in := emulation.InputOf(m)
		in.UnitID, in.ReplicaOf, in.Register = f.o.Agencies[1].TradeUnion.ID, m.ID, true
		rep, err := f.svc.Create(f.ctx, f.who(t, "canbo"), in)
		if err != nil {
			t.Fatal(err)
		}
		if rep.ReplicaOf != m.ID || rep.State != emulation.Registered {
			t.Fatalf("replica %+v", rep)
		}
		orig, _ := f.svc.Get(f.ctx, f.who(t, "canbo"), m.ID)
		if orig.State != emulation.Replicated {
			t.Fatalf("original state %s", orig.State)
		}
		nodes, err := f.svc.Replicas(f.ctx, m.ID)
		if err != nil || len(nodes) != 2 || nodes[1].ParentID != m.ID {
			t.Fatalf("replicas %+v %v", nodes, err)
		}
		// bithu1 (agency 1) does not see the replica of agency 2: 404.
		if _, err := f.svc.Get(f.ctx, f.who(t, "bithu1"), rep.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("outside the subtree: %v", err)
		}
		// Every step is in the audit log.
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'model' AND entity_id = ?`, m.ID); n < 9 {
			t.Fatalf("%d audit entries", n)
		}
		// The rollup kept in each transaction equals the one rebuilt from scratch.
		before := rollup(t, f)
		if err := db.Tx(f.ctx, func(tx *sqldb.Tx) error { return emulation.RebuildRollup(f.ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		if after := rollup(t, f); before != after {
			t.Fatalf("rollup drifted:\n%s\nvs\n%s", before, after)
		}
		d, err := f.svc.Discover(f.ctx, f.who(t, "canbo"), 0, db.Now())
		if err != nil || d.Self.Total != 2 || d.Self.Honoured() != 1 {
			t.Fatalf("discovery %+v %v", d.Self, err)
		}
		if len(d.NoModels) == 0 {
			t.Fatal("no unit without models listed")
		}
		// Stop with a reason; stopping twice is refused.
		if _, err := f.svc.Do(f.ctx, f.who(t, "canbo"), rep.ID, emulation.ActStop, ""); apperr.KindOf(err) != apperr.Invalid {
			t.Fatalf("stop without reason: %v", err)
		}
		if _, err := f.svc.Do(f.ctx, f.who(t, "canbo"), rep.ID, emulation.ActStop, "Đơn vị sáp nhập"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Do(f.ctx, f.who(t, "canbo"), rep.ID, emulation.ActStop, "Lần hai"); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("stopped twice: %v", err)
		}
	})
}

func rollup(t *testing.T, f *fixture) string {
	t.Helper()
	rows, err := f.db.QueryContext(f.ctx, `SELECT unit_id, year, field, state, n FROM model_rollup WHERE n <> 0 ORDER BY unit_id, year, field, state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, y, n int64
		var fl, st string
		if err := rows.Scan(&id, &y, &fl, &st, &n); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.Join([]string{itoa(id), itoa(y), fl, st, itoa(n)}, ",") + "\n")
	}
	rows.Close()
	// model_counts is the same without the year.
	crows, err := f.db.QueryContext(f.ctx, `SELECT c.unit_id, c.field, c.state, c.n, (SELECT SUM(r.n) FROM model_rollup r WHERE r.unit_id = c.unit_id AND r.field = c.field AND r.state = c.state) FROM model_counts c WHERE c.n <> 0 ORDER BY 1, 2, 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer crows.Close()
	for crows.Next() {
		var id, n, sum int64
		var fl, st string
		if err := crows.Scan(&id, &fl, &st, &n, &sum); err != nil {
			t.Fatal(err)
		}
		if n != sum {
			t.Errorf("model_counts %d %s %s = %d, rollup says %d", id, fl, st, n, sum)
		}
		b.WriteString(strings.Join([]string{"c", itoa(id), fl, st, itoa(n)}, ",") + "\n")
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestInvalidTransitionsAndBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		year := db.Now().Year()
		union, secretary, admin := f.who(t, "congdoan1"), f.who(t, "bithu1"), f.who(t, "admin")
		models := func() int { return f.count(t, `SELECT COUNT(*) FROM models`) }
		files := func() int { return f.count(t, `SELECT COUNT(*) FROM attachments`) }

		// A photo that is not an image, and a 50 MB photo: refused, nothing written.
		in := f.input(year)
		in.Photos = []attach.Upload{{Name: "anh.jpg", Data: []byte("%PDF-1.4 not an image at all")}}
		_, err := f.svc.Create(f.ctx, union, in)
		mustKind(t, err, apperr.Invalid, "không phải là ảnh")
		in.Photos = []attach.Upload{{Name: "anh-lon.png", Data: append(PNG(t), make([]byte, 50<<20)...)}}
		_, err = f.svc.Create(f.ctx, union, in)
		mustKind(t, err, apperr.Invalid, "vượt giới hạn 10 MB")
		if models() != 0 || files() != 0 {
			t.Fatalf("half-written: %d models, %d files", models(), files())
		}
		// Registration needs the registration fields; a draft does not.
		in = f.input(year)
		in.Goals = ""
		_, err = f.svc.Create(f.ctx, union, in)
		mustKind(t, err, apperr.Invalid, "Mục tiêu")
		in.Register = false
		d, err := f.svc.Create(f.ctx, union, in)
		if err != nil || d.State != emulation.Draft {
			t.Fatalf("draft: %v %v", d.State, err)
		}
		// Invalid transitions get a Vietnamese message.
		_, err = f.svc.Do(f.ctx, secretary, d.ID, emulation.ActApprove, "")
		mustKind(t, err, apperr.Conflict, "Không thể duyệt khi mô hình đang ở trạng thái “Bản nháp”")
		_, err = f.svc.Do(f.ctx, union, d.ID, emulation.ActSubmit, "")
		mustKind(t, err, apperr.Invalid, "Mục tiêu")
		_, err = f.svc.AddReport(f.ctx, union, d.ID, emulation.ReportInput{Body: "x"})
		mustKind(t, err, apperr.Conflict, "cần được duyệt trước")

		// Weights that do not sum to 100%.
		_, err = f.svc.CreateCriteriaSet(f.ctx, admin, emulation.CriteriaInput{Year: year, Level: "co-so", Name: "Sai trọng số", ScaleMin: 0, ScaleMax: 10,
			Criteria: []emulation.Criterion{{Name: "A", Weight: 50}, {Name: "B", Weight: 30}}})
		mustKind(t, err, apperr.Invalid, "Tổng trọng số các tiêu chí là 80%")
		_, err = f.svc.CreateCriteriaSet(f.ctx, secretary, emulation.CriteriaInput{Year: year, Level: "co-so", Name: "Không phải quản trị", ScaleMin: 0, ScaleMax: 10,
			Criteria: []emulation.Criterion{{Name: "A", Weight: 100}}})
		mustKind(t, err, apperr.Forbidden, "quản trị")
		if n := f.count(t, `SELECT COUNT(*) FROM criteria_sets`); n != 0 {
			t.Fatalf("%d sets written", n)
		}

		// A model in a round: scores outside the scale, own model, recognition without scores.
		m, err := f.svc.Create(f.ctx, union, f.input(year))
		if err != nil {
			t.Fatal(err)
		}
		mustOK := func(_ emulation.Model, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		mustOK(f.svc.Do(f.ctx, secretary, m.ID, emulation.ActApprove, ""))
		mustOK(f.svc.Do(f.ctx, union, m.ID, emulation.ActStart, ""))
		if _, err := f.svc.AddReport(f.ctx, union, m.ID, emulation.ReportInput{Kind: emulation.ReportReview, Body: "Sơ kết"}); err != nil {
			t.Fatal(err)
		}
		set, err := f.svc.CreateCriteriaSet(f.ctx, admin, emulation.CriteriaInput{Year: year, Level: "co-so", Name: "Tiêu chí cơ sở", ScaleMin: 0, ScaleMax: 10,
			Criteria: []emulation.Criterion{{Name: "Hiệu quả", Weight: 60}, {Name: "Lan tỏa", Weight: 40}}})
		if err != nil {
			t.Fatal(err)
		}
		round, err := f.svc.CreateRound(f.ctx, secretary, emulation.RoundInput{Name: "Bình xét cơ sở", UnitID: f.o.Agencies[0].Node.ID, SetID: set.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Propose(f.ctx, union, round.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Propose(f.ctx, union, round.ID, m.ID); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("proposed twice: %v", err)
		}
		cs, _ := f.svc.Candidates(f.ctx, secretary, round)
		c := cs[0]
		_, err = f.svc.SubmitScore(f.ctx, secretary, c.ID, emulation.ScoreInput{Values: map[int64]float64{set.Criteria[0].ID: 11, set.Criteria[1].ID: 5}})
		mustKind(t, err, apperr.Invalid, "phải trong thang 0–10")
		_, err = f.svc.SubmitScore(f.ctx, secretary, c.ID, emulation.ScoreInput{Values: map[int64]float64{set.Criteria[0].ID: 8}})
		mustKind(t, err, apperr.Invalid, "Hãy chấm điểm tiêu chí “Lan tỏa”")
		// The registrant, even with the right to assess, may not assess their own model.
		owner, _ := f.svc.Get(f.ctx, union, m.ID)
		if err := db.Tx(f.ctx, func(tx *sqldb.Tx) error {
			return org.InsertGrant(f.ctx, tx, f.o.Users["congdoan1"], f.o.Agencies[0].Node, org.RoleInspector)
		}); err != nil {
			t.Fatal(err)
		}
		union = f.who(t, "congdoan1")
		_, err = f.svc.SubmitScore(f.ctx, union, c.ID, emulation.ScoreInput{Values: map[int64]float64{set.Criteria[0].ID: 10, set.Criteria[1].ID: 10}})
		mustKind(t, err, apperr.Forbidden, "chính mình")
		if owner.CreatedBy != f.o.Users["congdoan1"] {
			t.Fatal("registrant not recorded")
		}
		if n := f.count(t, `SELECT COUNT(*) FROM model_scores`); n != 0 {
			t.Fatalf("%d scores written", n)
		}
		// Never assessed: cannot be recognised; nothing changes.
		_, err = f.svc.Decide(f.ctx, secretary, round.ID, emulation.DecideInput{Number: "12-QĐ/ĐU", Recognised: []emulation.Decision{{CandidateID: c.ID, Reward: "Giấy khen"}}})
		mustKind(t, err, apperr.Invalid, "chưa được chấm điểm")
		if r, _ := f.svc.Round(f.ctx, secretary, round.ID); r.Decided() {
			t.Fatal("round decided")
		}
		if mm, _ := f.svc.Get(f.ctx, secretary, m.ID); mm.State != emulation.Reviewed {
			t.Fatalf("state %s", mm.State)
		}
	})
}

func TestDoubleSubmitCreatesOneModel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := sqldb.WithFormNonce(f.ctx, "nonce-model-1")
		if _, err := f.svc.Create(ctx, f.who(t, "congdoan1"), f.input(db.Now().Year())); err != nil {
			t.Fatal(err)
		}
		ctx2 := sqldb.WithFormNonce(f.ctx, "nonce-model-1")
		if _, err := f.svc.Create(ctx2, f.who(t, "congdoan1"), f.input(db.Now().Year())); !errors.Is(err, sqldb.ErrDuplicateSubmit) {
			t.Fatalf("second submit: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM models`); n != 1 {
			t.Fatalf("%d models", n)
		}
	})
}

func TestRemindersOncePerModelAndReason(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		f.flow(t)
		union := f.who(t, "congdoan1")
		m, err := f.svc.Create(f.ctx, union, f.input(db.Now().Year()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Do(f.ctx, f.who(t, "bithu1"), m.ID, emulation.ActApprove, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AskSupport(f.ctx, union, m.ID, "Đề nghị hỗ trợ kinh phí in tài liệu."); err != nil {
			t.Fatal(err)
		}
		later := db.Now().AddDate(0, 0, emulation.StuckDays+1)
		for i := 0; i < 2; i++ {
			if err := f.svc.Remind(f.ctx, later); err != nil {
				t.Fatal(err)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'model.stale' AND user_id = ?`, f.o.Users["congdoan1"]); n != 1 {
			t.Fatalf("%d stale reminders", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM notifications WHERE kind = 'model.support-overdue'`); n < 1 || n > 20 {
			t.Fatalf("%d support reminders", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM model_reminders WHERE reason = 'support'`); n != 1 {
			t.Fatalf("%d support reminder keys (the answered request must not be reminded)", n)
		}
		items, err := f.svc.OpenWork(f.ctx, f.who(t, "bithu1"))
		if err != nil {
			t.Fatal(err)
		}
		var support int
		for _, it := range items {
			if it.Kind == "Đề nghị hỗ trợ mô hình" {
				support++
			}
		}
		if support != 1 {
			t.Fatalf("work items %+v", items)
		}
	})
}

func TestDemoModelsInEveryStateLoadedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db, demo.Models)
		states := map[string]int{}
		rows, err := db.QueryContext(f.ctx, `SELECT state, COUNT(*) FROM models GROUP BY state`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				t.Fatal(err)
			}
			states[st] = n
		}
		rows.Close()
		for _, st := range emulation.States {
			if states[string(st)] == 0 {
				t.Errorf("no demo model in state %s (%v)", st, states)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM models WHERE honoured = TRUE AND recognised_year = ?`, db.Now().Year()); n < 3 {
			t.Errorf("%d recognised this year", n)
		}
		before := f.count(t, `SELECT COUNT(*) FROM models`)
		if _, err := demo.Load(f.ctx, db, "mat-khau-demo-2026", demo.Models); err != nil {
			t.Fatal(err)
		}
		if after := f.count(t, `SELECT COUNT(*) FROM models`); after != before {
			t.Fatalf("second load: %d → %d models", before, after)
		}
		d, err := f.svc.Discover(f.ctx, f.who(t, "canbo"), 0, db.Now())
		if err != nil || d.StuckCount != 1 || d.UnanswerOpen != 1 {
			t.Fatalf("discovery: stuck %d, unanswered %d, %v", d.StuckCount, d.UnanswerOpen, err)
		}
	})
}

func TestGeneratorFillsTreeAndRollup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, err := gen.Run(ctx, db, gen.Options{Units: 300, People: 500, Seed: 3, Generators: []gen.Generator{emulation.Generator(3000)}})
		if err != nil {
			t.Fatal(err)
		}
		var n, honoured, rolled int
		_ = db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN honoured = TRUE THEN 1 ELSE 0 END), 0) FROM models`).Scan(&n, &honoured)
		_ = db.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM model_rollup WHERE unit_id = ?`, s.Root.ID).Scan(&rolled)
		if n != 3000 || rolled != n || honoured == 0 {
			t.Fatalf("%d models, %d in the root's rollup, %d honoured", n, rolled, honoured)
		}
		svc := emulation.NewService(db)
		p := &org.Principal{UserID: 1, Grants: []org.Grant{{UnitID: s.Root.ID, UnitPath: s.Root.Path, Role: org.RoleStaff}}}
		d, err := svc.Discover(ctx, p, s.Root.ID, db.Now())
		if err != nil || d.Self.Total != 3000 || d.StuckCount == 0 || d.UnanswerOpen == 0 {
			t.Fatalf("discovery %d stuck %d unanswered %d: %v", d.Self.Total, d.StuckCount, d.UnanswerOpen, err)
		}
		sum := 0
		for _, c := range d.Children {
			sum += c.Total
		}
		if sum != 3000 {
			t.Fatalf("children add up to %d", sum)
		}
	})
}

func TestUnitMoveKeepsPathsAndCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		union, staff := f.who(t, "congdoan1"), f.who(t, "canbo")
		m, err := f.svc.Create(f.ctx, union, f.input(db.Now().Year()))
		if err != nil {
			t.Fatal(err)
		}
		orgSvc := org.NewService(db)
		orgSvc.PathHooks = append(orgSvc.PathHooks, emulation.PathHook)
		a0, a1 := f.o.Agencies[0], f.o.Agencies[1]
		if _, err := orgSvc.MoveUnit(f.ctx, staff, a0.TradeUnion.ID, a1.Node.ID); err != nil {
			t.Fatal(err)
		}
		moved, err := f.svc.Get(f.ctx, staff, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(moved.UnitPath, a1.Node.Path) {
			t.Fatalf("model path %s not under %s", moved.UnitPath, a1.Node.Path)
		}
		d1, err := f.svc.Discover(f.ctx, staff, a1.Node.ID, db.Now())
		if err != nil || d1.Self.Total != 1 {
			t.Fatalf("agency 2 after the move: %d (%v)", d1.Self.Total, err)
		}
		d0, err := f.svc.Discover(f.ctx, staff, a0.Node.ID, db.Now())
		if err != nil || d0.Self.Total != 0 {
			t.Fatalf("agency 1 after the move: %d (%v)", d0.Self.Total, err)
		}
		ys, err := f.svc.ByYear(f.ctx, staff, "")
		if err != nil || len(ys) != 1 || ys[0].Total != 1 || ys[0].ByField["van-hoa-xa-hoi"] != 1 {
			t.Fatalf("by year %+v %v", ys, err)
		}
	})
}
