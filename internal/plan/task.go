package plan

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/rollup"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Task states.
const (
	StatusOpen      = "open"      // Chưa thực hiện
	StatusDoing     = "doing"     // Đang thực hiện
	StatusSubmitted = "submitted" // Đã báo cáo hoàn thành, chờ nghiệm thu
	StatusDone      = "done"      // Đã nghiệm thu
)

// StatusLabel is the state in Vietnamese.
func StatusLabel(s string, returned bool) string {
	switch s {
	case StatusOpen:
		return "Chưa thực hiện"
	case StatusDoing:
		if returned {
			return "Bị trả lại, đang thực hiện"
		}
		return "Đang thực hiện"
	case StatusSubmitted:
		return "Chờ nghiệm thu"
	case StatusDone:
		return "Đã hoàn thành"
	}
	return s
}

// PriorityLabel is the priority in Vietnamese.
func PriorityLabel(n int) string {
	switch n {
	case 1:
		return "Cao"
	case 3:
		return "Thấp"
	}
	return "Bình thường"
}

// Cascade targets named in words.
const (
	CascadeCommittees = "committees" // tất cả đảng bộ cơ sở
	CascadeCells      = "cells"      // tất cả chi bộ
)

// MaxCascade bounds the units of one cascade.
const MaxCascade = 5000

// Task is a piece of work with one lead person and one unit answerable.
type Task struct {
	ID            int64
	ParentID      int64
	PlanID        int64
	PlanTitle     string
	DocumentID    int64
	DocNotation   string
	UnitID        int64
	UnitPath      string
	UnitName      string
	AssignerPath  string
	Title         string
	Description   string
	LeadID        int64
	LeadName      string
	LeaderID      int64
	LeaderName    string
	OrganiserID   int64
	OrganiserName string
	Priority      int
	StartOn       string
	DueOn         string
	DueRule       string
	Status        string
	Percent       int
	Returned      bool
	SubmittedOn   string
	DoneOn        string
	AssignedBy    int64
	Children      int
	CreatedAt     string
	UpdatedAt     string
	Badge         work.Badge
	// Filled by Task.
	Support  []Support
	Rollup   Rollup
	Reports  []Report
	Lagging  []Task // children late or not started, first ones
	ChildSet []Task // children, first page
}

// StatusLabel is the state in Vietnamese.
func (t Task) StatusLabel() string { return StatusLabel(t.Status, t.Returned) }

// PriorityLabel is the priority in Vietnamese.
func (t Task) PriorityLabel() string { return PriorityLabel(t.Priority) }

// Closed reports whether the task is done and accepted.
func (t Task) Closed() bool { return t.Status == StatusDone }

// Support is a supporting person or unit (phối hợp) or an adviser (đoàn thể tham mưu).
type Support struct {
	PersonID   int64
	PersonName string
	UnitID     int64
	UnitName   string
	UnitKind   org.UnitKind
	Role       string // "support" | "adviser"
}

// Name is the person's or unit's name.
func (s Support) Name() string {
	if s.PersonName != "" {
		return s.PersonName
	}
	return s.UnitName
}

// Rollup counts a parent's children by state.
type Rollup struct {
	Total      int
	Done       int // accepted
	DoneLate   int // accepted, finished after the due date
	Submitted  int // waiting for acceptance
	OnTime     int // open, not late, started
	Late       int // open and past the due date
	NotStarted int // open, nothing reported, not yet late
	Percent    int // average percent
}

// DonePercent is the share of children done.
func (r Rollup) DonePercent() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Done) / float64(r.Total) * 100
}

// TaskInput is the form of a task.
type TaskInput struct {
	Title         string
	Description   string
	UnitID        int64
	LeadID        int64
	LeaderID      int64
	OrganiserID   int64
	SupportPeople []int64
	SupportUnits  []int64
	AdviserUnits  []int64
	StartOn       string // YYYY-MM-DD
	DueOn         string // YYYY-MM-DD, or computed from DueDays
	DueDays       int    // "N ngày làm việc từ" StartOn
	Priority      int
	PlanID        int64
	DocumentID    int64
	CascadeTo     []int64 // chosen child units
	CascadeAll    string  // CascadeCommittees | CascadeCells
}

