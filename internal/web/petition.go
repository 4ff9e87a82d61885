package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// petitionRoutes registers the pages and API of the petition domain.
func (s *Server) petitionRoutes() {
	s.handle("GET /petitions", s.petitionList)
	s.handle("GET /petitions/export.xlsx", s.petitionExport)
	s.handle("GET /petitions/dashboard", s.petitionDashboard)
	s.handle("GET /petitions/new", s.petitionNewForm)
	s.handle("POST /petitions/new", s.petitionCreate)
	s.handle("GET /petitions/{id}", s.petitionShow)
	s.handle("POST /petitions/{id}/link", s.petitionLink)
	s.handle("GET /petitions/{id}/do/{action}", s.petitionActionForm)
	s.handle("POST /petitions/{id}/do/{action}", s.petitionAction)
	s.petitionAdminRoutes()
	s.petitionPublicRoutes()
	s.petitionAPIRoutes()
	// Attachments: the citizen's files of a denunciation only to those who may see the
	// identity (they may name the sender); decision files to anyone who sees the petition.
	s.fileAccess["petition"] = func(ctx context.Context, p *org.Principal, id int64) bool {
		pt, err := s.Petitions.Get(ctx, p, id)
		return err == nil && !pt.Masked
	}
	s.fileAccess["petition-decision"] = func(ctx context.Context, p *org.Principal, id int64) bool {
		_, err := s.Petitions.Get(ctx, p, id)
		return err == nil
	}
}

func petitionCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Đơn thư", Href: "/petitions"}}, extra...)
}

func petitionURL(id int64, rest ...string) string {
	return "/petitions/" + strconv.FormatInt(id, 10) + strings.Join(rest, "")
}

type petitionListPage struct {
	Page
	Petitions []petition.Petition
	NextURL   string
	ExportURL string
	Units     []petition.Choice
	People    []petition.Choice
	CanCreate bool
	Kinds     []petition.Kind
	States    []petition.State
	Channels  []petition.Channel
}

// petitionFilter reads the list filters from the query string (GET, so a filtered list
// has a URL). Dates may be typed dd/mm/yyyy.
func petitionFilter(q url.Values) (petition.Filter, error) {
	f := petition.Filter{Kind: q.Get("kind"), State: q.Get("state"), Deadline: q.Get("deadline"), Channel: q.Get("channel"), Query: q.Get("q"), After: q.Get("after")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.LeadPersonID, _ = strconv.ParseInt(q.Get("lead"), 10, 64)
	var v apperr.Validation
	if d, ok := ParseDateVN(q.Get("from")); ok {
		f.From = d
	} else {
		v.Add("from", "Ngày không hợp lệ (dd/mm/yyyy).")
	}
	if d, ok := ParseDateVN(q.Get("to")); ok {
		f.To = d
	} else {
		v.Add("to", "Ngày không hợp lệ (dd/mm/yyyy).")
	}
	return f, v.Err()
}

func (s *Server) petitionList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := petitionListPage{Page: s.page(r, "Đơn thư", "petitions", Crumb{Label: "Đơn thư"}), CanCreate: p.CanAnywhere(org.HandlePetition),
		Kinds: petition.Kinds, States: petition.States, Channels: petition.Channels}
	pg.Form = q
	f, ferr := petitionFilter(q)
	if ferr != nil {
		pg.Errors = apperr.FieldsOf(ferr)
		pg.ErrorMsg = apperr.MessageOf(ferr)
	}
	res, err := s.Petitions.Find(r.Context(), p, f)
	if err != nil {
		return err
	}
	pg.Petitions = res.Petitions
	if res.Next != "" {
		nq := cloneValues(q)
		nq.Set("after", res.Next)
		pg.NextURL = "/petitions?" + nq.Encode()
	}
	eq := cloneValues(q)
	eq.Del("after")
	pg.ExportURL = "/petitions/export.xlsx?" + eq.Encode()
	seen := map[int64]bool{}
	menu := func(id int64) error {
		cs, err := s.Petitions.UnitsNear(r.Context(), id)
		for _, c := range cs {
			if !seen[c.ID] {
				seen[c.ID] = true
				pg.Units = append(pg.Units, c)
			}
		}
		return err
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ViewPetition) {
			if err := menu(g.UnitID); err != nil {
				return err
			}
		}
	}
	if f.UnitID != 0 { // the chosen unit's children, to go one level down
		if err := menu(f.UnitID); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "petition/list", pg)
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

