package plan

import (
	"context"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Session kinds.
var SessionKinds = []struct{ Code, Label string }{
	{"quan-triet", "Quán triệt nghị quyết"},
	{"tap-huan", "Tập huấn"},
	{"boi-duong", "Bồi dưỡng"},
}

// SessionKindLabel is the kind in Vietnamese.
func SessionKindLabel(code string) string {
	for _, k := range SessionKinds {
		if k.Code == code {
			return k.Label
		}
	}
	return code
}

// Attendance states.
const (
	AttInvited = "invited" // được mời, chưa điểm danh
	AttPresent = "present" // có mặt
	AttExcused = "excused" // vắng có phép
	AttAbsent  = "absent"  // vắng không phép
)

// AttendanceLabel is the state in Vietnamese.
func AttendanceLabel(s string) string {
	switch s {
	case AttPresent:
		return "Có mặt"
	case AttExcused:
		return "Vắng có phép"
	case AttAbsent:
		return "Vắng không phép"
	}
	return "Chưa điểm danh"
}

// FileOwnerSession is the attachments owner type of training materials.
const FileOwnerSession = "training"

// Session is a training or dissemination session.
type Session struct {
	ID            int64
	UnitID        int64
	UnitPath      string
	UnitName      string
	Kind          string
	Title         string
	HeldOn        string
	Place         string
	OrganiserID   int64
	OrganiserName string
	Note          string
	Documents     []DocRef
	Units         []org.Unit
	Attendance    []Attendee
	Invited       int
	Present       int
}

// KindLabel is the kind in Vietnamese.
func (s Session) KindLabel() string { return SessionKindLabel(s.Kind) }

// Attendee is one invited person.
type Attendee struct {
	PersonID int64
	Name     string
	UnitName string
	Status   string
}

// StatusLabel is the attendance in Vietnamese.
func (a Attendee) StatusLabel() string { return AttendanceLabel(a.Status) }

// SessionInput is the form of a session.
type SessionInput struct {
	UnitID      int64
	Kind        string
	Title       string
	HeldOn      string
	Place       string
	OrganiserID int64
	Note        string
	DocumentIDs []int64
	UnitIDs     []int64 // invited units: their members are invited
	PersonIDs   []int64 // invited people
}

// CreateSession saves a session and its invitations (the people of the invited units
// and the people named). Errors: Invalid.
func (s *Service) CreateSession(ctx context.Context, p *org.Principal, in SessionInput) (int64, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var v apperr.Validation
		in.Title, in.Place, in.Note = search.Clean(in.Title), search.Clean(in.Place), search.Clean(in.Note)
		var u org.Unit
		var err error
		if in.UnitID == 0 {
			v.Add("unit_id", "Hãy chọn đơn vị tổ chức.")
		} else if u, err = org.GetUnit(ctx, tx, in.UnitID); err != nil || !p.CanPath(org.ManagePlan, u.Path) {
			v.Add("unit_id", "Bạn không có quyền tổ chức hội nghị cho đơn vị này.")
		}
		if SessionKindLabel(in.Kind) == in.Kind {
			v.Add("kind", "Hãy chọn hình thức: quán triệt, tập huấn hay bồi dưỡng.")
		}
		if in.Title == "" {
			v.Add("title", "Hãy nhập tên hội nghị, lớp.")
		} else if utf8.RuneCountInString(in.Title) > 300 {
			v.Add("title", "Tên tối đa 300 ký tự.")
		}
		if !validDate(in.HeldOn) {
			v.Add("held_on", "Hãy nhập ngày tổ chức hợp lệ (dd/mm/yyyy).")
		}
		if in.OrganiserID != 0 && u.ID != 0 && !s.belongsNear(ctx, tx, in.OrganiserID, u.Path) {
			v.Add("organiser_id", "Người phụ trách phải thuộc đơn vị tổ chức.")
		}
		for _, uid := range in.UnitIDs {
			path, err := org.UnitPath(ctx, tx, uid)
			if err != nil || u.ID == 0 || !strings.HasPrefix(path, u.Path) {
				v.Add("unit_ids", "Chỉ mời được các đơn vị thuộc đơn vị tổ chức.")
				break
			}
		}
		for _, pid := range in.PersonIDs {
			if u.ID == 0 || !s.belongsNear(ctx, tx, pid, u.Path) {
				v.Add("person_ids", "Có người được mời không thuộc đơn vị tổ chức.")
				break
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO training_sessions (unit_id, unit_path, kind, title, title_fold, held_on, place, organiser_id, note, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.ID, u.Path, in.Kind, in.Title, search.Fold(in.Title), in.HeldOn, in.Place, nullID(in.OrganiserID), in.Note, nullID(p.UserID), now, now)
		if err != nil {
			return apperr.Wrap("plan.CreateSession", err)
		}
		for _, d := range in.DocumentIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_documents (session_id, document_id) VALUES (?, ?)`, id, d); err != nil {
				return apperr.Wrap("plan.CreateSession", err)
			}
		}
		for _, uid := range in.UnitIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_units (session_id, unit_id) VALUES (?, ?)`, id, uid); err != nil {
				return apperr.Wrap("plan.CreateSession", err)
			}
			path, _ := org.UnitPath(ctx, tx, uid)
			// Members of the unit: managed there or holding a current position there.
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_attendance (session_id, person_id, status)
				SELECT DISTINCT CAST(? AS BIGINT), p.id, 'invited' FROM people p WHERE ((p.unit_path >= ? AND p.unit_path < ?) OR EXISTS (SELECT 1 FROM positions ps JOIN units x ON x.id = ps.unit_id WHERE ps.person_id = p.id AND ps.end_date = '' AND x.path >= ? AND x.path < ?))
				AND NOT EXISTS (SELECT 1 FROM training_attendance a WHERE a.session_id = ? AND a.person_id = p.id)`,
				id, path, sqldb.PathEnd(path), path, sqldb.PathEnd(path), id); err != nil {
				return apperr.Wrap("plan.CreateSession", err)
			}
		}
		for _, pid := range in.PersonIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO training_attendance (session_id, person_id, status) VALUES (?, ?, 'invited') ON CONFLICT DO NOTHING`, id, pid); err != nil {
				return apperr.Wrap("plan.CreateSession", err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "training", EntityID: id, Action: "create",
			Summary: SessionKindLabel(in.Kind) + ": " + in.Title + " ngày " + vnDate(in.HeldOn), After: in})
	})
	return id, err
}

