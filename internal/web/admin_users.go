package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/org"
	"danvan/internal/search"
)

// The administrators' account pages (/admin/users): list, create, grant and revoke roles,
// reset a password, disable and re-enable, lift a sign-in lock, so that nobody needs the
// command line after the first set-up. Reach and the rules live in auth (admin.go) and
// org (GrantRole, RevokeRole); anyone who administers no unit gets 404 here.
func (s *Server) adminUserRoutes() {
	s.handle("GET /admin/users", s.accountList)
	s.handle("GET /admin/users/new", s.accountNewForm)
	s.handle("POST /admin/users", s.accountCreate)
	s.handle("GET /admin/users/{id}", s.accountShow)
	s.handle("POST /admin/users/{id}/grants", s.accountGrant)
	s.handle("POST /admin/users/{id}/grants/{grant}/revoke", s.accountRevoke)
	s.handle("POST /admin/users/{id}/password", s.accountResetPassword)
	s.handle("POST /admin/users/{id}/disable", s.accountDisable)
	s.handle("POST /admin/users/{id}/enable", s.accountEnable)
	s.handle("POST /admin/users/{id}/unlock", s.accountUnlock)
}

// requireAccountAdmin returns the signed-in administrator; anyone else gets 404, as for
// any page out of reach.
func requireAccountAdmin(r *http.Request) (*org.Principal, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !auth.CanManageAccounts(p) {
		return nil, errNotFound
	}
	return p, nil
}

func accountsCrumbs(more ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Quản trị", Href: "/admin"}, {Label: "Tài khoản", Href: "/admin/users"}}, more...)
}

