-- +goose Up
-- A comment carries the key of the article it is about (copied from its part, which
-- never changes within a version), so the counts a round's pages show on every view
-- (comments, unanswered, per article, per invited unit) are read from covering indexes
-- alone: a round of 10,000 comments is summarised without visiting the rows.
ALTER TABLE draft_comments ADD COLUMN article TEXT NOT NULL DEFAULT '';
UPDATE draft_comments SET article = COALESCE((SELECT p.article FROM draft_parts p WHERE p.id = draft_comments.part_id), '');
CREATE INDEX draft_comments_round_article ON draft_comments(round_id, status, article, answer);
CREATE INDEX draft_comments_round_unit ON draft_comments(round_id, unit_id, status);

-- +goose Down
DROP INDEX draft_comments_round_unit;
DROP INDEX draft_comments_round_article;
ALTER TABLE draft_comments DROP COLUMN article;
