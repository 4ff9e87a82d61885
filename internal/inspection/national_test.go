package inspection_test

import (
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/emulation"
	"danvan/internal/figures"
	"danvan/internal/gen"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// National-size measurements of coverage and the evidence pack on a database made by
// `danvan gen` (docs/PERFORMANCE.md, "Kiểm tra, giám sát — số liệu"). Nothing runs unless
// DANVAN_INSPECTION_NATIONAL names the database (a SQLite file or a postgres:// URL):
//
//	DANVAN_INSPECTION_NATIONAL=/tmp/insp/big/danvan.db go test -run TestNationalPrepare -v ./internal/inspection/
//	DANVAN_INSPECTION_NATIONAL=… go test -run '^$' -bench National -count 3 ./internal/inspection/
//
// TestNationalPrepare adds the inspection data to a database generated before the
// generator existed (rebuilding the generator's Summary from the units table), then
// takes the evidence pack of the generated round whose target agency has the number of
// people nearest 1.000, and prints its address for scripts/load.sh.

func nationalDB(tb testing.TB) *sqldb.DB {
	url := os.Getenv("DANVAN_INSPECTION_NATIONAL")
	if url == "" {
		tb.Skip("DANVAN_INSPECTION_NATIONAL not set")
	}
	db, err := sqldb.Open(context.Background(), url, sqldb.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// summaryOf rebuilds the generator's Summary from the units of a generated database.
func summaryOf(ctx context.Context, db *sqldb.DB) (*gen.Summary, error) {
	s := &gen.Summary{Units: map[org.UnitKind][]gen.UnitRef{}}
	rows, err := db.QueryContext(ctx, `SELECT id, path, kind, depth FROM units WHERE valid_to = '' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u gen.UnitRef
		var kind string
		var depth int
		if err := rows.Scan(&u.ID, &u.Path, &kind, &depth); err != nil {
			return nil, err
		}
		if depth == 0 && s.Root.ID == 0 {
			s.Root = u
		}
		s.Units[org.UnitKind(kind)] = append(s.Units[org.UnitKind(kind)], u)
		s.UnitCount++
		s.MaxDepth = max(s.MaxDepth, depth)
	}
	return s, rows.Err()
}

type national struct {
	db            *sqldb.DB
	svc           *inspection.Service
	admin         *org.Principal
	root          int64
	round, agency int64
	agencyPath    string
	people        int
}

func loadNational(tb testing.TB) national {
	ctx := context.Background()
	db := nationalDB(tb)
	plans := plan.NewService(db)
	svc := inspection.NewService(db, plans)
	petitions := petition.NewService(db)
	conf := democracy.NewConferenceService(db, plans, nil)
	svc.Sources = []figures.Source{plans, draft.NewService(db), emulation.NewService(db), petitions, democracy.NewFigures(conf, democracy.NewDisclosureService(db)), svc}
	svc.CoverageCacheAge = -1 // measure the computation, not the cache
	n := national{db: db, svc: svc}
	var uid int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kehoach'`).Scan(&uid); err != nil {
		tb.Fatal(err)
	}
	var err error
	if n.admin, err = org.LoadPrincipal(ctx, db, uid); err != nil {
		tb.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, `SELECT id FROM units WHERE depth = 0 ORDER BY id LIMIT 1`).Scan(&n.root); err != nil {
		tb.Fatal(err)
	}
	return n
}

// findPack picks the generated round not closed whose target unit's people are nearest 1.000
// (counted per targeted unit through the people path index): an agency or, as the
// generated agencies hold 190 people on average, a committee leading several.
func (n *national) findPack(tb testing.TB) {
	ctx := context.Background()
	rows, err := n.db.QueryContext(ctx, `SELECT t.round_id, t.unit_id, t.unit_path FROM inspection_round_targets t JOIN inspection_rounds r ON r.id = t.round_id
		WHERE r.status <> 'closed' ORDER BY t.round_id DESC`)
	if err != nil {
		tb.Fatal(err)
	}
	type cand struct {
		round, unit int64
		path        string
	}
	seen := map[int64]bool{}
	var cands []cand
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.round, &c.unit, &c.path); err != nil {
			tb.Fatal(err)
		}
		if !seen[c.unit] {
			seen[c.unit] = true
			cands = append(cands, c)
		}
	}
	rows.Close()
	best := -1
	for _, c := range cands {
		var k int
		if err := n.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM people WHERE unit_path >= ? AND unit_path < ?`, c.path, sqldb.PathEnd(c.path)).Scan(&k); err != nil {
			tb.Fatal(err)
		}
		if best < 0 || abs(k-1000) < abs(best-1000) {
			best, n.round, n.agency, n.agencyPath, n.people = k, c.round, c.unit, c.path, k
		}
	}
	if best < 0 {
		tb.Fatal("no generated round targets an agency")
	}
}

// cpuTime is the process's user and system CPU so far: on a shared machine the CPU
// per operation moves far less than the wall time (docs/PERFORMANCE.md, Method).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loopCPU runs fn b.N times and reports the CPU per operation beside ns/op.
func loopCPU(b *testing.B, fn func()) {
	start := cpuTime()
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(max(n, 1)), "cpu-ms/op")
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestNationalPrepare(t *testing.T) {
	n := loadNational(t)
	ctx := context.Background()
	var progs int
	if err := n.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM inspection_programmes`).Scan(&progs); err != nil {
		t.Fatal(err)
	}
	if progs == 0 {
		s, err := summaryOf(ctx, n.db)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := inspection.Generate(ctx, n.db, s, gen.Options{Seed: 1, Log: os.Stderr}); err != nil {
			t.Fatal(err)
		}
		t.Logf("generated in %s", time.Since(start).Round(time.Millisecond))
		if n.db.Dialect() == sqldb.Postgres {
			if _, err := n.db.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		} else if _, err := n.db.ExecContext(ctx, `ANALYZE`); err != nil {
			t.Fatal(err)
		}
	}
	n.findPack(t)
	// The pack is taken on the rights of the root's administrator (a committee officer).
	start := time.Now()
	if err := n.svc.TakeEvidence(ctx, n.admin, n.round); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	from, to := inspection.EvidencePeriod(time.Now().Format("2006")+"-01-05", "", time.Now().Format("2006-01-02"))
	for _, src := range n.svc.Sources {
		start := time.Now()
		bs, err := src.Figures(ctx, n.admin, figures.Query{Scope: n.agencyPath, From: from, To: to, Trend: true})
		if err != nil {
			t.Fatal(err)
		}
		keys := ""
		for _, b := range bs {
			keys += b.Key + " "
		}
		t.Logf("source %T (%s): %s", src, keys, time.Since(start).Round(time.Microsecond))
	}
	// The dashboard's inspection block for the whole tree, its provinces side by side.
	var kids []string
	krows, err := n.db.QueryContext(ctx, `SELECT path FROM units WHERE parent_id = ? AND valid_to = ''`, n.root)
	if err != nil {
		t.Fatal(err)
	}
	for krows.Next() {
		var k string
		_ = krows.Scan(&k)
		kids = append(kids, k)
	}
	krows.Close()
	rootPath := "/" + strconv.FormatInt(n.root, 10) + "/"
	for i := 0; i < 3; i++ {
		start := time.Now()
		if _, err := n.svc.Figures(ctx, n.admin, figures.Query{Scope: rootPath, From: to[:4] + "-01-01", To: to, Children: kids, Trend: true}); err != nil {
			t.Fatal(err)
		}
		t.Logf("inspection block of the whole tree with %d children: %s", len(kids), time.Since(start).Round(time.Millisecond))
	}
	t.Logf("pack of round %d taken in %s; page /inspections/rounds/%d/evidence/%d (agency %d, %d people); coverage /inspections/coverage?unit=%d&years=5",
		n.round, took.Round(time.Millisecond), n.round, n.agency, n.agency, n.people, n.root)
}

// BenchmarkNationalCoverage: the coverage of the whole tree over five years.
func BenchmarkNationalCoverage(b *testing.B) {
	n := loadNational(b)
	loopCPU(b, func() {
		c, err := n.svc.Coverage(context.Background(), n.admin, n.root, 5)
		if err != nil || len(c.Rows) == 0 {
			b.Fatal(len(c.Rows), err)
		}
	})
}

// BenchmarkNationalEvidenceFigures: computing one pack (every source) for the agency
// nearest 1.000 people, as TakeEvidence does per target.
func BenchmarkNationalEvidenceFigures(b *testing.B) {
	n := loadNational(b)
	n.findPack(b)
	from, to := inspection.EvidencePeriod(time.Now().Format("2006")+"-01-05", "", time.Now().Format("2006-01-02"))
	loopCPU(b, func() {
		bs, err := n.svc.EvidenceFigures(context.Background(), n.admin, n.agencyPath, from, to)
		if err != nil || len(bs) == 0 {
			b.Fatal(len(bs), err)
		}
	})
}

// BenchmarkNationalDashboardBlock: the dashboard's "inspection" block of the whole tree
// this year, its provinces side by side, with the monthly trend.
func BenchmarkNationalDashboardBlock(b *testing.B) {
	n := loadNational(b)
	ctx := context.Background()
	var kids []string
	rows, err := n.db.QueryContext(ctx, `SELECT path FROM units WHERE parent_id = ? AND valid_to = ''`, n.root)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		kids = append(kids, k)
	}
	rows.Close()
	today := time.Now().Format("2006-01-02")
	q := figures.Query{Scope: "/" + strconv.FormatInt(n.root, 10) + "/", From: today[:4] + "-01-01", To: today, Children: kids, Trend: true}
	loopCPU(b, func() {
		if bs, err := n.svc.Figures(ctx, n.admin, q); err != nil || len(bs) != 1 {
			b.Fatal(bs, err)
		}
	})
}
