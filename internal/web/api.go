package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/org"
)

func (s *Server) apiRoutes() {
	s.handleAPI("GET /api/v1/units", s.apiUnits)
	s.handleAPI("GET /api/v1/units/{id}", s.apiUnit)
	s.handleAPI("GET /api/v1/people", s.apiPeople)
	s.handleAPI("GET /api/v1/people/{id}", s.apiPerson)
	s.handleAPI("GET /api/v1/me", s.apiMe)
}

// apiUser requires a principal (token or session) for the API.
func apiUser(r *http.Request) (*org.Principal, error) {
	p := principal(r)
	if p.IsZero() {
		return nil, apperr.New(apperr.Unauthorized, "api", "Cần mã truy cập (Authorization: Bearer …).")
	}
	return p, nil
}

// decodeJSON reads a bounded JSON body into v, refusing unknown fields.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, MaxFormBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.New(apperr.Invalid, "api.decode", "Dữ liệu JSON không hợp lệ: "+err.Error())
	}
	return nil
}

// UnitJSON is a unit in the API.
type UnitJSON struct {
	ID          int64  `json:"id"`
	ParentID    int64  `json:"parent_id,omitempty"`
	Kind        string `json:"kind"`
	KindLabel   string `json:"kind_label"`
	Name        string `json:"name"`
	Code        string `json:"code,omitempty"`
	ValidFrom   string `json:"valid_from,omitempty"`
	ValidTo     string `json:"valid_to,omitempty"`
	SuccessorID int64  `json:"successor_id,omitempty"`
	Children    int    `json:"children"`
}

func unitJSON(u org.Unit) UnitJSON {
	return UnitJSON{ID: u.ID, ParentID: u.ParentID, Kind: string(u.Kind), KindLabel: u.Kind.Label(), Name: u.Name, Code: u.Code,
		ValidFrom: u.ValidFrom, ValidTo: u.ValidTo, SuccessorID: u.SuccessorID, Children: u.ChildCount}
}

// apiUnits lists the children of ?parent=ID, or the top units of the caller's reach.
func (s *Server) apiUnits(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	var parent int64
	if v := r.URL.Query().Get("parent"); v != "" {
		if parent, err = strconv.ParseInt(v, 10, 64); err != nil || parent <= 0 {
			return apperr.New(apperr.NotFound, "api.units", "Không tìm thấy đơn vị.")
		}
	}
	var us []org.Unit
	if q := r.URL.Query().Get("q"); q != "" {
		us, err = s.Org.SearchUnits(r.Context(), p, q, 100)
	} else {
		us, err = s.Org.Children(r.Context(), p, parent, r.URL.Query().Get("closed") == "1")
	}
	if err != nil {
		return err
	}
	out := make([]UnitJSON, 0, len(us))
	for _, u := range us {
		out = append(out, unitJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": out})
	return nil
}

func (s *Server) apiUnit(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "api.unit", "Không tìm thấy đơn vị.")
	}
	u, err := s.Org.UnitByID(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, unitJSON(u))
	return nil
}

// PersonJSON is a person in the API.
type PersonJSON struct {
	ID          int64          `json:"id"`
	FullName    string         `json:"full_name"`
	Gender      string         `json:"gender,omitempty"`
	BirthYear   int            `json:"birth_year,omitempty"`
	PartyMember bool           `json:"party_member"`
	UnitID      int64          `json:"unit_id"`
	UnitName    string         `json:"unit_name"`
	Positions   []PositionJSON `json:"positions"`
}

// PositionJSON is a position in the API.
type PositionJSON struct {
	Title      string `json:"title"`
	TitleLabel string `json:"title_label"`
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	StartDate  string `json:"start_date,omitempty"`
	EndDate    string `json:"end_date,omitempty"`
}

func personJSON(x org.Person) PersonJSON {
	out := PersonJSON{ID: x.ID, FullName: x.FullName, Gender: x.Gender, BirthYear: x.BirthYear, PartyMember: x.PartyMember, UnitID: x.UnitID, UnitName: x.UnitName, Positions: []PositionJSON{}}
	for _, ps := range x.Positions {
		out.Positions = append(out.Positions, PositionJSON{Title: ps.Title, TitleLabel: ps.TitleLabel(), UnitID: ps.UnitID, UnitName: ps.UnitName, StartDate: ps.StartDate, EndDate: ps.EndDate})
	}
	return out
}

func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := org.PeopleFilter{Query: q.Get("q"), Title: q.Get("title"), After: q.Get("after")}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	if n, err := strconv.Atoi(q.Get("limit")); err == nil {
		f.Limit = n
	}
	res, err := s.Org.FindPeople(r.Context(), p, f)
	if err != nil {
		return err
	}
	out := make([]PersonJSON, 0, len(res.People))
	for _, x := range res.People {
		out = append(out, personJSON(x))
	}
	writeJSON(w, http.StatusOK, map[string]any{"people": out, "next": res.Next})
	return nil
}

func (s *Server) apiPerson(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return apperr.New(apperr.NotFound, "api.person", "Không tìm thấy người này.")
	}
	x, err := s.Org.PersonByID(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, personJSON(x))
	return nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	type grant struct {
		UnitID   int64  `json:"unit_id"`
		UnitName string `json:"unit_name"`
		Role     string `json:"role"`
	}
	gs := []grant{}
	for _, g := range p.Grants {
		gs = append(gs, grant{g.UnitID, g.UnitName, string(g.Role)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": p.UserID, "username": p.Username, "name": p.Name, "grants": gs})
	return nil
}
