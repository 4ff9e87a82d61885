package plan

import (
	"context"
	"strconv"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/rollup"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Report kinds.
const (
	ReportProgress = "progress" // báo cáo tiến độ
	ReportComplete = "complete" // báo cáo hoàn thành, kèm minh chứng
	ReportAccept   = "accept"   // nghiệm thu
	ReportReturn   = "return"   // trả lại
	ReportReopen   = "reopen"   // mở lại
)

// ReportLabel is the kind in Vietnamese.
func ReportLabel(k string) string {
	switch k {
	case ReportProgress:
		return "Báo cáo tiến độ"
	case ReportComplete:
		return "Báo cáo hoàn thành"
	case ReportAccept:
		return "Nghiệm thu"
	case ReportReturn:
		return "Trả lại"
	case ReportReopen:
		return "Mở lại"
	}
	return k
}

// FileOwnerReport is the attachments owner type of task reports.
const FileOwnerReport = "task_report"

// Report is one entry of a task's progress history.
type Report struct {
	ID        int64
	TaskID    int64
	Kind      string
	Body      string
	Percent   int
	UserID    int64
	ByName    string
	CreatedAt string
	Files     []attach.File
}

// KindLabel is the kind in Vietnamese.
func (r Report) KindLabel() string { return ReportLabel(r.Kind) }

// ReportInput is a progress report, a completion, or a judgement.
type ReportInput struct {
	Body    string
	Percent int
	Files   []attach.Upload
}

func (s *Service) reports(ctx context.Context, taskID int64) ([]Report, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.task_id, r.kind, r.body, r.percent, COALESCE(r.user_id, 0), COALESCE(pe.full_name, us.display_name, ''), r.created_at
		FROM task_reports r LEFT JOIN people pe ON pe.id = r.person_id LEFT JOIN users us ON us.id = r.user_id WHERE r.task_id = ? ORDER BY r.id`, taskID)
	if err != nil {
		return nil, apperr.Wrap("plan.reports", err)
	}
	var out []Report
	for rows.Next() {
		var r Report
		if err := rows.Scan(&r.ID, &r.TaskID, &r.Kind, &r.Body, &r.Percent, &r.UserID, &r.ByName, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, apperr.Wrap("plan.reports", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if s.Files != nil {
		for i := range out {
			if out[i].Files, err = s.Files.List(ctx, s.DB, FileOwnerReport, out[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func checkReport(in *ReportInput, v *apperr.Validation, needBody bool, bodyMsg string) {
	in.Body = search.Clean(in.Body)
	if needBody && in.Body == "" {
		v.Add("body", bodyMsg)
	}
	if utf8.RuneCountInString(in.Body) > 20000 {
		v.Add("body", "Nội dung tối đa 20.000 ký tự.")
	}
	if len(in.Files) > 10 {
		v.Add("files", "Mỗi lần đính kèm tối đa 10 tệp.")
	}
}

// change runs one state change of a task in a transaction: it re-reads the task inside
// the transaction, checks with allow, writes the report and its files, applies update and
// audits. The person to notify gets an in-app note.
func (s *Service) change(ctx context.Context, p *org.Principal, id int64, kind string, in ReportInput,
	allow func(t Task) error, update func(tx *sqldb.Tx, t Task) (string, error), notifyPerson func(t Task) (int64, string)) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		now := sqldb.FormatTime(tx.Now())
		// Touched first, so on PostgreSQL the row is locked before it is read: two
		// acceptances of the same task at once are then one acceptance and one Conflict,
		// and the counters move from the state the change really started from.
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET updated_at = ? WHERE id = ?`, now, id); err != nil {
			return apperr.Wrap("plan.change", err)
		}
		t, err := s.loadTask(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if t.Support, err = s.supportTx(ctx, tx, id); err != nil {
			return err
		}
		if err := allow(t); err != nil {
			return err
		}
		summary, err := update(tx, t)
		if err != nil {
			return err
		}
		after, err := countedTx(ctx, tx, id)
		if err != nil {
			return err
		}
		before := counted(t)
		if before != after {
			d := rollup.Delta{}
			moveCount(d, &before, &after)
			if err := taskCounts.Write(ctx, tx, d); err != nil {
				return err
			}
		}
		if before.Status != after.Status {
			for _, w := range s.watchers {
				if err := w(ctx, tx, id, after.Status); err != nil {
					return err
				}
			}
		}
		rid, err := tx.InsertID(ctx, `INSERT INTO task_reports (task_id, kind, body, percent, user_id, person_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			id, kind, in.Body, in.Percent, nullID(p.UserID), nullID(p.PersonID), now)
		if err != nil {
			return apperr.Wrap("plan.change", err)
		}
		var names []string
		for _, f := range in.Files {
			if len(f.Data) == 0 {
				continue
			}
			if s.Files == nil {
				return apperr.New(apperr.Internal, "plan.change", "")
			}
			saved, err := s.Files.Save(ctx, tx, FileOwnerReport, rid, f, attach.Office)
			if err != nil {
				return err
			}
			names = append(names, saved.Name)
		}
		if notifyPerson != nil {
			if pid, title := notifyPerson(t); pid != 0 {
				var uid int64
				if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE person_id = ? AND disabled = FALSE ORDER BY id LIMIT 1`, pid).Scan(&uid); err == nil && uid != p.UserID {
					if err := notify.Send(ctx, tx, notify.Note{UserID: uid, Kind: "task." + kind, Title: title, Body: t.Title, Link: "/tasks/" + itoa(id)}); err != nil {
						return err
					}
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: t.UnitID, Entity: "task", EntityID: id, Action: kind, Summary: summary,
			Before: map[string]any{"status": t.Status, "percent": t.Percent}, After: map[string]any{"report": rid, "body": in.Body, "percent": in.Percent, "files": names}})
	})
}

