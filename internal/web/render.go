package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// views holds every page template, parsed once at start-up: each page file under
// templates/<area>/ is parsed together with the shared layout and components.
type views struct {
	pages map[string]*template.Template
}

func parseViews() (*views, error) {
	shared, err := fs.Glob(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, err
	}
	base, err := template.New("").Funcs(templateFuncs()).ParseFS(templateFS, shared...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	v := &views{pages: map[string]*template.Template{}}
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || strings.HasPrefix(p, "templates/layout/") {
			return err
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, p)
		if err != nil {
			return fmt.Errorf("web: parse %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		v.pages[name] = t
		return nil
	})
	return v, err
}

// Crumb is one step of the breadcrumbs.
type Crumb struct {
	Label string
	Href  string
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind    string // "success", "error", "info"
	Message string
}

// Page is what every page's data embeds: the layout reads these fields.
type Page struct {
	Title       string
	Description string // meta description (public pages share nicely)
	Crumbs      []Crumb
	Nav         string // key of the active navigation item
	User        *org.Principal
	Flashes     []Flash
	Unread      int
	Public      bool // citizens' layout: simpler header, no account needed
	OrgName     string
	FormNonce   string            // one-time token for the page's form (double-submit guard)
	Errors      map[string]string // field -> message
	ErrorMsg    string            // summary at the top of a form
	Form        url.Values        // submitted values to keep on re-render
	RequestPath string
	Query       string
}

// Value returns the submitted value of a form field, for re-rendering with input kept.
func (p Page) Value(field string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Get(field)
}

// page builds the common part of a page for a request.
func (s *Server) page(r *http.Request, title, nav string, crumbs ...Crumb) Page {
	p := Page{Title: title, Nav: nav, Crumbs: crumbs, User: principal(r), OrgName: s.cfg.OrgName,
		FormNonce: formNonce(r), RequestPath: r.URL.Path, Query: r.URL.Query().Get("q")}
	if p.OrgName == "" {
		p.OrgName = "Đảng bộ Khối các cơ quan"
	}
	p.Flashes = s.popFlashes(r)
	if !p.User.IsZero() {
		p.Unread = s.Notify.UnreadCount(r.Context(), p.User.UserID)
	}
	return p
}

// publicPage builds the common part of a citizens' page.
func (s *Server) publicPage(r *http.Request, title, nav string) Page {
	p := s.page(r, title, nav)
	p.Public = true
	return p
}

// withFormError copies an error's messages into the page for re-rendering a form.
func withFormError(p *Page, r *http.Request, err error) {
	p.Errors = apperr.FieldsOf(err)
	p.ErrorMsg = apperr.MessageOf(err)
	p.Form = r.PostForm
}

// render writes a page with a status. data must embed Page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

var (
	errNotFound      = apperr.New(apperr.NotFound, "web", "")
	errUnauthorized  = apperr.New(apperr.Unauthorized, "web", "")
	errForbiddenCSRF = apperr.New(apperr.Forbidden, "web", "Yêu cầu bị từ chối vì không xuất phát từ trang của hệ thống. Vui lòng tải lại trang và thử lại.")
)

func statusOf(err error) int {
	switch apperr.KindOf(err) {
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthorized:
		return http.StatusUnauthorized
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.TooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

type errorPage struct {
	Page
	Status  int
	Heading string
	Message string
}

// renderError answers with the Vietnamese page of the error's kind. Unauthorized sends a
// browser to the login page; a double submit goes back with a notice.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, sqldb.ErrDuplicateSubmit) {
		s.flash(r, "info", "Biểu mẫu này đã được gửi trước đó; thao tác chỉ được thực hiện một lần.")
		back := r.Header.Get("Referer")
		if u, perr := url.Parse(back); perr != nil || back == "" || (u.Host != "" && u.Host != r.Host) {
			back = "/"
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.apiError(w, r, err)
		return
	}
	status := statusOf(err)
	if status == http.StatusUnauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status >= 500 {
		s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := errorPage{Page: s.page(r, "", ""), Status: status, Message: apperr.MessageOf(err)}
	switch status {
	case http.StatusNotFound:
		p.Heading = "Không tìm thấy trang"
	case http.StatusForbidden:
		p.Heading = "Không có quyền truy cập"
	case http.StatusUnauthorized:
		p.Heading = "Cần đăng nhập"
	case http.StatusConflict:
		p.Heading = "Không thể thực hiện thao tác"
	case http.StatusTooManyRequests:
		p.Heading = "Thao tác quá nhanh"
	case http.StatusUnprocessableEntity:
		p.Heading = "Dữ liệu chưa hợp lệ"
	default:
		p.Heading = "Hệ thống gặp sự cố"
	}
	p.Title = p.Heading
	p.Public = principal(r).IsZero()
	if rerr := s.render(w, r, status, "errors/error", p); rerr != nil {
		s.Logger.Error("render error page", "err", rerr)
		http.Error(w, p.Heading, status)
	}
}

// apiError answers {"error": {"kind", "message", "fields"}} with the status of the kind.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if errors.Is(err, sqldb.ErrDuplicateSubmit) {
		status = http.StatusConflict
	}
	if status >= 500 {
		s.Logger.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	body := map[string]any{"kind": apperr.KindOf(err).String(), "message": apperr.MessageOf(err)}
	if f := apperr.FieldsOf(err); len(f) > 0 {
		body["fields"] = f
	}
	writeJSON(w, status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// redirectBack sends the browser to a local path with a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKind, msg string) error {
	if msg != "" {
		s.flash(r, flashKind, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// localPath keeps a user-given return path on this site.
func localPath(p, fallback string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return fallback
	}
	return path.Clean("/"+strings.TrimPrefix(strings.SplitN(p, "?", 2)[0], "/")) + queryOf(p)
}

func queryOf(p string) string {
	if i := strings.IndexByte(p, '?'); i >= 0 {
		return p[i:]
	}
	return ""
}
