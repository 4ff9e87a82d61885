package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Snapshot is a report's figures: every source's blocks for the unit's subtree and
// period, with one row per child unit (Block.ByChild, keyed by the child's path).
type Snapshot struct {
	TakenAt  string          `json:"taken_at"` // when they were read (sqldb.TimeLayout)
	Blocks   []figures.Block `json:"blocks"`
	Children []Child         `json:"children"` // in the order of the per-child tables
}

// Child is a child unit as it was when the figures were read.
type Child struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Path string `json:"path"`
}

// Compute reads the figures of unit's subtree for from..to with p's rights, from every
// source (the dashboard's blocks, without the monthly trend).
func (s *Service) Compute(ctx context.Context, p *org.Principal, unit org.Unit, from, to string) (Snapshot, error) {
	snap := Snapshot{TakenAt: sqldb.FormatTime(s.DB.Now()), Blocks: []figures.Block{}, Children: []Child{}}
	children, err := s.Org.Children(ctx, p, unit.ID, false)
	if err != nil {
		return snap, err
	}
	q := figures.Query{Scope: unit.Path, From: from, To: to}
	for _, c := range children {
		q.Children = append(q.Children, c.Path)
		snap.Children = append(snap.Children, Child{ID: c.ID, Name: c.Name, Path: c.Path})
	}
	snap.Blocks, err = figures.Collect(ctx, s.Sources, p, q)
	return snap, err
}

// liveCache keeps drafts' live figures per reader for Service.LiveFor.
type liveCache struct {
	mu sync.Mutex
	m  map[liveKey]Snapshot
}

type liveKey struct {
	user, unit int64
	from, to   string
}

// liveMax bounds the cache: past it, expired entries are dropped, then all.
const liveMax = 256

func (s *Service) liveFor() time.Duration {
	if s.LiveFor > 0 {
		return s.LiveFor
	}
	return DefaultLiveFor
}

// cachedCompute is Compute, reusing the reader's figures of the same unit and period
// read less than LiveFor ago, unless fresh.
func (s *Service) cachedCompute(ctx context.Context, p *org.Principal, unit org.Unit, from, to string, fresh bool) (Snapshot, error) {
	k := liveKey{p.UserID, unit.ID, from, to}
	now := s.DB.Now()
	if !fresh {
		s.live.mu.Lock()
		snap, ok := s.live.m[k]
		s.live.mu.Unlock()
		if ok && now.Sub(sqldb.ParseTime(snap.TakenAt)) < s.liveFor() {
			return snap, nil
		}
	}
	snap, err := s.Compute(ctx, p, unit, from, to)
	if err != nil {
		return snap, err
	}
	s.live.mu.Lock()
	defer s.live.mu.Unlock()
	if s.live.m == nil {
		s.live.m = map[liveKey]Snapshot{}
	}
	if len(s.live.m) >= liveMax {
		for key, x := range s.live.m {
			if now.Sub(sqldb.ParseTime(x.TakenAt)) >= s.liveFor() {
				delete(s.live.m, key)
			}
		}
		if len(s.live.m) >= liveMax {
			clear(s.live.m)
		}
	}
	s.live.m[k] = snap
	return snap, nil
}

// Value is the figure key of block bkey ("plans", "assigned"); ok false when absent.
func (sn Snapshot) Value(bkey, fkey string) (int64, bool) {
	for _, b := range sn.Blocks {
		if b.Key != bkey {
			continue
		}
		for _, f := range b.Figures {
			if f.Key == fkey {
				return f.Value, true
			}
		}
	}
	return 0, false
}

// Report is a report as its page shows it.
type Report struct {
	ID          int64
	Unit        org.Unit
	Kind        Kind
	From, To    string
	Title       string
	Number      string
	Place       string
	Status      Status
	Version     int
	Narrative   Version // the latest version (zero before the first save)
	Figures     Snapshot
	Frozen      bool // Figures are those frozen at submission, not live
	SubmittedAt string
	DecidedAt   string
	Remarks     string // the last return's remarks
	CreatedAt   string
	UpdatedAt   string
	DueOn       string // from the level above's call, "" without one
	Events      []Event
	Versions    []Version // newest first, texts included
	// What the reader may do.
	CanWrite, CanReceive bool
}

// Overdue reports whether the report is due and not sent, on today.
func (r Report) Overdue(today string) bool {
	return r.DueOn != "" && r.DueOn < today && !r.Status.Sent()
}

// Version is one saved narrative.
type Version struct {
	Version      int
	Achievements string
	Weaknesses   string
	NextTasks    string
	AuthorName   string
	CreatedAt    string
}

// Event is one step of the flow.
type Event struct {
	Action   string // create | submit | receive | return
	Remarks  string
	UserName string
	At       string
}

// Label is the event in words.
func (e Event) Label() string {
	switch e.Action {
	case "create":
		return "lập báo cáo"
	case "submit":
		return "gửi cấp trên"
	case "receive":
		return "tiếp nhận báo cáo"
	case "return":
		return "trả lại báo cáo"
	}
	return e.Action
}

