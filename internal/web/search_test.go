package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"danvan/internal/app"
	"danvan/internal/demo"
	"danvan/internal/petition"
	"danvan/internal/search"
)

// TestGlobalSearchHTTP drives the header's search box (/search) through the real app on
// both engines: matches without diacritics in each module, only inside the reader's reach,
// the denouncer never shown, and hostile input answered calmly.
func TestGlobalSearchHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		find := func(c *appClient, q string) string {
			t.Helper()
			res, body := c.get("/search?q=" + url.QueryEscape(q))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("search %q: %d", q, res.StatusCode)
			}
			return body
		}
		href := func(prefix string, id int64) string { return `href="` + prefix + strconv.FormatInt(id, 10) + `"` }
		agency1 := scalar[string](t, s, `SELECT path FROM units WHERE name = ?`, "Sở Tư pháp")
		agency2 := scalar[string](t, s, `SELECT path FROM units WHERE name = ?`, "Sở Tài chính")
		// A person whose name is no other's (nor part of one), so the five shown hold them.
		uniquePerson := `SELECT id FROM people p WHERE p.unit_path LIKE ? AND (SELECT COUNT(*) FROM people o WHERE o.name_fold LIKE '%' || p.name_fold || '%') = 1 ORDER BY p.id LIMIT 1`
		mine := scalar[int64](t, s, uniquePerson, agency1+"%")
		other := scalar[int64](t, s, uniquePerson, agency2+"%")
		nameOf := func(id int64) string { return scalar[string](t, s, `SELECT full_name FROM people WHERE id = ?`, id) }

		bithu := newClientAs(t, s, "bithu1")
		// A person of the reader's committee, typed without diacritics.
		body := find(bithu, search.Fold(nameOf(mine)))
		if !strings.Contains(body, href("/people/", mine)) || !strings.Contains(body, nameOf(mine)) {
			t.Errorf("bithu1 does not find %q of their committee", nameOf(mine))
		}
		for _, want := range []string{`<h2 id="h-nguoi">Cán bộ, đảng viên</h2>`, `aria-label="Đường dẫn"`, `value="` + search.Fold(nameOf(mine)) + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("search page lacks %s", want)
			}
		}
		// A person of another committee stays out of reach, though the whole-tree admin finds them.
		if body := find(bithu, search.Fold(nameOf(other))); strings.Contains(body, href("/people/", other)) || strings.Contains(body, nameOf(other)) {
			t.Errorf("bithu1 finds %q of another committee", nameOf(other))
		}
		admin := newClientAs(t, s, "admin")
		if body := find(admin, search.Fold(nameOf(other))); !strings.Contains(body, href("/people/", other)) {
			t.Errorf("admin does not find %q (so the check above proves nothing)", nameOf(other))
		}
		// Units by name without diacritics; another committee's are not listed.
		unit1 := scalar[int64](t, s, `SELECT id FROM units WHERE path = ?`, agency1)
		unit2 := scalar[int64](t, s, `SELECT id FROM units WHERE path = ?`, agency2)
		body = find(bithu, "so tu phap")
		if !strings.Contains(body, href("/units/", unit1)) || !strings.Contains(body, `href="/units?q=so&#43;tu&#43;phap"`) {
			t.Errorf("bithu1 does not find their unit Sở Tư pháp, with a link to the filtered list")
		}
		if body := find(bithu, "so tai chinh"); strings.Contains(body, href("/units/", unit2)) {
			t.Errorf("bithu1 finds Sở Tài chính, another committee")
		}
		if body := find(admin, "so tai chinh"); !strings.Contains(body, href("/units/", unit2)) {
			t.Errorf("admin does not find Sở Tài chính")
		}
		// A document by its notation typed without Đ.
		doc := scalar[int64](t, s, `SELECT id FROM gov_documents WHERE notation = ?`, "04-NQ/ĐUK")
		body = find(bithu, "04-nq/duk")
		if !strings.Contains(body, href("/documents/", doc)) || !strings.Contains(body, "04-NQ/ĐUK") {
			t.Errorf("04-nq/duk does not find 04-NQ/ĐUK")
		}
		if !strings.Contains(body, "Không có kết quả trong: Đơn vị, Cán bộ, đảng viên") {
			t.Errorf("the modules without a match are not named")
		}
		// A draft by words that are not next to each other in its title, as the other lists match.
		draft := scalar[int64](t, s, `SELECT id FROM drafts WHERE title = ?`, "Quy chế thực hiện dân chủ trong hoạt động của Sở Tư pháp")
		if body := find(bithu, "quy che dan chu tu phap"); !strings.Contains(body, href("/drafts/", draft)) {
			t.Errorf("bithu1 does not find the draft Quy chế thực hiện dân chủ … Sở Tư pháp")
		}

		// The denouncer: lists mask them for everybody, even those who may open the
		// petition (tiepdan1, thutruong1), and their name, phone and ID number match nothing.
		d := demo.DemoDenouncer
		den := scalar[int64](t, s, `SELECT id FROM petitions WHERE sender_idno = ?`, d.IDNo)
		secrets := []string{d.Name, d.Phone, d.IDNo, d.Email, "Bảo Ngọc"}
		body = find(newClientAs(t, s, "tiepdan1"), "thu phi cong chung")
		if !strings.Contains(body, href("/petitions/", den)) || !strings.Contains(body, "thông tin được bảo mật") {
			t.Errorf("tiepdan1 does not find the denunciation by its subject, masked")
		}
		for _, sec := range secrets {
			if strings.Contains(body, sec) {
				t.Errorf("tiepdan1's search results show %q", sec)
			}
		}
		// By its tracking code, grouped as printed on the receipt, in lower case.
		code := scalar[string](t, s, `SELECT code FROM petitions WHERE id = ?`, den)
		if body := find(newClientAs(t, s, "tiepdan1"), strings.ToLower(petition.FormatCode(code))); !strings.Contains(body, href("/petitions/", den)) {
			t.Errorf("tiepdan1 does not find the denunciation by its code %s", code)
		}
		for _, u := range []string{"tiepdan1", "tiepdan2", "bithu1", "canbo", "admin", "dangvien1"} {
			c := newClientAs(t, s, u)
			for _, q := range []string{d.Name, "luong thi bao ngoc", d.IDNo, "thu phi cong chung"} {
				body := strings.ReplaceAll(find(c, q), `value="`+q+`"`, "") // the reader's own words echoed in the boxes
				if strings.Contains(body, href("/petitions/", den)) && q != "thu phi cong chung" {
					t.Errorf("%s: %q finds the denunciation", u, q)
				}
				for _, sec := range secrets {
					if strings.Contains(body, sec) {
						t.Errorf("%s: search %q shows %q", u, q, sec)
					}
				}
			}
		}

		// Nothing typed, nothing found, hostile input.
		if body := find(bithu, ""); !strings.Contains(body, "Nhập tên đơn vị") {
			t.Errorf("empty search: no guidance")
		}
		if body := find(bithu, "   "); !strings.Contains(body, "Nhập tên đơn vị") {
			t.Errorf("blank search: no guidance")
		}
		if body := find(bithu, "zzqxw khong co gi"); !strings.Contains(body, "Không tìm thấy kết quả nào") || !strings.Contains(body, `value="zzqxw khong co gi"`) {
			t.Errorf("no match: no message, or the query is not kept in the form")
		}
		if body := find(bithu, "100%_\\"); strings.Contains(body, "Nhập tên đơn vị") {
			t.Errorf("LIKE characters: treated as empty")
		}
		res, body := bithu.get("/search?q=so+tu+phap%ff%fe%C3")
		if res.StatusCode != http.StatusOK || !utf8.ValidString(body) || !strings.Contains(body, href("/units/", unit1)) {
			t.Errorf("malformed UTF-8: %d, valid %v", res.StatusCode, utf8.ValidString(body))
		}
		long := strings.Repeat("nguyen van ", 2000) // 22 kB (under the 64 kB header limit): served, cut to the first words
		if res, body := bithu.get("/search?q=" + url.QueryEscape(long)); res.StatusCode != http.StatusOK || strings.Count(body, "nguyen van") > 200 {
			t.Errorf("long query: %d, %d bytes", res.StatusCode, len(body))
		}
		huge := strings.Repeat("a", 10<<20) // 10 MB: refused by the server's header limit, not a 500
		// The client may see the connection closed while still sending: also harmless.
		if req, err := http.NewRequest("GET", s.URL+"/search?q="+huge, nil); err != nil {
			t.Fatal(err)
		} else if res, err := bithu.http.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("10 MB query: %d", res.StatusCode)
			}
		}
		if body := find(bithu, "so tu phap"); !strings.Contains(body, href("/units/", unit1)) {
			t.Errorf("search fails after the 10 MB query")
		}
		// A citizen without an account is sent to sign in, like every staff page.
		if res, _ := newClient(t, s).get("/search?q=so+tu+phap"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous search: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

// TestGlobalSearchOutOfTime: when the modules cannot answer within the page's budget, the
// page still answers, naming the sections not done with their lists' links.
func TestGlobalSearchOutOfTime(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		res, body := newClientAs(t, s, "bithu1").get("/search?q=so+tu+phap")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Mục này chưa tìm xong") || !strings.Contains(body, `href="/units?q=so&#43;tu&#43;phap"`) {
			t.Errorf("out of time: %d, no notice or no list link", res.StatusCode)
		}
		if strings.Contains(body, "Không tìm thấy kết quả nào") {
			t.Errorf("out of time reads as nothing found")
		}
	}, func(a *app.App) { a.Web.SearchBudget = time.Nanosecond })
}
