package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/work"
)

// planRoutes registers the pages and API of the plan domain: governing documents, plans,
// tasks, "Việc của tôi", the responsibility matrix and training.
func (s *Server) planRoutes() {
	s.handle("GET /documents", s.docList)
	s.handle("GET /documents/new", s.docNewForm)
	s.handle("POST /documents/new", s.docSave)
	s.handle("GET /documents/{id}", s.docShow)
	s.handle("GET /documents/{id}/edit", s.docEditForm)
	s.handle("POST /documents/{id}/edit", s.docSave)
	s.handle("POST /documents/{id}/links", s.docLinkAdd)
	s.handle("POST /documents/{id}/links/{lid}/delete", s.docLinkDelete)
	s.handle("POST /documents/{id}/files", s.docFileAdd)

	s.handle("GET /plans", s.planList)
	s.handle("GET /plans/new", s.planNewForm)
	s.handle("POST /plans/new", s.planSave)
	s.handle("GET /plans/compare", s.planCompare)
	s.handle("GET /plans/matrix", s.planMatrix)
	s.handle("GET /plans/{id}", s.planShow)
	s.handle("GET /plans/{id}/edit", s.planEditForm)
	s.handle("POST /plans/{id}/edit", s.planSave)
	s.handle("POST /plans/{id}/targets/{tid}", s.planTargetReport)
	s.handle("GET /plans/{id}/export", s.planExport)
	s.handle("GET /tasks/export.xlsx", s.taskExport)
	s.handle("GET /training/stats.xlsx", s.trainingExport)

	s.taskRoutes()
	s.trainingRoutes()

	s.handle("GET /my-work", s.myWork)
	s.handleAPI("GET /api/v1/me/work", s.apiMyWork)
	s.handleAPI("POST /api/v1/tasks", s.apiTaskCreate)
	s.handleAPI("GET /api/v1/tasks/{id}", s.apiTask)

	s.fileAccess[plan.FileOwnerReport] = func(ctx context.Context, p *org.Principal, id int64) bool {
		return s.Plans.ReportFileAccess(ctx, p, id)
	}
	s.fileAccess["document"] = func(ctx context.Context, p *org.Principal, id int64) bool { return !p.IsZero() }
	s.fileAccess[plan.FileOwnerSession] = func(ctx context.Context, p *org.Principal, id int64) bool {
		_, err := s.Plans.Session(ctx, p, id)
		return err == nil
	}
}

func planCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Kế hoạch & nhiệm vụ", Href: "/plans"}}, extra...)
}

func docCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Kế hoạch & nhiệm vụ", Href: "/plans"}, {Label: "Văn bản chỉ đạo", Href: "/documents"}}, extra...)
}

func atoi(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(s)); return n }

// formDate reads a date field typed dd/mm/yyyy; a malformed one is kept as typed so the
// service reports it.
func formDate(r *http.Request, name string) string {
	raw := r.PostFormValue(name)
	if d, ok := ParseDateVN(raw); ok {
		return d
	}
	return strings.TrimSpace(raw)
}

// ---- Documents ----

type docListPage struct {
	Page
	Docs    []plan.Document
	Next    string
	Kinds   []string
	Kind    string
	Year    string
	InForce string
	CanEdit bool
}

func (s *Server) docList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := plan.DocFilter{Query: q.Get("q"), Kind: q.Get("kind"), Year: atoi(q.Get("year")), InForce: q.Get("in_force"), After: q.Get("after")}
	res, err := s.Plans.FindDocuments(r.Context(), p, f)
	if err != nil {
		return err
	}
	pg := docListPage{Page: s.page(r, "Văn bản chỉ đạo", "plans", docCrumbs()...), Docs: res.Docs, Kinds: plan.DocKinds, Kind: f.Kind, Year: q.Get("year"), InForce: f.InForce,
		CanEdit: p.CanAnywhere(org.ManagePlan)}
	if res.Next != "" {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("after", res.Next)
		pg.Next = "/documents?" + v.Encode()
	}
	return s.render(w, r, http.StatusOK, "plan/docs", pg)
}

