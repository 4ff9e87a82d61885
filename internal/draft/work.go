package draft

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// OpenWork lists, for "Việc của tôi": open rounds where the person or a unit they may
// speak for is invited and has not commented yet; and for drafters and heads, closed
// rounds with unanswered comments.
func (s *Service) OpenWork(ctx context.Context, p *org.Principal) ([]work.Item, error) {
	if p.IsZero() {
		return nil, nil
	}
	now := sqldb.FormatTime(s.DB.Now())
	var out []work.Item
	sc := p.Scope(org.CommentDraft)
	cond, args := sc.SQL("i.unit_path")
	q := `SELECT DISTINCT r.id, d.id, d.title, un.name, r.closes_at FROM draft_invites i JOIN draft_rounds r ON r.id = i.round_id JOIN drafts d ON d.id = r.draft_id JOIN units un ON un.id = d.unit_id
		WHERE r.opens_at <= ? AND r.closes_at > ? AND (
		  (i.person_id = ? AND NOT EXISTS (SELECT 1 FROM draft_comments c WHERE c.round_id = r.id AND c.author_person = i.person_id))
		  OR (i.unit_id IS NOT NULL AND ` + cond + ` AND NOT EXISTS (SELECT 1 FROM draft_comments c WHERE c.round_id = r.id AND c.unit_id = i.unit_id)))
		ORDER BY r.closes_at`
	rows, err := s.DB.QueryContext(ctx, q, append([]any{now, now, p.PersonID}, args...)...)
	if err != nil {
		return nil, apperr.Wrap("draft.OpenWork", err)
	}
	for rows.Next() {
		var rid, did int64
		var title, unit, closes string
		if err := rows.Scan(&rid, &did, &title, &unit, &closes); err != nil {
			rows.Close()
			return nil, apperr.Wrap("draft.OpenWork", err)
		}
		out = append(out, work.Item{Kind: "Góp ý dự thảo", Title: title, Link: "/drafts/" + itoa64(did) + "/rounds/" + itoa64(rid), Unit: unit,
			Due: work.Today(sqldb.ParseTime(closes)), Status: "Đang lấy ý kiến"})
	}
	rows.Close()
	if p.PersonID != 0 {
		rows, err := s.DB.QueryContext(ctx, `SELECT r.id, d.id, d.title, un.name, r.closes_at, COUNT(*) FROM draft_comments c JOIN draft_rounds r ON r.id = c.round_id JOIN drafts d ON d.id = r.draft_id JOIN units un ON un.id = d.unit_id
			WHERE (d.drafter_id = ? OR d.head_id = ?) AND r.closes_at <= ? AND c.status = 'published' AND c.answer = ''
			GROUP BY r.id, d.id, d.title, un.name, r.closes_at ORDER BY r.closes_at`, p.PersonID, p.PersonID, now)
		if err != nil {
			return nil, apperr.Wrap("draft.OpenWork", err)
		}
		defer rows.Close()
		for rows.Next() {
			var rid, did int64
			var title, unit, closes string
			var n int
			if err := rows.Scan(&rid, &did, &title, &unit, &closes, &n); err != nil {
				return nil, apperr.Wrap("draft.OpenWork", err)
			}
			out = append(out, work.Item{Kind: "Góp ý dự thảo", Title: "Trả lời " + itoa(n) + " góp ý: " + title, Link: "/drafts/" + itoa64(did) + "/rounds/" + itoa64(rid) + "?unanswered=1",
				Unit: unit, Status: "Chưa trả lời hết"})
		}
	}
	return out, nil
}

var _ work.Source = (*Service)(nil)

// PathHook keeps the unit paths copied onto drafts, rounds and invitations in step when
// a unit moves in the tree (registered on org.Service.PathHooks in internal/app); without
// it a moved agency's drafts would drop out of its own people's reach.
func PathHook(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	for _, h := range []org.PathHook{
		org.ReplacePathPrefix("drafts", "unit_path"),
		org.ReplacePathPrefix("draft_rounds", "unit_path"),
		org.ReplacePathPrefix("draft_invites", "unit_path"),
	} {
		if err := h(ctx, tx, oldPrefix, newPrefix); err != nil {
			return err
		}
	}
	return nil
}
