package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"danvan/internal/emulation"
	"danvan/internal/org"
)

func (s *Server) modelPublicRoutes() {
	// The board shows honoured models, their photos and their units' names.
	honour := func(r *http.Request) (string, time.Time, error) { return s.versionsTag(r.Context(), "honour", "units") }
	pages := &publicPages{}
	s.handle("GET /vinh-danh", s.cachedPublic(pages, honour, s.honourBoard))
	s.handle("GET /vinh-danh/{id}", s.cachedPublic(pages, honour, s.honourModel))
	s.handleAPI("GET /api/v1/public/models", s.apiPublicModels)
}

type honourPage struct {
	Page
	Models []emulation.Model
	Next   string
	Fields []emulation.Field
	Years  []int
	Units  [][2]string
	Year   int
	Field  string
	UnitID int64
	Image  string
	URL    string
}

func (s *Server) honourFilter(r *http.Request) emulation.PublicFilter {
	q := r.URL.Query()
	f := emulation.PublicFilter{Field: q.Get("field")}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	f.BeforeID, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	return f
}

func (s *Server) honourBoard(w http.ResponseWriter, r *http.Request) error {
	f := s.honourFilter(r)
	ms, next, err := s.Models.Honoured(r.Context(), f)
	if err != nil {
		return err
	}
	pg := honourPage{Page: s.publicPage(r, "Vinh danh mô hình, điển hình “Dân vận khéo”", "honour"), Models: ms, Fields: emulation.Fields,
		Year: f.Year, Field: f.Field, UnitID: f.UnitID}
	pg.Description = "Các mô hình, điển hình “Dân vận khéo” được công nhận của " + pg.OrgName + ": cách làm hay, kết quả cụ thể, có thể nhân rộng."
	if f.Year != 0 {
		pg.Title += " năm " + strconv.Itoa(f.Year)
	}
	version, _, err := s.versionsTag(r.Context(), "honour", "units")
	if err != nil {
		return err
	}
	if pg.Units, pg.Years, err = s.Models.HonourFilters(r.Context(), version); err != nil {
		return err
	}
	if next != 0 {
		v := r.URL.Query()
		v.Set("before", strconv.FormatInt(next, 10))
		pg.Next = "/vinh-danh?" + v.Encode()
	}
	if len(ms) > 0 && ms[0].PhotoID != 0 {
		pg.Image = s.absURL(r, "/files/"+strconv.FormatInt(ms[0].PhotoID, 10))
	}
	pg.URL = s.absURL(r, r.URL.RequestURI())
	return s.render(w, r, http.StatusOK, "model/honour", pg)
}

func (s *Server) absURL(r *http.Request, path string) string {
	base := strings.TrimSuffix(s.cfg.BaseURL, "/")
	if base == "" {
		base = "http://" + r.Host
	}
	return base + path
}

type honourModelPage struct {
	Page
	Model    emulation.Model
	Photos   []int64
	Original *modelRef
	Spread   []emulation.Node
	Image    string
	URL      string
}

func (s *Server) honourModel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.Models.PublicModel(r.Context(), id)
	if err != nil {
		return err
	}
	pg := honourModelPage{Page: s.publicPage(r, m.Name+" — "+m.UnitName, "honour"), Model: m}
	pg.Crumbs = []Crumb{{Label: "Vinh danh", Href: "/vinh-danh"}, {Label: m.Name}}
	story := m.Story
	if story == "" {
		story = m.Outputs
	}
	pg.Description = clipText(m.KindLabel()+" “"+m.Name+"” ("+m.UnitName+", "+m.FieldLabel()+", "+strconv.Itoa(m.RecognisedYear)+"): "+story, 200)
	photos, _, err := s.Models.Attachments(r.Context(), m)
	if err != nil {
		return err
	}
	for _, p := range photos {
		pg.Photos = append(pg.Photos, p.ID)
	}
	if m.PhotoID != 0 {
		pg.Image = s.absURL(r, "/files/"+strconv.FormatInt(m.PhotoID, 10))
	}
	pg.URL = s.absURL(r, "/vinh-danh/"+strconv.FormatInt(m.ID, 10))
	if m.ReplicaOf != 0 {
		if name, unit, public, err := s.Models.Name(r.Context(), m.ReplicaOf); err == nil {
			pg.Original = &modelRef{m.ReplicaOf, name, unit, public}
		}
	}
	if pg.Spread, err = s.Models.Replicas(r.Context(), m.ID); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "model/honour_model", pg)
}

