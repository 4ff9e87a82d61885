package app

import (
	"context"
	"time"

	"danvan/internal/auth"
	"danvan/internal/jobs"
	"danvan/internal/notify"
	"danvan/internal/sqldb"
)

// foundationTasks are the foundation's background tasks: the outbox sender, the daily
// digest, the clean-up and the removal of ended rate-limit windows. Without an SMTP URL
// the sender logs each mail instead of sending it.
func (a *App) foundationTasks() ([]jobs.Task, error) {
	s := &notify.Sender{DB: a.DB, Logger: a.Logger}
	if a.Config.SMTPURL != "" {
		d, err := notify.SMTP(a.Config.SMTPURL, a.Config.MailFrom)
		if err != nil {
			return nil, err
		}
		s.Deliver = d
	}
	base := a.Config.BaseURL
	if base == "" {
		base = "http://" + a.Config.Addr
	}
	// Domains add their calendar mails to a.digest.Periodic in Open, after this.
	a.digest = &notify.Digest{DB: a.DB, BaseURL: base}
	return []jobs.Task{s.Task(15 * time.Second), a.digest.Task(15 * time.Minute),
		{Name: "foundation.cleanup", Every: time.Hour, Run: a.cleanup},
		// Every 10 minutes: the rate_counts table then holds at most the addresses of the
		// last 11 minutes.
		a.Limiter.Task(10 * time.Minute)}, nil
}

// cleanup removes what only grows: expired sessions, used form nonces older than a week
// (a form re-sent after that would be accepted again — a week bounds the table while
// covering any realistic double submit) and login-throttle rows idle for a day. It also
// fails the people imports whose worker died and that nobody has looked at since, and
// forgets the imports that ended a month ago.
func (a *App) cleanup(ctx context.Context, now time.Time) error {
	if err := (auth.SessionStore{DB: a.DB, Idle: auth.SessionIdle}).DeleteExpired(ctx); err != nil {
		return err
	}
	if _, err := a.Web.Imports.FailStale(ctx); err != nil {
		return err
	}
	if _, err := a.Web.Imports.Prune(ctx, now.Add(-30*24*time.Hour)); err != nil {
		return err
	}
	day := sqldb.FormatTime(now.Add(-24 * time.Hour))
	week := sqldb.FormatTime(now.Add(-7 * 24 * time.Hour))
	if _, err := a.DB.ExecContext(ctx, `DELETE FROM form_nonces WHERE created_at < ?`, week); err != nil {
		return err
	}
	_, err := a.DB.ExecContext(ctx, `DELETE FROM login_throttle WHERE last_failure < ? AND (locked_until = '' OR locked_until < ?)`, day, sqldb.FormatTime(now))
	return err
}

// startJobs starts the jobs runner over a.Tasks, tracked by a.workers so Close waits
// for the task that is running. With --workers=false (DANVAN_WORKERS=false) this
// instance runs no background work; another instance on the same database does.
func (a *App) startJobs(ctx context.Context) {
	if !a.Config.Workers || len(a.Tasks) == 0 {
		return
	}
	r := &jobs.Runner{DB: a.DB, Logger: a.Logger, Tasks: a.Tasks, Tick: 5 * time.Second}
	a.workers.Add(1)
	go func() {
		defer a.workers.Done()
		r.Loop(ctx)
	}()
}
