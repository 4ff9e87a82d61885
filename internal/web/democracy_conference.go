package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/democracy"
	"danvan/internal/draft"
	"danvan/internal/org"
	"danvan/internal/work"
)

// conferenceRoutes registers the pages of the annual staff conference.
func (s *Server) conferenceRoutes() {
	s.handle("GET /democracy/conferences", s.conferenceList)
	s.handle("GET /democracy/conferences/new", s.conferenceNewForm)
	s.handle("POST /democracy/conferences/new", s.conferenceCreate)
	s.handle("GET /democracy/conferences/{id}", s.conferenceShow)
	s.handle("POST /democracy/conferences/{id}/attendance", s.conferenceAttendance)
	s.handle("POST /democracy/conferences/{id}/items", s.conferenceAddItem)
	s.handle("POST /democracy/conferences/{id}/items/{iid}/votes", s.conferenceVotes)
	s.handle("POST /democracy/conferences/{id}/documents", s.conferenceAddDocument)
	s.handle("POST /democracy/conferences/{id}/documents/link", s.conferenceLinkDocument)
	s.handle("POST /democracy/conferences/{id}/commitments", s.conferenceAddCommitment)
	s.handle("POST /democracy/conferences/{id}/board", s.conferenceElectBoard)
	s.handle("POST /democracy/conferences/{id}/resolution", s.conferenceIssue)
	s.conferenceExportRoutes()
}

func conferenceCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Dân chủ cơ sở", Href: "/democracy"}, {Label: "Hội nghị cán bộ, công chức", Href: "/democracy/conferences"}}, extra...)
}

func confURL(id int64) string { return "/democracy/conferences/" + strconv.FormatInt(id, 10) }

// confRow is a conference of the list with its timeliness on today.
type confRow struct {
	democracy.Conference
	Timeliness string
}

// TimelinessLabel names the row's timeliness.
func (c confRow) TimelinessLabel() string { return democracy.TimelinessLabel(c.Timeliness) }

// TimelinessBadge is the badge class of the timeliness: a word and a colour.
func (c confRow) TimelinessBadge() string { return timelinessBadge(c.Timeliness) }

func timelinessBadge(t string) string {
	switch t {
	case "on-time":
		return string(work.OnTime)
	case "late", "waiting":
		return string(work.DueSoon)
	case "overdue", "missing":
		return string(work.Overdue)
	}
	return string(work.NoDue)
}

type conferenceListPage struct {
	Page
	Rows      []confRow
	Year      int
	CanCreate bool
}

func (s *Server) conferenceList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	year := atoi(r.URL.Query().Get("year"))
	cs, err := s.Conferences.Conferences(r.Context(), p, democracy.ConferenceFilter{Year: year})
	if err != nil {
		return err
	}
	managed, err := s.Conferences.PlannableAgencies(r.Context(), p)
	if err != nil {
		return err
	}
	today := work.Today(s.DB.Now())
	pg := conferenceListPage{Page: s.page(r, "Hội nghị cán bộ, công chức, viên chức, người lao động", "democracy", conferenceCrumbs()[:1]...), Year: year, CanCreate: len(managed) > 0}
	pg.Crumbs = append(pg.Crumbs, Crumb{Label: "Hội nghị cán bộ, công chức"})
	for _, c := range cs {
		pg.Rows = append(pg.Rows, confRow{Conference: c, Timeliness: c.Timeliness(today)})
	}
	return s.render(w, r, http.StatusOK, "democracy/conference_list", pg)
}

type conferenceFormPage struct {
	Page
	Agencies []org.Unit
	Years    []int
	Staff    []democracy.Delegate // to choose elected delegates, when one agency is run
}

