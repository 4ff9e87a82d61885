package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/work"
)

// The reports' calendar mails, sent by the daily digest run (notify.Digest.Periodic):
// each committee secretary gets the past month's figures of their unit once a month, and
// a reminder ReminderDays before the due date of a report call their unit has not
// answered yet. A committee secretary is an account holding a committee role
// (manager or staff) on a unit whose bí thư the account's person is: of the unit itself
// (a chi bộ) or of a party committee directly under it (an agency node holding its
// Đảng bộ). The figures are read with the secretary's own rights.

// secretaryQuery lists (user, unit) of the committee secretaries; extra narrows it.
const secretaryQuery = `SELECT DISTINCT us.id, g.unit_id FROM users us
	JOIN role_grants g ON g.user_id = us.id AND g.role IN ('manager', 'staff')
	JOIN positions po ON po.person_id = us.person_id AND po.title = 'bi-thu' AND po.end_date = ''
	JOIN units pu ON pu.id = po.unit_id
	WHERE us.disabled = FALSE AND (pu.id = g.unit_id OR pu.parent_id = g.unit_id)`

type secretary struct{ user, unit int64 }

func (s *Service) secretaries(ctx context.Context, extra string, args ...any) ([]secretary, error) {
	rows, err := s.DB.QueryContext(ctx, secretaryQuery+extra+` ORDER BY us.id, g.unit_id`, args...)
	if err != nil {
		return nil, apperr.Wrap("report.secretaries", err)
	}
	defer rows.Close()
	var out []secretary
	for rows.Next() {
		var x secretary
		if err := rows.Scan(&x.user, &x.unit); err != nil {
			return nil, apperr.Wrap("report.secretaries", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("report.secretaries", rows.Err())
}

// DueMails implements notify.Periodic: the month's summaries and the reminders due at now.
func (s *Service) DueMails(ctx context.Context, now time.Time) ([]notify.PeriodicMail, error) {
	local := now.In(work.VietnamZone)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, time.UTC)
	prev := first.AddDate(0, -1, 0)
	from, to := prev.Format("2006-01-02"), first.AddDate(0, 0, -1).Format("2006-01-02")
	month := prev.Format("2006-01")
	secs, err := s.secretaries(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []notify.PeriodicMail
	for _, sec := range secs {
		sec := sec
		out = append(out, notify.PeriodicMail{UserID: sec.user, Key: fmt.Sprintf("report.month:%d:%d:%s", sec.user, sec.unit, month),
			Compose: func(ctx context.Context, name string) (string, string, error) {
				return s.monthSummary(ctx, sec, name, from, to)
			}})
	}
	reminders, err := s.reminders(ctx, local.Format("2006-01-02"))
	if err != nil {
		return nil, err
	}
	return append(out, reminders...), nil
}

func (s *Service) monthSummary(ctx context.Context, sec secretary, name, from, to string) (string, string, error) {
	p, err := org.LoadPrincipal(ctx, s.DB, sec.user)
	if err != nil {
		return "", "", err
	}
	u, err := org.GetUnit(ctx, s.DB, sec.unit)
	if err != nil {
		return "", "", err
	}
	snap, err := s.Compute(ctx, p, u, from, to)
	if err != nil {
		return "", "", err
	}
	label := from[5:7] + "/" + from[:4]
	subject := "Số liệu công tác dân vận tháng " + label + " — " + u.Name
	var b strings.Builder
	fmt.Fprintf(&b, "Kính gửi %s,\n\nSố liệu công tác dân vận của %s và các đơn vị trực thuộc trong tháng %s (%s – %s):\n", name, u.Name, label, viDate(from), viDate(to))
	for _, blk := range snap.Blocks {
		fmt.Fprintf(&b, "\n%s\n", blk.Title)
		for _, f := range blk.Figures {
			fmt.Fprintf(&b, "- %s: %s\n", f.Label, formatInt(f.Value))
		}
	}
	if len(snap.Blocks) == 0 {
		b.WriteString("\nKhông có số liệu nào trong phạm vi anh/chị được xem.\n")
	}
	fmt.Fprintf(&b, "\nXem chi tiết và so sánh các đơn vị trực thuộc:\n  /dashboard?unit=%d&from=%s&to=%s\n", u.ID, from, to)
	fmt.Fprintf(&b, "Báo cáo sơ kết, tổng kết của đơn vị:\n  /reports?unit=%d\n\nThư này được gửi tự động mỗi tháng một lần; vui lòng không trả lời.\n", u.ID)
	return subject, b.String(), nil
}

// reminders are the mails to the secretaries of every reporting child unit that has not
// sent the report a call asks for, from ReminderDays before its due date to the date.
func (s *Service) reminders(ctx context.Context, today string) ([]notify.PeriodicMail, error) {
	until, _ := time.Parse("2006-01-02", today)
	rows, err := s.DB.QueryContext(ctx, `SELECT c.id, c.unit_id, c.kind, c.period_from, c.period_to, c.due_on, ch.id, ch.name, ch.kind, up.kind FROM report_calls c
		JOIN units up ON up.id = c.unit_id
		JOIN units ch ON ch.parent_id = c.unit_id AND ch.valid_to = ''
		WHERE c.due_on >= ? AND c.due_on <= ?
		AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.unit_id = ch.id AND r.kind = c.kind AND r.period_from = c.period_from AND r.period_to = c.period_to AND r.status IN ('submitted', 'received'))
		ORDER BY c.id, ch.id`, today, until.AddDate(0, 0, ReminderDays).Format("2006-01-02"))
	if err != nil {
		return nil, apperr.Wrap("report.reminders", err)
	}
	type due struct {
		call, upper    int64
		kind           Kind
		from, to, date string
		unit           int64
		name           string
	}
	var dues []due
	for rows.Next() {
		var d due
		var k, upk org.UnitKind
		if err := rows.Scan(&d.call, &d.upper, &d.kind, &d.from, &d.to, &d.date, &d.unit, &d.name, &k, &upk); err != nil {
			rows.Close()
			return nil, apperr.Wrap("report.reminders", err)
		}
		if reports(upk, k) {
			dues = append(dues, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("report.reminders", err)
	}
	var out []notify.PeriodicMail
	for _, d := range dues {
		d := d
		secs, err := s.secretaries(ctx, ` AND g.unit_id = ?`, d.unit)
		if err != nil {
			return nil, err
		}
		for _, sec := range secs {
			out = append(out, notify.PeriodicMail{UserID: sec.user, Key: fmt.Sprintf("report.remind:%d:%d:%d:%s", d.call, d.unit, sec.user, d.date),
				Compose: func(ctx context.Context, name string) (string, string, error) {
					title := Title(d.kind, d.from, d.to)
					subject := "Nhắc hạn gửi báo cáo " + lowerFirst(title) + " trước ngày " + viDate(d.date)
					body := fmt.Sprintf("Kính gửi %s,\n\nCấp ủy cấp trên đề nghị %s gửi báo cáo %s trước ngày %s. Đến nay đơn vị chưa gửi báo cáo này.\n\nLập hoặc mở báo cáo (số liệu được lấy tự động):\n  /reports?unit=%d\n\nThư này được gửi tự động; vui lòng không trả lời.\n",
						name, d.name, lowerFirst(title), viDate(d.date), d.unit)
					return subject, body, nil
				}})
		}
	}
	return out, nil
}

// formatInt writes n with dots between thousands (1.234.567), as the interface does.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
