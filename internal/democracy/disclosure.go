package democracy

// The disclosure register (công khai) of grassroots democracy in an agency: what the head
// disclosed to the staff (a category from the law's list, kept as data in
// disclosure_categories), the decision it discloses, the forms used, when it was posted
// and taken down and who is answerable. The time limits are rule data with effective
// dates (disclosure_rules, one default row and rows per category where the law differs):
// an item takes the rule in force on the day of its decision, for its category, so a
// change of law is a new row, never a code change. Each item keeps its due date and its
// minimum display so lists and the overview count without a join.
//
// Counting: "posted within N working days" runs from the day after the decision (the
// calendar's AddWorkingDays, as the law counts); "on display at least N consecutive days"
// counts the day of posting as the first day, so an item posted on the 1st with 20 days
// may come down on the 20th at the earliest. The minimum display applies to the forms
// that display (posted at the office, on the intranet); an item only read at a meeting or
// sent in writing is disclosed on its date and has no display period.
//
// Rights (the conference's, ViewConference / ManageConference): the head's office and the
// trade union manage the register of their agency; the units above read all of it; the
// agency's own staff see what was disclosed (posted items) and may send a question or an
// objection about one, which the managers answer and the sender is told.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/jobs"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// DisclosureService keeps the register.
type DisclosureService struct {
	DB *sqldb.DB
	// Calendar returns the working-day calendar (replaced at start-up, hence a function).
	Calendar func() *calendar.Calendar
}

// NewDisclosureService returns the service.
func NewDisclosureService(db *sqldb.DB) *DisclosureService {
	return &DisclosureService{DB: db, Calendar: func() *calendar.Calendar { return calendar.New(nil) }}
}

// Disclosure forms (hình thức công khai).
const (
	FormPosted   = "niem-yet"    // niêm yết tại trụ sở
	FormMeeting  = "hoi-nghi"    // thông báo tại hội nghị, cuộc họp
	FormWriting  = "van-ban"     // thông báo bằng văn bản
	FormIntranet = "mang-noi-bo" // đăng trên trang thông tin, mạng nội bộ
)

// DisclosureForms lists the forms in display order.
var DisclosureForms = []string{FormPosted, FormMeeting, FormWriting, FormIntranet}

// DisclosureFormLabel names a form.
func DisclosureFormLabel(f string) string {
	switch f {
	case FormPosted:
		return "Niêm yết tại trụ sở"
	case FormMeeting:
		return "Thông báo tại hội nghị, cuộc họp"
	case FormWriting:
		return "Thông báo bằng văn bản"
	case FormIntranet:
		return "Đăng trên trang thông tin, mạng nội bộ"
	}
	return f
}

// Question kinds.
const (
	QuestionAsk       = "question"  // hỏi, đề nghị giải thích
	QuestionObjection = "objection" // phản ánh, không đồng ý
)

// QuestionKindLabel names a question kind.
func QuestionKindLabel(k string) string {
	if k == QuestionObjection {
		return "Phản ánh, kiến nghị"
	}
	return "Câu hỏi"
}

// DisclosureCategory is a category of the law's list.
type DisclosureCategory struct {
	Code  string
	Label string
}

// DisclosureRule is a time limit in force from a date, for a category ("" for all).
type DisclosureRule struct {
	ID            int64
	Category      string
	EffectiveFrom string
	PostWithin    int
	PostUnit      calendar.Unit
	DisplayDays   int
	Basis         string
}

// Text is the rule in words: "05 ngày làm việc; ít nhất 20 ngày liên tục".
func (r DisclosureRule) Text() string {
	return fmt.Sprintf("công khai chậm nhất %d %s sau ngày quyết định; niêm yết ít nhất %d ngày liên tục", r.PostWithin, r.PostUnit.Label(), r.DisplayDays)
}

// DueOn is the last day to post the disclosure of a decision of decidedOn.
func (r DisclosureRule) DueOn(cal *calendar.Calendar, decidedOn string) string {
	d, err := calendar.ParseDate(decidedOn)
	if err != nil {
		return decidedOn
	}
	return cal.Deadline(d, r.PostWithin, r.PostUnit).String()
}

const disclosureRuleCols = `id, category, effective_from, post_within, post_unit, display_days, basis`

func scanDisclosureRule(sc interface{ Scan(...any) error }) (DisclosureRule, error) {
	var r DisclosureRule
	var unit string
	if err := sc.Scan(&r.ID, &r.Category, &r.EffectiveFrom, &r.PostWithin, &unit, &r.DisplayDays, &r.Basis); err != nil {
		return r, err
	}
	u, err := calendar.ParseUnit(unit)
	if err != nil {
		return r, err
	}
	r.PostUnit = u
	return r, nil
}

// DisclosureRuleOn returns the rule in force on date for category: the category's own
// newest row on or before the date, else the default's; before the first version, the
// earliest default.
func DisclosureRuleOn(ctx context.Context, q sqldb.Querier, category, date string) (DisclosureRule, error) {
	r, err := scanDisclosureRule(q.QueryRowContext(ctx, `SELECT `+disclosureRuleCols+` FROM disclosure_rules WHERE category IN (?, '') AND effective_from <= ?
		ORDER BY CASE WHEN category = '' THEN 1 ELSE 0 END, effective_from DESC, id DESC LIMIT 1`, category, date))
	if errors.Is(err, sql.ErrNoRows) {
		r, err = scanDisclosureRule(q.QueryRowContext(ctx, `SELECT `+disclosureRuleCols+` FROM disclosure_rules WHERE category = '' ORDER BY effective_from, id LIMIT 1`))
	}
	return r, apperr.Wrap("democracy.DisclosureRuleOn", err)
}

