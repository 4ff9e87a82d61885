-- +goose Up
-- Indexes measured at 1.000.000 petitions (docs/PERFORMANCE.md, "Đơn thư"):
-- the list walks deadlines in order and filters inside the index for a wide subtree;
-- "overdue now" counts open petitions of a subtree inside one index; the dashboard sums
-- the counters of a subtree without reading the table.
DROP INDEX petitions_due;
CREATE INDEX petitions_due ON petitions(due_on, id, unit_path, kind, channel, state, open);
DROP INDEX petitions_open_due;
CREATE INDEX petitions_open_path ON petitions(open, unit_path, due_on, kind);
DROP INDEX petition_stats_path;
CREATE INDEX petition_stats_path ON petition_stats(unit_path, kind, month, received, resolved, on_time);