type linkKind struct{ Code, Label string }

type docPage struct {
	Page
	Doc     plan.Document
	Plans   []plan.Plan
	Files   []attach.File
	All     []plan.DocRef
	CanEdit bool
	Kinds   []string
	Links   []linkKind
	Units   []org.Unit
}

func (s *Server) docShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.docPageFor(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan/doc", pg)
}

func (s *Server) docPageFor(r *http.Request, p *org.Principal, id int64) (docPage, error) {
	d, err := s.Plans.Document(r.Context(), p, id)
	if err != nil {
		return docPage{}, err
	}
	pg := docPage{Page: s.page(r, d.Label(), "plans", docCrumbs(Crumb{Label: d.Notation})...), Doc: d, CanEdit: plan.CanEditDocument(p, d)}
	for _, k := range plan.LinkKinds {
		pg.Links = append(pg.Links, linkKind{k, plan.LinkLabel(k, false)})
	}
	if pg.Plans, err = s.Plans.FindPlans(r.Context(), p, plan.PlanFilter{DocumentID: id, Limit: 200}); err != nil {
		return pg, err
	}
	if pg.Files, err = s.Files.List(r.Context(), s.DB, "document", id); err != nil {
		return pg, err
	}
	if pg.CanEdit {
		if pg.All, err = s.Plans.AllDocuments(r.Context(), p, 500); err != nil {
			return pg, err
		}
	}
	return pg, nil
}

func (s *Server) docNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.ManagePlan) {
		return apperr.New(apperr.Forbidden, "web.docNew", "Bạn không có quyền đăng ký văn bản.")
	}
	pg := docPage{Page: s.page(r, "Đăng ký văn bản chỉ đạo", "plans", docCrumbs(Crumb{Label: "Đăng ký văn bản"})...), Kinds: plan.DocKinds}
	if pg.Units, err = s.manageUnits(r, p, org.ManagePlan); err != nil {
		return err
	}
	pg.Form = url.Values{"in_force": {"1"}}
	return s.render(w, r, http.StatusOK, "plan/doc_form", pg)
}

func (s *Server) docEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Plans.Document(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !plan.CanEditDocument(p, d) {
		return apperr.New(apperr.Forbidden, "web.docEdit", "Bạn không có quyền sửa văn bản này.")
	}
	pg := docPage{Page: s.page(r, "Sửa văn bản "+d.Notation, "plans", docCrumbs(Crumb{Label: d.Notation, Href: "/documents/" + strconv.FormatInt(id, 10)}, Crumb{Label: "Sửa"})...), Doc: d, Kinds: plan.DocKinds}
	if pg.Units, err = s.manageUnits(r, p, org.ManagePlan); err != nil {
		return err
	}
	inForce := ""
	if d.InForce {
		inForce = "1"
	}
	pg.Form = url.Values{"notation": {d.Notation}, "kind": {d.Kind}, "issuer": {d.Issuer}, "issued_on": {FormatDate(d.IssuedOn)}, "title": {d.Title},
		"summary": {d.Summary}, "in_force": {inForce}, "unit_id": {strconv.FormatInt(d.UnitID, 10)}}
	return s.render(w, r, http.StatusOK, "plan/doc_form", pg)
}

func (s *Server) docSave(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := plan.DocumentInput{Notation: r.PostFormValue("notation"), Kind: r.PostFormValue("kind"), Issuer: r.PostFormValue("issuer"), IssuedOn: formDate(r, "issued_on"),
		Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), InForce: r.PostFormValue("in_force") == "1", UnitID: formInt(r, "unit_id")}
	var d plan.Document
	id := int64(0)
	if r.PathValue("id") != "" {
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
		d, err = s.Plans.UpdateDocument(ctx, p, id, in)
	} else {
		d, err = s.Plans.CreateDocument(ctx, p, in)
	}
	if apperr.KindOf(err) == apperr.Invalid {
		pg := docPage{Page: s.page(r, "Đăng ký văn bản chỉ đạo", "plans", docCrumbs(Crumb{Label: "Đăng ký văn bản"})...), Kinds: plan.DocKinds}
		if id != 0 {
			pg.Doc.ID = id
			pg.Title = "Sửa văn bản"
		}
		var uerr error
		if pg.Units, uerr = s.manageUnits(r, p, org.ManagePlan); uerr != nil {
			return uerr
		}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "plan/doc_form", pg)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/documents/"+strconv.FormatInt(d.ID, 10), "success", "Đã lưu văn bản "+d.Notation+".")
}