// belongs reports whether a person is of the unit: managed in its subtree, or holding a
// current position in a unit of its subtree (a party member of a chi bộ works in a
// department but holds "đảng viên" in the cell).
func (s *Service) belongs(ctx context.Context, q sqldb.Querier, personID int64, unitPath string) bool {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM people p WHERE p.id = ? AND ((p.unit_path >= ? AND p.unit_path < ?)
		OR EXISTS (SELECT 1 FROM positions ps JOIN units u ON u.id = ps.unit_id WHERE ps.person_id = p.id AND ps.end_date = '' AND u.path >= ? AND u.path < ?))`,
		personID, unitPath, sqldb.PathEnd(unitPath), unitPath, sqldb.PathEnd(unitPath)).Scan(&one)
	return err == nil
}

// Belongs is belongs for another domain that must tell whether a person is of a unit
// (an inspection team member who belongs to a target unit is refused).
func (s *Service) Belongs(ctx context.Context, q sqldb.Querier, personID int64, unitPath string) bool {
	return s.belongs(ctx, q, personID, unitPath)
}

func personName(ctx context.Context, q sqldb.Querier, id int64) string {
	var n string
	_ = q.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, id).Scan(&n)
	return n
}

type cascadeUnit struct {
	ID   int64
	Path string
	Name string
	Lead int64
}

// validateTask cleans in, computes the due date and collects messages. It returns the unit,
// the cascade units and the due rule text.
func (s *Service) validateTask(ctx context.Context, q sqldb.Querier, p *org.Principal, in *TaskInput, v *apperr.Validation) (org.Unit, []cascadeUnit, string) {
	in.Title = search.Clean(in.Title)
	in.Description = search.Clean(in.Description)
	if in.Title == "" {
		v.Add("title", "Hãy nhập tên nhiệm vụ.")
	} else if utf8.RuneCountInString(in.Title) > 300 {
		v.Add("title", "Tên nhiệm vụ tối đa 300 ký tự.")
	}
	if utf8.RuneCountInString(in.Description) > 20000 {
		v.Add("description", "Mô tả tối đa 20.000 ký tự.")
	}
	var u org.Unit
	if in.UnitID == 0 {
		v.Add("unit_id", "Hãy chọn đơn vị chịu trách nhiệm.")
	} else {
		var err error
		u, err = org.GetUnit(ctx, q, in.UnitID)
		if err != nil || !p.CanPath(org.AssignTask, u.Path) {
			v.Add("unit_id", "Bạn không có quyền giao nhiệm vụ cho đơn vị này.")
			u = org.Unit{}
		} else if !u.Active() {
			v.Add("unit_id", "Đơn vị này đã giải thể; hãy chọn đơn vị đang hoạt động.")
		}
	}
	if in.LeadID == 0 {
		v.Add("lead_id", "Hãy chọn người chủ trì (mỗi nhiệm vụ có một người chịu trách nhiệm).")
	} else if u.ID != 0 && !s.belongs(ctx, q, in.LeadID, u.Path) {
		v.Add("lead_id", "Người chủ trì phải là thành viên của "+u.Name+".")
	}
	for _, f := range []struct {
		field string
		id    int64
		what  string
	}{{"leader_id", in.LeaderID, "Cấp ủy viên lãnh đạo"}, {"organiser_id", in.OrganiserID, "Thủ trưởng tổ chức thực hiện"}} {
		if f.id != 0 && u.ID != 0 && !s.belongsNear(ctx, q, f.id, u.Path) {
			v.Add(f.field, f.what+" phải thuộc đơn vị này hoặc đơn vị cấp trên trực tiếp của nó.")
		}
	}
	for _, id := range in.SupportPeople {
		if id == in.LeadID {
			v.Add("support_people", "Người chủ trì không đồng thời là người phối hợp.")
			break
		}
		var path string
		if err := q.QueryRowContext(ctx, `SELECT unit_path FROM people WHERE id = ?`, id).Scan(&path); err != nil || !p.CanPath(org.ViewPerson, path) {
			v.Add("support_people", "Có người phối hợp không thuộc phạm vi của bạn.")
			break
		}
	}
	for _, list := range []struct {
		field string
		ids   []int64
	}{{"support_units", in.SupportUnits}, {"adviser_units", in.AdviserUnits}} {
		for _, id := range list.ids {
			path, err := org.UnitPath(ctx, q, id)
			if err != nil || !p.CanPath(org.ViewUnit, path) {
				v.Add(list.field, "Có đơn vị phối hợp không thuộc phạm vi của bạn.")
				break
			}
		}
	}
	if in.Priority < 1 || in.Priority > 3 {
		in.Priority = 2
	}
	rule := ""
	switch {
	case in.StartOn == "":
		v.Add("start_on", "Hãy nhập ngày bắt đầu (dd/mm/yyyy).")
	case !validDate(in.StartOn):
		v.Add("start_on", "Ngày bắt đầu không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	case in.DueDays < 0 || in.DueDays > 1000:
		v.Add("due_days", "Số ngày làm việc phải từ 1 đến 1.000.")
	case in.DueDays > 0:
		d := s.Calendar().AddWorkingDays(calendar.MustParseDate(in.StartOn), in.DueDays)
		in.DueOn = d.String()
		rule = strconv.Itoa(in.DueDays) + " ngày làm việc từ " + vnDate(in.StartOn)
	case in.DueOn == "":
		v.Add("due_on", "Hãy nhập hạn hoàn thành, hoặc số ngày làm việc kể từ ngày bắt đầu.")
	case !validDate(in.DueOn):
		v.Add("due_on", "Hạn hoàn thành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	case in.DueOn < in.StartOn:
		v.Add("due_on", "Hạn hoàn thành ("+vnDate(in.DueOn)+") không được trước ngày bắt đầu ("+vnDate(in.StartOn)+").")
	}
	if in.PlanID != 0 {
		var path string
		if err := q.QueryRowContext(ctx, `SELECT unit_path FROM plans WHERE id = ?`, in.PlanID).Scan(&path); err != nil || !p.CanPath(org.ViewPlan, path) {
			v.Add("plan_id", "Không tìm thấy kế hoạch này.")
		} else if u.ID != 0 && !strings.HasPrefix(u.Path, parentPath(path)) {
			v.Add("plan_id", "Nhiệm vụ của kế hoạch phải giao cho đơn vị lập kế hoạch, cơ quan của nó hoặc đơn vị cấp dưới.")
		}
	}
	if in.DocumentID != 0 {
		var one int
		if err := q.QueryRowContext(ctx, `SELECT 1 FROM gov_documents WHERE id = ?`, in.DocumentID).Scan(&one); err != nil {
			v.Add("document_id", "Không tìm thấy văn bản này.")
		}
	}
	var units []cascadeUnit
	if u.ID != 0 && (len(in.CascadeTo) > 0 || in.CascadeAll != "") {
		units = s.cascadeUnits(ctx, q, p, u, in, v)
	}
	return u, units, rule
}

// belongsNear: of the unit, or of its parent's subtree (the agency's head organises the
// work of its committee; the committee's secretary leads the work of a cell).
func (s *Service) belongsNear(ctx context.Context, q sqldb.Querier, personID int64, unitPath string) bool {
	if s.belongs(ctx, q, personID, unitPath) {
		return true
	}
	parent := parentPath(unitPath)
	return parent != unitPath && s.belongs(ctx, q, personID, parent)
}

// parentPath is the path of the unit's parent ("/1/5/" for "/1/5/23/"); a root's own path.
func parentPath(unitPath string) string {
	ids := org.PathIDs(unitPath)
	if len(ids) < 2 {
		return unitPath
	}
	parent := "/"
	for _, id := range ids[:len(ids)-1] {
		parent += itoa(id) + "/"
	}
	return parent
}

func (s *Service) cascadeUnits(ctx context.Context, q sqldb.Querier, p *org.Principal, u org.Unit, in *TaskInput, v *apperr.Validation) []cascadeUnit {
	var rows interface {
		Next() bool
		Scan(...any) error
		Close() error
		Err() error
	}
	var err error
	switch {
	case in.CascadeAll == CascadeCommittees || in.CascadeAll == CascadeCells:
		kind := org.KindBaseCommittee
		if in.CascadeAll == CascadeCells {
			kind = org.KindCell
		}
		rows, err = q.QueryContext(ctx, `SELECT id, path, name FROM units WHERE kind = ? AND valid_to = '' AND path > ? AND path < ? ORDER BY path LIMIT `+itoa(MaxCascade+1),
			string(kind), u.Path, sqldb.PathEnd(u.Path))
	case in.CascadeAll != "":
		v.Add("cascade_to", "Hãy chọn giao cho tất cả đảng bộ cơ sở, tất cả chi bộ, hoặc các đơn vị cụ thể.")
		return nil
	default:
		if len(in.CascadeTo) > MaxCascade {
			v.Add("cascade_to", fmt.Sprintf("Mỗi lần giao tối đa %d đơn vị.", MaxCascade))
			return nil
		}
		rows, err = q.QueryContext(ctx, `SELECT id, path, name FROM units WHERE id IN (`+sqldb.Placeholders(len(in.CascadeTo))+`) ORDER BY path`, anyIDs(in.CascadeTo)...)
	}
	if err != nil {
		v.Add("cascade_to", "Không đọc được danh sách đơn vị.")
		return nil
	}
	var out []cascadeUnit
	var outside []string
	for rows.Next() {
		var c cascadeUnit
		if err := rows.Scan(&c.ID, &c.Path, &c.Name); err != nil {
			rows.Close()
			v.Add("cascade_to", "Không đọc được danh sách đơn vị.")
			return nil
		}
		if c.Path == u.Path || !strings.HasPrefix(c.Path, u.Path) || !p.CanPath(org.AssignTask, c.Path) {
			outside = append(outside, c.Name)
			continue
		}
		out = append(out, c)
	}
	rows.Close()
	switch {
	case len(outside) > 0:
		more := ""
		if len(outside) > 3 {
			more = fmt.Sprintf(" và %d đơn vị khác", len(outside)-3)
			outside = outside[:3]
		}
		v.Add("cascade_to", "Chỉ giao được cho đơn vị cấp dưới của "+u.Name+" trong phạm vi của bạn; không giao được cho: "+strings.Join(outside, ", ")+more+".")
		return nil
	case in.CascadeAll == "" && len(out) != len(in.CascadeTo):
		v.Add("cascade_to", "Có đơn vị được chọn không còn tồn tại.")
		return nil
	case len(out) > MaxCascade:
		v.Add("cascade_to", fmt.Sprintf("Mỗi lần giao tối đa %d đơn vị.", MaxCascade))
		return nil
	case len(out) == 0:
		v.Add("cascade_to", u.Name+" không có đơn vị cấp dưới nào thuộc loại đã chọn.")
		return nil
	}
	if err := s.pickLeads(ctx, q, out); err != nil {
		v.Add("cascade_to", "Không đọc được người đứng đầu các đơn vị.")
	}
	return out
}

// pickLeads names each cascade unit's lead: its bí thư, else phó bí thư, else its head,
// else nobody yet (the unit names one). One query per 500 units.
func (s *Service) pickLeads(ctx context.Context, q sqldb.Querier, units []cascadeUnit) error {
	rank := map[string]int{"bi-thu": 1, "pho-bi-thu": 2, "thu-truong": 3, "chu-tich-cong-doan": 4}
	best := map[int64]int{}
	index := map[int64]int{}
	for i, u := range units {
		index[u.ID] = i
	}
	for start := 0; start < len(units); start += 500 {
		end := min(start+500, len(units))
		ids := make([]any, 0, end-start)
		for _, u := range units[start:end] {
			ids = append(ids, u.ID)
		}
		rows, err := q.QueryContext(ctx, `SELECT unit_id, person_id, title FROM positions WHERE end_date = '' AND title IN ('bi-thu', 'pho-bi-thu', 'thu-truong', 'chu-tich-cong-doan') AND unit_id IN (`+sqldb.Placeholders(len(ids))+`) ORDER BY id`, ids...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var unit, person int64
			var title string
			if err := rows.Scan(&unit, &person, &title); err != nil {
				rows.Close()
				return err
			}
			i := index[unit]
			if r := rank[title]; best[unit] == 0 || r < best[unit] {
				best[unit] = r
				units[i].Lead = person
			}
		}
		rows.Close()
	}
	return nil
}

// CreateTask assigns a task; with a cascade it also creates one tracked child task per
// unit, all in one transaction (multi-row inserts, 1,000 units well under a second).
// Errors: Invalid (per field, nothing written).
func (s *Service) CreateTask(ctx context.Context, p *org.Principal, in TaskInput) (Task, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		id, err = s.CreateTaskTx(ctx, tx, p, in)
		return err
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, p, id)
}

// CreateTaskTx is CreateTask inside the caller's transaction, for another domain whose
// own change makes tasks (a conference resolution's commitments): both are committed or
// neither. It returns the task's id. Errors: Invalid (per field).
func (s *Service) CreateTaskTx(ctx context.Context, tx *sqldb.Tx, p *org.Principal, in TaskInput) (int64, error) {
	var v apperr.Validation
	u, units, rule := s.validateTask(ctx, tx, p, &in, &v)
	if err := v.Err(); err != nil {
		return 0, err
	}
	now := sqldb.FormatTime(tx.Now())
	id, err := tx.InsertID(ctx, `INSERT INTO tasks (plan_id, document_id, unit_id, unit_path, assigner_path, title, title_fold, description, lead_id, leader_id, organiser_id, priority, start_on, due_on, due_rule, status, assigned_by, children, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(in.PlanID), nullID(in.DocumentID), u.ID, u.Path, u.Path, in.Title, search.Fold(in.Title), in.Description, in.LeadID, nullID(in.LeaderID), nullID(in.OrganiserID),
		in.Priority, in.StartOn, in.DueOn, rule, StatusOpen, nullID(p.UserID), len(units), now, now)
	if err != nil {
		return 0, apperr.Wrap("plan.CreateTask", err)
	}
	if err := insertSupport(ctx, tx, id, in); err != nil {
		return 0, err
	}
	if err := s.insertChildren(ctx, tx, p, id, u, in, rule, units, now); err != nil {
		return 0, err
	}
	// A new task (and each cascaded child) is open: it counts as started and as due.
	d := rollup.Delta{}
	moveCount(d, nil, &countedTask{UnitPath: u.Path, Status: StatusOpen, StartOn: in.StartOn, DueOn: in.DueOn})
	for _, c := range units {
		moveCount(d, nil, &countedTask{UnitPath: c.Path, Status: StatusOpen, StartOn: in.StartOn, DueOn: in.DueOn})
	}
	if err := taskCounts.Write(ctx, tx, d); err != nil {
		return 0, err
	}
	summary := "Giao nhiệm vụ \"" + in.Title + "\" cho " + u.Name + ", chủ trì " + personName(ctx, tx, in.LeadID) + ", hạn " + vnDate(in.DueOn)
	if len(units) > 0 {
		summary += fmt.Sprintf("; giao tiếp cho %d đơn vị cấp dưới", len(units))
	}
	after := map[string]any{"input": in, "due_on": in.DueOn, "children": len(units)}
	if len(units) > 0 {
		ids := make([]int64, len(units))
		for i, c := range units {
			ids[i] = c.ID
		}
		after["cascade_units"] = ids
	}
	return id, audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "task", EntityID: id, Action: "create", Summary: summary, After: after})
}