func accountURL(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

type accountListPage struct {
	Page
	Accounts []auth.Account
	Units    []org.Unit
	NextURL  string
}

func (s *Server) accountList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAccountAdmin(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := auth.AccountFilter{Query: q.Get("q"), State: q.Get("state"), After: q.Get("after")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	pg := accountListPage{Page: s.page(r, "Tài khoản và phân quyền", "admin", accountsCrumbs()[0], Crumb{Label: "Tài khoản"})}
	pg.Form = q
	if pg.Units, err = s.accountUnits(r, p, f.UnitID); err != nil {
		return err
	}
	res, err := s.Auth.FindAccounts(r.Context(), p, f)
	if err != nil {
		return err
	}
	pg.Accounts = res.Accounts
	if res.Next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("after", res.Next)
		pg.NextURL = "/admin/users?" + nq.Encode()
	}
	return s.render(w, r, http.StatusOK, "admin/users", pg)
}

// accountUnits are the unit choices of the account forms: the units where p grants roles
// with their children (manageUnits), plus the given units and their ancestors within
// reach, so that a person's cell deep in the tree can be chosen.
func (s *Server) accountUnits(r *http.Request, p *org.Principal, extra ...int64) ([]org.Unit, error) {
	out, err := s.manageUnits(r, p, org.GrantRoles)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, u := range out {
		seen[u.ID] = true
	}
	for _, id := range extra {
		if id == 0 || seen[id] {
			continue
		}
		u, err := s.Org.UnitByID(r.Context(), p, id)
		if err != nil {
			continue
		}
		anc, err := s.Org.Ancestors(r.Context(), u)
		if err != nil {
			return nil, err
		}
		for _, a := range append(anc, u) {
			if !seen[a.ID] && p.CanPath(org.GrantRoles, a.Path) {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	return out, nil
}

type accountFormPage struct {
	Page
	Units   []org.Unit
	Roles   []org.Role
	Person  *org.Person    // the person the account is for, once chosen
	People  []org.Person   // matches of the person search
	PersonQ string         // the person search typed
	Linked  map[int64]bool // people of the matches who already have an account
}

// accountForm builds the create form around the chosen person (personID) or the matches
// of a person search (personQ).
func (s *Server) accountForm(r *http.Request, p *org.Principal, personID, unitID int64, personQ string) (accountFormPage, error) {
	pg := accountFormPage{Page: s.page(r, "Tạo tài khoản", "admin", accountsCrumbs(Crumb{Label: "Tạo tài khoản"})...),
		Roles: org.Roles, PersonQ: personQ, Linked: map[int64]bool{}}
	ctx := r.Context()
	if personID != 0 {
		x, err := s.Org.PersonByID(ctx, p, personID)
		if err != nil {
			return pg, err
		}
		pg.Person = &x
		if unitID == 0 {
			unitID = x.UnitID
		}
	} else if strings.TrimSpace(personQ) != "" {
		res, err := s.Org.FindPeople(ctx, p, org.PeopleFilter{Query: personQ, Limit: 20})
		if err != nil {
			return pg, err
		}
		pg.People = res.People
		ids := make([]int64, len(pg.People))
		for i, x := range pg.People {
			ids[i] = x.ID
		}
		if pg.Linked, err = auth.PeopleWithAccounts(ctx, s.DB, ids); err != nil {
			return pg, err
		}
	}
	var err error
	pg.Units, err = s.accountUnits(r, p, unitID)
	return pg, err
}

var notUsernameRE = regexp.MustCompile(`[^a-z0-9.]+`)

// suggestUsername proposes a sign-in name from a person's name: "Nguyễn Văn An" →
// "nguyen.van.an" (the administrator may change it).
func suggestUsername(name string) string {
	u := notUsernameRE.ReplaceAllString(strings.ReplaceAll(search.Fold(name), " ", "."), "")
	u = strings.Trim(u, ".")
	if len(u) > 40 {
		u = strings.TrimRight(u[:40], ".")
	}
	return u
}

func (s *Server) accountNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAccountAdmin(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	personID, _ := strconv.ParseInt(q.Get("person"), 10, 64)
	unitID, _ := strconv.ParseInt(q.Get("unit"), 10, 64)
	pg, err := s.accountForm(r, p, personID, unitID, q.Get("person_q"))
	if err != nil {
		return err
	}
	pg.Form = url.Values{}
	if unitID != 0 {
		pg.Form.Set("unit_id", strconv.FormatInt(unitID, 10))
	}
	if pg.Person != nil {
		pg.Form.Set("person_id", strconv.FormatInt(pg.Person.ID, 10))
		pg.Form.Set("unit_id", strconv.FormatInt(pg.Person.UnitID, 10))
		pg.Form.Set("display_name", pg.Person.FullName)
		pg.Form.Set("email", pg.Person.Email)
		pg.Form.Set("username", suggestUsername(pg.Person.FullName))
	}
	return s.render(w, r, http.StatusOK, "admin/user_form", pg)
}

// formPassword reads the typed password pair of an account form and takes it out of the
// form (so that a re-rendered page never echoes it). Both empty means "generate one".
func formPassword(r *http.Request) (pw string, generated bool, err error) {
	pw, again := r.PostForm.Get("password"), r.PostForm.Get("password2")
	r.PostForm.Del("password")
	r.PostForm.Del("password2")
	if pw == "" && again == "" {
		return auth.GeneratePassword(), true, nil
	}
	if pw != again {
		return "", false, &apperr.Error{Kind: apperr.Invalid, Op: "web.formPassword", Message: "Hai lần nhập mật khẩu không khớp.",
			Fields: map[string]string{"password2": "Hai lần nhập mật khẩu không khớp."}}
	}
	return pw, false, nil
}

type accountCreatedPage struct {
	Page
	Account  auth.User
	Password string
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAccountAdmin(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := auth.AccountInput{Username: f.Get("username"), DisplayName: f.Get("display_name"), Email: f.Get("email"),
		PersonID: formInt(r, "person_id"), UnitID: formInt(r, "unit_id"), Role: org.Role(f.Get("role")), RoleUnitID: formInt(r, "role_unit_id")}
	pw, generated, err := formPassword(r)
	var u auth.User
	if err == nil {
		in.Password = pw
		u, err = s.Auth.CreateAccount(ctx, p, in)
	}
	if err == nil && generated {
		// The generated password is shown once, on this answer; it is stored hashed only.
		pg := accountCreatedPage{Page: s.page(r, "Đã tạo tài khoản", "admin", accountsCrumbs(Crumb{Label: u.Username})...), Account: u, Password: pw}
		pg.Flashes = append(pg.Flashes, Flash{Kind: "success", Message: "Đã tạo tài khoản " + u.Username + "."})
		return s.render(w, r, http.StatusOK, "admin/user_created", pg)
	}
	return finishForm(s, w, r, err, "admin/user_form", func() (accountFormPage, error) {
		pg, err := s.accountForm(r, p, in.PersonID, in.UnitID, "")
		if err != nil && in.PersonID != 0 { // a person no longer in reach: the message is under the field
			pg, err = s.accountForm(r, p, 0, in.UnitID, "")
		}
		return pg, err
	}, accountURL(u.ID), "Đã tạo tài khoản "+u.Username+".")
}

type adminAccountPage struct {
	Page
	Account     auth.Account
	Units       []org.Unit
	Roles       []org.Role
	ChangeError string // why p may not change the account, "" when they may
	Self        bool
	History     []audit.Row
	NewPassword string // a generated password, shown once after a reset
}

func (s *Server) accountPageFor(r *http.Request, p *org.Principal, id int64) (adminAccountPage, error) {
	a, err := s.Auth.AccountByID(r.Context(), p, id)
	if err != nil {
		return adminAccountPage{}, err
	}
	pg := adminAccountPage{Page: s.page(r, "Tài khoản "+a.Username, "admin", accountsCrumbs(Crumb{Label: a.Username})...),
		Account: a, Roles: org.Roles, Self: a.ID == p.UserID}
	if cerr := auth.CanChange(p, a); cerr != nil {
		pg.ChangeError = apperr.MessageOf(cerr)
	}
	if pg.Units, err = s.accountUnits(r, p, a.UnitID); err != nil {
		return pg, err
	}
	pg.History, err = audit.Find(r.Context(), s.DB, audit.Filter{All: true, Entity: "user", EntityID: a.ID, Limit: 30})
	return pg, err
}

func (s *Server) accountShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAccountAdmin(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.accountPageFor(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin/user", pg)
}

// accountAction starts a POST on an account page: the administrator, the account (in
// reach, else 404) and the context carrying the form's nonce.
func (s *Server) accountAction(w http.ResponseWriter, r *http.Request) (*org.Principal, auth.Account, *http.Request, error) {
	p, err := requireAccountAdmin(r)
	if err != nil {
		return nil, auth.Account{}, r, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, auth.Account{}, r, err
	}
	a, err := s.Auth.AccountByID(r.Context(), p, id)
	if err != nil {
		return nil, auth.Account{}, r, err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return nil, auth.Account{}, r, err
	}
	return p, a, r.WithContext(ctx), nil
}

// finishAccount ends an account page POST: Invalid re-renders the page with the messages,
// Conflict (a rule such as "not yourself") goes back to the page with the message, other
// errors go to the error page, success back with msg.
func (s *Server) finishAccount(w http.ResponseWriter, r *http.Request, p *org.Principal, a auth.Account, err error, msg string) error {
	if apperr.KindOf(err) == apperr.Conflict {
		return s.redirect(w, r, accountURL(a.ID), "error", apperr.MessageOf(err))
	}
	return finishForm(s, w, r, err, "admin/user", func() (adminAccountPage, error) { return s.accountPageFor(r, p, a.ID) }, accountURL(a.ID), msg)
}

func (s *Server) accountGrant(w http.ResponseWriter, r *http.Request) error {
	p, a, r, err := s.accountAction(w, r)
	if err != nil {
		return err
	}
	role := org.Role(r.PostForm.Get("role"))
	unitID := formInt(r, "unit_id")
	if unitID == 0 {
		err = &apperr.Error{Kind: apperr.Invalid, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"unit_id": "Vui lòng chọn đơn vị."}}
	} else {
		err = s.Org.GrantRole(r.Context(), p, a.ID, unitID, role)
	}
	if apperr.KindOf(err) == apperr.Forbidden {
		err = &apperr.Error{Kind: apperr.Invalid, Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{"unit_id": "Đơn vị này ngoài phạm vi bạn quản trị."}}
	}
	return s.finishAccount(w, r, p, a, err, "Đã phân quyền "+role.Label()+" cho "+a.Username+".")
}

func (s *Server) accountRevoke(w http.ResponseWriter, r *http.Request) error {
	p, a, r, err := s.accountAction(w, r)
	if err != nil {
		return err
	}
	gid, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	var g *org.Grant
	for i := range a.Grants {
		if a.Grants[i].ID == gid {
			g = &a.Grants[i]
		}
	}
	if g == nil {
		return errNotFound
	}
	err = s.Org.RevokeRole(r.Context(), p, gid)
	return s.finishAccount(w, r, p, a, err, "Đã thu hồi quyền "+g.Role.Label()+" tại "+g.UnitName+".")
}

func (s *Server) accountResetPassword(w http.ResponseWriter, r *http.Request) error {
	p, a, r, err := s.accountAction(w, r)
	if err != nil {
		return err
	}
	pw, generated, err := formPassword(r)
	if err == nil {
		err = s.Auth.ResetPassword(r.Context(), p, a.ID, pw, s.sessions.Token(r.Context()))
	}
	if err == nil && generated {
		pg, perr := s.accountPageFor(r, p, a.ID)
		if perr != nil {
			return perr
		}
		pg.NewPassword = pw
		pg.Flashes = append(pg.Flashes, Flash{Kind: "success", Message: "Đã đặt lại mật khẩu của " + a.Username + "; các phiên đăng nhập của tài khoản đã kết thúc."})
		return s.render(w, r, http.StatusOK, "admin/user", pg)
	}
	return s.finishAccount(w, r, p, a, err, "Đã đặt lại mật khẩu của "+a.Username+"; các phiên đăng nhập của tài khoản đã kết thúc.")
}

func (s *Server) accountDisable(w http.ResponseWriter, r *http.Request) error {
	p, a, r, err := s.accountAction(w, r)
	if err != nil {
		return err
	}
	err = s.Auth.SetDisabled(r.Context(), p, a.ID, true)
	return s.finishAccount(w, r, p, a, err, "Đã vô hiệu hóa tài khoản "+a.Username+".")
}

func (s *Server) accountEnable(w http.ResponseWriter, r *http.Request) error {
	p, a, r, err := s.accountAction(w, r)
	if err != nil {
		return err
	}
	err = s.Auth.SetDisabled(r.Context(), p, a.ID, false)
	return s.finishAccount(w, r, p, a, err, "Đã kích hoạt lại tài khoản "+a.Username+".")
}

func (s *Server) accountUnlock(w http.ResponseWriter, r *http.Request) error {
	p, a, r, err := s.accountAction(w, r)
	if err != nil {
		return err
	}
	err = s.Auth.Unlock(r.Context(), p, a.ID)
	return s.finishAccount(w, r, p, a, err, "Đã gỡ tạm khóa đăng nhập của "+a.Username+".")
}
