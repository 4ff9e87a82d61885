package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"danvan/internal/news"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

func validYMD(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// FormatDate shows a stored date (YYYY-MM-DD) or instant as dd/mm/yyyy; "" stays "".
func FormatDate(s string) string {
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			if len(s) > 10 {
				if ts := sqldb.ParseTime(s); !ts.IsZero() {
					return ts.In(work.VietnamZone).Format("02/01/2006")
				}
			}
			return t.Format("02/01/2006")
		}
	}
	return s
}

// FormatDateTime shows a stored instant as "09:12 25/11/2026" in Vietnam time.
func FormatDateTime(s string) string {
	t := sqldb.ParseTime(s)
	if t.IsZero() {
		return s
	}
	return t.In(work.VietnamZone).Format("15:04 02/01/2006")
}

// FormatNumber writes 1234567 as 1.234.567.
func FormatNumber(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FormatPercent writes 0.875 as 87,5%.
func FormatPercent(ratio float64) string {
	s := strconv.FormatFloat(ratio*100, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + "%"
}

func toInt64(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}

func templateFuncs() template.FuncMap {
	navs := navHTML(navItems)
	return template.FuncMap{
		"date":     FormatDate,
		"datetime": FormatDateTime,
		"num":      func(v any) string { return FormatNumber(toInt64(v)) },
		"percent":  FormatPercent,
		"unitKind": func(k org.UnitKind) string { return k.Label() },
		"position": org.PositionLabel,
		"roleName": func(r org.Role) string { return r.Label() },
		"add":      func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
		"errFor": func(p Page, field string) string { return p.Errors[field] },
		"has":    func(p Page, field string) bool { _, ok := p.Errors[field]; return ok },
		"val":    func(p Page, field string) string { return p.Value(field) },
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"navItems": func() []NavItem { return navItems },
		// nav is the main navigation with the current item marked, written once per item
		// at start: ranging over the items in the layout was a tenth of a signed-in page's
		// server time (issue 15).
		"nav": func(current string) template.HTML {
			if h, ok := navs[current]; ok {
				return h
			}
			return navs[""]
		},
		"dateLine":  DateLine,
		"newsState": news.StateLabel,
		"list":      func(xs ...string) []string { return xs },
		"selected": func(a, b any) template.HTMLAttr {
			if fmt.Sprint(a) == fmt.Sprint(b) {
				return "selected"
			}
			return ""
		},
		"checked": func(b bool) template.HTMLAttr {
			if b {
				return "checked"
			}
			return ""
		},
		"can": func(p *org.Principal, action string) bool { return p.CanAnywhere(org.Action(action)) },
		"canPath": func(p *org.Principal, action, path string) bool {
			return p.CanPath(org.Action(action), path)
		},
	}
}

// NavItem is one entry of the main navigation, by capability.
type NavItem struct {
	Key   string
	Label string
	Href  string
}

// navHTML writes the navigation's list once for each current item (and for none).
func navHTML(items []NavItem) map[string]template.HTML {
	out := make(map[string]template.HTML, len(items)+1)
	for _, cur := range append([]NavItem{{}}, items...) {
		var b strings.Builder
		b.WriteString("<ul>")
		for _, it := range items {
			b.WriteString("\n<li><a href=\"")
			b.WriteString(template.HTMLEscapeString(it.Href))
			b.WriteString("\"")
			if cur.Key != "" && it.Key == cur.Key {
				b.WriteString(` aria-current="page"`)
			}
			b.WriteString(">")
			b.WriteString(template.HTMLEscapeString(it.Label))
			b.WriteString("</a></li>")
		}
		b.WriteString("\n</ul>")
		out[cur.Key] = template.HTML(b.String())
	}
	return out
}

// navItems is the navigation every signed-in page shows (INTERFACE.md).
var navItems = []NavItem{
	{"home", "Tổng quan", "/"},
	{"mywork", "Việc của tôi", "/my-work"},
	{"plans", "Kế hoạch & nhiệm vụ", "/plans"},
	{"drafts", "Dự thảo & góp ý", "/drafts"},
	{"petitions", "Đơn thư", "/petitions"},
	{"models", "Mô hình dân vận", "/models"},
	{"democracy", "Dân chủ cơ sở", "/democracy"},
	{"inspections", "Kiểm tra, giám sát", "/inspections"},
	{"dashboard", "Số liệu", "/dashboard"},
	{"reports", "Báo cáo", "/reports"},
	{"org", "Tổ chức", "/units"},
	{"admin", "Quản trị", "/admin"},
}