func (s *Server) docLinkAdd(w http.ResponseWriter, r *http.Request) error {
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
	err = s.Plans.AddLink(ctx, p, id, formInt(r, "to_id"), r.PostFormValue("kind"))
	return finishForm(s, w, r, err, "plan/doc", func() (docPage, error) { return s.docPageFor(r, p, id) }, "/documents/"+strconv.FormatInt(id, 10), "Đã thêm liên kết.")
}

func (s *Server) docLinkDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	lid, err := pathID(r, "lid")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.Plans.RemoveLink(ctx, p, lid); err != nil {
		return err
	}
	return s.redirect(w, r, "/documents/"+strconv.FormatInt(id, 10), "success", "Đã bỏ liên kết.")
}

func (s *Server) docFileAdd(w http.ResponseWriter, r *http.Request) error {
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
	d, err := s.Plans.Document(ctx, p, id)
	if err != nil {
		return err
	}
	if !plan.CanEditDocument(p, d) {
		return apperr.New(apperr.Forbidden, "web.docFile", "Bạn không có quyền sửa văn bản này.")
	}
	ups, err := uploads(r, "file")
	if err == nil && len(ups) == 0 {
		err = fieldErr("file", "Hãy chọn tệp văn bản (PDF, Word, ảnh).")
	}
	if err == nil {
		err = s.Plans.AttachDocumentFiles(ctx, p, d, ups, s.Files)
	}
	return finishForm(s, w, r, err, "plan/doc", func() (docPage, error) { return s.docPageFor(r, p, id) }, "/documents/"+strconv.FormatInt(id, 10), "Đã đính kèm tệp.")
}

// ---- Plans ----

type planListPage struct {
	Page
	Plans     []plan.Plan
	Year      int
	CanCreate bool
	Docs      []plan.DocRef
	Motto     string
}

func (s *Server) planList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	year := atoi(q.Get("year"))
	if q.Get("year") == "" {
		year = s.DB.Now().In(work.VietnamZone).Year()
	}
	pl, err := s.Plans.FindPlans(r.Context(), p, plan.PlanFilter{Query: q.Get("q"), Year: year, UnitID: formIntQ(q, "unit")})
	if err != nil {
		return err
	}
	pg := planListPage{Page: s.page(r, "Kế hoạch & nhiệm vụ", "plans", Crumb{Label: "Kế hoạch & nhiệm vụ"}), Plans: pl, Year: year, CanCreate: p.CanAnywhere(org.ManagePlan), Motto: plan.Motto}
	if pg.Docs, err = s.Plans.AllDocuments(r.Context(), p, 100); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan/plans", pg)
}

func formIntQ(q url.Values, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(q.Get(name)), 10, 64)
	return n
}

type planFormPage struct {
	Page
	Plan    *plan.Plan
	Units   []org.Unit
	People  []org.Person
	Docs    []plan.DocRef
	Chosen  map[int64]bool
	Targets []int
	Action  string
}

func (s *Server) planFormFor(r *http.Request, p *org.Principal, x *plan.Plan) (planFormPage, error) {
	pg := planFormPage{Page: s.page(r, "Lập kế hoạch", "plans", planCrumbs(Crumb{Label: "Lập kế hoạch"})...), Plan: x, Action: "/plans/new", Chosen: map[int64]bool{}, Targets: []int{0, 1, 2}}
	if x != nil {
		pg.Title = "Sửa kế hoạch"
		pg.Action = "/plans/" + strconv.FormatInt(x.ID, 10) + "/edit"
		pg.Crumbs = planCrumbs(Crumb{Label: x.Title, Href: "/plans/" + strconv.FormatInt(x.ID, 10)}, Crumb{Label: "Sửa"})
	}
	var err error
	if pg.Units, err = s.manageUnits(r, p, org.ManagePlan); err != nil {
		return pg, err
	}
	if pg.People, err = s.draftPeople(r, p, pg.Units); err != nil {
		return pg, err
	}
	if pg.Docs, err = s.Plans.AllDocuments(r.Context(), p, 500); err != nil {
		return pg, err
	}
	for _, v := range r.Form["document_ids"] {
		for _, id := range plan.IDs([]string{v}) {
			pg.Chosen[id] = true
		}
	}
	return pg, nil
}

