package petition

import (
	"context"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Action is something staff do to a petition.
type Action string

const (
	ActClassify Action = "classify"
	ActForward  Action = "forward"
	ActReject   Action = "reject"
	ActAccept   Action = "accept"
	ActAssign   Action = "assign"
	ActExtend   Action = "extend"
	ActSuspend  Action = "suspend"
	ActResume   Action = "resume"
	ActResolve  Action = "resolve"
	ActClose    Action = "close"
)

// Actions lists the actions in the order of a petition's life.
var Actions = []Action{ActClassify, ActForward, ActReject, ActAccept, ActAssign, ActExtend, ActSuspend, ActResume, ActResolve, ActClose}

// Label is the Vietnamese verb of the action (the button says it).
func (a Action) Label() string {
	switch a {
	case ActClassify:
		return "Phân loại đơn"
	case ActForward:
		return "Chuyển đơn"
	case ActReject:
		return "Không thụ lý"
	case ActAccept:
		return "Thụ lý đơn"
	case ActAssign:
		return "Giao giải quyết"
	case ActExtend:
		return "Gia hạn"
	case ActSuspend:
		return "Tạm đình chỉ"
	case ActResume:
		return "Tiếp tục giải quyết"
	case ActResolve:
		return "Ghi kết quả giải quyết"
	case ActClose:
		return "Kết thúc hồ sơ"
	}
	return string(a)
}

// Irreversible reports whether the action asks for confirmation on a page of its own.
func (a Action) Irreversible() bool {
	return a == ActForward || a == ActReject || a == ActResolve || a == ActClose
}

// from lists the states each action may start from: the transitions of issue 3.
var from = map[Action][]State{
	ActClassify: {Received, Classified},
	ActForward:  {Received, Classified},
	ActReject:   {Received, Classified},
	ActAccept:   {Classified},
	ActAssign:   {Accepted, InProgress, Extended},
	ActExtend:   {Received, Classified, InProgress, Extended},
	ActSuspend:  {InProgress, Extended},
	ActResume:   {Suspended},
	ActResolve:  {InProgress, Extended},
	ActClose:    {Resolved, ForwardedOut, Rejected},
}

// Allowed reports whether a may be done in state st.
func (a Action) Allowed(st State) bool {
	for _, x := range from[a] {
		if x == st {
			return true
		}
	}
	return false
}

// Available lists the actions allowed in state st.
func Available(st State) []Action {
	var out []Action
	for _, a := range Actions {
		if a.Allowed(st) {
			out = append(out, a)
		}
	}
	return out
}

// ActionInput carries the fields of every action form; each action reads its own.
type ActionInput struct {
	Kind           string // classify
	Competent      bool   // classify
	Complexity     string // classify, extend
	Area           string // classify
	Round          int    // classify
	To             string // forward: the competent body
	Reason         string // reject, extend, suspend
	DecisionNo     string // accept, extend, suspend, resolve
	Date           string // accept, resume, resolve: YYYY-MM-DD ("" today)
	LeadUnitID     int64  // assign
	LeadPersonID   int64  // assign
	SupportUnitIDs []int64
	SupportPeople  []int64
	Result         string // resolve
	Conclusion     string // resolve
	Note           string // close
	// Attach runs inside the transaction (resolve: the decision or conclusion file).
	Attach func(ctx context.Context, tx *sqldb.Tx, petitionID int64) error
}

// Do performs an action on a petition, refusing transitions the rules do not allow,
// recomputing its deadlines, and recording the step in the audit log and the public
// history in one transaction. Errors: NotFound, Forbidden, Conflict (transition not
// allowed, with a Vietnamese message), Invalid.
func (s *Service) Do(ctx context.Context, p *org.Principal, id int64, a Action, in ActionInput) (Petition, error) {
	if _, ok := from[a]; !ok {
		return Petition{}, apperr.New(apperr.Invalid, "petition.Do", "Thao tác không hợp lệ.")
	}
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		pt, err := loadPetition(ctx, tx, id)
		if err != nil {
			return err
		}
		if !s.canView(ctx, tx, p, &pt) {
			return notFound("petition.Do")
		}
		if !CanHandle(p, &pt) {
			return apperr.New(apperr.Forbidden, "petition.Do", "Bạn không có quyền xử lý đơn thư này.")
		}
		if !a.Allowed(pt.State) {
			return conflict("petition.Do", "Không thể thực hiện “"+a.Label()+"” khi đơn đang ở trạng thái “"+pt.State.Label()+"”.")
		}
		before := snapshotOf(pt)
		oldKind, oldDue := pt.Kind, pt.DueOn
		summary, public, err := s.apply(ctx, tx, p, &pt, a, in)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE petitions SET state = ?, open = ?, kind = ?, competent = ?, complexity = ?, area = ?, round = ?, forwarded_to = ?, reason = ?,
			decision_no = ?, result = ?, conclusion = ?, lead_unit_id = ?, lead_person_id = ?, accepted_on = ?, resolved_on = ?, on_time = ?, updated_at = ? WHERE id = ?`,
			string(pt.State), pt.Open, string(pt.Kind), pt.Competent, pt.Complexity, pt.Area, pt.Round, pt.ForwardedTo, pt.Reason, pt.DecisionNo, pt.Result,
			pt.Conclusion, nullID(pt.LeadUnitID), nullID(pt.LeadPersonID), pt.AcceptedOn, pt.ResolvedOn, pt.OnTime, sqldb.FormatTime(tx.Now()), id); err != nil {
			return err
		}
		if err := recomputeDue(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT due_on FROM petitions WHERE id = ?`, id).Scan(&pt.DueOn); err != nil {
			return err
		}
		if err := moveDue(ctx, tx, pt.UnitPath, oldKind, oldDue, pt.Kind, pt.DueOn); err != nil {
			return err
		}
		if pt.DueOn == noDue {
			pt.DueOn = ""
		}
		if in.Attach != nil {
			if err := in.Attach(ctx, tx, id); err != nil {
				return err
			}
		}
		if public != "" {
			if err := addEvent(ctx, tx, id, string(a), public); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: pt.UnitID, Entity: "petition", EntityID: id, Action: string(a),
			Summary: summary + " (đơn " + FormatCode(pt.Code) + ")", Before: before, After: snapshotOf(pt)})
	})
	if err != nil {
		return Petition{}, apperr.Wrap("petition.Do", err)
	}
	return s.Get(ctx, p, id)
}

