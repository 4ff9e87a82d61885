package web

import (
	"html/template"
	"net/http"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/export"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/work"
)

// The subtree dashboard (bảng số liệu): one page per unit and period with every domain's
// figures, read through the domains' own figures.Source (their queries and list rights),
// and the unit's children side by side. The periodic reports of issue 13 are to build on
// the same loadDashboard.

func (s *Server) dashboardRoutes() {
	s.handle("GET /dashboard", s.dashboard)
	s.handle("GET /dashboard.xlsx", s.dashboardXLSX)
	s.handleAPI("GET /api/v1/dashboard", s.apiDashboard)
}

// dashboardData is what the page and the API show.
type dashboardData struct {
	Unit     org.Unit
	From, To string // YYYY-MM-DD, both included
	Blocks   []figures.Block
	Children []org.Unit // in the order of Block.ByChild's rows
}

// loadDashboard reads ?unit=ID&from=&to= (dates dd/mm/yyyy or YYYY-MM-DD; by default the
// year so far) and asks every source. Errors: Invalid (dates), NotFound (unit out of reach).
func (s *Server) loadDashboard(r *http.Request, p *org.Principal) (dashboardData, error) {
	q := r.URL.Query()
	unitID, _ := strconv.ParseInt(q.Get("unit"), 10, 64)
	if unitID == 0 {
		for _, g := range p.Grants {
			if org.RoleAllows(g.Role, org.ViewUnit) {
				unitID = g.UnitID
				break
			}
		}
	}
	today := work.Today(s.DB.Now())
	d := dashboardData{From: today[:4] + "-01-01", To: today}
	var v apperr.Validation
	if raw := q.Get("from"); raw != "" {
		if f, ok := ParseDateVN(raw); ok && f != "" {
			d.From = f
		} else {
			v.Add("from", "Ngày bắt đầu không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 01/01/2026.")
		}
	}
	if raw := q.Get("to"); raw != "" {
		if t, ok := ParseDateVN(raw); ok && t != "" {
			d.To = t
		} else {
			v.Add("to", "Ngày kết thúc không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2026.")
		}
	}
	if err := v.Err(); err != nil {
		return d, err
	}
	fq := figures.Query{From: d.From, To: d.To, Trend: true}
	if d.To < d.From {
		v.Add("to", "Ngày kết thúc phải sau ngày bắt đầu.")
	} else if len(fq.Months()) >= 120 {
		v.Add("from", "Kỳ số liệu phải ngắn hơn 10 năm.")
	}
	if err := v.Err(); err != nil {
		return d, err
	}
	if unitID == 0 {
		return d, apperr.New(apperr.NotFound, "web.dashboard", "Không tìm thấy đơn vị.")
	}
	u, err := s.Org.UnitByID(r.Context(), p, unitID)
	if err != nil {
		return d, err
	}
	d.Unit = u
	if d.Children, err = s.Org.Children(r.Context(), p, u.ID, false); err != nil {
		return d, err
	}
	fq.Scope = u.Path
	for _, c := range d.Children {
		fq.Children = append(fq.Children, c.Path)
	}
	d.Blocks, err = figures.Collect(r.Context(), s.Figures, p, fq)
	return d, err
}

// blockView is a block with its chart and its children's rows, ready for the template.
type blockView struct {
	figures.Block
	Chart template.HTML // monthly trend, when the source gives one
	Rows  []childRow
}

// childRow is one child unit in the side-by-side table; Lag marks the cells where a
// number that should be low (Figure.Bad) is above zero.
type childRow struct {
	Unit   org.Unit
	Values []int64
	Lag    []bool
	Lags   bool
}

type subtreeDashboardPage struct {
	Page
	D      dashboardData
	Blocks []blockView
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	d, err := s.loadDashboard(r, p)
	pg := subtreeDashboardPage{Page: s.page(r, "Số liệu", "dashboard", Crumb{Label: "Số liệu"}), D: d}
	pg.Form = r.URL.Query()
	if err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		pg.Errors, pg.ErrorMsg = apperr.FieldsOf(err), apperr.MessageOf(err)
		return s.render(w, r, http.StatusUnprocessableEntity, "dashboard/dashboard", pg)
	}
	pg.Title = "Số liệu — " + d.Unit.Name
	for _, b := range d.Blocks {
		pg.Blocks = append(pg.Blocks, makeBlockView(b, d.Children))
	}
	return s.render(w, r, http.StatusOK, "dashboard/dashboard", pg)
}

