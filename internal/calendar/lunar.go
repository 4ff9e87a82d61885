package calendar

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
)

// LunarDate is a date of the Vietnamese lunar calendar (âm lịch).
// Year is the Gregorian number of the year in which the lunar year begins
// (Tết); Leap marks the intercalary month (tháng nhuận), which repeats the
// number of the month before it.
type LunarDate struct {
	Day, Month, Year int
	Leap             bool
}

// String returns the date in the usual Vietnamese form, "10/3/2026 (âm lịch)",
// with "nhuận" after a leap month: "15/6 nhuận/2025 (âm lịch)".
func (l LunarDate) String() string {
	leap := ""
	if l.Leap {
		leap = " nhuận"
	}
	return fmt.Sprintf("%d/%d%s/%d (âm lịch)", l.Day, l.Month, leap, l.Year)
}

// IsZero reports whether l is the zero LunarDate, which ToLunar returns for a
// day outside the supported range.
func (l LunarDate) IsZero() bool { return l == LunarDate{} }

// ErrOutOfRange is returned (wrapped) for dates outside the range the lunar
// calendar is computed for (see MinLunarDate and MaxLunarDate).
var ErrOutOfRange = errors.New("calendar: date outside the supported range 1900-01-01..2100-12-31")

// The lunar calendar is supported for these Gregorian days. The astronomy
// works further out, but ΔT (and therefore the day of a new moon close to
// midnight) becomes guesswork, and the product has no use for such dates.
var (
	MinLunarDate = NewDate(1900, 1, 1)
	MaxLunarDate = NewDate(2100, 12, 31)
)

// inLunarRange reports whether d is within MinLunarDate..MaxLunarDate.
func inLunarRange(d Date) bool { return !d.Before(MinLunarDate) && !d.After(MaxLunarDate) }

// lunarMonth is one month of the precomputed table.
type lunarMonth struct {
	start int // JDN of day 1
	year  int // lunar year number
	month int // 1..12
	leap  bool
}

// lunarTable is every lunar month from month 11 of lunar year 1898 to month
// 10 of lunar year 2101, in order, which covers MinLunarDate..MaxLunarDate
// with room on both sides.
type lunarTable struct {
	months    []lunarMonth // sorted by start; months[i] ends at months[i+1].start
	end       int          // JDN just after the last month
	firstYear int          // first lunar year fully in the table
	yearStart []int        // index into months of month 1 of firstYear+i; one extra entry for the end
}

const (
	tableFirstYear = 1899 // first lunar year with all its months in the table
	tableLastYear  = 2100 // last one
)

// lunar is built once, on first use, and read-only afterwards; building
// takes about a millisecond (≈2 500 new moons), after which every conversion
// is a binary search.
var lunar = sync.OnceValue(buildLunarTable)

// month11 returns the lunation number k and the JDN of the first day of
// lunar month 11 of the lunar year that ends in Gregorian year y: the month
// containing the winter solstice (Sun at 270°), counted in Vietnamese days.
func month11(y int) (k, day int) {
	// Start from the last mean new moon before 31 December and step back
	// until the month starts before the solstice day, i.e. the Sun at the
	// start of that day is still short of 270° (sector 9).
	dec31 := float64(jdnFromCivil(y, 12, 31))
	k = int(math.Floor((dec31 - newMoonEpoch) / synodicMonth))
	k++ // the true new moon can be up to ~14 h off the mean one; start one later
	for {
		day = newMoonDay(k)
		if s := sunSectorAtDayStart(day); s >= 6 && s < 9 {
			return k, day
		}
		k--
	}
}

