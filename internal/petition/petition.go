// Package petition handles citizens' complaints (khiếu nại), denunciations (tố cáo) and
// feedback (kiến nghị, phản ánh) within their legal time limits.
//
// Vocabulary: Petition = đơn thư; Kind = loại đơn; Channel = nguồn đơn (trực tuyến, tiếp
// công dân, bưu chính, cơ quan khác chuyển đến); State = trạng thái; Step = bước xử lý
// with its deadline (thời hạn) stored on the petition (petition_steps); Rule = quy định về
// thời hạn, versioned data (petition_rules) with an effective date; Case = hồ sơ vụ việc;
// lead unit / person = đơn vị, người chủ trì giải quyết; support units = đơn vị phối hợp;
// accept = thụ lý; forward = chuyển đơn; reject = không thụ lý; extend = gia hạn;
// suspend / resume = tạm đình chỉ / tiếp tục giải quyết; resolve = giải quyết (quyết
// định, kết luận); close = kết thúc, lưu hồ sơ.
//
// Rights: a petition belongs to its handling unit (unit_path). ViewPetition on the unit
// shows it; HandlePetition records actions. The people assigned (lead, support, the
// officer who received it) see it too.
//
// Confidentiality (Luật Tố cáo 2018): the identity of a denouncer — name, phone, e-mail,
// address, ID number — is shown only to the people assigned to the case and to the head
// of the handling unit (thủ trưởng, stored as head_person_id). The service masks it in
// every petition it returns to anyone else, so pages, exports and the API cannot leak it;
// identity is never written into the audit log, notifications or the public history, and
// a denouncer's identity is not part of the search text.
//
// Deadlines: each step's limit is computed when the step opens from the rule in force on
// the day the petition was received, and stored (amount, unit, due date), so a later rule
// version does not change old petitions.
package petition

import (
	"context"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Service holds the petition rules and SQL.
type Service struct {
	DB *sqldb.DB
	// Calendar returns the working-day calendar in force (the administrator's
	// adjustments included; see CalendarStore).
	Calendar func() *calendar.Calendar
}

// NewService returns the petition service.
func NewService(db *sqldb.DB) *Service {
	return &Service{DB: db, Calendar: func() *calendar.Calendar { return calendar.New(nil) }}
}

// Kind is the kind of a petition.
type Kind string

const (
	Complaint    Kind = "khieu-nai" // khiếu nại
	Denunciation Kind = "to-cao"    // tố cáo
	Feedback     Kind = "kien-nghi" // kiến nghị, phản ánh
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{Complaint, Denunciation, Feedback}

// Lower is the label in lower case, inside a sentence ("đơn tố cáo").
func (k Kind) Lower() string { return strings.ToLower(k.Label()) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Complaint || k == Denunciation || k == Feedback }

// Label is the Vietnamese name of the kind.
func (k Kind) Label() string {
	switch k {
	case Complaint:
		return "Khiếu nại"
	case Denunciation:
		return "Tố cáo"
	case Feedback:
		return "Kiến nghị, phản ánh"
	case "":
		return "Mọi loại đơn"
	}
	return string(k)
}

// Channel is how a petition arrived.
type Channel string

const (
	Online    Channel = "online"    // cổng trực tuyến
	InPerson  Channel = "in-person" // tiếp công dân trực tiếp
	Post      Channel = "post"      // qua bưu chính
	Forwarded Channel = "forwarded" // cơ quan, tổ chức khác chuyển đến
)

// Channels lists the channels.
var Channels = []Channel{Online, InPerson, Post, Forwarded}

// Label names the channel.
func (c Channel) Label() string {
	switch c {
	case Online:
		return "Gửi trực tuyến"
	case InPerson:
		return "Tiếp công dân trực tiếp"
	case Post:
		return "Qua bưu chính"
	case Forwarded:
		return "Cơ quan khác chuyển đến"
	}
	return string(c)
}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, x := range Channels {
		if x == c {
			return true
		}
	}
	return false
}

// State is where a petition is in its life.
type State string

const (
	Received     State = "received"    // Đã tiếp nhận
	Classified   State = "classified"  // Đã phân loại
	ForwardedOut State = "forwarded"   // Đã chuyển đơn
	Rejected     State = "rejected"    // Không thụ lý
	Accepted     State = "accepted"    // Đã thụ lý
	InProgress   State = "in-progress" // Đang giải quyết
	Extended     State = "extended"    // Đang giải quyết (đã gia hạn)
	Suspended    State = "suspended"   // Tạm đình chỉ
	Resolved     State = "resolved"    // Đã giải quyết
	Closed       State = "closed"      // Đã kết thúc
)

// States lists the states in order.
var States = []State{Received, Classified, ForwardedOut, Rejected, Accepted, InProgress, Extended, Suspended, Resolved, Closed}

// Label names the state in Vietnamese (shown to citizens too).
func (s State) Label() string {
	switch s {
	case Received:
		return "Đã tiếp nhận"
	case Classified:
		return "Đã phân loại"
	case ForwardedOut:
		return "Đã chuyển đơn"
	case Rejected:
		return "Không thụ lý"
	case Accepted:
		return "Đã thụ lý"
	case InProgress:
		return "Đang giải quyết"
	case Extended:
		return "Đang giải quyết (đã gia hạn)"
	case Suspended:
		return "Tạm đình chỉ"
	case Resolved:
		return "Đã giải quyết"
	case Closed:
		return "Đã kết thúc"
	}
	return string(s)
}

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	for _, x := range States {
		if x == s {
			return true
		}
	}
	return false
}

