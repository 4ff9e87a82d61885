package democracy

// The annual staff conference (hội nghị cán bộ, công chức, viên chức, người lao động):
// planned per agency per year within its legal window, its delegates and attendance,
// the quorum, agenda items and motions with their votes, the commitments of its
// resolution (each a tracked task of the plan domain once the resolution is issued), and
// the people's inspection board it elects (board.go). The legal numbers come from
// ConferenceRules, versioned data with an effective date (conference_rules).
//
// Rights: a conference is seen by every account granted on its agency, on a unit above
// it (the upper committee reads its subtree) or on a unit inside it (the agency's own
// staff). It is managed (ManageConference) by those granted on the agency itself — the
// head and the head's office — and by the agency's trade union (a grant on its công
// đoàn unit), which co-runs the conference; the upper committee reads, it does not run
// the agency's conference. Issuing the resolution assigns tasks, so it also needs
// AssignTask on the agency (the head's office).

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
	"danvan/internal/draft"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// ConferenceService holds the rules and SQL of the conference and the board.
type ConferenceService struct {
	DB     *sqldb.DB
	Plans  *plan.Service  // commitments and recommendations become tasks
	Drafts *draft.Service // documents are put to the staff through a consultation round
	// Calendar returns the working-day calendar (replaced at start-up, hence a function).
	Calendar func() *calendar.Calendar
	// Disclosures counts overdue disclosures for the overview; nil hides the column.
	Disclosures DisclosureCounter

	staff staffCache // staff counts of large scopes (overview.go)
}

// NewConferenceService returns the service.
// It watches the plans' task changes, so each commitment keeps its task's status.
func NewConferenceService(db *sqldb.DB, plans *plan.Service, drafts *draft.Service) *ConferenceService {
	if plans != nil {
		plans.Watch(commitmentTaskChanged)
	}
	return &ConferenceService{DB: db, Plans: plans, Drafts: drafts, Calendar: func() *calendar.Calendar { return calendar.New(nil) }}
}

// commitmentTaskChanged keeps a commitment's copy of its task's status (migration 0570),
// which the overview and the dashboard count instead of joining the tasks.
func commitmentTaskChanged(ctx context.Context, tx *sqldb.Tx, taskID int64, status string) error {
	_, err := tx.ExecContext(ctx, `UPDATE conference_commitments SET task_status = ? WHERE task_id = ?`, status, taskID)
	return apperr.Wrap("democracy.commitmentTaskChanged", err)
}

// ConferenceRules are the legal numbers in force from a date.
type ConferenceRules struct {
	ID              int64
	EffectiveFrom   string
	DeadlineMonths  int
	QuorumNum       int
	QuorumDen       int
	PassNum         int
	PassDen         int
	ReviewMonths    int
	DelegatesFrom   int
	BoardMin        int
	BoardMax        int
	BoardStaffMin   int
	BoardTermMonths int
	BoardNoticeDays int
	BoardExcluded   []string
	AnswerDays      int
	Basis           string
}

// QuorumNeeded is the fewest present delegates that make the quorum.
func (r ConferenceRules) QuorumNeeded(delegates int) int {
	if r.QuorumDen == 0 {
		return delegates
	}
	return (delegates*r.QuorumNum + r.QuorumDen - 1) / r.QuorumDen
}

// HasQuorum reports whether present of delegates make the quorum.
func (r ConferenceRules) HasQuorum(delegates, present int) bool {
	return delegates > 0 && present*r.QuorumDen >= delegates*r.QuorumNum
}

// Passes reports whether votesFor out of present pass a motion (more than half).
func (r ConferenceRules) Passes(votesFor, present int) bool {
	return present > 0 && votesFor*r.PassDen > present*r.PassNum
}

// QuorumLabel is "2/3" in words for the page.
func (r ConferenceRules) QuorumLabel() string {
	if r.QuorumNum == 2 && r.QuorumDen == 3 {
		return "hai phần ba"
	}
	return strconv.Itoa(r.QuorumNum) + "/" + strconv.Itoa(r.QuorumDen)
}

// Excluded reports whether a position code may not sit on the board.
func (r ConferenceRules) Excluded(title string) bool {
	for _, x := range r.BoardExcluded {
		if x == title {
			return true
		}
	}
	return false
}

const ruleCols = `id, effective_from, deadline_months, quorum_num, quorum_den, pass_num, pass_den, review_months, delegates_from,
	board_min, board_max, board_staff_min, board_term_months, board_notice_days, board_excluded, answer_days, basis`

func scanRules(sc interface{ Scan(...any) error }) (ConferenceRules, error) {
	var r ConferenceRules
	var excl string
	err := sc.Scan(&r.ID, &r.EffectiveFrom, &r.DeadlineMonths, &r.QuorumNum, &r.QuorumDen, &r.PassNum, &r.PassDen, &r.ReviewMonths, &r.DelegatesFrom,
		&r.BoardMin, &r.BoardMax, &r.BoardStaffMin, &r.BoardTermMonths, &r.BoardNoticeDays, &excl, &r.AnswerDays, &r.Basis)
	for _, x := range strings.Split(excl, ",") {
		if x = strings.TrimSpace(x); x != "" {
			r.BoardExcluded = append(r.BoardExcluded, x)
		}
	}
	return r, err
}

// RulesOn returns the rules in force on a date (YYYY-MM-DD).
func RulesOn(ctx context.Context, q sqldb.Querier, date string) (ConferenceRules, error) {
	r, err := scanRules(q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM conference_rules WHERE effective_from <= ? ORDER BY effective_from DESC, id DESC LIMIT 1`, date))
	if errors.Is(err, sql.ErrNoRows) {
		// Before the first version: the earliest one.
		r, err = scanRules(q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM conference_rules ORDER BY effective_from, id LIMIT 1`))
	}
	return r, apperr.Wrap("democracy.RulesOn", err)
}

func rulesByID(ctx context.Context, q sqldb.Querier, id int64) (ConferenceRules, error) {
	r, err := scanRules(q.QueryRowContext(ctx, `SELECT `+ruleCols+` FROM conference_rules WHERE id = ?`, id))
	return r, apperr.Wrap("democracy.rulesByID", err)
}

