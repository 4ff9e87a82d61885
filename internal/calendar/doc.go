// Package calendar knows the Vietnamese calendar the product's deadlines are
// counted on: the lunar calendar (to place Tết and Giỗ Tổ Hùng Vương), the
// public holidays, the civil-service working week and the rules for counting
// legal time limits. It is pure Go with no storage: the administrator's yearly
// adjustments are passed in by the caller.
//
// # Vocabulary
//
//	English (identifier)              Vietnamese
//	LunarDate, ToLunar, FromLunar     âm lịch (lunar calendar)
//	LunarDate.Leap, LeapMonth         tháng nhuận (leap month)
//	Calendar.IsWorkingDay             ngày làm việc (working day)
//	PublicHoliday                     ngày nghỉ lễ, Tết (public holiday)
//	Compensatory                      nghỉ bù (compensatory day off)
//	WorkingDay, AdjustedWorkingDay    ngày làm bù (day worked in exchange)
//	DayOff, AdjustedDayOff            ngày nghỉ (extra day off by decision)
//	CalendarDays / WorkingDays        ngày / ngày làm việc (units of a limit)
//	Deadline                          thời hạn (time limit)
//
// # Where the rules come from
//
//   - Lunar calendar: the rules published by Hồ Ngọc Đức for the Vietnamese
//     calendar, computed for UTC+7: a month starts on the day containing the
//     new moon; month 11 contains the winter solstice; in a year of 13 months
//     the first month after month 11 without a major solar term (trung khí) is
//     the leap month. New moons and the Sun's longitude follow Jean Meeus,
//     "Astronomical Algorithms" (chapters 49 and 25). The code is written from
//     these rules, not from any published implementation. Because the time
//     zone is UTC+7, Tết can differ from China's (UTC+8): 2007-02-17 and
//     2030-02-02 in Vietnam against 18 and 3 February in China.
//   - Public holidays: Bộ luật Lao động 2019 art. 112 (1/1; five days of Tết
//     Âm lịch; 30/4; 1/5; 2/9 and one adjacent day; Giỗ Tổ Hùng Vương 10/3
//     lunar) and Ngày Văn hóa Việt Nam 24/11 from 1 July 2026. A holiday on a
//     weekly rest day gives a compensatory day off on the next working day.
//     The government fixes the exact Tết days and the day next to 2/9 each
//     year and often swaps working days; the computed defaults (last day of
//     the lunar year plus 1–4 tháng Giêng; 1/9) are overridden by the
//     administrator's Adjustment list.
//   - Counting limits: Bộ luật Dân sự 2015 arts. 147–148: counting starts the
//     day after the event, and a limit in calendar days that ends on a day off
//     ends on the next working day instead. A limit in working days counts
//     only working days.
package calendar
