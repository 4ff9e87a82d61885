-- +goose Up
-- When a session was last seen, kept by auth.SessionStore itself (written at most every few
-- minutes): the idle timeout used to be scs's, which re-encodes and re-commits every session
-- on every request to move its expiry — a gob encoding, a read and a Set-Cookie on every
-- page view (issue 15). '' on sessions stored before this migration: seen now.
ALTER TABLE sessions ADD COLUMN seen_at TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sessions DROP COLUMN seen_at;
