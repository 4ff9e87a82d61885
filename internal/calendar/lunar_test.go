package calendar

import (
	"errors"
	"testing"
)

// assertLunar checks ToLunar(g) == want and FromLunar(want) == g.
func assertLunar(t *testing.T, g string, want LunarDate) {
	t.Helper()
	d := MustParseDate(g)
	if got := ToLunar(d); got != want {
		t.Errorf("ToLunar(%s) = %+v, want %+v", g, got, want)
	}
	back, err := FromLunar(want)
	if err != nil {
		t.Errorf("FromLunar(%+v): %v", want, err)
		return
	}
	if back != d {
		t.Errorf("FromLunar(%+v) = %s, want %s", want, back, g)
	}
}

// The authoritative vectors of DOMAIN.md §5: Tết (1/1) and Giỗ Tổ (10/3).
func TestTetAndGioToVectors(t *testing.T) {
	tests := []struct {
		year       int
		tet, gioTo string
	}{
		{2020, "2020-01-25", "2020-04-02"},
		{2021, "2021-02-12", "2021-04-21"},
		{2022, "2022-02-01", "2022-04-10"},
		{2023, "2023-01-22", "2023-04-29"},
		{2024, "2024-02-10", "2024-04-18"},
		{2025, "2025-01-29", "2025-04-07"},
		{2026, "2026-02-17", "2026-04-26"},
		{2027, "2027-02-06", "2027-04-16"},
		{2028, "2028-01-26", "2028-04-04"},
		{2029, "2029-02-13", "2029-04-23"},
		{2030, "2030-02-02", "2030-04-12"}, // China (UTC+8): 2030-02-03
	}
	for _, tt := range tests {
		assertLunar(t, tt.tet, LunarDate{Day: 1, Month: 1, Year: tt.year})
		assertLunar(t, tt.gioTo, LunarDate{Day: 10, Month: 3, Year: tt.year})
		// The day before Tết is the last day (29 or 30) of month 12.
		eve := ToLunar(MustParseDate(tt.tet).AddDays(-1))
		if eve.Month != 12 || eve.Leap || eve.Year != tt.year-1 || (eve.Day != 29 && eve.Day != 30) {
			t.Errorf("day before Tết %d = %s, want 29 or 30/12/%d", tt.year, eve, tt.year-1)
		}
	}
}

// Vietnamese Tết dates of earlier years, from the published calendars.
// 1985 and 2007 are the years where UTC+7 gives a different Tết from China's
// UTC+8 (China: 1985-02-20, 2007-02-18).
func TestTetKnownYears(t *testing.T) {
	tets := map[int]string{
		1985: "1985-01-21", 2000: "2000-02-05", 2001: "2001-01-24", 2002: "2002-02-12",
		2003: "2003-02-01", 2004: "2004-01-22", 2005: "2005-02-09", 2006: "2006-01-29",
		2007: "2007-02-17", 2008: "2008-02-07", 2009: "2009-01-26", 2010: "2010-02-14",
		2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31",
		2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16",
		2019: "2019-02-05",
	}
	for y, g := range tets {
		assertLunar(t, g, LunarDate{Day: 1, Month: 1, Year: y})
	}
}

func TestLeapMonths(t *testing.T) {
	want := map[int]int{
		2012: 4, 2014: 9, 2017: 6, 2019: 0,
		2020: 4, 2021: 0, 2022: 0, 2023: 2, 2024: 0, 2025: 6,
		2026: 0, 2027: 0, 2028: 5, 2029: 0, 2030: 0,
	}
	for y, m := range want {
		if got := LeapMonth(y); got != m {
			t.Errorf("LeapMonth(%d) = %d, want %d", y, got, m)
		}
	}
	if got := LeapMonth(1700); got != 0 {
		t.Errorf("LeapMonth(1700) = %d, want 0 (outside the table)", got)
	}
}

func TestKnownLunarDates(t *testing.T) {
	tests := []struct {
		g    string
		want LunarDate
	}{
		{"2024-02-09", LunarDate{Day: 30, Month: 12, Year: 2023}},           // Tết 2024 eve is the 30th
		{"2025-01-28", LunarDate{Day: 29, Month: 12, Year: 2024}},           // no "30 Tết" in 2025
		{"2026-02-16", LunarDate{Day: 29, Month: 12, Year: 2025}},           // nor in 2026
		{"2025-07-25", LunarDate{Day: 1, Month: 6, Year: 2025, Leap: true}}, // leap 6th month of 2025
		{"2025-06-25", LunarDate{Day: 1, Month: 6, Year: 2025}},
	}
	for _, tt := range tests {
		assertLunar(t, tt.g, tt.want)
	}
}

