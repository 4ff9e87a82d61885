package inspection

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// The reads the pages need. Lists are filtered in SQL with the reader's scope; a record
// out of reach is NotFound, as everywhere.

// Topic is one topic of the configurable list (inspection_topics).
type Topic struct {
	ID   int64
	Code string
	Name string
}

// KindLabel names an item kind in Vietnamese.
func KindLabel(k string) string {
	switch k {
	case KindInspect:
		return "Kiểm tra"
	case KindThematic:
		return "Giám sát chuyên đề"
	case KindRegular:
		return "Giám sát thường xuyên"
	}
	return k
}

// Kinds lists the item kinds in display order.
var Kinds = []string{KindInspect, KindThematic, KindRegular}

// StatusLabel names a round's status.
func StatusLabel(s string) string {
	switch s {
	case "open":
		return "Đang tiến hành"
	case "concluded":
		return "Đã kết luận, theo dõi kiến nghị"
	case "closed":
		return "Đã kết thúc"
	}
	return s
}

// Item is a line of a programme with its targets and the rounds carrying it out.
type Item struct {
	ID        int64
	Seq       int
	Kind      string
	TopicID   int64
	TopicName string
	Months    []int
	LeadID    int64
	LeadName  string
	Targets   []UnitRef
	Rounds    []RoundSummary
}

// KindLabel names the item's kind.
func (it Item) KindLabel() string { return KindLabel(it.Kind) }

// MonthsLabel is "tháng 3, 4".
func (it Item) MonthsLabel() string {
	ms := make([]string, len(it.Months))
	for i, m := range it.Months {
		ms[i] = strconv.Itoa(m)
	}
	return "tháng " + strings.Join(ms, ", ")
}

// Programme is a committee's yearly programme.
type Programme struct {
	ID         int64
	UnitID     int64
	UnitPath   string
	UnitName   string
	Year       int
	Title      string
	Status     string
	ApprovedOn string
	CreatedAt  string
	ItemCount  int
	RoundCount int
	Items      []Item
}

// Approved reports whether the programme is approved.
func (pr Programme) Approved() bool { return pr.Status == "approved" }

// RoundSummary is a round as listed.
type RoundSummary struct {
	ID           int64
	ProgrammeID  int64
	ItemID       int64
	UnitName     string // the committee
	Kind         string
	TopicName    string
	DecisionNo   string
	DecisionOn   string
	StartsOn     string
	EndsOn       string
	Status       string
	ConclusionNo string
	Targets      string // names, "; " between
}

// StatusLabel names the round's status.
func (r RoundSummary) StatusLabel() string { return StatusLabel(r.Status) }

// KindLabel names the round's kind.
func (r RoundSummary) KindLabel() string { return KindLabel(r.Kind) }