// DelegateChecked says whether a staff member is ticked as an elected delegate.
func (pg conferenceFormPage) DelegateChecked(id int64) bool {
	for _, v := range pg.Form["delegate_ids"] {
		if v == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}

func (s *Server) conferenceFormPage(r *http.Request, p *org.Principal) (conferenceFormPage, error) {
	pg := conferenceFormPage{Page: s.page(r, "Lập kế hoạch hội nghị cán bộ, công chức, viên chức, người lao động", "democracy", conferenceCrumbs(Crumb{Label: "Lập kế hoạch hội nghị"})...)}
	var err error
	if pg.Agencies, err = s.Conferences.PlannableAgencies(r.Context(), p); err != nil {
		return pg, err
	}
	if len(pg.Agencies) == 0 {
		return pg, apperr.New(apperr.Forbidden, "web.conferenceNew", "Chỉ thủ trưởng, văn phòng cơ quan và công đoàn cơ quan được lập kế hoạch hội nghị.")
	}
	if len(pg.Agencies) == 1 {
		if pg.Staff, err = democracy.StaffOf(r.Context(), s.DB, pg.Agencies[0].Path); err != nil {
			return pg, err
		}
	}
	y := s.DB.Now().In(work.VietnamZone).Year()
	pg.Years = []int{y + 1, y}
	return pg, nil
}

func (s *Server) conferenceNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.conferenceFormPage(r, p)
	if err != nil {
		return err
	}
	// The conference follows the work year: in the last months it is next year's.
	year := pg.Years[1]
	if s.DB.Now().In(work.VietnamZone).Month() >= time.October {
		year = pg.Years[0]
	}
	pg.Form = url.Values{"year": {strconv.Itoa(year)}, "delegate_mode": {democracy.DelegatesAll}}
	if len(pg.Agencies) == 1 {
		pg.Form.Set("unit_id", strconv.FormatInt(pg.Agencies[0].ID, 10))
	}
	return s.render(w, r, http.StatusOK, "democracy/conference_form", pg)
}

func (s *Server) conferenceCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.conferenceFormPage(r, p)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	var id int64
	if err == nil {
		in := democracy.ConferenceInput{UnitID: formInt(r, "unit_id"), Year: atoi(r.PostFormValue("year")), Place: r.PostFormValue("place"), DelegateMode: r.PostFormValue("delegate_mode")}
		var ok bool
		if in.PlannedOn, ok = ParseDateVN(r.PostFormValue("planned_on")); !ok {
			err = fieldErr("planned_on", "Ngày dự kiến không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		for _, v := range r.PostForm["delegate_ids"] {
			if n, perr := strconv.ParseInt(v, 10, 64); perr == nil {
				in.DelegateIDs = append(in.DelegateIDs, n)
			}
		}
		if err == nil {
			id, err = s.Conferences.CreateConference(ctx, p, in)
		}
	}
	if apperr.KindOf(err) == apperr.Conflict {
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusConflict, "democracy/conference_form", pg)
	}
	return finishForm(s, w, r, err, "democracy/conference_form", builtPage(pg), confURL(id), "Đã lập kế hoạch hội nghị. Tiếp theo: đưa tài liệu ra lấy ý kiến cán bộ và chuẩn bị chương trình.")
}

// conferenceShowPage is the conference with every form of its preparation and its day.
type conferenceShowPage struct {
	Page
	C          democracy.Conference
	Timeliness string
	CanManage  bool
	CanIssue   bool
	CanDraft   bool
	Staff      []democracy.Delegate // for the commitments' leads and the board
	Drafts     []draft.Draft        // the agency's drafts not yet linked
	Board      *democracy.Board
	Today      string
	History    []audit.Row
}

// TimelinessLabel names the conference's timeliness.
func (pg conferenceShowPage) TimelinessLabel() string {
	return democracy.TimelinessLabel(pg.Timeliness)
}

// TimelinessBadge is its badge class.
func (pg conferenceShowPage) TimelinessBadge() string { return timelinessBadge(pg.Timeliness) }

// QuorumMet is whether the attendance makes the quorum.
func (pg conferenceShowPage) QuorumMet() bool { return pg.C.HasQuorum() }

// Issued is whether the resolution is out (the page then records nothing more).
func (pg conferenceShowPage) Issued() bool { return pg.C.Status == democracy.StatusIssued }

// Held is whether the attendance was taken.
func (pg conferenceShowPage) Held() bool { return pg.C.Status != democracy.StatusPlanned }

