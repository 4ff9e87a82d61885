package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/democracy"
	"danvan/internal/export"
	"danvan/internal/org"
	"danvan/internal/work"
)

// The module's home (/democracy) and the subtree overview. The home page answers the two
// questions a user of the module has: for an agency's staff, where their own agency
// stands (this year's and last year's conference, the resolution's commitments, the
// people's inspection board and what they sent it); for an upper committee, which of
// its agencies lag and why. The overview is the same table for a whole subtree, as a
// page with an SVG chart, a workbook and JSON.

// democracyOverviewRoutes registers the pages of the module's home and the subtree overview.
func (s *Server) democracyOverviewRoutes() {
	s.handle("GET /democracy", s.democracyHome)
	s.handle("GET /democracy/overview", s.democracyOverview)
	s.handle("GET /democracy/overview.xlsx", s.democracyOverviewXLSX)
	s.handleAPI("GET /api/v1/democracy/overview", s.apiDemocracyOverview)
}

func democracyCrumbs(extra ...Crumb) []Crumb {
	return append([]Crumb{{Label: "Dân chủ cơ sở", Href: "/democracy"}}, extra...)
}

// routed reports whether the server answers pattern: the module's parts are built side by
// side, and a page links to another part's page only once that part is there, so no link
// leads to a 404.
func (s *Server) routed(pattern string) bool {
	for _, p := range s.patterns {
		if p == pattern {
			return true
		}
	}
	return false
}

// democracyLinks are the other parts' pages the module's pages link to, when they exist.
type democracyLinks struct {
	Conference  bool // /democracy/conferences/{id}
	Conferences bool // /democracy/conferences
	Disclosures bool // /democracy/disclosures
}

func (s *Server) democracyLinks() democracyLinks {
	return democracyLinks{Conference: s.routed("GET /democracy/conferences/{id}"), Conferences: s.routed("GET /democracy/conferences"),
		Disclosures: s.routed("GET /democracy/disclosures")}
}

// overviewRow is a row of the overview with what makes it lag, in words.
type overviewRow struct {
	democracy.OverviewRow
	Problems []string
}

// Lagging reports whether the agency needs attention.
func (r overviewRow) Lagging() bool { return len(r.Problems) > 0 }

// ConferenceBadge is the badge class of the conference's state.
func (r overviewRow) ConferenceBadge() string { return overviewTimelinessBadge(r.Conference) }

// BoardBadge is the badge class of the board's state.
func (r overviewRow) BoardBadge() string {
	switch r.Board {
	case democracy.BoardInTerm:
		return "on-time"
	case democracy.BoardNotRequired:
		return "none"
	}
	return "overdue"
}

func overviewTimelinessBadge(t string) string {
	switch t {
	case "on-time":
		return "on-time"
	case "waiting":
		return "due-soon"
	case "unplanned":
		return "none"
	}
	return "overdue"
}

// problemsOf names what makes an agency lag, in the words the overview's columns use.
func problemsOf(r democracy.OverviewRow, withDisclosures bool) []string {
	var out []string
	if r.ConferenceLate() {
		out = append(out, "hội nghị: "+strings.ToLower(r.ConferenceLabel))
	}
	switch r.Board {
	case democracy.BoardMissing:
		out = append(out, "chưa có Ban Thanh tra nhân dân")
	case democracy.BoardOutOfTerm:
		out = append(out, "Ban Thanh tra nhân dân hết nhiệm kỳ")
	}
	if r.CommitmentsOverdue > 0 {
		out = append(out, fmt.Sprintf("%d cam kết nghị quyết quá hạn", r.CommitmentsOverdue))
	}
	if withDisclosures && r.DisclosuresOverdue > 0 {
		out = append(out, fmt.Sprintf("%d nội dung công khai quá hạn", r.DisclosuresOverdue))
	}
	return out
}

// overviewView is an overview ready for a page.
type overviewView struct {
	democracy.Overview
	Rows    []overviewRow
	Lagging int // agencies with at least one problem
	// Agencies with at least one overdue commitment / disclosure.
	WithCommitments int
	WithDisclosures int
	Chart           template.HTML
	// The page of the agencies' table (overviewPageRows at a time): rows FirstRow to
	// LastRow (from 1) of Rows, links to the pages before and after.
	PageRows           []overviewRow
	FirstRow, LastRow  int
	PrevPage, NextPage string
}

