package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

func (s *Server) taskRoutes() {
	s.handle("GET /tasks", s.taskList)
	s.handle("GET /tasks/new", s.taskNewForm)
	s.handle("POST /tasks/new", s.taskCreate)
	s.handle("GET /tasks/{id}", s.taskShow)
	s.handle("POST /tasks/{id}/{action}", s.taskAction)
}

type taskListPage struct {
	Page
	Tasks  []plan.Task
	Status string
	Mine   bool
}

func (s *Server) taskList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := plan.TaskFilter{Query: q.Get("q"), Status: q.Get("status"), Mine: q.Get("mine") == "1", UnitID: formIntQ(q, "unit"), Limit: 300}
	ts, err := s.Plans.FindTasks(r.Context(), p, f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan/tasks", taskListPage{Page: s.page(r, "Nhiệm vụ", "plans", planCrumbs(Crumb{Label: "Nhiệm vụ"})...), Tasks: ts, Status: f.Status, Mine: f.Mine})
}

type taskFormPage struct {
	Page
	Units   []org.Unit
	People  []personOption
	Plans   []plan.Plan
	Docs    []plan.DocRef
	Below   []org.Unit // candidate units for a chosen cascade
	Chosen  map[string]bool
	Parents []org.Unit
}

// personOption is a person in a picker with the unit they belong to.
type personOption struct {
	ID   int64
	Name string
	Unit string
}

// assignPeople are the people p may name on a task: those managed in, or holding a
// current position in, the units where p may assign (first 500).
func (s *Server) assignPeople(ctx context.Context, p *org.Principal) ([]personOption, error) {
	cond, args := p.Scope(org.AssignTask).SQL("x.path")
	cond2, args2 := p.Scope(org.AssignTask).SQL("pe.unit_path")
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT pe.id, pe.full_name, un.name, un.path, pe.name_key FROM people pe JOIN units un ON un.id = pe.unit_id
		WHERE `+cond2+` OR EXISTS (SELECT 1 FROM positions ps JOIN units x ON x.id = ps.unit_id WHERE ps.person_id = pe.id AND ps.end_date = '' AND `+cond+`)
		ORDER BY un.path, pe.name_key LIMIT 500`, append(args2, args...)...)
	if err != nil {
		return nil, apperr.Wrap("web.assignPeople", err)
	}
	defer rows.Close()
	var out []personOption
	for rows.Next() {
		var o personOption
		var path string
		var key []byte
		if err := rows.Scan(&o.ID, &o.Name, &o.Unit, &path, &key); err != nil {
			return nil, apperr.Wrap("web.assignPeople", err)
		}
		out = append(out, o)
	}
	return out, apperr.Wrap("web.assignPeople", rows.Err())
}

// belowUnits are committees and cells inside p's assign scope, for choosing a cascade.
func (s *Server) belowUnits(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	cond, args := p.Scope(org.AssignTask).SQL("u.path")
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.path, u.name, u.kind FROM units u WHERE u.valid_to = '' AND u.kind IN ('dang-bo-co-so', 'dang-bo-bo-phan', 'chi-bo') AND `+cond+` ORDER BY u.path LIMIT 300`, args...)
	if err != nil {
		return nil, apperr.Wrap("web.belowUnits", err)
	}
	defer rows.Close()
	var out []org.Unit
	for rows.Next() {
		var u org.Unit
		if err := rows.Scan(&u.ID, &u.Path, &u.Name, &u.Kind); err != nil {
			return nil, apperr.Wrap("web.belowUnits", err)
		}
		out = append(out, u)
	}
	return out, apperr.Wrap("web.belowUnits", rows.Err())
}

