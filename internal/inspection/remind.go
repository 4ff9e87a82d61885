package inspection

import (
	"context"
	"fmt"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/notify"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// teamState is the task_reminders state of the team's overdue reminder of a
// recommendation: plan.Remind reminds the person answerable ("overdue"), this one the
// other side, so an overdue recommendation reminds both.
const teamState = "overdue-team"

// Remind tells the team side of every overdue recommendation — the round's head and the
// one who issued the conclusion (its task's assigner) — once per deadline: a row in
// task_reminders, inserted with ON CONFLICT DO NOTHING in the note's transaction, makes a
// second run, or a run on another instance, send nothing. A recommendation carried over
// still reminds: its task is still open. It returns how many recommendations were
// reminded.
func (s *Service) Remind(ctx context.Context, now time.Time) (int, error) {
	const op = "inspection.Remind"
	today := work.Today(now)
	rows, err := s.DB.QueryContext(ctx, `SELECT rc.id, rc.round_id, rc.content, t.id, t.due_on, COALESCE(t.assigned_by, 0), r.head_id, r.decision_no, u.name, COALESCE(p.full_name, '')
		FROM inspection_recommendations rc JOIN tasks t ON t.id = rc.task_id JOIN inspection_rounds r ON r.id = rc.round_id JOIN units u ON u.id = rc.target_id
		LEFT JOIN people p ON p.id = t.lead_id
		WHERE t.status IN ('open', 'doing') AND t.due_on <> '' AND t.due_on < ?
		AND NOT EXISTS (SELECT 1 FROM task_reminders x WHERE x.task_id = t.id AND x.state = ? AND x.due_on = t.due_on)
		ORDER BY t.due_on, rc.id LIMIT 5000`, today, teamState)
	if err != nil {
		return 0, apperr.Wrap(op, err)
	}
	type item struct {
		id, round, task, assigner, head int64
		content, due, decision, unit    string
		lead                            string
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.round, &it.content, &it.task, &it.due, &it.assigner, &it.head, &it.decision, &it.unit, &it.lead); err != nil {
			rows.Close()
			return 0, apperr.Wrap(op, err)
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, apperr.Wrap(op, err)
	}
	sent := 0
	for _, it := range items {
		told := false
		err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO task_reminders (task_id, state, due_on, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				it.task, teamState, it.due, sqldb.FormatTime(tx.Now()))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			users := map[int64]bool{}
			var order []int64
			add := func(uid int64) {
				if uid != 0 && !users[uid] {
					users[uid] = true
					order = append(order, uid)
				}
			}
			var headUser int64
			if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE person_id = ? AND disabled = FALSE ORDER BY id LIMIT 1`, it.head).Scan(&headUser); err == nil {
				add(headUser)
			}
			var one int
			if it.assigner != 0 && tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = ? AND disabled = FALSE`, it.assigner).Scan(&one) == nil {
				add(it.assigner)
			}
			body := fmt.Sprintf("%s (%s, hạn %s, người chịu trách nhiệm %s) — đoàn theo Quyết định %s.", it.content, it.unit, vnDate(it.due), it.lead, bareNo(it.decision))
			for _, uid := range order {
				if err := notify.Send(ctx, tx, notify.Note{UserID: uid, Kind: "inspection.overdue", Title: "Kiến nghị quá hạn chưa thực hiện: " + it.unit,
					Body: body, Link: fmt.Sprintf("/inspections/rounds/%d#rec-%d", it.round, it.id)}); err != nil {
					return err
				}
			}
			told = true
			return nil
		})
		if err != nil {
			return sent, apperr.Wrap(op, err)
		}
		if told {
			sent++
		}
	}
	return sent, nil
}
