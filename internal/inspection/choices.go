package inspection

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// PersonChoice is a person offered in a form's list.
type PersonChoice struct {
	ID       int64
	Name     string
	UnitName string
}

// Committees lists the units where p runs inspections: the units of p's grants that allow
// ManageInspection (the committee is the unit the right was granted on).
func (s *Service) Committees(ctx context.Context, p *org.Principal) ([]UnitRef, error) {
	var out []UnitRef
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ManageInspection) || seen[g.UnitID] {
			continue
		}
		seen[g.UnitID] = true
		out = append(out, UnitRef{ID: g.UnitID, Name: g.UnitName, Path: g.UnitPath})
	}
	return out, nil
}

// Subordinates lists the units directly under a committee, the usual targets.
func (s *Service) Subordinates(ctx context.Context, committeeID int64) ([]UnitRef, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, path FROM units WHERE parent_id = ? AND valid_to = '' ORDER BY path`, committeeID)
	if err != nil {
		return nil, apperr.Wrap("inspection.Subordinates", err)
	}
	defer rows.Close()
	var out []UnitRef
	for rows.Next() {
		var u UnitRef
		if err := rows.Scan(&u.ID, &u.Name, &u.Path); err != nil {
			return nil, apperr.Wrap("inspection.Subordinates", err)
		}
		out = append(out, u)
	}
	return out, apperr.Wrap("inspection.Subordinates", rows.Err())
}

// PeopleUnder lists the people of a subtree (the committee's, for leads and the team; a
// target's, for a recommendation's person answerable), in Vietnamese name order.
func (s *Service) PeopleUnder(ctx context.Context, path string, limit int) ([]PersonChoice, error) {
	return peopleUnder(ctx, s.DB, path, limit)
}

func peopleUnder(ctx context.Context, q sqldb.Querier, path string, limit int) ([]PersonChoice, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.full_name, u.name FROM people p JOIN units u ON u.id = p.unit_id
		WHERE p.unit_path >= ? AND p.unit_path < ? ORDER BY p.unit_path, p.name_key, p.id LIMIT ?`, path, sqldb.PathEnd(path), limit)
	if err != nil {
		return nil, apperr.Wrap("inspection.PeopleUnder", err)
	}
	defer rows.Close()
	var out []PersonChoice
	for rows.Next() {
		var c PersonChoice
		if err := rows.Scan(&c.ID, &c.Name, &c.UnitName); err != nil {
			return nil, apperr.Wrap("inspection.PeopleUnder", err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap("inspection.PeopleUnder", rows.Err())
}
