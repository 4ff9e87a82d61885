-- +goose Up
-- Recommendation counters by target unit and conclusion day, rolled up to every ancestor
-- (package rollup), so the inspection figures of a subtree read that subtree's rows: the
-- whole tree's dashboard read every recommendation of the period's conclusions (18.612 at
-- national size) with its target and round, 85–120 ms on PostgreSQL. A row holds, for
-- one unit's subtree and one conclusion day, the recommendations made, those whose task
-- was accepted, and those still open and not carried over. "Overdue" is open past the
-- task's due date: the counted open minus those not yet due, read from
-- inspection_recommendations_open_due (only recent conclusions can be not yet due). Kept
-- in the transaction of each conclusion, task status change and carry-over
-- (internal/inspection/rec_counts.go) and rebuilt after danvan gen and at start-up when
-- missing.
CREATE TABLE recommendation_counts (
    unit_id BIGINT NOT NULL,
    day     TEXT NOT NULL,
    recs    INTEGER NOT NULL DEFAULT 0,
    done    INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);
CREATE INDEX inspection_recommendations_open_due ON inspection_recommendations(task_due_on, round_id, target_id) WHERE carried = '' AND task_status <> 'done';

-- +goose Down
DROP INDEX inspection_recommendations_open_due;
DROP TABLE recommendation_counts;
