package petition

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Limits of text fields.
const (
	MaxContent = 20000 // characters of a petition's content
	MaxSubject = 300
	MaxField   = 200
)

// Input is a new petition, from the public form, the public API or staff intake.
type Input struct {
	Kind          string
	Channel       string // staff only; the public channel is always online
	UnitID        int64  // receiving unit
	ReceivedOn    string // YYYY-MM-DD; staff only (may be earlier than today)
	Round         int    // 1 or 2 (khiếu nại lần hai)
	Area          string // normal | remote
	Subject       string
	Content       string
	Sender        Sender
	ForwardedFrom string
	IdemKey       string // public API Idempotency-Key ("" none)
	// Attach, when set, runs inside the creating transaction (attachments).
	Attach func(ctx context.Context, tx *sqldb.Tx, petitionID int64) error
}

func (s *Service) validateInput(ctx context.Context, q sqldb.Querier, in *Input, staff bool, v *apperr.Validation) org.Unit {
	in.Subject = search.Clean(in.Subject)
	in.Content = search.Clean(in.Content)
	in.Sender.Name = search.Clean(in.Sender.Name)
	in.Sender.Address = search.Clean(in.Sender.Address)
	in.Sender.Phone = strings.TrimSpace(in.Sender.Phone)
	in.Sender.Email = strings.TrimSpace(in.Sender.Email)
	in.Sender.IDNo = strings.TrimSpace(in.Sender.IDNo)
	in.ForwardedFrom = search.Clean(in.ForwardedFrom)
	k := Kind(in.Kind)
	if !k.Valid() {
		v.Add("kind", "Hãy chọn loại đơn: khiếu nại, tố cáo hoặc kiến nghị, phản ánh.")
	}
	if in.Content == "" {
		v.Add("content", "Hãy ghi nội dung đơn.")
	} else if utf8.RuneCountInString(in.Content) > MaxContent {
		v.Add("content", "Nội dung đơn quá dài (tối đa 20.000 ký tự). Phần dài hơn xin gửi thành tệp đính kèm.")
	}
	if utf8.RuneCountInString(in.Subject) > MaxSubject {
		v.Add("subject", "Trích yếu tối đa 300 ký tự.")
	}
	if in.Sender.Name == "" {
		v.Add("sender_name", "Hãy ghi họ và tên người gửi đơn.")
	} else if utf8.RuneCountInString(in.Sender.Name) > MaxField {
		v.Add("sender_name", "Họ và tên tối đa 200 ký tự.")
	}
	if (k == Complaint || k == Denunciation) && in.Sender.Address == "" {
		v.Add("sender_address", "Đơn khiếu nại, tố cáo cần ghi địa chỉ của người gửi.")
	} else if utf8.RuneCountInString(in.Sender.Address) > 500 {
		v.Add("sender_address", "Địa chỉ tối đa 500 ký tự.")
	}
	if in.Sender.Phone != "" {
		d := digits(in.Sender.Phone)
		if len(d) < 9 || len(d) > 11 || strings.Trim(in.Sender.Phone, "0123456789 .+-()") != "" {
			v.Add("sender_phone", "Số điện thoại gồm 9 đến 11 chữ số, ví dụ 0912 345 678.")
		}
	}
	if in.Sender.Email != "" {
		if a, err := mail.ParseAddress(in.Sender.Email); err != nil || a.Address != in.Sender.Email || len(in.Sender.Email) > MaxField {
			v.Add("sender_email", "Địa chỉ thư điện tử không hợp lệ, ví dụ ten@example.vn.")
		}
	}
	if in.Sender.IDNo != "" {
		d := digits(in.Sender.IDNo)
		if d != in.Sender.IDNo || (len(d) != 9 && len(d) != 12) {
			v.Add("sender_idno", "Số căn cước (CCCD) gồm 12 chữ số (hoặc CMND 9 chữ số).")
		}
	} else if k == Complaint || k == Denunciation {
		v.Add("sender_idno", "Đơn khiếu nại, tố cáo cần số căn cước công dân của người gửi (chỉ kiến nghị, phản ánh được bỏ trống).")
	}
	if in.Round == 0 {
		in.Round = 1
	}
	if in.Round != 1 && in.Round != 2 {
		v.Add("round", "Lần giải quyết là lần đầu hoặc lần hai.")
	}
	if in.Area == "" {
		in.Area = "normal"
	}
	if !contains(Areas, in.Area) {
		v.Add("area", "Địa bàn không hợp lệ.")
	}
	today := s.today()
	if staff {
		if !Channel(in.Channel).Valid() {
			v.Add("channel", "Hãy chọn nguồn đơn.")
		}
		d, ok := parseDay(in.ReceivedOn)
		switch {
		case in.ReceivedOn == "":
			v.Add("received_on", "Hãy nhập ngày nhận đơn.")
		case !ok:
			v.Add("received_on", "Ngày nhận đơn không hợp lệ (dd/mm/yyyy).")
		case d.After(today):
			v.Add("received_on", "Ngày nhận đơn không được sau ngày hôm nay ("+vnDate(today.String())+").")
		case d.Before(today.AddDays(-3 * 365)):
			v.Add("received_on", "Ngày nhận đơn quá xa trong quá khứ (quá 3 năm).")
		}
		if Channel(in.Channel) == Forwarded && in.ForwardedFrom == "" {
			v.Add("forwarded_from", "Hãy ghi cơ quan, tổ chức đã chuyển đơn đến.")
		}
	} else {
		in.Channel = string(Online)
		in.ReceivedOn = today.String()
		in.ForwardedFrom = ""
	}
	var u org.Unit
	if in.UnitID == 0 {
		v.Add("unit_id", "Hãy chọn cơ quan nhận đơn.")
	} else {
		var err error
		u, err = org.GetUnit(ctx, q, in.UnitID)
		if err != nil || !u.Active() {
			v.Add("unit_id", "Cơ quan nhận đơn không tồn tại.")
		}
	}
	if in.Subject == "" && in.Content != "" {
		in.Subject = shorten(in.Content, 120)
	}
	return u
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// ContentKey is the folded content reduced to its first words, the key of "very similar
// content" for duplicate detection.
func ContentKey(content string) string {
	f := strings.Fields(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return ' '
	}, search.Fold(content)))
	if len(f) > 24 {
		f = f[:24]
	}
	return strings.Join(f, " ")
}