// DisclosureRules lists every rule version, newest first.
func (s *DisclosureService) DisclosureRules(ctx context.Context) ([]DisclosureRule, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+disclosureRuleCols+` FROM disclosure_rules ORDER BY effective_from DESC, category, id DESC`)
	if err != nil {
		return nil, apperr.Wrap("democracy.DisclosureRules", err)
	}
	defer rows.Close()
	var out []DisclosureRule
	for rows.Next() {
		r, err := scanDisclosureRule(rows)
		if err != nil {
			return nil, apperr.Wrap("democracy.DisclosureRules", err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap("democracy.DisclosureRules", rows.Err())
}

// AddDisclosureRule adds a rule version (the administrator, when the law changes): items
// decided from its date on take it; items already in the register keep theirs. Errors:
// Forbidden, Invalid.
func (s *DisclosureService) AddDisclosureRule(ctx context.Context, p *org.Principal, r DisclosureRule) (int64, error) {
	const op = "democracy.AddDisclosureRule"
	if !p.IsAdmin() {
		return 0, apperr.New(apperr.Forbidden, op, "Chỉ quản trị hệ thống thêm phiên bản quy định về thời hạn công khai.")
	}
	var v apperr.Validation
	v.Op = op
	if !validYMD(r.EffectiveFrom) {
		v.Add("effective_from", "Ngày có hiệu lực không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	}
	if r.PostWithin < 0 || r.PostWithin > 365 {
		v.Add("post_within", "Thời hạn công khai phải từ 0 đến 365.")
	}
	if r.PostUnit != calendar.WorkingDays && r.PostUnit != calendar.CalendarDays {
		v.Add("post_unit", "Hãy chọn đơn vị: ngày hoặc ngày làm việc.")
	}
	if r.DisplayDays < 0 || r.DisplayDays > 3650 {
		v.Add("display_days", "Thời gian niêm yết tối thiểu phải từ 0 đến 3.650 ngày.")
	}
	r.Basis = search.Clean(r.Basis)
	if r.Basis == "" {
		v.Add("basis", "Hãy ghi căn cứ pháp lý của quy định.")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if r.Category != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM disclosure_categories WHERE code = ?`, r.Category).Scan(&n); err != nil || n == 0 {
				v.Add("category", "Không có nhóm nội dung công khai này.")
				return v.Err()
			}
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO disclosure_rules (category, effective_from, post_within, post_unit, display_days, basis, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.Category, r.EffectiveFrom, r.PostWithin, r.PostUnit.String(), r.DisplayDays, r.Basis, sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{Entity: "disclosure_rule", EntityID: id, Action: "create",
			Summary: "Thêm quy định thời hạn công khai có hiệu lực từ " + vnDateOf(r.EffectiveFrom) + ": " + r.Text(), After: r})
	})
	return id, err
}

// Categories lists the categories of the law's list in order.
func (s *DisclosureService) Categories(ctx context.Context) ([]DisclosureCategory, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT code, label FROM disclosure_categories ORDER BY seq, code`)
	if err != nil {
		return nil, apperr.Wrap("democracy.Categories", err)
	}
	defer rows.Close()
	var out []DisclosureCategory
	for rows.Next() {
		var c DisclosureCategory
		if err := rows.Scan(&c.Code, &c.Label); err != nil {
			return nil, apperr.Wrap("democracy.Categories", err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap("democracy.Categories", rows.Err())
}

// Disclosure is one item of the register.
type Disclosure struct {
	ID            int64
	UnitID        int64
	UnitPath      string
	UnitName      string
	UnionPath     string
	Category      string
	CategoryLabel string
	Title         string
	Summary       string
	DecisionNo    string
	DecisionOn    string
	Signer        string
	DocumentID    int64
	DocumentName  string
	Forms         []string
	RuleID        int64
	DueOn         string
	DisplayDays   int
	PostedOn      string
	TakenDownOn   string
	LeadID        int64
	LeadName      string
	CreatedAt     string
	Questions     int
	Unanswered    int
	// Filled by Disclosure (the item's page).
	Rule         DisclosureRule
	QuestionList []Question
}

// Question is a staff member's question or objection about an item, with its answer.
type Question struct {
	ID         int64
	SenderID   int64
	SenderName string
	Kind       string
	Content    string
	Answer     string
	AnsweredBy string
	AnsweredAt string
	CreatedAt  string
}

// KindLabel names the question's kind.
func (q Question) KindLabel() string { return QuestionKindLabel(q.Kind) }

// FormLabels are the item's forms in words.
func (d Disclosure) FormLabels() []string {
	out := make([]string, 0, len(d.Forms))
	for _, f := range d.Forms {
		out = append(out, DisclosureFormLabel(f))
	}
	return out
}

// HasForm reports whether the item uses a form.
func (d Disclosure) HasForm(f string) bool {
	for _, x := range d.Forms {
		if x == f {
			return true
		}
	}
	return false
}

// Displayed reports whether the item is disclosed in a form that displays it (posted at
// the office, on the intranet), the forms the minimum display period applies to.
func (d Disclosure) Displayed() bool { return d.HasForm(FormPosted) || d.HasForm(FormIntranet) }

// Posted reports whether the item was disclosed.
func (d Disclosure) Posted() bool { return d.PostedOn != "" }

// MinUntil is the first day the item may come down: the last day of its minimum display
// counted from the day of posting as day one; "" when not posted or not displayed.
func (d Disclosure) MinUntil() string {
	if d.PostedOn == "" || !d.Displayed() {
		return ""
	}
	p, err := calendar.ParseDate(d.PostedOn)
	if err != nil {
		return ""
	}
	return p.AddDays(max(d.DisplayDays-1, 0)).String()
}

// Posting states.
const (
	PostOnTime  = "on-time" // công khai đúng hạn
	PostLate    = "late"    // công khai muộn
	PostWaiting = "waiting" // chưa công khai, còn hạn
	PostOverdue = "overdue" // quá hạn, chưa công khai
)

// PostState is the item's posting state on today.
func (d Disclosure) PostState(today string) string {
	switch {
	case d.PostedOn != "" && d.PostedOn <= d.DueOn:
		return PostOnTime
	case d.PostedOn != "":
		return PostLate
	case today > d.DueOn:
		return PostOverdue
	}
	return PostWaiting
}

func daysBetween(from, to string) int {
	a, err1 := calendar.ParseDate(from)
	b, err2 := calendar.ParseDate(to)
	if err1 != nil || err2 != nil {
		return 0
	}
	return b.Sub(a)
}

// PostBadge is the posting state as a badge with words.
func (d Disclosure) PostBadge(today string) work.Badge {
	switch d.PostState(today) {
	case PostOnTime:
		return work.Badge{State: work.OnTime, Label: "Công khai đúng hạn"}
	case PostLate:
		return work.Badge{State: work.DueSoon, Label: fmt.Sprintf("Công khai muộn %d ngày", daysBetween(d.DueOn, d.PostedOn))}
	case PostOverdue:
		return work.Badge{State: work.Overdue, Label: fmt.Sprintf("Quá hạn %d ngày, chưa công khai", daysBetween(d.DueOn, today))}
	}
	left := daysBetween(today, d.DueOn)
	if left == 0 {
		return work.Badge{State: work.DueSoon, Label: "Chưa công khai, đến hạn hôm nay"}
	}
	return work.Badge{State: work.DueSoon, Label: fmt.Sprintf("Chưa công khai, còn %d ngày", left)}
}

// Display states.
const (
	DisplayNone     = "none"      // không niêm yết (chỉ thông báo) hoặc chưa công khai
	DisplayShowing  = "showing"   // đang niêm yết, chưa đủ thời gian tối thiểu
	DisplayEnough   = "enough"    // đang niêm yết, đã đủ thời gian
	DisplayMet      = "met"       // đã gỡ, đủ thời gian
	DisplayCutShort = "cut-short" // đã gỡ trước thời gian tối thiểu
)

// DisplayState is the item's display state on today.
func (d Disclosure) DisplayState(today string) string {
	min := d.MinUntil()
	switch {
	case min == "":
		return DisplayNone
	case d.TakenDownOn != "" && d.TakenDownOn >= min:
		return DisplayMet
	case d.TakenDownOn != "":
		return DisplayCutShort
	case today >= min:
		return DisplayEnough
	}
	return DisplayShowing
}

// OnDisplay reports whether the item is on display today.
func (d Disclosure) OnDisplay(today string) bool {
	return d.Posted() && d.TakenDownOn == "" && d.PostedOn <= today
}

// DisplayBadge is the display state as a badge with words.
func (d Disclosure) DisplayBadge(today string) work.Badge {
	switch d.DisplayState(today) {
	case DisplayShowing:
		return work.Badge{State: work.DueSoon, Label: fmt.Sprintf("Đang niêm yết, còn %d ngày mới đủ %d ngày", daysBetween(today, d.MinUntil())+1, d.DisplayDays)}
	case DisplayEnough:
		return work.Badge{State: work.OnTime, Label: fmt.Sprintf("Đang niêm yết, đã đủ %d ngày", d.DisplayDays)}
	case DisplayMet:
		return work.Badge{State: work.Closed, Label: fmt.Sprintf("Đã gỡ, niêm yết đủ %d ngày", d.DisplayDays)}
	case DisplayCutShort:
		return work.Badge{State: work.Overdue, Label: fmt.Sprintf("Gỡ sớm: niêm yết %d/%d ngày", daysBetween(d.PostedOn, d.TakenDownOn)+1, d.DisplayDays)}
	}
	if d.Posted() {
		return work.Badge{State: work.NoDue, Label: "Không niêm yết (đã thông báo)"}
	}
	return work.Badge{State: work.NoDue, Label: "Chưa công khai"}
}

// CanManage reports whether p keeps the register of the item's agency.
func (d Disclosure) CanManage(p *org.Principal) bool {
	return CanManageConference(p, d.UnitPath, d.UnionPath)
}

// CanReadRegister reports whether p reads the whole register of the agency at agencyPath
// (items not yet disclosed too): its managers and the units above.
func CanReadRegister(p *org.Principal, agencyPath, unionPath string) bool {
	if CanManageConference(p, agencyPath, unionPath) {
		return true
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ViewConference) && g.UnitPath != agencyPath && strings.HasPrefix(agencyPath, g.UnitPath) {
			return true
		}
	}
	return false
}

// IsStaffOf reports whether p is of the agency at agencyPath (a grant on it or inside):
// the staff who may ask about its disclosures.
func IsStaffOf(p *org.Principal, agencyPath string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if strings.HasPrefix(g.UnitPath, agencyPath) {
			return true
		}
	}
	return false
}

// canSee reports whether p sees the item: the whole register for its readers, what was
// disclosed for the staff.
func (d Disclosure) canSee(p *org.Principal) bool {
	if !CanViewConference(p, d.UnitPath) {
		return false
	}
	return d.Posted() || CanReadRegister(p, d.UnitPath, d.UnionPath)
}

// DisclosureInput is the form of an item.
type DisclosureInput struct {
	UnitID     int64
	Category   string
	Title      string
	Summary    string
	DecisionNo string
	DecisionOn string // YYYY-MM-DD
	Signer     string
	DocumentID int64
	Forms      []string
	LeadID     int64 // 0: the head of the agency
	PostedOn   string
}

func cleanForms(in []string) ([]string, bool) {
	seen := map[string]bool{}
	var out []string
	for _, f := range DisclosureForms {
		for _, x := range in {
			if x == f && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	for _, x := range in {
		if !seen[x] {
			return out, false
		}
	}
	return out, true
}

// validate checks the input against the agency a and today; it returns the rule in
// force for the item.
func (s *DisclosureService) validate(ctx context.Context, tx *sqldb.Tx, a agency, in *DisclosureInput, v *apperr.Validation) (DisclosureRule, error) {
	today := work.Today(tx.Now())
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM disclosure_categories WHERE code = ?`, in.Category).Scan(&n); err != nil {
		return DisclosureRule{}, apperr.Wrap("democracy.validate", err)
	}
	if n == 0 {
		v.Add("category", "Hãy chọn nhóm nội dung công khai.")
	}
	in.Title = search.Clean(in.Title)
	in.Summary = search.Clean(in.Summary)
	in.DecisionNo = search.Clean(in.DecisionNo)
	in.Signer = search.Clean(in.Signer)
	if in.Title == "" {
		v.Add("title", "Hãy nhập nội dung công khai (ví dụ: Dự toán ngân sách năm 2026 của cơ quan).")
	} else if utf8.RuneCountInString(in.Title) > 300 {
		v.Add("title", "Nội dung công khai tối đa 300 ký tự.")
	}
	if utf8.RuneCountInString(in.Summary) > 5000 {
		v.Add("summary", "Tóm tắt tối đa 5.000 ký tự.")
	}
	if in.DecisionNo == "" {
		v.Add("decision_no", "Hãy nhập số, ký hiệu của quyết định, văn bản được công khai (ví dụ 15/QĐ-STP).")
	} else if utf8.RuneCountInString(in.DecisionNo) > 60 {
		v.Add("decision_no", "Số, ký hiệu tối đa 60 ký tự.")
	}
	switch {
	case in.DecisionOn == "":
		v.Add("decision_on", "Hãy nhập ngày ký quyết định, văn bản.")
	case !validYMD(in.DecisionOn):
		v.Add("decision_on", "Ngày ký không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	case in.DecisionOn > today:
		v.Add("decision_on", "Ngày ký không được sau hôm nay.")
	}
	if in.Signer == "" {
		v.Add("signer", "Hãy nhập người ký (ví dụ: Giám đốc Nguyễn Văn A).")
	} else if utf8.RuneCountInString(in.Signer) > 200 {
		v.Add("signer", "Người ký tối đa 200 ký tự.")
	}
	if in.DocumentID != 0 {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM gov_documents WHERE id = ?`, in.DocumentID).Scan(&one); err != nil {
			v.Add("document_id", "Không tìm thấy văn bản này trong sổ văn bản.")
		}
	}
	forms, ok := cleanForms(in.Forms)
	in.Forms = forms
	switch {
	case !ok:
		v.Add("forms", "Có hình thức công khai không hợp lệ.")
	case len(forms) == 0:
		v.Add("forms", "Hãy chọn ít nhất một hình thức công khai.")
	}
	if in.LeadID == 0 {
		in.LeadID = headOf(ctx, tx, a.ID)
	}
	if in.LeadID == 0 {
		v.Add("lead_id", "Hãy chọn người chịu trách nhiệm công khai (cơ quan chưa có thủ trưởng trong danh sách).")
	} else {
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT unit_path FROM people WHERE id = ?`, in.LeadID).Scan(&path); err != nil || !strings.HasPrefix(path, a.Path) {
			v.Add("lead_id", "Người chịu trách nhiệm phải là cán bộ của "+a.Name+".")
		}
	}
	switch {
	case in.PostedOn == "":
	case !validYMD(in.PostedOn):
		v.Add("posted_on", "Ngày công khai không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	case in.PostedOn > today:
		v.Add("posted_on", "Ngày công khai không được sau hôm nay: ghi nhận việc đã công khai.")
	case validYMD(in.DecisionOn) && in.PostedOn < in.DecisionOn:
		v.Add("posted_on", "Ngày công khai không được trước ngày ký quyết định ("+vnDateOf(in.DecisionOn)+").")
	}
	if v.Err() != nil {
		return DisclosureRule{}, nil
	}
	return DisclosureRuleOn(ctx, tx, in.Category, in.DecisionOn)
}

// Create adds an item to the register of an agency. Errors: Invalid (per field),
// Forbidden.
func (s *DisclosureService) Create(ctx context.Context, p *org.Principal, in DisclosureInput) (int64, error) {
	const op = "democracy.CreateDisclosure"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		v.Op = op
		a, err := loadAgency(ctx, tx, in.UnitID)
		switch {
		case in.UnitID == 0:
			v.Add("unit_id", "Hãy chọn cơ quan.")
			return v.Err()
		case err != nil:
			v.Add("unit_id", "Không tìm thấy cơ quan này.")
			return v.Err()
		case a.Kind != org.KindAgency:
			v.Add("unit_id", "Sổ công khai được lập ở cơ quan (đơn vị loại Cơ quan).")
			return v.Err()
		case !CanManageConference(p, a.Path, a.UnionPath):
			return apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được ghi sổ công khai.")
		case !a.Active():
			v.Add("unit_id", "Cơ quan này đã giải thể.")
			return v.Err()
		}
		rule, err := s.validate(ctx, tx, a, &in, &v)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		due := rule.DueOn(s.Calendar(), in.DecisionOn)
		ts := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO disclosures (unit_id, unit_path, category, title, summary, decision_no, decision_on, signer, document_id, forms, rule_id, due_on, display_days,
			posted_on, lead_id, search_fold, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.ID, a.Path, in.Category, in.Title, in.Summary, in.DecisionNo, in.DecisionOn, in.Signer, confNullID(in.DocumentID), strings.Join(in.Forms, ","), rule.ID, due, rule.DisplayDays,
			in.PostedOn, in.LeadID, search.Fold(in.Title+" "+in.DecisionNo+" "+in.Summary), confNullID(p.UserID), ts, ts)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		if err := countDisclosure(ctx, tx, nil, &countedDisclosure{UnitPath: a.Path, DecisionOn: in.DecisionOn, DueOn: due, PostedOn: in.PostedOn}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.ID, Entity: "disclosure", EntityID: id, Action: "create",
			Summary: fmt.Sprintf("Ghi sổ công khai: %s (%s ngày %s; hạn công khai %s)", in.Title, in.DecisionNo, vnDateOf(in.DecisionOn), vnDateOf(due)),
			After:   map[string]any{"input": in, "rule_id": rule.ID, "due_on": due, "display_days": rule.DisplayDays}})
	})
	return id, err
}

// Update changes an item; the due date follows the decision's date and category. An item
// taken down keeps its posting date unless the new one still meets the minimum display.
// Errors: NotFound, Forbidden, Invalid.
func (s *DisclosureService) Update(ctx context.Context, p *org.Principal, id int64, in DisclosureInput) error {
	const op = "democracy.UpdateDisclosure"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		// Touched first, so on PostgreSQL the row is locked before it is read: two edits at
		// once then move the counters from the state each really started from.
		if _, err := tx.ExecContext(ctx, `UPDATE disclosures SET updated_at = updated_at WHERE id = ?`, id); err != nil {
			return apperr.Wrap(op, err)
		}
		d, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !d.CanManage(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được sửa sổ công khai.")
		}
		a, err := loadAgency(ctx, tx, d.UnitID)
		if err != nil {
			return err
		}
		var v apperr.Validation
		v.Op = op
		rule, err := s.validate(ctx, tx, a, &in, &v)
		if err != nil {
			return err
		}
		if d.TakenDownOn != "" {
			if in.PostedOn == "" {
				v.Add("posted_on", "Nội dung đã gỡ ngày "+vnDateOf(d.TakenDownOn)+": không xóa được ngày công khai.")
			} else {
				after := d
				after.PostedOn, after.Forms, after.DisplayDays = in.PostedOn, in.Forms, rule.DisplayDays
				if in.PostedOn > d.TakenDownOn || (after.MinUntil() != "" && d.TakenDownOn < after.MinUntil()) {
					v.Add("posted_on", "Nội dung đã gỡ ngày "+vnDateOf(d.TakenDownOn)+": ngày công khai mới làm thời gian niêm yết không đủ "+strconv.Itoa(rule.DisplayDays)+" ngày.")
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		due := rule.DueOn(s.Calendar(), in.DecisionOn)
		reminded := "reminded_at"
		if due != d.DueOn {
			reminded = "''" // a new due date deserves its own reminder
		}
		if _, err := tx.ExecContext(ctx, `UPDATE disclosures SET category = ?, title = ?, summary = ?, decision_no = ?, decision_on = ?, signer = ?, document_id = ?, forms = ?,
			rule_id = ?, due_on = ?, display_days = ?, posted_on = ?, lead_id = ?, search_fold = ?, reminded_at = `+reminded+`, updated_at = ? WHERE id = ?`,
			in.Category, in.Title, in.Summary, in.DecisionNo, in.DecisionOn, in.Signer, confNullID(in.DocumentID), strings.Join(in.Forms, ","),
			rule.ID, due, rule.DisplayDays, in.PostedOn, in.LeadID, search.Fold(in.Title+" "+in.DecisionNo+" "+in.Summary), sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		if err := countDisclosure(ctx, tx, &countedDisclosure{UnitPath: d.UnitPath, DecisionOn: d.DecisionOn, DueOn: d.DueOn, PostedOn: d.PostedOn},
			&countedDisclosure{UnitPath: d.UnitPath, DecisionOn: in.DecisionOn, DueOn: due, PostedOn: in.PostedOn}); err != nil {
			return err
		}
		summary := "Sửa sổ công khai: " + in.Title
		if in.PostedOn != "" && d.PostedOn == "" {
			summary = "Ghi nhận đã công khai ngày " + vnDateOf(in.PostedOn) + ": " + in.Title
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "disclosure", EntityID: id, Action: "update", Summary: summary,
			Before: map[string]any{"category": d.Category, "title": d.Title, "decision_no": d.DecisionNo, "decision_on": d.DecisionOn, "forms": d.Forms, "posted_on": d.PostedOn, "lead_id": d.LeadID, "due_on": d.DueOn},
			After:  map[string]any{"input": in, "due_on": due, "rule_id": rule.ID}})
	})
}

// TakeDown records that the item came down on the day on (YYYY-MM-DD). Taking it down
// before its minimum display is refused with the first allowed day. Errors: NotFound,
// Forbidden, Invalid, Conflict.
func (s *DisclosureService) TakeDown(ctx context.Context, p *org.Principal, id int64, on string) error {
	const op = "democracy.TakeDown"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		d, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !d.CanManage(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được gỡ nội dung công khai.")
		}
		switch {
		case !d.Posted():
			return apperr.New(apperr.Conflict, op, "Nội dung này chưa được công khai nên chưa thể gỡ.")
		case d.TakenDownOn != "":
			return apperr.New(apperr.Conflict, op, "Nội dung này đã được gỡ ngày "+vnDateOf(d.TakenDownOn)+".")
		}
		today := work.Today(tx.Now())
		var v apperr.Validation
		v.Op = op
		switch {
		case on == "":
			v.Add("taken_down_on", "Hãy nhập ngày gỡ.")
		case !validYMD(on):
			v.Add("taken_down_on", "Ngày gỡ không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		case on > today:
			v.Add("taken_down_on", "Ngày gỡ không được sau hôm nay.")
		case on < d.PostedOn:
			v.Add("taken_down_on", "Ngày gỡ không được trước ngày công khai ("+vnDateOf(d.PostedOn)+").")
		case d.MinUntil() != "" && on < d.MinUntil():
			shown := daysBetween(d.PostedOn, on) + 1
			return &apperr.Error{Kind: apperr.Invalid, Op: op,
				Message: fmt.Sprintf("Chưa được gỡ: nội dung phải niêm yết ít nhất %d ngày liên tục (từ %s); đến ngày %s mới được %d ngày. Sớm nhất được gỡ ngày %s.", d.DisplayDays, vnDateOf(d.PostedOn), vnDateOf(on), shown, vnDateOf(d.MinUntil())),
				Fields:  map[string]string{"taken_down_on": fmt.Sprintf("Sớm nhất ngày %s (đủ %d ngày niêm yết).", vnDateOf(d.MinUntil()), d.DisplayDays)}}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE disclosures SET taken_down_on = ?, updated_at = ? WHERE id = ?`, on, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "disclosure", EntityID: id, Action: "take-down",
			Summary: fmt.Sprintf("Gỡ nội dung công khai ngày %s (niêm yết %d ngày): %s", vnDateOf(on), daysBetween(d.PostedOn, on)+1, d.Title),
			Before:  map[string]any{"taken_down_on": ""}, After: map[string]any{"taken_down_on": on}})
	})
}

const disclosureCols = `d.id, d.unit_id, d.unit_path, u.name, COALESCE(un.path, ''), d.category, c.label, d.title, d.summary, d.decision_no, d.decision_on, d.signer,
	COALESCE(d.document_id, 0), COALESCE(g.notation, ''), d.forms, d.rule_id, d.due_on, d.display_days, d.posted_on, d.taken_down_on, d.lead_id, pe.full_name, d.created_at,
	(SELECT COUNT(*) FROM disclosure_questions q WHERE q.disclosure_id = d.id),
	(SELECT COUNT(*) FROM disclosure_questions q WHERE q.disclosure_id = d.id AND q.answered_at = '')`

// The agency's trade union: the oldest current công đoàn directly under it, as loadAgency.
const disclosureFrom = ` FROM disclosures d JOIN units u ON u.id = d.unit_id JOIN disclosure_categories c ON c.code = d.category JOIN people pe ON pe.id = d.lead_id
	LEFT JOIN gov_documents g ON g.id = d.document_id
	LEFT JOIN units un ON un.id = (SELECT MIN(x.id) FROM units x WHERE x.parent_id = d.unit_id AND x.kind = 'cong-doan' AND x.valid_to = '')`

func scanDisclosure(sc interface{ Scan(...any) error }, d *Disclosure) error {
	var forms string
	err := sc.Scan(&d.ID, &d.UnitID, &d.UnitPath, &d.UnitName, &d.UnionPath, &d.Category, &d.CategoryLabel, &d.Title, &d.Summary, &d.DecisionNo, &d.DecisionOn, &d.Signer,
		&d.DocumentID, &d.DocumentName, &forms, &d.RuleID, &d.DueOn, &d.DisplayDays, &d.PostedOn, &d.TakenDownOn, &d.LeadID, &d.LeadName, &d.CreatedAt, &d.Questions, &d.Unanswered)
	d.Forms = nil
	for _, f := range strings.Split(forms, ",") {
		if f != "" {
			d.Forms = append(d.Forms, f)
		}
	}
	return err
}

func (s *DisclosureService) load(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Disclosure, error) {
	var d Disclosure
	err := scanDisclosure(q.QueryRowContext(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE d.id = ?`, id), &d)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !d.canSee(p)) {
		return d, apperr.New(apperr.NotFound, "democracy.Disclosure", "")
	}
	return d, apperr.Wrap("democracy.Disclosure", err)
}

// Disclosure returns an item with its rule and the questions p may read: all of them for
// the register's readers, their own for the staff. Errors: NotFound (also when p may not
// see it).
func (s *DisclosureService) Disclosure(ctx context.Context, p *org.Principal, id int64) (Disclosure, error) {
	d, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return d, err
	}
	if d.Rule, err = scanDisclosureRule(s.DB.QueryRowContext(ctx, `SELECT `+disclosureRuleCols+` FROM disclosure_rules WHERE id = ?`, d.RuleID)); err != nil {
		return d, apperr.Wrap("democracy.Disclosure", err)
	}
	q := `SELECT q.id, q.sender_id, COALESCE(us.display_name, ''), q.kind, q.content, q.answer, COALESCE(ab.display_name, ''), q.answered_at, q.created_at
		FROM disclosure_questions q JOIN users us ON us.id = q.sender_id LEFT JOIN users ab ON ab.id = q.answered_by WHERE q.disclosure_id = ?`
	args := []any{id}
	if !CanReadRegister(p, d.UnitPath, d.UnionPath) {
		q += ` AND q.sender_id = ?`
		args = append(args, p.UserID)
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY q.id`, args...)
	if err != nil {
		return d, apperr.Wrap("democracy.Disclosure", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Question
		if err := rows.Scan(&x.ID, &x.SenderID, &x.SenderName, &x.Kind, &x.Content, &x.Answer, &x.AnsweredBy, &x.AnsweredAt, &x.CreatedAt); err != nil {
			return d, apperr.Wrap("democracy.Disclosure", err)
		}
		d.QuestionList = append(d.QuestionList, x)
	}
	return d, apperr.Wrap("democracy.Disclosure", rows.Err())
}

// DisclosureFilter selects items of the register.
type DisclosureFilter struct {
	UnitID   int64  // an agency or a unit above: its subtree
	Year     int    // year of the decision
	Category string // a category code
	State    string // overdue | waiting | showing (on display) | down (taken down) | late
	Query    string
	Limit    int
	Offset   int
}

// readCond is the SQL condition on the disclosures d for what p may see: the whole
// register of the agencies p manages or reads from above, the posted items of the
// agencies p belongs to.
func (s *DisclosureService) readCond(ctx context.Context, p *org.Principal) (string, []any, error) {
	view, args := viewCond(p, "d.unit_path")
	var full []string
	var fargs []any
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ViewConference) {
			continue
		}
		// Strictly below the grant: read from above.
		full = append(full, "(d.unit_path > ? AND d.unit_path < ?)")
		fargs = append(fargs, g.UnitPath, sqldb.PathEnd(g.UnitPath))
	}
	var managed []org.Unit
	if !p.IsAdmin() { // the administrator reads everything from the root already
		var err error
		if managed, err = s.ManagedAgencies(ctx, p); err != nil {
			return "", nil, err
		}
	}
	if len(managed) > 0 {
		full = append(full, "d.unit_path IN ("+sqldb.Placeholders(len(managed))+")")
		for _, u := range managed {
			fargs = append(fargs, u.Path)
		}
	}
	cond := "(" + view + " AND (d.posted_on <> ''"
	if len(full) > 0 {
		cond += " OR " + strings.Join(full, " OR ")
	}
	cond += "))"
	return cond, append(args, fargs...), nil
}

// disclosureListLarge is the number of matching items above which List reads the
// register by decision date (a variable so the tests run both ways).
var disclosureListLarge = 2000

// List lists the items p may see, the latest decisions first.
func (s *DisclosureService) List(ctx context.Context, p *org.Principal, f DisclosureFilter) ([]Disclosure, error) {
	const op = "democracy.Disclosures"
	cond, args, err := s.readCond(ctx, p)
	if err != nil {
		return nil, err
	}
	where := []string{cond}
	if f.UnitID != 0 {
		path, err := org.UnitPath(ctx, s.DB, f.UnitID)
		if err != nil {
			return nil, apperr.New(apperr.NotFound, op, "")
		}
		where = append(where, "d.unit_path >= ? AND d.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	if f.Year != 0 {
		where = append(where, "d.decision_on >= ? AND d.decision_on <= ?")
		args = append(args, fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year))
	}
	if f.Category != "" {
		where = append(where, "d.category = ?")
		args = append(args, f.Category)
	}
	today := work.Today(s.DB.Now())
	switch f.State {
	case PostOverdue:
		where = append(where, "d.posted_on = '' AND d.due_on < ?")
		args = append(args, today)
	case PostWaiting:
		where = append(where, "d.posted_on = '' AND d.due_on >= ?")
		args = append(args, today)
	case PostLate:
		where = append(where, "d.posted_on > d.due_on")
	case "showing":
		where = append(where, "d.posted_on <> '' AND d.posted_on <= ? AND d.taken_down_on = ''")
		args = append(args, today)
	case "down":
		where = append(where, "d.taken_down_on <> ''")
	}
	if q := search.Fold(f.Query); q != "" {
		where = append(where, "d.search_fold LIKE ?")
		args = append(args, "%"+q+"%")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	from := disclosureFrom
	// A register of more than a page many times over (the upper committee's: 126.000
	// items at national size) is read newest first by decision (disclosures_decided,
	// migration 0747), stopping at the page: SQLite's planner took the path index and
	// sorted the whole register, 0,56 s a page. PostgreSQL chooses so by itself; a small
	// register is best read by its path, the planner's choice on both.
	large, err := s.DB.HintNeeded(ctx, disclosureListLarge, `disclosures d WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	if large {
		from = strings.Replace(from, " FROM disclosures d ", " FROM disclosures d"+s.DB.IndexedBy("disclosures_decided")+" ", 1)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+disclosureCols+from+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.decision_on DESC, d.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(max(f.Offset, 0)), args...)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	defer rows.Close()
	var out []Disclosure
	for rows.Next() {
		var d Disclosure
		if err := scanDisclosure(rows, &d); err != nil {
			return nil, apperr.Wrap(op, err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap(op, rows.Err())
}

// ManagedAgencies lists the agencies whose register p keeps: grants allowing
// ManageConference on an agency or on its trade union; every current agency for the
// administrator.
func (s *DisclosureService) ManagedAgencies(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	return managedAgencies(ctx, s.DB, p, true)
}

// Ask sends a question or an objection about an item from a staff member of its agency;
// the person answerable is told. Errors: NotFound, Forbidden, Invalid.
func (s *DisclosureService) Ask(ctx context.Context, p *org.Principal, id int64, kind, content string) (int64, error) {
	const op = "democracy.Ask"
	var qid int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		d, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !IsStaffOf(p, d.UnitPath) || p.UserID == 0 {
			return apperr.New(apperr.Forbidden, op, "Chỉ cán bộ, công chức, viên chức, người lao động của "+d.UnitName+" gửi câu hỏi, phản ánh về nội dung công khai.")
		}
		if !d.Posted() {
			return apperr.New(apperr.Conflict, op, "Nội dung này chưa được công khai.")
		}
		var v apperr.Validation
		v.Op = op
		if kind != QuestionObjection {
			kind = QuestionAsk
		}
		content = search.Clean(content)
		if content == "" {
			v.Add("content", "Hãy nhập nội dung câu hỏi hoặc phản ánh.")
		} else if utf8.RuneCountInString(content) > 5000 {
			v.Add("content", "Nội dung tối đa 5.000 ký tự.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		qid, err = tx.InsertID(ctx, `INSERT INTO disclosure_questions (disclosure_id, unit_path, sender_id, kind, content, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			id, d.UnitPath, p.UserID, kind, content, sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap(op, err)
		}
		for _, u := range s.answerable(ctx, tx, d) {
			if u == p.UserID {
				continue
			}
			if err := notify.Send(ctx, tx, notify.Note{UserID: u, Kind: "disclosure.question", Title: QuestionKindLabel(kind) + " về nội dung công khai",
				Body: d.Title + ": " + content, Link: DisclosureLink(id)}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "disclosure", EntityID: id, Action: "question",
			Summary: "Gửi " + strings.ToLower(QuestionKindLabel(kind)) + " về nội dung công khai: " + d.Title, After: map[string]any{"question_id": qid, "kind": kind}})
	})
	return qid, err
}

// Answer answers a question; its sender is told. Errors: NotFound, Forbidden, Invalid,
// Conflict (already answered).
func (s *DisclosureService) Answer(ctx context.Context, p *org.Principal, id, questionID int64, answer string) error {
	const op = "democracy.Answer"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		d, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !d.CanManage(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan trả lời câu hỏi về nội dung công khai.")
		}
		var sender int64
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT sender_id, answered_at FROM disclosure_questions WHERE id = ? AND disclosure_id = ?`, questionID, id).Scan(&sender, &old); err != nil {
			return apperr.New(apperr.NotFound, op, "")
		}
		if old != "" {
			return apperr.New(apperr.Conflict, op, "Câu hỏi này đã được trả lời.")
		}
		answer = search.Clean(answer)
		var v apperr.Validation
		v.Op = op
		if answer == "" {
			v.Add("answer", "Hãy nhập nội dung trả lời.")
		} else if utf8.RuneCountInString(answer) > 5000 {
			v.Add("answer", "Nội dung trả lời tối đa 5.000 ký tự.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE disclosure_questions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`, answer, confNullID(p.UserID), sqldb.FormatTime(tx.Now()), questionID); err != nil {
			return apperr.Wrap(op, err)
		}
		if err := notify.Send(ctx, tx, notify.Note{UserID: sender, Kind: "disclosure.answer", Title: "Câu hỏi về nội dung công khai của bạn đã được trả lời",
			Body: d.Title + ": " + answer, Link: DisclosureLink(id)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "disclosure", EntityID: id, Action: "answer",
			Summary: "Trả lời câu hỏi về nội dung công khai: " + d.Title, After: map[string]any{"question_id": questionID, "answer": answer}})
	})
}

