package sqldb

import (
	"context"
	"errors"
	"time"
)

// TimeLayout is how instants are stored: UTC, second precision, sortable as text.
const TimeLayout = "2006-01-02T15:04:05Z"

// DateLayout is how calendar dates are stored.
const DateLayout = "2006-01-02"

// FormatTime formats an instant for storage.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime reads a stored instant; the zero time for "".
func ParseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// PathEnd returns the exclusive upper bound of the subtree whose path is p ("/1/5/"):
// every descendant path starts with p, and '0' is the byte right after '/', so
// path >= p AND path < PathEnd(p) selects the subtree through the index.
func PathEnd(p string) string {
	if p == "" {
		return ""
	}
	return p[:len(p)-1] + "0"
}

type nonceKey struct{}

type nonceState struct {
	nonce   string
	claimed bool
}

// ErrDuplicateSubmit is returned by Tx when the form nonce in the context was already used:
// the same form was submitted twice, and the first submission already made the change.
var ErrDuplicateSubmit = errors.New("sqldb: form already submitted")

// WithFormNonce returns ctx carrying the one-time nonce of a submitted form. The first write
// transaction that commits under this context claims it in the same transaction as the
// change, so a double submit makes one change and the second gets ErrDuplicateSubmit.
func WithFormNonce(ctx context.Context, nonce string) context.Context {
	if nonce == "" {
		return ctx
	}
	return context.WithValue(ctx, nonceKey{}, &nonceState{nonce: nonce})
}

// NonceUsed reports whether a form nonce was claimed by a submission (so a page holding
// it must not be revalidated: its form would be refused as a double submit).
func (db *DB) NonceUsed(ctx context.Context, nonce string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM form_nonces WHERE nonce = ?`, nonce).Scan(&n)
	return n > 0, err
}

func (db *DB) claimNonce(ctx context.Context, tx *Tx) (*nonceState, error) {
	st, ok := ctx.Value(nonceKey{}).(*nonceState)
	if !ok || st.claimed {
		return nil, nil
	}
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM form_nonces WHERE nonce = ?`, st.nonce).Scan(&one)
	if err == nil {
		return nil, ErrDuplicateSubmit
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO form_nonces (nonce, created_at) VALUES (?, ?)`, st.nonce, FormatTime(tx.Now())); err != nil {
		if IsUniqueViolation(err) {
			return nil, ErrDuplicateSubmit
		}
		return nil, err
	}
	return st, nil
}

// WithLock runs fn while holding the database-wide lock named by key, so instances
// starting together on one PostgreSQL database do one-time work (loading the sample
// data) one after the other: the second then finds it done. On SQLite, whose single
// writer already serialises a process's transactions and which one process owns, fn
// simply runs.
func (db *DB) WithLock(ctx context.Context, key int64, fn func() error) error {
	if db.dialect != Postgres {
		return fn()
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
	return fn()
}
