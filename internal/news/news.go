package news

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/attach"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Article states.
const (
	StateDraft       = "draft"       // bản nháp
	StateSubmitted   = "submitted"   // chờ duyệt
	StatePublished   = "published"   // đã đăng (or scheduled, when published_at is still ahead)
	StateUnpublished = "unpublished" // đã gỡ
)

// StateLabel names a state; scheduled is told apart by the caller (Article.StateLabel).
func StateLabel(s string) string {
	switch s {
	case StateDraft:
		return "Bản nháp"
	case StateSubmitted:
		return "Chờ duyệt"
	case StatePublished:
		return "Đã đăng"
	case StateUnpublished:
		return "Đã gỡ"
	}
	return s
}

// Service keeps the articles, categories and feedback.
type Service struct {
	DB    *sqldb.DB
	Files *attach.Store // pictures; nil refuses uploads
	// VersionTTL is how long CurrentVersion keeps what it read (0: one second; negative:
	// not at all, for tests that change the clock).
	VersionTTL time.Duration

	verMu sync.Mutex
	ver   Version
	verAt time.Time
}

// NewService returns the service.
func NewService(db *sqldb.DB, files *attach.Store) *Service { return &Service{DB: db, Files: files} }

// Category is a section of the news page.
type Category struct {
	ID   int64
	Slug string
	Name string
	Seq  int
}

