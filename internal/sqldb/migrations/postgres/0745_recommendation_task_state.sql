-- +goose Up
-- A recommendation keeps its task's status and deadline beside it, moved in the task
-- change's own transaction (plan.Service.Watch), as a resolution's commitment does
-- (migration 0570): the whole tree's figures read the period's recommendations (50.000
-- at national size) and each one's task was a random read in a 2.000.000-row table.
ALTER TABLE inspection_recommendations ADD COLUMN task_status TEXT NOT NULL DEFAULT '';
ALTER TABLE inspection_recommendations ADD COLUMN task_due_on TEXT NOT NULL DEFAULT '';
UPDATE inspection_recommendations SET
    task_status = COALESCE((SELECT t.status FROM tasks t WHERE t.id = inspection_recommendations.task_id), ''),
    task_due_on = COALESCE((SELECT t.due_on FROM tasks t WHERE t.id = inspection_recommendations.task_id), '');

-- +goose Down
ALTER TABLE inspection_recommendations DROP COLUMN task_due_on;
ALTER TABLE inspection_recommendations DROP COLUMN task_status;
