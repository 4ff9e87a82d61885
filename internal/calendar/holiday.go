package calendar

import (
	"fmt"
	"slices"
	"time"
)

// HolidayKind says why a day appears in a year's list of days off.
type HolidayKind int

const (
	// PublicHoliday is a day off set by Bộ luật Lao động 2019 art. 112
	// (ngày nghỉ lễ, Tết).
	PublicHoliday HolidayKind = iota + 1
	// Compensatory is a nghỉ bù: the working day given back for a public
	// holiday that fell on a weekly rest day (art. 111–112).
	Compensatory
	// AdjustedDayOff is an extra day off entered by an administrator from
	// the government's yearly decision (e.g. a day bridged to Tết).
	AdjustedDayOff
	// AdjustedWorkingDay is a day the administrator made a working day (ngày
	// làm bù), usually a Saturday worked in exchange for a bridged day. It
	// is listed so that the admin page shows it, but it is not a day off.
	AdjustedWorkingDay
)

// String returns the Vietnamese label of the kind for the admin page.
func (k HolidayKind) String() string {
	switch k {
	case PublicHoliday:
		return "Ngày nghỉ lễ"
	case Compensatory:
		return "Nghỉ bù"
	case AdjustedDayOff:
		return "Ngày nghỉ (điều chỉnh)"
	case AdjustedWorkingDay:
		return "Ngày làm bù"
	}
	return fmt.Sprintf("HolidayKind(%d)", int(k))
}

// Holiday is one entry of a year's calendar of days off.
type Holiday struct {
	Date Date
	Name string // Vietnamese name shown to users
	Kind HolidayKind
}

// IsDayOff reports whether the entry is a day without work (every kind but
// AdjustedWorkingDay).
func (h Holiday) IsDayOff() bool { return h.Kind != AdjustedWorkingDay }

// cultureDayFrom is when Ngày Văn hóa Việt Nam (24/11) became a public
// holiday (the amendment in force from 1 July 2026), so its first occurrence
// is 24/11/2026.
var cultureDayFrom = NewDate(2026, 7, 1)

// publicHolidays returns the public holidays of Gregorian year y computed
// from the rules of Bộ luật Lao động 2019 art. 112, sorted by date, without
// compensatory days and without administrator adjustments.
//
// Choices where the law leaves the decision to the government each year:
//   - Tết Âm lịch: the last day of the lunar year (30 or 29 tháng Chạp) and
//     1/1 to 4/1 lunar — the usual pattern; the real days are entered as
//     adjustments when they differ.
//   - Quốc khánh: 2/9 plus 1/9 (the day before), as chosen in most recent
//     years; when the government picks 3/9 instead, enter 1/9 as a working
//     day and 3/9 as a day off.
//
// The lunar holidays are only computed inside MinLunarDate..MaxLunarDate;
// outside that range only the solar-calendar holidays are returned.
func publicHolidays(y int) []Holiday {
	hs := []Holiday{
		{NewDate(y, time.January, 1), "Tết Dương lịch", PublicHoliday},
		{NewDate(y, time.April, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước", PublicHoliday},
		{NewDate(y, time.May, 1), "Ngày Quốc tế Lao động", PublicHoliday},
		{NewDate(y, time.September, 1), "Quốc khánh (ngày liền kề)", PublicHoliday},
		{NewDate(y, time.September, 2), "Quốc khánh", PublicHoliday},
	}
	if d := NewDate(y, time.November, 24); !d.Before(cultureDayFrom) {
		hs = append(hs, Holiday{d, "Ngày Văn hóa Việt Nam", PublicHoliday})
	}
	if tet, ok := lunarNewYear(y); ok && inLunarRange(tet.AddDays(-1)) && inLunarRange(tet.AddDays(3)) {
		eve := tet.AddDays(-1)
		hs = append(hs, Holiday{eve, fmt.Sprintf("Tết Âm lịch (%d tháng Chạp)", ToLunar(eve).Day), PublicHoliday})
		for i := 0; i < 4; i++ {
			hs = append(hs, Holiday{tet.AddDays(i), fmt.Sprintf("Tết Âm lịch (mùng %d tháng Giêng)", i+1), PublicHoliday})
		}
	}
	if d, err := FromLunar(LunarDate{Day: 10, Month: 3, Year: y}); err == nil {
		hs = append(hs, Holiday{d, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", PublicHoliday})
	}
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// withCompensatory adds a nghỉ bù for every holiday in hs (sorted) that falls
// on a Saturday or Sunday: the next day that is neither a weekend day, nor a
// holiday, nor already a compensatory day. Holidays are taken in date order,
// so a weekend inside Tết pushes its days off to just after Tết.
//
// No holiday falls late enough in December for a compensatory day to spill
// into the next year, so each year is computed on its own.
func withCompensatory(hs []Holiday) []Holiday {
	taken := make(map[Date]bool, len(hs))
	for _, h := range hs {
		taken[h.Date] = true
	}
	out := slices.Clone(hs)
	for _, h := range hs {
		if !h.Date.IsWeekend() {
			continue
		}
		d := h.Date.AddDays(1)
		for d.IsWeekend() || taken[d] {
			d = d.AddDays(1)
		}
		taken[d] = true
		out = append(out, Holiday{d, "Nghỉ bù " + h.Name, Compensatory})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}
