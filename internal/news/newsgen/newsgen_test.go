package newsgen_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/gen"
	"danvan/internal/news"
	"danvan/internal/news/newsgen"
	"danvan/internal/sqldb"
)

// The generated articles are real ones to the public pages: published, in every category,
// newest first, found by a word without its marks, and the news version moved so the
// pages' caches let them in.
func TestGenerator(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		count := func(q string) int {
			var n int
			if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		version := count(`SELECT n FROM news_version`)
		if _, err := gen.Run(ctx, db, gen.Options{Units: 200, People: 300, Seed: 5, BatchRows: 700, Generators: []gen.Generator{newsgen.Generator(2500)}}); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM news_articles WHERE state = 'published'`); n != 2500 {
			t.Fatalf("published articles: %d", n)
		}
		if n := count(`SELECT COUNT(DISTINCT category_id) FROM news_articles`); n != 4 {
			t.Errorf("categories used: %d", n)
		}
		if n := count(`SELECT n FROM news_version`); n <= version {
			t.Error("the news version did not move")
		}
		svc := news.NewService(db, nil)
		list, next, err := svc.Latest(ctx, news.PublicFilter{Limit: 20})
		if err != nil || len(list) != 20 || next == "" {
			t.Fatalf("latest: %d articles, next %q, %v", len(list), next, err)
		}
		for i := 1; i < len(list); i++ {
			if list[i].PublishedAt.After(list[i-1].PublishedAt) {
				t.Fatal("not newest first")
			}
		}
		a, err := svc.Published(ctx, list[0].Slug)
		if err != nil || a.Title == "" || a.SourceLine == "" {
			t.Fatalf("the newest article's page: %+v %v", a, err)
		}
		// Search, through both of its paths: a word every article holds (the newest-first
		// walk), words a few hundred hold and a number one title holds (the word index),
		// and a word nobody wrote.
		search := func(q string) []news.Article {
			t.Helper()
			found, _, err := svc.Latest(ctx, news.PublicFilter{Query: q, Limit: 50})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			return found
		}
		if n := len(search("dân vận")); n != 50 {
			t.Errorf("a word of every article: %d results, want a full page", n)
		}
		common := search("chuyen doi so")
		if len(common) == 0 {
			t.Fatal("search without marks found nothing")
		}
		for _, a := range common {
			if !strings.Contains(a.Title+a.Lead, "chuyển đổi số") {
				t.Errorf("%q does not hold the words", a.Title)
			}
		}
		var id int64
		if err := db.QueryRowContext(ctx, `SELECT id FROM news_articles ORDER BY id LIMIT 1 OFFSET 1234`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		one := search(strconv.FormatInt(id, 10))
		if len(one) != 1 || one[0].ID != id {
			t.Errorf("the article numbered %d: %d results", id, len(one))
		}
		if n := len(search("zzkhongaivietzz")); n != 0 {
			t.Errorf("a word nobody wrote: %d results", n)
		}
	})
}
