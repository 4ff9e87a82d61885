-- +goose Up
-- PostgreSQL gets byte-wise collation on the instants of models and support requests;
-- SQLite compares text byte-wise already, so only the index is made sure of.
CREATE INDEX IF NOT EXISTS models_watch ON models(watch_at, unit_path) WHERE watch_at <> '';
