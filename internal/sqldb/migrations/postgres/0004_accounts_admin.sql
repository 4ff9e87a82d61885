-- +goose Up
-- Accounts managed from the administrators' pages (/admin/users) instead of the command
-- line. Each account gets a home unit (unit_path, copied from units.path and kept in step
-- by org's path hooks) so a unit's administrator lists and manages the accounts of their
-- subtree; a folded name for searching without diacritics (auth fills it, and fills the
-- accounts made before this migration at start-up); when it was disabled and when it last
-- signed in. sessions.user_id ties a stored session to its account so a password reset or
-- a disabling ends that account's sessions (auth.SessionStore writes it every time: 0 for an
-- anonymous session; NULL only on the sessions stored before this migration).
ALTER TABLE users ADD COLUMN unit_id BIGINT REFERENCES units(id);
ALTER TABLE users ADD COLUMN unit_path TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled_at TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_login_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
-- Home unit of the existing accounts: the linked person's unit, else the first grant's.
UPDATE users SET unit_id = (SELECT p.unit_id FROM people p WHERE p.id = users.person_id) WHERE person_id IS NOT NULL;
UPDATE users SET unit_id = (SELECT g.unit_id FROM role_grants g WHERE g.user_id = users.id ORDER BY g.id LIMIT 1) WHERE unit_id IS NULL;
UPDATE users SET unit_path = COALESCE((SELECT u.path FROM units u WHERE u.id = users.unit_id), '');
CREATE INDEX users_unit_path ON users(unit_path, username);
CREATE INDEX sessions_user ON sessions(user_id);

-- +goose Down
DROP INDEX sessions_user;
DROP INDEX users_unit_path;
ALTER TABLE sessions DROP COLUMN user_id;
ALTER TABLE users DROP COLUMN last_login_at;
ALTER TABLE users DROP COLUMN disabled_at;
ALTER TABLE users DROP COLUMN name_fold;
ALTER TABLE users DROP COLUMN unit_path;
ALTER TABLE users DROP COLUMN unit_id;
