package plan

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/plan/notation"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Plan kinds.
const (
	KindPlan      = "ke-hoach"     // Kế hoạch
	KindProgramme = "chuong-trinh" // Chương trình
)

// PlanKindLabel is the kind in Vietnamese.
func PlanKindLabel(k string) string {
	if k == KindProgramme {
		return "Chương trình"
	}
	return "Kế hoạch"
}

// Plan is a unit's programme or plan for a year.
type Plan struct {
	ID         int64
	UnitID     int64
	UnitPath   string
	UnitName   string
	UnitKind   org.UnitKind
	Year       int
	Kind       string
	Number     string
	Title      string
	Summary    string
	SignerID   int64
	SignerName string
	Place      string
	IssuedOn   string
	CreatedAt  string
	UpdatedAt  string
	Documents  []DocRef
	Targets    []Target
	// Filled by lists and the page.
	Tasks  []Task
	Rollup Rollup // of every task of the plan (top level)
}

// KindLabel is the kind in Vietnamese.
func (p Plan) KindLabel() string { return PlanKindLabel(p.Kind) }

// Target is a measurable goal of a plan.
type Target struct {
	ID         int64
	PlanID     int64
	Seq        int
	Indicator  string
	Value      float64
	Measure    string
	Actual     *float64
	ActualNote string
	ActualAt   string
}

// Percent is the share of the target reached (0 when nothing is reported), capped at 999.
func (t Target) Percent() float64 {
	if t.Actual == nil || t.Value == 0 {
		return 0
	}
	return math.Min(999, *t.Actual/t.Value*100)
}

// ValueText is the target value the Vietnamese way ("1.234,5").
func (t Target) ValueText() string { return FormatNumber(t.Value) }

// ActualText is the actual value the Vietnamese way, "" when not reported.
func (t Target) ActualText() string {
	if t.Actual == nil {
		return ""
	}
	return FormatNumber(*t.Actual)
}

// FormatNumber writes 1234.5 as "1.234,5".
func FormatNumber(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		if len(frac) > 2 {
			frac = frac[:2]
		}
		b.WriteString("," + frac)
	}
	return b.String()
}

// TargetInput is one target of the plan form.
type TargetInput struct {
	Indicator string
	Value     string // typed: "12", "95,5"
	Measure   string
}

// PlanInput is the form of a plan.
type PlanInput struct {
	UnitID      int64
	Year        int
	Kind        string
	Number      string
	Title       string
	Summary     string
	SignerID    int64
	Place       string
	IssuedOn    string
	DocumentIDs []int64
	Targets     []TargetInput
}

// ParseNumber reads a number typed the Vietnamese way ("1.234,5") or plainly ("1234.5").
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, " ", ""))
	if s == "" {
		return 0, false
	}
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	} else if strings.Count(s, ".") > 1 || (strings.Count(s, ".") == 1 && len(s)-strings.IndexByte(s, '.') == 4) {
		// "1.234" is one thousand two hundred and thirty-four.
		s = strings.ReplaceAll(s, ".", "")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e12 {
		return 0, false
	}
	return f, true
}

type parsedTarget struct {
	Indicator, Measure string
	Value              float64
}

