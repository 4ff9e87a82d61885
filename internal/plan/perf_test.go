package plan_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// TestPerfAtScale measures the service calls behind the figures of docs/PERFORMANCE.md on
// a database made by `danvan gen` (account kehoach): DANVAN_PLAN_PERF_DB=/path/to/data or
// a postgres:// URL. Skipped otherwise. It reports medians and p95 and fails only on errors.
func TestPerfAtScale(t *testing.T) {
	url := os.Getenv("DANVAN_PLAN_PERF_DB")
	if url == "" {
		t.Skip("set DANVAN_PLAN_PERF_DB to a generated database")
	}
	if !sqldb.IsPostgresURL(url) {
		url += "/danvan.db"
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, url, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var uid, parent, planID int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kehoach'`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id, plan_id FROM tasks WHERE children = 1000 ORDER BY id LIMIT 1`).Scan(&parent, &planID); err != nil {
		t.Fatal(err)
	}
	p, err := org.LoadPrincipal(ctx, db, uid)
	if err != nil {
		t.Fatal(err)
	}
	svc := plan.NewService(db)
	measure := func(name string, n int, fn func() error) {
		var d []time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			d = append(d, time.Since(start))
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		t.Logf("%-40s n=%d  p50 %6.1f ms  p95 %6.1f ms", name, n, ms(d[len(d)/2]), ms(d[len(d)*95/100]))
	}
	measure("OpenWork (500 open tasks)", 200, func() error {
		items, err := svc.OpenWork(ctx, p)
		if err == nil && len(items) < 500 {
			t.Fatalf("open work: %d items", len(items))
		}
		return err
	})
	measure("Task with 1.000 children (roll-up, lists)", 100, func() error { _, err := svc.Task(ctx, p, parent); return err })
	measure("PlanTasks of its plan", 100, func() error { _, _, err := svc.PlanTasks(ctx, p, planID); return err })
	var cells []int64
	rows, err := db.QueryContext(ctx, `SELECT id FROM units WHERE kind = 'chi-bo' ORDER BY id LIMIT 1000`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		cells = append(cells, id)
	}
	rows.Close()
	var root int64
	_ = db.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&root)
	measure("CreateTask cascaded to 1.000 units", 5, func() error {
		_, err := svc.CreateTask(ctx, p, plan.TaskInput{Title: "Đo hiệu năng: giao 1.000 đơn vị", UnitID: root, LeadID: p.PersonID, StartOn: "2026-12-01", DueDays: 10, CascadeTo: cells})
		return err
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
