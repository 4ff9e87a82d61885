// Package report is the periodic report (báo cáo sơ kết, tổng kết) of a unit's
// mass-mobilisation work to the level above: the figures of every domain for the unit's
// subtree and period, read through the domains' own figures.Source (so a report counts
// exactly what the dashboard and the module lists count), the narrative the secretary
// writes, saved as versions, and the flow drafted → submitted → received, or returned
// with remarks, then edited and submitted again.
//
// Figures are live while the report is a draft (or returned) and frozen, as JSON in the
// report's row, at each submission: a submitted report keeps the numbers it was sent
// with, whatever happens to the data afterwards.
//
// Due dates come from the level above: a report call (yêu cầu báo cáo, the upper
// committee's công văn asking its units to report on a period by a date) sets, for every
// reporting child unit, the date after which a missing report is overdue. Without a call
// a missing report is only "chưa gửi", never overdue: no national rule fixes the date
// (each upper committee sets its own in its công văn), so it is data, not code.
//
// Rights follow the unit tree: WriteReport on the unit writes and submits its report,
// but not from the level that receives it (ReceiveReport on the unit's parent), so the
// reviewer is never the author; ReceiveReport on the parent receives or returns it;
// ViewReport reads. A report out of reach is NotFound.
package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/figures"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Kind is the kind of a report.
type Kind string

const (
	SixMonth Kind = "six_month" // Sơ kết 6 tháng đầu năm: 1/1 – 30/6
	Annual   Kind = "annual"    // Tổng kết năm: 1/1 – 31/12
	Custom   Kind = "custom"    // a period chosen by the unit (a quarter, a campaign)
)

// Kinds in display order.
var Kinds = []Kind{SixMonth, Annual, Custom}

// Label is the kind's Vietnamese name.
func (k Kind) Label() string {
	switch k {
	case SixMonth:
		return "Sơ kết 6 tháng"
	case Annual:
		return "Tổng kết năm"
	case Custom:
		return "Báo cáo theo kỳ"
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == SixMonth || k == Annual || k == Custom }

// Status is where a report is in its flow.
type Status string

const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Received  Status = "received"
	Returned  Status = "returned"
)

// Label is the status's Vietnamese name, as its badge shows it.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Đang soạn"
	case Submitted:
		return "Đã gửi cấp trên"
	case Received:
		return "Cấp trên đã tiếp nhận"
	case Returned:
		return "Bị trả lại"
	}
	return string(s)
}

// Sent reports whether the report is with the level above (submitted or received).
func (s Status) Sent() bool { return s == Submitted || s == Received }

// ReminderDays is how many days before a call's due date the secretaries of the units
// that have not sent their report get a reminder.
const ReminderDays = 7

// Service holds the rules and SQL of reports.
type Service struct {
	DB  *sqldb.DB
	Org *org.Service
	// Sources give the figures, in the order the report shows their blocks (the same as
	// the dashboard's).
	Sources []figures.Source
	// LiveFor is how long a draft's live figures are reused by Get for the same reader
	// (0: DefaultLiveFor). Reading a wide subtree's figures takes seconds at national
	// scale (docs/PERFORMANCE.md), and the secretary reloads the page at every save; the
	// page says when its figures were read and offers to read them again. A submission
	// always reads them afresh.
	LiveFor time.Duration

	live liveCache
}

// DefaultLiveFor is the reuse of a draft's live figures when LiveFor is 0.
const DefaultLiveFor = 2 * time.Minute

// NewService returns the service.
func NewService(db *sqldb.DB, o *org.Service, sources []figures.Source) *Service {
	return &Service{DB: db, Org: o, Sources: sources}
}

