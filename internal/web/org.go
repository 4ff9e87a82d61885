package web

import (
	"net/http"
	"net/url"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
)

func (s *Server) orgRoutes() {
	s.handle("GET /units", s.unitTree)
	s.handle("GET /units/new", s.unitNewForm)
	s.handle("POST /units", s.unitCreate)
	s.handle("GET /units/{id}", s.unitShow)
	s.handle("GET /units/{id}/edit", s.unitEditForm)
	s.handle("POST /units/{id}", s.unitUpdate)
	s.handle("GET /units/{id}/move", s.unitMoveForm)
	s.handle("POST /units/{id}/move", s.unitMove)
	s.handle("GET /units/{id}/close", s.unitCloseForm)
	s.handle("POST /units/{id}/close", s.unitClose)
	s.handle("GET /people", s.peopleList)
	s.handle("GET /people/new", s.personNewForm)
	s.handle("POST /people", s.personCreate)
	s.handle("GET /people/{id}", s.personShow)
	s.handle("GET /people/{id}/edit", s.personEditForm)
	s.handle("POST /people/{id}", s.personUpdate)
	s.handle("POST /people/{id}/positions", s.positionAdd)
	s.handle("POST /positions/{id}/end", s.positionEnd)
}

// treeNode is a unit with its loaded children (the tree page loads two levels; deeper
// levels open on their own unit page, so the page never loads a whole national tree).
type treeNode struct {
	Unit     org.Unit
	Children []org.Unit
}

type treePage struct {
	Page
	Roots   []treeNode
	Results []org.Unit
	Q       string
	Closed  bool
}

func (s *Server) unitTree(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	pg := treePage{Page: s.page(r, "Cây tổ chức", "org", Crumb{Label: "Tổ chức"}), Q: r.URL.Query().Get("q"), Closed: r.URL.Query().Get("closed") == "1"}
	if pg.Q != "" {
		pg.Results, err = s.Org.SearchUnits(ctx, p, pg.Q, 100)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, "org/tree", pg)
	}
	roots, err := s.Org.Children(ctx, p, 0, pg.Closed)
	if err != nil {
		return err
	}
	for _, u := range roots {
		kids, err := s.Org.Children(ctx, p, u.ID, pg.Closed)
		if err != nil {
			return err
		}
		pg.Roots = append(pg.Roots, treeNode{Unit: u, Children: kids})
	}
	return s.render(w, r, http.StatusOK, "org/tree", pg)
}

type unitPage struct {
	Page
	Unit      org.Unit
	Parent    *org.Unit
	Successor *org.Unit
	Children  []org.Unit
	Positions []org.Position
	People    []org.Person
	Activity  []audit.Row
	CanManage bool
	CanPeople bool
}

func (s *Server) unitCrumbs(r *http.Request, u org.Unit, last bool) []Crumb {
	crumbs := []Crumb{{Label: "Tổ chức", Href: "/units"}}
	anc, err := s.Org.Ancestors(r.Context(), u)
	if err == nil {
		p := principal(r)
		for _, a := range anc {
			if p.CanPath(org.ViewUnit, a.Path) {
				crumbs = append(crumbs, Crumb{Label: a.Name, Href: "/units/" + strconv.FormatInt(a.ID, 10)})
			}
		}
	}
	if last {
		crumbs = append(crumbs, Crumb{Label: u.Name})
	} else {
		crumbs = append(crumbs, Crumb{Label: u.Name, Href: "/units/" + strconv.FormatInt(u.ID, 10)})
	}
	return crumbs
}