// Get reads a report with its narrative, versions, events and figures (frozen when
// sent or returned after a submission, live otherwise, read with p's rights and reused
// for LiveFor; Figures.TakenAt says when). Errors: NotFound.
func (s *Service) Get(ctx context.Context, p *org.Principal, id int64) (Report, error) {
	return s.get(ctx, p, id, false)
}

// GetFresh is Get reading a draft's live figures again.
func (s *Service) GetFresh(ctx context.Context, p *org.Principal, id int64) (Report, error) {
	return s.get(ctx, p, id, true)
}

func (s *Service) get(ctx context.Context, p *org.Principal, id int64, fresh bool) (Report, error) {
	const op = "report.Get"
	var r Report
	var unitID int64
	var path, frozen string
	err := s.DB.QueryRowContext(ctx, `SELECT unit_id, unit_path, kind, period_from, period_to, number, place, status, version, figures, submitted_at, decided_at, remarks, created_at, updated_at FROM reports WHERE id = ?`, id).
		Scan(&unitID, &path, &r.Kind, &r.From, &r.To, &r.Number, &r.Place, &r.Status, &r.Version, &frozen, &r.SubmittedAt, &r.DecidedAt, &r.Remarks, &r.CreatedAt, &r.UpdatedAt)
	if err != nil || !p.CanPath(org.ViewReport, path) {
		if err != nil && err != sql.ErrNoRows {
			return r, apperr.Wrap(op, err)
		}
		return r, apperr.New(apperr.NotFound, op, "Không tìm thấy báo cáo.")
	}
	r.ID = id
	r.Title = Title(r.Kind, r.From, r.To)
	if r.Unit, err = org.GetUnit(ctx, s.DB, unitID); err != nil {
		return r, apperr.Wrap(op, err)
	}
	r.CanWrite = CanWrite(p, r.Unit.Path) && !r.Status.Sent()
	r.CanReceive = CanReceive(p, r.Unit.Path) && r.Status == Submitted
	if r.Versions, err = s.versions(ctx, id); err != nil {
		return r, err
	}
	if len(r.Versions) > 0 {
		r.Narrative = r.Versions[0]
	}
	if r.Events, err = s.events(ctx, id); err != nil {
		return r, err
	}
	if r.Unit.ParentID != 0 {
		_ = s.DB.QueryRowContext(ctx, `SELECT due_on FROM report_calls WHERE unit_id = ? AND kind = ? AND period_from = ? AND period_to = ?`, r.Unit.ParentID, r.Kind, r.From, r.To).Scan(&r.DueOn)
	}
	// A sent report shows what it was sent with; a returned one too, until it is edited
	// and sent again (the remarks are about those numbers).
	if frozen != "" && r.Status != Draft {
		if err := json.Unmarshal([]byte(frozen), &r.Figures); err != nil {
			return r, apperr.Wrap(op, err)
		}
		r.Frozen = true
		return r, nil
	}
	r.Figures, err = s.cachedCompute(ctx, p, r.Unit, r.From, r.To, fresh)
	return r, err
}

func (s *Service) versions(ctx context.Context, id int64) ([]Version, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT version, achievements, weaknesses, next_tasks, author_name, created_at FROM report_versions WHERE report_id = ? ORDER BY version DESC`, id)
	if err != nil {
		return nil, apperr.Wrap("report.versions", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Version, &v.Achievements, &v.Weaknesses, &v.NextTasks, &v.AuthorName, &v.CreatedAt); err != nil {
			return nil, apperr.Wrap("report.versions", err)
		}
		out = append(out, v)
	}
	return out, apperr.Wrap("report.versions", rows.Err())
}

func (s *Service) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT action, remarks, user_name, at FROM report_events WHERE report_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, apperr.Wrap("report.events", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Action, &e.Remarks, &e.UserName, &e.At); err != nil {
			return nil, apperr.Wrap("report.events", err)
		}
		out = append(out, e)
	}
	return out, apperr.Wrap("report.events", rows.Err())
}

// Summary is a report in a list.
type Summary struct {
	ID          int64
	UnitID      int64
	UnitName    string
	Kind        Kind
	From, To    string
	Title       string
	Status      Status
	Version     int
	SubmittedAt string
	UpdatedAt   string
}

// List returns the reports of a unit, newest period first. Errors: NotFound.
func (s *Service) List(ctx context.Context, p *org.Principal, unitID int64) ([]Summary, error) {
	u, err := s.Org.UnitByID(ctx, p, unitID)
	if err != nil {
		return nil, err
	}
	if !p.CanPath(org.ViewReport, u.Path) {
		return nil, apperr.New(apperr.NotFound, "report.List", "Không tìm thấy đơn vị.")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, kind, period_from, period_to, status, version, submitted_at, updated_at FROM reports WHERE unit_id = ? ORDER BY period_to DESC, kind, id DESC LIMIT 200`, u.ID)
	if err != nil {
		return nil, apperr.Wrap("report.List", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		x := Summary{UnitID: u.ID, UnitName: u.Name}
		if err := rows.Scan(&x.ID, &x.Kind, &x.From, &x.To, &x.Status, &x.Version, &x.SubmittedAt, &x.UpdatedAt); err != nil {
			return nil, apperr.Wrap("report.List", err)
		}
		x.Title = Title(x.Kind, x.From, x.To)
		out = append(out, x)
	}
	return out, apperr.Wrap("report.List", rows.Err())
}

