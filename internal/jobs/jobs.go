// Package jobs runs danvan's background work: periodic tasks (deadline reminders, the
// outgoing mail sender, the daily digest) started and stopped with the server.
//
// With several instances on one PostgreSQL database a task runs on one instance at a
// time: before each run the runner claims the task's row in the jobs table (row lock /
// immediate transaction), so two instances never send the same reminder twice. Tasks
// must still be idempotent (record what they sent), because a run can be interrupted.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"danvan/internal/sqldb"
)

// Task is periodic work. Domains build their tasks in internal/app (one block per
// domain) and append them to App.Tasks; the runner started by App.StartWorkers runs
// each one every Every.
type Task struct {
	Name  string        // unique; also the key of its row in the jobs table
	Every time.Duration // how often it runs
	Run   func(ctx context.Context, now time.Time) error
	// Lease, when set, replaces the runner's lease for this task: a short task whose work
	// has its own per-row guard (the mail sender) is taken over soon after its instance
	// dies instead of waiting out the runner's 15 minutes.
	Lease time.Duration
}

// Runner runs Tasks until its context ends. Each run of a task is claimed through the
// task's row in the jobs table (kind "task", unique_key = Task.Name):
//
//   - run_at is when the task is next due; a run that starts at T sets it to T+Every, so a
//     task never runs more often than Every whichever instance runs it;
//   - locked_until is a lease taken when a run starts; another instance skips the task
//     while the lease is live, and takes it over once the lease has expired (the first
//     instance died mid-run);
//   - the claim is one short transaction: SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL
//     (an instance that finds the row locked simply skips it this tick), BEGIN IMMEDIATE
//     on SQLite (the single writer serialises claims).
//
// A failing run is logged, counted in attempts, keeps its error in last_error and is
// retried after a backoff that doubles from RetryMin up to Every (at most an hour).
type Runner struct {
	DB     *sqldb.DB
	Logger *slog.Logger
	Tasks  []Task
	// Tick is how often the runner looks for due tasks (default 5 s).
	Tick time.Duration
	// Lease bounds how long a run may hold its task before another instance may take it
	// over (default 15 min). Runs longer than this should be split.
	Lease time.Duration
	// RetryMin is the first backoff after a failure (default 30 s).
	RetryMin time.Duration
	// Now is the clock (default: the database's clock).
	Now func() time.Time

	wg     sync.WaitGroup
	cancel context.CancelFunc
	next   map[string]time.Time // local hint: no need to ask the database before this
}

const taskKind = "task"

// Start launches the runner's loop in the background; Stop ends it and waits.
func (r *Runner) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.Loop(ctx)
	}()
}

// Stop cancels the runner and waits for the running task to return.
func (r *Runner) Stop() {
	if r.cancel != nil {
		r.cancel()
	}
	r.wg.Wait()
}

// Loop runs due tasks every Tick until ctx ends.
func (r *Runner) Loop(ctx context.Context) {
	tick := r.Tick
	if tick <= 0 {
		tick = 5 * time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		r.RunDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs, one after the other, every task that is due and that this instance
// manages to claim. It returns the names of the tasks it ran.
func (r *Runner) RunDue(ctx context.Context) []string {
	if r.next == nil {
		r.next = map[string]time.Time{}
	}
	var ran []string
	for _, task := range r.Tasks {
		if ctx.Err() != nil {
			break
		}
		now := r.now()
		if hint, ok := r.next[task.Name]; ok && now.Before(hint) {
			continue
		}
		claimed, next, err := r.claim(ctx, task, now)
		if err != nil {
			if ctx.Err() == nil {
				r.logger().Warn("jobs: claim", "task", task.Name, "err", err)
			}
			continue
		}
		if !claimed {
			r.next[task.Name] = next
			continue
		}
		ran = append(ran, task.Name)
		runErr := r.run(ctx, task, now)
		next, err = r.finish(context.WithoutCancel(ctx), task, now, runErr)
		if err != nil {
			r.logger().Error("jobs: finish", "task", task.Name, "err", err)
		}
		r.next[task.Name] = next
	}
	return ran
}

func (r *Runner) run(ctx context.Context, task Task, now time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return task.Run(ctx, now)
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return r.DB.Now()
}

func (r *Runner) lease(task Task) time.Duration {
	if task.Lease > 0 {
		return task.Lease
	}
	if r.Lease <= 0 {
		return 15 * time.Minute
	}
	return r.Lease
}

// claim takes the task's lease if it is due and free. It returns the time to look again
// when not claimed.
func (r *Runner) claim(ctx context.Context, task Task, now time.Time) (claimed bool, next time.Time, err error) {
	nowS := sqldb.FormatTime(now)
	err = r.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, unique_key, run_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, taskKind, task.Name, nowS); err != nil {
			return err
		}
		q := `SELECT run_at, locked_until FROM jobs WHERE unique_key = ?`
		if tx.Dialect() == sqldb.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		var runAt, locked string
		switch err := tx.QueryRowContext(ctx, q, task.Name).Scan(&runAt, &locked); {
		case errors.Is(err, sql.ErrNoRows): // another instance holds the row right now
			next = now.Add(time.Second)
			return nil
		case err != nil:
			return err
		}
		if runAt > nowS {
			next = sqldb.ParseTime(runAt)
			return nil
		}
		if locked > nowS {
			next = sqldb.ParseTime(locked)
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET locked_until = ? WHERE unique_key = ?`, sqldb.FormatTime(now.Add(r.lease(task))), task.Name)
		claimed = err == nil
		return err
	})
	return claimed, next, err
}

// finish records the outcome of a run and releases the lease.
func (r *Runner) finish(ctx context.Context, task Task, started time.Time, runErr error) (time.Time, error) {
	var next time.Time
	err := r.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if runErr == nil {
			next = started.Add(task.Every)
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET run_at = ?, locked_until = '', attempts = 0, last_error = '', done_at = ? WHERE unique_key = ?`,
				sqldb.FormatTime(next), sqldb.FormatTime(r.now()), task.Name)
			return err
		}
		var attempts int
		if err := tx.QueryRowContext(ctx, `SELECT attempts FROM jobs WHERE unique_key = ?`, task.Name).Scan(&attempts); err != nil {
			return err
		}
		attempts++
		next = r.now().Add(Backoff(r.RetryMin, task.Every, attempts))
		msg := runErr.Error()
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET run_at = ?, locked_until = '', attempts = ?, last_error = ? WHERE unique_key = ?`,
			sqldb.FormatTime(next), attempts, strings.ToValidUTF8(msg, "?"), task.Name)
		return err
	})
	if runErr != nil {
		r.logger().Warn("jobs: task failed", "task", task.Name, "retry_at", next, "err", runErr)
	}
	return next, err
}

// Backoff is the wait before retry number attempts (1, 2, …): min doubled each time,
// capped at limit (when positive) and at one hour.
func Backoff(first, limit time.Duration, attempts int) time.Duration {
	if first <= 0 {
		first = 30 * time.Second
	}
	ceiling := time.Hour
	if limit > 0 && limit < ceiling {
		ceiling = max(limit, first)
	}
	d := first
	for i := 1; i < attempts && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}
