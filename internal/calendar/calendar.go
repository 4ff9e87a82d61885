package calendar

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// AdjustmentKind says what an administrator's adjustment does to a day.
type AdjustmentKind int

const (
	// DayOff makes the day a day off (an extra holiday decided by the
	// government, a bridged day).
	DayOff AdjustmentKind = iota + 1
	// WorkingDay makes the day a working day (ngày làm bù: a Saturday worked
	// in exchange for a bridged day), or cancels a computed day off.
	WorkingDay
)

// String returns the Vietnamese label of the kind.
func (k AdjustmentKind) String() string {
	switch k {
	case DayOff:
		return "Ngày nghỉ"
	case WorkingDay:
		return "Ngày làm việc"
	}
	return fmt.Sprintf("AdjustmentKind(%d)", int(k))
}

// Adjustment is one change an administrator makes to the computed calendar,
// usually copied from the government's yearly notice on holidays. It
// overrides whatever the rules computed for that day.
type Adjustment struct {
	Date Date
	Kind AdjustmentKind
	Name string // shown in the holiday list, e.g. "Nghỉ Tết (hoán đổi ngày 14/2)"
}

// ErrInvalidAdjustment is returned by Adjustment.Validate.
var ErrInvalidAdjustment = errors.New("calendar: invalid adjustment")

// Validate checks an adjustment before it is stored, so that the admin form
// can show the error; New silently skips adjustments that fail it.
func (a Adjustment) Validate() error {
	if a.Date.IsZero() {
		return fmt.Errorf("%w: no date", ErrInvalidAdjustment)
	}
	if a.Kind != DayOff && a.Kind != WorkingDay {
		return fmt.Errorf("%w: unknown kind %d", ErrInvalidAdjustment, int(a.Kind))
	}
	return nil
}

// Calendar answers "is this a working day?" for the civil service: Monday to
// Friday, minus the public holidays and their compensatory days, with the
// administrator's adjustments applied on top. It is safe for concurrent use;
// the zero Calendar applies the rules without adjustments.
// Each year is computed on first use and cached, so queries cost a map look-up
// and an index.
type Calendar struct {
	mu          sync.RWMutex
	adjustments map[int][]Adjustment // by Gregorian year, in input order
	years       map[int]*yearDays
	gen         int // incremented by Reset, so a year computed from old adjustments is not kept
}

// yearDays is the computed calendar of one Gregorian year.
type yearDays struct {
	first    int       // JDN of 1 January
	off      []bool    // off[d-first]: the day is not a working day
	holidays []Holiday // every entry, sorted, for the admin page
}

// New returns a calendar built from the statutory rules plus the given
// administrator adjustments. When several adjustments name the same day the
// last one wins; invalid ones (see Adjustment.Validate) are skipped.
func New(adjustments []Adjustment) *Calendar {
	c := &Calendar{}
	c.Reset(adjustments)
	return c
}

// Reset replaces the administrator adjustments of a calendar in place (the rules stay),
// for when the administrator changes them: every holder of the *Calendar sees the new
// days from the next query on. Safe for concurrent use with every other method.
func (c *Calendar) Reset(adjustments []Adjustment) {
	byYear := map[int][]Adjustment{}
	for _, a := range adjustments {
		if a.Validate() != nil {
			continue
		}
		y := a.Date.Year()
		byYear[y] = append(byYear[y], a)
	}
	c.mu.Lock()
	c.adjustments = byYear
	c.years = map[int]*yearDays{}
	c.gen++
	c.mu.Unlock()
}

// year returns the computed calendar of year y, computing it once.
func (c *Calendar) year(y int) *yearDays {
	c.mu.RLock()
	yd := c.years[y]
	adj := c.adjustments[y]
	gen := c.gen
	c.mu.RUnlock()
	if yd != nil {
		return yd
	}
	yd = compute(y, adj)
	c.mu.Lock()
	if c.years == nil { // the zero Calendar: rules only, no adjustments
		c.years = map[int]*yearDays{}
	}
	if prev := c.years[y]; prev != nil {
		yd = prev // another goroutine was first; keep one copy
	} else if gen == c.gen {
		c.years[y] = yd
	}
	c.mu.Unlock()
	return yd
}

