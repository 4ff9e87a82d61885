-- +goose Up
-- The responsibility matrix (plan.Matrix) lists a subtree's plan items of a year in the
-- order plan unit, plan, deadline. Walking plans by (year, path, id) and each plan's
-- top-level tasks by (plan, parent, deadline, id) gives that order without a sort, so a
-- page of 1.000 stops early: at 2.000.000 tasks the whole tree's matrix went from 400 ms
-- (every top-level task read and sorted) to under 10 ms on SQLite. The plan page's list
-- (plan.PlanTasks) reads the same task index in the same order.
CREATE INDEX plans_year_path ON plans(year, unit_path, id);
DROP INDEX tasks_plan;
CREATE INDEX tasks_plan ON tasks(plan_id, parent_id, due_on, id);

-- +goose Down
DROP INDEX tasks_plan;
CREATE INDEX tasks_plan ON tasks(plan_id, parent_id);
DROP INDEX plans_year_path;