func (s *Server) planNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.ManagePlan) {
		return apperr.New(apperr.Forbidden, "web.planNew", "Bạn không có quyền lập kế hoạch.")
	}
	_ = r.ParseForm()
	pg, err := s.planFormFor(r, p, nil)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"year": {strconv.Itoa(s.DB.Now().In(work.VietnamZone).Year())}, "place": {"Hà Nội"}, "signer_id": {strconv.FormatInt(p.PersonID, 10)}}
	if d := r.URL.Query().Get("document"); d != "" {
		pg.Form.Set("document_ids", d)
	}
	return s.render(w, r, http.StatusOK, "plan/plan_form", pg)
}

func (s *Server) planEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Plans.Plan(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !plan.CanManagePlan(p, x) {
		return apperr.New(apperr.Forbidden, "web.planEdit", "Bạn không có quyền sửa kế hoạch này.")
	}
	pg, err := s.planFormFor(r, p, &x)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"unit_id": {strconv.FormatInt(x.UnitID, 10)}, "year": {strconv.Itoa(x.Year)}, "kind": {x.Kind}, "number": {x.Number}, "title": {x.Title},
		"summary": {x.Summary}, "signer_id": {strconv.FormatInt(x.SignerID, 10)}, "place": {x.Place}, "issued_on": {FormatDate(x.IssuedOn)}}
	for _, d := range x.Documents {
		pg.Chosen[d.ID] = true
	}
	return s.render(w, r, http.StatusOK, "plan/plan_form", pg)
}

func (s *Server) planSave(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := plan.PlanInput{UnitID: formInt(r, "unit_id"), Year: atoi(r.PostFormValue("year")), Kind: r.PostFormValue("kind"), Number: r.PostFormValue("number"),
		Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), SignerID: formInt(r, "signer_id"), Place: r.PostFormValue("place"),
		IssuedOn: formDate(r, "issued_on"), DocumentIDs: plan.IDs(r.PostForm["document_ids"])}
	for i := 0; i < 10; i++ {
		k := strconv.Itoa(i)
		if _, ok := r.PostForm["target_indicator_"+k]; !ok {
			continue
		}
		in.Targets = append(in.Targets, plan.TargetInput{Indicator: r.PostFormValue("target_indicator_" + k), Value: r.PostFormValue("target_value_" + k), Measure: r.PostFormValue("target_measure_" + k)})
	}
	var x plan.Plan
	var existing *plan.Plan
	if r.PathValue("id") != "" {
		id, perr := pathID(r, "id")
		if perr != nil {
			return perr
		}
		before, perr := s.Plans.Plan(ctx, p, id)
		if perr != nil {
			return perr
		}
		existing = &before
		x, err = s.Plans.UpdatePlan(ctx, p, id, in)
	} else {
		x, err = s.Plans.CreatePlan(ctx, p, in)
	}
	return finishForm(s, w, r, err, "plan/plan_form", func() (planFormPage, error) { return s.planFormFor(r, p, existing) }, "/plans/"+strconv.FormatInt(x.ID, 10), "Đã lưu "+strings.ToLower(x.KindLabel())+" "+x.Title+".")
}