// AllRules lists every rule version, newest first.
func AllRules(ctx context.Context, q sqldb.Querier) ([]ConferenceRules, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleCols+` FROM conference_rules ORDER BY effective_from DESC, id DESC`)
	if err != nil {
		return nil, apperr.Wrap("democracy.AllRules", err)
	}
	defer rows.Close()
	var out []ConferenceRules
	for rows.Next() {
		r, err := scanRules(rows)
		if err != nil {
			return nil, apperr.Wrap("democracy.AllRules", err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap("democracy.AllRules", rows.Err())
}

// DueOn is the last day of the legal window of the conference held in year: the work
// year (year - 1) ends on 31/12, the conference follows within DeadlineMonths.
func (r ConferenceRules) DueOn(year int) string {
	end := time.Date(year-1, 12, 31, 0, 0, 0, 0, time.UTC)
	// Last day of the month DeadlineMonths after December.
	d := time.Date(year, time.Month(r.DeadlineMonths)+1, 0, 0, 0, 0, 0, time.UTC)
	if r.DeadlineMonths <= 0 {
		d = end
	}
	return d.Format("2006-01-02")
}

// Conference states.
const (
	StatusPlanned = "planned" // Đã lên kế hoạch
	StatusHeld    = "held"    // Đã tổ chức (điểm danh, biểu quyết)
	StatusIssued  = "issued"  // Đã ban hành nghị quyết
)

// Delegate modes.
const (
	DelegatesAll     = "all"     // toàn thể cán bộ, công chức, viên chức, người lao động
	DelegatesElected = "elected" // đại biểu được bầu (cơ quan đông người)
)

// Item kinds.
const (
	ItemReport     = "report"     // báo cáo, không biểu quyết
	ItemMotion     = "motion"     // nội dung biểu quyết
	ItemResolution = "resolution" // thông qua nghị quyết hội nghị
)

// ItemKindLabel names an item kind.
func ItemKindLabel(k string) string {
	switch k {
	case ItemReport:
		return "Báo cáo, thảo luận"
	case ItemMotion:
		return "Biểu quyết"
	case ItemResolution:
		return "Thông qua nghị quyết"
	}
	return k
}

// Conference is one year's staff conference of an agency.
type Conference struct {
	ID           int64
	UnitID       int64
	UnitPath     string
	UnitName     string
	Year         int
	RuleID       int64
	DueOn        string
	PlannedOn    string
	HeldOn       string
	Place        string
	DelegateMode string
	ChairID      int64
	ChairName    string
	UnionID      int64
	UnionName    string
	UnionPath    string
	Status       string
	ResolutionNo string
	IssuedOn     string
	BoardID      int64
	CreatedAt    string
	// Counts.
	Delegates int
	Present   int
	// Filled by Conference.
	Rules       ConferenceRules
	People      []Delegate
	Items       []Item
	Commitments []Commitment
	Documents   []Document
}

// Title is the conference's name.
func (c Conference) Title() string {
	return "Hội nghị cán bộ, công chức, viên chức, người lao động năm " + strconv.Itoa(c.Year)
}

// HasQuorum reports whether the attendance makes the quorum.
func (c Conference) HasQuorum() bool { return c.Rules.HasQuorum(c.Delegates, c.Present) }

// QuorumNeeded is the fewest delegates present for the quorum.
func (c Conference) QuorumNeeded() int { return c.Rules.QuorumNeeded(c.Delegates) }

// StatusLabel is the state in Vietnamese.
func (c Conference) StatusLabel() string {
	switch c.Status {
	case StatusPlanned:
		return "Đã lên kế hoạch"
	case StatusHeld:
		return "Đã tổ chức, chưa ban hành nghị quyết"
	case StatusIssued:
		return "Đã ban hành nghị quyết"
	}
	return c.Status
}

// Timeliness says whether the conference was held in its window: "on-time", "late",
// "waiting" (not held, window open) or "overdue" (not held, window closed) on today.
func (c Conference) Timeliness(today string) string {
	switch {
	case c.HeldOn != "" && c.HeldOn <= c.DueOn:
		return "on-time"
	case c.HeldOn != "":
		return "late"
	case today > c.DueOn:
		return "overdue"
	}
	return "waiting"
}

// TimelinessLabel is Timeliness in words.
func TimelinessLabel(t string) string {
	switch t {
	case "on-time":
		return "Tổ chức đúng hạn"
	case "late":
		return "Tổ chức muộn"
	case "overdue":
		return "Quá hạn, chưa tổ chức"
	case "waiting":
		return "Chưa tổ chức, còn trong hạn"
	case "missing":
		return "Chưa lập kế hoạch, đã quá hạn"
	case "unplanned":
		return "Chưa lập kế hoạch"
	}
	return t
}

// Delegate is a person called to the conference, with their attendance.
type Delegate struct {
	PersonID int64
	Name     string
	UnitName string
	Present  bool
}

// Item is an agenda item; motions carry their votes.
type Item struct {
	ID           int64
	Seq          int
	Kind         string
	Title        string
	Content      string
	Voted        bool
	VotesFor     int
	VotesAgainst int
	VotesAbstain int
	Present      int
	Passed       bool
}

// KindLabel names the item's kind.
func (i Item) KindLabel() string { return ItemKindLabel(i.Kind) }

// Votable reports whether the item is put to a vote.
func (i Item) Votable() bool { return i.Kind != ItemReport }

// Percent is the share of those present who voted for, "87,5%".
func (i Item) Percent() string {
	if i.Present == 0 {
		return "0%"
	}
	return percentVN(float64(i.VotesFor) * 100 / float64(i.Present))
}

func percentVN(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "%"
}

// Commitment is one undertaking of the resolution, tracked as a task once issued.
type Commitment struct {
	ID        int64
	Seq       int
	Content   string
	LeadID    int64
	LeadName  string
	DueDays   int
	DueOn     string
	TaskID    int64
	TaskState string // plan task status
	TaskDone  string
	Percent   int
	Badge     work.Badge
}

// StateLabel is the commitment's state in words.
func (c Commitment) StateLabel() string {
	if c.TaskID == 0 {
		return "Chưa giao thực hiện"
	}
	return plan.StatusLabel(c.TaskState, false)
}

// Document is a text put to the staff before the day, through a draft's consultation round.
type Document struct {
	DraftID    int64
	RoundID    int64
	Title      string
	ClosesAt   string
	Comments   int
	Unanswered int
}

// ConferenceInput plans a conference.
type ConferenceInput struct {
	UnitID       int64
	Year         int
	PlannedOn    string // YYYY-MM-DD
	Place        string
	DelegateMode string
	DelegateIDs  []int64 // elected delegates (DelegatesElected)
}

func confNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func confItoa(n int64) string { return strconv.FormatInt(n, 10) }

// vnDateOf shows YYYY-MM-DD as dd/mm/yyyy.
func vnDateOf(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

func validYMD(s string) bool {
	_, err := calendar.ParseDate(s)
	return err == nil && len(s) == 10
}

// agency is the unit a conference belongs to, with its trade union.
type agency struct {
	org.Unit
	UnionID   int64
	UnionPath string
	UnionName string
}

func loadAgency(ctx context.Context, q sqldb.Querier, id int64) (agency, error) {
	u, err := org.GetUnit(ctx, q, id)
	if err != nil {
		return agency{}, err
	}
	a := agency{Unit: u}
	err = q.QueryRowContext(ctx, `SELECT id, path, name FROM units WHERE parent_id = ? AND kind = ? AND valid_to = '' ORDER BY id LIMIT 1`, id, string(org.KindTradeUnion)).Scan(&a.UnionID, &a.UnionPath, &a.UnionName)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return a, apperr.Wrap("democracy.loadAgency", err)
	}
	return a, nil
}

// CanManageConference reports whether p runs the conference of the agency at agencyPath
// whose trade union is at unionPath ("" if none): a grant allowing ManageConference on
// the agency itself or on its trade union; the administrator too.
func CanManageConference(p *org.Principal, agencyPath, unionPath string) bool {
	if p == nil {
		return false
	}
	if p.IsAdmin() {
		return true
	}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ManageConference) {
			continue
		}
		if g.UnitPath == agencyPath || (unionPath != "" && g.UnitPath == unionPath) {
			return true
		}
	}
	return false
}

