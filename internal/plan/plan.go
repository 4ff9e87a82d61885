// Package plan holds governing documents, each unit's programmes and plans, tasks with one
// named person answerable, and training sessions — "rõ người, rõ việc, rõ trách nhiệm".
//
// Vocabulary (DOMAIN.md section 7): Document = văn bản chỉ đạo (nghị quyết, quy định,
// quyết định, chương trình hành động…); Link = liên kết giữa văn bản (cụ thể hóa, thay
// thế, hướng dẫn); Plan = chương trình / kế hoạch of a unit for a year; Target = chỉ
// tiêu (indicator, target value, unit of measure, actual value); Task = nhiệm vụ; Lead =
// người chủ trì; Support = phối hợp; Leader = cấp ủy lãnh đạo, Organiser = thủ trưởng tổ
// chức thực hiện, Adviser = đoàn thể tham mưu và nòng cốt (the responsibility matrix);
// Cascade = giao cho các đơn vị cấp dưới (one tracked child task per unit); Report = báo
// cáo tiến độ; Accept / Return = nghiệm thu / trả lại; Reopen = mở lại; Session = buổi
// quán triệt, tập huấn, bồi dưỡng; Attendance = điểm danh (có mặt, vắng có phép, vắng
// không phép).
//
// Rights: documents are read by every signed-in user and kept by those who may manage
// plans (ManagePlan) on the keeping unit. Plans are seen with ViewPlan on their unit and
// made with ManagePlan. A task is seen by whoever may assign on its unit (AssignTask), by
// its lead and supporting people, and by nobody else (404): a member sees their own
// tasks only. A chi bộ secretary (AssignTask on the cell) therefore assigns to the cell's
// members only, a committee within its subtree.
package plan

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/calendar"
	"danvan/internal/sqldb"
)

// Service holds the plan rules and SQL.
type Service struct {
	DB *sqldb.DB
	// Calendar returns the working-day calendar (replaced at start-up once the
	// administrator's adjustments are loaded, hence a function).
	Calendar func() *calendar.Calendar
	// Files stores the attachments of reports, documents and training sessions.
	Files *attach.Store
	// watchers are told of every status change of a task (Watch).
	watchers []StatusWatcher
}

// StatusWatcher is told, inside the change's transaction, that a task's status is now
// status. It is how a module that keeps a task's state beside its own rows (a
// resolution's commitment) stays right without joining every row to the tasks; an error
// rolls the change back.
type StatusWatcher func(ctx context.Context, tx *sqldb.Tx, taskID int64, status string) error

// Watch adds w to the watchers of status changes. It is called while the services are
// wired, before any request.
func (s *Service) Watch(w StatusWatcher) { s.watchers = append(s.watchers, w) }

// NewService returns the plan service.
func NewService(db *sqldb.DB) *Service {
	return &Service{DB: db, Calendar: func() *calendar.Calendar { return calendar.New(nil) }}
}

func notFound(op string) error { return apperr.New(apperr.NotFound, op, "") }

func wrapNF(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(op)
	}
	return apperr.Wrap(op, err)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// vnDate shows YYYY-MM-DD as dd/mm/yyyy for messages.
func vnDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

// idList parses "1,2,3" or repeated values into ids, ignoring junk and duplicates.
func idList(vals []string) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, v := range vals {
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			if n, err := strconv.ParseInt(f, 10, 64); err == nil && n > 0 && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// IDs parses form values holding ids ("1,2,3" or repeated fields).
func IDs(vals []string) []int64 { return idList(vals) }

func validDate(s string) bool {
	_, err := calendar.ParseDate(s)
	return err == nil && len(s) == 10
}
