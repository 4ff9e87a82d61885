package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/export"
	"danvan/internal/org"
	"danvan/internal/report"
	"danvan/internal/work"
)

// The periodic reports' pages (báo cáo sơ kết, tổng kết; internal/report): a unit's
// reports and, for the level above, its child units' reports for a period with who is
// missing and overdue; the report's page with its figures (the dashboard's blocks, live
// while drafted, frozen once sent), the per-child tables, the narrative editor (plain
// forms, no script needed), its versions and the flow's buttons; and the exports: the
// Party-format document as .docx and .pdf, the tables as .xlsx.

func (s *Server) reportRoutes() {
	s.handle("GET /reports", s.reportIndex)
	s.handle("GET /reports/new", s.reportNew)
	s.handle("POST /reports", s.reportCreate)
	s.handle("POST /reports/calls", s.reportCall)
	s.handle("GET /reports/{id}", s.reportShow)
	s.handle("POST /reports/{id}/narrative", s.reportNarrative)
	s.handle("GET /reports/{id}/submit", s.reportSubmitConfirm)
	s.handle("POST /reports/{id}/submit", s.reportSubmit)
	s.handle("POST /reports/{id}/receive", s.reportReceive)
	s.handle("POST /reports/{id}/return", s.reportReturn)
	s.handle("GET /reports/{id}/report.docx", func(w http.ResponseWriter, r *http.Request) error { return s.reportExport(w, r, "docx") })
	s.handle("GET /reports/{id}/report.pdf", func(w http.ResponseWriter, r *http.Request) error { return s.reportExport(w, r, "pdf") })
	s.handle("GET /reports/{id}/tables.xlsx", s.reportXLSX)
}

func reportCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Báo cáo", Href: "/reports"}}, extra...)
}

// reportUnit is the unit asked for (?unit=), or the first unit of p's grants where p
// may read reports.
func reportUnit(r *http.Request, p *org.Principal) int64 {
	if id, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64); id > 0 {
		return id
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ViewReport) {
			return g.UnitID
		}
	}
	return 0
}

// periodQuery reads ?kind=&year=&from=&to= for the board; by default the six-month
// report of the current year.
func periodQuery(q url.Values, today string) (report.Kind, int, string, string) {
	kind := report.Kind(q.Get("kind"))
	if !kind.Valid() {
		kind = report.SixMonth
	}
	year, _ := strconv.Atoi(q.Get("year"))
	if year == 0 {
		year, _ = strconv.Atoi(today[:4])
	}
	from, _ := ParseDateVN(q.Get("from"))
	to, _ := ParseDateVN(q.Get("to"))
	return kind, year, from, to
}

type reportIndexPage struct {
	Page
	Unit     org.Unit
	Reports  []report.Summary
	Board    *report.Board // the child units' reports, when the unit has reporting children
	Calls    []report.Call
	Today    string
	Year     int
	Kinds    []report.Kind
	CanWrite bool
	Units    []org.Unit // the units of p's grants, to switch
}

func (s *Server) reportIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	return s.renderReportIndex(w, r, p, http.StatusOK, nil)
}

