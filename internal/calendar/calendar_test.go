package calendar

import (
	"slices"
	"sync"
	"testing"
)

// d is MustParseDate, short for tables.
func d(s string) Date { return MustParseDate(s) }

// dayOffs returns the dates of year's entries that are days off, with kinds.
func dayOffs(t *testing.T, c *Calendar, year int) map[string]HolidayKind {
	t.Helper()
	out := map[string]HolidayKind{}
	for _, h := range c.Holidays(year) {
		if h.Name == "" {
			t.Errorf("%s has no name", h.Date)
		}
		if h.Date.Year() != year {
			t.Errorf("Holidays(%d) lists %s", year, h.Date)
		}
		out[h.Date.String()] = h.Kind
	}
	return out
}

func assertDays(t *testing.T, got map[string]HolidayKind, want map[string]HolidayKind) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: kind %v, want %v", k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected entry %s (%v)", k, v)
		}
	}
}

func TestHolidays2026(t *testing.T) {
	c := New(nil)
	assertDays(t, dayOffs(t, c, 2026), map[string]HolidayKind{
		"2026-01-01": PublicHoliday,
		"2026-02-16": PublicHoliday, // 29 tháng Chạp, last day of lunar 2025
		"2026-02-17": PublicHoliday, // Tết
		"2026-02-18": PublicHoliday,
		"2026-02-19": PublicHoliday,
		"2026-02-20": PublicHoliday,
		"2026-04-26": PublicHoliday, // Giỗ Tổ, a Sunday
		"2026-04-27": Compensatory,  // its nghỉ bù, Monday
		"2026-04-30": PublicHoliday,
		"2026-05-01": PublicHoliday,
		"2026-09-01": PublicHoliday,
		"2026-09-02": PublicHoliday,
		"2026-11-24": PublicHoliday, // Ngày Văn hóa Việt Nam, first year, a Tuesday
	})
	if !c.IsWorkingDay(d("2025-11-24")) {
		t.Error("24/11/2025 (Monday) must be a working day: the holiday starts on 1/7/2026")
	}
	if c.IsWorkingDay(d("2026-11-24")) {
		t.Error("24/11/2026 must be a day off")
	}
	hs := c.Holidays(2026)
	if !slices.IsSortedFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) }) {
		t.Error("Holidays not sorted")
	}
	hs[0].Name = "changed" // the caller's copy must not leak into the calendar
	if c.Holidays(2026)[0].Name == "changed" {
		t.Error("Holidays returns internal state")
	}
}