// CanViewConference reports whether p sees the conference of the agency at agencyPath: a
// grant on it, above it or inside it.
func CanViewConference(p *org.Principal, agencyPath string) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ViewConference) && (strings.HasPrefix(agencyPath, g.UnitPath) || strings.HasPrefix(g.UnitPath, agencyPath)) {
			return true
		}
	}
	return false
}

// viewCond is the SQL condition on col (an agency path) for what p may see.
func viewCond(p *org.Principal, col string) (string, []any) {
	scope := p.Scope(org.ViewConference)
	cond, args := scope.SQL(col)
	var anc []string
	seen := map[string]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ViewConference) {
			continue
		}
		ids := org.PathIDs(g.UnitPath)
		path := "/"
		for _, id := range ids {
			path += confItoa(id) + "/"
			if !seen[path] {
				seen[path] = true
				anc = append(anc, path)
			}
		}
	}
	if len(anc) == 0 {
		return cond, args
	}
	cond = "(" + cond + " OR " + col + " IN (" + sqldb.Placeholders(len(anc)) + "))"
	for _, a := range anc {
		args = append(args, a)
	}
	return cond, args
}

// StaffOf lists the people managed in the agency's subtree, by name.
func StaffOf(ctx context.Context, q sqldb.Querier, agencyPath string) ([]Delegate, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.full_name, u.name FROM people p JOIN units u ON u.id = p.unit_id
		WHERE p.unit_path >= ? AND p.unit_path < ? ORDER BY p.name_key, p.id`, agencyPath, sqldb.PathEnd(agencyPath))
	if err != nil {
		return nil, apperr.Wrap("democracy.StaffOf", err)
	}
	defer rows.Close()
	var out []Delegate
	for rows.Next() {
		var d Delegate
		if err := rows.Scan(&d.PersonID, &d.Name, &d.UnitName); err != nil {
			return nil, apperr.Wrap("democracy.StaffOf", err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap("democracy.StaffOf", rows.Err())
}

func staffCount(ctx context.Context, q sqldb.Querier, agencyPath string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE unit_path >= ? AND unit_path < ?`, agencyPath, sqldb.PathEnd(agencyPath)).Scan(&n)
	return n, apperr.Wrap("democracy.staffCount", err)
}

// headOf is the agency's thủ trưởng (current position on the agency node), 0 if none.
func headOf(ctx context.Context, q sqldb.Querier, agencyID int64) int64 {
	var id int64
	_ = q.QueryRowContext(ctx, `SELECT person_id FROM positions WHERE unit_id = ? AND title = 'thu-truong' AND end_date = '' ORDER BY id LIMIT 1`, agencyID).Scan(&id)
	return id
}

// CreateConference plans the conference of an agency for a year. Errors: Invalid (per
// field), Forbidden, Conflict (the agency already has that year's conference).
func (s *ConferenceService) CreateConference(ctx context.Context, p *org.Principal, in ConferenceInput) (int64, error) {
	const op = "democracy.CreateConference"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		v.Op = op
		var a agency
		if in.UnitID == 0 {
			v.Add("unit_id", "Hãy chọn cơ quan.")
		} else {
			var err error
			a, err = loadAgency(ctx, tx, in.UnitID)
			switch {
			case err != nil:
				v.Add("unit_id", "Không tìm thấy cơ quan này.")
			case a.Kind != org.KindAgency:
				v.Add("unit_id", "Hội nghị cán bộ, công chức, viên chức, người lao động được tổ chức ở cơ quan (đơn vị loại Cơ quan).")
			case !CanManageConference(p, a.Path, a.UnionPath):
				return apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được lập kế hoạch hội nghị.")
			case !a.Active():
				v.Add("unit_id", "Cơ quan này đã giải thể.")
			}
		}
		now := tx.Now().In(work.VietnamZone)
		if in.Year < 2000 || in.Year > now.Year()+1 {
			v.Add("year", fmt.Sprintf("Năm tổ chức phải từ 2000 đến %d.", now.Year()+1))
		}
		if in.PlannedOn != "" && !validYMD(in.PlannedOn) {
			v.Add("planned_on", "Ngày dự kiến không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		in.Place = search.Clean(in.Place)
		if utf8.RuneCountInString(in.Place) > 300 {
			v.Add("place", "Địa điểm tối đa 300 ký tự.")
		}
		if in.DelegateMode != DelegatesElected {
			in.DelegateMode = DelegatesAll
		}
		if err := v.Err(); err != nil {
			return err
		}
		rules, err := RulesOn(ctx, tx, fmt.Sprintf("%d-01-01", in.Year))
		if err != nil {
			return err
		}
		staff, err := StaffOf(ctx, tx, a.Path)
		if err != nil {
			return err
		}
		delegates := make([]int64, 0, len(staff))
		if in.DelegateMode == DelegatesElected {
			if len(staff) < rules.DelegatesFrom {
				v.Add("delegate_mode", fmt.Sprintf("Cơ quan có %d người (dưới %d): hội nghị là hội nghị toàn thể, không bầu đại biểu.", len(staff), rules.DelegatesFrom))
			}
			isStaff := map[int64]bool{}
			for _, d := range staff {
				isStaff[d.PersonID] = true
			}
			seen := map[int64]bool{}
			for _, id := range in.DelegateIDs {
				if !isStaff[id] {
					v.Add("delegate_ids", "Có đại biểu không thuộc cơ quan này.")
					break
				}
				if !seen[id] {
					seen[id] = true
					delegates = append(delegates, id)
				}
			}
			if len(delegates) == 0 {
				v.Add("delegate_ids", "Hãy chọn các đại biểu được bầu dự hội nghị.")
			}
		} else {
			for _, d := range staff {
				delegates = append(delegates, d.PersonID)
			}
			if len(delegates) == 0 {
				v.Add("unit_id", "Cơ quan chưa có cán bộ nào trong danh sách nhân sự.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var dup int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM conferences WHERE unit_id = ? AND year = ?`, a.ID, in.Year).Scan(&dup); err == nil {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("%s đã có kế hoạch hội nghị năm %d.", a.Name, in.Year))
		}
		ts := sqldb.FormatTime(tx.Now())
		head := headOf(ctx, tx, a.ID)
		id, err = tx.InsertID(ctx, `INSERT INTO conferences (unit_id, unit_path, year, rule_id, due_on, planned_on, place, delegate_mode, chair_id, union_id, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.ID, a.Path, in.Year, rules.ID, rules.DueOn(in.Year), in.PlannedOn, in.Place, in.DelegateMode, confNullID(head), confNullID(a.UnionID), StatusPlanned, confNullID(p.UserID), ts, ts)
		if err != nil {
			if sqldb.IsUniqueViolation(err) {
				return apperr.New(apperr.Conflict, op, fmt.Sprintf("%s đã có kế hoạch hội nghị năm %d.", a.Name, in.Year))
			}
			return apperr.Wrap(op, err)
		}
		if err := insertDelegates(ctx, tx, id, delegates); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.ID, Entity: "conference", EntityID: id, Action: "create",
			Summary: fmt.Sprintf("Lập kế hoạch hội nghị cán bộ, công chức, viên chức, người lao động năm %d của %s (hạn %s, %d đại biểu)", in.Year, a.Name, vnDateOf(rules.DueOn(in.Year)), len(delegates)),
			After:   map[string]any{"input": in, "due_on": rules.DueOn(in.Year), "rule_id": rules.ID, "delegates": len(delegates)}})
	})
	return id, err
}

func insertDelegates(ctx context.Context, tx *sqldb.Tx, confID int64, ids []int64) error {
	const batch = 300
	for start := 0; start < len(ids); start += batch {
		end := min(start+batch, len(ids))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO conference_delegates (conference_id, person_id) VALUES `)
		args := make([]any, 0, 2*(end-start))
		for i, id := range ids[start:end] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?)")
			args = append(args, confID, id)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return apperr.Wrap("democracy.insertDelegates", err)
		}
	}
	return nil
}

const confCols = `c.id, c.unit_id, c.unit_path, u.name, c.year, c.rule_id, c.due_on, c.planned_on, c.held_on, c.place, c.delegate_mode,
	COALESCE(c.chair_id, 0), COALESCE(ch.full_name, ''), COALESCE(c.union_id, 0), COALESCE(un.name, ''), COALESCE(un.path, ''),
	c.status, c.resolution_no, c.issued_on, COALESCE(c.board_id, 0), c.created_at,
	(SELECT COUNT(*) FROM conference_delegates d WHERE d.conference_id = c.id),
	(SELECT COUNT(*) FROM conference_delegates d WHERE d.conference_id = c.id AND d.present = 1)`

const confFrom = ` FROM conferences c JOIN units u ON u.id = c.unit_id LEFT JOIN people ch ON ch.id = c.chair_id LEFT JOIN units un ON un.id = c.union_id`

func scanConference(sc interface{ Scan(...any) error }, c *Conference) error {
	return sc.Scan(&c.ID, &c.UnitID, &c.UnitPath, &c.UnitName, &c.Year, &c.RuleID, &c.DueOn, &c.PlannedOn, &c.HeldOn, &c.Place, &c.DelegateMode,
		&c.ChairID, &c.ChairName, &c.UnionID, &c.UnionName, &c.UnionPath, &c.Status, &c.ResolutionNo, &c.IssuedOn, &c.BoardID, &c.CreatedAt, &c.Delegates, &c.Present)
}

func (s *ConferenceService) load(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Conference, error) {
	var c Conference
	err := scanConference(q.QueryRowContext(ctx, `SELECT `+confCols+confFrom+` WHERE c.id = ?`, id), &c)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !CanViewConference(p, c.UnitPath)) {
		return c, apperr.New(apperr.NotFound, "democracy.Conference", "")
	}
	if err != nil {
		return c, apperr.Wrap("democracy.Conference", err)
	}
	c.Rules, err = rulesByID(ctx, q, c.RuleID)
	return c, err
}

