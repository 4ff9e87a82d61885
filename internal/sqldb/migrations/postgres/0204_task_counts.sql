-- +goose Up
-- Task counters by unit and day, rolled up to every ancestor of the task's unit, so the
-- figures of any subtree (the whole tree's dashboard and annual report included) read a
-- few hundred rows instead of every task: at 2.000.000 tasks the whole tree's figures
-- scanned them all (13–17 s). Each row holds, for one unit's subtree and one day:
--   started, started_open   tasks whose start_on is that day, and those of them not done;
--   done, done_on_time      tasks accepted that day, and those submitted by their deadline;
--   due_active, due_open    tasks due that day still open or in progress, and those not done.
-- "Overdue now" is then a sum over the days before today. Kept in the transaction of each
-- task change (plan.countTasks) and rebuilt from the tasks by plan.Service.RebuildTaskCounts
-- (after danvan gen, and at start-up when tasks exist but the counters do not).
CREATE TABLE task_counts (
    unit_id      BIGINT NOT NULL,
    day          TEXT NOT NULL,
    started      INTEGER NOT NULL DEFAULT 0,
    started_open INTEGER NOT NULL DEFAULT 0,
    done         INTEGER NOT NULL DEFAULT 0,
    done_on_time INTEGER NOT NULL DEFAULT 0,
    due_active   INTEGER NOT NULL DEFAULT 0,
    due_open     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
);

-- +goose Down
DROP TABLE task_counts;
