-- +goose Up
-- The subtree index also carries the list's filters, so a page of a narrow subtree is
-- chosen inside the index and only its 50 rows are read from the table.
DROP INDEX petitions_scope_due;
CREATE INDEX petitions_scope_due ON petitions(unit_path, due_on, id, kind, channel, state, open);
