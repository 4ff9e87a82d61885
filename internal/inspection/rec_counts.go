package inspection

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/plan"
	"danvan/internal/rollup"
	"danvan/internal/sqldb"
)

// Recommendation counters (migration 0746): each conclusion, task status change and
// carry-over adds its difference to the rows of the target unit and of every unit above
// it, by the conclusion's day, so the whole tree's inspection figures read a few hundred
// rows instead of every recommendation of the period with its target and round.

var recCounts = rollup.Table{Name: "recommendation_counts", Cols: []string{"recs", "done", "pending"}}

const (
	rcRecs = iota
	rcDone
	rcPending
)

// countedRec is what the counters read of a recommendation: its target's path, its
// conclusion's day, its task's status and whether it was carried over.
type countedRec struct {
	Path, Day, Status string
	Carried           bool
}

// add puts sign × the recommendation into d, with the figures' rules: done when its task
// was accepted; pending (overdue once past its due date) when not done and not carried.
func (c countedRec) add(d rollup.Delta, sign int64) {
	recCounts.Add(d, c.Path, c.Day, rcRecs, sign)
	switch {
	case c.Status == plan.StatusDone:
		recCounts.Add(d, c.Path, c.Day, rcDone, sign)
	case !c.Carried:
		recCounts.Add(d, c.Path, c.Day, rcPending, sign)
	}
}

// recsSelect reads the counted state of recommendations; the caller adds the condition.
const recsSelect = `SELECT rc.id, t.unit_path, r.conclusion_on, rc.task_status, rc.carried
	FROM inspection_recommendations rc JOIN inspection_rounds r ON r.id = rc.round_id
	JOIN inspection_round_targets t ON t.round_id = rc.round_id AND t.unit_id = rc.target_id WHERE `

// readRecs returns the counted state of the recommendations the condition selects, by id.
func readRecs(ctx context.Context, tx *sqldb.Tx, cond string, args ...any) (map[int64]countedRec, error) {
	rows, err := tx.QueryContext(ctx, recsSelect+cond, args...)
	if err != nil {
		return nil, apperr.Wrap("inspection.readRecs", err)
	}
	defer rows.Close()
	out := map[int64]countedRec{}
	for rows.Next() {
		var id int64
		var c countedRec
		var carried string
		if err := rows.Scan(&id, &c.Path, &c.Day, &c.Status, &carried); err != nil {
			return nil, apperr.Wrap("inspection.readRecs", err)
		}
		c.Carried = carried != ""
		out[id] = c
	}
	return out, apperr.Wrap("inspection.readRecs", rows.Err())
}

// changed returns the recommendations of m with f applied to each: the state after an
// update whose new values the caller knows, without reading the rows again.
func changed(m map[int64]countedRec, f func(*countedRec)) map[int64]countedRec {
	out := make(map[int64]countedRec, len(m))
	for id, c := range m {
		f(&c)
		out[id] = c
	}
	return out
}

// countRecs writes the difference between recommendations before and after a change
// (absent before: new) in tx.
func countRecs(ctx context.Context, tx *sqldb.Tx, before, after map[int64]countedRec) error {
	d := rollup.Delta{}
	for id, b := range before {
		if a, ok := after[id]; ok && a == b {
			continue
		}
		b.add(d, -1)
	}
	for id, a := range after {
		if b, ok := before[id]; ok && a == b {
			continue
		}
		a.add(d, 1)
	}
	return recCounts.Write(ctx, tx, d)
}

// MoveRecommendationCounts is the org.PathHook that keeps the counters right when a
// subtree moves.
func MoveRecommendationCounts(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	return recCounts.Move(ctx, tx, oldPrefix, newPrefix)
}

// RebuildRecommendationCounts recomputes the counters from the recommendations in one
// transaction: each target unit's, then every level added into its parents. Used after
// danvan gen and at start-up when the counters are missing.
func RebuildRecommendationCounts(ctx context.Context, db *sqldb.DB) error {
	return recCounts.Rebuild(ctx, db, `SELECT rc.target_id, r.conclusion_on, COUNT(*),
			SUM(CASE WHEN rc.task_status = ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN rc.task_status <> ? AND rc.carried = '' THEN 1 ELSE 0 END)
		FROM inspection_recommendations rc JOIN inspection_rounds r ON r.id = rc.round_id
		GROUP BY rc.target_id, r.conclusion_on`, plan.StatusDone, plan.StatusDone)
}

// EnsureRecommendationCounts rebuilds the counters when recommendations exist but the
// counters do not (a database from before migration 0746).
func EnsureRecommendationCounts(ctx context.Context, db *sqldb.DB) error {
	return recCounts.Ensure(ctx, db, "inspection_recommendations", func(ctx context.Context) error { return RebuildRecommendationCounts(ctx, db) })
}