func compute(y int, adjustments []Adjustment) *yearDays {
	first := NewDate(y, time.January, 1)
	n := NewDate(y+1, time.January, 1).Sub(first)
	byDate := map[Date]Holiday{}
	for _, h := range withCompensatory(publicHolidays(y)) {
		byDate[h.Date] = h
	}
	for _, a := range adjustments {
		h := Holiday{Date: a.Date, Name: a.Name}
		switch a.Kind {
		case DayOff:
			h.Kind = AdjustedDayOff
			if h.Name == "" {
				h.Name = "Ngày nghỉ (điều chỉnh)"
			}
		case WorkingDay:
			h.Kind = AdjustedWorkingDay
			if h.Name == "" {
				h.Name = "Ngày làm bù"
			}
		}
		byDate[a.Date] = h
	}
	yd := &yearDays{first: first.jdn, off: make([]bool, n)}
	for i := range yd.off {
		yd.off[i] = Date{jdn: first.jdn + i}.IsWeekend()
	}
	for d, h := range byDate {
		yd.off[d.jdn-first.jdn] = h.IsDayOff()
		yd.holidays = append(yd.holidays, h)
	}
	slices.SortFunc(yd.holidays, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return yd
}

// Holidays lists year y's public holidays, compensatory days and
// administrator adjustments (including adjusted working days, whose Kind is
// AdjustedWorkingDay), sorted by date, for the admin page. The caller may
// modify the returned slice.
func (c *Calendar) Holidays(year int) []Holiday {
	return slices.Clone(c.year(year).holidays)
}

// IsWorkingDay reports whether d is a working day of the civil service:
// Monday to Friday and not a holiday, compensatory day or adjusted day off —
// or a day the administrator made a working day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	yd := c.year(d.Year())
	return !yd.off[d.jdn-yd.first]
}

// dayWalker answers IsWorkingDay for consecutive days while fetching each
// year's table once, which keeps long counts cheap.
type dayWalker struct {
	c  *Calendar
	yd *yearDays
}

func (w *dayWalker) working(d Date) bool {
	if w.yd == nil || d.jdn < w.yd.first || d.jdn >= w.yd.first+len(w.yd.off) {
		w.yd = w.c.year(d.Year())
	}
	return !w.yd.off[d.jdn-w.yd.first]
}

// AddWorkingDays returns the n-th working day after d, counting from the day
// after d (the rule for "trong thời hạn n ngày làm việc"): AddWorkingDays of a
// Friday and 1 is the next Monday if it is a working day. d itself need not be
// a working day. n = 0 returns d; a negative n counts backwards from the day
// before d.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	w := dayWalker{c: c}
	for n > 0 {
		d = d.AddDays(step)
		if w.working(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween returns the number of working days in (from, to]: the
// days after from up to and including to. It is negative, the count of
// (to, from], when to is before from, so that
// AddWorkingDays(from, WorkingDaysBetween(from, to)) is to whenever to is a
// working day.
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	w := dayWalker{c: c}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if w.working(d) {
			n++
		}
	}
	return sign * n
}

// CalendarDeadline returns the last day of a limit of n calendar days
// ("trong thời hạn n ngày") counted from the day after d. If that day is a
// weekend day, a holiday or another day off, the limit ends on the next
// working day instead (Bộ luật Dân sự 2015 arts. 147–148).
func (c *Calendar) CalendarDeadline(d Date, n int) Date {
	end := d.AddDays(n)
	w := dayWalker{c: c}
	for !w.working(end) {
		end = end.AddDays(1)
	}
	return end
}

// Unit is the unit a legal time limit is expressed in. It is stored with each
// rule because the law uses both ("ngày" vs "ngày làm việc").
type Unit int

const (
	// CalendarDays is "ngày": every day counts, and the end rolls forward to
	// a working day.
	CalendarDays Unit = iota + 1
	// WorkingDays is "ngày làm việc": only working days count.
	WorkingDays
)

// String returns the stable code of the unit, used in storage and forms.
func (u Unit) String() string {
	switch u {
	case CalendarDays:
		return "calendar_days"
	case WorkingDays:
		return "working_days"
	}
	return fmt.Sprintf("Unit(%d)", int(u))
}

// Label returns the Vietnamese name of the unit for the interface.
func (u Unit) Label() string {
	switch u {
	case CalendarDays:
		return "ngày"
	case WorkingDays:
		return "ngày làm việc"
	}
	return u.String()
}

// ParseUnit parses the code returned by Unit.String.
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "calendar_days":
		return CalendarDays, nil
	case "working_days":
		return WorkingDays, nil
	}
	return 0, fmt.Errorf("calendar: unknown unit %q (want calendar_days or working_days)", s)
}

// Deadline returns the last day of a limit of n units counted from the day
// after start: CalendarDeadline for CalendarDays, AddWorkingDays for
// WorkingDays. It panics on any other Unit, which is a programming error
// (parse stored values with ParseUnit).
func (c *Calendar) Deadline(start Date, n int, u Unit) Date {
	switch u {
	case CalendarDays:
		return c.CalendarDeadline(start, n)
	case WorkingDays:
		return c.AddWorkingDays(start, n)
	}
	panic(fmt.Sprintf("calendar: Deadline with invalid unit %d", int(u)))
}
