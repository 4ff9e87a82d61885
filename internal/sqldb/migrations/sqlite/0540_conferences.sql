-- +goose Up
-- The annual staff conference (hội nghị cán bộ, công chức, viên chức, người lao động),
-- its delegates and attendance, agenda items and votes, commitments of its resolution,
-- the people's inspection board (ban thanh tra nhân dân) it elects and the board's work.
-- The legal numbers are rule data with effective dates (conference_rules), like the
-- petitions' time limits: a change of law is a new row, not a code change.
CREATE TABLE conference_rules (
    id                 INTEGER PRIMARY KEY,
    effective_from     TEXT NOT NULL,               -- YYYY-MM-DD
    deadline_months    INTEGER NOT NULL,            -- held no later than N months after the work year ends
    quorum_num         INTEGER NOT NULL,            -- quorum: present * den >= delegates * num
    quorum_den         INTEGER NOT NULL,
    pass_num           INTEGER NOT NULL,            -- a motion passes with for * den > present * num
    pass_den           INTEGER NOT NULL,
    review_months      INTEGER NOT NULL,            -- the resolution reviewed every N months
    delegates_from     INTEGER NOT NULL,            -- staff from which elected delegates may replace all staff
    board_min          INTEGER NOT NULL,
    board_max          INTEGER NOT NULL,
    board_staff_min    INTEGER NOT NULL,            -- no board in an agency with fewer staff
    board_term_months  INTEGER NOT NULL,
    board_notice_days  INTEGER NOT NULL,            -- remind the term's end this many days ahead
    board_excluded     TEXT NOT NULL,               -- position codes that may not sit on the board, comma separated
    answer_days        INTEGER NOT NULL,            -- working days for the head to answer a recommendation
    basis              TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX conference_rules_from ON conference_rules(effective_from);
INSERT INTO conference_rules (effective_from, deadline_months, quorum_num, quorum_den, pass_num, pass_den, review_months, delegates_from,
    board_min, board_max, board_staff_min, board_term_months, board_notice_days, board_excluded, answer_days, basis, created_at)
VALUES ('2023-07-01', 3, 2, 3, 1, 2, 6, 100, 3, 9, 8, 24, 30, 'thu-truong,pho-thu-truong,ke-toan-truong', 15,
    'Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 (chương III); Nghị định 59/2023/NĐ-CP', '2023-07-01T00:00:00Z');

CREATE TABLE conferences (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),   -- the agency (cơ quan)
    unit_path      TEXT NOT NULL,
    year           INTEGER NOT NULL,                        -- the year it is held (reviews year - 1)
    rule_id        INTEGER NOT NULL REFERENCES conference_rules(id),
    due_on         TEXT NOT NULL,                           -- last day of the legal window
    planned_on     TEXT NOT NULL DEFAULT '',
    held_on        TEXT NOT NULL DEFAULT '',
    place          TEXT NOT NULL DEFAULT '',
    delegate_mode  TEXT NOT NULL DEFAULT 'all',             -- 'all' staff | 'elected' delegates
    chair_id       INTEGER REFERENCES people(id),           -- the head, who chairs
    union_id       INTEGER REFERENCES units(id),            -- the trade union co-running it
    status         TEXT NOT NULL DEFAULT 'planned',         -- planned | held | issued
    resolution_no  TEXT NOT NULL DEFAULT '',
    issued_on      TEXT NOT NULL DEFAULT '',
    board_id       INTEGER,
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX conferences_unit_year ON conferences(unit_id, year);
CREATE INDEX conferences_path ON conferences(unit_path, year);

CREATE TABLE conference_delegates (
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    present       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conference_id, person_id)
);

CREATE TABLE conference_documents (
    id            INTEGER PRIMARY KEY,
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    draft_id      INTEGER NOT NULL REFERENCES drafts(id),
    round_id      INTEGER REFERENCES draft_rounds(id),
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX conference_documents_draft ON conference_documents(conference_id, draft_id);

CREATE TABLE conference_items (
    id            INTEGER PRIMARY KEY,
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    seq           INTEGER NOT NULL,
    kind          TEXT NOT NULL,                 -- report | motion | resolution
    title         TEXT NOT NULL,
    content       TEXT NOT NULL DEFAULT '',
    voted         INTEGER NOT NULL DEFAULT 0,
    votes_for     INTEGER NOT NULL DEFAULT 0,
    votes_against INTEGER NOT NULL DEFAULT 0,
    votes_abstain INTEGER NOT NULL DEFAULT 0,
    present       INTEGER NOT NULL DEFAULT 0,    -- those present when it was voted
    passed        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conference_items_conf ON conference_items(conference_id, seq);

CREATE TABLE conference_commitments (
    id            INTEGER PRIMARY KEY,
    conference_id INTEGER NOT NULL REFERENCES conferences(id),
    seq           INTEGER NOT NULL,
    content       TEXT NOT NULL,
    lead_id       INTEGER NOT NULL REFERENCES people(id),
    due_days      INTEGER NOT NULL DEFAULT 0,    -- working days from the resolution
    due_on        TEXT NOT NULL DEFAULT '',
    task_id       INTEGER REFERENCES tasks(id),  -- the tracked task once the resolution is issued
    unit_path     TEXT NOT NULL
);
CREATE INDEX conference_commitments_conf ON conference_commitments(conference_id, seq);
CREATE INDEX conference_commitments_path ON conference_commitments(unit_path);

CREATE TABLE boards (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES units(id),   -- the agency
    unit_path      TEXT NOT NULL,
    conference_id  INTEGER REFERENCES conferences(id),
    elected_on     TEXT NOT NULL,
    term_end       TEXT NOT NULL,
    votes_for      INTEGER NOT NULL DEFAULT 0,
    votes_against  INTEGER NOT NULL DEFAULT 0,
    votes_abstain  INTEGER NOT NULL DEFAULT 0,
    present        INTEGER NOT NULL DEFAULT 0,
    reminded       INTEGER NOT NULL DEFAULT 0,              -- term end reminder sent
    created_at     TEXT NOT NULL
);
CREATE INDEX boards_path ON boards(unit_path, term_end);
CREATE UNIQUE INDEX boards_conference ON boards(conference_id);

CREATE TABLE board_members (
    board_id  INTEGER NOT NULL REFERENCES boards(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role      TEXT NOT NULL DEFAULT 'member',   -- head | member
    PRIMARY KEY (board_id, person_id)
);
CREATE INDEX board_members_person ON board_members(person_id);

CREATE TABLE board_plans (
    id         INTEGER PRIMARY KEY,
    board_id   INTEGER NOT NULL REFERENCES boards(id),
    year       INTEGER NOT NULL,
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX board_plans_year ON board_plans(board_id, year);

CREATE TABLE board_records (
    id             INTEGER PRIMARY KEY,
    board_id       INTEGER NOT NULL REFERENCES boards(id),
    checked_on     TEXT NOT NULL,
    subject        TEXT NOT NULL,
    findings       TEXT NOT NULL,
    recommendation TEXT NOT NULL DEFAULT '',
    task_id        INTEGER REFERENCES tasks(id),  -- the head's answer, tracked as a task
    created_at     TEXT NOT NULL
);
CREATE INDEX board_records_board ON board_records(board_id, id);

CREATE TABLE board_requests (
    id          INTEGER PRIMARY KEY,
    board_id    INTEGER NOT NULL REFERENCES boards(id),
    sender_id   INTEGER NOT NULL REFERENCES users(id),
    content     TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX board_requests_board ON board_requests(board_id, id);
CREATE INDEX board_requests_sender ON board_requests(sender_id, id);
