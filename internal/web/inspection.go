package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/inspection"
	"danvan/internal/org"
	"danvan/internal/work"
)

// The pages of inspection and supervision (kiểm tra, giám sát): the programmes of a year,
// a programme with its items and rounds, the round form (decision, team, dates), the
// round's page (targets, self-reports, findings, recommendations followed through their
// tasks, carry-over, close) and the conclusion form. The rules are internal/inspection's;
// these handlers read forms and show refusals under the fields.
func (s *Server) inspectionRoutes() {
	s.handle("GET /inspections", s.inspectionList)
	s.handle("GET /inspections/new", s.programmeNewForm)
	s.handle("POST /inspections/new", s.programmeCreate)
	s.handle("GET /inspections/programmes/{id}", s.programmeShow)
	s.handle("POST /inspections/programmes/{id}/approve", s.programmeApprove)
	s.handle("GET /inspections/programmes/{id}/programme.docx", s.programmeExport)
	s.handle("GET /inspections/programmes/{id}/rounds/new", s.inspRoundNewForm)
	s.handle("POST /inspections/programmes/{id}/rounds/new", s.inspRoundCreate)
	s.handle("GET /inspections/rounds/{id}", s.inspectionRoundShow)
	s.handle("POST /inspections/rounds/{id}/self-report", s.inspRoundSelfReport)
	s.handle("POST /inspections/rounds/{id}/findings", s.inspRoundFinding)
	s.handle("GET /inspections/rounds/{id}/conclude", s.concludeForm)
	s.handle("POST /inspections/rounds/{id}/conclude", s.concludeCreate)
	s.handle("POST /inspections/rounds/{id}/recommendations/{rid}/carry-over", s.inspRoundCarryOver)
	s.handle("GET /inspections/rounds/{id}/close", s.inspRoundCloseForm)
	s.handle("POST /inspections/rounds/{id}/close", s.inspRoundClose)
	s.handle("GET /inspections/rounds/{id}/conclusion.docx", func(w http.ResponseWriter, r *http.Request) error { return s.conclusionExport(w, r, "docx") })
	s.handle("GET /inspections/rounds/{id}/conclusion.pdf", func(w http.ResponseWriter, r *http.Request) error { return s.conclusionExport(w, r, "pdf") })
	s.handleAPI("GET /api/v1/inspections", s.apiInspections)
	s.handleAPI("GET /api/v1/inspections/{id}", s.apiInspection)
	s.fileAccess[inspection.SelfReportOwner] = func(ctx context.Context, p *org.Principal, id int64) bool {
		return s.Inspections.CanSeeSelfReport(ctx, p, id)
	}
}

func inspectionCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Kiểm tra, giám sát", Href: "/inspections"}}, extra...)
}

// programmeLink and inspRoundLink are the records' addresses.
func programmeLink(id int64) string { return "/inspections/programmes/" + strconv.FormatInt(id, 10) }
func inspRoundLink(id int64) string { return "/inspections/rounds/" + strconv.FormatInt(id, 10) }

// currentYear is the year of today in Vietnam (the database clock, which tests move).
func (s *Server) currentYear() int {
	y, _ := strconv.Atoi(work.Today(s.DB.Now())[:4])
	return y
}

type inspectionListPage struct {
	Page
	Year       int
	Years      []int
	Programmes []inspection.Programme
	About      []inspection.RoundSummary
	CanCreate  bool
}

func (s *Server) inspectionList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	year := atoi(r.URL.Query().Get("year"))
	now := s.currentYear()
	if year < 2000 || year > 2100 {
		year = now
	}
	pg := inspectionListPage{Page: s.page(r, "Kiểm tra, giám sát", "inspections", Crumb{Label: "Kiểm tra, giám sát"}), Year: year, CanCreate: p.CanAnywhere(org.ManageInspection)}
	for y := now + 1; y >= now-4; y-- {
		pg.Years = append(pg.Years, y)
	}
	if pg.Programmes, err = s.Inspections.Programmes(r.Context(), p, year); err != nil {
		return err
	}
	if pg.About, err = s.Inspections.RoundsAbout(r.Context(), p, year); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "inspection/list", pg)
}

// itemRows is how many item lines the programme form offers; blank lines are skipped.
const itemRows = 4

