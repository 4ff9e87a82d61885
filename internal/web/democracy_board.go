package web

import (
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/democracy"
	"danvan/internal/org"
	"danvan/internal/work"
)

// The people's inspection board's page: its members and term for whoever sees the
// agency's conference; its supervision plan and records (each recommendation to the head
// tracked as a task, with the head's answer) for its members, those who run the
// conference and the units above; the staff's requests, each sender seeing their own and
// the members answering them. One page with its forms: a form that fails comes back on
// the same page with its messages and nothing written.

// boardRoutes registers the pages of the people's inspection board.
func (s *Server) boardRoutes() {
	s.handle("GET /democracy/boards/{id}", s.boardShow)
	s.handle("POST /democracy/boards/{id}/plan", s.boardPlan)
	s.handle("POST /democracy/boards/{id}/records", s.boardRecord)
	s.handle("POST /democracy/boards/{id}/requests", s.boardRequest)
	s.handle("POST /democracy/boards/{id}/requests/{rid}/answer", s.boardAnswer)
}

type boardRecordView struct {
	democracy.BoardRecord
	Answer   *democracy.RecordAnswer
	TaskLink bool // the reader may open the task
	// The head's answer in words, and its badge class.
	State, Badge string
}

// answerState is the head's answer in words, with its badge class.
func (r boardRecordView) answerState(today string) (string, string) {
	switch {
	case r.TaskID == 0:
		return "Không có kiến nghị", "none"
	case r.Answer != nil && r.Answer.Answered && r.Answer.OnTime:
		return "Thủ trưởng đã trả lời đúng hạn", "closed"
	case r.Answer != nil && r.Answer.Answered:
		return "Thủ trưởng đã trả lời, quá hạn", "overdue"
	case r.TaskDue != "" && today > r.TaskDue:
		return "Quá hạn, thủ trưởng chưa trả lời (hạn " + FormatDate(r.TaskDue) + ")", "overdue"
	}
	return "Chờ thủ trưởng trả lời, hạn " + FormatDate(r.TaskDue), "due-soon"
}

type boardPage struct {
	Page
	B          democracy.Board
	Today      string
	Year       int
	InTerm     bool
	CanRecords bool
	CanWork    bool
	CanRequest bool
	AnswerDays int
	Records    []boardRecordView
	Unanswered int
	Links      democracyLinks
	History    []audit.Row
	// Active names the form that failed ("plan", "record", "request", "answer-ID"):
	// its messages and values come back in it, not in the page's other forms.
	Active string
}

// ThisYearPlan is the plan of the current year, to edit.
func (p boardPage) ThisYearPlan() string {
	for _, x := range p.B.Plans {
		if x.Year == p.Year {
			return x.Content
		}
	}
	return ""
}

// Is reports whether the failed form is name.
func (p boardPage) Is(name string) bool { return p.Active == name }

// AnswerID is the failed answer form's id, 0 if none.
func (p boardPage) AnswerID() int64 {
	id, _ := strconv.ParseInt(strings.TrimPrefix(p.Active, "answer-"), 10, 64)
	return id
}

// boardPage loads the board page for p. Errors: NotFound.
func (s *Server) boardPage(r *http.Request, p *org.Principal, id int64) (boardPage, error) {
	ctx := r.Context()
	b, err := s.Conferences.Board(ctx, p, id)
	if err != nil {
		return boardPage{}, err
	}
	now := s.DB.Now()
	today := work.Today(now)
	pg := boardPage{Page: s.page(r, "Ban Thanh tra nhân dân "+b.UnitName, "democracy", democracyCrumbs(Crumb{Label: "Ban Thanh tra nhân dân " + b.UnitName})...),
		B: b, Today: today, Year: now.In(work.VietnamZone).Year(), InTerm: b.InTerm(today), CanRecords: b.CanSeeRecords(p), CanWork: b.CanWork(p),
		CanRequest: b.CanSendRequest(p), Links: s.democracyLinks()}
	rules, err := democracy.RulesOn(ctx, s.DB, today)
	if err != nil {
		return pg, err
	}
	pg.AnswerDays = rules.AnswerDays
	answers, err := s.Conferences.RecordAnswers(ctx, b)
	if err != nil {
		return pg, err
	}
	for _, rec := range b.Records {
		v := boardRecordView{BoardRecord: rec}
		if a, ok := answers[rec.ID]; ok {
			a := a
			v.Answer = &a
		}
		if rec.TaskID != 0 {
			_, terr := s.Plans.Task(ctx, p, rec.TaskID)
			v.TaskLink = terr == nil
		}
		v.State, v.Badge = v.answerState(today)
		pg.Records = append(pg.Records, v)
	}
	for _, q := range b.Requests {
		if q.Answer == "" {
			pg.Unanswered++
		}
	}
	if pg.CanRecords {
		if pg.History, err = audit.ForEntity(ctx, s.DB, "board", b.ID, 50); err != nil {
			return pg, err
		}
	}
	return pg, nil
}

