package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// User is a sign-in account.
type User struct {
	ID          int64
	Username    string
	DisplayName string
	Email       string
	PersonID    int64
	UnitID      int64 // home unit: where the account is managed; 0 if none
	Disabled    bool
	CreatedAt   string
}

// Throttle settings: after SlowAfter failures each further attempt must wait, growing;
// after LockAfter failures the key is locked for LockFor.
type Throttle struct {
	SlowAfter int
	LockAfter int
	LockFor   time.Duration
}

// DefaultThrottle: 5 free attempts, then a growing wait, locked 15 minutes after 10.
var DefaultThrottle = Throttle{SlowAfter: 5, LockAfter: 10, LockFor: 15 * time.Minute}

// Service holds accounts.
type Service struct {
	DB       *sqldb.DB
	Throttle Throttle
}

// NewService returns the account service with the default throttle.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db, Throttle: DefaultThrottle} }

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// ValidatePassword returns a Vietnamese message when the password is too weak, "" otherwise.
func ValidatePassword(pw string) string {
	if utf8.RuneCountInString(pw) < 10 {
		return "Mật khẩu cần ít nhất 10 ký tự."
	}
	if len(pw) > 200 {
		return "Mật khẩu dài quá 200 ký tự."
	}
	return weakReason(pw)
}

// NewUser is the form of an account.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Email       string
	PersonID    int64
	UnitID      int64 // home unit; 0 takes the linked person's unit
}

