// Package inspection is the inspection and supervision (kiểm tra, giám sát) of
// mass-mobilisation work: a committee's yearly programme, the rounds that carry its items
// out, and the conclusion whose recommendations are plan tasks of the target units, so
// their follow-up (report, accept, return, the person answerable's overdue reminder) is
// the tasks' own. Opening a round notifies the target units' managers (OpenRound); Remind
// reminds the team's side of an overdue recommendation.
//
// Rights: programmes and rounds belong to a committee; ManageInspection on the committee
// runs them. Issuing a conclusion assigns tasks, so it also needs AssignTask on the
// targets (checked by plan.CreateTaskTx).
package inspection

import (
	"context"
	"fmt"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/plan/notation"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Item kinds.
const (
	KindInspect  = "inspect"  // Kiểm tra
	KindThematic = "thematic" // Giám sát chuyên đề
	KindRegular  = "regular"  // Giám sát thường xuyên
)

// Service holds the rules and SQL of inspection.
type Service struct {
	DB    *sqldb.DB
	Plans *plan.Service // recommendations become tasks
	// Sources are the domains' figures the evidence pack is filled from (evidence.go), set
	// by internal/app to the dashboard's sources; none: no pack is taken.
	Sources []figures.Source
	// CoverageCacheAge is how long a large scope's coverage is kept (0: 5 minutes; < 0:
	// never, for measurements); see coverage.go.
	CoverageCacheAge time.Duration

	coverage coverageCache
}

// NewService returns the service.
// It watches the plans' task changes, so each recommendation keeps its task's status.
func NewService(db *sqldb.DB, plans *plan.Service) *Service {
	if plans != nil {
		plans.Watch(recommendationTaskChanged)
	}
	return &Service{DB: db, Plans: plans}
}

// recommendationTaskChanged keeps a recommendation's copy of its task's status (migration
// 0745), which the figures count instead of joining the tasks, and its counters (0746).
// The row is touched first, so on PostgreSQL it is locked before it is read (see CarryOver).
func recommendationTaskChanged(ctx context.Context, tx *sqldb.Tx, taskID int64, status string) error {
	const op = "inspection.recommendationTaskChanged"
	res, err := tx.ExecContext(ctx, `UPDATE inspection_recommendations SET task_status = task_status WHERE task_id = ?`, taskID)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return apperr.Wrap(op, err) // not a recommendation's task (most tasks)
	}
	before, err := readRecs(ctx, tx, `rc.task_id = ?`, taskID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE inspection_recommendations SET task_status = ? WHERE task_id = ?`, status, taskID); err != nil {
		return apperr.Wrap(op, err)
	}
	return countRecs(ctx, tx, before, changed(before, func(c *countedRec) { c.Status = status }))
}

// ItemInput is one line of a programme.
type ItemInput struct {
	Kind      string
	TopicID   int64
	Months    []int
	TargetIDs []int64
	LeadID    int64
}

// ProgrammeInput is a committee's programme for a year.
type ProgrammeInput struct {
	UnitID int64
	Year   int
	Title  string
	Items  []ItemInput
}

// CreateProgramme records a draft programme. Errors: Forbidden, Invalid, Conflict.
func (s *Service) CreateProgramme(ctx context.Context, p *org.Principal, in ProgrammeInput) (int64, error) {
	const op = "inspection.CreateProgramme"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		u, err := org.GetUnit(ctx, tx, in.UnitID)
		if err != nil || !p.CanPath(org.ManageInspection, u.Path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền lập chương trình kiểm tra, giám sát của cấp ủy này.")
		}
		var v apperr.Validation
		v.Op = op
		in.Title = search.Clean(in.Title)
		if in.Title == "" {
			in.Title = fmt.Sprintf("Chương trình kiểm tra, giám sát công tác dân vận năm %d", in.Year)
		}
		if in.Year < 2000 || in.Year > 2100 {
			v.Add("year", "Năm của chương trình không hợp lệ.")
		}
		if len(in.Items) == 0 {
			v.Add("items", "Chương trình chưa có nội dung kiểm tra, giám sát nào.")
		}
		for i, it := range in.Items {
			n := i + 1
			if it.Kind != KindInspect && it.Kind != KindThematic && it.Kind != KindRegular {
				v.Add("items", fmt.Sprintf("Nội dung %d: hãy chọn hình thức (kiểm tra, giám sát chuyên đề, giám sát thường xuyên).", n))
			}
			var one int
			if tx.QueryRowContext(ctx, `SELECT 1 FROM inspection_topics WHERE id = ? AND active = 1`, it.TopicID).Scan(&one) != nil {
				v.Add("items", fmt.Sprintf("Nội dung %d: hãy chọn chủ đề.", n))
			}
			if len(it.Months) == 0 {
				v.Add("items", fmt.Sprintf("Nội dung %d: hãy chọn tháng dự kiến.", n))
			}
			for _, m := range it.Months {
				if m < 1 || m > 12 {
					v.Add("items", fmt.Sprintf("Nội dung %d: tháng dự kiến phải từ 1 đến 12.", n))
				}
			}
			if it.LeadID == 0 {
				v.Add("items", fmt.Sprintf("Nội dung %d: hãy chọn người phụ trách.", n))
			}
			if len(it.TargetIDs) == 0 {
				v.Add("items", fmt.Sprintf("Nội dung %d: hãy chọn đơn vị được kiểm tra, giám sát.", n))
			}
			for _, t := range it.TargetIDs {
				tu, err := org.GetUnit(ctx, tx, t)
				if err != nil || !strings.HasPrefix(tu.Path, u.Path) || tu.ID == u.ID {
					v.Add("items", fmt.Sprintf("Nội dung %d: đơn vị được kiểm tra phải thuộc phạm vi của %s.", n, u.Name))
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		ts := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO inspection_programmes (unit_id, unit_path, year, title, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.ID, u.Path, in.Year, in.Title, p.UserID, ts, ts)
		if sqldb.IsUniqueViolation(err) {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("%s đã có chương trình kiểm tra, giám sát năm %d.", u.Name, in.Year))
		}
		if err != nil {
			return apperr.Wrap(op, err)
		}
		for i, it := range in.Items {
			ms := make([]string, len(it.Months))
			for j, m := range it.Months {
				ms[j] = fmt.Sprint(m)
			}
			itemID, err := tx.InsertID(ctx, `INSERT INTO inspection_items (programme_id, seq, kind, topic_id, months, lead_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				id, i+1, it.Kind, it.TopicID, strings.Join(ms, ","), it.LeadID)
			if err != nil {
				return apperr.Wrap(op, err)
			}
			for _, t := range uniq(it.TargetIDs) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_item_targets (item_id, unit_id) VALUES (?, ?)`, itemID, t); err != nil {
					return apperr.Wrap(op, err)
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "inspection_programme", EntityID: id, Action: "create",
			Summary: fmt.Sprintf("Lập %s của %s (%d nội dung)", strings.ToLower(in.Title[:1])+in.Title[1:], u.Name, len(in.Items)), After: in})
	})
	return id, err
}

// ApproveProgramme approves a draft programme. Errors: NotFound, Forbidden, Conflict.
func (s *Service) ApproveProgramme(ctx context.Context, p *org.Principal, id int64) error {
	const op = "inspection.ApproveProgramme"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var unitID int64
		var path, status string
		if err := tx.QueryRowContext(ctx, `SELECT unit_id, unit_path, status FROM inspection_programmes WHERE id = ?`, id).Scan(&unitID, &path, &status); err != nil {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy chương trình.")
		}
		if !p.CanPath(org.ManageInspection, path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền phê duyệt chương trình này.")
		}
		if status == "approved" {
			return apperr.New(apperr.Conflict, op, "Chương trình đã được phê duyệt.")
		}
		today := tx.Now().Format("2006-01-02")
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_programmes SET status = 'approved', approved_on = ?, updated_at = ? WHERE id = ?`, today, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "inspection_programme", EntityID: id, Action: "approve", Summary: "Phê duyệt chương trình kiểm tra, giám sát"})
	})
}

func uniq(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// parseDecision reads a Party document number ("12-QĐ/ĐUK").
func parseDecision(s string) (notation.Notation, bool) {
	n, err := notation.Parse(s)
	return n, err == nil && n.Form == notation.Party
}