// actionDate reads an action's date: today when empty; never after today nor before
// the date received.
func (s *Service) actionDate(in string, pt *Petition, field string, v *apperr.Validation) calendar.Date {
	today := s.today()
	if strings.TrimSpace(in) == "" {
		return today
	}
	d, ok := parseDay(in)
	switch {
	case !ok:
		v.Add(field, "Ngày không hợp lệ (dd/mm/yyyy).")
	case d.After(today):
		v.Add(field, "Ngày không được sau ngày hôm nay.")
	case d.String() < pt.ReceivedOn:
		v.Add(field, "Ngày không được trước ngày nhận đơn ("+vnDate(pt.ReceivedOn)+").")
	}
	return d
}

func required(v *apperr.Validation, field, value, msg string, max int) string {
	value = search.Clean(value)
	if value == "" {
		v.Add(field, msg)
	} else if utf8.RuneCountInString(value) > max {
		v.Add(field, "Tối đa "+itoa(max)+" ký tự.")
	}
	return value
}

// openSteps returns the open or paused steps of a petition.
func openSteps(ctx context.Context, tx *sqldb.Tx, id int64) ([]StepDeadline, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, step, COALESCE(rule_id, 0), amount, unit, starts_on, due_on, extensions_used, status FROM petition_steps WHERE petition_id = ? AND status IN ('open', 'paused') ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StepDeadline
	for rows.Next() {
		var d StepDeadline
		var unit string
		if err := rows.Scan(&d.ID, &d.Step, &d.RuleID, &d.Amount, &unit, &d.StartsOn, &d.DueOn, &d.ExtensionsUsed, &d.Status); err != nil {
			return nil, err
		}
		d.Unit, _ = calendar.ParseUnit(unit)
		out = append(out, d)
	}
	return out, rows.Err()
}