// CreateUser adds an account inside tx (so set-up and demo can add grants in the same
// transaction). Errors: Invalid (with fields), Conflict (username taken).
func CreateUser(ctx context.Context, tx *sqldb.Tx, in NewUser) (User, error) {
	const op = "auth.CreateUser"
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	v := apperr.Validation{Op: op}
	if !usernameRe.MatchString(in.Username) {
		v.Add("username", "Tên đăng nhập gồm 2–40 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.")
	}
	if msg := ValidatePassword(in.Password); msg != "" {
		v.Add("password", msg)
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if utf8.RuneCountInString(in.DisplayName) > 120 {
		v.Add("display_name", "Tên hiển thị dài quá 120 ký tự.")
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	now := sqldb.FormatTime(tx.Now())
	var person, unit any
	if in.PersonID != 0 {
		person = in.PersonID
		if in.UnitID == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT unit_id FROM people WHERE id = ?`, in.PersonID).Scan(&in.UnitID); err != nil {
				return User{}, &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"person_id": "Không tìm thấy người này."}}
			}
		}
	}
	unitPath := ""
	if in.UnitID != 0 {
		unit = in.UnitID
		if err := tx.QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, in.UnitID).Scan(&unitPath); err != nil {
			return User{}, &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"unit_id": "Không tìm thấy đơn vị."}}
		}
	}
	id, err := tx.InsertID(ctx, `INSERT INTO users (username, password_hash, person_id, display_name, name_fold, email, unit_id, unit_path, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Username, HashPassword(in.Password), person, in.DisplayName, search.Fold(in.DisplayName), in.Email, unit, unitPath, now, now)
	if err != nil {
		if sqldb.IsUniqueViolation(err) {
			return User{}, &apperr.Error{Kind: apperr.Conflict, Op: op, Message: msgUsernameTaken, Fields: map[string]string{"username": msgUsernameTaken}}
		}
		return User{}, apperr.Wrap(op, err)
	}
	u := User{ID: id, Username: in.Username, DisplayName: in.DisplayName, Email: in.Email, PersonID: in.PersonID, UnitID: in.UnitID, CreatedAt: now}
	var unitID int64
	if unitPath != "" {
		unitID = in.UnitID
	}
	err = audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "user", EntityID: id, Action: "create", Summary: "Tạo tài khoản " + u.Username, After: u})
	return u, err
}

const msgUsernameTaken = "Tên đăng nhập này đã có người dùng. Vui lòng chọn tên khác."

// GetUser reads an account.
func GetUser(ctx context.Context, q sqldb.Querier, id int64) (User, error) {
	var u User
	var person, unit sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, username, display_name, email, person_id, unit_id, disabled, created_at FROM users WHERE id = ?`, id).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &person, &unit, &u.Disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.New(apperr.NotFound, "auth.GetUser", "Không tìm thấy tài khoản.")
	}
	u.PersonID, u.UnitID = person.Int64, unit.Int64
	return u, apperr.Wrap("auth.GetUser", err)
}

// UserByName finds an account by username.
func UserByName(ctx context.Context, q sqldb.Querier, username string) (User, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, strings.ToLower(strings.TrimSpace(username))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.New(apperr.NotFound, "auth.UserByName", "Không tìm thấy tài khoản.")
	}
	if err != nil {
		return User{}, apperr.Wrap("auth.UserByName", err)
	}
	return GetUser(ctx, q, id)
}

// CountUsers returns the number of accounts (0 means the set-up link is needed).
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, apperr.Wrap("auth.CountUsers", err)
}

// errBadLogin never says which of username and password was wrong.
func errBadLogin() error {
	return apperr.New(apperr.Unauthorized, "auth.Login", "Tên đăng nhập hoặc mật khẩu không đúng.")
}

// Login checks a username and password from an address, applying the throttle per
// account and per address. Errors: Unauthorized (wrong), TooMany (slowed or locked).
func (s *Service) Login(ctx context.Context, username, password, address string) (User, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	if len(username) > 100 || len(password) > 1000 {
		return User{}, errBadLogin()
	}
	keys := []string{"u:" + username, "a:" + address}
	if wait, err := s.blocked(ctx, keys); err != nil {
		return User{}, err
	} else if wait > 0 {
		return User{}, apperr.New(apperr.TooMany, "auth.Login", fmt.Sprintf("Đăng nhập sai nhiều lần. Vui lòng thử lại sau %s.", humanWait(wait)))
	}
	var id int64
	var hash string
	var disabled bool
	err := s.DB.QueryRowContext(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = ?`, username).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		CheckPassword(dummyHash, password)
		return User{}, errors.Join(errBadLogin(), s.fail(ctx, keys))
	}
	if err != nil {
		return User{}, apperr.Wrap("auth.Login", err)
	}
	if !CheckPassword(hash, password) || disabled {
		return User{}, errors.Join(errBadLogin(), s.fail(ctx, keys))
	}
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = ?`, keys[0]); err != nil {
		return User{}, apperr.Wrap("auth.Login", err)
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, sqldb.FormatTime(s.DB.Now()), id); err != nil {
		return User{}, apperr.Wrap("auth.Login", err)
	}
	return GetUser(ctx, s.DB, id)
}

func humanWait(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%d phút", int(d.Round(time.Minute)/time.Minute))
	}
	return fmt.Sprintf("%d giây", int(d.Round(time.Second)/time.Second)+1)
}

// blocked returns how long the caller must still wait before another attempt.
func (s *Service) blocked(ctx context.Context, keys []string) (time.Duration, error) {
	now := s.DB.Now()
	var wait time.Duration
	for _, k := range keys {
		var failures int
		var last, locked string
		err := s.DB.QueryRowContext(ctx, `SELECT failures, last_failure, locked_until FROM login_throttle WHERE key = ?`, k).Scan(&failures, &last, &locked)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, apperr.Wrap("auth.blocked", err)
		}
		if lu := sqldb.ParseTime(locked); lu.After(now) {
			wait = max(wait, lu.Sub(now))
			continue
		}
		if failures >= s.Throttle.SlowAfter {
			// Wait doubles from 1 s with each failure past the free ones, capped at a minute.
			d := time.Second << min(failures-s.Throttle.SlowAfter, 6)
			if until := sqldb.ParseTime(last).Add(d); until.After(now) {
				wait = max(wait, until.Sub(now))
			}
		}
	}
	return wait, nil
}

// fail counts one failure for each key, locking a key that reached LockAfter.
func (s *Service) fail(ctx context.Context, keys []string) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		now := tx.Now()
		for _, k := range keys {
			var failures int
			var locked string
			err := tx.QueryRowContext(ctx, `SELECT failures, locked_until FROM login_throttle WHERE key = ?`, k).Scan(&failures, &locked)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				_, err = tx.ExecContext(ctx, `INSERT INTO login_throttle (key, failures, last_failure) VALUES (?, 1, ?)`, k, sqldb.FormatTime(now))
			case err != nil:
			default:
				if lu := sqldb.ParseTime(locked); !lu.IsZero() && !lu.After(now) {
					failures = 0 // the lock has expired: start counting again
				}
				failures++
				lockUntil := ""
				if failures >= s.Throttle.LockAfter {
					lockUntil = sqldb.FormatTime(now.Add(s.Throttle.LockFor))
				}
				_, err = tx.ExecContext(ctx, `UPDATE login_throttle SET failures = ?, last_failure = ?, locked_until = ? WHERE key = ?`, failures, sqldb.FormatTime(now), lockUntil, k)
			}
			if err != nil {
				return apperr.Wrap("auth.fail", err)
			}
		}
		return nil
	})
}

// ChangePassword sets a new password after checking the old one, and ends the account's
// other sessions (all but keep, the session token of the person changing it): a password
// is changed most often because someone else may know it. Errors: Invalid, Unauthorized.
func (s *Service) ChangePassword(ctx context.Context, userID int64, oldPw, newPw, keep string) error {
	const op = "auth.ChangePassword"
	var hash string
	if err := s.DB.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, userID).Scan(&hash); err != nil {
		return apperr.Wrap(op, err)
	}
	if !CheckPassword(hash, oldPw) {
		return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Mật khẩu hiện tại không đúng.", Fields: map[string]string{"old_password": "Mật khẩu hiện tại không đúng."}}
	}
	if msg := ValidatePassword(newPw); msg != "" {
		return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: msg, Fields: map[string]string{"new_password": msg}}
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if err := writePassword(ctx, tx, userID, newPw, "Đổi mật khẩu"); err != nil {
			return err
		}
		return EndSessions(ctx, tx, userID, keep)
	})
}

// SetPassword replaces a password without the old one (command line) and ends every
// session of the account: whoever knew the old password is signed out.
func (s *Service) SetPassword(ctx context.Context, userID int64, pw string) error {
	if msg := ValidatePassword(pw); msg != "" {
		return &apperr.Error{Kind: apperr.Invalid, Op: "auth.SetPassword", Message: msg, Fields: map[string]string{"new_password": msg}}
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if err := writePassword(ctx, tx, userID, pw, "Đặt lại mật khẩu"); err != nil {
			return err
		}
		return EndSessions(ctx, tx, userID, "")
	})
}

// writePassword stores a new password hash with its audit entry.
func writePassword(ctx context.Context, tx *sqldb.Tx, userID int64, pw, summary string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?`, HashPassword(pw), sqldb.FormatTime(tx.Now()), userID); err != nil {
		return apperr.Wrap("auth.writePassword", err)
	}
	return audit.Record(ctx, tx, audit.Entry{UnitID: homeUnit(ctx, tx, userID), Entity: "user", EntityID: userID, Action: "password", Summary: summary})
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// TokenPrefix starts every personal access token, so leaked tokens are easy to recognise.
const TokenPrefix = "dv_"

