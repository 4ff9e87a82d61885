-- +goose Up
-- People search at national scale: a trigram GIN index on people.name_fold answers
-- name_fold LIKE '%nguyen%van%a%' without scanning a million names (pg_trgm is created
-- in 0001).
CREATE INDEX people_name_fold_trgm ON people USING gin (name_fold gin_trgm_ops);

-- +goose Down
DROP INDEX people_name_fold_trgm;
