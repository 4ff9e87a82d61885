-- +goose Up
-- Timestamps are UTC text 'YYYY-MM-DDTHH:MM:SSZ' and dates 'YYYY-MM-DD' on both engines:
-- they sort as text, scan into strings the same way, and bucket by month with substr().
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES units(id),
    path         TEXT NOT NULL,            -- '/1/5/23/': ids from the root, for O(depth) checks and subtree ranges
    depth        INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_fold    TEXT NOT NULL,            -- search.Fold(name)
    code         TEXT NOT NULL DEFAULT '',
    valid_from   TEXT NOT NULL DEFAULT '',
    valid_to     TEXT NOT NULL DEFAULT '',  -- '' while in force
    successor_id INTEGER REFERENCES units(id),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX units_path ON units(path);
CREATE INDEX units_parent ON units(parent_id, name);
CREATE INDEX units_name_fold ON units(name_fold);
CREATE UNIQUE INDEX units_code ON units(code) WHERE code <> '';

CREATE TABLE people (
    id           INTEGER PRIMARY KEY,
    full_name    TEXT NOT NULL,
    name_key     BLOB NOT NULL,                -- org.NameKey: Vietnamese order, given name first
    name_fold    TEXT NOT NULL,
    gender       TEXT NOT NULL DEFAULT '',  -- 'nam' | 'nu' | ''
    birth_year   INTEGER NOT NULL DEFAULT 0,
    email        TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    party_member INTEGER NOT NULL DEFAULT 0,
    unit_id      INTEGER NOT NULL REFERENCES units(id), -- home unit: where the person is managed
    unit_path    TEXT NOT NULL,                          -- copy of units.path, kept in step by org on move
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX people_unit_path ON people(unit_path, name_key);
CREATE INDEX people_name_key ON people(name_key);
CREATE INDEX people_name_fold ON people(name_fold);

CREATE TABLE positions (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    title      TEXT NOT NULL,
    start_date TEXT NOT NULL DEFAULT '',
    end_date   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX positions_person ON positions(person_id);
CREATE INDEX positions_unit ON positions(unit_id, title);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    person_id           INTEGER REFERENCES people(id),
    display_name        TEXT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE INDEX users_person ON users(person_id);

CREATE TABLE role_grants (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    role       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, unit_id, role)
);
CREATE INDEX role_grants_unit ON role_grants(unit_id, role);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);

CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY,     -- 'u:username' or 'a:address'
    failures     INTEGER NOT NULL,
    last_failure TEXT NOT NULL,
    locked_until TEXT NOT NULL DEFAULT ''
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE setup_tokens (
    hash       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    used_at    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER,             -- users.id; NULL for the system and for citizens
    actor_name TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    unit_id    INTEGER,
    unit_path  TEXT NOT NULL DEFAULT '',
    entity     TEXT NOT NULL,
    entity_id  INTEGER NOT NULL DEFAULT 0,
    action     TEXT NOT NULL,
    summary    TEXT NOT NULL DEFAULT '',
    before     TEXT NOT NULL DEFAULT '',
    after      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_unit_path ON audit_log(unit_path, id);
CREATE INDEX audit_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_actor ON audit_log(actor_id, id);
-- The log cannot be changed, only appended to.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE form_nonces (
    nonce      TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    kind       TEXT NOT NULL DEFAULT '',
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    read_at    TEXT NOT NULL DEFAULT '',
    digested   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);
CREATE INDEX notifications_digest ON notifications(digested, user_id);

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT UNIQUE,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT NOT NULL DEFAULT '',
    sent_at         TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at);

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    mime       TEXT NOT NULL,
    name       TEXT NOT NULL,
    owner_type TEXT NOT NULL,
    owner_id   INTEGER NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_type, owner_id);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    unique_key   TEXT UNIQUE,
    payload      TEXT NOT NULL DEFAULT '',
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT NOT NULL DEFAULT '',
    done_at      TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_due ON jobs(done_at, run_at);

CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
SELECT 1;
