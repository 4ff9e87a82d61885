-- +goose Up
-- A people import (nhập danh sách từ Excel) is a recorded run, so its progress lives in
-- the database and any instance can show it. The uploaded file is kept only until the
-- run ends (then emptied: it holds personal data).
CREATE TABLE people_imports (
    id           INTEGER PRIMARY KEY,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    form_nonce   TEXT NOT NULL DEFAULT '',  -- the form that started it: a double submit finds this run
    file_name    TEXT NOT NULL,
    file_data    BLOB NOT NULL,
    status       TEXT NOT NULL DEFAULT 'queued', -- queued, checking, writing, done, failed
    total_rows   INTEGER NOT NULL DEFAULT 0,
    rows_checked INTEGER NOT NULL DEFAULT 0,
    rows_written INTEGER NOT NULL DEFAULT 0,
    positions    INTEGER NOT NULL DEFAULT 0,
    problems     TEXT NOT NULL DEFAULT '[]', -- JSON list of {Line, Column, Message}
    message      TEXT NOT NULL DEFAULT '',   -- why a run failed, in Vietnamese
    lease_until  TEXT NOT NULL,              -- a live run past this is failed (its worker died)
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX people_imports_by ON people_imports(created_by, id);
CREATE INDEX people_imports_nonce ON people_imports(form_nonce);
CREATE INDEX people_imports_live ON people_imports(status, lease_until);

-- +goose Down
DROP TABLE people_imports;