func insertSupport(ctx context.Context, tx *sqldb.Tx, taskID int64, in TaskInput) error {
	for _, id := range in.SupportPeople {
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_support (task_id, person_id, role) VALUES (?, ?, 'support')`, taskID, id); err != nil {
			return apperr.Wrap("plan.insertSupport", err)
		}
	}
	for _, list := range []struct {
		role string
		ids  []int64
	}{{"support", in.SupportUnits}, {"adviser", in.AdviserUnits}} {
		for _, id := range list.ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_support (task_id, unit_id, role) VALUES (?, ?, ?)`, taskID, id, list.role); err != nil {
				return apperr.Wrap("plan.insertSupport", err)
			}
		}
	}
	return nil
}

// insertChildren writes the cascade with multi-row INSERTs of 200 rows.
func (s *Service) insertChildren(ctx context.Context, tx *sqldb.Tx, p *org.Principal, parentID int64, u org.Unit, in TaskInput, rule string, units []cascadeUnit, now string) error {
	const batch = 200
	const cols = 18
	fold := search.Fold(in.Title)
	for start := 0; start < len(units); start += batch {
		end := min(start+batch, len(units))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO tasks (parent_id, plan_id, document_id, unit_id, unit_path, assigner_path, title, title_fold, description, lead_id, priority, start_on, due_on, due_rule, status, assigned_by, created_at, updated_at) VALUES `)
		args := make([]any, 0, (end-start)*cols)
		for i, c := range units[start:end] {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, parentID, nullID(in.PlanID), nullID(in.DocumentID), c.ID, c.Path, u.Path, in.Title, fold, in.Description, nullID(c.Lead),
				in.Priority, in.StartOn, in.DueOn, rule, StatusOpen, nullID(p.UserID), now, now)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return apperr.Wrap("plan.insertChildren", err)
		}
	}
	return nil
}

const taskCols = `t.id, COALESCE(t.parent_id, 0), COALESCE(t.plan_id, 0), COALESCE(pl.title, ''), COALESCE(t.document_id, 0), COALESCE(d.notation, ''), t.unit_id, t.unit_path, un.name, t.assigner_path,
	t.title, t.description, COALESCE(t.lead_id, 0), COALESCE(ld.full_name, ''), COALESCE(t.leader_id, 0), COALESCE(lr.full_name, ''), COALESCE(t.organiser_id, 0), COALESCE(og.full_name, ''),
	t.priority, t.start_on, t.due_on, t.due_rule, t.status, t.percent, t.returned, t.submitted_on, t.done_on, COALESCE(t.assigned_by, 0), t.children, t.created_at, t.updated_at`
const taskFrom = ` FROM tasks t` + taskJoins

// taskJoins are the tables a task's columns (taskCols) read besides tasks itself.
const taskJoins = ` JOIN units un ON un.id = t.unit_id LEFT JOIN plans pl ON pl.id = t.plan_id LEFT JOIN gov_documents d ON d.id = t.document_id
	LEFT JOIN people ld ON ld.id = t.lead_id LEFT JOIN people lr ON lr.id = t.leader_id LEFT JOIN people og ON og.id = t.organiser_id`

func scanTask(sc interface{ Scan(...any) error }, t *Task) error {
	return sc.Scan(&t.ID, &t.ParentID, &t.PlanID, &t.PlanTitle, &t.DocumentID, &t.DocNotation, &t.UnitID, &t.UnitPath, &t.UnitName, &t.AssignerPath,
		&t.Title, &t.Description, &t.LeadID, &t.LeadName, &t.LeaderID, &t.LeaderName, &t.OrganiserID, &t.OrganiserName,
		&t.Priority, &t.StartOn, &t.DueOn, &t.DueRule, &t.Status, &t.Percent, &t.Returned, &t.SubmittedOn, &t.DoneOn, &t.AssignedBy, &t.Children, &t.CreatedAt, &t.UpdatedAt)
}

// badger computes deadline badges with the calendar, remembering each due date's answer
// (a list of 500 tasks shares few due dates).
type badger struct {
	cal   *calendar.Calendar
	today calendar.Date
	memo  map[string]int
}

func (s *Service) newBadger() *badger {
	return &badger{cal: s.Calendar(), today: calendar.DateOf(s.DB.Now()), memo: map[string]int{}}
}

func (b *badger) left(due string) int {
	if n, ok := b.memo[due]; ok {
		return n
	}
	d, err := calendar.ParseDate(due)
	if err != nil {
		return 0
	}
	var n int
	if d.Sub(b.today) > 60 {
		n = work.DueSoonDays + 30 // far away: on time, no need to count
	} else {
		n = b.cal.WorkingDaysBetween(b.today, d)
	}
	b.memo[due] = n
	return n
}

func (b *badger) badge(t *Task) {
	if t.Status == StatusDone {
		label := "Đã hoàn thành"
		if t.DoneOn != "" && t.SubmittedOn > t.DueOn {
			label = "Hoàn thành muộn"
		}
		t.Badge = work.MakeBadge(t.DueOn, 0, true, label)
		return
	}
	if t.Status == StatusSubmitted {
		t.Badge = work.Badge{State: work.DueSoon, Label: "Chờ nghiệm thu"}
		if t.SubmittedOn > t.DueOn {
			t.Badge = work.Badge{State: work.Overdue, Label: "Chờ nghiệm thu (báo cáo muộn)"}
		}
		return
	}
	t.Badge = work.MakeBadge(t.DueOn, b.left(t.DueOn), false, "")
}

// visibleCond is the SQL condition for tasks p may see: those of units where p may
// assign, and those where p is the lead or a supporting person.
func visibleCond(p *org.Principal) (string, []any) {
	cond, args := p.Scope(org.AssignTask).SQL("t.unit_path")
	if p.PersonID == 0 {
		return cond, args
	}
	return "(" + cond + " OR t.lead_id = ? OR EXISTS (SELECT 1 FROM task_support ts WHERE ts.task_id = t.id AND ts.person_id = ?))", append(args, p.PersonID, p.PersonID)
}

// canSee checks one task without a query when possible.
func (s *Service) canSee(ctx context.Context, p *org.Principal, t Task) bool {
	if p.IsZero() {
		return false
	}
	if p.CanPath(org.AssignTask, t.UnitPath) || (p.PersonID != 0 && t.LeadID == p.PersonID) {
		return true
	}
	if p.PersonID == 0 {
		return false
	}
	var one int
	return s.DB.QueryRowContext(ctx, `SELECT 1 FROM task_support WHERE task_id = ? AND person_id = ?`, t.ID, p.PersonID).Scan(&one) == nil
}

func (s *Service) loadTask(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Task, error) {
	var t Task
	if err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id = ?`, id), &t); err != nil {
		return Task{}, wrapNF("plan.Task", err)
	}
	if !s.canSee(ctx, p, t) {
		return Task{}, notFound("plan.Task")
	}
	return t, nil
}