// Nghỉ bù: years where a holiday falls on a Saturday or Sunday. Weekdays
// were checked against a perpetual calendar; the 2022 and 2023 results are
// what the government actually gave.
func TestCompensatoryDays(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name string
		year int
		want []string // compensatory days of the year
	}{
		// 2022: 1/1 Sat; Giỗ Tổ 10/4 Sun; 30/4 Sat and 1/5 Sun (off 30/4–3/5).
		{"2022", 2022, []string{"2022-01-03", "2022-04-11", "2022-05-02", "2022-05-03"}},
		// 2023: 1/1 Sun; 30/4 Sun → 1/5 is a holiday, so 2/5; Giỗ Tổ 29/4 Sat → 3/5;
		// 2/9 Sat → 4/9 (off 1/9–4/9). Tết 21/1 (Sat, last day) and 22/1 (Sun)
		// → Thu 26/1 and Fri 27/1, after Tết's 23–25/1.
		{"2023", 2023, []string{"2023-01-02", "2023-01-26", "2023-01-27", "2023-05-02", "2023-05-03", "2023-09-04"}},
		// 2029: 1/9 Sat and 2/9 Sun → Mon 3/9 and Tue 4/9; 24/11 Sat → Mon 26/11.
		{"2029", 2029, []string{"2029-09-03", "2029-09-04", "2029-11-26"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range c.Holidays(tt.year) {
				if h.Kind == Compensatory {
					got = append(got, h.Date.String())
					if c.IsWorkingDay(h.Date) || h.Date.IsWeekend() {
						t.Errorf("%s: compensatory day must be an off weekday", h.Date)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("compensatory days = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCalendarDeadline(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		// 6/2 + 10 = 16/2, inside Tết (16–20/2), then the weekend: Monday 23/2.
		{"ends inside Tết 2026", "2026-02-06", 10, "2026-02-23"},
		{"ends on a working day", "2026-03-02", 30, "2026-04-01"},
		{"ends on a Saturday", "2026-03-04", 10, "2026-03-16"},
		{"ends on 30/4, rolls past 1/5 and the weekend", "2026-04-20", 10, "2026-05-04"},
		{"ends on the nghỉ bù of Giỗ Tổ", "2026-04-17", 10, "2026-04-28"},
		{"zero days on a working day", "2026-03-02", 0, "2026-03-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.CalendarDeadline(d(tt.start), tt.n); got != d(tt.want) {
				t.Errorf("CalendarDeadline(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
			if got := c.Deadline(d(tt.start), tt.n, CalendarDays); got != d(tt.want) {
				t.Errorf("Deadline(%s, %d, CalendarDays) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := New(nil)
	tests := []struct {
		name  string
		start string
		n     int
		want  string
	}{
		{"Friday + 1 is Monday", "2026-03-06", 1, "2026-03-09"},
		{"Saturday + 1 is Monday", "2026-03-07", 1, "2026-03-09"},
		{"zero returns the start", "2026-03-07", 0, "2026-03-07"},
		{"one week", "2026-03-09", 5, "2026-03-16"},
		{"across Tết 2026", "2026-02-13", 1, "2026-02-23"},
		{"across Tết 2026, 3 days", "2026-02-12", 3, "2026-02-24"},
		{"across 30/4–1/5 2026", "2026-04-29", 1, "2026-05-04"},
		{"across Giỗ Tổ's nghỉ bù", "2026-04-24", 2, "2026-04-29"},
		{"10 working days from receipt", "2026-04-20", 10, "2026-05-07"},
		{"backwards across the weekend", "2026-03-09", -1, "2026-03-06"},
		{"across a year", "2026-12-30", 2, "2027-01-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.AddWorkingDays(d(tt.start), tt.n); got != d(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
			if got := c.Deadline(d(tt.start), tt.n, WorkingDays); got != d(tt.want) {
				t.Errorf("Deadline(%s, %d, WorkingDays) = %s, want %s", tt.start, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := New(nil)
	tests := []struct {
		from, to string
		want     int
	}{
		{"2026-03-09", "2026-03-16", 5},
		{"2026-03-09", "2026-03-09", 0},
		{"2026-02-13", "2026-02-23", 1},
		{"2026-02-23", "2026-02-13", -1},
		{"2026-03-06", "2026-03-08", 0},
		// 2026 has 261 weekdays; 12 of them are off (1/1, five Tết days, the
		// nghỉ bù 27/4, 30/4, 1/5, 1/9, 2/9, 24/11).
		{"2026-01-01", "2026-12-31", 249},
		{"2025-12-31", "2026-12-31", 249},
	}
	for _, tt := range tests {
		if got := c.WorkingDaysBetween(d(tt.from), d(tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
	// AddWorkingDays and WorkingDaysBetween agree.
	start := d("2025-12-15")
	for n := -40; n <= 60; n++ {
		end := c.AddWorkingDays(start, n)
		if got := c.WorkingDaysBetween(start, end); got != n {
			t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(.., %d) = %s) = %d", start, n, end, got)
		}
	}
}

func TestAdjustments(t *testing.T) {
	c := New([]Adjustment{
		{Date: d("2026-03-07"), Kind: WorkingDay, Name: "Làm bù cho ngày 9/3"}, // a Saturday worked
		{Date: d("2026-03-09"), Kind: DayOff, Name: "Nghỉ hoán đổi"},           // the Monday given off
		{Date: d("2026-04-27"), Kind: WorkingDay},                              // cancel a computed nghỉ bù
		{Date: d("2026-04-28"), Kind: DayOff},
		{Date: Date{}, Kind: DayOff},                     // invalid: skipped
		{Date: d("2026-04-29"), Kind: AdjustmentKind(9)}, // invalid: skipped
	})
	working := map[string]bool{
		"2026-03-07": true,  // adjusted working Saturday
		"2026-03-08": false, // ordinary Sunday
		"2026-03-09": false, // adjusted day off
		"2026-03-10": true,
		"2026-04-27": true,
		"2026-04-28": false,
		"2026-04-29": true,
	}
	for s, want := range working {
		if got := c.IsWorkingDay(d(s)); got != want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", s, got, want)
		}
	}
	if got := c.AddWorkingDays(d("2026-03-06"), 1); got != d("2026-03-07") {
		t.Errorf("the worked Saturday must count: got %s", got)
	}
	if got := c.AddWorkingDays(d("2026-03-06"), 2); got != d("2026-03-10") {
		t.Errorf("the adjusted day off must not count: got %s", got)
	}
	if got := c.CalendarDeadline(d("2026-02-27"), 8); got != d("2026-03-07") {
		t.Errorf("a limit ending on the worked Saturday ends there: got %s", got)
	}
	kinds := dayOffs(t, c, 2026)
	for s, want := range map[string]HolidayKind{
		"2026-03-07": AdjustedWorkingDay, "2026-03-09": AdjustedDayOff,
		"2026-04-27": AdjustedWorkingDay, "2026-04-28": AdjustedDayOff,
	} {
		if kinds[s] != want {
			t.Errorf("Holidays(2026) %s: %v, want %v", s, kinds[s], want)
		}
	}
	if _, ok := kinds["2026-04-29"]; ok {
		t.Error("an invalid adjustment was applied")
	}
	if err := (Adjustment{Date: d("2026-01-02"), Kind: 0}).Validate(); err == nil {
		t.Error("Validate accepts a zero kind")
	}
	// The calendar without adjustments is unaffected.
	if !New(nil).IsWorkingDay(d("2026-03-09")) {
		t.Error("adjustments leak between calendars")
	}
}

func TestUnit(t *testing.T) {
	for _, u := range []Unit{CalendarDays, WorkingDays} {
		got, err := ParseUnit(u.String())
		if err != nil || got != u {
			t.Errorf("ParseUnit(%q) = %v, %v", u.String(), got, err)
		}
	}
	if _, err := ParseUnit("days"); err == nil {
		t.Error("ParseUnit accepts an unknown unit")
	}
	if WorkingDays.Label() != "ngày làm việc" || CalendarDays.Label() != "ngày" {
		t.Error("wrong labels")
	}
	defer func() {
		if recover() == nil {
			t.Error("Deadline with an invalid unit must panic")
		}
	}()
	New(nil).Deadline(d("2026-03-02"), 1, Unit(0))
}

// Holidays outside the lunar range: only the solar holidays, no panic.
func TestHolidaysOutsideLunarRange(t *testing.T) {
	c := New(nil)
	for _, y := range []int{1850, 2150} {
		for _, h := range c.Holidays(y) {
			if h.Kind == PublicHoliday && h.Date.Month() == 2 {
				t.Errorf("%d: unexpected lunar holiday %s", y, h.Date)
			}
		}
		_ = c.AddWorkingDays(d("2026-01-01").AddDays((y-2026)*365), 30)
	}
}

func TestZeroCalendar(t *testing.T) {
	var c Calendar
	if c.IsWorkingDay(d("2026-04-30")) || !c.IsWorkingDay(d("2026-04-29")) {
		t.Error("the zero Calendar must apply the statutory rules")
	}
}

func TestCalendarConcurrent(t *testing.T) {
	c := New(nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for y := 2020; y < 2040; y++ {
				c.AddWorkingDays(NewDate(y, 1, 1), 100)
				c.Holidays(y)
			}
		})
	}
	wg.Wait()
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := New(nil)
	start := d("2026-02-06")
	c.AddWorkingDays(start, 30) // warm the year cache
	for b.Loop() {
		c.AddWorkingDays(start, 30)
	}
}

// Reset changes a calendar in place, so every holder of the pointer sees new days, and
// is safe beside concurrent readers.
func TestResetInPlace(t *testing.T) {
	c := New(nil)
	d := MustParseDate("2027-05-12")
	if !c.IsWorkingDay(d) {
		t.Fatal("12/5/2027 is a working day by the rules")
	}
	done := make(chan bool)
	go func() {
		for i := 0; i < 2000; i++ {
			_ = c.AddWorkingDays(MustParseDate("2027-01-01"), 200)
		}
		done <- true
	}()
	c.Reset([]Adjustment{{Date: d, Kind: DayOff, Name: "Nghỉ thử"}})
	<-done
	if c.IsWorkingDay(d) {
		t.Error("Reset not seen")
	}
	c.Reset(nil)
	if !c.IsWorkingDay(d) {
		t.Error("second Reset not seen")
	}
}
