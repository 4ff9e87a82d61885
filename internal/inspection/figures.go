package inspection

import (
	"context"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Figures implements figures.Source: block "inspection", counted by target unit, so a
// subtree's figures are the rounds about its units (whoever held them) and the
// recommendations made to them. Rights: a target counts when p may view inspections on
// the target's own path — the committee above sees every target of its subtree, a target
// unit the rounds about itself (as Round shows them), never another target's.
//
// Period figures: rounds that started in the period with a target in the scope, the
// distinct target units of those rounds, and the recommendations of conclusions issued
// in the period. "Done" is a recommendation whose task was accepted; "overdue" one whose
// task is open past its due date today and not carried over. Trend: rounds by start
// month, recommendations by the conclusion's month.
func (s *Service) Figures(ctx context.Context, p *org.Principal, q figures.Query) ([]figures.Block, error) {
	const op = "inspection.Figures"
	if p.IsZero() || !q.Valid() {
		return nil, nil
	}
	scope := p.Scope(org.ViewInspection)
	if scope.Empty() {
		return nil, nil
	}
	unit := strconv.FormatInt(figures.UnitID(q.Scope), 10)
	cover := "/inspections/coverage?unit=" + unit
	b := figures.Block{Key: "inspection", Title: "Kiểm tra, giám sát", Figures: []figures.Figure{
		{Key: "rounds", Label: "Đợt kiểm tra, giám sát", Href: cover},
		{Key: "targets", Label: "Đơn vị được kiểm tra, giám sát", Href: cover},
		{Key: "recommendations", Label: "Kiến nghị sau kết luận", Href: cover},
		{Key: "recommendations_done", Label: "Kiến nghị đã thực hiện xong", Href: cover},
		{Key: "recommendations_overdue", Label: "Kiến nghị quá hạn", Href: cover, Bad: true},
	}}
	const n = 5
	vis, visArgs := scope.SQL("t.unit_path")
	lo, hi := q.Scope, sqldb.PathEnd(q.Scope)
	today := work.Today(s.DB.Now())
	total := make([]int64, n)
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, n)
	}
	var pts []figures.Point
	var idx map[string]int
	if q.Trend {
		pts, idx = figures.NewTrend(q, n)
	}

	// Rounds and targets: distinct counts, so the grouped form groups by child first.
	tFrom := ` FROM inspection_round_targets t JOIN inspection_rounds r ON r.id = t.round_id
		WHERE t.unit_path >= ? AND t.unit_path < ? AND r.starts_on >= ? AND r.starts_on <= ? AND ` + vis
	tArgs := append([]any{lo, hi, q.From, q.To}, visArgs...)
	tSums := `COUNT(DISTINCT t.round_id), COUNT(DISTINCT t.unit_id)`
	if err := s.DB.QueryRowContext(ctx, `SELECT `+tSums+tFrom, tArgs...).Scan(&total[0], &total[1]); err != nil {
		return nil, apperr.Wrap(op, err)
	}
	if len(q.Children) > 0 {
		cc, ccArgs := figures.ChildCase("t.unit_path", q.Children)
		if err := figures.Group(ctx, s.DB, `SELECT `+cc+`, `+tSums+tFrom+` GROUP BY 1`, append(ccArgs, tArgs...), 2, func(k string, v []int64) {
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(q.Children) {
				copy(b.ByChild[q.Children[i]][0:], v)
			}
		}); err != nil {
			return nil, err
		}
	}
	if q.Trend {
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(r.starts_on, 1, 7), `+tSums+tFrom+` GROUP BY 1`, tArgs, 2, func(m string, v []int64) {
			if i, ok := idx[m]; ok {
				copy(pts[i].Values[0:], v)
			}
		}); err != nil {
			return nil, err
		}
	}

	// Recommendations, through their target's row (which carries the path) and their task.
	rFrom := ` FROM inspection_recommendations rc JOIN inspection_rounds r ON r.id = rc.round_id
		JOIN inspection_round_targets t ON t.round_id = rc.round_id AND t.unit_id = rc.target_id
		JOIN tasks k ON k.id = rc.task_id
		WHERE t.unit_path >= ? AND t.unit_path < ? AND r.conclusion_on >= ? AND r.conclusion_on <= ? AND ` + vis
	rArgs := append([]any{lo, hi, q.From, q.To}, visArgs...)
	rSums := `COUNT(*), COALESCE(SUM(CASE WHEN k.status = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN k.status <> ? AND rc.carried = '' AND k.due_on < ? THEN 1 ELSE 0 END), 0)`
	rSumArgs := []any{plan.StatusDone, plan.StatusDone, today}
	all := append(append([]any{}, rSumArgs...), rArgs...)
	if err := s.DB.QueryRowContext(ctx, `SELECT `+rSums+rFrom, all...).Scan(&total[2], &total[3], &total[4]); err != nil {
		return nil, apperr.Wrap(op, err)
	}
	if len(q.Children) > 0 {
		cc, ccArgs := figures.ChildCase("t.unit_path", q.Children)
		if err := figures.Group(ctx, s.DB, `SELECT `+cc+`, `+rSums+rFrom+` GROUP BY 1`, append(ccArgs, all...), 3, func(k string, v []int64) {
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(q.Children) {
				copy(b.ByChild[q.Children[i]][2:], v)
			}
		}); err != nil {
			return nil, err
		}
	}
	if q.Trend {
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(r.conclusion_on, 1, 7), `+rSums+rFrom+` GROUP BY 1`, all, 3, func(m string, v []int64) {
			if i, ok := idx[m]; ok {
				copy(pts[i].Values[2:], v)
			}
		}); err != nil {
			return nil, err
		}
	}
	for i := range b.Figures {
		b.Figures[i].Value = total[i]
	}
	b.Trend = pts
	return []figures.Block{b}, nil
}

var _ figures.Source = (*Service)(nil)
