package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/org"
)

func (s *Server) auditRoutes() {
	s.handle("GET /admin", s.adminIndex)
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
	if a := strings.TrimSpace(q.Get("actor")); a != "" {
		// A username (what people know) or an account number (links from other pages).
		if f.ActorID, err = strconv.ParseInt(a, 10, 64); err != nil {
			u, uerr := auth.UserByName(r.Context(), s.DB, strings.ToLower(a))
			switch {
			case apperr.KindOf(uerr) == apperr.NotFound:
				f.ActorID = -1 // nobody: an empty list, not everything
			case uerr != nil:
				return uerr
			default:
				f.ActorID = u.ID
			}
		}
	}
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

type adminPage struct {
	Page
	CanAudit bool
	// CanSystem: an administrator, who also keeps the calendar, the petitions' time
	// limits and the models' criteria sets (ManageSystem).
	CanSystem bool
	// CanAccounts: an administrator of some unit, who manages its accounts (/admin/users).
	CanAccounts bool
}

// adminIndex is the “Quản trị” section: what an administrator or a manager can open.
func (s *Server) adminIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg := adminPage{Page: s.page(r, "Quản trị", "admin", Crumb{Label: "Quản trị"}), CanAudit: !p.Scope(org.ViewAudit).Empty(),
		CanSystem: p.CanAnywhere(org.ManageSystem), CanAccounts: auth.CanManageAccounts(p)}
	return s.render(w, r, http.StatusOK, "admin/index", pg)
}
