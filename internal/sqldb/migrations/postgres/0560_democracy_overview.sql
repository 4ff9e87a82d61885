-- +goose Up
-- Indexes of the democracy overview of a whole tree at national size (100.000 units,
-- 5.237 agencies; docs/PERFORMANCE.md "Dân chủ cơ sở"), times on SQLite:
-- - each agency's latest board is found with a NOT EXISTS on a later board of the same
--   agency; without an index on the agency that probe scanned every board, once per
--   board: 1,3 s. With (unit_id, elected_on, id) it is one seek: 7 ms.
-- - the current agencies of a subtree were read by walking every unit of the subtree
--   (100.000) for its kind: 71 ms. By (kind, path), with the name for the sort: 4 ms.
-- - the overdue disclosures per agency read each unposted row for its agency id: 26 ms.
--   With the id in the partial index the count is read from the index alone: 8 ms.
CREATE INDEX boards_unit_elected ON boards(unit_id, elected_on, id);
CREATE INDEX units_kind_path ON units(kind, path, name) WHERE valid_to = '';
DROP INDEX disclosures_unposted;
CREATE INDEX disclosures_unposted ON disclosures(unit_path, due_on, unit_id) WHERE posted_on = '';

-- +goose Down
DROP INDEX disclosures_unposted;
CREATE INDEX disclosures_unposted ON disclosures(unit_path, due_on) WHERE posted_on = '';
DROP INDEX units_kind_path;
DROP INDEX boards_unit_elected;
