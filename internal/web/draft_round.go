package web

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/draft"
	"danvan/internal/draft/split"
	"danvan/internal/org"
)

func (s *Server) draftRoundRoutes() {
	s.handle("GET /drafts/{id}/rounds/new", s.draftRoundForm)
	s.handle("POST /drafts/{id}/rounds/new", s.draftRoundCreate)
	s.handle("GET /drafts/{id}/rounds/{rid}", s.draftRoundShow)
	s.handle("POST /drafts/{id}/rounds/{rid}/comments", s.draftCommentCreate)
	s.handle("GET /drafts/{id}/comments/{cid}/edit", s.draftCommentEditForm)
	s.handle("POST /drafts/{id}/comments/{cid}/edit", s.draftCommentUpdate)
	s.handle("POST /drafts/{id}/comments/{cid}/answer", s.draftCommentAnswer)
	s.handle("POST /drafts/{id}/comments/{cid}/moderate", s.draftCommentModerate)
	s.handle("GET /drafts/{id}/rounds/{rid}/report", s.draftReport)
}

func draftURL(id int64, rest ...string) string {
	return "/drafts/" + strconv.FormatInt(id, 10) + strings.Join(rest, "")
}

type roundFormPage struct {
	Page
	Draft    draft.Draft
	Versions []draft.Version
	Units    []org.Unit // default invitees (mass organisations) and other choices
	Chosen   map[int64]bool
	People   []org.Person // people who may be invited in person
	ChosenP  map[int64]bool
}

func (s *Server) roundFormPage(r *http.Request, p *org.Principal, id int64) (roundFormPage, error) {
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return roundFormPage{}, err
	}
	if !s.Drafts.RightsOn(p, d).Manage {
		return roundFormPage{}, apperr.New(apperr.Forbidden, "web.round", "Bạn không có quyền mở đợt lấy ý kiến.")
	}
	pg := roundFormPage{Page: s.page(r, "Mở đợt lấy ý kiến", "drafts", draftCrumbs(Crumb{Label: d.Title, Href: draftURL(id)}, Crumb{Label: "Mở đợt lấy ý kiến"})...), Draft: d,
		Chosen: map[int64]bool{}, ChosenP: map[int64]bool{}}
	// People of the drafting unit's subtree, by name, may be invited in person.
	if pp, err := s.Org.FindPeople(r.Context(), p, org.PeopleFilter{UnitID: d.UnitID, Limit: 200}); err == nil {
		pg.People = pp.People
	} else if apperr.KindOf(err) != apperr.NotFound && apperr.KindOf(err) != apperr.Forbidden {
		return pg, err
	}
	if pg.Versions, err = s.Drafts.Versions(r.Context(), p, id); err != nil {
		return pg, err
	}
	mass, err := s.Drafts.DefaultInvitees(r.Context(), p, id)
	if err != nil {
		return pg, err
	}
	for _, u := range mass {
		pg.Chosen[u.ID] = true
	}
	pg.Units = mass
	// Other units of the drafting unit's parent agency may be invited too.
	if kids, err := s.Org.Children(r.Context(), p, d.UnitID, false); err == nil {
		for _, k := range kids {
			if !pg.Chosen[k.ID] {
				pg.Units = append(pg.Units, k)
			}
		}
	}
	return pg, nil
}

func (s *Server) draftRoundForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.roundFormPage(r, p, id)
	if err != nil {
		return err
	}
	now := s.DB.Now().In(vnZone())
	pg.Form = map[string][]string{
		"opens_at":  {now.Format("2006-01-02T15:04")},
		"closes_at": {now.AddDate(0, 0, 14).Format("2006-01-02") + "T17:00"},
	}
	return s.render(w, r, http.StatusOK, "draft/round_form", pg)
}

func vnZone() *time.Location { return time.FixedZone("ICT", 7*3600) }