func (s *Service) validatePlan(ctx context.Context, q sqldb.Querier, p *org.Principal, in *PlanInput, v *apperr.Validation) (org.Unit, []parsedTarget) {
	var u org.Unit
	if in.UnitID == 0 {
		v.Add("unit_id", "Hãy chọn đơn vị xây dựng kế hoạch.")
	} else {
		var err error
		u, err = org.GetUnit(ctx, q, in.UnitID)
		if err != nil || !p.CanPath(org.ManagePlan, u.Path) {
			v.Add("unit_id", "Bạn không có quyền lập kế hoạch cho đơn vị này.")
		}
	}
	if in.Year < 2000 || in.Year > 2100 {
		v.Add("year", "Năm kế hoạch không hợp lệ.")
	}
	if in.Kind != KindProgramme {
		in.Kind = KindPlan
	}
	in.Title = search.Clean(in.Title)
	in.Summary = search.Clean(in.Summary)
	in.Place = search.Clean(in.Place)
	in.Number = search.Clean(in.Number)
	if in.Title == "" {
		v.Add("title", "Hãy nhập tên kế hoạch.")
	} else if utf8.RuneCountInString(in.Title) > 300 {
		v.Add("title", "Tên kế hoạch tối đa 300 ký tự.")
	}
	if utf8.RuneCountInString(in.Summary) > 20000 {
		v.Add("summary", "Nội dung tối đa 20.000 ký tự.")
	}
	if in.Number != "" {
		if n, err := notation.Parse(in.Number); err != nil {
			v.Add("number", NotationMessage(err))
		} else {
			in.Number = n.String()
		}
	}
	if in.IssuedOn != "" && !validDate(in.IssuedOn) {
		v.Add("issued_on", "Ngày ban hành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	}
	if in.SignerID != 0 && u.ID != 0 && !s.belongs(ctx, q, in.SignerID, u.Path) {
		v.Add("signer_id", "Người ký phải thuộc đơn vị lập kế hoạch.")
	}
	if len(in.DocumentIDs) > 0 {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM gov_documents WHERE id IN (`+sqldb.Placeholders(len(in.DocumentIDs))+`)`, anyIDs(in.DocumentIDs)...).Scan(&n); err != nil || n != len(in.DocumentIDs) {
			v.Add("document_ids", "Có văn bản được chọn không còn trong danh mục.")
		}
	}
	var ts []parsedTarget
	for i, t := range in.Targets {
		t.Indicator, t.Measure = search.Clean(t.Indicator), search.Clean(t.Measure)
		if t.Indicator == "" && strings.TrimSpace(t.Value) == "" && t.Measure == "" {
			continue
		}
		field := "target_" + strconv.Itoa(i)
		val, ok := ParseNumber(t.Value)
		switch {
		case t.Indicator == "":
			v.Add(field, "Chỉ tiêu "+strconv.Itoa(i+1)+": hãy nhập tên chỉ tiêu.")
		case !ok:
			v.Add(field, "Chỉ tiêu "+strconv.Itoa(i+1)+": giá trị phải là một số không âm, ví dụ 100 hoặc 95,5.")
		case utf8.RuneCountInString(t.Indicator) > 300 || utf8.RuneCountInString(t.Measure) > 40:
			v.Add(field, "Chỉ tiêu "+strconv.Itoa(i+1)+": tên tối đa 300 ký tự, đơn vị tính tối đa 40 ký tự.")
		default:
			ts = append(ts, parsedTarget{t.Indicator, t.Measure, val})
		}
	}
	return u, ts
}

func anyIDs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// CreatePlan saves a plan with the documents it concretises and its targets.
// Errors: Invalid (per field).
func (s *Service) CreatePlan(ctx context.Context, p *org.Principal, in PlanInput) (Plan, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		u, ts := s.validatePlan(ctx, tx, p, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO plans (unit_id, unit_path, year, kind, number, title, title_fold, summary, signer_id, place, issued_on, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.ID, u.Path, in.Year, in.Kind, in.Number, in.Title, search.Fold(in.Title), in.Summary,
			nullID(in.SignerID), in.Place, in.IssuedOn, nullID(p.UserID), now, now)
		if err != nil {
			return apperr.Wrap("plan.CreatePlan", err)
		}
		if err := writePlanParts(ctx, tx, id, in.DocumentIDs, ts, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "plan", EntityID: id, Action: "create",
			Summary: "Lập " + strings.ToLower(PlanKindLabel(in.Kind)) + " " + in.Title + " năm " + strconv.Itoa(in.Year), After: in})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, p, id)
}

func writePlanParts(ctx context.Context, tx *sqldb.Tx, planID int64, docs []int64, ts []parsedTarget, targets bool) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM plan_documents WHERE plan_id = ?`, planID); err != nil {
		return apperr.Wrap("plan.writePlanParts", err)
	}
	for _, d := range docs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_documents (plan_id, document_id) VALUES (?, ?)`, planID, d); err != nil {
			return apperr.Wrap("plan.writePlanParts", err)
		}
	}
	if !targets {
		return nil
	}
	for i, t := range ts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_targets (plan_id, seq, indicator, target_value, measure) VALUES (?, ?, ?, ?, ?)`, planID, i+1, t.Indicator, t.Value, t.Measure); err != nil {
			return apperr.Wrap("plan.writePlanParts", err)
		}
	}
	return nil
}

