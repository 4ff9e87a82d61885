package web

import (
	"net/http"
	"net/url"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/democracy"
	"danvan/internal/org"
	"danvan/internal/work"
)

// disclosureRoutes registers the pages of disclosures: the register with its filters (the
// staff see what was disclosed, the managers and the units above everything), the item's
// form, its page with the staff's questions and answers, and taking it down (a page of
// its own, as every irreversible action).
func (s *Server) disclosureRoutes() {
	s.handle("GET /democracy/disclosures", s.disclosureList)
	s.handle("GET /democracy/disclosures/new", s.disclosureNewForm)
	s.handle("POST /democracy/disclosures/new", s.disclosureCreate)
	s.handle("GET /democracy/disclosures/{id}", s.disclosureShow)
	s.handle("GET /democracy/disclosures/{id}/edit", s.disclosureEditForm)
	s.handle("POST /democracy/disclosures/{id}/edit", s.disclosureUpdate)
	s.handle("GET /democracy/disclosures/{id}/take-down", s.disclosureTakeDownForm)
	s.handle("POST /democracy/disclosures/{id}/take-down", s.disclosureTakeDown)
	s.handle("POST /democracy/disclosures/{id}/questions", s.disclosureAsk)
	s.handle("POST /democracy/disclosures/{id}/questions/{qid}/answer", s.disclosureAnswer)
}

func disclosureCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Dân chủ ở cơ sở", Href: "/democracy"}, {Label: "Công khai", Href: "/democracy/disclosures"}}, extra...)
}

// discRow is an item of the list with its badges on today.
type discRow struct {
	democracy.Disclosure
	Post    work.Badge
	Display work.Badge
}

type disclosureListPage struct {
	Page
	Rows       []discRow
	Categories []democracy.DisclosureCategory
	States     [][2]string
	Filter     democracy.DisclosureFilter
	CanCreate  bool
	Register   bool // the viewer reads a whole register somewhere (else: the staff view)
	Next       string
}

func (s *Server) disclosureList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := democracy.DisclosureFilter{UnitID: formIntQ(q, "unit"), Year: atoi(q.Get("year")), Category: q.Get("category"), State: q.Get("state"), Query: q.Get("q"), Limit: 50, Offset: atoi(q.Get("offset"))}
	rows, err := s.Disclosures.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	// The administrator may write every register: no need to load every agency (500 unit
	// reads, 30 ms of the register's 38 at national size) to know it.
	var managed []org.Unit
	if !p.IsAdmin() {
		if managed, err = s.Disclosures.ManagedAgencies(r.Context(), p); err != nil {
			return err
		}
	}
	cats, err := s.Disclosures.Categories(r.Context())
	if err != nil {
		return err
	}
	pg := disclosureListPage{Page: s.page(r, "Công khai trong cơ quan", "democracy", disclosureCrumbs()[:1]...), Categories: cats, Filter: f,
		CanCreate: len(managed) > 0 || p.IsAdmin(), Register: len(managed) > 0 || p.IsAdmin()}
	pg.Crumbs = append(pg.Crumbs, Crumb{Label: "Công khai"})
	pg.Register = pg.Register || p.CanAnywhere(org.ManageConference)
	pg.States = [][2]string{{"", "Tất cả"}, {democracy.PostOverdue, "Quá hạn, chưa công khai"}, {democracy.PostWaiting, "Chưa công khai, còn hạn"},
		{democracy.PostLate, "Công khai muộn"}, {"showing", "Đang niêm yết"}, {"down", "Đã gỡ"}}
	today := work.Today(s.DB.Now())
	for _, d := range rows {
		pg.Rows = append(pg.Rows, discRow{Disclosure: d, Post: d.PostBadge(today), Display: d.DisplayBadge(today)})
	}
	if len(rows) == f.Limit {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("offset", strconv.Itoa(f.Offset+f.Limit))
		pg.Next = "/democracy/disclosures?" + nq.Encode()
	}
	return s.render(w, r, http.StatusOK, "democracy/disclosure_list", pg)
}

type disclosureFormPage struct {
	Page
	ID         int64
	Agencies   []org.Unit
	Categories []democracy.DisclosureCategory
	Forms      []string
	Staff      []democracy.Delegate
	Documents  []democracy.DocumentChoice
}

// FormLabel names a form.
func (disclosureFormPage) FormLabel(f string) string { return democracy.DisclosureFormLabel(f) }

// FormChecked says whether a form's box is ticked.
func (pg disclosureFormPage) FormChecked(f string) bool {
	for _, v := range pg.Form["forms"] {
		if v == f {
			return true
		}
	}
	return false
}

