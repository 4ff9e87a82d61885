package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"danvan/internal/app"
)

// TestDashboard checks the subtree dashboard through the real application on both engines:
// its petitions figure equals the petitions actually received in the subtree and period
// (counted here straight from the table), a unit out of reach is 404, a malformed date is
// 422 naming the field, and the page shows every block with its children's table.
func TestDashboard(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		agency := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
		agencyPath := scalar[string](t, s, `SELECT path FROM units WHERE id = ?`, agency)
		other := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STC'`)
		canbo := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'canbo'`)
		bithu := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'bithu1'`)
		tokCanbo, err := s.Auth.CreateToken(ctx, canbo, "số liệu")
		if err != nil {
			t.Fatal(err)
		}
		tokBithu, err := s.Auth.CreateToken(ctx, bithu, "số liệu")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		from := strconv.Itoa(now.Year()-5) + "-01-01"
		to := now.Format("2006-01-02")
		q := "/api/v1/dashboard?unit=" + strconv.FormatInt(agency, 10) + "&from=" + from + "&to=" + to
		st, out := apiCall(t, s, tokCanbo, "GET", q, "")
		if st != http.StatusOK {
			t.Fatalf("dashboard: %d %v", st, out)
		}
		nChildren := len(out["children"].([]any))
		want := scalar[int64](t, s, `SELECT COUNT(*) FROM petitions WHERE unit_path LIKE ? AND received_on >= ? AND received_on <= ?`, agencyPath+"%", from, to)
		if want == 0 {
			t.Fatal("the demo has no petition in agency 1: the check below would prove nothing")
		}
		got, keys := int64(-1), []string{}
		for _, b := range out["blocks"].([]any) {
			blk := b.(map[string]any)
			keys = append(keys, blk["key"].(string))
			if blk["key"] != "petitions" {
				continue
			}
			for _, f := range blk["figures"].([]any) {
				if fig := f.(map[string]any); fig["key"] == "received" {
					got = int64(fig["value"].(float64))
				}
			}
			children := out["children"].([]any)
			if len(children) == 0 || len(blk["by_child"].(map[string]any)) != len(children) {
				t.Errorf("petitions block: %d children, by_child %v", len(children), blk["by_child"])
			}
		}
		if got != want {
			t.Errorf("petitions received in agency 1: dashboard %d, table %d (blocks %v)", got, want, keys)
		}
		for _, k := range []string{"plans", "training", "drafts", "models", "petitions"} {
			if !strings.Contains(strings.Join(keys, ","), k) {
				t.Errorf("block %q missing for the whole-tree staff: %v", k, keys)
			}
		}

		if st, _ := apiCall(t, s, tokBithu, "GET", "/api/v1/dashboard?unit="+strconv.FormatInt(other, 10), ""); st != http.StatusNotFound {
			t.Errorf("another agency's dashboard for bithu1: %d, want 404", st)
		}
		st, out = apiCall(t, s, tokCanbo, "GET", "/api/v1/dashboard?unit="+strconv.FormatInt(agency, 10)+"&from=31/02/2026", "")
		if st != http.StatusUnprocessableEntity || !strings.Contains(strings.ToLower(jsonText(out)), "from") {
			t.Errorf("a date that does not exist: %d %v, want 422 naming from", st, out)
		}
		if st, _ := apiCall(t, s, tokCanbo, "GET", "/api/v1/dashboard?unit="+strconv.FormatInt(agency, 10)+"&from=2026-06-30&to=2026-01-01", ""); st != http.StatusUnprocessableEntity {
			t.Errorf("a period that ends before it starts: %d, want 422", st)
		}

		c := newClientAs(t, s, "canbo")
		res, body := c.get("/dashboard?unit=" + strconv.FormatInt(agency, 10) + "&from=01/01/" + strconv.Itoa(now.Year()-5))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("page: %d", res.StatusCode)
		}
		for _, w := range []string{"Kế hoạch", "Đơn thư", "Theo đơn vị trực thuộc", "<svg", `href="/petitions?unit=`} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
		// The comparison as .xlsx: the petitions sheet has the same received count on the
		// unit's own row and one row per child.
		res, body = c.get("/dashboard.xlsx?unit=" + strconv.FormatInt(agency, 10) + "&from=" + from + "&to=" + to)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: %d", res.StatusCode)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("xlsx does not open: %v", err)
		}
		rows, err := f.GetRows("Đơn thư")
		if err != nil {
			t.Fatalf("no petitions sheet: %v (sheets %v)", err, f.GetSheetList())
		}
		col, totalRow, childRows := -1, -1, 0
		for i, r := range rows {
			for j, v := range r {
				if v == "Đơn tiếp nhận" && col < 0 {
					col = j
				}
			}
			if len(r) > 0 && strings.HasSuffix(r[0], "(toàn đơn vị)") {
				totalRow = i
			} else if totalRow >= 0 && len(r) > 0 {
				childRows++
			}
		}
		if col < 0 || totalRow < 0 || rows[totalRow][col] != strconv.FormatInt(want, 10) {
			t.Errorf("xlsx petitions sheet: column %d, unit row %d, rows %v; want received %d", col, totalRow, rows, want)
		}
		if childRows != nChildren {
			t.Errorf("xlsx has %d child rows, the API %d children", childRows, nChildren)
		}
		res, body = c.get("/dashboard?unit=" + strconv.FormatInt(agency, 10) + "&to=hôm-qua")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ngày kết thúc không hợp lệ") {
			t.Errorf("page with a bad date: %d", res.StatusCode)
		}
	})
}

// jsonText is a decoded JSON answer flattened to text, to look for a word in it.
func jsonText(v map[string]any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				b.WriteString(k + " ")
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		case string:
			b.WriteString(x + " ")
		}
	}
	walk(v)
	return b.String()
}
