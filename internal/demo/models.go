package demo

import (
	"context"
	"fmt"

	"danvan/internal/auth"
	"danvan/internal/emulation"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

const modelsKey = "demo.models"

// sampleModel is one sample model: where, what, and how far along its life it goes.
type sampleModel struct {
	agency int
	unit   func(a Agency) org.Unit
	kind   string
	name   string
	holder string
	field  string
	story  string
	target emulation.State
}

func union(a Agency) org.Unit    { return a.TradeUnion }
func youth(a Agency) org.Unit    { return a.Youth }
func veterans(a Agency) org.Unit { return a.Veterans }
func women(a Agency) org.Unit    { return a.Women }

// Models loads models and exemplars in every state across the sample agencies: criteria
// sets for this year and last year, last year's round (decided) and this year's round
// (decided, with two assessors), a replication chain across three agencies, requests for
// support answered and not, a stopped model and one stuck for more than 90 days. It adds
// the account kiemtra (cán bộ kiểm tra, whole tree), a second independent assessor.
func Models(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, modelsKey)
	if err != nil || done {
		return err
	}
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "kiemtra", Password: o.Password, DisplayName: "Cán bộ Ủy ban Kiểm tra", Email: "kiemtra@danvan.local"})
		if err != nil {
			return err
		}
		o.Users["kiemtra"] = u.ID
		return org.InsertGrant(ctx, tx, u.ID, o.Root, org.RoleInspector)
	})
	if err != nil {
		return err
	}
	pr := func(user string) (*org.Principal, error) { return org.LoadPrincipal(ctx, db, o.Users[user]) }
	staff, err := pr("canbo")
	if err != nil {
		return err
	}
	admin, err := pr("admin")
	if err != nil {
		return err
	}
	inspector, err := pr("kiemtra")
	if err != nil {
		return err
	}
	svc := emulation.NewService(db)
	year := o.CurrentYear
	crit := []emulation.Criterion{{Name: "Hiệu quả thiết thực, đo được", Weight: 40}, {Name: "Sức lan tỏa trong cơ quan và nhân dân", Weight: 30},
		{Name: "Khả năng nhân rộng", Weight: 20}, {Name: "Sự tham gia của đoàn thể, đảng viên", Weight: 10}}
	setNow, err := svc.CreateCriteriaSet(ctx, admin, emulation.CriteriaInput{Year: year, Level: "cap-tren", Name: "Tiêu chí bình xét “Dân vận khéo” Đảng ủy Khối", ScaleMin: 0, ScaleMax: 10, Criteria: crit})
	if err != nil {
		return fmt.Errorf("demo models: %w", err)
	}
	setLast, err := svc.CreateCriteriaSet(ctx, admin, emulation.CriteriaInput{Year: year - 1, Level: "cap-tren", Name: "Tiêu chí bình xét “Dân vận khéo” Đảng ủy Khối", ScaleMin: 0, ScaleMax: 10, Criteria: crit})
	if err != nil {
		return fmt.Errorf("demo models: %w", err)
	}
	input := func(sm sampleModel, y int) emulation.Input {
		a := o.Agencies[sm.agency]
		return emulation.Input{Kind: sm.kind, Name: sm.name, Holder: sm.holder, Field: sm.field, UnitID: sm.unit(a).ID, Year: y,
			Problem: "Cán bộ, đoàn viên và người dân đến giao dịch còn gặp khó khăn; cần cách làm gần dân, sát việc.",
			Goals:   "Tạo chuyển biến rõ trong tác phong, ứng xử với nhân dân; 100% đoàn viên tham gia.",
			Criteria: "Tỷ lệ người dân hài lòng từ 95% trở lên; 100% đoàn viên tham gia ít nhất một hoạt động; " +
				"ít nhất 10 lượt hỗ trợ mỗi quý.",
			Methods: "Phân công đoàn viên phụ trách từng việc, công khai kết quả hằng tháng, sơ kết 6 tháng rút kinh nghiệm.",
			Area:    a.Node.Name, Beneficiaries: "Cán bộ, công chức, người lao động và người dân đến giao dịch",
			LeadForce: sm.unit(a).Name, Partners: "Chi bộ, thủ trưởng cơ quan, các đoàn thể", Resources: "Kinh phí hoạt động đoàn thể, đóng góp tự nguyện",
			StartsOn: fmt.Sprintf("%d-02-01", y), EndsOn: fmt.Sprintf("%d-11-30", y),
			Outputs: "Mô hình duy trì đều đặn, được cơ quan và người dân ghi nhận.", Story: sm.story, Register: sm.target != emulation.Draft}
	}
	// advance takes a model from registered to target, reporting with figures on the way.
	advance := func(m emulation.Model, target emulation.State, round emulation.Round) (emulation.Model, error) {
		steps := []emulation.State{emulation.Approved, emulation.Implementing, emulation.Reviewed, emulation.Assessed, emulation.Recognised}
		var err error
		for _, st := range steps {
			if m.State == target || target == emulation.Registered || target == emulation.Draft {
				return m, nil
			}
			switch st {
			case emulation.Approved:
				m, err = svc.Do(ctx, staff, m.ID, emulation.ActApprove, "")
			case emulation.Implementing:
				_, err = svc.AddReport(ctx, staff, m.ID, emulation.ReportInput{Body: "Đã triển khai tới toàn thể đoàn viên; tổ chức 3 đợt ra quân.",
					Figures: []emulation.Figure{{Label: "Lượt đoàn viên tham gia", Value: 120}, {Label: "Người dân được hỗ trợ", Value: 85}}})
			case emulation.Reviewed:
				_, err = svc.AddReport(ctx, staff, m.ID, emulation.ReportInput{Kind: emulation.ReportReview, Body: "Sơ kết 6 tháng: đạt và vượt các chỉ tiêu đăng ký.",
					Figures: []emulation.Figure{{Label: "Tỷ lệ người dân hài lòng (%)", Value: 97.5}}})
			case emulation.Assessed:
				if err = svc.Propose(ctx, staff, round.ID, m.ID); err != nil {
					return m, err
				}
				var cs []emulation.Candidate
				if cs, err = svc.Candidates(ctx, admin, round); err != nil {
					return m, err
				}
				set, _ := svc.CriteriaSet(ctx, round.SetID)
				for _, c := range cs {
					if c.Model.ID != m.ID {
						continue
					}
					for k, who := range []*org.Principal{admin, inspector} {
						vals := map[int64]float64{}
						for j, cr := range set.Criteria {
							vals[cr.ID] = float64(7 + (int(m.ID)+j+k)%4)
						}
						if _, err = svc.SubmitScore(ctx, who, c.ID, emulation.ScoreInput{Values: vals}); err != nil {
							return m, err
						}
					}
				}
			case emulation.Recognised:
				return m, nil // decided with the whole round below
			}
			if err != nil {
				return m, err
			}
			if m, err = svc.Get(ctx, staff, m.ID); err != nil {
				return m, err
			}
		}
		return m, nil
	}
	decide := func(round emulation.Round, number string, want map[int64]string) error {
		cs, err := svc.Candidates(ctx, admin, round)
		if err != nil {
			return err
		}
		var ds []emulation.Decision
		for _, c := range cs {
			if r, ok := want[c.Model.ID]; ok {
				ds = append(ds, emulation.Decision{CandidateID: c.ID, Reward: r})
			}
		}
		_, err = svc.Decide(ctx, staff, round.ID, emulation.DecideInput{Number: number, Recognised: ds})
		return err
	}

	// Last year: the original of the replication chain, recognised.
	lastRound, err := svc.CreateRound(ctx, staff, emulation.RoundInput{Name: fmt.Sprintf("Bình xét “Dân vận khéo” năm %d", year-1), UnitID: o.Root.ID, SetID: setLast.ID})
	if err != nil {
		return fmt.Errorf("demo models: %w", err)
	}
	origin := sampleModel{1, union, emulation.KindModel, "“Một cửa thân thiện” — tiếp nhận hồ sơ tận tình, trả kết quả đúng hẹn", "", "xay-dung-htct",
		"Từ những phản ánh về thái độ ở bộ phận một cửa, Công đoàn Sở Tài chính phát động “mỗi cán bộ một lời chào, một lời cảm ơn”. Sau một năm, 98% người dân hài lòng và không còn phản ánh về thái độ.", emulation.Assessed}
	m0, err := svc.Create(ctx, staff, input(origin, year-1))
	if err != nil {
		return fmt.Errorf("demo models: %w", err)
	}
	if m0, err = advance(m0, emulation.Assessed, lastRound); err != nil {
		return fmt.Errorf("demo models: %w", err)
	}
	if err := decide(lastRound, fmt.Sprintf("86-QĐ/ĐUK năm %d", year-1), map[int64]string{m0.ID: "Bằng khen"}); err != nil {
		return fmt.Errorf("demo models: %w", err)
	}

	// This year.
	round, err := svc.CreateRound(ctx, staff, emulation.RoundInput{Name: fmt.Sprintf("Bình xét “Dân vận khéo” năm %d", year), UnitID: o.Root.ID, SetID: setNow.ID})
	if err != nil {
		return fmt.Errorf("demo models: %w", err)
	}
	samples := []sampleModel{
		{0, youth, emulation.KindModel, "Thanh niên tình nguyện hướng dẫn thủ tục trực tuyến", "", "van-hoa-xa-hoi", "", emulation.Draft},
		{0, veterans, emulation.KindModel, "Cựu chiến binh gương mẫu hòa giải ở cơ sở", "", "quoc-phong-an-ninh", "", emulation.Registered},
		{0, women, emulation.KindModel, "Nữ công “Mái ấm công đoàn”", "", "van-hoa-xa-hoi", "", emulation.Implementing},
		{1, youth, emulation.KindExemplar, "Đảng viên trẻ tiêu biểu trong chuyển đổi số", "Đồng chí Lê Minh Khoa, Đoàn Thanh niên Sở Tài chính", "xay-dung-htct",
			"Khoa tự học lập trình để số hóa 12.000 hồ sơ lưu trữ, hướng dẫn đồng nghiệp làm việc trên môi trường số.", emulation.Recognised},
		{2, union, emulation.KindModel, "Bữa cơm nghĩa tình cho bệnh nhân nghèo", "", "van-hoa-xa-hoi",
			"Mỗi tháng đoàn viên góp một ngày lương, nấu 300 suất cơm cho bệnh nhân nghèo tại bệnh viện tỉnh.", emulation.Recognised},
		{2, veterans, emulation.KindModel, "Tổ an ninh trật tự cơ quan", "", "quoc-phong-an-ninh", "", emulation.Reviewed},
		{3, women, emulation.KindModel, "Vườn rau sạch gia đình giáo viên", "", "kinh-te", "", emulation.Assessed},
		{4, union, emulation.KindModel, "Nói không với phong bì trong khám chữa bệnh", "", "xay-dung-htct",
			"Công khai đường dây nóng, ký cam kết của từng khoa; phản ánh tiêu cực giảm hẳn sau 6 tháng.", emulation.Recognised},
		{5, youth, emulation.KindModel, "Thanh niên giúp nông dân bán nông sản trên sàn thương mại điện tử", "", "kinh-te", "", emulation.Implementing},
		{5, veterans, emulation.KindModel, "Câu lạc bộ cựu chiến binh làm kinh tế giỏi", "", "kinh-te", "", emulation.Approved},
	}
	recognise := map[int64]string{}
	var created []emulation.Model
	for _, sm := range samples {
		m, err := svc.Create(ctx, staff, input(sm, year))
		if err != nil {
			return fmt.Errorf("demo models %s: %w", sm.name, err)
		}
		target := sm.target
		if target == emulation.Recognised {
			target = emulation.Assessed
			recognise[m.ID] = "Giấy khen"
		}
		if m, err = advance(m, target, round); err != nil {
			return fmt.Errorf("demo models %s: %w", sm.name, err)
		}
		created = append(created, m)
	}
	// The replication chain: the origin is replicated this year in agencies 3 and 4;
	// agency 3's replica is recognised and is itself being replicated in agency 5.
	rep1in := input(origin, year)
	rep1in.UnitID, rep1in.ReplicaOf, rep1in.Name = o.Agencies[3].TradeUnion.ID, m0.ID, "“Một cửa thân thiện” tại Sở Giáo dục và Đào tạo"
	rep1, err := svc.Create(ctx, staff, rep1in)
	if err != nil {
		return fmt.Errorf("demo models replica: %w", err)
	}
	if rep1, err = advance(rep1, emulation.Assessed, round); err != nil {
		return fmt.Errorf("demo models replica: %w", err)
	}
	recognise[rep1.ID] = "Giấy khen"
	rep2in := input(origin, year)
	rep2in.UnitID, rep2in.ReplicaOf, rep2in.Name = o.Agencies[4].TradeUnion.ID, m0.ID, "“Một cửa thân thiện” tại Sở Y tế"
	rep2, err := svc.Create(ctx, staff, rep2in)
	if err != nil {
		return fmt.Errorf("demo models replica: %w", err)
	}
	if _, err = advance(rep2, emulation.Implementing, round); err != nil {
		return fmt.Errorf("demo models replica: %w", err)
	}
	if err := decide(round, fmt.Sprintf("125-QĐ/ĐUK năm %d", year), recognise); err != nil {
		return fmt.Errorf("demo models decide: %w", err)
	}
	rep3in := input(origin, year)
	rep3in.UnitID, rep3in.ReplicaOf, rep3in.Name = o.Agencies[5].TradeUnion.ID, rep1.ID, "“Một cửa thân thiện” tại Sở Nông nghiệp và Môi trường"
	if _, err := svc.Create(ctx, staff, rep3in); err != nil {
		return fmt.Errorf("demo models replica: %w", err)
	}
	// Requests for support: one answered, one waiting.
	women0, veterans5 := created[2], created[9]
	sp, err := svc.AskSupport(ctx, staff, women0.ID, "Đề nghị Đảng ủy hỗ trợ kết nối nhà hảo tâm để sửa mái nhà cho 2 đoàn viên khó khăn.")
	if err != nil {
		return fmt.Errorf("demo models support: %w", err)
	}
	if _, err := svc.Answer(ctx, staff, sp.ID, "Đảng ủy đã giới thiệu Công ty cổ phần Xây dựng số 5 tài trợ vật liệu; Văn phòng liên hệ trực tiếp."); err != nil {
		return fmt.Errorf("demo models support: %w", err)
	}
	if _, err := svc.AskSupport(ctx, staff, veterans5.ID, "Đề nghị hỗ trợ tập huấn kỹ thuật trồng cây ăn quả cho hội viên."); err != nil {
		return fmt.Errorf("demo models support: %w", err)
	}
	// A stopped model, and one stuck (its last sign of life four months ago).
	stop, err := svc.Create(ctx, staff, input(sampleModel{3, veterans, emulation.KindModel, "Tủ sách pháp luật cơ quan", "", "van-hoa-xa-hoi", "", emulation.Registered}, year))
	if err != nil {
		return fmt.Errorf("demo models stop: %w", err)
	}
	if _, err := svc.Do(ctx, staff, stop.ID, emulation.ActStop, "Đã chuyển thành thư viện điện tử của Sở; không duy trì tủ sách giấy."); err != nil {
		return fmt.Errorf("demo models stop: %w", err)
	}
	stuck := created[8]
	old := sqldb.FormatTime(db.Now().AddDate(0, -4, 0))
	return db.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE models SET watch_at = ?, last_report_at = ? WHERE id = ?`, old, old, stuck.ID); err != nil {
			return err
		}
		// Written past the service: its counters are rebuilt from the models.
		if err := emulation.RebuildRollup(ctx, tx); err != nil {
			return err
		}
		return Mark(ctx, tx, modelsKey)
	})
}
