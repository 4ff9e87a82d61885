package web

import (
	"bytes"
	"errors"
	"html"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/draft"
	"danvan/internal/draft/docx"
	"danvan/internal/draft/split"
	"danvan/internal/draft/textdiff"
	"danvan/internal/org"
	"danvan/internal/work"
)

// draftRoutes registers the pages and API of the draft domain (dự thảo & góp ý).
func (s *Server) draftRoutes() {
	s.handle("GET /drafts", s.draftList)
	s.handle("GET /drafts/new", s.draftNewForm)
	s.handle("POST /drafts/new", s.draftCreate)
	s.handle("GET /drafts/{id}", s.draftShow)
	s.handle("GET /drafts/{id}/versions/new", s.draftVersionForm)
	s.handle("POST /drafts/{id}/versions/new", s.draftVersionCreate)
	s.handle("GET /drafts/{id}/versions/{vid}", s.draftVersionShow)
	s.handle("GET /drafts/{id}/diff", s.draftDiff)
	s.draftRoundRoutes()
	s.draftPublicRoutes()
	s.handleAPI("GET /api/v1/drafts", s.apiDrafts)
	s.handleAPI("GET /api/v1/drafts/{id}/report.docx", s.apiDraftReport("docx"))
	s.handleAPI("GET /api/v1/drafts/{id}/report.pdf", s.apiDraftReport("pdf"))
}

func draftCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Dự thảo & góp ý", Href: "/drafts"}}, extra...)
}

type draftListPage struct {
	Page
	Drafts    []draft.Draft
	CanCreate bool
	Now       time.Time
}

func (s *Server) draftList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ds, err := s.Drafts.List(r.Context(), p, r.URL.Query().Get("q"), 200)
	if err != nil {
		return err
	}
	pg := draftListPage{Page: s.page(r, "Dự thảo & góp ý", "drafts", Crumb{Label: "Dự thảo & góp ý"}), Drafts: ds,
		CanCreate: p.CanAnywhere(org.ManageDraft), Now: s.DB.Now()}
	return s.render(w, r, http.StatusOK, "draft/list", pg)
}

// draftFormPage is the new-draft and new-version form, with its preview step.
type draftFormPage struct {
	Page
	Draft    *draft.Draft // set for a new version
	Units    []org.Unit
	People   []org.Person
	Kinds    []string
	Preview  *split.Result
	Body     string
	Source   string
	Action   string
	MeID     int64
	Defaults map[string]string
}

// draftPeople are the leaders who may be drafter or accountable head: people holding a
// position in the principal's draft units (first 300), with the principal themselves.
func (s *Server) draftPeople(r *http.Request, p *org.Principal, units []org.Unit) ([]org.Person, error) {
	var out []org.Person
	seen := map[int64]bool{}
	if p.PersonID != 0 {
		if me, err := s.Org.PersonByID(r.Context(), p, p.PersonID); err == nil {
			out = append(out, me)
			seen[me.ID] = true
		}
	}
	for _, u := range units {
		_, people, err := s.Org.UnitPeople(r.Context(), u.ID, 100)
		if err != nil {
			return nil, err
		}
		for _, x := range people {
			if !seen[x.ID] && len(out) < 300 {
				seen[x.ID] = true
				out = append(out, x)
			}
		}
	}
	return out, nil
}

func (s *Server) draftNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	if !p.CanAnywhere(org.ManageDraft) {
		return apperr.New(apperr.Forbidden, "web.draftNew", "Bạn không có quyền tạo dự thảo.")
	}
	pg, err := s.newDraftPage(r, p)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "draft/form", pg)
}

func (s *Server) newDraftPage(r *http.Request, p *org.Principal) (draftFormPage, error) {
	pg := draftFormPage{Page: s.page(r, "Tạo dự thảo", "drafts", draftCrumbs(Crumb{Label: "Tạo dự thảo"})...), Kinds: draft.Kinds, Action: "/drafts/new", MeID: p.PersonID}
	var err error
	if pg.Units, err = s.manageUnits(r, p, org.ManageDraft); err != nil {
		return pg, err
	}
	pg.People, err = s.draftPeople(r, p, pg.Units)
	return pg, err
}