// Task returns a task with its support, reports, children's roll-up, lagging children and
// the first 200 children. Errors: NotFound (also when p may not see it).
func (s *Service) Task(ctx context.Context, p *org.Principal, id int64) (Task, error) {
	t, err := s.loadTask(ctx, s.DB, p, id)
	if err != nil {
		return Task{}, err
	}
	b := s.newBadger()
	b.badge(&t)
	if t.Support, err = s.support(ctx, id); err != nil {
		return Task{}, err
	}
	if t.Reports, err = s.reports(ctx, id); err != nil {
		return Task{}, err
	}
	if t.Children > 0 {
		rs, err := s.rollups(ctx, []int64{id})
		if err != nil {
			return Task{}, err
		}
		t.Rollup = rs[id]
		if t.ChildSet, err = s.children(ctx, p, id, "", 200); err != nil {
			return Task{}, err
		}
		if t.Lagging, err = s.children(ctx, p, id, "lagging", 50); err != nil {
			return Task{}, err
		}
	}
	return t, nil
}

func (s *Service) support(ctx context.Context, id int64) ([]Support, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT COALESCE(ts.person_id, 0), COALESCE(pe.full_name, ''), COALESCE(ts.unit_id, 0), COALESCE(u.name, ''), COALESCE(u.kind, ''), ts.role
		FROM task_support ts LEFT JOIN people pe ON pe.id = ts.person_id LEFT JOIN units u ON u.id = ts.unit_id WHERE ts.task_id = ? ORDER BY ts.role, u.path, pe.full_name`, id)
	if err != nil {
		return nil, apperr.Wrap("plan.support", err)
	}
	defer rows.Close()
	var out []Support
	for rows.Next() {
		var x Support
		if err := rows.Scan(&x.PersonID, &x.PersonName, &x.UnitID, &x.UnitName, &x.UnitKind, &x.Role); err != nil {
			return nil, apperr.Wrap("plan.support", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("plan.support", rows.Err())
}

// children lists a parent's children the principal may see; which = "lagging" keeps those
// late or not started, late first.
func (s *Service) children(ctx context.Context, p *org.Principal, parentID int64, which string, limit int) ([]Task, error) {
	cond, args := visibleCond(p)
	q := `SELECT t.id FROM tasks t WHERE t.parent_id = ? AND ` + cond
	args = append([]any{parentID}, args...)
	order := ` ORDER BY t.unit_path, t.id`
	if which == "lagging" {
		q += ` AND t.status IN ('open', 'doing') AND (t.due_on < ? OR t.status = 'open')`
		args = append(args, work.Today(s.DB.Now()))
		order = ` ORDER BY t.due_on, t.percent, t.unit_path, t.id`
	}
	// Pick the page of children from tasks alone, then join the names for that page only:
	// a task cascaded to 1.000 units would otherwise join six tables for 1.000 rows to
	// keep 200 (at 1.000 children the task page went from 12,5 to 9,3 ms of CPU).
	q = `SELECT ` + taskCols + ` FROM (` + q + order + ` LIMIT ` + itoa(int64(limit)) + `) page JOIN tasks t ON t.id = page.id` + taskJoins + order
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, apperr.Wrap("plan.children", err)
	}
	defer rows.Close()
	b := s.newBadger()
	var out []Task
	for rows.Next() {
		var t Task
		if err := scanTask(rows, &t); err != nil {
			return nil, apperr.Wrap("plan.children", err)
		}
		b.badge(&t)
		out = append(out, t)
	}
	return out, apperr.Wrap("plan.children", rows.Err())
}

// rollups counts the children of each parent by state in one grouped query.
func (s *Service) rollups(ctx context.Context, parents []int64) (map[int64]Rollup, error) {
	out := map[int64]Rollup{}
	if len(parents) == 0 {
		return out, nil
	}
	today := work.Today(s.DB.Now())
	rows, err := s.DB.QueryContext(ctx, `SELECT parent_id, COUNT(*),
		SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'done' AND submitted_on > due_on THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'submitted' THEN 1 ELSE 0 END),
		SUM(CASE WHEN status IN ('open', 'doing') AND due_on < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'open' AND due_on >= ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN status = 'doing' AND due_on >= ? THEN 1 ELSE 0 END),
		SUM(percent)
		FROM tasks WHERE parent_id IN (`+sqldb.Placeholders(len(parents))+`) GROUP BY parent_id`, append([]any{today, today, today}, anyIDs(parents)...)...)
	if err != nil {
		return nil, apperr.Wrap("plan.rollups", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r Rollup
		var sum int64
		if err := rows.Scan(&id, &r.Total, &r.Done, &r.DoneLate, &r.Submitted, &r.Late, &r.NotStarted, &r.OnTime, &sum); err != nil {
			return nil, apperr.Wrap("plan.rollups", err)
		}
		if r.Total > 0 {
			r.Percent = int(sum / int64(r.Total))
		}
		out[id] = r
	}
	return out, apperr.Wrap("plan.rollups", rows.Err())
}

// PlanTasks returns the plan's top-level tasks with their children's roll-ups, and the
// roll-up of the whole plan (over its top-level tasks).
func (s *Service) PlanTasks(ctx context.Context, p *org.Principal, planID int64) ([]Task, Rollup, error) {
	cond, args := visibleCond(p)
	rows, err := s.DB.QueryContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.plan_id = ? AND t.parent_id IS NULL AND `+cond+` ORDER BY t.due_on, t.id LIMIT 500`, append([]any{planID}, args...)...)
	if err != nil {
		return nil, Rollup{}, apperr.Wrap("plan.PlanTasks", err)
	}
	b := s.newBadger()
	var out []Task
	var parents []int64
	var total Rollup
	today := work.Today(s.DB.Now())
	for rows.Next() {
		var t Task
		if err := scanTask(rows, &t); err != nil {
			rows.Close()
			return nil, Rollup{}, apperr.Wrap("plan.PlanTasks", err)
		}
		b.badge(&t)
		if t.Children > 0 {
			parents = append(parents, t.ID)
		}
		total.add(t, today)
		out = append(out, t)
	}
	rows.Close()
	rs, err := s.rollups(ctx, parents)
	if err != nil {
		return nil, Rollup{}, err
	}
	for i := range out {
		out[i].Rollup = rs[out[i].ID]
	}
	if total.Total > 0 {
		total.Percent /= total.Total
	}
	return out, total, nil
}

