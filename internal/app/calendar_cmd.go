package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"danvan/internal/calendar"
	"danvan/internal/petition"
)

// calendarCommands: `danvan calendar lunar|add-working-days` (petitions domain).
//
//	danvan calendar lunar 2026-02-17            → 1/1/2026
//	danvan calendar lunar 2025-07-25            → 1/6/2025 (tháng nhuận)
//	danvan calendar add-working-days 2026-06-30 10  → 2026-07-14
//
// lunar prints day/month/year of the Vietnamese lunar calendar (the year is the one in
// which that lunar year's Tết falls), followed by " (tháng nhuận)" in a leap month.
// add-working-days prints the N-th working day after the date (counting from the next
// day, N may be negative), with the administrator's days off and swapped working days
// when a database is configured (DANVAN_DATABASE_URL, or an existing SQLite file in the
// data folder) and the statutory rules alone otherwise.
func calendarCommands() []Command {
	return []Command{{"calendar", "lịch âm và ngày làm việc: calendar lunar YYYY-MM-DD | calendar add-working-days YYYY-MM-DD N", cmdCalendar}}
}

var errCalendarUsage = errors.New("cách dùng: danvan calendar lunar YYYY-MM-DD | danvan calendar add-working-days YYYY-MM-DD N")

func cmdCalendar(ctx context.Context, env Env, args []string) error {
	if len(args) < 2 {
		return errCalendarUsage
	}
	d, err := calendar.ParseDate(args[1])
	if err != nil {
		return fmt.Errorf("ngày %q không hợp lệ (định dạng YYYY-MM-DD)", args[1])
	}
	switch args[0] {
	case "lunar":
		if len(args) != 2 {
			return errCalendarUsage
		}
		l := calendar.ToLunar(d)
		if l.IsZero() {
			return fmt.Errorf("ngày %s nằm ngoài khoảng tính lịch âm (%s – %s)", d, calendar.MinLunarDate, calendar.MaxLunarDate)
		}
		leap := ""
		if l.Leap {
			leap = " (tháng nhuận)"
		}
		fmt.Fprintf(env.Stdout, "%d/%d/%d%s\n", l.Day, l.Month, l.Year, leap)
		return nil
	case "add-working-days":
		if len(args) < 3 {
			return errCalendarUsage
		}
		n, err := strconv.Atoi(args[2])
		if err != nil || n < -3650 || n > 3650 {
			return fmt.Errorf("số ngày %q không hợp lệ (một số nguyên từ -3650 đến 3650)", args[2])
		}
		cal, err := cliCalendar(ctx, env, args[3:])
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, cal.AddWorkingDays(d, n).String())
		return nil
	}
	return errCalendarUsage
}

// cliCalendar loads the administrator's adjustments from the configured database when
// there is one, without creating a database that does not exist.
func cliCalendar(ctx context.Context, env Env, args []string) (*calendar.Calendar, error) {
	cfg, _, err := parseConfig("calendar", env, args, nil)
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(cfg.DatabaseURLOrFile()); err != nil {
			return calendar.New(nil), nil
		}
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	st := petition.NewCalendarStore(db)
	if err := st.Load(ctx); err != nil {
		return nil, err
	}
	return st.Current(), nil
}