// Article is one article with its category's and unit's names.
type Article struct {
	ID           int64
	Slug         string
	UnitID       int64
	UnitPath     string
	UnitName     string
	CategoryID   int64
	CategorySlug string
	CategoryName string
	Title        string
	Lead         string
	Body         string // sanitised HTML
	Tags         []string
	Author       string
	SourceLine   string
	ImageID      int64
	ImageCaption string
	State        string
	PublishedAt  time.Time
	Remarks      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Scheduled reports whether the article is approved for a time still ahead.
func (a Article) Scheduled(now time.Time) bool {
	return a.State == StatePublished && a.PublishedAt.After(now)
}

// Visible reports whether the public sees the article.
func (a Article) Visible(now time.Time) bool {
	return a.State == StatePublished && !a.PublishedAt.After(now)
}

// StateLabel names the article's state at now.
func (a Article) StateLabel(now time.Time) string {
	if a.Scheduled(now) {
		return "Hẹn giờ đăng"
	}
	return StateLabel(a.State)
}

// Input is what an editor writes. Image, when set, replaces the lead picture.
type Input struct {
	UnitID       int64
	CategoryID   int64
	Slug         string // empty: made from the title
	Title        string
	Lead         string
	Body         string // HTML pasted or typed; sanitised on save
	Tags         string // comma separated
	Author       string
	SourceLine   string
	ImageCaption string
	Image        *attach.Upload
	// CorrectionNote is required to change a published article: it is kept with the
	// article's history of corrections and shown under it.
	CorrectionNote string
}

// Saved is the outcome of a save: the article and what the sanitiser took out of the body.
type Saved struct {
	ID      int64
	Slug    string
	Removed []string
}

const articleCols = `a.id, a.slug, a.unit_id, a.unit_path, u.name, a.category_id, c.slug, c.name, a.title, a.lead, a.body, a.tags, a.author,
	a.source_line, COALESCE(a.image_id, 0), a.image_caption, a.state, a.published_at, a.remarks, a.created_at, a.updated_at`

const articleFrom = ` FROM news_articles a JOIN units u ON u.id = a.unit_id JOIN news_categories c ON c.id = a.category_id`

func scanArticle(sc interface{ Scan(...any) error }) (Article, error) {
	var a Article
	var tags, pub, created, updated string
	err := sc.Scan(&a.ID, &a.Slug, &a.UnitID, &a.UnitPath, &a.UnitName, &a.CategoryID, &a.CategorySlug, &a.CategoryName, &a.Title, &a.Lead, &a.Body,
		&tags, &a.Author, &a.SourceLine, &a.ImageID, &a.ImageCaption, &a.State, &pub, &a.Remarks, &created, &updated)
	a.Tags = splitTags(tags)
	a.PublishedAt, a.CreatedAt, a.UpdatedAt = sqldb.ParseTime(pub), sqldb.ParseTime(created), sqldb.ParseTime(updated)
	return a, err
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify makes an address from a title: folded, words joined by hyphens, at most 100
// characters cut at a word.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range search.Fold(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	s := b.String()
	if len(s) > 100 {
		s = s[:100]
		if i := strings.LastIndexByte(s, '-'); i > 40 {
			s = s[:i]
		}
		s = strings.Trim(s, "-")
	}
	return s
}

func (s *Service) validate(ctx context.Context, q sqldb.Querier, in *Input, v *apperr.Validation) (Sanitized, org.Unit) {
	in.Title, in.Lead, in.Author, in.SourceLine = search.Clean(in.Title), search.Clean(in.Lead), search.Clean(in.Author), search.Clean(in.SourceLine)
	in.ImageCaption, in.CorrectionNote = search.Clean(in.ImageCaption), search.Clean(in.CorrectionNote)
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Title)
	}
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		v.Add("title", "Hãy nhập tiêu đề bài viết.")
	case n > 250:
		v.Add("title", "Tiêu đề dài quá 250 ký tự.")
	}
	if utf8.RuneCountInString(in.Lead) > 1000 {
		v.Add("lead", "Sapo (đoạn mở đầu) dài quá 1.000 ký tự.")
	}
	if in.Slug == "" || !slugRe.MatchString(in.Slug) || len(in.Slug) > 120 {
		v.Add("slug", "Đường dẫn chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ: hoi-nghi-dan-van-2026), tối đa 120 ký tự.")
	}
	clean := Sanitize(in.Body)
	if strings.TrimSpace(PlainText(clean.HTML)) == "" && !strings.Contains(clean.HTML, "<img") {
		v.Add("body", "Hãy nhập nội dung bài viết.")
	} else if len(clean.HTML) > 1<<20 {
		v.Add("body", "Nội dung bài viết dài quá 1 MB.")
	}
	var tags []string
	for _, t := range splitTags(search.Clean(in.Tags)) {
		if utf8.RuneCountInString(t) > 50 {
			v.Add("tags", "Mỗi từ khóa tối đa 50 ký tự.")
		}
		tags = append(tags, t)
	}
	if len(tags) > 10 {
		v.Add("tags", "Tối đa 10 từ khóa.")
	}
	in.Tags = strings.Join(tags, ", ")
	if utf8.RuneCountInString(in.SourceLine) > 250 || utf8.RuneCountInString(in.Author) > 120 || utf8.RuneCountInString(in.ImageCaption) > 500 {
		v.Add("source_line", "Tác giả, nguồn hoặc chú thích ảnh dài quá mức cho phép.")
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_categories WHERE id = ?`, in.CategoryID).Scan(&n); err != nil || n == 0 {
		v.Add("category_id", "Hãy chọn chuyên mục.")
	}
	u, err := org.GetUnit(ctx, q, in.UnitID)
	if err != nil {
		v.Add("unit_id", "Hãy chọn đơn vị đăng tin.")
	}
	return clean, u
}

func slugTaken(slug string) error {
	msg := fmt.Sprintf("Đường dẫn “%s” đã được một bài khác dùng; hãy sửa đường dẫn (ví dụ thêm năm hoặc địa danh).", slug)
	return &apperr.Error{Kind: apperr.Conflict, Op: "news.save", Message: msg, Fields: map[string]string{"slug": msg}}
}

// Create saves a new draft in the editor's unit. Errors: Forbidden, Invalid, Conflict
// (the address is taken).
func (s *Service) Create(ctx context.Context, p *org.Principal, in Input) (Saved, error) {
	const op = "news.Create"
	var out Saved
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		v := apperr.Validation{Op: op}
		clean, u := s.validate(ctx, tx, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		if !p.CanPath(org.EditNews, u.Path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền viết tin cho đơn vị này.")
		}
		if err := s.checkSlug(ctx, tx, in.Slug, 0); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		id, err := tx.InsertID(ctx, `INSERT INTO news_articles (slug, unit_id, unit_path, category_id, title, lead, body, tags, author, source_line, image_caption,
			state, search_fold, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Slug, u.ID, u.Path, in.CategoryID, in.Title, in.Lead, clean.HTML, in.Tags, in.Author, in.SourceLine, in.ImageCaption,
			StateDraft, fold(in, clean.HTML), p.UserID, now, now)
		if sqldb.IsUniqueViolation(err) {
			return slugTaken(in.Slug)
		}
		if err != nil {
			return err
		}
		if err := s.saveImage(ctx, tx, id, in.Image); err != nil {
			return err
		}
		out = Saved{ID: id, Slug: in.Slug, Removed: clean.Removed}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "news_article", EntityID: id, Action: "create",
			Summary: "Viết tin “" + in.Title + "”", After: map[string]any{"slug": in.Slug, "title": in.Title, "removed": clean.Removed}})
	})
	return out, wrapTx(op, err)
}

