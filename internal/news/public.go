package news

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// visible is the condition of what the public sees.
const visible = `a.state = 'published' AND a.published_at <= ?`

// Published returns a visible article by its address. Errors: NotFound.
func (s *Service) Published(ctx context.Context, slug string) (Article, error) {
	a, err := scanArticle(s.DB.QueryRowContext(ctx, `SELECT `+articleCols+articleFrom+` WHERE a.slug = ? AND `+visible, slug, sqldb.FormatTime(s.DB.Now())))
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "news.Published", "Không tìm thấy bài viết, hoặc bài đã được gỡ.")
	}
	return a, apperr.Wrap("news.Published", err)
}

// PublicFilter selects visible articles, newest first, by keyset (Before is the cursor of
// the last article of the previous page).
type PublicFilter struct {
	Category string // category slug
	Query    string // words, with or without diacritics
	Before   string
	Limit    int
}

// Cursor is an article's place in the newest-first order.
func (a Article) Cursor() string {
	return sqldb.FormatTime(a.PublishedAt) + "_" + strconv.FormatInt(a.ID, 10)
}

// Latest lists visible articles and the cursor of the next page ("" when none).
func (s *Service) Latest(ctx context.Context, f PublicFilter) ([]Article, string, error) {
	where, args := []string{visible}, []any{sqldb.FormatTime(s.DB.Now())}
	if f.Category != "" {
		// By id, so the walk is the category index newest first (a condition on the
		// joined category's slug made SQLite scan every article: 220 ms at 200.000).
		where, args = append(where, "a.category_id = (SELECT id FROM news_categories WHERE slug = ?)"), append(args, f.Category)
	}
	if pat := search.LikePattern(f.Query); pat != "" {
		where, args = append(where, `a.search_fold LIKE ? ESCAPE '\'`), append(args, pat)
		cond, err := s.rareWords(ctx, f.Query)
		if err != nil {
			return nil, "", err
		}
		if cond != "" {
			where = append(where, cond)
		}
	}
	if at, id, ok := strings.Cut(f.Before, "_"); ok {
		n, _ := strconv.ParseInt(id, 10, 64)
		where, args = append(where, "(a.published_at < ? OR (a.published_at = ? AND a.id < ?))"), append(args, at, at, n)
	}
	limit := f.Limit
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	list, _, err := s.list(ctx, `SELECT `+articleCols+articleFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY a.published_at DESC, a.id DESC`, args, limit)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) == limit {
		// list trims the extra row; ask whether one more exists with the same cursor.
		more, _, err := s.list(ctx, `SELECT `+articleCols+articleFrom+` WHERE `+strings.Join(append(where, "(a.published_at < ? OR (a.published_at = ? AND a.id < ?))"), " AND ")+` ORDER BY a.published_at DESC, a.id DESC`,
			append(args, sqldb.FormatTime(list[limit-1].PublishedAt), sqldb.FormatTime(list[limit-1].PublishedAt), list[limit-1].ID), 1)
		if err != nil {
			return nil, "", err
		}
		if len(more) > 0 {
			next = list[limit-1].Cursor()
		}
	}
	return list, next, nil
}

// rareWordLimit is where a query stops counting as rare: below it the search reads only
// the articles the word index names; at or above it, the newest-first walk meets a page of
// matches within a few hundred articles.
const rareWordLimit = 2000

// rareWords asks the word index (migration 0601) for the articles holding the words of
// the query, and returns a condition limiting the search to
// them when they are fewer than rareWordLimit, or "" to let the newest-first walk answer.
// The LIKE stays in the query, so a result always holds the words in order.
func (s *Service) rareWords(ctx context.Context, query string) (string, error) {
	var words []string
	for _, w := range strings.Fields(search.Fold(query)) {
		w = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && unicode.IsLetter(r) {
				return r
			}
			return -1
		}, w)
		if w != "" {
			words = append(words, w)
		}
	}
	// Whole words, and the last one from its beginning (it may still be being typed): a
	// short prefix stands for thousands of words and makes the index slower than the walk
	// ("dan"* "van"*: 250 ms at 1.000.000 articles; "dan" "van"*: 50 ms), so a last word
	// under three letters is left to the LIKE alone.
	last := words[len(words)-1]
	words = words[:len(words)-1]
	if utf8.RuneCountInString(last) >= 3 {
		words = append(words, last+"*")
	}
	if len(words) == 0 {
		return "", nil
	}
	var q, expr string
	if s.DB.Dialect() == sqldb.SQLite {
		terms := make([]string, len(words))
		for i, w := range words {
			if p, ok := strings.CutSuffix(w, "*"); ok {
				terms[i] = `"` + p + `"*`
			} else {
				terms[i] = `"` + w + `"`
			}
		}
		q, expr = `SELECT rowid FROM news_articles_fts WHERE news_articles_fts MATCH ? LIMIT `+strconv.Itoa(rareWordLimit), strings.Join(terms, " ")
	} else {
		terms := make([]string, len(words))
		for i, w := range words {
			if p, ok := strings.CutSuffix(w, "*"); ok {
				terms[i] = p + ":*"
			} else {
				terms[i] = w
			}
		}
		q, expr = `SELECT id FROM news_articles WHERE to_tsvector('simple', search_fold) @@ to_tsquery('simple', ?) LIMIT `+strconv.Itoa(rareWordLimit), strings.Join(terms, " & ")
	}
	rows, err := s.DB.QueryContext(ctx, q, expr)
	if err != nil {
		return "", apperr.Wrap("news.rareWords", err)
	}
	defer rows.Close()
	ids := make([]string, 0, 64)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", apperr.Wrap("news.rareWords", err)
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if err := rows.Err(); err != nil || len(ids) >= rareWordLimit {
		return "", apperr.Wrap("news.rareWords", err)
	}
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	return "a.id IN (" + strings.Join(ids, ",") + ")", nil // integers read from the database, not input
}

// Related lists up to n other visible articles of the same category, newest first.
func (s *Service) Related(ctx context.Context, a Article, n int) ([]Article, error) {
	list, _, err := s.list(ctx, `SELECT `+articleCols+articleFrom+` WHERE `+visible+` AND a.category_id = ? AND a.id <> ? ORDER BY a.published_at DESC, a.id DESC`,
		[]any{sqldb.FormatTime(s.DB.Now()), a.CategoryID, a.ID}, n)
	return list, err
}

// Version is what the public pages' validators are made of: a counter bumped by every
// change shown in public, and the newest visible publication (which moves by itself when
// a scheduled article's time comes). Modified is for Last-Modified.
type Version struct {
	N        int64
	Newest   time.Time
	Modified time.Time
}

// Tag is an ETag value.
func (v Version) Tag() string {
	return fmt.Sprintf(`"n%d-%d"`, v.N, v.Newest.Unix())
}

// CurrentVersion returns the version: two indexed single-row reads, kept for VersionTTL
// (default one second) so that a busy public page does not read it per request. A change
// made through this Service forgets it at once; other instances see it within the TTL.
func (s *Service) CurrentVersion(ctx context.Context) (Version, error) {
	ttl := s.VersionTTL
	if ttl == 0 {
		ttl = time.Second
	}
	s.verMu.Lock()
	v, at := s.ver, s.verAt
	s.verMu.Unlock()
	if !at.IsZero() && time.Since(at) < ttl {
		return v, nil
	}
	v, err := s.readVersion(ctx)
	if err == nil {
		s.verMu.Lock()
		s.ver, s.verAt = v, time.Now()
		s.verMu.Unlock()
	}
	return v, err
}

// forget drops the kept version after a change.
func (s *Service) forget() {
	s.verMu.Lock()
	s.verAt = time.Time{}
	s.verMu.Unlock()
}

func (s *Service) readVersion(ctx context.Context) (Version, error) {
	var v Version
	var newest sql.NullString
	var at string
	if err := s.DB.QueryRowContext(ctx, `SELECT n, at FROM news_version WHERE id = 1`).Scan(&v.N, &at); err != nil {
		return v, apperr.Wrap("news.CurrentVersion", err)
	}
	err := s.DB.QueryRowContext(ctx, `SELECT MAX(a.published_at) FROM news_articles a WHERE `+visible, sqldb.FormatTime(s.DB.Now())).Scan(&newest)
	if err != nil {
		return v, apperr.Wrap("news.CurrentVersion", err)
	}
	v.Newest = sqldb.ParseTime(newest.String)
	v.Modified = v.Newest
	if t := sqldb.ParseTime(at); t.After(v.Modified) {
		v.Modified = t
	}
	return v, nil
}

// Categories lists the categories in the home page's order.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, slug, name, seq FROM news_categories ORDER BY seq, id`)
	if err != nil {
		return nil, apperr.Wrap("news.Categories", err)
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name, &c.Seq); err != nil {
			return nil, apperr.Wrap("news.Categories", err)
		}
		out = append(out, c)
	}
	return out, apperr.Wrap("news.Categories", rows.Err())
}

