-- +goose Up
-- Counters that move with every change a citizen's page shows, one per family of public
-- pages: the petition form (the receiving units), the honour board (honoured models, their
-- photos, their replicas and originals, the names of units) and the consultations (public rounds, their published
-- citizens' comments, their drafts' titles and heads). The public pages' ETags are made of
-- them, so a page is rendered once per change instead of once per visit, and a browser's
-- revalidation is answered 304 from one small read (issue 15). Triggers, not application
-- code, move them, so no path that changes those tables can forget to (as rights_version,
-- migration 0009); each instance reads them per request, so several instances agree.
-- Once per statement where every row counts (a subtree's move rewrites many units); per
-- row, with a condition, where only some rows do, so the busy tables (models, comments,
-- attachments) move a counter only for what the public sees.
CREATE TABLE public_versions (
    name TEXT PRIMARY KEY,
    n    BIGINT NOT NULL DEFAULT 0,
    at   TEXT NOT NULL DEFAULT ''
);
INSERT INTO public_versions (name) VALUES ('units'), ('honour'), ('consultation');
-- The consultation pages change by themselves when a public round opens or closes: their
-- validator holds the next such instant, read from the public rounds not yet closed.
CREATE INDEX draft_rounds_public ON draft_rounds(closes_at) WHERE public = TRUE;
-- +goose StatementBegin
CREATE FUNCTION public_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_versions SET n = n + 1, at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') WHERE name = TG_ARGV[0];
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER pubver_units AFTER INSERT OR UPDATE OF name, kind, valid_to, path, depth OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump('units');
CREATE TRIGGER pubver_models_insert AFTER INSERT ON models FOR EACH ROW WHEN (NEW.honoured OR NEW.replica_of IS NOT NULL)
    EXECUTE FUNCTION public_version_bump('honour');
CREATE TRIGGER pubver_models_update AFTER UPDATE ON models FOR EACH ROW WHEN (OLD.honoured OR NEW.honoured OR NEW.replica_of IS NOT NULL)
    EXECUTE FUNCTION public_version_bump('honour');
-- An original whose replica is honoured is shown on the replica's page (a trigger's WHEN
-- takes no subquery on PostgreSQL: the function asks).
-- +goose StatementBegin
CREATE FUNCTION public_version_bump_original() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM models r WHERE r.replica_of = NEW.id AND r.honoured) THEN
        UPDATE public_versions SET n = n + 1, at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') WHERE name = 'honour';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER pubver_models_original AFTER UPDATE OF name, unit_id, state ON models FOR EACH ROW WHEN (NOT NEW.honoured AND NEW.replica_of IS NULL)
    EXECUTE FUNCTION public_version_bump_original();
CREATE TRIGGER pubver_models_delete AFTER DELETE ON models FOR EACH ROW WHEN (OLD.honoured OR OLD.replica_of IS NOT NULL)
    EXECUTE FUNCTION public_version_bump('honour');
CREATE TRIGGER pubver_model_files_insert AFTER INSERT ON attachments FOR EACH ROW WHEN (NEW.owner_type IN ('model_photo', 'model_file'))
    EXECUTE FUNCTION public_version_bump('honour');
CREATE TRIGGER pubver_model_files_delete AFTER DELETE ON attachments FOR EACH ROW WHEN (OLD.owner_type IN ('model_photo', 'model_file'))
    EXECUTE FUNCTION public_version_bump('honour');
CREATE TRIGGER pubver_rounds_insert AFTER INSERT ON draft_rounds FOR EACH ROW WHEN (NEW.public)
    EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_rounds_update AFTER UPDATE ON draft_rounds FOR EACH ROW WHEN (OLD.public OR NEW.public)
    EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_rounds_delete AFTER DELETE ON draft_rounds FOR EACH ROW WHEN (OLD.public)
    EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_comments_insert AFTER INSERT ON draft_comments FOR EACH ROW WHEN (NEW.citizen AND NEW.status = 'published')
    EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_comments_update AFTER UPDATE ON draft_comments FOR EACH ROW
    WHEN ((OLD.citizen AND OLD.status = 'published') OR (NEW.citizen AND NEW.status = 'published'))
    EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_comments_delete AFTER DELETE ON draft_comments FOR EACH ROW WHEN (OLD.citizen AND OLD.status = 'published')
    EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_drafts AFTER UPDATE OF title, kind, unit_id, head_id ON drafts
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump('consultation');
CREATE TRIGGER pubver_heads AFTER UPDATE OF full_name ON people
    FOR EACH STATEMENT EXECUTE FUNCTION public_version_bump('consultation');

-- +goose Down
DROP TRIGGER pubver_heads ON people;
DROP TRIGGER pubver_drafts ON drafts;
DROP TRIGGER pubver_comments_delete ON draft_comments;
DROP TRIGGER pubver_comments_update ON draft_comments;
DROP TRIGGER pubver_comments_insert ON draft_comments;
DROP TRIGGER pubver_rounds_delete ON draft_rounds;
DROP TRIGGER pubver_rounds_update ON draft_rounds;
DROP TRIGGER pubver_rounds_insert ON draft_rounds;
DROP TRIGGER pubver_model_files_delete ON attachments;
DROP TRIGGER pubver_model_files_insert ON attachments;
DROP TRIGGER pubver_models_delete ON models;
DROP TRIGGER pubver_models_original ON models;
DROP TRIGGER pubver_models_update ON models;
DROP TRIGGER pubver_models_insert ON models;
DROP TRIGGER pubver_units ON units;
DROP FUNCTION public_version_bump_original();
DROP FUNCTION public_version_bump();
DROP INDEX draft_rounds_public;
DROP TABLE public_versions;
