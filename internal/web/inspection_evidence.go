package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/export"
	"danvan/internal/inspection"
	"danvan/internal/org"
)

// The facts of inspection: a round's evidence pack per target unit (hồ sơ số liệu) and
// the coverage of a committee's subtree. The rules are internal/inspection's
// (evidence.go, coverage.go); the rounds' own pages are inspection.go's.

// The crumbs name the inspection list and the round without linking them: those pages
// are the inspection-web branch's (inspection.go), to be linked when the two meet.
func (s *Server) inspectionFactsRoutes() {
	s.handle("GET /inspections/rounds/{id}/evidence/{unitID}", s.inspectionEvidence)
	s.handle("POST /inspections/rounds/{id}/evidence", s.inspectionEvidenceRefresh)
	s.handle("GET /inspections/coverage", s.inspectionCoverage)
	s.handle("GET /inspections/coverage.xlsx", s.inspectionCoverageXLSX)
}

type evidencePage struct {
	Page
	E      inspection.Evidence
	Blocks []blockView
	Age    string
}

func (s *Server) inspectionEvidence(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	roundID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	unitID, err := pathID(r, "unitID")
	if err != nil {
		return err
	}
	e, err := s.Inspections.Evidence(r.Context(), p, roundID, unitID)
	if err != nil {
		return err
	}
	pg := evidencePage{Page: s.page(r, "Hồ sơ số liệu — "+e.TargetName, "inspections",
		Crumb{Label: "Kiểm tra, giám sát", Href: "/inspections"}, Crumb{Label: "Đoàn theo Quyết định " + e.DecisionNo, Href: "/inspections/rounds/" + strconv.FormatInt(e.RoundID, 10)},
		Crumb{Label: "Hồ sơ số liệu"}), E: e, Age: e.Age(s.DB.Now())}
	for _, b := range e.Blocks {
		pg.Blocks = append(pg.Blocks, makeBlockView(b, nil))
	}
	return s.render(w, r, http.StatusOK, "inspection/evidence", pg)
}

// inspectionEvidenceRefresh takes the packs of every target again; ?unit (a form field)
// is the pack to return to.
func (s *Server) inspectionEvidenceRefresh(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	roundID, err := pathID(r, "id")
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/inspections/rounds/%d/evidence/%d", roundID, formIntQ(r.PostForm, "unit"))
	if err := s.Inspections.TakeEvidence(ctx, p, roundID); err != nil {
		switch apperr.KindOf(err) {
		case apperr.Conflict, apperr.Forbidden:
			if formIntQ(r.PostForm, "unit") != 0 {
				if _, rerr := s.Inspections.Evidence(r.Context(), p, roundID, formIntQ(r.PostForm, "unit")); rerr == nil {
					return s.redirect(w, r, back, "error", apperr.MessageOf(err))
				}
			}
		}
		return err
	}
	return s.redirect(w, r, back, "success", "Đã cập nhật hồ sơ số liệu của các đơn vị được kiểm tra, giám sát.")
}

// coveragePageRows is how many rows of each list the page shows (the .xlsx has all):
// the whole tree covers thousands of units.
const coveragePageRows = 200

type coveragePage struct {
	Page
	C         inspection.Coverage
	Units     []org.Unit // the units the reader may choose
	Chart     template.HTML
	Rows      []coverageRowView
	Never     []inspection.UnitRef
	RowsNext  string
	NeverNext string
	RowsFrom  int
	RowsTo    int
	NeverFrom int
	NeverTo   int
}

// coverageRowView is a covered unit with its completion rate in words.
type coverageRowView struct {
	inspection.CoverageRow
	Rate string // "66,7%" or "—" without recommendations to count
	Low  bool   // under half done
}

// RateText is the whole subtree's completion rate in words.
func (p coveragePage) RateText() string {
	if pct, ok := p.C.Rate(); ok {
		return FormatPercent(pct / 100)
	}
	return "—"
}