type planPage struct {
	Page
	Plan      plan.Plan
	Tasks     []plan.Task
	Rollup    plan.Rollup
	CanManage bool
	CanAssign bool
	Motto     string
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.planPageFor(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan/plan", pg)
}

func (s *Server) planPageFor(r *http.Request, p *org.Principal, id int64) (planPage, error) {
	x, err := s.Plans.Plan(r.Context(), p, id)
	if err != nil {
		return planPage{}, err
	}
	tasks, roll, err := s.Plans.PlanTasks(r.Context(), p, id)
	if err != nil {
		return planPage{}, err
	}
	return planPage{Page: s.page(r, x.Title, "plans", planCrumbs(Crumb{Label: x.UnitName}, Crumb{Label: x.Title})...), Plan: x, Tasks: tasks, Rollup: roll,
		CanManage: plan.CanManagePlan(p, x), CanAssign: p.CanPath(org.AssignTask, x.UnitPath), Motto: plan.Motto}, nil
}

func (s *Server) planTargetReport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	tid, err := pathID(r, "tid")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	err = s.Plans.ReportTarget(ctx, p, tid, r.PostFormValue("actual"), r.PostFormValue("note"))
	return finishForm(s, w, r, err, "plan/plan", func() (planPage, error) { return s.planPageFor(r, p, id) }, "/plans/"+strconv.FormatInt(id, 10), "Đã cập nhật kết quả chỉ tiêu.")
}

type comparePage struct {
	Page
	Docs     []plan.DocRef
	Doc      *plan.Document
	Year     int
	Kind     string
	Rows     []plan.CompareRow
	Missing  int
	HasPlans int
}

func (s *Server) planCompare(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := comparePage{Page: s.page(r, "So sánh kế hoạch các đơn vị", "plans", planCrumbs(Crumb{Label: "So sánh kế hoạch các đơn vị"})...), Year: atoi(q.Get("year")), Kind: q.Get("kind")}
	if pg.Year == 0 {
		pg.Year = s.DB.Now().In(work.VietnamZone).Year()
	}
	if pg.Kind != string(org.KindCell) {
		pg.Kind = string(org.KindBaseCommittee)
	}
	if pg.Docs, err = s.Plans.AllDocuments(r.Context(), p, 500); err != nil {
		return err
	}
	if docID := formIntQ(q, "document"); docID != 0 {
		d, err := s.Plans.Document(r.Context(), p, docID)
		if err != nil {
			return err
		}
		pg.Doc = &d
		if pg.Rows, err = s.Plans.Compare(r.Context(), p, docID, pg.Year, formIntQ(q, "unit"), org.UnitKind(pg.Kind)); err != nil {
			return err
		}
		for _, row := range pg.Rows {
			if len(row.Plans) == 0 {
				pg.Missing++
			} else {
				pg.HasPlans++
			}
		}
	}
	return s.render(w, r, http.StatusOK, "plan/compare", pg)
}

type matrixPage struct {
	Page
	Units []org.Unit
	Unit  *org.Unit
	Year  int
	Rows  []plan.MatrixRow
	Gaps  int
	Motto string
}

func (s *Server) planMatrix(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := matrixPage{Page: s.page(r, "Ma trận trách nhiệm", "plans", planCrumbs(Crumb{Label: "Ma trận trách nhiệm"})...), Year: atoi(q.Get("year")), Motto: plan.Motto}
	if pg.Year == 0 {
		pg.Year = s.DB.Now().In(work.VietnamZone).Year()
	}
	if pg.Units, err = s.manageUnits(r, p, org.ViewPlan); err != nil {
		return err
	}
	unitID := formIntQ(q, "unit")
	if unitID == 0 && len(pg.Units) > 0 {
		unitID = pg.Units[0].ID
	}
	if unitID != 0 {
		u, err := s.Org.UnitByID(r.Context(), p, unitID)
		if err != nil {
			return err
		}
		pg.Unit = &u
		if pg.Rows, err = s.Plans.Matrix(r.Context(), p, unitID, pg.Year); err != nil {
			return err
		}
		for _, row := range pg.Rows {
			if len(row.Gaps()) > 0 {
				pg.Gaps++
			}
		}
	}
	return s.render(w, r, http.StatusOK, "plan/matrix", pg)
}

// ---- My work ----

// workRow is an item of "Việc của tôi" with its deadline badge.
type workRow struct {
	work.Item
	Badge work.Badge
}