// siteReviewer reports whether p reviews news for a whole tree (a grant on a root unit):
// the categories are the portal's, shared by every unit.
func siteReviewer(p *org.Principal) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if org.RoleAllows(g.Role, org.PublishNews) && strings.Count(g.UnitPath, "/") == 2 {
			return true
		}
	}
	return false
}

// CanManageCategories reports whether p may change the categories and their order.
func CanManageCategories(p *org.Principal) bool { return siteReviewer(p) }

// SaveCategory adds (ID 0) or changes a category: its name, address and place in the
// order. Errors: Forbidden, Invalid, Conflict.
func (s *Service) SaveCategory(ctx context.Context, p *org.Principal, c Category) (int64, error) {
	const op = "news.SaveCategory"
	if !siteReviewer(p) {
		return 0, apperr.New(apperr.Forbidden, op, "Chỉ người duyệt tin cấp trên cùng quản lý chuyên mục.")
	}
	v := apperr.Validation{Op: op}
	c.Name = search.Clean(c.Name)
	if c.Slug = strings.TrimSpace(c.Slug); c.Slug == "" {
		c.Slug = Slugify(c.Name)
	}
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		v.Add("name", "Hãy nhập tên chuyên mục (tối đa 100 ký tự).")
	}
	if !slugRe.MatchString(c.Slug) || len(c.Slug) > 60 {
		v.Add("slug", "Đường dẫn chuyên mục chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang.")
	}
	if c.Seq < 0 || c.Seq > 1000 {
		v.Add("seq", "Thứ tự phải từ 0 đến 1.000.")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	id := c.ID
	defer s.forget()
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if id == 0 {
			id, err = tx.InsertID(ctx, `INSERT INTO news_categories (slug, name, seq, created_at) VALUES (?, ?, ?, ?) RETURNING id`, c.Slug, c.Name, c.Seq, sqldb.FormatTime(tx.Now()))
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE news_categories SET slug = ?, name = ?, seq = ? WHERE id = ?`, c.Slug, c.Name, c.Seq, id)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return apperr.New(apperr.NotFound, op, "Không tìm thấy chuyên mục.")
				}
			}
		}
		if sqldb.IsUniqueViolation(err) {
			msg := "Đường dẫn “" + c.Slug + "” đã có chuyên mục khác dùng."
			return &apperr.Error{Kind: apperr.Conflict, Op: op, Message: msg, Fields: map[string]string{"slug": msg}}
		}
		if err != nil {
			return err
		}
		if err := bump(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Entity: "news_category", EntityID: id, Action: "save", Summary: "Lưu chuyên mục tin “" + c.Name + "”", After: c})
	})
	return id, wrapTx(op, err)
}

// Correction is one entry of a published article's history of corrections.
type Correction struct {
	Note string
	At   time.Time
}

// Corrections lists an article's corrections, oldest first.
func (s *Service) Corrections(ctx context.Context, articleID int64) ([]Correction, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT note, at FROM news_corrections WHERE article_id = ? ORDER BY id`, articleID)
	if err != nil {
		return nil, apperr.Wrap("news.Corrections", err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		var at string
		if err := rows.Scan(&c.Note, &at); err != nil {
			return nil, apperr.Wrap("news.Corrections", err)
		}
		c.At = sqldb.ParseTime(at)
		out = append(out, c)
	}
	return out, apperr.Wrap("news.Corrections", rows.Err())
}

// Feedback states.
const (
	FeedbackPending   = "pending"
	FeedbackPublished = "published"
	FeedbackRejected  = "rejected"
)

// FeedbackInput is a reader's feedback (phản hồi) with their details.
type FeedbackInput struct {
	Name, Email, Address, Phone, Content string
}

// Feedback is a reader's feedback. The contact details are for the editors only: the
// public page shows Name and the content.
type Feedback struct {
	ID           int64
	ArticleID    int64
	ArticleTitle string
	ArticleSlug  string
	Name         string
	Email        string
	Address      string
	Phone        string
	Content      string
	State        string
	Answer       string
	CreatedAt    time.Time
	ModeratedAt  time.Time
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && !strings.ContainsAny(s, "\r\n<>")
}

// AddFeedback records a reader's feedback on a visible article, held for moderation.
// Errors: NotFound, Invalid.
func (s *Service) AddFeedback(ctx context.Context, slug string, in FeedbackInput) error {
	const op = "news.AddFeedback"
	in.Name, in.Email, in.Address, in.Phone, in.Content = search.Clean(in.Name), strings.TrimSpace(in.Email), search.Clean(in.Address), search.Clean(in.Phone), search.Clean(in.Content)
	v := apperr.Validation{Op: op}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 100 {
		v.Add("name", "Hãy nhập họ và tên (tối đa 100 ký tự).")
	}
	if !validEmail(in.Email) {
		v.Add("email", "Địa chỉ thư điện tử không hợp lệ (ví dụ: ten@example.vn).")
	}
	if utf8.RuneCountInString(in.Address) > 250 {
		v.Add("address", "Địa chỉ dài quá 250 ký tự.")
	}
	if in.Phone != "" && !phoneOK(in.Phone) {
		v.Add("phone", "Số điện thoại chỉ gồm chữ số, dấu cách, dấu + hoặc -, từ 8 đến 15 chữ số.")
	}
	switch n := utf8.RuneCountInString(in.Content); {
	case n < 5:
		v.Add("content", "Hãy nhập nội dung phản hồi.")
	case n > 3000:
		v.Add("content", "Nội dung phản hồi dài quá 3.000 ký tự.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	a, err := s.Published(ctx, slug)
	if err != nil {
		return err
	}
	return wrapTx(op, s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		// The same feedback sent twice (a double tap, a reload of the POST) is kept once:
		// the article's page carries no one-time token, as it is cached for everyone.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM news_feedback WHERE article_id = ? AND email = ? AND content = ?`, a.ID, in.Email, in.Content).Scan(&n); err != nil || n > 0 {
			return err
		}
		id, err := tx.InsertID(ctx, `INSERT INTO news_feedback (article_id, unit_path, name, email, address, phone, content, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			a.ID, a.UnitPath, in.Name, in.Email, in.Address, in.Phone, in.Content, FeedbackPending, sqldb.FormatTime(tx.Now()))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.UnitID, Entity: "news_feedback", EntityID: id, Action: "create", Summary: "Bạn đọc " + in.Name + " gửi phản hồi về tin “" + a.Title + "”"})
	}))
}

func phoneOK(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '-' || r == '.':
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}

const feedbackCols = `f.id, f.article_id, a.title, a.slug, f.name, f.email, f.address, f.phone, f.content, f.state, f.answer, f.created_at, f.moderated_at`

func (s *Service) feedback(ctx context.Context, q string, args ...any) ([]Feedback, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+feedbackCols+` FROM news_feedback f JOIN news_articles a ON a.id = f.article_id WHERE `+q, args...)
	if err != nil {
		return nil, apperr.Wrap("news.feedback", err)
	}
	defer rows.Close()
	var out []Feedback
	for rows.Next() {
		var f Feedback
		var created, moderated string
		if err := rows.Scan(&f.ID, &f.ArticleID, &f.ArticleTitle, &f.ArticleSlug, &f.Name, &f.Email, &f.Address, &f.Phone, &f.Content, &f.State, &f.Answer, &created, &moderated); err != nil {
			return nil, apperr.Wrap("news.feedback", err)
		}
		f.CreatedAt, f.ModeratedAt = sqldb.ParseTime(created), sqldb.ParseTime(moderated)
		out = append(out, f)
	}
	return out, apperr.Wrap("news.feedback", rows.Err())
}

// PublicFeedback lists an article's published feedback, oldest first, without the
// senders' contact details.
func (s *Service) PublicFeedback(ctx context.Context, articleID int64) ([]Feedback, error) {
	list, err := s.feedback(ctx, `f.article_id = ? AND f.state = ? ORDER BY f.id LIMIT 200`, articleID, FeedbackPublished)
	for i := range list {
		list[i].Email, list[i].Address, list[i].Phone = "", "", ""
	}
	return list, err
}

// PendingFeedback lists the feedback waiting for moderation in p's review scope.
func (s *Service) PendingFeedback(ctx context.Context, p *org.Principal) ([]Feedback, error) {
	cond, args := p.Scope(org.PublishNews).SQL("f.unit_path")
	return s.feedback(ctx, cond+` AND f.state = ? ORDER BY f.id LIMIT 100`, append(args, FeedbackPending)...)
}

// Decision is an editor's choice on a reader's feedback: the moderation form's two buttons.
type Decision string

const (
	DecisionPublish Decision = "publish" // publish it (with the answer, if any)
	DecisionReject  Decision = "reject"  // do not publish it
)

// Moderate publishes (with an optional answer), answers an already published feedback, or
// rejects it. The sender is told by mail when it is published or answered, never when it
// is rejected (a rejection is not a conversation). link is the article's absolute address.
// Errors: NotFound, Forbidden, Invalid, Conflict.
func (s *Service) Moderate(ctx context.Context, p *org.Principal, id int64, decision Decision, answer, link string) error {
	const op = "news.Moderate"
	publish := decision == DecisionPublish
	answer = search.Clean(answer)
	if utf8.RuneCountInString(answer) > 3000 {
		return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Câu trả lời dài quá 3.000 ký tự.", Fields: map[string]string{"answer": "Câu trả lời dài quá 3.000 ký tự."}}
	}
	defer s.forget()
	return wrapTx(op, s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var f Feedback
		var path string
		var unitID int64
		err := tx.QueryRowContext(ctx, `SELECT f.id, f.name, f.email, f.state, f.answer, a.title, f.unit_path, a.unit_id FROM news_feedback f JOIN news_articles a ON a.id = f.article_id WHERE f.id = ?`, id).
			Scan(&f.ID, &f.Name, &f.Email, &f.State, &f.Answer, &f.ArticleTitle, &path, &unitID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !p.CanPath(org.PublishNews, path)) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy phản hồi.")
		}
		if err != nil {
			return err
		}
		if decision != DecisionPublish && decision != DecisionReject {
			return apperr.New(apperr.Invalid, op, "Hãy chọn \"Đăng\" hoặc \"Không đăng\" cho phản hồi này.")
		}
		state, action, summary := FeedbackPublished, "publish", "Đăng phản hồi của "+f.Name
		switch {
		case !publish && f.State == FeedbackPending:
			state, action, summary = FeedbackRejected, "reject", "Không đăng phản hồi của "+f.Name
		case !publish:
			return apperr.New(apperr.Conflict, op, "Phản hồi đã được xử lý.")
		case f.State == FeedbackRejected:
			return apperr.New(apperr.Conflict, op, "Phản hồi đã bị từ chối, không đăng được.")
		case f.State == FeedbackPublished && answer == "":
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Hãy nhập câu trả lời.", Fields: map[string]string{"answer": "Hãy nhập câu trả lời."}}
		}
		if answer == "" {
			answer = f.Answer
		}
		if _, err := tx.ExecContext(ctx, `UPDATE news_feedback SET state = ?, answer = ?, moderated_by = ?, moderated_at = ? WHERE id = ?`,
			state, answer, p.UserID, sqldb.FormatTime(tx.Now()), id); err != nil {
			return err
		}
		if state == FeedbackPublished {
			subject := "Phản hồi của bạn về bài “" + f.ArticleTitle + "” đã được đăng"
			body := "Chào " + f.Name + ",\n\nPhản hồi của bạn về bài “" + f.ArticleTitle + "” đã được đăng"
			if answer != "" && answer != f.Answer {
				subject = "Phản hồi của bạn về bài “" + f.ArticleTitle + "” đã được trả lời"
				body += " và được ban biên tập trả lời"
			}
			body += ". Xem tại:\n" + link + "#phan-hoi\n\nThư này được gửi tự động; xin đừng trả lời thư."
			if err := notify.Enqueue(ctx, tx, notify.Mail{To: f.Email, Subject: subject, Body: body,
				DedupeKey: "news-feedback-" + strconv.FormatInt(id, 10) + "-" + strconv.Itoa(len(answer)) + "-" + state}); err != nil {
				return err
			}
			if err := bump(ctx, tx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "news_feedback", EntityID: id, Action: action, Summary: summary,
			Before: map[string]any{"state": f.State, "answer": f.Answer}, After: map[string]any{"state": state, "answer": answer}})
	}))
}

// MaxRecipients bounds "Gửi cho bạn bè": a few friends, never a mailing list.
const MaxRecipients = 5

// ShareInput is the "Gửi cho bạn bè" form.
type ShareInput struct {
	SenderName  string
	SenderEmail string
	Recipients  string // separated by commas, semicolons or new lines
	Note        string
}

// Share sends an article's title and link to up to MaxRecipients friends through the
// outbox. The mail says who sent it and carries the sender's short note as plain text,
// nothing else: a note may hold no link and no markup, so the form cannot be used to
// send arbitrary content to strangers. Returns how many mails were queued. link is the
// article's absolute address. Errors: NotFound, Invalid.
func (s *Service) Share(ctx context.Context, slug string, in ShareInput, link string) (int, error) {
	const op = "news.Share"
	in.SenderName, in.SenderEmail, in.Note = search.Clean(in.SenderName), strings.TrimSpace(in.SenderEmail), search.Clean(in.Note)
	v := apperr.Validation{Op: op}
	if in.SenderName == "" || utf8.RuneCountInString(in.SenderName) > 60 || strings.ContainsAny(in.SenderName, "<>/:@") {
		v.Add("sender_name", "Hãy nhập họ tên người gửi (tối đa 60 ký tự, không có ký tự đặc biệt).")
	}
	if !validEmail(in.SenderEmail) {
		v.Add("sender_email", "Địa chỉ thư điện tử của người gửi không hợp lệ.")
	}
	var to []string
	seen := map[string]bool{}
	for _, r := range strings.FieldsFunc(in.Recipients, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' || r == ' ' }) {
		if !validEmail(r) {
			v.Add("recipients", "Địa chỉ người nhận “"+r+"” không hợp lệ.")
			continue
		}
		if k := strings.ToLower(r); !seen[k] {
			seen[k] = true
			to = append(to, r)
		}
	}
	switch {
	case len(to) == 0 && v.Fields["recipients"] == "":
		v.Add("recipients", "Hãy nhập địa chỉ thư điện tử của người nhận.")
	case len(to) > MaxRecipients:
		v.Add("recipients", fmt.Sprintf("Chỉ gửi được cho tối đa %d người nhận một lần (bạn đã nhập %d).", MaxRecipients, len(to)))
	}
	lower := strings.ToLower(in.Note)
	switch {
	case utf8.RuneCountInString(in.Note) > 300:
		v.Add("note", "Lời nhắn tối đa 300 ký tự.")
	case strings.Contains(lower, "://") || strings.Contains(lower, "www.") || strings.ContainsAny(in.Note, "<>"):
		v.Add("note", "Lời nhắn không được chứa liên kết hoặc thẻ HTML; thư chỉ mang đường dẫn của bài viết.")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	a, err := s.Published(ctx, slug)
	if err != nil {
		return 0, err
	}
	body := in.SenderName + " (" + in.SenderEmail + ") gửi bạn bài viết:\n\n" + a.Title + "\n" + link + "\n"
	if in.Note != "" {
		body += "\nLời nhắn: " + in.Note + "\n"
	}
	body += "\nThư này được gửi từ chức năng “Gửi cho bạn bè” của trang tin; địa chỉ của bạn không được lưu lại."
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		for _, r := range to {
			if err := notify.Enqueue(ctx, tx, notify.Mail{To: r, Subject: "Bài viết: " + a.Title, Body: body}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.UnitID, Entity: "news_article", EntityID: a.ID, Action: "share",
			Summary: fmt.Sprintf("Bạn đọc gửi tin “%s” cho %d người", a.Title, len(to))})
	})
	return len(to), wrapTx(op, err)
}

// SitemapEntry is one visible article's address and last change.
type SitemapEntry struct {
	Slug      string
	UpdatedAt time.Time
}

// Sitemap lists up to limit visible articles, newest first (a sitemap file holds 50,000).
func (s *Service) Sitemap(ctx context.Context, limit int) ([]SitemapEntry, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT a.slug, a.updated_at FROM news_articles a WHERE `+visible+` ORDER BY a.published_at DESC, a.id DESC LIMIT `+strconv.Itoa(limit), sqldb.FormatTime(s.DB.Now()))
	if err != nil {
		return nil, apperr.Wrap("news.Sitemap", err)
	}
	defer rows.Close()
	var out []SitemapEntry
	for rows.Next() {
		var e SitemapEntry
		var at string
		if err := rows.Scan(&e.Slug, &at); err != nil {
			return nil, apperr.Wrap("news.Sitemap", err)
		}
		e.UpdatedAt = sqldb.ParseTime(at)
		out = append(out, e)
	}
	return out, apperr.Wrap("news.Sitemap", rows.Err())
}

// ImageVisible reports whether a stored picture belongs to a visible article, so the
// public may load it.
func (s *Service) ImageVisible(ctx context.Context, fileID int64) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments f JOIN news_articles a ON a.id = f.owner_id WHERE f.id = ? AND f.owner_type = 'news' AND `+visible,
		fileID, sqldb.FormatTime(s.DB.Now())).Scan(&n)
	return n > 0, apperr.Wrap("news.ImageVisible", err)
}

// CanEdit reports whether p writes or reviews news anywhere (the editors' pages).
func CanEdit(p *org.Principal) bool {
	return p.CanAnywhere(org.EditNews) || p.CanAnywhere(org.PublishNews)
}