func (s *Server) taskFormFor(r *http.Request, p *org.Principal) (taskFormPage, error) {
	pg := taskFormPage{Page: s.page(r, "Giao nhiệm vụ", "plans", planCrumbs(Crumb{Label: "Giao nhiệm vụ"})...), Chosen: map[string]bool{}}
	var err error
	if pg.Units, err = s.manageUnits(r, p, org.AssignTask); err != nil {
		return pg, err
	}
	if pg.People, err = s.assignPeople(r.Context(), p); err != nil {
		return pg, err
	}
	if pg.Plans, err = s.Plans.FindPlans(r.Context(), p, plan.PlanFilter{Limit: 200}); err != nil {
		return pg, err
	}
	if pg.Docs, err = s.Plans.AllDocuments(r.Context(), p, 300); err != nil {
		return pg, err
	}
	if pg.Below, err = s.belowUnits(r.Context(), p); err != nil {
		return pg, err
	}
	return pg, nil
}

func (s *Server) taskNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.AssignTask) {
		return apperr.New(apperr.Forbidden, "web.taskNew", "Bạn không có quyền giao nhiệm vụ.")
	}
	pg, err := s.taskFormFor(r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg.Form = url.Values{"start_on": {FormatDate(work.Today(s.DB.Now()))}, "priority": {"2"}, "plan_id": {q.Get("plan")}, "unit_id": {q.Get("unit")}, "document_id": {q.Get("document")}}
	if pl := formIntQ(q, "plan"); pl != 0 {
		if x, err := s.Plans.Plan(r.Context(), p, pl); err == nil {
			pg.Form.Set("unit_id", strconv.FormatInt(x.UnitID, 10))
			if len(x.Documents) > 0 {
				pg.Form.Set("document_id", strconv.FormatInt(x.Documents[0].ID, 10))
			}
		}
	}
	return s.render(w, r, http.StatusOK, "plan/task_form", pg)
}

func taskInput(r *http.Request) plan.TaskInput {
	in := plan.TaskInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), UnitID: formInt(r, "unit_id"), LeadID: formInt(r, "lead_id"),
		LeaderID: formInt(r, "leader_id"), OrganiserID: formInt(r, "organiser_id"), SupportPeople: plan.IDs(r.PostForm["support_people"]),
		SupportUnits: plan.IDs(r.PostForm["support_units"]), AdviserUnits: plan.IDs(r.PostForm["adviser_units"]), StartOn: formDate(r, "start_on"),
		Priority: atoi(r.PostFormValue("priority")), PlanID: formInt(r, "plan_id"), DocumentID: formInt(r, "document_id")}
	if r.PostFormValue("due_mode") == "days" {
		in.DueDays = atoi(r.PostFormValue("due_days"))
		if in.DueDays == 0 {
			in.DueDays = -1 // reported as a bad number of days
		}
	} else {
		in.DueOn = formDate(r, "due_on")
	}
	switch c := r.PostFormValue("cascade"); c {
	case plan.CascadeCommittees, plan.CascadeCells:
		in.CascadeAll = c
	case "chosen":
		in.CascadeTo = plan.IDs(r.PostForm["cascade_to"])
		if len(in.CascadeTo) == 0 {
			in.CascadeAll = "none-chosen"
		}
	}
	return in
}

func (s *Server) taskCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	t, err := s.Plans.CreateTask(ctx, p, taskInput(r))
	if apperr.KindOf(err) == apperr.Invalid {
		pg, perr := s.taskFormFor(r, p)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, err)
		for _, v := range r.PostForm["cascade_to"] {
			pg.Chosen[v] = true
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "plan/task_form", pg)
	}
	if err != nil {
		return err
	}
	msg := "Đã giao nhiệm vụ " + t.Title + "."
	if t.Children > 0 {
		msg = "Đã giao nhiệm vụ " + t.Title + " cho " + FormatNumber(int64(t.Children)) + " đơn vị."
	}
	return s.redirect(w, r, "/tasks/"+strconv.FormatInt(t.ID, 10), "success", msg)
}

type taskPage struct {
	Page
	Task        plan.Task
	Parent      *plan.Task
	CanReport   bool
	CanComplete bool
	CanJudge    bool
	CanAssign   bool
	PlanOpen    bool // the viewer may open the plan (a chi bộ's child task belongs to the committee's plan)
	People      []personOption
	History     []audit.Row
}

