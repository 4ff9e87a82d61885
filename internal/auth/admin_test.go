package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"danvan/internal/apperr"
	"danvan/internal/auth"
	"danvan/internal/dbtest"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// adminFixture is a root with two agencies and accounts: the system administrator, an
// administrator of agency A only, a staff member of A, a "boss" whose home is A but who
// administers the root, and a member of B.
type adminFixture struct {
	root, a, b                      org.Unit
	sys, subAdmin, staff, boss, inB auth.User
}

func newAdminFixture(t *testing.T, db *sqldb.DB) adminFixture {
	t.Helper()
	ctx := context.Background()
	var f adminFixture
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if f.root, err = org.EnsureRoot(ctx, tx, "Đảng bộ Khối"); err != nil {
			return err
		}
		if f.a, err = org.InsertUnit(ctx, tx, f.root, org.UnitInput{Kind: org.KindAgency, Name: "Sở Tư pháp"}); err != nil {
			return err
		}
		if f.b, err = org.InsertUnit(ctx, tx, f.root, org.UnitInput{Kind: org.KindAgency, Name: "Sở Tài chính"}); err != nil {
			return err
		}
		mk := func(name string, home org.Unit, grantOn org.Unit, role org.Role) (auth.User, error) {
			u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: name, Password: "mat-khau-thu-2026", DisplayName: "Nguyễn Văn " + name, UnitID: home.ID})
			if err != nil {
				return u, err
			}
			return u, org.InsertGrant(ctx, tx, u.ID, grantOn, role)
		}
		if f.sys, err = mk("quantri", f.root, f.root, org.RoleAdmin); err != nil {
			return err
		}
		if f.subAdmin, err = mk("quantri.a", f.a, f.a, org.RoleAdmin); err != nil {
			return err
		}
		if f.staff, err = mk("canbo.a", f.a, f.a, org.RoleStaff); err != nil {
			return err
		}
		if f.boss, err = mk("lanhdao", f.a, f.root, org.RoleAdmin); err != nil {
			return err
		}
		f.inB, err = mk("dangvien.b", f.b, f.b, org.RoleMember)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func principalOf(t *testing.T, db *sqldb.DB, u auth.User) *org.Principal {
	t.Helper()
	p, err := org.LoadPrincipal(context.Background(), db, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAccountReach: a unit's administrator lists and changes the accounts of their
// subtree only, and cannot change one holding powers outside it.
func TestAccountReach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		s := auth.NewService(db)
		sub := principalOf(t, db, f.subAdmin)

		list, err := s.FindAccounts(ctx, sub, auth.AccountFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, a := range list.Accounts {
			got[a.Username] = true
		}
		if len(got) != 3 || !got["quantri.a"] || !got["canbo.a"] || !got["lanhdao"] {
			t.Errorf("agency A's administrator lists %v", got)
		}
		if list, _ := s.FindAccounts(ctx, sub, auth.AccountFilter{Query: "NGUYEN van CANBO"}); len(list.Accounts) != 1 || list.Accounts[0].Username != "canbo.a" {
			t.Errorf("folded name search: %+v", list.Accounts)
		}
		if _, err := s.FindAccounts(ctx, sub, auth.AccountFilter{UnitID: f.b.ID}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("filter on a unit outside reach: %v", err)
		}
		if _, err := s.AccountByID(ctx, sub, f.inB.ID); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("account of B: %v", err)
		}
		if err := s.ResetPassword(ctx, sub, f.boss.ID, "mat-khau-chiem-quyen", ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("reset of an account administering the root: %v", err)
		}
		if err := s.SetDisabled(ctx, sub, f.boss.ID, true); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("disable of an account administering the root: %v", err)
		}
		if err := s.ResetPassword(ctx, sub, f.staff.ID, "mat-khau-moi-2026", ""); err != nil {
			t.Errorf("reset within reach: %v", err)
		}
		_, err = s.CreateAccount(ctx, sub, auth.AccountInput{Username: "moi.b", UnitID: f.b.ID, Password: "mat-khau-thu-2026"})
		if apperr.FieldsOf(err)["unit_id"] == "" {
			t.Errorf("create in B by A's administrator: %v", err)
		}
		_, err = s.CreateAccount(ctx, sub, auth.AccountInput{Username: "moi.a", UnitID: f.a.ID, Role: org.RoleAdmin, RoleUnitID: f.root.ID, Password: "mat-khau-thu-2026"})
		if apperr.FieldsOf(err)["role_unit_id"] == "" {
			t.Errorf("grant on the root by A's administrator: %v", err)
		}
		if _, err := s.FindAccounts(ctx, principalOf(t, db, f.staff), auth.AccountFilter{}); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("staff lists accounts: %v", err)
		}
		// The system administrator reaches everyone, B included.
		if _, err := s.AccountByID(ctx, principalOf(t, db, f.sys), f.inB.ID); err != nil {
			t.Errorf("system administrator: %v", err)
		}
	})
}

