-- +goose Up
-- Mass-mobilisation models (mô hình) and exemplars (điển hình): registration, progress
-- reports, support requests, criteria sets, yearly rounds (bình xét), scores, recognition.
CREATE TABLE models (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,                  -- 'model' (mô hình) | 'exemplar' (điển hình)
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    unit_path       TEXT NOT NULL,
    name            TEXT NOT NULL,
    name_fold       TEXT NOT NULL,
    holder          TEXT NOT NULL DEFAULT '',       -- exemplar: the person or group
    field           TEXT NOT NULL,                  -- kinh-te | van-hoa-xa-hoi | quoc-phong-an-ninh | xay-dung-htct
    year            INTEGER NOT NULL,
    problem         TEXT NOT NULL DEFAULT '',
    goals           TEXT NOT NULL DEFAULT '',
    criteria        TEXT NOT NULL DEFAULT '',       -- measurable criteria of the goals
    methods         TEXT NOT NULL DEFAULT '',
    area            TEXT NOT NULL DEFAULT '',
    beneficiaries   TEXT NOT NULL DEFAULT '',
    lead_force      TEXT NOT NULL DEFAULT '',
    partners        TEXT NOT NULL DEFAULT '',
    resources       TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL DEFAULT '',
    ends_on         TEXT NOT NULL DEFAULT '',
    outputs         TEXT NOT NULL DEFAULT '',
    story           TEXT NOT NULL DEFAULT '',       -- public story on the honour board
    state           TEXT NOT NULL,
    replica_of      INTEGER REFERENCES models(id),
    stop_reason     TEXT NOT NULL DEFAULT '',
    level           TEXT NOT NULL DEFAULT '',       -- recognition level
    reward          TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '',       -- decision number of the recognition
    recognised_year INTEGER NOT NULL DEFAULT 0,
    recognised_at   TEXT NOT NULL DEFAULT '',
    honoured        INTEGER NOT NULL DEFAULT 0,     -- on the public honour board
    photo_id        INTEGER,                        -- cover photo (attachments.id)
    last_report_at  TEXT NOT NULL DEFAULT '',
    watch_at        TEXT NOT NULL DEFAULT '',       -- last sign of life while in progress; '' otherwise
    owner_person    INTEGER REFERENCES people(id),  -- the registrant
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX models_unit ON models(unit_path, id);
-- The honour board: newest first, filtered by year and/or field (partial: recognised only).
CREATE INDEX models_honour ON models(id) WHERE honoured = TRUE;
CREATE INDEX models_honour_year ON models(recognised_year, id) WHERE honoured = TRUE;
CREATE INDEX models_honour_field ON models(field, id) WHERE honoured = TRUE;
CREATE INDEX models_honour_year_field ON models(recognised_year, field, id) WHERE honoured = TRUE;
CREATE INDEX models_honour_unit ON models(unit_path, id) WHERE honoured = TRUE;
CREATE INDEX models_honour_units ON models(unit_id) WHERE honoured = TRUE;
-- Stuck models: covering, so counting a whole tree reads the index only.
CREATE INDEX models_watch ON models(watch_at, unit_path) WHERE watch_at <> '';
CREATE INDEX models_replica ON models(replica_of) WHERE replica_of IS NOT NULL;
CREATE INDEX models_state ON models(state, unit_path);

-- Counts per (ancestor unit, year, field, state), kept in the transaction of every change, so
-- the discovery page reads a few rows per unit instead of counting the subtree.
CREATE TABLE model_rollup (
    unit_id INTEGER NOT NULL,
    year    INTEGER NOT NULL,
    field   TEXT NOT NULL,
    state   TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, field, state)
);

