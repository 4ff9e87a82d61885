package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"danvan/internal/org"
)

// TestModelLife is issue 6's browser walk: congdoan1 registers a model with a photo;
// bithu1 approves it; congdoan1 reports progress, asks for support and holds the
// mid-year review; bithu1 answers the request and proposes the model to a round opened by
// canbo; bithu1 and kiemtra score it independently; canbo recognises it at the upper
// committee's level; it appears on the public honour board; canbo replicates it in another
// agency and the replica links back to it. axe-core runs on every page.
func TestModelLife(t *testing.T) {
	srv := startServer(t)
	ctx := newBrowser(t)
	bg := context.Background()
	db := srv.App.DB
	var unionID, otherUnionID int64
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE code = 'STP-CD'`).Scan(&unionID); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(bg, `SELECT id FROM units WHERE code = 'SNV-CD'`).Scan(&otherUnionID); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "quy-tuong-tro.png")
	if err := os.WriteFile(photo, testPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	w := walk{t, ctx, srv}
	page, click := w.page, w.click
	logout := func() {
		t.Helper()
		step(t, ctx, "open account menu", chromedp.Click(chromedp.CSS("details.me summary")))
		submit(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	}
	// 1. congdoan1 registers a model with a photo.
	login(t, ctx, srv, "congdoan1")
	page("/models", "mo-hinh-danh-sach")
	page("/models/new", "")
	fields := map[string]string{"#f-name": "Công đoàn đồng hành cùng đoàn viên khó khăn", "#f-problem": "Một số đoàn viên có hoàn cảnh khó khăn.",
		"#f-goals": "Hỗ trợ 100% đoàn viên khó khăn.", "#f-criteria": "Số đoàn viên được hỗ trợ; số suất học bổng.", "#f-methods": "Lập quỹ tương trợ, vận động hằng tháng.",
		"#f-area": "Sở Tư pháp", "#f-beneficiaries": "Đoàn viên và gia đình", "#f-lead_force": "Ban Chấp hành Công đoàn", "#f-outputs": "Quỹ tương trợ hoạt động đều đặn",
		"#f-starts_on": "01/02/2026", "#f-ends_on": "30/11/2026", "#f-story": "Từ một buổi quyên góp nhỏ, quỹ đã giúp 12 gia đình đoàn viên vượt khó."}
	for css, v := range fields {
		fill(t, ctx, css, v)
	}
	selectOption(t, ctx, "#f-field", "van-hoa-xa-hoi")
	selectOption(t, ctx, "#f-unit_id", strconv.FormatInt(unionID, 10))
	step(t, ctx, "attach photo", chromedp.SetUploadFiles(chromedp.CSS("#f-photos"), []string{photo}))
	screenshot(t, ctx, "mo-hinh-dang-ky")
	text := click("register", `button[name="step"][value="register"]`)
	if !strings.Contains(text, "Đã đăng ký, chờ duyệt") {
		t.Fatalf("after registering:\n%s", text)
	}
	m := regexp.MustCompile(`/models/(\d+)$`).FindStringSubmatch(location(t, ctx))
	if m == nil {
		t.Fatalf("not on a model page: %s", location(t, ctx))
	}
	modelURL := "/models/" + m[1]
	logout()

	// 2. bithu1 approves.
	login(t, ctx, srv, "bithu1")
	page(modelURL, "")
	if text := click("approve", `form[action$="/do/approve"] button`); !strings.Contains(text, "Đã duyệt") {
		t.Fatalf("after approving:\n%s", text)
	}
	logout()

	// 3. congdoan1 reports progress with figures, a photo and a request for support, then the mid-year review.
	login(t, ctx, srv, "congdoan1")
	page(modelURL, "")
	fill(t, ctx, "#r-body", "Đã vận động 40 đoàn viên tham gia quỹ tương trợ.")
	fill(t, ctx, "#fl-0", "Đoàn viên được hỗ trợ")
	fill(t, ctx, "#fv-0", "12")
	fill(t, ctx, "#r-support", "Đề nghị Đảng ủy kết nối nhà tài trợ học bổng cho con đoàn viên.")
	step(t, ctx, "attach report photo", chromedp.SetUploadFiles(chromedp.CSS("#r-photos"), []string{photo}))
	if text := click("report", `form[action$="/reports"] button[type="submit"]`); !strings.Contains(text, "Đang thực hiện") || !strings.Contains(text, "Chưa trả lời") {
		t.Fatalf("after the report:\n%s", text)
	}
	screenshot(t, ctx, "mo-hinh-bao-cao")
	tick(t, ctx, `input[name="kind"][value="review"]`, true)
	fill(t, ctx, "#r-body", "Sơ kết 6 tháng: 12 đoàn viên được hỗ trợ, vượt chỉ tiêu.")
	if text := click("review", `form[action$="/reports"] button[type="submit"]`); !strings.Contains(text, "Đã sơ kết") {
		t.Fatalf("after the review:\n%s", text)
	}
	logout()

	// 4. canbo opens a round for this year at the upper committee.
	login(t, ctx, srv, "canbo")
	page("/model-rounds", "")
	fill(t, ctx, "#f-name", "Bình xét bổ sung “Dân vận khéo”")
	text = click("open round", `form[action="/model-rounds"] button`)
	rm := regexp.MustCompile(`/model-rounds/(\d+)$`).FindStringSubmatch(location(t, ctx))
	if rm == nil {
		t.Fatalf("not on a round page: %s\n%s", location(t, ctx), text)
	}
	roundURL := "/model-rounds/" + rm[1]
	logout()

	// 5. bithu1 answers the request (from "Việc của tôi"), proposes the model and scores it.
	login(t, ctx, srv, "bithu1")
	// "Việc của tôi" lists the request (the page itself belongs to the foundation; the
	// source is checked directly when the page is not there yet).
	if st := visit(t, ctx, srv.URL+"/my-work"); st == http.StatusOK {
		checkA11y(t, ctx)
		if text := pageText(t, ctx); !strings.Contains(text, "Đề nghị hỗ trợ mô hình") {
			t.Errorf("my work of bithu1 lacks the request for support:\n%s", text)
		}
	} else {
		var uid int64
		_ = db.QueryRowContext(bg, `SELECT id FROM users WHERE username = 'bithu1'`).Scan(&uid)
		p, err := org.LoadPrincipal(bg, db, uid)
		if err != nil {
			t.Fatal(err)
		}
		items, err := srv.App.Models.OpenWork(bg, p)
		found := false
		for _, it := range items {
			found = found || it.Kind == "Đề nghị hỗ trợ mô hình"
		}
		if err != nil || !found {
			t.Errorf("work items of bithu1 lack the request for support: %v %v", items, err)
		}
	}
	page(modelURL, "")
	fill(t, ctx, `textarea[name="answer"]`, "Đảng ủy đã giới thiệu hai doanh nghiệp tài trợ 20 suất học bổng.")
	if text := click("answer", `form[action*="/model-support/"] button`); !strings.Contains(text, "Trả lời của") {
		t.Fatalf("after answering:\n%s", text)
	}
	selectOption(t, ctx, "#round_id", rm[1])
	click("propose", `form[action$="/propose"] button`)
	text = page(roundURL, "")
	cm := regexp.MustCompile(`href="(/model-rounds/\d+/candidates/\d+)"`).FindStringSubmatch(pageHTML(t, ctx))
	if cm == nil {
		t.Fatalf("no candidate on the round page:\n%s", text)
	}
	candURL := cm[1]
	scoreAll := func(vals ...string) string {
		t.Helper()
		page(candURL, "")
		ids := run(t, ctx, "criteria inputs", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('input[name^="c_"]')).map(e => "#" + e.id)`))
		if len(ids) != 4 {
			t.Fatalf("%d criteria inputs", len(ids))
		}
		for i, id := range ids {
			fill(t, ctx, id, vals[i])
		}
		return click("score", `form[action^="/model-rounds/"] button[type="submit"]`)
	}
	if text := scoreAll("9", "8", "8,5", "7"); !strings.Contains(text, "Điểm của từng người chấm") {
		t.Fatalf("after bithu1 scored:\n%s", text)
	}
	logout()

	// 6. kiemtra does not see bithu1's score before submitting their own.
	login(t, ctx, srv, "kiemtra")
	if text := page(candURL, "mo-hinh-cham-diem"); strings.Contains(text, "Điểm của từng người chấm") || !strings.Contains(text, "được ẩn") {
		t.Fatalf("kiemtra sees other scores before scoring:\n%s", text)
	}
	text = scoreAll("8", "8", "8", "8")
	if !strings.Contains(text, "8,45") && !strings.Contains(text, "8,25") {
		t.Logf("candidate page after two scores:\n%s", text)
	}
	screenshot(t, ctx, "mo-hinh-diem")
	logout()

	// 7. canbo recognises it at the upper committee's level.
	login(t, ctx, srv, "canbo")
	page(roundURL, "")
	cid := regexp.MustCompile(`/candidates/(\d+)`).FindStringSubmatch(candURL)[1]
	tick(t, ctx, "#rec-"+cid, true)
	selectOption(t, ctx, "#reward-"+cid, "Bằng khen")
	fill(t, ctx, "#f-number", "130-QĐ/ĐUK")
	screenshot(t, ctx, "mo-hinh-binh-xet")
	if text := click("decide", `form[action$="/decide"] button[type="submit"]`); !strings.Contains(text, "Công nhận · Bằng khen") {
		t.Fatalf("after the decision:\n%s", text)
	}
	// The decision downloads as .docx and .xlsx.
	for _, f := range []string{"docx", "xlsx"} {
		res := run(t, ctx, "download "+f, chromedp.Evaluate[string](`fetch(`+jsString(roundURL+"/decision."+f)+`).then(r => r.status + " " + r.headers.get("Content-Type") + " " + r.headers.get("Content-Length"))`, chromedp.EvalAwaitPromise))
		if !strings.HasPrefix(res, "200 application/vnd.openxmlformats") {
			t.Errorf("decision.%s: %s", f, res)
		}
	}
	if text := page(modelURL, ""); !strings.Contains(text, "Được công nhận") || !strings.Contains(text, "Đảng ủy cấp trên") {
		t.Fatalf("model after recognition:\n%s", text)
	}
	page("/models/discover", "mo-hinh-phat-hien")
	page("/models/stats", "mo-hinh-thong-ke")

	// 8. canbo replicates it in the trade union of another agency; the replica links back.
	page("/models/new?replica_of="+m[1], "")
	selectOption(t, ctx, "#f-unit_id", strconv.FormatInt(otherUnionID, 10))
	fill(t, ctx, "#f-name", "Quỹ tương trợ đoàn viên Sở Nội vụ")
	text = click("register replica", `button[name="step"][value="register"]`)
	if !strings.Contains(text, "Nhân rộng từ mô hình") {
		t.Fatalf("replica page:\n%s", text)
	}
	if href := run(t, ctx, "link to original", chromedp.Evaluate[string](`document.querySelector("#replica-of").getAttribute("href")`)); !strings.HasSuffix(href, "/"+m[1]) {
		t.Fatalf("replica links to %q", href)
	}
	text = page(modelURL+"/spread", "mo-hinh-nhan-rong")
	if !strings.Contains(text, "Công đoàn Sở Nội vụ") {
		t.Fatalf("replication map:\n%s", text)
	}
	logout()

	// 9. The public honour board, without an account.
	text = page("/vinh-danh", "vinh-danh")
	if !strings.Contains(text, "Công đoàn đồng hành cùng đoàn viên khó khăn") {
		t.Fatalf("honour board:\n%s", text)
	}
	text = page("/vinh-danh/"+m[1], "vinh-danh-mo-hinh")
	if !strings.Contains(text, "Từ một buổi quyên góp nhỏ") {
		t.Fatalf("public page of the model:\n%s", text)
	}
	html := pageHTML(t, ctx)
	for _, want := range []string{`<meta name="description"`, `property="og:title"`, `property="og:image"`} {
		if !strings.Contains(html, want) {
			t.Errorf("public page lacks %s", want)
		}
	}
	img := regexp.MustCompile(`src="(/files/\d+)"`).FindStringSubmatch(html)
	if img == nil {
		t.Fatal("no photo on the public page")
	}
	resp, err := http.Get(srv.URL + img[1])
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("public photo: %v %v", resp, err)
	}
	resp.Body.Close()
	// On a phone.
	step(t, ctx, "phone viewport", chromedp.EmulateViewport(360, 740))
	page("/vinh-danh", "vinh-danh-dien-thoai")
	width := run(t, ctx, "page width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if width > 360 {
		t.Errorf("honour board is %d px wide on a 360 px phone", width)
	}
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	for x := 0; x < 64; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.RGBA{uint8(150 + x), uint8(40 + y), 40, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