// Results of a resolution.
var Results = []string{"right", "partly", "wrong", "withdrawn"}

// ResultLabel names a result.
func ResultLabel(r string) string {
	switch r {
	case "right":
		return "Đúng"
	case "partly":
		return "Đúng một phần"
	case "wrong":
		return "Sai"
	case "withdrawn":
		return "Rút đơn, đình chỉ"
	}
	return r
}

// noDue is stored in due_on when no deadline runs, so that "nearest deadline first" is
// a plain index order.
const noDue = NoDue

// NoDue is the stored due date of a petition with no running deadline.
const NoDue = "9999-12-31"

// Petition is one đơn thư.
type Petition struct {
	ID            int64
	Code          string
	Kind          Kind
	Channel       Channel
	State         State
	Open          bool
	UnitID        int64
	UnitPath      string
	UnitName      string
	ReceivedOn    string
	Round         int
	Complexity    string
	Area          string
	Competent     bool
	Subject       string
	Content       string
	Sender        Sender
	Masked        bool // the identity was hidden from the reader
	ForwardedFrom string
	ForwardedTo   string
	Reason        string
	DecisionNo    string
	Result        string
	Conclusion    string
	LeadUnitID    int64
	LeadUnitName  string
	LeadPersonID  int64
	LeadName      string
	HeadPersonID  int64
	HeadName      string
	CaseID        int64
	DueOn         string // nearest open deadline, "" none
	AcceptedOn    string
	ResolvedOn    string
	OnTime        bool
	CreatedBy     int64
	CreatedAt     string
	UpdatedAt     string
	Repeated      bool // Submit returned the petition of an earlier request with the same key

	// Filled by Get.
	Steps        []StepDeadline
	SupportUnits []org.Unit
	Support      []Assignee
	Events       []Event
	Badge        work.Badge
}

// Sender is who sent the petition.
type Sender struct {
	Name    string
	Phone   string
	Email   string
	Address string
	IDNo    string
}

// maskedName replaces a denouncer's name for those who may not see it.
const maskedName = "Người tố cáo (thông tin được bảo mật)"

// ComplexityLabel names the petition's complexity.
func (pt Petition) ComplexityLabel() string { return ComplexityLabel(pt.Complexity) }

// ResultLabel names the result of the resolution.
func (pt Petition) ResultLabel() string { return ResultLabel(pt.Result) }

// Confidential reports whether the petition's sender identity is protected.
func (pt Petition) Confidential() bool { return pt.Kind == Denunciation }

// DisplayCode is the tracking code in groups.
func (pt Petition) DisplayCode() string { return FormatCode(pt.Code) }