CREATE TABLE model_reports (
    id           INTEGER PRIMARY KEY,
    model_id     INTEGER NOT NULL REFERENCES models(id),
    kind         TEXT NOT NULL,                 -- 'progress' | 'review' (sơ kết)
    body         TEXT NOT NULL,
    figures      TEXT NOT NULL DEFAULT '',      -- JSON [{"label","value"}]
    difficulties TEXT NOT NULL DEFAULT '',
    author_id    INTEGER REFERENCES users(id),
    author_name  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX model_reports_model ON model_reports(model_id, id);

CREATE TABLE model_support (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES models(id),
    report_id     INTEGER REFERENCES model_reports(id),
    unit_path     TEXT NOT NULL,                -- the model's unit
    to_unit_id    INTEGER NOT NULL REFERENCES units(id), -- the upper unit that answers
    to_unit_path  TEXT NOT NULL,
    request       TEXT NOT NULL,
    asked_by      INTEGER REFERENCES users(id),
    asked_name    TEXT NOT NULL,
    asked_at      TEXT NOT NULL,
    answer        TEXT NOT NULL DEFAULT '',
    answered_by   INTEGER REFERENCES users(id),
    answered_name TEXT NOT NULL DEFAULT '',
    answered_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX model_support_model ON model_support(model_id, id);
-- Unanswered requests, oldest first within a subtree (covering for the count).
CREATE INDEX model_support_open ON model_support(asked_at, to_unit_path) WHERE answered_at = '';

CREATE TABLE criteria_sets (
    id         INTEGER PRIMARY KEY,
    year       INTEGER NOT NULL,
    level      TEXT NOT NULL,
    name       TEXT NOT NULL,
    scale_min  INTEGER NOT NULL,
    scale_max  INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX criteria_sets_year ON criteria_sets(year, level);

CREATE TABLE criteria (
    id     INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES criteria_sets(id),
    seq    INTEGER NOT NULL,
    name   TEXT NOT NULL,
    weight INTEGER NOT NULL                     -- percent; a set's weights sum to 100
);
CREATE INDEX criteria_set ON criteria(set_id, seq);

CREATE TABLE model_rounds (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    level       TEXT NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),  -- the committee holding the round
    unit_path   TEXT NOT NULL,
    set_id      INTEGER NOT NULL REFERENCES criteria_sets(id),
    name        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'open',   -- open | decided
    decision    TEXT NOT NULL DEFAULT '',       -- number of the decision
    decided_at  TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX model_rounds_unit ON model_rounds(unit_path, year);

CREATE TABLE model_candidates (
    id          INTEGER PRIMARY KEY,
    round_id    INTEGER NOT NULL REFERENCES model_rounds(id),
    model_id    INTEGER NOT NULL REFERENCES models(id),
    unit_path   TEXT NOT NULL,                  -- the model's unit
    proposed_by INTEGER REFERENCES users(id),
    proposed_at TEXT NOT NULL,
    result      REAL NOT NULL DEFAULT 0,        -- mean of the assessors' weighted results
    scores      INTEGER NOT NULL DEFAULT 0,
    recognised  INTEGER NOT NULL DEFAULT 0,
    reward      TEXT NOT NULL DEFAULT '',
    UNIQUE (round_id, model_id)
);
CREATE INDEX model_candidates_model ON model_candidates(model_id);
CREATE INDEX model_candidates_unit ON model_candidates(unit_path);

CREATE TABLE model_scores (
    id            INTEGER PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES model_candidates(id),
    model_id      INTEGER NOT NULL REFERENCES models(id),
    assessor_id   INTEGER NOT NULL REFERENCES users(id),
    assessor_name TEXT NOT NULL,
    total         REAL NOT NULL,                -- weighted result on the set's scale
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    UNIQUE (candidate_id, assessor_id)
);
CREATE INDEX model_scores_assessor ON model_scores(assessor_id);

CREATE TABLE model_score_items (
    score_id     INTEGER NOT NULL REFERENCES model_scores(id),
    criterion_id INTEGER NOT NULL REFERENCES criteria(id),
    value        REAL NOT NULL,
    PRIMARY KEY (score_id, criterion_id)
);

-- Reminders already sent, once per (model, reason, ref).
CREATE TABLE model_reminders (
    model_id INTEGER NOT NULL,
    reason   TEXT NOT NULL,
    ref      TEXT NOT NULL,
    sent_at  TEXT NOT NULL,
    PRIMARY KEY (model_id, reason, ref)
);
