package auth

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

	"danvan/internal/sqldb"
)

// SessionStore keeps scs sessions in the sessions table: lookups on the read pool,
// writes on the writer, one schema for both engines. Any instance on the same
// database serves any session. Each row also names its account (user_id), so that a
// password reset or a disabling can end that account's sessions (EndSessions).
type SessionStore struct {
	DB *sqldb.DB
}

// FindCtx returns the session data for a token that has not expired.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.DB.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, sqldb.FormatTime(s.DB.Now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// touchSlack is how far the idle expiry may lag before it is written again. scs
// re-commits every session on every request when an idle timeout is set; writing each
// time would put one database write (on SQLite, through the single writer) behind every
// page view. Unchanged data whose stored expiry is within touchSlack of the new one is
// left alone, so an idle session may end up to touchSlack early.
const touchSlack = 5 * time.Minute

// CommitCtx writes or replaces a session, skipping the write when only the idle expiry
// moved by less than touchSlack.
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var old []byte
	var oldExpiry string
	if err := s.DB.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = ?`, token).Scan(&old, &oldExpiry); err == nil {
		if bytes.Equal(old, b) && expiry.Sub(sqldb.ParseTime(oldExpiry)) < touchSlack && !sqldb.ParseTime(oldExpiry).After(expiry) {
			return nil
		}
	}
	// 0 for an anonymous session, so that NULL means only "written before migration 0004".
	user := sessionUserID(b)
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry, user_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id`, token, b, sqldb.FormatTime(expiry), user)
	return err
}

// DeleteCtx removes a session.
func (s SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

// Find, Commit and Delete satisfy scs.Store for callers without a context.
func (s SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions past their expiry; the jobs runner calls it.
func (s SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, sqldb.FormatTime(s.DB.Now()))
	return err
}

// sessionUserID reads the account of a session from its encoded data (scs's gob codec,
// the manager's default; key "user_id", which the web layer puts at sign-in), 0 when the
// session is anonymous or cannot be read.
func sessionUserID(b []byte) int64 {
	_, values, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return 0
	}
	id, _ := values[SessionUserKey].(int64)
	return id
}

// SessionUserKey is the session key holding the signed-in account's id.
const SessionUserKey = "user_id"

// EndSessions deletes the stored sessions of an account except the one whose token is
// keep (the administrator's own, when they act on their own account), inside tx. Sessions
// written before migration 0004 carry no user_id (NULL; later ones carry 0 when
// anonymous): they are read here and tied to their account first, so none survives.
func EndSessions(ctx context.Context, tx *sqldb.Tx, userID int64, keep string) error {
	rows, err := tx.QueryContext(ctx, `SELECT token, data FROM sessions WHERE user_id IS NULL`)
	if err != nil {
		return err
	}
	var untied []string
	for rows.Next() {
		var tok string
		var b []byte
		if err := rows.Scan(&tok, &b); err != nil {
			rows.Close()
			return err
		}
		if sessionUserID(b) == userID {
			untied = append(untied, tok)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, tok := range untied {
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET user_id = ? WHERE token = ?`, userID, tok); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token <> ?`, userID, keep)
	return err
}
