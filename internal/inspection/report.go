package inspection

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// SelfReportOwner is the attachment owner type of a self-report's files.
const SelfReportOwner = "inspection_self_report"

// SelfReportInput is a target's self-report: a text, files, or both. Attach saves the
// files inside the report's transaction (the web layer checked them by content first).
type SelfReportInput struct {
	UnitID   int64
	Body     string
	HasFiles bool
	Attach   func(ctx context.Context, tx *sqldb.Tx, reportID int64) error
}

// SubmitSelfReport records a target unit's self-report while the round is open; sending
// again replaces the text and adds the files. Only the target's own people and those who
// manage its plans send it. Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *Service) SubmitSelfReport(ctx context.Context, p *org.Principal, roundID int64, in SelfReportInput) error {
	const op = "inspection.SubmitSelfReport"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var status, path, name string
		var committee int64
		if err := tx.QueryRowContext(ctx, `SELECT r.status, r.unit_id, t.unit_path, u.name FROM inspection_rounds r JOIN inspection_round_targets t ON t.round_id = r.id JOIN units u ON u.id = t.unit_id
			WHERE r.id = ? AND t.unit_id = ?`, roundID, in.UnitID).Scan(&status, &committee, &path, &name); err != nil {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị được kiểm tra, giám sát của đoàn.")
		}
		if !s.actsFor(ctx, tx, p, path) {
			return apperr.New(apperr.Forbidden, op, "Chỉ đơn vị được kiểm tra, giám sát gửi báo cáo tự kiểm tra của mình.")
		}
		if status != "open" {
			return apperr.New(apperr.Conflict, op, "Đoàn đã có thông báo kết luận; không nhận thêm báo cáo tự kiểm tra.")
		}
		in.Body = search.Clean(in.Body)
		if in.Body == "" && !in.HasFiles {
			var v apperr.Validation
			v.Op = op
			v.Add("body", "Hãy viết báo cáo tự kiểm tra hoặc tải lên tệp báo cáo.")
			return v.Err()
		}
		now := sqldb.FormatTime(tx.Now())
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM inspection_self_reports WHERE round_id = ? AND unit_id = ?`, roundID, in.UnitID).Scan(&id)
		if err == nil {
			body := in.Body
			if body == "" {
				// Files alone do not erase a text sent before.
				_ = tx.QueryRowContext(ctx, `SELECT body FROM inspection_self_reports WHERE id = ?`, id).Scan(&body)
			}
			_, err = tx.ExecContext(ctx, `UPDATE inspection_self_reports SET body = ?, submitted_by = ?, submitted_at = ? WHERE id = ?`, body, p.UserID, now, id)
		} else {
			id, err = tx.InsertID(ctx, `INSERT INTO inspection_self_reports (round_id, unit_id, unit_path, body, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				roundID, in.UnitID, path, in.Body, p.UserID, now)
		}
		if err != nil {
			return apperr.Wrap(op, err)
		}
		if in.Attach != nil {
			if err := in.Attach(ctx, tx, id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: committee, Entity: "inspection_round", EntityID: roundID, Action: "self_report",
			Summary: "Gửi báo cáo tự kiểm tra của " + name, After: map[string]any{"unit": in.UnitID, "body": in.Body, "files": in.HasFiles}})
	})
}

// CanSeeSelfReport reports whether p may read a self-report (and download its files): as
// the round's page shows it, a target its own, the team and committee all.
func (s *Service) CanSeeSelfReport(ctx context.Context, p *org.Principal, reportID int64) bool {
	var roundID, unitID int64
	if s.DB.QueryRowContext(ctx, `SELECT round_id, unit_id FROM inspection_self_reports WHERE id = ?`, reportID).Scan(&roundID, &unitID) != nil {
		return false
	}
	r, err := s.Round(ctx, p, roundID)
	if err != nil {
		return false
	}
	for _, t := range r.TargetIDs {
		if t == unitID {
			return true
		}
	}
	return false
}
