package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// The administrators' side of accounts (the /admin/users pages): list, create, reset a
// password, disable and re-enable, lift a sign-in lock. Grants go through org.GrantRole
// and org.RevokeRole.
//
// Reach follows the grants: an administrator (org.GrantRoles) of a unit manages the
// accounts whose home unit lies in that unit's subtree; accounts without a home unit are
// reached by system administrators only. Changing an account also needs every grant it
// holds to lie within the administrator's subtrees, so that nobody takes over (by a
// password reset) powers they do not hold themselves. Outside reach is NotFound.

// Account is a sign-in account as the administrators' pages show it.
type Account struct {
	User
	PersonName  string
	UnitName    string
	UnitPath    string
	LastLoginAt string
	DisabledAt  string
	LockedUntil string // the sign-in throttle's lock on the account, "" when not locked now
	Failures    int    // failed sign-ins counted by the throttle
	Grants      []org.Grant
}

// Locked reports whether repeated failures locked the account's sign-in for now.
func (a Account) Locked() bool { return a.LockedUntil != "" }

// CanManageAccounts reports whether p administers accounts anywhere.
func CanManageAccounts(p *org.Principal) bool { return !p.IsZero() && p.CanAnywhere(org.GrantRoles) }

func inReach(p *org.Principal, unitPath string) bool {
	if p.IsZero() {
		return false
	}
	if unitPath == "" {
		return p.IsAdmin()
	}
	return p.CanPath(org.GrantRoles, unitPath)
}

// CanChange returns nil when p may change the account (reset, disable, unlock), or a
// Forbidden error saying why not.
func CanChange(p *org.Principal, a Account) error {
	if !inReach(p, a.UnitPath) {
		return apperr.New(apperr.NotFound, "auth.CanChange", "Không tìm thấy tài khoản.")
	}
	for _, g := range a.Grants {
		if !p.CanPath(org.GrantRoles, g.UnitPath) {
			return apperr.New(apperr.Forbidden, "auth.CanChange", "Tài khoản này có quyền tại "+g.UnitName+", ngoài phạm vi bạn quản trị; chỉ quản trị cấp trên được thay đổi.")
		}
	}
	return nil
}

const accountCols = `u.id, u.username, u.display_name, u.email, u.person_id, u.unit_id, u.disabled, u.created_at,
	COALESCE(pp.full_name, ''), COALESCE(un.name, ''), u.unit_path, u.last_login_at, u.disabled_at,
	COALESCE(t.locked_until, ''), COALESCE(t.failures, 0)`

const accountFrom = `users u LEFT JOIN people pp ON pp.id = u.person_id LEFT JOIN units un ON un.id = u.unit_id
	LEFT JOIN login_throttle t ON t.key = 'u:' || u.username`

func (s *Service) scanAccount(rows interface{ Scan(...any) error }, a *Account) error {
	var person, unit sql.NullInt64
	if err := rows.Scan(&a.ID, &a.Username, &a.DisplayName, &a.Email, &person, &unit, &a.Disabled, &a.CreatedAt,
		&a.PersonName, &a.UnitName, &a.UnitPath, &a.LastLoginAt, &a.DisabledAt, &a.LockedUntil, &a.Failures); err != nil {
		return err
	}
	a.PersonID, a.UnitID = person.Int64, unit.Int64
	if !sqldb.ParseTime(a.LockedUntil).After(s.DB.Now()) {
		a.LockedUntil = ""
	}
	return nil
}

// AccountFilter selects accounts for the list.
type AccountFilter struct {
	Query  string // username or name, without diacritics is fine
	UnitID int64  // home unit's subtree; 0 for everything in reach
	State  string // "", "active", "disabled" or "locked"
	After  string // username of the last account of the previous page
	Limit  int
}

// AccountList is one page of accounts.
type AccountList struct {
	Accounts []Account
	Next     string // cursor for the next page, "" on the last
}