// CanManage reports whether p runs c.
func (c Conference) CanManage(p *org.Principal) bool {
	return CanManageConference(p, c.UnitPath, c.UnionPath)
}

// CanIssue reports whether p may issue c's resolution and assign its commitments.
func (c Conference) CanIssue(p *org.Principal) bool {
	return c.CanManage(p) && p.CanPath(org.AssignTask, c.UnitPath)
}

// Conference returns a conference with its delegates, items, commitments and documents.
// Errors: NotFound (also when p may not see it).
func (s *ConferenceService) Conference(ctx context.Context, p *org.Principal, id int64) (Conference, error) {
	c, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return c, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT d.person_id, pe.full_name, u.name, d.present FROM conference_delegates d JOIN people pe ON pe.id = d.person_id JOIN units u ON u.id = pe.unit_id
		WHERE d.conference_id = ? ORDER BY pe.name_key, pe.id`, id)
	if err != nil {
		return c, apperr.Wrap("democracy.Conference", err)
	}
	for rows.Next() {
		var d Delegate
		var present int
		if err := rows.Scan(&d.PersonID, &d.Name, &d.UnitName, &present); err != nil {
			rows.Close()
			return c, apperr.Wrap("democracy.Conference", err)
		}
		d.Present = present == 1
		c.People = append(c.People, d)
	}
	rows.Close()
	if c.Items, err = s.items(ctx, s.DB, id); err != nil {
		return c, err
	}
	if c.Commitments, err = s.commitments(ctx, id); err != nil {
		return c, err
	}
	c.Documents, err = s.documents(ctx, id)
	return c, err
}

func (s *ConferenceService) items(ctx context.Context, q sqldb.Querier, confID int64) ([]Item, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, seq, kind, title, content, voted, votes_for, votes_against, votes_abstain, present, passed FROM conference_items WHERE conference_id = ? ORDER BY seq, id`, confID)
	if err != nil {
		return nil, apperr.Wrap("democracy.items", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var voted, passed int
		if err := rows.Scan(&it.ID, &it.Seq, &it.Kind, &it.Title, &it.Content, &voted, &it.VotesFor, &it.VotesAgainst, &it.VotesAbstain, &it.Present, &passed); err != nil {
			return nil, apperr.Wrap("democracy.items", err)
		}
		it.Voted, it.Passed = voted == 1, passed == 1
		out = append(out, it)
	}
	return out, apperr.Wrap("democracy.items", rows.Err())
}

