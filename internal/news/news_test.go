package news_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/dbtest"
	"danvan/internal/demo"
	"danvan/internal/news"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

type fix struct {
	db  *sqldb.DB
	ctx context.Context
	o   *demo.Org
	svc *news.Service
}

func setup(t *testing.T, db *sqldb.DB) *fix {
	t.Helper()
	f := &fix{db: db, ctx: context.Background()}
	capture := func(ctx context.Context, db *sqldb.DB, o *demo.Org) error { f.o = o; return nil }
	if _, err := demo.Load(f.ctx, db, "mat-khau-demo-2026", capture, demo.News); err != nil {
		t.Fatal(err)
	}
	f.svc = news.NewService(db, &attach.Store{DB: db, Dir: t.TempDir()})
	return f
}

func (f *fix) who(t *testing.T, user string) *org.Principal {
	t.Helper()
	p, err := org.LoadPrincipal(f.ctx, f.db, f.o.Users[user])
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fix) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKind(t *testing.T, err error, k apperr.Kind, contains string) {
	t.Helper()
	if apperr.KindOf(err) != k {
		t.Fatalf("want kind %v, got %v", k, err)
	}
	msg := apperr.MessageOf(err)
	for _, m := range apperr.FieldsOf(err) {
		msg += " " + m
	}
	if !strings.Contains(msg, contains) {
		t.Fatalf("message %q does not say %q", msg, contains)
	}
}

func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, h/2, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// jpegWithGPS is a JPEG carrying an EXIF segment with a location, as a phone writes it.
func jpegWithGPS(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	exif := []byte("Exif\x00\x00GPSLatitude=21.0285;GPSLongitude=105.8542")
	seg := append([]byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}, exif...)
	data := b.Bytes()
	return append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
}

func TestSanitize(t *testing.T) {
	word := `<html><head><style>p.MsoNormal{margin:0}</style></head><body><!--[if gte mso 9]><xml>x</xml><![endif]-->
<p class="MsoNormal" style="color:red" onclick="steal()">Đoạn <b>một</b><o:p></o:p></p>
<script>alert("x")</script><img src="https://tracker.example/p.gif" onerror="x()"><a href="javascript:alert(1)">bấm</a>
<a href="https://dangcongsan.vn/a">nguồn</a><table><tr><td colspan="2" style="x">ô</td></tr></table></body></html>`
	s := news.Sanitize(word)
	for _, bad := range []string{"<script", "onclick", "onerror", "style=", "class=", "javascript:", "tracker.example", "MsoNormal{", "<o:p"} {
		if strings.Contains(s.HTML, bad) {
			t.Errorf("sanitised body keeps %q: %s", bad, s.HTML)
		}
	}
	for _, good := range []string{"<p>Đoạn <b>một</b></p>", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", `<a href="https://dangcongsan.vn/a" rel="nofollow noopener">nguồn</a>`, `<td colspan="2">ô</td>`} {
		if !strings.Contains(s.HTML, good) {
			t.Errorf("sanitised body lacks %q: %s", good, s.HTML)
		}
	}
	if got := strings.Join(s.Removed, "; "); !strings.Contains(got, "thẻ <script>") || !strings.Contains(got, "thuộc tính onclick") {
		t.Errorf("removed: %s", got)
	}
	if got := news.Sanitize("Dòng một\n\nDòng <hai>").HTML; got != "<p>Dòng một</p>\n<p>Dòng &lt;hai&gt;</p>" && !strings.Contains(got, "Dòng một") {
		t.Errorf("plain text: %q", got)
	}
	if got := news.Slugify("Triển khai công tác dân vận ở Đảng bộ “Năm 2018”"); got != "trien-khai-cong-tac-dan-van-o-dang-bo-nam-2018" {
		t.Errorf("slug %q", got)
	}
}