// UpdatePlan changes a plan's fields and documents; new targets are added after the
// existing ones (whose reported values are kept). Errors: NotFound, Forbidden, Invalid.
func (s *Service) UpdatePlan(ctx context.Context, p *org.Principal, id int64, in PlanInput) (Plan, error) {
	before, err := s.Plan(ctx, p, id)
	if err != nil {
		return Plan{}, err
	}
	if !p.CanPath(org.ManagePlan, before.UnitPath) {
		return Plan{}, apperr.New(apperr.Forbidden, "plan.UpdatePlan", "Bạn không có quyền sửa kế hoạch này.")
	}
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		u, ts := s.validatePlan(ctx, tx, p, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE plans SET unit_id = ?, unit_path = ?, year = ?, kind = ?, number = ?, title = ?, title_fold = ?, summary = ?, signer_id = ?, place = ?, issued_on = ?, updated_at = ? WHERE id = ?`,
			u.ID, u.Path, in.Year, in.Kind, in.Number, in.Title, search.Fold(in.Title), in.Summary, nullID(in.SignerID), in.Place, in.IssuedOn, sqldb.FormatTime(tx.Now()), id)
		if err != nil {
			return apperr.Wrap("plan.UpdatePlan", err)
		}
		if err := writePlanParts(ctx, tx, id, in.DocumentIDs, nil, false); err != nil {
			return err
		}
		for i, t := range ts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_targets (plan_id, seq, indicator, target_value, measure) VALUES (?, ?, ?, ?, ?)`, id, len(before.Targets)+i+1, t.Indicator, t.Value, t.Measure); err != nil {
				return apperr.Wrap("plan.UpdatePlan", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "plan", EntityID: id, Action: "update", Summary: "Sửa kế hoạch " + in.Title,
			Before: map[string]any{"title": before.Title, "year": before.Year, "number": before.Number}, After: in})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, p, id)
}

// ReportTarget records the actual value of a target. Errors: NotFound, Forbidden, Invalid.
func (s *Service) ReportTarget(ctx context.Context, p *org.Principal, targetID int64, value, note string) error {
	var planID int64
	var indicator string
	if err := s.DB.QueryRowContext(ctx, `SELECT plan_id, indicator FROM plan_targets WHERE id = ?`, targetID).Scan(&planID, &indicator); err != nil {
		return wrapNF("plan.ReportTarget", err)
	}
	pl, err := s.Plan(ctx, p, planID)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManagePlan, pl.UnitPath) {
		return apperr.New(apperr.Forbidden, "plan.ReportTarget", "Bạn không có quyền cập nhật chỉ tiêu của kế hoạch này.")
	}
	val, ok := ParseNumber(value)
	note = search.Clean(note)
	var v apperr.Validation
	if !ok {
		v.Add("actual", "Kết quả phải là một số không âm, ví dụ 12 hoặc 95,5.")
	}
	if utf8.RuneCountInString(note) > 2000 {
		v.Add("note", "Ghi chú tối đa 2.000 ký tự.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE plan_targets SET actual_value = ?, actual_note = ?, actual_at = ? WHERE id = ?`, val, note, sqldb.FormatTime(tx.Now()), targetID); err != nil {
			return apperr.Wrap("plan.ReportTarget", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: pl.UnitID, Entity: "plan", EntityID: planID, Action: "target",
			Summary: "Cập nhật kết quả chỉ tiêu \"" + indicator + "\": " + strconv.FormatFloat(val, 'f', -1, 64), After: map[string]any{"target": targetID, "actual": val, "note": note}})
	})
}

const planCols = `pl.id, pl.unit_id, pl.unit_path, un.name, un.kind, pl.year, pl.kind, pl.number, pl.title, pl.summary, COALESCE(pl.signer_id, 0), COALESCE(sg.full_name, ''), pl.place, pl.issued_on, pl.created_at, pl.updated_at`
const planFrom = ` FROM plans pl JOIN units un ON un.id = pl.unit_id LEFT JOIN people sg ON sg.id = pl.signer_id`

