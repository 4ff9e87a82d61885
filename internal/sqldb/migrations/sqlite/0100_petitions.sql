-- +goose Up
-- Calendar adjustments entered by the administrator (days off and swapped working days),
-- time-limit rules as versioned data, petitions (đơn thư) with their deadline steps,
-- people assigned, case files (hồ sơ vụ việc), reminders sent, and dashboard counters.
CREATE TABLE calendar_days (
    day        TEXT PRIMARY KEY,          -- YYYY-MM-DD
    kind       TEXT NOT NULL,             -- 'off' (ngày nghỉ) | 'working' (ngày làm bù)
    name       TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
-- One row counting changes to calendar_days, so that every instance notices a change.
CREATE TABLE calendar_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO calendar_changes (id, version) VALUES (1, 0);

CREATE TABLE petition_rules (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,              -- khieu-nai | to-cao | kien-nghi
    step           TEXT NOT NULL,              -- register | accept | forward | resolve | answer
    round          INTEGER NOT NULL DEFAULT 0, -- 0 any, 1 first, 2 second
    complexity     TEXT NOT NULL DEFAULT '',   -- '' any | normal | complex | very-complex
    area           TEXT NOT NULL DEFAULT '',   -- '' any | normal | remote
    amount         INTEGER NOT NULL,
    unit           TEXT NOT NULL,              -- calendar_days | working_days
    extensions     INTEGER NOT NULL DEFAULT 0,
    extension_days INTEGER NOT NULL DEFAULT 0, -- each extension, in the rule's unit
    effective_from TEXT NOT NULL,              -- YYYY-MM-DD
    basis          TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX petition_rules_key ON petition_rules(kind, step, effective_from);

CREATE TABLE petition_cases (
    id         INTEGER PRIMARY KEY,
    unit_path  TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE petitions (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,         -- tracking code without dashes
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL,                -- online | in-person | post | forwarded
    state           TEXT NOT NULL,
    open            INTEGER NOT NULL DEFAULT 1,   -- 0 once resolved, forwarded, rejected or closed
    unit_id         INTEGER NOT NULL REFERENCES units(id),  -- receiving / handling unit
    unit_path       TEXT NOT NULL,
    received_on     TEXT NOT NULL,                -- YYYY-MM-DD, date received
    round           INTEGER NOT NULL DEFAULT 1,
    complexity      TEXT NOT NULL DEFAULT 'normal',
    area            TEXT NOT NULL DEFAULT 'normal',
    competent       INTEGER NOT NULL DEFAULT 1,
    subject         TEXT NOT NULL,
    content         TEXT NOT NULL,
    search_fold     TEXT NOT NULL,                -- folded subject + content (+ sender unless confidential)
    content_key     TEXT NOT NULL DEFAULT '',     -- folded, shortened content for duplicate detection
    sender_name     TEXT NOT NULL DEFAULT '',
    sender_phone    TEXT NOT NULL DEFAULT '',
    sender_email    TEXT NOT NULL DEFAULT '',
    sender_address  TEXT NOT NULL DEFAULT '',
    sender_idno     TEXT NOT NULL DEFAULT '',
    phone_key       TEXT NOT NULL DEFAULT '',     -- digits only
    forwarded_from  TEXT NOT NULL DEFAULT '',     -- body that forwarded it to us
    forwarded_to    TEXT NOT NULL DEFAULT '',     -- body we forwarded it to
    reason          TEXT NOT NULL DEFAULT '',     -- rejection / suspension reason
    decision_no     TEXT NOT NULL DEFAULT '',     -- acceptance decision
    result          TEXT NOT NULL DEFAULT '',     -- right | partly | wrong | withdrawn
    conclusion      TEXT NOT NULL DEFAULT '',
    lead_unit_id    INTEGER REFERENCES units(id),
    lead_person_id  INTEGER REFERENCES people(id),
    head_person_id  INTEGER REFERENCES people(id),-- head of the handling unit
    case_id         INTEGER REFERENCES petition_cases(id),
    due_on          TEXT NOT NULL DEFAULT '',     -- nearest open deadline ('' none)
    accepted_on     TEXT NOT NULL DEFAULT '',
    resolved_on     TEXT NOT NULL DEFAULT '',
    on_time         INTEGER NOT NULL DEFAULT 0,
    idem_key        TEXT UNIQUE,                  -- Idempotency-Key of a public submission
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX petitions_scope_due ON petitions(unit_path, due_on, id);
CREATE INDEX petitions_open_due ON petitions(open, due_on);
CREATE INDEX petitions_due ON petitions(due_on, id);
CREATE INDEX petitions_state_due ON petitions(state, unit_path, due_on, id);
CREATE INDEX petitions_lead ON petitions(lead_person_id, open);
CREATE INDEX petitions_phone ON petitions(phone_key) WHERE phone_key <> '';
CREATE INDEX petitions_idno ON petitions(sender_idno) WHERE sender_idno <> '';
CREATE INDEX petitions_content_key ON petitions(content_key);
CREATE INDEX petitions_case ON petitions(case_id);

CREATE TABLE petition_steps (
    id              INTEGER PRIMARY KEY,
    petition_id     INTEGER NOT NULL REFERENCES petitions(id),
    step            TEXT NOT NULL,
    rule_id         INTEGER REFERENCES petition_rules(id),
    amount          INTEGER NOT NULL,
    unit            TEXT NOT NULL,
    starts_on       TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    extensions_used INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'open', -- open | paused | done | cancelled
    done_on         TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX petition_steps_petition ON petition_steps(petition_id, id);
CREATE INDEX petition_steps_open ON petition_steps(status, due_on);

CREATE TABLE petition_people (
    petition_id INTEGER NOT NULL REFERENCES petitions(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    role        TEXT NOT NULL,                   -- lead | support | receiver
    PRIMARY KEY (petition_id, person_id, role)
);
CREATE INDEX petition_people_person ON petition_people(person_id);

CREATE TABLE petition_support_units (
    petition_id INTEGER NOT NULL REFERENCES petitions(id),
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (petition_id, unit_id)
);

-- Public history: what the citizen sees with the tracking code (no names of staff).
CREATE TABLE petition_events (
    id          INTEGER PRIMARY KEY,
    petition_id INTEGER NOT NULL REFERENCES petitions(id),
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    public_text TEXT NOT NULL,
    actor_name  TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX petition_events_petition ON petition_events(petition_id, id);

CREATE TABLE petition_reminders (
    petition_id INTEGER NOT NULL,
    step_id     INTEGER NOT NULL,
    state       TEXT NOT NULL,                   -- due-soon | overdue
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (petition_id, step_id, state)
);

-- Counters for the dashboard, kept in the same transaction as each change:
-- one row per handling unit, month received (YYYY-MM) and kind.
CREATE TABLE petition_stats (
    unit_id   INTEGER NOT NULL,
    unit_path TEXT NOT NULL,
    month     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    received  INTEGER NOT NULL DEFAULT 0,
    resolved  INTEGER NOT NULL DEFAULT 0,
    on_time   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, kind)
);
CREATE INDEX petition_stats_path ON petition_stats(unit_path);

-- The default rule set (DOMAIN.md section 4). kind '' and step 'answer' apply to every kind
-- received in person. An administrator adds later versions on the rules page.
INSERT INTO petition_rules (kind, step, round, complexity, area, amount, unit, extensions, extension_days, effective_from, basis, created_at) VALUES
 ('khieu-nai', 'accept',  0, '',        '',       10, 'working_days',  0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 27; Thông tư 07/2013/TT-TTCP', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'accept',  0, '',        '',        7, 'working_days',  0, 0,  '2026-07-01', 'Nghị định 155/2026 (nguồn thứ cấp, cần đối chiếu)', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 1, 'normal',  'normal', 30, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 28', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 1, 'complex', 'normal', 45, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 28', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 1, 'normal',  'remote', 45, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 28', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 1, 'complex', 'remote', 60, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 28', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 2, 'normal',  'normal', 45, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 37', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 2, 'complex', 'normal', 60, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 37', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 2, 'normal',  'remote', 60, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 37', '2026-01-01T00:00:00Z'),
 ('khieu-nai', 'resolve', 2, 'complex', 'remote', 70, 'calendar_days', 0, 0,  '2012-07-01', 'Luật Khiếu nại 2011, Điều 37', '2026-01-01T00:00:00Z'),
 ('to-cao',    'register',0, '',        '',        7, 'working_days',  1, 3,  '2019-01-01', 'Luật Tố cáo 2018, Điều 24 (gia hạn đến 10 ngày làm việc)', '2026-01-01T00:00:00Z'),
 ('to-cao',    'forward', 0, '',        '',        5, 'working_days',  0, 0,  '2019-01-01', 'Luật Tố cáo 2018, Điều 24 khoản 2', '2026-01-01T00:00:00Z'),
 ('to-cao',    'resolve', 0, 'normal',  '',       30, 'calendar_days', 0, 0,  '2019-01-01', 'Luật Tố cáo 2018, Điều 30', '2026-01-01T00:00:00Z'),
 ('to-cao',    'resolve', 0, 'complex', '',       30, 'calendar_days', 1, 30, '2019-01-01', 'Luật Tố cáo 2018, Điều 30 (phức tạp: gia hạn 1 lần 30 ngày)', '2026-01-01T00:00:00Z'),
 ('to-cao',    'resolve', 0, 'very-complex', '',  30, 'calendar_days', 2, 30, '2019-01-01', 'Luật Tố cáo 2018, Điều 30 (đặc biệt phức tạp: gia hạn 2 lần, mỗi lần 30 ngày)', '2026-01-01T00:00:00Z'),
 ('',          'answer',  0, '',        '',       10, 'working_days',  0, 0,  '2014-07-01', 'Luật Tiếp công dân 2013, Điều 28', '2026-01-01T00:00:00Z'),
 ('kien-nghi', 'forward', 0, '',        '',        5, 'working_days',  0, 0,  '2008-03-01', 'Nghị định 20/2008/NĐ-CP, Điều 9', '2026-01-01T00:00:00Z');