// Submit records a petition sent by a citizen without an account (public form or API):
// channel online, received today. A repeated IdemKey returns the first petition.
// Errors: Invalid.
func (s *Service) Submit(ctx context.Context, in Input) (Petition, error) {
	return s.create(ctx, nil, in)
}

// Record records a petition received by staff (in person, by post, forwarded), whose
// date received may be earlier than today but not later. Errors: Forbidden, Invalid.
func (s *Service) Record(ctx context.Context, p *org.Principal, in Input) (Petition, error) {
	if !p.CanAnywhere(org.HandlePetition) {
		return Petition{}, apperr.New(apperr.Forbidden, "petition.Record", "Bạn không có quyền tiếp nhận đơn thư.")
	}
	return s.create(ctx, p, in)
}

// CheckInput validates a staff intake form without saving, for the duplicate check.
func (s *Service) CheckInput(ctx context.Context, p *org.Principal, in *Input) error {
	var v apperr.Validation
	s.validateInput(ctx, s.DB, in, true, &v)
	return v.Err()
}

func (s *Service) create(ctx context.Context, p *org.Principal, in Input) (Petition, error) {
	staff := p != nil
	var v apperr.Validation
	u := s.validateInput(ctx, s.DB, &in, staff, &v)
	if staff && u.ID != 0 && !p.CanPath(org.HandlePetition, u.Path) {
		v.Add("unit_id", "Bạn không có quyền tiếp nhận đơn cho đơn vị này.")
	}
	if !staff && u.ID != 0 && u.Kind != org.KindUpperCommittee && u.Kind != org.KindAgency {
		v.Add("unit_id", "Hãy chọn một cơ quan nhận đơn trong danh sách.")
	}
	if err := v.Err(); err != nil {
		return Petition{}, err
	}
	if in.IdemKey != "" {
		var id int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM petitions WHERE idem_key = ?`, in.IdemKey).Scan(&id); err == nil {
			pt, err := loadPetition(ctx, s.DB, id)
			pt.Repeated = true
			return pt, err
		}
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		now := sqldb.FormatTime(tx.Now())
		k := Kind(in.Kind)
		fold := in.Subject + " " + in.Content
		if k != Denunciation {
			fold += " " + in.Sender.Name
		}
		head := headOf(ctx, tx, u.Path)
		var createdBy int64
		if staff {
			createdBy = p.UserID
		}
		var idem any
		if in.IdemKey != "" {
			idem = in.IdemKey
		}
		// The first deadlines are computed before the row is written, so the row carries
		// its nearest deadline at once.
		received, _ := parseDay(in.ReceivedOn)
		pt := Petition{Code: NewCode(), Kind: k, Channel: Channel(in.Channel), State: Received, Open: true, UnitID: u.ID, UnitPath: u.Path,
			ReceivedOn: in.ReceivedOn, Round: in.Round, Complexity: "normal", Area: in.Area, Competent: true, HeadPersonID: head}
		type planned struct {
			step Step
			rule Rule
			due  string
		}
		var plan []planned
		due := noDue
		for _, st := range initialSteps(k, Channel(in.Channel)) {
			r, ok, err := RuleFor(ctx, tx, k, st, pt.Round, pt.Complexity, pt.Area, pt.ReceivedOn)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			d := s.Calendar().Deadline(received, r.Amount, r.Unit).String()
			plan = append(plan, planned{st, r, d})
			if d < due {
				due = d
			}
		}
		if due != noDue {
			pt.DueOn = due
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO petitions (code, kind, channel, state, open, unit_id, unit_path, received_on, round, complexity, area, competent,
			subject, content, search_fold, content_key, sender_name, sender_phone, sender_email, sender_address, sender_idno, phone_key, forwarded_from,
			head_person_id, due_on, idem_key, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?, 'normal', ?, TRUE, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			pt.Code, in.Kind, in.Channel, string(Received), u.ID, u.Path, in.ReceivedOn, in.Round, in.Area,
			in.Subject, in.Content, search.Fold(fold), ContentKey(in.Content), in.Sender.Name, in.Sender.Phone, in.Sender.Email, in.Sender.Address,
			in.Sender.IDNo, digits(in.Sender.Phone), in.ForwardedFrom, nullID(head), due, idem, nullID(createdBy), now, now)
		if err != nil && in.IdemKey != "" && sqldb.IsUniqueViolation(err) {
			return errIdem // a concurrent submission with the same key won
		}
		if err != nil {
			return err
		}
		pt.ID = id
		for _, pl := range plan {
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_steps (petition_id, step, rule_id, amount, unit, starts_on, due_on, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
				id, string(pl.step), pl.rule.ID, pl.rule.Amount, pl.rule.Unit.String(), received.String(), pl.due, now); err != nil {
				return err
			}
		}
		if staff && p.PersonID != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_people (petition_id, person_id, role) VALUES (?, ?, 'receiver')`, id, p.PersonID); err != nil {
				return err
			}
		}
		if err := moveDue(ctx, tx, u.Path, k, noDue, k, due); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, "create", "Đơn đã được tiếp nhận ("+Channel(in.Channel).Label()+", ngày "+vnDate(in.ReceivedOn)+")."); err != nil {
			return err
		}
		if err := bumpStats(ctx, tx, u, monthOf(in.ReceivedOn), k, 1, 0, 0); err != nil {
			return err
		}
		if in.Attach != nil {
			if err := in.Attach(ctx, tx, id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "petition", EntityID: id, Action: "create",
			Summary: "Tiếp nhận đơn " + strings.ToLower(k.Label()) + " " + FormatCode(pt.Code) + " (" + Channel(in.Channel).Label() + ")", After: snapshotOf(pt)})
	})
	if err == errIdem {
		var eid int64
		if e := s.DB.QueryRowContext(ctx, `SELECT id FROM petitions WHERE idem_key = ?`, in.IdemKey).Scan(&eid); e == nil {
			pt, err := loadPetition(ctx, s.DB, eid)
			pt.Repeated = true
			return pt, err
		}
	}
	if err != nil {
		return Petition{}, apperr.Wrap("petition.create", err)
	}
	pt, err := loadPetition(ctx, s.DB, id)
	if err != nil {
		return pt, err
	}
	if staff && !s.canSeeIdentity(ctx, s.DB, p, &pt) {
		pt.mask()
	}
	return pt, nil
}