// loadCoverage reads ?unit=ID (default: the reader's first unit with the right to view
// inspections) and ?years=N (default 5).
func (s *Server) loadCoverage(r *http.Request, p *org.Principal) (inspection.Coverage, []org.Unit, error) {
	q := r.URL.Query()
	var units []org.Unit
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.ViewInspection) {
			units = append(units, org.Unit{ID: g.UnitID, Name: g.UnitName, Path: g.UnitPath})
		}
	}
	unitID := formIntQ(q, "unit")
	if unitID == 0 && len(units) > 0 {
		unitID = units[0].ID
	}
	if unitID == 0 {
		return inspection.Coverage{}, units, apperr.New(apperr.NotFound, "web.inspectionCoverage", "Tài khoản của bạn không được xem kiểm tra, giám sát của đơn vị nào.")
	}
	years := 5
	if raw := q.Get("years"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			var v apperr.Validation
			v.Add("years", fmt.Sprintf("Số năm phải từ 1 đến %d.", inspection.MaxCoverageYears))
			return inspection.Coverage{}, units, v.Err()
		}
		years = n
	}
	c, err := s.Inspections.Coverage(r.Context(), p, unitID, years)
	return c, units, err
}

func (s *Server) inspectionCoverage(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	c, units, err := s.loadCoverage(r, p)
	pg := coveragePage{Page: s.page(r, "Bao phủ kiểm tra, giám sát", "inspections", Crumb{Label: "Kiểm tra, giám sát", Href: "/inspections"}, Crumb{Label: "Bao phủ"}),
		C: c, Units: units}
	pg.Form = r.URL.Query()
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		pg.Errors, pg.ErrorMsg = apperr.FieldsOf(err), apperr.MessageOf(err)
		return s.render(w, r, http.StatusUnprocessableEntity, "inspection/coverage", pg)
	}
	pg.Title = "Bao phủ kiểm tra, giám sát " + c.YearsLabel() + " qua — " + c.UnitName
	pg.Chart = coverageChart(c)
	link := func(key string, from int) string {
		v := url.Values{"unit": {strconv.FormatInt(c.UnitID, 10)}, "years": {strconv.Itoa(c.Years)}, key: {strconv.Itoa(from)}}
		for _, k := range []string{"rows", "never"} {
			if k != key && r.URL.Query().Get(k) != "" {
				v.Set(k, r.URL.Query().Get(k))
			}
		}
		return "/inspections/coverage?" + v.Encode()
	}
	var rows []inspection.CoverageRow
	rows, pg.RowsFrom, pg.RowsNext = pageOf(c.Rows, atoi(r.URL.Query().Get("rows")), func(n int) string { return link("rows", n) + "#cv-rows-h" })
	for _, row := range rows {
		v := coverageRowView{CoverageRow: row, Rate: "—"}
		if pct, ok := row.Rate(); ok {
			v.Rate = FormatPercent(pct / 100)
			v.Low = pct < 50
		}
		pg.Rows = append(pg.Rows, v)
	}
	pg.Never, pg.NeverFrom, pg.NeverNext = pageOf(c.Never, atoi(r.URL.Query().Get("never")), func(n int) string { return link("never", n) + "#cv-never-h" })
	pg.RowsTo, pg.NeverTo = pg.RowsFrom+len(pg.Rows)-1, pg.NeverFrom+len(pg.Never)-1
	return s.render(w, r, http.StatusOK, "inspection/coverage", pg)
}

// pageOf is the slice of rows from offset (0-based), its 1-based first row and the
// address of the next slice ("" at the end).
func pageOf[T any](rows []T, offset int, link func(int) string) ([]T, int, string) {
	offset = min(max(offset, 0), len(rows))
	end := min(offset+coveragePageRows, len(rows))
	next := ""
	if end < len(rows) {
		next = link(end)
	}
	return rows[offset:end], offset + 1, next
}