func clipText(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

func (s *Server) apiPublicModels(w http.ResponseWriter, r *http.Request) error {
	f := s.honourFilter(r)
	if v := r.URL.Query().Get("year"); v != "" && f.Year == 0 {
		return fieldErr("year", "Năm không hợp lệ (YYYY).")
	}
	f.Limit = 500
	ms, next, err := s.Models.Honoured(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]ModelJSON, 0, len(ms))
	for _, m := range ms {
		out = append(out, modelJSON(m, true))
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": out, "next": next})
	return nil
}

// svgChart is a drawn chart with its accessible title and description.
type svgChart struct {
	SVG   template.HTML
	Title string
}

var fieldColours = []string{"#9b1c1c", "#1d4ed8", "#047857", "#6b21a8"}

// yearChart draws the models per year (groups) and field (bars).
func yearChart(years []emulation.YearCount) svgChart {
	title := "Số mô hình, điển hình theo năm và lĩnh vực"
	maxN := 1
	for _, y := range years {
		for _, n := range y.ByField {
			maxN = max(maxN, n)
		}
	}
	const w, h, left, bottom, top = 640, 300, 40, 40, 20
	group := float64(w-left-10) / float64(max(1, len(years)))
	bar := group / float64(len(emulation.Fields)+1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-t chart-d"><title id="chart-t">%s</title><desc id="chart-d">Biểu đồ cột; số liệu đầy đủ trong bảng bên dưới.</desc>`, w, h+60, html.EscapeString(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555"/>`, left, h-bottom, w-5, h-bottom)
	for i := 0; i <= 4; i++ {
		v := maxN * i / 4
		y := float64(h-bottom) - float64(v)/float64(maxN)*float64(h-bottom-top)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" text-anchor="end" fill="#333">%s</text><line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left-4, y+4, FormatNumber(int64(v)), left, y, w-5, y)
	}
	for gi, y := range years {
		x0 := float64(left) + float64(gi)*group + bar/2
		for fi, f := range emulation.Fields {
			n := y.ByField[f.Key]
			bh := float64(n) / float64(maxN) * float64(h-bottom-top)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%d · %s: %s</title></rect>`, x0+float64(fi)*bar, float64(h-bottom)-bh, bar-2, bh, fieldColours[fi], y.Year, html.EscapeString(f.Label), FormatNumber(int64(n)))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="12" text-anchor="middle" fill="#222">%d</text>`, x0+bar*2, h-bottom+16, y.Year)
	}
	for fi, f := range emulation.Fields {
		x := 10 + fi*158
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="11" fill="#222">%s</text>`, x, h+10, fieldColours[fi], x+16, h+20, html.EscapeString(f.Label))
	}
	b.WriteString(`</svg>`)
	return svgChart{SVG: template.HTML(b.String()), Title: title}
}

// spreadSVG draws the replication tree: the original on the left, each replica one step
// to the right of the model it copies.
func spreadSVG(nodes []emulation.Node, current int64) svgChart {
	title := "Bản đồ nhân rộng mô hình"
	rowOf := map[int64]int{}
	kids := map[int64][]emulation.Node{}
	var root *emulation.Node
	for i := range nodes {
		if nodes[i].Depth == 0 {
			root = &nodes[i]
		} else {
			kids[nodes[i].ParentID] = append(kids[nodes[i].ParentID], nodes[i])
		}
	}
	if root == nil {
		return svgChart{Title: title}
	}
	var order []emulation.Node
	var walk func(n emulation.Node)
	walk = func(n emulation.Node) {
		rowOf[n.ID] = len(order)
		order = append(order, n)
		for _, k := range kids[n.ID] {
			walk(k)
		}
	}
	walk(*root)
	maxDepth := 0
	for _, n := range order {
		maxDepth = max(maxDepth, n.Depth)
	}
	const colW, rowH, boxW, boxH = 230, 56, 210, 44
	w, h := (maxDepth+1)*colW+10, len(order)*rowH+10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="spread-t spread-d"><title id="spread-t">%s</title><desc id="spread-d">Sơ đồ cây: %d mô hình; danh sách bên dưới có cùng nội dung.</desc>`, w, h, title, len(order))
	for _, n := range order {
		if n.Depth == 0 {
			continue
		}
		pr := rowOf[n.ParentID]
		x1, y1 := float64((n.Depth-1)*colW+5+boxW), float64(pr*rowH+5+boxH/2)
		x2, y2 := float64(n.Depth*colW+5), float64(rowOf[n.ID]*rowH+5+boxH/2)
		fmt.Fprintf(&b, `<path d="M%.0f %.0f H%.0f V%.0f H%.0f" fill="none" stroke="#777"/>`, x1, y1, (x1+x2)/2, y2, x2)
	}
	for _, n := range order {
		x, y := n.Depth*colW+5, rowOf[n.ID]*rowH+5
		stroke, sw := "#999", 1
		if n.ID == current {
			stroke, sw = "#9b1c1c", 3
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="#fff" stroke="%s" stroke-width="%d"/>`, x, y, boxW, boxH, stroke, sw)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" font-weight="bold" fill="#111">%s</text>`, x+8, y+18, html.EscapeString(clipText(n.UnitName, 30)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#333">%d · %s</text>`, x+8, y+35, n.Year, html.EscapeString(n.State.Label()))
	}
	b.WriteString(`</svg>`)
	return svgChart{SVG: template.HTML(b.String()), Title: title}
}

type modelStatsPage struct {
	Page
	Years  []emulation.YearCount
	Fields []emulation.Field
	Chart  svgChart
}

func (s *Server) modelStats(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	path := ""
	if uid, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64); uid > 0 {
		u, err := s.Org.UnitByID(r.Context(), p, uid)
		if err != nil {
			return err
		}
		path = u.Path
	}
	ys, err := s.Models.ByYear(r.Context(), p, path)
	if err != nil {
		return err
	}
	pg := modelStatsPage{Page: s.page(r, "Thống kê mô hình theo năm và lĩnh vực", "models", modelCrumbs(Crumb{Label: "Thống kê"})...), Years: ys, Fields: emulation.Fields, Chart: yearChart(ys)}
	return s.render(w, r, http.StatusOK, "model/stats", pg)
}

var _ = url.Values{}
var _ = org.ViewModel
