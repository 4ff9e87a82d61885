package web

import (
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/emulation"
	"danvan/internal/org"
)

func (s *Server) modelRoundRoutes() {
	s.handle("GET /model-criteria", s.criteriaList)
	s.handle("POST /model-criteria", s.criteriaCreate)
	s.handle("GET /model-rounds", s.roundList)
	s.handle("POST /model-rounds", s.roundCreate)
	s.handle("GET /model-rounds/{id}", s.roundShow)
	s.handle("POST /model-rounds/{id}/decide", s.roundDecide)
	s.handle("GET /model-rounds/{id}/candidates/{cid}", s.candidateShow)
	s.handle("POST /model-rounds/{id}/candidates/{cid}", s.candidateScore)
}

type criteriaPage struct {
	Page
	Sets   []emulation.CriteriaSet
	Levels []emulation.Level
	Rows   []int
	Admin  bool
}

func (s *Server) criteriaPageFor(r *http.Request, p *org.Principal) (criteriaPage, error) {
	sets, err := s.Models.CriteriaSets(r.Context())
	pg := criteriaPage{Page: s.page(r, "Bộ tiêu chí bình xét", "models", modelCrumbs(Crumb{Label: "Bộ tiêu chí"})...), Sets: sets, Levels: emulation.Levels,
		Rows: []int{0, 1, 2, 3, 4, 5}, Admin: p.IsAdmin()}
	return pg, err
}

func (s *Server) criteriaList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.criteriaPageFor(r, p)
	if err != nil {
		return err
	}
	pg.Form = map[string][]string{"year": {strconv.Itoa(s.DB.Now().Year())}, "scale_min": {"0"}, "scale_max": {"10"}}
	return s.render(w, r, http.StatusOK, "model/criteria", pg)
}

func (s *Server) criteriaCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := emulation.CriteriaInput{Level: r.PostFormValue("level"), Name: r.PostFormValue("name")}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	var v apperr.Validation
	var perr error
	if in.ScaleMin, perr = strconv.Atoi(strings.TrimSpace(r.PostFormValue("scale_min"))); perr != nil {
		v.Add("scale_min", "Điểm thấp nhất phải là số nguyên.")
	}
	if in.ScaleMax, perr = strconv.Atoi(strings.TrimSpace(r.PostFormValue("scale_max"))); perr != nil {
		v.Add("scale_max", "Điểm cao nhất phải là số nguyên.")
	}
	for i := 0; i < 6; i++ {
		name := r.PostFormValue("crit_name_" + strconv.Itoa(i))
		ws := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostFormValue("crit_weight_"+strconv.Itoa(i))), "%"))
		wt := 0
		if ws != "" {
			if wt, perr = strconv.Atoi(ws); perr != nil {
				v.Add("crit_weight_"+strconv.Itoa(i), "Trọng số phải là số nguyên phần trăm (ví dụ 30).")
			}
		}
		in.Criteria = append(in.Criteria, emulation.Criterion{Name: name, Weight: wt})
	}
	err = v.Err()
	if err == nil {
		_, err = s.Models.CreateCriteriaSet(ctx, p, in)
	}
	return finishForm(s, w, r, err, "model/criteria", func() (criteriaPage, error) { return s.criteriaPageFor(r, p) }, "/model-criteria", "Đã lưu bộ tiêu chí.")
}

type roundListPage struct {
	Page
	Rounds []emulation.Round
	Sets   []emulation.CriteriaSet
	Units  []org.Unit
	CanNew bool
}

func (s *Server) roundListPage(r *http.Request, p *org.Principal) (roundListPage, error) {
	pg := roundListPage{Page: s.page(r, "Bình xét mô hình, điển hình", "models", modelCrumbs(Crumb{Label: "Bình xét"})...), CanNew: p.CanAnywhere(org.ApproveModel)}
	var err error
	if pg.Rounds, err = s.Models.Rounds(r.Context(), p); err != nil {
		return pg, err
	}
	if pg.Sets, err = s.Models.CriteriaSets(r.Context()); err != nil {
		return pg, err
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ApproveModel) {
			if u, err := org.GetUnit(r.Context(), s.DB, g.UnitID); err == nil {
				pg.Units = append(pg.Units, u)
			}
		}
	}
	return pg, nil
}

func (s *Server) roundList(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.roundListPage(r, p)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "model/rounds", pg)
}

func (s *Server) roundCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	rd, err := s.Models.CreateRound(ctx, p, emulation.RoundInput{Name: r.PostFormValue("name"), UnitID: formInt(r, "unit_id"), SetID: formInt(r, "set_id")})
	return finishForm(s, w, r, err, "model/rounds", func() (roundListPage, error) { return s.roundListPage(r, p) }, "/model-rounds/"+strconv.FormatInt(rd.ID, 10), "Đã mở đợt bình xét.")
}

type roundShowPage struct {
	Page
	Round      emulation.Round
	Set        emulation.CriteriaSet
	Candidates []candidateView
	CanDecide  bool
	Rewards    []string
}

