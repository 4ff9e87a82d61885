package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/work"
)

func (s *Server) trainingRoutes() {
	s.handle("GET /training", s.trainingList)
	s.handle("GET /training/new", s.trainingNewForm)
	s.handle("POST /training/new", s.trainingCreate)
	s.handle("GET /training/{id}", s.trainingShow)
	s.handle("POST /training/{id}/attendance", s.trainingAttendance)
	s.handle("POST /training/{id}/files", s.trainingFiles)
}

// trainingFiles attaches materials (tài liệu) to a session.
func (s *Server) trainingFiles(w http.ResponseWriter, r *http.Request) error {
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
	ups, err := uploads(r, "file")
	if err == nil { // no file is refused by the service, after its rights check
		err = s.Plans.AttachSessionFiles(ctx, p, id, ups, s.Files)
	}
	return finishForm(s, w, r, err, "plan/session", func() (sessionPage, error) { return s.sessionPageFor(r, p, id) }, "/training/"+strconv.FormatInt(id, 10), "Đã đính kèm tài liệu.")
}

type trainingListPage struct {
	Page
	Sessions  []plan.Session
	Stats     []plan.UnitStat
	Year      int
	Docs      []plan.DocRef
	Units     []org.Unit
	Doc       *plan.Document
	Unit      *org.Unit
	Missing   []plan.Attendee
	CanCreate bool
}

func (s *Server) trainingList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg := trainingListPage{Page: s.page(r, "Quán triệt, tập huấn, bồi dưỡng", "plans", planCrumbs(Crumb{Label: "Quán triệt, tập huấn"})...), Year: atoi(q.Get("year")), CanCreate: p.CanAnywhere(org.ManagePlan)}
	if q.Get("year") == "" {
		pg.Year = s.DB.Now().In(work.VietnamZone).Year()
	}
	if pg.Sessions, err = s.Plans.FindSessions(r.Context(), p, plan.SessionFilter{Year: pg.Year}); err != nil {
		return err
	}
	if pg.Stats, err = s.Plans.TrainingStats(r.Context(), p, pg.Year); err != nil {
		return err
	}
	if pg.Docs, err = s.Plans.AllDocuments(r.Context(), p, 300); err != nil {
		return err
	}
	if pg.Units, err = s.manageUnits(r, p, org.ViewPlan); err != nil {
		return err
	}
	if docID, unitID := formIntQ(q, "document"), formIntQ(q, "unit"); docID != 0 && unitID != 0 {
		d, err := s.Plans.Document(r.Context(), p, docID)
		if err != nil {
			return err
		}
		u, err := s.Org.UnitByID(r.Context(), p, unitID)
		if err != nil {
			return err
		}
		pg.Doc, pg.Unit = &d, &u
		if pg.Missing, err = s.Plans.NotYetAttended(r.Context(), p, unitID, docID, 500); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "plan/training", pg)
}

type sessionFormPage struct {
	Page
	Units  []org.Unit
	Below  []org.Unit
	People []personOption
	Docs   []plan.DocRef
	Kinds  []struct{ Code, Label string }
}

func (s *Server) sessionForm(r *http.Request, p *org.Principal) (sessionFormPage, error) {
	pg := sessionFormPage{Page: s.page(r, "Tổ chức quán triệt, tập huấn", "plans", planCrumbs(Crumb{Label: "Quán triệt, tập huấn", Href: "/training"}, Crumb{Label: "Thêm"})...), Kinds: plan.SessionKinds}
	var err error
	if pg.Units, err = s.manageUnits(r, p, org.ManagePlan); err != nil {
		return pg, err
	}
	if pg.Below, err = s.manageUnits(r, p, org.ManagePlan); err != nil {
		return pg, err
	}
	if pg.People, err = s.assignPeople(r.Context(), p); err != nil {
		return pg, err
	}
	pg.Docs, err = s.Plans.AllDocuments(r.Context(), p, 300)
	return pg, err
}

func (s *Server) trainingNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.ManagePlan) {
		return apperr.New(apperr.Forbidden, "web.trainingNew", "Bạn không có quyền tổ chức hội nghị.")
	}
	pg, err := s.sessionForm(r, p)
	if err != nil {
		return err
	}
	pg.Form = url.Values{"kind": {"quan-triet"}, "held_on": {FormatDate(work.Today(s.DB.Now()))}}
	return s.render(w, r, http.StatusOK, "plan/session_form", pg)
}

func (s *Server) trainingCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := plan.SessionInput{UnitID: formInt(r, "unit_id"), Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), HeldOn: formDate(r, "held_on"), Place: r.PostFormValue("place"),
		OrganiserID: formInt(r, "organiser_id"), Note: r.PostFormValue("note"), DocumentIDs: plan.IDs(r.PostForm["document_ids"]), UnitIDs: plan.IDs(r.PostForm["unit_ids"]), PersonIDs: plan.IDs(r.PostForm["person_ids"])}
	id, err := s.Plans.CreateSession(ctx, p, in)
	return finishForm(s, w, r, err, "plan/session_form", func() (sessionFormPage, error) { return s.sessionForm(r, p) }, "/training/"+strconv.FormatInt(id, 10), "Đã tạo hội nghị; hãy điểm danh sau khi tổ chức.")
}

type attState struct{ Code, Label string }

type sessionPage struct {
	Page
	Session   plan.Session
	CanManage bool
	States    []attState
	Files     []attach.File
}

func (s *Server) trainingShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.sessionPageFor(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan/session", pg)
}

func (s *Server) sessionPageFor(r *http.Request, p *org.Principal, id int64) (sessionPage, error) {
	x, err := s.Plans.Session(r.Context(), p, id)
	if err != nil {
		return sessionPage{}, err
	}
	pg := sessionPage{Page: s.page(r, x.Title, "plans", planCrumbs(Crumb{Label: "Quán triệt, tập huấn", Href: "/training"}, Crumb{Label: x.Title})...), Session: x,
		CanManage: p.CanPath(org.ManagePlan, x.UnitPath)}
	for _, st := range []string{plan.AttPresent, plan.AttExcused, plan.AttAbsent, plan.AttInvited} {
		pg.States = append(pg.States, attState{st, plan.AttendanceLabel(st)})
	}
	pg.Files, err = s.Files.List(r.Context(), s.DB, plan.FileOwnerSession, id)
	return pg, err
}

func (s *Server) trainingAttendance(w http.ResponseWriter, r *http.Request) error {
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
	marks := map[int64]string{}
	for k, vs := range r.PostForm {
		if pid, ok := strings.CutPrefix(k, "att_"); ok && len(vs) > 0 {
			if n, err := strconv.ParseInt(pid, 10, 64); err == nil {
				marks[n] = vs[0]
			}
		}
	}
	if err := s.Plans.RecordAttendance(ctx, p, id, marks); err != nil {
		return err
	}
	return s.redirect(w, r, "/training/"+strconv.FormatInt(id, 10), "success", "Đã lưu điểm danh.")
}
