package democracy

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
)

// PlannableAgencies lists the agencies where p may plan a conference, for the form's
// choice: ManagedAgencies, and for the administrator (who may run any) every active
// agency, by name.
func (s *ConferenceService) PlannableAgencies(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	if p == nil || !p.IsAdmin() {
		return s.ManagedAgencies(ctx, p)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM units WHERE kind = ? AND valid_to = '' ORDER BY name, id LIMIT 500`, string(org.KindAgency))
	if err != nil {
		return nil, apperr.Wrap("democracy.PlannableAgencies", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, apperr.Wrap("democracy.PlannableAgencies", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("democracy.PlannableAgencies", err)
	}
	out := make([]org.Unit, 0, len(ids))
	for _, id := range ids {
		u, err := org.GetUnit(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