// CreateToken makes a personal access token; the token is returned once and stored hashed.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Mã truy cập"
	}
	if utf8.RuneCountInString(name) > 100 {
		return "", &apperr.Error{Kind: apperr.Invalid, Op: "auth.CreateToken", Message: "Tên mã truy cập dài quá 100 ký tự.", Fields: map[string]string{"name": "Tên dài quá 100 ký tự."}}
	}
	tok := TokenPrefix + RandomToken(32)
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		id, err := tx.InsertID(ctx, `INSERT INTO api_tokens (user_id, name, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			userID, name, hashToken(tok), tok[:8], sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap("auth.CreateToken", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Entity: "api_token", EntityID: id, Action: "create", Summary: "Tạo mã truy cập " + name})
	})
	return tok, err
}

// Token is a personal access token as listed (never the secret).
type Token struct {
	ID         int64
	Name       string
	Prefix     string
	CreatedAt  string
	LastUsedAt string
	RevokedAt  string
}

// Tokens lists a user's tokens.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, apperr.Wrap("auth.Tokens", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, apperr.Wrap("auth.Tokens", err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap("auth.Tokens", rows.Err())
}

// RevokeToken ends a token of the user's own. Errors: NotFound.
func (s *Service) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = ''`, sqldb.FormatTime(tx.Now()), tokenID, userID)
		if err != nil {
			return apperr.Wrap("auth.RevokeToken", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "auth.RevokeToken", "Không tìm thấy mã truy cập.")
		}
		return audit.Record(ctx, tx, audit.Entry{Entity: "api_token", EntityID: tokenID, Action: "revoke", Summary: "Thu hồi mã truy cập"})
	})
}