// DisclosureLink is the item's page.
func DisclosureLink(id int64) string { return "/democracy/disclosures/" + confItoa(id) }

// answerable lists the accounts told about an item: the person answerable's; when they
// have none, the accounts managing the agency itself.
func (s *DisclosureService) answerable(ctx context.Context, tx *sqldb.Tx, d Disclosure) []int64 {
	var out []int64
	collect := func(q string, args ...any) {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return
		}
		defer rows.Close()
		for rows.Next() {
			var u int64
			if rows.Scan(&u) == nil {
				out = append(out, u)
			}
		}
	}
	collect(`SELECT id FROM users WHERE person_id = ? AND disabled = FALSE ORDER BY id`, d.LeadID)
	if len(out) == 0 {
		collect(`SELECT DISTINCT g.user_id FROM role_grants g JOIN users us ON us.id = g.user_id WHERE g.unit_id = ? AND g.role = 'manager' AND us.disabled = FALSE ORDER BY g.user_id`, d.UnitID)
	}
	return out
}

// RemindOverdue tells the person answerable for each item not posted by its due date,
// once: the item is claimed with a conditional update, so several instances running the
// job at once remind it a single time. It returns how many items were reminded.
func (s *DisclosureService) RemindOverdue(ctx context.Context, now time.Time) (int, error) {
	const op = "democracy.RemindOverdue"
	today := work.Today(now)
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM disclosures WHERE posted_on = '' AND reminded_at = '' AND due_on < ? ORDER BY id LIMIT 1000`, today)
	if err != nil {
		return 0, apperr.Wrap(op, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	sent := 0
	for _, id := range ids {
		err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE disclosures SET reminded_at = ? WHERE id = ? AND reminded_at = '' AND posted_on = '' AND due_on < ?`, sqldb.FormatTime(tx.Now()), id, today)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return err // another instance reminded it, or it was posted meanwhile
			}
			var d Disclosure
			if err := scanDisclosure(tx.QueryRowContext(ctx, `SELECT `+disclosureCols+disclosureFrom+` WHERE d.id = ?`, id), &d); err != nil {
				return err
			}
			late := daysBetween(d.DueOn, today)
			for _, u := range s.answerable(ctx, tx, d) {
				if err := notify.Send(ctx, tx, notify.Note{UserID: u, Kind: "disclosure.overdue", Title: "Nội dung công khai quá hạn chưa công khai",
					Body: fmt.Sprintf("%s (%s ngày %s) phải công khai chậm nhất ngày %s; đã quá hạn %d ngày. Hãy công khai và ghi nhận vào sổ công khai của %s.", d.Title, d.DecisionNo, vnDateOf(d.DecisionOn), vnDateOf(d.DueOn), late, d.UnitName),
					Link: DisclosureLink(id)}); err != nil {
					return err
				}
			}
			sent++
			return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "disclosure", EntityID: id, Action: "remind",
				Summary: fmt.Sprintf("Nhắc người chịu trách nhiệm %s: quá hạn công khai từ %s", d.LeadName, vnDateOf(d.DueOn))})
		})
		if err != nil {
			return sent, apperr.Wrap(op, err)
		}
	}
	return sent, nil
}