func (s *Server) taskPageFor(r *http.Request, p *org.Principal, id int64) (taskPage, error) {
	t, err := s.Plans.Task(r.Context(), p, id)
	if err != nil {
		return taskPage{}, err
	}
	pg := taskPage{Page: s.page(r, t.Title, "plans", planCrumbs(Crumb{Label: "Nhiệm vụ", Href: "/tasks"}, Crumb{Label: t.Title})...), Task: t,
		CanReport: plan.CanReport(p, t), CanComplete: plan.CanComplete(p, t), CanJudge: plan.CanJudge(p, t) && t.Status != plan.StatusOpen && t.Status != plan.StatusDoing, CanAssign: plan.CanAssign(p, t)}
	if t.PlanID != 0 {
		if pg.PlanOpen, err = s.Plans.CanSeePlan(r.Context(), p, t.PlanID); err != nil {
			return pg, err
		}
	}
	if t.ParentID != 0 {
		if parent, err := s.Plans.Task(r.Context(), p, t.ParentID); err == nil {
			pg.Parent = &parent
		}
	}
	if pg.CanAssign && t.LeadID == 0 {
		if pg.People, err = s.assignPeople(r.Context(), p); err != nil {
			return pg, err
		}
	}
	pg.History, err = audit.ForEntity(r.Context(), s.DB, "task", id, 50)
	return pg, err
}

func (s *Server) taskShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.taskPageFor(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan/task", pg)
}

func (s *Server) taskAction(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	files, err := uploads(r, "files")
	if err != nil {
		return err
	}
	in := plan.ReportInput{Body: r.PostFormValue("body"), Percent: atoi(r.PostFormValue("percent")), Files: files}
	var msg string
	switch r.PathValue("action") {
	case "report":
		err, msg = s.Plans.ReportProgress(ctx, p, id, in), "Đã gửi báo cáo tiến độ."
	case "complete":
		err, msg = s.Plans.Complete(ctx, p, id, in), "Đã báo cáo hoàn thành; chờ nghiệm thu."
	case "accept":
		err, msg = s.Plans.Accept(ctx, p, id, in), "Đã nghiệm thu nhiệm vụ."
	case "return":
		err, msg = s.Plans.Return(ctx, p, id, in), "Đã trả lại nhiệm vụ."
	case "reopen":
		err, msg = s.Plans.Reopen(ctx, p, id, in), "Đã mở lại nhiệm vụ."
	case "lead":
		err, msg = s.Plans.SetLead(ctx, p, id, formInt(r, "lead_id")), "Đã phân công người chủ trì."
	default:
		return errNotFound
	}
	if apperr.KindOf(err) == apperr.Invalid {
		pg, perr := s.taskPageFor(r, p, id)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, err)
		pg.Form.Set("action", r.PathValue("action"))
		return s.render(w, r, http.StatusUnprocessableEntity, "plan/task", pg)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/tasks/"+strconv.FormatInt(id, 10), "success", msg)
}

// ---- API ----

// TaskCreateJSON is the body of POST /api/v1/tasks.
type TaskCreateJSON struct {
	Title          string  `json:"title"`
	Description    string  `json:"description"`
	UnitID         int64   `json:"unit_id"`
	LeadID         int64   `json:"lead_id"`
	LeaderID       int64   `json:"leader_id"`
	OrganiserID    int64   `json:"organiser_id"`
	SupportPeople  []int64 `json:"support_people"`
	SupportUnits   []int64 `json:"support_units"`
	AdviserUnits   []int64 `json:"adviser_units"`
	StartOn        string  `json:"start_on"`
	DueOn          string  `json:"due_on"`
	DueWorkingDays int     `json:"due_working_days"`
	Priority       int     `json:"priority"`
	PlanID         int64   `json:"plan_id"`
	DocumentID     int64   `json:"document_id"`
	CascadeTo      []int64 `json:"cascade_to"`
	CascadeAll     string  `json:"cascade_all"`
}

