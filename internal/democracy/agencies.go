package democracy

import (
	"context"

	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// maxAgencyChoice bounds the administrator's list of agencies in a form.
const maxAgencyChoice = 500

// managedAgencies lists the agencies whose democracy work p runs — plans the conference,
// keeps the disclosure register: those its grants allowing ManageConference name, directly
// or through the agency's trade union (whose chair runs the conference with the head's
// office), each once, in the grants' order. When everyForAdmin is set, the administrator,
// who may run any, gets every current agency by name instead.
func managedAgencies(ctx context.Context, db *sqldb.DB, p *org.Principal, everyForAdmin bool) ([]org.Unit, error) {
	if p == nil {
		return nil, nil
	}
	if everyForAdmin && p.IsAdmin() {
		return org.CurrentUnitsOfKind(ctx, db, org.KindAgency, maxAgencyChoice)
	}
	var out []org.Unit
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ManageConference) {
			continue
		}
		u, err := org.GetUnit(ctx, db, g.UnitID)
		if err != nil {
			continue
		}
		if u.Kind == org.KindTradeUnion && u.ParentID != 0 {
			if u, err = org.GetUnit(ctx, db, u.ParentID); err != nil {
				continue
			}
		}
		if u.Kind == org.KindAgency && u.Active() && !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out, nil
}
