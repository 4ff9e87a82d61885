package emulation

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// CriteriaSet is a bộ tiêu chí: per year and level, criteria with weights summing to
// 100% and a scoring scale (thang điểm) from ScaleMin to ScaleMax.
type CriteriaSet struct {
	ID        int64
	Year      int
	Level     string
	Name      string
	ScaleMin  int
	ScaleMax  int
	Criteria  []Criterion
	CreatedAt string
}

// LevelLabel for templates.
func (c CriteriaSet) LevelLabel() string { return LevelLabel(c.Level) }

// Criterion is one criterion and its weight in percent.
type Criterion struct {
	ID     int64
	Seq    int
	Name   string
	Weight int
}

// CriteriaInput is the administrator's form of a set.
type CriteriaInput struct {
	Year     int
	Level    string
	Name     string
	ScaleMin int
	ScaleMax int
	Criteria []Criterion // Name and Weight; empty names are ignored
}

// CreateCriteriaSet saves a set. Only administrators. Errors: Forbidden, Invalid (weights
// not summing to 100%, bad scale, no criterion).
func (s *Service) CreateCriteriaSet(ctx context.Context, p *org.Principal, in CriteriaInput) (CriteriaSet, error) {
	if !p.IsAdmin() {
		return CriteriaSet{}, forbidden("emulation.CreateCriteriaSet", "Chỉ quản trị hệ thống được định nghĩa bộ tiêu chí.")
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		in.Name = search.Clean(in.Name)
		if in.Name == "" {
			v.Add("name", "Hãy đặt tên bộ tiêu chí.")
		} else if utf8.RuneCountInString(in.Name) > MaxName {
			v.Add("name", "Tên tối đa 300 ký tự.")
		}
		if in.Year < 2000 || in.Year > tx.Now().Year()+1 {
			v.Add("year", fmt.Sprintf("Năm áp dụng phải từ 2000 đến %d.", tx.Now().Year()+1))
		}
		if !validLevel(in.Level) {
			v.Add("level", "Hãy chọn cấp bình xét.")
		}
		if in.ScaleMax <= in.ScaleMin || in.ScaleMin < 0 || in.ScaleMax > 1000 {
			v.Add("scale_max", "Thang điểm không hợp lệ: điểm cao nhất phải lớn hơn điểm thấp nhất (từ 0 đến 1.000).")
		}
		var crit []Criterion
		sum := 0
		for i, c := range in.Criteria {
			c.Name = search.Clean(c.Name)
			if c.Name == "" {
				if c.Weight != 0 {
					v.Add(fmt.Sprintf("crit_name_%d", i), "Tiêu chí có trọng số cần có tên.")
				}
				continue
			}
			if c.Weight <= 0 || c.Weight > 100 {
				v.Add(fmt.Sprintf("crit_weight_%d", i), "Trọng số của “"+c.Name+"” phải từ 1 đến 100 (%).")
			}
			sum += c.Weight
			c.Seq = len(crit) + 1
			crit = append(crit, c)
		}
		if len(crit) == 0 {
			v.Add("criteria", "Bộ tiêu chí cần ít nhất một tiêu chí.")
		} else if sum != 100 {
			v.Add("criteria", fmt.Sprintf("Tổng trọng số các tiêu chí là %d%%, phải đúng 100%%. Bộ tiêu chí chưa được lưu.", sum))
		}
		if err := v.Err(); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO criteria_sets (year, level, name, scale_min, scale_max, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Year, in.Level, in.Name, in.ScaleMin, in.ScaleMax, nullID(p.UserID), sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap("emulation.CreateCriteriaSet", err)
		}
		for _, c := range crit {
			if _, err := tx.ExecContext(ctx, `INSERT INTO criteria (set_id, seq, name, weight) VALUES (?, ?, ?, ?)`, id, c.Seq, c.Name, c.Weight); err != nil {
				return apperr.Wrap("emulation.CreateCriteriaSet", err)
			}
		}
		var root int64
		if len(p.Grants) > 0 {
			root = p.Grants[0].UnitID
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: root, Entity: "criteria_set", EntityID: id, Action: "create",
			Summary: fmt.Sprintf("Tạo bộ tiêu chí %s (năm %d, %s, thang %d–%d)", in.Name, in.Year, LevelLabel(in.Level), in.ScaleMin, in.ScaleMax), After: crit})
	})
	if err != nil {
		return CriteriaSet{}, err
	}
	return s.CriteriaSet(ctx, id)
}

