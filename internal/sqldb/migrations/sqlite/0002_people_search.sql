-- +goose Up
-- People search at national scale: a trigram full-text index over people.name_fold, so
-- "nguyen van a" (LIKE '%nguyen%van%a%') reads the matching rows instead of scanning a
-- million names. External content: the index stores only trigrams, the text stays in
-- people; triggers keep it in step. org.FindPeople uses it through a LIKE on the FTS
-- table (the trigram tokenizer answers LIKE from the index when the pattern has a run of
-- three or more characters).
CREATE VIRTUAL TABLE people_fts USING fts5(name_fold, content='people', content_rowid='id', tokenize='trigram');
INSERT INTO people_fts(people_fts) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts(rowid, name_fold) VALUES (new.id, new.name_fold);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, name_fold) VALUES ('delete', old.id, old.name_fold);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER people_fts_update AFTER UPDATE OF name_fold ON people BEGIN
    INSERT INTO people_fts(people_fts, rowid, name_fold) VALUES ('delete', old.id, old.name_fold);
    INSERT INTO people_fts(rowid, name_fold) VALUES (new.id, new.name_fold);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER people_fts_update;
DROP TRIGGER people_fts_delete;
DROP TRIGGER people_fts_insert;
DROP TABLE people_fts;