// ReminderTask is the job that reminds overdue disclosures.
func (s *DisclosureService) ReminderTask() jobs.Task {
	return jobs.Task{Name: "democracy.disclosure-overdue", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.RemindOverdue(ctx, now)
		return err
	}}
}

// OverdueByAgency counts, per agency of the subtree at scopePath, the items not posted by
// their due date on asOf (the overview's column): one grouped query over the partial
// index of unposted items.
func (s *DisclosureService) OverdueByAgency(ctx context.Context, scopePath string, asOf time.Time) (map[int64]int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT unit_id, COUNT(*) FROM disclosures WHERE posted_on = '' AND unit_path >= ? AND unit_path < ? AND due_on < ? GROUP BY unit_id`,
		scopePath, sqldb.PathEnd(scopePath), work.Today(asOf))
	if err != nil {
		return nil, apperr.Wrap("democracy.OverdueByAgency", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, apperr.Wrap("democracy.OverdueByAgency", err)
		}
		out[id] = n
	}
	return out, apperr.Wrap("democracy.OverdueByAgency", rows.Err())
}

var _ DisclosureCounter = (*DisclosureService)(nil)

// DocumentChoice is a record of the documents registry an item may link to.
type DocumentChoice struct {
	ID    int64
	Label string
}

// DocumentChoices lists the registry's documents kept by the agency at agencyPath or by
// a unit above it, the newest first (the registry is plan's; reading it is enough here).
func (s *DisclosureService) DocumentChoices(ctx context.Context, agencyPath string) ([]DocumentChoice, error) {
	ids := org.PathIDs(agencyPath)
	paths := make([]any, 0, len(ids))
	path := "/"
	for _, id := range ids {
		path += confItoa(id) + "/"
		paths = append(paths, path)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, notation, title FROM gov_documents WHERE unit_path IN (`+sqldb.Placeholders(len(paths))+`) OR unit_path >= ? AND unit_path < ?
		ORDER BY issued_on DESC, id DESC LIMIT 100`, append(paths, agencyPath, sqldb.PathEnd(agencyPath))...)
	if err != nil {
		return nil, apperr.Wrap("democracy.DocumentChoices", err)
	}
	defer rows.Close()
	var out []DocumentChoice
	for rows.Next() {
		var c DocumentChoice
		var notation, title string
		if err := rows.Scan(&c.ID, &notation, &title); err != nil {
			return nil, apperr.Wrap("democracy.DocumentChoices", err)
		}
		c.Label = notation + " — " + title
		out = append(out, c)
	}
	return out, apperr.Wrap("democracy.DocumentChoices", rows.Err())
}
