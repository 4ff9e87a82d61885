package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/news"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// newsPublicRoutes are the news page of the public portal: the home, categories, articles
// (with their print view), feeds, the sitemap, the pictures and the readers' two forms.
// The GET pages are kept and validated by the news version (newsVersion, cachedPublic): an
// unchanged page answers 304, and a reverse proxy may keep it for a minute.
func (s *Server) newsPublicRoutes() {
	pages := &publicPages{}
	cached := func(h handlerFunc) handlerFunc { return s.cachedPublic(pages, s.newsVersion, h) }
	s.handle("GET /tin-tuc", cached(s.newsHome))
	s.handle("GET /tin-tuc/chuyen-muc/{cat}", cached(s.newsHome))
	s.handle("GET /tin-tuc/{slug}", cached(s.newsArticle))
	s.handle("GET /tin-tuc/in/{slug}", cached(s.newsPrint))
	s.handle("GET /tin-tuc/anh/{id}", s.newsImage)
	s.handle("POST /tin-tuc/{slug}/gui-ban-be", s.newsShare)
	s.handle("POST /tin-tuc/{slug}/phan-hoi", s.newsFeedback)
	s.handle("GET /tin-tuc/rss.xml", cached(s.newsFeed(false)))
	s.handle("GET /tin-tuc/atom.xml", cached(s.newsFeed(true)))
	s.handle("GET /tin-tuc/chuyen-muc/{cat}/rss.xml", cached(s.newsFeed(false)))
	s.handle("GET /tin-tuc/chuyen-muc/{cat}/atom.xml", cached(s.newsFeed(true)))
	s.handle("GET /sitemap.xml", cached(s.sitemap))
	s.handleAPI("GET /api/v1/public/articles", cached(s.apiPublicArticles))
	s.fileAccess["news"] = func(ctx context.Context, p *org.Principal, id int64) bool {
		a, err := s.News.Article(ctx, p, id)
		return err == nil && a.ID == id
	}
}

// newsVersion is the news pages' validator: the news version (a counter bumped by every
// change shown in public, with the newest visible publication so a scheduled article's
// time changes it too), two indexed reads kept for a second by the news service.
func (s *Server) newsVersion(r *http.Request) (string, time.Time, error) {
	v, err := s.News.CurrentVersion(r.Context())
	return strings.Trim(v.Tag(), `"`), v.Modified, err
}

func etagMatch(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == tag || t == "*" {
			return true
		}
	}
	return false
}

// cacheHeaderWriter replaces the Cache-Control that render sets (no-store) for a
// successful answer: errors stay uncached.
type cacheHeaderWriter struct {
	http.ResponseWriter
	cc          string
	wroteHeader bool
}

