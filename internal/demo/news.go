package demo

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/news"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

const newsKey = "demo.news"

// DemoAgencyArticle is the address of the first agency's published sample article.
const DemoAgencyArticle = "doi-thoai-nguoi-dung-dau-voi-can-bo-cong-chuc"

// seedArticle is the article danvan comes from, as its committee's news page shows it: the
// date line, the title, the paragraphs, the source line, then the page's own buttons.
//
//go:embed news_seed.txt
var seedArticle string

// SeedArticle is the seed article cut into its parts.
type SeedArticle struct {
	Date       time.Time // 13/5/2024, from its date line
	Title      string
	Body       string // paragraphs, one a line
	SourceLine string
}

// ParseSeedArticle reads the seed: the first line is the date line ("Thứ Hai, 13/5/2024"),
// the second the title, then paragraphs up to the source line ("Theo …"); what follows
// it is the old page's "Gửi cho bạn bè" and "Phản hồi", which the news page provides itself.
func ParseSeedArticle() (SeedArticle, error) {
	lines := strings.Split(strings.ReplaceAll(seedArticle, "\r\n", "\n"), "\n")
	if len(lines) < 3 {
		return SeedArticle{}, fmt.Errorf("demo: seed article too short")
	}
	var s SeedArticle
	_, date, _ := strings.Cut(lines[0], ", ")
	d, err := time.Parse("2/1/2006", strings.TrimSpace(date))
	if err != nil {
		return s, fmt.Errorf("demo: seed article date line %q: %w", lines[0], err)
	}
	// Published in the morning of its day, Vietnam time.
	s.Date = time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, news.Zone())
	s.Title = strings.TrimSpace(lines[1])
	var body []string
	for _, l := range lines[2:] {
		l = strings.TrimSpace(strings.Trim(l, "\u00a0"))
		if strings.HasPrefix(l, "Theo ") {
			s.SourceLine = l
			break
		}
		if l != "" {
			body = append(body, l)
		}
	}
	s.Body = strings.Join(body, "\n")
	return s, nil
}

// News loads the news page: an editor of the Ban Dân vận ("bientap") and the seed article,
// published by the upper committee with its own date and source line.
func News(ctx context.Context, db *sqldb.DB, o *Org) error {
	done, err := Done(ctx, db, newsKey)
	if err != nil || done {
		return err
	}
	fail := func(what string, err error) error { return fmt.Errorf("demo news: %s: %w", what, err) }
	seed, err := ParseSeedArticle()
	if err != nil {
		return err
	}
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "bientap", Password: o.Password, DisplayName: "Biên tập viên Ban Dân vận",
			UnitID: o.Mobilise.ID, Email: "bientap@danvan.local"})
		if err != nil {
			return err
		}
		o.Users["bientap"] = u.ID
		return org.InsertGrant(ctx, tx, u.ID, o.Root, org.RoleEditor)
	})
	if err != nil {
		return fail("editor", err)
	}
	svc := news.NewService(db, nil)
	editor, err := org.LoadPrincipal(ctx, db, o.Users["bientap"])
	if err != nil {
		return fail("editor", err)
	}
	reviewer, err := org.LoadPrincipal(ctx, db, o.Users["canbo"])
	if err != nil {
		return fail("reviewer", err)
	}
	cats, err := svc.Categories(ctx)
	if err != nil || len(cats) == 0 {
		return fail("categories", err)
	}
	ctxE := audit.WithActor(ctx, audit.Actor{UserID: editor.UserID, Name: editor.Name})
	saved, err := svc.Create(ctxE, editor, news.Input{UnitID: o.Root.ID, CategoryID: cats[0].ID, Title: seed.Title, Body: seed.Body,
		SourceLine: seed.SourceLine, Tags: "dân vận chính quyền, cơ quan nhà nước, Nghị quyết 25-NQ/TW"})
	if err != nil {
		return fail("seed article", err)
	}
	if err := svc.PublishAs(audit.WithActor(ctx, audit.Actor{UserID: reviewer.UserID, Name: reviewer.Name}), reviewer, saved.ID, seed.Date); err != nil {
		return fail("publish seed article", err)
	}
	// An agency's own article, published a week ago, with a reader's feedback waiting for
	// moderation, and a draft of the agency's next one.
	stp := o.Agencies[0]
	own, err := svc.Create(ctxE, editor, news.Input{UnitID: stp.Node.ID, CategoryID: cats[1].ID, Slug: DemoAgencyArticle,
		Title: "Hội nghị đối thoại giữa người đứng đầu với cán bộ, công chức năm " + fmt.Sprint(o.CurrentYear),
		Lead:  "Thủ trưởng cơ quan đối thoại trực tiếp, trả lời 12 ý kiến của cán bộ, công chức, người lao động về chế độ làm việc và chính sách.",
		Body: "Thực hiện Luật Thực hiện dân chủ ở cơ sở, cơ quan tổ chức hội nghị đối thoại định kỳ giữa người đứng đầu với cán bộ, công chức, viên chức và người lao động.\n" +
			"Tại hội nghị, 12 ý kiến được nêu về bố trí phòng làm việc, chế độ công tác phí và việc cử đi đào tạo; thủ trưởng cơ quan trả lời trực tiếp 10 ý kiến, 2 ý kiến được giao văn phòng nghiên cứu, trả lời bằng văn bản trong 15 ngày.\n" +
			"Hội nghị thống nhất đưa kết quả đối thoại vào chương trình công tác quý tới và công khai tại trụ sở cơ quan.",
		Tags: "đối thoại, dân chủ ở cơ sở", SourceLine: "Theo Văn phòng " + stp.Node.Name})
	if err != nil {
		return fail("agency article", err)
	}
	if err := svc.PublishAs(audit.WithActor(ctx, audit.Actor{UserID: reviewer.UserID, Name: reviewer.Name}), reviewer, own.ID, db.Now().AddDate(0, 0, -7)); err != nil {
		return fail("publish agency article", err)
	}
	if err := svc.AddFeedback(ctx, DemoAgencyArticle, news.FeedbackInput{Name: "Trần Thị Mai", Email: "mai.tran@example.vn", Phone: "0987 654 321",
		Content: "Đề nghị cơ quan công khai cả thời hạn trả lời 2 ý kiến còn lại để cán bộ tiện theo dõi."}); err != nil {
		return fail("feedback", err)
	}
	if _, err := svc.Create(ctxE, editor, news.Input{UnitID: stp.Node.ID, CategoryID: cats[0].ID, Title: "Sơ kết phong trào thi đua “Dân vận khéo” 6 tháng đầu năm",
		Body: "Bản nháp: số liệu sẽ bổ sung sau khi các chi bộ gửi báo cáo."}); err != nil {
		return fail("agency draft", err)
	}
	return db.Tx(ctx, func(tx *sqldb.Tx) error { return Mark(ctx, tx, newsKey) })
}
