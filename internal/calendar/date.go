package calendar

import (
	"errors"
	"fmt"
	"time"
)

// Date is a civil date (year, month, day) with no time of day and no time
// zone. Deadlines in Vietnamese law are counted in whole days, so the package
// works on days rather than on instants; this avoids the classic off-by-one
// errors of midnight instants shifting between UTC and UTC+7.
//
// Internally a Date is a Julian Day Number (JDN), the count of days used by
// astronomers: it makes day arithmetic a plain integer addition and lets the
// lunar calendar code use the same number directly. Date is comparable with ==
// and usable as a map key. The zero Date is not a real day; IsZero reports it.
type Date struct {
	jdn int
}

// ErrInvalidDate is returned (wrapped) when a date string or a lunar date does
// not name a real day.
var ErrInvalidDate = errors.New("calendar: invalid date")

// dateLayout is the ISO 8601 form used in URLs, forms, CLI flags and storage.
const dateLayout = "2006-01-02"

// vnLocation is the time zone in which an instant is turned into a civil date.
// It is read once at start-up and never changed. If the system has no tz
// database, the fixed offset UTC+7 is used: Vietnam has had no daylight saving
// time and has used UTC+7 since 1975, so the result is the same for every
// date this product deals with.
var vnLocation = loadVNLocation()

func loadVNLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
}

// NewDate returns the date year-month-day. Like time.Date, out-of-range
// values are normalised: NewDate(2026, 1, 32) is 2026-02-01.
func NewDate(year int, month time.Month, day int) Date {
	// Normalise the month first so that the JDN formula sees 1..12, then add
	// the day offset as plain day arithmetic.
	m := int(month) - 1
	year += m / 12
	m %= 12
	if m < 0 {
		m += 12
		year--
	}
	return Date{jdn: jdnFromCivil(year, m+1, 1) + day - 1}
}

// ParseDate parses a date in the form "2006-01-02" (the form used by HTML
// date inputs and the CLI). It rejects days that do not exist, such as
// 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%w: %q: want YYYY-MM-DD", ErrInvalidDate, s)
	}
	return NewDate(t.Date()), nil
}

// MustParseDate is ParseDate for constants in code and tests; it panics on a
// malformed string.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the civil date of the instant t in Vietnam
// (Asia/Ho_Chi_Minh), whatever the location of t: a petition received at
// 23:30 UTC on 1 May was received on 2 May in Vietnam.
func DateOf(t time.Time) Date {
	return NewDate(t.In(vnLocation).Date())
}

// Today returns the current date in Vietnam.
func Today() Date { return DateOf(time.Now()) }

// Time returns midnight at the start of d in Vietnam (Asia/Ho_Chi_Minh).
func (d Date) Time() time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, vnLocation)
}

// Date returns the year, month and day of d.
func (d Date) Date() (year int, month time.Month, day int) {
	y, m, dd := civilFromJDN(d.jdn)
	return y, time.Month(m), dd
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.Date(); return y }

// Month returns the month of d.
func (d Date) Month() time.Month { _, m, _ := d.Date(); return m }

// Day returns the day of the month of d.
func (d Date) Day() int { _, _, dd := d.Date(); return dd }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// JDN 0 was a Monday, so JDN+1 mod 7 counts from Sunday like time.Weekday.
	return time.Weekday(mod(d.jdn+1, 7))
}

// IsWeekend reports whether d is a Saturday or a Sunday, the weekly rest days
// of the civil service.
func (d Date) IsWeekend() bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return Date{jdn: d.jdn + n} }

// Sub returns the number of days from e to d (d - e).
func (d Date) Sub(e Date) int { return d.jdn - e.jdn }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.jdn < e.jdn }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.jdn > e.jdn }

// Equal reports whether d and e are the same day (the same as d == e).
func (d Date) Equal(e Date) bool { return d.jdn == e.jdn }

// Compare returns -1, 0 or +1 as d is before, equal to or after e; it fits
// slices.SortFunc.
func (d Date) Compare(e Date) int {
	switch {
	case d.jdn < e.jdn:
		return -1
	case d.jdn > e.jdn:
		return 1
	}
	return 0
}

// IsZero reports whether d is the zero Date (no date set).
func (d Date) IsZero() bool { return d.jdn == 0 }

// String returns d as "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText encodes d as "2006-01-02" so that Date works in JSON and forms.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes "2006-01-02"; an empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// jdnFromCivil converts a proleptic Gregorian date to a Julian Day Number
// (valid for years after -4800; month 1..12).
func jdnFromCivil(y, m, d int) int {
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	return d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
}

// civilFromJDN is the inverse of jdnFromCivil.
func civilFromJDN(j int) (y, m, d int) {
	a := j + 32044
	b := (4*a + 3) / 146097
	c := a - 146097*b/4
	dd := (4*c + 3) / 1461
	e := c - 1461*dd/4
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = 100*b + dd - 4800 + mm/10
	return y, m, d
}

// mod is the mathematical modulus (never negative for b > 0).
func mod(a, b int) int {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}
