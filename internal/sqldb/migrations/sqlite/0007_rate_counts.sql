-- +goose Up
-- Counts of public submissions per address, shared by every instance on this database
-- (internal/ratelimit). One row per key: the start of its current one-minute window in
-- Unix milliseconds and the number of events since. A row whose window has ended is dead
-- (the next event restarts it); the foundation's rate-counts task deletes those. No index
-- on started: the table holds only the keys of the last few minutes, and an index would
-- be one more write on every window restart.
CREATE TABLE rate_counts (
    key     TEXT PRIMARY KEY,
    started INTEGER NOT NULL,
    n       INTEGER NOT NULL
);

-- +goose Down
DROP TABLE rate_counts;
