-- +goose Up
-- A counter that moves whenever anything a signed-in principal is made of changes: an
-- account's name, person or disabling, a grant, the name or path of a unit. Each instance
-- keeps the principals it has loaded and reads only this row per request; when the
-- number moved, it loads them again, so a revoked grant or a disabled account takes effect
-- on the next request on every instance (issue 15). Triggers, not application code, move
-- it, so no path that changes those tables can forget to. Once per statement: moving a
-- subtree rewrites many paths in one UPDATE.
CREATE TABLE rights_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO rights_version (id, n) VALUES (1, 0);
-- +goose StatementBegin
CREATE FUNCTION rights_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE rights_version SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER rights_users AFTER UPDATE OF username, display_name, person_id, disabled OR DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION rights_version_bump();
CREATE TRIGGER rights_grants AFTER INSERT OR UPDATE OR DELETE ON role_grants FOR EACH STATEMENT EXECUTE FUNCTION rights_version_bump();
CREATE TRIGGER rights_units AFTER UPDATE OF path, name OR DELETE ON units FOR EACH STATEMENT EXECUTE FUNCTION rights_version_bump();

-- +goose Down
DROP TRIGGER rights_units ON units;
DROP TRIGGER rights_grants ON role_grants;
DROP TRIGGER rights_users ON users;
DROP FUNCTION rights_version_bump();
DROP TABLE rights_version;
