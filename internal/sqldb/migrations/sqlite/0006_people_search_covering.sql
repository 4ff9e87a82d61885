-- +goose Up
-- A name search inside a subtree (org.FindPeople with a query and a unit) reads the
-- subtree's range of people_unit_path and tests each name. With name_fold in the index the
-- test happens inside the index, without reading each person's row: at 1.000.000 people a
-- common name ("nguyen van") in a 16.000-person bloc is a few thousand index entries read
-- in order instead of 16.000 row lookups. Same for the name-ordered walk of a wide scope.
DROP INDEX people_unit_path;
CREATE INDEX people_unit_path ON people(unit_path, name_key, name_fold);
DROP INDEX people_name_key_path;
CREATE INDEX people_name_key_path ON people(name_key, unit_path, name_fold);

-- +goose Down
DROP INDEX people_name_key_path;
CREATE INDEX people_name_key_path ON people(name_key, unit_path);
DROP INDEX people_unit_path;
CREATE INDEX people_unit_path ON people(unit_path, name_key);