func TestFromLunarErrors(t *testing.T) {
	tests := []struct {
		name string
		l    LunarDate
		want error
	}{
		{"leap flag on a non-leap month", LunarDate{Day: 1, Month: 3, Year: 2026, Leap: true}, ErrInvalidDate},
		{"leap flag on the wrong month", LunarDate{Day: 1, Month: 5, Year: 2025, Leap: true}, ErrInvalidDate},
		{"30 in a 29-day month", LunarDate{Day: 30, Month: 12, Year: 2025}, ErrInvalidDate},
		{"month 13", LunarDate{Day: 1, Month: 13, Year: 2025}, ErrInvalidDate},
		{"day 0", LunarDate{Day: 0, Month: 1, Year: 2025}, ErrInvalidDate},
		{"day 31", LunarDate{Day: 31, Month: 1, Year: 2025}, ErrInvalidDate},
		{"too early", LunarDate{Day: 1, Month: 1, Year: 1800}, ErrOutOfRange},
		{"too late", LunarDate{Day: 1, Month: 1, Year: 2200}, ErrOutOfRange},
		{"after 2100-12-31", LunarDate{Day: 1, Month: 1, Year: 2101}, ErrOutOfRange},
		{"before 1900-01-01", LunarDate{Day: 1, Month: 11, Year: 1899}, ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := FromLunar(tt.l)
			if !errors.Is(err, tt.want) {
				t.Fatalf("FromLunar(%+v) = %s, %v; want error %v", tt.l, d, err, tt.want)
			}
		})
	}
	// The leap month itself converts.
	if _, err := FromLunar(LunarDate{Day: 30, Month: 12, Year: 2023}); err != nil {
		t.Errorf("30/12/2023 should exist: %v", err)
	}
}

func TestToLunarOutOfRange(t *testing.T) {
	for _, d := range []Date{MinLunarDate.AddDays(-1), MaxLunarDate.AddDays(1), {}} {
		if got := ToLunar(d); !got.IsZero() {
			t.Errorf("ToLunar(%s) = %+v, want zero", d, got)
		}
	}
}

func TestLunarString(t *testing.T) {
	tests := []struct {
		l    LunarDate
		want string
	}{
		{LunarDate{Day: 10, Month: 3, Year: 2026}, "10/3/2026 (âm lịch)"},
		{LunarDate{Day: 15, Month: 6, Year: 2025, Leap: true}, "15/6 nhuận/2025 (âm lịch)"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.l, got, tt.want)
		}
	}
}

// TestLunarWholeRange converts every supported day both ways and checks the
// structure of the calendar: days advance by one inside a month, months have
// 29 or 30 days, a year has 12 months or 13 with exactly one leap month that
// repeats the previous month's number.
func TestLunarWholeRange(t *testing.T) {
	prev := ToLunar(MinLunarDate)
	monthLen := 0
	monthsInYear, leaps := 0, 0
	yearsChecked, leapYears := 0, 0
	for d := MinLunarDate; !d.After(MaxLunarDate); d = d.AddDays(1) {
		l := ToLunar(d)
		back, err := FromLunar(l)
		if err != nil || back != d {
			t.Fatalf("round trip %s -> %s -> %s, %v", d, l, back, err)
		}
		if d == MinLunarDate {
			monthLen = 1
			continue
		}
		if l.Day == prev.Day+1 && l.Month == prev.Month && l.Leap == prev.Leap && l.Year == prev.Year {
			monthLen++
			prev = l
			continue
		}
		// A new month starts.
		if l.Day != 1 {
			t.Fatalf("%s: %s follows %s", d, l, prev)
		}
		if monthLen != 29 && monthLen != 30 && prev.Year > 1899 {
			t.Fatalf("%s: month before has %d days", d, monthLen)
		}
		switch {
		case l.Leap:
			if l.Month != prev.Month || l.Year != prev.Year {
				t.Fatalf("%s: leap month %s does not follow its month (%s)", d, l, prev)
			}
			leaps++
		case l.Month == 1:
			if prev.Month != 12 || l.Year != prev.Year+1 {
				t.Fatalf("%s: %s follows %s", d, l, prev)
			}
			if prev.Year >= 1900 {
				if monthsInYear+1 != 12+leaps || leaps > 1 {
					t.Fatalf("lunar year %d: %d months, %d leap", prev.Year, monthsInYear+1, leaps)
				}
				if got := LeapMonth(prev.Year); (got != 0) != (leaps == 1) {
					t.Fatalf("LeapMonth(%d) = %d but %d leap months seen", prev.Year, got, leaps)
				}
				yearsChecked++
				leapYears += leaps
			}
			monthsInYear, leaps = -1, 0
		default:
			if l.Month != prev.Month+1 || l.Year != prev.Year {
				t.Fatalf("%s: %s follows %s", d, l, prev)
			}
		}
		monthsInYear++
		monthLen = 1
		prev = l
	}
	// Lunar years 1900..2099 end inside the range; 7 leap years every 19
	// (the Metonic cycle) gives about 74 of them.
	if yearsChecked != 200 || leapYears < 70 || leapYears > 78 {
		t.Errorf("checked %d lunar years with %d leap years", yearsChecked, leapYears)
	}
	if last := ToLunar(MaxLunarDate); last != prev {
		t.Errorf("walk ended at %s, want %s", prev, last)
	}
}

func FuzzLunarRoundTrip(f *testing.F) {
	for _, s := range []int{0, 1, 30, 365 * 120, MaxLunarDate.Sub(MinLunarDate)} {
		f.Add(s)
	}
	span := MaxLunarDate.Sub(MinLunarDate) + 1
	f.Fuzz(func(t *testing.T, off int) {
		d := MinLunarDate.AddDays(mod(off, span))
		l := ToLunar(d)
		if l.IsZero() {
			t.Fatalf("ToLunar(%s) is zero inside the range", d)
		}
		back, err := FromLunar(l)
		if err != nil || back != d {
			t.Fatalf("%s -> %s -> %s, %v", d, l, back, err)
		}
	})
}

func BenchmarkToLunar(b *testing.B) {
	d := MustParseDate("2026-04-26")
	ToLunar(d) // build the table outside the timing
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ToLunar(d.AddDays(i % 20000))
	}
}
