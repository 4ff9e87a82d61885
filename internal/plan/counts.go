package plan

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/rollup"
	"danvan/internal/sqldb"
)

// Task counters (migration 0204): every change of a task adds its difference to the rows
// of the task's unit and of every unit above it, in the change's own transaction, so the
// figures of a subtree read that subtree's row set whatever the number of tasks below it.

// taskCounts is task_counts (migration 0204); the columns are in the order of the
// constants below.
var taskCounts = rollup.Table{Name: "task_counts", Cols: []string{"started", "started_open", "done", "done_on_time", "due_active", "due_open"}}

const (
	cStarted = iota
	cStartedOpen
	cDone
	cDoneOnTime
	cDueActive
	cDueOpen
)

// countedTask is what the counters read of a task.
type countedTask struct {
	UnitPath                            string
	Status                              string
	StartOn, DueOn, DoneOn, SubmittedOn string
}

func counted(t Task) countedTask {
	return countedTask{UnitPath: t.UnitPath, Status: t.Status, StartOn: t.StartOn, DueOn: t.DueOn, DoneOn: t.DoneOn, SubmittedOn: t.SubmittedOn}
}

// add puts sign × the task's contribution into d. The rules are those of the task
// list's filters and of the former row-scanning figures: "done on time" is submitted on
// or before the deadline; "active" is open or in progress (a submitted task waits for its
// assigner, it is no longer the lead's overdue); "open" is anything not accepted.
func (c countedTask) add(d rollup.Delta, sign int64) {
	put := func(day string, col int, n int64) { taskCounts.Add(d, c.UnitPath, day, col, sign*n) }
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

// moveCount puts the difference between a task before and after a change into d (nil:
// created, or gone).
func moveCount(d rollup.Delta, before, after *countedTask) {
	if before != nil {
		before.add(d, -1)
	}
	if after != nil {
		after.add(d, 1)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// countedTx reads a task's counted fields inside tx.
func countedTx(ctx context.Context, q sqldb.Querier, id int64) (countedTask, error) {
	var c countedTask
	err := q.QueryRowContext(ctx, `SELECT unit_path, status, start_on, due_on, done_on, submitted_on FROM tasks WHERE id = ?`, id).
		Scan(&c.UnitPath, &c.Status, &c.StartOn, &c.DueOn, &c.DoneOn, &c.SubmittedOn)
	return c, apperr.Wrap("plan.countedTx", err)
}

// MoveTaskCounts is the org.PathHook that keeps the counters right when a subtree moves.
func MoveTaskCounts(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	return taskCounts.Move(ctx, tx, oldPrefix, newPrefix)
}

// RebuildTaskCounts recomputes the counters from the tasks in one transaction: each
// unit's own tasks first, then every level added into its parents from the deepest up,
// so a unit's rows are its whole subtree's. Used after bulk loads (danvan gen) and at
// start-up when the counters are missing.
func (s *Service) RebuildTaskCounts(ctx context.Context) error {
	return taskCounts.Rebuild(ctx, s.DB, `SELECT unit_id, day, SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(f) FROM (
			SELECT unit_id, start_on AS day, 1 AS a, CASE WHEN status <> 'done' THEN 1 ELSE 0 END AS b, 0 AS c, 0 AS d, 0 AS e, 0 AS f FROM tasks
			UNION ALL
			SELECT unit_id, done_on, 0, 0, 1, CASE WHEN submitted_on <= due_on THEN 1 ELSE 0 END, 0, 0 FROM tasks WHERE status = 'done'
			UNION ALL
			SELECT unit_id, due_on, 0, 0, 0, 0, CASE WHEN status IN ('open', 'doing') THEN 1 ELSE 0 END, 1 FROM tasks WHERE status <> 'done'
		) x GROUP BY unit_id, day`)
}

// EnsureTaskCounts rebuilds the counters when tasks exist but the counters do not (a
// database from before migration 0204).
func (s *Service) EnsureTaskCounts(ctx context.Context) error {
	return taskCounts.Ensure(ctx, s.DB, "tasks", s.RebuildTaskCounts)
}