// TaskJSON is a task in the API.
type TaskJSON struct {
	ID          int64       `json:"id"`
	ParentID    int64       `json:"parent_id,omitempty"`
	PlanID      int64       `json:"plan_id,omitempty"`
	DocumentID  int64       `json:"document_id,omitempty"`
	UnitID      int64       `json:"unit_id"`
	UnitName    string      `json:"unit_name"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	LeadID      int64       `json:"lead_id,omitempty"`
	LeadName    string      `json:"lead_name,omitempty"`
	StartOn     string      `json:"start_on"`
	DueOn       string      `json:"due_on"`
	DueRule     string      `json:"due_rule,omitempty"`
	Status      string      `json:"status"`
	StatusLabel string      `json:"status_label"`
	Percent     int         `json:"percent"`
	State       string      `json:"state"`
	StateLabel  string      `json:"state_label"`
	Children    int         `json:"children"`
	Rollup      *RollupJSON `json:"rollup,omitempty"`
	Lagging     []LagJSON   `json:"lagging,omitempty"`
}

// RollupJSON is a parent's children by state.
type RollupJSON struct {
	Total      int `json:"total"`
	Done       int `json:"done"`
	DoneLate   int `json:"done_late"`
	Submitted  int `json:"submitted"`
	OnTime     int `json:"on_time"`
	Late       int `json:"late"`
	NotStarted int `json:"not_started"`
	Percent    int `json:"percent"`
}

// LagJSON is a child that is late or not started.
type LagJSON struct {
	ID       int64  `json:"id"`
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Status   string `json:"status"`
	State    string `json:"state"`
}

func taskJSON(t plan.Task) TaskJSON {
	out := TaskJSON{ID: t.ID, ParentID: t.ParentID, PlanID: t.PlanID, DocumentID: t.DocumentID, UnitID: t.UnitID, UnitName: t.UnitName, Title: t.Title, Description: t.Description,
		LeadID: t.LeadID, LeadName: t.LeadName, StartOn: t.StartOn, DueOn: t.DueOn, DueRule: t.DueRule, Status: t.Status, StatusLabel: t.StatusLabel(), Percent: t.Percent,
		State: string(t.Badge.State), StateLabel: t.Badge.Label, Children: t.Children}
	if t.Children > 0 {
		r := t.Rollup
		out.Rollup = &RollupJSON{Total: r.Total, Done: r.Done, DoneLate: r.DoneLate, Submitted: r.Submitted, OnTime: r.OnTime, Late: r.Late, NotStarted: r.NotStarted, Percent: r.Percent}
		out.Lagging = []LagJSON{}
		for _, c := range t.Lagging {
			out.Lagging = append(out.Lagging, LagJSON{ID: c.ID, UnitID: c.UnitID, UnitName: c.UnitName, Status: c.Status, State: string(c.Badge.State)})
		}
	}
	return out
}

// apiTaskCreate creates a task (with "cascade_to" for one child per unit). An
// Idempotency-Key header makes a retried request create the task once (409 the second time).
func (s *Server) apiTaskCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	var body TaskCreateJSON
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	ctx := r.Context()
	if key := strings.TrimSpace(r.Header.Get("Idempotency-Key")); key != "" {
		ctx = sqldb.WithFormNonce(ctx, "api:"+strconv.FormatInt(p.UserID, 10)+":"+key)
	}
	in := plan.TaskInput{Title: body.Title, Description: body.Description, UnitID: body.UnitID, LeadID: body.LeadID, LeaderID: body.LeaderID, OrganiserID: body.OrganiserID,
		SupportPeople: body.SupportPeople, SupportUnits: body.SupportUnits, AdviserUnits: body.AdviserUnits, StartOn: body.StartOn, DueOn: body.DueOn, DueDays: body.DueWorkingDays,
		Priority: body.Priority, PlanID: body.PlanID, DocumentID: body.DocumentID, CascadeTo: body.CascadeTo, CascadeAll: body.CascadeAll}
	t, err := s.Plans.CreateTask(ctx, p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, taskJSON(t))
	return nil
}

func (s *Server) apiTask(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Plans.Task(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, taskJSON(t))
	return nil
}
