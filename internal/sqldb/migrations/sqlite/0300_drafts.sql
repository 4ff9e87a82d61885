-- +goose Up
-- Drafts (dự thảo), their versions and parts, consultation rounds (đợt lấy ý kiến),
-- invitations, comments (góp ý) and answers (tiếp thu, giải trình).
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),  -- drafting unit (đơn vị chủ trì soạn thảo)
    unit_path   TEXT NOT NULL,
    title       TEXT NOT NULL,
    title_fold  TEXT NOT NULL,
    kind        TEXT NOT NULL,                          -- type: quy chế, quy định, nghị quyết…
    drafter_id  INTEGER NOT NULL REFERENCES people(id), -- người soạn thảo
    head_id     INTEGER NOT NULL REFERENCES people(id), -- người đứng đầu chịu trách nhiệm
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX drafts_unit_path ON drafts(unit_path, id);

CREATE TABLE draft_versions (
    id         INTEGER PRIMARY KEY,
    draft_id   INTEGER NOT NULL REFERENCES drafts(id),
    number     INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    preamble   TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT 'paste',   -- 'paste' | 'docx'
    body       TEXT NOT NULL,                   -- the text as confirmed
    articles   INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX draft_versions_number ON draft_versions(draft_id, number);

CREATE TABLE draft_parts (
    id         INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES draft_versions(id),
    draft_id   INTEGER NOT NULL REFERENCES drafts(id),
    seq        INTEGER NOT NULL,
    level      TEXT NOT NULL,   -- chuong | muc | dieu | khoan | diem
    number     TEXT NOT NULL,
    heading    TEXT NOT NULL DEFAULT '',
    content    TEXT NOT NULL DEFAULT '',
    pkey       TEXT NOT NULL,   -- split.Part.Key, stable across versions
    article    TEXT NOT NULL DEFAULT ''  -- key of the article containing the part ('' for chapters)
);
CREATE INDEX draft_parts_version ON draft_parts(version_id, seq);

CREATE TABLE draft_rounds (
    id           INTEGER PRIMARY KEY,
    draft_id     INTEGER NOT NULL REFERENCES drafts(id),
    version_id   INTEGER NOT NULL REFERENCES draft_versions(id),
    unit_path    TEXT NOT NULL,                 -- copy of the draft's unit path
    opens_at     TEXT NOT NULL,
    closes_at    TEXT NOT NULL,
    visibility   TEXT NOT NULL DEFAULT 'all',   -- 'all': participants see every comment; 'own': only theirs
    public       INTEGER NOT NULL DEFAULT 0,    -- open to citizens on the public site
    note         TEXT NOT NULL DEFAULT '',
    opened_sent  INTEGER NOT NULL DEFAULT 0,    -- opening notice sent
    reminded     INTEGER NOT NULL DEFAULT 0,    -- reminder 2 working days before close sent
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX draft_rounds_draft ON draft_rounds(draft_id, id);
CREATE INDEX draft_rounds_closes ON draft_rounds(closes_at);

CREATE TABLE draft_invites (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES draft_rounds(id),
    unit_id    INTEGER REFERENCES units(id),
    unit_path  TEXT NOT NULL DEFAULT '',
    person_id  INTEGER REFERENCES people(id)
);
CREATE INDEX draft_invites_round ON draft_invites(round_id);
CREATE INDEX draft_invites_unit ON draft_invites(unit_path);
CREATE INDEX draft_invites_person ON draft_invites(person_id);

CREATE TABLE draft_comments (
    id             INTEGER PRIMARY KEY,
    round_id       INTEGER NOT NULL REFERENCES draft_rounds(id),
    draft_id       INTEGER NOT NULL REFERENCES drafts(id),
    part_id        INTEGER REFERENCES draft_parts(id),     -- NULL: the whole draft
    author_user_id INTEGER REFERENCES users(id),
    author_person  INTEGER REFERENCES people(id),
    author_name    TEXT NOT NULL,                          -- person or citizen name as shown
    unit_id        INTEGER REFERENCES units(id),           -- on behalf of this unit (ý kiến chính thức)
    citizen        INTEGER NOT NULL DEFAULT 0,
    contact        TEXT NOT NULL DEFAULT '',               -- citizen's e-mail or phone, never shown publicly
    status         TEXT NOT NULL DEFAULT 'published',      -- published | pending | rejected
    body           TEXT NOT NULL,
    proposed       TEXT NOT NULL DEFAULT '',               -- đề xuất sửa thành
    answer         TEXT NOT NULL DEFAULT '',               -- '' | accepted | partly | explained
    answer_text    TEXT NOT NULL DEFAULT '',
    answer_ref     TEXT NOT NULL DEFAULT '',               -- article changed by an acceptance
    answered_by    INTEGER REFERENCES users(id),
    answered_at    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX draft_comments_round ON draft_comments(round_id, part_id, id);
CREATE INDEX draft_comments_draft ON draft_comments(draft_id, id);
CREATE INDEX draft_comments_author ON draft_comments(author_person, round_id);
