-- +goose Up
-- Periodic reports (báo cáo sơ kết, tổng kết) of a unit to the level above: the report and
-- its frozen figures, the narrative saved as versions, the flow's events (submitted,
-- received, returned with remarks), and the calls by which an upper committee asks its
-- child units for a report by a due date (what "overdue" is measured against).
CREATE TABLE report_calls (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),  -- the level above, which asks
    unit_path   TEXT NOT NULL,
    kind        TEXT NOT NULL,                          -- six_month | annual | custom
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX report_calls_period ON report_calls(unit_id, kind, period_from, period_to);
CREATE INDEX report_calls_due ON report_calls(due_on);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_path    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    number       TEXT NOT NULL DEFAULT '',               -- "12-BC/ĐU", filled by the office
    place        TEXT NOT NULL DEFAULT '',               -- địa danh
    status       TEXT NOT NULL DEFAULT 'draft',          -- draft | submitted | received | returned
    version      INTEGER NOT NULL DEFAULT 0,             -- latest narrative version
    figures      TEXT NOT NULL DEFAULT '',               -- JSON, frozen at submission
    submitted_at TEXT NOT NULL DEFAULT '',
    submitted_by INTEGER REFERENCES users(id),
    decided_at   TEXT NOT NULL DEFAULT '',
    decided_by   INTEGER REFERENCES users(id),
    remarks      TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX reports_period ON reports(unit_id, kind, period_from, period_to);
CREATE INDEX reports_path ON reports(unit_path, period_from);

CREATE TABLE report_versions (
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    version      INTEGER NOT NULL,
    achievements TEXT NOT NULL DEFAULT '',
    weaknesses   TEXT NOT NULL DEFAULT '',
    next_tasks   TEXT NOT NULL DEFAULT '',
    author_id    INTEGER REFERENCES users(id),
    author_name  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    PRIMARY KEY (report_id, version)
);

CREATE TABLE report_events (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports(id),
    action     TEXT NOT NULL,                            -- create | submit | receive | return
    remarks    TEXT NOT NULL DEFAULT '',
    user_id    INTEGER REFERENCES users(id),
    user_name  TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, id);
