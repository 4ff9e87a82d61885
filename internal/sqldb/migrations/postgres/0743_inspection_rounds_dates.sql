-- +goose Up
-- The "inspection" figures of a scope with many targets (the dashboard of the whole tree:
-- 48.683 targets over five years at national size) are read from the period's rounds by
-- date, then their targets, instead of every target of the scope by path
-- (internal/inspection figures.go, bigScope): 0,9–1,1 s on SQLite and 2,0–2,6 s on
-- PostgreSQL before, with the 63 provinces side by side (docs/PERFORMANCE.md).
CREATE INDEX inspection_rounds_starts ON inspection_rounds(starts_on, id);
CREATE INDEX inspection_rounds_concluded ON inspection_rounds(conclusion_on, id);

-- +goose Down
DROP INDEX inspection_rounds_concluded;
DROP INDEX inspection_rounds_starts;
