package emulation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Report kinds.
const (
	ReportProgress = "progress" // báo cáo tiến độ
	ReportReview   = "review"   // sơ kết
)

// Figure is one measured result of a report ("Số hộ được hỗ trợ: 25").
type Figure struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
}

// Report is a progress report or the mid-year review of a model.
type Report struct {
	ID           int64
	ModelID      int64
	Kind         string
	Body         string
	Figures      []Figure
	Difficulties string
	AuthorName   string
	CreatedAt    string
	Photos       []attach.File
	Support      *Support
}

// KindLabel names the kind of report.
func (r Report) KindLabel() string {
	if r.Kind == ReportReview {
		return "Sơ kết"
	}
	return "Báo cáo tiến độ"
}

// ReportInput is the form of a report. Support, when not empty, is a request for support
// sent to the upper unit with the report.
type ReportInput struct {
	Kind         string
	Body         string
	Figures      []Figure
	Difficulties string
	Support      string
	Photos       []attach.Upload
}

// Support is a request for support (đề nghị hỗ trợ) and its answer.
type Support struct {
	ID           int64
	ModelID      int64
	ModelName    string
	UnitPath     string
	ToUnitID     int64
	ToUnitPath   string
	ToUnitName   string
	Request      string
	AskedName    string
	AskedAt      string
	Answer       string
	AnsweredName string
	AnsweredAt   string
}

// Answered reports whether the request has its answer.
func (s Support) Answered() bool { return s.AnsweredAt != "" }