// overviewPageRows is how many agencies the overview's table shows at a time: a whole
// tree has thousands (5.237 at national size: 4 MB of HTML and 0,35 s to render them,
// docs/PERFORMANCE.md "Dân chủ cơ sở"); the totals, the chart and the .xlsx export
// still cover every agency.
const overviewPageRows = 200

// setPage keeps the rows of page (from 1) in PageRows; link makes a page's address.
func (v *overviewView) setPage(page int, link func(page int) string) {
	pages := max(1, (len(v.Rows)+overviewPageRows-1)/overviewPageRows)
	page = min(max(page, 1), pages)
	from := (page - 1) * overviewPageRows
	to := min(from+overviewPageRows, len(v.Rows))
	v.PageRows, v.FirstRow, v.LastRow = v.Rows[from:to], from+1, to
	if page > 1 {
		v.PrevPage = link(page - 1)
	}
	if page < pages {
		v.NextPage = link(page + 1)
	}
}

func makeOverviewView(ov democracy.Overview) overviewView {
	v := overviewView{Overview: ov}
	for _, r := range ov.Rows {
		row := overviewRow{OverviewRow: r, Problems: problemsOf(r, ov.DisclosuresKnow)}
		if row.Lagging() {
			v.Lagging++
		}
		if r.CommitmentsOverdue > 0 {
			v.WithCommitments++
		}
		if r.DisclosuresOverdue > 0 {
			v.WithDisclosures++
		}
		v.Rows = append(v.Rows, row)
	}
	v.Chart = overviewChart(v)
	return v
}

// homeLaggingRows is how many agencies needing attention the democracy home lists per
// subtree; the full table is a link away.
const homeLaggingRows = 20

// LaggingRows are the first rows that need attention (homeLaggingRows).
func (v overviewView) LaggingRows() []overviewRow {
	var out []overviewRow
	for _, r := range v.Rows {
		if r.Lagging() {
			out = append(out, r)
			if len(out) == homeLaggingRows {
				break
			}
		}
	}
	return out
}

// MoreLagging is how many agencies needing attention LaggingRows leaves out.
func (v overviewView) MoreLagging() int { return max(0, v.Lagging-homeLaggingRows) }

// overviewFigures are the chart's bars: per kind of problem, how many agencies have it.
type overviewFigure struct {
	Label    string
	Short    string // in the chart, beside its bar
	Agencies int
	Items    int // overdue items behind the figure (commitments, disclosures); 0 when agencies are the measure
}

// Figures are the chart's numbers, also shown as its table.
func (v overviewView) Figures() []overviewFigure {
	out := []overviewFigure{
		{Label: "Hội nghị muộn hoặc chưa tổ chức", Short: "Hội nghị muộn, chưa tổ chức", Agencies: v.ConferencesLate},
		{Label: "Ban Thanh tra nhân dân chưa có hoặc hết nhiệm kỳ", Short: "Ban TTND chưa có, hết nhiệm kỳ", Agencies: v.BoardsProblem},
		{Label: "Có cam kết nghị quyết quá hạn", Short: "Cam kết nghị quyết quá hạn", Agencies: v.WithCommitments, Items: v.CommitmentsOverdue},
	}
	if v.DisclosuresKnow {
		out = append(out, overviewFigure{Label: "Có nội dung công khai quá hạn", Short: "Công khai quá hạn", Agencies: v.WithDisclosures, Items: v.Overview.DisclosuresOverdue})
	}
	return out
}

// overviewUnit picks the unit of the overview: ?unit=ID, or by default the first unit
// the caller reads conferences on (the agency itself for a grant inside an agency).
func (s *Server) overviewUnit(ctx context.Context, r *http.Request, p *org.Principal) (int64, error) {
	if raw := r.URL.Query().Get("unit"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return 0, apperr.New(apperr.NotFound, "web.democracyOverview", "Không tìm thấy đơn vị.")
		}
		return id, nil
	}
	units, err := s.overviewUnits(ctx, p)
	if err != nil {
		return 0, err
	}
	if len(units) == 0 {
		return 0, apperr.New(apperr.NotFound, "web.democracyOverview", "Tài khoản của bạn không được xem tổng hợp của đơn vị nào.")
	}
	return units[0].ID, nil
}