func (s *ConferenceService) commitments(ctx context.Context, confID int64) ([]Commitment, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT cm.id, cm.seq, cm.content, cm.lead_id, pe.full_name, cm.due_days, cm.due_on, COALESCE(cm.task_id, 0), COALESCE(t.status, ''), COALESCE(t.done_on, ''), COALESCE(t.percent, 0), COALESCE(t.due_on, '')
		FROM conference_commitments cm JOIN people pe ON pe.id = cm.lead_id LEFT JOIN tasks t ON t.id = cm.task_id WHERE cm.conference_id = ? ORDER BY cm.seq, cm.id`, confID)
	if err != nil {
		return nil, apperr.Wrap("democracy.commitments", err)
	}
	defer rows.Close()
	var out []Commitment
	for rows.Next() {
		var c Commitment
		var taskDue string
		if err := rows.Scan(&c.ID, &c.Seq, &c.Content, &c.LeadID, &c.LeadName, &c.DueDays, &c.DueOn, &c.TaskID, &c.TaskState, &c.TaskDone, &c.Percent, &taskDue); err != nil {
			return nil, apperr.Wrap("democracy.commitments", err)
		}
		if taskDue != "" {
			c.DueOn = taskDue
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("democracy.commitments", err)
	}
	cal := s.Calendar()
	today := calendar.MustParseDate(work.Today(s.DB.Now()))
	for i := range out {
		c := &out[i]
		if c.TaskID == 0 || c.DueOn == "" {
			continue
		}
		due, err := calendar.ParseDate(c.DueOn)
		if err != nil {
			continue
		}
		left := cal.WorkingDaysBetween(today, due)
		c.Badge = work.MakeBadge(c.DueOn, left, c.TaskState == plan.StatusDone, "")
	}
	return out, nil
}

func (s *ConferenceService) documents(ctx context.Context, confID int64) ([]Document, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT cd.draft_id, COALESCE(cd.round_id, 0), d.title, COALESCE(r.closes_at, ''),
		(SELECT COUNT(*) FROM draft_comments m WHERE m.round_id = cd.round_id)
		FROM conference_documents cd JOIN drafts d ON d.id = cd.draft_id LEFT JOIN draft_rounds r ON r.id = cd.round_id WHERE cd.conference_id = ? ORDER BY cd.id`, confID)
	if err != nil {
		return nil, apperr.Wrap("democracy.documents", err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		if err := rows.Scan(&d.DraftID, &d.RoundID, &d.Title, &d.ClosesAt, &d.Comments); err != nil {
			return nil, apperr.Wrap("democracy.documents", err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap("democracy.documents", rows.Err())
}

// ConferenceFilter selects conferences for the list.
type ConferenceFilter struct {
	Year   int
	UnitID int64 // an agency or a unit above: its subtree
	Limit  int
}

// Conferences lists the conferences p may see, newest year first.
func (s *ConferenceService) Conferences(ctx context.Context, p *org.Principal, f ConferenceFilter) ([]Conference, error) {
	cond, args := viewCond(p, "c.unit_path")
	where := []string{cond}
	if f.Year != 0 {
		where = append(where, "c.year = ?")
		args = append(args, f.Year)
	}
	if f.UnitID != 0 {
		path, err := org.UnitPath(ctx, s.DB, f.UnitID)
		if err != nil {
			return nil, apperr.New(apperr.NotFound, "democracy.Conferences", "")
		}
		where = append(where, "c.unit_path >= ? AND c.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	if f.Year == 0 {
		// Only the newest years that fill the page are sorted by name: the whole tree's
		// 10.000 conferences were each joined to its unit and sorted for 200 (0,12 s).
		from, err := s.pageYears(ctx, strings.Join(where, " AND "), args, f.Limit)
		if err != nil {
			return nil, err
		}
		if from != 0 {
			where = append(where, "c.year >= ?")
			args = append(args, from)
		}
	}
	// The page's rows are chosen first from the conferences and their units' names; the
	// chair, the trade union and the delegates are read for those rows only (SQLite
	// computes a row's columns before it sorts: they were read for every row of the years).
	rows, err := s.DB.QueryContext(ctx, `SELECT x.id, x.unit_id, x.unit_path, x.unit_name, x.year, x.rule_id, x.due_on, x.planned_on, x.held_on, x.place, x.delegate_mode,
		COALESCE(x.chair_id, 0), COALESCE(ch.full_name, ''), COALESCE(x.union_id, 0), COALESCE(un.name, ''), COALESCE(un.path, ''),
		x.status, x.resolution_no, x.issued_on, COALESCE(x.board_id, 0), x.created_at,
		(SELECT COUNT(*) FROM conference_delegates d WHERE d.conference_id = x.id),
		(SELECT COUNT(*) FROM conference_delegates d WHERE d.conference_id = x.id AND d.present = 1)
		FROM (SELECT c.id, c.unit_id, c.unit_path, u.name AS unit_name, c.year, c.rule_id, c.due_on, c.planned_on, c.held_on, c.place, c.delegate_mode,
			c.chair_id, c.union_id, c.status, c.resolution_no, c.issued_on, c.board_id, c.created_at
			FROM conferences c JOIN units u ON u.id = c.unit_id WHERE `+strings.Join(where, " AND ")+` ORDER BY c.year DESC, u.name, c.id LIMIT `+strconv.Itoa(f.Limit)+`) x
		LEFT JOIN people ch ON ch.id = x.chair_id LEFT JOIN units un ON un.id = x.union_id
		ORDER BY x.year DESC, x.unit_name, x.id`, args...)
	if err != nil {
		return nil, apperr.Wrap("democracy.Conferences", err)
	}
	defer rows.Close()
	var out []Conference
	for rows.Next() {
		var c Conference
		if err := scanConference(rows, &c); err != nil {
			return nil, apperr.Wrap("democracy.Conferences", err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap("democracy.Conferences", rows.Err())
}

// pageYears returns the oldest year a page of limit conferences (newest year first)
// reaches among those where selects, or 0 when the page takes them all.
func (s *ConferenceService) pageYears(ctx context.Context, where string, args []any, limit int) (int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT c.year, COUNT(*) FROM conferences c WHERE `+where+` GROUP BY c.year ORDER BY c.year DESC`, args...)
	if err != nil {
		return 0, apperr.Wrap("democracy.Conferences", err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var year, n int
		if err := rows.Scan(&year, &n); err != nil {
			return 0, apperr.Wrap("democracy.Conferences", err)
		}
		if seen += n; seen >= limit {
			return year, nil
		}
	}
	return 0, apperr.Wrap("democracy.Conferences", rows.Err())
}

// ManagedAgencies lists the agencies where p may plan a conference through its grants
// (the administrator's come from PlannableAgencies).
func (s *ConferenceService) ManagedAgencies(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	return managedAgencies(ctx, s.DB, p, false)
}

// lockForChange loads c inside tx for a change by p and checks p runs it.
func (s *ConferenceService) lockForChange(ctx context.Context, tx *sqldb.Tx, p *org.Principal, id int64, op string) (Conference, error) {
	c, err := s.load(ctx, tx, p, id)
	if err != nil {
		return c, err
	}
	if !c.CanManage(p) {
		return c, apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được điều hành hội nghị.")
	}
	return c, nil
}

var errIssued = "Nghị quyết hội nghị đã ban hành; không sửa được nội dung hội nghị nữa."

// RecordAttendance records who is present (the others are absent) and the day it was
// held; the conference becomes held. Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *ConferenceService) RecordAttendance(ctx context.Context, p *org.Principal, id int64, heldOn string, present []int64) error {
	const op = "democracy.RecordAttendance"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if c.Status == StatusIssued {
			return apperr.New(apperr.Conflict, op, errIssued)
		}
		var v apperr.Validation
		v.Op = op
		today := work.Today(tx.Now())
		switch {
		case heldOn == "":
			v.Add("held_on", "Hãy nhập ngày tổ chức hội nghị.")
		case !validYMD(heldOn):
			v.Add("held_on", "Ngày tổ chức không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		case heldOn > today:
			v.Add("held_on", "Ngày tổ chức không được sau hôm nay: điểm danh ghi nhận người đã có mặt.")
		}
		isDelegate := map[int64]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT person_id FROM conference_delegates WHERE conference_id = ?`, id)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		for rows.Next() {
			var pid int64
			if err := rows.Scan(&pid); err != nil {
				rows.Close()
				return apperr.Wrap(op, err)
			}
			isDelegate[pid] = true
		}
		rows.Close()
		seen := map[int64]bool{}
		var ids []int64
		for _, pid := range present {
			if !isDelegate[pid] {
				v.Add("present", "Có người được đánh dấu có mặt không phải là đại biểu của hội nghị.")
				break
			}
			if !seen[pid] {
				seen[pid] = true
				ids = append(ids, pid)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		// Votes already recorded were counted on the attendance of their time: once a vote
		// is taken, fewer present than voters would make the record contradict itself.
		var maxVoters int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(votes_for + votes_against + votes_abstain), 0) FROM conference_items WHERE conference_id = ? AND voted = 1`, id).Scan(&maxVoters); err != nil {
			return apperr.Wrap(op, err)
		}
		if len(ids) < maxVoters {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Đã có nội dung được biểu quyết với %d phiếu; số người có mặt không thể ít hơn %d.", maxVoters, maxVoters))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conference_delegates SET present = 0 WHERE conference_id = ?`, id); err != nil {
			return apperr.Wrap(op, err)
		}
		for start := 0; start < len(ids); start += 300 {
			end := min(start+300, len(ids))
			args := []any{id}
			for _, pid := range ids[start:end] {
				args = append(args, pid)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE conference_delegates SET present = 1 WHERE conference_id = ? AND person_id IN (`+sqldb.Placeholders(end-start)+`)`, args...); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conferences SET held_on = ?, status = ?, updated_at = ? WHERE id = ?`, heldOn, StatusHeld, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		quorum := "chưa đủ"
		if c.Rules.HasQuorum(c.Delegates, len(ids)) {
			quorum = "đủ"
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "attendance",
			Summary: fmt.Sprintf("Điểm danh hội nghị năm %d ngày %s: có mặt %d/%d đại biểu (%s số lượng tối thiểu %d)", c.Year, vnDateOf(heldOn), len(ids), c.Delegates, quorum, c.Rules.QuorumNeeded(c.Delegates)),
			Before:  map[string]any{"present": c.Present, "held_on": c.HeldOn}, After: map[string]any{"present": len(ids), "held_on": heldOn, "people": ids}})
	})
}

// ItemInput is an agenda item.
type ItemInput struct {
	Kind    string
	Title   string
	Content string
}

// AddItem appends an agenda item. Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *ConferenceService) AddItem(ctx context.Context, p *org.Principal, id int64, in ItemInput) (int64, error) {
	const op = "democracy.AddItem"
	var itemID int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if c.Status == StatusIssued {
			return apperr.New(apperr.Conflict, op, errIssued)
		}
		var v apperr.Validation
		v.Op = op
		in.Title = search.Clean(in.Title)
		in.Content = search.Clean(in.Content)
		if in.Kind != ItemReport && in.Kind != ItemMotion && in.Kind != ItemResolution {
			v.Add("kind", "Hãy chọn loại nội dung.")
		}
		if in.Title == "" {
			v.Add("title", "Hãy nhập tên nội dung.")
		} else if utf8.RuneCountInString(in.Title) > 300 {
			v.Add("title", "Tên nội dung tối đa 300 ký tự.")
		}
		if utf8.RuneCountInString(in.Content) > 20000 {
			v.Add("content", "Nội dung tối đa 20.000 ký tự.")
		}
		if in.Kind == ItemResolution {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM conference_items WHERE conference_id = ? AND kind = ?`, id, ItemResolution).Scan(&n); err != nil {
				return apperr.Wrap(op, err)
			}
			if n > 0 {
				v.Add("kind", "Hội nghị đã có nội dung thông qua nghị quyết.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM conference_items WHERE conference_id = ?`, id).Scan(&seq); err != nil {
			return apperr.Wrap(op, err)
		}
		itemID, err = tx.InsertID(ctx, `INSERT INTO conference_items (conference_id, seq, kind, title, content) VALUES (?, ?, ?, ?, ?) RETURNING id`, id, seq, in.Kind, in.Title, in.Content)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "item",
			Summary: "Thêm nội dung hội nghị: " + in.Title + " (" + ItemKindLabel(in.Kind) + ")", After: map[string]any{"item_id": itemID, "input": in}})
	})
	return itemID, err
}

