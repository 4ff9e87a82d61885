package report_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/dbtest"
	"danvan/internal/notify"
	"danvan/internal/notify/smtptest"
	"danvan/internal/report"
	"danvan/internal/sqldb"
)

// TestReportMails runs the daily digest with the reports' calendar mails through the
// real outbox and a real SMTP server: agency 1's secretary gets last month's figures of
// the agency (the same numbers the report's sources give for that month) and a reminder
// of the call due in three days; a second run sends nothing more; once the report is
// sent, no reminder is due for it.
func TestReportMails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		srv := smtptest.Start(t, "127.0.0.1:0")
		deliver, err := notify.SMTP("smtp://"+srv.Addr+"?starttls=none", "danvan@example.vn")
		if err != nil {
			t.Fatal(err)
		}
		sender := &notify.Sender{DB: db, Deliver: deliver}
		bithu, staff := f.who(t, "bithu1"), f.who(t, "canbo")
		a1 := f.o.Agencies[0]
		today := db.Now().In(time.FixedZone("ICT", 7*3600))
		now := time.Date(today.Year(), today.Month(), today.Day(), 2, 0, 0, 0, time.UTC) // 09:00 in Vietnam
		due := now.AddDate(0, 0, 3).Format("2006-01-02")
		if _, err := f.svc.SetCall(ctx, staff, report.CallInput{UnitID: f.o.Root.ID, Kind: report.Custom, From: now.AddDate(0, -2, 0).Format("2006-01-02"), To: now.Format("2006-01-02"), DueOn: due}); err != nil {
			t.Fatal(err)
		}
		d := &notify.Digest{DB: db, BaseURL: "https://danvan.example.vn", Periodic: []notify.Periodic{f.svc}}
		if _, err := d.Run(ctx, now); err != nil {
			t.Fatal(err)
		}
		if n, err := d.Run(ctx, now.Add(15*time.Minute)); err != nil || n != 0 {
			t.Fatalf("second run: %d mails, %v", n, err)
		}
		if _, err := sender.SendDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		from, to := first.AddDate(0, -1, 0).Format("2006-01-02"), first.AddDate(0, 0, -1).Format("2006-01-02")
		snap, err := f.svc.Compute(ctx, bithu, a1.Node, from, to)
		if err != nil {
			t.Fatal(err)
		}
		received, _ := snap.Value("petitions", "received")
		assigned, _ := snap.Value("plans", "assigned")
		var summary, reminder *smtptest.Message
		summaries := 0
		for _, m := range srv.Messages() {
			m := m
			switch {
			case strings.HasPrefix(m.Subject, "Số liệu công tác dân vận tháng"):
				summaries++
				if m.To[0] == "bithu1@danvan.local" {
					summary = &m
				}
			case strings.HasPrefix(m.Subject, "Nhắc hạn gửi báo cáo"):
				if m.To[0] != "bithu1@danvan.local" {
					t.Errorf("reminder to %v: only agency 1 has a secretary's account", m.To)
				}
				reminder = &m
			}
		}
		if summary == nil || reminder == nil {
			t.Fatalf("bithu1's mails: summary %v, reminder %v (%d messages)", summary != nil, reminder != nil, len(srv.Messages()))
		}
		// bithu1 and the five cell secretaries of agency 1.
		if summaries != 1+len(a1.Cells) {
			t.Errorf("%d monthly summaries, want %d", summaries, 1+len(a1.Cells))
		}
		month := from[5:7] + "/" + from[:4]
		for _, w := range []string{"tháng " + month + " — " + a1.Node.Name, "Đơn tiếp nhận: " + fmtInt(received), "Nhiệm vụ giao trong kỳ: " + fmtInt(assigned),
			"https://danvan.example.vn/dashboard?unit="} {
			if !strings.Contains(summary.Subject+"\n"+summary.Body, w) {
				t.Errorf("summary lacks %q:\n%s", w, summary.Body)
			}
		}
		if !strings.Contains(reminder.Subject, "trước ngày "+due[8:]+"/"+due[5:7]+"/"+due[:4]) || !strings.Contains(reminder.Body, "https://danvan.example.vn/reports?unit=") {
			t.Errorf("reminder: %q\n%s", reminder.Subject, reminder.Body)
		}
		// Sent: no reminder is due any more for agency 1.
		id, err := f.svc.Create(ctx, bithu, report.Input{UnitID: a1.Node.ID, Kind: report.Custom, From: now.AddDate(0, -2, 0).Format("2006-01-02"), To: now.Format("2006-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveNarrative(ctx, bithu, id, 0, report.Narrative{Achievements: "a", Weaknesses: "b", NextTasks: "c"}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Submit(ctx, bithu, id); err != nil {
			t.Fatal(err)
		}
		mails, err := f.svc.DueMails(ctx, now.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if strings.HasPrefix(m.Key, "report.remind:") {
				t.Errorf("reminder still due after the report was sent: %s", m.Key)
			}
		}
	})
}

func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	return string(out)
}
