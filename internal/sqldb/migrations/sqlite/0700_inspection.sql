-- +goose Up
-- Inspection and supervision (kiểm tra, giám sát) of mass-mobilisation work: a committee's
-- yearly programme and its items, the rounds carrying an item out (decision, team, targets),
-- findings per target and topic, and the conclusion whose recommendations are plan tasks of
-- the target units (their state is the task's; the round only records carried-over ones).
CREATE TABLE inspection_topics (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    name   TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO inspection_topics (code, name, seq) VALUES
    ('quy-che-dan-chu', 'Thực hiện quy chế dân chủ (trách nhiệm người đứng đầu)', 1),
    ('mo-hinh-dan-van', 'Mô hình "Dân vận khéo"', 2),
    ('lanh-dao-doan-the', 'Lãnh đạo đoàn thể', 3),
    ('don-thu', 'Giải quyết đơn thư', 4),
    ('dan-van-co-quan', 'Công tác dân vận của cơ quan', 5);

CREATE TABLE inspection_programmes (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),   -- the committee
    unit_path   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'draft',           -- draft | approved
    approved_on TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX inspection_programmes_unit_year ON inspection_programmes(unit_id, year);
CREATE INDEX inspection_programmes_path ON inspection_programmes(unit_path, year);

CREATE TABLE inspection_items (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES inspection_programmes(id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,                          -- inspect | thematic | regular
    topic_id     INTEGER NOT NULL REFERENCES inspection_topics(id),
    months       TEXT NOT NULL,                          -- planned months, "3,4"
    lead_id      INTEGER NOT NULL REFERENCES people(id)  -- person in charge
);
CREATE INDEX inspection_items_programme ON inspection_items(programme_id, seq);

CREATE TABLE inspection_item_targets (
    item_id INTEGER NOT NULL REFERENCES inspection_items(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (item_id, unit_id)
);

CREATE TABLE inspection_rounds (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES inspection_items(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),  -- the committee (copied from the programme)
    unit_path     TEXT NOT NULL,
    decision_no   TEXT NOT NULL,
    decision_key  TEXT NOT NULL,                          -- notation.Key: one round per decision
    decision_on   TEXT NOT NULL,
    head_id       INTEGER NOT NULL REFERENCES people(id),
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    report_due    TEXT NOT NULL,                          -- targets' self-report, before the visit
    status        TEXT NOT NULL DEFAULT 'open',           -- open | concluded | closed
    conclusion_no TEXT NOT NULL DEFAULT '',
    conclusion_on TEXT NOT NULL DEFAULT '',
    conclusion    TEXT NOT NULL DEFAULT '',
    referral      TEXT NOT NULL DEFAULT '',               -- a case referred, and to whom
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX inspection_rounds_decision ON inspection_rounds(unit_id, decision_key);
CREATE INDEX inspection_rounds_path ON inspection_rounds(unit_path, starts_on);

CREATE TABLE inspection_round_targets (
    round_id  INTEGER NOT NULL REFERENCES inspection_rounds(id),
    unit_id   INTEGER NOT NULL REFERENCES units(id),
    unit_path TEXT NOT NULL,
    PRIMARY KEY (round_id, unit_id)
);
CREATE INDEX inspection_round_targets_path ON inspection_round_targets(unit_path);

CREATE TABLE inspection_members (
    round_id  INTEGER NOT NULL REFERENCES inspection_rounds(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX inspection_members_person ON inspection_members(person_id);

CREATE TABLE inspection_findings (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES inspection_rounds(id),
    target_id  INTEGER NOT NULL REFERENCES units(id),
    topic_id   INTEGER NOT NULL REFERENCES inspection_topics(id),
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX inspection_findings_round ON inspection_findings(round_id, target_id);

CREATE TABLE inspection_recommendations (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES inspection_rounds(id),
    target_id   INTEGER NOT NULL REFERENCES units(id),
    seq         INTEGER NOT NULL,
    content     TEXT NOT NULL,
    task_id     INTEGER NOT NULL REFERENCES tasks(id),
    carried     TEXT NOT NULL DEFAULT ''                  -- reason, when carried over to a later round
);
CREATE INDEX inspection_recommendations_round ON inspection_recommendations(round_id, seq);
CREATE INDEX inspection_recommendations_task ON inspection_recommendations(task_id);