// Period returns the dates of a kind's period: the year's first half, the whole year,
// or from..to for a custom period (dates YYYY-MM-DD). Errors: Invalid, naming the field.
func Period(kind Kind, year int, from, to string) (string, string, error) {
	var v apperr.Validation
	v.Op = "report.Period"
	switch kind {
	case SixMonth, Annual:
		if year < 2000 || year > 2100 {
			v.Add("year", "Năm báo cáo không hợp lệ.")
			return "", "", v.Err()
		}
		y := strconv.Itoa(year)
		if kind == SixMonth {
			return y + "-01-01", y + "-06-30", nil
		}
		return y + "-01-01", y + "-12-31", nil
	case Custom:
		if !org.ValidDate(from) || from == "" {
			v.Add("from", "Ngày bắt đầu kỳ báo cáo không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 01/01/2026.")
		}
		if !org.ValidDate(to) || to == "" {
			v.Add("to", "Ngày kết thúc kỳ báo cáo không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 30/09/2026.")
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		if to < from {
			v.Add("to", "Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.")
		} else if len((figures.Query{From: from, To: to}).Months()) > 24 {
			v.Add("from", "Kỳ báo cáo dài nhất là 2 năm.")
		}
		if err := v.Err(); err != nil {
			return "", "", err
		}
		return from, to, nil
	}
	v.Add("kind", "Hãy chọn loại báo cáo: sơ kết 6 tháng, tổng kết năm hoặc theo kỳ.")
	return "", "", v.Err()
}

// Title is the report's trích yếu: "Sơ kết công tác dân vận 6 tháng đầu năm 2026".
func Title(kind Kind, from, to string) string {
	switch kind {
	case SixMonth:
		return "Sơ kết công tác dân vận 6 tháng đầu năm " + from[:4]
	case Annual:
		return "Tổng kết công tác dân vận năm " + from[:4]
	}
	return "Kết quả công tác dân vận từ ngày " + viDate(from) + " đến ngày " + viDate(to)
}

func viDate(iso string) string {
	if len(iso) != 10 {
		return iso
	}
	return iso[8:] + "/" + iso[5:7] + "/" + iso[:4]
}

// parentPath is the path of the unit above: "/1/5/" → "/1/"; "" for a root.
func parentPath(path string) string {
	s := strings.TrimSuffix(path, "/")
	i := strings.LastIndexByte(s, '/')
	if i <= 0 {
		return ""
	}
	return s[:i+1]
}

// CanWrite reports whether p writes and submits the reports of the unit at path: the
// unit's own committee, not the level that receives them.
func CanWrite(p *org.Principal, path string) bool {
	if !p.CanPath(org.WriteReport, path) {
		return false
	}
	up := parentPath(path)
	return up == "" || !p.CanPath(org.ReceiveReport, up)
}

// CanReceive reports whether p receives or returns the reports of the unit at path.
func CanReceive(p *org.Principal, path string) bool {
	up := parentPath(path)
	return up != "" && p.CanPath(org.ReceiveReport, up)
}

// Input creates a report.
type Input struct {
	UnitID   int64
	Kind     Kind
	Year     int    // six_month, annual
	From, To string // custom
}

// Create records a draft report of a unit for a period. A second report of the same
// unit, kind and period is a Conflict carrying the existing report's id (ExistingID),
// so a double submit of the form makes one report. Errors: NotFound, Forbidden,
// Invalid, Conflict.
func (s *Service) Create(ctx context.Context, p *org.Principal, in Input) (int64, error) {
	const op = "report.Create"
	u, err := s.Org.UnitByID(ctx, p, in.UnitID)
	if err != nil {
		return 0, err
	}
	if !p.CanPath(org.ViewReport, u.Path) {
		return 0, apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị.")
	}
	if !CanWrite(p, u.Path) {
		return 0, apperr.New(apperr.Forbidden, op, "Chỉ cấp ủy của "+u.Name+" lập báo cáo của đơn vị; cấp trên tiếp nhận báo cáo.")
	}
	from, to, err := Period(in.Kind, in.Year, in.From, in.To)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var existing int64
		if tx.QueryRowContext(ctx, `SELECT id FROM reports WHERE unit_id = ? AND kind = ? AND period_from = ? AND period_to = ?`, u.ID, in.Kind, from, to).Scan(&existing) == nil {
			return &ConflictError{ExistingID: existing, Err: apperr.New(apperr.Conflict, op, u.Name+" đã có báo cáo "+lowerFirst(Title(in.Kind, from, to))+".")}
		}
		ts := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO reports (unit_id, unit_path, kind, period_from, period_to, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.ID, u.Path, in.Kind, from, to, p.UserID, ts, ts)
		if sqldb.IsUniqueViolation(err) {
			return apperr.New(apperr.Conflict, op, u.Name+" đã có báo cáo cho kỳ này.")
		}
		if err != nil {
			return apperr.Wrap(op, err)
		}
		if err := event(ctx, tx, p, id, "create", ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "report", EntityID: id, Action: "create",
			Summary: "Lập báo cáo " + lowerFirst(Title(in.Kind, from, to)) + " của " + u.Name, After: map[string]any{"kind": in.Kind, "from": from, "to": to}})
	})
	return id, err
}

