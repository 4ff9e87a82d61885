package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"danvan/internal/jobs"
	"danvan/internal/sqldb"
)

// Outgoing is one mail taken from the outbox, handed to a Deliver function.
type Outgoing struct {
	ID      int64
	To      string
	Subject string
	Body    string
}

// Deliver sends one mail; an error means "try again later".
type Deliver func(ctx context.Context, m Outgoing) error

// Sender empties the outbox: it claims due rows (a lease in locked_until; FOR UPDATE
// SKIP LOCKED on PostgreSQL), delivers them, marks them sent, and on failure keeps the
// error and retries after an exponential backoff (1 min doubling, at most an hour; it
// never gives up, so a mail is not lost while the server is down). It runs as the task
// "notify.outbox" of the jobs runner, so with several instances one sends at a time;
// the row lease is a second guard.
type Sender struct {
	DB      *sqldb.DB
	Deliver Deliver // nil: log the mail instead of sending it (no SMTP configured)
	Logger  *slog.Logger
	// Batch is how many mails one claim takes (default 20); Lease how long a claim
	// holds them (default 5 min); RetryMin the first backoff (default 1 min).
	Batch    int
	Lease    time.Duration
	RetryMin time.Duration
}

// Task returns the sender as a background task run every every.
//
// The task's own lease is a minute, not the runner's quarter of an hour: the rows it
// claims carry their own lease, so an instance that dies mid-run delays the others'
// mail by a minute (and the rows it held by their lease), not by fifteen.
func (s *Sender) Task(every time.Duration) jobs.Task {
	return jobs.Task{Name: "notify.outbox", Every: every, Lease: time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.SendDue(ctx, now)
		return err
	}}
}

// SendDue sends every mail due at now and returns how many went out. Delivery failures
// are recorded on their rows, not returned; the error is for database trouble.
func (s *Sender) SendDue(ctx context.Context, now time.Time) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		batch, err := s.claim(ctx, now)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		for _, m := range batch {
			derr := s.deliver(ctx, m)
			if err := s.record(context.WithoutCancel(ctx), m, now, derr); err != nil {
				return sent, err
			}
			if derr == nil {
				sent++
			}
		}
		if len(batch) < s.batch() {
			break
		}
	}
	return sent, ctx.Err()
}

func (s *Sender) batch() int {
	if s.Batch <= 0 {
		return 20
	}
	return s.Batch
}

func (s *Sender) claim(ctx context.Context, now time.Time) ([]Outgoing, error) {
	var out []Outgoing
	nowS := sqldb.FormatTime(now)
	lease := s.Lease
	if lease <= 0 {
		lease = 5 * time.Minute
	}
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		out = out[:0]
		q := fmt.Sprintf(`SELECT id, to_addr, subject, body FROM mail_outbox
			WHERE sent_at = '' AND next_attempt_at <= ? AND locked_until <= ? ORDER BY id LIMIT %d`, s.batch())
		if tx.Dialect() == sqldb.Postgres {
			q += ` FOR UPDATE SKIP LOCKED`
		}
		rows, err := tx.QueryContext(ctx, q, nowS, nowS)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m Outgoing
			if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body); err != nil {
				rows.Close()
				return err
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET locked_until = ? WHERE id = ?`, sqldb.FormatTime(now.Add(lease)), m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func (s *Sender) deliver(ctx context.Context, m Outgoing) error {
	if s.Deliver == nil {
		s.logger().Info("thư (chưa cấu hình SMTP, chỉ ghi nhật ký)", "to", m.To, "subject", m.Subject, "body", m.Body)
		return nil
	}
	return s.Deliver(ctx, m)
}

func (s *Sender) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Sender) record(ctx context.Context, m Outgoing, now time.Time, derr error) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if derr == nil {
			_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET sent_at = ?, attempts = attempts + 1, locked_until = '', last_error = '' WHERE id = ?`,
				sqldb.FormatTime(tx.Now()), m.ID)
			return err
		}
		var attempts int
		if err := tx.QueryRowContext(ctx, `SELECT attempts FROM mail_outbox WHERE id = ?`, m.ID).Scan(&attempts); err != nil {
			return err
		}
		attempts++
		first := s.RetryMin
		if first <= 0 {
			first = time.Minute
		}
		next := now.Add(jobs.Backoff(first, time.Hour, attempts))
		msg := strings.ToValidUTF8(derr.Error(), "?")
		if len(msg) > 2000 {
			msg = strings.ToValidUTF8(msg[:2000], "")
		}
		s.logger().Warn("notify: mail not sent, will retry", "id", m.ID, "to", m.To, "attempts", attempts, "retry_at", next, "err", derr)
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET attempts = ?, next_attempt_at = ?, locked_until = '', last_error = ? WHERE id = ?`,
			attempts, sqldb.FormatTime(next), msg, m.ID)
		return err
	})
}

// SMTP returns a Deliver sending through the server named by rawURL, from the address from.
//
// URL forms:
//
//	smtp://[user[:password]@]host[:port][?starttls=mandatory|opportunistic|none]
//	smtps://[user[:password]@]host[:port]
//
// smtp:// defaults to port 587 with STARTTLS required (starttls=mandatory); starttls=
// opportunistic uses it when offered; starttls=none never encrypts (only for a relay on
// the same machine, e.g. port 25 on localhost). smtps:// is TLS from the first byte,
// default port 465. With a user, PLAIN authentication is used (over TLS, or unencrypted
// when starttls=none). Escape special characters of the password with %XX.
func SMTP(rawURL, from string) (Deliver, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	if u.Hostname() == "" {
		return nil, errors.New("smtp url: no host")
	}
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	plain := gomail.SMTPAuthPlain
	switch u.Scheme {
	case "smtp":
		switch v := u.Query().Get("starttls"); v {
		case "", "mandatory":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		case "opportunistic":
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		case "none":
			opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
			plain = gomail.SMTPAuthPlainNoEnc
		default:
			return nil, fmt.Errorf("smtp url: starttls=%q: use mandatory, opportunistic or none", v)
		}
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp url: scheme %q: use smtp:// or smtps://", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("smtp url: port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(plain), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	host := u.Hostname()
	if _, err := gomail.NewClient(host, opts...); err != nil {
		return nil, fmt.Errorf("smtp url: %w", err)
	}
	return func(ctx context.Context, m Outgoing) error {
		msg := gomail.NewMsg()
		if err := msg.From(from); err != nil {
			return fmt.Errorf("from %q: %w", from, err)
		}
		if err := msg.To(m.To); err != nil {
			return fmt.Errorf("to %q: %w", m.To, err)
		}
		msg.Subject(m.Subject)
		msg.SetDate()
		msg.SetMessageID()
		msg.SetBodyString(gomail.TypeTextPlain, m.Body)
		c, err := gomail.NewClient(host, opts...)
		if err != nil {
			return err
		}
		return c.DialAndSendWithContext(ctx, msg)
	}, nil
}
