package democracy

import (
	"context"

	"danvan/internal/org"
)

// PlannableAgencies lists the agencies where p may plan a conference, for the form's
// choice: ManagedAgencies, and for the administrator (who may run any) every active
// agency, by name.
func (s *ConferenceService) PlannableAgencies(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	return managedAgencies(ctx, s.DB, p, true)
}