func (s *Server) disclosureFormPage(r *http.Request, p *org.Principal, d *democracy.Disclosure) (disclosureFormPage, error) {
	ctx := r.Context()
	title := "Ghi sổ công khai"
	crumb := Crumb{Label: "Ghi sổ công khai"}
	if d != nil {
		title, crumb = "Sửa nội dung công khai", Crumb{Label: d.Title, Href: democracy.DisclosureLink(d.ID)}
	}
	pg := disclosureFormPage{Page: s.page(r, title, "democracy", disclosureCrumbs(crumb)...), Forms: democracy.DisclosureForms}
	var err error
	if pg.Categories, err = s.Disclosures.Categories(ctx); err != nil {
		return pg, err
	}
	agencyPath := ""
	if d != nil {
		pg.ID = d.ID
		agencyPath = d.UnitPath
	} else {
		if pg.Agencies, err = s.Disclosures.ManagedAgencies(ctx, p); err != nil {
			return pg, err
		}
		if len(pg.Agencies) == 0 {
			return pg, apperr.New(apperr.Forbidden, "web.disclosureNew", "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được ghi sổ công khai.")
		}
		agencyPath = pg.Agencies[0].Path
		if id := formInt(r, "unit_id"); id != 0 {
			for _, a := range pg.Agencies {
				if a.ID == id {
					agencyPath = a.Path
				}
			}
		}
	}
	if pg.Staff, err = democracy.StaffOf(ctx, s.DB, agencyPath); err != nil {
		return pg, err
	}
	pg.Documents, err = s.Disclosures.DocumentChoices(ctx, agencyPath)
	return pg, err
}

func disclosureInput(r *http.Request) (democracy.DisclosureInput, error) {
	in := democracy.DisclosureInput{UnitID: formInt(r, "unit_id"), Category: r.PostFormValue("category"), Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"),
		DecisionNo: r.PostFormValue("decision_no"), Signer: r.PostFormValue("signer"), DocumentID: formInt(r, "document_id"), Forms: r.PostForm["forms"], LeadID: formInt(r, "lead_id")}
	var ok bool
	if in.DecisionOn, ok = ParseDateVN(r.PostFormValue("decision_on")); !ok {
		return in, fieldErr("decision_on", "Ngày ký không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	}
	if in.PostedOn, ok = ParseDateVN(r.PostFormValue("posted_on")); !ok {
		return in, fieldErr("posted_on", "Ngày công khai không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	}
	return in, nil
}

func (s *Server) disclosureNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.disclosureFormPage(r, p, nil)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"forms": {democracy.FormPosted, democracy.FormIntranet}, "unit_id": {strconv.FormatInt(pg.Agencies[0].ID, 10)}}
	return s.render(w, r, http.StatusOK, "democracy/disclosure_form", pg)
}

func (s *Server) disclosureCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.disclosureFormPage(r, p, nil)
	if err != nil {
		return err
	}
	var id int64
	in, err := disclosureInput(r)
	if err == nil {
		id, err = s.Disclosures.Create(ctx, p, in)
	}
	return finishForm(s, w, r, err, "democracy/disclosure_form", builtPage(pg), democracy.DisclosureLink(id), "Đã ghi sổ công khai. Sổ tính hạn công khai theo quy định có hiệu lực ngày ký quyết định.")
}

func (s *Server) disclosureEditForm(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.disclosureFor(r)
	if err != nil {
		return err
	}
	if !d.CanManage(p) {
		return apperr.New(apperr.Forbidden, "web.disclosureEdit", "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được sửa sổ công khai.")
	}
	pg, err := s.disclosureFormPage(r, p, &d)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"category": {d.Category}, "title": {d.Title}, "summary": {d.Summary}, "decision_no": {d.DecisionNo}, "decision_on": {FormatDate(d.DecisionOn)},
		"signer": {d.Signer}, "document_id": {strconv.FormatInt(d.DocumentID, 10)}, "forms": d.Forms, "lead_id": {strconv.FormatInt(d.LeadID, 10)}, "posted_on": {FormatDate(d.PostedOn)}}
	return s.render(w, r, http.StatusOK, "democracy/disclosure_form", pg)
}

