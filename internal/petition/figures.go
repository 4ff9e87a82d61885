package petition

import (
	"context"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
)

// Figures implements figures.Source: block "petitions" from the rolled-up counters
// (petition_rollup, petition_due_counts), so the whole tree reads a few rows. Only
// counts are read: no petition, and so never a denouncer's identity, is touched. The
// counters are kept by month, so the period counts whole months From..To. The principal
// must be allowed to view petitions on the whole scope (as the petitions dashboard);
// otherwise there is no block.
func (s *Service) Figures(ctx context.Context, p *org.Principal, q figures.Query) ([]figures.Block, error) {
	months := q.Months()
	if p.IsZero() || months == nil || !p.CanPath(org.ViewPetition, q.Scope) {
		return nil, nil
	}
	unit := figures.UnitID(q.Scope)
	list := "/petitions?unit=" + strconv.FormatInt(unit, 10) + "&from=" + vnDate(q.From) + "&to=" + vnDate(q.To)
	b := figures.Block{Key: "petitions", Title: "Đơn thư", Figures: []figures.Figure{
		{Key: "received", Label: "Đơn tiếp nhận", Href: list},
		{Key: "on_time", Label: "Giải quyết đúng hạn", Href: list + "&state=resolved"},
		{Key: "late", Label: "Giải quyết quá hạn", Href: list + "&state=resolved", Bad: true},
		{Key: "overdue_now", Label: "Đang quá hạn", Href: "/petitions?unit=" + strconv.FormatInt(unit, 10) + "&deadline=overdue", Bad: true},
	}}
	for _, k := range Kinds {
		b.Figures = append(b.Figures, figures.Figure{Key: "received_" + string(k), Label: k.Label(), Href: list + "&kind=" + string(k)})
	}
	n := len(b.Figures)
	kindCol := map[Kind]int{}
	for i, k := range Kinds {
		kindCol[k] = 4 + i
	}
	first, last := months[0], months[len(months)-1]
	ids := []int64{unit}
	ids = append(ids, figures.ChildIDs(q.Children)...)
	args := []any{first, last}
	for _, id := range ids {
		args = append(args, id)
	}
	total := make([]int64, n)
	byUnit := map[int64][]int64{}
	pts, idx := figures.NewTrend(q, n)
	rows, err := s.DB.QueryContext(ctx, `SELECT unit_id, month, kind, received, resolved, on_time FROM petition_rollup
		WHERE month >= ? AND month <= ? AND unit_id IN (`+figures.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, apperr.Wrap("petition.Figures", err)
	}
	add := func(v []int64, k Kind, received, resolved, onTime int64) {
		v[0] += received
		v[1] += onTime
		v[2] += resolved - onTime
		if c, ok := kindCol[k]; ok {
			v[c] += received
		}
	}
	for rows.Next() {
		var id, received, resolved, onTime int64
		var month string
		var k Kind
		if err := rows.Scan(&id, &month, &k, &received, &resolved, &onTime); err != nil {
			rows.Close()
			return nil, apperr.Wrap("petition.Figures", err)
		}
		if id == unit {
			add(total, k, received, resolved, onTime)
			if i, ok := idx[month]; ok {
				add(pts[i].Values, k, received, resolved, onTime)
			}
		} else {
			if byUnit[id] == nil {
				byUnit[id] = make([]int64, n)
			}
			add(byUnit[id], k, received, resolved, onTime)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("petition.Figures", err)
	}
	dargs := []any{s.today().String()}
	for _, id := range ids {
		dargs = append(dargs, id)
	}
	if err := figures.Group(ctx, s.DB, `SELECT unit_id, SUM(n) FROM petition_due_counts WHERE due_on < ? AND unit_id IN (`+figures.Placeholders(len(ids))+`) GROUP BY unit_id`, dargs, 1, func(k string, v []int64) {
		id, _ := strconv.ParseInt(k, 10, 64)
		if id == unit {
			total[3] = v[0]
			return
		}
		if byUnit[id] == nil {
			byUnit[id] = make([]int64, n)
		}
		byUnit[id][3] = v[0]
	}); err != nil {
		return nil, err
	}
	for i := range total {
		b.Figures[i].Value = total[i]
	}
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, n)
		for _, c := range q.Children {
			if v := byUnit[figures.UnitID(c)]; v != nil {
				b.ByChild[c] = v
			}
		}
	}
	if q.Trend {
		// "Đang quá hạn" is a state of today, not of a month: it stays 0 in the trend.
		b.Trend = pts
	}
	return []figures.Block{b}, nil
}