// readDraftBody returns the body of the form: the uploaded .docx converted to text when
// a file was sent, the pasted text otherwise.
func readDraftBody(r *http.Request) (body, source string, err error) {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			fh := fhs[0]
			if !strings.HasSuffix(strings.ToLower(fh.Filename), ".docx") {
				return "", "", fieldErr("file", "Chỉ nhận tệp Word .docx (Word 2007 trở lên). Tệp .doc, .pdf hãy lưu lại dưới dạng .docx hoặc dán nội dung.")
			}
			f, err := fh.Open()
			if err != nil {
				return "", "", fieldErr("file", "Không đọc được tệp tải lên.")
			}
			defer f.Close()
			b, err := io.ReadAll(io.LimitReader(f, MaxUploadBytes+1))
			if err != nil {
				return "", "", fieldErr("file", "Không đọc được tệp tải lên.")
			}
			ps, err := docx.Read(bytes.NewReader(b), int64(len(b)))
			switch {
			case errors.Is(err, docx.ErrTooLarge):
				return "", "", fieldErr("file", "Tệp .docx quá lớn khi giải nén; hãy chia nhỏ hoặc dán nội dung.")
			case err != nil:
				return "", "", fieldErr("file", "Tệp này không phải tệp Word .docx hợp lệ. Hãy mở bằng Word, chọn Lưu thành .docx, hoặc dán nội dung vào ô bên dưới.")
			}
			return docx.Text(ps), "docx", nil
		}
	}
	return r.PostFormValue("body"), "paste", nil
}

func fieldErr(field, msg string) error {
	return &apperr.Error{Kind: apperr.Invalid, Op: "web.draft", Message: "Dữ liệu chưa hợp lệ.", Fields: map[string]string{field: msg}}
}

func (s *Server) draftCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.newDraftPage(r, p)
	if err != nil {
		return err
	}
	body, source, err := readDraftBody(r)
	if err == nil {
		pg.Body, pg.Source = body, source
		if r.PostFormValue("step") != "save" || source == "docx" {
			// Preview: show the split for checking; the confirmation posts the text again.
			res, perr := draft.Preview(body)
			if perr == nil {
				pg.Preview = &res
				pg.Title = "Kiểm tra cách chia điều, khoản"
				pg.Form = r.PostForm
				return s.render(w, r, http.StatusOK, "draft/form", pg)
			}
			err = perr
		} else {
			in := draft.Input{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), UnitID: formInt(r, "unit_id"),
				DrafterID: formInt(r, "drafter_id"), HeadID: formInt(r, "head_id"), Body: body, Source: r.PostFormValue("source"), Note: r.PostFormValue("note")}
			d, cerr := s.Drafts.Create(ctx, p, in)
			if cerr == nil {
				return s.redirect(w, r, "/drafts/"+strconv.FormatInt(d.ID, 10), "success", "Đã tạo dự thảo.")
			}
			err = cerr
		}
	}
	if apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	withFormError(&pg.Page, r, err)
	pg.Body = r.PostFormValue("body")
	return s.render(w, r, http.StatusUnprocessableEntity, "draft/form", pg)
}

// draftText writes the text of a version (chương, mục, điều, khoản, điểm) as HTML. It is
// built here rather than by a template: a 300-article draft has ~1,800 parts, and
// html/template's reflection per part was most of the page's cost. Every value is escaped.
func draftText(v draft.Version) template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	b.Grow(len(v.Body) + len(v.Parts)*64)
	if v.Preamble != "" {
		b.WriteString(`<p class="preamble">` + esc(v.Preamble) + "</p>\n")
	}
	b.WriteString(`<div class="draft-text">`)
	for _, pt := range v.Parts {
		switch pt.Level {
		case split.Chapter:
			b.WriteString(`<h3 class="chapter" id="p-` + esc(pt.Key) + `">` + esc(pt.Ref()))
			if pt.Heading != "" {
				b.WriteString("<br>" + esc(pt.Heading))
			}
			b.WriteString("</h3>")
		case split.Section:
			b.WriteString(`<h4 class="section" id="p-` + esc(pt.Key) + `">` + esc(pt.Ref()))
			if pt.Heading != "" {
				b.WriteString(". " + esc(pt.Heading))
			}
			b.WriteString("</h4>")
		case split.Article:
			b.WriteString(`<p class="article" id="p-` + esc(pt.Key) + `"><strong>` + esc(pt.Ref()) + ".")
			if pt.Heading != "" {
				b.WriteString(" " + esc(pt.Heading))
			}
			b.WriteString("</strong>")
			if pt.Text != "" {
				b.WriteString("<br>" + esc(pt.Text))
			}
			b.WriteString("</p>")
		case split.Clause:
			b.WriteString(`<p class="clause">` + esc(pt.Number) + ". " + esc(pt.Text) + "</p>")
		default:
			b.WriteString(`<p class="point">` + esc(pt.Number) + ") " + esc(pt.Text) + "</p>")
		}
		b.WriteByte('\n')
	}
	b.WriteString("</div>")
	return template.HTML(b.String())
}

