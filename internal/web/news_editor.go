package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/news"
	"danvan/internal/org"
)

// newsRoutes registers the news module: the public pages and the editors' pages.
func (s *Server) newsRoutes() {
	s.newsPublicRoutes()
	s.handle("GET /news", s.newsList)
	s.handle("GET /news/new", s.newsNewForm)
	s.handle("POST /news/new", s.newsCreate)
	s.handle("GET /news/feedback", s.newsFeedbackList)
	s.handle("POST /news/feedback/{fid}/moderate", s.newsModerate)
	s.handle("GET /news/categories", s.newsCategories)
	s.handle("POST /news/categories", s.newsSaveCategory)
	s.handle("GET /news/{id}", s.newsShow)
	s.handle("GET /news/{id}/edit", s.newsEditForm)
	s.handle("POST /news/{id}/edit", s.newsUpdate)
	s.handle("POST /news/{id}/{action}", s.newsAction)
}

func newsEditor(r *http.Request) (*org.Principal, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !news.CanEdit(p) {
		return nil, apperr.New(apperr.Forbidden, "web.news", "Trang này dành cho biên tập viên và người duyệt tin.")
	}
	return p, nil
}

type newsEditorListPage struct {
	Page
	Articles []news.Article
	Next     int64
	State    string
	Now      time.Time
	Pending  int
	Manage   bool
}

func (s *Server) newsList(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := newsEditorListPage{Page: s.page(r, "Tin bài", "news", Crumb{Label: "Tin bài"}), State: q.Get("state"), Now: s.DB.Now(), Manage: news.CanManageCategories(p)}
	pg.Form = q
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	if pg.Articles, pg.Next, err = s.News.Find(r.Context(), p, news.Filter{State: pg.State, BeforeID: before, Limit: 30}); err != nil {
		return err
	}
	fb, err := s.News.PendingFeedback(r.Context(), p)
	pg.Pending = len(fb)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/editor_list", pg)
}

type newsFormPage struct {
	Page
	Article    news.Article // zero for a new one
	Categories []news.Category
	Units      []org.Grant // the units the editor writes for
	Removed    []string
}

func (s *Server) newsFormFor(r *http.Request, p *org.Principal, a news.Article, title string) (newsFormPage, error) {
	cats, err := s.News.Categories(r.Context())
	pg := newsFormPage{Page: s.page(r, title, "news", Crumb{Label: "Tin bài", Href: "/news"}, Crumb{Label: title}), Article: a, Categories: cats}
	if a.ID != 0 {
		// The form shows the article as it is; a re-render after an error shows the input.
		pg.Form = url.Values{"unit_id": {strconv.FormatInt(a.UnitID, 10)}, "category_id": {strconv.FormatInt(a.CategoryID, 10)}, "title": {a.Title},
			"slug": {a.Slug}, "lead": {a.Lead}, "body": {a.Body}, "tags": {strings.Join(a.Tags, ", ")}, "author": {a.Author},
			"source_line": {a.SourceLine}, "image_caption": {a.ImageCaption}}
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.EditNews) || org.RoleAllows(g.Role, org.PublishNews) {
			pg.Units = append(pg.Units, g)
		}
	}
	return pg, err
}

func (s *Server) newsNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	pg, err := s.newsFormFor(r, p, news.Article{}, "Viết tin mới")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/editor_form", pg)
}

func newsInput(r *http.Request) (news.Input, error) {
	in := news.Input{UnitID: formInt(r, "unit_id"), CategoryID: formInt(r, "category_id"), Slug: r.PostFormValue("slug"), Title: r.PostFormValue("title"),
		Lead: r.PostFormValue("lead"), Body: r.PostFormValue("body"), Tags: r.PostFormValue("tags"), Author: r.PostFormValue("author"),
		SourceLine: r.PostFormValue("source_line"), ImageCaption: r.PostFormValue("image_caption"), CorrectionNote: r.PostFormValue("correction_note")}
	ups, err := uploads(r, "image")
	if err != nil {
		return in, err
	}
	if len(ups) > 0 {
		in.Image = &attach.Upload{Name: ups[0].Name, Data: ups[0].Data}
	}
	return in, nil
}