// Topics lists the active topics in order.
func (s *Service) Topics(ctx context.Context) ([]Topic, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, code, name FROM inspection_topics WHERE active = 1 ORDER BY seq, id`)
	if err != nil {
		return nil, apperr.Wrap("inspection.Topics", err)
	}
	defer rows.Close()
	var out []Topic
	for rows.Next() {
		var t Topic
		if err := rows.Scan(&t.ID, &t.Code, &t.Name); err != nil {
			return nil, apperr.Wrap("inspection.Topics", err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap("inspection.Topics", rows.Err())
}

// Programmes lists the programmes of a year whose committee p may read.
func (s *Service) Programmes(ctx context.Context, p *org.Principal, year int) ([]Programme, error) {
	const op = "inspection.Programmes"
	cond, args := p.Scope(org.ViewInspection).SQL("pr.unit_path")
	rows, err := s.DB.QueryContext(ctx, `SELECT pr.id, pr.unit_id, pr.unit_path, u.name, pr.year, pr.title, pr.status, pr.approved_on, pr.created_at,
		(SELECT COUNT(*) FROM inspection_items i WHERE i.programme_id = pr.id),
		(SELECT COUNT(*) FROM inspection_rounds r JOIN inspection_items i ON i.id = r.item_id WHERE i.programme_id = pr.id)
		FROM inspection_programmes pr JOIN units u ON u.id = pr.unit_id WHERE pr.year = ? AND `+cond+` ORDER BY pr.unit_path, pr.id LIMIT 200`, append([]any{year}, args...)...)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	defer rows.Close()
	var out []Programme
	for rows.Next() {
		var pr Programme
		if err := rows.Scan(&pr.ID, &pr.UnitID, &pr.UnitPath, &pr.UnitName, &pr.Year, &pr.Title, &pr.Status, &pr.ApprovedOn, &pr.CreatedAt, &pr.ItemCount, &pr.RoundCount); err != nil {
			return nil, apperr.Wrap(op, err)
		}
		out = append(out, pr)
	}
	return out, apperr.Wrap(op, rows.Err())
}

// Programme returns a programme with its items, their targets and rounds. Errors:
// NotFound (also out of reach).
func (s *Service) Programme(ctx context.Context, p *org.Principal, id int64) (Programme, error) {
	const op = "inspection.Programme"
	var pr Programme
	err := s.DB.QueryRowContext(ctx, `SELECT pr.id, pr.unit_id, pr.unit_path, u.name, pr.year, pr.title, pr.status, pr.approved_on, pr.created_at
		FROM inspection_programmes pr JOIN units u ON u.id = pr.unit_id WHERE pr.id = ?`, id).
		Scan(&pr.ID, &pr.UnitID, &pr.UnitPath, &pr.UnitName, &pr.Year, &pr.Title, &pr.Status, &pr.ApprovedOn, &pr.CreatedAt)
	if err != nil || !p.CanPath(org.ViewInspection, pr.UnitPath) {
		return Programme{}, apperr.New(apperr.NotFound, op, "Không tìm thấy chương trình kiểm tra, giám sát.")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT i.id, i.seq, i.kind, i.topic_id, t.name, i.months, i.lead_id, pe.full_name
		FROM inspection_items i JOIN inspection_topics t ON t.id = i.topic_id JOIN people pe ON pe.id = i.lead_id WHERE i.programme_id = ? ORDER BY i.seq`, id)
	if err != nil {
		return pr, apperr.Wrap(op, err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		var it Item
		var months string
		if err := rows.Scan(&it.ID, &it.Seq, &it.Kind, &it.TopicID, &it.TopicName, &months, &it.LeadID, &it.LeadName); err != nil {
			rows.Close()
			return pr, apperr.Wrap(op, err)
		}
		for _, m := range strings.Split(months, ",") {
			if n, err := strconv.Atoi(m); err == nil {
				it.Months = append(it.Months, n)
			}
		}
		byID[it.ID] = len(pr.Items)
		pr.Items = append(pr.Items, it)
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT t.item_id, u.id, u.name, u.path FROM inspection_item_targets t JOIN inspection_items i ON i.id = t.item_id JOIN units u ON u.id = t.unit_id
		WHERE i.programme_id = ? ORDER BY u.path`, id)
	if err != nil {
		return pr, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var itemID int64
		var u UnitRef
		if err := rows.Scan(&itemID, &u.ID, &u.Name, &u.Path); err != nil {
			rows.Close()
			return pr, apperr.Wrap(op, err)
		}
		pr.Items[byID[itemID]].Targets = append(pr.Items[byID[itemID]].Targets, u)
	}
	rows.Close()
	rounds, err := s.roundSummaries(ctx, "", `i.programme_id = ?`, []any{id})
	if err != nil {
		return pr, err
	}
	for _, r := range rounds {
		k := byID[r.ItemID]
		pr.Items[k].Rounds = append(pr.Items[k].Rounds, r)
	}
	pr.ItemCount = len(pr.Items)
	pr.RoundCount = len(rounds)
	return pr, nil
}

// roundSummaries lists the rounds where says, the latest first; index, when not "", is
// the index SQLite must read the rounds through.
func (s *Service) roundSummaries(ctx context.Context, index, where string, args []any) ([]RoundSummary, error) {
	hint := ""
	if index != "" {
		hint = s.DB.IndexedBy(index)
	}
	const op = "inspection.roundSummaries"
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, i.programme_id, r.item_id, u.name, i.kind, tp.name, r.decision_no, r.decision_on, r.starts_on, r.ends_on, r.status, r.conclusion_no
		FROM inspection_rounds r`+hint+` JOIN inspection_items i ON i.id = r.item_id JOIN inspection_programmes pr ON pr.id = i.programme_id
		JOIN inspection_topics tp ON tp.id = i.topic_id JOIN units u ON u.id = r.unit_id
		WHERE `+where+` ORDER BY r.starts_on DESC, r.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	var out []RoundSummary
	idx := map[int64]int{}
	for rows.Next() {
		var r RoundSummary
		if err := rows.Scan(&r.ID, &r.ProgrammeID, &r.ItemID, &r.UnitName, &r.Kind, &r.TopicName, &r.DecisionNo, &r.DecisionOn, &r.StartsOn, &r.EndsOn, &r.Status, &r.ConclusionNo); err != nil {
			rows.Close()
			return nil, apperr.Wrap(op, err)
		}
		r.DecisionNo, r.ConclusionNo = bareNo(r.DecisionNo), bareNo(r.ConclusionNo)
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, err)
	}
	for i := range out {
		names, err := s.targetNames(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Targets = strings.Join(names, "; ")
	}
	return out, nil
}

func (s *Service) targetNames(ctx context.Context, roundID int64) ([]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT u.name FROM inspection_round_targets t JOIN units u ON u.id = t.unit_id WHERE t.round_id = ? ORDER BY u.path`, roundID)
	if err != nil {
		return nil, apperr.Wrap("inspection.targetNames", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, apperr.Wrap("inspection.targetNames", err)
		}
		out = append(out, n)
	}
	return out, apperr.Wrap("inspection.targetNames", rows.Err())
}

