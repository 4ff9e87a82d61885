package notify_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/notify"
	"danvan/internal/notify/smtptest"
	"danvan/internal/sqldb"
)

func addUser(t *testing.T, db *sqldb.DB, username, name, email string) int64 {
	t.Helper()
	var id int64
	err := db.Tx(context.Background(), func(tx *sqldb.Tx) (err error) {
		now := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(context.Background(), `INSERT INTO users (username, password_hash, display_name, email, created_at, password_changed_at) VALUES (?, 'x', ?, ?, ?, ?) RETURNING id`,
			username, name, email, now, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func note(t *testing.T, db *sqldb.DB, uid int64, title string) {
	t.Helper()
	err := db.Tx(context.Background(), func(tx *sqldb.Tx) error {
		return notify.Send(context.Background(), tx, notify.Note{UserID: uid, Kind: "test", Title: title, Body: "Chi tiết: " + title, Link: "/petitions/7"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDailyDigestEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		srv := smtptest.Start(t, "127.0.0.1:0")
		deliver, err := notify.SMTP("smtp://"+srv.Addr+"?starttls=none", "danvan@example.vn")
		if err != nil {
			t.Fatal(err)
		}
		sender := &notify.Sender{DB: db, Deliver: deliver}
		huong := addUser(t, db, "huong", "Nguyễn Thị Hường", "huong@example.vn")
		nomail := addUser(t, db, "nomail", "Lê Văn Tám", "")
		note(t, db, huong, "Đơn thư số 12 sắp đến hạn")
		note(t, db, huong, "Nhiệm vụ “Tuyên truyền Nghị quyết” quá hạn 2 ngày")
		note(t, db, nomail, "Không có thư điện tử")

		d := &notify.Digest{DB: db, BaseURL: "https://danvan.example.vn"}
		day1 := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) // 07:00 in Vietnam
		if n, err := d.Run(ctx, day1.Add(-time.Minute)); err != nil || n != 0 {
			t.Fatalf("before 07:00: %d, %v", n, err)
		}
		// Two instances run the digest at once: one mail.
		db2, err := sqldb.Open(ctx, db.URL(), sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, h := range []*sqldb.DB{db, db2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dd := &notify.Digest{DB: h, BaseURL: d.BaseURL}
				n, err := dd.Run(ctx, day1.Add(5*time.Minute))
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Fatalf("digests enqueued: %v, want 1 in all", counts)
		}
		if _, err := sender.SendDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d mails", len(msgs))
		}
		m := msgs[0]
		if m.To[0] != "huong@example.vn" || m.Subject != "Bản tin danvan ngày 25/11/2026: 2 thông báo mới" {
			t.Fatalf("mail to %v subject %q", m.To, m.Subject)
		}
		for _, want := range []string{"Kính gửi Nguyễn Thị Hường", "Đơn thư số 12 sắp đến hạn", "Nhiệm vụ “Tuyên truyền Nghị quyết” quá hạn 2 ngày", "https://danvan.example.vn/petitions/7"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, m.Body)
			}
		}
		var left int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE digested = FALSE`).Scan(&left); err != nil || left != 0 {
			t.Fatalf("undigested after run: %d %v", left, err)
		}
		// A note arriving later the same day waits for tomorrow's digest.
		note(t, db, huong, "Góp ý dự thảo mới")
		if n, err := d.Run(ctx, day1.Add(3*time.Hour)); err != nil || n != 0 {
			t.Fatalf("second digest the same day: %d, %v", n, err)
		}
		if n, err := d.Run(ctx, day1.Add(24*time.Hour)); err != nil || n != 1 {
			t.Fatalf("next day: %d, %v", n, err)
		}
		sender.SendDue(ctx, time.Now())
		msgs = srv.Messages()
		if len(msgs) != 2 || !strings.Contains(msgs[1].Subject, "26/11/2026: 1 thông báo") || !strings.Contains(msgs[1].Body, "Góp ý dự thảo mới") {
			t.Fatalf("next day's mail: %d mails, last %q", len(msgs), msgs[len(msgs)-1].Subject)
		}
	})
}