func (s *Server) renderReportIndex(w http.ResponseWriter, r *http.Request, p *org.Principal, status int, formErr error) error {
	ctx := r.Context()
	today := work.Today(s.DB.Now())
	pg := reportIndexPage{Page: s.page(r, "Báo cáo sơ kết, tổng kết", "reports", Crumb{Label: "Báo cáo"}), Today: today, Kinds: report.Kinds}
	pg.Year, _ = strconv.Atoi(today[:4])
	unitID := reportUnit(r, p)
	if formErr != nil {
		withFormError(&pg.Page, r, formErr)
		if id := formInt(r, "unit_id"); id > 0 {
			unitID = id
		}
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ViewReport) {
			if u, err := s.Org.UnitByID(ctx, p, g.UnitID); err == nil {
				pg.Units = append(pg.Units, u)
			}
		}
	}
	if unitID == 0 {
		return s.render(w, r, status, "report/index", pg)
	}
	u, err := s.Org.UnitByID(ctx, p, unitID)
	if err != nil {
		return err
	}
	pg.Unit = u
	pg.Title = "Báo cáo sơ kết, tổng kết — " + u.Name
	if pg.Reports, err = s.Reports.List(ctx, p, u.ID); err != nil {
		return err
	}
	pg.CanWrite = report.CanWrite(p, u.Path)
	q := r.URL.Query()
	if formErr != nil {
		q = r.PostForm
	}
	kind, year, from, to := periodQuery(q, today)
	b, err := s.Reports.Status(ctx, p, u.ID, kind, year, from, to)
	switch {
	case err == nil:
		if len(b.Children) > 0 {
			pg.Board = &b
		}
	case apperr.KindOf(err) == apperr.Invalid:
		if formErr == nil {
			withFormError(&pg.Page, r, err)
			pg.Form = q
			status = http.StatusUnprocessableEntity
		}
	default:
		return err
	}
	if pg.Board != nil || p.CanPath(org.ReceiveReport, u.Path) {
		if pg.Calls, err = s.Reports.Calls(ctx, p, u.ID); err != nil {
			return err
		}
	}
	if pg.Form == nil {
		pg.Form = url.Values{"kind": {string(kind)}, "year": {strconv.Itoa(year)}}
		if kind == report.Custom {
			pg.Form.Set("from", FormatDate(from))
			pg.Form.Set("to", FormatDate(to))
		}
	}
	return s.render(w, r, status, "report/index", pg)
}

type reportNewPage struct {
	Page
	Unit  org.Unit
	Kinds []report.Kind
}

func (s *Server) reportNew(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	u, err := s.Org.UnitByID(r.Context(), p, reportUnit(r, p))
	if err != nil {
		return err
	}
	if !report.CanWrite(p, u.Path) {
		return apperr.New(apperr.Forbidden, "web.reportNew", "Chỉ cấp ủy của "+u.Name+" lập báo cáo của đơn vị.")
	}
	pg := reportNewPage{Page: s.page(r, "Lập báo cáo — "+u.Name, "reports", reportCrumbs(Crumb{Label: "Lập báo cáo"})...), Unit: u, Kinds: report.Kinds}
	pg.Form = url.Values{"kind": {string(report.SixMonth)}, "year": {strconv.Itoa(s.DB.Now().In(work.VietnamZone).Year())}}
	return s.render(w, r, http.StatusOK, "report/new", pg)
}

func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := report.Input{UnitID: formInt(r, "unit_id"), Kind: report.Kind(r.PostFormValue("kind")), Year: atoi(r.PostFormValue("year"))}
	var bad apperr.Validation
	if in.Kind == report.Custom {
		var ok bool
		if in.From, ok = ParseDateVN(r.PostFormValue("from")); !ok {
			bad.Add("from", "Ngày bắt đầu kỳ báo cáo không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 01/07/2026.")
		}
		if in.To, ok = ParseDateVN(r.PostFormValue("to")); !ok {
			bad.Add("to", "Ngày kết thúc kỳ báo cáo không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 30/09/2026.")
		}
	}
	err = bad.Err()
	var id int64
	if err == nil {
		id, err = s.Reports.Create(ctx, p, in)
	}
	var ce *report.ConflictError
	switch {
	case errors.As(err, &ce):
		return s.redirect(w, r, "/reports/"+strconv.FormatInt(ce.ExistingID, 10), "info", apperr.MessageOf(err)+" Đây là báo cáo đó.")
	case apperr.KindOf(err) == apperr.Invalid:
		u, uerr := s.Org.UnitByID(r.Context(), p, in.UnitID)
		if uerr != nil {
			return uerr
		}
		pg := reportNewPage{Page: s.page(r, "Lập báo cáo — "+u.Name, "reports", reportCrumbs(Crumb{Label: "Lập báo cáo"})...), Unit: u, Kinds: report.Kinds}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "report/new", pg)
	case err != nil:
		return err
	}
	return s.redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), "success", "Đã lập báo cáo. Số liệu được lấy tự động; hãy viết phần nhận định rồi gửi cấp trên.")
}

