package plan

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/work"
)

// OpenWork lists, for "Việc của tôi": open tasks the person leads or supports, and the
// tasks waiting for them to accept (they assigned them). Two indexed queries.
func (s *Service) OpenWork(ctx context.Context, p *org.Principal) ([]work.Item, error) {
	if p.IsZero() {
		return nil, nil
	}
	var out []work.Item
	b := s.newBadger()
	add := func(q string, args []any, kind string, prefix string) error {
		rows, err := s.DB.QueryContext(ctx, q, args...)
		if err != nil {
			return apperr.Wrap("plan.OpenWork", err)
		}
		defer rows.Close()
		for rows.Next() {
			var t Task
			if err := rows.Scan(&t.ID, &t.Title, &t.UnitName, &t.DueOn, &t.Status, &t.Returned, &t.Percent, &t.SubmittedOn); err != nil {
				return apperr.Wrap("plan.OpenWork", err)
			}
			b.badge(&t)
			status := t.StatusLabel()
			if t.Percent > 0 && t.Status == StatusDoing {
				status += " (" + itoa(int64(t.Percent)) + "%)"
			}
			out = append(out, work.Item{Kind: kind, Title: prefix + t.Title, Link: "/tasks/" + itoa(t.ID), Unit: t.UnitName, Due: t.DueOn, Status: status})
		}
		return apperr.Wrap("plan.OpenWork", rows.Err())
	}
	const cols = `SELECT t.id, t.title, un.name, t.due_on, t.status, t.returned, t.percent, t.submitted_on FROM tasks t JOIN units un ON un.id = t.unit_id`
	if p.PersonID != 0 {
		if err := add(cols+` WHERE t.lead_id = ? AND t.status IN ('open', 'doing')
			UNION SELECT t.id, t.title, un.name, t.due_on, t.status, t.returned, t.percent, t.submitted_on FROM task_support ts JOIN tasks t ON t.id = ts.task_id JOIN units un ON un.id = t.unit_id
			WHERE ts.person_id = ? AND t.status IN ('open', 'doing') ORDER BY 4, 1 LIMIT 2000`, []any{p.PersonID, p.PersonID}, "Nhiệm vụ", ""); err != nil {
			return nil, err
		}
	}
	if err := add(cols+` WHERE t.assigned_by = ? AND t.status = 'submitted' ORDER BY t.submitted_on, t.id LIMIT 500`, []any{p.UserID}, "Nghiệm thu nhiệm vụ", "Nghiệm thu: "); err != nil {
		return nil, err
	}
	return out, nil
}

var _ work.Source = (*Service)(nil)
