package inspection

import (
	"context"
	"fmt"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// RecommendationInput is one recommendation of a conclusion, for one target unit.
type RecommendationInput struct {
	TargetID int64
	Content  string
	LeadID   int64 // the person answerable in the target unit
	DueDays  int   // working days from the conclusion
}

// ConclusionInput is the conclusion (thông báo kết luận).
type ConclusionInput struct {
	Number          string
	IssuedOn        string
	Text            string
	Referral        string // a case referred, and to whom; discipline itself is out of scope
	Recommendations []RecommendationInput
}

type roundRow struct {
	unitID     int64
	path       string
	status     string
	decisionNo string
}

func (s *Service) lockRound(ctx context.Context, tx *sqldb.Tx, p *org.Principal, id int64, op string) (roundRow, error) {
	var r roundRow
	// A no-op update takes the row's lock on both engines: two concurrent conclusions or
	// closes of one round are serialised and the second sees the first's status.
	if _, err := tx.ExecContext(ctx, `UPDATE inspection_rounds SET updated_at = updated_at WHERE id = ?`, id); err != nil {
		return r, apperr.Wrap(op, err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT unit_id, unit_path, status, decision_no FROM inspection_rounds WHERE id = ?`, id).Scan(&r.unitID, &r.path, &r.status, &r.decisionNo); err != nil {
		return r, apperr.New(apperr.NotFound, op, "Không tìm thấy đoàn kiểm tra, giám sát.")
	}
	if !p.CanPath(org.ManageInspection, r.path) {
		return r, apperr.New(apperr.Forbidden, op, "Bạn không có quyền thay đổi đoàn kiểm tra, giám sát này.")
	}
	return r, nil
}

// Conclude issues the conclusion: each recommendation becomes a task of its target unit
// with its person answerable and a working-day deadline, all or nothing. Errors:
// NotFound, Forbidden, Invalid, Conflict.
func (s *Service) Conclude(ctx context.Context, p *org.Principal, id int64, in ConclusionInput) error {
	const op = "inspection.Conclude"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := s.lockRound(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if r.status != "open" {
			return apperr.New(apperr.Conflict, op, "Đoàn đã có thông báo kết luận.")
		}
		var v apperr.Validation
		v.Op = op
		n, ok := parseDecision(in.Number)
		if !ok {
			v.Add("number", "Số thông báo kết luận không đọc được theo thể thức văn bản của Đảng (ví dụ 05-TB/ĐUK).")
		}
		if len(in.IssuedOn) != 10 {
			v.Add("issued_on", "Hãy nhập ngày ban hành thông báo kết luận.")
		}
		in.Text, in.Referral = search.Clean(in.Text), search.Clean(in.Referral)
		if in.Text == "" {
			v.Add("text", "Hãy nhập nội dung kết luận.")
		}
		targets := map[int64]string{}
		rows, err := tx.QueryContext(ctx, `SELECT t.unit_id, u.name FROM inspection_round_targets t JOIN units u ON u.id = t.unit_id WHERE t.round_id = ?`, id)
		if err != nil {
			return apperr.Wrap(op, err)
		}
		for rows.Next() {
			var tid int64
			var name string
			if err := rows.Scan(&tid, &name); err != nil {
				rows.Close()
				return apperr.Wrap(op, err)
			}
			targets[tid] = name
		}
		rows.Close()
		for i, rec := range in.Recommendations {
			k := i + 1
			if _, ok := targets[rec.TargetID]; !ok {
				v.Add("recommendations", fmt.Sprintf("Kiến nghị %d: hãy chọn một đơn vị được kiểm tra, giám sát của đoàn.", k))
			}
			if strings.TrimSpace(rec.Content) == "" {
				v.Add("recommendations", fmt.Sprintf("Kiến nghị %d: hãy nhập nội dung.", k))
			}
			if rec.LeadID == 0 {
				v.Add("recommendations", fmt.Sprintf("Kiến nghị %d chưa có người chịu trách nhiệm thực hiện.", k))
			}
			if rec.DueDays <= 0 {
				v.Add("recommendations", fmt.Sprintf("Kiến nghị %d: hãy nhập thời hạn (số ngày làm việc).", k))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		for i, rec := range in.Recommendations {
			taskID, err := s.Plans.CreateTaskTx(ctx, tx, p, plan.TaskInput{
				Title:       "Thực hiện kiến nghị của Thông báo kết luận " + n.Display() + ": " + search.Clean(rec.Content),
				Description: "Kiến nghị số " + fmt.Sprint(i+1) + " của đoàn kiểm tra, giám sát theo Quyết định " + r.decisionNo + ".",
				UnitID:      rec.TargetID, LeadID: rec.LeadID, StartOn: in.IssuedOn, DueDays: rec.DueDays, Priority: 2})
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_recommendations (round_id, target_id, seq, content, task_id, task_status, task_due_on)
				SELECT ?, ?, ?, ?, t.id, t.status, t.due_on FROM tasks t WHERE t.id = ?`,
				id, rec.TargetID, i+1, search.Clean(rec.Content), taskID); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_rounds SET status = 'concluded', conclusion_no = ?, conclusion_on = ?, conclusion = ?, referral = ?, updated_at = ? WHERE id = ?`,
			n.Display(), in.IssuedOn, in.Text, in.Referral, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		made, err := readRecs(ctx, tx, `rc.round_id = ?`, id)
		if err != nil {
			return err
		}
		if err := countRecs(ctx, tx, nil, made); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.unitID, Entity: "inspection_round", EntityID: id, Action: "conclude",
			Summary: fmt.Sprintf("Ban hành Thông báo kết luận %s với %d kiến nghị", n.Display(), len(in.Recommendations)), After: in})
	})
}

// CarryOver marks a recommendation carried over to a later round, with the reason, so
// the round may close without it. Errors: NotFound, Forbidden, Invalid.
func (s *Service) CarryOver(ctx context.Context, p *org.Principal, recID int64, reason string) error {
	const op = "inspection.CarryOver"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var roundID int64
		if err := tx.QueryRowContext(ctx, `SELECT round_id FROM inspection_recommendations WHERE id = ?`, recID).Scan(&roundID); err != nil {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy kiến nghị.")
		}
		r, err := s.lockRound(ctx, tx, p, roundID, op)
		if err != nil {
			return err
		}
		if reason = search.Clean(reason); reason == "" {
			var v apperr.Validation
			v.Op = op
			v.Add("reason", "Hãy ghi lý do chuyển kiến nghị sang kỳ sau.")
			return v.Err()
		}
		// Touched first, so on PostgreSQL the row is locked before the counters read it: a
		// carry-over and its task's acceptance at once would each count it out of "pending".
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_recommendations SET carried = carried WHERE id = ?`, recID); err != nil {
			return apperr.Wrap(op, err)
		}
		before, err := readRecs(ctx, tx, `rc.id = ?`, recID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_recommendations SET carried = ? WHERE id = ?`, reason, recID); err != nil {
			return apperr.Wrap(op, err)
		}
		after := changed(before, func(c *countedRec) { c.Carried = true })
		if err := countRecs(ctx, tx, before, after); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.unitID, Entity: "inspection_round", EntityID: roundID, Action: "carry_over",
			Summary: "Chuyển kiến nghị sang kỳ sau: " + reason, After: map[string]any{"recommendation": recID}})
	})
}

// Close closes a concluded round when every recommendation is accepted (its task done)
// or carried over. Errors: NotFound, Forbidden, Conflict.
func (s *Service) Close(ctx context.Context, p *org.Principal, id int64) error {
	const op = "inspection.Close"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		r, err := s.lockRound(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if r.status != "concluded" {
			return apperr.New(apperr.Conflict, op, "Chỉ kết thúc đoàn đã có thông báo kết luận và chưa kết thúc.")
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM inspection_recommendations r JOIN tasks t ON t.id = r.task_id
			WHERE r.round_id = ? AND r.carried = '' AND t.status <> ?`, id, plan.StatusDone).Scan(&open); err != nil {
			return apperr.Wrap(op, err)
		}
		if open > 0 {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Còn %d kiến nghị chưa được nghiệm thu hoặc chuyển sang kỳ sau: chưa thể kết thúc đoàn.", open))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inspection_rounds SET status = 'closed', updated_at = ? WHERE id = ?`, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: r.unitID, Entity: "inspection_round", EntityID: id, Action: "close", Summary: "Kết thúc đoàn kiểm tra, giám sát"})
	})
}
