-- +goose Up
-- A counter that moves whenever anything a signed-in principal is made of changes: an
-- account's name, person or disabling, a grant, the name or path of a unit. Each instance
-- keeps the principals it has loaded and reads only this row per request; when the
-- number moved, it loads them again, so a revoked grant or a disabled account takes effect
-- on the next request on every instance (issue 15). Triggers, not application code, move
-- it, so no path that changes those tables can forget to.
CREATE TABLE rights_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO rights_version (id, n) VALUES (1, 0);
-- +goose StatementBegin
CREATE TRIGGER rights_users_update AFTER UPDATE OF username, display_name, person_id, disabled ON users
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rights_users_delete AFTER DELETE ON users
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rights_grants_insert AFTER INSERT ON role_grants
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rights_grants_update AFTER UPDATE ON role_grants
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rights_grants_delete AFTER DELETE ON role_grants
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rights_units_update AFTER UPDATE OF path, name ON units
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rights_units_delete AFTER DELETE ON units
BEGIN UPDATE rights_version SET n = n + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER rights_units_delete;
DROP TRIGGER rights_units_update;
DROP TRIGGER rights_grants_delete;
DROP TRIGGER rights_grants_update;
DROP TRIGGER rights_grants_insert;
DROP TRIGGER rights_users_delete;
DROP TRIGGER rights_users_update;
DROP TABLE rights_version;