func scanPlan(sc interface{ Scan(...any) error }, x *Plan) error {
	return sc.Scan(&x.ID, &x.UnitID, &x.UnitPath, &x.UnitName, &x.UnitKind, &x.Year, &x.Kind, &x.Number, &x.Title, &x.Summary, &x.SignerID, &x.SignerName, &x.Place, &x.IssuedOn, &x.CreatedAt, &x.UpdatedAt)
}

// Plan returns a plan with its documents and targets (not its tasks: see PlanTasks).
// Errors: NotFound (also outside the principal's reach).
func (s *Service) Plan(ctx context.Context, p *org.Principal, id int64) (Plan, error) {
	var x Plan
	if err := scanPlan(s.DB.QueryRowContext(ctx, `SELECT `+planCols+planFrom+` WHERE pl.id = ?`, id), &x); err != nil {
		return Plan{}, wrapNF("plan.Plan", err)
	}
	if !p.CanPath(org.ViewPlan, x.UnitPath) {
		return Plan{}, notFound("plan.Plan")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT d.id, d.notation, d.kind, d.title, d.issued_on, d.in_force FROM plan_documents pd JOIN gov_documents d ON d.id = pd.document_id WHERE pd.plan_id = ? ORDER BY d.issued_on`, id)
	if err != nil {
		return Plan{}, apperr.Wrap("plan.Plan", err)
	}
	for rows.Next() {
		var d DocRef
		if err := rows.Scan(&d.ID, &d.Notation, &d.Kind, &d.Title, &d.IssuedOn, &d.InForce); err != nil {
			rows.Close()
			return Plan{}, apperr.Wrap("plan.Plan", err)
		}
		x.Documents = append(x.Documents, d)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT id, plan_id, seq, indicator, target_value, measure, actual_value, actual_note, actual_at FROM plan_targets WHERE plan_id = ? ORDER BY seq`, id)
	if err != nil {
		return Plan{}, apperr.Wrap("plan.Plan", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.ID, &t.PlanID, &t.Seq, &t.Indicator, &t.Value, &t.Measure, &t.Actual, &t.ActualNote, &t.ActualAt); err != nil {
			return Plan{}, apperr.Wrap("plan.Plan", err)
		}
		x.Targets = append(x.Targets, t)
	}
	return x, apperr.Wrap("plan.Plan", rows.Err())
}

// PlanFilter selects plans.
type PlanFilter struct {
	Query      string
	UnitID     int64 // the unit's subtree
	Year       int
	DocumentID int64
	Limit      int
}

