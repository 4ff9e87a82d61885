package emulation

import (
	"context"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Figures implements figures.Source: block "models" from the per-unit rolled-up counters
// (model_rollup, by year), so the whole tree reads a few rows; the period counts the
// models of its years (a model belongs to the year it was registered for). "Stuck" is the
// discovery page's count now (no report for StuckDays), from the watch counters. The principal must view models
// on the whole scope. No monthly trend: the counters are yearly.
func (s *Service) Figures(ctx context.Context, p *org.Principal, q figures.Query) ([]figures.Block, error) {
	if p.IsZero() || !q.Valid() || !p.CanPath(org.ViewModel, q.Scope) {
		return nil, nil
	}
	fromY, _ := strconv.Atoi(q.From[:4])
	toY, _ := strconv.Atoi(q.To[:4])
	year := "&year=" + q.From[:4]
	b := figures.Block{Key: "models", Title: "Mô hình, điển hình dân vận khéo", Figures: []figures.Figure{
		{Key: "registered", Label: "Mô hình đăng ký", Href: "/models?" + year[1:]},
		{Key: "recognised", Label: "Được công nhận", Href: "/models?state=recognised" + year},
		{Key: "stuck", Label: "Chững lại (quá " + strconv.Itoa(StuckDays) + " ngày không báo cáo)", Href: "/models/discover", Bad: true},
	}}
	unit := figures.UnitID(q.Scope)
	ids := append([]int64{unit}, figures.ChildIDs(q.Children)...)
	args := []any{fromY, toY}
	for _, id := range ids {
		args = append(args, id)
	}
	byUnit := map[int64][]int64{}
	if err := figures.Group(ctx, s.DB, `SELECT unit_id,
		COALESCE(SUM(CASE WHEN state <> 'draft' THEN n ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state IN ('recognised', 'replicated') THEN n ELSE 0 END), 0), 0
		FROM model_rollup WHERE year >= ? AND year <= ? AND unit_id IN (`+figures.Placeholders(len(ids))+`) GROUP BY unit_id`, args, 3, func(k string, v []int64) {
		id, _ := strconv.ParseInt(k, 10, 64)
		byUnit[id] = v
	}); err != nil {
		return nil, err
	}
	// Stuck: the watch counters of the days before the cut-off's day (migration 0404),
	// and the models of that day itself watched before the cut-off's time, counted live
	// (one day of the models_watch index).
	cutoff := sqldb.FormatTime(s.DB.Now().AddDate(0, 0, -StuckDays))
	day := watchDay(cutoff)
	wargs := []any{day}
	for _, id := range ids {
		wargs = append(wargs, id)
	}
	stuckBy := map[int64]int64{}
	if err := figures.Group(ctx, s.DB, `SELECT unit_id, COALESCE(SUM(watching), 0) FROM model_watch_counts WHERE day < ? AND unit_id IN (`+figures.Placeholders(len(ids))+`) GROUP BY unit_id`,
		wargs, 1, func(k string, v []int64) {
			id, _ := strconv.ParseInt(k, 10, 64)
			stuckBy[id] = v[0]
		}); err != nil {
		return nil, err
	}
	var edge int64
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM models m WHERE m.watch_at <> '' AND m.watch_at >= ? AND m.watch_at < ? AND m.unit_path >= ? AND m.unit_path < ?`,
		day, cutoff, q.Scope, sqldb.PathEnd(q.Scope)).Scan(&edge); err != nil {
		return nil, apperr.Wrap("emulation.Figures", err)
	}
	stuck := stuckBy[unit] + edge
	if v := byUnit[unit]; v != nil {
		b.Figures[0].Value, b.Figures[1].Value = v[0], v[1]
	}
	b.Figures[2].Value = stuck
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, 3)
		for _, c := range q.Children {
			if v := byUnit[figures.UnitID(c)]; v != nil {
				b.ByChild[c] = v
			}
		}
		for _, c := range q.Children {
			b.ByChild[c][2] = stuckBy[figures.UnitID(c)]
		}
		cc, ccArgs := figures.ChildCase("m.unit_path", q.Children)
		if err := figures.Group(ctx, s.DB, `SELECT `+cc+`, COUNT(*) FROM models m WHERE m.watch_at <> '' AND m.watch_at >= ? AND m.watch_at < ? AND m.unit_path >= ? AND m.unit_path < ? GROUP BY 1`,
			append(ccArgs, day, cutoff, q.Scope, sqldb.PathEnd(q.Scope)), 1, func(k string, v []int64) {
				if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(q.Children) {
					b.ByChild[q.Children[i]][2] += v[0]
				}
			}); err != nil {
			return nil, err
		}
	}
	return []figures.Block{b}, nil
}
