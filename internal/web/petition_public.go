package web

import (
	"net/http"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/petition"
)

// petitionPublicRoutes are the citizens' pages: the portal, the submission form and the
// tracking page, and the public JSON API. No account; rate-limited per address.
func (s *Server) petitionPublicRoutes() {
	pages := &publicPages{}
	fixed := func(*http.Request) (string, time.Time, error) { return "f", time.Time{}, nil }
	s.handle("GET /cong-dan", s.cachedPublic(pages, fixed, s.publicPortal))
	// The form lists the receiving units.
	s.handle("GET /gui-don", s.cachedPublic(pages, func(r *http.Request) (string, time.Time, error) {
		return s.versionsTag(r.Context(), "units")
	}, s.publicSubmitForm))
	s.handle("POST /gui-don", s.publicSubmit)
	// The empty tracking form is kept; a lookup makes its own validator (publicTrack).
	s.handle("GET /tra-cuu", s.cachedPublic(pages, func(r *http.Request) (string, time.Time, error) {
		if r.URL.RawQuery != "" {
			return "", time.Time{}, nil
		}
		return "f", time.Time{}, nil
	}, s.publicTrack))
	s.handleAPI("POST /api/v1/public/petitions", s.apiPublicSubmit)
	s.handleAPI("GET /api/v1/public/petitions/{code}", s.apiPublicTrack)
}

func (s *Server) publicPortal(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "public/portal", s.publicPage(r, "Cổng thông tin công dân", ""))
}

var errTooMany = apperr.New(apperr.TooMany, "web.public", "Bạn đã gửi quá nhiều yêu cầu trong một phút. Xin vui lòng đợi một lát rồi thử lại.")

// allowPublic counts one public request of a kind from the caller's address. The limit
// is --public-rate per minute (0 lifts it); lookups by tracking code get three times as
// many, since a citizen may mistype.
func (s *Server) allowPublic(r *http.Request, kind string) bool {
	limit := s.cfg.PublicRateLimit
	if kind == "track" {
		limit *= 3
	}
	return s.allowRate(r, kind+"|"+s.clientAddr(r), limit)
}

type submitPage struct {
	Page
	Units []petition.Choice
	Kinds []petition.Kind
	Code  string // set after a successful submission
	Kind  petition.Kind
}

func (s *Server) submitPageFor(r *http.Request) (submitPage, error) {
	pg := submitPage{Page: s.publicPage(r, "Gửi đơn khiếu nại, tố cáo, kiến nghị", "submit"), Kinds: petition.Kinds}
	pg.Description = "Gửi đơn khiếu nại, tố cáo, kiến nghị, phản ánh trực tuyến, không cần tài khoản; theo dõi bằng mã tra cứu."
	// The list is read again only when a unit changed: every submission's answer shows it,
	// and at national size (100.000 units) reading it cost 120 ms, four fifths of a
	// submission's CPU.
	tag, _, err := s.versionsTag(r.Context(), "units")
	if err != nil {
		return pg, err
	}
	pg.Units, err = s.receivingUnits.get(tag, nil, func() ([]petition.Choice, error) { return s.Petitions.ReceivingUnits(r.Context()) })
	return pg, err
}

func (s *Server) publicSubmitForm(w http.ResponseWriter, r *http.Request) error {
	pg, err := s.submitPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "public/submit", pg)
}

func (s *Server) publicSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.allowPublic(r, "submit") {
		return errTooMany
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.submitPageFor(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("website") != "" {
		// The hidden honeypot field was filled: a robot. Answer as if it worked.
		pg.Code = petition.FormatCode(petition.NewCode())
		return s.render(w, r, http.StatusOK, "public/submitted", pg)
	}
	fail := func(err error) error {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "public/submit", pg)
	}
	if r.PostFormValue("consent") != "yes" {
		return fail(fieldErr("consent", "Hãy đánh dấu đồng ý với thông báo về xử lý thông tin cá nhân."))
	}
	in := petition.Input{Kind: r.PostFormValue("kind"), UnitID: formInt(r, "unit_id"), Content: r.PostFormValue("content"), Sender: senderFrom(r)}
	hook, err := s.uploads(r, "files", "petition")
	if err != nil {
		return fail(err)
	}
	in.Attach = hook
	pt, err := s.Petitions.Submit(ctx, in)
	if err != nil {
		return fail(err)
	}
	pg.Code, pg.Kind = pt.DisplayCode(), pt.Kind
	pg.Title = "Đơn đã được gửi"
	return s.render(w, r, http.StatusOK, "public/submitted", pg)
}

type trackPage struct {
	Page
	Status   *petition.PublicStatus
	NotFound bool
}

// publicTrack shows the public status of a petition. A malformed and an unknown code get
// the same answer (404, one message), and lookups are rate-limited per address.
func (s *Server) publicTrack(w http.ResponseWriter, r *http.Request) error {
	pg := trackPage{Page: s.publicPage(r, "Tra cứu đơn", "track")}
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	pg.Form = r.URL.Query()
	if code == "" {
		return s.render(w, r, http.StatusOK, "public/track", pg)
	}
	if !s.allowPublic(r, "track") {
		return errTooMany
	}
	st, err := s.Petitions.Track(r.Context(), code)
	if err != nil {
		if apperr.KindOf(err) != apperr.NotFound {
			return err
		}
		pg.NotFound = true
		return s.render(w, r, http.StatusNotFound, "public/track", pg)
	}
	pg.Status = &st
	// The answer's validator is what it shows (and the day, which its deadline is read
	// against): a citizen checking again gets 304 until something happens to the petition.
	// Private: the code is the citizen's. The rendered answer is kept at that validator.
	if !principal(r).IsZero() || r.Header.Get("Cookie") != "" {
		return s.render(w, r, http.StatusOK, "public/track", pg)
	}
	tag := s.layoutTag + "-" + contentTag(code, st, s.DB.Now().Format("2006-01-02"))
	w.Header().Set("ETag", `"`+tag+`"`)
	w.Header().Set("Vary", "Cookie")
	w.Header().Set("Cache-Control", nonceCacheControl)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, `"`+tag+`"`) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	key := r.URL.RequestURI()
	p, ok := s.trackPages.get(key, tag)
	if !ok {
		var done bool
		if p, done, err = s.trackPages.render(w, r, key, tag, func(w http.ResponseWriter, r *http.Request) error {
			return s.render(w, r, http.StatusOK, "public/track", pg)
		}); done || err != nil {
			return err
		}
	}
	return p.write(w, r, "") // no form on it
}