// FindAccounts lists the accounts in p's reach by username. Errors: NotFound (p
// administers nothing, or the unit is outside reach), Invalid (unknown state).
func (s *Service) FindAccounts(ctx context.Context, p *org.Principal, f AccountFilter) (AccountList, error) {
	const op = "auth.FindAccounts"
	if !CanManageAccounts(p) {
		return AccountList{}, apperr.New(apperr.NotFound, op, "")
	}
	cond, args := p.Scope(org.GrantRoles).SQL("u.unit_path")
	if p.IsAdmin() {
		cond = "(" + cond + " OR u.unit_path = '')"
	}
	where := []string{cond}
	if f.UnitID != 0 {
		path, err := org.UnitPath(ctx, s.DB, f.UnitID)
		if err != nil || !inReach(p, path) {
			return AccountList{}, apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị.")
		}
		where = append(where, "u.unit_path >= ? AND u.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	if pat := search.LikePattern(f.Query); pat != "" {
		where = append(where, `(u.username LIKE ? ESCAPE '\' OR u.name_fold LIKE ? ESCAPE '\' OR pp.name_fold LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat, pat)
	}
	switch f.State {
	case "":
	case "active":
		where = append(where, "u.disabled = FALSE")
	case "disabled":
		where = append(where, "u.disabled = TRUE")
	case "locked":
		where = append(where, "t.locked_until > ?")
		args = append(args, sqldb.FormatTime(s.DB.Now()))
	default:
		return AccountList{}, apperr.New(apperr.Invalid, op, "Trạng thái không hợp lệ.")
	}
	if f.After != "" {
		where = append(where, "u.username > ?")
		args = append(args, f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+accountCols+` FROM `+accountFrom+` WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY u.username LIMIT %d`, limit+1), args...)
	if err != nil {
		return AccountList{}, apperr.Wrap(op, err)
	}
	defer rows.Close()
	var out AccountList
	for rows.Next() {
		var a Account
		if err := s.scanAccount(rows, &a); err != nil {
			return AccountList{}, apperr.Wrap(op, err)
		}
		out.Accounts = append(out.Accounts, a)
	}
	if err := rows.Err(); err != nil {
		return AccountList{}, apperr.Wrap(op, err)
	}
	if len(out.Accounts) > limit {
		out.Accounts = out.Accounts[:limit]
		out.Next = out.Accounts[limit-1].Username
	}
	return out, s.loadGrants(ctx, out.Accounts)
}

// loadGrants fills the grants of a page of accounts with one query.
func (s *Service) loadGrants(ctx context.Context, accounts []Account) error {
	if len(accounts) == 0 {
		return nil
	}
	ids := make([]string, len(accounts))
	at := map[int64]int{}
	for i, a := range accounts {
		ids[i] = strconv.FormatInt(a.ID, 10) // integers read from the database, not input
		at[a.ID] = i
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT g.id, g.user_id, g.unit_id, un.path, un.name, g.role FROM role_grants g JOIN units un ON un.id = g.unit_id
		WHERE g.user_id IN (`+strings.Join(ids, ",")+`) ORDER BY un.path, g.role`)
	if err != nil {
		return apperr.Wrap("auth.loadGrants", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g org.Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.UnitID, &g.UnitPath, &g.UnitName, &g.Role); err != nil {
			return apperr.Wrap("auth.loadGrants", err)
		}
		a := &accounts[at[g.UserID]]
		a.Grants = append(a.Grants, g)
	}
	return apperr.Wrap("auth.loadGrants", rows.Err())
}

// AccountByID reads an account in p's reach with its grants. Errors: NotFound.
func (s *Service) AccountByID(ctx context.Context, p *org.Principal, id int64) (Account, error) {
	const op = "auth.AccountByID"
	var a Account
	err := s.scanAccount(s.DB.QueryRowContext(ctx, `SELECT `+accountCols+` FROM `+accountFrom+` WHERE u.id = ?`, id), &a)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !inReach(p, a.UnitPath)) {
		return Account{}, apperr.New(apperr.NotFound, op, "Không tìm thấy tài khoản.")
	}
	if err != nil {
		return Account{}, apperr.Wrap(op, err)
	}
	a.Grants, err = org.UserGrants(ctx, s.DB, id)
	return a, err
}

// AccountInput is the administrator's form of a new account.
type AccountInput struct {
	Username    string
	DisplayName string // "" takes the linked person's name, else the username
	Email       string
	PersonID    int64 // 0: no person linked
	UnitID      int64 // home unit, required
	Role        org.Role
	RoleUnitID  int64 // where the role is granted; 0 takes the home unit
	Password    string
}

// CreateAccount adds an account with its first role in one transaction (so a double
// submit of the form makes one account). Errors: Invalid (with fields), NotFound (p
// administers nothing).
func (s *Service) CreateAccount(ctx context.Context, p *org.Principal, in AccountInput) (User, error) {
	const op = "auth.CreateAccount"
	if !CanManageAccounts(p) {
		return User{}, apperr.New(apperr.NotFound, op, "")
	}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.DisplayName = search.Clean(in.DisplayName)
	in.Email = strings.TrimSpace(in.Email)
	v := apperr.Validation{Op: op}
	if !usernameRe.MatchString(in.Username) {
		v.Add("username", "Tên đăng nhập gồm 2–40 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số.")
	}
	if msg := ValidatePassword(in.Password); msg != "" {
		v.Add("password", msg)
	}
	if addr, err := mail.ParseAddress(in.Email); in.Email != "" && (err != nil || addr.Address != in.Email || len(in.Email) > 200) {
		v.Add("email", "Địa chỉ thư điện tử không hợp lệ.")
	}
	var u User
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if usernameRe.MatchString(in.Username) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, in.Username).Scan(&n); err != nil {
				return apperr.Wrap(op, err)
			}
			if n > 0 {
				v.Add("username", msgUsernameTaken)
			}
		}
		var home org.Unit
		if in.UnitID == 0 {
			v.Add("unit_id", "Vui lòng chọn đơn vị quản lý tài khoản.")
		} else if x, err := org.GetUnit(ctx, tx, in.UnitID); err != nil || !inReach(p, x.Path) {
			v.Add("unit_id", "Không tìm thấy đơn vị trong phạm vi bạn quản trị.")
		} else {
			home = x
		}
		if in.PersonID != 0 {
			x, err := org.GetPerson(ctx, tx, in.PersonID)
			switch {
			case err != nil || !p.CanPath(org.ViewPerson, x.UnitPath):
				v.Add("person_id", "Không tìm thấy người này.")
			default:
				var other string
				err := tx.QueryRowContext(ctx, `SELECT username FROM users WHERE person_id = ? LIMIT 1`, in.PersonID).Scan(&other)
				if err == nil {
					v.Add("person_id", x.FullName+" đã có tài khoản "+other+".")
				} else if !errors.Is(err, sql.ErrNoRows) {
					return apperr.Wrap(op, err)
				}
				if in.DisplayName == "" {
					in.DisplayName = x.FullName
				}
			}
		}
		if utf8.RuneCountInString(in.DisplayName) > 120 {
			v.Add("display_name", "Tên hiển thị dài quá 120 ký tự.")
		}
		var roleUnit org.Unit
		if in.Role != "" {
			if !in.Role.Valid() {
				v.Add("role", "Vai trò không hợp lệ.")
			}
			switch {
			case in.RoleUnitID == 0:
				roleUnit = home
			default:
				x, err := org.GetUnit(ctx, tx, in.RoleUnitID)
				if err != nil || !p.CanPath(org.GrantRoles, x.Path) {
					v.Add("role_unit_id", "Không tìm thấy đơn vị trong phạm vi bạn quản trị.")
				}
				roleUnit = x
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		var err error
		u, err = CreateUser(ctx, tx, NewUser{Username: in.Username, Password: in.Password, DisplayName: in.DisplayName,
			Email: in.Email, PersonID: in.PersonID, UnitID: home.ID})
		if apperr.KindOf(err) == apperr.Conflict {
			// Taken between the check and the insert: the same message under the field.
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Dữ liệu chưa hợp lệ.", Fields: apperr.FieldsOf(err)}
		}
		if err != nil || in.Role == "" {
			return err
		}
		return org.InsertGrant(ctx, tx, u.ID, roleUnit, in.Role)
	})
	return u, err
}

