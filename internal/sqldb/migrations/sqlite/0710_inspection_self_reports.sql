-- +goose Up
-- A target unit's self-report (báo cáo tự kiểm tra) before the team's visit: written in
-- danvan or uploaded (the file is an attachment of owner type inspection_self_report).
-- One per round and target; sending again replaces the text and adds the files.
CREATE TABLE inspection_self_reports (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES inspection_rounds(id),
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_path    TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    submitted_by INTEGER REFERENCES users(id),
    submitted_at TEXT NOT NULL
);
CREATE UNIQUE INDEX inspection_self_reports_target ON inspection_self_reports(round_id, unit_id);