// FindPlans lists plans the principal may see, newest year first.
func (s *Service) FindPlans(ctx context.Context, p *org.Principal, f PlanFilter) ([]Plan, error) {
	cond, args := p.Scope(org.ViewPlan).SQL("pl.unit_path")
	where := []string{cond}
	if f.UnitID != 0 {
		path, err := org.UnitPath(ctx, s.DB, f.UnitID)
		if err != nil {
			return nil, nil
		}
		where = append(where, "pl.unit_path >= ? AND pl.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	if f.Year != 0 {
		where = append(where, "pl.year = ?")
		args = append(args, f.Year)
	}
	if f.DocumentID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM plan_documents pd WHERE pd.plan_id = pl.id AND pd.document_id = ?)")
		args = append(args, f.DocumentID)
	}
	if pat := search.LikePattern(f.Query); pat != "" {
		where = append(where, `pl.title_fold LIKE ? ESCAPE '\'`)
		args = append(args, pat)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	// The page is chosen from the plans alone, then joined to its units and signers: a
	// central document is cited by every plan (5.237 at national size), and SQLite
	// joined each one before sorting them for a page of 200.
	rows, err := s.DB.QueryContext(ctx, `SELECT `+planCols+` FROM (SELECT pl.id FROM plans pl WHERE `+strings.Join(where, " AND ")+`
		ORDER BY pl.year DESC, pl.unit_path, pl.id LIMIT `+itoa(int64(f.Limit))+`) page JOIN plans pl ON pl.id = page.id
		JOIN units un ON un.id = pl.unit_id LEFT JOIN people sg ON sg.id = pl.signer_id
		ORDER BY pl.year DESC, pl.unit_path, pl.id`, args...)
	if err != nil {
		return nil, apperr.Wrap("plan.FindPlans", err)
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		var x Plan
		if err := scanPlan(rows, &x); err != nil {
			return nil, apperr.Wrap("plan.FindPlans", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("plan.FindPlans", rows.Err())
}

// CompareRow is one unit in the side-by-side view of a document's plans.
type CompareRow struct {
	Unit  org.Unit
	Plans []Plan // empty: the unit has not made its plan yet
}

// Compare lists every unit of the given kind below parent (grassroots committees by
// default) with its plans for year that concretise the document, so the upper committee
// sees who has not made theirs. Units outside the principal's reach are left out.
func (s *Service) Compare(ctx context.Context, p *org.Principal, documentID int64, year int, parentID int64, kind org.UnitKind) ([]CompareRow, error) {
	if kind == "" {
		kind = org.KindBaseCommittee
	}
	sc := p.Scope(org.ViewPlan)
	cond, args := sc.SQL("u.path")
	q := `SELECT u.id, u.path, u.name, u.kind FROM units u WHERE u.kind = ? AND u.valid_to = '' AND ` + cond
	args = append([]any{string(kind)}, args...)
	if parentID != 0 {
		path, err := org.UnitPath(ctx, s.DB, parentID)
		if err != nil || !p.CanPath(org.ViewPlan, path) {
			return nil, notFound("plan.Compare")
		}
		q += ` AND u.path > ? AND u.path < ?`
		args = append(args, path, sqldb.PathEnd(path))
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY u.path LIMIT 5000`, args...)
	if err != nil {
		return nil, apperr.Wrap("plan.Compare", err)
	}
	var out []CompareRow
	index := map[int64]int{}
	for rows.Next() {
		var u org.Unit
		if err := rows.Scan(&u.ID, &u.Path, &u.Name, &u.Kind); err != nil {
			rows.Close()
			return nil, apperr.Wrap("plan.Compare", err)
		}
		index[u.ID] = len(out)
		out = append(out, CompareRow{Unit: u})
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	// Plans of those units (or below them) for the document and year, in one query.
	cond2, args2 := sc.SQL("pl.unit_path")
	rows, err = s.DB.QueryContext(ctx, `SELECT `+planCols+planFrom+` WHERE pl.year = ? AND `+cond2+` AND EXISTS (SELECT 1 FROM plan_documents pd WHERE pd.plan_id = pl.id AND pd.document_id = ?) ORDER BY pl.unit_path, pl.id`,
		append(append([]any{year}, args2...), documentID)...)
	if err != nil {
		return nil, apperr.Wrap("plan.Compare", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Plan
		if err := scanPlan(rows, &x); err != nil {
			return nil, apperr.Wrap("plan.Compare", err)
		}
		// Attribute the plan to the nearest listed unit on its path.
		ids := org.PathIDs(x.UnitPath)
		for i := len(ids) - 1; i >= 0; i-- {
			if j, ok := index[ids[i]]; ok {
				out[j].Plans = append(out[j].Plans, x)
				break
			}
		}
	}
	return out, apperr.Wrap("plan.Compare", rows.Err())
}

// CanManagePlan reports whether p may edit the plan and add its tasks.
func CanManagePlan(p *org.Principal, x Plan) bool { return p.CanPath(org.ManagePlan, x.UnitPath) }

// CanSeePlan reports whether p may open the plan (Plan would not answer NotFound).
func (s *Service) CanSeePlan(ctx context.Context, p *org.Principal, id int64) (bool, error) {
	var path string
	err := s.DB.QueryRowContext(ctx, `SELECT unit_path FROM plans WHERE id = ?`, id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, apperr.Wrap("plan.CanSeePlan", err)
	}
	return p.CanPath(org.ViewPlan, path), nil
}