type petitionFormPage struct {
	Page
	Units      []petition.Choice
	Kinds      []petition.Kind
	Channels   []petition.Channel
	Duplicates []petition.Duplicate
	Checked    bool
	Today      string
}

func (s *Server) newPetitionPage(r *http.Request, p *org.Principal) (petitionFormPage, error) {
	pg := petitionFormPage{Page: s.page(r, "Tiếp nhận đơn", "petitions", petitionCrumbs(Crumb{Label: "Tiếp nhận đơn"})...),
		Kinds: petition.Kinds, Channels: []petition.Channel{petition.InPerson, petition.Post, petition.Forwarded}, Today: work.Today(s.DB.Now())}
	var err error
	pg.Units, err = s.Petitions.IntakeUnits(r.Context(), p)
	return pg, err
}

func (s *Server) petitionNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.HandlePetition) {
		return apperr.New(apperr.Forbidden, "web.petitionNew", "Bạn không có quyền tiếp nhận đơn thư.")
	}
	pg, err := s.newPetitionPage(r, p)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "petition/form", pg)
}

// senderFrom reads the sender fields of a form.
func senderFrom(r *http.Request) petition.Sender {
	return petition.Sender{Name: r.PostFormValue("sender_name"), Phone: r.PostFormValue("sender_phone"), Email: r.PostFormValue("sender_email"),
		Address: r.PostFormValue("sender_address"), IDNo: r.PostFormValue("sender_idno")}
}

// uploads reads the files of a multipart form and checks each by content before anything
// is written; the returned hook saves them inside the petition's transaction.
func (s *Server) uploads(r *http.Request, field, ownerType string) (func(ctx context.Context, tx *sqldb.Tx, id int64) error, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var ups []attach.Upload
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if len(ups) >= 5 {
			return nil, fieldErr(field, "Tối đa 5 tệp đính kèm.")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, fieldErr(field, "Không đọc được tệp tải lên.")
		}
		b, err := io.ReadAll(io.LimitReader(f, attach.DefaultMaxSize+1))
		f.Close()
		if err != nil {
			return nil, fieldErr(field, "Không đọc được tệp tải lên.")
		}
		u := attach.Upload{Name: fh.Filename, Data: b}
		if _, err := s.Files.Check(u, attach.Documents); err != nil {
			return nil, &apperr.Error{Kind: apperr.Invalid, Op: "web.uploads", Message: apperr.MessageOf(err), Fields: map[string]string{field: apperr.MessageOf(err)}}
		}
		ups = append(ups, u)
	}
	if len(ups) == 0 {
		return nil, nil
	}
	return func(ctx context.Context, tx *sqldb.Tx, id int64) error {
		for _, u := range ups {
			if _, err := s.Files.Save(ctx, tx, ownerType, id, u, attach.Documents); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

func (s *Server) petitionCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.newPetitionPage(r, p)
	if err != nil {
		return err
	}
	in := petition.Input{Kind: r.PostFormValue("kind"), Channel: r.PostFormValue("channel"), UnitID: formInt(r, "unit_id"), Subject: r.PostFormValue("subject"),
		Content: r.PostFormValue("content"), Sender: senderFrom(r), ForwardedFrom: r.PostFormValue("forwarded_from"), Area: r.PostFormValue("area")}
	in.Round, _ = strconv.Atoi(r.PostFormValue("round"))
	rec, ok := ParseDateVN(r.PostFormValue("received_on"))
	if !ok {
		rec = "x"
	}
	in.ReceivedOn = rec
	fail := func(err error) error {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "petition/form", pg)
	}
	if r.PostFormValue("step") == "check" {
		// Show possible duplicates before saving; nothing is written.
		pg.Form = r.PostForm
		pg.Checked = true
		pg.Duplicates, err = s.Petitions.Duplicates(r.Context(), p, in.Sender, in.Content, 0)
		if err != nil {
			return err
		}
		return s.render(w, r, http.StatusOK, "petition/form", pg)
	}
	hook, err := s.uploads(r, "files", "petition")
	if err != nil {
		return fail(err)
	}
	in.Attach = hook
	pt, err := s.Petitions.Record(ctx, p, in)
	if err != nil {
		return fail(err)
	}
	return s.redirect(w, r, petitionURL(pt.ID), "success", "Đã tiếp nhận đơn, mã tra cứu "+pt.DisplayCode()+".")
}

