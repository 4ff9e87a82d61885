package democracy

// The people's inspection board (ban thanh tra nhân dân): elected by the conference
// within the size limits of the rules, none in an agency under the staff threshold, and
// never the head, a deputy or the chief accountant (checked against their current
// positions in the org tree). Its work: a yearly supervision plan, supervision records
// whose recommendations to the head are tracked as tasks with the rules' answer time,
// and the staff's requests, each answered.
//
// Rights: the board's page (members, term) is seen by whoever sees the conference; its
// records by its members, by those who run the agency's conference and by the units
// above. Members write the plan and the records and answer requests; any staff member of
// the agency may send a request and sees their own.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/jobs"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Board is a people's inspection board with its term.
type Board struct {
	ID           int64
	UnitID       int64
	UnitPath     string
	UnitName     string
	UnionPath    string
	ConferenceID int64
	Year         int
	ElectedOn    string
	TermEnd      string
	Votes        Votes
	Present      int
	Members      []BoardMember
	// Filled by Board.
	Plans    []BoardPlan
	Records  []BoardRecord
	Requests []BoardRequest
}

// HeadName is the board head's name.
func (b Board) HeadName() string {
	for _, m := range b.Members {
		if m.Role == "head" {
			return m.Name
		}
	}
	return ""
}

// InTerm reports whether the board's term covers today.
func (b Board) InTerm(today string) bool { return today < b.TermEnd }

// IsMember reports whether the person sits on the board.
func (b Board) IsMember(personID int64) bool {
	for _, m := range b.Members {
		if personID != 0 && m.PersonID == personID {
			return true
		}
	}
	return false
}

// CanSeeRecords reports whether p reads the board's supervision records.
func (b Board) CanSeeRecords(p *org.Principal) bool {
	if p == nil {
		return false
	}
	if b.IsMember(p.PersonID) || CanManageConference(p, b.UnitPath, b.UnionPath) {
		return true
	}
	for _, g := range p.Grants {
		if g.UnitPath != b.UnitPath && strings.HasPrefix(b.UnitPath, g.UnitPath) && org.RoleAllows(g.Role, org.ViewConference) {
			return true
		}
	}
	return false
}

// CanWork reports whether p writes the board's plan and records and answers requests.
func (b Board) CanWork(p *org.Principal) bool { return p != nil && b.IsMember(p.PersonID) }

// BoardMember is one elected member.
type BoardMember struct {
	PersonID int64
	Name     string
	UnitName string
	Role     string // head | member
}

// RoleLabel names the member's role.
func (m BoardMember) RoleLabel() string {
	if m.Role == "head" {
		return "Trưởng ban"
	}
	return "Thành viên"
}

// BoardPlan is the board's supervision plan for a year.
type BoardPlan struct {
	ID      int64
	Year    int
	Content string
}

// BoardRecord is one supervision: what was checked, what was found, what the board
// recommends to the head, and the head's answer tracked as a task.
type BoardRecord struct {
	ID             int64
	CheckedOn      string
	Subject        string
	Findings       string
	Recommendation string
	TaskID         int64
	TaskStatus     string
	TaskDue        string
}

// AnswerLabel is the state of the head's answer.
func (r BoardRecord) AnswerLabel() string {
	if r.TaskID == 0 {
		return "Không có kiến nghị"
	}
	if r.TaskStatus == plan.StatusDone {
		return "Thủ trưởng đã trả lời"
	}
	return "Chờ thủ trưởng trả lời, hạn " + vnDateOf(r.TaskDue)
}

// BoardRequest is a staff member's request or complaint to the board.
type BoardRequest struct {
	ID         int64
	SenderID   int64
	SenderName string
	Content    string
	Answer     string
	AnsweredAt string
	CreatedAt  string
}

// BoardInput is the election of a board at a conference.
type BoardInput struct {
	MemberIDs []int64
	HeadID    int64
	Votes     Votes
}