func (s *Server) disclosureUpdate(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.disclosureFor(r)
	if err != nil {
		return err
	}
	if !d.CanManage(p) {
		return apperr.New(apperr.Forbidden, "web.disclosureEdit", "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được sửa sổ công khai.")
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.disclosureFormPage(r, p, &d)
	if err != nil {
		return err
	}
	in, err := disclosureInput(r)
	if err == nil {
		err = s.Disclosures.Update(ctx, p, d.ID, in)
	}
	return finishForm(s, w, r, err, "democracy/disclosure_form", builtPage(pg), democracy.DisclosureLink(d.ID), "Đã lưu nội dung công khai.")
}

// disclosureFor loads the item of the path for the caller: NotFound when out of reach.
func (s *Server) disclosureFor(r *http.Request) (*org.Principal, democracy.Disclosure, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, democracy.Disclosure{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, democracy.Disclosure{}, err
	}
	d, err := s.Disclosures.Disclosure(r.Context(), p, id)
	return p, d, err
}

type disclosureShowPage struct {
	Page
	D         democracy.Disclosure
	Post      work.Badge
	Display   work.Badge
	Today     string
	CanManage bool
	CanAsk    bool
	OnDisplay bool
	History   []audit.Row
}

func (s *Server) disclosurePage(r *http.Request, p *org.Principal, d democracy.Disclosure) (disclosureShowPage, error) {
	today := work.Today(s.DB.Now())
	pg := disclosureShowPage{Page: s.page(r, d.Title, "democracy", disclosureCrumbs(Crumb{Label: d.Title})...), D: d, Post: d.PostBadge(today), Display: d.DisplayBadge(today),
		Today: today, CanManage: d.CanManage(p), CanAsk: democracy.IsStaffOf(p, d.UnitPath) && d.Posted(), OnDisplay: d.OnDisplay(today)}
	if democracy.CanReadRegister(p, d.UnitPath, d.UnionPath) {
		var err error
		if pg.History, err = audit.ForEntity(r.Context(), s.DB, "disclosure", d.ID, 50); err != nil {
			return pg, err
		}
	}
	return pg, nil
}

func (s *Server) disclosureShow(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.disclosureFor(r)
	if err != nil {
		return err
	}
	pg, err := s.disclosurePage(r, p, d)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "democracy/disclosure_show", pg)
}

// disclosurePost runs a form of the item's page: a refusal of the input or of the state
// comes back on the page with the message and nothing written.
func (s *Server) disclosurePost(w http.ResponseWriter, r *http.Request, view, anchor string, change func(r *http.Request, p *org.Principal, d democracy.Disclosure) (string, error)) error {
	p, d, err := s.disclosureFor(r)
	if err != nil {
		return err
	}
	msg, err := change(r, p, d)
	if err != nil {
		kind := apperr.KindOf(err)
		if kind != apperr.Invalid && kind != apperr.Conflict {
			return err
		}
		pg, perr := s.disclosurePage(r, p, d)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, err)
		status := http.StatusUnprocessableEntity
		if kind == apperr.Conflict {
			status = http.StatusConflict
		}
		return s.render(w, r, status, view, pg)
	}
	return s.redirect(w, r, democracy.DisclosureLink(d.ID)+anchor, "success", msg)
}

func (s *Server) disclosureTakeDownForm(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.disclosureFor(r)
	if err != nil {
		return err
	}
	if !d.CanManage(p) {
		return apperr.New(apperr.Forbidden, "web.disclosureTakeDown", "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được gỡ nội dung công khai.")
	}
	pg, err := s.disclosurePage(r, p, d)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"taken_down_on": {FormatDate(pg.Today)}}
	return s.render(w, r, http.StatusOK, "democracy/disclosure_takedown", pg)
}

func (s *Server) disclosureTakeDown(w http.ResponseWriter, r *http.Request) error {
	return s.disclosurePost(w, r, "democracy/disclosure_takedown", "", func(r *http.Request, p *org.Principal, d democracy.Disclosure) (string, error) {
		ctx, err := parseForm(w, r)
		if err != nil {
			return "", err
		}
		on, ok := ParseDateVN(r.PostFormValue("taken_down_on"))
		if !ok {
			return "", fieldErr("taken_down_on", "Ngày gỡ không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		if err := s.Disclosures.TakeDown(ctx, p, d.ID, on); err != nil {
			return "", err
		}
		return "Đã ghi nhận gỡ nội dung công khai.", nil
	})
}

func (s *Server) disclosureAsk(w http.ResponseWriter, r *http.Request) error {
	return s.disclosurePost(w, r, "democracy/disclosure_show", "#questions", func(r *http.Request, p *org.Principal, d democracy.Disclosure) (string, error) {
		ctx, err := parseForm(w, r)
		if err != nil {
			return "", err
		}
		if _, err := s.Disclosures.Ask(ctx, p, d.ID, r.PostFormValue("kind"), r.PostFormValue("content")); err != nil {
			return "", err
		}
		return "Đã gửi. Câu trả lời sẽ hiện tại đây và được báo cho bạn.", nil
	})
}

func (s *Server) disclosureAnswer(w http.ResponseWriter, r *http.Request) error {
	qid, err := pathID(r, "qid")
	if err != nil {
		return err
	}
	return s.disclosurePost(w, r, "democracy/disclosure_show", "#questions", func(r *http.Request, p *org.Principal, d democracy.Disclosure) (string, error) {
		ctx, err := parseForm(w, r)
		if err != nil {
			return "", err
		}
		if err := s.Disclosures.Answer(ctx, p, d.ID, qid, r.PostFormValue("answer-"+strconv.FormatInt(qid, 10))); err != nil {
			if apperr.KindOf(err) == apperr.Invalid {
				return "", fieldErr("answer-"+strconv.FormatInt(qid, 10), "Hãy nhập nội dung trả lời.")
			}
			return "", err
		}
		return "Đã trả lời; người hỏi được thông báo.", nil
	})
}