// TestUnlockAfterRealLock locks an account through failed sign-ins (short throttle) and
// lifts the lock as an administrator.
func TestUnlockAfterRealLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		s := auth.NewService(db)
		s.Throttle = auth.Throttle{SlowAfter: 100, LockAfter: 3, LockFor: time.Hour}
		for i, addr := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
			if _, err := s.Login(ctx, "canbo.a", "sai-mat-khau", addr); apperr.KindOf(err) != apperr.Unauthorized {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		if _, err := s.Login(ctx, "canbo.a", "mat-khau-thu-2026", "10.0.0.9"); apperr.KindOf(err) != apperr.TooMany {
			t.Fatalf("locked account signs in: %v", err)
		}
		sys := principalOf(t, db, f.sys)
		a, err := s.AccountByID(ctx, sys, f.staff.ID)
		if err != nil || !a.Locked() || a.Failures != 3 {
			t.Fatalf("account state: locked=%v failures=%d err=%v", a.Locked(), a.Failures, err)
		}
		if list, _ := s.FindAccounts(ctx, sys, auth.AccountFilter{State: "locked"}); len(list.Accounts) != 1 {
			t.Errorf("locked filter: %d accounts", len(list.Accounts))
		}
		if err := s.Unlock(ctx, sys, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "canbo.a", "mat-khau-thu-2026", "10.0.0.9"); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		if a, _ := s.AccountByID(ctx, sys, f.staff.ID); a.LastLoginAt == "" {
			t.Error("last sign-in not recorded")
		}
	})
}

// TestEndSessions ends one account's sessions, including those stored before sessions
// named their account, and keeps the others and the kept token.
func TestEndSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		st := auth.SessionStore{DB: db}
		exp := db.Now().Add(time.Hour)
		data := func(uid int64) []byte {
			b, err := scs.GobCodec{}.Encode(exp, map[string]any{auth.SessionUserKey: uid})
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		anon, err := scs.GobCodec{}.Encode(exp, map[string]any{"flashes": []string{"info|x"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CommitCtx(ctx, "anon", anon, exp); err != nil {
			t.Fatal(err)
		}
		for tok, uid := range map[string]int64{"a1": f.staff.ID, "a2": f.staff.ID, "keep": f.staff.ID, "other": f.inB.ID} {
			if err := st.CommitCtx(ctx, tok, data(uid), exp); err != nil {
				t.Fatal(err)
			}
		}
		// As written before migration 0004: no user_id.
		if _, err := db.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('old', ?, ?)`, data(f.staff.ID), sqldb.FormatTime(exp)); err != nil {
			t.Fatal(err)
		}
		if err := db.Tx(ctx, func(tx *sqldb.Tx) error { return auth.EndSessions(ctx, tx, f.staff.ID, "keep") }); err != nil {
			t.Fatal(err)
		}
		for tok, want := range map[string]bool{"a1": false, "a2": false, "old": false, "keep": true, "other": true, "anon": true} {
			_, found, err := st.FindCtx(ctx, tok)
			if err != nil || found != want {
				t.Errorf("session %s: found %v, want %v (%v)", tok, found, want, err)
			}
		}
	})
}

// TestAccountsFollowUnitMoves: moving a unit rewrites its accounts' home path (the hook
// internal/app registers), so the new parent's administrator reaches them.
func TestAccountsFollowUnitMoves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		o := org.NewService(db)
		o.PathHooks = append(o.PathHooks, org.ReplacePathPrefix("users", "unit_path"))
		moved, err := o.MoveUnit(ctx, principalOf(t, db, f.sys), f.a.ID, f.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		var path string
		if err := db.QueryRowContext(ctx, `SELECT unit_path FROM users WHERE id = ?`, f.staff.ID).Scan(&path); err != nil || path != moved.Path {
			t.Fatalf("staff's home path %q, want %q (%v)", path, moved.Path, err)
		}
		var adminB auth.User
		err = db.Tx(ctx, func(tx *sqldb.Tx) error {
			var err error
			if adminB, err = auth.CreateUser(ctx, tx, auth.NewUser{Username: "quantri.b", Password: "mat-khau-thu-2026", UnitID: f.b.ID}); err != nil {
				return err
			}
			return org.InsertGrant(ctx, tx, adminB.ID, f.b, org.RoleAdmin)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.NewService(db).AccountByID(ctx, principalOf(t, db, adminB), f.staff.ID); err != nil {
			t.Errorf("B's administrator after the move: %v", err)
		}
	})
}

func TestFoldPendingNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, db)
		if _, err := db.ExecContext(ctx, `UPDATE users SET name_fold = ''`); err != nil {
			t.Fatal(err)
		}
		if err := auth.FoldPendingNames(ctx, db); err != nil {
			t.Fatal(err)
		}
		var fold string
		if err := db.QueryRowContext(ctx, `SELECT name_fold FROM users WHERE id = ?`, f.staff.ID).Scan(&fold); err != nil || fold != "nguyen van canbo.a" {
			t.Errorf("name_fold %q (%v)", fold, err)
		}
	})
}
