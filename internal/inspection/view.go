package inspection

import (
	"context"
	"fmt"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Finding is what the team found at one target on one topic.
type Finding struct {
	ID       int64
	TargetID int64
	TopicID  int64
	Content  string
}

// Round is a round as one reader sees it: Findings hold only what that reader may see.
type Round struct {
	ID         int64
	UnitPath   string
	DecisionNo string
	Status     string
	TargetIDs  []int64
	Findings   []Finding
}

// access says how p sees round id: the committee and the team see everything (the team
// even when the targets lie outside its own unit); a target sees the round, and only its
// own findings; anyone else does not see it. own lists the targets p may read.
func (s *Service) access(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64, path string) (all bool, own map[int64]bool, err error) {
	if p.CanPath(org.ViewInspection, path) {
		return true, nil, nil
	}
	var one int
	if p.PersonID != 0 && q.QueryRowContext(ctx, `SELECT 1 FROM inspection_members WHERE round_id = ? AND person_id = ?`, id, p.PersonID).Scan(&one) == nil {
		return true, nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT unit_id, unit_path FROM inspection_round_targets WHERE round_id = ?`, id)
	if err != nil {
		return false, nil, apperr.Wrap("inspection.access", err)
	}
	defer rows.Close()
	own = map[int64]bool{}
	for rows.Next() {
		var tid int64
		var tp string
		if err := rows.Scan(&tid, &tp); err != nil {
			return false, nil, apperr.Wrap("inspection.access", err)
		}
		if p.CanPath(org.ViewInspection, tp) {
			own[tid] = true
		}
	}
	return false, own, apperr.Wrap("inspection.access", rows.Err())
}

// Round returns round id as p may see it. Errors: NotFound (also when p may not see it).
func (s *Service) Round(ctx context.Context, p *org.Principal, id int64) (Round, error) {
	const op = "inspection.Round"
	var r Round
	if err := s.DB.QueryRowContext(ctx, `SELECT id, unit_path, decision_no, status FROM inspection_rounds WHERE id = ?`, id).Scan(&r.ID, &r.UnitPath, &r.DecisionNo, &r.Status); err != nil {
		return r, apperr.New(apperr.NotFound, op, "Không tìm thấy đoàn kiểm tra, giám sát.")
	}
	all, own, err := s.access(ctx, s.DB, p, id, r.UnitPath)
	if err != nil {
		return r, err
	}
	if !all && len(own) == 0 {
		return Round{}, apperr.New(apperr.NotFound, op, "Không tìm thấy đoàn kiểm tra, giám sát.")
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT unit_id FROM inspection_round_targets WHERE round_id = ? ORDER BY unit_id`, id)
	if err != nil {
		return r, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var tid int64
		if err := rows.Scan(&tid); err != nil {
			rows.Close()
			return r, apperr.Wrap(op, err)
		}
		if all || own[tid] {
			r.TargetIDs = append(r.TargetIDs, tid)
		}
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT id, target_id, topic_id, content FROM inspection_findings WHERE round_id = ? ORDER BY id`, id)
	if err != nil {
		return r, apperr.Wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var f Finding
		if err := rows.Scan(&f.ID, &f.TargetID, &f.TopicID, &f.Content); err != nil {
			return r, apperr.Wrap(op, err)
		}
		if all || own[f.TargetID] {
			r.Findings = append(r.Findings, f)
		}
	}
	return r, apperr.Wrap(op, rows.Err())
}

// AddFinding records a finding at a target on a topic, by the committee or a team
// member, while the round is open. Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *Service) AddFinding(ctx context.Context, p *org.Principal, roundID int64, f Finding) (int64, error) {
	const op = "inspection.AddFinding"
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var unitID int64
		var path, status string
		if err := tx.QueryRowContext(ctx, `SELECT unit_id, unit_path, status FROM inspection_rounds WHERE id = ?`, roundID).Scan(&unitID, &path, &status); err != nil {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy đoàn kiểm tra, giám sát.")
		}
		var member int
		isMember := p.PersonID != 0 && tx.QueryRowContext(ctx, `SELECT 1 FROM inspection_members WHERE round_id = ? AND person_id = ?`, roundID, p.PersonID).Scan(&member) == nil
		if !isMember && !p.CanPath(org.ManageInspection, path) {
			return apperr.New(apperr.Forbidden, op, "Chỉ thành viên đoàn ghi nhận kết quả kiểm tra, giám sát.")
		}
		if status != "open" {
			return apperr.New(apperr.Conflict, op, "Đoàn đã có thông báo kết luận; không ghi thêm kết quả.")
		}
		var v apperr.Validation
		v.Op = op
		var one int
		if tx.QueryRowContext(ctx, `SELECT 1 FROM inspection_round_targets WHERE round_id = ? AND unit_id = ?`, roundID, f.TargetID).Scan(&one) != nil {
			v.Add("target_id", "Hãy chọn một đơn vị được kiểm tra, giám sát của đoàn.")
		}
		if tx.QueryRowContext(ctx, `SELECT 1 FROM inspection_topics WHERE id = ?`, f.TopicID).Scan(&one) != nil {
			v.Add("topic_id", "Hãy chọn chủ đề.")
		}
		if f.Content = search.Clean(f.Content); f.Content == "" {
			v.Add("content", "Hãy nhập nội dung kết quả.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		var err error
		id, err = tx.InsertID(ctx, `INSERT INTO inspection_findings (round_id, target_id, topic_id, content, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			roundID, f.TargetID, f.TopicID, f.Content, sqldb.FormatTime(tx.Now()))
		if err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "inspection_round", EntityID: roundID, Action: "finding",
			Summary: fmt.Sprintf("Ghi nhận kết quả kiểm tra, giám sát: %s", f.Content), After: f})
	})
	return id, err
}
