package auth

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"danvan/internal/sqldb"
)

// SessionStore keeps scs sessions in the sessions table: lookups on the read pool,
// writes on the writer, one schema for both engines. Any instance on the same
// database serves any session.
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
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, sqldb.FormatTime(expiry))
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
