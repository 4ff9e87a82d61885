package reliability

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/notify/smtptest"
	"danvan/internal/sqldb"
)

// TestTwoInstancesOnOnePostgres is the scale-out path of the README: two danvan processes
// on one PostgreSQL database, started at the same moment on an empty database, both
// running the background work and sending mail to a real SMTP server. It checks that
//   - both come up: the migrations ran once, the sample data was loaded once;
//   - a session made on one instance is valid on the other, and a sign-out on one ends it
//     on both;
//   - every mail of the outbox reaches the SMTP server exactly once while both send, and
//     again after one of them is killed with SIGKILL (the other takes the sending over);
//   - the reminders both instances compute are written once.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary twice on PostgreSQL")
	}
	dbURL := dbtest.EmptyPostgresURL(t)
	bin := danvanBinary(t)
	mailSrv := smtptest.Start(t, "127.0.0.1:0")
	smtpURL := "smtp://" + mailSrv.Addr + "?starttls=none"

	// Simultaneous first start: each instance migrates and loads the demo under its locks.
	began := time.Now()
	var a, b *instance
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a = startWith(t, bin, t.TempDir(), dbURL, true, "--smtp-url", smtpURL) }()
	go func() { defer wg.Done(); b = startWith(t, bin, t.TempDir(), dbURL, true, "--smtp-url", smtpURL) }()
	wg.Wait()
	if a == nil || b == nil {
		t.Fatal("an instance did not start")
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, dbURL, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct{ what, sql string }{
		{"a migration applied twice", `SELECT COUNT(*) FROM (SELECT version_id FROM goose_db_version GROUP BY version_id HAVING COUNT(*) > 1) d`},
		{"a demo unit loaded twice", `SELECT COUNT(*) FROM (SELECT code FROM units WHERE code <> '' GROUP BY code HAVING COUNT(*) > 1) d`},
		{"a demo account loaded twice", `SELECT COUNT(*) FROM (SELECT username FROM users GROUP BY username HAVING COUNT(*) > 1) d`},
	} {
		if n := countRows(t, db, c.sql); n != 0 {
			t.Errorf("%s: %d", c.what, n)
		}
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM users WHERE username = 'bithu1'`); n != 1 {
		t.Fatalf("demo account bithu1: %d rows, want 1\nA: %s\nB: %s", n, a.log.String(), b.log.String())
	}

	// A session made on A is valid on B; signing out on B ends it on A.
	jar, _ := cookiejar.New(nil) // cookies are per host, not per port: both instances get it
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	res, err := client.PostForm(a.base+"/login", url.Values{"username": {"bithu1"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if page := getPage(t, client, b.base+"/my-work"); !strings.Contains(page, "Việc của tôi") || strings.Contains(page, `action="/login"`) {
		t.Fatalf("the session made on A is not valid on B: %.300s", page)
	}
	res, err = client.PostForm(b.base+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if page := getPage(t, client, a.base+"/my-work"); !strings.Contains(page, `action="/login"`) {
		t.Errorf("signed out on B but still signed in on A: %.300s", page)
	}

	// Mail while both send, then after A is killed.
	enqueue := func(from, to int) {
		t.Helper()
		now := sqldb.FormatTime(db.Now())
		for i := from; i < to; i++ {
			if _, err := db.ExecContext(ctx, `INSERT INTO mail_outbox (dedupe_key, to_addr, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)`,
				fmt.Sprintf("two-instances:%d", i), fmt.Sprintf("nguoi%d@example.vn", i), fmt.Sprintf("Thư thử số %d", i), "Nội dung thư thử.", now, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitSent := func(want int, deadline time.Duration) {
		t.Helper()
		end := time.Now().Add(deadline)
		for time.Now().Before(end) {
			if countRows(t, db, `SELECT COUNT(*) FROM mail_outbox WHERE dedupe_key LIKE 'two-instances:%' AND sent_at <> ''`) >= want {
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("after %s only %d of %d mails sent\nB: %s", deadline, countRows(t, db, `SELECT COUNT(*) FROM mail_outbox WHERE dedupe_key LIKE 'two-instances:%' AND sent_at <> ''`), want, b.log.String())
	}
	t.Logf("started, signed in and out at %s", time.Since(began).Round(time.Millisecond))
	enqueue(0, 150)
	waitSent(150, 60*time.Second)
	// Kill A between runs of the sender (the outbox is empty and no instance holds the
	// sender's lease), then give B more mail: it sends it on its next runs. A kill in the
	// middle of a run delays the survivor by the task's lease, a minute: that takeover is
	// TestTaskLeaseOverridesTheRunners in internal/jobs.
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if countRows(t, db, `SELECT COUNT(*) FROM jobs WHERE unique_key = 'notify.outbox' AND locked_until = ''`) == 1 {
			break
		}
	}
	if err := a.kill(); err != nil {
		t.Fatal(err)
	}
	t.Logf("150 mails sent by two instances at %s; A killed", time.Since(began).Round(time.Millisecond))
	enqueue(150, 250)
	waitSent(250, 60*time.Second)
	t.Logf("100 more sent by B at %s", time.Since(began).Round(time.Millisecond))
	got := map[string]int{}
	for _, m := range mailSrv.Messages() {
		if strings.HasPrefix(m.Subject, "Thư thử số ") {
			got[m.Subject]++
		}
	}
	for i := 0; i < 250; i++ {
		if n := got[fmt.Sprintf("Thư thử số %d", i)]; n != 1 {
			t.Errorf("mail %d received %d times, want once", i, n)
		}
	}
	// Every mail the instances sent on their own (digests) went out once.
	seen := map[string]int{}
	for _, m := range mailSrv.Messages() {
		seen[strings.Join(m.To, ",")+"|"+m.Subject]++
	}
	for k, n := range seen {
		if n > 1 {
			t.Errorf("mail %q received %d times", k, n)
		}
	}

	// Reminders: both instances ran the reminder tasks against the same overdue work; each
	// reminder exists once.
	if n := countRows(t, db, `SELECT COUNT(*) FROM jobs WHERE kind = 'task' AND unique_key LIKE '%remind%'`); n == 0 {
		t.Errorf("no reminder task ran")
	}
	// Reminder notifications (not the events the sample data wrote when it was loaded,
	// such as four comments on one draft): their kinds.
	const reminders = `(kind LIKE '%overdue' OR kind LIKE '%due-soon' OR kind IN ('draft.remind', 'model.stale', 'board.term'))`
	if n := countRows(t, db, `SELECT COUNT(*) FROM notifications WHERE `+reminders); n == 0 {
		t.Errorf("the demo's overdue work produced no reminder: the check below would prove nothing")
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM (SELECT user_id, kind, title, link FROM notifications WHERE `+reminders+` GROUP BY user_id, kind, title, link HAVING COUNT(*) > 1) d`); n != 0 {
		t.Errorf("%d reminders written more than once", n)
	}
	t.Logf("mail: %d test mails once each, %d messages in all; notifications: %d", len(got), len(mailSrv.Messages()),
		countRows(t, db, `SELECT COUNT(*) FROM notifications`))
}

func countRows(t *testing.T, db *sqldb.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func getPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