// RoundsAbout lists the rounds of a year p reads without reading their committee: those
// about a unit in p's reach (the target sees the rounds about itself) and those whose team
// p sits on, even outside p's own unit.
func (s *Service) RoundsAbout(ctx context.Context, p *org.Principal, year int) ([]RoundSummary, error) {
	cond, args := p.Scope(org.ViewInspection).SQL("t.unit_path")
	// Held outside p's scope, as ranges of the holder's path read through the path index
	// (SQLite preferred the date index that spares the sort): for the upper committee,
	// whose scope holds every round, it reads nothing, where the whole year's rounds were
	// read and dropped one by one (50 ms a page on SQLite at national size). For anyone
	// else the rounds outside are most of them either way, and the targets' condition is
	// the one that keeps few.
	ccond, cargs := p.Scope(org.ViewInspection).OutsideSQL("r.unit_path")
	where := `pr.year = ? AND ` + ccond + ` AND (EXISTS (SELECT 1 FROM inspection_round_targets t WHERE t.round_id = r.id AND ` + cond + `)`
	all := append([]any{year}, cargs...)
	all = append(all, args...)
	if p.PersonID != 0 {
		where += ` OR EXISTS (SELECT 1 FROM inspection_members m WHERE m.round_id = r.id AND m.person_id = ?)`
		all = append(all, p.PersonID)
	}
	return s.roundSummaries(ctx, "inspection_rounds_path", where+")", all)
}

// Member is a person of the team.
type Member struct {
	PersonID int64
	Name     string
	UnitName string
	Head     bool
}

// FindingView is a finding with its names.
type FindingView struct {
	Finding
	TargetName string
	TopicName  string
}

// SelfReport is a target's self-report.
type SelfReport struct {
	ID          int64
	UnitID      int64
	Body        string
	SubmittedBy string
	SubmittedAt string
}

// Recommendation is a recommendation of the conclusion with its task's state.
type Recommendation struct {
	ID         int64
	Seq        int
	TargetID   int64
	TargetName string
	Content    string
	TaskID     int64
	TaskStatus string
	Returned   bool
	LeadID     int64
	LeadName   string
	DueOn      string
	DoneOn     string
	Carried    string
	Badge      work.Badge
}

// Open reports whether the recommendation still keeps its round from closing.
func (r Recommendation) Open() bool { return r.Carried == "" && r.TaskStatus != plan.StatusDone }

// StateLabel is the task's state in words.
func (r Recommendation) StateLabel() string {
	state := plan.StatusLabel(r.TaskStatus, r.Returned)
	if r.TaskStatus == plan.StatusDone {
		state = "Đã nghiệm thu"
	}
	if r.Carried != "" && r.TaskStatus != plan.StatusDone {
		return "Chuyển sang kỳ sau (" + strings.ToLower(state[:1]) + state[1:] + ")"
	}
	return state
}

// Target is a target unit of a round as one reader sees it.
type Target struct {
	UnitRef
	Report   *SelfReport
	Findings []FindingView
	Recs     []Recommendation
	// Mine: the reader acts for this target (sends its self-report).
	Mine bool
}