type programmeFormPage struct {
	Page
	Committees []inspection.UnitRef
	Targets    []inspection.UnitRef
	People     []inspection.PersonChoice
	Topics     []inspection.Topic
	Kinds      []string
	Rows       []int
	Months     []int
}

// KindLabel names an item kind.
func (programmeFormPage) KindLabel(k string) string { return inspection.KindLabel(k) }

// Field names line n's field.
func (programmeFormPage) Field(n int, name string) string { return fmt.Sprintf("item-%d-%s", n, name) }

// Has says whether value v is among line n's values of a multi-valued field.
func (pg programmeFormPage) Has(n int, name string, v any) bool {
	for _, x := range pg.Form[fmt.Sprintf("item-%d-%s", n, name)] {
		if x == fmt.Sprint(v) {
			return true
		}
	}
	return false
}

func (s *Server) programmeFormPage(r *http.Request, p *org.Principal) (programmeFormPage, error) {
	ctx := r.Context()
	pg := programmeFormPage{Page: s.page(r, "Lập chương trình kiểm tra, giám sát", "inspections", inspectionCrumbs(Crumb{Label: "Lập chương trình"})...),
		Kinds: inspection.Kinds, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
	for i := 1; i <= itemRows; i++ {
		pg.Rows = append(pg.Rows, i)
	}
	var err error
	if pg.Committees, err = s.Inspections.Committees(ctx, p); err != nil {
		return pg, err
	}
	if len(pg.Committees) == 0 {
		return pg, apperr.New(apperr.Forbidden, "web.programmeForm", "Chỉ cán bộ cơ quan cấp ủy và cán bộ kiểm tra, giám sát lập chương trình kiểm tra, giám sát.")
	}
	c := pg.Committees[0]
	if id := formInt(r, "unit_id"); id != 0 {
		for _, x := range pg.Committees {
			if x.ID == id {
				c = x
			}
		}
	}
	if pg.Targets, err = s.Inspections.Subordinates(ctx, c.ID); err != nil {
		return pg, err
	}
	if pg.People, err = s.Inspections.PeopleUnder(ctx, c.Path, 1000); err != nil {
		return pg, err
	}
	pg.Topics, err = s.Inspections.Topics(ctx)
	return pg, err
}

func (s *Server) programmeNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.programmeFormPage(r, p)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"unit_id": {strconv.FormatInt(pg.Committees[0].ID, 10)}, "year": {strconv.Itoa(s.currentYear())}, "item-1-kind": {inspection.KindInspect}}
	if id := r.URL.Query().Get("unit_id"); id != "" {
		pg.Form.Set("unit_id", id)
	}
	return s.render(w, r, http.StatusOK, "inspection/programme_form", pg)
}

// programmeInput reads the form; a line is taken when any of its fields is filled, so a
// half-filled line is refused with what it lacks rather than dropped.
func programmeInput(r *http.Request) inspection.ProgrammeInput {
	in := inspection.ProgrammeInput{UnitID: formInt(r, "unit_id"), Year: atoi(r.PostFormValue("year")), Title: r.PostFormValue("title")}
	for n := 1; n <= itemRows; n++ {
		f := func(name string) string { return fmt.Sprintf("item-%d-%s", n, name) }
		it := inspection.ItemInput{Kind: r.PostFormValue(f("kind")), TopicID: formInt(r, f("topic")), LeadID: formInt(r, f("lead"))}
		for _, m := range r.PostForm[f("months")] {
			if v, err := strconv.Atoi(m); err == nil {
				it.Months = append(it.Months, v)
			}
		}
		for _, t := range r.PostForm[f("targets")] {
			if v, err := strconv.ParseInt(t, 10, 64); err == nil {
				it.TargetIDs = append(it.TargetIDs, v)
			}
		}
		if it.TopicID == 0 && it.LeadID == 0 && len(it.Months) == 0 && len(it.TargetIDs) == 0 {
			continue
		}
		in.Items = append(in.Items, it)
	}
	return in
}