// changeable reads an account in tx and checks that p may change it.
func (s *Service) changeable(ctx context.Context, tx *sqldb.Tx, p *org.Principal, id int64) (Account, error) {
	var a Account
	err := s.scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountCols+` FROM `+accountFrom+` WHERE u.id = ?`, id), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, apperr.New(apperr.NotFound, "auth.changeable", "Không tìm thấy tài khoản.")
	}
	if err != nil {
		return Account{}, apperr.Wrap("auth.changeable", err)
	}
	if a.Grants, err = org.UserGrants(ctx, tx, id); err != nil {
		return Account{}, err
	}
	return a, CanChange(p, a)
}

// ResetPassword sets a new password chosen or generated by an administrator and ends
// the account's sessions except keep (the administrator's own session token, which only
// matters when they reset their own password). Errors: Invalid (field "password"),
// NotFound, Forbidden.
func (s *Service) ResetPassword(ctx context.Context, p *org.Principal, id int64, pw, keep string) error {
	if msg := ValidatePassword(pw); msg != "" {
		return &apperr.Error{Kind: apperr.Invalid, Op: "auth.ResetPassword", Message: msg, Fields: map[string]string{"password": msg}}
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		a, err := s.changeable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := writePassword(ctx, tx, id, pw, "Quản trị đặt lại mật khẩu của "+a.Username); err != nil {
			return err
		}
		return apperr.Wrap("auth.ResetPassword", EndSessions(ctx, tx, id, keep))
	})
}

