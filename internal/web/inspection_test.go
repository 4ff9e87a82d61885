package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/sqldb"
)

// inspectionFixture is the demo's programme with its item 3 (democracy rules at agency 1,
// no round yet) and people to form a team from.
type inspectionFixture struct {
	db                   *sqldb.DB
	progID, itemID       int64
	year                 int
	staff, inA1, outside int64 // canbo's person; a person of agency 1; one of agency 3
	a1                   int64
	a1Head               int64
}

func newInspectionFixture(t *testing.T, s *app.Started) inspectionFixture {
	t.Helper()
	ctx := context.Background()
	f := inspectionFixture{db: s.DB}
	q := func(dst any, query string, args ...any) {
		t.Helper()
		if err := s.DB.QueryRowContext(ctx, query, args...).Scan(dst); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	q(&f.progID, `SELECT id FROM inspection_programmes ORDER BY id LIMIT 1`)
	q(&f.year, `SELECT year FROM inspection_programmes WHERE id = ?`, f.progID)
	q(&f.itemID, `SELECT id FROM inspection_items WHERE programme_id = ? AND seq = 3`, f.progID)
	q(&f.staff, `SELECT person_id FROM users WHERE username = 'canbo'`)
	q(&f.a1, `SELECT id FROM units WHERE code = 'STP'`)
	q(&f.a1Head, `SELECT person_id FROM users WHERE username = 'thutruong1'`)
	q(&f.inA1, `SELECT person_id FROM users WHERE username = 'dangvien1'`)
	var a1Path string
	q(&a1Path, `SELECT path FROM units WHERE id = ?`, f.a1)
	q(&f.outside, `SELECT p.id FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path NOT LIKE ? AND p.unit_path NOT LIKE '%/' || ? || '/%' AND p.id <> ? ORDER BY p.id DESC LIMIT 1`,
		a1Path+"%", strconv.FormatInt(f.a1, 10), f.staff)
	return f
}

func (f inspectionFixture) count(t *testing.T, table string) int {
	t.Helper()
	return count(t, f.db, `SELECT COUNT(*) FROM `+table)
}

func (f inspectionFixture) roundForm(decision, start string) url.Values {
	d := func(md string) string { return md + "/" + strconv.Itoa(f.year) }
	return url.Values{"item_id": {strconv.FormatInt(f.itemID, 10)}, "decision_no": {decision}, "decision_on": {d("01/12")}, "head_id": {strconv.FormatInt(f.staff, 10)},
		"member_ids": {strconv.FormatInt(f.outside, 10)}, "starts_on": {start}, "ends_on": {d("18/12")}, "report_due": {d("10/12")}}
}

// TestInspectionPagesAndRefusals drives the pages as kiemtra on both engines: the demo's
// programme and rounds render, the API answers, and every refusal the issue names comes
// back under its field with a clear message and nothing written (rows counted).
func TestInspectionPagesAndRefusals(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		f := newInspectionFixture(t, s)
		c := newClientAs(t, s, "kiemtra")
		for _, path := range []string{"/inspections", fmt.Sprintf("/inspections/programmes/%d", f.progID), fmt.Sprintf("/inspections/programmes/%d/rounds/new?item=%d", f.progID, f.itemID)} {
			if res, body := c.get(path); res.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, res.StatusCode, body)
			}
		}
		var closedID, openID int64
		if err := s.DB.QueryRowContext(context.Background(), `SELECT id FROM inspection_rounds WHERE status = 'closed'`).Scan(&closedID); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.QueryRowContext(context.Background(), `SELECT id FROM inspection_rounds WHERE status = 'open'`).Scan(&openID); err != nil {
			t.Fatal(err)
		}
		res, body := c.get(fmt.Sprintf("/inspections/rounds/%d", closedID))
		if res.StatusCode != 200 || !strings.Contains(body, "Đã nghiệm thu") || !strings.Contains(body, "Chuyển sang kỳ sau") || !strings.Contains(body, "Quá hạn") {
			t.Fatalf("closed round page: %d\n%s", res.StatusCode, body)
		}
		if !strings.Contains(body, fmt.Sprintf("/inspections/rounds/%d/evidence/%d", closedID, f.a1)) {
			t.Errorf("the round page has no link to agency 1's evidence pack")
		}
		if res, body := c.get(fmt.Sprintf("/inspections/rounds/%d", openID)); res.StatusCode != 200 || !strings.Contains(body, "Báo cáo tự kiểm tra") {
			t.Fatalf("open round page: %d", res.StatusCode)
		}
		res, body = c.get(fmt.Sprintf("/inspections/rounds/%d/conclusion.docx", closedID))
		if res.StatusCode != 200 {
			t.Fatalf("conclusion.docx: %d", res.StatusCode)
		}
		if text := docxText(t, body); !strings.Contains(text, "THÔNG BÁO KẾT LUẬN") || !strings.Contains(text, "08-TB/ĐUK") || !strings.Contains(text, "Sửa đổi quy chế làm việc") {
			t.Errorf("conclusion.docx lacks its title, number or recommendations:\n%s", text)
		}
		if res, body := c.get(fmt.Sprintf("/inspections/rounds/%d/conclusion.pdf", closedID)); res.StatusCode != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("conclusion.pdf: %d", res.StatusCode)
		}
		if res, body := c.get(fmt.Sprintf("/inspections/programmes/%d/programme.docx", f.progID)); res.StatusCode != 200 || !strings.Contains(docxText(t, body), "CHƯƠNG TRÌNH") {
			t.Errorf("programme.docx: %d", res.StatusCode)
		}
		if res, body := c.get(fmt.Sprintf("/api/v1/inspections?year=%d", f.year)); res.StatusCode != 200 || !strings.Contains(body, `"programmes"`) || !strings.Contains(body, fmt.Sprintf(`"id":%d`, f.progID)) {
			t.Errorf("API list: %d %s", res.StatusCode, body)
		}
		if res, body := c.get(fmt.Sprintf("/api/v1/inspections/%d", f.progID)); res.StatusCode != 200 || !strings.Contains(body, "15-QĐ/ĐUK") {
			t.Errorf("API programme: %d %s", res.StatusCode, body)
		}
		if res, _ := c.get("/api/v1/inspections?year=abc"); res.StatusCode != 422 && res.StatusCode != 400 {
			t.Errorf("API with a bad year: %d", res.StatusCode)
		}

		// Round refusals: nothing written for any of them.
		newRound := fmt.Sprintf("/inspections/programmes/%d/rounds/new", f.progID)
		rounds, members, audits := f.count(t, "inspection_rounds"), f.count(t, "inspection_members"), f.count(t, "audit_log")
		next := fmt.Sprintf("05/01/%d", f.year+1)
		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"dates outside the programme's year", f.roundForm("30-QĐ/ĐUK", next), fmt.Sprintf("trong năm %d của chương trình", f.year)},
			{"decision number that does not parse", f.roundForm("quyết định ba mươi", fmt.Sprintf("15/12/%d", f.year)), "Số quyết định không đọc được"},
			{"a member of the target unit", func() url.Values {
				v := f.roundForm("31-QĐ/ĐUK", fmt.Sprintf("15/12/%d", f.year))
				v.Add("member_ids", strconv.FormatInt(f.inA1, 10))
				return v
			}(), "không thể là thành viên đoàn"},
		} {
			res, body := c.postForm(newRound, newRound, tc.form)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q\n%s", tc.name, res.StatusCode, tc.want, errorSummary(body))
			}
		}
		if f.count(t, "inspection_rounds") != rounds || f.count(t, "inspection_members") != members || f.count(t, "audit_log") != audits {
			t.Fatalf("refused rounds wrote rows")
		}
		// A good round, sent twice with the same nonce, makes one round.
		good := f.roundForm("32-QĐ/ĐUK", fmt.Sprintf("15/12/%d", f.year))
		good.Set("form_nonce", c.nonce(newRound))
		res, _ = c.post(newRound, good)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("round: %d", res.StatusCode)
		}
		loc := res.Header.Get("Location")
		c.post(newRound, good)
		if n := f.count(t, "inspection_rounds") - rounds; n != 1 {
			t.Fatalf("a double submit made %d rounds", n)
		}

		// Conclusion refusals: a recommendation without its person answerable.
		conclude := loc + "/conclude"
		recs, tasks := f.count(t, "inspection_recommendations"), f.count(t, "tasks")
		cform := url.Values{"number": {"12-TB/ĐUK"}, "issued_on": {fmt.Sprintf("20/12/%d", f.year)}, "text": {"Cơ quan thực hiện tốt quy chế dân chủ."},
			"rec-1-target": {strconv.FormatInt(f.a1, 10)}, "rec-1-content": {"Công khai kết quả hội nghị"}, "rec-1-lead": {strconv.FormatInt(f.a1Head, 10)}, "rec-1-days": {"10"},
			"rec-2-target": {strconv.FormatInt(f.a1, 10)}, "rec-2-content": {"Rà soát quy chế làm việc"}, "rec-2-days": {"10"}}
		res, body = c.postForm(conclude, conclude, cform)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Kiến nghị 2 chưa có người chịu trách nhiệm thực hiện") {
			t.Fatalf("recommendation without a person: %d\n%s", res.StatusCode, errorSummary(body))
		}
		cform.Set("number", "thông báo")
		cform.Set("rec-2-lead", strconv.FormatInt(f.a1Head, 10))
		if res, body := c.postForm(conclude, conclude, cform); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Số thông báo kết luận không đọc được") {
			t.Fatalf("conclusion number that does not parse: %d\n%s", res.StatusCode, errorSummary(body))
		}
		if f.count(t, "inspection_recommendations") != recs || f.count(t, "tasks") != tasks {
			t.Fatalf("refused conclusions wrote recommendations or tasks")
		}
		cform.Set("number", "12-TB/ĐUK")
		if res, body := c.postForm(conclude, conclude, cform); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("conclusion: %d\n%s", res.StatusCode, errorSummary(body))
		}
		if n := f.count(t, "inspection_recommendations") - recs; n != 2 {
			t.Fatalf("conclusion made %d recommendations", n)
		}
		// Closing with open recommendations is refused, with the count, and writes nothing.
		audits = f.count(t, "audit_log")
		res, body = c.postForm(loc+"/close", loc+"/close", url.Values{})
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "Còn 2 kiến nghị chưa được nghiệm thu") {
			t.Fatalf("close with open recommendations: %d\n%s", res.StatusCode, errorSummary(body))
		}
		var status string
		_ = s.DB.QueryRowContext(context.Background(), `SELECT status FROM inspection_rounds WHERE id = ?`, strings.TrimPrefix(loc, "/inspections/rounds/")).Scan(&status)
		if status != "concluded" || f.count(t, "audit_log") != audits {
			t.Fatalf("refused close changed the round (%s) or wrote to the audit log", status)
		}

		// Agency 1's secretary reads the rounds about it, and not the other target's findings.
		b := newClientAs(t, s, "bithu1")
		res, body = b.get(fmt.Sprintf("/inspections/rounds/%d", openID))
		if res.StatusCode != 200 || strings.Contains(body, "3 đơn giải quyết quá hạn chưa có văn bản gia hạn") {
			t.Fatalf("target's view of the open round: %d (shows another target's finding?)", res.StatusCode)
		}
		if res, body := b.get("/inspections"); res.StatusCode != 200 || !strings.Contains(body, "21-QĐ/ĐUK") {
			t.Errorf("agency 1 does not see the rounds about it on /inspections")
		}
	})
}

func errorSummary(body string) string {
	i := strings.Index(body, `class="error-summary"`)
	if i < 0 {
		return "(no error summary)"
	}
	return body[i:min(len(body), i+800)]
}
