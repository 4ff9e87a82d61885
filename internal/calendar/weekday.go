package calendar

import "time"

// WeekdayName is the Vietnamese name of a day of the week, as a date line writes it:
// "Thứ Hai" … "Thứ Bảy", "Chủ Nhật".
func WeekdayName(w time.Weekday) string {
	switch w {
	case time.Sunday:
		return "Chủ Nhật"
	case time.Monday:
		return "Thứ Hai"
	case time.Tuesday:
		return "Thứ Ba"
	case time.Wednesday:
		return "Thứ Tư"
	case time.Thursday:
		return "Thứ Năm"
	case time.Friday:
		return "Thứ Sáu"
	}
	return "Thứ Bảy"
}