var errIdem = apperr.New(apperr.Conflict, "petition.create", "Đơn này đã được gửi.")

func initialSteps(k Kind, ch Channel) []Step {
	var out []Step
	switch k {
	case Complaint:
		out = append(out, StepAccept)
	case Denunciation:
		out = append(out, StepRegister)
	case Feedback:
		out = append(out, StepForward)
	}
	if ch == InPerson {
		out = append(out, StepAnswer)
	}
	return out
}

// headOf finds the head (thủ trưởng) of the handling unit: the nearest unit on the path,
// from the unit itself upwards, with a current thủ trưởng.
func headOf(ctx context.Context, q sqldb.Querier, path string) int64 {
	ids := org.PathIDs(path)
	for i := len(ids) - 1; i >= 0; i-- {
		var pid int64
		if err := q.QueryRowContext(ctx, `SELECT person_id FROM positions WHERE unit_id = ? AND title = 'thu-truong' AND end_date = '' ORDER BY id LIMIT 1`, ids[i]).Scan(&pid); err == nil {
			return pid
		}
	}
	return 0
}

// openStep computes and stores a step's deadline from the rule in force on the day the
// petition was received; no rule, no deadline (nothing stored).
func (s *Service) openStep(ctx context.Context, tx *sqldb.Tx, pt *Petition, st Step, start calendar.Date) error {
	r, ok, err := RuleFor(ctx, tx, pt.Kind, st, pt.Round, pt.Complexity, pt.Area, pt.ReceivedOn)
	if err != nil || !ok {
		return err
	}
	due := s.Calendar().Deadline(start, r.Amount, r.Unit)
	_, err = tx.ExecContext(ctx, `INSERT INTO petition_steps (petition_id, step, rule_id, amount, unit, starts_on, due_on, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
		pt.ID, string(st), r.ID, r.Amount, r.Unit.String(), start.String(), due.String(), sqldb.FormatTime(tx.Now()))
	return err
}

func recomputeDue(ctx context.Context, tx *sqldb.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE petitions SET due_on = COALESCE((SELECT MIN(due_on) FROM petition_steps WHERE petition_id = ? AND status = 'open'), ?) WHERE id = ?`, id, noDue, id)
	return err
}

