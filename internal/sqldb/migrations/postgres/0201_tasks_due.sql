-- +goose Up
-- Task lists over a wide reach (an upper committee's whole subtree) are ordered by deadline:
-- this index lets them read the first page in order instead of sorting every task.
CREATE INDEX tasks_due ON tasks(due_on, id);

-- +goose Down
DROP INDEX tasks_due;
