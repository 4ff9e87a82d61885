-- +goose Up
-- Counts per (ancestor unit, field, state) over all years, kept in step with model_rollup
-- (which also splits by year, for the charts): the discovery page reads at most 36 rows
-- per unit instead of 36 per unit and year.
CREATE TABLE model_counts (
    unit_id INTEGER NOT NULL,
    field   TEXT NOT NULL,
    state   TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, field, state)
);
INSERT INTO model_counts (unit_id, field, state, n) SELECT unit_id, field, state, SUM(n) FROM model_rollup GROUP BY unit_id, field, state;
