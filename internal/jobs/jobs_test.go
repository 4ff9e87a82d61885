package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

// clock is a settable time shared by the runners of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// second opens another handle on the same database: a second danvan instance.
func second(t *testing.T, db *sqldb.DB) *sqldb.DB {
	t.Helper()
	db2, err := sqldb.Open(context.Background(), db.URL(), sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	return db2
}

func TestTwoInstancesRunATaskOncePerPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		clk := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
		var runs, concurrent, maxConcurrent atomic.Int32
		task := Task{Name: "test.count", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			c := concurrent.Add(1)
			defer concurrent.Add(-1)
			for {
				m := maxConcurrent.Load()
				if c <= m || maxConcurrent.CompareAndSwap(m, c) {
					break
				}
			}
			runs.Add(1)
			time.Sleep(30 * time.Millisecond) // overlap with the other instance's attempts
			return nil
		}}
		a := &Runner{DB: db, Tasks: []Task{task}, Now: clk.Now}
		b := &Runner{DB: second(t, db), Tasks: []Task{task}, Now: clk.Now}
		both := func(rounds int) {
			var wg sync.WaitGroup
			for _, r := range []*Runner{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range rounds {
						r.next = nil // ignore the local hint: ask the database every time
						r.RunDue(context.Background())
					}
				}()
			}
			wg.Wait()
		}
		both(10)
		if got := runs.Load(); got != 1 {
			t.Fatalf("first period: %d runs, want 1", got)
		}
		clk.Add(59 * time.Minute)
		both(5)
		if got := runs.Load(); got != 1 {
			t.Fatalf("before Every has passed: %d runs, want 1", got)
		}
		clk.Add(time.Minute)
		both(10)
		if got := runs.Load(); got != 2 {
			t.Fatalf("second period: %d runs, want 2", got)
		}
		if m := maxConcurrent.Load(); m != 1 {
			t.Fatalf("task ran %d times at once", m)
		}
	})
}

func TestFailureBacksOffAndKeepsTheError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		clk := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
		var runs int
		fail := true
		task := Task{Name: "test.flaky", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			runs++
			if fail {
				return errors.New("máy chủ thư không trả lời")
			}
			return nil
		}}
		r := &Runner{DB: db, Tasks: []Task{task}, Now: clk.Now, RetryMin: 30 * time.Second}
		ctx := context.Background()
		r.RunDue(ctx)
		var attempts int
		var lastErr, runAt string
		row := func() {
			t.Helper()
			if err := db.QueryRowContext(ctx, `SELECT attempts, last_error, run_at FROM jobs WHERE unique_key = ?`, task.Name).Scan(&attempts, &lastErr, &runAt); err != nil {
				t.Fatal(err)
			}
		}
		row()
		if runs != 1 || attempts != 1 || lastErr != "máy chủ thư không trả lời" || runAt != "2026-11-25T01:00:30Z" {
			t.Fatalf("after first failure: runs %d attempts %d err %q run_at %s", runs, attempts, lastErr, runAt)
		}
		clk.Add(29 * time.Second)
		r.RunDue(ctx)
		if runs != 1 {
			t.Fatal("retried before the backoff")
		}
		clk.Add(time.Second)
		r.RunDue(ctx)
		row()
		if runs != 2 || attempts != 2 || runAt != "2026-11-25T01:01:30Z" { // 30 s, then 60 s
			t.Fatalf("after second failure: runs %d attempts %d run_at %s", runs, attempts, runAt)
		}
		fail = false
		clk.Add(time.Minute)
		r.RunDue(ctx)
		row()
		if runs != 3 || attempts != 0 || lastErr != "" || runAt != "2026-11-25T02:01:30Z" {
			t.Fatalf("after success: runs %d attempts %d err %q run_at %s", runs, attempts, lastErr, runAt)
		}
	})
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		clk := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
		var runs int
		task := Task{Name: "test.lease", Every: time.Minute, Run: func(ctx context.Context, now time.Time) error { runs++; return nil }}
		ctx := context.Background()
		// An instance claimed the task and died: its lease is live for 10 minutes.
		dead := &Runner{DB: db, Tasks: []Task{task}, Now: clk.Now, Lease: 10 * time.Minute}
		if ok, _, err := dead.claim(ctx, task, clk.Now()); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		r := &Runner{DB: second(t, db), Tasks: []Task{task}, Now: clk.Now}
		clk.Add(9 * time.Minute)
		r.RunDue(ctx)
		if runs != 0 {
			t.Fatal("ran while another instance held a live lease")
		}
		clk.Add(2 * time.Minute)
		r.RunDue(ctx)
		if runs != 1 {
			t.Fatalf("expired lease not taken over: %d runs", runs)
		}
	})
}

// A task's own lease overrides the runner's: the mail sender, guarded per row, is taken
// over a minute after its instance died although the runner's lease is 15 minutes.
func TestTaskLeaseOverridesTheRunners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		clk := &clock{t: time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC)}
		var runs int
		task := Task{Name: "test.short-lease", Every: 15 * time.Second, Lease: time.Minute, Run: func(ctx context.Context, now time.Time) error { runs++; return nil }}
		ctx := context.Background()
		dead := &Runner{DB: db, Tasks: []Task{task}, Now: clk.Now}
		if ok, _, err := dead.claim(ctx, task, clk.Now()); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		r := &Runner{DB: second(t, db), Tasks: []Task{task}, Now: clk.Now}
		clk.Add(50 * time.Second)
		r.RunDue(ctx)
		if runs != 0 {
			t.Fatal("ran while the dead instance's one-minute lease was live")
		}
		clk.Add(15 * time.Second)
		r.RunDue(ctx)
		if runs != 1 {
			t.Fatalf("task lease of a minute not taken over after 65 s: %d runs", runs)
		}
	})
}

func TestRunnerStopsWithItsContext(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	started := make(chan struct{})
	task := Task{Name: "test.block", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	r := &Runner{DB: db, Tasks: []Task{task}, Tick: 10 * time.Millisecond}
	r.Start(context.Background())
	<-started
	done := make(chan struct{})
	go func() { r.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Stop did not return")
	}
	var lastErr string
	if err := db.QueryRowContext(context.Background(), `SELECT last_error FROM jobs WHERE unique_key = ?`, task.Name).Scan(&lastErr); err != nil || lastErr == "" {
		t.Fatalf("interrupted run not recorded: %q %v", lastErr, err)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		first, limit time.Duration
		n            int
		want         time.Duration
	}{
		{30 * time.Second, time.Hour, 1, 30 * time.Second},
		{30 * time.Second, time.Hour, 3, 2 * time.Minute},
		{30 * time.Second, 5 * time.Minute, 10, 5 * time.Minute},
		{30 * time.Second, 0, 50, time.Hour},
		{time.Minute, 10 * time.Second, 3, time.Minute},
	} {
		if got := Backoff(c.first, c.limit, c.n); got != c.want {
			t.Errorf("Backoff(%v, %v, %d) = %v, want %v", c.first, c.limit, c.n, got, c.want)
		}
	}
}
