package web_test

import "danvan/internal/demo"

const (
	qNewsArticle  = `SELECT id FROM news_articles WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qNewsFeedback = `SELECT id FROM news_feedback WHERE unit_path LIKE ? ORDER BY id LIMIT 1`
	qNewsImage    = `SELECT COALESCE((SELECT MIN(f.id) FROM attachments f JOIN news_articles a ON a.id = f.owner_id AND f.owner_type = 'news' WHERE a.unit_path LIKE ?), 1)`
)

// newsAuthzRules are the rules of the news page's routes (see authzRules): the portal's
// pages are public; the editors' pages reach only the articles of their subtree.
var newsAuthzRules = map[string]rule{
	"GET /tin-tuc":                           {who: public},
	"GET /tin-tuc/chuyen-muc/{cat}":          {who: public, ids: map[string]string{"cat": lit("dan-chu-co-so")}},
	"GET /tin-tuc/{slug}":                    {who: public, ids: map[string]string{"slug": lit(demo.DemoAgencyArticle)}, note: "only published articles answer"},
	"GET /tin-tuc/in/{slug}":                 {who: public, ids: map[string]string{"slug": lit(demo.DemoAgencyArticle)}},
	"GET /tin-tuc/anh/{id}":                  {who: public, ids: map[string]string{"id": qNewsImage}, note: "only pictures of published articles answer"},
	"POST /tin-tuc/{slug}/gui-ban-be":        {who: public, ids: map[string]string{"slug": lit(demo.DemoAgencyArticle)}, note: "an empty form is refused: news_test.go"},
	"POST /tin-tuc/{slug}/phan-hoi":          {who: public, ids: map[string]string{"slug": lit(demo.DemoAgencyArticle)}, note: "an empty form is refused: news_test.go"},
	"GET /tin-tuc/rss.xml":                   {who: public},
	"GET /tin-tuc/atom.xml":                  {who: public},
	"GET /tin-tuc/chuyen-muc/{cat}/rss.xml":  {who: public, ids: map[string]string{"cat": lit("dan-chu-co-so")}},
	"GET /tin-tuc/chuyen-muc/{cat}/atom.xml": {who: public, ids: map[string]string{"cat": lit("dan-chu-co-so")}},
	"GET /sitemap.xml":                       {who: public},
	"GET /api/v1/public/articles":            {who: public},
	"GET /news":                              {who: signedIn, note: "lists the caller's subtree only"},
	"GET /news/new":                          {who: signedIn},
	"POST /news/new":                         {who: signedIn, note: "the unit is checked against the caller's grants: news_test.go"},
	"GET /news/feedback":                     {who: signedIn, note: "feedback of the caller's review subtree only"},
	"POST /news/feedback/{fid}/moderate":     {who: scoped, ids: map[string]string{"fid": qNewsFeedback}},
	"GET /news/categories":                   {who: signedIn, note: "site reviewers only (403 for others)"},
	"POST /news/categories":                  {who: signedIn, note: "site reviewers only (403 for others)"},
	"GET /news/{id}":                         {who: scoped, ids: map[string]string{"id": qNewsArticle}},
	"GET /news/{id}/edit":                    {who: scoped, ids: map[string]string{"id": qNewsArticle}},
	"POST /news/{id}/edit":                   {who: scoped, ids: map[string]string{"id": qNewsArticle}},
	"POST /news/{id}/{action}":               {who: scoped, ids: map[string]string{"id": qNewsArticle, "action": lit("submit")}},
}
