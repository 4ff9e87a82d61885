package web

import (
	"net/http"
)

type homePage struct {
	Page
	Units  int
	People int
}

// home is the overview for staff; citizens get the public portal.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsZero() {
		return s.render(w, r, http.StatusOK, "public/portal", s.publicPage(r, "Cổng thông tin công dân", ""))
	}
	pg := homePage{Page: s.page(r, "Tổng quan", "home")}
	scope := p.Scope("unit.view")
	cond, args := scope.SQL("path")
	if err := s.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM units WHERE valid_to = '' AND `+cond, args...).Scan(&pg.Units); err != nil {
		return err
	}
	pcond, pargs := p.Scope("person.view").SQL("unit_path")
	if err := s.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM people WHERE `+pcond, pargs...).Scan(&pg.People); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "home/home", pg)
}
