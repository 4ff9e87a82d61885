package notify

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"danvan/internal/jobs"
	"danvan/internal/sqldb"
)

// DigestHour is the hour (Vietnam time, UTC+7) from which the day's digest goes out:
// the digest task, run every 15 minutes, sends each person's digest on its first run
// at or after 07:00, so it is in the mailbox at the start of the working day.
const DigestHour = 7

var vietnam = time.FixedZone("ICT", 7*3600)

// DigestDue reports whether t is at or after today's digest hour in Vietnam.
func DigestDue(t time.Time) bool {
	return t.In(vietnam).Hour() >= DigestHour
}

// Digest sends one mail per person per day (bản tin tổng hợp) listing their notifications
// not yet included in a digest. The mail is written to the outbox with the dedupe key
// "digest:<user id>:<YYYY-MM-DD>", and the notifications are marked digested in the same
// transaction, so several instances (or a re-run) send it once; notifications that
// arrive after today's digest wait for tomorrow's. People without an e-mail address (on
// their account or their person record) get no mail; their notifications are marked
// digested all the same so they are not scanned again.
//
// Periodic sources ride on the same run: mails due on a calendar rather than caused by a
// notification (the month's summary of a committee's figures, the reminder before a
// report is due). Each is sent once by its key, to the address the digest would use,
// from the digest hour on.
type Digest struct {
	DB      *sqldb.DB
	BaseURL string // prefix for relative links ("/petitions/5")
	// Periodic are the domains' calendar mails, asked on every run after the day's digests.
	Periodic []Periodic
}

// Periodic is a domain's source of calendar mails for the digest run.
type Periodic interface {
	// DueMails lists the mails due at now. It must be cheap: a mail whose key was already
	// sent is skipped before its Compose runs, so the work of writing one is done once.
	DueMails(ctx context.Context, now time.Time) ([]PeriodicMail, error)
}

// PeriodicMail is one calendar mail to one person.
type PeriodicMail struct {
	UserID int64
	// Key is stable for the mail ("report.month:12:5:2026-11"): the outbox's dedupe key is
	// "periodic:"+Key, so a re-run or a second instance sends it once.
	Key string
	// Compose writes the mail; name is the person's display name, links may be relative
	// (the digest's BaseURL is put before them).
	Compose func(ctx context.Context, name string) (subject, body string, err error)
}

// Task returns the digest as a background task checked every every.
func (d *Digest) Task(every time.Duration) jobs.Task {
	return jobs.Task{Name: "notify.digest", Every: every, Run: func(ctx context.Context, now time.Time) error {
		_, err := d.Run(ctx, now)
		return err
	}}
}

// digestMax bounds how many notifications one digest lists; the rest are counted.
const digestMax = 50

