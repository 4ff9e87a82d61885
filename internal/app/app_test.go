package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/config"
	"danvan/internal/dbtest"
	"danvan/internal/notify"
	"danvan/internal/notify/smtptest"
	"danvan/internal/sqldb"
)

// Two instances on one PostgreSQL database behave as one site: a session started on one
// is valid on the other, and the outbox is sent once although both run the workers.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if os.Getenv(dbtest.PostgresEnv) == "" {
		t.Skip("needs " + dbtest.PostgresEnv)
	}
	ctx := context.Background()
	db := dbtest.OpenPostgres(t)
	mailSrv := smtptest.Start(t, "127.0.0.1:0")
	const mails = 5
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		for i := range mails {
			if err := notify.Enqueue(ctx, tx, notify.Mail{To: "nguoi" + string(rune('a'+i)) + "@example.vn", Subject: "Thư số " + string(rune('1'+i)), Body: "Nội dung"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := func(demo bool) *app.Started {
		cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: db.URL(), Demo: demo, DemoPassword: "hai-phien-ban-2026",
			Workers: true, SMTPURL: "smtp://" + mailSrv.Addr + "?starttls=none", MailFrom: "danvan@example.vn"}
		s, err := app.Start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Stop() })
		return s
	}
	a := start(true)
	b := start(false)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(a.URL+"/login", url.Values{"username": {"canbo"}, "password": {"hai-phien-ban-2026"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on A: %v %v", res, err)
	}
	res.Body.Close()
	au, _ := url.Parse(a.URL)
	bu, _ := url.Parse(b.URL)
	jar.SetCookies(bu, jar.Cookies(au))
	res, err = c.Get(b.URL + "/account")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "canbo") {
		t.Fatalf("session from A on B: %d", res.StatusCode)
	}

	deadline := time.Now().Add(20 * time.Second)
	for len(mailSrv.Messages()) < mails && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // a second sender, if any, would have delivered by now
	got := map[string]int{}
	for _, m := range mailSrv.Messages() {
		got[m.To[0]]++
	}
	if len(mailSrv.Messages()) != mails || len(got) != mails {
		t.Fatalf("%d mails delivered to %d addresses, want %d once each", len(mailSrv.Messages()), len(got), mails)
	}
}