// CriteriaSet reads a set with its criteria. Errors: NotFound.
func (s *Service) CriteriaSet(ctx context.Context, id int64) (CriteriaSet, error) {
	return criteriaSet(ctx, s.DB, id)
}

func criteriaSet(ctx context.Context, q sqldb.Querier, id int64) (CriteriaSet, error) {
	var c CriteriaSet
	err := q.QueryRowContext(ctx, `SELECT id, year, level, name, scale_min, scale_max, created_at FROM criteria_sets WHERE id = ?`, id).
		Scan(&c.ID, &c.Year, &c.Level, &c.Name, &c.ScaleMin, &c.ScaleMax, &c.CreatedAt)
	if err != nil {
		return CriteriaSet{}, apperr.New(apperr.NotFound, "emulation.CriteriaSet", "Không tìm thấy bộ tiêu chí.")
	}
	rows, err := q.QueryContext(ctx, `SELECT id, seq, name, weight FROM criteria WHERE set_id = ? ORDER BY seq`, id)
	if err != nil {
		return CriteriaSet{}, apperr.Wrap("emulation.CriteriaSet", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Criterion
		if err := rows.Scan(&x.ID, &x.Seq, &x.Name, &x.Weight); err != nil {
			return CriteriaSet{}, apperr.Wrap("emulation.CriteriaSet", err)
		}
		c.Criteria = append(c.Criteria, x)
	}
	return c, apperr.Wrap("emulation.CriteriaSet", rows.Err())
}

// CriteriaSets lists the sets, newest year first.
func (s *Service) CriteriaSets(ctx context.Context) ([]CriteriaSet, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM criteria_sets ORDER BY year DESC, level, id LIMIT 200`)
	if err != nil {
		return nil, apperr.Wrap("emulation.CriteriaSets", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, apperr.Wrap("emulation.CriteriaSets", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []CriteriaSet
	for _, id := range ids {
		c, err := s.CriteriaSet(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Round is a yearly round of assessment (đợt bình xét) held by a committee.
type Round struct {
	ID         int64
	Year       int
	Level      string
	UnitID     int64
	UnitPath   string
	UnitName   string
	SetID      int64
	SetName    string
	Name       string
	State      string // open | decided
	Decision   string
	DecidedAt  string
	CreatedAt  string
	Candidates int
}

// LevelLabel for templates.
func (r Round) LevelLabel() string { return LevelLabel(r.Level) }

// Decided reports whether the committee decided the round.
func (r Round) Decided() bool { return r.State == "decided" }

// RoundInput is the form of a round.
type RoundInput struct {
	Name   string
	UnitID int64
	SetID  int64
}

// CreateRound opens a round for the year and level of its criteria set, held by a unit
// where the principal may approve models. Errors: Forbidden, Invalid.
func (s *Service) CreateRound(ctx context.Context, p *org.Principal, in RoundInput) (Round, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		in.Name = search.Clean(in.Name)
		if in.Name == "" {
			v.Add("name", "Hãy đặt tên đợt bình xét.")
		} else if utf8.RuneCountInString(in.Name) > MaxName {
			v.Add("name", "Tên tối đa 300 ký tự.")
		}
		u, err := org.GetUnit(ctx, tx, in.UnitID)
		if in.UnitID == 0 || err != nil || !p.CanPath(org.ApproveModel, u.Path) {
			v.Add("unit_id", "Hãy chọn cấp ủy tổ chức bình xét trong phạm vi của bạn.")
		}
		set, err := criteriaSet(ctx, tx, in.SetID)
		if in.SetID == 0 || err != nil {
			v.Add("set_id", "Hãy chọn bộ tiêu chí.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO model_rounds (year, level, unit_id, unit_path, set_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			set.Year, set.Level, u.ID, u.Path, set.ID, in.Name, nullID(p.UserID), sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap("emulation.CreateRound", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "model_round", EntityID: id, Action: "create",
			Summary: fmt.Sprintf("Mở đợt bình xét %s năm %d (%s)", in.Name, set.Year, LevelLabel(set.Level)), After: map[string]any{"set_id": set.ID}})
	})
	if err != nil {
		return Round{}, err
	}
	return s.Round(ctx, p, id)
}

const roundCols = `r.id, r.year, r.level, r.unit_id, r.unit_path, un.name, r.set_id, cs.name, r.name, r.state, r.decision, r.decided_at, r.created_at,
 (SELECT COUNT(*) FROM model_candidates c WHERE c.round_id = r.id)`
const roundFrom = ` FROM model_rounds r JOIN units un ON un.id = r.unit_id JOIN criteria_sets cs ON cs.id = r.set_id`

func scanRound(sc interface{ Scan(...any) error }, r *Round) error {
	return sc.Scan(&r.ID, &r.Year, &r.Level, &r.UnitID, &r.UnitPath, &r.UnitName, &r.SetID, &r.SetName, &r.Name, &r.State, &r.Decision, &r.DecidedAt, &r.CreatedAt, &r.Candidates)
}

// roundVisible: the round's unit is in view, or one of the principal's units sits below it
// (units propose candidates to the round of their upper committee).
func roundVisible(p *org.Principal, r Round) bool {
	if p.CanPath(org.ViewModel, r.UnitPath) {
		return true
	}
	for _, g := range p.Grants {
		if strings.HasPrefix(g.UnitPath, r.UnitPath) {
			return true
		}
	}
	return false
}

// Round reads a round. Errors: NotFound.
func (s *Service) Round(ctx context.Context, p *org.Principal, id int64) (Round, error) {
	return s.roundTx(ctx, s.DB, p, id)
}

func (s *Service) roundTx(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Round, error) {
	var r Round
	if err := scanRound(q.QueryRowContext(ctx, `SELECT `+roundCols+roundFrom+` WHERE r.id = ?`, id), &r); err != nil || !roundVisible(p, r) {
		return Round{}, apperr.New(apperr.NotFound, "emulation.Round", "Không tìm thấy đợt bình xét.")
	}
	return r, nil
}

// Rounds lists the rounds the principal sees (held in their reach or above their units).
func (s *Service) Rounds(ctx context.Context, p *org.Principal) ([]Round, error) {
	if p.IsZero() {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+roundCols+roundFrom+` ORDER BY r.year DESC, r.id DESC LIMIT 500`)
	if err != nil {
		return nil, apperr.Wrap("emulation.Rounds", err)
	}
	defer rows.Close()
	var out []Round
	for rows.Next() {
		var r Round
		if err := scanRound(rows, &r); err != nil {
			return nil, apperr.Wrap("emulation.Rounds", err)
		}
		if roundVisible(p, r) {
			out = append(out, r)
		}
	}
	return out, apperr.Wrap("emulation.Rounds", rows.Err())
}

// Candidate is a model proposed to a round, with its result.
type Candidate struct {
	ID         int64
	RoundID    int64
	Model      Model
	Result     float64 // mean of the assessors' weighted results, on the scale
	Scores     int
	Recognised bool
	Reward     string
	Rank       int
	Mine       *Score // the principal's own score, if any
}

// Propose puts a model in a round. The model must be reviewed (sơ kết) or assessed, of the
// round's year, and inside the subtree of the committee holding the round.
// Errors: NotFound, Forbidden, Conflict, Invalid.
func (s *Service) Propose(ctx context.Context, p *org.Principal, roundID, modelID int64) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := s.roundTx(ctx, tx, p, roundID)
		if err != nil {
			return err
		}
		m, err := s.load(ctx, tx, p, modelID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.RegisterModel, m.UnitPath) && !p.CanPath(org.ApproveModel, m.UnitPath) {
			return forbidden("emulation.Propose", "Bạn không có quyền đề nghị bình xét mô hình này.")
		}
		switch {
		case r.Decided():
			return conflict("emulation.Propose", "Đợt bình xét đã có quyết định; không nhận thêm đề nghị.")
		case !strings.HasPrefix(m.UnitPath, r.UnitPath):
			return conflict("emulation.Propose", "Mô hình không thuộc phạm vi của cấp ủy tổ chức đợt bình xét này.")
		case m.Year != r.Year:
			return conflict("emulation.Propose", fmt.Sprintf("Mô hình đăng ký năm %d, đợt bình xét là của năm %d.", m.Year, r.Year))
		case m.State != Reviewed && m.State != Assessed:
			return conflict("emulation.Propose", fmt.Sprintf("Chỉ đề nghị bình xét mô hình đã sơ kết; mô hình đang ở trạng thái “%s”.", m.State.Label()))
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO model_candidates (round_id, model_id, unit_path, proposed_by, proposed_at) VALUES (?, ?, ?, ?, ?)`,
			roundID, modelID, m.UnitPath, nullID(p.UserID), sqldb.FormatTime(tx.Now()))
		if sqldb.IsUniqueViolation(err) {
			return conflict("emulation.Propose", "Mô hình đã có trong đợt bình xét này.")
		}
		if err != nil {
			return apperr.Wrap("emulation.Propose", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: m.ID, Action: "propose",
			Summary: "Đề nghị bình xét " + m.Name + " trong đợt " + r.Name, After: map[string]any{"round_id": roundID}})
	})
}

