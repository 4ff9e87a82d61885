-- +goose Up
-- The team's reminders of overdue recommendations (inspection.Remind), once per
-- recommendation and deadline: the inspection domain's own record, not a row in the plan
-- domain's task_reminders (the person answerable is reminded there, by plan.Remind).
CREATE TABLE inspection_reminders (
    recommendation_id BIGINT NOT NULL REFERENCES inspection_recommendations(id),
    due_on            TEXT NOT NULL,
    sent_at           TEXT NOT NULL,
    PRIMARY KEY (recommendation_id, due_on)
);

-- +goose Down
DROP TABLE inspection_reminders;
