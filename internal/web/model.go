package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/emulation"
	"danvan/internal/org"
	"danvan/internal/work"
)

// modelRoutes registers the pages and API of the model domain (mô hình dân vận).
func (s *Server) modelRoutes() {
	s.handle("GET /models", s.modelList)
	s.handle("GET /models/new", s.modelNewForm)
	s.handle("POST /models/new", s.modelCreate)
	s.handle("GET /models/discover", s.modelDiscover)
	s.handle("GET /models/stats", s.modelStats)
	s.handle("GET /models/{id}", s.modelShow)
	s.handle("GET /models/{id}/edit", s.modelEditForm)
	s.handle("POST /models/{id}/edit", s.modelUpdate)
	s.handle("GET /models/{id}/spread", s.modelSpread)
	s.handle("GET /models/{id}/do/{act}", s.modelConfirm)
	s.handle("POST /models/{id}/do/{act}", s.modelDo)
	s.handle("POST /models/{id}/reports", s.modelReport)
	s.handle("POST /models/{id}/support", s.modelAskSupport)
	s.handle("POST /models/{id}/files", s.modelFiles)
	s.handle("POST /models/{id}/propose", s.modelPropose)
	s.handle("POST /model-support/{sid}/answer", s.modelAnswer)
	s.modelRoundRoutes()
	s.modelPublicRoutes()
	s.modelExportRoutes()
	s.handleAPI("GET /api/v1/models", s.apiModels)
	for _, ot := range []string{emulation.OwnerPhoto, emulation.OwnerFile, emulation.OwnerReport} {
		ot := ot
		s.fileAccess[ot] = func(ctx context.Context, p *org.Principal, id int64) bool { return s.Models.CanSeeFile(ctx, p, ot, id) }
	}
}

func modelCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Mô hình dân vận", Href: "/models"}}, extra...)
}

type modelListPage struct {
	Page
	Models    []emulation.Model
	Next      string
	CanCreate bool
	Fields    []emulation.Field
	States    []emulation.State
	F         emulation.Filter
}

func (s *Server) modelList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := emulation.Filter{Query: q.Get("q"), Field: q.Get("field"), State: emulation.State(q.Get("state"))}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	ms, next, err := s.Models.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	pg := modelListPage{Page: s.page(r, "Mô hình dân vận", "models", Crumb{Label: "Mô hình dân vận"}), Models: ms, CanCreate: p.CanAnywhere(org.RegisterModel),
		Fields: emulation.Fields, States: emulation.States, F: f}
	if next != 0 {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("before", strconv.FormatInt(next, 10))
		pg.Next = "/models?" + v.Encode()
	}
	return s.render(w, r, http.StatusOK, "model/list", pg)
}

type modelFormPage struct {
	Page
	Model    *emulation.Model
	Original *emulation.Model // the model being replicated
	Units    []org.Unit
	Fields   []emulation.Field
	Action   string
}

// modelUnits are the units where the principal may register models: their grant units
// and those units' children.
func (s *Server) modelUnits(r *http.Request, p *org.Principal) ([]org.Unit, error) {
	var out []org.Unit
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.RegisterModel) || seen[g.UnitID] {
			continue
		}
		u, err := org.GetUnit(r.Context(), s.DB, g.UnitID)
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
			if !seen[k.ID] {
				seen[k.ID] = true
				out = append(out, k)
			}
			if g.Role == org.RoleStaff || g.Role == org.RoleAdmin {
				// Upper-committee staff replicate models into agencies' mass organisations.
				gk, err := s.Org.Children(r.Context(), p, k.ID, false)
				if err == nil {
					for _, x := range gk {
						if !seen[x.ID] && len(out) < 400 {
							seen[x.ID] = true
							out = append(out, x)
						}
					}
				}
			}
		}
	}
	return out, nil
}

func (s *Server) newModelPage(r *http.Request, p *org.Principal, title string) (modelFormPage, error) {
	pg := modelFormPage{Page: s.page(r, title, "models", modelCrumbs(Crumb{Label: title})...), Fields: emulation.Fields, Action: "/models/new"}
	var err error
	pg.Units, err = s.modelUnits(r, p)
	return pg, err
}