// ResolutionItem is the agenda's "Thông qua nghị quyết" item, if any.
func (pg conferenceShowPage) ResolutionItem() *democracy.Item {
	for i := range pg.C.Items {
		if pg.C.Items[i].Kind == democracy.ItemResolution {
			return &pg.C.Items[i]
		}
	}
	return nil
}

// HasResolutionItem is whether the agenda has it (the kind is offered once).
func (pg conferenceShowPage) HasResolutionItem() bool { return pg.ResolutionItem() != nil }

// PresentChecked says whether a delegate's box starts ticked: as recorded, or everyone
// before the first attendance (the secretary unticks the absent), or as just submitted.
func (pg conferenceShowPage) PresentChecked(d democracy.Delegate) bool {
	if _, submitted := pg.Form["att_held_on"]; submitted {
		for _, v := range pg.Form["att_present"] {
			if v == strconv.FormatInt(d.PersonID, 10) {
				return true
			}
		}
		return false
	}
	if pg.C.Status == democracy.StatusPlanned {
		return true
	}
	return d.Present
}

// Submitted reports whether the page comes back from the form whose field is named so
// (its folded form then opens, with what was typed).
func (pg conferenceShowPage) Submitted(field string) bool {
	_, ok := pg.Form[field]
	return ok
}

// VotesSubmitted is Submitted for the votes form of an item.
func (pg conferenceShowPage) VotesSubmitted(itemID int64) bool {
	return pg.Submitted("v" + strconv.FormatInt(itemID, 10) + "_votes_for")
}

// MemberChecked says whether a staff member's box of the board's list is ticked.
func (pg conferenceShowPage) MemberChecked(id int64) bool {
	for _, v := range pg.Form["board_member_ids"] {
		if v == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}

func (s *Server) conferencePage(r *http.Request, p *org.Principal, id int64) (conferenceShowPage, error) {
	ctx := r.Context()
	c, err := s.Conferences.Conference(ctx, p, id)
	if err != nil {
		return conferenceShowPage{}, err
	}
	today := work.Today(s.DB.Now())
	pg := conferenceShowPage{Page: s.page(r, c.Title()+" — "+c.UnitName, "democracy", conferenceCrumbs(Crumb{Label: c.UnitName + " " + strconv.Itoa(c.Year)})...),
		C: c, Timeliness: c.Timeliness(today), CanManage: c.CanManage(p), CanIssue: c.CanIssue(p), CanDraft: c.CanManage(p) && p.CanPath(org.ManageDraft, c.UnitPath), Today: today}
	if pg.CanManage && c.Status != democracy.StatusIssued || pg.CanManage && c.BoardID == 0 {
		if pg.Staff, err = democracy.StaffOf(ctx, s.DB, c.UnitPath); err != nil {
			return pg, err
		}
	}
	if pg.CanManage && c.Status != democracy.StatusIssued {
		linked := map[int64]bool{}
		for _, d := range c.Documents {
			linked[d.DraftID] = true
		}
		ds, err := s.Drafts.List(ctx, p, "", 100)
		if err != nil {
			return pg, err
		}
		for _, d := range ds {
			if strings.HasPrefix(d.UnitPath, c.UnitPath) && !linked[d.ID] {
				pg.Drafts = append(pg.Drafts, d)
			}
		}
	}
	if c.BoardID != 0 {
		if b, err := s.Conferences.Board(ctx, p, c.BoardID); err == nil {
			pg.Board = &b
		}
	}
	pg.History, err = audit.ForEntity(ctx, s.DB, "conference", id, 50)
	return pg, err
}

func (s *Server) conferenceShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	pg, err := s.conferencePage(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "democracy/conference_show", pg)
}

// prefixFields puts a form's prefix on the field names of a validation error: the
// conference page holds several forms whose fields would otherwise share names and ids.
func prefixFields(err error, prefix string) error {
	if apperr.KindOf(err) != apperr.Invalid {
		return err
	}
	fields := apperr.FieldsOf(err)
	out := &apperr.Error{Kind: apperr.Invalid, Op: "web.conference", Message: apperr.MessageOf(err), Err: err}
	if len(fields) > 0 {
		out.Fields = map[string]string{}
		for k, v := range fields {
			out.Fields[prefix+k] = v
		}
	}
	return out
}

