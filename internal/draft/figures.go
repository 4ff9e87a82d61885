package draft

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Figures implements figures.Source: block "drafts": consultation rounds opened in the
// period on drafts of the subtree the principal may see (the draft list's visibility),
// their published comments, how many are answered and the answered share in percent.
// Comments are counted per round from the covering index (round_id, status, article,
// answer) before the join, so a round of many comments costs one index range.
func (s *Service) Figures(ctx context.Context, p *org.Principal, q figures.Query) ([]figures.Block, error) {
	if p.IsZero() || !q.Valid() {
		return nil, nil
	}
	b := figures.Block{Key: "drafts", Title: "Lấy ý kiến dự thảo", Figures: []figures.Figure{
		{Key: "rounds", Label: "Đợt lấy ý kiến", Href: "/drafts"},
		{Key: "comments", Label: "Ý kiến góp ý", Href: "/drafts"},
		{Key: "answered", Label: "Ý kiến đã tiếp thu, giải trình", Href: "/drafts"},
		{Key: "answered_pct", Label: "Tỷ lệ đã trả lời (%)"},
	}}
	vis, visArgs := visibleSQL(p)
	from := ` FROM draft_rounds r JOIN drafts d ON d.id = r.draft_id
		LEFT JOIN (SELECT round_id, COUNT(*) AS n, SUM(CASE WHEN answer <> '' THEN 1 ELSE 0 END) AS answered
			FROM draft_comments WHERE status = 'published' GROUP BY round_id) c ON c.round_id = r.id
		WHERE d.unit_path >= ? AND d.unit_path < ? AND r.opens_at >= ? AND r.opens_at < ? AND ` + vis
	args := append([]any{q.Scope, sqldb.PathEnd(q.Scope), q.From, q.ToEnd()}, visArgs...)
	sums := `COUNT(*), COALESCE(SUM(c.n), 0), COALESCE(SUM(c.answered), 0)`
	var v [3]int64
	if err := s.DB.QueryRowContext(ctx, `SELECT `+sums+from, args...).Scan(&v[0], &v[1], &v[2]); err != nil {
		return nil, apperr.Wrap("draft.Figures", err)
	}
	fill := func(dst []int64, src []int64) {
		copy(dst, src)
		if src[1] > 0 {
			dst[3] = src[2] * 100 / src[1]
		}
	}
	vals := make([]int64, 4)
	fill(vals, v[:])
	for i := range vals {
		b.Figures[i].Value = vals[i]
	}
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, 4)
		cc, ccArgs := figures.ChildCase("d.unit_path", q.Children)
		if err := figures.Group(ctx, s.DB, `SELECT `+cc+`, `+sums+from+` GROUP BY 1`, append(ccArgs, args...), 3, func(k string, src []int64) {
			row := make([]int64, 4)
			fill(row, src)
			figures.ChildPut(&b, q.Children)(k, row)
		}); err != nil {
			return nil, err
		}
	}
	if q.Trend {
		pts, idx := figures.NewTrend(q, 4)
		if err := figures.Group(ctx, s.DB, `SELECT SUBSTR(r.opens_at, 1, 7), `+sums+from+` GROUP BY 1`, args, 3, func(m string, src []int64) {
			if i, ok := idx[m]; ok {
				fill(pts[i].Values, src)
			}
		}); err != nil {
			return nil, err
		}
		b.Trend = pts
	}
	return []figures.Block{b}, nil
}