func (s *Server) modelNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.RegisterModel) {
		return apperr.New(apperr.Forbidden, "web.modelNew", "Bạn không có quyền đăng ký mô hình.")
	}
	pg, err := s.newModelPage(r, p, "Đăng ký mô hình, điển hình")
	if err != nil {
		return err
	}
	pg.Form = url.Values{"year": {strconv.Itoa(s.DB.Now().Year())}}
	if rid, _ := strconv.ParseInt(r.URL.Query().Get("replica_of"), 10, 64); rid > 0 {
		orig, err := s.Models.PublicModel(r.Context(), rid)
		if err != nil {
			return err
		}
		pg.Original = &orig
		pg.Title = "Nhân rộng mô hình: " + orig.Name
		pg.Form = modelValues(emulation.InputOf(orig))
		pg.Form.Set("year", strconv.Itoa(s.DB.Now().Year()))
		pg.Form.Set("replica_of", strconv.FormatInt(orig.ID, 10))
		pg.Form.Del("unit_id")
	}
	return s.render(w, r, http.StatusOK, "model/form", pg)
}

func modelValues(in emulation.Input) url.Values {
	return url.Values{"kind": {in.Kind}, "name": {in.Name}, "holder": {in.Holder}, "field": {in.Field}, "unit_id": {strconv.FormatInt(in.UnitID, 10)},
		"year": {strconv.Itoa(in.Year)}, "problem": {in.Problem}, "goals": {in.Goals}, "criteria": {in.Criteria}, "methods": {in.Methods}, "area": {in.Area},
		"beneficiaries": {in.Beneficiaries}, "lead_force": {in.LeadForce}, "partners": {in.Partners}, "resources": {in.Resources},
		"starts_on": {FormatDate(in.StartsOn)}, "ends_on": {FormatDate(in.EndsOn)}, "outputs": {in.Outputs}, "story": {in.Story}}
}

// errUploadTooLarge explains a form refused for its size, on the photo field.
func errUploadTooLarge(field string) error {
	msg := "Ảnh hoặc tệp gửi lên quá lớn: mỗi ảnh, tệp tối đa 10 MB và mỗi lần gửi tối đa 32 MB. Hãy giảm kích thước ảnh rồi gửi lại; các thông tin khác cần nhập lại."
	return &apperr.Error{Kind: apperr.Invalid, Op: "web.upload", Message: "Ảnh hoặc tệp quá lớn.", Fields: map[string]string{field: msg}}
}

// parseModelForm reads a (multipart) form; a body over the limit becomes a field error
// on field rather than a bare error page.
func parseModelForm(w http.ResponseWriter, r *http.Request, field string) (context.Context, error) {
	ctx, err := parseForm(w, r)
	if errors.Is(err, errFormTooLarge) {
		return nil, errUploadTooLarge(field)
	}
	return ctx, err
}

func modelInput(r *http.Request) (emulation.Input, error) {
	in := emulation.Input{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Holder: r.PostFormValue("holder"), Field: r.PostFormValue("field"),
		UnitID: formInt(r, "unit_id"), Problem: r.PostFormValue("problem"), Goals: r.PostFormValue("goals"), Criteria: r.PostFormValue("criteria"),
		Methods: r.PostFormValue("methods"), Area: r.PostFormValue("area"), Beneficiaries: r.PostFormValue("beneficiaries"), LeadForce: r.PostFormValue("lead_force"),
		Partners: r.PostFormValue("partners"), Resources: r.PostFormValue("resources"), Outputs: r.PostFormValue("outputs"), Story: r.PostFormValue("story"),
		ReplicaOf: formInt(r, "replica_of"), Register: r.PostFormValue("step") == "register"}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	var v apperr.Validation
	var ok bool
	if in.StartsOn, ok = ParseDateVN(r.PostFormValue("starts_on")); !ok {
		v.Add("starts_on", "Ngày không hợp lệ (dd/mm/yyyy).")
	}
	if in.EndsOn, ok = ParseDateVN(r.PostFormValue("ends_on")); !ok {
		v.Add("ends_on", "Ngày không hợp lệ (dd/mm/yyyy).")
	}
	var err error
	if in.Photos, err = uploads(r, "photos"); err != nil {
		return in, err
	}
	if in.Files, err = uploads(r, "files"); err != nil {
		return in, err
	}
	return in, v.Err()
}