func (s *Server) reportCall(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := report.CallInput{UnitID: formInt(r, "unit_id"), Kind: report.Kind(r.PostFormValue("kind")), Year: atoi(r.PostFormValue("year"))}
	var bad apperr.Validation
	var ok bool
	if in.From, ok = ParseDateVN(r.PostFormValue("from")); !ok && in.Kind == report.Custom {
		bad.Add("from", "Ngày bắt đầu kỳ báo cáo không hợp lệ.")
	}
	if in.To, ok = ParseDateVN(r.PostFormValue("to")); !ok && in.Kind == report.Custom {
		bad.Add("to", "Ngày kết thúc kỳ báo cáo không hợp lệ.")
	}
	if in.DueOn, ok = ParseDateVN(r.PostFormValue("due_on")); !ok {
		bad.Add("due_on", "Hạn gửi báo cáo không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 10/07/2026.")
	}
	err = bad.Err()
	if err == nil {
		_, err = s.Reports.SetCall(ctx, p, in)
	}
	back := "/reports?unit=" + strconv.FormatInt(in.UnitID, 10) + "&kind=" + url.QueryEscape(string(in.Kind)) + "&year=" + strconv.Itoa(in.Year)
	if in.Kind == report.Custom {
		back += "&from=" + in.From + "&to=" + in.To
	}
	switch {
	case apperr.KindOf(err) == apperr.Invalid:
		return s.renderReportIndex(w, r, p, http.StatusUnprocessableEntity, err)
	case err != nil:
		return err
	}
	return s.redirect(w, r, back, "success", "Đã đặt hạn gửi báo cáo "+FormatDate(in.DueOn)+" cho các đơn vị trực thuộc.")
}

type reportShowPage struct {
	Page
	R      report.Report
	Blocks []blockView
	Today  string
	// Shown is the version whose text is shown (?v=N); the latest by default.
	Shown    report.Version
	OldShown bool
	// Active names the form that failed ("narrative", "return"), for its messages.
	Active string
}

// Is reports whether the failed form is name.
func (p reportShowPage) Is(name string) bool { return p.Active == name }

// StatusBadge is the badge class of the report's state.
func (p reportShowPage) StatusBadge() string { return reportBadge(p.R.Status, p.R.Overdue(p.Today)) }

func reportBadge(st report.Status, overdue bool) string {
	switch {
	case st == report.Received:
		return "closed"
	case st == report.Submitted:
		return "on-time"
	case overdue:
		return "overdue"
	case st == report.Returned:
		return "due-soon"
	}
	return "none"
}

func (s *Server) loadReportPage(r *http.Request, p *org.Principal, id int64) (reportShowPage, error) {
	get := s.Reports.Get
	if r.URL.Query().Get("fresh") == "1" {
		get = s.Reports.GetFresh
	}
	rep, err := get(r.Context(), p, id)
	if err != nil {
		return reportShowPage{}, err
	}
	pg := reportShowPage{Page: s.page(r, "Báo cáo "+lowerFirstWeb(rep.Title), "reports", reportCrumbs(Crumb{Label: rep.Unit.Name, Href: "/reports?unit=" + strconv.FormatInt(rep.Unit.ID, 10)}, Crumb{Label: rep.Title})...),
		R: rep, Today: work.Today(s.DB.Now()), Shown: rep.Narrative}
	children := make([]org.Unit, 0, len(rep.Figures.Children))
	for _, c := range rep.Figures.Children {
		children = append(children, org.Unit{ID: c.ID, Name: c.Name, Path: c.Path})
	}
	for _, b := range rep.Figures.Blocks {
		pg.Blocks = append(pg.Blocks, makeBlockView(b, children))
	}
	if v, _ := strconv.Atoi(r.URL.Query().Get("v")); v > 0 && v != rep.Version {
		for _, x := range rep.Versions {
			if x.Version == v {
				pg.Shown, pg.OldShown = x, true
			}
		}
	}
	pg.Form = url.Values{"achievements": {rep.Narrative.Achievements}, "weaknesses": {rep.Narrative.Weaknesses}, "next_tasks": {rep.Narrative.NextTasks},
		"number": {rep.Number}, "place": {rep.Place}}
	return pg, nil
}

func lowerFirstWeb(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToLower(string(r[0])) + string(r[1:])
}

func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.loadReportPage(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "report/show", pg)
}