// savedMessage tells the editor what the sanitiser kept out of a pasted body.
func savedMessage(msg string, sv news.Saved) string {
	if len(sv.Removed) > 0 {
		msg += " Đã loại bỏ khỏi nội dung: " + strings.Join(sv.Removed, ", ") + " (mã lệnh được hiển thị dưới dạng chữ)."
	}
	return msg
}

func (s *Server) newsCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.newsFormFor(r, p, news.Article{}, "Viết tin mới")
	if err != nil {
		return err
	}
	in, err := newsInput(r)
	var sv news.Saved
	if err == nil {
		sv, err = s.News.Create(ctx, p, in)
	}
	if apperr.KindOf(err) == apperr.Conflict && apperr.FieldsOf(err)["slug"] != "" {
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusConflict, "news/editor_form", pg)
	}
	return finishForm(s, w, r, err, "news/editor_form", builtPage(pg), "/news/"+strconv.FormatInt(sv.ID, 10), savedMessage("Đã lưu bản nháp.", sv))
}

func (s *Server) newsArticleFor(r *http.Request) (*org.Principal, news.Article, error) {
	p, err := newsEditor(r)
	if err != nil {
		return nil, news.Article{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, news.Article{}, err
	}
	a, err := s.News.Article(r.Context(), p, id)
	return p, a, err
}

type newsShowPage struct {
	Page
	Article     news.Article
	Body        template.HTML
	Now         time.Time
	CanEdit     bool
	CanReview   bool
	History     []audit.Row
	Corrections []news.Correction
}

func (s *Server) newsShow(w http.ResponseWriter, r *http.Request) error {
	p, a, err := s.newsArticleFor(r)
	if err != nil {
		return err
	}
	pg := newsShowPage{Page: s.page(r, a.Title, "news", Crumb{Label: "Tin bài", Href: "/news"}, Crumb{Label: a.Title}), Article: a,
		Body: template.HTML(a.Body), Now: s.DB.Now(), CanEdit: p.CanPath(org.EditNews, a.UnitPath), CanReview: p.CanPath(org.PublishNews, a.UnitPath)}
	if pg.History, err = audit.ForEntity(r.Context(), s.DB, "news_article", a.ID, 50); err != nil {
		return err
	}
	if pg.Corrections, err = s.News.Corrections(r.Context(), a.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/editor_show", pg)
}

func (s *Server) newsEditForm(w http.ResponseWriter, r *http.Request) error {
	p, a, err := s.newsArticleFor(r)
	if err != nil {
		return err
	}
	pg, err := s.newsFormFor(r, p, a, "Sửa tin")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/editor_form", pg)
}

func (s *Server) newsUpdate(w http.ResponseWriter, r *http.Request) error {
	p, a, err := s.newsArticleFor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.newsFormFor(r, p, a, "Sửa tin")
	if err != nil {
		return err
	}
	in, err := newsInput(r)
	var sv news.Saved
	if err == nil {
		sv, err = s.News.Update(ctx, p, a.ID, in)
	}
	if apperr.KindOf(err) == apperr.Conflict && apperr.FieldsOf(err)["slug"] != "" {
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusConflict, "news/editor_form", pg)
	}
	return finishForm(s, w, r, err, "news/editor_form", builtPage(pg), "/news/"+strconv.FormatInt(a.ID, 10), savedMessage("Đã lưu.", sv))
}

// newsAction runs a step of the editorial flow from the article's page.
func (s *Server) newsAction(w http.ResponseWriter, r *http.Request) error {
	p, a, err := s.newsArticleFor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	back := "/news/" + strconv.FormatInt(a.ID, 10)
	remarks := r.PostFormValue("remarks")
	var msg string
	switch r.PathValue("action") {
	case "submit":
		err, msg = s.News.Submit(ctx, p, a.ID), "Đã gửi duyệt."
	case "approve":
		var at time.Time
		if v := strings.TrimSpace(r.PostFormValue("publish_at")); v != "" {
			if at, err = time.ParseInLocation("2006-01-02T15:04", v, news.Zone()); err != nil {
				return s.redirect(w, r, back, "error", "Thời điểm đăng không hợp lệ; chọn ngày và giờ.")
			}
		}
		err, msg = s.News.Approve(ctx, p, a.ID, at, remarks), "Đã duyệt và đăng tin."
		if at.After(s.DB.Now()) {
			msg = "Đã duyệt; tin sẽ được đăng lúc " + at.In(news.Zone()).Format("15:04 02/01/2006") + "."
		}
	case "return":
		err, msg = s.News.Return(ctx, p, a.ID, remarks), "Đã trả lại cho người viết."
	case "unpublish":
		err, msg = s.News.Unpublish(ctx, p, a.ID, remarks), "Đã gỡ tin khỏi trang công khai."
	default:
		return errNotFound
	}
	if k := apperr.KindOf(err); err != nil && (k == apperr.Invalid || k == apperr.Conflict) {
		return s.redirect(w, r, back, "error", apperr.MessageOf(err))
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, back, "success", msg)
}

type newsFeedbackPage struct {
	Page
	Feedback []news.Feedback
}

func (s *Server) newsFeedbackList(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	pg := newsFeedbackPage{Page: s.page(r, "Phản hồi của bạn đọc", "news", Crumb{Label: "Tin bài", Href: "/news"}, Crumb{Label: "Phản hồi"})}
	if pg.Feedback, err = s.News.PendingFeedback(r.Context(), p); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/feedback", pg)
}

func (s *Server) newsModerate(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "fid")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	// The decision is one of the form's two buttons; the service refuses anything else
	// (a post without it publishes nothing), after its rights check.
	decision := news.Decision(r.PostFormValue("decision"))
	publish := decision == news.DecisionPublish
	slug := r.PostFormValue("slug")
	err = s.News.Moderate(ctx, p, id, decision, r.PostFormValue("answer"), s.absURL(r, "/tin-tuc/"+slug))
	if k := apperr.KindOf(err); err != nil && (k == apperr.Invalid || k == apperr.Conflict) {
		return s.redirect(w, r, "/news/feedback", "error", apperr.MessageOf(err))
	}
	if err != nil {
		return err
	}
	msg := "Đã đăng phản hồi; người gửi được báo qua thư điện tử."
	if !publish {
		msg = "Đã không đăng phản hồi."
	}
	return s.redirect(w, r, "/news/feedback", "success", msg)
}

