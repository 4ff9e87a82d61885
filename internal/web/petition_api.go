package web

import (
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/petition"
)

func (s *Server) petitionAPIRoutes() {
	s.handleAPI("GET /api/v1/petitions", s.apiPetitions)
	s.handleAPI("GET /api/v1/petitions/{id}", s.apiPetition)
}

// PublicPetitionIn is the body of POST /api/v1/public/petitions.
type PublicPetitionIn struct {
	Kind    string `json:"kind"` // khieu-nai | to-cao | kien-nghi
	UnitID  int64  `json:"unit_id"`
	Content string `json:"content"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
	IDNo    string `json:"id_number"`
}

// EventJSON is one public history entry.
type EventJSON struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

// PublicStatusJSON is the public status of a petition: never the sender's identity.
type PublicStatusJSON struct {
	Code       string      `json:"code"`
	Kind       string      `json:"kind"`
	KindLabel  string      `json:"kind_label"`
	State      string      `json:"state"`
	StateLabel string      `json:"state_label"`
	ReceivedOn string      `json:"received_on"`
	Unit       string      `json:"unit"`
	DueOn      string      `json:"due_on,omitempty"`
	Result     string      `json:"result,omitempty"`
	History    []EventJSON `json:"history"`
}

// apiPublicSubmit records a citizen's petition: 201 {"code": …}. An Idempotency-Key
// header makes a retried request return the first petition's code (200).
func (s *Server) apiPublicSubmit(w http.ResponseWriter, r *http.Request) error {
	if !s.allowPublic(r, "submit") {
		return errTooMany
	}
	var in PublicPetitionIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.UnitID == 0 {
		// Without a unit, the petition goes to the first receiving body (the upper committee).
		in.UnitID = s.Petitions.DefaultReceivingUnit(r.Context())
	}
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	if len(key) > 100 {
		return apperr.New(apperr.Invalid, "api.publicSubmit", "Idempotency-Key tối đa 100 ký tự.")
	}
	pt, err := s.Petitions.Submit(r.Context(), petition.Input{Kind: in.Kind, UnitID: in.UnitID, Content: in.Content, IdemKey: key,
		Sender: petition.Sender{Name: in.Name, Address: in.Address, Phone: in.Phone, Email: in.Email, IDNo: in.IDNo}})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if pt.Repeated {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]string{"code": pt.DisplayCode()})
	return nil
}

func (s *Server) apiPublicTrack(w http.ResponseWriter, r *http.Request) error {
	if !s.allowPublic(r, "track") {
		return errTooMany
	}
	st, err := s.Petitions.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return apperr.New(apperr.NotFound, "api.publicTrack", "Không tìm thấy đơn với mã tra cứu này.")
		}
		return err
	}
	out := PublicStatusJSON{Code: petition.FormatCode(st.Code), Kind: string(st.Kind), KindLabel: st.Kind.Label(), State: string(st.State), StateLabel: st.State.Label(),
		ReceivedOn: st.ReceivedOn, Unit: st.UnitName, DueOn: st.DueOn, Result: st.Result, History: []EventJSON{}}
	for _, e := range st.Events {
		out.History = append(out.History, EventJSON{At: e.At, Text: e.PublicText})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// PetitionJSON is a petition in the staff API; the sender is masked by the same rule as
// the pages.
type PetitionJSON struct {
	ID         int64        `json:"id"`
	Code       string       `json:"code"`
	Kind       string       `json:"kind"`
	Channel    string       `json:"channel"`
	State      string       `json:"state"`
	StateLabel string       `json:"state_label"`
	UnitID     int64        `json:"unit_id"`
	Unit       string       `json:"unit"`
	ReceivedOn string       `json:"received_on"`
	Subject    string       `json:"subject"`
	Content    string       `json:"content,omitempty"`
	Sender     SenderJSON   `json:"sender"`
	Masked     bool         `json:"sender_masked"`
	LeadUnit   string       `json:"lead_unit,omitempty"`
	LeadPerson string       `json:"lead_person,omitempty"`
	DueOn      string       `json:"due_on,omitempty"`
	Deadline   string       `json:"deadline_state"`
	Result     string       `json:"result,omitempty"`
	Steps      []StepJSON   `json:"steps,omitempty"`
	History    []EventJSON  `json:"public_history,omitempty"`
	CaseID     int64        `json:"case_id,omitempty"`
	Support    []SupportRef `json:"support_units,omitempty"`
}

// SenderJSON is the sender as the caller may see it.
type SenderJSON struct {
	Name    string `json:"name"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
	IDNo    string `json:"id_number,omitempty"`
}

// StepJSON is one step's deadline.
type StepJSON struct {
	Step     string `json:"step"`
	Label    string `json:"label"`
	Amount   int    `json:"amount"`
	Unit     string `json:"unit"`
	StartsOn string `json:"starts_on"`
	DueOn    string `json:"due_on"`
	Status   string `json:"status"`
	DaysLeft int    `json:"working_days_left"`
	State    string `json:"deadline_state"`
}

// SupportRef names a supporting unit.
type SupportRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func petitionJSON(pt petition.Petition, full bool) PetitionJSON {
	out := PetitionJSON{ID: pt.ID, Code: pt.DisplayCode(), Kind: string(pt.Kind), Channel: string(pt.Channel), State: string(pt.State), StateLabel: pt.State.Label(),
		UnitID: pt.UnitID, Unit: pt.UnitName, ReceivedOn: pt.ReceivedOn, Subject: pt.Subject, Masked: pt.Masked, LeadUnit: pt.LeadUnitName, LeadPerson: pt.LeadName,
		DueOn: pt.DueOn, Deadline: string(pt.Badge.State), Result: pt.Result, CaseID: pt.CaseID,
		Sender: SenderJSON{Name: pt.Sender.Name, Phone: pt.Sender.Phone, Email: pt.Sender.Email, Address: pt.Sender.Address, IDNo: pt.Sender.IDNo}}
	if full {
		out.Content = pt.Content
		for _, st := range pt.Steps {
			out.Steps = append(out.Steps, StepJSON{Step: string(st.Step), Label: st.Step.Label(), Amount: st.Amount, Unit: st.Unit.String(), StartsOn: st.StartsOn,
				DueOn: st.DueOn, Status: st.Status, DaysLeft: st.DaysLeft, State: string(st.Badge.State)})
		}
		for _, e := range pt.Events {
			out.History = append(out.History, EventJSON{At: e.At, Text: e.PublicText})
		}
		for _, u := range pt.SupportUnits {
			out.Support = append(out.Support, SupportRef{u.ID, u.Name})
		}
	}
	return out
}

func (s *Server) apiPetitions(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	f, err := petitionFilter(r.URL.Query())
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil {
		f.Limit = n
	}
	res, err := s.Petitions.Find(r.Context(), p, f)
	if err != nil {
		return err
	}
	out := make([]PetitionJSON, 0, len(res.Petitions))
	for _, pt := range res.Petitions {
		out = append(out, petitionJSON(pt, false))
	}
	writeJSON(w, http.StatusOK, map[string]any{"petitions": out, "next": res.Next})
	return nil
}

func (s *Server) apiPetition(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "api.petition", "Không tìm thấy đơn thư.")
	}
	pt, err := s.Petitions.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, petitionJSON(pt, true))
	return nil
}