type petitionShowPage struct {
	Page
	P          petition.Petition
	CanHandle  bool
	Actions    []petition.Action
	Duplicates []petition.Duplicate
	Case       []petition.Duplicate
	History    []audit.Row
	Files      []attach.File
	Decisions  []attach.File
	HiddenFile int
}

func (s *Server) petitionShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pt, err := s.Petitions.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := petitionShowPage{Page: s.page(r, "Đơn "+pt.DisplayCode(), "petitions", petitionCrumbs(Crumb{Label: "Đơn " + pt.DisplayCode()})...), P: pt,
		CanHandle: petition.CanHandle(p, &pt)}
	if pg.CanHandle {
		pg.Actions = petition.Available(pt.State)
	}
	if pg.Duplicates, err = s.Petitions.DuplicatesOf(r.Context(), p, id); err != nil {
		return err
	}
	if pg.Case, err = s.Petitions.CaseMembers(r.Context(), p, pt.CaseID); err != nil {
		return err
	}
	if pg.History, err = s.Petitions.History(r.Context(), p, id); err != nil {
		return err
	}
	files, err := s.Files.List(r.Context(), s.DB, "petition", id)
	if err != nil {
		return err
	}
	if pt.Masked {
		pg.HiddenFile = len(files) // names of a denouncer's files may name them
	} else {
		pg.Files = files
	}
	if pg.Decisions, err = s.Files.List(r.Context(), s.DB, "petition-decision", id); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "petition/show", pg)
}

func (s *Server) petitionLink(w http.ResponseWriter, r *http.Request) error {
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
	caseID, err := s.Petitions.Link(ctx, p, id, formInt(r, "other_id"))
	if err != nil {
		if apperr.KindOf(err) == apperr.Invalid {
			return s.redirect(w, r, petitionURL(id), "error", apperr.MessageOf(err))
		}
		return err
	}
	return s.redirect(w, r, petitionURL(id), "success", "Đã gộp vào hồ sơ vụ việc số "+strconv.FormatInt(caseID, 10)+".")
}

type petitionActionPage struct {
	Page
	P           petition.Petition
	Action      petition.Action
	Units       []petition.Choice
	People      []petition.Choice
	Kinds       []petition.Kind
	Results     []Option
	Complexity  []Option
	Today       string
	SupportUnit map[int64]bool
}

func (s *Server) petitionActionPage(r *http.Request, p *org.Principal) (petitionActionPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return petitionActionPage{}, err
	}
	a := petition.Action(r.PathValue("action"))
	known := false
	for _, x := range petition.Actions {
		if x == a {
			known = true
		}
	}
	if !known {
		return petitionActionPage{}, errNotFound
	}
	pt, err := s.Petitions.Get(r.Context(), p, id)
	if err != nil {
		return petitionActionPage{}, err
	}
	if !petition.CanHandle(p, &pt) {
		return petitionActionPage{}, apperr.New(apperr.Forbidden, "web.petitionAction", "Bạn không có quyền xử lý đơn thư này.")
	}
	pg := petitionActionPage{Page: s.page(r, a.Label(), "petitions", petitionCrumbs(Crumb{Label: "Đơn " + pt.DisplayCode(), Href: petitionURL(id)}, Crumb{Label: a.Label()})...),
		P: pt, Action: a, Kinds: petition.Kinds, Results: resultOptions(), Complexity: complexityOptions(pt.Kind), Today: work.Today(s.DB.Now()), SupportUnit: map[int64]bool{}}
	if a == petition.ActAssign {
		if pg.Units, err = s.Petitions.UnitsUnder(r.Context(), pt.UnitPath); err != nil {
			return pg, err
		}
		if pg.People, err = s.Petitions.PeopleUnder(r.Context(), pt.UnitPath); err != nil {
			return pg, err
		}
		for _, u := range pt.SupportUnits {
			pg.SupportUnit[u.ID] = true
		}
	}
	return pg, nil
}

