package democracy_test

import (
	"context"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/democracy"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/plan/plangen"
	"danvan/internal/sqldb"
)

// The overview of the whole tree and one agency's register over a generated mid-size
// tree (5.000 units, 50.000 people, every agency with its year of disclosures), for
// comparing one change with the next; the national figures are in docs/PERFORMANCE.md
// ("Dân chủ cơ sở"). PostgreSQL runs when DANVAN_TEST_POSTGRES_URL is set.
//
//	go test -run '^$' -bench 'Overview|Register' -count 3 ./internal/democracy/
func BenchmarkOverview(b *testing.B) {
	benchEngines(b, func(b *testing.B, e benchData) {
		for b.Loop() {
			ov, err := e.conf.Overview(context.Background(), e.admin, e.root, 0)
			if err != nil || len(ov.Rows) == 0 {
				b.Fatal(len(ov.Rows), err)
			}
		}
	})
}

func BenchmarkRegister(b *testing.B) {
	benchEngines(b, func(b *testing.B, e benchData) {
		for b.Loop() {
			ds, err := e.disc.List(context.Background(), e.admin, democracy.DisclosureFilter{UnitID: e.agency, Limit: 50})
			if err != nil || len(ds) == 0 {
				b.Fatal(len(ds), err)
			}
		}
	})
}

type benchData struct {
	conf         *democracy.ConferenceService
	disc         *democracy.DisclosureService
	admin        *org.Principal
	root, agency int64
}

func benchEngines(b *testing.B, fn func(*testing.B, benchData)) {
	b.Setenv("DANVAN_GEN_TASKS", "20000")
	for _, eng := range []struct {
		name string
		open func(testing.TB) *sqldb.DB
	}{{"sqlite", dbtest.OpenSQLite}, {"postgres", dbtest.OpenPostgres}} {
		b.Run(eng.name, func(b *testing.B) {
			db := eng.open(b)
			ctx := context.Background()
			s, err := gen.Run(ctx, db, gen.Options{Units: 5000, People: 50000, Seed: 3, Generators: []gen.Generator{plangen.Generate, democracy.Generate}})
			if err != nil {
				b.Fatal(err)
			}
			if db.Dialect() == sqldb.Postgres {
				if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
					b.Fatal(err)
				}
			}
			e := benchData{conf: democracy.NewConferenceService(db, nil, nil), disc: democracy.NewDisclosureService(db), root: s.Root.ID}
			e.conf.Disclosures = e.disc
			var uid int64
			if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kehoach'`).Scan(&uid); err != nil {
				b.Fatal(err)
			}
			if e.admin, err = org.LoadPrincipal(ctx, db, uid); err != nil {
				b.Fatal(err)
			}
			if err := db.QueryRowContext(ctx, `SELECT MIN(unit_id) FROM disclosures`).Scan(&e.agency); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			fn(b, e)
		})
	}
}
