package petition

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Rolled-up counters (see migration 0102): each change adds to the rows of the handling
// unit and of every unit above it, so a dashboard reads a few rows whatever the size of
// the subtree.

const upsertRollup = `INSERT INTO petition_rollup (unit_id, month, kind, received, resolved, on_time) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (unit_id, month, kind) DO UPDATE SET received = petition_rollup.received + excluded.received,
	resolved = petition_rollup.resolved + excluded.resolved, on_time = petition_rollup.on_time + excluded.on_time`

const upsertDue = `INSERT INTO petition_due_counts (unit_id, due_on, kind, n) VALUES (?, ?, ?, ?)
	ON CONFLICT (unit_id, due_on, kind) DO UPDATE SET n = petition_due_counts.n + excluded.n`

// rollUp adds to the counters of every unit on path, in one statement.
func rollUp(ctx context.Context, tx *sqldb.Tx, path, month string, k Kind, received, resolved, onTime int) error {
	ids := org.PathIDs(path)
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, 0, 6*len(ids))
	for _, id := range ids {
		args = append(args, id, month, string(k), received, resolved, onTime)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO petition_rollup (unit_id, month, kind, received, resolved, on_time) VALUES `+sqldb.ValueRows(len(ids), 6)+`
	ON CONFLICT (unit_id, month, kind) DO UPDATE SET received = petition_rollup.received + excluded.received,
	resolved = petition_rollup.resolved + excluded.resolved, on_time = petition_rollup.on_time + excluded.on_time`, args...)
	return err
}

// moveDue moves a petition in the deadline counters from (kind, due) to (kind2, due2)
// for every unit on path; NoDue and "" are not counted.
func moveDue(ctx context.Context, tx *sqldb.Tx, path string, k Kind, due string, k2 Kind, due2 string) error {
	if due == "" {
		due = noDue
	}
	if due2 == "" {
		due2 = noDue
	}
	if k == k2 && due == due2 {
		return nil
	}
	ids := org.PathIDs(path)
	var args []any
	rows := 0
	for _, id := range ids {
		if due != noDue {
			args = append(args, id, due, string(k), -1)
			rows++
		}
		if due2 != noDue {
			args = append(args, id, due2, string(k2), 1)
			rows++
		}
	}
	if rows == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO petition_due_counts (unit_id, due_on, kind, n) VALUES `+sqldb.ValueRows(rows, 4)+`
	ON CONFLICT (unit_id, due_on, kind) DO UPDATE SET n = petition_due_counts.n + excluded.n`, args...)
	return err
}

// MoveRollups is the org.PathHook that keeps the rolled-up counters right when a subtree
// moves: the moved unit's own rows (its whole subtree) leave its old ancestors and join
// its new ones.
func MoveRollups(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	moved, oldAnc, newAnc := org.MovedAncestors(oldPrefix, newPrefix)
	if moved == 0 {
		return nil
	}
	for _, t := range []struct {
		anc  []int64
		sign string
	}{{oldAnc, "-"}, {newAnc, ""}} {
		for _, a := range t.anc {
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_rollup (unit_id, month, kind, received, resolved, on_time)
				SELECT ?, month, kind, `+t.sign+`received, `+t.sign+`resolved, `+t.sign+`on_time FROM petition_rollup WHERE unit_id = ?
				ON CONFLICT (unit_id, month, kind) DO UPDATE SET received = petition_rollup.received + excluded.received,
				resolved = petition_rollup.resolved + excluded.resolved, on_time = petition_rollup.on_time + excluded.on_time`, a, moved); err != nil {
				return apperr.Wrap("petition.MoveRollups", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO petition_due_counts (unit_id, due_on, kind, n)
				SELECT ?, due_on, kind, `+t.sign+`n FROM petition_due_counts WHERE unit_id = ?
				ON CONFLICT (unit_id, due_on, kind) DO UPDATE SET n = petition_due_counts.n + excluded.n`, a, moved); err != nil {
				return apperr.Wrap("petition.MoveRollups", err)
			}
		}
	}
	return nil
}