func (s *Service) supportTx(ctx context.Context, q sqldb.Querier, id int64) ([]Support, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(person_id, 0), COALESCE(unit_id, 0), role FROM task_support WHERE task_id = ?`, id)
	if err != nil {
		return nil, apperr.Wrap("plan.supportTx", err)
	}
	defer rows.Close()
	var out []Support
	for rows.Next() {
		var x Support
		if err := rows.Scan(&x.PersonID, &x.UnitID, &x.Role); err != nil {
			return nil, apperr.Wrap("plan.supportTx", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("plan.supportTx", rows.Err())
}

func forbidden(op, msg string) error { return apperr.New(apperr.Forbidden, op, msg) }

// assignerPerson is who assigned t (to notify on completion).
func (s *Service) assignerPerson(ctx context.Context, t Task) int64 {
	var pid int64
	_ = s.DB.QueryRowContext(ctx, `SELECT COALESCE(person_id, 0) FROM users WHERE id = ?`, t.AssignedBy).Scan(&pid)
	return pid
}

// ReportProgress records progress (text, percent 0–99, attachments) by the lead or a
// supporting person. Errors: NotFound (not theirs), Forbidden (closed), Invalid.
func (s *Service) ReportProgress(ctx context.Context, p *org.Principal, id int64, in ReportInput) error {
	var v apperr.Validation
	checkReport(&in, &v, true, "Hãy ghi nội dung tiến độ đã thực hiện.")
	if in.Percent < 0 || in.Percent > 99 {
		v.Add("percent", "Tỷ lệ hoàn thành từ 0 đến 99%; khi xong việc hãy bấm \"Báo cáo hoàn thành\".")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.change(ctx, p, id, ReportProgress, in, func(t Task) error {
		if !CanReport(p, t) {
			if t.Status == StatusDone || t.Status == StatusSubmitted {
				return forbidden("plan.ReportProgress", "Nhiệm vụ đã báo cáo hoàn thành; không báo cáo tiến độ nữa.")
			}
			return notFound("plan.ReportProgress")
		}
		return nil
	}, func(tx *sqldb.Tx, t Task) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'doing', percent = ? WHERE id = ?`, in.Percent, id)
		return "Báo cáo tiến độ nhiệm vụ \"" + t.Title + "\": " + strconv.Itoa(in.Percent) + "%", apperr.Wrap("plan.ReportProgress", err)
	}, nil)
}

