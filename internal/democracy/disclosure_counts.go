package democracy

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/rollup"
	"danvan/internal/sqldb"
)

// Disclosure counters (migration 0580): each create and edit of an item adds its
// difference to the rows of its agency and of every unit above it, by the decision's day,
// so the register's figures of the whole tree read a few hundred rows.

var disclosureCounts = rollup.Table{Name: "disclosure_counts", Cols: []string{"on_time", "late", "unposted"}}

const (
	dcOnTime = iota
	dcLate
	dcUnposted
)

// countedDisclosure is what the counters read of an item.
type countedDisclosure struct {
	UnitPath, DecisionOn, DueOn, PostedOn string
}

// add puts sign × the item into d: posted by its due date, posted after it, or not posted;
// the same rules as the register's states and the row-scanning figures.
func (c countedDisclosure) add(d rollup.Delta, sign int64) {
	col := dcUnposted
	switch {
	case c.PostedOn != "" && c.PostedOn <= c.DueOn:
		col = dcOnTime
	case c.PostedOn != "":
		col = dcLate
	}
	disclosureCounts.Add(d, c.UnitPath, c.DecisionOn, col, sign)
}

// countDisclosure writes the difference between an item before and after a change (nil:
// new) in tx.
func countDisclosure(ctx context.Context, tx *sqldb.Tx, before, after *countedDisclosure) error {
	if before != nil && after != nil && *before == *after {
		return nil
	}
	d := rollup.Delta{}
	if before != nil {
		before.add(d, -1)
	}
	if after != nil {
		after.add(d, 1)
	}
	return disclosureCounts.Write(ctx, tx, d)
}

// MoveDisclosureCounts is the org.PathHook that keeps the counters right when a subtree moves.
func MoveDisclosureCounts(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	return disclosureCounts.Move(ctx, tx, oldPrefix, newPrefix)
}

// RebuildDisclosureCounts recomputes the counters from the register in one transaction:
// each agency's items, then every level added into its parents. Used after danvan gen and
// at start-up when the counters are missing.
func RebuildDisclosureCounts(ctx context.Context, db *sqldb.DB) error {
	return disclosureCounts.Rebuild(ctx, db, `SELECT unit_id, decision_on,
			SUM(CASE WHEN posted_on <> '' AND posted_on <= due_on THEN 1 ELSE 0 END),
			SUM(CASE WHEN posted_on > due_on THEN 1 ELSE 0 END),
			SUM(CASE WHEN posted_on = '' THEN 1 ELSE 0 END)
		FROM disclosures GROUP BY unit_id, decision_on`)
}

// EnsureDisclosureCounts rebuilds the counters when items exist but the counters do not
// (a database from before migration 0580).
func EnsureDisclosureCounts(ctx context.Context, db *sqldb.DB) error {
	return disclosureCounts.Ensure(ctx, db, "disclosures", func(ctx context.Context) error { return RebuildDisclosureCounts(ctx, db) })
}

// readsWholeRegister reports whether p reads every item of the scope, posted or not, so
// that its figures may come from the counters: the administrator; a reader whose grant
// is above the scope; or one whose grant is the scope itself, where the items strictly
// below are read in full and the scope's own items (an agency's) only when p manages
// them or there are none.
func (s *DisclosureService) readsWholeRegister(ctx context.Context, p *org.Principal, scope string) (bool, error) {
	if p.IsAdmin() {
		return true, nil
	}
	atScope := false
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ViewConference) || len(scope) < len(g.UnitPath) || scope[:len(g.UnitPath)] != g.UnitPath {
			continue
		}
		if len(scope) > len(g.UnitPath) {
			return true, nil
		}
		atScope = true
	}
	if !atScope {
		return false, nil
	}
	var own int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM disclosures WHERE unit_path = ? LIMIT 1) x`, scope).Scan(&own); err != nil {
		return false, apperr.Wrap("democracy.readsWholeRegister", err)
	}
	if own == 0 {
		return true, nil
	}
	managed, err := s.ManagedAgencies(ctx, p)
	if err != nil {
		return false, err
	}
	for _, u := range managed {
		if u.Path == scope {
			return true, nil
		}
	}
	return false, nil
}