// Run writes today's digests if the digest hour has come, and returns how many mails
// it enqueued.
func (d *Digest) Run(ctx context.Context, now time.Time) (int, error) {
	if !DigestDue(now) {
		return 0, nil
	}
	day := now.In(vietnam).Format(sqldb.DateLayout)
	n, err := d.daily(ctx, day)
	if err != nil {
		return n, err
	}
	for _, src := range d.Periodic {
		k, err := d.periodic(ctx, src, now)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// periodic sends a source's due mails that have not gone out yet.
func (d *Digest) periodic(ctx context.Context, src Periodic, now time.Time) (int, error) {
	due, err := src.DueMails(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range due {
		key := "periodic:" + m.Key
		var one int
		if d.DB.QueryRowContext(ctx, `SELECT 1 FROM mail_outbox WHERE dedupe_key = ?`, key).Scan(&one) == nil {
			continue
		}
		name, email, ok, err := recipient(ctx, d.DB, m.UserID)
		if err != nil {
			return n, err
		}
		if !ok {
			continue
		}
		subject, body, err := m.Compose(ctx, name)
		if err != nil {
			return n, fmt.Errorf("periodic mail %s: %w", m.Key, err)
		}
		body = d.absolute(body)
		err = d.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			return Enqueue(ctx, tx, Mail{To: email, Subject: subject, Body: body, DedupeKey: key})
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// absolute puts BaseURL before the relative links that start a line's text ("  /reports/5").
func (d *Digest) absolute(body string) string {
	base := strings.TrimRight(d.BaseURL, "/")
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " ")
		if strings.HasPrefix(t, "/") && !strings.HasPrefix(t, "//") {
			lines[i] = l[:len(l)-len(t)] + base + t
		}
	}
	return strings.Join(lines, "\n")
}

// recipient is the name and address a person's mail goes to: the account's e-mail, else
// the person record's; ok is false when there is none or the account is disabled.
func recipient(ctx context.Context, q sqldb.Querier, uid int64) (name, email string, ok bool, err error) {
	var disabled bool
	err = q.QueryRowContext(ctx, `SELECT u.display_name, CASE WHEN u.email <> '' THEN u.email ELSE COALESCE(p.email, '') END, u.disabled
		FROM users u LEFT JOIN people p ON p.id = u.person_id WHERE u.id = ?`, uid).Scan(&name, &email, &disabled)
	if err != nil {
		return "", "", false, err
	}
	_, perr := mail.ParseAddress(email)
	return name, email, perr == nil && !disabled, nil
}

// daily writes the day's digests of notifications.
func (d *Digest) daily(ctx context.Context, day string) (int, error) {
	n := 0
	var after int64
	for {
		var users []int64
		rows, err := d.DB.QueryContext(ctx, `SELECT user_id FROM notifications WHERE digested = FALSE AND user_id > ? GROUP BY user_id ORDER BY user_id LIMIT 200`, after)
		if err != nil {
			return n, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return n, err
			}
			users = append(users, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		if len(users) == 0 {
			return n, nil
		}
		for _, uid := range users {
			sent, err := d.one(ctx, uid, day)
			if err != nil {
				return n, fmt.Errorf("digest for user %d: %w", uid, err)
			}
			if sent {
				n++
			}
		}
		after = users[len(users)-1]
	}
}

func (d *Digest) one(ctx context.Context, uid int64, day string) (sent bool, err error) {
	err = d.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var name, email string
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT u.display_name, CASE WHEN u.email <> '' THEN u.email ELSE COALESCE(p.email, '') END, u.disabled
			FROM users u LEFT JOIN people p ON p.id = u.person_id WHERE u.id = ?`, uid).Scan(&name, &email, &disabled)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, title, body, link, created_at FROM notifications WHERE user_id = ? AND digested = FALSE ORDER BY id`, uid)
		if err != nil {
			return err
		}
		var notes []Note
		var maxID int64
		total := 0
		for rows.Next() {
			var n Note
			if err := rows.Scan(&n.ID, &n.Title, &n.Body, &n.Link, &n.CreatedAt); err != nil {
				rows.Close()
				return err
			}
			total++
			maxID = n.ID
			if len(notes) < digestMax {
				notes = append(notes, n)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if total == 0 {
			return nil
		}
		if _, perr := mail.ParseAddress(email); perr == nil && !disabled {
			subject, body := d.compose(name, day, notes, total)
			now := sqldb.FormatTime(tx.Now())
			res, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox (dedupe_key, to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				fmt.Sprintf("digest:%d:%s", uid, day), email, subject, body, now, now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // today's digest already went out: these wait for tomorrow
			}
			sent = true
		}
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET digested = TRUE WHERE user_id = ? AND digested = FALSE AND id <= ?`, uid, maxID)
		return err
	})
	return sent, err
}

func (d *Digest) compose(name, day string, notes []Note, total int) (subject, body string) {
	t, _ := time.Parse(sqldb.DateLayout, day)
	dayVN := t.Format("02/01/2006")
	subject = fmt.Sprintf("Bản tin danvan ngày %s: %d thông báo mới", dayVN, total)
	var b strings.Builder
	fmt.Fprintf(&b, "Kính gửi %s,\n\nTừ bản tin trước, anh/chị có %d thông báo mới:\n\n", name, total)
	for _, n := range notes {
		at := sqldb.ParseTime(n.CreatedAt).In(vietnam).Format("15:04 02/01/2006")
		fmt.Fprintf(&b, "- %s (%s)\n", n.Title, at)
		if n.Body != "" {
			fmt.Fprintf(&b, "  %s\n", n.Body)
		}
		if n.Link != "" {
			link := n.Link
			if strings.HasPrefix(link, "/") {
				link = strings.TrimRight(d.BaseURL, "/") + link
			}
			fmt.Fprintf(&b, "  %s\n", link)
		}
	}
	if total > len(notes) {
		fmt.Fprintf(&b, "\n… và %d thông báo khác.\n", total-len(notes))
	}
	fmt.Fprintf(&b, "\nXem tất cả tại %s/notifications\n\nThư này được gửi tự động mỗi ngày một lần; vui lòng không trả lời.\n", strings.TrimRight(d.BaseURL, "/"))
	return subject, b.String()
}
