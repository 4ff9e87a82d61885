-- +goose Up
-- What the reminder task already told whom: one row per (round, kind, user), so each
-- opening notice and each "2 working days left" reminder reaches each invitee once,
-- however many times or on however many instances the task runs.
CREATE TABLE draft_notices (
    round_id INTEGER NOT NULL REFERENCES draft_rounds(id),
    kind     TEXT NOT NULL,      -- 'open' | 'remind'
    user_id  INTEGER NOT NULL REFERENCES users(id),
    sent_at  TEXT NOT NULL,
    PRIMARY KEY (round_id, kind, user_id)
);

-- +goose Down
DROP TABLE draft_notices;
