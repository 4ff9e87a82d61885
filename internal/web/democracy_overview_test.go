package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"danvan/internal/app"
)

// TestDemocracyOverview checks the subtree overview on both engines through the real
// application: the API has one row per agency of the subtree (counted here from the
// table) with Sở Tài chính's overdue conference marked lagging in words and Sở Tư pháp's
// board in term; the page draws the chart with its table; the workbook opens with the
// same rows; a unit out of reach is 404 and a malformed year 422; the home page shows
// the upper committee the agencies that lag and an agency's staff their own agency.
func TestDemocracyOverview(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		root := scalar[int64](t, s, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`)
		rootPath := scalar[string](t, s, `SELECT path FROM units WHERE id = ?`, root)
		stp := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
		stc := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STC'`)
		stcName := scalar[string](t, s, `SELECT name FROM units WHERE id = ?`, stc)
		year := scalar[int](t, s, `SELECT year FROM conferences WHERE unit_id = ?`, stp)
		agencies := scalar[int](t, s, `SELECT COUNT(*) FROM units WHERE kind = 'co-quan' AND valid_to = '' AND path LIKE ?`, rootPath+"%")
		canbo := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'canbo'`)
		bithu := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'bithu1'`)
		tokCanbo, err := s.Auth.CreateToken(ctx, canbo, "dân chủ")
		if err != nil {
			t.Fatal(err)
		}
		tokBithu, err := s.Auth.CreateToken(ctx, bithu, "dân chủ")
		if err != nil {
			t.Fatal(err)
		}
		q := "/api/v1/democracy/overview?unit=" + strconv.FormatInt(root, 10) + "&year=" + strconv.Itoa(year)
		st, out := apiCall(t, s, tokCanbo, "GET", q, "")
		if st != http.StatusOK {
			t.Fatalf("overview API: %d %v", st, out)
		}
		rows, _ := out["agencies"].([]any)
		if len(rows) != agencies || agencies < 2 {
			t.Fatalf("overview API: %d rows, %d agencies in the tree", len(rows), agencies)
		}
		var sawSTC, sawSTP bool
		for _, x := range rows {
			r := x.(map[string]any)
			switch int64(r["unit_id"].(float64)) {
			case stc:
				sawSTC = true
				if r["conference"] != "overdue" || r["lagging"] != true || !strings.Contains(jsonText(r), "quá hạn") {
					t.Errorf("Sở Tài chính's conference is overdue and lagging in words: %v", r)
				}
			case stp:
				sawSTP = true
				if r["board"] != "in-term" || r["board_id"] == nil || r["conference"] != "on-time" {
					t.Errorf("Sở Tư pháp: conference on time, board in term: %v", r)
				}
			}
		}
		if !sawSTC || !sawSTP {
			t.Fatalf("rows lack STP or STC: %v", rows)
		}
		if out["conferences_late_or_missing"].(float64) < 1 {
			t.Errorf("totals: %v", out)
		}
		for _, bad := range []string{"/api/v1/democracy/overview?unit=" + strconv.FormatInt(root, 10), "/api/v1/democracy/overview?unit=" + strconv.FormatInt(stc, 10)} {
			if st, _ := apiCall(t, s, tokBithu, "GET", bad, ""); st != http.StatusNotFound {
				t.Errorf("%s for Sở Tư pháp's secretary: %d, want 404", bad, st)
			}
		}
		if st, out := apiCall(t, s, tokCanbo, "GET", "/api/v1/democracy/overview?year=hai-nghin", ""); st != http.StatusUnprocessableEntity || !strings.Contains(jsonText(out), "year") {
			t.Errorf("a malformed year: %d %v", st, out)
		}

		c := newClientAs(t, s, "canbo")
		res, body := c.get("/democracy/overview?unit=" + strconv.FormatInt(root, 10) + "&year=" + strconv.Itoa(year))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("overview page: %d", res.StatusCode)
		}
		for _, w := range []string{"<svg", `role="img"`, "Số cơ quan cần chú ý theo từng nội dung", stcName, "Cần chú ý:", "Quá hạn, chưa tổ chức", `class="lagging"`, "/democracy/boards/"} {
			if !strings.Contains(body, w) {
				t.Errorf("overview page lacks %q", w)
			}
		}
		if res, body := c.get("/democracy/overview?year=abc"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Năm không hợp lệ") {
			t.Errorf("a malformed year on the page: %d", res.StatusCode)
		}

		res, body = c.get("/democracy/overview.xlsx?unit=" + strconv.FormatInt(root, 10) + "&year=" + strconv.Itoa(year))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: %d", res.StatusCode)
		}
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatalf("xlsx does not open: %v", err)
		}
		sheet := "Tổng hợp " + strconv.Itoa(year)
		xrows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatalf("no sheet %q: %v (%v)", sheet, err, f.GetSheetList())
		}
		header, agencyRows, stcRow := -1, 0, []string(nil)
		for i, r := range xrows {
			if len(r) > 0 && r[0] == "Cơ quan" {
				header = i
				continue
			}
			if header < 0 || len(r) == 0 || strings.HasPrefix(r[0], "Cộng") {
				continue
			}
			agencyRows++
			if r[0] == stcName {
				stcRow = r
			}
		}
		if header < 0 || agencyRows != agencies {
			t.Fatalf("xlsx: header at %d, %d agency rows, want %d: %v", header, agencyRows, agencies, xrows)
		}
		if stcRow == nil || stcRow[2] != "Quá hạn, chưa tổ chức" || !strings.Contains(stcRow[len(stcRow)-1], "hội nghị") {
			t.Errorf("xlsx row of Sở Tài chính: %v", stcRow)
		}
		if last := xrows[len(xrows)-1]; len(last) == 0 || !strings.HasPrefix(last[0], "Cộng") {
			t.Errorf("xlsx ends with the totals: %v", last)
		}

		// The home page: the upper committee sees which agencies lag.
		res, body = c.get("/democracy")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "cơ quan cần chú ý") || !strings.Contains(body, stcName) {
			t.Errorf("home for the upper committee: %d", res.StatusCode)
		}
		// An agency's staff member sees the agency's conference, its resolution and its board.
		staff := newClientAs(t, s, "dangvien1")
		res, body = staff.get("/democracy")
		for _, w := range []string{"Sở Tư pháp", "Thực hiện nghị quyết hội nghị năm " + strconv.Itoa(year), "01/NQ-HNCBCC", "/democracy/boards/", "Gửi kiến nghị", "Trong nhiệm kỳ"} {
			if !strings.Contains(body, w) {
				t.Errorf("home for agency staff lacks %q (%d)", w, res.StatusCode)
			}
		}
		if strings.Contains(body, stcName) {
			t.Error("agency staff see another agency on the home page")
		}
		res, body = newClientAs(t, s, "ttnd1").get("/democracy")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Bạn là thành viên của Ban") {
			t.Errorf("home for the board's head: %d", res.StatusCode)
		}
		// Another agency's manager: their own (empty) agency, nothing of Sở Tư pháp.
		out2 := newClientAs(t, s, newOutsider(t, s.DB))
		res, body = out2.get("/democracy")
		if res.StatusCode != http.StatusOK || strings.Contains(body, "Sở Tư pháp") {
			t.Errorf("home for an outsider: %d", res.StatusCode)
		}
		if res, _ := out2.get("/democracy/overview?unit=" + strconv.FormatInt(stp, 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("Sở Tư pháp's overview for an outsider: %d", res.StatusCode)
		}
		if res, _ := out2.get("/democracy/overview.xlsx?unit=" + strconv.FormatInt(root, 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("the whole tree's workbook for an outsider: %d", res.StatusCode)
		}
	})
}