// ConflictError is the Conflict of Create when the report exists; errors.As finds the id.
type ConflictError struct {
	ExistingID int64
	Err        error
}

func (e *ConflictError) Error() string { return e.Err.Error() }
func (e *ConflictError) Unwrap() error { return e.Err }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

func event(ctx context.Context, tx *sqldb.Tx, p *org.Principal, id int64, action, remarks string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO report_events (report_id, action, remarks, user_id, user_name, at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, action, remarks, p.UserID, p.Name, sqldb.FormatTime(tx.Now()))
	return apperr.Wrap("report.event", err)
}

// Narrative is what the secretary writes: the three sections of the report, and the
// document's number and place.
type Narrative struct {
	Achievements string // Kết quả đạt được
	Weaknesses   string // Hạn chế, nguyên nhân
	NextTasks    string // Phương hướng, nhiệm vụ kỳ tới
	Number       string // số, ký hiệu: "12-BC/ĐU" (may stay empty until the office numbers it)
	Place        string // địa danh
}

// MaxSection bounds one narrative section (a long report is a few pages, not a book).
const MaxSection = 40000

// row is a report's row, read inside a transaction.
type row struct {
	unitID        int64
	path, status  string
	kind          Kind
	from, to      string
	version       int
	submittedBy   int64
	number, place string
}