func (s *Server) boardOf(r *http.Request) (*org.Principal, int64, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := pathID(r, "id")
	return p, id, err
}

func (s *Server) boardShow(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.boardOf(r)
	if err != nil {
		return err
	}
	pg, err := s.boardPage(r, p, id)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "democracy/board_show", pg)
}

// boardFinish ends a board form: bad input (or a refusal the form can explain, a
// conflict) re-renders the page with the messages in the form named active, the
// domain's field names renamed to the form's; success goes back to the page's section.
func (s *Server) boardFinish(w http.ResponseWriter, r *http.Request, p *org.Principal, id int64, err error, active string, rename map[string]string, anchor, msg string) error {
	if k := apperr.KindOf(err); err != nil && (k == apperr.Invalid || k == apperr.Conflict) {
		pg, perr := s.boardPage(r, p, id)
		if perr != nil {
			return perr
		}
		withFormError(&pg.Page, r, err)
		if len(pg.Errors) > 0 {
			renamed := map[string]string{}
			for f, m := range pg.Errors {
				if to, ok := rename[f]; ok {
					f = to
				}
				renamed[f] = m
			}
			pg.Errors = renamed
		}
		pg.Active = active
		status := http.StatusUnprocessableEntity
		if k == apperr.Conflict {
			status = http.StatusConflict
		}
		return s.render(w, r, status, "democracy/board_show", pg)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/democracy/boards/"+strconv.FormatInt(id, 10)+"#"+anchor, "success", msg)
}

// boardForm checks the board is in the caller's reach before reading the form, so a
// stranger learns nothing from the form's validation.
func (s *Server) boardForm(w http.ResponseWriter, r *http.Request) (*org.Principal, int64, error) {
	p, id, err := s.boardOf(r)
	if err != nil {
		return nil, 0, err
	}
	if _, err := s.Conferences.Board(r.Context(), p, id); err != nil {
		return nil, 0, err
	}
	return p, id, nil
}

func (s *Server) boardPlan(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.boardForm(w, r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("plan_year")))
	err = s.Conferences.SavePlan(ctx, p, id, year, r.PostFormValue("plan_content"))
	return s.boardFinish(w, r, p, id, err, "plan", map[string]string{"year": "plan_year", "content": "plan_content"}, "plans-h",
		"Đã lưu kế hoạch giám sát năm "+strconv.Itoa(year)+".")
}

func (s *Server) boardRecord(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.boardForm(w, r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := democracy.RecordInput{Subject: r.PostFormValue("subject"), Findings: r.PostFormValue("findings"), Recommendation: r.PostFormValue("recommendation")}
	raw := strings.TrimSpace(r.PostFormValue("checked_on"))
	if d, ok := ParseDateVN(raw); ok {
		in.CheckedOn = d
	} else {
		in.CheckedOn = raw // not a date: the domain names the field
	}
	_, err = s.Conferences.AddRecord(ctx, p, id, in)
	msg := "Đã ghi biên bản giám sát."
	if strings.TrimSpace(in.Recommendation) != "" {
		msg += " Kiến nghị đã chuyển Thủ trưởng trả lời và được theo dõi như một nhiệm vụ."
	}
	return s.boardFinish(w, r, p, id, err, "record", nil, "records-h", msg)
}

func (s *Server) boardRequest(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.boardForm(w, r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.Conferences.SendRequest(ctx, p, id, r.PostFormValue("request_content"))
	return s.boardFinish(w, r, p, id, err, "request", map[string]string{"content": "request_content"}, "requests-h",
		"Đã gửi kiến nghị đến Ban Thanh tra nhân dân; bạn sẽ nhận thông báo khi Ban trả lời.")
}

func (s *Server) boardAnswer(w http.ResponseWriter, r *http.Request) error {
	p, id, err := s.boardForm(w, r)
	if err != nil {
		return err
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	err = s.Conferences.AnswerRequest(ctx, p, id, rid, r.PostFormValue("answer"))
	key := "answer_" + strconv.FormatInt(rid, 10)
	return s.boardFinish(w, r, p, id, err, "answer-"+strconv.FormatInt(rid, 10), map[string]string{"answer": key}, "request-"+strconv.FormatInt(rid, 10),
		"Đã trả lời kiến nghị; người gửi được thông báo.")
}