// RebuildRollups recomputes the rolled-up counters from petition_stats (per handling
// unit) and from the petitions' deadlines, in one transaction. Used after bulk loads
// (danvan gen) and at start-up when the counters are missing.
func (s *Service) RebuildRollups(ctx context.Context) error {
	type rk struct {
		unit        int64
		month, kind string
	}
	type rv struct{ received, resolved, onTime int }
	roll := map[rk]*rv{}
	rows, err := s.DB.QueryContext(ctx, `SELECT unit_path, month, kind, received, resolved, on_time FROM petition_stats`)
	if err != nil {
		return apperr.Wrap("petition.RebuildRollups", err)
	}
	for rows.Next() {
		var path, month, kind string
		var v rv
		if err := rows.Scan(&path, &month, &kind, &v.received, &v.resolved, &v.onTime); err != nil {
			rows.Close()
			return apperr.Wrap("petition.RebuildRollups", err)
		}
		for _, id := range org.PathIDs(path) {
			x := roll[rk{id, month, kind}]
			if x == nil {
				x = &rv{}
				roll[rk{id, month, kind}] = x
			}
			x.received += v.received
			x.resolved += v.resolved
			x.onTime += v.onTime
		}
	}
	rows.Close()
	type dk struct {
		unit      int64
		due, kind string
	}
	dues := map[dk]int{}
	rows, err = s.DB.QueryContext(ctx, `SELECT unit_path, due_on, kind, COUNT(*) FROM petitions WHERE due_on < ? GROUP BY unit_path, due_on, kind`, noDue)
	if err != nil {
		return apperr.Wrap("petition.RebuildRollups", err)
	}
	for rows.Next() {
		var path, due, kind string
		var n int
		if err := rows.Scan(&path, &due, &kind, &n); err != nil {
			rows.Close()
			return apperr.Wrap("petition.RebuildRollups", err)
		}
		for _, id := range org.PathIDs(path) {
			dues[dk{id, due, kind}] += n
		}
	}
	rows.Close()
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM petition_rollup`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM petition_due_counts`); err != nil {
			return err
		}
		for k, v := range roll {
			if _, err := tx.ExecContext(ctx, upsertRollup, k.unit, k.month, k.kind, v.received, v.resolved, v.onTime); err != nil {
				return err
			}
		}
		for k, n := range dues {
			if _, err := tx.ExecContext(ctx, upsertDue, k.unit, k.due, k.kind, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return apperr.Wrap("petition.RebuildRollups", err)
	}
	return s.CompactDues(ctx)
}

// EnsureRollups rebuilds the counters when petitions exist but the counters do not
// (a database from before migration 0102).
func (s *Service) EnsureRollups(ctx context.Context) error {
	var petitions, rolled int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM petitions LIMIT 1) x`).Scan(&petitions); err != nil {
		return apperr.Wrap("petition.EnsureRollups", err)
	}
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM petition_rollup LIMIT 1) x`).Scan(&rolled); err != nil {
		return apperr.Wrap("petition.EnsureRollups", err)
	}
	if petitions == 0 || rolled > 0 {
		return nil
	}
	return s.RebuildRollups(ctx)
}

var _ org.PathHook = MoveRollups

// pastBucket is the due date under which CompactDues gathers deadlines long past: it is
// before any today, so "overdue now" still counts them.
const pastBucket = "0001-01-01"

// CompactDues gathers the deadline counters of dates more than 31 days past into one row
// per unit and kind, so summing "overdue now" reads about a month of rows per unit. Later
// changes to such a petition subtract from its own (old) date: the sum stays exact. Run
// daily; idempotent.
func (s *Service) CompactDues(ctx context.Context) error {
	before := s.today().AddDays(-31).String()
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO petition_due_counts (unit_id, due_on, kind, n)
			SELECT unit_id, ?, kind, SUM(n) FROM petition_due_counts WHERE due_on < ? AND due_on > ? GROUP BY unit_id, kind
			ON CONFLICT (unit_id, due_on, kind) DO UPDATE SET n = petition_due_counts.n + excluded.n`, pastBucket, before, pastBucket); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM petition_due_counts WHERE due_on < ? AND due_on > ?`, before, pastBucket)
		return err
	})
	return apperr.Wrap("petition.CompactDues", err)
}
