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
type Digest struct {
	DB      *sqldb.DB
	BaseURL string // prefix for relative links ("/petitions/5")
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
