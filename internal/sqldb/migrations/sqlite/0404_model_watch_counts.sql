-- +goose Up
-- Models in progress by the day of their last sign of life (watch_at), rolled up to every
-- ancestor (package rollup), so "stuck" (no report for StuckDays) of a whole tree is a sum
-- over the days before the cut-off plus the cut-off day's few models, instead of reading
-- every model in progress twice a request (90.000 of 200.000 at national size). Kept in
-- the transaction of each state change and report (emulation), rebuilt with the rollup
-- (emulation.RebuildRollup) and at start-up when missing.
CREATE TABLE model_watch_counts (
    unit_id  INTEGER NOT NULL,
    day      TEXT NOT NULL,
    watching INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);

-- +goose Down
DROP TABLE model_watch_counts;
