package newsgen_test

import (
	"context"
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
		found, _, err := svc.Latest(ctx, news.PublicFilter{Query: "chuyen doi so", Limit: 5})
		if err != nil || len(found) == 0 {
			t.Fatalf("search without marks: %d %v", len(found), err)
		}
	})
}
