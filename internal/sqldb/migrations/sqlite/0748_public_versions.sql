-- +goose Up
-- Counters that move with every change a citizen's page shows, one per family of public
-- pages: the petition form (the receiving units), the honour board (honoured models, their
-- photos, their replicas and originals, the names of units) and the consultations (public rounds, their published
-- citizens' comments, their drafts' titles and heads). The public pages' ETags are made of
-- them, so a page is rendered once per change instead of once per visit, and a browser's
-- revalidation is answered 304 from one small read (issue 15). Triggers, not application
-- code, move them, so no path that changes those tables can forget to (as rights_version,
-- migration 0009); each instance reads them per request, so several instances agree.
CREATE TABLE public_versions (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL DEFAULT 0,
    at   TEXT NOT NULL DEFAULT ''
);
INSERT INTO public_versions (name) VALUES ('units'), ('honour'), ('consultation');
-- The consultation pages change by themselves when a public round opens or closes: their
-- validator holds the next such instant, read from the public rounds not yet closed.
CREATE INDEX draft_rounds_public ON draft_rounds(closes_at) WHERE public = TRUE;
-- +goose StatementBegin
CREATE TRIGGER pubver_units_insert AFTER INSERT ON units
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'units'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_units_update AFTER UPDATE OF name, kind, valid_to, path, depth ON units
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'units'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_units_delete AFTER DELETE ON units
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'units'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_models_insert AFTER INSERT ON models WHEN NEW.honoured OR NEW.replica_of IS NOT NULL
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'honour'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_models_update AFTER UPDATE ON models WHEN OLD.honoured OR NEW.honoured OR NEW.replica_of IS NOT NULL
    OR EXISTS (SELECT 1 FROM models r WHERE r.replica_of = NEW.id AND r.honoured)
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'honour'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_models_delete AFTER DELETE ON models WHEN OLD.honoured OR OLD.replica_of IS NOT NULL
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'honour'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_model_files_insert AFTER INSERT ON attachments WHEN NEW.owner_type IN ('model_photo', 'model_file')
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'honour'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_model_files_delete AFTER DELETE ON attachments WHEN OLD.owner_type IN ('model_photo', 'model_file')
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'honour'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_rounds_insert AFTER INSERT ON draft_rounds WHEN NEW.public
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_rounds_update AFTER UPDATE ON draft_rounds WHEN OLD.public OR NEW.public
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_rounds_delete AFTER DELETE ON draft_rounds WHEN OLD.public
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_comments_insert AFTER INSERT ON draft_comments WHEN NEW.citizen AND NEW.status = 'published'
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_comments_update AFTER UPDATE ON draft_comments WHEN (OLD.citizen AND OLD.status = 'published') OR (NEW.citizen AND NEW.status = 'published')
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_comments_delete AFTER DELETE ON draft_comments WHEN OLD.citizen AND OLD.status = 'published'
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_drafts_update AFTER UPDATE OF title, kind, unit_id, head_id ON drafts
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pubver_heads_update AFTER UPDATE OF full_name ON people
BEGIN UPDATE public_versions SET n = n + 1, at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE name = 'consultation'; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER pubver_heads_update;
DROP TRIGGER pubver_drafts_update;
DROP TRIGGER pubver_comments_delete;
DROP TRIGGER pubver_comments_update;
DROP TRIGGER pubver_comments_insert;
DROP TRIGGER pubver_rounds_delete;
DROP TRIGGER pubver_rounds_update;
DROP TRIGGER pubver_rounds_insert;
DROP TRIGGER pubver_model_files_delete;
DROP TRIGGER pubver_model_files_insert;
DROP TRIGGER pubver_models_delete;
DROP TRIGGER pubver_models_update;
DROP TRIGGER pubver_models_insert;
DROP TRIGGER pubver_units_delete;
DROP TRIGGER pubver_units_update;
DROP TRIGGER pubver_units_insert;
DROP INDEX draft_rounds_public;
DROP TABLE public_versions;
