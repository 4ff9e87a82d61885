// Package newsgen fills a generated organisation (package gen) with published news
// articles for the performance figures of the news page (`danvan gen --articles N`):
// five years of articles by the committees and agencies, in the four categories, each
// with a title, a lead and a body of a few paragraphs in Vietnamese, tags and a source
// line, so the public pages, feeds, sitemap and search read a real-sized table.
package newsgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Generator returns the generator of n articles (0: none).
func Generator(n int) gen.Generator {
	return func(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
		return generate(ctx, db, s, o, n)
	}
}

var articleCols = []string{"id", "slug", "unit_id", "unit_path", "category_id", "title", "lead", "body", "tags", "author",
	"source_line", "image_caption", "state", "published_at", "remarks", "search_fold", "created_at", "updated_at"}

// Pieces the articles are made of: what a committee's news page reports.
var (
	genEvents = []string{"Hội nghị sơ kết công tác dân vận", "Tập huấn nghiệp vụ công tác dân vận", "Ra mắt mô hình \"Dân vận khéo\"",
		"Hội nghị cán bộ, công chức, viên chức", "Đối thoại với đoàn viên công đoàn", "Kiểm tra việc thực hiện quy chế dân chủ",
		"Tổng kết phong trào thi đua", "Giao ban khối dân vận", "Học tập, quán triệt nghị quyết", "Lấy ý kiến góp ý dự thảo"}
	genTopics = []string{"cải cách hành chính", "chuyển đổi số", "xây dựng cơ quan văn hóa", "phòng, chống lãng phí",
		"giải quyết đơn thư", "an sinh xã hội", "thực hành tiết kiệm", "nâng cao chất lượng phục vụ nhân dân"}
	genParagraphs = []string{
		"Hội nghị đã đánh giá kết quả thực hiện nhiệm vụ, chỉ ra những hạn chế, nguyên nhân và đề ra giải pháp cho thời gian tới.",
		"Các đại biểu tập trung thảo luận, làm rõ trách nhiệm của người đứng đầu trong việc phát huy quyền làm chủ của cán bộ, công chức.",
		"Cấp ủy yêu cầu các chi bộ gắn công tác dân vận với nhiệm vụ chuyên môn, rõ người, rõ việc, rõ trách nhiệm.",
		"Nhiều mô hình hay, cách làm sáng tạo được nhân rộng, góp phần nâng cao chất lượng phục vụ người dân và doanh nghiệp.",
		"Ban Chấp hành công đoàn phối hợp với thủ trưởng cơ quan tổ chức lấy ý kiến đoàn viên trước khi ban hành quy chế.",
		"Các kiến nghị của người dân được tiếp nhận, phân loại và trả lời đúng thời hạn theo quy định của pháp luật.",
	}
	genCategories = []string{"dan-van", "dan-chu-co-so", "dan-van-kheo", "thong-bao"}
)

func generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options, n int) error {
	units := append(append(append([]gen.UnitRef{}, s.Units[org.KindUpperCommittee]...), s.Units[org.KindBaseCommittee]...), s.Units[org.KindAgency]...)
	if n <= 0 || len(units) == 0 {
		return nil
	}
	start := time.Now()
	names := map[int64]string{}
	nrows, err := db.QueryContext(ctx, `SELECT id, name FROM units WHERE kind IN (?, ?, ?)`, string(org.KindUpperCommittee), string(org.KindBaseCommittee), string(org.KindAgency))
	if err != nil {
		return apperr.Wrap("newsgen", err)
	}
	for nrows.Next() {
		var id int64
		var name string
		if err := nrows.Scan(&id, &name); err != nil {
			nrows.Close()
			return apperr.Wrap("newsgen", err)
		}
		names[id] = name
	}
	nrows.Close()
	cats := map[string]int64{}
	rows, err := db.QueryContext(ctx, `SELECT id, slug FROM news_categories`)
	if err != nil {
		return apperr.Wrap("newsgen", err)
	}
	for rows.Next() {
		var id int64
		var slug string
		if err := rows.Scan(&id, &slug); err != nil {
			rows.Close()
			return apperr.Wrap("newsgen", err)
		}
		cats[slug] = id
	}
	rows.Close()
	var first int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM news_articles`).Scan(&first); err != nil {
		return apperr.Wrap("newsgen", err)
	}
	w, err := gen.NewWriter(ctx, db, o.BatchRows, gen.Table{Name: "news_articles", Cols: articleCols})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(o.Seed+12, o.Seed^0x9e3779b9))
	now := db.Now()
	span := 5 * 365 * 24 * time.Hour
	for i := 1; i <= n; i++ {
		id := first + int64(i)
		u := units[r.IntN(len(units))]
		ev, topic := genEvents[r.IntN(len(genEvents))], genTopics[r.IntN(len(genTopics))]
		// Oldest first, so ids and publication times rise together as in real use.
		at := now.Add(-span + time.Duration(float64(span)*float64(i)/float64(n+1))).Truncate(time.Minute)
		title := fmt.Sprintf("%s gắn với %s (%d)", ev, topic, id)
		lead := fmt.Sprintf("Ngày %s, %s tổ chức %s, tập trung vào %s.", at.Format("02/01/2006"), names[u.ID], strings.ToLower(ev), topic)
		var body strings.Builder
		var plain strings.Builder
		for p := 0; p < 3+r.IntN(3); p++ {
			para := genParagraphs[r.IntN(len(genParagraphs))]
			body.WriteString("<p>" + para + "</p>")
			plain.WriteString(para + " ")
		}
		tags := "dân vận, " + topic
		stamp := sqldb.FormatTime(at)
		cat := cats[genCategories[r.IntN(len(genCategories))]]
		if err := w.Add(ctx, "news_articles", id, fmt.Sprintf("bai-sinh-%d", id), u.ID, u.Path, cat, title, lead, body.String(), tags,
			"Ban Tuyên giáo và Dân vận", "Theo Trang tin "+names[u.ID], "", "published", stamp, "",
			search.Fold(title+" "+lead+" "+tags+" "+plain.String()), stamp, stamp); err != nil {
			w.Abort()
			return err
		}
	}
	if err := w.Close(ctx); err != nil {
		return err
	}
	if err := gen.ResetSequences(ctx, db, "news_articles"); err != nil {
		return err
	}
	// The public pages' caches and ETags follow the news version: a generation is a change.
	if _, err := db.ExecContext(ctx, `UPDATE news_version SET n = n + 1, at = ? WHERE id = 1`, sqldb.FormatTime(now)); err != nil {
		return apperr.Wrap("newsgen", err)
	}
	if o.Log != nil {
		fmt.Fprintf(o.Log, "gen: %d bài tin trong %s\n", n, time.Since(start).Round(time.Millisecond))
	}
	return nil
}