func wrapTx(op string, err error) error {
	if errors.Is(err, sqldb.ErrDuplicateSubmit) {
		return apperr.New(apperr.Conflict, op, "Biểu mẫu này đã được gửi; bài viết đã được lưu một lần.")
	}
	return apperr.Wrap(op, err)
}

func fold(in Input, body string) string {
	return search.Fold(in.Title + " " + in.Lead + " " + in.Tags + " " + PlainText(body))
}

func (s *Service) checkSlug(ctx context.Context, tx *sqldb.Tx, slug string, self int64) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM news_articles WHERE slug = ?`, slug).Scan(&id)
	if err == nil && id != self {
		return slugTaken(slug)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

// saveImage checks, reduces and re-encodes a picture, stores it and makes it the
// article's lead picture.
func (s *Service) saveImage(ctx context.Context, tx *sqldb.Tx, id int64, up *attach.Upload) error {
	if up == nil || len(up.Data) == 0 {
		return nil
	}
	if s.Files == nil {
		return apperr.New(apperr.Invalid, "news.saveImage", "Máy chủ chưa cấu hình nơi lưu ảnh.")
	}
	data, ext, err := PrepareImage(up.Data)
	if err != nil {
		return err
	}
	f, err := s.Files.Save(ctx, tx, "news", id, attach.Upload{Name: "anh-" + strconv.FormatInt(id, 10) + "." + ext, Data: data}, attach.Images)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE news_articles SET image_id = ? WHERE id = ?`, f.ID, id)
	return err
}

// AddImage stores a picture for use inside the body (<img src="ImagePath(id)">) and
// returns its file id. Errors: Forbidden, NotFound, Invalid.
func (s *Service) AddImage(ctx context.Context, p *org.Principal, articleID int64, up attach.Upload) (int64, error) {
	const op = "news.AddImage"
	var fid int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		a, err := s.get(ctx, tx, articleID)
		if err != nil {
			return err
		}
		if !p.CanPath(org.EditNews, a.UnitPath) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền sửa bài này.")
		}
		data, ext, err := PrepareImage(up.Data)
		if err != nil {
			return err
		}
		f, err := s.Files.Save(ctx, tx, "news", a.ID, attach.Upload{Name: "anh-" + strconv.FormatInt(a.ID, 10) + "." + ext, Data: data}, attach.Images)
		if err != nil {
			return err
		}
		fid = f.ID
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.UnitID, Entity: "news_article", EntityID: a.ID, Action: "image",
			Summary: "Thêm ảnh vào tin “" + a.Title + "”", After: map[string]any{"file": f.ID}})
	})
	return fid, wrapTx(op, err)
}

func (s *Service) get(ctx context.Context, q sqldb.Querier, id int64) (Article, error) {
	a, err := scanArticle(q.QueryRowContext(ctx, `SELECT `+articleCols+articleFrom+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "news.get", "Không tìm thấy bài viết.")
	}
	return a, err
}

// Article returns an article for its editors and reviewers. Errors: NotFound.
func (s *Service) Article(ctx context.Context, p *org.Principal, id int64) (Article, error) {
	a, err := s.get(ctx, s.DB, id)
	if err != nil {
		return a, apperr.Wrap("news.Article", err)
	}
	if !p.CanPath(org.EditNews, a.UnitPath) && !p.CanPath(org.PublishNews, a.UnitPath) {
		return Article{}, apperr.New(apperr.NotFound, "news.Article", "Không tìm thấy bài viết.")
	}
	return a, nil
}

