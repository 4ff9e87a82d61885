-- +goose Up
-- PostgreSQL's coverage join reads the rounds' start date and item from this index
-- (index-only, see the postgres file). SQLite looks the round up by its rowid, which is
-- as cheap, and would not use the index; it is kept so both schemas have the same
-- indexes (30.000 rows at national size).
CREATE INDEX inspection_rounds_cover ON inspection_rounds(id, starts_on, item_id);

-- +goose Down
DROP INDEX inspection_rounds_cover;
