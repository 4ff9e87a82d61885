package emulation

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/rollup"
	"danvan/internal/sqldb"
)

// Watch counters (migration 0404): the models in progress of each unit's subtree by the
// day of their last sign of life, so the figures' "stuck" reads rows, not models.

var watchCounts = rollup.Table{Name: "model_watch_counts", Cols: []string{"watching"}}

// watchDay is the day of a stored watch time ("" for none).
func watchDay(watch string) string {
	if len(watch) < 10 {
		return ""
	}
	return watch[:10]
}

// lockWatch locks the model's row (on PostgreSQL, until the transaction ends) and reads
// its unit path and watch time, so the change that follows counts from what is stored,
// not from a copy read before another writer's commit.
func lockWatch(ctx context.Context, tx *sqldb.Tx, id int64) (path, watch string, err error) {
	if _, err = tx.ExecContext(ctx, `UPDATE models SET watch_at = watch_at WHERE id = ?`, id); err != nil {
		return "", "", apperr.Wrap("emulation.lockWatch", err)
	}
	err = tx.QueryRowContext(ctx, `SELECT unit_path, watch_at FROM models WHERE id = ?`, id).Scan(&path, &watch)
	return path, watch, apperr.Wrap("emulation.lockWatch", err)
}

// countWatch moves one model of path from the day of before to the day of after.
func countWatch(ctx context.Context, tx *sqldb.Tx, path, before, after string) error {
	if watchDay(before) == watchDay(after) {
		return nil
	}
	d := rollup.Delta{}
	if before != "" {
		watchCounts.Add(d, path, watchDay(before), 0, -1)
	}
	if after != "" {
		watchCounts.Add(d, path, watchDay(after), 0, 1)
	}
	return watchCounts.Write(ctx, tx, d)
}

// rebuildWatch recomputes the counters from the models, inside tx.
func rebuildWatch(ctx context.Context, tx *sqldb.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM model_watch_counts`); err != nil {
		return apperr.Wrap("emulation.rebuildWatch", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO model_watch_counts (unit_id, day, watching)
		SELECT unit_id, SUBSTR(watch_at, 1, 10), COUNT(*) FROM models WHERE watch_at <> '' GROUP BY unit_id, SUBSTR(watch_at, 1, 10)`); err != nil {
		return apperr.Wrap("emulation.rebuildWatch", err)
	}
	return watchCounts.RollUp(ctx, tx)
}

// EnsureWatchCounts rebuilds the counters when models in progress exist but the counters
// do not (a database from before migration 0404).
func (s *Service) EnsureWatchCounts(ctx context.Context) error {
	missing, err := watchCounts.Missing(ctx, s.DB, "models WHERE watch_at <> ''")
	if err != nil || !missing {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error { return rebuildWatch(ctx, tx) })
}
