package app

import (
	"context"
	"time"

	"danvan/internal/jobs"
	"danvan/internal/notify"
)

// foundationTasks are the foundation's background tasks: the outbox sender and the
// daily digest. Without an SMTP URL the sender logs each mail instead of sending it.
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
	digest := &notify.Digest{DB: a.DB, BaseURL: base}
	return []jobs.Task{s.Task(15 * time.Second), digest.Task(15 * time.Minute)}, nil
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