func (s *Server) programmeCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.programmeFormPage(r, p)
	if err != nil {
		return err
	}
	id, err := s.Inspections.CreateProgramme(ctx, p, programmeInput(r))
	if apperr.KindOf(err) == apperr.Conflict {
		err = fieldErr("year", apperr.MessageOf(err))
	}
	return finishForm(s, w, r, err, "inspection/programme_form", builtPage(pg), programmeLink(id), "Đã lập chương trình kiểm tra, giám sát. Hãy trình phê duyệt trước khi tổ chức các đoàn.")
}

type programmeShowPage struct {
	Page
	P         inspection.Programme
	CanManage bool
	History   []audit.Row
}

func (s *Server) programmeFor(r *http.Request) (*org.Principal, inspection.Programme, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, inspection.Programme{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, inspection.Programme{}, err
	}
	pr, err := s.Inspections.Programme(r.Context(), p, id)
	return p, pr, err
}

func (s *Server) programmeShow(w http.ResponseWriter, r *http.Request) error {
	p, pr, err := s.programmeFor(r)
	if err != nil {
		return err
	}
	pg := programmeShowPage{Page: s.page(r, pr.Title, "inspections", inspectionCrumbs(Crumb{Label: pr.UnitName + " — năm " + strconv.Itoa(pr.Year)})...), P: pr,
		CanManage: p.CanPath(org.ManageInspection, pr.UnitPath)}
	if pg.History, err = audit.ForEntity(r.Context(), s.DB, "inspection_programme", pr.ID, 50); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "inspection/programme_show", pg)
}

func (s *Server) programmeApprove(w http.ResponseWriter, r *http.Request) error {
	p, pr, err := s.programmeFor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.Inspections.ApproveProgramme(ctx, p, pr.ID); err != nil {
		if apperr.KindOf(err) == apperr.Conflict {
			return s.redirect(w, r, programmeLink(pr.ID), "error", apperr.MessageOf(err))
		}
		return err
	}
	return s.redirect(w, r, programmeLink(pr.ID), "success", "Đã phê duyệt chương trình. Có thể thành lập các đoàn kiểm tra, giám sát theo từng nội dung.")
}

type inspRoundFormPage struct {
	Page
	P      inspection.Programme
	People []inspection.PersonChoice
}

// MemberChecked says whether a person is ticked in the team.
func (pg inspRoundFormPage) MemberChecked(id int64) bool {
	for _, v := range pg.Form["member_ids"] {
		if v == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}

func (s *Server) inspRoundFormPage(r *http.Request) (*org.Principal, inspRoundFormPage, error) {
	p, pr, err := s.programmeFor(r)
	if err != nil {
		return nil, inspRoundFormPage{}, err
	}
	if !p.CanPath(org.ManageInspection, pr.UnitPath) {
		return nil, inspRoundFormPage{}, apperr.New(apperr.Forbidden, "web.roundForm", "Bạn không có quyền tổ chức đoàn kiểm tra, giám sát của cấp ủy này.")
	}
	if !pr.Approved() {
		return nil, inspRoundFormPage{}, apperr.New(apperr.Conflict, "web.roundForm", "Chương trình chưa được phê duyệt: chưa thể thành lập đoàn.")
	}
	pg := inspRoundFormPage{Page: s.page(r, "Thành lập đoàn kiểm tra, giám sát", "inspections",
		inspectionCrumbs(Crumb{Label: pr.UnitName + " — năm " + strconv.Itoa(pr.Year), Href: programmeLink(pr.ID)}, Crumb{Label: "Thành lập đoàn"})...), P: pr}
	if pg.People, err = s.Inspections.PeopleUnder(r.Context(), pr.UnitPath, 1000); err != nil {
		return nil, pg, err
	}
	return p, pg, nil
}

func (s *Server) inspRoundNewForm(w http.ResponseWriter, r *http.Request) error {
	_, pg, err := s.inspRoundFormPage(r)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"item_id": {r.URL.Query().Get("item")}}
	return s.render(w, r, http.StatusOK, "inspection/round_form", pg)
}