func (s *Server) modelCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.newModelPage(r, p, "Đăng ký mô hình, điển hình")
	if err != nil {
		return err
	}
	ctx, err := parseModelForm(w, r, "photos")
	var in emulation.Input
	var m emulation.Model
	if err == nil {
		in, err = modelInput(r)
	}
	if err == nil {
		m, err = s.Models.Create(ctx, p, in)
	}
	msg := "Đã lưu bản nháp."
	if in.Register {
		msg = "Đã đăng ký; mô hình chờ cấp ủy duyệt."
	}
	// A replica's form comes back with the model it replicates.
	rebuild := func() (modelFormPage, error) {
		if rid := formInt(r, "replica_of"); rid > 0 {
			if orig, oerr := s.Models.PublicModel(r.Context(), rid); oerr == nil {
				pg.Original = &orig
			}
		}
		return pg, nil
	}
	return finishForm(s, w, r, err, "model/form", rebuild, "/models/"+strconv.FormatInt(m.ID, 10), msg)
}

func (s *Server) modelEditForm(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	if !s.Models.RightsOn(p, m).Edit {
		return apperr.New(apperr.Forbidden, "web.modelEdit", "Chỉ sửa được mô hình khi còn là bản nháp hoặc đang chờ duyệt.")
	}
	pg, err := s.newModelPage(r, p, "Sửa: "+m.Name)
	if err != nil {
		return err
	}
	pg.Model, pg.Action, pg.Form = &m, "/models/"+strconv.FormatInt(m.ID, 10)+"/edit", modelValues(emulation.InputOf(m))
	return s.render(w, r, http.StatusOK, "model/form", pg)
}

func (s *Server) modelUpdate(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	pg, err := s.newModelPage(r, p, "Sửa: "+m.Name)
	if err != nil {
		return err
	}
	pg.Model, pg.Action = &m, "/models/"+strconv.FormatInt(m.ID, 10)+"/edit"
	ctx, err := parseModelForm(w, r, "name")
	if err == nil {
		var in emulation.Input
		if in, err = modelInput(r); err == nil {
			_, err = s.Models.Update(ctx, p, m.ID, in)
		}
	}
	return finishForm(s, w, r, err, "model/form", builtPage(pg), "/models/"+strconv.FormatInt(m.ID, 10), "Đã lưu thay đổi.")
}

func (s *Server) modelOf(r *http.Request) (*org.Principal, emulation.Model, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, emulation.Model{}, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, emulation.Model{}, err
	}
	m, err := s.Models.Get(r.Context(), p, id)
	return p, m, err
}

type modelShowPage struct {
	Page
	Model    emulation.Model
	Rights   emulation.Rights
	Photos   []attach.File
	Files    []attach.File
	Reports  []emulation.Report
	Supports []supportView
	Rounds   []emulation.Round // open rounds it may be proposed to
	Original *modelRef
	Spread   []emulation.Node
	History  []audit.Row
}

type supportView struct {
	emulation.Support
	CanAnswer bool
}

type modelRef struct {
	ID         int64
	Name, Unit string
	Public     bool
}