func (s *Server) draftRoundCreate(w http.ResponseWriter, r *http.Request) error {
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
	in := draft.RoundInput{VersionID: formInt(r, "version_id"), Visibility: r.PostFormValue("visibility"), Public: r.PostFormValue("public") == "1", Note: r.PostFormValue("note")}
	var v apperr.Validation
	var ok bool
	if in.OpensAt, ok = parseVNDateTime(r.PostFormValue("opens_at")); !ok {
		v.Add("opens_at", "Thời điểm bắt đầu không hợp lệ (dd/mm/yyyy hh:mm).")
	}
	if in.ClosesAt, ok = parseVNDateTime(r.PostFormValue("closes_at")); !ok {
		v.Add("closes_at", "Thời điểm kết thúc không hợp lệ (dd/mm/yyyy hh:mm).")
	}
	for _, x := range r.PostForm["units"] {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			in.UnitIDs = append(in.UnitIDs, n)
		}
	}
	for _, x := range r.PostForm["people"] {
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			in.PersonIDs = append(in.PersonIDs, n)
		}
	}
	err = v.Err()
	var rd draft.Round
	if err == nil {
		rd, err = s.Drafts.OpenRound(ctx, p, id, in)
	}
	// The form comes back with the units and people that were ticked, not the defaults.
	rebuild := func() (roundFormPage, error) {
		pg, err := s.roundFormPage(r, p, id)
		if err != nil {
			return pg, err
		}
		pg.Chosen = map[int64]bool{}
		for _, u := range in.UnitIDs {
			pg.Chosen[u] = true
		}
		for _, x := range in.PersonIDs {
			pg.ChosenP[x] = true
		}
		return pg, nil
	}
	return finishForm(s, w, r, err, "draft/round_form", rebuild, draftURL(id, "/rounds/", strconv.FormatInt(rd.ID, 10)), "Đã mở đợt lấy ý kiến.")
}

// PartView is a part of the text with the comments on it, for the round page.
type PartView struct {
	draft.Part
	Comments []draft.Comment
	Count    draft.ArticleCount // for articles, in the summarised view of a large round
}

// inlineComments is how many comments a round may have for its page to show them all
// under their articles; beyond, the page shows counts per article and the comments a
// page of commentsPerPage at a time, by article.
const (
	inlineComments  = 200
	commentsPerPage = 100
)

type roundPage struct {
	Page
	Draft      draft.Draft
	Rights     draft.Rights
	Round      draft.Round
	State      string
	StateLabel string
	Parts      []PartView
	General    []draft.Comment
	Pending    []draft.Comment
	Speakable  []draft.Invite // units the viewer may speak for
	CanComment bool
	Unanswered bool // filter
	Now        time.Time
	// The summarised view of a large round (or of one article).
	Paged        bool
	Article      string // selected article key; "chung" for the whole draft
	ArticleRef   string
	List         []draft.Comment
	PageNo       int
	More         bool
	FilterURL    string // the current filters, for the page links
	GeneralCount draft.ArticleCount
	Index        []PartView   // the articles with their counts
	Options      []draft.Part // every part, for the comment form
}

// PartOptions are the choices of the comment form's "góp ý về".
func (pg roundPage) PartOptions() template.HTML { return partOptions(pg.Options, pg.Value("part_id")) }

// PartOptions are the choices of the form's "góp ý về".
func (pg commentEditPage) PartOptions() template.HTML {
	return partOptions(pg.Parts, pg.Value("part_id"))
}