// reportFormFailed re-renders the report page with the failed form's messages.
func (s *Server) reportFormFailed(w http.ResponseWriter, r *http.Request, p *org.Principal, id int64, active string, ferr error) error {
	pg, err := s.loadReportPage(r, p, id)
	if err != nil {
		return err
	}
	withFormError(&pg.Page, r, ferr)
	pg.Active = active
	return s.render(w, r, http.StatusUnprocessableEntity, "report/show", pg)
}

func (s *Server) reportNarrative(w http.ResponseWriter, r *http.Request) error {
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
	n := report.Narrative{Achievements: r.PostFormValue("achievements"), Weaknesses: r.PostFormValue("weaknesses"), NextTasks: r.PostFormValue("next_tasks"),
		Number: r.PostFormValue("number"), Place: r.PostFormValue("place")}
	v, err := s.Reports.SaveNarrative(ctx, p, id, atoi(r.PostFormValue("base")), n)
	back := "/reports/" + strconv.FormatInt(id, 10)
	switch {
	case apperr.KindOf(err) == apperr.Invalid:
		return s.reportFormFailed(w, r, p, id, "narrative", err)
	case apperr.KindOf(err) == apperr.Conflict:
		// Keep what the writer typed: the page shows the newer version above it.
		return s.reportFormFailed(w, r, p, id, "narrative", err)
	case err != nil:
		return err
	}
	if r.PostFormValue("then") == "submit" {
		return s.redirect(w, r, back+"/submit", "success", fmt.Sprintf("Đã lưu nội dung (bản %d).", v))
	}
	return s.redirect(w, r, back+"#narrative", "success", fmt.Sprintf("Đã lưu nội dung báo cáo (bản %d).", v))
}

func (s *Server) reportSubmitConfirm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.loadReportPage(r, p, id)
	if err != nil {
		return err
	}
	if !pg.R.CanWrite {
		// Sent already, or not the reader's to send: back to the report, which says which.
		return s.redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), "info", "Báo cáo này không gửi được: "+pg.R.Status.Label()+".")
	}
	pg.Title = "Gửi cấp trên báo cáo " + lowerFirstWeb(pg.R.Title)
	return s.render(w, r, http.StatusOK, "report/submit", pg)
}

func (s *Server) reportSubmit(w http.ResponseWriter, r *http.Request) error {
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
	err = s.Reports.Submit(ctx, p, id)
	back := "/reports/" + strconv.FormatInt(id, 10)
	switch {
	case apperr.KindOf(err) == apperr.Invalid:
		return s.reportFormFailed(w, r, p, id, "narrative", err)
	case apperr.KindOf(err) == apperr.Conflict:
		return s.redirect(w, r, back, "info", apperr.MessageOf(err))
	case err != nil:
		return err
	}
	return s.redirect(w, r, back, "success", "Đã gửi báo cáo lên cấp trên. Số liệu đã được chốt tại thời điểm gửi.")
}

func (s *Server) reportReceive(w http.ResponseWriter, r *http.Request) error {
	return s.reportDecide(w, r, false)
}

func (s *Server) reportReturn(w http.ResponseWriter, r *http.Request) error {
	return s.reportDecide(w, r, true)
}

func (s *Server) reportDecide(w http.ResponseWriter, r *http.Request, ret bool) error {
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
	msg := "Đã tiếp nhận báo cáo."
	if ret {
		err = s.Reports.Return(ctx, p, id, r.PostFormValue("remarks"))
		msg = "Đã trả lại báo cáo kèm ý kiến; đơn vị sẽ nhận được thông báo."
	} else {
		err = s.Reports.Receive(ctx, p, id)
	}
	back := "/reports/" + strconv.FormatInt(id, 10)
	switch {
	case apperr.KindOf(err) == apperr.Invalid:
		return s.reportFormFailed(w, r, p, id, "return", err)
	case apperr.KindOf(err) == apperr.Conflict:
		return s.redirect(w, r, back, "info", apperr.MessageOf(err))
	case err != nil:
		return err
	}
	return s.redirect(w, r, back, "success", msg)
}