func (s *Server) modelShow(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	pg := modelShowPage{Page: s.page(r, m.Name, "models", modelCrumbs(Crumb{Label: m.Name})...), Model: m, Rights: s.Models.RightsOn(p, m)}
	if pg.Photos, pg.Files, err = s.Models.Attachments(ctx, m); err != nil {
		return err
	}
	if pg.Reports, err = s.Models.Reports(ctx, p, m.ID); err != nil {
		return err
	}
	sps, err := s.Models.Supports(ctx, p, m.ID)
	if err != nil {
		return err
	}
	for _, sp := range sps {
		pg.Supports = append(pg.Supports, supportView{sp, s.Models.CanAnswer(p, sp)})
	}
	if pg.Rights.Propose {
		rs, err := s.Models.Rounds(ctx, p)
		if err != nil {
			return err
		}
		for _, rd := range rs {
			if !rd.Decided() && rd.Year == m.Year && strings.HasPrefix(m.UnitPath, rd.UnitPath) {
				pg.Rounds = append(pg.Rounds, rd)
			}
		}
	}
	if m.ReplicaOf != 0 {
		name, unit, public, err := s.Models.Name(ctx, m.ReplicaOf)
		if err == nil {
			pg.Original = &modelRef{m.ReplicaOf, name, unit, public}
		}
	}
	if pg.Spread, err = s.Models.Replicas(ctx, m.ID); err != nil {
		return err
	}
	if pg.History, err = audit.ForEntity(ctx, s.DB, "model", m.ID, 50); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "model/show", pg)
}

type modelConfirmPage struct {
	Page
	Model  emulation.Model
	Act    string
	Label  string
	Button string
	Danger bool
}

var confirmText = map[emulation.Action][2]string{
	emulation.ActSubmit:  {"Đăng ký mô hình", "Gửi đăng ký"},
	emulation.ActApprove: {"Duyệt mô hình", "Duyệt mô hình"},
	emulation.ActReturn:  {"Trả lại để bổ sung", "Trả lại"},
	emulation.ActStart:   {"Bắt đầu thực hiện", "Bắt đầu thực hiện"},
	emulation.ActStop:    {"Dừng thực hiện mô hình", "Dừng mô hình"},
}

func (s *Server) modelConfirm(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	act := emulation.Action(r.PathValue("act"))
	t, ok := confirmText[act]
	if !ok {
		return errNotFound
	}
	if !s.Models.Can(p, m, act) {
		return apperr.New(apperr.Conflict, "web.modelConfirm", "Không thể thực hiện thao tác này với mô hình ở trạng thái “"+m.State.Label()+"”.")
	}
	pg := modelConfirmPage{Page: s.page(r, t[0]+": "+m.Name, "models", modelCrumbs(Crumb{Label: m.Name, Href: "/models/" + strconv.FormatInt(m.ID, 10)}, Crumb{Label: t[0]})...),
		Model: m, Act: string(act), Label: t[0], Button: t[1], Danger: act == emulation.ActStop}
	return s.render(w, r, http.StatusOK, "model/confirm", pg)
}

func (s *Server) modelDo(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	act := emulation.Action(r.PathValue("act"))
	t, ok := confirmText[act]
	if !ok {
		return errNotFound
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.Models.Do(ctx, p, m.ID, act, r.PostFormValue("reason"))
	if err == nil {
		return s.redirect(w, r, "/models/"+strconv.FormatInt(m.ID, 10), "success", "Đã thực hiện: "+strings.ToLower(t[0])+".")
	}
	if apperr.KindOf(err) == apperr.Invalid && (act == emulation.ActStop || act == emulation.ActReturn) {
		pg := modelConfirmPage{Page: s.page(r, t[0]+": "+m.Name, "models", modelCrumbs(Crumb{Label: m.Name, Href: "/models/" + strconv.FormatInt(m.ID, 10)}, Crumb{Label: t[0]})...),
			Model: m, Act: string(act), Label: t[0], Button: t[1], Danger: act == emulation.ActStop}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "model/confirm", pg)
	}
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
		return s.redirect(w, r, "/models/"+strconv.FormatInt(m.ID, 10), "error", apperr.MessageOf(err)+" "+firstField(err))
	}
	return err
}

func firstField(err error) string {
	for _, v := range apperr.FieldsOf(err) {
		return v
	}
	return ""
}

// modelBack re-renders the model page with a form error (status 422), or follows other errors.
func (s *Server) modelBack(w http.ResponseWriter, r *http.Request, id int64, err error) error {
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
		msg := apperr.MessageOf(err)
		if f := firstField(err); f != "" && f != msg {
			msg = strings.TrimSpace(msg + " " + f)
		}
		s.flash(r, "error", msg)
		http.Redirect(w, r, "/models/"+strconv.FormatInt(id, 10)+"#forms", http.StatusSeeOther)
		return nil
	}
	return err
}

