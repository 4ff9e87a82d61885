// Package work is the shared vocabulary for "Việc của tôi" (my work) and deadline
// states: each domain reports the open things a person must do as Items, and one page
// lists them all, nearest deadline first.
package work

import (
	"context"
	"fmt"
	"time"

	"danvan/internal/org"
)

// Item is one open thing a person must do.
type Item struct {
	Kind   string // Vietnamese label of the kind: "Nhiệm vụ", "Đơn thư", "Góp ý dự thảo", "Chấm điểm mô hình"
	Title  string
	Link   string // page of the record
	Unit   string // unit name
	Due    string // YYYY-MM-DD, "" when none
	Status string // Vietnamese state of the record
}

// Source is implemented by each domain that gives people work.
type Source interface {
	OpenWork(ctx context.Context, p *org.Principal) ([]Item, error)
}

// State of a deadline, shown with a word, not only a colour.
type State string

const (
	OnTime  State = "on-time"  // Đúng hạn
	DueSoon State = "due-soon" // Sắp đến hạn
	Overdue State = "overdue"  // Quá hạn
	Closed  State = "closed"   // Đã xong / đã giải quyết
	NoDue   State = "none"
)

// Badge is the label and CSS class for a deadline state.
type Badge struct {
	State State
	Label string
}

// DueSoonDays is how many working days or fewer left make a deadline "due soon".
const DueSoonDays = 3

// MakeBadge describes a deadline given the working days left (negative: overdue by that
// many working days; computed by the caller with the calendar) and whether it is closed.
func MakeBadge(due string, workingDaysLeft int, closed bool, closedLabel string) Badge {
	switch {
	case closed:
		if closedLabel == "" {
			closedLabel = "Đã hoàn thành"
		}
		return Badge{Closed, closedLabel}
	case due == "":
		return Badge{NoDue, "Không có hạn"}
	case workingDaysLeft < 0:
		return Badge{Overdue, fmt.Sprintf("Quá hạn %d ngày", -workingDaysLeft)}
	case workingDaysLeft <= DueSoonDays:
		if workingDaysLeft == 0 {
			return Badge{DueSoon, "Đến hạn hôm nay"}
		}
		return Badge{DueSoon, fmt.Sprintf("Sắp đến hạn (còn %d ngày)", workingDaysLeft)}
	}
	return Badge{OnTime, "Đúng hạn"}
}

// Today returns today's date in Vietnam (UTC+7) as YYYY-MM-DD.
func Today(now time.Time) string {
	return now.In(VietnamZone).Format("2006-01-02")
}

// VietnamZone is Asia/Ho_Chi_Minh, fixed at UTC+7 (no daylight saving since 1975), so the
// product does not depend on the server's time-zone database.
var VietnamZone = time.FixedZone("ICT", 7*3600)