// partOptions writes the <option>s of the "góp ý về" select: the whole draft, then every
// article, clause and point (a 300-article draft has ~1,500), with selected marked.
func partOptions(parts []draft.Part, selected string) template.HTML {
	var b strings.Builder
	b.Grow(len(parts) * 80)
	b.WriteString(`<option value="0">Toàn bộ dự thảo</option>`)
	for _, pt := range parts {
		if pt.Level == split.Chapter || pt.Level == split.Section {
			continue
		}
		id := strconv.FormatInt(pt.ID, 10)
		b.WriteString(`<option value="` + id + `"`)
		if id == selected {
			b.WriteString(" selected")
		}
		b.WriteString(">" + html.EscapeString(pt.Ref()))
		if pt.Heading != "" {
			b.WriteString(" — " + html.EscapeString(pt.Heading))
		}
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

type draftShowPage struct {
	Page
	Text     template.HTML // the latest version
	Draft    draft.Draft
	Rights   draft.Rights
	Versions []draft.Version
	Rounds   []draft.Round
	Latest   draft.Version
	Now      time.Time
	Work     []work.Item
	History  []audit.Row
}

func (s *Server) draftShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := draftShowPage{Page: s.page(r, d.Title, "drafts", draftCrumbs(Crumb{Label: d.Title})...), Draft: d, Rights: s.Drafts.RightsOn(p, d), Now: s.DB.Now()}
	if pg.Versions, err = s.Drafts.Versions(r.Context(), p, id); err != nil {
		return err
	}
	if pg.Rounds, err = s.Drafts.Rounds(r.Context(), p, id); err != nil {
		return err
	}
	if pg.Latest, err = s.Drafts.LatestVersion(r.Context(), p, id); err != nil {
		return err
	}
	pg.Text = draftText(pg.Latest)
	// The draft's history in words (versions, rounds, notices); the viewer may see the
	// draft, so its own log rows are theirs to read.
	if pg.History, err = audit.ForEntity(r.Context(), s.DB, "draft", id, 50); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "draft/show", pg)
}

func (s *Server) draftVersionForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !s.Drafts.RightsOn(p, d).Manage {
		return apperr.New(apperr.Forbidden, "web.draftVersion", "Bạn không có quyền thêm phiên bản.")
	}
	latest, err := s.Drafts.LatestVersion(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := draftFormPage{Page: s.page(r, "Phiên bản mới: "+d.Title, "drafts", draftCrumbs(Crumb{Label: d.Title, Href: "/drafts/" + strconv.FormatInt(id, 10)}, Crumb{Label: "Phiên bản mới"})...),
		Draft: &d, Action: "/drafts/" + strconv.FormatInt(id, 10) + "/versions/new", Body: latest.Body}
	return s.render(w, r, http.StatusOK, "draft/form", pg)
}

func (s *Server) draftVersionCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !s.Drafts.RightsOn(p, d).Manage { // as the form's page: no preview for whoever may not add a version
		return apperr.New(apperr.Forbidden, "web.draftVersion", "Bạn không có quyền thêm phiên bản.")
	}
	pg := draftFormPage{Page: s.page(r, "Phiên bản mới: "+d.Title, "drafts", draftCrumbs(Crumb{Label: d.Title, Href: "/drafts/" + strconv.FormatInt(id, 10)}, Crumb{Label: "Phiên bản mới"})...),
		Draft: &d, Action: "/drafts/" + strconv.FormatInt(id, 10) + "/versions/new"}
	body, source, err := readDraftBody(r)
	if err == nil {
		pg.Body, pg.Source = body, source
		if r.PostFormValue("step") != "save" || source == "docx" {
			res, perr := draft.Preview(body)
			if perr == nil {
				pg.Preview = &res
				pg.Form = r.PostForm
				return s.render(w, r, http.StatusOK, "draft/form", pg)
			}
			err = perr
		} else {
			v, cerr := s.Drafts.AddVersion(ctx, p, id, body, r.PostFormValue("source"), r.PostFormValue("note"))
			if cerr == nil {
				return s.redirect(w, r, "/drafts/"+strconv.FormatInt(id, 10), "success", "Đã lưu phiên bản "+strconv.Itoa(v.Number)+".")
			}
			err = cerr
		}
	}
	if apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	withFormError(&pg.Page, r, err)
	pg.Body = r.PostFormValue("body")
	return s.render(w, r, http.StatusUnprocessableEntity, "draft/form", pg)
}

type draftVersionPage struct {
	Page
	Draft   draft.Draft
	Version draft.Version
	Text    template.HTML
}