// reportingKinds are the child units expected to report to their parent: agencies and
// party organisations, not the parent's own boards and departments.
var reportingKinds = []org.UnitKind{org.KindAgency, org.KindUpperCommittee, org.KindBaseCommittee, org.KindPartCommittee, org.KindCell}

// ChildStatus is one child unit's report for a period, as the level above sees it.
type ChildStatus struct {
	Unit        org.Unit
	ReportID    int64 // 0: no report yet
	Status      Status
	SubmittedAt string
	Overdue     bool // the call's due date has passed and the report is not sent
}

// Board is what the level above sees for a period: its call (due date, when set) and
// each reporting child unit's report.
type Board struct {
	Unit       org.Unit
	Kind       Kind
	From, To   string
	Title      string
	DueOn      string // "" without a call
	CallID     int64
	Children   []ChildStatus
	NotSent    int // children whose report is not with the level above
	Overdue    int
	CanReceive bool // p receives the children's reports (and sets the call)
}

// Status returns the children's reports for a period of the unit (the level above).
// Errors: NotFound, Invalid.
func (s *Service) Status(ctx context.Context, p *org.Principal, unitID int64, kind Kind, year int, from, to string) (Board, error) {
	const op = "report.Status"
	u, err := s.Org.UnitByID(ctx, p, unitID)
	if err != nil {
		return Board{}, err
	}
	if !p.CanPath(org.ViewReport, u.Path) {
		return Board{}, apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị.")
	}
	if from, to, err = Period(kind, year, from, to); err != nil {
		return Board{}, err
	}
	b := Board{Unit: u, Kind: kind, From: from, To: to, Title: Title(kind, from, to), CanReceive: p.CanPath(org.ReceiveReport, u.Path)}
	_ = s.DB.QueryRowContext(ctx, `SELECT id, due_on FROM report_calls WHERE unit_id = ? AND kind = ? AND period_from = ? AND period_to = ?`, u.ID, kind, from, to).Scan(&b.CallID, &b.DueOn)
	children, err := s.Org.Children(ctx, p, u.ID, false)
	if err != nil {
		return b, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.unit_id, r.id, r.status, r.submitted_at FROM reports r JOIN units c ON c.id = r.unit_id
		WHERE c.parent_id = ? AND r.kind = ? AND r.period_from = ? AND r.period_to = ?`, u.ID, kind, from, to)
	if err != nil {
		return b, apperr.Wrap(op, err)
	}
	byUnit := map[int64]ChildStatus{}
	for rows.Next() {
		var uid int64
		var c ChildStatus
		if err := rows.Scan(&uid, &c.ReportID, &c.Status, &c.SubmittedAt); err != nil {
			rows.Close()
			return b, apperr.Wrap(op, err)
		}
		byUnit[uid] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, apperr.Wrap(op, err)
	}
	today := s.today()
	for _, c := range children {
		if !reports(u.Kind, c.Kind) {
			continue
		}
		cs := byUnit[c.ID]
		cs.Unit = c
		if !cs.Status.Sent() {
			b.NotSent++
			if b.DueOn != "" && b.DueOn < today {
				cs.Overdue = true
				b.Overdue++
			}
		}
		b.Children = append(b.Children, cs)
	}
	return b, nil
}

// reports reports whether a child of the kind child reports to a parent of the kind
// parent. An agency node's party committee is the agency's own (its report is the
// agency's), and its departments and mass organisations report through it: nothing
// under an agency node reports to the node.
func reports(parent, child org.UnitKind) bool {
	if parent == org.KindAgency {
		return false
	}
	for _, x := range reportingKinds {
		if x == child {
			return true
		}
	}
	return false
}

// Call is a report call as lists show it.
type Call struct {
	ID       int64
	Kind     Kind
	From, To string
	Title    string
	DueOn    string
}

// Calls returns the calls a unit has made, newest period first. Errors: NotFound.
func (s *Service) Calls(ctx context.Context, p *org.Principal, unitID int64) ([]Call, error) {
	u, err := s.Org.UnitByID(ctx, p, unitID)
	if err != nil {
		return nil, err
	}
	if !p.CanPath(org.ViewReport, u.Path) {
		return nil, apperr.New(apperr.NotFound, "report.Calls", "Không tìm thấy đơn vị.")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, kind, period_from, period_to, due_on FROM report_calls WHERE unit_id = ? ORDER BY period_to DESC, kind LIMIT 50`, u.ID)
	if err != nil {
		return nil, apperr.Wrap("report.Calls", err)
	}
	defer rows.Close()
	var out []Call
	for rows.Next() {
		var c Call
		if err := rows.Scan(&c.ID, &c.Kind, &c.From, &c.To, &c.DueOn); err != nil {
			return nil, apperr.Wrap("report.Calls", err)
		}
		c.Title = Title(c.Kind, c.From, c.To)
		out = append(out, c)
	}
	return out, apperr.Wrap("report.Calls", rows.Err())
}