// buildLunarTable applies Hồ Ngọc Đức's rules for the Vietnamese calendar:
//   - a month begins on the UTC+7 day that contains the new moon;
//   - month 11 is the month that contains the winter solstice;
//   - when 13 months lie between two month-11 starts, the first month after
//     month 11 that contains no major solar term (trung khí, Sun longitude a
//     multiple of 30°) is the leap month and takes the number of the month
//     before it.
//
// Sensitivity, checked when this was written: over 1900–2100 only one leap
// month moves if the Sun's longitude is off by up to ±0.02° (about half an
// hour): 1938, where the autumn equinox falls about a minute before midnight
// UTC+7 on 23 September, giving leap month 8 here (China, UTC+8, has leap
// month 7). New moons within a minute of midnight, whose day depends on
// seconds of error in ΔT and the lunar theory: 1944-06-20, 1967-07-07,
// 2054-05-08, 2077-11-15, 2085-10-18 (the dates given are the computed first
// days). Published Vietnamese calendars may differ from this code there.
func buildLunarTable() *lunarTable {
	t := &lunarTable{firstYear: tableFirstYear}
	kPrev, _ := month11(tableFirstYear - 1)
	for y := tableFirstYear; y <= tableLastYear+1; y++ {
		kNext, _ := month11(y)
		n := kNext - kPrev // 12 or 13 months
		starts := make([]int, n+1)
		for i := range starts {
			starts[i] = newMoonDay(kPrev + i)
		}
		leapAt := -1
		if n == 13 {
			for i := 1; i < n; i++ {
				if sunSectorAtDayStart(starts[i]) == sunSectorAtDayStart(starts[i+1]) {
					leapAt = i
					break
				}
			}
		}
		num := 11
		for i := 0; i < n; i++ {
			leap := false
			if i > 0 {
				if i == leapAt {
					leap = true
				} else {
					num = num%12 + 1
				}
			}
			ly := y
			if num >= 11 {
				ly = y - 1 // months 11 and 12 belong to the year that began before
			}
			if num == 1 && !leap {
				t.yearStart = append(t.yearStart, len(t.months))
			}
			t.months = append(t.months, lunarMonth{start: starts[i], year: ly, month: num, leap: leap})
		}
		t.end = starts[n]
		kPrev = kNext
	}
	return t
}

// find returns the index of the month containing day jdn, or -1.
func (t *lunarTable) find(jdn int) int {
	if len(t.months) == 0 || jdn < t.months[0].start || jdn >= t.end {
		return -1
	}
	i := sort.Search(len(t.months), func(i int) bool { return t.months[i].start > jdn })
	return i - 1
}

// monthEnd returns the JDN just after month i.
func (t *lunarTable) monthEnd(i int) int {
	if i+1 < len(t.months) {
		return t.months[i+1].start
	}
	return t.end
}

// ToLunar converts a Gregorian date to the Vietnamese lunar calendar. For a
// day outside MinLunarDate..MaxLunarDate it returns the zero LunarDate.
func ToLunar(d Date) LunarDate {
	if !inLunarRange(d) {
		return LunarDate{}
	}
	t := lunar()
	i := t.find(d.jdn)
	if i < 0 {
		return LunarDate{}
	}
	m := t.months[i]
	return LunarDate{Day: d.jdn - m.start + 1, Month: m.month, Year: m.year, Leap: m.leap}
}

// FromLunar converts a Vietnamese lunar date to the Gregorian calendar. It
// fails with ErrInvalidDate when the day does not exist (a leap flag on a
// month that is not the leap month of that year, day 30 of a 29-day month, a
// month outside 1..12) and with ErrOutOfRange when the result would fall
// outside MinLunarDate..MaxLunarDate.
func FromLunar(l LunarDate) (Date, error) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, fmt.Errorf("%w: lunar %s", ErrInvalidDate, l)
	}
	t := lunar()
	yi := l.Year - t.firstYear
	if yi < 0 || yi+1 >= len(t.yearStart) {
		return Date{}, fmt.Errorf("%w: lunar %s", ErrOutOfRange, l)
	}
	for i := t.yearStart[yi]; i < t.yearStart[yi+1]; i++ {
		m := t.months[i]
		if m.month != l.Month || m.leap != l.Leap {
			continue
		}
		if length := t.monthEnd(i) - m.start; l.Day > length {
			return Date{}, fmt.Errorf("%w: lunar %s: month %d of %d has %d days", ErrInvalidDate, l, l.Month, l.Year, length)
		}
		d := Date{jdn: m.start + l.Day - 1}
		if !inLunarRange(d) {
			return Date{}, fmt.Errorf("%w: lunar %s", ErrOutOfRange, l)
		}
		return d, nil
	}
	if l.Leap {
		return Date{}, fmt.Errorf("%w: lunar %s: month %d of %d is not a leap month", ErrInvalidDate, l, l.Month, l.Year)
	}
	return Date{}, fmt.Errorf("%w: lunar %s", ErrInvalidDate, l)
}

// LeapMonth returns the number of the leap month (tháng nhuận) of lunar year
// year, or 0 when the year has none or is outside the table.
func LeapMonth(year int) int {
	t := lunar()
	yi := year - t.firstYear
	if yi < 0 || yi+1 >= len(t.yearStart) {
		return 0
	}
	for i := t.yearStart[yi]; i < t.yearStart[yi+1]; i++ {
		if t.months[i].leap {
			return t.months[i].month
		}
	}
	return 0
}

// lunarNewYear returns the first day (Tết, 1/1) of lunar year year and
// whether it is in the table.
func lunarNewYear(year int) (Date, bool) {
	t := lunar()
	yi := year - t.firstYear
	if yi < 0 || yi >= len(t.yearStart) {
		return Date{}, false
	}
	return Date{jdn: t.months[t.yearStart[yi]].start}, true
}