func (s *Server) draftVersionShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	vid, err := pathID(r, "vid")
	if err != nil {
		return err
	}
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	v, err := s.Drafts.Version(r.Context(), p, id, vid)
	if err != nil {
		return err
	}
	title := "Phiên bản " + strconv.Itoa(v.Number)
	pg := draftVersionPage{Page: s.page(r, title+": "+d.Title, "drafts", draftCrumbs(Crumb{Label: d.Title, Href: "/drafts/" + strconv.FormatInt(id, 10)}, Crumb{Label: title})...), Draft: d, Version: v, Text: draftText(v)}
	return s.render(w, r, http.StatusOK, "draft/version", pg)
}

// ArticleDiff is one article compared between two versions.
type ArticleDiff struct {
	Ref    string
	Status string // added | removed | changed | same
	Spans  []textdiff.Span
}

type draftDiffPage struct {
	Page
	Draft    draft.Draft
	Versions []draft.Version
	A, B     draft.Version
	Articles []ArticleDiff
	Changed  int
}

// articleTexts joins each article's heading and parts into one text, in order.
func articleTexts(v draft.Version) ([]string, map[string]string, map[string]string) {
	var order []string
	texts := map[string]string{}
	refs := map[string]string{}
	for _, pt := range v.Parts {
		if pt.Article == "" {
			continue
		}
		if pt.Level == split.Article {
			order = append(order, pt.Key)
			refs[pt.Key] = pt.Ref()
			texts[pt.Key] = strings.TrimSpace(pt.Heading + "\n" + pt.Text)
			continue
		}
		texts[pt.Article] += "\n" + pt.Number + map[split.Level]string{split.Clause: ".", split.Point: ")"}[pt.Level] + " " + pt.Text
	}
	return order, texts, refs
}

// DiffVersions compares two versions article by article (exported for tests).
func DiffVersions(a, b draft.Version) []ArticleDiff {
	oa, ta, ra := articleTexts(a)
	ob, tb, rb := articleTexts(b)
	var out []ArticleDiff
	inB := map[string]bool{}
	for _, k := range ob {
		inB[k] = true
	}
	// Articles of b in order, with a's removed articles placed after their predecessor.
	ia := 0
	for _, k := range ob {
		for ia < len(oa) && !inB[oa[ia]] {
			out = append(out, ArticleDiff{Ref: ra[oa[ia]], Status: "removed", Spans: textdiff.Words(ta[oa[ia]], "")})
			ia++
		}
		if ia < len(oa) && oa[ia] == k {
			ia++
		}
		old, ok := ta[k]
		if !ok {
			out = append(out, ArticleDiff{Ref: rb[k], Status: "added", Spans: textdiff.Words("", tb[k])})
			continue
		}
		spans := textdiff.Words(old, tb[k])
		st := "same"
		if textdiff.Changed(spans) {
			st = "changed"
		}
		out = append(out, ArticleDiff{Ref: rb[k], Status: st, Spans: spans})
	}
	for ; ia < len(oa); ia++ {
		if !inB[oa[ia]] {
			out = append(out, ArticleDiff{Ref: ra[oa[ia]], Status: "removed", Spans: textdiff.Words(ta[oa[ia]], "")})
		}
	}
	return out
}

func (s *Server) draftDiff(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	vs, err := s.Drafts.Versions(r.Context(), p, id)
	if err != nil {
		return err
	}
	if len(vs) < 2 {
		return s.redirect(w, r, "/drafts/"+strconv.FormatInt(id, 10), "info", "Dự thảo mới có một phiên bản; chưa có gì để so sánh.")
	}
	pick := func(name string, def draft.Version) int64 {
		n, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		for _, v := range vs {
			if v.ID == n {
				return n
			}
		}
		return def.ID
	}
	aID, bID := pick("a", vs[len(vs)-2]), pick("b", vs[len(vs)-1])
	pg := draftDiffPage{Page: s.page(r, "So sánh phiên bản: "+d.Title, "drafts", draftCrumbs(Crumb{Label: d.Title, Href: "/drafts/" + strconv.FormatInt(id, 10)}, Crumb{Label: "So sánh phiên bản"})...),
		Draft: d, Versions: vs}
	if pg.A, err = s.Drafts.Version(r.Context(), p, id, aID); err != nil {
		return err
	}
	if pg.B, err = s.Drafts.Version(r.Context(), p, id, bID); err != nil {
		return err
	}
	pg.Articles = DiffVersions(pg.A, pg.B)
	for _, a := range pg.Articles {
		if a.Status != "same" {
			pg.Changed++
		}
	}
	return s.render(w, r, http.StatusOK, "draft/diff", pg)
}

// parseVNDateTime reads a time typed in Vietnam time ("2026-11-25T08:00" from a
// datetime-local input, or "25/11/2026 08:00") and returns it in UTC.
func parseVNDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "02/01/2006 15:04", "2/1/2006 15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, work.VietnamZone); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
