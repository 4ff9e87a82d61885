package gen_test

import (
	"context"
	"strings"
	"testing"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

func TestRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		var seen *gen.Summary
		plug := func(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error { seen = s; return nil }
		s, err := gen.Run(ctx, db, gen.Options{Units: 300, People: 3000, Seed: 7, BatchRows: 700, Generators: []gen.Generator{plug}})
		if err != nil {
			t.Fatal(err)
		}
		if seen != s {
			t.Fatal("domain generator not called with the summary")
		}
		var units, people, positions, audits int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units`).Scan(&units)
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&people)
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM positions`).Scan(&positions)
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'generate'`).Scan(&audits)
		if units != 300 || people != 3000 || positions != s.Positions || positions < people || audits != 1 {
			t.Fatalf("units %d people %d positions %d (summary %d) audits %d", units, people, positions, s.Positions, audits)
		}
		if s.MaxDepth < 6 || len(s.Units[org.KindCell]) == 0 || len(s.Units[org.KindTradeUnion]) == 0 {
			t.Fatalf("tree too shallow or incomplete: depth %d, kinds %v", s.MaxDepth, len(s.Units))
		}
		// Paths agree with parents, and every person's unit_path is their unit's path.
		var bad int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units c JOIN units p ON p.id = c.parent_id WHERE c.path <> p.path || CAST(c.id AS TEXT) || '/' OR c.depth <> p.depth + 1`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d units with a wrong path or depth", bad)
		}
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM people x JOIN units u ON u.id = x.unit_id WHERE x.unit_path <> u.path`).Scan(&bad)
		if bad != 0 {
			t.Fatalf("%d people with a wrong unit_path", bad)
		}
		// A second run is refused; --force adds more, with fresh ids (sequences reset on PostgreSQL).
		if _, err := gen.Run(ctx, db, gen.Options{Units: 30, People: 10}); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("second run: %v", err)
		}
		if _, err := gen.Run(ctx, db, gen.Options{Units: 30, People: 10, Force: true}); err != nil {
			t.Fatal(err)
		}
		svc := org.NewService(db)
		root, err := svc.CreateUnit(ctx, nil, org.UnitInput{Kind: org.KindUpperCommittee, Name: "Sau khi sinh"})
		if err != nil {
			t.Fatalf("ordinary insert after gen: %v", err)
		}
		if root.ID <= int64(units+30) {
			t.Fatalf("new unit id %d collides with generated ids", root.ID)
		}
	})
}

// TestFindPeopleOnGenerated checks that the people search gives exactly the names a plain
// scan finds, for rare queries (answered from the trigram index) and common ones.
func TestFindPeopleOnGenerated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s, err := gen.Run(ctx, db, gen.Options{Units: 200, People: 6000, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		svc := org.NewService(db)
		admin := &org.Principal{UserID: 1, Grants: []org.Grant{{UnitPath: s.Root.Path, Role: org.RoleAdmin}}}
		rows, err := db.QueryContext(ctx, `SELECT name_fold FROM people`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		for _, q := range []string{"nguyen", "NGUYỄN văn", "tran thi thu", "le duc hung", "hu", "ng v", "zzz", "đặng thị thùy trang", "50%"} {
			want := 0
			pat := strings.Fields(search.Fold(q))
			for _, n := range names {
				if containsInOrder(n, pat) {
					want++
				}
			}
			got := 0
			after := ""
			for {
				page, err := svc.FindPeople(ctx, admin, org.PeopleFilter{Query: q, After: after, Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range page.People {
					if !containsInOrder(search.Fold(x.FullName), pat) {
						t.Fatalf("%q found %q", q, x.FullName)
					}
				}
				got += len(page.People)
				if page.Next == "" {
					break
				}
				after = page.Next
			}
			if got != want {
				t.Errorf("query %q: %d people, a scan finds %d", q, got, want)
			}
		}
	})
}

func containsInOrder(s string, words []string) bool {
	for _, w := range words {
		i := strings.Index(s, w)
		if i < 0 {
			return false
		}
		s = s[i+len(w):]
	}
	return true
}
