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

	vals := make([]int64, n)
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, n)
	}
	if scope.Contains(q.Scope) {
		// p sees every target of the scope: the counters (migration 0746) hold the answer.
		err = s.countedRecommendations(ctx, q, today, vals, b.ByChild, pts, idx)
	} else {
		err = s.scannedRecommendations(ctx, q, today, vis, visArgs, big, vals, b.ByChild, findChild, pts, idx)
	}
	if err != nil {
		return nil, err
	}

	vals[figRounds], vals[figTargets] = int64(len(total.rounds)), int64(len(total.targets))
	for i, c := range q.Children {
		if byChild[i] != nil {
			b.ByChild[c][figRounds], b.ByChild[c][figTargets] = int64(len(byChild[i].rounds)), int64(len(byChild[i].targets))
		}
	}
	for m, bk := range byMonth {
		if i, ok := idx[m]; ok {
			pts[i].Values[figRounds], pts[i].Values[figTargets] = int64(len(bk.rounds)), int64(len(bk.targets))
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

// The block's figures, in order.
const (
	figRounds = iota
	figTargets
	figRecs
	figRecsDone
	figRecsOverdue
)

// scannedRecommendations counts the recommendations of the period's conclusions into
// figures 2–4 of vals, each child's row and the trend from the rows, for a reader who
// sees only part of the scope's targets. The task's status and deadline are the
// recommendation's own copy (migration 0745). A big scope starts from the period's
// concluded rounds, materialised: otherwise PostgreSQL hashes every recommendation with
// every target and probes the rounds 92.740 times (1,2 s at national size).
func (s *Service) scannedRecommendations(ctx context.Context, q figures.Query, today, vis string, visArgs []any, big bool,
	vals []int64, byChild map[string][]int64, findChild func(string) int, pts []figures.Point, idx map[string]int) error {
	const op = "inspection.Figures"
	lo, hi := q.Scope, sqldb.PathEnd(q.Scope)
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
	rows, err := s.DB.QueryContext(ctx, recQuery, recArgs...)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, concl, status, due, carried string
		if err := rows.Scan(&path, &concl, &status, &due, &carried); err != nil {
			return apperr.Wrap(op, err)
		}
		add := func(v []int64) {
			v[figRecs]++
			switch {
			case status == plan.StatusDone:
				v[figRecsDone]++
			case carried == "" && due < today:
				v[figRecsOverdue]++
			}
		}
		add(vals)
		if i := findChild(path); i >= 0 {
			add(byChild[q.Children[i]])
		}
		if i, ok := idx[concl[:min(7, len(concl))]]; ok && q.Trend {
			add(pts[i].Values)
		}
	}
	return apperr.Wrap(op, rows.Err())
}

// countedRecommendations fills figures 2–4 of vals, each child's row and the trend from
// the counters (migration 0746), for a reader who sees every target of the scope: the
// scope's and each child's rows over the period's conclusion days. Overdue is the pending
// minus those not yet due, read from the recommendations (only recent conclusions can be
// not yet due). TestRecommendationCountsFollowEveryChange holds it to the row scan.
func (s *Service) countedRecommendations(ctx context.Context, q figures.Query, today string,
	vals []int64, byChild map[string][]int64, pts []figures.Point, idx map[string]int) error {
	const op = "inspection.Figures"
	scope := figures.UnitID(q.Scope)
	ids := append([]int64{scope}, figures.ChildIDs(q.Children)...)
	byUnit, err := recCounts.Sums(ctx, s.DB, q.From, q.To, ids)
	if err != nil {
		return err
	}
	put := func(row, v []int64) {
		if v != nil {
			row[figRecs], row[figRecsDone], row[figRecsOverdue] = v[0], v[1], v[2]
		}
	}
	put(vals, byUnit[scope])
	for _, c := range q.Children {
		if row := byChild[c]; row != nil {
			put(row, byUnit[figures.UnitID(c)])
		}
	}
	if q.Trend {
		months, err := recCounts.Trend(ctx, s.DB, scope, q.From, q.To)
		if err != nil {
			return err
		}
		for m, v := range months {
			if i, ok := idx[m]; ok {
				put(pts[i].Values, v)
			}
		}
	}
	// The pending not yet due are taken off: few, the last weeks' conclusions.
	findChild := figures.ChildFinder(q.Children)
	rows, err := s.DB.QueryContext(ctx, `SELECT t.unit_path, r.conclusion_on
		FROM inspection_recommendations rc JOIN inspection_rounds r ON r.id = rc.round_id
		JOIN inspection_round_targets t ON t.round_id = rc.round_id AND t.unit_id = rc.target_id
		WHERE rc.carried = '' AND rc.task_status <> 'done' AND rc.task_due_on >= ?
		AND r.conclusion_on >= ? AND r.conclusion_on <= ? AND t.unit_path >= ? AND t.unit_path < ?`,
		today, q.From, q.To, q.Scope, sqldb.PathEnd(q.Scope))
	if err != nil {
		return apperr.Wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, concl string
		if err := rows.Scan(&path, &concl); err != nil {
			return apperr.Wrap(op, err)
		}
		vals[figRecsOverdue]--
		if i := findChild(path); i >= 0 {
			byChild[q.Children[i]][figRecsOverdue]--
		}
		if i, ok := idx[concl[:min(7, len(concl))]]; ok && q.Trend {
			pts[i].Values[figRecsOverdue]--
		}
	}
	return apperr.Wrap(op, rows.Err())
}