type newsCategoriesPage struct {
	Page
	Categories []news.Category
}

func (s *Server) newsCategoriesPage(r *http.Request) (newsCategoriesPage, error) {
	cats, err := s.News.Categories(r.Context())
	return newsCategoriesPage{Page: s.page(r, "Chuyên mục tin", "news", Crumb{Label: "Tin bài", Href: "/news"}, Crumb{Label: "Chuyên mục"}), Categories: cats}, err
}

func (s *Server) newsCategories(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	if !news.CanManageCategories(p) {
		return apperr.New(apperr.Forbidden, "web.news", "Chỉ người duyệt tin cấp trên cùng quản lý chuyên mục.")
	}
	pg, err := s.newsCategoriesPage(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "news/categories", pg)
}

func (s *Server) newsSaveCategory(w http.ResponseWriter, r *http.Request) error {
	p, err := newsEditor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	seq, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("seq")))
	_, err = s.News.SaveCategory(ctx, p, news.Category{ID: formInt(r, "id"), Slug: r.PostFormValue("slug"), Name: r.PostFormValue("name"), Seq: seq})
	if k := apperr.KindOf(err); err != nil && k == apperr.Conflict {
		return s.redirect(w, r, "/news/categories", "error", apperr.MessageOf(err))
	}
	pg, perr := s.newsCategoriesPage(r)
	if perr != nil {
		return perr
	}
	return finishForm(s, w, r, err, "news/categories", builtPage(pg), "/news/categories", "Đã lưu chuyên mục.")
}