// collectWork gathers the open items of every source, nearest deadline first (no deadline last).
func (s *Server) collectWork(ctx context.Context, p *org.Principal) ([]workRow, error) {
	var items []work.Item
	for _, src := range s.Work {
		its, err := src.OpenWork(ctx, p)
		if err != nil {
			return nil, err
		}
		items = append(items, its...)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].Due, items[j].Due
		if (a == "") != (b == "") {
			return b == ""
		}
		return a < b
	})
	cal := s.Calendar
	if cal == nil {
		cal = calendar.New(nil)
	}
	today := calendar.DateOf(s.DB.Now())
	memo := map[string]int{}
	out := make([]workRow, len(items))
	for i, it := range items {
		row := workRow{Item: it}
		switch {
		case it.Due == "":
			row.Badge = work.MakeBadge("", 0, false, "")
		default:
			n, ok := memo[it.Due]
			if !ok {
				if d, err := calendar.ParseDate(it.Due); err == nil {
					if d.Sub(today) > 60 {
						n = 99
					} else {
						n = cal.WorkingDaysBetween(today, d)
					}
				}
				memo[it.Due] = n
			}
			row.Badge = work.MakeBadge(it.Due, n, false, "")
		}
		if strings.HasPrefix(it.Status, "Chờ nghiệm thu") || strings.HasPrefix(it.Kind, "Nghiệm thu") {
			row.Badge = work.Badge{State: work.DueSoon, Label: "Chờ bạn nghiệm thu"}
		}
		out[i] = row
	}
	return out, nil
}

type myWorkPage struct {
	Page
	Items   []workRow // the current page of the selection
	Total   int       // every open item, whatever the selection
	Overdue int
	DueSoon int
	Kinds   []workFilter // one per kind present, with its count
	States  []workFilter // overdue, due soon
	Kind    string       // selected kind, "" for all
	State   string       // selected state, "" for all
	Shown   int          // items in the selection
	From    int          // 1-based position of the first item on this page
	To      int          // position of the last one
	PrevURL string
	NextURL string
}

// workFilter is one choice above the list of "Việc của tôi", with its count and link.
type workFilter struct {
	Value, Label, URL string
	Count             int
	Current           bool
}

// myWorkPageSize is how many items one page of "Việc của tôi" shows. A person with 500
// open items gets the nearest 50 first and the counts of all; a 500-row table is neither
// readable on a phone nor cheap to render (about 6 ms of html/template per request).
const myWorkPageSize = 50

