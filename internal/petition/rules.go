package petition

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Step is a stage of handling with its own legal time limit.
type Step string

const (
	StepRegister Step = "register" // tố cáo: vào sổ, kiểm tra điều kiện thụ lý
	StepAccept   Step = "accept"   // khiếu nại: thụ lý
	StepForward  Step = "forward"  // chuyển đơn khi không thuộc thẩm quyền, thông báo
	StepResolve  Step = "resolve"  // giải quyết
	StepAnswer   Step = "answer"   // tiếp công dân: trả lời người đến
)

// Steps lists the steps in display order.
var Steps = []Step{StepRegister, StepAccept, StepForward, StepResolve, StepAnswer}

// Label is the Vietnamese name of the step.
func (s Step) Label() string {
	switch s {
	case StepRegister:
		return "Vào sổ, kiểm tra điều kiện thụ lý"
	case StepAccept:
		return "Thụ lý"
	case StepForward:
		return "Chuyển đơn, thông báo"
	case StepResolve:
		return "Giải quyết"
	case StepAnswer:
		return "Trả lời người đến tiếp công dân"
	}
	return string(s)
}

// Complexities and areas a rule may name (” in a rule: any).
var (
	Complexities = []string{"normal", "complex", "very-complex"}
	Areas        = []string{"normal", "remote"}
)

// ComplexityLabel names a complexity in Vietnamese.
func ComplexityLabel(c string) string {
	switch c {
	case "normal":
		return "Thông thường"
	case "complex":
		return "Phức tạp"
	case "very-complex":
		return "Đặc biệt phức tạp"
	case "":
		return "Mọi mức độ"
	}
	return c
}

// AreaLabel names an area in Vietnamese.
func AreaLabel(a string) string {
	switch a {
	case "normal":
		return "Địa bàn thông thường"
	case "remote":
		return "Vùng sâu, vùng xa, đi lại khó khăn"
	case "":
		return "Mọi địa bàn"
	}
	return a
}

// Rule is one time limit: for a kind, step, round, complexity and area, an amount of
// calendar or working days, the extensions allowed, and the day it comes into force.
type Rule struct {
	ID            int64
	Kind          Kind // "" applies to every kind
	Step          Step
	Round         int    // 0 any
	Complexity    string // "" any
	Area          string // "" any
	Amount        int
	Unit          calendar.Unit
	Extensions    int
	ExtensionDays int
	EffectiveFrom string
	Basis         string
	CreatedAt     string
}

// Describe writes the limit in words: "30 ngày, gia hạn tối đa 1 lần 30 ngày".
func (r Rule) Describe() string {
	s := fmt.Sprintf("%d %s", r.Amount, r.Unit.Label())
	if r.Extensions > 0 {
		s += fmt.Sprintf(", gia hạn tối đa %d lần, mỗi lần %d %s", r.Extensions, r.ExtensionDays, r.Unit.Label())
	}
	return s
}

// ComplexityText names the rule's complexity ("Mọi mức độ" for any).
func (r Rule) ComplexityText() string { return ComplexityLabel(r.Complexity) }

// AreaText names the rule's area.
func (r Rule) AreaText() string { return AreaLabel(r.Area) }

// RoundLabel names the round.
func (r Rule) RoundLabel() string {
	switch r.Round {
	case 1:
		return "Lần đầu"
	case 2:
		return "Lần hai"
	}
	return "Mọi lần"
}

const ruleCols = `id, kind, step, round, complexity, area, amount, unit, extensions, extension_days, effective_from, basis, created_at`

func scanRule(sc interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var unit string
	err := sc.Scan(&r.ID, &r.Kind, &r.Step, &r.Round, &r.Complexity, &r.Area, &r.Amount, &unit, &r.Extensions, &r.ExtensionDays, &r.EffectiveFrom, &r.Basis, &r.CreatedAt)
	if err != nil {
		return r, err
	}
	r.Unit, err = calendar.ParseUnit(unit)
	return r, err
}

