-- +goose Up
-- The people list of a wide subtree (org.FindPeople) walks people in name order and keeps
-- those under the subtree's path. With the path in the index, the walk filters inside the
-- index instead of reading each person's row: at 1.000.000 people, the first page of a
-- 16.000-person bloc went from 18 ms to under 1 ms on SQLite.
CREATE INDEX people_name_key_path ON people(name_key, unit_path);

-- +goose Down
DROP INDEX people_name_key_path;
