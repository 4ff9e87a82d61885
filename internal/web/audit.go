package web

import (
	"net/http"
	"net/url"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
)

func (s *Server) auditRoutes() {
	s.handle("GET /audit", s.auditList)
}

type auditPage struct {
	Page
	Rows    []audit.Row
	Unit    *org.Unit
	NextURL string
}

// auditList shows the log to administrators (everything) and to managers within their
// subtree. It offers no way to change the log.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	scope := p.Scope(org.ViewAudit)
	if scope.Empty() {
		return apperr.New(apperr.Forbidden, "web.auditList", "Bạn không có quyền xem nhật ký.")
	}
	q := r.URL.Query()
	f := audit.Filter{All: p.IsAdmin(), UnitPaths: scope.Paths, Entity: q.Get("entity"), Limit: 50}
	f.EntityID, _ = strconv.ParseInt(q.Get("entity_id"), 10, 64)
	f.ActorID, _ = strconv.ParseInt(q.Get("actor"), 10, 64)
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	pg := auditPage{Page: s.page(r, "Nhật ký thay đổi", "admin", Crumb{Label: "Nhật ký thay đổi"})}
	pg.Form = q
	if unitID, _ := strconv.ParseInt(q.Get("unit"), 10, 64); unitID != 0 {
		u, err := s.Org.UnitByID(r.Context(), p, unitID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.ViewAudit, u.Path) {
			return apperr.New(apperr.Forbidden, "web.auditList", "Bạn không có quyền xem nhật ký của đơn vị này.")
		}
		pg.Unit = &u
		f.UnitPath = u.Path
	}
	// Rows without a unit (accounts, set-up) are visible to administrators only.
	if pg.Rows, err = audit.Find(r.Context(), s.DB, f); err != nil {
		return err
	}
	if len(pg.Rows) == f.Limit {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("before", strconv.FormatInt(pg.Rows[len(pg.Rows)-1].ID, 10))
		pg.NextURL = "/audit?" + nq.Encode()
	}
	return s.render(w, r, http.StatusOK, "admin/audit", pg)
}