func TestPrepareImage(t *testing.T) {
	if _, _, err := news.PrepareImage([]byte("%PDF-1.4 not a picture")); apperr.KindOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "không phải là ảnh") {
		t.Fatalf("non-image: %v", err)
	}
	out, ext, err := news.PrepareImage(jpegWithGPS(t, 3000, 2000))
	if err != nil {
		t.Fatal(err)
	}
	if ext != "jpg" || bytes.Contains(out, []byte("Exif")) || bytes.Contains(out, []byte("GPS")) {
		t.Fatalf("ext %s, metadata kept: %v", ext, bytes.Contains(out, []byte("GPS")))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != news.MaxImageWidth || cfg.Height != 2000*news.MaxImageWidth/3000 {
		t.Fatalf("resized to %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
	small, ext, err := news.PrepareImage(pngOf(300, 200))
	if err != nil || ext != "png" {
		t.Fatalf("png: %s %v", ext, err)
	}
	if cfg, _, _ := image.DecodeConfig(bytes.NewReader(small)); cfg.Width != 300 {
		t.Fatalf("small image resized to %d", cfg.Width)
	}
}

func TestEditorialFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		editor, reviewer, member := f.who(t, "bientap"), f.who(t, "canbo"), f.who(t, "dangvien1")
		cats, err := f.svc.Categories(f.ctx)
		if err != nil || len(cats) < 2 {
			t.Fatal(cats, err)
		}
		// The seed article is there, with its own date and source line.
		seed, _, err := f.svc.Latest(f.ctx, news.PublicFilter{Query: "nam dan van chinh quyen"})
		if err != nil || len(seed) == 0 {
			t.Fatalf("seed article not found without diacritics: %v", err)
		}
		if d := seed[0].PublishedAt.In(news.Zone()); d.Format("2/1/2006") != "13/5/2024" || !strings.HasPrefix(seed[0].SourceLine, "Theo Trang tin Đảng ủy Khối") {
			t.Fatalf("seed: %s %q", d, seed[0].SourceLine)
		}
		before := f.count(t, `SELECT COUNT(*) FROM news_articles`)
		in := news.Input{UnitID: f.o.Root.ID, CategoryID: cats[1].ID, Title: "Hội nghị đối thoại với Nhân dân năm 2026",
			Lead: "Sapo của bài", Body: `<p onmouseover="x()">Nội dung <script>alert(1)</script></p>`, Tags: "đối thoại, dân chủ", SourceLine: "Theo Ban Dân vận",
			Image: &attach.Upload{Name: "anh.jpg", Data: jpegWithGPS(t, 2000, 1000)}}
		// No right, bad input, a non-image: nothing written.
		if _, err := f.svc.Create(f.ctx, member, in); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("member create: %v", err)
		}
		bad := in
		bad.Title, bad.Body = "", "<script>only()</script><style>x</style>"
		_, err = f.svc.Create(f.ctx, editor, bad)
		wantKind(t, err, apperr.Invalid, "Hãy nhập tiêu đề")
		notImg := in
		notImg.Image = &attach.Upload{Name: "anh.jpg", Data: []byte("<html>not an image</html>")}
		_, err = f.svc.Create(f.ctx, editor, notImg)
		wantKind(t, err, apperr.Invalid, "không phải là ảnh")
		if n := f.count(t, `SELECT COUNT(*) FROM news_articles`); n != before {
			t.Fatalf("bad input wrote %d articles", n-before)
		}
		saved, err := f.svc.Create(f.ctx, editor, in)
		if err != nil {
			t.Fatal(err)
		}
		if saved.Slug != "hoi-nghi-doi-thoai-voi-nhan-dan-nam-2026" || len(saved.Removed) != 2 {
			t.Fatalf("saved %+v", saved)
		}
		// The same address again: a clear message, nothing written.
		_, err = f.svc.Create(f.ctx, editor, in)
		wantKind(t, err, apperr.Conflict, "đã được một bài khác dùng")
		if n := f.count(t, `SELECT COUNT(*) FROM news_articles`); n != before+1 {
			t.Fatalf("slug conflict wrote: %d", n-before)
		}
		a, err := f.svc.Article(f.ctx, editor, saved.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(a.Body, "<script") || strings.Contains(a.Body, "onmouseover") || !strings.Contains(a.Body, "&lt;script&gt;") || a.ImageID == 0 {
			t.Fatalf("body %q image %d", a.Body, a.ImageID)
		}
		// Not public before approval; editors cannot approve their own.
		if _, err := f.svc.Published(f.ctx, a.Slug); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("draft is public: %v", err)
		}
		if err := f.svc.Approve(f.ctx, reviewer, a.ID, time.Time{}, ""); apperr.KindOf(err) != apperr.Conflict {
			t.Fatalf("approve a draft: %v", err)
		}
		if err := f.svc.Submit(f.ctx, editor, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Approve(f.ctx, editor, a.ID, time.Time{}, ""); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("editor approves: %v", err)
		}
		v0, _ := f.svc.CurrentVersion(f.ctx)
		if err := f.svc.Approve(f.ctx, reviewer, a.ID, time.Time{}, "Đạt"); err != nil {
			t.Fatal(err)
		}
		v1, _ := f.svc.CurrentVersion(f.ctx)
		if v1.Tag() == v0.Tag() {
			t.Fatal("approval did not change the version")
		}
		if vis, err := f.svc.ImageVisible(f.ctx, a.ImageID); err != nil || !vis {
			t.Fatalf("published image not visible: %v", err)
		}
		got, _, err := f.svc.Latest(f.ctx, news.PublicFilter{Query: "doi thoai nhan dan", Category: cats[1].Slug})
		if err != nil || len(got) != 1 || got[0].ID != a.ID {
			t.Fatalf("search without diacritics: %v %v", got, err)
		}
		// A correction of a published article needs a reviewer and a note, and is kept.
		fix := in
		fix.Image, fix.Body = nil, "<p>Nội dung đã sửa</p>"
		_, err = f.svc.Update(f.ctx, reviewer, a.ID, fix)
		wantKind(t, err, apperr.Invalid, "đính chính")
		fix.CorrectionNote = "Sửa số liệu đoạn đầu"
		if _, err := f.svc.Update(f.ctx, editor, a.ID, fix); apperr.KindOf(err) != apperr.Forbidden {
			t.Fatalf("editor corrects a published article: %v", err)
		}
		if _, err := f.svc.Update(f.ctx, reviewer, a.ID, fix); err != nil {
			t.Fatal(err)
		}
		if cs, err := f.svc.Corrections(f.ctx, a.ID); err != nil || len(cs) != 1 || cs[0].Note != "Sửa số liệu đoạn đầu" {
			t.Fatalf("corrections %v %v", cs, err)
		}
		// Scheduled: approved for later, not shown until then.
		later := in
		later.Image, later.Slug = nil, "bai-hen-gio"
		s2, err := f.svc.Create(f.ctx, editor, later)
		if err != nil {
			t.Fatal(err)
		}
		_ = f.svc.Submit(f.ctx, editor, s2.ID)
		if err := f.svc.Approve(f.ctx, reviewer, s2.ID, db.Now().Add(2*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Published(f.ctx, "bai-hen-gio"); apperr.KindOf(err) != apperr.NotFound {
			t.Fatalf("scheduled article is public: %v", err)
		}
		if x, _ := f.svc.Article(f.ctx, editor, s2.ID); !x.Scheduled(db.Now()) {
			t.Fatal("not scheduled")
		}
		// Unpublished: gone from the public.
		if err := f.svc.Unpublish(f.ctx, reviewer, s2.ID, "Trùng nội dung"); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE entity = 'news_article' AND entity_id = ?`, a.ID); n != 4 {
			t.Fatalf("audit entries for the article: %d (create, submit, approve, correct)", n)
		}
	})
}

func TestFeedbackAndShare(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		reviewer := f.who(t, "canbo")
		list, _, err := f.svc.Latest(f.ctx, news.PublicFilter{})
		if err != nil || len(list) != 2 {
			t.Fatal(list, err)
		}
		a := list[0]
		link := "https://danvan.example/tin-tuc/" + a.Slug
		err = f.svc.AddFeedback(f.ctx, a.Slug, news.FeedbackInput{Name: "Lê Văn Dân", Email: "khong-hop-le", Content: "Bài viết hay"})
		wantKind(t, err, apperr.Invalid, "thư điện tử")
		in := news.FeedbackInput{Name: "Lê Văn Dân", Email: "dan@example.vn", Phone: "0912 345 678", Address: "Hà Nội", Content: "Đề nghị đăng thêm kết quả năm 2024."}
		if err := f.svc.AddFeedback(f.ctx, a.Slug, in); err != nil {
			t.Fatal(err)
		}
		if pub, _ := f.svc.PublicFeedback(f.ctx, a.ID); len(pub) != 0 {
			t.Fatal("feedback shown before moderation")
		}
		pending, err := f.svc.PendingFeedback(f.ctx, reviewer)
		if err != nil || len(pending) != 2 || pending[1].Phone != "0912 345 678" {
			t.Fatalf("pending %v %v", pending, err)
		}
		// The same feedback sent again is kept once.
		if err := f.svc.AddFeedback(f.ctx, a.Slug, in); err != nil || len(mustPending(t, f, reviewer)) != 2 {
			t.Fatalf("double feedback: %v", err)
		}
		pending = pending[1:]
		if len(mustPending(t, f, f.who(t, "dangvien1"))) != 0 {
			t.Fatal("a member sees feedback to moderate")
		}
		if err := f.svc.Moderate(f.ctx, reviewer, pending[0].ID, news.DecisionPublish, "Cảm ơn bạn, ban biên tập sẽ cập nhật.", link); err != nil {
			t.Fatal(err)
		}
		pub, err := f.svc.PublicFeedback(f.ctx, a.ID)
		if err != nil || len(pub) != 1 || pub[0].Email != "" || pub[0].Phone != "" || pub[0].Address != "" || pub[0].Answer == "" {
			t.Fatalf("public feedback %+v %v", pub, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'dan@example.vn' AND body LIKE ?`, "%"+link+"%"); n != 1 {
			t.Fatalf("sender told %d times", n)
		}
		// Gửi cho bạn bè: at most five, no links in the note, one mail each.
		many := strings.Repeat("ban@example.vn, ", 0)
		for i := 0; i < 50; i++ {
			many += "ban" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.vn, "
		}
		share := news.ShareInput{SenderName: "Lê Văn Dân", SenderEmail: "dan@example.vn", Recipients: many}
		_, err = f.svc.Share(f.ctx, a.Slug, share, link)
		wantKind(t, err, apperr.Invalid, "tối đa 5 người nhận")
		share.Recipients, share.Note = "ban1@example.vn; ban2@example.vn", "Xem thêm tại https://lua-dao.example"
		_, err = f.svc.Share(f.ctx, a.Slug, share, link)
		wantKind(t, err, apperr.Invalid, "không được chứa liên kết")
		outbox := f.count(t, `SELECT COUNT(*) FROM mail_outbox`)
		share.Note = "Bài này hay, bạn đọc nhé."
		if n, err := f.svc.Share(f.ctx, a.Slug, share, link); err != nil || n != 2 {
			t.Fatalf("share: %d %v", n, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM mail_outbox`); n != outbox+2 {
			t.Fatalf("outbox grew by %d", n-outbox)
		}
		var body string
		if err := db.QueryRowContext(f.ctx, `SELECT body FROM mail_outbox WHERE to_addr = 'ban1@example.vn'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, link) || !strings.Contains(body, a.Title) || strings.Contains(body, "<") {
			t.Fatalf("share body %q", body)
		}
	})
}

func mustPending(t *testing.T, f *fix, p *org.Principal) []news.Feedback {
	t.Helper()
	l, err := f.svc.PendingFeedback(f.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