// AddReport records a progress report (approved models start implementing with their
// first one) or the mid-year review (implementing → reviewed), with figures, photos,
// difficulties and an optional request for support. Errors: NotFound, Forbidden,
// Conflict (state), Invalid.
func (s *Service) AddReport(ctx context.Context, p *org.Principal, modelID int64, in ReportInput) (Report, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		m, err := s.load(ctx, tx, p, modelID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.RegisterModel, m.UnitPath) {
			return forbidden("emulation.AddReport", "Bạn không có quyền báo cáo cho mô hình này.")
		}
		if in.Kind != ReportReview {
			in.Kind = ReportProgress
		}
		switch {
		case in.Kind == ReportReview && m.State != Implementing:
			return conflict("emulation.AddReport", fmt.Sprintf("Chỉ sơ kết mô hình đang thực hiện; mô hình đang ở trạng thái “%s”.", m.State.Label()))
		case in.Kind == ReportProgress && !(m.State == Approved || m.State.inProgress() || m.State.Honoured()):
			return conflict("emulation.AddReport", fmt.Sprintf("Không thể báo cáo tiến độ khi mô hình đang ở trạng thái “%s”; mô hình cần được duyệt trước.", m.State.Label()))
		}
		var v apperr.Validation
		in.Body = cleanText(in.Body, "body", "Nội dung", &v)
		in.Difficulties = cleanText(in.Difficulties, "difficulties", "Khó khăn", &v)
		in.Support = cleanText(in.Support, "support", "Đề nghị hỗ trợ", &v)
		if in.Body == "" {
			v.Add("body", "Hãy ghi kết quả đã làm được.")
		}
		var figs []Figure
		for i, f := range in.Figures {
			f.Label = search.Clean(f.Label)
			f.Unit = search.Clean(f.Unit)
			if f.Label == "" {
				continue
			}
			if utf8.RuneCountInString(f.Label) > 200 {
				v.Add(fmt.Sprintf("fig_label_%d", i), "Tên chỉ số tối đa 200 ký tự.")
			}
			if f.Value < 0 {
				v.Add(fmt.Sprintf("fig_value_%d", i), "Số liệu không được âm.")
			}
			figs = append(figs, f)
		}
		for _, ph := range in.Photos {
			if s.Files == nil {
				break
			}
			if _, err := s.Files.Check(ph, attach.Images); err != nil {
				v.Add("photos", photoMessage(s.Files, ph))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		fj := ""
		if len(figs) > 0 {
			b, _ := json.Marshal(figs)
			fj = string(b)
		}
		now := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO model_reports (model_id, kind, body, figures, difficulties, author_id, author_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			modelID, in.Kind, in.Body, fj, in.Difficulties, nullID(p.UserID), p.Name, now)
		if err != nil {
			return apperr.Wrap("emulation.AddReport", err)
		}
		for _, ph := range in.Photos {
			if _, err := s.Files.Save(ctx, tx, OwnerReport, id, ph, attach.Images); err != nil {
				return err
			}
		}
		next := m.State
		if m.State == Approved {
			next = Implementing
		}
		if in.Kind == ReportReview {
			next = Reviewed
		}
		if next != m.State {
			if err := setState(ctx, tx, m, next, ""); err != nil {
				return err
			}
		}
		watch := ""
		if next.inProgress() {
			watch = now
		}
		path, was, err := lockWatch(ctx, tx, modelID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE models SET last_report_at = ?, watch_at = ? WHERE id = ?`, now, watch, modelID); err != nil {
			return apperr.Wrap("emulation.AddReport", err)
		}
		if err := countWatch(ctx, tx, path, was, watch); err != nil {
			return err
		}
		label := "Báo cáo tiến độ"
		if in.Kind == ReportReview {
			label = "Sơ kết"
		}
		if err := audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: modelID, Action: in.Kind,
			Summary: label + " " + m.Name, After: map[string]any{"report_id": id, "figures": figs, "state": next}}); err != nil {
			return err
		}
		if in.Support != "" {
			if _, err := s.askSupport(ctx, tx, p, m, id, in.Support); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Report{}, err
	}
	rs, err := s.reports(ctx, s.DB, modelID, id)
	if err != nil || len(rs) == 0 {
		return Report{}, err
	}
	return rs[0], nil
}

// upperUnit is where a model's requests for support go: the parent of its unit (the
// unit itself at the root).
func upperUnit(ctx context.Context, q sqldb.Querier, m Model) (org.Unit, error) {
	u, err := org.GetUnit(ctx, q, m.UnitID)
	if err != nil {
		return org.Unit{}, err
	}
	if u.ParentID == 0 {
		return u, nil
	}
	return org.GetUnit(ctx, q, u.ParentID)
}

func (s *Service) askSupport(ctx context.Context, tx *sqldb.Tx, p *org.Principal, m Model, reportID int64, text string) (int64, error) {
	up, err := upperUnit(ctx, tx, m)
	if err != nil {
		return 0, err
	}
	id, err := tx.InsertID(ctx, `INSERT INTO model_support (model_id, report_id, unit_path, to_unit_id, to_unit_path, request, asked_by, asked_name, asked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.ID, nullID(reportID), m.UnitPath, up.ID, up.Path, text, nullID(p.UserID), p.Name, sqldb.FormatTime(tx.Now()))
	if err != nil {
		return 0, apperr.Wrap("emulation.askSupport", err)
	}
	if err := audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: m.ID, Action: "support",
		Summary: "Đề nghị " + up.Name + " hỗ trợ mô hình " + m.Name, After: map[string]any{"support_id": id, "to_unit_id": up.ID, "request": text}}); err != nil {
		return 0, err
	}
	// The leaders of the upper unit learn about it at once (and in their daily digest).
	for _, uid := range leadersOf(ctx, tx, up) {
		if err := notify.Send(ctx, tx, notify.Note{UserID: uid, Kind: "model.support", Title: "Đề nghị hỗ trợ mô hình " + m.Name,
			Body: m.UnitName + ": " + clip(text, 200), Link: "/models/" + itoa(m.ID) + "#support-" + itoa(id)}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// AskSupport sends a request for support without a report. Errors: NotFound, Forbidden,
// Conflict (draft or stopped), Invalid.
func (s *Service) AskSupport(ctx context.Context, p *org.Principal, modelID int64, text string) (Support, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		m, err := s.load(ctx, tx, p, modelID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.RegisterModel, m.UnitPath) {
			return forbidden("emulation.AskSupport", "Bạn không có quyền đề nghị hỗ trợ cho mô hình này.")
		}
		if m.State == Draft || m.State == Stopped {
			return conflict("emulation.AskSupport", fmt.Sprintf("Không thể đề nghị hỗ trợ khi mô hình đang ở trạng thái “%s”.", m.State.Label()))
		}
		var v apperr.Validation
		text = cleanText(text, "support", "Đề nghị hỗ trợ", &v)
		if text == "" {
			v.Add("support", "Hãy ghi khó khăn và nội dung cần hỗ trợ.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		id, err = s.askSupport(ctx, tx, p, m, 0, text)
		return err
	})
	if err != nil {
		return Support{}, err
	}
	return s.support(ctx, id)
}

// leadersOf are the users with ApproveModel granted on u or, when none, on its nearest
// ancestor that has some (at most 20).
func leadersOf(ctx context.Context, q sqldb.Querier, u org.Unit) []int64 {
	ids := org.PathIDs(u.Path)
	for i := len(ids) - 1; i >= 0; i-- {
		rows, err := q.QueryContext(ctx, `SELECT DISTINCT g.user_id, g.role FROM role_grants g JOIN users us ON us.id = g.user_id WHERE g.unit_id = ? AND us.disabled = FALSE ORDER BY g.user_id LIMIT 50`, ids[i])
		if err != nil {
			return nil
		}
		var out []int64
		for rows.Next() {
			var uid int64
			var role org.Role
			if rows.Scan(&uid, &role) == nil && role != org.RoleAdmin && org.RoleAllows(role, org.ApproveModel) && len(out) < 20 {
				out = append(out, uid)
			}
		}
		rows.Close()
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Answer answers a request for support; only someone with ApproveModel on the upper unit
// it was routed to. Errors: NotFound, Forbidden, Conflict (already answered), Invalid.
func (s *Service) Answer(ctx context.Context, p *org.Principal, supportID int64, text string) (Support, error) {
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		sp, err := s.supportTx(ctx, tx, supportID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.ViewModel, sp.UnitPath) && !p.CanPath(org.ApproveModel, sp.ToUnitPath) {
			return apperr.New(apperr.NotFound, "emulation.Answer", "Không tìm thấy đề nghị hỗ trợ.")
		}
		if !p.CanPath(org.ApproveModel, sp.ToUnitPath) {
			return forbidden("emulation.Answer", "Chỉ lãnh đạo "+sp.ToUnitName+" được trả lời đề nghị này.")
		}
		if sp.Answered() {
			return conflict("emulation.Answer", "Đề nghị này đã được trả lời.")
		}
		var v apperr.Validation
		text = cleanText(text, "answer", "Trả lời", &v)
		if text == "" {
			v.Add("answer", "Hãy ghi nội dung trả lời, hỗ trợ.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE model_support SET answer = ?, answered_by = ?, answered_name = ?, answered_at = ? WHERE id = ? AND answered_at = ''`,
			text, nullID(p.UserID), p.Name, sqldb.FormatTime(tx.Now()), supportID)
		if err != nil {
			return apperr.Wrap("emulation.Answer", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return conflict("emulation.Answer", "Đề nghị này đã được trả lời.")
		}
		m, err := loadModel(ctx, tx, sp.ModelID)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{UnitID: m.UnitID, Entity: "model", EntityID: m.ID, Action: "support-answer",
			Summary: sp.ToUnitName + " trả lời đề nghị hỗ trợ mô hình " + m.Name, After: map[string]any{"support_id": supportID, "answer": text}}); err != nil {
			return err
		}
		var asker int64
		_ = tx.QueryRowContext(ctx, `SELECT COALESCE(asked_by, 0) FROM model_support WHERE id = ?`, supportID).Scan(&asker)
		return notify.Send(ctx, tx, notify.Note{UserID: asker, Kind: "model.support-answer", Title: "Đã có trả lời đề nghị hỗ trợ: " + m.Name,
			Body: clip(text, 200), Link: "/models/" + itoa(m.ID) + "#support-" + itoa(supportID)})
	})
	if err != nil {
		return Support{}, err
	}
	return s.support(ctx, supportID)
}

const supportCols = `sp.id, sp.model_id, m.name, sp.unit_path, sp.to_unit_id, sp.to_unit_path, tu.name, sp.request, sp.asked_name, sp.asked_at, sp.answer, sp.answered_name, sp.answered_at`
const supportFrom = ` FROM model_support sp JOIN models m ON m.id = sp.model_id JOIN units tu ON tu.id = sp.to_unit_id`

func scanSupport(sc interface{ Scan(...any) error }, x *Support) error {
	return sc.Scan(&x.ID, &x.ModelID, &x.ModelName, &x.UnitPath, &x.ToUnitID, &x.ToUnitPath, &x.ToUnitName, &x.Request, &x.AskedName, &x.AskedAt, &x.Answer, &x.AnsweredName, &x.AnsweredAt)
}

func (s *Service) supportTx(ctx context.Context, q sqldb.Querier, id int64) (Support, error) {
	var x Support
	if err := scanSupport(q.QueryRowContext(ctx, `SELECT `+supportCols+supportFrom+` WHERE sp.id = ?`, id), &x); err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return Support{}, apperr.New(apperr.NotFound, "emulation.support", "Không tìm thấy đề nghị hỗ trợ.")
		}
		return Support{}, apperr.Wrap("emulation.support", err)
	}
	return x, nil
}

func (s *Service) support(ctx context.Context, id int64) (Support, error) {
	return s.supportTx(ctx, s.DB, id)
}

// Supports returns the requests for support of a model, oldest first.
func (s *Service) Supports(ctx context.Context, p *org.Principal, modelID int64) ([]Support, error) {
	if _, err := s.load(ctx, s.DB, p, modelID); err != nil {
		return nil, err
	}
	return s.querySupports(ctx, ` WHERE sp.model_id = ? ORDER BY sp.id`, modelID)
}

func (s *Service) querySupports(ctx context.Context, where string, args ...any) ([]Support, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+supportCols+supportFrom+where, args...)
	if err != nil {
		return nil, apperr.Wrap("emulation.supports", err)
	}
	defer rows.Close()
	var out []Support
	for rows.Next() {
		var x Support
		if err := scanSupport(rows, &x); err != nil {
			return nil, apperr.Wrap("emulation.supports", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("emulation.supports", rows.Err())
}

// CanAnswer reports whether the principal may answer a request.
func (s *Service) CanAnswer(p *org.Principal, sp Support) bool {
	return !sp.Answered() && p.CanPath(org.ApproveModel, sp.ToUnitPath)
}

// Reports returns the reports of a model, newest first, with their photos and requests.
func (s *Service) Reports(ctx context.Context, p *org.Principal, modelID int64) ([]Report, error) {
	if _, err := s.load(ctx, s.DB, p, modelID); err != nil {
		return nil, err
	}
	return s.reports(ctx, s.DB, modelID, 0)
}

func (s *Service) reports(ctx context.Context, q sqldb.Querier, modelID, onlyID int64) ([]Report, error) {
	query := `SELECT id, model_id, kind, body, figures, difficulties, author_name, created_at FROM model_reports WHERE model_id = ?`
	args := []any{modelID}
	if onlyID != 0 {
		query += ` AND id = ?`
		args = append(args, onlyID)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap("emulation.Reports", err)
	}
	var out []Report
	for rows.Next() {
		var r Report
		var fj string
		if err := rows.Scan(&r.ID, &r.ModelID, &r.Kind, &r.Body, &fj, &r.Difficulties, &r.AuthorName, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, apperr.Wrap("emulation.Reports", err)
		}
		if fj != "" {
			_ = json.Unmarshal([]byte(fj), &r.Figures)
		}
		out = append(out, r)
	}
	rows.Close()
	for i := range out {
		if s.Files != nil {
			if out[i].Photos, err = s.Files.List(ctx, q, OwnerReport, out[i].ID); err != nil {
				return nil, err
			}
		}
		sps, err := s.querySupports(ctx, ` WHERE sp.report_id = ?`, out[i].ID)
		if err != nil {
			return nil, err
		}
		if len(sps) > 0 {
			out[i].Support = &sps[0]
		}
	}
	return out, nil
}

// ValueText is the value with a decimal comma and thousands dots.
func (f Figure) ValueText() string {
	whole := int64(f.Value)
	s := FormatScore(f.Value - float64(whole))
	out := thousands(whole)
	if s != "0" {
		out += strings.TrimPrefix(s, "0")
	}
	return out
}

func thousands(n int64) string {
	s := itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}
