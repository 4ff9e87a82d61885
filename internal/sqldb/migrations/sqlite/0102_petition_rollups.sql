-- +goose Up
-- Dashboard counters rolled up to every ancestor of the handling unit, so the figures of
-- any subtree — the whole tree included — are a handful of rows: petition_rollup counts
-- received (by month received), resolved and resolved on time (by month resolved);
-- petition_due_counts counts petitions by their nearest running deadline, so "overdue
-- now" is a sum over dates before today. Both are kept in the transaction of each change
-- and rebuilt from petition_stats and petitions by petition.Service.RebuildRollups.
CREATE TABLE petition_rollup (
    unit_id  INTEGER NOT NULL,
    month    TEXT NOT NULL,
    kind     TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    on_time  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, kind)
);
CREATE TABLE petition_due_counts (
    unit_id INTEGER NOT NULL,
    due_on  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    n       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, due_on, kind)
);
