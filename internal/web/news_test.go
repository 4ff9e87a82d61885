package web_test

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danvan/internal/app"
	"danvan/internal/demo"
)

// plainGet is a GET without cookies, as a reader's browser or a proxy sends it.
func plainGet(t *testing.T, s *app.Started, path string, header ...string) (*http.Response, string) {
	t.Helper()
	c := newClient(t, s)
	req, _ := http.NewRequest("GET", c.base+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

func TestNewsPublicPages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		seed, err := demo.ParseSeedArticle()
		if err != nil {
			t.Fatal(err)
		}
		res, body := plainGet(t, s, "/tin-tuc")
		if res.StatusCode != 200 || !strings.Contains(body, seed.Title) || !strings.Contains(body, `href="/tin-tuc" aria-current="page">Tin tức`) || !strings.Contains(body, "Công dân có thể") {
			t.Fatalf("news home %d", res.StatusCode)
		}
		// Found by words typed without diacritics.
		_, body = plainGet(t, s, "/tin-tuc?q="+url.QueryEscape("nam dan van chinh quyen"))
		slug := scalar[string](t, s, `SELECT slug FROM news_articles WHERE title = ?`, seed.Title)
		if !strings.Contains(body, `href="/tin-tuc/`+slug+`"`) {
			t.Fatal("search without diacritics misses the seed article")
		}
		// The article: date line, source line, sharing metadata, the two forms.
		res, body = plainGet(t, s, "/tin-tuc/"+slug)
		for _, want := range []string{"Thứ Hai, 13/5/2024", "Theo Trang tin Đảng ủy Khối các cơ quan Trung ương", `<link rel="canonical" href="`, `property="og:title"`, "Gửi cho bạn bè", "Thông tin người gửi phản hồi", `href="/tin-tuc/in/` + slug + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("article page lacks %q", want)
			}
		}
		// Conditional GETs: 304 on the same version, with cache headers a proxy can use.
		tag, lm := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
		if tag == "" || lm == "" || !strings.Contains(res.Header.Get("Cache-Control"), "public") {
			t.Fatalf("validators: etag %q last-modified %q cache %q", tag, lm, res.Header.Get("Cache-Control"))
		}
		if res, _ := plainGet(t, s, "/tin-tuc/"+slug, "If-None-Match", tag); res.StatusCode != http.StatusNotModified {
			t.Fatalf("If-None-Match: %d", res.StatusCode)
		}
		if res, _ := plainGet(t, s, "/tin-tuc", "If-Modified-Since", lm); res.StatusCode != http.StatusNotModified {
			t.Fatalf("If-Modified-Since: %d", res.StatusCode)
		}
		// A change shown in public changes the validator.
		reviewer := newClientAs(t, s, "canbo")
		id := scalar[int64](t, s, `SELECT id FROM news_articles WHERE slug = ?`, demo.DemoAgencyArticle)
		res, _ = reviewer.post(fmt.Sprintf("/news/%d/unpublish", id), url.Values{"form_nonce": {reviewer.nonce(fmt.Sprintf("/news/%d", id))}, "remarks": {"Kiểm tra"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unpublish %d", res.StatusCode)
		}
		if res, _ := plainGet(t, s, "/tin-tuc/"+slug, "If-None-Match", tag); res.StatusCode != 200 {
			t.Fatalf("after a change: %d", res.StatusCode)
		}
		if res, _ := plainGet(t, s, "/tin-tuc/"+demo.DemoAgencyArticle); res.StatusCode != http.StatusNotFound {
			t.Fatalf("unpublished article: %d", res.StatusCode)
		}
		// Feeds and the sitemap parse as XML and carry the article.
		for _, p := range []string{"/tin-tuc/rss.xml", "/tin-tuc/atom.xml", "/tin-tuc/chuyen-muc/dan-van/rss.xml", "/tin-tuc/chuyen-muc/dan-van/atom.xml", "/sitemap.xml"} {
			res, body := plainGet(t, s, p)
			var any struct{ XMLName xml.Name }
			if res.StatusCode != 200 || xml.Unmarshal([]byte(body), &any) != nil || !strings.Contains(body, "/tin-tuc/"+slug) {
				t.Errorf("%s: %d, parses: %v", p, res.StatusCode, xml.Unmarshal([]byte(body), &any))
			}
		}
		// The public API, by category.
		res, body = plainGet(t, s, "/api/v1/public/articles?category=dan-van")
		var api struct {
			Articles []struct{ Slug, Title, PublishedAt string } `json:"articles"`
		}
		if res.StatusCode != 200 || json.Unmarshal([]byte(body), &api) != nil || len(api.Articles) != 1 || api.Articles[0].Slug != slug {
			t.Fatalf("api: %d %s", res.StatusCode, body)
		}
		if res, _ := plainGet(t, s, "/tin-tuc/chuyen-muc/khong-co"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown category: %d", res.StatusCode)
		}
	})
}

func TestNewsBadInputHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		editor := newClientAs(t, s, "bientap")
		root := scalar[int64](t, s, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`)
		cat := scalar[int64](t, s, `SELECT id FROM news_categories WHERE slug = 'thong-bao'`)
		articles := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM news_articles`) }
		before := articles()
		form := func(title, slug, body string) url.Values {
			return url.Values{"form_nonce": {editor.nonce("/news/new")}, "unit_id": {fmt.Sprint(root)}, "category_id": {fmt.Sprint(cat)},
				"title": {title}, "slug": {slug}, "body": {body}}
		}
		// A picture that is not one: refused with the reason, nothing written.
		res, body := editor.postMultipart("/news/new", form("Thông báo lịch tiếp công dân", "", "Nội dung"), map[string][2]string{"image": {"anh.jpg", "%PDF-1.4 giả làm ảnh"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "không phải là ảnh") {
			t.Fatalf("non-image: %d", res.StatusCode)
		}
		// The address of an existing article: a clear message, nothing written.
		res, body = editor.postMultipart("/news/new", form("Bài khác", demo.DemoAgencyArticle, "Nội dung"), nil)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, "đã được một bài khác dùng") {
			t.Fatalf("existing slug: %d", res.StatusCode)
		}
		if articles() != before {
			t.Fatal("bad input wrote an article")
		}
		// Script and event handlers: kept out, shown as text, and the editor is told.
		res, _ = editor.postMultipart("/news/new", form("Thông báo lịch tiếp công dân", "", `<p onclick="steal()">Lịch tiếp</p><script>alert(1)</script>`),
			map[string][2]string{"image": {"anh.png", smallPNG()}})
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/news/") {
			t.Fatalf("create: %d", res.StatusCode)
		}
		_, body = editor.get(loc)
		if !strings.Contains(body, "Đã loại bỏ khỏi nội dung") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(body, "<script>alert") || strings.Contains(body, "onclick=") {
			t.Fatal("the script is not kept out and shown as text")
		}
		// Another agency's manager does not see it; a member may not write.
		if res, _ := newClientAs(t, s, "dangvien1").get("/news/new"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("member: %d", res.StatusCode)
		}

		// The readers' forms. 50 recipients: refused, no mail queued.
		outbox := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM mail_outbox`) }
		mails := outbox()
		var many []string
		for i := 0; i < 50; i++ {
			many = append(many, fmt.Sprintf("ban%d@example.vn", i))
		}
		reader := newClient(t, s)
		res, body = reader.post("/tin-tuc/"+demo.DemoAgencyArticle+"/gui-ban-be", url.Values{"sender_name": {"Lê Văn Dân"}, "sender_email": {"dan@example.vn"},
			"recipients": {strings.Join(many, ", ")}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "tối đa 5 người nhận") || outbox() != mails {
			t.Fatalf("50 recipients: %d", res.StatusCode)
		}
		// A feedback flood from one address: refused past the limit, the rest kept once.
		feedback := func() int { return scalar[int](t, s, `SELECT COUNT(*) FROM news_feedback`) }
		fb := feedback()
		tooMany := 0
		for i := 0; i < 15; i++ {
			res, _ := reader.post("/tin-tuc/"+demo.DemoAgencyArticle+"/phan-hoi", url.Values{"name": {"Người gửi nhiều"}, "email": {"nhieu@example.vn"},
				"content": {fmt.Sprintf("Ý kiến số %d về bài viết", i)}, "consent": {"yes"}})
			if res.StatusCode == http.StatusTooManyRequests {
				tooMany++
			}
		}
		if tooMany != 10 || feedback()-fb != 5 {
			t.Fatalf("flood: %d refused, %d kept", tooMany, feedback()-fb)
		}
		// Feedback without consent: the form again with the message, nothing written.
		fb = feedback()
		res, body = newClient(t, s).post("/tin-tuc/"+demo.DemoAgencyArticle+"/phan-hoi", url.Values{"name": {"A"}, "email": {"a@example.vn"}, "content": {"Nội dung phản hồi"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Hãy đánh dấu đồng ý") || feedback() != fb {
			t.Fatalf("no consent: %d", res.StatusCode)
		}
	})
}

func TestNewsEditorialFlowHTTP(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		editor, reviewer := newClientAs(t, s, "bientap"), newClientAs(t, s, "canbo")
		root := scalar[int64](t, s, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`)
		cat := scalar[int64](t, s, `SELECT id FROM news_categories WHERE slug = 'thong-bao'`)
		form := url.Values{"form_nonce": {editor.nonce("/news/new")}, "unit_id": {fmt.Sprint(root)}, "category_id": {fmt.Sprint(cat)},
			"title": {"Lịch tiếp công dân tháng Mười hai"}, "lead": {"Lịch tiếp công dân định kỳ."}, "body": {"Đoạn một.\n\nĐoạn hai."}, "source_line": {"Theo Văn phòng"}}
		res, _ := editor.postMultipart("/news/new", form, nil)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create %d", res.StatusCode)
		}
		editor.postMultipart("/news/new", form, nil) // double submit
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM news_articles WHERE title = 'Lịch tiếp công dân tháng Mười hai'`); n != 1 {
			t.Fatalf("double submit made %d", n)
		}
		if res, _ := editor.post(loc+"/submit", url.Values{"form_nonce": {editor.nonce(loc)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit %d", res.StatusCode)
		}
		// The editor may not approve; the reviewer does.
		editor.post(loc+"/approve", url.Values{"form_nonce": {"editor-tries-to-approve"}})
		if res, _ := plainGet(t, s, "/tin-tuc/lich-tiep-cong-dan-thang-muoi-hai"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("published by its editor: %d", res.StatusCode)
		}
		if res, _ := reviewer.post(loc+"/approve", url.Values{"form_nonce": {reviewer.nonce(loc)}, "remarks": {"Đạt"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve %d", res.StatusCode)
		}
		res, body := plainGet(t, s, "/tin-tuc/lich-tiep-cong-dan-thang-muoi-hai")
		if res.StatusCode != 200 || !strings.Contains(body, "<p>Đoạn hai.</p>") {
			t.Fatalf("published page %d", res.StatusCode)
		}
		// A reader's feedback, published with an answer: shown without contact details,
		// and the sender is told by mail with the link.
		reader := newClient(t, s)
		res, _ = reader.post("/tin-tuc/lich-tiep-cong-dan-thang-muoi-hai/phan-hoi", url.Values{"name": {"Phạm Văn Bình"}, "email": {"binh@example.vn"},
			"phone": {"0911 222 333"}, "content": {"Xin hỏi lịch có thay đổi dịp Tết không?"}, "consent": {"yes"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("feedback %d", res.StatusCode)
		}
		fid := scalar[int64](t, s, `SELECT id FROM news_feedback WHERE email = 'binh@example.vn'`)
		_, body = reviewer.get("/news/feedback")
		if !strings.Contains(body, "binh@example.vn") {
			t.Fatal("moderation page lacks the sender's details")
		}
		res, _ = reviewer.post(fmt.Sprintf("/news/feedback/%d/moderate", fid), url.Values{"form_nonce": {reviewer.nonce("/news/feedback")}, "slug": {"lich-tiep-cong-dan-thang-muoi-hai"},
			"decision": {"publish"}, "answer": {"Lịch không thay đổi dịp Tết."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("moderate %d", res.StatusCode)
		}
		_, body = plainGet(t, s, "/tin-tuc/lich-tiep-cong-dan-thang-muoi-hai")
		if !strings.Contains(body, "Lịch không thay đổi dịp Tết.") || strings.Contains(body, "binh@example.vn") || strings.Contains(body, "0911 222 333") {
			t.Fatal("published feedback: answer missing or contact details shown")
		}
		if n := scalar[int](t, s, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'binh@example.vn' AND body LIKE '%/tin-tuc/lich-tiep-cong-dan-thang-muoi-hai%'`); n != 1 {
			t.Fatalf("sender told %d times", n)
		}
	})
}

// The editors reach their pages from the news page; readers do not see the link.
func TestNewsEditorsLink(t *testing.T) {
	eachServer(t, func(t *testing.T, s *app.Started) {
		if _, body := newClientAs(t, s, "bientap").get("/tin-tuc"); !strings.Contains(body, `href="/news">Quản lý tin bài`) {
			t.Fatal("no link to the editors' pages for an editor")
		}
		if _, body := plainGet(t, s, "/tin-tuc"); strings.Contains(body, `href="/news"`) {
			t.Fatal("readers see the editors' link")
		}
	})
}
