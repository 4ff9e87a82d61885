package web

import (
	"net/http"
	"strconv"
	"strings"

	"danvan/internal/calendar"
	"danvan/internal/democracy"
)

// disclosureRuleRoutes registers the administrator's page of the disclosures' time limits:
// every version of the rule with its effective date, and a form to add one when the law
// changes (as the petitions' rules: a change of law is data, not code).
func (s *Server) disclosureRuleRoutes() {
	s.handle("GET /admin/disclosure-rules", s.disclosureRulesPage)
	s.handle("POST /admin/disclosure-rules", s.disclosureRuleAdd)
}

type disclosureRulesPage struct {
	Page
	Rules      []democracy.DisclosureRule
	Categories []democracy.DisclosureCategory
}

// CategoryLabel names a rule's category; "" is every category without a rule of its own.
func (pg disclosureRulesPage) CategoryLabel(code string) string {
	if code == "" {
		return "Mọi nhóm nội dung (quy định chung)"
	}
	for _, c := range pg.Categories {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func (s *Server) disclosureRulesPageFor(r *http.Request) (disclosureRulesPage, error) {
	pg := disclosureRulesPage{Page: s.page(r, "Quy định về thời hạn công khai", "admin", Crumb{Label: "Quản trị", Href: "/admin"}, Crumb{Label: "Thời hạn công khai"})}
	var err error
	if pg.Rules, err = s.Disclosures.DisclosureRules(r.Context()); err != nil {
		return pg, err
	}
	pg.Categories, err = s.Disclosures.Categories(r.Context())
	return pg, err
}

func (s *Server) disclosureRulesPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	pg, err := s.disclosureRulesPageFor(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "admin/disclosure_rules", pg)
}

func (s *Server) disclosureRuleAdd(w http.ResponseWriter, r *http.Request) error {
	p, err := requireAdmin(r)
	if err != nil {
		return err
	}
	ctx, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pg, err := s.disclosureRulesPageFor(r)
	if err != nil {
		return err
	}
	// A number that is not one, or a unit that is not one, is out of range for the
	// service, which then says what is wrong with the field.
	count := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
		if err != nil {
			return -1
		}
		return n
	}
	unit, err := calendar.ParseUnit(r.PostFormValue("post_unit"))
	if err != nil {
		unit = calendar.Unit(-1)
	}
	eff, ok := ParseDateVN(r.PostFormValue("effective_from"))
	if !ok || eff == "" {
		eff = "x"
	}
	rule := democracy.DisclosureRule{Category: r.PostFormValue("category"), EffectiveFrom: eff, PostWithin: count("post_within"), PostUnit: unit,
		DisplayDays: count("display_days"), Basis: r.PostFormValue("basis")}
	_, err = s.Disclosures.AddDisclosureRule(ctx, p, rule)
	return finishForm(s, w, r, err, "admin/disclosure_rules", builtPage(pg), "/admin/disclosure-rules",
		"Đã thêm quy định: "+rule.Text()+", áp dụng cho quyết định ký từ ngày "+FormatDate(rule.EffectiveFrom)+".")
}