// Score is one assessor's scoring of a candidate.
type Score struct {
	ID           int64
	CandidateID  int64
	AssessorID   int64
	AssessorName string
	Total        float64
	Note         string
	CreatedAt    string
	Values       map[int64]float64 // criterion id -> value
}

// ScoreInput is an assessor's form: one value per criterion.
type ScoreInput struct {
	Values map[int64]float64
	Note   string
	// Missing lists criteria left empty or unreadable in the form (by id), so they are
	// refused with a message rather than scored 0.
	Missing []int64
}

// own reports whether the principal is the registrant of the model (nobody assesses their own).
func own(p *org.Principal, m Model) bool {
	return (m.CreatedBy != 0 && m.CreatedBy == p.UserID) || (m.OwnerPerson != 0 && m.OwnerPerson == p.PersonID)
}

// CanAssess reports whether the principal may score the candidate now.
func (s *Service) CanAssess(p *org.Principal, r Round, c Candidate) bool {
	return !r.Decided() && c.Mine == nil && p.CanPath(org.AssessModel, c.Model.UnitPath) && !own(p, c.Model) &&
		(c.Model.State == Reviewed || c.Model.State == Assessed)
}

// SubmitScore records an assessor's scores for a candidate; the first score of a model
// moves it to "assessed". Errors: NotFound, Forbidden (own model, no right), Conflict
// (round decided, already scored), Invalid (a value outside the scale, a missing value).
func (s *Service) SubmitScore(ctx context.Context, p *org.Principal, candidateID int64, in ScoreInput) (Score, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var roundID, modelID int64
		if err := tx.QueryRowContext(ctx, `SELECT round_id, model_id FROM model_candidates WHERE id = ?`, candidateID).Scan(&roundID, &modelID); err != nil {
			return apperr.New(apperr.NotFound, "emulation.SubmitScore", "Không tìm thấy mô hình trong đợt bình xét.")
		}
		r, err := s.roundTx(ctx, tx, p, roundID)
		if err != nil {
			return err
		}
		m, err := s.load(ctx, tx, p, modelID)
		if err != nil {
			return err
		}
		if own(p, m) {
			return forbidden("emulation.SubmitScore", "Bạn không được chấm điểm mô hình do chính mình đăng ký.")
		}
		if !p.CanPath(org.AssessModel, m.UnitPath) {
			return forbidden("emulation.SubmitScore", "Bạn không có quyền chấm điểm mô hình này.")
		}
		if r.Decided() {
			return conflict("emulation.SubmitScore", "Đợt bình xét đã có quyết định; không chấm thêm.")
		}
		if m.State != Reviewed && m.State != Assessed {
			return conflict("emulation.SubmitScore", fmt.Sprintf("Không chấm điểm mô hình đang ở trạng thái “%s”.", m.State.Label()))
		}
		set, err := criteriaSet(ctx, tx, r.SetID)
		if err != nil {
			return err
		}
		var v apperr.Validation
		missing := map[int64]bool{}
		for _, id := range in.Missing {
			missing[id] = true
		}
		total := 0.0
		for _, c := range set.Criteria {
			val, ok := in.Values[c.ID]
			field := fmt.Sprintf("c_%d", c.ID)
			switch {
			case missing[c.ID] || !ok:
				v.Add(field, "Hãy chấm điểm tiêu chí “"+c.Name+"”.")
			case math.IsNaN(val) || val < float64(set.ScaleMin) || val > float64(set.ScaleMax):
				v.Add(field, fmt.Sprintf("Điểm của “%s” phải trong thang %d–%d.", c.Name, set.ScaleMin, set.ScaleMax))
			default:
				total += val * float64(c.Weight) / 100
			}
		}
		in.Note = cleanText(in.Note, "note", "Nhận xét", &v)
		if err := v.Err(); err != nil {
			return err
		}
		total = math.Round(total*100) / 100
		id, err = tx.InsertID(ctx, `INSERT INTO model_scores (candidate_id, model_id, assessor_id, assessor_name, total, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			candidateID, modelID, p.UserID, p.Name, total, in.Note, sqldb.FormatTime(tx.Now()))
		if sqldb.IsUniqueViolation(err) {
			return conflict("emulation.SubmitScore", "Bạn đã chấm điểm mô hình này trong đợt bình xét.")
		}
		if err != nil {
			return apperr.Wrap("emulation.SubmitScore", err)
		}
		for _, c := range set.Criteria {
			if _, err := tx.ExecContext(ctx, `INSERT INTO model_score_items (score_id, criterion_id, value) VALUES (?, ?, ?)`, id, c.ID, in.Values[c.ID]); err != nil {
				return apperr.Wrap("emulation.SubmitScore", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE model_candidates SET scores = (SELECT COUNT(*) FROM model_scores WHERE candidate_id = ?),
			result = (SELECT AVG(total) FROM model_scores WHERE candidate_id = ?) WHERE id = ?`, candidateID, candidateID, candidateID); err != nil {
			return apperr.Wrap("emulation.SubmitScore", err)
		}
		if m.State == Reviewed {
			if err := setState(ctx, tx, m, Assessed, ""); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: m.ID, Action: "score",
			Summary: fmt.Sprintf("Chấm điểm %s trong đợt %s: %s điểm", m.Name, r.Name, FormatScore(total)), After: map[string]any{"round_id": r.ID, "values": in.Values, "total": total}})
	})
	if err != nil {
		return Score{}, err
	}
	return s.score(ctx, id)
}