// Complete reports the task done, with evidence, by its lead; it then waits for the
// assigner's acceptance. Errors: NotFound, Forbidden, Invalid.
func (s *Service) Complete(ctx context.Context, p *org.Principal, id int64, in ReportInput) error {
	var v apperr.Validation
	checkReport(&in, &v, true, "Hãy ghi kết quả thực hiện (minh chứng hoàn thành).")
	if err := v.Err(); err != nil {
		return err
	}
	in.Percent = 100
	today := work.Today(s.DB.Now())
	return s.change(ctx, p, id, ReportComplete, in, func(t Task) error {
		if !CanComplete(p, t) {
			if t.LeadID == p.PersonID || CanReport(p, t) {
				return forbidden("plan.Complete", "Chỉ người chủ trì báo cáo hoàn thành nhiệm vụ đang thực hiện.")
			}
			return notFound("plan.Complete")
		}
		return nil
	}, func(tx *sqldb.Tx, t Task) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'submitted', percent = 100, submitted_on = ? WHERE id = ?`, today, id)
		return "Báo cáo hoàn thành nhiệm vụ \"" + t.Title + "\"", apperr.Wrap("plan.Complete", err)
	}, func(t Task) (int64, string) { return s.assignerPerson(ctx, t), "Nhiệm vụ chờ nghiệm thu" })
}

func (s *Service) judge(ctx context.Context, p *org.Principal, id int64, kind string, in ReportInput, from string, to func(tx *sqldb.Tx, t Task) (string, error), note string) error {
	return s.change(ctx, p, id, kind, in, func(t Task) error {
		if !CanJudge(p, t) {
			if t.LeadID == p.PersonID {
				return forbidden("plan."+kind, "Người chủ trì không tự nghiệm thu nhiệm vụ của mình.")
			}
			return forbidden("plan."+kind, "Chỉ người giao nhiệm vụ (hoặc cấp ủy giao) được nghiệm thu, trả lại hay mở lại.")
		}
		if t.Status != from {
			switch from {
			case StatusSubmitted:
				return apperr.New(apperr.Conflict, "plan."+kind, "Nhiệm vụ chưa được báo cáo hoàn thành.")
			default:
				return apperr.New(apperr.Conflict, "plan."+kind, "Chỉ mở lại nhiệm vụ đã hoàn thành.")
			}
		}
		return nil
	}, to, func(t Task) (int64, string) { return t.LeadID, note })
}

// Accept accepts a completed task (nghiệm thu). Errors: NotFound, Forbidden, Conflict.
func (s *Service) Accept(ctx context.Context, p *org.Principal, id int64, in ReportInput) error {
	var v apperr.Validation
	checkReport(&in, &v, false, "")
	if err := v.Err(); err != nil {
		return err
	}
	in.Percent = 100
	today := work.Today(s.DB.Now())
	return s.judge(ctx, p, id, ReportAccept, in, StatusSubmitted, func(tx *sqldb.Tx, t Task) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'done', returned = FALSE, done_on = ? WHERE id = ?`, today, id)
		return "Nghiệm thu nhiệm vụ \"" + t.Title + "\" của " + t.UnitName, apperr.Wrap("plan.Accept", err)
	}, "Nhiệm vụ đã được nghiệm thu")
}

// Return sends a completed task back with a reason. Errors: NotFound, Forbidden, Conflict, Invalid.
func (s *Service) Return(ctx context.Context, p *org.Principal, id int64, in ReportInput) error {
	var v apperr.Validation
	checkReport(&in, &v, true, "Hãy ghi lý do trả lại để người chủ trì biết cần làm thêm gì.")
	if err := v.Err(); err != nil {
		return err
	}
	return s.judge(ctx, p, id, ReportReturn, in, StatusSubmitted, func(tx *sqldb.Tx, t Task) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'doing', returned = TRUE, percent = 90, submitted_on = '' WHERE id = ?`, id)
		return "Trả lại nhiệm vụ \"" + t.Title + "\" của " + t.UnitName + ": " + in.Body, apperr.Wrap("plan.Return", err)
	}, "Nhiệm vụ bị trả lại")
}

// Reopen reopens an accepted task with a reason. Errors: NotFound, Forbidden, Conflict, Invalid.
func (s *Service) Reopen(ctx context.Context, p *org.Principal, id int64, in ReportInput) error {
	var v apperr.Validation
	checkReport(&in, &v, true, "Hãy ghi lý do mở lại nhiệm vụ.")
	if err := v.Err(); err != nil {
		return err
	}
	return s.judge(ctx, p, id, ReportReopen, in, StatusDone, func(tx *sqldb.Tx, t Task) (string, error) {
		_, err := tx.ExecContext(ctx, `UPDATE tasks SET status = 'doing', returned = FALSE, done_on = '', submitted_on = '', percent = 90 WHERE id = ?`, id)
		return "Mở lại nhiệm vụ \"" + t.Title + "\": " + in.Body, apperr.Wrap("plan.Reopen", err)
	}, "Nhiệm vụ được mở lại")
}

// ReportFileAccess reports whether p may download a report's attachment.
func (s *Service) ReportFileAccess(ctx context.Context, p *org.Principal, reportID int64) bool {
	var taskID int64
	if err := s.DB.QueryRowContext(ctx, `SELECT task_id FROM task_reports WHERE id = ?`, reportID).Scan(&taskID); err != nil {
		return false
	}
	_, err := s.loadTask(ctx, s.DB, p, taskID)
	return err == nil
}
