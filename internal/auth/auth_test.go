package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/auth"
	"danvan/internal/dbtest"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

func newUser(t *testing.T, db *sqldb.DB, name, pw string) auth.User {
	t.Helper()
	var u auth.User
	err := db.Tx(context.Background(), func(tx *sqldb.Tx) error {
		var err error
		u, err = auth.CreateUser(context.Background(), tx, auth.NewUser{Username: name, Password: pw})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordHash(t *testing.T) {
	h := auth.HashPassword("mật khẩu rất dài")
	if !strings.HasPrefix(h, "$argon2id$") || !auth.CheckPassword(h, "mật khẩu rất dài") || auth.CheckPassword(h, "mật khẩu rất dàI") {
		t.Fatal("argon2id round trip")
	}
	if auth.CheckPassword("$argon2id$garbage", "x") || auth.CheckPassword("", "") {
		t.Fatal("malformed hash accepted")
	}
}

func TestLoginThrottleSlowsThenLocks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		db2, err := sqldb.Open(ctx, dbURL(t, db), sqldb.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		newUser(t, db2, "bithu", "dung-mat-khau-1")
		s := auth.NewService(db2)
		s.Throttle = auth.Throttle{SlowAfter: 3, LockAfter: 5, LockFor: 15 * time.Minute}
		// Wrong user and wrong password give the same message.
		_, e1 := s.Login(ctx, "khongco", "x", "10.0.0.1")
		_, e2 := s.Login(ctx, "bithu", "sai", "10.0.0.2")
		if apperr.MessageOf(e1) != apperr.MessageOf(e2) || apperr.KindOf(e2) != apperr.Unauthorized {
			t.Fatalf("messages differ: %q / %q", apperr.MessageOf(e1), apperr.MessageOf(e2))
		}
		_, _ = s.Login(ctx, "bithu", "sai", "10.0.0.2")
		// Third failure reaches SlowAfter: the next attempt, even right, must wait.
		_, _ = s.Login(ctx, "bithu", "sai", "10.0.0.3")
		if _, err := s.Login(ctx, "bithu", "dung-mat-khau-1", "10.0.0.4"); apperr.KindOf(err) != apperr.TooMany {
			t.Fatalf("not slowed: %v", err)
		}
		now = now.Add(2 * time.Second)
		_, _ = s.Login(ctx, "bithu", "sai", "10.0.0.5") // 4
		now = now.Add(5 * time.Second)
		_, _ = s.Login(ctx, "bithu", "sai", "10.0.0.6") // 5: locked
		now = now.Add(5 * time.Minute)
		if _, err := s.Login(ctx, "bithu", "dung-mat-khau-1", "10.0.0.7"); apperr.KindOf(err) != apperr.TooMany || !strings.Contains(apperr.MessageOf(err), "phút") {
			t.Fatalf("not locked: %v", err)
		}
		now = now.Add(11 * time.Minute)
		if _, err := s.Login(ctx, "bithu", "dung-mat-khau-1", "10.0.0.8"); err != nil {
			t.Fatalf("lock did not expire: %v", err)
		}
	})
}

// dbURL reopens the same test database with another clock.
func dbURL(t *testing.T, db *sqldb.DB) string {
	if p := db.SQLitePath(); p != "" {
		return p
	}
	t.Skip("clock-controlled reopen is exercised on SQLite; PostgreSQL uses the same code")
	return ""
}

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		u := newUser(t, db, "canbo", "mat-khau-canbo-1")
		s := auth.NewService(db)
		tok, err := s.CreateToken(ctx, u.ID, "Báo cáo")
		if err != nil || !strings.HasPrefix(tok, auth.TokenPrefix) {
			t.Fatal(tok, err)
		}
		var stored string
		db.QueryRowContext(ctx, `SELECT hash FROM api_tokens`).Scan(&stored)
		if stored == tok || strings.Contains(stored, tok[3:]) {
			t.Fatal("token stored in clear")
		}
		if id, err := s.UserForToken(ctx, tok); err != nil || id != u.ID {
			t.Fatalf("lookup: %d %v", id, err)
		}
		if _, err := s.UserForToken(ctx, tok+"x"); apperr.KindOf(err) != apperr.Unauthorized {
			t.Fatal("wrong token accepted")
		}
		list, _ := s.Tokens(ctx, u.ID)
		if err := s.RevokeToken(ctx, u.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UserForToken(ctx, tok); err == nil {
			t.Fatal("revoked token accepted")
		}
	})
}

func TestSetupOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		s := auth.NewService(db)
		tok, err := s.CreateSetupToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		in := auth.SetupInput{Token: tok, Username: "quantri", Password: "mat-khau-quan-tri", DisplayName: "Quản trị", OrgName: "Đảng bộ Khối các cơ quan tỉnh"}
		if _, err := s.Setup(ctx, auth.SetupInput{Token: "sai", Username: "x", Password: "mat-khau-quan-tri", OrgName: "X"}); apperr.KindOf(err) != apperr.Unauthorized {
			t.Fatalf("bad token: %v", err)
		}
		u, err := s.Setup(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		p, err := org.LoadPrincipal(ctx, db, u.ID)
		if err != nil || !p.IsAdmin() {
			t.Fatalf("first user is not admin: %+v %v", p, err)
		}
		in.Username = "thu-hai"
		if _, err := s.Setup(ctx, in); apperr.KindOf(err) != apperr.Unauthorized {
			t.Fatalf("token reused: %v", err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		u := newUser(t, db, "dangvien", "mat-khau-cu-123")
		s := auth.NewService(db)
		if err := s.ChangePassword(ctx, u.ID, "sai", "mat-khau-moi-123", ""); apperr.FieldsOf(err)["old_password"] == "" {
			t.Fatalf("wrong old password: %v", err)
		}
		if err := s.ChangePassword(ctx, u.ID, "mat-khau-cu-123", "ngan", ""); apperr.FieldsOf(err)["new_password"] == "" {
			t.Fatalf("short password: %v", err)
		}
		if err := s.ChangePassword(ctx, u.ID, "mat-khau-cu-123", "mat-khau-moi-123", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "dangvien", "mat-khau-moi-123", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	})
}

// A session's idle time is kept by the store: a page view reads it and writes the
// last-seen time at most every five minutes; a session not seen for Idle is gone; a
// change of data is always written.
func TestSessionIdleIsKeptByTheStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		clock := struct{ now time.Time }{time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
		st := auth.SessionStore{DB: db, Idle: 4 * time.Hour, Now: func() time.Time { return clock.now }}
		seen := func() string {
			var e string
			if err := db.QueryRowContext(ctx, `SELECT seen_at FROM sessions WHERE token = 'tok'`).Scan(&e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		t0 := clock.now
		if err := st.CommitCtx(ctx, "tok", []byte("a"), t0.Add(12*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got := seen(); got != sqldb.FormatTime(t0) {
			t.Fatalf("seen_at after commit %s, want %s", got, sqldb.FormatTime(t0))
		}
		clock.now = t0.Add(time.Minute) // a page view a minute later: read, nothing written
		if b, ok, err := st.FindCtx(ctx, "tok"); err != nil || !ok || string(b) != "a" {
			t.Fatalf("find: %q %v %v", b, ok, err)
		}
		if got := seen(); got != sqldb.FormatTime(t0) {
			t.Fatalf("a view within the slack wrote seen_at %s", got)
		}
		clock.now = t0.Add(6 * time.Minute)
		if _, ok, _ := st.FindCtx(ctx, "tok"); !ok {
			t.Fatal("session lost after 6 minutes")
		}
		if got := seen(); got != sqldb.FormatTime(t0.Add(6*time.Minute)) {
			t.Fatalf("seen_at not moved after the slack: %s", got)
		}
		clock.now = t0.Add(6*time.Minute + 4*time.Hour) // idle for four hours
		if _, ok, _ := st.FindCtx(ctx, "tok"); ok {
			t.Fatal("a session idle for 4 hours is still valid")
		}
		if err := st.DeleteExpired(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token = 'tok'`).Scan(&n)
		if n != 0 {
			t.Fatal("the idle session was not cleaned up")
		}
		if err := st.CommitCtx(ctx, "tok", []byte("b"), clock.now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if b, ok, _ := st.FindCtx(ctx, "tok"); !ok || string(b) != "b" {
			t.Fatalf("changed data: %q %v", b, ok)
		}
	})
}