func (r *Rollup) add(t Task, today string) {
	r.Total++
	r.Percent += t.Percent
	switch {
	case t.Status == StatusDone:
		r.Done++
		if t.SubmittedOn > t.DueOn {
			r.DoneLate++
		}
	case t.Status == StatusSubmitted:
		r.Submitted++
	case t.DueOn < today:
		r.Late++
	case t.Status == StatusOpen:
		r.NotStarted++
	default:
		r.OnTime++
	}
}

// TaskFilter selects tasks for lists.
type TaskFilter struct {
	Query  string
	UnitID int64
	Status string // a status, or "late", or "open" for every state but done
	Mine   bool   // only where p is the lead
	Limit  int
}

// FindTasks lists the top-level and child tasks p may see, nearest deadline first.
func (s *Service) FindTasks(ctx context.Context, p *org.Principal, f TaskFilter) ([]Task, error) {
	if p.IsZero() {
		return nil, nil
	}
	cond, args := visibleCond(p)
	where := []string{cond}
	if f.Mine {
		where = append(where, "t.lead_id = ?")
		args = append(args, p.PersonID)
	}
	if f.UnitID != 0 {
		path, err := org.UnitPath(ctx, s.DB, f.UnitID)
		if err != nil {
			return nil, nil
		}
		where = append(where, "t.unit_path >= ? AND t.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	switch f.Status {
	case StatusOpen, StatusDoing, StatusSubmitted, StatusDone:
		where = append(where, "t.status = ?")
		args = append(args, f.Status)
	case "late":
		where = append(where, "t.status IN ('open', 'doing') AND t.due_on < ?")
		args = append(args, work.Today(s.DB.Now()))
	case "active":
		where = append(where, "t.status <> 'done'")
	}
	if pat := search.LikePattern(f.Query); pat != "" {
		where = append(where, `t.title_fold LIKE ? ESCAPE '\'`)
		args = append(args, pat)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY t.due_on, t.id LIMIT `+itoa(int64(f.Limit)), args...)
	if err != nil {
		return nil, apperr.Wrap("plan.FindTasks", err)
	}
	defer rows.Close()
	b := s.newBadger()
	var out []Task
	for rows.Next() {
		var t Task
		if err := scanTask(rows, &t); err != nil {
			return nil, apperr.Wrap("plan.FindTasks", err)
		}
		b.badge(&t)
		out = append(out, t)
	}
	return out, apperr.Wrap("plan.FindTasks", rows.Err())
}

// SetLead names the lead of a task (a cascaded child with nobody named yet, or a change
// of person). Errors: NotFound, Forbidden, Invalid.
func (s *Service) SetLead(ctx context.Context, p *org.Principal, id, leadID int64) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		t, err := s.loadTask(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.CanPath(org.AssignTask, t.UnitPath) {
			return apperr.New(apperr.Forbidden, "plan.SetLead", "Bạn không có quyền phân công nhiệm vụ này.")
		}
		var v apperr.Validation
		if leadID == 0 {
			v.Add("lead_id", "Hãy chọn người chủ trì.")
		} else if !s.belongs(ctx, tx, leadID, t.UnitPath) {
			v.Add("lead_id", "Người chủ trì phải là thành viên của "+t.UnitName+".")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET lead_id = ?, updated_at = ? WHERE id = ?`, leadID, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap("plan.SetLead", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: t.UnitID, Entity: "task", EntityID: id, Action: "lead",
			Summary: "Phân công " + personName(ctx, tx, leadID) + " chủ trì nhiệm vụ \"" + t.Title + "\"", Before: map[string]any{"lead_id": t.LeadID}, After: map[string]any{"lead_id": leadID}})
	})
}