// Update changes an article. A draft, a returned or an unpublished article is changed
// by its editors; a published one only by a reviewer, with a correction note kept in the
// article's history. Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *Service) Update(ctx context.Context, p *org.Principal, id int64, in Input) (Saved, error) {
	const op = "news.Update"
	var out Saved
	defer s.forget()
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		old, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !p.CanPath(org.EditNews, old.UnitPath) && !p.CanPath(org.PublishNews, old.UnitPath) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy bài viết.")
		}
		v := apperr.Validation{Op: op}
		clean, u := s.validate(ctx, tx, &in, &v)
		published := old.State == StatePublished
		if published && in.CorrectionNote == "" {
			v.Add("correction_note", "Bài đã đăng: hãy ghi rõ nội dung đính chính, sửa đổi (được hiển thị dưới bài).")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if published && !p.CanPath(org.PublishNews, old.UnitPath) {
			return apperr.New(apperr.Forbidden, op, "Bài đã đăng chỉ người duyệt tin được đính chính.")
		}
		if !p.CanPath(org.EditNews, u.Path) && !p.CanPath(org.PublishNews, u.Path) {
			return apperr.New(apperr.Forbidden, op, "Bạn không có quyền đăng tin cho đơn vị này.")
		}
		if err := s.checkSlug(ctx, tx, in.Slug, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE news_articles SET slug = ?, unit_id = ?, unit_path = ?, category_id = ?, title = ?, lead = ?, body = ?, tags = ?,
			author = ?, source_line = ?, image_caption = ?, search_fold = ?, updated_at = ? WHERE id = ?`,
			in.Slug, u.ID, u.Path, in.CategoryID, in.Title, in.Lead, clean.HTML, in.Tags, in.Author, in.SourceLine, in.ImageCaption,
			fold(in, clean.HTML), sqldb.FormatTime(tx.Now()), id)
		if sqldb.IsUniqueViolation(err) {
			return slugTaken(in.Slug)
		}
		if err != nil {
			return err
		}
		if err := s.saveImage(ctx, tx, id, in.Image); err != nil {
			return err
		}
		action, summary := "update", "Sửa tin “"+in.Title+"”"
		if published {
			action, summary = "correct", "Đính chính tin “"+in.Title+"”: "+in.CorrectionNote
			if _, err := tx.ExecContext(ctx, `INSERT INTO news_corrections (article_id, note, before_body, by_user, at) VALUES (?, ?, ?, ?, ?)`,
				id, in.CorrectionNote, old.Body, p.UserID, sqldb.FormatTime(tx.Now())); err != nil {
				return err
			}
			if err := bump(ctx, tx); err != nil {
				return err
			}
		}
		out = Saved{ID: id, Slug: in.Slug, Removed: clean.Removed}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "news_article", EntityID: id, Action: action, Summary: summary,
			Before: map[string]any{"slug": old.Slug, "title": old.Title, "body": old.Body}, After: map[string]any{"slug": in.Slug, "title": in.Title, "body": clean.HTML}})
	})
	return out, wrapTx(op, err)
}

// bump changes the version every public page's validator is made from.
func bump(ctx context.Context, tx *sqldb.Tx) error {
	// The Service that called it forgets its kept version when its transaction returns
	// (forget); bump itself only writes.
	_, err := tx.ExecContext(ctx, `UPDATE news_version SET n = n + 1, at = ? WHERE id = 1`, sqldb.FormatTime(tx.Now()))
	return err
}

// transition moves an article from one of the states in from to the state to.
func (s *Service) transition(ctx context.Context, op string, id int64, check func(Article) error, from []string, apply func(tx *sqldb.Tx, a Article) (audit.Entry, error)) error {
	defer s.forget()
	return wrapTx(op, s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		a, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := check(a); err != nil {
			return err
		}
		if !contains(from, a.State) {
			return apperr.New(apperr.Conflict, op, "Bài đang ở trạng thái “"+StateLabel(a.State)+"”, không thực hiện được thao tác này.")
		}
		e, err := apply(tx, a)
		if err != nil {
			return err
		}
		e.UnitID, e.Entity, e.EntityID = a.UnitID, "news_article", a.ID
		e.Before = map[string]any{"state": a.State, "published_at": a.PublishedAt}
		if err := bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, e)
	}))
}

func may(p *org.Principal, a org.Action, op, msg string) func(Article) error {
	return func(x Article) error {
		if p.CanPath(a, x.UnitPath) {
			return nil
		}
		if !p.CanPath(org.EditNews, x.UnitPath) && !p.CanPath(org.PublishNews, x.UnitPath) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy bài viết.")
		}
		return apperr.New(apperr.Forbidden, op, msg)
	}
}

// Submit sends a draft to the reviewers. Errors: NotFound, Forbidden, Conflict.
func (s *Service) Submit(ctx context.Context, p *org.Principal, id int64) error {
	const op = "news.Submit"
	return s.transition(ctx, op, id, may(p, org.EditNews, op, "Bạn không có quyền gửi duyệt bài này."), []string{StateDraft, StateUnpublished},
		func(tx *sqldb.Tx, a Article) (audit.Entry, error) {
			_, err := tx.ExecContext(ctx, `UPDATE news_articles SET state = ?, updated_at = ? WHERE id = ?`, StateSubmitted, sqldb.FormatTime(tx.Now()), id)
			return audit.Entry{Action: "submit", Summary: "Gửi duyệt tin “" + a.Title + "”", After: map[string]any{"state": StateSubmitted}}, err
		})
}

// Approve publishes a submitted article now (at zero or past) or at a set time, with the
// reviewer's remarks. Errors: NotFound, Forbidden, Conflict, Invalid.
func (s *Service) Approve(ctx context.Context, p *org.Principal, id int64, at time.Time, remarks string) error {
	const op = "news.Approve"
	remarks = search.Clean(remarks)
	return s.transition(ctx, op, id, may(p, org.PublishNews, op, "Bạn không có quyền duyệt tin của đơn vị này."), []string{StateSubmitted},
		func(tx *sqldb.Tx, a Article) (audit.Entry, error) {
			now := tx.Now()
			if at.IsZero() || at.Before(now) {
				at = now
			}
			if at.After(now.AddDate(1, 0, 0)) {
				return audit.Entry{}, &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Thời điểm đăng không quá một năm kể từ hôm nay.", Fields: map[string]string{"publish_at": "Thời điểm đăng không quá một năm kể từ hôm nay."}}
			}
			_, err := tx.ExecContext(ctx, `UPDATE news_articles SET state = ?, published_at = ?, remarks = ?, updated_at = ? WHERE id = ?`,
				StatePublished, sqldb.FormatTime(at), remarks, sqldb.FormatTime(now), id)
			summary := "Duyệt và đăng tin “" + a.Title + "”"
			if at.After(now) {
				summary = "Duyệt tin “" + a.Title + "”, hẹn đăng lúc " + at.In(vnZone).Format("15:04 02/01/2006")
			}
			return audit.Entry{Action: "approve", Summary: summary, After: map[string]any{"state": StatePublished, "published_at": sqldb.FormatTime(at), "remarks": remarks}}, err
		})
}

// PublishAs publishes an article at a given past date, as the sample data and imports of
// an older site's articles need (the seed article keeps its own date). Same rights as Approve.
func (s *Service) PublishAs(ctx context.Context, p *org.Principal, id int64, at time.Time) error {
	const op = "news.PublishAs"
	return s.transition(ctx, op, id, may(p, org.PublishNews, op, "Bạn không có quyền duyệt tin của đơn vị này."), []string{StateDraft, StateSubmitted},
		func(tx *sqldb.Tx, a Article) (audit.Entry, error) {
			_, err := tx.ExecContext(ctx, `UPDATE news_articles SET state = ?, published_at = ?, updated_at = ? WHERE id = ?`,
				StatePublished, sqldb.FormatTime(at), sqldb.FormatTime(tx.Now()), id)
			return audit.Entry{Action: "approve", Summary: "Đăng tin “" + a.Title + "” với ngày " + at.In(vnZone).Format("02/01/2006"),
				After: map[string]any{"state": StatePublished, "published_at": sqldb.FormatTime(at)}}, err
		})
}

// Return sends a submitted article back to its editors with the reviewer's remarks.
// Errors: NotFound, Forbidden, Conflict, Invalid.
func (s *Service) Return(ctx context.Context, p *org.Principal, id int64, remarks string) error {
	const op = "news.Return"
	remarks = search.Clean(remarks)
	if remarks == "" {
		return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Hãy ghi ý kiến của người duyệt để người viết sửa.", Fields: map[string]string{"remarks": "Hãy ghi ý kiến của người duyệt để người viết sửa."}}
	}
	return s.transition(ctx, op, id, may(p, org.PublishNews, op, "Bạn không có quyền duyệt tin của đơn vị này."), []string{StateSubmitted},
		func(tx *sqldb.Tx, a Article) (audit.Entry, error) {
			_, err := tx.ExecContext(ctx, `UPDATE news_articles SET state = ?, remarks = ?, updated_at = ? WHERE id = ?`, StateDraft, remarks, sqldb.FormatTime(tx.Now()), id)
			return audit.Entry{Action: "return", Summary: "Trả lại tin “" + a.Title + "”: " + remarks, After: map[string]any{"state": StateDraft, "remarks": remarks}}, err
		})
}

// Unpublish takes a published (or scheduled) article down, with the reason. Errors:
// NotFound, Forbidden, Conflict.
func (s *Service) Unpublish(ctx context.Context, p *org.Principal, id int64, remarks string) error {
	const op = "news.Unpublish"
	remarks = search.Clean(remarks)
	return s.transition(ctx, op, id, may(p, org.PublishNews, op, "Bạn không có quyền gỡ tin của đơn vị này."), []string{StatePublished},
		func(tx *sqldb.Tx, a Article) (audit.Entry, error) {
			_, err := tx.ExecContext(ctx, `UPDATE news_articles SET state = ?, remarks = ?, updated_at = ? WHERE id = ?`, StateUnpublished, remarks, sqldb.FormatTime(tx.Now()), id)
			return audit.Entry{Action: "unpublish", Summary: "Gỡ tin “" + a.Title + "”: " + remarks, After: map[string]any{"state": StateUnpublished, "remarks": remarks}}, err
		})
}

// Filter selects articles for the editors' list.
type Filter struct {
	State    string // "" for all
	BeforeID int64  // keyset paging, newest first
	Limit    int
}

// Find lists the articles of the caller's subtrees (where they write or review).
func (s *Service) Find(ctx context.Context, p *org.Principal, f Filter) ([]Article, int64, error) {
	paths := append(p.Scope(org.EditNews).Paths, p.Scope(org.PublishNews).Paths...)
	cond, args := org.Scope{Paths: paths}.SQL("a.unit_path")
	where := []string{cond}
	if f.State != "" {
		where, args = append(where, "a.state = ?"), append(args, f.State)
	}
	if f.BeforeID > 0 {
		where, args = append(where, "a.id < ?"), append(args, f.BeforeID)
	}
	return s.list(ctx, `SELECT `+articleCols+articleFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY a.id DESC`, args, f.Limit)
}

func (s *Service) list(ctx context.Context, q string, args []any, limit int) ([]Article, int64, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := s.DB.QueryContext(ctx, q+` LIMIT `+strconv.Itoa(limit+1), args...)
	if err != nil {
		return nil, 0, apperr.Wrap("news.list", err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, 0, apperr.Wrap("news.list", err)
		}
		out = append(out, a)
	}
	var next int64
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, apperr.Wrap("news.list", rows.Err())
}

// vnZone is the time zone of every date shown (Asia/Ho_Chi_Minh, no daylight saving).
var vnZone = time.FixedZone("ICT", 7*3600)

// Zone returns the time zone dates are shown in.
func Zone() *time.Location { return vnZone }