// checkMembers validates a board's list against the rules and the org tree; messages
// name the person and the position that bars them.
func checkMembers(ctx context.Context, q sqldb.Querier, rules ConferenceRules, agencyPath, agencyName string, staff int, in *BoardInput, v *apperr.Validation) {
	if staff < rules.BoardStaffMin {
		v.Add("member_ids", fmt.Sprintf("%s có %d cán bộ, dưới %d người: theo quy định không thành lập Ban Thanh tra nhân dân.", agencyName, staff, rules.BoardStaffMin))
		return
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, id := range in.MemberIDs {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	in.MemberIDs = ids
	if len(ids) < rules.BoardMin || len(ids) > rules.BoardMax {
		v.Add("member_ids", fmt.Sprintf("Ban Thanh tra nhân dân có từ %d đến %d thành viên; danh sách đang có %d người.", rules.BoardMin, rules.BoardMax, len(ids)))
	}
	if in.HeadID == 0 {
		v.Add("head_id", "Hãy chọn Trưởng ban.")
	} else if !seen[in.HeadID] {
		v.Add("head_id", "Trưởng ban phải có tên trong danh sách thành viên.")
	}
	if len(ids) == 0 || len(ids) > 100 {
		return
	}
	args := []any{agencyPath, sqldb.PathEnd(agencyPath)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, full_name FROM people WHERE unit_path >= ? AND unit_path < ? AND id IN (`+sqldb.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		v.Add("member_ids", "Không kiểm tra được danh sách.")
		return
	}
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var n string
		if rows.Scan(&id, &n) == nil {
			names[id] = n
		}
	}
	rows.Close()
	for _, id := range ids {
		if _, ok := names[id]; !ok {
			v.Add("member_ids", "Có người trong danh sách không phải cán bộ của "+agencyName+".")
			return
		}
	}
	if len(rules.BoardExcluded) == 0 {
		return
	}
	args = args[2:]
	for _, t := range rules.BoardExcluded {
		args = append(args, t)
	}
	rows, err = q.QueryContext(ctx, `SELECT ps.person_id, ps.title, u.name FROM positions ps JOIN units u ON u.id = ps.unit_id
		WHERE ps.person_id IN (`+sqldb.Placeholders(len(ids))+`) AND ps.title IN (`+sqldb.Placeholders(len(rules.BoardExcluded))+`) AND ps.end_date = '' ORDER BY ps.id`, args...)
	if err != nil {
		v.Add("member_ids", "Không kiểm tra được chức vụ của những người trong danh sách.")
		return
	}
	defer rows.Close()
	var refusals []string
	for rows.Next() {
		var pid int64
		var title, unit string
		if rows.Scan(&pid, &title, &unit) == nil {
			refusals = append(refusals, fmt.Sprintf("%s đang giữ chức vụ %s (%s)", names[pid], org.PositionLabel(title), unit))
		}
	}
	if len(refusals) > 0 {
		v.Add("member_ids", "Không thể bầu vào Ban Thanh tra nhân dân: "+strings.Join(refusals, "; ")+". Thủ trưởng, cấp phó của thủ trưởng và kế toán trưởng không được tham gia Ban.")
	}
}

// ElectBoard records the board elected at the conference: the list passes with more
// than half of those present, within the size limits, with nobody barred by position.
// The agency's previous board ends its term that day. Errors: NotFound, Forbidden,
// Invalid (the list, with the reason naming the person and position), Conflict (no
// quorum, not held, a board already elected at this conference, the vote did not pass).
func (s *ConferenceService) ElectBoard(ctx context.Context, p *org.Principal, confID int64, in BoardInput) (int64, error) {
	const op = "democracy.ElectBoard"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.lockForChange(ctx, tx, p, confID, op)
		if err != nil {
			return err
		}
		if c.BoardID != 0 {
			return apperr.New(apperr.Conflict, op, "Hội nghị này đã bầu Ban Thanh tra nhân dân.")
		}
		staff, err := staffCount(ctx, tx, c.UnitPath)
		if err != nil {
			return err
		}
		var v apperr.Validation
		v.Op = op
		checkMembers(ctx, tx, c.Rules, c.UnitPath, c.UnitName, staff, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		passed, err := checkVotes(c, in.Votes, op)
		if err != nil {
			return err
		}
		if !passed {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Danh sách chỉ được %d/%d người có mặt tán thành, không quá một nửa: Ban Thanh tra nhân dân chưa được bầu.", in.Votes.For, c.Present))
		}
		elected, _ := time.Parse("2006-01-02", c.HeldOn)
		termEnd := elected.AddDate(0, c.Rules.BoardTermMonths, 0).Format("2006-01-02")
		if _, err := tx.ExecContext(ctx, `UPDATE boards SET term_end = ? WHERE unit_id = ? AND term_end > ?`, c.HeldOn, c.UnitID, c.HeldOn); err != nil {
			return apperr.Wrap(op, err)
		}
		id, err = tx.InsertID(ctx, `INSERT INTO boards (unit_id, unit_path, conference_id, elected_on, term_end, votes_for, votes_against, votes_abstain, present, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.UnitID, c.UnitPath, c.ID, c.HeldOn, termEnd, in.Votes.For, in.Votes.Against, in.Votes.Abstain, c.Present, sqldb.FormatTime(tx.Now()))
		if err != nil {
			if sqldb.IsUniqueViolation(err) {
				return apperr.New(apperr.Conflict, op, "Hội nghị này đã bầu Ban Thanh tra nhân dân.")
			}
			return apperr.Wrap(op, err)
		}
		for _, pid := range in.MemberIDs {
			role := "member"
			if pid == in.HeadID {
				role = "head"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO board_members (board_id, person_id, role) VALUES (?, ?, ?)`, id, pid, role); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conferences SET board_id = ?, updated_at = ? WHERE id = ?`, id, sqldb.FormatTime(tx.Now()), c.ID); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: c.UnitID, Entity: "board", EntityID: id, Action: "elect",
			Summary: fmt.Sprintf("Hội nghị năm %d bầu Ban Thanh tra nhân dân %d thành viên (%d/%d tán thành), nhiệm kỳ đến %s", c.Year, len(in.MemberIDs), in.Votes.For, c.Present, vnDateOf(termEnd)),
			After:   map[string]any{"conference_id": c.ID, "members": in.MemberIDs, "head_id": in.HeadID, "votes": in.Votes, "term_end": termEnd}})
	})
	return id, err
}

func (s *ConferenceService) loadBoard(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Board, error) {
	var b Board
	err := q.QueryRowContext(ctx, `SELECT b.id, b.unit_id, b.unit_path, u.name, COALESCE(b.conference_id, 0), COALESCE(c.year, 0), b.elected_on, b.term_end, b.votes_for, b.votes_against, b.votes_abstain, b.present,
		COALESCE((SELECT un.path FROM units un WHERE un.parent_id = b.unit_id AND un.kind = 'cong-doan' AND un.valid_to = '' ORDER BY un.id LIMIT 1), '')
		FROM boards b JOIN units u ON u.id = b.unit_id LEFT JOIN conferences c ON c.id = b.conference_id WHERE b.id = ?`, id).
		Scan(&b.ID, &b.UnitID, &b.UnitPath, &b.UnitName, &b.ConferenceID, &b.Year, &b.ElectedOn, &b.TermEnd, &b.Votes.For, &b.Votes.Against, &b.Votes.Abstain, &b.Present, &b.UnionPath)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !CanViewConference(p, b.UnitPath)) {
		return b, apperr.New(apperr.NotFound, "democracy.Board", "")
	}
	if err != nil {
		return b, apperr.Wrap("democracy.Board", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.person_id, pe.full_name, u.name, m.role FROM board_members m JOIN people pe ON pe.id = m.person_id JOIN units u ON u.id = pe.unit_id
		WHERE m.board_id = ? ORDER BY CASE WHEN m.role = 'head' THEN 0 ELSE 1 END, pe.name_key, pe.id`, id)
	if err != nil {
		return b, apperr.Wrap("democracy.Board", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m BoardMember
		if err := rows.Scan(&m.PersonID, &m.Name, &m.UnitName, &m.Role); err != nil {
			return b, apperr.Wrap("democracy.Board", err)
		}
		b.Members = append(b.Members, m)
	}
	return b, apperr.Wrap("democracy.Board", rows.Err())
}

// Board returns a board with its plans and records (when p may read them) and the
// requests p may see. Errors: NotFound.
func (s *ConferenceService) Board(ctx context.Context, p *org.Principal, id int64) (Board, error) {
	b, err := s.loadBoard(ctx, s.DB, p, id)
	if err != nil {
		return b, err
	}
	if b.CanSeeRecords(p) {
		rows, err := s.DB.QueryContext(ctx, `SELECT id, year, content FROM board_plans WHERE board_id = ? ORDER BY year DESC`, id)
		if err != nil {
			return b, apperr.Wrap("democracy.Board", err)
		}
		for rows.Next() {
			var x BoardPlan
			if err := rows.Scan(&x.ID, &x.Year, &x.Content); err != nil {
				rows.Close()
				return b, apperr.Wrap("democracy.Board", err)
			}
			b.Plans = append(b.Plans, x)
		}
		rows.Close()
		rows, err = s.DB.QueryContext(ctx, `SELECT r.id, r.checked_on, r.subject, r.findings, r.recommendation, COALESCE(r.task_id, 0), COALESCE(t.status, ''), COALESCE(t.due_on, '')
			FROM board_records r LEFT JOIN tasks t ON t.id = r.task_id WHERE r.board_id = ? ORDER BY r.checked_on DESC, r.id DESC`, id)
		if err != nil {
			return b, apperr.Wrap("democracy.Board", err)
		}
		for rows.Next() {
			var x BoardRecord
			if err := rows.Scan(&x.ID, &x.CheckedOn, &x.Subject, &x.Findings, &x.Recommendation, &x.TaskID, &x.TaskStatus, &x.TaskDue); err != nil {
				rows.Close()
				return b, apperr.Wrap("democracy.Board", err)
			}
			b.Records = append(b.Records, x)
		}
		rows.Close()
	}
	q := `SELECT r.id, r.sender_id, us.display_name, r.content, r.answer, r.answered_at, r.created_at FROM board_requests r JOIN users us ON us.id = r.sender_id WHERE r.board_id = ?`
	args := []any{id}
	if !b.CanSeeRecords(p) {
		q += ` AND r.sender_id = ?`
		args = append(args, p.UserID)
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY r.id DESC LIMIT 200`, args...)
	if err != nil {
		return b, apperr.Wrap("democracy.Board", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x BoardRequest
		if err := rows.Scan(&x.ID, &x.SenderID, &x.SenderName, &x.Content, &x.Answer, &x.AnsweredAt, &x.CreatedAt); err != nil {
			return b, apperr.Wrap("democracy.Board", err)
		}
		b.Requests = append(b.Requests, x)
	}
	return b, apperr.Wrap("democracy.Board", rows.Err())
}

// BoardOf returns the id of the agency's board in term on a date, 0 if none.
func (s *ConferenceService) BoardOf(ctx context.Context, agencyID int64, today string) int64 {
	var id int64
	_ = s.DB.QueryRowContext(ctx, `SELECT id FROM boards WHERE unit_id = ? AND term_end > ? ORDER BY elected_on DESC, id DESC LIMIT 1`, agencyID, today).Scan(&id)
	return id
}

// SavePlan writes the board's supervision plan for a year (replacing that year's).
// Errors: NotFound, Forbidden (not a member), Invalid.
func (s *ConferenceService) SavePlan(ctx context.Context, p *org.Principal, boardID int64, year int, content string) error {
	const op = "democracy.SavePlan"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		b, err := s.loadBoard(ctx, tx, p, boardID)
		if err != nil {
			return err
		}
		if !b.CanWork(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thành viên Ban Thanh tra nhân dân lập kế hoạch giám sát của Ban.")
		}
		var v apperr.Validation
		v.Op = op
		content = search.Clean(content)
		if content == "" {
			v.Add("content", "Hãy nhập nội dung kế hoạch giám sát.")
		} else if utf8.RuneCountInString(content) > 20000 {
			v.Add("content", "Kế hoạch tối đa 20.000 ký tự.")
		}
		if year < 2000 || year > 2100 {
			v.Add("year", "Năm không hợp lệ.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO board_plans (board_id, year, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (board_id, year) DO UPDATE SET content = excluded.content, updated_at = excluded.updated_at`, boardID, year, content, now, now); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: b.UnitID, Entity: "board", EntityID: boardID, Action: "plan",
			Summary: fmt.Sprintf("Ban Thanh tra nhân dân lập kế hoạch giám sát năm %d", year), After: map[string]any{"year": year, "content": content}})
	})
}