func (s *Server) loadRoundPage(r *http.Request, p *org.Principal, id, rid int64) (roundPage, error) {
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return roundPage{}, err
	}
	rd, err := s.Drafts.Round(r.Context(), p, id, rid)
	if err != nil {
		return roundPage{}, err
	}
	now := s.DB.Now()
	pg := roundPage{Page: s.page(r, "Đợt lấy ý kiến: "+d.Title, "drafts", draftCrumbs(Crumb{Label: d.Title, Href: draftURL(id)}, Crumb{Label: "Đợt lấy ý kiến"})...),
		Draft: d, Rights: s.Drafts.RightsOn(p, d), Round: rd, State: rd.State(now), StateLabel: rd.StateLabel(now), Now: now,
		Unanswered: r.URL.Query().Get("unanswered") == "1"}
	v, err := s.Drafts.Version(r.Context(), p, id, rd.VersionID)
	if err != nil {
		return pg, err
	}
	q := r.URL.Query()
	pg.Article = q.Get("article")
	pg.PageNo, _ = strconv.Atoi(q.Get("page"))
	pg.PageNo = max(pg.PageNo, 1)
	pg.Paged = pg.Article != "" || rd.Comments > inlineComments
	pg.Options = v.Parts
	pg.Parts = make([]PartView, len(v.Parts))
	for i, pt := range v.Parts {
		pg.Parts[i] = PartView{Part: pt}
	}
	if pg.Paged {
		counts, err := s.Drafts.ArticleCounts(r.Context(), p, rid)
		if err != nil {
			return pg, err
		}
		pg.GeneralCount = counts[""]
		for i := range pg.Parts {
			if pg.Parts[i].Level == split.Article {
				pg.Parts[i].Count = counts[pg.Parts[i].Key]
				if pg.Parts[i].Key == pg.Article {
					pg.ArticleRef = pg.Parts[i].Ref()
				}
			}
		}
		f := draft.CommentFilter{Unanswered: pg.Unanswered, Offset: (pg.PageNo - 1) * commentsPerPage, Limit: commentsPerPage + 1}
		switch {
		case pg.Article == "chung":
			f.General, pg.ArticleRef = true, "Toàn bộ dự thảo"
		case pg.Article != "" && pg.ArticleRef == "":
			return pg, errNotFound
		default:
			f.Article = pg.Article
		}
		if pg.List, err = s.Drafts.Comments(r.Context(), p, rid, f); err != nil {
			return pg, err
		}
		if len(pg.List) > commentsPerPage {
			pg.List, pg.More = pg.List[:commentsPerPage], true
		}
		fq := url.Values{}
		if pg.Article != "" {
			fq.Set("article", pg.Article)
		}
		if pg.Unanswered {
			fq.Set("unanswered", "1")
		}
		pg.FilterURL = fq.Encode()
		// The text shown is the selected article's only; the others are listed with their counts.
		var text []PartView
		for _, pv := range pg.Parts {
			if pv.Level == split.Article {
				pg.Index = append(pg.Index, pv)
			}
			if pg.Article != "" && pv.Article == pg.Article {
				text = append(text, pv)
			}
		}
		pg.Parts = text
	} else {
		cs, err := s.Drafts.Comments(r.Context(), p, rid, draft.CommentFilter{Unanswered: pg.Unanswered})
		if err != nil {
			return pg, err
		}
		idx := map[int64]int{}
		for i, pt := range pg.Parts {
			idx[pt.ID] = i
		}
		for _, c := range cs {
			if i, ok := idx[c.PartID]; ok && c.PartID != 0 {
				pg.Parts[i].Comments = append(pg.Parts[i].Comments, c)
			} else {
				pg.General = append(pg.General, c)
			}
		}
	}
	if pg.Rights.Manage {
		if pg.Pending, err = s.Drafts.Comments(r.Context(), p, rid, draft.CommentFilter{Pending: true}); err != nil {
			return pg, err
		}
	}
	if pg.State == "open" {
		pg.CanComment = true
		for _, in := range rd.Invites {
			if in.UnitID != 0 && draft.MaySpeakFor(r.Context(), s.DB, p, in.UnitID) {
				pg.Speakable = append(pg.Speakable, in)
			}
		}
	}
	return pg, nil
}

func (s *Server) draftRoundShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	pg, err := s.loadRoundPage(r, p, id, rid)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "draft/round", pg)
}

// errCommentTooLarge answers a comment form too large to read (a pasted book): the
// form comes back with the limit under the comment field.
var errCommentTooLarge = &apperr.Error{Kind: apperr.Invalid, Op: "web.comment", Message: "Dữ liệu gửi lên quá lớn nên chưa được lưu.",
	Fields: map[string]string{"body": "Góp ý tối đa 20.000 ký tự; hãy rút gọn hoặc chia thành nhiều góp ý theo từng điều."}}