// overviewUnits are the units whose overview p reads: each unit p is granted on, or the
// agency that holds it when p's grant is on a unit inside an agency and p reads that
// agency (a department's staff do not).
func (s *Server) overviewUnits(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	var out []org.Unit
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ViewConference) {
			continue
		}
		u, err := org.GetUnit(ctx, s.DB, g.UnitID)
		if err != nil {
			continue
		}
		a, inside, err := democracy.AgencyOf(ctx, s.DB, u.Path)
		if err != nil {
			return nil, err
		}
		if inside {
			if !p.CanPath(org.ViewConference, a.Path) {
				continue
			}
			u = a
		}
		if !seen[u.ID] {
			seen[u.ID] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// loadOverview reads ?unit=&year= and computes the overview. Errors: NotFound (unit out
// of reach), Invalid (year).
func (s *Server) loadOverview(r *http.Request, p *org.Principal) (democracy.Overview, error) {
	ctx := r.Context()
	year := 0
	if raw := strings.TrimSpace(r.URL.Query().Get("year")); raw != "" {
		y, err := strconv.Atoi(raw)
		if err != nil || y < 2000 || y > 2100 {
			return democracy.Overview{}, &apperr.Error{Kind: apperr.Invalid, Op: "web.democracyOverview", Message: "Năm không hợp lệ.",
				Fields: map[string]string{"year": "Năm không hợp lệ: nhập bốn chữ số, ví dụ " + strconv.Itoa(s.DB.Now().In(work.VietnamZone).Year()) + "."}}
		}
		year = y
	}
	unitID, err := s.overviewUnit(ctx, r, p)
	if err != nil {
		return democracy.Overview{}, err
	}
	return s.Conferences.Overview(ctx, p, unitID, year)
}

type democracyOverviewPage struct {
	Page
	O     overviewView
	Units []org.Unit
	Years []int
	Links democracyLinks
}

func (s *Server) democracyOverview(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ov, loadErr := s.loadOverview(r, p)
	pg := democracyOverviewPage{Page: s.page(r, "Tổng hợp dân chủ cơ sở", "democracy", democracyCrumbs(Crumb{Label: "Tổng hợp"})...), Links: s.democracyLinks()}
	pg.Form = r.URL.Query()
	if pg.Units, err = s.overviewUnits(r.Context(), p); err != nil {
		return err
	}
	thisYear := s.DB.Now().In(work.VietnamZone).Year()
	for y := thisYear + 1; y >= thisYear-4; y-- {
		pg.Years = append(pg.Years, y)
	}
	if loadErr != nil {
		if apperr.KindOf(loadErr) != apperr.Invalid {
			return loadErr
		}
		pg.Errors, pg.ErrorMsg = apperr.FieldsOf(loadErr), apperr.MessageOf(loadErr)
		return s.render(w, r, http.StatusUnprocessableEntity, "democracy/overview", pg)
	}
	known := false
	for _, u := range pg.Units {
		known = known || u.ID == ov.UnitID
	}
	if !known {
		pg.Units = append(pg.Units, org.Unit{ID: ov.UnitID, Name: ov.UnitName})
	}
	pg.O = makeOverviewView(ov)
	pg.O.setPage(atoi(r.URL.Query().Get("page")), func(page int) string {
		q := url.Values{"unit": {strconv.FormatInt(ov.UnitID, 10)}, "year": {ov.YearLabel()}, "page": {strconv.Itoa(page)}}
		return "/democracy/overview?" + q.Encode() + "#ov-table-h"
	})
	pg.Title = "Tổng hợp dân chủ cơ sở năm " + ov.YearLabel() + " — " + ov.UnitName
	return s.render(w, r, http.StatusOK, "democracy/overview", pg)
}

// overviewJSON is the API's answer (docs/openapi.yaml, DemocracyOverview): the overview
// with each agency's problems in words.
type overviewJSON struct {
	democracy.Overview
	Rows []overviewRowJSON `json:"agencies"`
}

type overviewRowJSON struct {
	democracy.OverviewRow
	Lagging  bool     `json:"lagging"`
	Problems []string `json:"problems"`
}

func (s *Server) apiDemocracyOverview(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	ov, err := s.loadOverview(r, p)
	if err != nil {
		return err
	}
	out := overviewJSON{Overview: ov, Rows: []overviewRowJSON{}}
	for _, row := range ov.Rows {
		pr := problemsOf(row, ov.DisclosuresKnow)
		if pr == nil {
			pr = []string{}
		}
		out.Rows = append(out.Rows, overviewRowJSON{OverviewRow: row, Lagging: len(pr) > 0, Problems: pr})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// democracyOverviewXLSX sends the overview as a workbook: one row per agency with the
// page's columns, then the totals.
func (s *Server) democracyOverviewXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ov, err := s.loadOverview(r, p)
	if err != nil {
		return err
	}
	return s.sendSheets(w, r, "Dan chu co so "+ov.YearLabel()+" "+ov.UnitName, overviewSheet(ov))
}

func overviewSheet(ov democracy.Overview) export.Sheet {
	sh := export.Sheet{Name: "Tổng hợp " + ov.YearLabel(),
		Title: "Thực hiện dân chủ ở cơ sở năm " + ov.YearLabel() + " — " + ov.UnitName + " (số liệu đến " + viDate(ov.AsOf) + ")",
		Columns: []export.Column{{Header: "Cơ quan", Width: 36}, {Header: "Số cán bộ", Width: 10}, {Header: "Hội nghị năm " + ov.YearLabel(), Width: 28},
			{Header: "Ngày tổ chức", Width: 13}, {Header: "Hạn tổ chức", Width: 13}, {Header: "Ban Thanh tra nhân dân", Width: 22}, {Header: "Nhiệm kỳ Ban đến", Width: 15},
			{Header: "Cam kết nghị quyết", Width: 12}, {Header: "Cam kết quá hạn", Width: 12}}}
	if ov.DisclosuresKnow {
		sh.Columns = append(sh.Columns, export.Column{Header: "Công khai quá hạn", Width: 12})
	}
	sh.Columns = append(sh.Columns, export.Column{Header: "Cần chú ý", Width: 50})
	for _, r := range ov.Rows {
		row := []any{r.UnitName, r.Staff, r.ConferenceLabel, viDate(r.HeldOn), viDate(r.DueOn), r.BoardLabel, viDate(r.BoardTermEnd), r.Commitments, r.CommitmentsOverdue}
		if ov.DisclosuresKnow {
			row = append(row, r.DisclosuresOverdue)
		}
		row = append(row, strings.Join(problemsOf(r, ov.DisclosuresKnow), "; "))
		sh.Rows = append(sh.Rows, row)
	}
	total := []any{fmt.Sprintf("Cộng (%d cơ quan)", len(ov.Rows)), "", fmt.Sprintf("%d muộn hoặc chưa tổ chức", ov.ConferencesLate), "", "",
		fmt.Sprintf("%d chưa có hoặc hết nhiệm kỳ", ov.BoardsProblem), "", "", ov.CommitmentsOverdue}
	if ov.DisclosuresKnow {
		total = append(total, ov.DisclosuresOverdue)
	}
	sh.Rows = append(sh.Rows, append(total, ""))
	return sh
}

// agencyYear is one year's conference of an agency on the home page.
type agencyYear struct {
	Year  int
	Conf  *democracy.Conference
	State string // democracy timeliness
	DueOn string
}

// Label is the state in words.
func (y agencyYear) Label() string { return democracy.TimelinessLabel(y.State) }

// Badge is the state's badge class.
func (y agencyYear) Badge() string { return overviewTimelinessBadge(y.State) }

// agencyHome is what the home page shows of one agency.
type agencyHome struct {
	Unit         org.Unit
	Years        []agencyYear
	Resolution   *democracy.Conference // the latest conference with commitments
	Board        *democracy.Board
	BoardInTerm  bool
	CanManage    bool
	CanOverview  bool
	CanRequest   bool
	MyRequests   int
	MyAnswered   int
	OpenRequests int // unanswered, for the board's members
	IsMember     bool
}

// CommitmentsOverdue counts the resolution's commitments past due.
func (a agencyHome) CommitmentsOverdue() int {
	n := 0
	if a.Resolution != nil {
		for _, c := range a.Resolution.Commitments {
			if c.Badge.State == work.Overdue {
				n++
			}
		}
	}
	return n
}

type democracyHomePage struct {
	Page
	Year      int
	Agencies  []agencyHome
	Overviews []overviewView
	Links     democracyLinks
}

func (s *Server) democracyHome(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	now := s.DB.Now()
	today := work.Today(now)
	pg := democracyHomePage{Page: s.page(r, "Dân chủ cơ sở", "democracy", Crumb{Label: "Dân chủ cơ sở"}), Year: now.In(work.VietnamZone).Year(), Links: s.democracyLinks()}
	seen := map[int64]bool{}
	for _, g := range p.Grants {
		if !org.RoleAllows(g.Role, org.ViewConference) {
			continue
		}
		u, err := org.GetUnit(ctx, s.DB, g.UnitID)
		if err != nil {
			continue
		}
		a, inside, err := democracy.AgencyOf(ctx, s.DB, u.Path)
		if err != nil {
			return err
		}
		if !inside {
			// An upper committee: the overview of its subtree (a few grants at most).
			if seen[u.ID] || len(pg.Overviews) >= 3 {
				continue
			}
			seen[u.ID] = true
			ov, err := s.Conferences.Overview(ctx, p, u.ID, 0)
			if err != nil {
				if apperr.KindOf(err) == apperr.NotFound {
					continue
				}
				return err
			}
			pg.Overviews = append(pg.Overviews, makeOverviewView(ov))
			continue
		}
		if seen[a.ID] || len(pg.Agencies) >= 5 {
			continue
		}
		seen[a.ID] = true
		ah, err := s.agencyHome(ctx, p, a, pg.Year, today)
		if err != nil {
			return err
		}
		pg.Agencies = append(pg.Agencies, ah)
	}
	return s.render(w, r, http.StatusOK, "democracy/home", pg)
}

func (s *Server) agencyHome(ctx context.Context, p *org.Principal, a org.Unit, year int, today string) (agencyHome, error) {
	ah := agencyHome{Unit: a, CanOverview: p.CanPath(org.ViewConference, a.Path)}
	confs, err := s.Conferences.Conferences(ctx, p, democracy.ConferenceFilter{UnitID: a.ID, Limit: 10})
	if err != nil {
		return ah, err
	}
	byYear := map[int]democracy.Conference{}
	for _, c := range confs {
		if c.UnitID == a.ID {
			byYear[c.Year] = c
		}
	}
	for _, y := range []int{year, year - 1} {
		ay := agencyYear{Year: y}
		if c, ok := byYear[y]; ok {
			c := c
			ay.Conf, ay.State, ay.DueOn = &c, c.Timeliness(today), c.DueOn
			if !ah.CanManage {
				ah.CanManage = c.CanManage(p)
			}
		} else {
			rules, err := democracy.RulesOn(ctx, s.DB, fmt.Sprintf("%d-01-01", y))
			if err != nil {
				return ah, err
			}
			ay.DueOn = rules.DueOn(y)
			ay.State = "unplanned"
			if today > ay.DueOn {
				ay.State = "missing"
			}
		}
		ah.Years = append(ah.Years, ay)
	}
	// The resolution to follow: the latest conference that has commitments.
	for _, y := range []int{year, year - 1} {
		c, ok := byYear[y]
		if !ok {
			continue
		}
		full, err := s.Conferences.Conference(ctx, p, c.ID)
		if err != nil {
			return ah, err
		}
		if len(full.Commitments) > 0 {
			ah.Resolution = &full
			break
		}
	}
	boardID, err := s.Conferences.LatestBoard(ctx, a.ID)
	if err != nil {
		return ah, err
	}
	if boardID != 0 {
		b, err := s.Conferences.Board(ctx, p, boardID)
		if err != nil {
			return ah, err
		}
		ah.Board, ah.BoardInTerm = &b, b.InTerm(today)
		ah.CanRequest, ah.IsMember = b.CanSendRequest(p), b.CanWork(p)
		for _, q := range b.Requests {
			if q.SenderID == p.UserID {
				ah.MyRequests++
				if q.Answer != "" {
					ah.MyAnswered++
				}
			}
			if q.Answer == "" {
				ah.OpenRequests++
			}
		}
	}
	return ah, nil
}
