-- +goose Up
-- Lists filtered by state walk ids newest first (the page order) instead of sorting a state.
DROP INDEX models_state;
CREATE INDEX models_state ON models(state, id);
