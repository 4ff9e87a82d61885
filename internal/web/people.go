package web

import (
	"net/http"
	"net/url"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
)

type peoplePage struct {
	Page
	People    []org.Person
	Unit      *org.Unit
	Titles    []struct{ Code, Label string }
	NextURL   string
	CanCreate bool
}

func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := org.PeopleFilter{Query: q.Get("q"), Title: q.Get("title"), After: q.Get("after")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	switch q.Get("party") {
	case "1":
		t := true
		f.PartyMember = &t
	case "0":
		t := false
		f.PartyMember = &t
	}
	pg := peoplePage{Page: s.page(r, "Cán bộ, đảng viên", "org", Crumb{Label: "Tổ chức", Href: "/units"}, Crumb{Label: "Cán bộ, đảng viên"}),
		Titles: org.PositionTitles, CanCreate: p.CanAnywhere(org.ManagePerson)}
	pg.Form = q
	if f.UnitID != 0 {
		u, err := s.Org.UnitByID(r.Context(), p, f.UnitID)
		if err != nil {
			return err
		}
		pg.Unit = &u
	}
	res, err := s.Org.FindPeople(r.Context(), p, f)
	if err != nil {
		return err
	}
	pg.People = res.People
	if res.Next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("after", res.Next)
		pg.NextURL = "/people?" + nq.Encode()
	}
	return s.render(w, r, http.StatusOK, "org/people", pg)
}

type personPage struct {
	Page
	Person    org.Person
	History   []audit.Row
	CanManage bool
	Titles    []struct{ Code, Label string }
	// OpenUnits are the units of the page (home unit, positions) the viewer may open; the
	// others are named without a link (a person can be in reach through one position only).
	OpenUnits map[int64]bool
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Org.PersonByID(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := personPage{Page: s.page(r, x.FullName, "org", Crumb{Label: "Tổ chức", Href: "/units"}, Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: x.FullName}),
		Person: x, CanManage: p.CanPath(org.ManagePerson, x.UnitPath), Titles: org.PositionTitles, OpenUnits: map[int64]bool{}}
	pg.OpenUnits[x.UnitID] = p.CanPath(org.ViewUnit, x.UnitPath)
	for _, pos := range x.Positions {
		if _, done := pg.OpenUnits[pos.UnitID]; done {
			continue
		}
		path, err := org.UnitPath(r.Context(), s.DB, pos.UnitID)
		if err != nil {
			return err
		}
		pg.OpenUnits[pos.UnitID] = p.CanPath(org.ViewUnit, path)
	}
	if p.CanPath(org.ViewAudit, x.UnitPath) {
		if pg.History, err = audit.ForEntity(r.Context(), s.DB, "person", x.ID, 50); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "org/person", pg)
}

type personFormPage struct {
	Page
	Person org.Person
	Units  []org.Unit
	Titles []struct{ Code, Label string }
	Action string
	IsNew  bool
}

// unitChoices lists the units where the principal may manage people (for a select):
// the units of their grants and their children, enough for a secretary's form; deeper
// units are reached from the unit page's "Thêm người" link, which preselects the unit.
func (s *Server) unitChoices(r *http.Request, p *org.Principal, preselect int64) ([]org.Unit, error) {
	var out []org.Unit
	seen := map[int64]bool{}
	roots, err := s.Org.Children(r.Context(), p, 0, false)
	if err != nil {
		return nil, err
	}
	for _, u := range roots {
		if !p.CanPath(org.ManagePerson, u.Path) {
			continue
		}
		out = append(out, u)
		seen[u.ID] = true
		kids, err := s.Org.Children(r.Context(), p, u.ID, false)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if !seen[k.ID] {
				out = append(out, k)
				seen[k.ID] = true
			}
		}
	}
	if preselect != 0 && !seen[preselect] {
		if u, err := s.Org.UnitByID(r.Context(), p, preselect); err == nil && p.CanPath(org.ManagePerson, u.Path) {
			out = append([]org.Unit{u}, out...)
		}
	}
	return out, nil
}

func (s *Server) personNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	units, err := s.unitChoices(r, p, unitID)
	if err != nil {
		return err
	}
	if len(units) == 0 {
		return apperr.New(apperr.Forbidden, "web.personNewForm", "Bạn không có quyền thêm người vào đơn vị nào.")
	}
	pg := personFormPage{Page: s.page(r, "Thêm người", "org", Crumb{Label: "Tổ chức", Href: "/units"}, Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: "Thêm người"}),
		Units: units, Titles: org.PositionTitles, Action: "/people", IsNew: true}
	pg.Form = url.Values{"unit_id": {strconv.FormatInt(unitID, 10)}}
	return s.render(w, r, http.StatusOK, "org/person_form", pg)
}