// coverageChart draws, per topic, the units covered by each kind of round.
func coverageChart(c inspection.Coverage) template.HTML {
	if len(c.Topics) == 0 {
		return ""
	}
	var labels []string
	series := []barSeries{{Name: "Kiểm tra", Class: "#1f4e79"}, {Name: "Giám sát chuyên đề", Class: "#2e7d32"}, {Name: "Giám sát thường xuyên", Class: "#8a4b08"}}
	for i := range c.Topics {
		labels = append(labels, fmt.Sprintf("Chủ đề %d", i+1))
		for k := range series {
			series[k].Values = append(series[k].Values, c.ByTopic[i][k])
		}
	}
	return barChart("Số đơn vị được kiểm tra, giám sát theo chủ đề, "+c.YearsLabel()+" qua",
		"Mỗi nhóm cột là một chủ đề (tên đầy đủ ở bảng bên dưới), mỗi cột là số đơn vị theo hình thức; bảng bên dưới có đủ các số.", labels, series)
}

func (s *Server) inspectionCoverageXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	c, _, err := s.loadCoverage(r, p)
	if err != nil {
		return err
	}
	period := viDate(c.From) + " – " + viDate(c.To)
	covered := export.Sheet{Name: "Đã kiểm tra, giám sát", Title: "Đơn vị được kiểm tra, giám sát — " + c.UnitName + ", " + period,
		Columns: []export.Column{{Header: "Đơn vị", Width: 40}, {Header: "Loại đơn vị", Width: 20}, {Header: "Số đợt", Width: 10}}}
	for _, t := range c.Topics {
		covered.Columns = append(covered.Columns, export.Column{Header: t.Name, Width: 18})
	}
	covered.Columns = append(covered.Columns, export.Column{Header: "Đợt gần nhất", Width: 14}, export.Column{Header: "Kiến nghị", Width: 10},
		export.Column{Header: "Đã thực hiện", Width: 12}, export.Column{Header: "Quá hạn", Width: 10}, export.Column{Header: "Chuyển kỳ sau", Width: 12},
		export.Column{Header: "Tỷ lệ hoàn thành (%)", Width: 14})
	for _, row := range c.Rows {
		vals := []any{row.Name, row.Kind.Label(), row.Rounds}
		for _, n := range row.Topics {
			vals = append(vals, n)
		}
		rate := any("")
		if pct, ok := row.Rate(); ok {
			rate = pct
		}
		vals = append(vals, viDate(row.LastOn), row.Recs, row.Done, row.Overdue, row.Carried, rate)
		covered.Rows = append(covered.Rows, vals)
	}
	never := export.Sheet{Name: "Chưa được kiểm tra", Title: "Cấp ủy, cơ quan chưa được kiểm tra, giám sát — " + c.UnitName + ", " + period,
		Columns: []export.Column{{Header: "Đơn vị", Width: 40}, {Header: "Loại đơn vị", Width: 20}}}
	for _, u := range c.Never {
		never.Rows = append(never.Rows, []any{u.Name, u.Kind.Label()})
	}
	topics := export.Sheet{Name: "Theo chủ đề", Title: "Số đơn vị theo chủ đề và hình thức — " + c.UnitName + ", " + period,
		Columns: []export.Column{{Header: "Chủ đề", Width: 44}, {Header: "Kiểm tra", Width: 12}, {Header: "Giám sát chuyên đề", Width: 16}, {Header: "Giám sát thường xuyên", Width: 18}}}
	for i, t := range c.Topics {
		topics.Rows = append(topics.Rows, []any{t.Name, c.ByTopic[i][0], c.ByTopic[i][1], c.ByTopic[i][2]})
	}
	return s.sendSheets(w, r, "Bao phu kiem tra giam sat "+c.UnitName+" "+strconv.Itoa(c.Years)+" nam", covered, never, topics)
}