func (s *Server) modelReport(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	ctx, err := parseModelForm(w, r, "photos")
	if err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	in := emulation.ReportInput{Kind: r.PostFormValue("kind"), Body: r.PostFormValue("body"), Difficulties: r.PostFormValue("difficulties"), Support: r.PostFormValue("support")}
	for i := 0; i < 3; i++ {
		label := r.PostFormValue("fig_label_" + strconv.Itoa(i))
		if strings.TrimSpace(label) == "" {
			continue
		}
		val, perr := parseNumber(r.PostFormValue("fig_value_" + strconv.Itoa(i)))
		if perr != nil {
			return s.modelBack(w, r, m.ID, fieldErr("fig_value_"+strconv.Itoa(i), "Số liệu của “"+label+"” phải là một số (ví dụ 25 hoặc 12,5)."))
		}
		in.Figures = append(in.Figures, emulation.Figure{Label: label, Value: val, Unit: r.PostFormValue("fig_unit_" + strconv.Itoa(i))})
	}
	if in.Photos, err = uploads(r, "photos"); err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	if _, err := s.Models.AddReport(ctx, p, m.ID, in); err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	msg := "Đã gửi báo cáo."
	if in.Kind == emulation.ReportReview {
		msg = "Đã sơ kết mô hình."
	}
	if strings.TrimSpace(in.Support) != "" {
		msg += " Đề nghị hỗ trợ đã chuyển lên đơn vị cấp trên."
	}
	return s.redirect(w, r, "/models/"+strconv.FormatInt(m.ID, 10), "success", msg)
}

// parseNumber reads 25, 12,5 or 1.234 (Vietnamese) as a number.
func parseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	} else if strings.Count(s, ".") > 1 || (strings.Count(s, ".") == 1 && len(s)-strings.Index(s, ".") == 4) {
		s = strings.ReplaceAll(s, ".", "")
	}
	return strconv.ParseFloat(s, 64)
}

func (s *Server) modelAskSupport(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := s.Models.AskSupport(ctx, p, m.ID, r.PostFormValue("support")); err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	return s.redirect(w, r, "/models/"+strconv.FormatInt(m.ID, 10), "success", "Đã gửi đề nghị hỗ trợ lên đơn vị cấp trên.")
}

func (s *Server) modelFiles(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	ctx, err := parseModelForm(w, r, "photos")
	if err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	photos, err := uploads(r, "photos")
	if err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	files, err := uploads(r, "files")
	if err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	if err := s.Models.AddFiles(ctx, p, m.ID, photos, files); err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	return s.redirect(w, r, "/models/"+strconv.FormatInt(m.ID, 10), "success", "Đã thêm ảnh, tệp.")
}

func (s *Server) modelPropose(w http.ResponseWriter, r *http.Request) error {
	p, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if err := s.Models.Propose(ctx, p, formInt(r, "round_id"), m.ID); err != nil {
		return s.modelBack(w, r, m.ID, err)
	}
	return s.redirect(w, r, "/models/"+strconv.FormatInt(m.ID, 10), "success", "Đã đề nghị bình xét.")
}

func (s *Server) modelAnswer(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	sid, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	sp, err := s.Models.Answer(ctx, p, sid, r.PostFormValue("answer"))
	if err != nil {
		if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
			s.flash(r, "error", apperr.MessageOf(err)+" "+firstField(err))
			back := localPath(r.PostFormValue("back"), "/my-work")
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		return err
	}
	return s.redirect(w, r, "/models/"+strconv.FormatInt(sp.ModelID, 10)+"#support-"+strconv.FormatInt(sp.ID, 10), "success", "Đã trả lời đề nghị hỗ trợ.")
}

type modelDiscoverPage struct {
	Page
	D       emulation.Discovery
	Fields  []emulation.Field
	Crumbs2 []org.Unit
}

