package petition

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// CalendarStore keeps the administrator's calendar adjustments (ngày nghỉ, ngày làm bù)
// in the calendar_days table and applies them to one *calendar.Calendar in memory
// (Calendar.Reset, safe for concurrent use), so every holder of that pointer — the web
// layer, the other domains — sees a change at once. Each change in this instance reloads
// at once; other instances notice the change counter (calendar_changes) through Refresh,
// which the app runs every minute.
type CalendarStore struct {
	DB      *sqldb.DB
	cal     *calendar.Calendar
	version atomic.Int64
	mu      sync.Mutex // one reload at a time
}

// NewCalendarStore returns a store updating cal (a new calendar when nil), which applies
// the statutory rules only until Load is called.
func NewCalendarStore(db *sqldb.DB, cal ...*calendar.Calendar) *CalendarStore {
	s := &CalendarStore{DB: db, cal: calendar.New(nil)}
	if len(cal) > 0 && cal[0] != nil {
		s.cal = cal[0]
	}
	s.version.Store(-1)
	return s
}

// Current returns the calendar (always the same pointer, kept up to date).
func (s *CalendarStore) Current() *calendar.Calendar { return s.cal }

// Day is one administrator adjustment as stored.
type Day struct {
	Date      string // YYYY-MM-DD
	Kind      string // off | working
	Name      string
	CreatedAt string
}

// KindLabel is the Vietnamese name of the adjustment's kind.
func (d Day) KindLabel() string {
	if d.Kind == "working" {
		return "Ngày làm việc (làm bù)"
	}
	return "Ngày nghỉ"
}

// Load reads every adjustment and replaces the calendar.
func (s *CalendarStore) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var version int64
	if err := s.DB.QueryRowContext(ctx, `SELECT version FROM calendar_changes WHERE id = 1`).Scan(&version); err != nil {
		return apperr.Wrap("petition.CalendarStore.Load", err)
	}
	days, err := s.list(ctx, "")
	if err != nil {
		return err
	}
	adj := make([]calendar.Adjustment, 0, len(days))
	for _, d := range days {
		date, err := calendar.ParseDate(d.Date)
		if err != nil {
			continue
		}
		k := calendar.DayOff
		if d.Kind == "working" {
			k = calendar.WorkingDay
		}
		adj = append(adj, calendar.Adjustment{Date: date, Kind: k, Name: d.Name})
	}
	s.cal.Reset(adj)
	s.version.Store(version)
	return nil
}

// Refresh reloads the calendar when another instance (or this one) changed the days
// since the last load. It costs one small query when nothing changed.
func (s *CalendarStore) Refresh(ctx context.Context) error {
	var version int64
	if err := s.DB.QueryRowContext(ctx, `SELECT version FROM calendar_changes WHERE id = 1`).Scan(&version); err != nil {
		return apperr.Wrap("petition.CalendarStore.Refresh", err)
	}
	if version == s.version.Load() {
		return nil
	}
	return s.Load(ctx)
}

func (s *CalendarStore) list(ctx context.Context, year string) ([]Day, error) {
	q := `SELECT day, kind, name, created_at FROM calendar_days`
	var args []any
	if year != "" {
		q += ` WHERE day >= ? AND day < ?`
		args = append(args, year+"-01-01", year+"-12-32")
	}
	rows, err := s.DB.QueryContext(ctx, q+` ORDER BY day`, args...)
	if err != nil {
		return nil, apperr.Wrap("petition.CalendarStore.list", err)
	}
	defer rows.Close()
	var out []Day
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Date, &d.Kind, &d.Name, &d.CreatedAt); err != nil {
			return nil, apperr.Wrap("petition.CalendarStore.list", err)
		}
		out = append(out, d)
	}
	return out, apperr.Wrap("petition.CalendarStore.list", rows.Err())
}

// Days lists the adjustments of one year (YYYY).
func (s *CalendarStore) Days(ctx context.Context, year int) ([]Day, error) {
	return s.list(ctx, itoa(year))
}

var errAdminOnly = apperr.New(apperr.Forbidden, "petition.calendar", "Chỉ quản trị hệ thống được sửa lịch ngày nghỉ, ngày làm bù.")

// SetDay adds or replaces the adjustment of one day. Errors: Forbidden (not an
// administrator), Invalid (bad date, kind or name).
func (s *CalendarStore) SetDay(ctx context.Context, p *org.Principal, date, kind, name string) error {
	if !p.IsAdmin() {
		return errAdminOnly
	}
	var v apperr.Validation
	name = search.Clean(name)
	if _, err := calendar.ParseDate(date); err != nil {
		v.Add("date", "Hãy nhập ngày hợp lệ (dd/mm/yyyy).")
	}
	if kind != "off" && kind != "working" {
		v.Add("kind", "Hãy chọn ngày nghỉ hoặc ngày làm bù.")
	}
	if utf8.RuneCountInString(name) > 200 {
		v.Add("name", "Tên tối đa 200 ký tự.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var before *Day
		var old Day
		err := tx.QueryRowContext(ctx, `SELECT day, kind, name, created_at FROM calendar_days WHERE day = ?`, date).Scan(&old.Date, &old.Kind, &old.Name, &old.CreatedAt)
		if err == nil {
			before = &old
			if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day = ?`, date); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			date, kind, name, nullID(p.UserID), sqldb.FormatTime(tx.Now())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_changes SET version = version + 1 WHERE id = 1`); err != nil {
			return err
		}
		after := Day{Date: date, Kind: kind, Name: name}
		return audit.Record(ctx, tx, audit.Entry{Entity: "calendar_day", Action: "set",
			Summary: "Đặt ngày " + vnDate(date) + " là " + strings.ToLower(after.KindLabel()), Before: before, After: after})
	})
	if err != nil {
		return apperr.Wrap("petition.SetDay", err)
	}
	return s.Load(ctx)
}

// DeleteDay removes the adjustment of one day (the computed rules apply again).
// Errors: Forbidden, NotFound.
func (s *CalendarStore) DeleteDay(ctx context.Context, p *org.Principal, date string) error {
	if !p.IsAdmin() {
		return errAdminOnly
	}
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var old Day
		if err := tx.QueryRowContext(ctx, `SELECT day, kind, name, created_at FROM calendar_days WHERE day = ?`, date).Scan(&old.Date, &old.Kind, &old.Name, &old.CreatedAt); err != nil {
			return wrapNF("petition.DeleteDay", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE day = ?`, date); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_changes SET version = version + 1 WHERE id = 1`); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Entity: "calendar_day", Action: "delete", Summary: "Bỏ điều chỉnh ngày " + vnDate(date), Before: old})
	})
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return err
		}
		return apperr.Wrap("petition.DeleteDay", err)
	}
	return s.Load(ctx)
}