func (s *Server) draftCommentCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		if !errors.Is(err, errFormTooLarge) {
			return err
		}
		pg, perr := s.loadRoundPage(r, p, id, rid)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, errCommentTooLarge)
		return s.render(w, r, http.StatusRequestEntityTooLarge, "draft/round", pg)
	}
	in := draft.CommentInput{PartID: formInt(r, "part_id"), UnitID: formInt(r, "unit_id"), Body: r.PostFormValue("body"), Proposed: r.PostFormValue("proposed")}
	c, err := s.Drafts.AddComment(ctx, p, rid, in)
	if err == nil && c.DraftID != id {
		return errNotFound
	}
	return finishForm(s, w, r, err, "draft/round", func() (roundPage, error) { return s.loadRoundPage(r, p, id, rid) },
		draftURL(id, "/rounds/", strconv.FormatInt(rid, 10), "#c", strconv.FormatInt(c.ID, 10)), "Đã gửi góp ý.")
}

type commentEditPage struct {
	Page
	Draft   draft.Draft
	Comment draft.Comment
	Parts   []draft.Part
}

func (s *Server) commentEditPage(r *http.Request, p *org.Principal, id, cid int64) (commentEditPage, error) {
	d, err := s.Drafts.Get(r.Context(), p, id)
	if err != nil {
		return commentEditPage{}, err
	}
	c, err := s.Drafts.Comment(r.Context(), p, cid)
	if err != nil || c.DraftID != id {
		return commentEditPage{}, errNotFound
	}
	if c.AuthorUser != p.UserID {
		return commentEditPage{}, apperr.New(apperr.Forbidden, "web.commentEdit", "Chỉ người viết góp ý được sửa góp ý này.")
	}
	rd, err := s.Drafts.Round(r.Context(), p, id, c.RoundID)
	if err != nil {
		return commentEditPage{}, err
	}
	v, err := s.Drafts.Version(r.Context(), p, id, rd.VersionID)
	if err != nil {
		return commentEditPage{}, err
	}
	pg := commentEditPage{Page: s.page(r, "Sửa góp ý", "drafts", draftCrumbs(Crumb{Label: d.Title, Href: draftURL(id)}, Crumb{Label: "Sửa góp ý"})...), Draft: d, Comment: c, Parts: v.Parts}
	pg.Form = map[string][]string{"body": {c.Body}, "proposed": {c.Proposed}, "part_id": {strconv.FormatInt(c.PartID, 10)}}
	return pg, nil
}

func (s *Server) draftCommentEditForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	pg, err := s.commentEditPage(r, p, id, cid)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "draft/comment_edit", pg)
}

func (s *Server) draftCommentUpdate(w http.ResponseWriter, r *http.Request) error {
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
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	pg, err := s.commentEditPage(r, p, id, cid)
	if err != nil {
		return err
	}
	c, err := s.Drafts.UpdateComment(ctx, p, cid, draft.CommentInput{PartID: formInt(r, "part_id"), Body: r.PostFormValue("body"), Proposed: r.PostFormValue("proposed")})
	return finishForm(s, w, r, err, "draft/comment_edit", builtPage(pg), draftURL(id, "/rounds/", strconv.FormatInt(c.RoundID, 10), "#c", strconv.FormatInt(c.ID, 10)), "Đã sửa góp ý.")
}

func (s *Server) draftCommentAnswer(w http.ResponseWriter, r *http.Request) error {
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
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	old, err := s.Drafts.Comment(r.Context(), p, cid)
	if err != nil || old.DraftID != id {
		return errNotFound
	}
	c, err := s.Drafts.Answer(ctx, p, cid, draft.AnswerInput{Kind: r.PostFormValue("answer"), Text: r.PostFormValue("answer_text"), Ref: r.PostFormValue("answer_ref")})
	back := draftURL(id, "/rounds/", strconv.FormatInt(old.RoundID, 10))
	if err == nil {
		return s.redirect(w, r, back+"#c"+strconv.FormatInt(c.ID, 10), "success", "Đã trả lời góp ý ("+c.AnswerLabel()+").")
	}
	if apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	pg, perr := s.loadRoundPage(r, p, id, old.RoundID)
	if perr != nil {
		return perr
	}
	withFormError(&pg.Page, r, err)
	pg.ErrorMsg = "Chưa lưu được trả lời góp ý #" + strconv.FormatInt(cid, 10) + ": " + pg.ErrorMsg
	pg.Form.Set("answer_for", strconv.FormatInt(cid, 10))
	return s.render(w, r, http.StatusUnprocessableEntity, "draft/round", pg)
}