func personInput(r *http.Request) (org.PersonInput, error) {
	f := r.PostForm
	in := org.PersonInput{FullName: f.Get("full_name"), Gender: f.Get("gender"), Email: f.Get("email"), Phone: f.Get("phone"),
		PartyMember: f.Get("party_member") == "1", UnitID: formInt(r, "unit_id"), PositionTitle: f.Get("position_title")}
	if y := f.Get("birth_year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return in, &apperr.Error{Kind: apperr.Invalid, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"birth_year": "Năm sinh là số có 4 chữ số."}}
		}
		in.BirthYear = n
	}
	d, ok := ParseDateVN(f.Get("position_start"))
	if !ok {
		return in, &apperr.Error{Kind: apperr.Invalid, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"position_start": "Ngày không hợp lệ (dd/mm/yyyy)."}}
	}
	in.PositionStart = d
	return in, nil
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in, err := personInput(r)
	var x org.Person
	if err == nil {
		x, err = s.Org.CreatePerson(ctx, p, in)
	}
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		units, uerr := s.unitChoices(r, p, in.UnitID)
		if uerr != nil {
			return uerr
		}
		pg := personFormPage{Page: s.page(r, "Thêm người", "org", Crumb{Label: "Tổ chức", Href: "/units"}, Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: "Thêm người"}),
			Units: units, Titles: org.PositionTitles, Action: "/people", IsNew: true}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "org/person_form", pg)
	}
	return s.redirect(w, r, "/people/"+strconv.FormatInt(x.ID, 10), "success", "Đã thêm "+x.FullName+".")
}

func (s *Server) personEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Org.PersonByID(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManagePerson, x.UnitPath) {
		return apperr.New(apperr.Forbidden, "web.personEditForm", "Bạn không có quyền sửa thông tin người này.")
	}
	units, err := s.unitChoices(r, p, x.UnitID)
	if err != nil {
		return err
	}
	pg := personFormPage{Page: s.page(r, "Sửa thông tin", "org", Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: x.FullName, Href: "/people/" + strconv.FormatInt(x.ID, 10)}, Crumb{Label: "Sửa"}),
		Person: x, Units: units, Titles: org.PositionTitles, Action: "/people/" + strconv.FormatInt(x.ID, 10)}
	party := ""
	if x.PartyMember {
		party = "1"
	}
	pg.Form = url.Values{"full_name": {x.FullName}, "gender": {x.Gender}, "email": {x.Email}, "phone": {x.Phone}, "party_member": {party},
		"unit_id": {strconv.FormatInt(x.UnitID, 10)}}
	if x.BirthYear != 0 {
		pg.Form.Set("birth_year", strconv.Itoa(x.BirthYear))
	}
	return s.render(w, r, http.StatusOK, "org/person_form", pg)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error {
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
	in, err := personInput(r)
	var x org.Person
	if err == nil {
		x, err = s.Org.UpdatePerson(ctx, p, id, in)
	}
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		cur, gerr := s.Org.PersonByID(r.Context(), p, id)
		if gerr != nil {
			return gerr
		}
		units, uerr := s.unitChoices(r, p, cur.UnitID)
		if uerr != nil {
			return uerr
		}
		pg := personFormPage{Page: s.page(r, "Sửa thông tin", "org", Crumb{Label: "Cán bộ, đảng viên", Href: "/people"}, Crumb{Label: cur.FullName, Href: "/people/" + strconv.FormatInt(id, 10)}, Crumb{Label: "Sửa"}),
			Person: cur, Units: units, Titles: org.PositionTitles, Action: "/people/" + strconv.FormatInt(id, 10)}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "org/person_form", pg)
	}
	return s.redirect(w, r, "/people/"+strconv.FormatInt(x.ID, 10), "success", "Đã lưu thông tin.")
}

func (s *Server) positionAdd(w http.ResponseWriter, r *http.Request) error {
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
	start, ok := ParseDateVN(r.PostForm.Get("start_date"))
	if !ok {
		return s.redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "error", "Ngày bắt đầu không hợp lệ (dd/mm/yyyy).")
	}
	if _, err := s.Org.AddPosition(ctx, p, id, formInt(r, "unit_id"), r.PostForm.Get("title"), start); err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		msg := apperr.MessageOf(err)
		for _, m := range apperr.FieldsOf(err) {
			msg = m
		}
		return s.redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "error", msg)
	}
	return s.redirect(w, r, "/people/"+strconv.FormatInt(id, 10), "success", "Đã thêm chức vụ.")
}

func (s *Server) positionEnd(w http.ResponseWriter, r *http.Request) error {
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
	back := localPath(r.PostForm.Get("back"), "/people")
	// A bad date is passed on as "": EndPosition checks the caller's reach before the
	// date, so a stranger learns nothing about a position, not even that the form was wrong.
	end, ok := ParseDateVN(r.PostForm.Get("end_date"))
	if !ok {
		end = ""
	}
	if err := s.Org.EndPosition(ctx, p, id, end); err != nil {
		if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.Conflict {
			return err
		}
		return s.redirect(w, r, back, "error", apperr.MessageOf(err))
	}
	return s.redirect(w, r, back, "success", "Đã kết thúc chức vụ.")
}