// reportDocument is the report in the Party format (Hướng dẫn 36-HD/VPTW, DOMAIN.md
// section 6): the upper committee and the issuing committee on the left, "ĐẢNG CỘNG SẢN
// VIỆT NAM" on the right, "Số …-BC/…", place and date, BÁO CÁO and its trích yếu, the
// sections with the figures' tables, the recipients and "T/M ĐẢNG ỦY, BÍ THƯ".
func reportDocument(rep report.Report, upper string, signer string) export.Document {
	number := rep.Number
	if number == "" {
		// Left for the office to number by hand on the printed copy (the writers collapse
		// a run of spaces, so the blank is dotted).
		number = "……-BC/ĐU"
	}
	d := export.Document{
		Family:    export.Party,
		UpperBody: strings.ToUpper(upper),
		Issuer:    reportIssuer(rep.Unit.Name),
		Number:    number,
		Place:     rep.Place,
		Date:      dateOf(rep.SubmittedAt),
		Title:     "BÁO CÁO",
		Subtitle:  rep.Title,
		Signature: export.Signature{On: "T/M ĐẢNG ỦY", Title: "BÍ THƯ", Name: signer},
	}
	d.Blocks = append(d.Blocks, export.Paragraph(export.R(fmt.Sprintf("Thực hiện chương trình công tác, %s báo cáo kết quả công tác dân vận từ ngày %s đến ngày %s như sau:",
		reportIssuerText(rep.Unit.Name), FormatDate(rep.From), FormatDate(rep.To)))))
	d.Blocks = append(d.Blocks, export.Heading(1, "I. KẾT QUẢ ĐẠT ĐƯỢC"))
	d.Blocks = append(d.Blocks, export.Heading(2, "1. Số liệu"))
	if len(rep.Figures.Blocks) == 0 {
		d.Blocks = append(d.Blocks, export.Text("Không có số liệu trong phạm vi được xem."))
	}
	for i, b := range rep.Figures.Blocks {
		d.Blocks = append(d.Blocks, export.Heading(3, string(rune('a'+i))+") "+b.Title))
		rows := make([][]string, 0, len(b.Figures))
		for j, f := range b.Figures {
			rows = append(rows, []string{strconv.Itoa(j + 1), f.Label, FormatNumber(f.Value)})
		}
		d.Blocks = append(d.Blocks, export.TableBlock([]export.Column{{Header: "STT", Width: 0.6, Center: true}, {Header: "Chỉ tiêu", Width: 5}, {Header: "Số lượng", Width: 1.4, Center: true}}, rows))
	}
	d.Blocks = append(d.Blocks, export.Heading(2, "2. Kết quả theo đơn vị trực thuộc"))
	wrote := false
	for _, b := range rep.Figures.Blocks {
		if len(b.ByChild) == 0 {
			continue
		}
		cols := []export.Column{{Header: "Đơn vị", Width: 3}}
		for _, f := range b.Figures {
			cols = append(cols, export.Column{Header: f.Label, Width: 1.2, Center: true})
		}
		var rows [][]string
		for _, c := range rep.Figures.Children {
			vals, ok := b.ByChild[c.Path]
			if !ok {
				continue
			}
			row := []string{c.Name}
			for _, v := range vals {
				row = append(row, FormatNumber(v))
			}
			rows = append(rows, row)
		}
		if len(rows) == 0 {
			continue
		}
		wrote = true
		d.Blocks = append(d.Blocks, export.Paragraph(export.B(b.Title)))
		d.Blocks = append(d.Blocks, export.TableBlock(cols, rows))
	}
	if !wrote {
		d.Blocks = append(d.Blocks, export.Text("Đơn vị không có đơn vị trực thuộc có số liệu."))
	}
	d.Blocks = append(d.Blocks, export.Heading(2, "3. Đánh giá chung"))
	d.Blocks = append(d.Blocks, orDashBlocks(rep.Narrative.Achievements)...)
	d.Blocks = append(d.Blocks, export.Heading(1, "II. HẠN CHẾ, NGUYÊN NHÂN"))
	d.Blocks = append(d.Blocks, orDashBlocks(rep.Narrative.Weaknesses)...)
	d.Blocks = append(d.Blocks, export.Heading(1, "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"))
	d.Blocks = append(d.Blocks, orDashBlocks(rep.Narrative.NextTasks)...)
	if upper != "" {
		d.Recipients = append(d.Recipients, "Ban Thường vụ "+upper+" (để báo cáo),")
	}
	d.Recipients = append(d.Recipients, "Các chi bộ trực thuộc,", "Lưu VP.")
	return d
}

