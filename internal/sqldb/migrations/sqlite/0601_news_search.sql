-- +goose Up
-- News search at a million articles: a word index (FTS5) over news_articles.search_fold,
-- the folded title, lead, tags and text. A LIKE over the folded text walks the articles
-- newest first and stops at a page, which is quick for a common word but reads every
-- article for a word few of them hold (8,8 s at 1.000.000). news.Latest asks this index
-- first for the articles holding every word of the query (each word from its beginning)
-- and, when they are few, reads only those. External content: the index holds only the
-- words; triggers keep it in step.
CREATE VIRTUAL TABLE news_articles_fts USING fts5(search_fold, content='news_articles', content_rowid='id');
INSERT INTO news_articles_fts(news_articles_fts) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER news_articles_fts_insert AFTER INSERT ON news_articles BEGIN
    INSERT INTO news_articles_fts(rowid, search_fold) VALUES (new.id, new.search_fold);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER news_articles_fts_delete AFTER DELETE ON news_articles BEGIN
    INSERT INTO news_articles_fts(news_articles_fts, rowid, search_fold) VALUES ('delete', old.id, old.search_fold);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER news_articles_fts_update AFTER UPDATE OF search_fold ON news_articles BEGIN
    INSERT INTO news_articles_fts(news_articles_fts, rowid, search_fold) VALUES ('delete', old.id, old.search_fold);
    INSERT INTO news_articles_fts(rowid, search_fold) VALUES (new.id, new.search_fold);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER news_articles_fts_update;
DROP TRIGGER news_articles_fts_delete;
DROP TRIGGER news_articles_fts_insert;
DROP TABLE news_articles_fts;
