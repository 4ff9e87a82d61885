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
	"time"
)

// Task is periodic work. Domains build their tasks in internal/app (one block per
// domain) and append them to App.Tasks; the runner started by App.StartWorkers runs
// each one every Every.
type Task struct {
	Name  string        // unique; also the key of its row in the jobs table
	Every time.Duration // how often it runs
	Run   func(ctx context.Context, now time.Time) error
}