// RoundDetail is everything the round's page shows, as p may see it: a target reads only
// its own part (its findings, its recommendations), the team and committee everything.
type RoundDetail struct {
	Round
	ProgrammeID    int64
	ProgrammeTitle string
	Year           int
	ItemID         int64
	Kind           string
	TopicID        int64
	TopicName      string
	UnitID         int64
	UnitName       string // the committee
	DecisionOn     string
	StartsOn       string
	EndsOn         string
	ReportDue      string
	HeadID         int64
	ConclusionNo   string
	ConclusionOn   string
	Conclusion     string
	Referral       string
	Members        []Member
	Targets        []Target
	// All: the reader sees every target (committee or team).
	All bool
	// CanManage: ManageInspection on the committee (conclude, carry over, close).
	CanManage bool
	// CanFind: the committee or a team member, who record findings.
	CanFind bool
}

// KindLabel names the round's kind.
func (d RoundDetail) KindLabel() string { return KindLabel(d.Kind) }

// StatusLabel names the round's status.
func (d RoundDetail) StatusLabel() string { return StatusLabel(d.Status) }

// Recommendations lists the visible recommendations in order.
func (d RoundDetail) Recommendations() []Recommendation {
	var out []Recommendation
	for _, t := range d.Targets {
		out = append(out, t.Recs...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// OpenRecommendations counts the visible recommendations not yet accepted nor carried over.
func (d RoundDetail) OpenRecommendations() int {
	n := 0
	for _, r := range d.Recommendations() {
		if r.Open() {
			n++
		}
	}
	return n
}

// Detail returns the round's page as p may see it. Errors: NotFound.
func (s *Service) Detail(ctx context.Context, p *org.Principal, id int64) (RoundDetail, error) {
	const op = "inspection.Detail"
	r, err := s.Round(ctx, p, id)
	if err != nil {
		return RoundDetail{}, err
	}
	d := RoundDetail{Round: r}
	if err := s.DB.QueryRowContext(ctx, `SELECT pr.id, pr.title, pr.year, i.id, i.kind, i.topic_id, tp.name, r.unit_id, u.name, r.decision_on, r.starts_on, r.ends_on, r.report_due, r.head_id,
		r.conclusion_no, r.conclusion_on, r.conclusion, r.referral
		FROM inspection_rounds r JOIN inspection_items i ON i.id = r.item_id JOIN inspection_programmes pr ON pr.id = i.programme_id
		JOIN inspection_topics tp ON tp.id = i.topic_id JOIN units u ON u.id = r.unit_id WHERE r.id = ?`, id).
		Scan(&d.ProgrammeID, &d.ProgrammeTitle, &d.Year, &d.ItemID, &d.Kind, &d.TopicID, &d.TopicName, &d.UnitID, &d.UnitName, &d.DecisionOn, &d.StartsOn, &d.EndsOn, &d.ReportDue, &d.HeadID,
			&d.ConclusionNo, &d.ConclusionOn, &d.Conclusion, &d.Referral); err != nil {
		return d, apperr.Wrap(op, err)
	}
	d.DecisionNo, d.ConclusionNo = bareNo(d.DecisionNo), bareNo(d.ConclusionNo)
	d.CanManage = p.CanPath(org.ManageInspection, r.UnitPath)
	rows, err := s.DB.QueryContext(ctx, `SELECT m.person_id, pe.full_name, COALESCE(u.name, '') FROM inspection_members m JOIN people pe ON pe.id = m.person_id LEFT JOIN units u ON u.id = pe.unit_id
		WHERE m.round_id = ? ORDER BY pe.full_name, m.person_id`, id)
	if err != nil {
		return d, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.PersonID, &m.Name, &m.UnitName); err != nil {
			rows.Close()
			return d, apperr.Wrap(op, err)
		}
		m.Head = m.PersonID == d.HeadID
		if m.Head {
			d.Members = append([]Member{m}, d.Members...)
		} else {
			d.Members = append(d.Members, m)
		}
		if p.PersonID != 0 && m.PersonID == p.PersonID {
			d.CanFind = true
		}
	}
	rows.Close()
	d.All = d.CanManage || d.CanFind || p.CanPath(org.ViewInspection, r.UnitPath)
	d.CanFind = d.CanFind || d.CanManage
	visible := map[int64]bool{}
	for _, t := range r.TargetIDs {
		visible[t] = true
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT u.id, u.name, u.path FROM inspection_round_targets t JOIN units u ON u.id = t.unit_id WHERE t.round_id = ? ORDER BY u.path`, id)
	if err != nil {
		return d, apperr.Wrap(op, err)
	}
	idx := map[int64]int{}
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.ID, &t.Name, &t.Path); err != nil {
			rows.Close()
			return d, apperr.Wrap(op, err)
		}
		if !visible[t.ID] {
			continue
		}
		idx[t.ID] = len(d.Targets)
		d.Targets = append(d.Targets, t)
	}
	rows.Close()
	for i := range d.Targets {
		d.Targets[i].Mine = s.actsFor(ctx, s.DB, p, d.Targets[i].Path)
	}
	topics := map[int64]string{}
	if ts, err := s.Topics(ctx); err == nil {
		for _, t := range ts {
			topics[t.ID] = t.Name
		}
	}
	for _, f := range r.Findings {
		if k, ok := idx[f.TargetID]; ok {
			d.Targets[k].Findings = append(d.Targets[k].Findings, FindingView{Finding: f, TargetName: d.Targets[k].Name, TopicName: topics[f.TopicID]})
		}
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT sr.id, sr.unit_id, sr.body, COALESCE(us.display_name, ''), sr.submitted_at FROM inspection_self_reports sr LEFT JOIN users us ON us.id = sr.submitted_by WHERE sr.round_id = ?`, id)
	if err != nil {
		return d, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var sr SelfReport
		if err := rows.Scan(&sr.ID, &sr.UnitID, &sr.Body, &sr.SubmittedBy, &sr.SubmittedAt); err != nil {
			rows.Close()
			return d, apperr.Wrap(op, err)
		}
		if k, ok := idx[sr.UnitID]; ok {
			d.Targets[k].Report = &sr
		}
	}
	rows.Close()
	recs, err := s.recommendations(ctx, id)
	if err != nil {
		return d, err
	}
	for _, rc := range recs {
		if k, ok := idx[rc.TargetID]; ok {
			rc.TargetName = d.Targets[k].Name
			d.Targets[k].Recs = append(d.Targets[k].Recs, rc)
		}
	}
	return d, nil
}

// recommendations reads a round's recommendations with their tasks' state and a deadline
// badge counted in working days, as the tasks' own pages count it.
func (s *Service) recommendations(ctx context.Context, roundID int64) ([]Recommendation, error) {
	const op = "inspection.recommendations"
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.seq, r.target_id, r.content, r.task_id, t.status, t.returned, t.lead_id, pe.full_name, t.due_on, t.done_on, r.carried
		FROM inspection_recommendations r JOIN tasks t ON t.id = r.task_id JOIN people pe ON pe.id = t.lead_id WHERE r.round_id = ? ORDER BY r.seq`, roundID)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	defer rows.Close()
	var out []Recommendation
	for rows.Next() {
		var rc Recommendation
		if err := rows.Scan(&rc.ID, &rc.Seq, &rc.TargetID, &rc.Content, &rc.TaskID, &rc.TaskStatus, &rc.Returned, &rc.LeadID, &rc.LeadName, &rc.DueOn, &rc.DoneOn, &rc.Carried); err != nil {
			return nil, apperr.Wrap(op, err)
		}
		out = append(out, rc)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, err)
	}
	cal := s.Plans.Calendar()
	today := calendar.DateOf(s.DB.Now())
	for i := range out {
		rc := &out[i]
		// A carried-over recommendation keeps its task's deadline badge: carrying it lets
		// the round close, it does not make the task done, and an overdue one stays so.
		switch {
		case rc.TaskStatus == plan.StatusDone:
			rc.Badge = work.MakeBadge(rc.DueOn, 0, true, "Đã nghiệm thu")
		case rc.TaskStatus == plan.StatusSubmitted:
			rc.Badge = work.Badge{State: work.DueSoon, Label: "Chờ nghiệm thu"}
		default:
			left := 0
			if due, err := calendar.ParseDate(rc.DueOn); err == nil {
				left = cal.WorkingDaysBetween(today, due)
			}
			rc.Badge = work.MakeBadge(rc.DueOn, left, false, "")
		}
	}
	return out, nil
}

// actsFor reports whether p acts for a target unit: its own people and those who manage
// its plans write its self-report; the team does not write for the unit it inspects.
func (s *Service) actsFor(ctx context.Context, q sqldb.Querier, p *org.Principal, path string) bool {
	if p.CanPath(org.ManagePlan, path) {
		return true
	}
	return p.PersonID != 0 && p.CanPath(org.ViewInspection, path) && s.Plans.Belongs(ctx, q, p.PersonID, path)
}

// bareNo is a stored Party notation without its "Số ", as pages and documents write it
// after a word ("Quyết định 15-QĐ/ĐUK"; the document header adds "Số" itself).
func bareNo(s string) string { return strings.TrimPrefix(s, "Số ") }
