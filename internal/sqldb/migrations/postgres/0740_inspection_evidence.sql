-- +goose Up
-- The evidence pack (hồ sơ số liệu) of a round: per target unit, the figures of every
-- domain for the period, taken when the round opens and refreshed on request, so the
-- team starts from facts and the page says when they were taken (internal/inspection
-- evidence.go). blocks is the JSON of []figures.Block, as the sources returned them.
-- rights_of is the account whose rights the figures follow (the committee's officer),
-- asked_by the one who asked for them (a team member may refresh on the officer's rights).
CREATE TABLE inspection_evidence (
    round_id    BIGINT NOT NULL REFERENCES inspection_rounds(id),
    target_id   BIGINT NOT NULL REFERENCES units(id),
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    taken_at    TEXT NOT NULL,
    rights_of   BIGINT REFERENCES users(id),
    asked_by    BIGINT REFERENCES users(id),
    blocks      TEXT NOT NULL,
    PRIMARY KEY (round_id, target_id)
);

-- +goose Down
DROP TABLE inspection_evidence;
