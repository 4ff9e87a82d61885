package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/draft"
	"danvan/internal/sqldb"
)

// draftPublicRoutes are the citizens' pages of public consultation rounds: no account,
// comments held for moderation and shown once approved, submissions rate-limited per
// address.
func (s *Server) draftPublicRoutes() {
	// The pages show public rounds, their approved comments, their drafts' titles, units and
	// heads, and whether each is open.
	pages := &publicPages{}
	// The next opening or closing is read again only when the rounds changed or it passed.
	var next keptForTag[string]
	s.handle("GET /gop-y", s.cachedPublic(pages, func(r *http.Request) (string, time.Time, error) {
		tag, at, err := s.versionsTag(r.Context(), "consultation", "units")
		if err != nil {
			return "", at, err
		}
		n, err := next.get(tag, func(n string) bool { return n == "" || sqldb.FormatTime(s.DB.Now()) < n },
			func() (string, error) { return s.Drafts.NextPublicChange(r.Context()) })
		if err != nil {
			return "", at, err
		}
		return tag + "-" + contentTag(n), at, nil
	}, s.publicRounds))
	s.handle("GET /gop-y/{rid}", s.cachedPublic(pages, func(r *http.Request) (string, time.Time, error) {
		rid, err := pathID(r, "rid")
		if err != nil {
			return "", time.Time{}, nil
		}
		state, err := s.Drafts.PublicRoundState(r.Context(), rid)
		if err != nil || state == "" {
			return "", time.Time{}, err
		}
		tag, at, err := s.versionsTag(r.Context(), "consultation", "units")
		return tag + "-" + state, at, err
	}, s.publicRound))
	s.handle("POST /gop-y/{rid}", s.publicComment)
}

type publicRoundsPage struct {
	Page
	Rounds []draft.PublicRound
}

func (s *Server) publicRounds(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.Drafts.PublicRounds(r.Context())
	if err != nil {
		return err
	}
	pg := publicRoundsPage{Page: s.publicPage(r, "Góp ý dự thảo văn bản", "drafts"), Rounds: rs}
	pg.Description = "Các dự thảo đang lấy ý kiến người dân; góp ý không cần tài khoản."
	return s.render(w, r, http.StatusOK, "draft/public_list", pg)
}

type publicRoundPage struct {
	Page
	Round draft.PublicRound
	Open  bool
	Parts []PartView
	// General are approved comments on the whole draft.
	General []draft.Comment
}

// PartOptions are the choices of the form's "góp ý về".
func (pg publicRoundPage) PartOptions() template.HTML {
	return partOptions(pg.Round.Version.Parts, pg.Value("part_id"))
}

func (s *Server) loadPublicRound(r *http.Request) (publicRoundPage, error) {
	rid, err := pathID(r, "rid")
	if err != nil {
		return publicRoundPage{}, err
	}
	x, err := s.Drafts.PublicRoundByID(r.Context(), rid)
	if err != nil {
		return publicRoundPage{}, err
	}
	pg := publicRoundPage{Page: s.publicPage(r, "Góp ý dự thảo: "+x.Title, "drafts"), Round: x, Open: x.Round.State(s.DB.Now()) == "open"}
	pg.Crumbs = []Crumb{{Label: "Góp ý dự thảo", Href: "/gop-y"}, {Label: x.Title}}
	byPart := map[int64][]draft.Comment{}
	for _, c := range x.Comments {
		if c.PartID == 0 {
			pg.General = append(pg.General, c)
		} else {
			byPart[c.PartID] = append(byPart[c.PartID], c)
		}
	}
	pg.Parts = make([]PartView, len(x.Version.Parts))
	for i, pt := range x.Version.Parts {
		pg.Parts[i] = PartView{Part: pt, Comments: byPart[pt.ID]}
	}
	return pg, nil
}

func (s *Server) publicRound(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.loadPublicRound(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "draft/public_round", pg)
}

var errPublicRate = apperr.New(apperr.TooMany, "web.publicComment", "Bạn đã gửi quá nhiều góp ý trong một phút. Vui lòng chờ một lát rồi gửi lại.")

func (s *Server) publicComment(w http.ResponseWriter, r *http.Request) error {
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.loadPublicRound(r)
	if err != nil {
		return err
	}
	if !s.allowRate(r, "draft-comment:"+s.clientAddr(r), s.cfg.PublicRateLimit) {
		withFormError(&pg.Page, r, errPublicRate)
		return s.render(w, r, http.StatusTooManyRequests, "draft/public_round", pg)
	}
	err = s.Drafts.AddCitizenComment(ctx, pg.Round.Round.ID, draft.CitizenInput{Name: r.PostFormValue("name"), Contact: r.PostFormValue("contact"),
		PartID: formInt(r, "part_id"), Body: r.PostFormValue("body"), Proposed: r.PostFormValue("proposed")})
	if err == nil {
		return s.redirect(w, r, "/gop-y/"+strconv.FormatInt(pg.Round.Round.ID, 10), "success",
			"Cảm ơn bạn đã góp ý. Góp ý sẽ được hiển thị sau khi cơ quan soạn thảo duyệt.")
	}
	status := http.StatusUnprocessableEntity
	switch apperr.KindOf(err) {
	case apperr.Invalid:
	case apperr.Conflict:
		status = http.StatusConflict
		pg.Open = false
	default:
		return err
	}
	withFormError(&pg.Page, r, err)
	return s.render(w, r, status, "draft/public_round", pg)
}
