// Package notify tells people about things: in-app notifications (thông báo, with a count
// in the header) and e-mail written to an outbox (hộp thư đi) in the same transaction as
// the change that caused it, then sent by a background worker with retries, so a mail is
// never lost while the mail server is down. Reminders go out as one daily digest per
// person (bản tin tổng hợp hằng ngày) rather than one mail each.
package notify

import (
	"context"
	"fmt"
	"net/mail"

	"danvan/internal/apperr"
	"danvan/internal/sqldb"
)

// Service reads and writes notifications and the outbox.
type Service struct {
	DB *sqldb.DB
}

// NewService returns the notification service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }

// Note is one in-app notification.
type Note struct {
	ID        int64
	UserID    int64
	Kind      string // domain key, e.g. "petition.due_soon"
	Title     string
	Body      string
	Link      string
	CreatedAt string
	ReadAt    string
}

// Send writes an in-app notification inside the caller's transaction. It is included
// in the person's next daily digest e-mail.
func Send(ctx context.Context, tx *sqldb.Tx, n Note) error {
	if n.UserID == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, title, body, link, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		n.UserID, n.Kind, n.Title, n.Body, n.Link, sqldb.FormatTime(tx.Now()))
	return apperr.Wrap("notify.Send", err)
}

// Mail is one outgoing e-mail.
type Mail struct {
	To      string
	Subject string
	Body    string // plain text
	// DedupeKey makes enqueueing idempotent: a second mail with the same key is dropped.
	// Several instances computing the same reminder therefore send it once.
	DedupeKey string
}

// Enqueue writes a mail to the outbox inside the caller's transaction.
// Errors: Invalid (bad address).
func Enqueue(ctx context.Context, tx *sqldb.Tx, m Mail) error {
	if _, err := mail.ParseAddress(m.To); err != nil {
		return &apperr.Error{Kind: apperr.Invalid, Op: "notify.Enqueue", Message: "Địa chỉ thư điện tử không hợp lệ.", Fields: map[string]string{"email": "Địa chỉ thư điện tử không hợp lệ."}}
	}
	var key any
	if m.DedupeKey != "" {
		key = m.DedupeKey
	}
	now := sqldb.FormatTime(tx.Now())
	_, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox (dedupe_key, to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		key, m.To, m.Subject, m.Body, now, now)
	return apperr.Wrap("notify.Enqueue", err)
}

// UnreadCount returns the number of unread notifications, 0 on error (the header must render).
func (s *Service) UnreadCount(ctx context.Context, userID int64) int {
	var n int
	_ = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at = ''`, userID).Scan(&n)
	return n
}

// List returns a user's notifications, newest first, keyset-paginated by id.
func (s *Service) List(ctx context.Context, userID, beforeID int64, limit int) ([]Note, error) {
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	q := `SELECT id, user_id, kind, title, body, link, created_at, read_at FROM notifications WHERE user_id = ?`
	args := []any{userID}
	if beforeID > 0 {
		q += ` AND id < ?`
		args = append(args, beforeID)
	}
	rows, err := s.DB.QueryContext(ctx, q+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, apperr.Wrap("notify.List", err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.ID, &n.UserID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &n.ReadAt); err != nil {
			return nil, apperr.Wrap("notify.List", err)
		}
		out = append(out, n)
	}
	return out, apperr.Wrap("notify.List", rows.Err())
}

// MarkRead marks one notification (id > 0) or all of them (id == 0) as read.
func (s *Service) MarkRead(ctx context.Context, userID, id int64) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		q := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at = ''`
		args := []any{sqldb.FormatTime(tx.Now()), userID}
		if id > 0 {
			q += ` AND id = ?`
			args = append(args, id)
		}
		_, err := tx.ExecContext(ctx, q, args...)
		return apperr.Wrap("notify.MarkRead", err)
	})
}