// inspRoundInput reads the round's form. Dates are typed dd/mm/yyyy; one that is not a date
// is refused here, and the domain refuses a date outside the programme's year.
func inspRoundInput(r *http.Request) (inspection.RoundInput, error) {
	in := inspection.RoundInput{ItemID: formInt(r, "item_id"), DecisionNo: r.PostFormValue("decision_no"), HeadID: formInt(r, "head_id")}
	for _, m := range r.PostForm["member_ids"] {
		if v, err := strconv.ParseInt(m, 10, 64); err == nil {
			in.MemberIDs = append(in.MemberIDs, v)
		}
	}
	v := apperr.Validation{Op: "web.inspRoundInput"}
	for _, d := range []struct {
		field string
		dst   *string
		what  string
	}{{"decision_on", &in.DecisionOn, "Ngày quyết định"}, {"starts_on", &in.StartsOn, "Ngày bắt đầu"}, {"ends_on", &in.EndsOn, "Ngày kết thúc"}, {"report_due", &in.ReportDue, "Hạn báo cáo tự kiểm tra"}} {
		val, ok := ParseDateVN(r.PostFormValue(d.field))
		if !ok || val == "" {
			v.Add(d.field, d.what+" không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		*d.dst = val
	}
	return in, v.Err()
}

func (s *Server) inspRoundCreate(w http.ResponseWriter, r *http.Request) error {
	p, pg, err := s.inspRoundFormPage(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	var id int64
	in, err := inspRoundInput(r)
	if err == nil {
		// The item must be one of this programme's: another programme's item is refused
		// under the field rather than opened under the wrong programme.
		found := false
		for _, it := range pg.P.Items {
			found = found || it.ID == in.ItemID
		}
		if !found {
			err = fieldErr("item_id", "Hãy chọn một nội dung của chương trình.")
		}
	}
	if err == nil {
		id, err = s.Inspections.OpenRound(ctx, p, in)
		if apperr.KindOf(err) == apperr.Conflict {
			err = fieldErr("decision_no", apperr.MessageOf(err))
		}
	}
	return finishForm(s, w, r, err, "inspection/round_form", builtPage(pg), inspRoundLink(id), "Đã thành lập đoàn kiểm tra, giám sát. Các đơn vị được kiểm tra gửi báo cáo tự kiểm tra trước ngày làm việc của đoàn.")
}

type inspRoundShowPage struct {
	Page
	D       inspection.RoundDetail
	Topics  []inspection.Topic
	Files   map[int64][]attach.File // self-report id → files
	History []audit.Row
}

func (s *Server) inspRoundFor(r *http.Request) (*org.Principal, inspection.RoundDetail, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, inspection.RoundDetail{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, inspection.RoundDetail{}, err
	}
	d, err := s.Inspections.Detail(r.Context(), p, id)
	return p, d, err
}

func (s *Server) inspRoundPage(r *http.Request, d inspection.RoundDetail) (inspRoundShowPage, error) {
	title := "Đoàn kiểm tra, giám sát theo Quyết định " + d.DecisionNo
	pg := inspRoundShowPage{Page: s.page(r, title, "inspections", inspectionCrumbs(Crumb{Label: d.UnitName + " — năm " + strconv.Itoa(d.Year), Href: programmeLink(d.ProgrammeID)},
		Crumb{Label: "Quyết định " + d.DecisionNo})...), D: d, Files: map[int64][]attach.File{}}
	var err error
	if pg.Topics, err = s.Inspections.Topics(r.Context()); err != nil {
		return pg, err
	}
	for _, t := range d.Targets {
		if t.Report != nil {
			fs, err := s.Files.List(r.Context(), s.DB, inspection.SelfReportOwner, t.Report.ID)
			if err != nil {
				return pg, err
			}
			pg.Files[t.Report.ID] = fs
		}
	}
	// Those who read only their own part do not read the round's history: it names the
	// other targets' findings.
	if d.All {
		if pg.History, err = audit.ForEntity(r.Context(), s.DB, "inspection_round", d.ID, 50); err != nil {
			return pg, err
		}
	}
	return pg, nil
}

func (s *Server) inspectionRoundShow(w http.ResponseWriter, r *http.Request) error {
	_, d, err := s.inspRoundFor(r)
	if err != nil {
		return err
	}
	pg, err := s.inspRoundPage(r, d)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "inspection/round_show", pg)
}

// inspRoundPost runs a form of the round's page: a refusal of the input or of the state comes
// back on the page with the message, nothing written.
func (s *Server) inspRoundPost(w http.ResponseWriter, r *http.Request, anchor string, change func(ctx context.Context, p *org.Principal, d inspection.RoundDetail) (string, error)) error {
	p, d, err := s.inspRoundFor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	msg, err := change(ctx, p, d)
	if err != nil {
		kind := apperr.KindOf(err)
		if kind != apperr.Invalid && kind != apperr.Conflict {
			return err
		}
		pg, perr := s.inspRoundPage(r, d)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, err)
		status := http.StatusUnprocessableEntity
		if kind == apperr.Conflict {
			status = http.StatusConflict
		}
		return s.render(w, r, status, "inspection/round_show", pg)
	}
	return s.redirect(w, r, inspRoundLink(d.ID)+anchor, "success", msg)
}

func (s *Server) inspRoundSelfReport(w http.ResponseWriter, r *http.Request) error {
	return s.inspRoundPost(w, r, "#targets", func(ctx context.Context, p *org.Principal, d inspection.RoundDetail) (string, error) {
		unitID := formInt(r, "unit_id")
		field := "report-" + strconv.FormatInt(unitID, 10)
		ups, err := s.uploads(r, field+"-file", inspection.SelfReportOwner)
		if err != nil {
			return "", err
		}
		in := inspection.SelfReportInput{UnitID: unitID, Body: r.PostFormValue(field), HasFiles: ups != nil && len(r.MultipartForm.File[field+"-file"]) > 0, Attach: ups}
		if err := s.Inspections.SubmitSelfReport(ctx, p, d.ID, in); err != nil {
			if apperr.KindOf(err) == apperr.Invalid {
				return "", fieldErr(field, apperr.FieldsOf(err)["body"])
			}
			return "", err
		}
		return "Đã gửi báo cáo tự kiểm tra cho đoàn.", nil
	})
}

func (s *Server) inspRoundFinding(w http.ResponseWriter, r *http.Request) error {
	return s.inspRoundPost(w, r, "#findings", func(ctx context.Context, p *org.Principal, d inspection.RoundDetail) (string, error) {
		_, err := s.Inspections.AddFinding(ctx, p, d.ID, inspection.Finding{TargetID: formInt(r, "target_id"), TopicID: formInt(r, "topic_id"), Content: r.PostFormValue("content")})
		if err != nil {
			return "", err
		}
		return "Đã ghi nhận kết quả kiểm tra, giám sát.", nil
	})
}

func (s *Server) inspRoundCarryOver(w http.ResponseWriter, r *http.Request) error {
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	return s.inspRoundPost(w, r, "#recommendations", func(ctx context.Context, p *org.Principal, d inspection.RoundDetail) (string, error) {
		found := false
		for _, rc := range d.Recommendations() {
			found = found || rc.ID == rid
		}
		if !found {
			return "", errNotFound
		}
		field := "carry-" + strconv.FormatInt(rid, 10)
		if err := s.Inspections.CarryOver(ctx, p, rid, r.PostFormValue(field)); err != nil {
			if apperr.KindOf(err) == apperr.Invalid {
				return "", fieldErr(field, apperr.FieldsOf(err)["reason"])
			}
			return "", err
		}
		return "Đã chuyển kiến nghị sang kỳ sau.", nil
	})
}

type inspRoundClosePage struct {
	Page
	D inspection.RoundDetail
}

func (s *Server) inspRoundCloseForm(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.inspRoundFor(r)
	if err != nil {
		return err
	}
	if !p.CanPath(org.ManageInspection, d.UnitPath) {
		return apperr.New(apperr.Forbidden, "web.inspRoundClose", "Bạn không có quyền kết thúc đoàn kiểm tra, giám sát này.")
	}
	pg := inspRoundClosePage{Page: s.page(r, "Kết thúc đoàn kiểm tra, giám sát", "inspections", inspectionCrumbs(Crumb{Label: "Quyết định " + d.DecisionNo, Href: inspRoundLink(d.ID)}, Crumb{Label: "Kết thúc đoàn"})...), D: d}
	return s.render(w, r, http.StatusOK, "inspection/round_close", pg)
}

func (s *Server) inspRoundClose(w http.ResponseWriter, r *http.Request) error {
	p, d, err := s.inspRoundFor(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.Inspections.Close(ctx, p, d.ID); err != nil {
		if apperr.KindOf(err) != apperr.Conflict {
			return err
		}
		// The refusal is shown on the confirmation page, with the open recommendations
		// listed on it: nothing is written.
		pg := inspRoundClosePage{Page: s.page(r, "Kết thúc đoàn kiểm tra, giám sát", "inspections", inspectionCrumbs(Crumb{Label: "Quyết định " + d.DecisionNo, Href: inspRoundLink(d.ID)}, Crumb{Label: "Kết thúc đoàn"})...), D: d}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusConflict, "inspection/round_close", pg)
	}
	return s.redirect(w, r, inspRoundLink(d.ID), "success", "Đã kết thúc đoàn kiểm tra, giám sát.")
}

// recRows is how many recommendation lines the conclusion form offers.
const recRows = 5

type concludeFormPage struct {
	Page
	D     inspection.RoundDetail
	Rows  []int
	Leads map[int64][]inspection.PersonChoice // target → its people
}

// Field names line n's field.
func (concludeFormPage) Field(n int, name string) string { return fmt.Sprintf("rec-%d-%s", n, name) }

func (s *Server) concludePage(r *http.Request) (*org.Principal, concludeFormPage, error) {
	p, d, err := s.inspRoundFor(r)
	if err != nil {
		return nil, concludeFormPage{}, err
	}
	if !p.CanPath(org.ManageInspection, d.UnitPath) {
		return nil, concludeFormPage{}, apperr.New(apperr.Forbidden, "web.conclude", "Bạn không có quyền ban hành thông báo kết luận của đoàn này.")
	}
	if d.Status != "open" {
		return nil, concludeFormPage{}, apperr.New(apperr.Conflict, "web.conclude", "Đoàn đã có thông báo kết luận.")
	}
	pg := concludeFormPage{Page: s.page(r, "Thông báo kết luận", "inspections", inspectionCrumbs(Crumb{Label: "Quyết định " + d.DecisionNo, Href: inspRoundLink(d.ID)}, Crumb{Label: "Thông báo kết luận"})...),
		D: d, Leads: map[int64][]inspection.PersonChoice{}}
	for i := 1; i <= recRows; i++ {
		pg.Rows = append(pg.Rows, i)
	}
	for _, t := range d.Targets {
		if pg.Leads[t.ID], err = s.Inspections.PeopleUnder(r.Context(), t.Path, 500); err != nil {
			return nil, pg, err
		}
	}
	return p, pg, nil
}

func (s *Server) concludeForm(w http.ResponseWriter, r *http.Request) error {
	_, pg, err := s.concludePage(r)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"issued_on": {FormatDate(work.Today(s.DB.Now()))}}
	for i := 1; i <= recRows; i++ {
		pg.Form.Set(fmt.Sprintf("rec-%d-days", i), "20")
	}
	return s.render(w, r, http.StatusOK, "inspection/conclude_form", pg)
}

