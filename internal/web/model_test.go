package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/app"
	"danvan/internal/emulation"
	"danvan/internal/org"
	"danvan/internal/web"
)

// postMultipart sends a form with files (field -> name -> content).
func (c *appClient) postMultipart(path string, form url.Values, files map[string][2]string) (*http.Response, string) {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for field, f := range files {
		w, _ := mw.CreateFormFile(field, f[0])
		_, _ = w.Write([]byte(f[1]))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func smallPNG() string {
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4)))
	return b.String()
}

func modelForm(s *app.Started, t *testing.T, nonce string) url.Values {
	unit := scalar[int64](t, s, `SELECT id FROM units WHERE code = 'STP-CD'`)
	return url.Values{"form_nonce": {nonce}, "step": {"register"}, "kind": {"model"}, "name": {"Quỹ tương trợ đoàn viên"}, "field": {"van-hoa-xa-hoi"},
		"unit_id": {strconv.FormatInt(unit, 10)}, "year": {strconv.Itoa(s.DB.Now().Year())}, "problem": {"p"}, "goals": {"g"}, "criteria": {"c"}, "methods": {"m"},
		"area": {"a"}, "beneficiaries": {"b"}, "lead_force": {"l"}, "outputs": {"o"}, "starts_on": {"01/02/2026"}, "ends_on": {"30/11/2026"}}
}

func TestModelBadInputHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		c := newClient(t, s)
		c.mustLogin("congdoan1")
		models := func() int64 { return scalar[int64](t, s, `SELECT COUNT(*) FROM models`) }
		files := func() int64 { return scalar[int64](t, s, `SELECT COUNT(*) FROM attachments`) }
		m0, f0 := models(), files()

		// A 50 MB photo: a clear message, nothing written.
		res, body := c.postMultipart("/models/new", modelForm(s, t, c.nonce("/models/new")), map[string][2]string{"photos": {"anh-50mb.jpg", smallPNG() + strings.Repeat("x", 50<<20)}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "quá lớn") || !strings.Contains(body, "10 MB") {
			t.Fatalf("50 MB photo: %d\n%s", res.StatusCode, body)
		}
		// A photo that is not an image (a PDF named .jpg).
		res, body = c.postMultipart("/models/new", modelForm(s, t, c.nonce("/models/new")), map[string][2]string{"photos": {"anh.jpg", "%PDF-1.4\n1 0 obj"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "không phải là ảnh") {
			t.Fatalf("not an image: %d\n%s", res.StatusCode, body)
		}
		if !strings.Contains(body, `value="Quỹ tương trợ đoàn viên"`) {
			t.Error("the form lost its input")
		}
		if models() != m0 || files() != f0 {
			t.Fatalf("half-written: models %d→%d, files %d→%d", m0, models(), f0, files())
		}
		// A double submit of the same form makes one model.
		form := modelForm(s, t, c.nonce("/models/new"))
		for i := 0; i < 2; i++ {
			res, _ = c.postMultipart("/models/new", form, map[string][2]string{"photos": {"anh.png", smallPNG()}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("submit %d: %d", i, res.StatusCode)
			}
		}
		if models() != m0+1 || files() != f0+1 {
			t.Fatalf("double submit: models %d→%d, files %d→%d", m0, models(), f0, files())
		}
		id := scalar[int64](t, s, `SELECT MAX(id) FROM models`)
		photo := scalar[int64](t, s, `SELECT photo_id FROM models WHERE id = ?`, id)
		// Its photo is private until the model is recognised.
		anon := newClient(t, s)
		if res, _ := anon.get("/files/" + strconv.FormatInt(photo, 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("photo of an unrecognised model, anonymously: %d", res.StatusCode)
		}
		if res, _ := anon.get("/vinh-danh/" + strconv.FormatInt(id, 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("public page of an unrecognised model: %d", res.StatusCode)
		}
		// Another agency's secretary does not see it (404).
		other := scalar[int64](t, s, `SELECT id FROM models WHERE unit_path NOT LIKE (SELECT path FROM units WHERE code = 'STP') || '%' ORDER BY id LIMIT 1`)
		c2 := newClient(t, s)
		c2.mustLogin("bithu1")
		if res, _ := c2.get("/models/" + strconv.FormatInt(other, 10)); res.StatusCode != http.StatusNotFound {
			t.Errorf("a model of another agency: %d", res.StatusCode)
		}
		// Weights that do not sum to 100%.
		ca := newClient(t, s)
		ca.mustLogin("admin")
		res, body = ca.post("/model-criteria", url.Values{"form_nonce": {ca.nonce("/model-criteria")}, "name": {"Thử"}, "year": {strconv.Itoa(s.DB.Now().Year())}, "level": {"co-so"},
			"scale_min": {"0"}, "scale_max": {"10"}, "crit_name_0": {"A"}, "crit_weight_0": {"60"}, "crit_name_1": {"B"}, "crit_weight_1": {"30"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Tổng trọng số các tiêu chí là 90%") {
			t.Fatalf("weights: %d\n%s", res.StatusCode, body)
		}
		// A round without a name comes back with the message; nothing is written.
		rounds := scalar[int64](t, s, `SELECT COUNT(*) FROM model_rounds`)
		res, body = ca.post("/model-rounds", url.Values{"form_nonce": {ca.nonce("/model-rounds")}, "name": {" "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy đặt tên đợt bình xét.") || scalar[int64](t, s, `SELECT COUNT(*) FROM model_rounds`) != rounds {
			t.Fatalf("round without a name: %d\n%s", res.StatusCode, body)
		}
		// With a name it opens; a decision without a number comes back on the round page.
		root := scalar[int64](t, s, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`)
		set := scalar[int64](t, s, `SELECT MIN(id) FROM criteria_sets`)
		res, _ = ca.post("/model-rounds", url.Values{"form_nonce": {ca.nonce("/model-rounds")}, "name": {"Đợt thử"}, "unit_id": {strconv.FormatInt(root, 10)}, "set_id": {strconv.FormatInt(set, 10)}})
		roundURL := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(roundURL, "/model-rounds/") {
			t.Fatalf("open a round: %d %q", res.StatusCode, roundURL)
		}
		res, body = ca.post(roundURL+"/decide", url.Values{"form_nonce": {"decide-nonce-0001"}, "number": {" "}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy ghi số quyết định công nhận") || !strings.Contains(body, "Đợt thử") {
			t.Fatalf("decision without a number: %d\n%s", res.StatusCode, body)
		}
		// Editing the registered model without a name: the form again, the model unchanged;
		// with a name: saved, back to the model.
		edit := "/models/" + strconv.FormatInt(id, 10) + "/edit"
		form = modelForm(s, t, c.nonce(edit))
		form.Set("name", "")
		form.Set("problem", "Vấn đề mới")
		res, body = c.postMultipart(edit, form, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy nhập tên mô hình, điển hình.") || !strings.Contains(body, "Vấn đề mới") {
			t.Fatalf("edit without a name: %d\n%s", res.StatusCode, body)
		}
		form = modelForm(s, t, c.nonce(edit))
		form.Set("name", "Quỹ tương trợ đoàn viên công đoàn")
		res, _ = c.postMultipart(edit, form, nil)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/models/"+strconv.FormatInt(id, 10) ||
			scalar[string](t, s, `SELECT name FROM models WHERE id = ?`, id) != "Quỹ tương trợ đoàn viên công đoàn" {
			t.Fatalf("edit: %d %q", res.StatusCode, loc)
		}
		// The public API: recognised models only, no token.
		res, body = anon.get("/api/v1/public/models?year=" + strconv.Itoa(s.DB.Now().Year()))
		var out struct {
			Models []web.ModelJSON `json:"models"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &out) != nil || len(out.Models) == 0 {
			t.Fatalf("public API: %d %s", res.StatusCode, body)
		}
		for _, m := range out.Models {
			if m.State != "recognised" && m.State != "replicated" {
				t.Errorf("public API lists a %s model", m.State)
			}
		}
		if res, _ := anon.get("/api/v1/public/models?year=abc"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("bad year: %d", res.StatusCode)
		}
	})
}

func TestHonourBoardCacheFollowsDecisions(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		anon := &http.Client{}
		ctx := context.Background()
		var id int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM models WHERE state = 'recognised' ORDER BY id DESC LIMIT 1`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		get := func() string {
			res, err := anon.Get(s.URL + "/vinh-danh/" + strconv.FormatInt(id, 10))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		first := get()
		if get() != first {
			t.Fatal("two anonymous visits differ")
		}
		// Replicating the model changes its public page.
		staff, err := org.LoadPrincipal(ctx, s.DB, scalar[int64](t, s, `SELECT id FROM users WHERE username = 'canbo'`))
		if err != nil {
			t.Fatal(err)
		}
		in := emulation.InputOf(mustModel(t, s, staff, id))
		in.UnitID, in.ReplicaOf, in.Register, in.Name = scalar[int64](t, s, `SELECT id FROM units WHERE code = 'SNV-CCB'`), id, true, "Bản nhân rộng mới"
		if _, err := s.Models.Create(ctx, staff, in); err != nil {
			t.Fatal(err)
		}
		// Made through the service, not a request of this server (as another instance
		// would): the page follows once the public versions it keeps are a second old.
		time.Sleep(1100 * time.Millisecond)
		if after := get(); after == first || !strings.Contains(after, "Hội Cựu chiến binh Sở Nội vụ") {
			t.Fatal("the cached public page did not follow a replication")
		}
	})
}

func mustModel(t *testing.T, s *app.Started, p *org.Principal, id int64) emulation.Model {
	t.Helper()
	m, err := s.Models.Get(context.Background(), p, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
