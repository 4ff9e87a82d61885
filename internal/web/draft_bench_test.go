package web_test

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/draft"
	"danvan/internal/export"
	"danvan/internal/sqldb"
)

// largeDraft adds to e a draft of the given size in agency 1 (invited: its three mass
// organisations; comments by its people) and returns the paths of its pages.
func largeDraft(tb testing.TB, e *draftEnv, articles, comments int) (draftPath, roundPath string) {
	tb.Helper()
	a := e.o.Agencies[0]
	authors := a.People
	if len(authors) > 500 {
		authors = authors[:500]
	}
	d, r, err := draft.Synthesize(context.Background(), e.db, draft.SynthInput{UnitID: a.Node.ID, DrafterID: a.Head, Articles: articles, Comments: comments,
		Invitees: []int64{a.TradeUnion.ID, a.Youth.ID, a.Veterans.ID}, Authors: authors, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	draftPath = "/drafts/" + strconv.FormatInt(d, 10)
	return draftPath, draftPath + "/rounds/" + strconv.FormatInt(r, 10)
}

func TestLargeRoundIsSummarisedAndPaged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		_, round := largeDraft(t, e, 30, 250)
		head := e.login("thutruong1")
		res := head.get(round)
		if res.status != http.StatusOK {
			t.Fatalf("round: %d", res.status)
		}
		if n := strings.Count(res.body, `<li class="comment"`); n != 100 {
			t.Fatalf("first page shows %d comments, want 100", n)
		}
		mustContain(t, "summary", res, "Đợt này có 250 góp ý", "Góp ý theo từng điều", `href="?article=d5#list"`, "Trang sau")
		if strings.Contains(res.body, `id="p-d5"`) {
			t.Fatal("a large round's page renders the whole text")
		}
		// Three pages: 100, 100, 50.
		if n := strings.Count(head.get(round+"?page=3").body, `<li class="comment"`); n != 50 {
			t.Fatalf("page 3 shows %d comments", n)
		}
		// One article's comments, all on one page, each on that article.
		res = head.get(round + "?article=d5")
		want := e.count(`SELECT COUNT(*) FROM draft_comments c JOIN draft_parts p ON p.id = c.part_id WHERE p.article = 'd5' AND c.round_id = (SELECT MAX(id) FROM draft_rounds)`)
		if n := strings.Count(res.body, `<li class="comment"`); n != want || want == 0 {
			t.Fatalf("article d5 shows %d comments, want %d", n, want)
		}
		mustContain(t, "article", res, "Góp ý về Điều 5", `id="p-d5"`)
		// The unanswered filter counts match the database.
		unanswered := e.count(`SELECT COUNT(*) FROM draft_comments WHERE answer = '' AND round_id = (SELECT MAX(id) FROM draft_rounds)`)
		res = head.get(round + "?unanswered=1")
		if n := strings.Count(res.body, `<li class="comment"`); n != min(unanswered, 100) {
			t.Fatalf("unanswered page shows %d, want %d", n, min(unanswered, 100))
		}
	})
}

// benchEnv is a SQLite database with the demo and a 300-article draft with 10,000
// comments, the size issue 5 asks to be fast.
func benchEnv(b *testing.B) (*draftClient, string, string) {
	b.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), sqldb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	e := newDraftEnv(b, db)
	d, r := largeDraft(b, e, 300, 10000)
	return e.login("thutruong1"), d, r
}

func benchGet(b *testing.B, c *draftClient, path string) {
	b.Helper()
	if res := c.get(path); res.status != http.StatusOK {
		b.Fatalf("GET %s: %d", path, res.status)
	}
	b.ResetTimer()
	for b.Loop() {
		if res := c.get(path); res.status != http.StatusOK {
			b.Fatalf("GET %s: %d", path, res.status)
		}
	}
}

// BenchmarkLargeDraft measures the pages of a 300-article draft with 10,000 comments
// through real HTTP on SQLite (budgets: draft page 100 ms, report 500 ms, .docx 2 s).
func BenchmarkLargeDraft(b *testing.B) {
	c, d, r := benchEnv(b)
	b.Run("draft-page", func(b *testing.B) { benchGet(b, c, d) })
	b.Run("round-page", func(b *testing.B) { benchGet(b, c, r) })
	b.Run("round-article", func(b *testing.B) { benchGet(b, c, r+"?article=d150") })
	b.Run("report-page", func(b *testing.B) { benchGet(b, c, r+"/report") })
	b.Run("report-docx", func(b *testing.B) { benchGet(b, c, "/api/v1"+d+"/report.docx") })
}

// A report of thousands of comments is still a PDF from the Go writer; only a server
// that prints with Chromium leaves it to the user's browser.
func TestHugeReportPDF(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnv(t, db)
		d, _ := largeDraft(t, e, 20, 2001)
		res := e.login("thutruong1").get("/api/v1" + d + "/report.pdf")
		if res.status != http.StatusOK || res.header.Get("Content-Type") != export.ContentTypePDF || !strings.HasPrefix(res.body, "%PDF-") {
			t.Fatalf("huge report PDF: %d %s", res.status, res.header.Get("Content-Type"))
		}
	})
}

func TestHugeReportPDFBrowserPrinter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		e := newDraftEnvWith(t, db, &export.Printer{Browser: true}) // never started: the page goes out as HTML
		d, _ := largeDraft(t, e, 20, 2001)
		res := e.login("thutruong1").get("/api/v1" + d + "/report.pdf")
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
			t.Fatalf("huge report, Chromium printer: %d %s", res.status, res.header.Get("Content-Type"))
		}
		mustContain(t, "huge report", res, "Báo cáo có 2001 góp ý, quá dài để máy chủ in ra PDF", "BÁO CÁO", "Góp ý số 2001")
	})
}
