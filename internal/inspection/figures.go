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
//
// Two queries return the period's rows (targets; recommendations) and the counting is
// done here, once for the total, the children and the months: distinct counts per child
// in SQL would need a CASE over every child per row, 1–2,6 s for the whole tree with its
// 63 provinces at national size. A scope with many targets is read from the period's
// rounds (by date), a small one from its targets (by path): see bigScope.
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
	big, err := s.bigScope(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	// The join order: SQLite takes CROSS JOIN's left table first; PostgreSQL plans it
	// as any join.
	targetsFirst := "inspection_round_targets t CROSS JOIN inspection_rounds r"
	if big {
		targetsFirst = "inspection_rounds r CROSS JOIN inspection_round_targets t"
	}

	// Where each row goes: the total, its child (the deepest child path holding the
	// target), its month.
	findChild := figures.ChildFinder(q.Children)
	var pts []figures.Point
	var idx map[string]int
	if q.Trend {
		pts, idx = figures.NewTrend(q, n)
	}
	type bucket struct{ rounds, targets map[int64]bool }
	newBucket := func() *bucket { return &bucket{rounds: map[int64]bool{}, targets: map[int64]bool{}} }
	total := newBucket()
	byChild := make([]*bucket, len(q.Children))
	byMonth := map[string]*bucket{}

	rows, err := s.DB.QueryContext(ctx, `SELECT t.round_id, t.unit_id, t.unit_path, r.starts_on FROM `+targetsFirst+`
		WHERE r.id = t.round_id AND t.unit_path >= ? AND t.unit_path < ? AND r.starts_on >= ? AND r.starts_on <= ? AND `+vis,
		append([]any{lo, hi, q.From, q.To}, visArgs...)...)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var round, target int64
		var path, starts string
		if err := rows.Scan(&round, &target, &path, &starts); err != nil {
			rows.Close()
			return nil, apperr.Wrap(op, err)
		}
		total.rounds[round], total.targets[target] = true, true
		if i := findChild(path); i >= 0 {
			if byChild[i] == nil {
				byChild[i] = newBucket()
			}
			byChild[i].rounds[round], byChild[i].targets[target] = true, true
		}
		if q.Trend && len(starts) >= 7 {
			m := byMonth[starts[:7]]
			if m == nil {
				m = newBucket()
				byMonth[starts[:7]] = m
			}
			m.rounds[round], m.targets[target] = true, true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, err)
	}

	// Recommendations of the period's conclusions, with their task's status and deadline
	// from the recommendation's own copy (migration 0745). A big scope starts from the period's
	// concluded rounds, materialised: otherwise PostgreSQL hashes every recommendation
	// with every target and probes the rounds 92.740 times (1,2 s at national size).
	vals := make([]int64, n)
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, n)
	}
	recQuery := `SELECT t.unit_path, r.conclusion_on, rc.task_status, rc.task_due_on, rc.carried
		FROM inspection_round_targets t CROSS JOIN inspection_recommendations rc CROSS JOIN inspection_rounds r
		WHERE r.id = rc.round_id AND t.round_id = rc.round_id AND t.unit_id = rc.target_id
		AND t.unit_path >= ? AND t.unit_path < ? AND r.conclusion_on >= ? AND r.conclusion_on <= ? AND ` + vis
	recArgs := append([]any{lo, hi, q.From, q.To}, visArgs...)
	if big {
		recQuery = `WITH r AS MATERIALIZED (SELECT id, conclusion_on FROM inspection_rounds WHERE conclusion_on >= ? AND conclusion_on <= ?)
		SELECT t.unit_path, r.conclusion_on, rc.task_status, rc.task_due_on, rc.carried
		FROM r JOIN inspection_recommendations rc ON rc.round_id = r.id JOIN inspection_round_targets t ON t.round_id = rc.round_id AND t.unit_id = rc.target_id
		WHERE t.unit_path >= ? AND t.unit_path < ? AND ` + vis
		recArgs = append([]any{q.From, q.To, lo, hi}, visArgs...)
	}
	rows, err = s.DB.QueryContext(ctx, recQuery, recArgs...)
	if err != nil {
		return nil, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var path, concl, status, due, carried string
		if err := rows.Scan(&path, &concl, &status, &due, &carried); err != nil {
			rows.Close()
			return nil, apperr.Wrap(op, err)
		}
		add := func(v []int64) {
			v[2]++
			switch {
			case status == plan.StatusDone:
				v[3]++
			case carried == "" && due < today:
				v[4]++
			}
		}
		add(vals)
		if i := findChild(path); i >= 0 {
			add(b.ByChild[q.Children[i]])
		}
		if i, ok := idx[concl[:min(7, len(concl))]]; ok && q.Trend {
			add(pts[i].Values)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap(op, err)
	}

	vals[0], vals[1] = int64(len(total.rounds)), int64(len(total.targets))
	for i, c := range q.Children {
		if byChild[i] != nil {
			b.ByChild[c][0], b.ByChild[c][1] = int64(len(byChild[i].rounds)), int64(len(byChild[i].targets))
		}
	}
	for m, bk := range byMonth {
		if i, ok := idx[m]; ok {
			pts[i].Values[0], pts[i].Values[1] = int64(len(bk.rounds)), int64(len(bk.targets))
		}
	}
	for i := range b.Figures {
		b.Figures[i].Value = vals[i]
	}
	b.Trend = pts
	return []figures.Block{b}, nil
}

// bigScopeTargets is the number of targets (all years) above which a scope's figures are
// read from the period's rounds rather than from the scope's targets by path (a
// variable so the tests run both ways).
var bigScopeTargets = 5000

// bigScope counts the scope's targets from the path index, stopping at the threshold.
func (s *Service) bigScope(ctx context.Context, lo, hi string) (bool, error) {
	var k int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM inspection_round_targets WHERE unit_path >= ? AND unit_path < ? LIMIT ?) x`,
		lo, hi, bigScopeTargets+1).Scan(&k); err != nil {
		return false, apperr.Wrap("inspection.Figures", err)
	}
	return k > bigScopeTargets, nil
}

var _ figures.Source = (*Service)(nil)