func addEvent(ctx context.Context, tx *sqldb.Tx, id int64, action, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO petition_events (petition_id, at, action, public_text, actor_name) VALUES (?, ?, ?, ?, ?)`,
		id, sqldb.FormatTime(tx.Now()), action, text, audit.ActorFrom(ctx).Name)
	return err
}

// bumpStats adds to the dashboard counters of a unit, month and kind.
func bumpStats(ctx context.Context, tx *sqldb.Tx, u org.Unit, month string, k Kind, received, resolved, onTime int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO petition_stats (unit_id, unit_path, month, kind, received, resolved, on_time) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (unit_id, month, kind) DO UPDATE SET received = petition_stats.received + excluded.received, resolved = petition_stats.resolved + excluded.resolved, on_time = petition_stats.on_time + excluded.on_time`,
		u.ID, u.Path, month, string(k), received, resolved, onTime)
	if err != nil {
		return err
	}
	return rollUp(ctx, tx, u.Path, month, k, received, resolved, onTime)
}

// snapshot is what the audit log keeps of a petition: never the sender's identity.
type snapshot struct {
	Code         string `json:"code"`
	Kind         Kind   `json:"kind"`
	Channel      string `json:"channel"`
	State        State  `json:"state"`
	ReceivedOn   string `json:"received_on"`
	Complexity   string `json:"complexity"`
	Competent    bool   `json:"competent"`
	DueOn        string `json:"due_on,omitempty"`
	LeadUnitID   int64  `json:"lead_unit_id,omitempty"`
	LeadPersonID int64  `json:"lead_person_id,omitempty"`
	DecisionNo   string `json:"decision_no,omitempty"`
	Result       string `json:"result,omitempty"`
	Reason       string `json:"reason,omitempty"`
	ForwardedTo  string `json:"forwarded_to,omitempty"`
	Sender       string `json:"sender"`
}

func snapshotOf(pt Petition) snapshot {
	sender := "(không ghi vào nhật ký)"
	if pt.Confidential() {
		sender = "(bảo mật)"
	}
	return snapshot{Code: pt.Code, Kind: pt.Kind, Channel: string(pt.Channel), State: pt.State, ReceivedOn: pt.ReceivedOn, Complexity: pt.Complexity,
		Competent: pt.Competent, DueOn: pt.DueOn, LeadUnitID: pt.LeadUnitID, LeadPersonID: pt.LeadPersonID, DecisionNo: pt.DecisionNo,
		Result: pt.Result, Reason: pt.Reason, ForwardedTo: pt.ForwardedTo, Sender: sender}
}