func getRow(ctx context.Context, tx sqldb.Querier, p *org.Principal, id int64, op string) (row, error) {
	var r row
	var by sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT unit_id, unit_path, status, kind, period_from, period_to, version, submitted_by, number, place FROM reports WHERE id = ?`, id).
		Scan(&r.unitID, &r.path, &r.status, &r.kind, &r.from, &r.to, &r.version, &by, &r.number, &r.place)
	if err != nil || !p.CanPath(org.ViewReport, r.path) {
		return r, apperr.New(apperr.NotFound, op, "Không tìm thấy báo cáo.")
	}
	r.submittedBy = by.Int64
	return r, nil
}

// SaveNarrative saves a new version of the narrative. base is the version the writer
// started from: if someone saved since, it is a Conflict rather than a silent overwrite.
// Saving what the latest version already says writes nothing and returns it. Errors:
// NotFound, Forbidden, Invalid, Conflict.
func (s *Service) SaveNarrative(ctx context.Context, p *org.Principal, id int64, base int, n Narrative) (int, error) {
	const op = "report.SaveNarrative"
	n.Number, n.Place = search.Clean(n.Number), search.Clean(n.Place)
	n.Achievements, n.Weaknesses, n.NextTasks = cleanText(n.Achievements), cleanText(n.Weaknesses), cleanText(n.NextTasks)
	var version int
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := getRow(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if !CanWrite(p, r.path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền soạn báo cáo này.")
		}
		if Status(r.status).Sent() {
			return apperr.New(apperr.Conflict, op, "Báo cáo đã gửi cấp trên: không sửa được nữa. Nếu cần sửa, cấp trên trả lại báo cáo.")
		}
		var v apperr.Validation
		v.Op = op
		for _, f := range []struct{ field, val, what string }{{"achievements", n.Achievements, "Kết quả đạt được"}, {"weaknesses", n.Weaknesses, "Hạn chế, nguyên nhân"}, {"next_tasks", n.NextTasks, "Phương hướng, nhiệm vụ"}} {
			if len([]rune(f.val)) > MaxSection {
				v.Add(f.field, fmt.Sprintf("Phần “%s” dài quá %d ký tự.", f.what, MaxSection))
			}
		}
		if len([]rune(n.Number)) > 40 {
			v.Add("number", "Số, ký hiệu dài quá 40 ký tự.")
		}
		if len([]rune(n.Place)) > 80 {
			v.Add("place", "Địa danh dài quá 80 ký tự.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if base != r.version {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Báo cáo vừa được lưu thành bản %d trong lúc anh/chị soạn: hãy mở lại bản mới nhất rồi sửa tiếp.", r.version))
		}
		var cur Narrative
		if r.version > 0 {
			if err := tx.QueryRowContext(ctx, `SELECT achievements, weaknesses, next_tasks FROM report_versions WHERE report_id = ? AND version = ?`, id, r.version).
				Scan(&cur.Achievements, &cur.Weaknesses, &cur.NextTasks); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		cur.Number, cur.Place = r.number, r.place
		if cur == n {
			version = r.version
			return nil
		}
		ts := sqldb.FormatTime(tx.Now())
		version = r.version
		if cur.Achievements != n.Achievements || cur.Weaknesses != n.Weaknesses || cur.NextTasks != n.NextTasks || r.version == 0 {
			version = r.version + 1
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_versions (report_id, version, achievements, weaknesses, next_tasks, author_id, author_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				id, version, n.Achievements, n.Weaknesses, n.NextTasks, p.UserID, p.Name, ts); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE reports SET version = ?, number = ?, place = ?, updated_at = ? WHERE id = ? AND version = ?`, version, n.Number, n.Place, ts, id, r.version); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.unitID, Entity: "report", EntityID: id, Action: "edit",
			Summary: fmt.Sprintf("Lưu nội dung báo cáo %s (bản %d)", lowerFirst(Title(r.kind, r.from, r.to)), version), After: n})
	})
	return version, err
}

