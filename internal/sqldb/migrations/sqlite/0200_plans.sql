-- +goose Up
-- Governing documents (văn bản chỉ đạo), programmes and plans (chương trình, kế hoạch)
-- with targets (chỉ tiêu), tasks (nhiệm vụ) with lead and support (chủ trì, phối hợp),
-- progress reports, reminders, and training sessions (quán triệt, tập huấn, bồi dưỡng).
CREATE TABLE gov_documents (
    id            INTEGER PRIMARY KEY,
    notation      TEXT NOT NULL,                 -- '04-NQ/ĐUK', '12/QĐ-UBND' (notation.String)
    notation_key  TEXT NOT NULL,              -- notation.Key: '4-nq/duk'
    form          TEXT NOT NULL,                 -- 'party' | 'state'
    type_code     TEXT NOT NULL DEFAULT '',      -- 'NQ', 'QĐi', unknown codes kept
    kind          TEXT NOT NULL,                 -- Vietnamese type: Nghị quyết, Quy định…
    issuer        TEXT NOT NULL,                 -- issuing body in words: Ban Chấp hành Trung ương
    issued_on     TEXT NOT NULL,                 -- YYYY-MM-DD
    issued_year   INTEGER NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    in_force      INTEGER NOT NULL DEFAULT TRUE,
    replaced_by   INTEGER REFERENCES gov_documents(id),
    search_fold   TEXT NOT NULL,                 -- search.Fold of kind, notation, title, issuer, summary
    unit_id       INTEGER NOT NULL REFERENCES units(id), -- unit keeping the record (rights to edit)
    unit_path     TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX gov_documents_key ON gov_documents(notation_key, issued_year);
CREATE INDEX gov_documents_issued ON gov_documents(issued_on, id);

CREATE TABLE gov_document_links (
    id       INTEGER PRIMARY KEY,
    from_id  INTEGER NOT NULL REFERENCES gov_documents(id),
    to_id    INTEGER NOT NULL REFERENCES gov_documents(id),
    kind     TEXT NOT NULL,   -- 'concretises' | 'replaces' | 'guides'
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX gov_document_links_pair ON gov_document_links(from_id, to_id, kind);
CREATE INDEX gov_document_links_to ON gov_document_links(to_id);

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    unit_path   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    kind        TEXT NOT NULL,                 -- 'ke-hoach' | 'chuong-trinh'
    number      TEXT NOT NULL DEFAULT '',      -- '05-KH/ĐU' once issued
    title       TEXT NOT NULL,
    title_fold  TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    signer_id   INTEGER REFERENCES people(id),   -- signs "T/M …"
    place       TEXT NOT NULL DEFAULT '',      -- "Hà Nội"
    issued_on   TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX plans_unit ON plans(unit_path, year);

CREATE TABLE plan_documents (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    document_id INTEGER NOT NULL REFERENCES gov_documents(id),
    PRIMARY KEY (plan_id, document_id)
);
CREATE INDEX plan_documents_doc ON plan_documents(document_id);

CREATE TABLE plan_targets (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plans(id),
    seq          INTEGER NOT NULL,
    indicator    TEXT NOT NULL,
    target_value REAL NOT NULL,
    measure      TEXT NOT NULL DEFAULT '',     -- đơn vị tính
    actual_value REAL,
    actual_note  TEXT NOT NULL DEFAULT '',
    actual_at    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_targets_plan ON plan_targets(plan_id, seq);

CREATE TABLE tasks (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES tasks(id),
    plan_id       INTEGER REFERENCES plans(id),
    document_id   INTEGER REFERENCES gov_documents(id),
    unit_id       INTEGER NOT NULL REFERENCES units(id),
    unit_path     TEXT NOT NULL,
    assigner_path TEXT NOT NULL,            -- unit that assigned it: accepts or returns
    title         TEXT NOT NULL,
    title_fold    TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    lead_id       INTEGER REFERENCES people(id), -- chủ trì; NULL only on a cascaded child with no one named yet
    leader_id     INTEGER REFERENCES people(id), -- cấp ủy lãnh đạo (responsibility matrix)
    organiser_id  INTEGER REFERENCES people(id), -- thủ trưởng tổ chức thực hiện
    priority      INTEGER NOT NULL DEFAULT 2,  -- 1 cao, 2 bình thường, 3 thấp
    start_on      TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    due_rule      TEXT NOT NULL DEFAULT '',    -- "10 ngày làm việc từ 01/12/2026"
    status        TEXT NOT NULL,               -- 'open' | 'doing' | 'submitted' | 'done'
    percent       INTEGER NOT NULL DEFAULT 0,
    returned      INTEGER NOT NULL DEFAULT FALSE,
    submitted_on  TEXT NOT NULL DEFAULT '',
    done_on       TEXT NOT NULL DEFAULT '',
    assigned_by   INTEGER REFERENCES users(id),
    children      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX tasks_parent ON tasks(parent_id, status, due_on);
CREATE INDEX tasks_plan ON tasks(plan_id, parent_id);
CREATE INDEX tasks_lead_open ON tasks(lead_id, status, due_on);
CREATE INDEX tasks_unit ON tasks(unit_path, due_on);
CREATE INDEX tasks_document ON tasks(document_id);

CREATE TABLE task_support (
    task_id   INTEGER NOT NULL REFERENCES tasks(id),
    person_id INTEGER REFERENCES people(id),
    unit_id   INTEGER REFERENCES units(id),
    role      TEXT NOT NULL                   -- 'support' (phối hợp) | 'adviser' (đoàn thể tham mưu, nòng cốt)
);
CREATE INDEX task_support_task ON task_support(task_id);
CREATE INDEX task_support_person ON task_support(person_id, task_id);

CREATE TABLE task_reports (
    id         INTEGER PRIMARY KEY,
    task_id    INTEGER NOT NULL REFERENCES tasks(id),
    kind       TEXT NOT NULL,                 -- 'progress' | 'complete' | 'accept' | 'return' | 'reopen'
    body       TEXT NOT NULL DEFAULT '',
    percent    INTEGER NOT NULL DEFAULT 0,
    user_id    INTEGER REFERENCES users(id),
    person_id  INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL
);
CREATE INDEX task_reports_task ON task_reports(task_id, id);

CREATE TABLE task_reminders (
    task_id  INTEGER NOT NULL REFERENCES tasks(id),
    state    TEXT NOT NULL,                   -- 'due-soon' | 'overdue'
    due_on   TEXT NOT NULL,
    sent_at  TEXT NOT NULL,
    PRIMARY KEY (task_id, state, due_on)
);

CREATE TABLE training_sessions (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    unit_path    TEXT NOT NULL,
    kind         TEXT NOT NULL,               -- 'quan-triet' | 'tap-huan' | 'boi-duong'
    title        TEXT NOT NULL,
    title_fold   TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    organiser_id INTEGER REFERENCES people(id),
    note         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX training_sessions_unit ON training_sessions(unit_path, held_on);

CREATE TABLE training_documents (
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id),
    document_id INTEGER NOT NULL REFERENCES gov_documents(id),
    PRIMARY KEY (session_id, document_id)
);
CREATE INDEX training_documents_doc ON training_documents(document_id);

CREATE TABLE training_units (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (session_id, unit_id)
);

CREATE TABLE training_attendance (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    status     TEXT NOT NULL,                  -- 'invited' | 'present' | 'excused' | 'absent'
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX training_attendance_person ON training_attendance(person_id);

-- +goose Down
DROP TABLE training_attendance;
DROP TABLE training_units;
DROP TABLE training_documents;
DROP TABLE training_sessions;
DROP TABLE task_reminders;
DROP TABLE task_reports;
DROP TABLE task_support;
DROP TABLE tasks;
DROP TABLE plan_targets;
DROP TABLE plan_documents;
DROP TABLE plans;
DROP TABLE gov_document_links;
DROP TABLE gov_documents;