func (s *Service) score(ctx context.Context, id int64) (Score, error) {
	sc := Score{Values: map[int64]float64{}}
	err := s.DB.QueryRowContext(ctx, `SELECT id, candidate_id, assessor_id, assessor_name, total, note, created_at FROM model_scores WHERE id = ?`, id).
		Scan(&sc.ID, &sc.CandidateID, &sc.AssessorID, &sc.AssessorName, &sc.Total, &sc.Note, &sc.CreatedAt)
	if err != nil {
		return Score{}, apperr.Wrap("emulation.score", err)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT criterion_id, value FROM model_score_items WHERE score_id = ?`, id)
	if err != nil {
		return Score{}, apperr.Wrap("emulation.score", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		var v float64
		if err := rows.Scan(&cid, &v); err != nil {
			return Score{}, apperr.Wrap("emulation.score", err)
		}
		sc.Values[cid] = v
	}
	return sc, rows.Err()
}

// FormatScore writes 8.25 as 8,25 (Vietnamese decimal comma).
func FormatScore(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return strings.Replace(s, ".", ",", 1)
}

// Candidates returns a round's candidates the principal may see, ranked by result (best
// first; unscored last), with the principal's own score.
func (s *Service) Candidates(ctx context.Context, p *org.Principal, r Round) ([]Candidate, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT c.id, c.result, c.scores, c.recognised, c.reward, `+modelCols+` FROM model_candidates c JOIN models m ON m.id = c.model_id JOIN units un ON un.id = m.unit_id
		WHERE c.round_id = ? ORDER BY c.scores = 0, c.result DESC, c.id LIMIT 2000`, r.ID)
	if err != nil {
		return nil, apperr.Wrap("emulation.Candidates", err)
	}
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var m Model
		err := rows.Scan(append([]any{&c.ID, &c.Result, &c.Scores, &c.Recognised, &c.Reward}, modelPtrs(&m)...)...)
		if err != nil {
			rows.Close()
			return nil, apperr.Wrap("emulation.Candidates", err)
		}
		c.Model = m
		c.RoundID = r.ID
		if p.CanPath(org.ViewModel, m.UnitPath) || p.CanPath(org.ApproveModel, r.UnitPath) || p.CanPath(org.AssessModel, m.UnitPath) {
			out = append(out, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("emulation.Candidates", err)
	}
	rank := 0
	for i := range out {
		if out[i].Scores > 0 {
			rank++
			out[i].Rank = rank
		}
		var sid int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM model_scores WHERE candidate_id = ? AND assessor_id = ?`, out[i].ID, p.UserID).Scan(&sid); err == nil {
			sc, err := s.score(ctx, sid)
			if err != nil {
				return nil, err
			}
			out[i].Mine = &sc
		}
	}
	return out, nil
}

func modelPtrs(m *Model) []any {
	return []any{&m.ID, &m.Kind, &m.UnitID, &m.UnitPath, &m.UnitName, &m.Name, &m.Holder, &m.Field, &m.Year, &m.Problem, &m.Goals, &m.Criteria, &m.Methods, &m.Area,
		&m.Beneficiaries, &m.LeadForce, &m.Partners, &m.Resources, &m.StartsOn, &m.EndsOn, &m.Outputs, &m.Story, &m.State, &m.ReplicaOf, &m.StopReason,
		&m.Level, &m.Reward, &m.Decision, &m.RecognisedYear, &m.RecognisedAt, &m.PhotoID, &m.LastReportAt, &m.WatchAt, &m.OwnerPerson,
		&m.CreatedBy, &m.CreatedAt, &m.UpdatedAt}
}

// CanSeeScores reports whether the principal may see every assessor's score of a
// candidate: the committee holding the round (ApproveModel on its unit) always, since it
// decides on them; an assessor only after submitting their own; others once the round is
// decided.
func (s *Service) CanSeeScores(p *org.Principal, r Round, c Candidate) bool {
	if r.Decided() || c.Mine != nil || p.CanPath(org.ApproveModel, r.UnitPath) {
		return true // decided, already scored, or the deciding committee
	}
	return false // an assessor who has not scored yet, or someone outside the round
}

// Scores returns every score of a candidate, if the principal may see them (nil otherwise).
func (s *Service) Scores(ctx context.Context, p *org.Principal, r Round, c Candidate) ([]Score, error) {
	if !s.CanSeeScores(p, r, c) {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM model_scores WHERE candidate_id = ? ORDER BY id`, c.ID)
	if err != nil {
		return nil, apperr.Wrap("emulation.Scores", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, apperr.Wrap("emulation.Scores", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []Score
	for _, id := range ids {
		sc, err := s.score(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// Decision is the committee's choice for one candidate.
type Decision struct {
	CandidateID int64
	Reward      string
}

// DecideInput is the committee's decision of a round.
type DecideInput struct {
	Number     string // decision number, e.g. "125-QĐ/ĐUK"
	Recognised []Decision
}

// Decide records the committee's decision: the chosen candidates are recognised at the
// round's level with their reward; the round is closed. A candidate never scored cannot
// be recognised. Errors: NotFound, Forbidden, Conflict (already decided), Invalid.
func (s *Service) Decide(ctx context.Context, p *org.Principal, roundID int64, in DecideInput) (Round, error) {
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := s.roundTx(ctx, tx, p, roundID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.ApproveModel, r.UnitPath) {
			return forbidden("emulation.Decide", "Chỉ cấp ủy tổ chức đợt bình xét được quyết định công nhận.")
		}
		if r.Decided() {
			return conflict("emulation.Decide", "Đợt bình xét đã có quyết định.")
		}
		var v apperr.Validation
		in.Number = search.Clean(in.Number)
		if in.Number == "" {
			v.Add("number", "Hãy ghi số quyết định công nhận (ví dụ 125-QĐ/ĐUK).")
		} else if utf8.RuneCountInString(in.Number) > 60 {
			v.Add("number", "Số quyết định tối đa 60 ký tự.")
		}
		if len(in.Recognised) == 0 {
			v.Add("recognised", "Hãy chọn ít nhất một mô hình được công nhận.")
		}
		type pick struct {
			m      Model
			cid    int64
			reward string
		}
		var picks []pick
		seen := map[int64]bool{}
		for _, d := range in.Recognised {
			if seen[d.CandidateID] {
				continue
			}
			seen[d.CandidateID] = true
			var mid int64
			var scores int
			if err := tx.QueryRowContext(ctx, `SELECT model_id, scores FROM model_candidates WHERE id = ? AND round_id = ?`, d.CandidateID, roundID).Scan(&mid, &scores); err != nil {
				v.Add("recognised", "Có mô hình không thuộc đợt bình xét này.")
				continue
			}
			m, err := loadModel(ctx, tx, mid)
			if err != nil {
				return err
			}
			field := fmt.Sprintf("reward_%d", d.CandidateID)
			if scores == 0 {
				v.Add(field, "“"+m.Name+"” chưa được chấm điểm nên chưa thể công nhận.")
				continue
			}
			if m.State != Assessed {
				v.Add(field, fmt.Sprintf("“%s” đang ở trạng thái “%s”, không thể công nhận.", m.Name, m.State.Label()))
				continue
			}
			d.Reward = search.Clean(d.Reward)
			if d.Reward == "" {
				v.Add(field, "Hãy chọn hình thức khen thưởng cho “"+m.Name+"”.")
				continue
			}
			picks = append(picks, pick{m, d.CandidateID, d.Reward})
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		sort.Slice(picks, func(i, j int) bool { return picks[i].cid < picks[j].cid })
		for _, pk := range picks {
			if err := setState(ctx, tx, pk.m, Recognised, `, level = ?, reward = ?, decision = ?, recognised_year = ?, recognised_at = ?`,
				r.Level, pk.reward, in.Number, r.Year, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE model_candidates SET recognised = TRUE, reward = ? WHERE id = ?`, pk.reward, pk.cid); err != nil {
				return apperr.Wrap("emulation.Decide", err)
			}
			if err := audit.Record(ctx, tx, audit.Entry{UnitID: pk.m.UnitID, Entity: "model", EntityID: pk.m.ID, Action: "recognise",
				Summary: fmt.Sprintf("Công nhận %s (%s, %s) theo quyết định %s", pk.m.Name, LevelLabel(r.Level), pk.reward, in.Number),
				Before:  map[string]any{"state": pk.m.State}, After: map[string]any{"state": Recognised, "level": r.Level, "reward": pk.reward, "decision": in.Number}}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE model_rounds SET state = 'decided', decision = ?, decided_at = ? WHERE id = ? AND state = 'open'`, in.Number, now, roundID); err != nil {
			return apperr.Wrap("emulation.Decide", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.UnitID, Entity: "model_round", EntityID: r.ID, Action: "decide",
			Summary: fmt.Sprintf("Quyết định %s công nhận %d mô hình, điển hình trong đợt %s", in.Number, len(picks), r.Name)})
	})
	if err != nil {
		return Round{}, err
	}
	s.forgetHonour()
	return s.Round(ctx, p, roundID)
}

// ResultText is the result with a decimal comma, "—" when unscored.
func (c Candidate) ResultText() string {
	if c.Scores == 0 {
		return "—"
	}
	return FormatScore(c.Result)
}

// TotalText is the weighted result with a decimal comma.
func (s Score) TotalText() string { return FormatScore(s.Total) }

// Value is the value given to a criterion, with a decimal comma.
func (s Score) Value(criterionID int64) string { return FormatScore(s.Values[criterionID]) }