// RecordInput is a supervision record.
type RecordInput struct {
	CheckedOn      string
	Subject        string
	Findings       string
	Recommendation string
}

// AddRecord records a supervision; a recommendation to the head becomes a task of the
// agency with the head answerable within the rules' working days. Errors: NotFound,
// Forbidden, Invalid.
func (s *ConferenceService) AddRecord(ctx context.Context, p *org.Principal, boardID int64, in RecordInput) (int64, error) {
	const op = "democracy.AddRecord"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		b, err := s.loadBoard(ctx, tx, p, boardID)
		if err != nil {
			return err
		}
		if !b.CanWork(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thành viên Ban Thanh tra nhân dân ghi biên bản giám sát.")
		}
		var v apperr.Validation
		v.Op = op
		in.Subject, in.Findings, in.Recommendation = search.Clean(in.Subject), search.Clean(in.Findings), search.Clean(in.Recommendation)
		switch {
		case in.CheckedOn == "":
			v.Add("checked_on", "Hãy nhập ngày giám sát.")
		case !validYMD(in.CheckedOn):
			v.Add("checked_on", "Ngày giám sát không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		case in.CheckedOn > work.Today(tx.Now()):
			v.Add("checked_on", "Ngày giám sát không được sau hôm nay.")
		}
		if in.Subject == "" {
			v.Add("subject", "Hãy nhập nội dung được giám sát.")
		}
		if in.Findings == "" {
			v.Add("findings", "Hãy nhập kết quả giám sát.")
		}
		for f, t := range map[string]string{"subject": in.Subject, "findings": in.Findings, "recommendation": in.Recommendation} {
			if utf8.RuneCountInString(t) > 20000 {
				v.Add(f, "Tối đa 20.000 ký tự.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var taskID int64
		if in.Recommendation != "" {
			rules, err := RulesOn(ctx, tx, in.CheckedOn)
			if err != nil {
				return err
			}
			head := headOf(ctx, tx, b.UnitID)
			if head == 0 {
				return apperr.New(apperr.Conflict, op, b.UnitName+" chưa có thủ trưởng trong danh sách nhân sự để trả lời kiến nghị.")
			}
			// The law obliges the head to answer the board's recommendation; the board
			// holds no right to assign tasks, so the task is assigned on the agency's
			// behalf, with the board member as the actor of the audit trail.
			onBehalf := &org.Principal{UserID: p.UserID, PersonID: p.PersonID, Name: p.Name, Grants: []org.Grant{{UnitID: b.UnitID, UnitPath: b.UnitPath, Role: org.RoleManager}}}
			taskID, err = s.Plans.CreateTaskTx(ctx, tx, onBehalf, plan.TaskInput{Title: "Trả lời kiến nghị của Ban Thanh tra nhân dân: " + in.Subject,
				Description: "Kiến nghị: " + in.Recommendation + "\n\nKết quả giám sát ngày " + vnDateOf(in.CheckedOn) + ": " + in.Findings,
				UnitID:      b.UnitID, LeadID: head, StartOn: work.Today(tx.Now()), DueDays: rules.AnswerDays, Priority: 1})
			if err != nil {
				return err
			}
		}
		id, err = tx.InsertID(ctx, `INSERT INTO board_records (board_id, checked_on, subject, findings, recommendation, task_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			boardID, in.CheckedOn, in.Subject, in.Findings, in.Recommendation, confNullID(taskID), sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: b.UnitID, Entity: "board", EntityID: boardID, Action: "record",
			Summary: "Ban Thanh tra nhân dân giám sát: " + in.Subject, After: map[string]any{"record_id": id, "input": in, "task_id": taskID}})
	})
	return id, err
}

// SendRequest sends the board a request or complaint from a staff member of the agency.
// Errors: NotFound, Forbidden, Invalid.
func (s *ConferenceService) SendRequest(ctx context.Context, p *org.Principal, boardID int64, content string) (int64, error) {
	const op = "democracy.SendRequest"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		b, err := s.loadBoard(ctx, tx, p, boardID)
		if err != nil {
			return err
		}
		inside := false
		for _, g := range p.Grants {
			if strings.HasPrefix(g.UnitPath, b.UnitPath) {
				inside = true
			}
		}
		if !inside {
			return apperr.New(apperr.Forbidden, op, "Chỉ cán bộ, công chức, viên chức, người lao động của "+b.UnitName+" gửi kiến nghị đến Ban.")
		}
		content = search.Clean(content)
		var v apperr.Validation
		v.Op = op
		if content == "" {
			v.Add("content", "Hãy nhập nội dung kiến nghị, phản ánh.")
		} else if utf8.RuneCountInString(content) > 5000 {
			v.Add("content", "Nội dung tối đa 5.000 ký tự.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		id, err = tx.InsertID(ctx, `INSERT INTO board_requests (board_id, sender_id, content, created_at) VALUES (?, ?, ?, ?) RETURNING id`, boardID, p.UserID, content, sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: b.UnitID, Entity: "board", EntityID: boardID, Action: "request",
			Summary: "Gửi kiến nghị đến Ban Thanh tra nhân dân", After: map[string]any{"request_id": id}})
	})
	return id, err
}

// AnswerRequest answers a request; the sender is told. Errors: NotFound, Forbidden,
// Invalid, Conflict (already answered).
func (s *ConferenceService) AnswerRequest(ctx context.Context, p *org.Principal, boardID, requestID int64, answer string) error {
	const op = "democracy.AnswerRequest"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		b, err := s.loadBoard(ctx, tx, p, boardID)
		if err != nil {
			return err
		}
		if !b.CanWork(p) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thành viên Ban Thanh tra nhân dân trả lời kiến nghị gửi Ban.")
		}
		var sender int64
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT sender_id, answer FROM board_requests WHERE id = ? AND board_id = ?`, requestID, boardID).Scan(&sender, &old); err != nil {
			return apperr.New(apperr.NotFound, op, "")
		}
		if old != "" {
			return apperr.New(apperr.Conflict, op, "Kiến nghị này đã được trả lời.")
		}
		answer = search.Clean(answer)
		var v apperr.Validation
		v.Op = op
		if answer == "" {
			v.Add("answer", "Hãy nhập nội dung trả lời.")
		} else if utf8.RuneCountInString(answer) > 5000 {
			v.Add("answer", "Nội dung trả lời tối đa 5.000 ký tự.") // as the request it answers
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE board_requests SET answer = ?, answered_at = ? WHERE id = ?`, answer, sqldb.FormatTime(tx.Now()), requestID); err != nil {
			return apperr.Wrap(op, err)
		}
		if err := notify.Send(ctx, tx, notify.Note{UserID: sender, Kind: "board.answer", Title: "Ban Thanh tra nhân dân đã trả lời kiến nghị của bạn",
			Body: answer, Link: "/democracy/boards/" + confItoa(boardID)}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: b.UnitID, Entity: "board", EntityID: boardID, Action: "answer",
			Summary: "Ban Thanh tra nhân dân trả lời kiến nghị", After: map[string]any{"request_id": requestID, "answer": answer}})
	})
}

// RemindTermEnds tells the agency's managers and the board's head, once, that the term
// ends within the rules' notice days. It returns how many boards were reminded.
func (s *ConferenceService) RemindTermEnds(ctx context.Context, now time.Time) (int, error) {
	today := work.Today(now)
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM boards WHERE reminded = 0 AND term_end > ? AND term_end <= ? ORDER BY id LIMIT 1000`,
		today, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 92).Format("2006-01-02"))
	if err != nil {
		return 0, apperr.Wrap("democracy.RemindTermEnds", err)
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
			var unitID int64
			var unitName, path, termEnd string
			if err := tx.QueryRowContext(ctx, `SELECT b.unit_id, u.name, b.unit_path, b.term_end FROM boards b JOIN units u ON u.id = b.unit_id WHERE b.id = ? AND b.reminded = 0`, id).Scan(&unitID, &unitName, &path, &termEnd); err != nil {
				return nil
			}
			rules, err := RulesOn(ctx, tx, today)
			if err != nil {
				return err
			}
			end, _ := time.Parse("2006-01-02", termEnd)
			if end.AddDate(0, 0, -rules.BoardNoticeDays).Format("2006-01-02") > today {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `UPDATE boards SET reminded = 1 WHERE id = ?`, id); err != nil {
				return err
			}
			urows, err := tx.QueryContext(ctx, `SELECT DISTINCT us.id FROM users us WHERE us.disabled = FALSE AND (
				us.id IN (SELECT g.user_id FROM role_grants g JOIN units gu ON gu.id = g.unit_id WHERE gu.id = ? AND g.role IN ('manager', 'staff'))
				OR us.person_id IN (SELECT m.person_id FROM board_members m WHERE m.board_id = ? AND m.role = 'head'))`, unitID, id)
			if err != nil {
				return err
			}
			var users []int64
			for urows.Next() {
				var u int64
				if urows.Scan(&u) == nil {
					users = append(users, u)
				}
			}
			urows.Close()
			for _, u := range users {
				if err := notify.Send(ctx, tx, notify.Note{UserID: u, Kind: "board.term", Title: "Nhiệm kỳ Ban Thanh tra nhân dân sắp kết thúc",
					Body: fmt.Sprintf("Nhiệm kỳ Ban Thanh tra nhân dân %s kết thúc ngày %s: hãy chuẩn bị bầu Ban mới tại hội nghị cán bộ, công chức, viên chức, người lao động.", unitName, vnDateOf(termEnd)),
					Link: "/democracy/boards/" + confItoa(id)}); err != nil {
					return err
				}
			}
			sent++
			return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "board", EntityID: id, Action: "remind",
				Summary: "Nhắc nhiệm kỳ Ban Thanh tra nhân dân kết thúc ngày " + vnDateOf(termEnd)})
		})
		if err != nil {
			return sent, apperr.Wrap("democracy.RemindTermEnds", err)
		}
	}
	return sent, nil
}

// TermReminderTask is the job that reminds boards' term ends, daily.
func (s *ConferenceService) TermReminderTask() jobs.Task {
	return jobs.Task{Name: "democracy.board-term", Every: 6 * time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.RemindTermEnds(ctx, now)
		return err
	}}
}
