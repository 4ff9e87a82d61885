package plan

import (
	"context"
	"sort"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Task counters (migration 0204): every change of a task adds its difference to the rows
// of the task's unit and of every unit above it, in the change's own transaction, so the
// figures of a subtree read that subtree's row set whatever the number of tasks below it.

// countCols are task_counts' counter columns, in the order of a countVec.
const countCols = "started, started_open, done, done_on_time, due_active, due_open"

const (
	cStarted = iota
	cStartedOpen
	cDone
	cDoneOnTime
	cDueActive
	cDueOpen
	nCounts
)

type countVec [nCounts]int64

// countedTask is what the counters read of a task.
type countedTask struct {
	UnitPath                            string
	Status                              string
	StartOn, DueOn, DoneOn, SubmittedOn string
}

func counted(t Task) countedTask {
	return countedTask{UnitPath: t.UnitPath, Status: t.Status, StartOn: t.StartOn, DueOn: t.DueOn, DoneOn: t.DoneOn, SubmittedOn: t.SubmittedOn}
}

// add puts sign × the task's contribution into days. The rules are those of the task
// list's filters and of the former row-scanning figures: "done on time" is submitted on
// or before the deadline; "active" is open or in progress (a submitted task waits for its
// assigner, it is no longer the lead's overdue); "open" is anything not accepted.
func (c countedTask) add(days map[string]*countVec, sign int64) {
	put := func(day string, col int, n int64) {
		if n == 0 {
			return
		}
		v := days[day]
		if v == nil {
			v = &countVec{}
			days[day] = v
		}
		v[col] += sign * n
	}
	notDone := b2i(c.Status != StatusDone)
	put(c.StartOn, cStarted, 1)
	put(c.StartOn, cStartedOpen, notDone)
	if c.Status == StatusDone {
		put(c.DoneOn, cDone, 1)
		put(c.DoneOn, cDoneOnTime, b2i(c.SubmittedOn <= c.DueOn))
	}
	put(c.DueOn, cDueActive, b2i(c.Status == StatusOpen || c.Status == StatusDoing))
	put(c.DueOn, cDueOpen, notDone)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// countDelta collects differences per unit path, so a cascade of 1.000 tasks writes each
// ancestor's day once.
type countDelta map[string]map[string]*countVec // unit path → day → counters

func (d countDelta) move(before, after *countedTask) {
	if before != nil {
		d.at(before.UnitPath, before, -1)
	}
	if after != nil {
		d.at(after.UnitPath, after, 1)
	}
}

func (d countDelta) at(path string, c *countedTask, sign int64) {
	days := d[path]
	if days == nil {
		days = map[string]*countVec{}
		d[path] = days
	}
	c.add(days, sign)
}

// countTasks writes the differences into task_counts for every unit on each path, in
// multi-row upserts of at most 200 rows.
func countTasks(ctx context.Context, tx *sqldb.Tx, d countDelta) error {
	type key struct {
		unit int64
		day  string
	}
	sum := map[key]*countVec{}
	for path, days := range d {
		ids := org.PathIDs(path)
		for day, v := range days {
			for _, id := range ids {
				k := key{id, day}
				s := sum[k]
				if s == nil {
					s = &countVec{}
					sum[k] = s
				}
				for i := range v {
					s[i] += v[i]
				}
			}
		}
	}
	keys := make([]key, 0, len(sum))
	for k, v := range sum {
		if *v != (countVec{}) {
			keys = append(keys, k)
		}
	}
	// A fixed order of rows makes two transactions that touch the same units take their
	// row locks in the same order on PostgreSQL (no deadlock).
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].unit != keys[j].unit {
			return keys[i].unit < keys[j].unit
		}
		return keys[i].day < keys[j].day
	})
	const batch = 200
	for start := 0; start < len(keys); start += batch {
		end := min(start+batch, len(keys))
		args := make([]any, 0, (end-start)*(2+nCounts))
		for _, k := range keys[start:end] {
			v := sum[k]
			args = append(args, k.unit, k.day)
			for _, n := range v {
				args = append(args, n)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_counts (unit_id, day, `+countCols+`) VALUES `+sqldb.ValueRows(end-start, 2+nCounts)+upsertCounts, args...); err != nil {
			return apperr.Wrap("plan.countTasks", err)
		}
	}
	return nil
}

const upsertCounts = ` ON CONFLICT (unit_id, day) DO UPDATE SET started = task_counts.started + excluded.started,
	started_open = task_counts.started_open + excluded.started_open, done = task_counts.done + excluded.done,
	done_on_time = task_counts.done_on_time + excluded.done_on_time, due_active = task_counts.due_active + excluded.due_active,
	due_open = task_counts.due_open + excluded.due_open`

// countedTx reads a task's counted fields inside tx.
func countedTx(ctx context.Context, q sqldb.Querier, id int64) (countedTask, error) {
	var c countedTask
	err := q.QueryRowContext(ctx, `SELECT unit_path, status, start_on, due_on, done_on, submitted_on FROM tasks WHERE id = ?`, id).
		Scan(&c.UnitPath, &c.Status, &c.StartOn, &c.DueOn, &c.DoneOn, &c.SubmittedOn)
	return c, apperr.Wrap("plan.countedTx", err)
}

// MoveTaskCounts is the org.PathHook that keeps the counters right when a subtree moves:
// the moved unit's rows (its whole subtree) leave its old ancestors and join its new ones.
func MoveTaskCounts(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	moved, oldAnc, newAnc := org.MovedAncestors(oldPrefix, newPrefix)
	if moved == 0 {
		return nil
	}
	negated := "-" + strings.ReplaceAll(countCols, ", ", ", -")
	for _, t := range []struct {
		anc  []int64
		cols string
	}{{oldAnc, negated}, {newAnc, countCols}} {
		for _, a := range t.anc {
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_counts (unit_id, day, `+countCols+`)
				SELECT ?, day, `+t.cols+` FROM task_counts WHERE unit_id = ?`+upsertCounts, a, moved); err != nil {
				return apperr.Wrap("plan.MoveTaskCounts", err)
			}
		}
	}
	return nil
}