func finishSteps(ctx context.Context, tx *sqldb.Tx, id int64, on calendar.Date, only ...Step) error {
	q := `UPDATE petition_steps SET status = 'done', done_on = ? WHERE petition_id = ? AND status IN ('open', 'paused')`
	args := []any{on.String(), id}
	if len(only) > 0 {
		var ph []string
		for _, st := range only {
			ph = append(ph, "?")
			args = append(args, string(st))
		}
		q += ` AND step IN (` + strings.Join(ph, ", ") + `)`
	}
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

func (s *Service) apply(ctx context.Context, tx *sqldb.Tx, p *org.Principal, pt *Petition, a Action, in ActionInput) (summary, public string, err error) {
	var v apperr.Validation
	cal := s.Calendar()
	today := s.today()
	switch a {
	case ActClassify:
		k := Kind(in.Kind)
		if !k.Valid() {
			v.Add("kind", "Hãy chọn loại đơn.")
		}
		if in.Complexity == "" {
			in.Complexity = "normal"
		}
		if !contains(Complexities, in.Complexity) || (k != Denunciation && in.Complexity == "very-complex") {
			v.Add("complexity", "Mức độ không hợp lệ (“đặc biệt phức tạp” chỉ áp dụng cho tố cáo).")
		}
		if in.Area == "" {
			in.Area = pt.Area
		}
		if !contains(Areas, in.Area) {
			v.Add("area", "Địa bàn không hợp lệ.")
		}
		if in.Round == 0 {
			in.Round = pt.Round
		}
		if in.Round != 1 && in.Round != 2 {
			v.Add("round", "Lần giải quyết là lần đầu hoặc lần hai.")
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		kindChanged := k != pt.Kind
		pt.Kind, pt.Competent, pt.Complexity, pt.Area, pt.Round, pt.State = k, in.Competent, in.Complexity, in.Area, in.Round, Classified
		if kindChanged {
			// The first steps depend on the kind: count them again from the day received.
			if _, err := tx.ExecContext(ctx, `UPDATE petition_steps SET status = 'cancelled' WHERE petition_id = ? AND status = 'open' AND step <> 'answer'`, pt.ID); err != nil {
				return "", "", err
			}
			received, _ := parseDay(pt.ReceivedOn)
			for _, st := range initialSteps(k, "") {
				if err := s.openStep(ctx, tx, pt, st, received); err != nil {
					return "", "", err
				}
			}
			fold := pt.Subject + " " + pt.Content
			if k != Denunciation {
				fold += " " + pt.Sender.Name
			}
			if _, err := tx.ExecContext(ctx, `UPDATE petitions SET search_fold = ? WHERE id = ?`, search.Fold(fold), pt.ID); err != nil {
				return "", "", err
			}
		}
		if !pt.Competent && pt.Kind == Denunciation {
			received, _ := parseDay(pt.ReceivedOn)
			var n int
			_ = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM petition_steps WHERE petition_id = ? AND step = 'forward'`, pt.ID).Scan(&n)
			if n == 0 {
				if err := s.openStep(ctx, tx, pt, StepForward, received); err != nil {
					return "", "", err
				}
			}
		}
		comp := "thuộc thẩm quyền"
		if !pt.Competent {
			comp = "không thuộc thẩm quyền"
		}
		return "Phân loại: " + strings.ToLower(k.Label()) + ", " + comp + ", " + strings.ToLower(ComplexityLabel(pt.Complexity)), "Đơn đã được phân loại: " + k.Label() + ".", nil

	case ActForward:
		to := required(&v, "to", in.To, "Hãy ghi cơ quan có thẩm quyền nhận đơn.", 300)
		if pt.State == Classified && pt.Competent {
			v.Add("to", "Đơn đã được phân loại là thuộc thẩm quyền; hãy phân loại lại trước khi chuyển.")
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		if err := finishSteps(ctx, tx, pt.ID, today); err != nil {
			return "", "", err
		}
		pt.ForwardedTo, pt.State, pt.Open, pt.Competent = to, ForwardedOut, false, false
		return "Chuyển đơn đến " + to, "Đơn không thuộc thẩm quyền giải quyết, đã được chuyển đến " + to + " và thông báo cho người gửi.", nil

	case ActReject:
		reason := required(&v, "reason", in.Reason, "Hãy ghi lý do không thụ lý.", 2000)
		if err := v.Err(); err != nil {
			return "", "", err
		}
		if err := finishSteps(ctx, tx, pt.ID, today); err != nil {
			return "", "", err
		}
		pt.Reason, pt.State, pt.Open = reason, Rejected, false
		return "Không thụ lý. Lý do: " + reason, "Đơn không được thụ lý. Lý do: " + reason, nil

	case ActAccept:
		dec := required(&v, "decision_no", in.DecisionNo, "Hãy ghi số quyết định / thông báo thụ lý.", 100)
		d := s.actionDate(in.Date, pt, "date", &v)
		if !pt.Competent {
			v.Add("decision_no", "Đơn được phân loại là không thuộc thẩm quyền nên không thể thụ lý; hãy phân loại lại hoặc chuyển đơn.")
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		if err := finishSteps(ctx, tx, pt.ID, d); err != nil {
			return "", "", err
		}
		pt.DecisionNo, pt.AcceptedOn, pt.State = dec, d.String(), Accepted
		if err := s.openStep(ctx, tx, pt, StepResolve, d); err != nil {
			return "", "", err
		}
		return "Thụ lý đơn, quyết định số " + dec + " ngày " + vnDate(d.String()), "Đơn đã được thụ lý giải quyết (số " + dec + ", ngày " + vnDate(d.String()) + ").", nil

	case ActAssign:
		var lu org.Unit
		if in.LeadUnitID == 0 {
			v.Add("lead_unit_id", "Hãy chọn đơn vị chủ trì giải quyết.")
		} else if lu, err = org.GetUnit(ctx, tx, in.LeadUnitID); err != nil || !strings.HasPrefix(lu.Path, pt.UnitPath) {
			v.Add("lead_unit_id", "Đơn vị chủ trì phải thuộc cơ quan giải quyết đơn.")
		}
		var leadUser int64
		var leadPath string
		if in.LeadPersonID == 0 {
			v.Add("lead_person_id", "Hãy chọn người chủ trì giải quyết.")
		} else if err := tx.QueryRowContext(ctx, `SELECT unit_path FROM people WHERE id = ?`, in.LeadPersonID).Scan(&leadPath); err != nil || !strings.HasPrefix(leadPath, pt.UnitPath) {
			v.Add("lead_person_id", "Người chủ trì phải là cán bộ của cơ quan giải quyết đơn.")
		}
		for _, uid := range in.SupportUnitIDs {
			su, err := org.GetUnit(ctx, tx, uid)
			if err != nil || !p.CanPath(org.ViewUnit, su.Path) {
				v.Add("support_unit_ids", "Đơn vị phối hợp không hợp lệ.")
				break
			}
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		_ = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE person_id = ? AND disabled = FALSE ORDER BY id LIMIT 1`, in.LeadPersonID).Scan(&leadUser)
		if _, err := tx.ExecContext(ctx, `DELETE FROM petition_people WHERE petition_id = ? AND role IN ('lead', 'support')`, pt.ID); err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO petition_people (petition_id, person_id, role) VALUES (?, ?, 'lead')`, pt.ID, in.LeadPersonID); err != nil {
			return "", "", err
		}
		for _, sp := range in.SupportPeople {
			if sp == in.LeadPersonID {
				continue
			}
			var sPath string
			if err := tx.QueryRowContext(ctx, `SELECT unit_path FROM people WHERE id = ?`, sp).Scan(&sPath); err != nil {
				return "", "", apperr.New(apperr.Invalid, "petition.assign", "Người phối hợp không hợp lệ.")
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_people (petition_id, person_id, role) VALUES (?, ?, 'support') ON CONFLICT DO NOTHING`, pt.ID, sp); err != nil {
				return "", "", err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM petition_support_units WHERE petition_id = ?`, pt.ID); err != nil {
			return "", "", err
		}
		for _, uid := range in.SupportUnitIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_support_units (petition_id, unit_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, pt.ID, uid); err != nil {
				return "", "", err
			}
		}
		pt.LeadUnitID, pt.LeadPersonID = lu.ID, in.LeadPersonID
		if pt.State == Accepted {
			pt.State = InProgress
		}
		if err := notify.Send(ctx, tx, notify.Note{UserID: leadUser, Kind: "petition.assigned", Title: "Bạn được giao chủ trì giải quyết đơn " + FormatCode(pt.Code),
			Body: pt.Kind.Label() + ": " + shorten(pt.Subject, 80), Link: "/petitions/" + itoa64(pt.ID)}); err != nil {
			return "", "", err
		}
		var leadName string
		_ = tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, in.LeadPersonID).Scan(&leadName)
		return "Giao " + lu.Name + " chủ trì, " + leadName + " trực tiếp giải quyết", "Đơn đang được giải quyết.", nil

	case ActExtend:
		dec := required(&v, "decision_no", in.DecisionNo, "Hãy ghi số quyết định gia hạn.", 100)
		reason := required(&v, "reason", in.Reason, "Hãy ghi lý do gia hạn.", 2000)
		if err := v.Err(); err != nil {
			return "", "", err
		}
		steps, err := openSteps(ctx, tx, pt.ID)
		if err != nil {
			return "", "", err
		}
		var st *StepDeadline
		for i := range steps {
			if steps[i].Status == "open" && (steps[i].Step == StepResolve || steps[i].Step == StepRegister || steps[i].Step == StepAccept) {
				st = &steps[i]
			}
		}
		if st == nil {
			return "", "", conflict("petition.extend", "Đơn không có thời hạn nào đang tính để gia hạn.")
		}
		complexity := pt.Complexity
		if in.Complexity != "" && st.Step == StepResolve {
			if !contains(Complexities, in.Complexity) || (pt.Kind != Denunciation && in.Complexity == "very-complex") {
				return "", "", apperr.New(apperr.Invalid, "petition.extend", "Mức độ không hợp lệ.")
			}
			complexity = in.Complexity
		}
		r, ok, err := RuleFor(ctx, tx, pt.Kind, st.Step, pt.Round, complexity, pt.Area, pt.ReceivedOn)
		if err != nil {
			return "", "", err
		}
		if !ok {
			return "", "", conflict("petition.extend", "Không có quy định thời hạn cho bước này nên không gia hạn được.")
		}
		start, _ := parseDay(st.StartsOn)
		due, _ := parseDay(st.DueOn)
		var newDue calendar.Date
		switch {
		case r.Amount > st.Amount:
			// A complaint found complex: the longer limit of the law, counted from the start.
			newDue = cal.Deadline(start, r.Amount, r.Unit)
			st.Amount = r.Amount
		case r.Extensions > st.ExtensionsUsed:
			newDue = cal.Deadline(due, r.ExtensionDays, r.Unit)
			st.ExtensionsUsed++
		case r.Extensions == 0:
			return "", "", conflict("petition.extend", "Quy định ("+r.Basis+") không cho gia hạn bước “"+st.Step.Label()+"” ở mức độ “"+ComplexityLabel(complexity)+"”. Nếu vụ việc phức tạp, hãy chọn mức độ phức tạp.")
		default:
			return "", "", conflict("petition.extend", "Đã hết số lần gia hạn theo quy định (tối đa "+itoa(r.Extensions)+" lần).")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE petition_steps SET due_on = ?, amount = ?, extensions_used = ?, rule_id = ? WHERE id = ?`, newDue.String(), st.Amount, st.ExtensionsUsed, r.ID, st.ID); err != nil {
			return "", "", err
		}
		pt.Complexity = complexity // the extension decision is kept in the history, not over the acceptance decision
		if st.Step == StepResolve {
			pt.State = Extended
		}
		return "Gia hạn “" + st.Step.Label() + "” đến " + vnDate(newDue.String()) + " (quyết định " + dec + "). Lý do: " + reason,
			"Thời hạn " + strings.ToLower(st.Step.Label()) + " được gia hạn đến " + vnDate(newDue.String()) + ".", nil

	case ActSuspend:
		dec := required(&v, "decision_no", in.DecisionNo, "Hãy ghi số quyết định tạm đình chỉ.", 100)
		reason := required(&v, "reason", in.Reason, "Hãy ghi lý do tạm đình chỉ.", 2000)
		if err := v.Err(); err != nil {
			return "", "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE petition_steps SET status = 'paused' WHERE petition_id = ? AND status = 'open' AND step = 'resolve'`, pt.ID); err != nil {
			return "", "", err
		}
		pt.State, pt.Reason = Suspended, reason
		return "Tạm đình chỉ giải quyết (quyết định " + dec + "). Lý do: " + reason, "Việc giải quyết đơn tạm đình chỉ.", nil

	case ActResume:
		d := s.actionDate(in.Date, pt, "date", &v)
		if err := v.Err(); err != nil {
			return "", "", err
		}
		steps, err := openSteps(ctx, tx, pt.ID)
		if err != nil {
			return "", "", err
		}
		newDue := ""
		ext := false
		for _, st := range steps {
			if st.Status != "paused" {
				continue
			}
			extra := 0
			if st.ExtensionsUsed > 0 {
				ext = true
				if r, ok, _ := RuleFor(ctx, tx, pt.Kind, st.Step, pt.Round, pt.Complexity, pt.Area, pt.ReceivedOn); ok {
					extra = st.ExtensionsUsed * r.ExtensionDays
				}
			}
			// The limit restarts from the day of resumption.
			due := cal.Deadline(d, st.Amount+extra, st.Unit)
			newDue = due.String()
			if _, err := tx.ExecContext(ctx, `UPDATE petition_steps SET status = 'open', starts_on = ?, due_on = ? WHERE id = ?`, d.String(), newDue, st.ID); err != nil {
				return "", "", err
			}
		}
		pt.State = InProgress
		if ext {
			pt.State = Extended
		}
		text := "Việc giải quyết đơn được tiếp tục từ ngày " + vnDate(d.String())
		if newDue != "" {
			text += "; thời hạn mới " + vnDate(newDue)
		}
		return "Tiếp tục giải quyết từ " + vnDate(d.String()), text + ".", nil

	case ActResolve:
		if !contains(Results, in.Result) {
			v.Add("result", "Hãy chọn kết quả giải quyết.")
		}
		dec := required(&v, "decision_no", in.DecisionNo, "Hãy ghi số quyết định giải quyết / kết luận nội dung tố cáo.", 100)
		conclusion := search.Clean(in.Conclusion)
		if utf8.RuneCountInString(conclusion) > MaxContent {
			v.Add("conclusion", "Nội dung kết luận quá dài.")
		}
		d := s.actionDate(in.Date, pt, "date", &v)
		if pt.AcceptedOn != "" && d.String() < pt.AcceptedOn && d.String() <= today.String() {
			v.Add("date", "Ngày giải quyết không được trước ngày thụ lý ("+vnDate(pt.AcceptedOn)+").")
		}
		if pt.LeadPersonID == 0 {
			v.Add("result", "Đơn chưa được giao người chủ trì giải quyết.")
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		onTime := true
		steps, err := openSteps(ctx, tx, pt.ID)
		if err != nil {
			return "", "", err
		}
		for _, st := range steps {
			if st.Step == StepResolve && d.String() > st.DueOn {
				onTime = false
			}
		}
		if err := finishSteps(ctx, tx, pt.ID, d); err != nil {
			return "", "", err
		}
		pt.Result, pt.Conclusion, pt.DecisionNo, pt.ResolvedOn, pt.OnTime, pt.State, pt.Open = in.Result, conclusion, dec, d.String(), onTime, Resolved, false
		ot := 0
		if onTime {
			ot = 1
		}
		u, err := org.GetUnit(ctx, tx, pt.UnitID)
		if err != nil {
			return "", "", err
		}
		if err := bumpStats(ctx, tx, u, monthOf(d.String()), pt.Kind, 0, 1, ot); err != nil {
			return "", "", err
		}
		timing := "đúng hạn"
		if !onTime {
			timing = "quá hạn"
		}
		return "Giải quyết xong " + timing + ": " + strings.ToLower(ResultLabel(in.Result)) + " (quyết định " + dec + ")",
			"Đơn đã được giải quyết ngày " + vnDate(d.String()) + " (quyết định số " + dec + "). Kết quả: " + ResultLabel(in.Result) + ".", nil

	case ActClose:
		note := search.Clean(in.Note)
		if utf8.RuneCountInString(note) > 2000 {
			return "", "", apperr.New(apperr.Invalid, "petition.close", "Ghi chú tối đa 2.000 ký tự.")
		}
		pt.State, pt.Open = Closed, false
		return "Kết thúc hồ sơ đơn. " + note, "Hồ sơ đơn đã kết thúc.", nil
	}
	return "", "", apperr.New(apperr.Invalid, "petition.Do", "Thao tác không hợp lệ.")
}