// Session returns a session with its documents, units and attendance. Errors: NotFound.
func (s *Service) Session(ctx context.Context, p *org.Principal, id int64) (Session, error) {
	var x Session
	err := s.DB.QueryRowContext(ctx, `SELECT t.id, t.unit_id, t.unit_path, un.name, t.kind, t.title, t.held_on, t.place, COALESCE(t.organiser_id, 0), COALESCE(pe.full_name, ''), t.note
		FROM training_sessions t JOIN units un ON un.id = t.unit_id LEFT JOIN people pe ON pe.id = t.organiser_id WHERE t.id = ?`, id).
		Scan(&x.ID, &x.UnitID, &x.UnitPath, &x.UnitName, &x.Kind, &x.Title, &x.HeldOn, &x.Place, &x.OrganiserID, &x.OrganiserName, &x.Note)
	if err != nil {
		return Session{}, wrapNF("plan.Session", err)
	}
	if !p.CanPath(org.ViewPlan, x.UnitPath) {
		return Session{}, notFound("plan.Session")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT d.id, d.notation, d.kind, d.title, d.issued_on, d.in_force FROM training_documents td JOIN gov_documents d ON d.id = td.document_id WHERE td.session_id = ?`, id)
	if err != nil {
		return Session{}, apperr.Wrap("plan.Session", err)
	}
	for rows.Next() {
		var d DocRef
		if err := rows.Scan(&d.ID, &d.Notation, &d.Kind, &d.Title, &d.IssuedOn, &d.InForce); err != nil {
			rows.Close()
			return Session{}, apperr.Wrap("plan.Session", err)
		}
		x.Documents = append(x.Documents, d)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT u.id, u.name, u.kind FROM training_units tu JOIN units u ON u.id = tu.unit_id WHERE tu.session_id = ? ORDER BY u.path`, id)
	if err != nil {
		return Session{}, apperr.Wrap("plan.Session", err)
	}
	for rows.Next() {
		var u org.Unit
		if err := rows.Scan(&u.ID, &u.Name, &u.Kind); err != nil {
			rows.Close()
			return Session{}, apperr.Wrap("plan.Session", err)
		}
		x.Units = append(x.Units, u)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT a.person_id, p.full_name, un.name, a.status FROM training_attendance a JOIN people p ON p.id = a.person_id JOIN units un ON un.id = p.unit_id WHERE a.session_id = ? ORDER BY un.name, p.name_key LIMIT 2000`, id)
	if err != nil {
		return Session{}, apperr.Wrap("plan.Session", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Attendee
		if err := rows.Scan(&a.PersonID, &a.Name, &a.UnitName, &a.Status); err != nil {
			return Session{}, apperr.Wrap("plan.Session", err)
		}
		x.Invited++
		if a.Status == AttPresent {
			x.Present++
		}
		x.Attendance = append(x.Attendance, a)
	}
	return x, apperr.Wrap("plan.Session", rows.Err())
}

// RecordAttendance sets the attendance of invited people (person id -> state).
// Errors: NotFound, Forbidden, Invalid.
func (s *Service) RecordAttendance(ctx context.Context, p *org.Principal, id int64, marks map[int64]string) error {
	x, err := s.Session(ctx, p, id)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManagePlan, x.UnitPath) {
		return forbidden("plan.RecordAttendance", "Bạn không có quyền điểm danh hội nghị này.")
	}
	for _, st := range marks {
		if st != AttPresent && st != AttExcused && st != AttAbsent && st != AttInvited {
			return apperr.New(apperr.Invalid, "plan.RecordAttendance", "Trạng thái điểm danh không hợp lệ.")
		}
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		changed := 0
		for pid, st := range marks {
			res, err := tx.ExecContext(ctx, `UPDATE training_attendance SET status = ? WHERE session_id = ? AND person_id = ? AND status <> ?`, st, id, pid, st)
			if err != nil {
				return apperr.Wrap("plan.RecordAttendance", err)
			}
			n, _ := res.RowsAffected()
			changed += int(n)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: x.UnitID, Entity: "training", EntityID: id, Action: "attendance",
			Summary: "Điểm danh " + x.Title + ": cập nhật " + itoa(int64(changed)) + " người", After: marks})
	})
}

// SessionFilter selects sessions.
type SessionFilter struct {
	UnitID int64
	Year   int
}

// FindSessions lists sessions p may see, newest first, with invited and present counts.
func (s *Service) FindSessions(ctx context.Context, p *org.Principal, f SessionFilter) ([]Session, error) {
	cond, args := p.Scope(org.ViewPlan).SQL("t.unit_path")
	where := []string{cond}
	if f.UnitID != 0 {
		path, err := org.UnitPath(ctx, s.DB, f.UnitID)
		if err != nil {
			return nil, nil
		}
		where = append(where, "t.unit_path >= ? AND t.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	if f.Year != 0 {
		where = append(where, "t.held_on >= ? AND t.held_on <= ?")
		args = append(args, itoa(int64(f.Year))+"-01-01", itoa(int64(f.Year))+"-12-31")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.unit_id, un.name, t.kind, t.title, t.held_on, t.place,
		(SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = t.id), (SELECT COUNT(*) FROM training_attendance a WHERE a.session_id = t.id AND a.status = 'present')
		FROM training_sessions t JOIN units un ON un.id = t.unit_id WHERE `+strings.Join(where, " AND ")+` ORDER BY t.held_on DESC, t.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap("plan.FindSessions", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var x Session
		if err := rows.Scan(&x.ID, &x.UnitID, &x.UnitName, &x.Kind, &x.Title, &x.HeldOn, &x.Place, &x.Invited, &x.Present); err != nil {
			return nil, apperr.Wrap("plan.FindSessions", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("plan.FindSessions", rows.Err())
}

// UnitStat is the training record of one unit.
type UnitStat struct {
	UnitID   int64
	UnitName string
	Sessions int
	Invited  int
	Reached  int // distinct people present at least once
	Present  int
}

// Rate is the attendance rate (present / invited).
func (u UnitStat) Rate() float64 {
	if u.Invited == 0 {
		return 0
	}
	return float64(u.Present) / float64(u.Invited) * 100
}

// TrainingStats gives per organising unit: sessions held, people reached, attendance
// rate, for a year (0: all years), over the units p may see.
func (s *Service) TrainingStats(ctx context.Context, p *org.Principal, year int) ([]UnitStat, error) {
	cond, args := p.Scope(org.ViewPlan).SQL("t.unit_path")
	where := cond
	if year != 0 {
		where += " AND t.held_on >= ? AND t.held_on <= ?"
		args = append(args, itoa(int64(year))+"-01-01", itoa(int64(year))+"-12-31")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT t.unit_id, un.name, COUNT(DISTINCT t.id), COUNT(a.person_id), COUNT(DISTINCT CASE WHEN a.status = 'present' THEN a.person_id END),
		SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END)
		FROM training_sessions t JOIN units un ON un.id = t.unit_id LEFT JOIN training_attendance a ON a.session_id = t.id WHERE `+where+` GROUP BY t.unit_id, un.name, un.path ORDER BY un.path`, args...)
	if err != nil {
		return nil, apperr.Wrap("plan.TrainingStats", err)
	}
	defer rows.Close()
	var out []UnitStat
	for rows.Next() {
		var u UnitStat
		var present *int
		if err := rows.Scan(&u.UnitID, &u.UnitName, &u.Sessions, &u.Invited, &u.Reached, &present); err != nil {
			return nil, apperr.Wrap("plan.TrainingStats", err)
		}
		if present != nil {
			u.Present = *present
		}
		out = append(out, u)
	}
	return out, apperr.Wrap("plan.TrainingStats", rows.Err())
}

