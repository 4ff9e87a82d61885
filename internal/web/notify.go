package web

import (
	"net/http"
	"strconv"

	"danvan/internal/notify"
)

func (s *Server) notifyRoutes() {
	s.handle("GET /notifications", s.notifications)
	s.handle("POST /notifications/read", s.notificationsRead)
}

type notificationsPage struct {
	Page
	Notes   []notify.Note
	NextURL string
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	pg := notificationsPage{Page: s.page(r, "Thông báo", "", Crumb{Label: "Thông báo"})}
	if pg.Notes, err = s.Notify.List(r.Context(), p.UserID, before, 30); err != nil {
		return err
	}
	if len(pg.Notes) == 30 {
		pg.NextURL = "/notifications?before=" + strconv.FormatInt(pg.Notes[29].ID, 10)
	}
	return s.render(w, r, http.StatusOK, "auth/notifications", pg)
}

func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	id := formInt(r, "id")
	if err := s.Notify.MarkRead(r.Context(), p.UserID, id); err != nil {
		return err
	}
	if link := localPath(r.PostForm.Get("next"), ""); link != "" {
		http.Redirect(w, r, link, http.StatusSeeOther)
		return nil
	}
	return s.redirect(w, r, "/notifications", "success", "Đã đánh dấu là đã đọc.")
}