// CanAssign reports whether p may assign within the task's unit (name its lead, cascade).
func CanAssign(p *org.Principal, t Task) bool { return p.CanPath(org.AssignTask, t.UnitPath) }

// CanReport reports whether p may report progress on t (its lead or a supporting person).
func CanReport(p *org.Principal, t Task) bool {
	if p.PersonID == 0 || t.Status == StatusDone || t.Status == StatusSubmitted {
		return false
	}
	if t.LeadID == p.PersonID {
		return true
	}
	for _, x := range t.Support {
		if x.PersonID == p.PersonID {
			return true
		}
	}
	return false
}

// CanComplete reports whether p may report t as complete (its lead only).
func CanComplete(p *org.Principal, t Task) bool {
	return p.PersonID != 0 && t.LeadID == p.PersonID && (t.Status == StatusOpen || t.Status == StatusDoing)
}

// CanJudge reports whether p may accept, return or reopen t: whoever assigned it, or
// whoever may assign in the assigning unit — never its own lead.
func CanJudge(p *org.Principal, t Task) bool {
	if p.IsZero() || (p.PersonID != 0 && t.LeadID == p.PersonID) {
		return false
	}
	return (t.AssignedBy != 0 && t.AssignedBy == p.UserID) || p.CanPath(org.AssignTask, t.AssignerPath)
}