// conclusionInput reads the conclusion; a recommendation line counts when its content or
// its person answerable is filled, so a line with content and no person is refused.
func conclusionInput(r *http.Request) (inspection.ConclusionInput, error) {
	in := inspection.ConclusionInput{Number: r.PostFormValue("number"), Text: r.PostFormValue("text"), Referral: r.PostFormValue("referral")}
	var ok bool
	if in.IssuedOn, ok = ParseDateVN(r.PostFormValue("issued_on")); !ok || in.IssuedOn == "" {
		return in, fieldErr("issued_on", "Ngày ban hành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
	}
	for n := 1; n <= recRows; n++ {
		f := func(name string) string { return fmt.Sprintf("rec-%d-%s", n, name) }
		rc := inspection.RecommendationInput{TargetID: formInt(r, f("target")), Content: strings.TrimSpace(r.PostFormValue(f("content"))), LeadID: formInt(r, f("lead")), DueDays: atoi(r.PostFormValue(f("days")))}
		if rc.Content == "" && rc.LeadID == 0 {
			continue
		}
		in.Recommendations = append(in.Recommendations, rc)
	}
	return in, nil
}

func (s *Server) concludeCreate(w http.ResponseWriter, r *http.Request) error {
	p, pg, err := s.concludePage(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in, err := conclusionInput(r)
	if err == nil {
		// A person answerable picked from another target's list is refused here: the
		// recommendation's task would otherwise go to a person outside its unit.
		for i, rc := range in.Recommendations {
			if rc.LeadID == 0 {
				continue
			}
			ok := false
			for _, c := range pg.Leads[rc.TargetID] {
				ok = ok || c.ID == rc.LeadID
			}
			if !ok {
				err = fieldErr("recommendations", fmt.Sprintf("Kiến nghị %d: người chịu trách nhiệm phải thuộc đơn vị được kiến nghị.", i+1))
				break
			}
		}
	}
	if err == nil {
		err = s.Inspections.Conclude(ctx, p, pg.D.ID, in)
	}
	return finishForm(s, w, r, err, "inspection/conclude_form", builtPage(pg), inspRoundLink(pg.D.ID),
		"Đã ban hành thông báo kết luận. Mỗi kiến nghị đã thành nhiệm vụ của đơn vị, có người chịu trách nhiệm và thời hạn.")
}

// apiProgramme is a programme in the JSON API.
type apiProgramme struct {
	ID         int64     `json:"id"`
	UnitID     int64     `json:"unit_id"`
	UnitName   string    `json:"unit_name"`
	Year       int       `json:"year"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	ApprovedOn string    `json:"approved_on,omitempty"`
	Items      []apiItem `json:"items,omitempty"`
	ItemCount  int       `json:"item_count"`
	RoundCount int       `json:"round_count"`
	URL        string    `json:"url"`
}

type apiItem struct {
	Seq     int        `json:"seq"`
	Kind    string     `json:"kind"`
	Topic   string     `json:"topic"`
	Months  []int      `json:"months"`
	Lead    string     `json:"lead"`
	Targets []apiUnit  `json:"targets"`
	Rounds  []apiRound `json:"rounds"`
}

type apiUnit struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiRound struct {
	ID           int64  `json:"id"`
	DecisionNo   string `json:"decision_no"`
	DecisionOn   string `json:"decision_on"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
	Status       string `json:"status"`
	ConclusionNo string `json:"conclusion_no,omitempty"`
	URL          string `json:"url"`
}

func toAPIProgramme(pr inspection.Programme) apiProgramme {
	out := apiProgramme{ID: pr.ID, UnitID: pr.UnitID, UnitName: pr.UnitName, Year: pr.Year, Title: pr.Title, Status: pr.Status, ApprovedOn: pr.ApprovedOn,
		ItemCount: pr.ItemCount, RoundCount: pr.RoundCount, URL: programmeLink(pr.ID)}
	for _, it := range pr.Items {
		ai := apiItem{Seq: it.Seq, Kind: it.Kind, Topic: it.TopicName, Months: it.Months, Lead: it.LeadName, Targets: []apiUnit{}, Rounds: []apiRound{}}
		for _, t := range it.Targets {
			ai.Targets = append(ai.Targets, apiUnit{ID: t.ID, Name: t.Name})
		}
		for _, r := range it.Rounds {
			ai.Rounds = append(ai.Rounds, apiRound{ID: r.ID, DecisionNo: r.DecisionNo, DecisionOn: r.DecisionOn, StartsOn: r.StartsOn, EndsOn: r.EndsOn, Status: r.Status, ConclusionNo: r.ConclusionNo, URL: inspRoundLink(r.ID)})
		}
		out.Items = append(out.Items, ai)
	}
	return out
}

// apiInspections lists the programmes of a year (default: this year) in the caller's reach.
func (s *Server) apiInspections(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	year := s.currentYear()
	if v := r.URL.Query().Get("year"); v != "" {
		if year, err = strconv.Atoi(v); err != nil || year < 2000 || year > 2100 {
			return apperr.New(apperr.Invalid, "api.inspections", "Tham số year không hợp lệ: cần một năm dạng YYYY.")
		}
	}
	list, err := s.Inspections.Programmes(r.Context(), p, year)
	if err != nil {
		return err
	}
	out := make([]apiProgramme, 0, len(list))
	for _, pr := range list {
		out = append(out, toAPIProgramme(pr))
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "programmes": out})
	return nil
}

// apiInspection is one programme with its items, targets and rounds.
func (s *Server) apiInspection(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "api.inspection", "Không tìm thấy chương trình kiểm tra, giám sát.")
	}
	pr, err := s.Inspections.Programme(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPIProgramme(pr))
	return nil
}
