package auth

import (
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
//
// The idle timeout is the store's, not scs's: with scs's IdleTimeout every request
// re-encodes the session and commits it to move its expiry (a fifth of a signed-in page's
// server time, issue 15). Here a session records when it was last seen (seen_at), written
// at most every touchSlack; scs commits only when the session's data changed.
type SessionStore struct {
	DB *sqldb.DB
	// Idle ends a session not seen for that long (0: only its lifetime ends it).
	Idle time.Duration
	// Now is the clock (tests); nil: the database's.
	Now func() time.Time
}

func (s SessionStore) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return s.DB.Now()
}

// SessionIdle is how long a signed-in session lasts without a request (the server's and
// the cleanup job's store use it).
const SessionIdle = 4 * time.Hour

// touchSlack is how far the last-seen time may lag before it is written again, so that an
// active session costs one write every few minutes, not one per page view; an idle
// session may therefore end up to touchSlack early.
const touchSlack = 5 * time.Minute

// FindCtx returns the session data for a token that has neither expired nor been idle for
// longer than Idle, and notes that it was seen.
func (s SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	var seen string
	now := s.now()
	err := s.DB.QueryRowContext(ctx, `SELECT data, seen_at FROM sessions WHERE token = ? AND expiry > ?`, token, sqldb.FormatTime(now)).Scan(&b, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if seen != "" {
		at := sqldb.ParseTime(seen)
		if s.Idle > 0 && !at.Add(s.Idle).After(now) {
			return nil, false, nil
		}
		if now.Sub(at) < touchSlack {
			return b, true, nil
		}
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET seen_at = ? WHERE token = ?`, sqldb.FormatTime(now), token); err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx writes or replaces a session; scs calls it when the session's data changed.
func (s SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	// 0 for an anonymous session, so that NULL means only "written before migration 0004".
	user := sessionUserID(b)
	_, err := s.DB.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry, user_id, seen_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id, seen_at = excluded.seen_at`,
		token, b, sqldb.FormatTime(expiry), user, sqldb.FormatTime(s.now()))
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

// DeleteExpired removes sessions past their expiry or idle for longer than Idle; the
// jobs runner calls it.
func (s SessionStore) DeleteExpired(ctx context.Context) error {
	now := s.now()
	if s.Idle <= 0 {
		_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, sqldb.FormatTime(now))
		return err
	}
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ? OR (seen_at <> '' AND seen_at <= ?)`,
		sqldb.FormatTime(now), sqldb.FormatTime(now.Add(-s.Idle)))
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
