-- +goose Up
-- News search at a million articles: a word index over news_articles.search_fold. A LIKE
-- over the folded text walks the articles newest first and stops at a page, which is
-- quick for a common word but reads every article for a word few of them hold. news.Latest
-- asks this index first for the articles holding every word of the query (each word from
-- its beginning) and, when they are few, reads only those. 'simple': the text is already
-- folded (no marks, lower case), and no stemming or stop words fit Vietnamese.
CREATE INDEX news_articles_words ON news_articles USING gin (to_tsvector('simple', search_fold));

-- +goose Down
DROP INDEX news_articles_words;