// Votes are the counts of one vote.
type Votes struct {
	For     int
	Against int
	Abstain int
}

// Total is everyone who voted.
func (v Votes) Total() int { return v.For + v.Against + v.Abstain }

// checkVotes validates counts against those present and the quorum; the message names
// the numbers. It returns whether the motion passes.
func checkVotes(c Conference, v Votes, op string) (bool, error) {
	var val apperr.Validation
	val.Op = op
	if v.For < 0 || v.Against < 0 || v.Abstain < 0 {
		val.Add("votes_for", "Số phiếu không được âm.")
		return false, val.Err()
	}
	if c.Status == StatusPlanned || c.HeldOn == "" {
		return false, apperr.New(apperr.Conflict, op, "Hội nghị chưa điểm danh: hãy ghi nhận người có mặt trước khi biểu quyết.")
	}
	if !c.HasQuorum() {
		return false, apperr.New(apperr.Conflict, op, fmt.Sprintf("Hội nghị không đủ số đại biểu tối thiểu (có mặt %d/%d, cần ít nhất %d, tức %s số đại biểu): không nội dung nào, kể cả nghị quyết, được biểu quyết thông qua.",
			c.Present, c.Delegates, c.QuorumNeeded(), c.Rules.QuorumLabel()))
	}
	if v.Total() > c.Present {
		e := &apperr.Error{Kind: apperr.Invalid, Op: op, Message: fmt.Sprintf("Tổng số phiếu (%d) vượt quá số đại biểu có mặt (%d).", v.Total(), c.Present),
			Fields: map[string]string{"votes_for": fmt.Sprintf("Tán thành %d + không tán thành %d + không biểu quyết %d = %d, nhiều hơn %d người có mặt.", v.For, v.Against, v.Abstain, v.Total(), c.Present)}}
		return false, e
	}
	if v.Total() == 0 {
		val.Add("votes_for", "Hãy nhập số phiếu.")
		return false, val.Err()
	}
	return c.Rules.Passes(v.For, c.Present), nil
}

