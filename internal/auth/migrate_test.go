package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/pressly/goose/v3"

	"danvan/internal/auth"
	"danvan/internal/dbtest"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// TestMigration0004OnExistingAccounts takes migration 0004 down, writes accounts and a
// session the way the code before it did, and applies it again: existing accounts get
// the linked person's unit, else their first grant's, as home; their names are folded at
// start-up; their old sessions still end on a reset.
func TestMigration0004OnExistingAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		dialect := goose.DialectSQLite3
		if db.Dialect() == sqldb.Postgres {
			dialect = goose.DialectPostgres
		}
		p, err := goose.NewProvider(dialect, db.WritePool(), sqldb.Migrations(db.Dialect()), goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.ApplyVersion(ctx, 4, false); err != nil {
			t.Fatalf("0004 down: %v", err)
		}
		var withPerson, withGrant int64
		var cell org.Unit
		exp := db.Now().Add(time.Hour)
		err = db.Tx(ctx, func(tx *sqldb.Tx) error {
			root, err := org.EnsureRoot(ctx, tx, "Đảng bộ Khối")
			if err != nil {
				return err
			}
			if cell, err = org.InsertUnit(ctx, tx, root, org.UnitInput{Kind: org.KindCell, Name: "Chi bộ Văn phòng"}); err != nil {
				return err
			}
			person, err := org.InsertPerson(ctx, tx, org.PersonInput{FullName: "Lê Thị Hồng", UnitID: cell.ID}, cell)
			if err != nil {
				return err
			}
			const insert = `INSERT INTO users (username, password_hash, person_id, display_name, created_at, password_changed_at) VALUES (?, 'x', ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z') RETURNING id`
			if withPerson, err = tx.InsertID(ctx, insert, "hong", person, "Lê Thị Hồng"); err != nil {
				return err
			}
			if withGrant, err = tx.InsertID(ctx, insert, "quantri", nil, "Quản trị viên"); err != nil {
				return err
			}
			if err := org.InsertGrant(ctx, tx, withGrant, root, org.RoleAdmin); err != nil {
				return err
			}
			b, err := scs.GobCodec{}.Encode(exp, map[string]any{auth.SessionUserKey: withPerson})
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('cu', ?, ?)`, b, sqldb.FormatTime(exp))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.ApplyVersion(ctx, 4, true); err != nil {
			t.Fatalf("0004 up: %v", err)
		}
		if err := auth.FoldPendingNames(ctx, db); err != nil {
			t.Fatal(err)
		}
		s := auth.NewService(db)
		admin, err := org.LoadPrincipal(ctx, db, withGrant)
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.AccountByID(ctx, admin, withPerson)
		if err != nil || a.UnitID != cell.ID || a.UnitPath != cell.Path {
			t.Errorf("account with a person: unit %d %q, want %d %q (%v)", a.UnitID, a.UnitPath, cell.ID, cell.Path, err)
		}
		if a, err := s.AccountByID(ctx, admin, withGrant); err != nil || a.UnitPath == "" || a.UnitID != org.PathIDs(a.UnitPath)[0] {
			t.Errorf("account with a grant only: unit %d %q (%v)", a.UnitID, a.UnitPath, err)
		}
		if list, err := s.FindAccounts(ctx, admin, auth.AccountFilter{Query: "le thi hong"}); err != nil || len(list.Accounts) != 1 {
			t.Errorf("folded search after the migration: %+v (%v)", list.Accounts, err)
		}
		if err := s.ResetPassword(ctx, admin, withPerson, "mat-khau-moi-2026", ""); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := (auth.SessionStore{DB: db}).FindCtx(ctx, "cu"); found {
			t.Error("a session stored before the migration survived the reset")
		}
	})
}