// UserForToken returns the user owning a valid token. Errors: Unauthorized.
func (s *Service) UserForToken(ctx context.Context, tok string) (int64, error) {
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) > 100 {
		return 0, apperr.New(apperr.Unauthorized, "auth.UserForToken", "Mã truy cập không hợp lệ.")
	}
	var id, userID int64
	var last string
	err := s.DB.QueryRowContext(ctx, `SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at = '' AND u.disabled = FALSE`, hashToken(tok)).Scan(&id, &userID, &last)
	if err != nil {
		return 0, apperr.New(apperr.Unauthorized, "auth.UserForToken", "Mã truy cập không hợp lệ.")
	}
	// Record use at most hourly so that API reads do not each cost a write.
	if now := s.DB.Now(); now.Sub(sqldb.ParseTime(last)) > time.Hour {
		_, _ = s.DB.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, sqldb.FormatTime(now), id)
	}
	return userID, nil
}

// CreateSetupToken stores a new one-time set-up token and returns it.
func (s *Service) CreateSetupToken(ctx context.Context) (string, error) {
	tok := RandomToken(24)
	_, err := s.DB.ExecContext(ctx, `INSERT INTO setup_tokens (hash, created_at) VALUES (?, ?)`, hashToken(tok), sqldb.FormatTime(s.DB.Now()))
	return tok, apperr.Wrap("auth.CreateSetupToken", err)
}

// SetupInput is the first administrator and the root unit.
type SetupInput struct {
	Token       string
	Username    string
	Password    string
	DisplayName string
	OrgName     string
}

// Setup uses the one-time token to create the first administrator with the root unit.
// Errors: Unauthorized (bad or used token), Conflict (accounts exist), Invalid.
func (s *Service) Setup(ctx context.Context, in SetupInput) (User, error) {
	const op = "auth.Setup"
	var u User
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE setup_tokens SET used_at = ? WHERE hash = ? AND used_at = ''`, sqldb.FormatTime(tx.Now()), hashToken(in.Token))
		if err != nil {
			return apperr.Wrap(op, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Unauthorized, op, "Đường dẫn thiết lập không hợp lệ hoặc đã được dùng.")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return apperr.Wrap(op, err)
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, op, "Hệ thống đã có tài khoản quản trị.")
		}
		in.OrgName = strings.TrimSpace(in.OrgName)
		if in.OrgName == "" || utf8.RuneCountInString(in.OrgName) > 300 {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Vui lòng nhập tên tổ chức.", Fields: map[string]string{"org_name": "Vui lòng nhập tên đảng bộ / tổ chức gốc (tối đa 300 ký tự)."}}
		}
		u, err = CreateUser(ctx, tx, NewUser{Username: in.Username, Password: in.Password, DisplayName: in.DisplayName})
		if err != nil {
			return err
		}
		root, err := org.EnsureRoot(ctx, tx, in.OrgName)
		if err != nil {
			return err
		}
		// The first administrator's home unit is the root made with them.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET unit_id = ?, unit_path = ? WHERE id = ?`, root.ID, root.Path, u.ID); err != nil {
			return apperr.Wrap(op, err)
		}
		u.UnitID = root.ID
		return org.InsertGrant(ctx, tx, u.ID, root, org.RoleAdmin)
	})
	return u, err
}