// RuleFor returns the rule in force on day `on` for a petition's characteristics: among
// the rows matching (a row's ” or 0 matches anything), the most recent effective date
// wins, then the most specific row. ok is false when no rule applies (no legal limit).
func RuleFor(ctx context.Context, q sqldb.Querier, kind Kind, step Step, round int, complexity, area, on string) (Rule, bool, error) {
	row := q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM petition_rules
		WHERE (kind = ? OR kind = '') AND step = ? AND (round = 0 OR round = ?) AND (complexity = '' OR complexity = ?) AND (area = '' OR area = ?) AND effective_from <= ?
		ORDER BY effective_from DESC, (CASE WHEN kind = '' THEN 0 ELSE 1 END) + (CASE WHEN round = 0 THEN 0 ELSE 1 END) + (CASE WHEN complexity = '' THEN 0 ELSE 1 END) + (CASE WHEN area = '' THEN 0 ELSE 1 END) DESC, id DESC
		LIMIT 1`, string(kind), string(step), round, complexity, area, on)
	r, err := scanRule(row)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Rule{}, false, nil
		}
		return Rule{}, false, apperr.Wrap("petition.RuleFor", err)
	}
	return r, true, nil
}

// Rules lists every rule version, by kind, step and date.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+ruleCols+` FROM petition_rules ORDER BY kind, step, round, complexity, area, effective_from, id`)
	if err != nil {
		return nil, apperr.Wrap("petition.Rules", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, apperr.Wrap("petition.Rules", err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap("petition.Rules", rows.Err())
}

// RuleInput is the form of a new rule version.
type RuleInput struct {
	Kind          string
	Step          string
	Round         int
	Complexity    string
	Area          string
	Amount        int
	Unit          string
	Extensions    int
	ExtensionDays int
	EffectiveFrom string
	Basis         string
}

// AddRule adds a rule version in force from its date. Petitions received before that
// date keep the limits stored on their steps. Errors: Forbidden (not an administrator),
// Invalid.
func (s *Service) AddRule(ctx context.Context, p *org.Principal, in RuleInput) (Rule, error) {
	if !p.IsAdmin() {
		return Rule{}, apperr.New(apperr.Forbidden, "petition.AddRule", "Chỉ quản trị hệ thống được thêm quy định về thời hạn.")
	}
	var v apperr.Validation
	in.Basis = search.Clean(in.Basis)
	if in.Kind != "" && !Kind(in.Kind).Valid() {
		v.Add("kind", "Hãy chọn loại đơn.")
	}
	validStep := false
	for _, st := range Steps {
		if string(st) == in.Step {
			validStep = true
		}
	}
	if !validStep {
		v.Add("step", "Hãy chọn bước xử lý.")
	}
	if in.Round < 0 || in.Round > 2 {
		v.Add("round", "Lần giải quyết là lần đầu, lần hai hoặc mọi lần.")
	}
	if in.Complexity != "" && !contains(Complexities, in.Complexity) {
		v.Add("complexity", "Mức độ không hợp lệ.")
	}
	if in.Area != "" && !contains(Areas, in.Area) {
		v.Add("area", "Địa bàn không hợp lệ.")
	}
	if in.Amount < 1 || in.Amount > 365 {
		v.Add("amount", "Thời hạn từ 1 đến 365 ngày.")
	}
	unit, err := calendar.ParseUnit(in.Unit)
	if err != nil {
		v.Add("unit", "Hãy chọn ngày hoặc ngày làm việc.")
	}
	if in.Extensions < 0 || in.Extensions > 5 {
		v.Add("extensions", "Số lần gia hạn từ 0 đến 5.")
	}
	if in.Extensions > 0 && (in.ExtensionDays < 1 || in.ExtensionDays > 365) {
		v.Add("extension_days", "Mỗi lần gia hạn từ 1 đến 365 ngày.")
	}
	if _, err := calendar.ParseDate(in.EffectiveFrom); err != nil {
		v.Add("effective_from", "Hãy nhập ngày có hiệu lực (dd/mm/yyyy).")
	}
	if in.Basis == "" {
		v.Add("basis", "Hãy ghi căn cứ pháp lý (văn bản, điều khoản).")
	} else if len([]rune(in.Basis)) > 300 {
		v.Add("basis", "Căn cứ tối đa 300 ký tự.")
	}
	if err := v.Err(); err != nil {
		return Rule{}, err
	}
	var out Rule
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO petition_rules (kind, step, round, complexity, area, amount, unit, extensions, extension_days, effective_from, basis, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Kind, in.Step, in.Round, in.Complexity, in.Area, in.Amount, unit.String(),
			in.Extensions, in.ExtensionDays, in.EffectiveFrom, in.Basis, nullID(p.UserID), sqldb.FormatTime(tx.Now()))
		if err != nil {
			return err
		}
		out, err = scanRule(tx.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM petition_rules WHERE id = ?`, id))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Entity: "petition_rule", EntityID: id, Action: "create",
			Summary: "Thêm quy định thời hạn: " + Kind(in.Kind).Label() + ", " + Step(in.Step).Label() + ": " + out.Describe() + " từ " + vnDate(in.EffectiveFrom), After: out})
	})
	return out, apperr.Wrap("petition.AddRule", err)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// strip keeps digits only (phone numbers, ID numbers).
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
