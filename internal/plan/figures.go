package plan

import (
	"context"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Figures implements figures.Source: block "plans" (tasks of the subtree the principal may
// see, as in the task list) and block "training" (sessions held in the period, as in the
// training list). Period figures (assigned, done, done on time, sessions) count by the
// task's start date, the acceptance date and the session date; "overdue" and "open" are
// the state now, exactly the task list's "Quá hạn" and "Chưa xong" filters.
func (s *Service) Figures(ctx context.Context, p *org.Principal, q figures.Query) ([]figures.Block, error) {
	if p.IsZero() || !q.Valid() {
		return nil, nil
	}
	tasks, err := s.taskFigures(ctx, p, q)
	if err != nil {
		return nil, err
	}
	training, err := s.trainingFigures(ctx, p, q)
	if err != nil {
		return nil, err
	}
	return []figures.Block{tasks, training}, nil
}

func (s *Service) taskFigures(ctx context.Context, p *org.Principal, q figures.Query) (figures.Block, error) {
	unit := strconv.FormatInt(figures.UnitID(q.Scope), 10)
	b := figures.Block{Key: "plans", Title: "Kế hoạch và nhiệm vụ", Figures: []figures.Figure{
		{Key: "assigned", Label: "Nhiệm vụ giao trong kỳ", Href: "/tasks?unit=" + unit},
		{Key: "done", Label: "Đã hoàn thành trong kỳ", Href: "/tasks?status=done&unit=" + unit},
		{Key: "done_on_time", Label: "Hoàn thành đúng hạn", Href: "/tasks?status=done&unit=" + unit},
		{Key: "overdue", Label: "Đang quá hạn", Href: "/tasks?status=late&unit=" + unit, Bad: true},
		{Key: "open", Label: "Chưa hoàn thành", Href: "/tasks?status=active&unit=" + unit},
	}}
	today := work.Today(s.DB.Now())
	if p.CanPath(org.AssignTask, q.Scope) {
		return s.countedFigures(ctx, b, q, today)
	}
	return s.scannedFigures(ctx, p, b, q, today)
}

// scannedFigures answers the tasks block from the task rows the principal may see: for a
// reader who sees only the tasks they lead or support, which the counters cannot tell apart.
func (s *Service) scannedFigures(ctx context.Context, p *org.Principal, b figures.Block, q figures.Query, today string) (figures.Block, error) {
	sums := `COALESCE(SUM(CASE WHEN t.start_on >= ? AND t.start_on <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status = 'done' AND t.done_on >= ? AND t.done_on <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status = 'done' AND t.done_on >= ? AND t.done_on <= ? AND t.submitted_on <= t.due_on THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status IN ('open', 'doing') AND t.due_on < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status <> 'done' THEN 1 ELSE 0 END), 0)`
	sumArgs := []any{q.From, q.To, q.From, q.To, q.From, q.To, today}
	vis, visArgs := visibleCond(p)
	where := ` FROM tasks t WHERE t.unit_path >= ? AND t.unit_path < ? AND ` + vis
	whereArgs := append([]any{q.Scope, sqldb.PathEnd(q.Scope)}, visArgs...)

	vals := make([]int64, 5)
	if err := s.DB.QueryRowContext(ctx, `SELECT `+sums+where, append(append([]any{}, sumArgs...), whereArgs...)...).
		Scan(&vals[0], &vals[1], &vals[2], &vals[3], &vals[4]); err != nil {
		return b, apperr.Wrap("plan.Figures", err)
	}
	for i := range vals {
		b.Figures[i].Value = vals[i]
	}
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, 5)
		cc, ccArgs := figures.ChildCase("t.unit_path", q.Children)
		args := append(append(append([]any{}, ccArgs...), sumArgs...), whereArgs...)
		if err := figures.Group(ctx, s.DB, `SELECT `+cc+`, `+sums+where+` GROUP BY 1`, args, 5, func(k string, v []int64) {
			if i, _ := strconv.Atoi(k); i >= 0 && i < len(q.Children) {
				b.ByChild[q.Children[i]] = v
			}
		}); err != nil {
			return b, err
		}
	}
	if q.Trend {
		pts, idx := figures.NewTrend(q, 5)
		put := func(col int) func(string, []int64) {
			return func(m string, v []int64) {
				if i, ok := idx[m]; ok {
					for j, x := range v {
						pts[i].Values[col+j] = x
					}
				}
			}
		}
		// Assigned and still open by start month; done and on time by acceptance month;
		// overdue now by the month the task was due.
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(t.start_on, 1, 7), COUNT(*), COALESCE(SUM(CASE WHEN t.status <> 'done' THEN 1 ELSE 0 END), 0)`+where+` AND t.start_on >= ? AND t.start_on <= ? GROUP BY 1`,
			append(append([]any{}, whereArgs...), q.From, q.To), 2, func(m string, v []int64) { put(0)(m, v[:1]); put(4)(m, v[1:]) }); err != nil {
			return b, err
		}
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(t.done_on, 1, 7), COUNT(*), COALESCE(SUM(CASE WHEN t.submitted_on <= t.due_on THEN 1 ELSE 0 END), 0)`+where+` AND t.status = 'done' AND t.done_on >= ? AND t.done_on <= ? GROUP BY 1`,
			append(append([]any{}, whereArgs...), q.From, q.To), 2, put(1)); err != nil {
			return b, err
		}
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(t.due_on, 1, 7), COUNT(*)`+where+` AND t.status IN ('open', 'doing') AND t.due_on < ? AND t.due_on >= ? AND t.due_on <= ? GROUP BY 1`,
			append(append([]any{}, whereArgs...), today, q.From, q.To), 1, put(3)); err != nil {
			return b, err
		}
		b.Trend = pts
	}
	return b, nil
}

// countedFigures answers the tasks block from the counters (migration 0204) when the
// principal sees every task of the scope: the scope and each child are one unit's rows,
// and the numbers are those of the row scan below, as current as the tasks themselves
// (the counters are written in each change's transaction). TestCountedFiguresEqualScan
// holds the two paths to the same answer.
func (s *Service) countedFigures(ctx context.Context, b figures.Block, q figures.Query, today string) (figures.Block, error) {
	unit := figures.UnitID(q.Scope)
	ids := append([]int64{unit}, figures.ChildIDs(q.Children)...)
	args := []any{q.From, q.To, q.From, q.To, q.From, q.To, today}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT unit_id,
		COALESCE(SUM(CASE WHEN day >= ? AND day <= ? THEN started ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN day >= ? AND day <= ? THEN done ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN day >= ? AND day <= ? THEN done_on_time ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN day < ? THEN due_active ELSE 0 END), 0),
		COALESCE(SUM(due_open), 0)
		FROM task_counts WHERE unit_id IN (`+figures.Placeholders(len(ids))+`) GROUP BY unit_id`, args...)
	if err != nil {
		return b, apperr.Wrap("plan.Figures", err)
	}
	byUnit := map[int64][]int64{}
	for rows.Next() {
		var id int64
		v := make([]int64, 5)
		if err := rows.Scan(&id, &v[0], &v[1], &v[2], &v[3], &v[4]); err != nil {
			rows.Close()
			return b, apperr.Wrap("plan.Figures", err)
		}
		byUnit[id] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, apperr.Wrap("plan.Figures", err)
	}
	for i, v := range byUnit[unit] {
		b.Figures[i].Value = v
	}
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, 5)
		for _, c := range q.Children {
			if v, ok := byUnit[figures.UnitID(c)]; ok {
				b.ByChild[c] = v
			}
		}
	}
	if q.Trend {
		pts, idx := figures.NewTrend(q, 5)
		// Columns of the block: assigned, done, done on time, overdue, open. In the trend
		// "open" is by start month (started and not yet done), overdue by the month due.
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(day, 1, 7), COALESCE(SUM(started), 0), COALESCE(SUM(done), 0), COALESCE(SUM(done_on_time), 0),
			COALESCE(SUM(CASE WHEN day < ? THEN due_active ELSE 0 END), 0), COALESCE(SUM(started_open), 0)
			FROM task_counts WHERE unit_id = ? AND day >= ? AND day <= ? GROUP BY 1`, []any{today, unit, q.From, q.To}, 5, func(m string, v []int64) {
			if i, ok := idx[m]; ok {
				copy(pts[i].Values, v)
			}
		}); err != nil {
			return b, err
		}
		b.Trend = pts
	}
	return b, nil
}

func (s *Service) trainingFigures(ctx context.Context, p *org.Principal, q figures.Query) (figures.Block, error) {
	b := figures.Block{Key: "training", Title: "Quán triệt, tập huấn, bồi dưỡng", Figures: []figures.Figure{
		{Key: "sessions", Label: "Buổi quán triệt, tập huấn", Href: "/training?year=" + q.From[:4]},
		{Key: "invited", Label: "Lượt được mời"},
		{Key: "present", Label: "Lượt có mặt"},
	}}
	vis, visArgs := p.Scope(org.ViewPlan).SQL("t.unit_path")
	// Attendance is summed per session first, so a session counts once.
	from := ` FROM training_sessions t LEFT JOIN (SELECT session_id, COUNT(*) AS invited, SUM(CASE WHEN status = 'present' THEN 1 ELSE 0 END) AS present
		FROM training_attendance GROUP BY session_id) a ON a.session_id = t.id
		WHERE t.unit_path >= ? AND t.unit_path < ? AND t.held_on >= ? AND t.held_on <= ? AND ` + vis
	args := append([]any{q.Scope, sqldb.PathEnd(q.Scope), q.From, q.To}, visArgs...)
	sums := `COUNT(*), COALESCE(SUM(a.invited), 0), COALESCE(SUM(a.present), 0)`
	vals := make([]int64, 3)
	if err := s.DB.QueryRowContext(ctx, `SELECT `+sums+from, args...).Scan(&vals[0], &vals[1], &vals[2]); err != nil {
		return b, apperr.Wrap("plan.Figures", err)
	}
	for i := range vals {
		b.Figures[i].Value = vals[i]
	}
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, 3)
		cc, ccArgs := figures.ChildCase("t.unit_path", q.Children)
		if err := figures.Group(ctx, s.DB, `SELECT `+cc+`, `+sums+from+` GROUP BY 1`, append(ccArgs, args...), 3, func(k string, v []int64) {
			if i, _ := strconv.Atoi(k); i >= 0 && i < len(q.Children) {
				b.ByChild[q.Children[i]] = v
			}
		}); err != nil {
			return b, err
		}
	}
	if q.Trend {
		pts, idx := figures.NewTrend(q, 3)
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(t.held_on, 1, 7), `+sums+from+` GROUP BY 1`, args, 3, func(m string, v []int64) {
			if i, ok := idx[m]; ok {
				pts[i].Values = v
			}
		}); err != nil {
			return b, err
		}
		b.Trend = pts
	}
	return b, nil
}
