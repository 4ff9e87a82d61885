-- +goose Up
-- Counts of public submissions per address, shared by every instance on this database
-- (internal/ratelimit). One row per key: the start of its current one-minute window in
-- Unix milliseconds and the number of events since. A row whose window has ended is dead
-- (the next event restarts it); the foundation's rate-counts task deletes those. No index
-- on started: the table holds only the keys of the last few minutes, and an index would
-- be one more write on every window restart.
-- UNLOGGED: the counts are written on every public request and are worth nothing after a
-- crash (PostgreSQL empties an unlogged table then, and standbys do not have it), so they
-- need not go through the write-ahead log.
CREATE UNLOGGED TABLE rate_counts (
    key     TEXT PRIMARY KEY,
    started BIGINT NOT NULL,
    n       INTEGER NOT NULL
);

-- +goose Down
DROP TABLE rate_counts;