// NotYetAttended lists the members of a unit (managed there or holding a position there)
// who have not been present at any session covering the document.
func (s *Service) NotYetAttended(ctx context.Context, p *org.Principal, unitID, documentID int64, limit int) ([]Attendee, error) {
	path, err := org.UnitPath(ctx, s.DB, unitID)
	if err != nil || !p.CanPath(org.ViewPlan, path) {
		return nil, notFound("plan.NotYetAttended")
	}
	if limit <= 0 || limit > 2000 {
		limit = 500
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.full_name, un.name FROM people p JOIN units un ON un.id = p.unit_id
		WHERE p.party_member = TRUE AND ((p.unit_path >= ? AND p.unit_path < ?) OR EXISTS (SELECT 1 FROM positions ps JOIN units x ON x.id = ps.unit_id WHERE ps.person_id = p.id AND ps.end_date = '' AND x.path >= ? AND x.path < ?))
		AND NOT EXISTS (SELECT 1 FROM training_attendance a JOIN training_documents td ON td.session_id = a.session_id WHERE a.person_id = p.id AND a.status = 'present' AND td.document_id = ?)
		ORDER BY un.name, p.name_key LIMIT `+itoa(int64(limit)), path, sqldb.PathEnd(path), path, sqldb.PathEnd(path), documentID)
	if err != nil {
		return nil, apperr.Wrap("plan.NotYetAttended", err)
	}
	defer rows.Close()
	var out []Attendee
	for rows.Next() {
		var a Attendee
		if err := rows.Scan(&a.PersonID, &a.Name, &a.UnitName); err != nil {
			return nil, apperr.Wrap("plan.NotYetAttended", err)
		}
		out = append(out, a)
	}
	return out, apperr.Wrap("plan.NotYetAttended", rows.Err())
}

// AttachSessionFiles stores materials of a session. Errors: NotFound, Forbidden, Invalid.
func (s *Service) AttachSessionFiles(ctx context.Context, p *org.Principal, id int64, files []attach.Upload, store *attach.Store) error {
	x, err := s.Session(ctx, p, id)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManagePlan, x.UnitPath) {
		return forbidden("plan.AttachSessionFiles", "Bạn không có quyền sửa hội nghị này.")
	}
	if len(files) == 0 { // after the rights: whoever may not attach learns nothing of the form
		return &apperr.Error{Kind: apperr.Invalid, Op: "plan.AttachSessionFiles", Message: "Hãy chọn tệp tài liệu (PDF, Word, Excel, ảnh).",
			Fields: map[string]string{"file": "Hãy chọn tệp tài liệu (PDF, Word, Excel, ảnh)."}}
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var names []string
		for _, f := range files {
			saved, err := store.Save(ctx, tx, FileOwnerSession, id, f, attach.Office)
			if err != nil {
				return err
			}
			names = append(names, saved.Name)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: x.UnitID, Entity: "training", EntityID: id, Action: "file",
			Summary: "Đính kèm tài liệu " + x.Title + ": " + strings.Join(names, ", "), After: names})
	})
}