func (s *Server) unitShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.Org.UnitByID(ctx, p, id)
	if err != nil {
		return err
	}
	pg := unitPage{Page: s.page(r, u.Name, "org", s.unitCrumbs(r, u, true)...), Unit: u,
		CanManage: p.CanPath(org.ManageUnit, u.Path), CanPeople: p.CanPath(org.ManagePerson, u.Path)}
	if u.ParentID != 0 && p.CanPath(org.ViewUnit, parentPath(u.Path)) {
		if x, err := org.GetUnit(ctx, s.DB, u.ParentID); err == nil {
			pg.Parent = &x
		}
	}
	if u.SuccessorID != 0 {
		if x, err := s.Org.UnitByID(ctx, p, u.SuccessorID); err == nil {
			pg.Successor = &x
		}
	}
	if pg.Children, err = s.Org.Children(ctx, p, u.ID, true); err != nil {
		return err
	}
	if pg.Positions, pg.People, err = s.Org.UnitPeople(ctx, u.ID, 200); err != nil {
		return err
	}
	if p.CanPath(org.ViewAudit, u.Path) {
		if pg.Activity, err = audit.Find(ctx, s.DB, audit.Filter{All: true, UnitPath: u.Path, Limit: 10}); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "org/unit", pg)
}

func parentPath(path string) string {
	ids := org.PathIDs(path)
	if len(ids) <= 1 {
		return ""
	}
	out := "/"
	for _, id := range ids[:len(ids)-1] {
		out += strconv.FormatInt(id, 10) + "/"
	}
	return out
}

type unitFormPage struct {
	Page
	Unit   org.Unit
	Parent org.Unit
	Kinds  []org.UnitKind
	Action string
}

func (s *Server) unitNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	parentID, _ := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64)
	parent, err := s.Org.UnitByID(r.Context(), p, parentID)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManageUnit, parent.Path) {
		return apperr.New(apperr.Forbidden, "web.unitNewForm", "Bạn không có quyền thêm đơn vị vào đơn vị này.")
	}
	pg := unitFormPage{Page: s.page(r, "Thêm đơn vị trực thuộc", "org", append(s.unitCrumbs(r, parent, false), Crumb{Label: "Thêm đơn vị"})...),
		Parent: parent, Kinds: org.UnitKinds, Action: "/units"}
	pg.Form = url.Values{"parent_id": {strconv.FormatInt(parent.ID, 10)}}
	return s.render(w, r, http.StatusOK, "org/unit_form", pg)
}

func unitInput(r *http.Request) (org.UnitInput, error) {
	in := org.UnitInput{ParentID: formInt(r, "parent_id"), Kind: org.UnitKind(r.PostForm.Get("kind")), Name: r.PostForm.Get("name"),
		Code: r.PostForm.Get("code"), Note: r.PostForm.Get("note")}
	d, ok := ParseDateVN(r.PostForm.Get("valid_from"))
	if !ok {
		return in, &apperr.Error{Kind: apperr.Invalid, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"valid_from": "Ngày hiệu lực không hợp lệ (dd/mm/yyyy)."}}
	}
	in.ValidFrom = d
	return in, nil
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in, err := unitInput(r)
	var u org.Unit
	if err == nil {
		u, err = s.Org.CreateUnit(ctx, p, in)
	}
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		parent, perr := s.Org.UnitByID(r.Context(), p, in.ParentID)
		if perr != nil {
			return perr
		}
		pg := unitFormPage{Page: s.page(r, "Thêm đơn vị trực thuộc", "org", append(s.unitCrumbs(r, parent, false), Crumb{Label: "Thêm đơn vị"})...),
			Parent: parent, Kinds: org.UnitKinds, Action: "/units"}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "org/unit_form", pg)
	}
	return s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "success", "Đã thêm đơn vị "+u.Name+".")
}

func (s *Server) unitEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Org.UnitByID(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManageUnit, u.Path) {
		return apperr.New(apperr.Forbidden, "web.unitEditForm", "Bạn không có quyền sửa đơn vị này.")
	}
	pg := unitFormPage{Page: s.page(r, "Sửa đơn vị", "org", append(s.unitCrumbs(r, u, false), Crumb{Label: "Sửa"})...),
		Unit: u, Kinds: org.UnitKinds, Action: "/units/" + strconv.FormatInt(u.ID, 10)}
	pg.Form = url.Values{"name": {u.Name}, "kind": {string(u.Kind)}, "code": {u.Code}, "valid_from": {FormatDate(u.ValidFrom)}, "note": {u.Note}}
	return s.render(w, r, http.StatusOK, "org/unit_form", pg)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in, err := unitInput(r)
	var u org.Unit
	if err == nil {
		u, err = s.Org.UpdateUnit(ctx, p, id, in)
	}
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		cur, gerr := s.Org.UnitByID(r.Context(), p, id)
		if gerr != nil {
			return gerr
		}
		pg := unitFormPage{Page: s.page(r, "Sửa đơn vị", "org", append(s.unitCrumbs(r, cur, false), Crumb{Label: "Sửa"})...),
			Unit: cur, Kinds: org.UnitKinds, Action: "/units/" + strconv.FormatInt(id, 10)}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "org/unit_form", pg)
	}
	return s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "success", "Đã lưu thông tin đơn vị.")
}