// conferencePost runs one form of the conference page: change does the work with the
// form's context; a refusal of the input (Invalid) or of the state (Conflict: no quorum,
// already issued…) comes back on the page with the domain's message and nothing written;
// success goes back to the page's section with a flash.
func (s *Server) conferencePost(w http.ResponseWriter, r *http.Request, prefix, anchor string, change func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error)) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Seeing the conference comes first: a stranger learns nothing, not even a form error.
	if _, err := s.Conferences.Conference(r.Context(), p, id); err != nil {
		return err
	}
	// The form is read here for every change (a form too large comes back on the page like
	// any refusal); ctx carries its one-time nonce for the change's transaction.
	ctx, err := parseForm(w, r)
	msg := ""
	if err == nil {
		msg, err = change(ctx, r, p, id)
	}
	if err != nil {
		kind := apperr.KindOf(err)
		if kind != apperr.Invalid && kind != apperr.Conflict {
			return err
		}
		pg, perr := s.conferencePage(r, p, id)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, prefixFields(err, prefix))
		status := http.StatusUnprocessableEntity
		if kind == apperr.Conflict {
			status = http.StatusConflict
		}
		return s.render(w, r, status, "democracy/conference_show", pg)
	}
	return s.redirect(w, r, confURL(id)+"#"+anchor, "success", msg)
}

// formCount reads a count of votes: empty is 0, anything else not a whole number ≥ 0 is
// an error under field (the vote's first box, where the domain puts its messages too).
func formCount(r *http.Request, name string, v *apperr.Validation, field string) int {
	raw := strings.TrimSpace(r.PostFormValue(name))
	if raw == "" {
		return 0
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		v.Add(field, "Số phiếu phải là số nguyên không âm.")
	}
	return n
}

func (s *Server) conferenceAttendance(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "att_", "attendance", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		held, ok := ParseDateVN(r.PostFormValue("att_held_on"))
		if !ok {
			return "", fieldErr("held_on", "Ngày tổ chức không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		present := formIDs(r, "att_present")
		if err := s.Conferences.RecordAttendance(ctx, p, id, held, present); err != nil {
			return "", err
		}
		c, err := s.Conferences.Conference(r.Context(), p, id)
		if err != nil {
			return "", err
		}
		msg := "Đã ghi nhận điểm danh: có mặt " + strconv.Itoa(c.Present) + "/" + strconv.Itoa(c.Delegates) + " đại biểu"
		if c.HasQuorum() {
			return msg + ", đủ số lượng tối thiểu (" + strconv.Itoa(c.QuorumNeeded()) + ").", nil
		}
		return msg + ", CHƯA đủ số lượng tối thiểu " + strconv.Itoa(c.QuorumNeeded()) + " (" + c.Rules.QuorumLabel() + "): chưa biểu quyết được.", nil
	})
}

func (s *Server) conferenceAddItem(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "item_", "agenda", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		in := democracy.ItemInput{Kind: r.PostFormValue("item_kind"), Title: r.PostFormValue("item_title"), Content: r.PostFormValue("item_content")}
		if _, err := s.Conferences.AddItem(ctx, p, id, in); err != nil {
			return "", err
		}
		return "Đã thêm nội dung vào chương trình hội nghị.", nil
	})
}

func (s *Server) conferenceVotes(w http.ResponseWriter, r *http.Request) error {
	iid, err := pathID(r, "iid")
	if err != nil {
		return err
	}
	prefix := "v" + strconv.FormatInt(iid, 10) + "_"
	return s.conferencePost(w, r, prefix, "item-"+strconv.FormatInt(iid, 10), func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		var v apperr.Validation
		votes := democracy.Votes{For: formCount(r, prefix+"votes_for", &v, "votes_for"), Against: formCount(r, prefix+"votes_against", &v, "votes_for"),
			Abstain: formCount(r, prefix+"votes_abstain", &v, "votes_for")}
		if err := v.Err(); err != nil {
			return "", err
		}
		passed, err := s.Conferences.RecordVotes(ctx, p, id, iid, votes)
		if err != nil {
			return "", err
		}
		if passed {
			return "Đã ghi kết quả biểu quyết: nội dung được thông qua.", nil
		}
		return "Đã ghi kết quả biểu quyết: nội dung không được thông qua (cần hơn một nửa số đại biểu có mặt tán thành).", nil
	})
}