func (s *Server) draftCommentModerate(w http.ResponseWriter, r *http.Request) error {
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
	cid, err := pathID(r, "cid")
	if err != nil {
		return err
	}
	c, err := s.Drafts.Comment(r.Context(), p, cid)
	if err != nil || c.DraftID != id {
		return errNotFound
	}
	approve := r.PostFormValue("decision") == "approve"
	if err := s.Drafts.Moderate(ctx, p, cid, approve); err != nil {
		return err
	}
	msg := "Đã duyệt hiển thị góp ý."
	if !approve {
		msg = "Đã không duyệt góp ý."
	}
	return s.redirect(w, r, draftURL(id, "/rounds/", strconv.FormatInt(c.RoundID, 10)), "success", msg)
}

type reportPage struct {
	Page
	Report   draft.Report
	General  template.HTML // the table of comments on the whole draft
	Articles []reportArticle
}

// reportArticle is an article of the report with its table of comments.
type reportArticle struct {
	draft.ArticleBlock
	Rows template.HTML
}

// reportTable writes the table of a report's comments. It is built here rather than in
// the template because a round can have 10,000 comments, and html/template's per-field
// reflection and escaping made the page cost several times more; every value is escaped.
func reportTable(cs []draft.Comment) template.HTML {
	var b strings.Builder
	b.Grow(len(cs) * 400)
	b.WriteString(`<table class="list report"><thead><tr><th scope="col">Vị trí</th><th scope="col">Đơn vị, cá nhân góp ý</th><th scope="col">Nội dung góp ý</th><th scope="col">Tiếp thu, giải trình</th></tr></thead><tbody>`)
	esc := html.EscapeString
	for _, c := range cs {
		b.WriteString("\n<tr><td>")
		b.WriteString(esc(c.PartRef))
		b.WriteString("</td><td>")
		b.WriteString(esc(c.Who()))
		if c.UnitID != 0 {
			b.WriteString(`<br><span class="kind">`)
			b.WriteString(esc(c.AuthorName))
			b.WriteString(" ký</span>")
		}
		b.WriteString("</td><td>")
		b.WriteString(esc(c.Body))
		if c.Proposed != "" {
			b.WriteString("<br><em>Đề xuất sửa:</em> ")
			b.WriteString(esc(c.Proposed))
		}
		b.WriteString("</td><td><strong>")
		b.WriteString(esc(c.AnswerLabel()))
		b.WriteString("</strong>")
		if c.AnswerRef != "" {
			b.WriteString(" (")
			b.WriteString(esc(c.AnswerRef))
			b.WriteString(")")
		}
		if c.AnswerText != "" {
			b.WriteString("<br>")
			b.WriteString(esc(c.AnswerText))
		}
		b.WriteString("</td></tr>")
	}
	b.WriteString("</tbody></table>")
	return template.HTML(b.String())
}

func (s *Server) draftReport(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	rep, err := s.Drafts.Report(r.Context(), p, rid)
	if err != nil {
		return err
	}
	if rep.Draft.ID != id {
		return errNotFound
	}
	pg := reportPage{Page: s.page(r, "Báo cáo tổng hợp ý kiến: "+rep.Draft.Title, "drafts", draftCrumbs(Crumb{Label: rep.Draft.Title, Href: draftURL(id)}, Crumb{Label: "Báo cáo tổng hợp"})...), Report: rep}
	if len(rep.General) > 0 {
		pg.General = reportTable(rep.General)
	}
	for _, a := range rep.Articles {
		pg.Articles = append(pg.Articles, reportArticle{ArticleBlock: a, Rows: reportTable(a.Comments)})
	}
	return s.render(w, r, http.StatusOK, "draft/report", pg)
}