// Assignee is a person assigned to a petition.
type Assignee struct {
	PersonID int64
	Name     string
	Role     string // lead | support | receiver
}

// StepDeadline is one step's deadline as stored on the petition.
type StepDeadline struct {
	ID             int64
	Step           Step
	RuleID         int64
	Amount         int
	Unit           calendar.Unit
	StartsOn       string
	DueOn          string
	ExtensionsUsed int
	Status         string // open | paused | done | cancelled
	DoneOn         string
	// Computed for display.
	DaysLeft int // working days left (negative: overdue)
	Badge    work.Badge
}

// Overdue is the number of working days past the deadline (0 when not overdue).
func (d StepDeadline) Overdue() int {
	if d.DaysLeft < 0 {
		return -d.DaysLeft
	}
	return 0
}

// StatusLabel names a step's status.
func (d StepDeadline) StatusLabel() string {
	switch d.Status {
	case "open":
		return "Đang tính"
	case "paused":
		return "Tạm dừng (tạm đình chỉ)"
	case "done":
		return "Đã xong ngày " + vnDate(d.DoneOn)
	case "cancelled":
		return "Không áp dụng"
	}
	return d.Status
}

// Event is one entry of the public history.
type Event struct {
	At         string
	Action     string
	PublicText string
}

// badgeFor computes a deadline's working days left and its badge.
func badgeFor(cal *calendar.Calendar, due string, today calendar.Date, closed bool) (int, work.Badge) {
	if due == "" || due == noDue {
		return 0, work.MakeBadge("", 0, closed, "Đã xong")
	}
	d, err := calendar.ParseDate(due)
	if err != nil {
		return 0, work.MakeBadge("", 0, closed, "")
	}
	left := cal.WorkingDaysBetween(today, d)
	if left < 0 {
		// Overdue by the working days after the due date up to today.
		left = -cal.WorkingDaysBetween(d, today)
		if left == 0 {
			left = -1
		}
	}
	return left, work.MakeBadge(due, left, closed, "Đã xong")
}

// today is the current date in Vietnam by the database clock (tests fix it).
func (s *Service) today() calendar.Date { return calendar.DateOf(s.DB.Now()) }

// DueSoonLimit returns the last date that counts as "due soon" seen from today: deadlines
// on or before it and not before today are due soon.
func (s *Service) DueSoonLimit(today calendar.Date) calendar.Date {
	return s.Calendar().AddWorkingDays(today, work.DueSoonDays)
}

// canSeeIdentity reports whether p may see the sender of pt: always for non-confidential
// kinds; for a denunciation, only the people assigned and the head of the handling unit.
func (s *Service) canSeeIdentity(ctx context.Context, q sqldb.Querier, p *org.Principal, pt *Petition) bool {
	if !pt.Confidential() {
		return true
	}
	if p.IsZero() || p.PersonID == 0 {
		return false
	}
	if p.PersonID == pt.LeadPersonID || p.PersonID == pt.HeadPersonID {
		return true
	}
	var n int
	_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM petition_people WHERE petition_id = ? AND person_id = ?`, pt.ID, p.PersonID).Scan(&n)
	return n > 0
}

func (pt *Petition) mask() {
	pt.Sender = Sender{Name: maskedName}
	pt.Masked = true
}

// canView reports whether p may see pt at all.
func (s *Service) canView(ctx context.Context, q sqldb.Querier, p *org.Principal, pt *Petition) bool {
	if p.CanPath(org.ViewPetition, pt.UnitPath) {
		return true
	}
	if p.IsZero() || p.PersonID == 0 {
		return false
	}
	if p.PersonID == pt.LeadPersonID {
		return true
	}
	var n int
	_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM petition_people WHERE petition_id = ? AND person_id = ?`, pt.ID, p.PersonID).Scan(&n)
	return n > 0
}

// CanHandle reports whether p may record actions on pt.
func CanHandle(p *org.Principal, pt *Petition) bool {
	return p.CanPath(org.HandlePetition, pt.UnitPath)
}

