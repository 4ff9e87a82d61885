-- +goose Up
-- A resolution's commitment keeps its task's status and deadline beside it, moved in the
-- task change's own transaction (plan.Service.Watch), so "commitments overdue" of a whole
-- tree reads the commitments alone. Joining each of them to its task was random reads
-- in a 2.000.000-row table: 40 ms cached, 90–180 ms not, on PostgreSQL at national size
-- (docs/PERFORMANCE.md "Dân chủ cơ sở").
ALTER TABLE conference_commitments ADD COLUMN task_status TEXT NOT NULL DEFAULT '';
ALTER TABLE conference_commitments ADD COLUMN task_due_on TEXT NOT NULL DEFAULT '';
UPDATE conference_commitments SET
    task_status = COALESCE((SELECT t.status FROM tasks t WHERE t.id = conference_commitments.task_id), ''),
    task_due_on = COALESCE((SELECT t.due_on FROM tasks t WHERE t.id = conference_commitments.task_id), '')
    WHERE task_id IS NOT NULL;
CREATE INDEX conference_commitments_task ON conference_commitments(task_id);
CREATE INDEX conference_commitments_open ON conference_commitments(unit_path, task_due_on) WHERE task_status IN ('open', 'doing', 'submitted');

-- +goose Down
DROP INDEX conference_commitments_open;
DROP INDEX conference_commitments_task;
ALTER TABLE conference_commitments DROP COLUMN task_due_on;
ALTER TABLE conference_commitments DROP COLUMN task_status;