func (c *cacheHeaderWriter) WriteHeader(code int) {
	if !c.wroteHeader {
		c.wroteHeader = true
		if code == http.StatusOK {
			c.Header().Set("Cache-Control", c.cc)
		} else {
			c.Header().Del("ETag")
			c.Header().Del("Last-Modified")
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *cacheHeaderWriter) Write(b []byte) (int, error) {
	if !c.wroteHeader {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// DateLine is the Vietnamese date line of a news page: "Thứ Hai, 13/5/2024".
func DateLine(t time.Time) string {
	d := calendar.DateOf(t)
	return calendar.WeekdayName(d.Weekday()) + ", " + strconv.Itoa(d.Day()) + "/" + strconv.Itoa(int(d.Month())) + "/" + strconv.Itoa(d.Year())
}

type newsListPage struct {
	Page
	Categories []news.Category
	Category   *news.Category
	Articles   []news.Article
	Next       string
	Q          string
	FeedPath   string
	Canonical  string
	Actions    bool // the citizens' actions block (home only)
}

func (s *Server) newsHome(w http.ResponseWriter, r *http.Request) error {
	cats, err := s.News.Categories(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := newsListPage{Page: s.publicPage(r, "Tin tức", "news"), Categories: cats, Q: strings.TrimSpace(q.Get("q")), FeedPath: "/tin-tuc/rss.xml"}
	pg.Description = "Tin tức về công tác dân vận, dân chủ ở cơ sở và các mô hình “Dân vận khéo”."
	f := news.PublicFilter{Query: pg.Q, Before: q.Get("truoc"), Limit: 10}
	if slug := r.PathValue("cat"); slug != "" {
		for i := range cats {
			if cats[i].Slug == slug {
				pg.Category = &cats[i]
			}
		}
		if pg.Category == nil {
			return errNotFound
		}
		f.Category, pg.Title = slug, pg.Category.Name
		pg.FeedPath = "/tin-tuc/chuyen-muc/" + slug + "/rss.xml"
		pg.Crumbs = []Crumb{{Label: "Tin tức", Href: "/tin-tuc"}, {Label: pg.Category.Name}}
	} else if pg.Q != "" {
		pg.Title = "Tìm tin: " + pg.Q
		pg.Crumbs = []Crumb{{Label: "Tin tức", Href: "/tin-tuc"}, {Label: "Kết quả tìm kiếm"}}
	} else {
		pg.Actions = f.Before == ""
	}
	pg.Articles, pg.Next, err = s.News.Latest(r.Context(), f)
	if err != nil {
		return err
	}
	pg.Canonical = s.absURL(r, r.URL.Path)
	return s.render(w, r, http.StatusOK, "news/home", pg)
}

type newsArticlePage struct {
	Page
	Article     news.Article
	Body        template.HTML
	DateLine    string
	Related     []news.Article
	Feedback    []news.Feedback
	Corrections []news.Correction
	Canonical   string
	Image       string
	Sent        bool // "Gửi cho bạn bè" done
	Received    bool // feedback received, waiting for moderation
	ShareForm   bool // the re-rendered form is the share form (else feedback)
	MaxTo       int
}

func (s *Server) newsArticlePageFor(r *http.Request) (newsArticlePage, error) {
	a, err := s.News.Published(r.Context(), r.PathValue("slug"))
	if err != nil {
		return newsArticlePage{}, err
	}
	pg := newsArticlePage{Page: s.publicPage(r, a.Title, "news"), Article: a, DateLine: DateLine(a.PublishedAt), MaxTo: news.MaxRecipients,
		// The body went through news.Sanitize on save: only whitelisted markup is stored.
		Body: template.HTML(a.Body)}
	pg.Description = a.Lead
	if pg.Description == "" {
		pg.Description = summary(news.PlainText(a.Body), 200)
	}
	pg.Crumbs = []Crumb{{Label: "Tin tức", Href: "/tin-tuc"}, {Label: a.CategoryName, Href: "/tin-tuc/chuyen-muc/" + a.CategorySlug}}
	pg.Canonical = s.absURL(r, "/tin-tuc/"+a.Slug)
	if a.ImageID != 0 {
		pg.Image = s.absURL(r, news.ImagePath(a.ImageID))
	}
	if pg.Related, err = s.News.Related(r.Context(), a, 5); err != nil {
		return pg, err
	}
	if pg.Feedback, err = s.News.PublicFeedback(r.Context(), a.ID); err != nil {
		return pg, err
	}
	pg.Corrections, err = s.News.Corrections(r.Context(), a.ID)
	q := r.URL.Query()
	pg.Sent, pg.Received = q.Get("da-gui") == "1", q.Get("da-nhan") == "1"
	return pg, err
}

// summary cuts text at a word to at most n characters, with an ellipsis.
func summary(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

func (s *Server) newsArticle(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.newsArticlePageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/article", pg)
}

func (s *Server) newsPrint(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.newsArticlePageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/print", pg)
}

// newsImage serves a picture of a visible article to anyone (an editor's preview goes
// through /files/{id}). Pictures never change under an id: cached for a year.
func (s *Server) newsImage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ok, err := s.News.ImageVisible(r.Context(), id)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	f, err := s.Files.Get(r.Context(), id)
	if err != nil {
		return err
	}
	rc, err := s.Files.Open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", f.MIME)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, "", sqldb.ParseTime(f.CreatedAt), rc)
	return nil
}

// newsShare is "Gửi cho bạn bè". It is counted per caller's address and per sender's
// e-mail in the shared limiter, so neither a robot nor one person can turn it into a
// mailing service.
func (s *Server) newsShare(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	slug := r.PathValue("slug")
	in := news.ShareInput{SenderName: r.PostFormValue("sender_name"), SenderEmail: r.PostFormValue("sender_email"),
		Recipients: r.PostFormValue("recipients"), Note: r.PostFormValue("note")}
	if !s.allowPublic(r, "news-share") || !s.allowRate(r, "news-share-from|"+strings.ToLower(strings.TrimSpace(in.SenderEmail)), sharesPerSender) {
		return errTooMany
	}
	if r.PostFormValue("website") != "" {
		return s.redirect(w, r, "/tin-tuc/"+slug+"?da-gui=1#gui-ban-be", "", "")
	}
	_, err := s.News.Share(r.Context(), slug, in, s.absURL(r, "/tin-tuc/"+slug))
	if apperr.KindOf(err) == apperr.Invalid {
		pg, perr := s.newsArticlePageFor(r)
		if perr != nil {
			return perr
		}
		pg.ShareForm = true
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "news/article", pg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tin-tuc/"+slug+"?da-gui=1#gui-ban-be", http.StatusSeeOther)
	return nil
}

// feedbackPerSender and sharesPerSender bound the readers' forms per e-mail address per minute.
const (
	feedbackPerSender = 5
	sharesPerSender   = 3
)

// newsFeedback receives a reader's feedback, held for moderation.
func (s *Server) newsFeedback(w http.ResponseWriter, r *http.Request) error {
	if !s.allowPublic(r, "news-feedback") {
		return errTooMany
	}
	if _, err := parseForm(w, r); err != nil { // bounded before any field is read
		return err
	}
	slug := r.PathValue("slug")
	// Besides the caller's address, one sender's e-mail may leave a few feedbacks a
	// minute whatever --public-rate says: a flood under one name is refused.
	if !s.allowRate(r, "news-feedback-from|"+strings.ToLower(strings.TrimSpace(r.PostFormValue("email"))), feedbackPerSender) {
		return errTooMany
	}
	if r.PostFormValue("website") != "" {
		return s.redirect(w, r, "/tin-tuc/"+slug+"?da-nhan=1#phan-hoi", "", "")
	}
	if r.PostFormValue("consent") != "yes" {
		return s.newsFeedbackInvalid(w, r, fieldErr("consent", "Hãy đánh dấu đồng ý với thông báo về xử lý thông tin cá nhân."))
	}
	err := s.News.AddFeedback(r.Context(), slug, news.FeedbackInput{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Address: r.PostFormValue("address"), Phone: r.PostFormValue("phone"), Content: r.PostFormValue("content")})
	if apperr.KindOf(err) == apperr.Invalid {
		return s.newsFeedbackInvalid(w, r, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tin-tuc/"+slug+"?da-nhan=1#phan-hoi", http.StatusSeeOther)
	return nil
}

func (s *Server) newsFeedbackInvalid(w http.ResponseWriter, r *http.Request, err error) error {
	pg, perr := s.newsArticlePageFor(r)
	if perr != nil {
		return perr
	}
	withFormError(&pg.Page, r, err)
	return s.render(w, r, http.StatusUnprocessableEntity, "news/article", pg)
}

// Feeds: RSS 2.0 and Atom, the 30 newest articles of the site or of a category.

type rssFeed struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Self        rssSelf   `xml:"atom:link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	LastBuild   string    `xml:"lastBuildDate,omitempty"`
	Items       []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Category    string `xml:"category"`
	Description string `xml:"description"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
}

func (s *Server) newsFeed(atom bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		title, home := s.orgName()+" — Tin tức", "/tin-tuc"
		f := news.PublicFilter{Limit: 30, Category: r.PathValue("cat")}
		if f.Category != "" {
			cats, err := s.News.Categories(r.Context())
			if err != nil {
				return err
			}
			found := false
			for _, c := range cats {
				if c.Slug == f.Category {
					found, title, home = true, s.orgName()+" — "+c.Name, "/tin-tuc/chuyen-muc/"+c.Slug
				}
			}
			if !found {
				return errNotFound
			}
		}
		list, _, err := s.News.Latest(r.Context(), f)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		if atom {
			feed := atomFeed{Title: title, ID: s.absURL(r, home), Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
				Links: []atomLink{{Href: s.absURL(r, home)}, {Href: s.absURL(r, r.URL.Path), Rel: "self"}}}
			for i, a := range list {
				if i == 0 {
					feed.Updated = a.PublishedAt.UTC().Format(time.RFC3339)
				}
				e := atomEntry{Title: a.Title, ID: s.absURL(r, "/tin-tuc/"+a.Slug), Updated: a.PublishedAt.UTC().Format(time.RFC3339),
					Link: atomLink{Href: s.absURL(r, "/tin-tuc/"+a.Slug)}, Summary: feedSummary(a)}
				e.Author.Name = a.UnitName
				feed.Entries = append(feed.Entries, e)
			}
			err = enc.Encode(feed)
			w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		} else {
			feed := rssFeed{Version: "2.0", Atom: "http://www.w3.org/2005/Atom", Channel: rssChannel{Title: title, Link: s.absURL(r, home),
				Self: rssSelf{Href: s.absURL(r, r.URL.Path), Rel: "self", Type: "application/rss+xml"}, Description: "Tin tức của " + s.orgName(), Language: "vi"}}
			for i, a := range list {
				if i == 0 {
					feed.Channel.LastBuild = a.PublishedAt.UTC().Format(time.RFC1123Z)
				}
				link := s.absURL(r, "/tin-tuc/"+a.Slug)
				feed.Channel.Items = append(feed.Channel.Items, rssItem{Title: a.Title, Link: link, GUID: link, PubDate: a.PublishedAt.UTC().Format(time.RFC1123Z),
					Category: a.CategoryName, Description: feedSummary(a)})
			}
			err = enc.Encode(feed)
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		}
		if err != nil {
			return err
		}
		_, err = w.Write(buf.Bytes())
		return err
	}
}

func feedSummary(a news.Article) string {
	if a.Lead != "" {
		return a.Lead
	}
	return summary(news.PlainText(a.Body), 300)
}

func (s *Server) orgName() string {
	if s.cfg.OrgName != "" {
		return s.cfg.OrgName
	}
	return "Đảng bộ Khối các cơ quan"
}

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists the public pages and the newest 45,000 articles (a sitemap file holds
// 50,000 addresses; an index of several files is for when the site grows past that).
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	set := sitemapURLSet{}
	for _, p := range []string{"/cong-dan", "/gui-don", "/tra-cuu", "/gop-y", "/vinh-danh", "/tin-tuc"} {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL(r, p)})
	}
	cats, err := s.News.Categories(r.Context())
	if err != nil {
		return err
	}
	for _, c := range cats {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL(r, "/tin-tuc/chuyen-muc/"+c.Slug)})
	}
	list, err := s.News.Sitemap(r.Context(), 45000)
	if err != nil {
		return err
	}
	for _, e := range list {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.absURL(r, "/tin-tuc/"+e.Slug), LastMod: e.UpdatedAt.UTC().Format("2006-01-02")})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(set); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, err = w.Write(buf.Bytes())
	return err
}

// ArticleJSON is a published article in the public API.
type ArticleJSON struct {
	Slug        string   `json:"slug"`
	URL         string   `json:"url"`
	Title       string   `json:"title"`
	Lead        string   `json:"lead"`
	Category    string   `json:"category"`
	Tags        []string `json:"tags"`
	Unit        string   `json:"unit"`
	SourceLine  string   `json:"source_line"`
	PublishedAt string   `json:"published_at"`
	Image       string   `json:"image,omitempty"`
}

// apiPublicArticles lists published articles, newest first, by category and words.
func (s *Server) apiPublicArticles(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	list, next, err := s.News.Latest(r.Context(), news.PublicFilter{Category: q.Get("category"), Query: q.Get("q"), Before: q.Get("before"), Limit: limit})
	if err != nil {
		return err
	}
	out := struct {
		Articles []ArticleJSON `json:"articles"`
		Next     string        `json:"next,omitempty"`
	}{Articles: []ArticleJSON{}, Next: next}
	for _, a := range list {
		j := ArticleJSON{Slug: a.Slug, URL: s.absURL(r, "/tin-tuc/"+a.Slug), Title: a.Title, Lead: feedSummary(a), Category: a.CategorySlug,
			Tags: a.Tags, Unit: a.UnitName, SourceLine: a.SourceLine, PublishedAt: a.PublishedAt.UTC().Format(time.RFC3339)}
		if j.Tags == nil {
			j.Tags = []string{}
		}
		if a.ImageID != 0 {
			j.Image = s.absURL(r, news.ImagePath(a.ImageID))
		}
		out.Articles = append(out.Articles, j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
