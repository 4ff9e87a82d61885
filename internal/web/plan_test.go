package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
)

func apiCall(t *testing.T, s *app.Started, tok, method, path, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// TestPlanAPIAndPages drives the tasks API (cascade, roll-up, idempotency, bad input,
// rights) and the plan pages' forms (bad input re-rendered with Vietnamese messages,
// nothing written; a double submit creates one task).
func TestPlanAPIAndPages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		uid := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'bithu1'`)
		lead := scalar[int64](t, s, `SELECT person_id FROM users WHERE username = 'bithu1'`)
		committee := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP-DB'`)
		otherCell := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STC-CB1'`)
		tok, err := s.Auth.CreateToken(ctx, uid, "thử kế hoạch")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now().Format("2006-01-02")
		body := `{"title":"Quán triệt qua API","unit_id":` + strconv.FormatInt(committee, 10) + `,"lead_id":` + strconv.FormatInt(lead, 10) + `,"start_on":"` + start + `","due_working_days":5,"cascade_all":"cells"}`
		st, task := apiCall(t, s, tok, "POST", "/api/v1/tasks", body, "Idempotency-Key", "k-1")
		if st != http.StatusCreated || task["children"].(float64) != 5 {
			t.Fatalf("create: %d %v", st, task)
		}
		if st, _ := apiCall(t, s, tok, "POST", "/api/v1/tasks", body, "Idempotency-Key", "k-1"); st != http.StatusConflict {
			t.Errorf("retry with the same key: %d, want 409", st)
		}
		id := int64(task["id"].(float64))
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM tasks WHERE title = 'Quán triệt qua API'`); n != 6 {
			t.Errorf("tasks written = %d, want 6 (parent + 5 cells)", n)
		}
		st, got := apiCall(t, s, tok, "GET", "/api/v1/tasks/"+strconv.FormatInt(id, 10), "")
		roll, _ := got["rollup"].(map[string]any)
		if st != 200 || roll == nil || roll["not_started"].(float64) != 5 {
			t.Errorf("get: %d %v", st, got)
		}
		bad := strings.Replace(body, `"cascade_all":"cells"`, `"cascade_to":[`+strconv.FormatInt(otherCell, 10)+`]`, 1)
		st, e := apiCall(t, s, tok, "POST", "/api/v1/tasks", bad)
		if st != http.StatusUnprocessableEntity || !strings.Contains(jsonStr(e), "cascade_to") {
			t.Errorf("cascade outside: %d %v", st, e)
		}
		// A member cannot read the task: 404.
		muid := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'dangvien1'`)
		mtok, _ := s.Auth.CreateToken(ctx, muid, "thử")
		if st, _ := apiCall(t, s, mtok, "GET", "/api/v1/tasks/"+strconv.FormatInt(id, 10), ""); st != http.StatusNotFound {
			t.Errorf("member reading another's task: %d", st)
		}
		st, work := apiCall(t, s, mtok, "GET", "/api/v1/me/work", "")
		if st != 200 || work["count"].(float64) < 1 {
			t.Errorf("my work of dangvien1: %d %v", st, work)
		}

		// Pages: bad input re-rendered, nothing written; double submit makes one task.
		c := newClient(t, s)
		c.mustLogin("bithu1")
		before := scalar[int](t, s, `SELECT COUNT(*) FROM tasks`)
		form := url.Values{"title": {"Nhiệm vụ từ biểu mẫu"}, "unit_id": {strconv.FormatInt(committee, 10)}, "lead_id": {strconv.FormatInt(lead, 10)},
			"start_on": {"10/12/2026"}, "due_on": {"01/12/2026"}, "due_mode": {"date"}, "priority": {"2"}, "form_nonce": {c.nonce("/tasks/new")}}
		res, page := c.post("/tasks/new", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "không được trước ngày bắt đầu") {
			t.Errorf("due before start: %d", res.StatusCode)
		}
		form.Set("due_on", "20/12/2026")
		form.Set("form_nonce", c.nonce("/tasks/new"))
		if res, _ := c.post("/tasks/new", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create task: %d", res.StatusCode)
		}
		if res, _ := c.post("/tasks/new", form); res.StatusCode != http.StatusSeeOther {
			t.Errorf("double submit: %d", res.StatusCode)
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM tasks`); n != before+1 {
			t.Errorf("tasks %d → %d, want one more", before, n)
		}
		// The task page shows its history from the audit log.
		created := scalar[int64](t, s, `SELECT MAX(id) FROM tasks WHERE title = 'Nhiệm vụ từ biểu mẫu'`)
		if res, page := c.get("/tasks/" + strconv.FormatInt(created, 10)); res.StatusCode != 200 || !strings.Contains(page, `id="history-h"`) ||
			!strings.Contains(page, "Giao nhiệm vụ &#34;Nhiệm vụ từ biểu mẫu&#34;") {
			t.Errorf("task page history: %d", res.StatusCode)
		}
		docs := scalar[int](t, s, `SELECT COUNT(*) FROM gov_documents`)
		res, page = c.post("/documents/new", url.Values{"notation": {"NQ/ĐUK số mười"}, "issuer": {"Đảng ủy"}, "issued_on": {"01/01/2026"}, "title": {"X"},
			"unit_id": {strconv.FormatInt(committee, 10)}, "form_nonce": {c.nonce("/documents/new")}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "phải bắt đầu bằng số văn bản") {
			t.Errorf("bad notation: %d %s", res.StatusCode, page[strings.Index(page, "error-summary"):][:600])
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM gov_documents`); n != docs {
			t.Errorf("documents written on bad input")
		}
		planID := scalar[int64](t, s, `SELECT id FROM plans WHERE number = '02-CTr/ĐU'`)
		for path, ct := range map[string]string{"/plans/" + strconv.FormatInt(planID, 10) + "/export?format=docx": "wordprocessingml", "/tasks/export.xlsx": "spreadsheetml", "/training/stats.xlsx": "spreadsheetml",
			"/plans/" + strconv.FormatInt(planID, 10) + "/export": "text/html"} {
			res, body := c.get(path)
			if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), ct) || len(body) < 500 {
				t.Errorf("GET %s: %d %s (%d bytes)", path, res.StatusCode, res.Header.Get("Content-Type"), len(body))
			}
		}
		// Shares are percentages already (3 of 5 chi bộ, 1 of 5 children done): shown once, not ×100 again.
		cascade := scalar[int64](t, s, `SELECT id FROM tasks WHERE parent_id IS NULL AND title = 'Sinh hoạt chuyên đề "Dân vận khéo" tại chi bộ'`)
		for path, want := range map[string]string{"/plans/" + strconv.FormatInt(planID, 10): `<td data-label="Tỷ lệ">60%</td>`, "/tasks/" + strconv.FormatInt(cascade, 10): "Hoàn thành 20% ·"} {
			if res, body := c.get(path); res.StatusCode != 200 || !strings.Contains(body, want) {
				t.Errorf("GET %s: %d, lacks %q", path, res.StatusCode, want)
			}
		}
		for _, p := range []string{"/plans", "/documents", "/documents?q=nghi+quyet+25", "/tasks", "/my-work", "/plans/matrix", "/plans/compare?document=1", "/training"} {
			if res, _ := c.get(p); res.StatusCode != 200 {
				t.Errorf("GET %s: %d", p, res.StatusCode)
			}
		}
	})
}