// cleanText keeps the lines of a narrative (search.Clean would join them) but drops
// trailing spaces and blank runs at both ends.
func cleanText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(search.Clean(l), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// Submit sends the report to the level above and freezes its figures as they are now
// (with the submitter's rights). A report already sent is a Conflict, so a double submit
// records one submission. The three narrative sections must be written. Errors:
// NotFound, Forbidden, Invalid, Conflict.
func (s *Service) Submit(ctx context.Context, p *org.Principal, id int64) error {
	const op = "report.Submit"
	// The figures are read before the transaction (the sources read through the database
	// handle, and a SQLite write transaction must not wait on them); the status check in
	// the transaction then decides.
	r, err := getRow(ctx, s.DB, p, id, op)
	if err != nil {
		return err
	}
	if !CanWrite(p, r.path) {
		return apperr.New(apperr.Forbidden, op, "Bạn không có quyền gửi báo cáo này.")
	}
	up := parentPath(r.path)
	if up == "" {
		return apperr.New(apperr.Invalid, op, "Đơn vị cao nhất không có cấp trên để gửi báo cáo.")
	}
	unit, err := org.GetUnit(ctx, s.DB, r.unitID)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	snap, err := s.Compute(ctx, p, unit, r.from, r.to)
	if err != nil {
		return err
	}
	frozen, err := json.Marshal(snap)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := getRow(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if Status(r.status).Sent() {
			return apperr.New(apperr.Conflict, op, "Báo cáo đã được gửi cấp trên.")
		}
		var n Narrative
		if r.version > 0 {
			if err := tx.QueryRowContext(ctx, `SELECT achievements, weaknesses, next_tasks FROM report_versions WHERE report_id = ? AND version = ?`, id, r.version).
				Scan(&n.Achievements, &n.Weaknesses, &n.NextTasks); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		var v apperr.Validation
		v.Op = op
		if n.Achievements == "" {
			v.Add("achievements", "Hãy viết phần “Kết quả đạt được” trước khi gửi báo cáo.")
		}
		if n.Weaknesses == "" {
			v.Add("weaknesses", "Hãy viết phần “Hạn chế, nguyên nhân” trước khi gửi báo cáo.")
		}
		if n.NextTasks == "" {
			v.Add("next_tasks", "Hãy viết phần “Phương hướng, nhiệm vụ kỳ tới” trước khi gửi báo cáo.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		ts := sqldb.FormatTime(tx.Now())
		res, err := tx.ExecContext(ctx, `UPDATE reports SET status = 'submitted', figures = ?, submitted_at = ?, submitted_by = ?, decided_at = '', decided_by = NULL, updated_at = ? WHERE id = ? AND status IN ('draft', 'returned')`,
			string(frozen), ts, p.UserID, ts, id)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return apperr.New(apperr.Conflict, op, "Báo cáo đã được gửi cấp trên.")
		}
		if err := event(ctx, tx, p, id, "submit", ""); err != nil {
			return err
		}
		title := Title(r.kind, r.from, r.to)
		// The level above hears of it: its own staff and committee (grants on the parent).
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT g.user_id FROM role_grants g JOIN units u ON u.path = ? WHERE g.unit_id = u.id AND g.role IN ('staff', 'manager')`, up)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		var users []int64
		for rows.Next() {
			var uid int64
			if err := rows.Scan(&uid); err != nil {
				rows.Close()
				return apperr.Wrap(op, err)
			}
			users = append(users, uid)
		}
		rows.Close()
		for _, uid := range users {
			if err := notify.Send(ctx, tx, notify.Note{UserID: uid, Kind: "report.submitted", Title: unit.Name + " đã gửi báo cáo " + lowerFirst(title),
				Link: "/reports/" + strconv.FormatInt(id, 10)}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.unitID, Entity: "report", EntityID: id, Action: "submit",
			Summary: fmt.Sprintf("Gửi cấp trên báo cáo %s (bản %d, số liệu chốt lúc gửi)", lowerFirst(title), r.version)})
	})
}

// Receive records that the level above has received the report. Errors: NotFound,
// Forbidden, Conflict.
func (s *Service) Receive(ctx context.Context, p *org.Principal, id int64) error {
	return s.decide(ctx, p, id, Received, "")
}

// Return sends the report back with remarks, for the unit to edit and submit again.
// Errors: NotFound, Forbidden, Invalid (no remarks), Conflict.
func (s *Service) Return(ctx context.Context, p *org.Principal, id int64, remarks string) error {
	return s.decide(ctx, p, id, Returned, cleanText(remarks))
}

func (s *Service) decide(ctx context.Context, p *org.Principal, id int64, to Status, remarks string) error {
	op := "report.Receive"
	if to == Returned {
		op = "report.Return"
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := getRow(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if !CanReceive(p, r.path) {
			return apperr.New(apperr.Forbidden, op, "Chỉ cấp ủy cấp trên trực tiếp tiếp nhận hoặc trả lại báo cáo này.")
		}
		if to == Returned {
			var v apperr.Validation
			v.Op = op
			if remarks == "" {
				v.Add("remarks", "Hãy ghi ý kiến để đơn vị biết cần sửa gì.")
			} else if len([]rune(remarks)) > 4000 {
				v.Add("remarks", "Ý kiến dài quá 4.000 ký tự.")
			}
			if err := v.Err(); err != nil {
				return err
			}
		}
		if Status(r.status) != Submitted {
			if Status(r.status) == to {
				return apperr.New(apperr.Conflict, op, "Báo cáo đã ở trạng thái “"+to.Label()+"”.")
			}
			return apperr.New(apperr.Conflict, op, "Chỉ tiếp nhận hoặc trả lại báo cáo đang chờ cấp trên (trạng thái hiện tại: "+Status(r.status).Label()+").")
		}
		ts := sqldb.FormatTime(tx.Now())
		res, err := tx.ExecContext(ctx, `UPDATE reports SET status = ?, decided_at = ?, decided_by = ?, remarks = ?, updated_at = ? WHERE id = ? AND status = 'submitted'`,
			string(to), ts, p.UserID, remarks, ts, id)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		if k, _ := res.RowsAffected(); k != 1 {
			return apperr.New(apperr.Conflict, op, "Báo cáo vừa được người khác xử lý.")
		}
		action, verb := "receive", "Tiếp nhận"
		if to == Returned {
			action, verb = "return", "Trả lại"
		}
		if err := event(ctx, tx, p, id, action, remarks); err != nil {
			return err
		}
		title := Title(r.kind, r.from, r.to)
		note := notify.Note{UserID: r.submittedBy, Kind: "report." + action, Title: "Cấp trên đã tiếp nhận báo cáo " + lowerFirst(title), Link: "/reports/" + strconv.FormatInt(id, 10)}
		if to == Returned {
			note.Title, note.Body = "Báo cáo "+lowerFirst(title)+" bị trả lại", remarks
		}
		if err := notify.Send(ctx, tx, note); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.unitID, Entity: "report", EntityID: id, Action: action,
			Summary: verb + " báo cáo " + lowerFirst(title), After: map[string]string{"remarks": remarks}})
	})
}

// CallInput is an upper committee's request for its child units' reports on a period.
type CallInput struct {
	UnitID   int64 // the level above
	Kind     Kind
	Year     int
	From, To string
	DueOn    string // YYYY-MM-DD
}

// SetCall records (or moves the due date of) a report call. Errors: NotFound, Forbidden,
// Invalid.
func (s *Service) SetCall(ctx context.Context, p *org.Principal, in CallInput) (int64, error) {
	const op = "report.SetCall"
	u, err := s.Org.UnitByID(ctx, p, in.UnitID)
	if err != nil {
		return 0, err
	}
	if !p.CanPath(org.ReceiveReport, u.Path) {
		return 0, apperr.New(apperr.Forbidden, op, "Bạn không có quyền yêu cầu báo cáo của các đơn vị trực thuộc "+u.Name+".")
	}
	from, to, err := Period(in.Kind, in.Year, in.From, in.To)
	if err != nil {
		return 0, err
	}
	var v apperr.Validation
	v.Op = op
	if !org.ValidDate(in.DueOn) || in.DueOn == "" {
		v.Add("due_on", "Hạn gửi báo cáo không hợp lệ: nhập theo dạng ngày/tháng/năm.")
	} else if in.DueOn < from {
		v.Add("due_on", "Hạn gửi báo cáo không thể trước ngày bắt đầu kỳ báo cáo.")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		ts := sqldb.FormatTime(tx.Now())
		var old string
		err := tx.QueryRowContext(ctx, `SELECT id, due_on FROM report_calls WHERE unit_id = ? AND kind = ? AND period_from = ? AND period_to = ?`, u.ID, in.Kind, from, to).Scan(&id, &old)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id, err = tx.InsertID(ctx, `INSERT INTO report_calls (unit_id, unit_path, kind, period_from, period_to, due_on, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				u.ID, u.Path, in.Kind, from, to, in.DueOn, p.UserID, ts, ts)
			if err != nil {
				return apperr.Wrap(op, err)
			}
		case err != nil:
			return apperr.Wrap(op, err)
		case old == in.DueOn:
			return nil
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE report_calls SET due_on = ?, updated_at = ? WHERE id = ?`, in.DueOn, ts, id); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "report_call", EntityID: id, Action: "set",
			Summary: fmt.Sprintf("Yêu cầu các đơn vị trực thuộc %s gửi báo cáo %s trước ngày %s", u.Name, lowerFirst(Title(in.Kind, from, to)), viDate(in.DueOn)),
			Before:  map[string]string{"due_on": old}, After: map[string]string{"due_on": in.DueOn}})
	})
	return id, err
}

// today is the date in Vietnam.
func (s *Service) today() string { return work.Today(s.DB.Now()) }