const petitionCols = `p.id, p.code, p.kind, p.channel, p.state, p.open, p.unit_id, p.unit_path, u.name, p.received_on, p.round, p.complexity, p.area, p.competent,
	p.subject, p.content, p.sender_name, p.sender_phone, p.sender_email, p.sender_address, p.sender_idno, p.forwarded_from, p.forwarded_to, p.reason,
	p.decision_no, p.result, p.conclusion, COALESCE(p.lead_unit_id, 0), COALESCE(lu.name, ''), COALESCE(p.lead_person_id, 0), COALESCE(lp.full_name, ''),
	COALESCE(p.head_person_id, 0), COALESCE(hp.full_name, ''), COALESCE(p.case_id, 0), p.due_on, p.accepted_on, p.resolved_on, p.on_time,
	COALESCE(p.created_by, 0), p.created_at, p.updated_at`

const petitionFrom = ` FROM petitions p JOIN units u ON u.id = p.unit_id LEFT JOIN units lu ON lu.id = p.lead_unit_id
	LEFT JOIN people lp ON lp.id = p.lead_person_id LEFT JOIN people hp ON hp.id = p.head_person_id`

func scanPetition(sc interface{ Scan(...any) error }) (Petition, error) {
	var pt Petition
	err := sc.Scan(&pt.ID, &pt.Code, &pt.Kind, &pt.Channel, &pt.State, &pt.Open, &pt.UnitID, &pt.UnitPath, &pt.UnitName, &pt.ReceivedOn, &pt.Round,
		&pt.Complexity, &pt.Area, &pt.Competent, &pt.Subject, &pt.Content, &pt.Sender.Name, &pt.Sender.Phone, &pt.Sender.Email, &pt.Sender.Address,
		&pt.Sender.IDNo, &pt.ForwardedFrom, &pt.ForwardedTo, &pt.Reason, &pt.DecisionNo, &pt.Result, &pt.Conclusion, &pt.LeadUnitID, &pt.LeadUnitName,
		&pt.LeadPersonID, &pt.LeadName, &pt.HeadPersonID, &pt.HeadName, &pt.CaseID, &pt.DueOn, &pt.AcceptedOn, &pt.ResolvedOn, &pt.OnTime,
		&pt.CreatedBy, &pt.CreatedAt, &pt.UpdatedAt)
	if pt.DueOn == noDue {
		pt.DueOn = ""
	}
	return pt, err
}

func loadPetition(ctx context.Context, q sqldb.Querier, id int64) (Petition, error) {
	pt, err := scanPetition(q.QueryRowContext(ctx, `SELECT `+petitionCols+petitionFrom+` WHERE p.id = ?`, id))
	if err != nil {
		return pt, wrapNF("petition.load", err)
	}
	return pt, nil
}

// Get returns a petition with its steps, assignees and public history, the identity
// masked unless p may see it. Errors: NotFound (also outside p's reach).
func (s *Service) Get(ctx context.Context, p *org.Principal, id int64) (Petition, error) {
	pt, err := loadPetition(ctx, s.DB, id)
	if err != nil {
		return pt, err
	}
	if !s.canView(ctx, s.DB, p, &pt) {
		return Petition{}, notFound("petition.Get")
	}
	if !s.canSeeIdentity(ctx, s.DB, p, &pt) {
		pt.mask()
	}
	if err := s.fill(ctx, &pt); err != nil {
		return pt, err
	}
	return pt, nil
}