func makeBlockView(b figures.Block, children []org.Unit) blockView {
	v := blockView{Block: b}
	if len(b.Trend) > 1 {
		var labels []string
		series := make([]barSeries, 0, 3)
		colours := []string{"#1f4e79", "#2e7d32", "#b3261e"}
		for i, f := range b.Figures {
			if i == len(colours) {
				break
			}
			series = append(series, barSeries{Name: f.Label, Class: colours[i]})
		}
		for _, pt := range b.Trend {
			labels = append(labels, pt.Month[5:]+"/"+pt.Month[2:4])
			for i := range series {
				if i < len(pt.Values) {
					series[i].Values = append(series[i].Values, int(pt.Values[i]))
				}
			}
		}
		v.Chart = barChart(b.Title+" theo tháng", "Số liệu từng tháng của kỳ; bảng bên dưới có đủ các số.", labels, series)
	}
	for _, c := range children {
		vals, ok := b.ByChild[c.Path]
		if !ok {
			continue
		}
		row := childRow{Unit: c, Values: vals, Lag: make([]bool, len(vals))}
		for i, x := range vals {
			if i < len(b.Figures) && b.Figures[i].Bad && x > 0 {
				row.Lag[i], row.Lags = true, true
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// dashboardJSON is the API's answer (docs/openapi.yaml, Dashboard).
type dashboardJSON struct {
	Unit     unitRefJSON     `json:"unit"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Blocks   []figures.Block `json:"blocks"`
	Children []unitRefJSON   `json:"children"`
}

type unitRefJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Path string `json:"path"`
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	d, err := s.loadDashboard(r, p)
	if err != nil {
		return err
	}
	out := dashboardJSON{Unit: unitRefJSON{d.Unit.ID, d.Unit.Name, d.Unit.Path}, From: d.From, To: d.To, Blocks: d.Blocks, Children: []unitRefJSON{}}
	if out.Blocks == nil {
		out.Blocks = []figures.Block{}
	}
	for _, c := range d.Children {
		out.Children = append(out.Children, unitRefJSON{c.ID, c.Name, c.Path})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// dashboardXLSX sends the comparison of the child units as a workbook: a sheet per block,
// the unit itself on the first row, then one row per child with the same columns.
func (s *Server) dashboardXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	d, err := s.loadDashboard(r, p)
	if err != nil {
		return err
	}
	var sheets []export.Sheet
	for _, b := range d.Blocks {
		sh := export.Sheet{Name: b.Title, Title: b.Title + " — " + d.Unit.Name + ", " + viDate(d.From) + " – " + viDate(d.To),
			Columns: []export.Column{{Header: "Đơn vị", Width: 40}}}
		total := []any{d.Unit.Name + " (toàn đơn vị)"}
		for _, f := range b.Figures {
			sh.Columns = append(sh.Columns, export.Column{Header: f.Label, Width: 16})
			total = append(total, f.Value)
		}
		sh.Rows = append(sh.Rows, total)
		for _, c := range d.Children {
			vals, ok := b.ByChild[c.Path]
			if !ok {
				continue
			}
			row := []any{c.Name}
			for _, v := range vals {
				row = append(row, v)
			}
			sh.Rows = append(sh.Rows, row)
		}
		sheets = append(sheets, sh)
	}
	if len(sheets) == 0 {
		sheets = append(sheets, export.Sheet{Name: "Số liệu", Columns: []export.Column{{Header: "Chưa có số liệu nào bạn được xem cho đơn vị này."}}})
	}
	return s.sendSheets(w, r, "So lieu "+d.Unit.Name+" "+d.From+" "+d.To, sheets...)
}

// viDate shows YYYY-MM-DD as dd/mm/yyyy.
func viDate(iso string) string {
	if len(iso) != 10 {
		return iso
	}
	return iso[8:] + "/" + iso[5:7] + "/" + iso[:4]
}
