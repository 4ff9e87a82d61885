package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/work"
)

func TestDisclosurePages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		head := newClientAs(t, s, "thutruong1")
		member := newClientAs(t, s, "dangvien1")
		stp := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
		// The register shows the demo's items with their badges in words.
		res, body := head.get("/democracy/disclosures")
		if res.StatusCode != 200 || !strings.Contains(body, "Quá hạn") || !strings.Contains(body, "Công khai muộn") || !strings.Contains(body, "Gỡ sớm") {
			t.Fatalf("register %d", res.StatusCode)
		}
		// The staff view hides what was not disclosed yet.
		_, body = member.get("/democracy/disclosures")
		if strings.Contains(body, "Kế hoạch mua sắm trang thiết bị làm việc quý IV") || !strings.Contains(body, "Quy chế chi tiêu nội bộ sửa đổi") {
			t.Fatal("staff view shows an undisclosed item or misses a disclosed one")
		}
		// Bad input: re-rendered with the messages, nothing written.
		before := scalar[int](t, s, `SELECT COUNT(*) FROM disclosures`)
		res, body = head.post("/democracy/disclosures/new", url.Values{"form_nonce": {head.nonce("/democracy/disclosures/new")}, "unit_id": {fmt.Sprint(stp)},
			"category": {"quy-che"}, "decision_on": {"31/02/2026"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ngày ký không hợp lệ") {
			t.Fatalf("bad date: %d", res.StatusCode)
		}
		res, body = head.post("/democracy/disclosures/new", url.Values{"form_nonce": {head.nonce("/democracy/disclosures/new")}, "unit_id": {fmt.Sprint(stp)}, "category": {"quy-che"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy chọn ít nhất một hình thức công khai") {
			t.Fatalf("empty form: %d", res.StatusCode)
		}
		if scalar[int](t, s, `SELECT COUNT(*) FROM disclosures`) != before {
			t.Fatal("bad input wrote")
		}
		// A good item, double submitted: one row.
		today := work.Today(s.DB.Now())
		form := url.Values{"form_nonce": {head.nonce("/democracy/disclosures/new")}, "unit_id": {fmt.Sprint(stp)}, "category": {"ke-hoach"}, "title": {"Kế hoạch chuyển đổi số"},
			"decision_no": {"120/QĐ-STP"}, "decision_on": {today}, "signer": {"Giám đốc"}, "forms": {"niem-yet", "hoi-nghi"}, "posted_on": {today}}
		res, _ = head.post("/democracy/disclosures/new", form)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/democracy/disclosures/") {
			t.Fatalf("create: %d %s", res.StatusCode, loc)
		}
		head.post("/democracy/disclosures/new", form)
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM disclosures WHERE decision_no = '120/QĐ-STP'`); n != 1 {
			t.Fatalf("%d items after a double submit", n)
		}
		res, body = head.get(loc)
		if res.StatusCode != 200 || !strings.Contains(body, "Công khai đúng hạn") {
			t.Fatalf("item page %d", res.StatusCode)
		}
		// Taking it down today is refused with the reason; nothing written.
		res, body = head.post(loc+"/take-down", url.Values{"form_nonce": {head.nonce(loc + "/take-down")}, "taken_down_on": {today}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Chưa được gỡ") {
			t.Fatalf("early take-down: %d", res.StatusCode)
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM disclosures WHERE decision_no = '120/QĐ-STP' AND taken_down_on <> ''`); n != 0 {
			t.Fatal("refused take-down wrote")
		}
		// A staff member asks; the head answers; the member sees the answer.
		res, _ = member.post(loc+"/questions", url.Values{"form_nonce": {member.nonce(loc)}, "kind": {"question"}, "content": {"Kế hoạch có lộ trình theo quý không?"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("ask: %d", res.StatusCode)
		}
		qid := scalar[int64](t, s, `SELECT MAX(id) FROM disclosure_questions`)
		res, _ = head.post(fmt.Sprintf("%s/questions/%d/answer", loc, qid), url.Values{"form_nonce": {head.nonce(loc)}, fmt.Sprintf("answer-%d", qid): {"Có, theo phụ lục kèm theo."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.StatusCode)
		}
		_, body = member.get(loc)
		if !strings.Contains(body, "Có, theo phụ lục kèm theo.") {
			t.Fatal("the sender does not see the answer")
		}
		// The member may not edit or take down.
		if res, _ := member.get(loc + "/edit"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("member edit: %d", res.StatusCode)
		}
	})
}

// TestDisclosureRulesPage: the administrator adds a version of the time limits for one
// category; an item decided from its date takes it, the items already in the register
// keep theirs; bad input writes nothing; nobody else reaches the page.
func TestDisclosureRulesPage(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		admin := newClientAs(t, s, "admin")
		head := newClientAs(t, s, "thutruong1")
		const page = "/admin/disclosure-rules"
		res, body := admin.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15") || !strings.Contains(body, "niêm yết ít nhất 90 ngày liên tục") {
			t.Fatalf("the rules page: %d", res.StatusCode)
		}
		if res, _ := head.get(page); res.StatusCode != http.StatusForbidden {
			t.Errorf("the head opens the rules page: %d, want 403", res.StatusCode)
		}
		if res, _ := head.post(page, url.Values{"form_nonce": {"h1"}, "category": {"quy-che"}, "post_within": {"1"}, "post_unit": {"working_days"}, "display_days": {"1"}, "effective_from": {"01/01/2026"}, "basis": {"Thử"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the head adds a rule: %d, want 403", res.StatusCode)
		}
		rules := scalar[int](t, s, `SELECT COUNT(*) FROM disclosure_rules`)
		res, body = admin.post(page, url.Values{"form_nonce": {admin.nonce(page)}, "category": {"quy-che"}, "post_within": {"ba"}, "post_unit": {"tuần"},
			"display_days": {"-5"}, "effective_from": {"31/02/2026"}, "basis": {" "}})
		for _, msg := range []string{"Thời hạn công khai phải từ 0 đến 365", "Hãy chọn đơn vị", "Thời gian niêm yết tối thiểu phải từ 0 đến 3.650 ngày", "Ngày có hiệu lực không hợp lệ", "Hãy ghi căn cứ pháp lý"} {
			if !strings.Contains(body, msg) {
				t.Errorf("bad rule: the page lacks %q", msg)
			}
		}
		if res.StatusCode != http.StatusUnprocessableEntity || scalar[int](t, s, `SELECT COUNT(*) FROM disclosure_rules`) != rules {
			t.Fatalf("bad rule: %d, or it wrote", res.StatusCode)
		}
		oldDays := scalar[int](t, s, `SELECT display_days FROM disclosures WHERE category = 'quy-che' ORDER BY id LIMIT 1`)
		res, _ = admin.post(page, url.Values{"form_nonce": {admin.nonce(page)}, "category": {"quy-che"}, "post_within": {"3"}, "post_unit": {"working_days"},
			"display_days": {"30"}, "effective_from": {"01/01/2026"}, "basis": {"Nghị định thử nghiệm về công khai quy chế"}})
		if res.StatusCode != http.StatusSeeOther || scalar[int](t, s, `SELECT COUNT(*) FROM disclosure_rules`) != rules+1 {
			t.Fatalf("a good rule: %d", res.StatusCode)
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM audit_log WHERE entity = 'disclosure_rule'`); n != 1 {
			t.Errorf("%d audit entries for the new rule, want 1", n)
		}
		if _, body = admin.get(page); !strings.Contains(body, "Nghị định thử nghiệm về công khai quy chế") || !strings.Contains(body, "công khai chậm nhất 3 ngày làm việc") {
			t.Error("the new version is not listed")
		}
		// An item decided today takes the new version; the demo's items keep theirs.
		today := work.Today(s.DB.Now())
		stp := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP'`)
		res, _ = head.post("/democracy/disclosures/new", url.Values{"form_nonce": {head.nonce("/democracy/disclosures/new")}, "unit_id": {fmt.Sprint(stp)}, "category": {"quy-che"},
			"title": {"Quy chế văn hóa công sở"}, "decision_no": {"130/QĐ-STP"}, "decision_on": {today}, "signer": {"Giám đốc"}, "forms": {"niem-yet"}, "posted_on": {today}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("an item under the new rule: %d", res.StatusCode)
		}
		if d := scalar[int](t, s, `SELECT display_days FROM disclosures WHERE decision_no = '130/QĐ-STP'`); d != 30 {
			t.Errorf("the new item displays %d days, want the new rule's 30", d)
		}
		if d := scalar[int](t, s, `SELECT display_days FROM disclosures WHERE category = 'quy-che' ORDER BY id LIMIT 1`); d != oldDays {
			t.Errorf("an item already in the register changed from %d to %d days", oldDays, d)
		}
	})
}
