package plan

import (
	"context"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/notify"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Remind sends one in-app note per task and deadline state (due soon, overdue) to the
// lead of every open task; task_reminders remembers what was sent (keyed by task, state
// and due date, so a moved deadline reminds again), which makes a second run — or a run
// on another instance — send nothing. The notes go into the person's daily digest mail.
// It returns how many notes were sent.
func (s *Service) Remind(ctx context.Context, now time.Time) (int, error) {
	cal := s.Calendar()
	today := calendar.DateOf(now)
	horizon := cal.AddWorkingDays(today, work.DueSoonDays).String()
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.title, t.due_on, u.id FROM tasks t JOIN users u ON u.person_id = t.lead_id AND u.disabled = FALSE
		WHERE t.status IN ('open', 'doing') AND t.due_on <= ?
		AND NOT EXISTS (SELECT 1 FROM task_reminders r WHERE r.task_id = t.id AND r.due_on = t.due_on AND r.state = CASE WHEN t.due_on < ? THEN 'overdue' ELSE 'due-soon' END)
		ORDER BY t.due_on LIMIT 5000`, horizon, today.String())
	if err != nil {
		return 0, apperr.Wrap("plan.Remind", err)
	}
	type item struct {
		id          int64
		title, due  string
		user        int64
		state, text string
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.title, &it.due, &it.user); err != nil {
			rows.Close()
			return 0, apperr.Wrap("plan.Remind", err)
		}
		d, err := calendar.ParseDate(it.due)
		if err != nil {
			continue
		}
		left := cal.WorkingDaysBetween(today, d)
		b := work.MakeBadge(it.due, left, false, "")
		if d.Before(today) {
			it.state = "overdue"
		} else {
			it.state = "due-soon"
		}
		it.text = b.Label
		items = append(items, it)
	}
	rows.Close()
	sent := 0
	for _, it := range items {
		err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO task_reminders (task_id, state, due_on, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, it.id, it.state, it.due, sqldb.FormatTime(tx.Now()))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			sent++
			title := "Nhiệm vụ sắp đến hạn"
			if it.state == "overdue" {
				title = "Nhiệm vụ quá hạn"
			}
			return notify.Send(ctx, tx, notify.Note{UserID: it.user, Kind: "task." + it.state, Title: title + ": " + it.text, Body: it.title + " — hạn " + vnDate(it.due), Link: "/tasks/" + itoa(it.id)})
		})
		if err != nil {
			return sent, apperr.Wrap("plan.Remind", err)
		}
	}
	return sent, nil
}
