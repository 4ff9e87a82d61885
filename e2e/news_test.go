package e2e

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"danvan/internal/config"
	"danvan/internal/notify/smtptest"
)

// TestNewsLife is issue 12's proof: an editor pastes an article with a picture (Word-like
// HTML with a script in it), a reviewer approves it, a citizen on a 360 px phone finds it
// by words typed without diacritics, sends it to a friend (the test's SMTP server receives
// one mail, with the link and nothing else), leaves feedback; an editor answers it and the
// answer shows. The feeds and the sitemap parse as XML. axe-core runs on every page.
func TestNewsLife(t *testing.T) {
	mail := smtptest.Start(t, "127.0.0.1:0")
	srv := startServer(t, func(c *config.Config) {
		c.SMTPURL, c.MailFrom = "smtp://"+mail.Addr+"?starttls=none", "danvan@example.vn"
	})
	ctx := newBrowser(t)
	w := walk{t, ctx, srv}
	page := func(path string) string { t.Helper(); return w.page(path, "") }
	click := w.clickAs

	// The editor writes: a paste from Word with a table, a script and an event handler.
	photo := filepath.Join(t.TempDir(), "hoi-nghi.png")
	if err := os.WriteFile(photo, testPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	login(t, ctx, srv, "bientap")
	page("/news")
	page("/news/new")
	fill(t, ctx, "#f-title", "Hội nghị đối thoại với đoàn viên thanh niên khối cơ quan")
	fill(t, ctx, "#f-lead", "Gần 200 đoàn viên nêu 24 ý kiến về việc làm, nhà ở và học tập.")
	step(t, ctx, "paste the body", chromedp.SetValue(chromedp.CSS("#f-body"),
		`<p class="MsoNormal" style="font-size:13pt" onclick="steal()">Sáng nay, Đoàn Khối tổ chức hội nghị đối thoại.</p>`+
			`<script>alert("x")</script><table><tr><th>Nhóm ý kiến</th><th>Số ý kiến</th></tr><tr><td>Việc làm</td><td>11</td></tr></table>`))
	fill(t, ctx, "#f-source_line", "Theo Đoàn Khối các cơ quan")
	fill(t, ctx, "#f-image_caption", "Quang cảnh hội nghị")
	step(t, ctx, "attach the picture", chromedp.SetUploadFiles(chromedp.CSS("#f-image"), []string{photo}))
	screenshot(t, ctx, "tin-tuc-soan-tin")
	text := click("save the draft", `form[action="/news/new"] button[type="submit"]`, http.StatusOK)
	if !strings.Contains(text, "Đã loại bỏ khỏi nội dung") || !strings.Contains(text, `<script>alert("x")</script>`) {
		t.Fatalf("the script is not kept out and shown as text:\n%.2000s", text)
	}
	click("submit for review", `form[action$="/submit"] button`, http.StatusOK)
	logout(t, ctx, srv)

	// The reviewer approves it.
	login(t, ctx, srv, "canbo")
	page("/news?state=submitted")
	page(firstHref(t, ctx, `^/news/\d+$`)) // the submitted article
	screenshot(t, ctx, "tin-tuc-duyet-tin")
	click("approve", `form[action$="/approve"] button`, http.StatusOK)
	logout(t, ctx, srv)

	// A citizen on a phone finds it without diacritics, sends it to a friend, comments.
	phone := phoneBrowser(t)
	phonePage(t, phone, srv, "/tin-tuc")
	screenshotScreen(t, phone, "tin-tuc-trang-chu")
	fill(t, phone, "#news-q", "doi thoai doan vien thanh nien")
	if st := submit(t, phone, "search", chromedp.Click(chromedp.CSS(`form.news-search button`))); st != http.StatusOK {
		t.Fatalf("search: %d", st)
	}
	checkPhone(t, phone, "search results")
	if st := submit(t, phone, "open the article", chromedp.Click(chromedp.CSS(`.news-list h3 a`))); st != http.StatusOK {
		t.Fatalf("article: %d", st)
	}
	checkPhone(t, phone, "article")
	html := pageHTML(t, phone)
	if !strings.Contains(html, `<table><tr><th>Nhóm ý kiến</th>`) && !strings.Contains(html, "<th>Nhóm ý kiến</th>") || strings.Contains(html, "onclick") {
		t.Fatal("the article's table is lost or the event handler kept")
	}
	screenshot(t, phone, "tin-tuc-bai-viet")
	articleURL := location(t, phone)
	fill(t, phone, "#f-sender_name", "Lê Văn Dân")
	fill(t, phone, "#f-sender_email", "dan@example.vn")
	fill(t, phone, "#f-recipients", "ban.cua.dan@example.vn")
	fill(t, phone, "#f-note", "Bài này bạn nên đọc.")
	if st := submit(t, phone, "send to a friend", chromedp.Click(chromedp.CSS(`form[action$="/gui-ban-be"] button`))); st != http.StatusOK {
		t.Fatalf("share: %d", st)
	}
	if !strings.Contains(pageText(t, phone), "Đã gửi đường dẫn bài viết") {
		t.Fatal("no confirmation of the share")
	}
	fill(t, phone, "#f-name", "Lê Văn Dân")
	fill(t, phone, "#f-email", "dan@example.vn")
	fill(t, phone, "#f-phone", "0912 345 678")
	fill(t, phone, "#f-content", "Đề nghị đăng thêm kết quả giải quyết 24 ý kiến.")
	step(t, phone, "consent", chromedp.Click(chromedp.CSS("#f-consent")))
	if st := submit(t, phone, "send feedback", chromedp.Click(chromedp.CSS(`form[action$="/phan-hoi"] button`))); st != http.StatusOK {
		t.Fatalf("feedback: %d", st)
	}
	checkPhone(t, phone, "feedback received")

	// The friend receives one mail: the title, the link and the note, nothing else.
	var got []smtptest.Message
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		got = got[:0]
		for _, m := range mail.Messages() {
			for _, to := range m.To {
				if to == "ban.cua.dan@example.vn" {
					got = append(got, m)
				}
			}
		}
		if len(got) > 0 {
			break
		}
	}
	if len(got) != 1 {
		t.Fatalf("the friend received %d mails", len(got))
	}
	body := got[0].Body
	if !strings.Contains(body, articleURL) || strings.Contains(body, "<") || strings.Contains(body, "http") && strings.Count(body, "http") != 1 {
		t.Fatalf("the mail carries more than the link:\n%s", body)
	}

	// The editor answers the feedback; the answer shows under the article.
	login(t, ctx, srv, "canbo")
	page("/news/feedback")
	var fid int64
	if err := srv.App.DB.QueryRowContext(context.Background(), `SELECT id FROM news_feedback WHERE email = 'dan@example.vn'`).Scan(&fid); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(fid, 10)
	step(t, ctx, "answer", chromedp.SendKeys(chromedp.CSS("#f-answer-"+id), "Ban biên tập sẽ đăng kết quả vào cuối tháng."))
	screenshot(t, ctx, "tin-tuc-phan-hoi")
	click("publish with the answer", `form[action="/news/feedback/`+id+`/moderate"] button[value="publish"]`, http.StatusOK)
	if st := visit(t, phone, articleURL); st != http.StatusOK {
		t.Fatalf("article again: %d", st)
	}
	text = pageText(t, phone)
	if !strings.Contains(text, "Ban biên tập sẽ đăng kết quả vào cuối tháng.") || strings.Contains(text, "0912 345 678") || strings.Contains(text, "dan@example.vn") {
		t.Fatal("the answer is missing or the sender's contact details are shown")
	}
	checkPhone(t, phone, "article with the answer")

	// The feeds and the sitemap parse as XML.
	for _, p := range []string{"/tin-tuc/rss.xml", "/tin-tuc/atom.xml", "/sitemap.xml"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var doc struct{ XMLName xml.Name }
		if res.StatusCode != 200 || xml.Unmarshal(b, &doc) != nil || !strings.Contains(string(b), "doi-thoai-voi-doan-vien") {
			t.Errorf("%s: %d %v", p, res.StatusCode, xml.Unmarshal(b, &doc))
		}
	}
}
