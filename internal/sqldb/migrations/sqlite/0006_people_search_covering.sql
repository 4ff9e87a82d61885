-- +goose Up
-- People search at 1.000.000 people (org.FindPeople):
-- * A name inside a subtree reads the subtree's range of people_unit_path and tests each
--   name. With name_fold in the index the test happens inside the index, without reading
--   each person's row.
-- * A name in a wide scope walks people in name order (name_key, then id for equal keys)
--   and tests path and name inside people_name_key_path. The id must come second: with
--   (name_key, unit_path) the order "name_key, id" needed a sort of every equal key and
--   the walk could not stop after a page ("nguyen van an" over the whole tree: 250 ms to
--   4 ms on SQLite).
DROP INDEX people_unit_path;
CREATE INDEX people_unit_path ON people(unit_path, name_key, name_fold);
DROP INDEX people_name_key_path;
CREATE INDEX people_name_key_path ON people(name_key, id, unit_path, name_fold);

-- +goose Down
DROP INDEX people_name_key_path;
CREATE INDEX people_name_key_path ON people(name_key, unit_path);
DROP INDEX people_unit_path;
CREATE INDEX people_unit_path ON people(unit_path, name_key);