func (s *Server) myWork(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	items, err := s.collectWork(r.Context(), p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := myWorkPage{Page: s.page(r, "Việc của tôi", "mywork", Crumb{Label: "Việc của tôi"}), Total: len(items),
		Kind: q.Get("kind"), State: q.Get("state")}
	link := func(kind, state string, page int) string {
		v := url.Values{}
		if kind != "" {
			v.Set("kind", kind)
		}
		if state != "" {
			v.Set("state", state)
		}
		if page > 1 {
			v.Set("page", strconv.Itoa(page))
		}
		if len(v) == 0 {
			return "/my-work"
		}
		return "/my-work?" + v.Encode()
	}
	kindCount := map[string]int{}
	var kinds []string
	var sel []workRow
	for _, it := range items {
		switch it.Badge.State {
		case work.Overdue:
			pg.Overdue++
		case work.DueSoon:
			pg.DueSoon++
		}
		if kindCount[it.Kind] == 0 {
			kinds = append(kinds, it.Kind)
		}
		kindCount[it.Kind]++
		if (pg.Kind == "" || it.Kind == pg.Kind) && (pg.State == "" || string(it.Badge.State) == pg.State) {
			sel = append(sel, it)
		}
	}
	if len(kinds) > 1 {
		pg.Kinds = append(pg.Kinds, workFilter{Label: "Tất cả", Count: len(items), URL: link("", pg.State, 1), Current: pg.Kind == ""})
		for _, k := range kinds {
			pg.Kinds = append(pg.Kinds, workFilter{Value: k, Label: k, Count: kindCount[k], URL: link(k, pg.State, 1), Current: pg.Kind == k})
		}
	}
	for _, st := range []struct {
		state work.State
		label string
		n     int
	}{{work.Overdue, "Quá hạn", pg.Overdue}, {work.DueSoon, "Sắp đến hạn", pg.DueSoon}} {
		if st.n > 0 || pg.State == string(st.state) {
			cur := pg.State == string(st.state)
			u := link(pg.Kind, string(st.state), 1)
			if cur {
				u = link(pg.Kind, "", 1) // a second click lifts the filter
			}
			pg.States = append(pg.States, workFilter{Value: string(st.state), Label: st.label, Count: st.n, URL: u, Current: cur})
		}
	}
	pg.Shown = len(sel)
	page, _ := strconv.Atoi(q.Get("page"))
	last := (len(sel) + myWorkPageSize - 1) / myWorkPageSize
	if page < 1 || page > last {
		page = 1
	}
	start := (page - 1) * myWorkPageSize
	end := min(start+myWorkPageSize, len(sel))
	pg.Items, pg.From, pg.To = sel[start:end], start+1, end
	if page > 1 {
		pg.PrevURL = link(pg.Kind, pg.State, page-1)
	}
	if page < last {
		pg.NextURL = link(pg.Kind, pg.State, page+1)
	}
	return s.render(w, r, http.StatusOK, "plan/mywork", pg)
}

// WorkJSON is an open item in the API.
type WorkJSON struct {
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	Link       string `json:"link"`
	Unit       string `json:"unit"`
	Due        string `json:"due,omitempty"`
	Status     string `json:"status"`
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
}

func (s *Server) apiMyWork(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	items, err := s.collectWork(r.Context(), p)
	if err != nil {
		return err
	}
	out := make([]WorkJSON, 0, len(items))
	for _, it := range items {
		out = append(out, WorkJSON{Kind: it.Kind, Title: it.Title, Link: it.Link, Unit: it.Unit, Due: it.Due, Status: it.Status, State: string(it.Badge.State), StateLabel: it.Badge.Label})
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "count": len(out)})
	return nil
}

// planExport sends the plan as an official Party document: ?format=docx, pdf, or the
// print page.
func (s *Server) planExport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := s.Plans.Plan(r.Context(), p, id)
	if err != nil {
		return err
	}
	tasks, _, err := s.Plans.PlanTasks(r.Context(), p, id)
	if err != nil {
		return err
	}
	u, err := org.GetUnit(r.Context(), s.DB, x.UnitID)
	if err != nil {
		return err
	}
	upper := ""
	ancestors, err := s.Org.Ancestors(r.Context(), u)
	if err != nil {
		return err
	}
	for i := len(ancestors) - 1; i >= 0; i-- {
		if k := ancestors[i].Kind; k == org.KindUpperCommittee || k == org.KindBaseCommittee || k == org.KindPartCommittee {
			upper = ancestors[i].Name
			break
		}
	}
	name := x.KindLabel() + " " + strings.ReplaceAll(x.Number, "/", "-")
	if x.Number == "" {
		name = x.KindLabel() + " " + strconv.Itoa(x.Year)
	}
	return s.sendDocument(w, r, r.URL.Query().Get("format"), name, plan.PlanDocument(x, tasks, u, upper))
}

// taskExport sends the task list (same filters as /tasks) as .xlsx.
func (s *Server) taskExport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ts, err := s.Plans.FindTasks(r.Context(), p, plan.TaskFilter{Query: q.Get("q"), Status: q.Get("status"), Mine: q.Get("mine") == "1", UnitID: formIntQ(q, "unit"), Limit: 1000})
	if err != nil {
		return err
	}
	return s.sendSheets(w, r, "Danh sách nhiệm vụ", plan.TaskSheet(ts))
}

// trainingExport sends the per-unit training statistics of ?year= as .xlsx.
func (s *Server) trainingExport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	year := atoi(r.URL.Query().Get("year"))
	stats, err := s.Plans.TrainingStats(r.Context(), p, year)
	if err != nil {
		return err
	}
	return s.sendSheets(w, r, "Thống kê quán triệt, tập huấn", plan.TrainingSheet(stats, year))
}