func (s *Server) conferenceAddDocument(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "doc_", "documents", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		in := democracy.DocumentInput{Title: r.PostFormValue("doc_title"), Kind: r.PostFormValue("doc_kind"), Body: r.PostFormValue("doc_body")}
		closes, ok := ParseDateVN(r.PostFormValue("doc_closes_on"))
		if !ok {
			return "", fieldErr("closes_on", "Hạn góp ý không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		if closes != "" {
			// Comments close at the end of that working day, Vietnam time.
			d, _ := time.ParseInLocation("2006-01-02 15:04", closes+" 17:00", work.VietnamZone)
			in.ClosesAt = d.UTC()
		}
		if _, err := s.Conferences.AddDocument(ctx, p, id, in); err != nil {
			return "", err
		}
		return "Đã đưa tài liệu ra lấy ý kiến cán bộ, công chức, viên chức, người lao động; cán bộ góp ý tại trang đợt lấy ý kiến.", nil
	})
}

func (s *Server) conferenceLinkDocument(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "link_", "documents", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		did := formInt(r, "link_draft_id") // 0 is refused by the service, after its rights check
		if err := s.Conferences.LinkDocument(ctx, p, id, did); err != nil {
			if apperr.KindOf(err) == apperr.NotFound {
				return "", fieldErr("draft_id", apperr.MessageOf(err))
			}
			return "", err
		}
		return "Đã gắn dự thảo vào tài liệu hội nghị.", nil
	})
}

func (s *Server) conferenceAddCommitment(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "cm_", "commitments", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		in := democracy.CommitmentInput{Content: r.PostFormValue("cm_content"), LeadID: formInt(r, "cm_lead_id"), DueDays: atoi(r.PostFormValue("cm_due_days"))}
		var ok bool
		if in.DueOn, ok = ParseDateVN(r.PostFormValue("cm_due_on")); !ok {
			return "", fieldErr("due_on", "Hạn hoàn thành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		if _, err := s.Conferences.AddCommitment(ctx, p, id, in); err != nil {
			return "", err
		}
		return "Đã thêm cam kết vào nghị quyết; cam kết được giao thực hiện khi ban hành nghị quyết.", nil
	})
}

func (s *Server) conferenceElectBoard(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "board_", "board", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		var v apperr.Validation
		in := democracy.BoardInput{MemberIDs: formIDs(r, "board_member_ids"), HeadID: formInt(r, "board_head_id"),
			Votes: democracy.Votes{For: formCount(r, "board_votes_for", &v, "votes_for"), Against: formCount(r, "board_votes_against", &v, "votes_for"),
				Abstain: formCount(r, "board_votes_abstain", &v, "votes_for")}}
		if err := v.Err(); err != nil {
			return "", err
		}
		if _, err := s.Conferences.ElectBoard(ctx, p, id, in); err != nil {
			return "", err
		}
		return "Đã ghi nhận kết quả bầu Ban Thanh tra nhân dân.", nil
	})
}

func (s *Server) conferenceIssue(w http.ResponseWriter, r *http.Request) error {
	return s.conferencePost(w, r, "res_", "resolution", func(ctx context.Context, r *http.Request, p *org.Principal, id int64) (string, error) {
		in := democracy.IssueInput{Number: r.PostFormValue("res_number")}
		var ok bool
		if in.IssuedOn, ok = ParseDateVN(r.PostFormValue("res_issued_on")); !ok {
			return "", fieldErr("issued_on", "Ngày ban hành không hợp lệ; nhập theo dạng dd/mm/yyyy.")
		}
		if err := s.Conferences.IssueResolution(ctx, p, id, in); err != nil {
			return "", err
		}
		return "Đã ban hành nghị quyết; các cam kết đã được giao thành nhiệm vụ cho người chịu trách nhiệm.", nil
	})
}