// SetDisabled disables an account (it can no longer sign in; its sessions end and its
// access tokens are revoked) or enables it again. An administrator cannot disable
// themselves. Errors: Conflict (self), NotFound, Forbidden.
func (s *Service) SetDisabled(ctx context.Context, p *org.Principal, id int64, disabled bool) error {
	const op = "auth.SetDisabled"
	if disabled && id == p.UserID {
		return apperr.New(apperr.Conflict, op, "Bạn không thể vô hiệu hóa tài khoản của chính mình.")
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		a, err := s.changeable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if a.Disabled == disabled {
			return nil
		}
		now := sqldb.FormatTime(tx.Now())
		e := audit.Entry{UnitID: a.UnitID, Entity: "user", EntityID: id}
		if disabled {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = TRUE, disabled_at = ? WHERE id = ?`, now, id); err != nil {
				return apperr.Wrap(op, err)
			}
			if err := EndSessions(ctx, tx, id, ""); err != nil {
				return apperr.Wrap(op, err)
			}
			res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = ''`, now, id)
			if err != nil {
				return apperr.Wrap(op, err)
			}
			n, _ := res.RowsAffected()
			e.Action, e.Summary = "disable", "Vô hiệu hóa tài khoản "+a.Username
			if n > 0 {
				e.Summary += fmt.Sprintf(" (thu hồi %d mã truy cập)", n)
			}
		} else {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = FALSE, disabled_at = '' WHERE id = ?`, id); err != nil {
				return apperr.Wrap(op, err)
			}
			e.Action, e.Summary = "enable", "Kích hoạt lại tài khoản "+a.Username
		}
		return audit.Record(ctx, tx, e)
	})
}

// Unlock lifts the sign-in throttle's count and lock on an account (not on the addresses
// it was tried from). Errors: NotFound, Forbidden.
func (s *Service) Unlock(ctx context.Context, p *org.Principal, id int64) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		a, err := s.changeable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_throttle WHERE key = ?`, "u:"+a.Username); err != nil {
			return apperr.Wrap("auth.Unlock", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.UnitID, Entity: "user", EntityID: id, Action: "unlock",
			Summary: "Gỡ tạm khóa đăng nhập của tài khoản " + a.Username})
	})
}

// PeopleWithAccounts reports which of the people already have an account (one query).
func PeopleWithAccounts(ctx context.Context, q sqldb.Querier, personIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(personIDs) == 0 {
		return out, nil
	}
	ids := make([]string, len(personIDs))
	for i, id := range personIDs {
		ids[i] = strconv.FormatInt(id, 10) // integers, not text from input
	}
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT person_id FROM users WHERE person_id IN (`+strings.Join(ids, ",")+`)`)
	if err != nil {
		return nil, apperr.Wrap("auth.PeopleWithAccounts", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, apperr.Wrap("auth.PeopleWithAccounts", err)
		}
		out[id] = true
	}
	return out, apperr.Wrap("auth.PeopleWithAccounts", rows.Err())
}

// homeUnit is the account's home unit for its audit entries (0 if none).
func homeUnit(ctx context.Context, tx *sqldb.Tx, userID int64) int64 {
	var unit sql.NullInt64
	_ = tx.QueryRowContext(ctx, `SELECT unit_id FROM users WHERE id = ?`, userID).Scan(&unit)
	return unit.Int64
}

// passwordAlphabet leaves out letters and digits easily misread (0/o, 1/l/i).
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// GeneratePassword returns a random password to read out or copy: four groups of four
// characters (about 79 bits).
func GeneratePassword() string {
	var b strings.Builder
	max := big.NewInt(int64(len(passwordAlphabet)))
	for i := 0; i < 16; i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("auth: no randomness: " + err.Error())
		}
		b.WriteByte(passwordAlphabet[n.Int64()])
	}
	return b.String()
}

// FoldPendingNames fills the folded name of accounts made before migration 0004 (the
// app calls it at start-up; a no-op once done).
func FoldPendingNames(ctx context.Context, db *sqldb.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT id, display_name FROM users WHERE name_fold = ''`)
	if err != nil {
		return apperr.Wrap("auth.FoldPendingNames", err)
	}
	type pending struct {
		id   int64
		name string
	}
	var todo []pending
	for rows.Next() {
		var x pending
		if err := rows.Scan(&x.id, &x.name); err != nil {
			rows.Close()
			return apperr.Wrap("auth.FoldPendingNames", err)
		}
		todo = append(todo, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return apperr.Wrap("auth.FoldPendingNames", err)
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error {
		for _, x := range todo {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET name_fold = ? WHERE id = ?`, search.Fold(x.name), x.id); err != nil {
				return apperr.Wrap("auth.FoldPendingNames", err)
			}
		}
		return nil
	})
}