// RebuildTaskCounts recomputes the counters from the tasks in one transaction: each
// unit's own tasks first, then every level added into its parents from the deepest up,
// so a unit's rows are its whole subtree's. Used after bulk loads (danvan gen) and at
// start-up when the counters are missing.
func (s *Service) RebuildTaskCounts(ctx context.Context) error {
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_counts`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_counts (unit_id, day, `+countCols+`)
			SELECT unit_id, day, SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(f) FROM (
				SELECT unit_id, start_on AS day, 1 AS a, CASE WHEN status <> 'done' THEN 1 ELSE 0 END AS b, 0 AS c, 0 AS d, 0 AS e, 0 AS f FROM tasks
				UNION ALL
				SELECT unit_id, done_on, 0, 0, 1, CASE WHEN submitted_on <= due_on THEN 1 ELSE 0 END, 0, 0 FROM tasks WHERE status = 'done'
				UNION ALL
				SELECT unit_id, due_on, 0, 0, 0, 0, CASE WHEN status IN ('open', 'doing') THEN 1 ELSE 0 END, 1 FROM tasks WHERE status <> 'done'
			) x GROUP BY unit_id, day`); err != nil {
			return err
		}
		var lo, hi int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(depth), 0), COALESCE(MAX(depth), 0) FROM units`).Scan(&lo, &hi); err != nil {
			return err
		}
		for d := hi; d > lo; d-- {
			if _, err := tx.ExecContext(ctx, `INSERT INTO task_counts (unit_id, day, `+countCols+`)
				SELECT u.parent_id, c.day, SUM(c.started), SUM(c.started_open), SUM(c.done), SUM(c.done_on_time), SUM(c.due_active), SUM(c.due_open)
				FROM task_counts c JOIN units u ON u.id = c.unit_id WHERE u.depth = ? AND u.parent_id IS NOT NULL GROUP BY u.parent_id, c.day`+upsertCounts, d); err != nil {
				return err
			}
		}
		return nil
	})
	return apperr.Wrap("plan.RebuildTaskCounts", err)
}

// EnsureTaskCounts rebuilds the counters when tasks exist but the counters do not (a
// database from before migration 0204).
func (s *Service) EnsureTaskCounts(ctx context.Context) error {
	var tasks, counted int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM tasks LIMIT 1) x`).Scan(&tasks); err != nil {
		return apperr.Wrap("plan.EnsureTaskCounts", err)
	}
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM task_counts LIMIT 1) x`).Scan(&counted); err != nil {
		return apperr.Wrap("plan.EnsureTaskCounts", err)
	}
	if tasks == 0 || counted > 0 {
		return nil
	}
	return s.RebuildTaskCounts(ctx)
}
