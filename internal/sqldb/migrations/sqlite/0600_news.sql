-- +goose Up
-- The news page of the public portal (tin tức): articles written by the editors of a unit,
-- approved by its reviewers, shown to everyone once published; categories with the home
-- page's order; readers' feedback held for moderation; the corrections of a published
-- article. An article is visible when state = 'published' and published_at <= now, so an
-- approval "at a set time" needs no job: it is a published row with a future date.
CREATE TABLE news_categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    seq         INTEGER NOT NULL,              -- order on the home page and in menus
    created_at  TEXT NOT NULL
);
INSERT INTO news_categories (slug, name, seq, created_at) VALUES
    ('dan-van', 'Công tác dân vận', 1, '2026-01-01T00:00:00Z'),
    ('dan-chu-co-so', 'Dân chủ ở cơ sở', 2, '2026-01-01T00:00:00Z'),
    ('dan-van-kheo', 'Dân vận khéo', 3, '2026-01-01T00:00:00Z'),
    ('thong-bao', 'Thông báo', 4, '2026-01-01T00:00:00Z');

CREATE TABLE news_articles (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    unit_id        INTEGER NOT NULL REFERENCES units(id),   -- the publishing unit
    unit_path      TEXT NOT NULL,
    category_id    INTEGER NOT NULL REFERENCES news_categories(id),
    title          TEXT NOT NULL,
    lead           TEXT NOT NULL DEFAULT '',                -- sapo, plain text
    body           TEXT NOT NULL,                           -- sanitised HTML (news.Sanitize)
    tags           TEXT NOT NULL DEFAULT '',                -- comma separated
    author         TEXT NOT NULL DEFAULT '',
    source_line    TEXT NOT NULL DEFAULT '',                -- 'Theo Trang tin …'
    image_id       INTEGER REFERENCES attachments(id),      -- the lead picture (resized, re-encoded)
    image_caption  TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL,                           -- draft | submitted | published | unpublished
    published_at   TEXT NOT NULL DEFAULT '',                -- RFC 3339 UTC; future = scheduled
    remarks        TEXT NOT NULL DEFAULT '',                -- the reviewer's last remarks
    search_fold    TEXT NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX news_articles_public ON news_articles(state, published_at, id);
CREATE INDEX news_articles_category ON news_articles(category_id, state, published_at, id);
CREATE INDEX news_articles_path ON news_articles(unit_path, updated_at);

CREATE TABLE news_corrections (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES news_articles(id),
    note        TEXT NOT NULL,          -- what was corrected, shown under the article
    before_body TEXT NOT NULL,
    by_user     INTEGER REFERENCES users(id),
    at          TEXT NOT NULL
);
CREATE INDEX news_corrections_article ON news_corrections(article_id, id);

CREATE TABLE news_feedback (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES news_articles(id),
    unit_path    TEXT NOT NULL,
    name         TEXT NOT NULL,
    email        TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    content      TEXT NOT NULL,
    state        TEXT NOT NULL,          -- pending | published | rejected
    answer       TEXT NOT NULL DEFAULT '',
    moderated_by INTEGER REFERENCES users(id),
    moderated_at TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX news_feedback_article ON news_feedback(article_id, state, id);
CREATE INDEX news_feedback_pending ON news_feedback(state, unit_path, id);

-- One row: bumped in the transaction of every change that a public page shows, so the
-- pages' ETags and caches of every instance change with it.
CREATE TABLE news_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL,
    at  TEXT NOT NULL DEFAULT ''       -- when n last changed, for Last-Modified
);
INSERT INTO news_version (id, n) VALUES (1, 1);