func jsonStr(v any) string { b, _ := json.Marshal(v); return string(b) }

// "Việc của tôi" of a person with many open items shows the nearest 50 first, the counts
// of all, a filter per kind, and pages that together hold every item exactly once.
func TestMyWorkPagesAndFilters(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		ctx := context.Background()
		uid := scalar[int64](t, s, `SELECT id FROM users WHERE username = 'bithu1'`)
		lead := scalar[int64](t, s, `SELECT person_id FROM users WHERE username = 'bithu1'`)
		committee := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP-DB'`)
		tok, err := s.Auth.CreateToken(ctx, uid, "thử việc của tôi")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for i := range 110 {
			due := start.AddDate(0, 0, 30+i).Format("2006-01-02")
			body := `{"title":"Việc số ` + strconv.Itoa(i) + `","unit_id":` + strconv.FormatInt(committee, 10) + `,"lead_id":` + strconv.FormatInt(lead, 10) +
				`,"start_on":"` + start.Format("2006-01-02") + `","due_on":"` + due + `"}`
			if st, out := apiCall(t, s, tok, "POST", "/api/v1/tasks", body); st != http.StatusCreated {
				t.Fatalf("task %d: %d %v", i, st, out)
			}
		}
		_, all := apiCall(t, s, tok, "GET", "/api/v1/me/work", "")
		total := int(all["count"].(float64))
		if total < 110 {
			t.Fatalf("API lists %d items, want at least 110", total)
		}
		c := newClient(t, s)
		c.mustLogin("bithu1")
		rows := func(page string) []string {
			var out []string
			for _, part := range strings.Split(page, `<td data-label="Việc"><a href="`)[1:] {
				out = append(out, part[:strings.Index(part, `"`)])
			}
			return out
		}
		seen := map[string]bool{}
		next, pages := "/my-work", 0
		for next != "" {
			res, page := c.get(next)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", next, res.StatusCode)
			}
			if !strings.Contains(page, strconv.Itoa(total)+" việc cần làm") {
				t.Fatalf("%s: the total %d is not shown", next, total)
			}
			got := rows(page)
			if len(got) == 0 || len(got) > 50 {
				t.Fatalf("%s: %d rows", next, len(got))
			}
			for _, l := range got {
				if seen[l] {
					t.Fatalf("%s listed twice", l)
				}
				seen[l] = true
			}
			pages++
			next = ""
			if i := strings.Index(page, `href="/my-work?page=`); i >= 0 && strings.Contains(page[i:i+80], "Trang sau") {
				next = html.UnescapeString(page[i+6 : i+6+strings.Index(page[i+6:], `"`)])
			}
		}
		if len(seen) != total || pages != (total+49)/50 {
			t.Errorf("%d pages with %d items, want %d items", pages, len(seen), total)
		}
		// The first page starts with the nearest deadline: the API's first item.
		items := all["items"].([]any)
		_, first := c.get("/my-work")
		if got := rows(first); got[0] != items[0].(map[string]any)["link"] {
			t.Errorf("first row %s, want %v", got[0], items[0])
		}
		// A filter by kind keeps only that kind and says how many.
		_, tasks := c.get("/my-work?kind=" + url.QueryEscape("Nhiệm vụ"))
		if !strings.Contains(tasks, `aria-current="page">Nhiệm vụ (`) {
			t.Errorf("the kind filter is not marked as chosen")
		}
		for _, l := range rows(tasks) {
			if !strings.HasPrefix(l, "/tasks/") {
				t.Errorf("kind filter lets %s through", l)
			}
		}
		_, none := c.get("/my-work?kind=kh%C3%B4ng-c%C3%B3")
		if !strings.Contains(none, "Không có việc nào theo lựa chọn này") {
			t.Errorf("an unknown kind should say nothing matches")
		}
	})
}