func (s *Server) modelDiscover(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	uid, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	d, err := s.Models.Discover(r.Context(), p, uid, s.DB.Now())
	if err != nil {
		return err
	}
	pg := modelDiscoverPage{Page: s.page(r, "Phát hiện, theo dõi mô hình: "+d.Unit.Name, "models", modelCrumbs(Crumb{Label: "Phát hiện, theo dõi"})...), D: d, Fields: emulation.Fields}
	anc, err := s.Org.Ancestors(r.Context(), d.Unit)
	if err != nil {
		return err
	}
	for _, a := range anc {
		if p.CanPath(org.ViewModel, a.Path) {
			pg.Crumbs2 = append(pg.Crumbs2, a)
		}
	}
	return s.render(w, r, http.StatusOK, "model/discover", pg)
}

func (s *Server) modelSpread(w http.ResponseWriter, r *http.Request) error {
	_, m, err := s.modelOf(r)
	if err != nil {
		return err
	}
	origin, err := s.Models.Origin(r.Context(), m)
	if err != nil {
		return err
	}
	nodes, err := s.Models.Replicas(r.Context(), origin)
	if err != nil {
		return err
	}
	pg := modelSpreadPage{Page: s.page(r, "Bản đồ nhân rộng: "+m.Name, "models", modelCrumbs(Crumb{Label: m.Name, Href: "/models/" + strconv.FormatInt(m.ID, 10)}, Crumb{Label: "Bản đồ nhân rộng"})...),
		Model: m, Nodes: nodes, Chart: spreadSVG(nodes, m.ID)}
	return s.render(w, r, http.StatusOK, "model/spread", pg)
}

type modelSpreadPage struct {
	Page
	Model emulation.Model
	Nodes []emulation.Node
	Chart svgChart
}

// ModelJSON is a model in the API.
type ModelJSON struct {
	ID             int64  `json:"id"`
	Kind           string `json:"kind"`
	Name           string `json:"name"`
	Holder         string `json:"holder,omitempty"`
	Field          string `json:"field"`
	FieldLabel     string `json:"field_label"`
	UnitID         int64  `json:"unit_id"`
	UnitName       string `json:"unit_name"`
	Year           int    `json:"year"`
	State          string `json:"state"`
	StateLabel     string `json:"state_label"`
	Level          string `json:"level,omitempty"`
	LevelLabel     string `json:"level_label,omitempty"`
	Reward         string `json:"reward,omitempty"`
	Decision       string `json:"decision,omitempty"`
	RecognisedYear int    `json:"recognised_year,omitempty"`
	Story          string `json:"story,omitempty"`
	ReplicaOf      int64  `json:"replica_of,omitempty"`
	PhotoURL       string `json:"photo_url,omitempty"`
	URL            string `json:"url"`
}

func modelJSON(m emulation.Model, public bool) ModelJSON {
	j := ModelJSON{ID: m.ID, Kind: m.Kind, Name: m.Name, Holder: m.Holder, Field: m.Field, FieldLabel: m.FieldLabel(), UnitID: m.UnitID, UnitName: m.UnitName,
		Year: m.Year, State: string(m.State), StateLabel: m.State.Label(), Level: m.Level, Reward: m.Reward, Decision: m.Decision,
		RecognisedYear: m.RecognisedYear, Story: m.Story, ReplicaOf: m.ReplicaOf, URL: "/models/" + strconv.FormatInt(m.ID, 10)}
	if m.Level != "" {
		j.LevelLabel = m.LevelLabel()
	}
	if public {
		j.URL = "/vinh-danh/" + strconv.FormatInt(m.ID, 10)
	}
	if m.PhotoID != 0 && (public || m.State.Honoured()) {
		j.PhotoURL = "/files/" + strconv.FormatInt(m.PhotoID, 10)
	}
	return j
}

func (s *Server) apiModels(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := emulation.Filter{Query: q.Get("q"), Field: q.Get("field"), State: emulation.State(q.Get("state"))}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	ms, next, err := s.Models.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	out := make([]ModelJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, modelJSON(m, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out, "next": next})
	return nil
}

var _ = work.Item{}
