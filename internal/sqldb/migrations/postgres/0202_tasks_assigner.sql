-- +goose Up
-- "Việc của tôi" lists the tasks waiting for the person who assigned them to accept them.
CREATE INDEX tasks_assigner ON tasks(assigned_by, status, submitted_on);

-- +goose Down
DROP INDEX tasks_assigner;
