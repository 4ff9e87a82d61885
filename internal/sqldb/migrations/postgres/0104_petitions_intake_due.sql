-- +goose Up
-- "Việc của tôi" of a petition handler lists the petitions waiting to be classified or
-- assigned in their reach, nearest deadline first (petition.Service.OpenWork). One walk of
-- this index per state in deadline order stops after a page; with (state, unit_path, ...)
-- every waiting petition of the scope was read and sorted (10.697 for a whole-tree
-- handler at 500.000 petitions: about half a second a request on SQLite).
CREATE INDEX petitions_state_due_path ON petitions(state, due_on, unit_path, id);

-- +goose Down
DROP INDEX petitions_state_due_path;
