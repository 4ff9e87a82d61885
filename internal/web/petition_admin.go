package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/calendar"
	"danvan/internal/org"
	"danvan/internal/petition"
	"danvan/internal/work"
)

// petitionAdminRoutes: the administrator's calendar (days off, swapped working days) and
// the time-limit rules, and the dashboard.
func (s *Server) petitionAdminRoutes() {
	s.handle("GET /admin/calendar", s.calendarPage)
	s.handle("POST /admin/calendar", s.calendarSet)
	s.handle("POST /admin/calendar/delete", s.calendarDelete)
	s.handle("GET /admin/petition-rules", s.rulesPage)
	s.handle("POST /admin/petition-rules", s.ruleAdd)
}

func requireAdmin(r *http.Request) (*org.Principal, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !p.IsAdmin() {
		return nil, apperr.New(apperr.Forbidden, "web.admin", "Trang này dành cho quản trị hệ thống.")
	}
	return p, nil
}

type calendarPage struct {
	Page
	Year     int
	Days     []petition.Day
	Holidays []calendar.Holiday
	Prev     int
	Next     int
}

func (s *Server) calendarPageFor(r *http.Request) (calendarPage, error) {
	year := calendar.DateOf(s.DB.Now()).Year()
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1901 && y <= 2099 {
		year = y
	}
	if y, err := strconv.Atoi(r.PostFormValue("year")); err == nil && y >= 1901 && y <= 2099 {
		year = y
	}
	pg := calendarPage{Page: s.page(r, "Lịch ngày nghỉ, ngày làm bù "+strconv.Itoa(year), "admin", Crumb{Label: "Quản trị"}, Crumb{Label: "Lịch ngày nghỉ"}),
		Year: year, Prev: year - 1, Next: year + 1}
	var err error
	if pg.Days, err = s.CalendarDays.Days(r.Context(), year); err != nil {
		return pg, err
	}
	pg.Holidays = s.CalendarDays.Current().Holidays(year)
	return pg, nil
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	pg, err := s.calendarPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin/calendar", pg)
}

func (s *Server) calendarSet(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAdmin(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.calendarPageFor(r)
	if err != nil {
		return err
	}
	date, ok := ParseDateVN(r.PostFormValue("date"))
	if !ok || date == "" {
		date = "x"
	}
	if err := s.CalendarDays.SetDay(ctx, p, date, r.PostFormValue("kind"), r.PostFormValue("name")); err != nil {
		if apperr.KindOf(err) != apperr.Invalid {
			return err
		}
		withFormError(&pg.Page, r, err)
		return s.render(w, r, http.StatusUnprocessableEntity, "admin/calendar", pg)
	}
	return s.redirect(w, r, "/admin/calendar?year="+date[:4], "success", "Đã lưu ngày "+FormatDate(date)+". Các thời hạn mới tính theo lịch này.")
}

func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAdmin(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	date := r.PostFormValue("date")
	if err := s.CalendarDays.DeleteDay(ctx, p, date); err != nil {
		return err
	}
	year := ""
	if len(date) >= 4 {
		year = date[:4]
	}
	return s.redirect(w, r, "/admin/calendar?year="+year, "success", "Đã bỏ điều chỉnh ngày "+FormatDate(date)+".")
}

type rulesPage struct {
	Page
	Rules []petition.Rule
	Kinds []petition.Kind
	Steps []petition.Step
}

func (s *Server) rulesPageFor(r *http.Request) (rulesPage, error) {
	pg := rulesPage{Page: s.page(r, "Quy định về thời hạn giải quyết đơn thư", "admin", Crumb{Label: "Quản trị"}, Crumb{Label: "Thời hạn đơn thư"}),
		Kinds: petition.Kinds, Steps: petition.Steps}
	var err error
	pg.Rules, err = s.Petitions.Rules(r.Context())
	return pg, err
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	pg, err := s.rulesPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin/rules", pg)
}

func (s *Server) ruleAdd(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAdmin(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.rulesPageFor(r)
	if err != nil {
		return err
	}
	atoi := func(name string) int { n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name))); return n }
	eff, ok := ParseDateVN(r.PostFormValue("effective_from"))
	if !ok {
		eff = "x"
	}
	in := petition.RuleInput{Kind: r.PostFormValue("kind"), Step: r.PostFormValue("step"), Round: atoi("round"), Complexity: r.PostFormValue("complexity"),
		Area: r.PostFormValue("area"), Amount: atoi("amount"), Unit: r.PostFormValue("unit"), Extensions: atoi("extensions"), ExtensionDays: atoi("extension_days"),
		EffectiveFrom: eff, Basis: r.PostFormValue("basis")}
	rule, err := s.Petitions.AddRule(ctx, p, in)
	return finishForm(s, w, r, err, "admin/rules", builtPage(pg), "/admin/petition-rules", "Đã thêm quy định: "+rule.Describe()+", áp dụng cho đơn nhận từ ngày "+FormatDate(rule.EffectiveFrom)+".")
}

type dashboardPage struct {
	Page
	D          petition.Dashboard
	Today      string
	MonthChart template.HTML
	KindChart  template.HTML
}

func (s *Server) petitionDashboard(w http.ResponseWriter, r *http.Request) error {
	p, err := requireUser(r)
	if err != nil {
		return err
	}
	unitID, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if unitID == 0 {
		for _, g := range p.Grants {
			if org.RoleAllows(g.Role, org.ViewPetition) {
				unitID = g.UnitID
				break
			}
		}
	}
	if unitID == 0 {
		return apperr.New(apperr.Forbidden, "web.dashboard", "Bạn không có quyền xem thống kê đơn thư.")
	}
	d, err := s.Petitions.Dashboard(r.Context(), p, unitID, 12)
	if err != nil {
		return err
	}
	pg := dashboardPage{Page: s.page(r, "Thống kê đơn thư — "+d.Unit.Name, "petitions", petitionCrumbs(Crumb{Label: "Thống kê"})...), D: d, Today: work.Today(s.DB.Now())}
	var months []string
	var rec, res, ont []int
	for _, m := range d.ByMonth {
		months = append(months, m.Month[5:]+"/"+m.Month[2:4])
		rec, res, ont = append(rec, m.Received), append(res, m.Resolved), append(ont, m.OnTime)
	}
	pg.MonthChart = barChart("Đơn nhận và đã giải quyết theo tháng", "Mười hai tháng gần nhất; số liệu trong bảng bên dưới.", months,
		[]barSeries{{"Nhận", "#1f4e79", rec}, {"Đã giải quyết", "#2e7d32", res}, {"Giải quyết đúng hạn", "#8a5a00", ont}})
	var kinds []string
	var kr, kres, kod []int
	for _, k := range d.ByKind {
		kinds = append(kinds, k.Kind.Label())
		kr, kres, kod = append(kr, k.Received), append(kres, k.Resolved), append(kod, k.OverdueNow)
	}
	pg.KindChart = barChart("Đơn theo loại", "Nhận, đã giải quyết và đang quá hạn theo loại đơn; số liệu trong bảng bên cạnh.", kinds,
		[]barSeries{{"Nhận", "#1f4e79", kr}, {"Đã giải quyết", "#2e7d32", kres}, {"Đang quá hạn", "#b3261e", kod}})
	return s.render(w, r, http.StatusOK, "petition/dashboard", pg)
}
