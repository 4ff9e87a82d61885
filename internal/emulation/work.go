package emulation

import (
	"context"
	"fmt"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// OpenWork lists, for "Việc của tôi": candidates of open rounds waiting for the person's
// score (not their own models), requests for support waiting for their answer, and
// models waiting for their approval. Each list is bounded.
func (s *Service) OpenWork(ctx context.Context, p *org.Principal) ([]work.Item, error) {
	if p.IsZero() {
		return nil, nil
	}
	var out []work.Item
	if sc := p.Scope(org.AssessModel); !sc.Empty() {
		cond, args := sc.SQL("c.unit_path")
		args = append([]any{p.UserID, p.UserID, p.PersonID}, args...)
		rows, err := s.DB.QueryContext(ctx, `SELECT c.id, r.id, r.name, m.id, m.name, un.name FROM model_candidates c JOIN model_rounds r ON r.id = c.round_id JOIN models m ON m.id = c.model_id JOIN units un ON un.id = m.unit_id
			WHERE r.state = 'open' AND m.state IN ('reviewed', 'assessed') AND NOT EXISTS (SELECT 1 FROM model_scores x WHERE x.candidate_id = c.id AND x.assessor_id = ?)
			AND (m.created_by IS NULL OR m.created_by <> ?) AND (m.owner_person IS NULL OR m.owner_person <> ?) AND `+cond+` ORDER BY c.id LIMIT 100`, args...)
		if err != nil {
			return nil, apperr.Wrap("emulation.OpenWork", err)
		}
		for rows.Next() {
			var cid, rid, mid int64
			var round, name, unit string
			if err := rows.Scan(&cid, &rid, &round, &mid, &name, &unit); err != nil {
				rows.Close()
				return nil, apperr.Wrap("emulation.OpenWork", err)
			}
			out = append(out, work.Item{Kind: "Chấm điểm mô hình", Title: name + " (" + round + ")", Link: fmt.Sprintf("/model-rounds/%d/candidates/%d", rid, cid), Unit: unit, Status: "Chờ bạn chấm điểm"})
		}
		rows.Close()
	}
	if sc := p.Scope(org.ApproveModel); !sc.Empty() {
		cond, args := sc.SQL("sp.to_unit_path")
		sps, err := s.querySupports(ctx, ` WHERE sp.answered_at = '' AND `+cond+` ORDER BY sp.asked_at LIMIT 100`, args...)
		if err != nil {
			return nil, err
		}
		for _, sp := range sps {
			out = append(out, work.Item{Kind: "Đề nghị hỗ trợ mô hình", Title: sp.ModelName, Link: fmt.Sprintf("/models/%d#support-%d", sp.ModelID, sp.ID), Unit: sp.ToUnitName, Status: "Chờ trả lời"})
		}
		mcond, margs := sc.SQL("m.unit_path")
		rows, err := s.DB.QueryContext(ctx, `SELECT m.id, m.name, un.name FROM models m JOIN units un ON un.id = m.unit_id WHERE m.state = 'registered' AND `+mcond+` ORDER BY m.id LIMIT 100`, margs...)
		if err != nil {
			return nil, apperr.Wrap("emulation.OpenWork", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name, unit string
			if err := rows.Scan(&id, &name, &unit); err != nil {
				return nil, apperr.Wrap("emulation.OpenWork", err)
			}
			out = append(out, work.Item{Kind: "Duyệt mô hình", Title: name, Link: fmt.Sprintf("/models/%d", id), Unit: unit, Status: Registered.Label()})
		}
	}
	return out, nil
}

var _ work.Source = (*Service)(nil)

// SupportReminderDays is how long a request for support may wait before its answerers
// are reminded.
const SupportReminderDays = 7

// Remind sends the in-app reminders, once per (model, reason, ref): to the leaders of
// the upper unit for requests for support unanswered for SupportReminderDays, and to the
// registrant of a model in progress without a report for StuckDays. It is the Run of the
// "models.reminders" task and is idempotent.
func (s *Service) Remind(ctx context.Context, now time.Time) error {
	ctx = audit.WithActor(ctx, audit.Actor{Name: "Hệ thống nhắc việc"})
	sps, err := s.querySupports(ctx, ` WHERE sp.answered_at = '' AND sp.asked_at < ? AND NOT EXISTS (SELECT 1 FROM model_reminders r WHERE r.model_id = sp.model_id AND r.reason = 'support' AND r.ref = CAST(sp.id AS TEXT)) ORDER BY sp.id LIMIT 500`,
		sqldb.FormatTime(now.AddDate(0, 0, -SupportReminderDays)))
	if err != nil {
		return err
	}
	for _, sp := range sps {
		err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			if sent, err := claimReminder(ctx, tx, sp.ModelID, "support", itoa(sp.ID)); err != nil || !sent {
				return err
			}
			up, err := org.GetUnit(ctx, tx, sp.ToUnitID)
			if err != nil {
				return err
			}
			for _, uid := range leadersOf(ctx, tx, up) {
				if err := notify.Send(ctx, tx, notify.Note{UserID: uid, Kind: "model.support-overdue", Title: "Đề nghị hỗ trợ chưa được trả lời: " + sp.ModelName,
					Body: fmt.Sprintf("Gửi từ %s, quá %d ngày chưa trả lời.", sp.AskedName, SupportReminderDays), Link: fmt.Sprintf("/models/%d#support-%d", sp.ModelID, sp.ID)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT m.id, m.name, m.watch_at, COALESCE(m.created_by, 0) FROM models m WHERE m.watch_at <> '' AND m.watch_at < ?
		AND NOT EXISTS (SELECT 1 FROM model_reminders r WHERE r.model_id = m.id AND r.reason = 'stale' AND r.ref = m.watch_at) ORDER BY m.watch_at LIMIT 500`,
		sqldb.FormatTime(now.AddDate(0, 0, -StuckDays)))
	if err != nil {
		return apperr.Wrap("emulation.Remind", err)
	}
	type stale struct {
		id          int64
		name, watch string
		user        int64
	}
	var list []stale
	for rows.Next() {
		var x stale
		if err := rows.Scan(&x.id, &x.name, &x.watch, &x.user); err != nil {
			rows.Close()
			return apperr.Wrap("emulation.Remind", err)
		}
		list = append(list, x)
	}
	rows.Close()
	for _, x := range list {
		err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			if sent, err := claimReminder(ctx, tx, x.id, "stale", x.watch); err != nil || !sent {
				return err
			}
			return notify.Send(ctx, tx, notify.Note{UserID: x.user, Kind: "model.stale", Title: "Mô hình chưa có báo cáo " + fmt.Sprint(StuckDays) + " ngày: " + x.name,
				Body: "Hãy báo cáo tiến độ, hoặc đề nghị hỗ trợ nếu gặp khó khăn.", Link: fmt.Sprintf("/models/%d", x.id)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// claimReminder records (model, reason, ref) and reports whether it was new.
func claimReminder(ctx context.Context, tx *sqldb.Tx, modelID int64, reason, ref string) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO model_reminders (model_id, reason, ref, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, modelID, reason, ref, sqldb.FormatTime(tx.Now()))
	if err != nil {
		return false, apperr.Wrap("emulation.claimReminder", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
