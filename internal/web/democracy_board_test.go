package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/org"
	"danvan/internal/plan"
)

// TestBoardPages drives the people's inspection board's page on both engines: who sees
// what (the members and the upper committee the records, a staff member only their own
// requests, an outsider nothing), a supervision record whose recommendation becomes the
// head's task and whose answer then shows on the page, a staff request answered by a
// member with the sender told, a yearly plan; bad input comes back in Vietnamese with
// nothing written, and a double submit writes once.
func TestBoardPages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		stpPath := scalar[string](t, s, `SELECT path FROM units WHERE code = 'STP'`)
		boardID := scalar[int64](t, s, `SELECT id FROM boards WHERE unit_path = ?`, stpPath)
		page := "/democracy/boards/" + strconv.FormatInt(boardID, 10)
		headName := scalar[string](t, s, `SELECT p.full_name FROM board_members m JOIN people p ON p.id = m.person_id WHERE m.board_id = ? AND m.role = 'head'`, boardID)
		records := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM board_records WHERE board_id = ?`, boardID) }
		requests := func() int {
			return scalar[int](t, s, `SELECT COUNT(*) FROM board_requests WHERE board_id = ?`, boardID)
		}
		tasks := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM tasks`) }
		const demoSubject = "Việc công khai dự toán ngân sách"

		member := newClientAs(t, s, "ttnd1")
		res, body := member.get(page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("board page for its head: %d", res.StatusCode)
		}
		for _, w := range []string{headName, "Trưởng ban", "Trong nhiệm kỳ", "Kế hoạch giám sát", demoSubject, "Chờ thủ trưởng trả lời", `id="plan-form"`, `id="record-form"`} {
			if !strings.Contains(body, w) {
				t.Errorf("board page for a member lacks %q", w)
			}
		}
		staff := newClientAs(t, s, "dangvien1")
		res, body = staff.get(page)
		if res.StatusCode != http.StatusOK || strings.Contains(body, demoSubject) || strings.Contains(body, `id="record-form"`) || !strings.Contains(body, `id="request-form"`) {
			t.Errorf("board page for a staff member: %d; records hidden, request form shown", res.StatusCode)
		}
		upper := newClientAs(t, s, "canbo")
		res, body = upper.get(page)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, demoSubject) || strings.Contains(body, `id="record-form"`) || strings.Contains(body, `id="request-form"`) {
			t.Errorf("board page for the upper committee: %d; records read, no forms", res.StatusCode)
		}
		outsider := newClientAs(t, s, newOutsider(t, s.DB))
		if res, _ := outsider.get(page); res.StatusCode != http.StatusNotFound {
			t.Errorf("board page for an outsider: %d, want 404", res.StatusCode)
		}
		if res, _ := outsider.post(page+"/requests", url.Values{"request_content": {"Kiến nghị từ ngoài"}, "form_nonce": {"x1"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("a request from an outsider: %d, want 404", res.StatusCode)
		}

		// A supervision record: bad input first, nothing written.
		r0, t0 := records(), tasks()
		res, body = member.post(page+"/records", url.Values{"checked_on": {"31/02/2026"}, "subject": {""}, "findings": {" "}, "form_nonce": {member.nonce(page)}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a bad record: %d", res.StatusCode)
		}
		for _, w := range []string{"Ngày giám sát không hợp lệ", "Hãy nhập nội dung được giám sát", "Hãy nhập kết quả giám sát", `value="31/02/2026"`} {
			if !strings.Contains(body, w) {
				t.Errorf("the bad record's page lacks %q", w)
			}
		}
		if records() != r0 || tasks() != t0 {
			t.Fatal("a bad record wrote something")
		}
		// Then a good one, sent twice with the same nonce: one record, one task for the head.
		nonce := member.nonce(page)
		good := url.Values{"checked_on": {"02/11/2026"}, "subject": {"Việc chi trả chế độ làm thêm giờ"}, "findings": {"Bảng chấm công tháng 10 chưa có chữ ký của trưởng phòng."},
			"recommendation": {"Đề nghị Thủ trưởng chỉ đạo Văn phòng bổ sung chữ ký trước khi chi trả."}, "form_nonce": {nonce}}
		if res, _ := member.post(page+"/records", good); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a good record: %d", res.StatusCode)
		}
		member.post(page+"/records", good)
		if records() != r0+1 || tasks() != t0+1 {
			t.Fatalf("a record sent twice: %d records, %d tasks added; want 1 and 1", records()-r0, tasks()-t0)
		}
		taskID := scalar[int64](t, s, `SELECT task_id FROM board_records WHERE board_id = ? ORDER BY id DESC LIMIT 1`, boardID)
		headUser := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'thutruong1'`)
		if lead := scalar[int64](t, s, `SELECT lead_id FROM tasks WHERE id = ?`, taskID); lead != scalar[int64](t, s, `SELECT person_id FROM users WHERE id = ?`, headUser) {
			t.Errorf("the recommendation's task is led by %d, not the agency's head", lead)
		}
		head, err := org.LoadPrincipal(ctx, s.DB, headUser)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Plans.Complete(ctx, head, taskID, plan.ReportInput{Body: "Văn phòng đã bổ sung chữ ký, chi trả từ tháng 11."}); err != nil {
			t.Fatal(err)
		}
		if _, body = member.get(page); !strings.Contains(body, "Thủ trưởng đã trả lời đúng hạn") || !strings.Contains(body, "Văn phòng đã bổ sung chữ ký") {
			t.Error("the head's answer is not on the board's page")
		}
		// Only members write records.
		if res, _ := staff.post(page+"/records", url.Values{"checked_on": {"02/11/2026"}, "subject": {"x"}, "findings": {"y"}, "form_nonce": {"s1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a record by a staff member: %d, want 403", res.StatusCode)
		}

		// A staff request: empty first, then sent; the upper committee may not send one.
		q0 := requests()
		res, body = staff.post(page+"/requests", url.Values{"request_content": {"  "}, "form_nonce": {staff.nonce(page)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy nhập nội dung kiến nghị") || requests() != q0 {
			t.Fatalf("an empty request: %d", res.StatusCode)
		}
		const ask = "Đề nghị Ban xem xét việc phân công trực cơ quan dịp Tết chưa đều giữa các phòng."
		if res, _ := staff.post(page+"/requests", url.Values{"request_content": {ask}, "form_nonce": {staff.nonce(page)}}); res.StatusCode != http.StatusSeeOther || requests() != q0+1 {
			t.Fatalf("a request: %d", res.StatusCode)
		}
		if res, _ := upper.post(page+"/requests", url.Values{"request_content": {ask}, "form_nonce": {"u1"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a request from the upper committee: %d, want 403", res.StatusCode)
		}
		if _, body = staff.get(page); !strings.Contains(body, ask) || !strings.Contains(body, "Chưa trả lời") {
			t.Error("the sender does not see their request")
		}
		if _, body = newClientAs(t, s, "bithucb1").get(page); strings.Contains(body, ask) {
			t.Error("another staff member reads someone's request")
		}
		rid := scalar[int64](t, s, `SELECT MAX(id) FROM board_requests WHERE board_id = ?`, boardID)
		answer := page + "/requests/" + strconv.FormatInt(rid, 10) + "/answer"
		if res, _ := staff.post(answer, url.Values{"answer": {"Tự trả lời"}, "form_nonce": {"s2"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("an answer by the sender: %d, want 403", res.StatusCode)
		}
		res, body = member.post(answer, url.Values{"answer": {""}, "form_nonce": {member.nonce(page)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy nhập nội dung trả lời") {
			t.Fatalf("an empty answer: %d", res.StatusCode)
		}
		res, body = member.post(answer, url.Values{"answer": {strings.Repeat("Dài quá. ", 600)}, "form_nonce": {member.nonce(page)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Nội dung trả lời tối đa 5.000 ký tự") ||
			scalar[string](t, s, `SELECT answer FROM board_requests WHERE id = ?`, rid) != "" {
			t.Fatalf("an answer of 5.400 characters: %d", res.StatusCode)
		}
		const reply = "Ban đã làm việc với Văn phòng; lịch trực được phân lại theo số người của từng phòng."
		if res, _ := member.post(answer, url.Values{"answer": {reply}, "form_nonce": {member.nonce(page)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("an answer: %d", res.StatusCode)
		}
		sender := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'dangvien1'`)
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = 'board.answer'`, sender); n != 1 {
			t.Errorf("the sender got %d notices of the answer, want 1", n)
		}
		if _, body = staff.get(page); !strings.Contains(body, reply) {
			t.Error("the sender does not see the answer")
		}
		if res, _ := member.post(answer, url.Values{"answer": {"Lần nữa"}, "form_nonce": {member.nonce(page)}}); res.StatusCode != http.StatusConflict {
			t.Errorf("answering twice: %d, want 409", res.StatusCode)
		}

		// The yearly plan.
		res, body = member.post(page+"/plan", url.Values{"plan_year": {"năm nay"}, "plan_content": {""}, "form_nonce": {member.nonce(page)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Năm không hợp lệ") || !strings.Contains(body, "Hãy nhập nội dung kế hoạch giám sát") {
			t.Fatalf("a bad plan: %d", res.StatusCode)
		}
		plans := scalar[int](t, s, `SELECT COUNT(*) FROM board_plans WHERE board_id = ?`, boardID)
		if res, _ := member.post(page+"/plan", url.Values{"plan_year": {"2027"}, "plan_content": {"1. Giám sát việc thực hiện nghị quyết hội nghị năm 2027 (quý II)."}, "form_nonce": {member.nonce(page)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a plan: %d", res.StatusCode)
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM board_plans WHERE board_id = ?`, boardID); n != plans+1 {
			t.Errorf("plans: %d, want %d", n, plans+1)
		}
		if res, _ := staff.post(page+"/plan", url.Values{"plan_year": {"2027"}, "plan_content": {"x"}, "form_nonce": {"s3"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a plan by a staff member: %d, want 403", res.StatusCode)
		}
	})
}