func (s *Service) fill(ctx context.Context, pt *Petition) error {
	cal := s.Calendar()
	today := s.today()
	rows, err := s.DB.QueryContext(ctx, `SELECT id, step, COALESCE(rule_id, 0), amount, unit, starts_on, due_on, extensions_used, status, done_on FROM petition_steps WHERE petition_id = ? ORDER BY id`, pt.ID)
	if err != nil {
		return apperr.Wrap("petition.fill", err)
	}
	for rows.Next() {
		var d StepDeadline
		var unit string
		if err := rows.Scan(&d.ID, &d.Step, &d.RuleID, &d.Amount, &unit, &d.StartsOn, &d.DueOn, &d.ExtensionsUsed, &d.Status, &d.DoneOn); err != nil {
			rows.Close()
			return apperr.Wrap("petition.fill", err)
		}
		d.Unit, _ = calendar.ParseUnit(unit)
		d.DaysLeft, d.Badge = badgeFor(cal, d.DueOn, today, d.Status != "open")
		if d.Status == "done" {
			d.Badge.Label = "Đã xong"
			if d.DoneOn > d.DueOn {
				d.Badge.Label = "Xong quá hạn"
			}
		}
		if d.Status == "paused" {
			d.Badge = work.Badge{State: work.Closed, Label: "Tạm dừng"}
		}
		pt.Steps = append(pt.Steps, d)
	}
	rows.Close()
	_, pt.Badge = badgeFor(cal, pt.DueOn, today, !pt.Open)
	if !pt.Open {
		pt.Badge.Label = pt.State.Label()
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT pp.person_id, pe.full_name, pp.role FROM petition_people pp JOIN people pe ON pe.id = pp.person_id WHERE pp.petition_id = ? ORDER BY pp.role, pe.full_name`, pt.ID)
	if err != nil {
		return apperr.Wrap("petition.fill", err)
	}
	for rows.Next() {
		var a Assignee
		if err := rows.Scan(&a.PersonID, &a.Name, &a.Role); err != nil {
			rows.Close()
			return apperr.Wrap("petition.fill", err)
		}
		pt.Support = append(pt.Support, a)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT u.id, u.name, u.path FROM petition_support_units su JOIN units u ON u.id = su.unit_id WHERE su.petition_id = ? ORDER BY u.name`, pt.ID)
	if err != nil {
		return apperr.Wrap("petition.fill", err)
	}
	for rows.Next() {
		var u org.Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Path); err != nil {
			rows.Close()
			return apperr.Wrap("petition.fill", err)
		}
		pt.SupportUnits = append(pt.SupportUnits, u)
	}
	rows.Close()
	evs, err := s.events(ctx, pt.ID)
	pt.Events = evs
	return err
}

func (s *Service) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT at, action, public_text FROM petition_events WHERE petition_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, apperr.Wrap("petition.events", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.At, &e.Action, &e.PublicText); err != nil {
			return nil, apperr.Wrap("petition.events", err)
		}
		out = append(out, e)
	}
	return out, apperr.Wrap("petition.events", rows.Err())
}

// PublicStatus is what a citizen sees with the tracking code: no names at all.
type PublicStatus struct {
	Code       string
	Kind       Kind
	State      State
	ReceivedOn string
	UnitName   string
	DueOn      string
	Result     string
	Events     []Event
}

// Track returns the public status of the petition with the code. Any malformed or
// unknown code gives the same NotFound, with no hint of which.
func (s *Service) Track(ctx context.Context, code string) (PublicStatus, error) {
	c, ok := NormalizeCode(code)
	if !ok {
		return PublicStatus{}, notFound("petition.Track")
	}
	var id int64
	var ps PublicStatus
	err := s.DB.QueryRowContext(ctx, `SELECT p.id, p.code, p.kind, p.state, p.received_on, u.name, p.due_on, p.result FROM petitions p JOIN units u ON u.id = p.unit_id WHERE p.code = ?`, c).
		Scan(&id, &ps.Code, &ps.Kind, &ps.State, &ps.ReceivedOn, &ps.UnitName, &ps.DueOn, &ps.Result)
	if err != nil {
		if apperr.KindOf(wrapNF("", err)) == apperr.NotFound {
			return PublicStatus{}, notFound("petition.Track")
		}
		return PublicStatus{}, apperr.Wrap("petition.Track", err)
	}
	if ps.DueOn == noDue {
		ps.DueOn = ""
	}
	ps.Events, err = s.events(ctx, id)
	return ps, err
}

// parseDay reads YYYY-MM-DD.
func parseDay(s string) (calendar.Date, bool) {
	d, err := calendar.ParseDate(strings.TrimSpace(s))
	return d, err == nil
}

// monthOf returns YYYY-MM of a date.
func monthOf(day string) string {
	if len(day) >= 7 {
		return day[:7]
	}
	return day
}