type candidateView struct {
	emulation.Candidate
	CanAssess bool
	SeeScores bool
}

func (s *Server) roundData(r *http.Request, p *org.Principal) (roundShowPage, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return roundShowPage{}, err
	}
	rd, err := s.Models.Round(r.Context(), p, id)
	if err != nil {
		return roundShowPage{}, err
	}
	set, err := s.Models.CriteriaSet(r.Context(), rd.SetID)
	if err != nil {
		return roundShowPage{}, err
	}
	cs, err := s.Models.Candidates(r.Context(), p, rd)
	if err != nil {
		return roundShowPage{}, err
	}
	pg := roundShowPage{Page: s.page(r, rd.Name, "models", modelCrumbs(Crumb{Label: "Bình xét", Href: "/model-rounds"}, Crumb{Label: rd.Name})...),
		Round: rd, Set: set, CanDecide: !rd.Decided() && p.CanPath(org.ApproveModel, rd.UnitPath), Rewards: emulation.Rewards}
	for _, c := range cs {
		pg.Candidates = append(pg.Candidates, candidateView{c, s.Models.CanAssess(p, rd, c), s.Models.CanSeeScores(p, rd, c)})
	}
	return pg, nil
}

func (s *Server) roundShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.roundData(r, p)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "model/round", pg)
}

func (s *Server) roundDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.roundData(r, p)
	if err != nil {
		return err
	}
	in := emulation.DecideInput{Number: r.PostFormValue("number")}
	for _, v := range r.PostForm["recognise"] {
		cid, _ := strconv.ParseInt(v, 10, 64)
		in.Recognised = append(in.Recognised, emulation.Decision{CandidateID: cid, Reward: r.PostFormValue("reward_" + v)})
	}
	_, err = s.Models.Decide(ctx, p, pg.Round.ID, in)
	return finishForm(s, w, r, err, "model/round", builtPage(pg), "/model-rounds/"+strconv.FormatInt(pg.Round.ID, 10), "Đã ghi quyết định công nhận.")
}

type candidatePage struct {
	Page
	Round     emulation.Round
	Set       emulation.CriteriaSet
	C         emulation.Candidate
	CanAssess bool
	SeeScores bool
	Scores    []emulation.Score
	Own       bool
}

func (s *Server) candidateData(r *http.Request, p *org.Principal) (candidatePage, error) {
	pg0, err := s.roundData(r, p)
	if err != nil {
		return candidatePage{}, err
	}
	cid, err := pathID(r, "cid")
	if err != nil {
		return candidatePage{}, err
	}
	for _, c := range pg0.Candidates {
		if c.ID != cid {
			continue
		}
		pg := candidatePage{Page: s.page(r, "Chấm điểm: "+c.Model.Name, "models", modelCrumbs(Crumb{Label: "Bình xét", Href: "/model-rounds"},
			Crumb{Label: pg0.Round.Name, Href: "/model-rounds/" + strconv.FormatInt(pg0.Round.ID, 10)}, Crumb{Label: c.Model.Name})...),
			Round: pg0.Round, Set: pg0.Set, C: c.Candidate, CanAssess: c.CanAssess, SeeScores: c.SeeScores,
			Own: c.Model.CreatedBy == p.UserID || (p.PersonID != 0 && c.Model.OwnerPerson == p.PersonID)}
		pg.Scores, err = s.Models.Scores(r.Context(), p, pg0.Round, c.Candidate)
		return pg, err
	}
	return candidatePage{}, errNotFound
}

func (s *Server) candidateShow(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	pg, err := s.candidateData(r, p)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "model/candidate", pg)
}

func (s *Server) candidateScore(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.candidateData(r, p)
	if err != nil {
		return err
	}
	in := emulation.ScoreInput{Values: map[int64]float64{}, Note: r.PostFormValue("note")}
	for _, c := range pg.Set.Criteria {
		raw := strings.TrimSpace(r.PostFormValue("c_" + strconv.FormatInt(c.ID, 10)))
		v, perr := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
		if raw == "" || perr != nil {
			in.Missing = append(in.Missing, c.ID)
			continue
		}
		in.Values[c.ID] = v
	}
	_, err = s.Models.SubmitScore(ctx, p, pg.C.ID, in)
	if err == nil {
		return s.redirect(w, r, "/model-rounds/"+strconv.FormatInt(pg.Round.ID, 10)+"/candidates/"+strconv.FormatInt(pg.C.ID, 10), "success", "Đã gửi phiếu chấm điểm.")
	}
	if k := apperr.KindOf(err); k != apperr.Invalid && k != apperr.Forbidden && k != apperr.Conflict {
		return err
	}
	withFormError(&pg.Page, r, err)
	status := http.StatusUnprocessableEntity
	if apperr.KindOf(err) == apperr.Forbidden {
		status = http.StatusForbidden
	}
	return s.render(w, r, status, "model/candidate", pg)
}
