-- +goose Up
-- Two list pages of the upper committee on national data (docs/PERFORMANCE.md, issue 15):
-- the disclosure register newest first read and sorted all 126.000 items (0,38 s on
-- PostgreSQL, 0,56 s on SQLite) — this index lets it stop at the page; the inspection
-- programmes counted each programme's rounds through an index that does not start with
-- the item (1 ms a programme, 0,2 s a page of 200).
CREATE INDEX disclosures_decided ON disclosures(decision_on, id);
CREATE INDEX inspection_rounds_item ON inspection_rounds(item_id);

-- +goose Down
DROP INDEX inspection_rounds_item;
DROP INDEX disclosures_decided;