func orDashBlocks(s string) []export.Block {
	if b := export.Paragraphs(s); len(b) > 0 {
		return b
	}
	return []export.Block{export.Text("…")}
}

// reportIssuer names the issuing committee of a unit's report: an agency's report is its
// party committee's ("Sở Tư pháp" → "ĐẢNG ỦY SỞ TƯ PHÁP"); a party organisation's name is
// turned as committeeName does.
func reportIssuer(unit string) string {
	switch {
	case strings.HasPrefix(unit, "Đảng bộ "), strings.HasPrefix(unit, "Chi bộ "), strings.HasPrefix(unit, "Đảng ủy "):
		if rest, ok := strings.CutPrefix(unit, "Chi bộ "); ok {
			return "CHI BỘ " + strings.ToUpper(rest)
		}
		return committeeName(unit)
	}
	return "ĐẢNG ỦY " + strings.ToUpper(unit)
}

// reportIssuerText is the issuing committee in running text: "Đảng ủy Sở Tư pháp".
func reportIssuerText(unit string) string {
	switch {
	case strings.HasPrefix(unit, "Chi bộ "), strings.HasPrefix(unit, "Đảng ủy "):
		return unit
	case strings.HasPrefix(unit, "Đảng bộ "):
		return "Đảng ủy " + strings.TrimPrefix(unit, "Đảng bộ ")
	}
	return "Đảng ủy " + unit
}

// reportSigner is the name of the secretary (bí thư) of the unit's committee, for the
// signature: the committee is the unit itself or a party organisation directly under it.
func (s *Server) reportSigner(r *http.Request, unit org.Unit) string {
	var name string
	_ = s.DB.QueryRowContext(r.Context(), `SELECT p.full_name FROM positions po JOIN people p ON p.id = po.person_id JOIN units u ON u.id = po.unit_id
		WHERE po.title = 'bi-thu' AND po.end_date = '' AND (u.id = ? OR (u.parent_id = ? AND u.kind IN ('dang-bo-co-so', 'dang-bo-bo-phan', 'dang-bo-cap-tren'))) ORDER BY u.depth, po.id LIMIT 1`,
		unit.ID, unit.ID).Scan(&name)
	return name
}

func (s *Server) reportExport(w http.ResponseWriter, r *http.Request, format string) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := s.Reports.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	upper := ""
	if rep.Unit.ParentID != 0 {
		if u, err := org.GetUnit(r.Context(), s.DB, rep.Unit.ParentID); err == nil {
			upper = u.Name
		}
	}
	name := "Bao cao " + rep.Unit.Name + " " + rep.From + " " + rep.To
	return s.sendDocument(w, r, format, name, reportDocument(rep, upper, s.reportSigner(r, rep.Unit)))
}

// reportXLSX sends the report's figures as a workbook: a sheet per block, the unit's own
// row and one row per child unit.
func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rep, err := s.Reports.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	var sheets []export.Sheet
	for _, b := range rep.Figures.Blocks {
		sh := export.Sheet{Name: b.Title, Title: b.Title + " — " + rep.Unit.Name + ", " + viDate(rep.From) + " – " + viDate(rep.To), Columns: []export.Column{{Header: "Đơn vị", Width: 40}}}
		total := []any{rep.Unit.Name + " (toàn đơn vị)"}
		for _, f := range b.Figures {
			sh.Columns = append(sh.Columns, export.Column{Header: f.Label, Width: 16})
			total = append(total, f.Value)
		}
		sh.Rows = append(sh.Rows, total)
		for _, c := range rep.Figures.Children {
			vals, ok := b.ByChild[c.Path]
			if !ok {
				continue
			}
			row := []any{c.Name}
			for _, v := range vals {
				row = append(row, v)
			}
			sh.Rows = append(sh.Rows, row)
		}
		sheets = append(sheets, sh)
	}
	if len(sheets) == 0 {
		sheets = append(sheets, export.Sheet{Name: "Số liệu", Columns: []export.Column{{Header: "Không có số liệu trong phạm vi được xem."}}})
	}
	return s.sendSheets(w, r, "Bang so lieu "+rep.Unit.Name+" "+rep.From+" "+rep.To, sheets...)
}
