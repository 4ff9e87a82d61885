package petition

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Choice is an id and a name for a select list.
type Choice struct {
	ID   int64
	Name string
}

// ReceivingUnits lists the bodies a citizen may send a petition to: the upper committee
// and the agencies (at most 500, upper levels first).
func (s *Service) ReceivingUnits(ctx context.Context) ([]Choice, error) {
	return s.choices(ctx, `SELECT id, name FROM units WHERE valid_to = '' AND kind IN (?, ?) ORDER BY depth, name LIMIT 500`, string(org.KindUpperCommittee), string(org.KindAgency))
}

// DefaultReceivingUnit is the body a petition goes to when none is named: the first root
// unit (the upper committee). 0 when the tree is empty.
func (s *Service) DefaultReceivingUnit(ctx context.Context) int64 {
	var id int64
	_ = s.DB.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL AND valid_to = '' ORDER BY id LIMIT 1`).Scan(&id)
	return id
}

// IsReceivingUnit reports whether a citizen may address a petition to the unit.
func (s *Service) IsReceivingUnit(ctx context.Context, id int64) bool {
	var n int
	_ = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = ? AND valid_to = '' AND kind IN (?, ?)`, id, string(org.KindUpperCommittee), string(org.KindAgency)).Scan(&n)
	return n > 0
}

// UnitsUnder lists the unit at path and its active descendants (at most 300), for lead and
// supporting units.
func (s *Service) UnitsUnder(ctx context.Context, path string) ([]Choice, error) {
	return s.choices(ctx, `SELECT id, name FROM units WHERE valid_to = '' AND path >= ? AND path < ? ORDER BY depth, name LIMIT 300`, path, sqldb.PathEnd(path))
}

// UnitsNear lists the unit with this id and its children (at most 100), for the list's
// unit filter: a wide tree stays a short menu, read through the parent index; choosing a
// child offers its own children next.
func (s *Service) UnitsNear(ctx context.Context, id int64) ([]Choice, error) {
	return s.choices(ctx, `SELECT id, name FROM units WHERE valid_to = '' AND (id = ? OR parent_id = ?) ORDER BY depth, name LIMIT 100`, id, id)
}

// PeopleUnder lists the people of a subtree (at most 500), for the lead person.
func (s *Service) PeopleUnder(ctx context.Context, path string) ([]Choice, error) {
	return s.choices(ctx, `SELECT id, full_name FROM people WHERE unit_path >= ? AND unit_path < ? ORDER BY full_name, id LIMIT 500`, path, sqldb.PathEnd(path))
}

// IntakeUnits lists the units where p may record petitions: the units of p's grants
// that allow handling petitions, and their children.
func (s *Service) IntakeUnits(ctx context.Context, p *org.Principal) ([]Choice, error) {
	var out []Choice
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.HandlePetition) {
			continue
		}
		cs, err := s.choices(ctx, `SELECT id, name FROM units WHERE valid_to = '' AND (id = ? OR parent_id = ?) ORDER BY depth, name LIMIT 200`, g.UnitID, g.UnitID)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !seen[c.ID] {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

func (s *Service) choices(ctx context.Context, q string, args ...any) ([]Choice, error) {
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, apperr.Wrap("petition.choices", err)
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, apperr.Wrap("petition.choices", err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap("petition.choices", rows.Err())
}