func (s *Server) petitionActionForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.petitionActionPage(r, p)
	if err != nil {
		return err
	}
	if !pg.Action.Allowed(pg.P.State) {
		return s.redirect(w, r, petitionURL(pg.P.ID), "error", "Không thể thực hiện “"+pg.Action.Label()+"” khi đơn đang ở trạng thái “"+pg.P.State.Label()+"”.")
	}
	return s.render(w, r, http.StatusOK, "petition/action", pg)
}

func formIDs(r *http.Request, name string) []int64 {
	var out []int64
	for _, v := range r.PostForm[name] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func (s *Server) petitionAction(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.petitionActionPage(r, p)
	if err != nil {
		return err
	}
	in := petition.ActionInput{Kind: r.PostFormValue("kind"), Competent: r.PostFormValue("competent") != "no", Complexity: r.PostFormValue("complexity"),
		Area: r.PostFormValue("area"), To: r.PostFormValue("to"), Reason: r.PostFormValue("reason"), DecisionNo: r.PostFormValue("decision_no"),
		LeadUnitID: formInt(r, "lead_unit_id"), LeadPersonID: formInt(r, "lead_person_id"), SupportUnitIDs: formIDs(r, "support_unit_ids"),
		Result: r.PostFormValue("result"), Conclusion: r.PostFormValue("conclusion"), Note: r.PostFormValue("note")}
	in.Round, _ = strconv.Atoi(r.PostFormValue("round"))
	fail := func(err error) error {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "petition/action", pg)
	}
	if d, ok := ParseDateVN(r.PostFormValue("date")); ok {
		in.Date = d
	} else {
		return fail(fieldErr("date", "Ngày không hợp lệ (dd/mm/yyyy)."))
	}
	if pg.Action == petition.ActResolve {
		hook, err := s.uploads(r, "files", "petition-decision")
		if err != nil {
			return fail(err)
		}
		in.Attach = hook
	}
	if pg.Action.Irreversible() && r.PostFormValue("confirm") != "yes" {
		return fail(fieldErr("confirm", "Hãy đánh dấu xác nhận: thao tác này không hoàn tác được."))
	}
	pt, err := s.Petitions.Do(ctx, p, pg.P.ID, pg.Action, in)
	if err != nil {
		if apperr.KindOf(err) == apperr.Conflict {
			return s.redirect(w, r, petitionURL(pg.P.ID), "error", apperr.MessageOf(err))
		}
		return fail(err)
	}
	return s.redirect(w, r, petitionURL(pt.ID), "success", "Đã "+strings.ToLower(pg.Action.Label())+": đơn "+pt.DisplayCode()+" — "+pt.State.Label()+".")
}

// Option is a value and its label for a select list.
type Option struct {
	Value string
	Label string
}

func resultOptions() []Option {
	var out []Option
	for _, r := range petition.Results {
		out = append(out, Option{r, petition.ResultLabel(r)})
	}
	return out
}

func complexityOptions(k petition.Kind) []Option {
	var out []Option
	for _, c := range petition.Complexities {
		if c == "very-complex" && k != petition.Denunciation {
			continue
		}
		out = append(out, Option{c, petition.ComplexityLabel(c)})
	}
	return out
}