// RecordVotes records the vote on an item; it passes with more than half of those
// present. Errors: NotFound, Forbidden, Invalid (counts), Conflict (no quorum, not held,
// already issued, not a votable item).
func (s *ConferenceService) RecordVotes(ctx context.Context, p *org.Principal, id, itemID int64, v Votes) (bool, error) {
	const op = "democracy.RecordVotes"
	var passed bool
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if c.Status == StatusIssued {
			return apperr.New(apperr.Conflict, op, errIssued)
		}
		items, err := s.items(ctx, tx, id)
		if err != nil {
			return err
		}
		var it *Item
		for i := range items {
			if items[i].ID == itemID {
				it = &items[i]
			}
		}
		if it == nil {
			return apperr.New(apperr.NotFound, op, "")
		}
		if !it.Votable() {
			return apperr.New(apperr.Conflict, op, "Nội dung này là báo cáo, thảo luận; không biểu quyết.")
		}
		if passed, err = checkVotes(c, v, op); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conference_items SET voted = 1, votes_for = ?, votes_against = ?, votes_abstain = ?, present = ?, passed = ? WHERE id = ?`,
			v.For, v.Against, v.Abstain, c.Present, boolInt(passed), itemID); err != nil {
			return apperr.Wrap(op, err)
		}
		word := "không được thông qua"
		if passed {
			word = "được thông qua"
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "vote",
			Summary: fmt.Sprintf("Biểu quyết \"%s\": %d tán thành, %d không tán thành, %d không biểu quyết trên %d có mặt — %s", it.Title, v.For, v.Against, v.Abstain, c.Present, word),
			Before:  map[string]any{"for": it.VotesFor, "against": it.VotesAgainst, "abstain": it.VotesAbstain, "passed": it.Passed},
			After:   map[string]any{"item_id": itemID, "for": v.For, "against": v.Against, "abstain": v.Abstain, "present": c.Present, "passed": passed}})
	})
	return passed, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CommitmentInput is one commitment of the resolution.
type CommitmentInput struct {
	Content string
	LeadID  int64 // 0: the head
	DueDays int   // working days from the resolution's issue
	DueOn   string
}

// AddCommitment adds a commitment to the resolution before it is issued. Errors:
// NotFound, Forbidden, Invalid, Conflict.
func (s *ConferenceService) AddCommitment(ctx context.Context, p *org.Principal, id int64, in CommitmentInput) (int64, error) {
	const op = "democracy.AddCommitment"
	var cid int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if c.Status == StatusIssued {
			return apperr.New(apperr.Conflict, op, errIssued)
		}
		var v apperr.Validation
		v.Op = op
		in.Content = search.Clean(in.Content)
		if in.Content == "" {
			v.Add("content", "Hãy nhập nội dung cam kết, nhiệm vụ của nghị quyết.")
		} else if utf8.RuneCountInString(in.Content) > 1000 {
			v.Add("content", "Nội dung tối đa 1.000 ký tự.")
		}
		if in.LeadID == 0 {
			in.LeadID = c.ChairID
		}
		if in.LeadID == 0 {
			v.Add("lead_id", "Hãy chọn người chịu trách nhiệm (cơ quan chưa có thủ trưởng trong danh sách).")
		} else {
			var path string
			if err := tx.QueryRowContext(ctx, `SELECT unit_path FROM people WHERE id = ?`, in.LeadID).Scan(&path); err != nil || !strings.HasPrefix(path, c.UnitPath) {
				v.Add("lead_id", "Người chịu trách nhiệm phải là cán bộ của "+c.UnitName+".")
			}
		}
		switch {
		case in.DueOn != "" && !validYMD(in.DueOn):
			v.Add("due_on", "Hạn hoàn thành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		case in.DueOn == "" && (in.DueDays <= 0 || in.DueDays > 1000):
			v.Add("due_days", "Hãy nhập hạn hoàn thành, hoặc số ngày làm việc (1 đến 1.000) kể từ ngày ban hành nghị quyết.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if in.DueOn != "" {
			in.DueDays = 0
		}
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM conference_commitments WHERE conference_id = ?`, id).Scan(&seq); err != nil {
			return apperr.Wrap(op, err)
		}
		cid, err = tx.InsertID(ctx, `INSERT INTO conference_commitments (conference_id, seq, content, lead_id, due_days, due_on, unit_path) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, seq, in.Content, in.LeadID, in.DueDays, in.DueOn, c.UnitPath)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "commitment",
			Summary: "Thêm cam kết của nghị quyết: " + in.Content, After: map[string]any{"commitment_id": cid, "input": in}})
	})
	return cid, err
}

// IssueInput is the resolution's number and date.
type IssueInput struct {
	Number   string // "01/NQ-HNCBCC"
	IssuedOn string // YYYY-MM-DD
}

// IssueResolution issues the resolution: the conference was held with its quorum, the
// resolution item passed, and each commitment becomes a task of the agency with its
// person answerable and the trade union in support — all in one transaction. Errors:
// NotFound, Forbidden, Invalid, Conflict.
func (s *ConferenceService) IssueResolution(ctx context.Context, p *org.Principal, id int64, in IssueInput) error {
	const op = "democracy.IssueResolution"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if !c.CanIssue(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng hoặc văn phòng cơ quan ban hành nghị quyết và giao thực hiện các cam kết.")
		}
		if c.Status == StatusIssued {
			return apperr.New(apperr.Conflict, op, "Nghị quyết đã được ban hành (số "+c.ResolutionNo+").")
		}
		if c.Status != StatusHeld {
			return apperr.New(apperr.Conflict, op, "Hội nghị chưa tổ chức: hãy điểm danh và biểu quyết trước khi ban hành nghị quyết.")
		}
		if !c.HasQuorum() {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Hội nghị không đủ số đại biểu tối thiểu (có mặt %d/%d, cần ít nhất %d): không thể thông qua nghị quyết.", c.Present, c.Delegates, c.QuorumNeeded()))
		}
		items, err := s.items(ctx, tx, id)
		if err != nil {
			return err
		}
		var res *Item
		for i := range items {
			if items[i].Kind == ItemResolution {
				res = &items[i]
			}
		}
		switch {
		case res == nil:
			return apperr.New(apperr.Conflict, op, "Chưa có nội dung \"Thông qua nghị quyết\" trong chương trình hội nghị.")
		case !res.Voted:
			return apperr.New(apperr.Conflict, op, "Nghị quyết chưa được biểu quyết.")
		case !res.Passed:
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Nghị quyết không được thông qua (%d/%d tán thành, cần hơn một nửa số người có mặt).", res.VotesFor, res.Present))
		}
		var v apperr.Validation
		v.Op = op
		in.Number = search.Clean(in.Number)
		if in.Number == "" {
			v.Add("number", "Hãy nhập số, ký hiệu nghị quyết (ví dụ 01/NQ-HNCBCC).")
		} else if utf8.RuneCountInString(in.Number) > 60 {
			v.Add("number", "Số, ký hiệu tối đa 60 ký tự.")
		}
		switch {
		case in.IssuedOn == "":
			v.Add("issued_on", "Hãy nhập ngày ban hành.")
		case !validYMD(in.IssuedOn):
			v.Add("issued_on", "Ngày ban hành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		case in.IssuedOn < c.HeldOn:
			v.Add("issued_on", "Ngày ban hành không được trước ngày tổ chức hội nghị ("+vnDateOf(c.HeldOn)+").")
		}
		cms, err := s.commitmentsTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(cms) == 0 {
			v.Add("number", "Nghị quyết chưa có cam kết, nhiệm vụ nào để giao thực hiện.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var support []int64
		if c.UnionID != 0 {
			support = []int64{c.UnionID}
		}
		for _, cm := range cms {
			tin := plan.TaskInput{Title: "Thực hiện Nghị quyết hội nghị CBCCVC năm " + strconv.Itoa(c.Year) + ": " + cm.Content,
				Description: "Cam kết số " + strconv.Itoa(cm.Seq) + " của Nghị quyết " + in.Number + " ngày " + vnDateOf(in.IssuedOn) + " của " + c.Title() + ", " + c.UnitName + ". Công đoàn cơ quan phối hợp; Ban Thanh tra nhân dân giám sát.",
				UnitID:      c.UnitID, LeadID: cm.LeadID, OrganiserID: c.ChairID, SupportUnits: support, StartOn: in.IssuedOn, DueOn: cm.DueOn, DueDays: cm.DueDays, Priority: 2}
			if cm.DueOn != "" && cm.DueOn < in.IssuedOn {
				return apperr.New(apperr.Invalid, op, "Hạn của cam kết \""+cm.Content+"\" ("+vnDateOf(cm.DueOn)+") trước ngày ban hành nghị quyết.")
			}
			taskID, err := s.Plans.CreateTaskTx(ctx, tx, p, tin)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE conference_commitments SET task_id = ?, task_status = t.status, task_due_on = t.due_on FROM tasks t WHERE t.id = ? AND conference_commitments.id = ?`, taskID, taskID, cm.ID); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conferences SET status = ?, resolution_no = ?, issued_on = ?, updated_at = ? WHERE id = ?`,
			StatusIssued, in.Number, in.IssuedOn, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "issue",
			Summary: fmt.Sprintf("Ban hành Nghị quyết %s ngày %s của hội nghị năm %d; giao %d cam kết thành nhiệm vụ", in.Number, vnDateOf(in.IssuedOn), c.Year, len(cms)),
			After:   map[string]any{"input": in, "commitments": len(cms)}})
	})
}

type commitmentRow struct {
	ID      int64
	Seq     int
	Content string
	LeadID  int64
	DueDays int
	DueOn   string
}

func (s *ConferenceService) commitmentsTx(ctx context.Context, tx *sqldb.Tx, id int64) ([]commitmentRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, seq, content, lead_id, due_days, due_on FROM conference_commitments WHERE conference_id = ? ORDER BY seq, id`, id)
	if err != nil {
		return nil, apperr.Wrap("democracy.commitmentsTx", err)
	}
	defer rows.Close()
	var out []commitmentRow
	for rows.Next() {
		var c commitmentRow
		if err := rows.Scan(&c.ID, &c.Seq, &c.Content, &c.LeadID, &c.DueDays, &c.DueOn); err != nil {
			return nil, apperr.Wrap("democracy.commitmentsTx", err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap("democracy.commitmentsTx", rows.Err())
}

// DocumentInput puts a text to the staff for comments before the day.
type DocumentInput struct {
	Title    string
	Kind     string // draft kind: "Báo cáo", "Quy chế"…
	Body     string
	ClosesAt time.Time // UTC
}

// AddDocument creates a draft of the agency and opens its consultation round for the
// agency's staff (the drafts module, invited unit: the agency), then links it to the
// conference. The draft and the round are the drafts module's own records; only the link
// is ours. Errors: NotFound, Forbidden, Invalid.
func (s *ConferenceService) AddDocument(ctx context.Context, p *org.Principal, id int64, in DocumentInput) (int64, error) {
	const op = "democracy.AddDocument"
	c, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return 0, err
	}
	if !c.CanManage(p) {
		return 0, apperr.New(apperr.Forbidden, op, "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được đưa tài liệu ra lấy ý kiến.")
	}
	if c.Status == StatusIssued {
		return 0, apperr.New(apperr.Conflict, op, errIssued)
	}
	if !p.CanPath(org.ManageDraft, c.UnitPath) {
		return 0, apperr.New(apperr.Forbidden, op, "Lấy ý kiến cán bộ về dự thảo là việc của thủ trưởng, văn phòng cơ quan (quyền quản lý dự thảo của cơ quan).")
	}
	if in.Kind == "" {
		in.Kind = "Báo cáo"
	}
	drafter := p.PersonID
	if drafter == 0 {
		drafter = c.ChairID
	}
	head := c.ChairID
	if head == 0 {
		head = drafter
	}
	if in.ClosesAt.IsZero() {
		return 0, &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"closes_on": "Hãy nhập hạn góp ý (trước ngày hội nghị)."}}
	}
	if c.PlannedOn != "" && sqldb.FormatTime(in.ClosesAt) > c.PlannedOn+"T17:00:00Z" {
		return 0, &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"closes_on": "Hạn góp ý phải trước ngày hội nghị (" + vnDateOf(c.PlannedOn) + ")."}}
	}
	var draftID int64
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		draftID, err = s.Drafts.CreateTx(ctx, tx, p, draft.Input{Title: in.Title, Kind: in.Kind, UnitID: c.UnitID, DrafterID: drafter, HeadID: head, Body: in.Body})
		if err != nil {
			return err
		}
		roundID, err := s.Drafts.OpenRoundTx(ctx, tx, p, draftID, draft.RoundInput{OpensAt: tx.Now(), ClosesAt: in.ClosesAt, UnitIDs: []int64{c.UnitID},
			Note: "Lấy ý kiến cán bộ, công chức, viên chức, người lao động trước " + c.Title() + "."})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conference_documents (conference_id, draft_id, round_id, created_at) VALUES (?, ?, ?, ?)`, id, draftID, roundID, sqldb.FormatTime(tx.Now())); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "document",
			Summary: "Đưa tài liệu \"" + search.Clean(in.Title) + "\" ra lấy ý kiến cán bộ trước hội nghị (đến " + in.ClosesAt.In(work.VietnamZone).Format("02/01/2006") + ")",
			After:   map[string]any{"draft_id": draftID, "round_id": roundID}})
	})
	return draftID, err
}

// LinkDocument links an existing draft of the agency (its latest round) to the
// conference. Errors: NotFound, Forbidden, Conflict.
func (s *ConferenceService) LinkDocument(ctx context.Context, p *org.Principal, id, draftID int64) error {
	const op = "democracy.LinkDocument"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if draftID == 0 { // after the rights: whoever may not link learns nothing of the form
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Hãy chọn dự thảo.", Fields: map[string]string{"draft_id": "Hãy chọn dự thảo."}}
		}
		var path, title string
		var roundID sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT d.unit_path, d.title, (SELECT MAX(r.id) FROM draft_rounds r WHERE r.draft_id = d.id) FROM drafts d WHERE d.id = ?`, draftID).Scan(&path, &title, &roundID)
		if err != nil || !strings.HasPrefix(path, c.UnitPath) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy dự thảo này trong cơ quan.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conference_documents (conference_id, draft_id, round_id, created_at) VALUES (?, ?, ?, ?)`, id, draftID, roundID, sqldb.FormatTime(tx.Now())); err != nil {
			if sqldb.IsUniqueViolation(err) {
				return apperr.New(apperr.Conflict, op, "Tài liệu này đã có trong hội nghị.")
			}
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "conference", EntityID: id, Action: "document",
			Summary: "Gắn dự thảo \"" + title + "\" vào tài liệu hội nghị", After: map[string]any{"draft_id": draftID}})
	})
}
