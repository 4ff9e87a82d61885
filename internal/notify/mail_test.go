package notify_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/notify"
	"danvan/internal/notify/smtptest"
	"danvan/internal/sqldb"
)

const (
	vnSubject = "Nhắc việc: Đơn thư số 12/2026 sắp đến hạn giải quyết"
	vnBody    = "Kính gửi đồng chí Nguyễn Thị Hường,\n\nĐơn của ông Trần Văn Đức (Phường Ngọc Hà) còn 3 ngày làm việc.\nTrân trọng."
)

func enqueue(t *testing.T, db *sqldb.DB, m notify.Mail) {
	t.Helper()
	if err := db.Tx(context.Background(), func(tx *sqldb.Tx) error { return notify.Enqueue(context.Background(), tx, m) }); err != nil {
		t.Fatal(err)
	}
}

func outboxRow(t *testing.T, db *sqldb.DB, key string) (attempts int, sentAt, lastErr string) {
	t.Helper()
	if err := db.QueryRowContext(context.Background(), `SELECT attempts, sent_at, last_error FROM mail_outbox WHERE dedupe_key = ?`, key).Scan(&attempts, &sentAt, &lastErr); err != nil {
		t.Fatal(err)
	}
	return
}

func TestMailIsDeliveredWithVietnameseIntact(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := smtptest.Start(t, "127.0.0.1:0")
		srv.User, srv.Password = "danvan", "mật-khẩu:1"
		deliver, err := notify.SMTP("smtp://danvan:m%E1%BA%ADt-kh%E1%BA%A9u%3A1@"+srv.Addr+"?starttls=none", "Ban Dân vận <danvan@example.vn>")
		if err != nil {
			t.Fatal(err)
		}
		enqueue(t, db, notify.Mail{To: "huong@example.vn", Subject: vnSubject, Body: vnBody, DedupeKey: "k1"})
		s := &notify.Sender{DB: db, Deliver: deliver}
		n, err := s.SendDue(context.Background(), time.Now())
		if err != nil || n != 1 {
			t.Fatalf("SendDue = %d, %v", n, err)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages received", len(msgs))
		}
		m := msgs[0]
		if m.Subject != vnSubject {
			t.Errorf("subject %q", m.Subject)
		}
		if strings.TrimRight(m.Body, "\n") != vnBody {
			t.Errorf("body %q", m.Body)
		}
		if !strings.Contains(m.Header.Get("Content-Type"), "UTF-8") && !strings.Contains(m.Header.Get("Content-Type"), "utf-8") {
			t.Errorf("content type %q", m.Header.Get("Content-Type"))
		}
		if len(m.To) != 1 || m.To[0] != "huong@example.vn" || m.From != "danvan@example.vn" {
			t.Errorf("envelope %q -> %q", m.From, m.To)
		}
		for _, line := range strings.Split(string(m.Raw), "\n") {
			for _, r := range line {
				if r > 127 {
					t.Fatalf("raw message has a non-ASCII byte (headers must be encoded): %q", line)
				}
			}
		}
		if attempts, sent, _ := outboxRow(t, db, "k1"); attempts != 1 || sent == "" {
			t.Errorf("row after send: attempts %d sent_at %q", attempts, sent)
		}
		// A second run sends nothing more.
		if n, err := s.SendDue(context.Background(), time.Now()); err != nil || n != 0 {
			t.Fatalf("second SendDue = %d, %v", n, err)
		}
		if len(srv.Messages()) != 1 {
			t.Fatal("sent twice")
		}
	})
}

func TestMailWaitsForADownServer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := smtptest.Start(t, "127.0.0.1:0")
		srv.Stop() // the mail server is down
		deliver, err := notify.SMTP("smtp://"+srv.Addr+"?starttls=none", "danvan@example.vn")
		if err != nil {
			t.Fatal(err)
		}
		enqueue(t, db, notify.Mail{To: "a@example.vn", Subject: vnSubject, Body: vnBody, DedupeKey: "down"})
		s := &notify.Sender{DB: db, Deliver: deliver, RetryMin: time.Minute}
		ctx := context.Background()
		t0 := time.Now()
		if n, err := s.SendDue(ctx, t0); err != nil || n != 0 {
			t.Fatalf("SendDue while down = %d, %v", n, err)
		}
		attempts, sent, lastErr := outboxRow(t, db, "down")
		if attempts != 1 || sent != "" || lastErr == "" {
			t.Fatalf("after failure: attempts %d sent %q err %q", attempts, sent, lastErr)
		}
		srv.Restart()
		// Before the backoff has passed nothing is tried.
		if n, _ := s.SendDue(ctx, t0.Add(30*time.Second)); n != 0 || len(srv.Messages()) != 0 {
			t.Fatal("retried before the backoff")
		}
		if n, err := s.SendDue(ctx, t0.Add(61*time.Second)); err != nil || n != 1 {
			t.Fatalf("SendDue after restart = %d, %v", n, err)
		}
		if n, _ := s.SendDue(ctx, t0.Add(time.Hour)); n != 0 {
			t.Fatal("sent again")
		}
		if got := len(srv.Messages()); got != 1 {
			t.Fatalf("%d messages, want 1", got)
		}
		if attempts, sent, lastErr := outboxRow(t, db, "down"); attempts != 2 || sent == "" || lastErr != "" {
			t.Fatalf("after success: attempts %d sent %q err %q", attempts, sent, lastErr)
		}
	})
}

func TestTwoSendersDeliverOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		srv := smtptest.Start(t, "127.0.0.1:0")
		deliver, err := notify.SMTP("smtp://"+srv.Addr+"?starttls=none", "danvan@example.vn")
		if err != nil {
			t.Fatal(err)
		}
		const total = 30
		for i := range total {
			enqueue(t, db, notify.Mail{To: fmt.Sprintf("p%d@example.vn", i), Subject: vnSubject, Body: vnBody, DedupeKey: fmt.Sprint("m", i)})
		}
		db2, err := sqldb.Open(context.Background(), db.URL(), sqldb.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, d := range []*sqldb.DB{db, db2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := &notify.Sender{DB: d, Deliver: deliver, Batch: 3}
				n, err := s.SendDue(context.Background(), time.Now())
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		msgs := srv.Messages()
		seen := map[string]int{}
		for _, m := range msgs {
			seen[m.To[0]]++
		}
		if len(msgs) != total || len(seen) != total || counts[0]+counts[1] != total {
			t.Fatalf("%d messages to %d addresses (senders: %v), want %d each once", len(msgs), len(seen), counts, total)
		}
	})
}

func TestSMTPURL(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "smtp://h?starttls=maybe", "smtp://h:port"} {
		if _, err := notify.SMTP(bad, "a@b.vn"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"smtp://mail.example.vn", "smtp://u:p@mail.example.vn:587?starttls=opportunistic", "smtps://u:p@mail.example.vn"} {
		if _, err := notify.SMTP(good, "a@b.vn"); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
}