type unitActionPage struct {
	Page
	Unit org.Unit
}

func (s *Server) unitForAction(r *http.Request, label string) (*org.Principal, org.Unit, unitActionPage, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, org.Unit{}, unitActionPage{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, org.Unit{}, unitActionPage{}, err
	}
	u, err := s.Org.UnitByID(r.Context(), p, id)
	if err != nil {
		return nil, org.Unit{}, unitActionPage{}, err
	}
	if !p.CanPath(org.ManageUnit, u.Path) {
		return nil, org.Unit{}, unitActionPage{}, apperr.New(apperr.Forbidden, "web.unit", "Bạn không có quyền sửa đơn vị này.")
	}
	pg := unitActionPage{Page: s.page(r, label+": "+u.Name, "org", append(s.unitCrumbs(r, u, false), Crumb{Label: label})...), Unit: u}
	return p, u, pg, nil
}

func (s *Server) unitMoveForm(w http.ResponseWriter, r *http.Request) error {
	_, _, pg, err := s.unitForAction(r, "Chuyển đơn vị")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "org/unit_move", pg)
}

func (s *Server) unitMove(w http.ResponseWriter, r *http.Request) error {
	p, u, pg, err := s.unitForAction(r, "Chuyển đơn vị")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.Org.MoveUnit(ctx, p, u.ID, formInt(r, "parent_id")); err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.NotFound {
			return err
		}
		withFormError(&pg.Page, r, err)
		if pg.Errors == nil {
			pg.Errors = map[string]string{"parent_id": apperr.MessageOf(err)}
		}
		return s.render(w, r, http.StatusUnprocessableEntity, "org/unit_move", pg)
	}
	return s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "success", "Đã chuyển đơn vị.")
}

func (s *Server) unitCloseForm(w http.ResponseWriter, r *http.Request) error {
	_, _, pg, err := s.unitForAction(r, "Giải thể / kết thúc hoạt động")
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "org/unit_close", pg)
}

func (s *Server) unitClose(w http.ResponseWriter, r *http.Request) error {
	p, u, pg, err := s.unitForAction(r, "Giải thể / kết thúc hoạt động")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	d, ok := ParseDateVN(r.PostForm.Get("valid_to"))
	if !ok || d == "" {
		err = &apperr.Error{Kind: apperr.Invalid, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"valid_to": "Vui lòng nhập ngày kết thúc (dd/mm/yyyy)."}}
	} else {
		_, err = s.Org.CloseUnit(ctx, p, u.ID, d, formInt(r, "successor_id"))
	}
	if err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.Conflict {
			return err
		}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "org/unit_close", pg)
	}
	return s.redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10), "success", "Đã ghi nhận kết thúc hoạt động của đơn vị.")
}

// manageUnits are the units where p holds a grant allowing action, with their children
// (at most 300): the choices of a "which unit" menu on the domains' forms.
func (s *Server) manageUnits(r *http.Request, p *org.Principal, action org.Action) ([]org.Unit, error) {
	var out []org.Unit
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, action) || seen[g.UnitID] {
			continue
		}
		u, err := s.Org.UnitByID(r.Context(), p, g.UnitID)
		if err != nil {
			continue
		}
		seen[u.ID] = true
		out = append(out, u)
		kids, err := s.Org.Children(r.Context(), p, u.ID, false)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if !seen[k.ID] && len(out) < 300 {
				seen[k.ID] = true
				out = append(out, k)
			}
		}
	}
	return out, nil
}
