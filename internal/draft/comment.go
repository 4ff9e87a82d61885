package draft

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Answer kinds.
const (
	Accepted  = "accepted"  // Tiếp thu
	Partly    = "partly"    // Tiếp thu một phần
	Explained = "explained" // Giải trình
)

// AnswerLabel is the answer kind in Vietnamese.
func AnswerLabel(kind string) string {
	switch kind {
	case Accepted:
		return "Tiếp thu"
	case Partly:
		return "Tiếp thu một phần"
	case Explained:
		return "Giải trình"
	}
	return "Chưa trả lời"
}

// Comment is one opinion in a round.
type Comment struct {
	ID         int64
	RoundID    int64
	DraftID    int64
	PartID     int64 // 0: the whole draft
	PartRef    string
	PartKey    string
	Article    string // article key of the part ("" for the whole draft)
	AuthorUser int64
	AuthorID   int64 // person
	AuthorName string
	UnitID     int64 // on behalf of this unit
	UnitName   string
	Citizen    bool
	Contact    string
	Status     string // published | pending | rejected
	Body       string
	Proposed   string
	Answer     string
	AnswerText string
	AnswerRef  string
	AnsweredAt string
	CreatedAt  string
	UpdatedAt  string
	CanEdit    bool // filled for the viewer
}

// AnswerLabel is the answer in Vietnamese.
func (c Comment) AnswerLabel() string { return AnswerLabel(c.Answer) }

// Who is "Công đoàn X (Nguyễn Văn A, ký thay mặt)" or the person's name.
func (c Comment) Who() string {
	if c.UnitName != "" {
		return c.UnitName
	}
	if c.Citizen {
		return c.AuthorName + " (người dân)"
	}
	return c.AuthorName
}

// CommentInput is the form of a comment.
type CommentInput struct {
	PartID   int64 // 0: the whole draft
	UnitID   int64 // 0: personal
	Body     string
	Proposed string

	article string // key of the article holding PartID, set by validateComment
}

// leadTitles are positions that speak for their unit (sign its formal opinion).
var leadTitles = map[string]bool{
	"chu-tich-cong-doan": true, "bi-thu-doan": true, "chu-tich-hoi-ccb": true, "truong-ban-nu-cong": true,
	"bi-thu": true, "thu-truong": true, "truong-ban-ttnd": true, "truong-ban-dan-van": true, "truong-ban-chi-dao": true,
}

// MaySpeakFor reports whether the principal may comment on behalf of the unit: they hold
// its lead position now, or a mass-organisation or manager role reaching it.
func MaySpeakFor(ctx context.Context, q sqldb.Querier, p *org.Principal, unitID int64) bool {
	if p.IsZero() {
		return false
	}
	u, err := org.GetUnit(ctx, q, unitID)
	if err != nil {
		return false
	}
	for _, g := range p.Grants {
		if (g.Role == org.RoleMassOrg || g.Role == org.RoleManager) && strings.HasPrefix(u.Path, g.UnitPath) {
			return true
		}
	}
	if p.PersonID == 0 {
		return false
	}
	rows, err := q.QueryContext(ctx, `SELECT title FROM positions WHERE person_id = ? AND unit_id = ? AND end_date = ''`, p.PersonID, unitID)
	if err != nil {
		return false
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if rows.Scan(&t) == nil && leadTitles[t] {
			return true
		}
	}
	return false
}

// roundFor reads a round and its draft, checking the principal may see the draft.
func (s *Service) roundFor(ctx context.Context, q sqldb.Querier, p *org.Principal, roundID int64) (Draft, Round, error) {
	var r Round
	err := q.QueryRowContext(ctx, `SELECT id, draft_id, version_id, opens_at, closes_at, visibility, public FROM draft_rounds WHERE id = ?`, roundID).
		Scan(&r.ID, &r.DraftID, &r.VersionID, &r.OpensAt, &r.ClosesAt, &r.Visibility, &r.Public)
	if err != nil {
		return Draft{}, Round{}, wrapNF("draft.round", err)
	}
	d, err := s.load(ctx, q, p, r.DraftID)
	if err != nil {
		return Draft{}, Round{}, err
	}
	return d, r, nil
}

// invited reports whether the principal (themselves, or a unit their grants reach) is
// invited to the round.
func invited(ctx context.Context, q sqldb.Querier, p *org.Principal, roundID int64) bool {
	sc := p.Scope(org.CommentDraft)
	cond, args := sc.SQL("unit_path")
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM draft_invites WHERE round_id = ? AND ((unit_id IS NOT NULL AND `+cond+`) OR person_id = ?)`,
		append(append([]any{roundID}, args...), p.PersonID)...).Scan(&n)
	if err == nil && n > 0 {
		return true
	}
	if p.PersonID == 0 {
		return false
	}
	// Members of an invited unit (by position) are invited too.
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM draft_invites i JOIN positions ps ON ps.unit_id = i.unit_id WHERE i.round_id = ? AND ps.person_id = ? AND ps.end_date = ''`, roundID, p.PersonID).Scan(&n)
	return err == nil && n > 0
}

var errClosed = apperr.New(apperr.Conflict, "draft.comment", "Đợt lấy ý kiến đã kết thúc; không nhận thêm góp ý.")
var errNotOpen = apperr.New(apperr.Conflict, "draft.comment", "Đợt lấy ý kiến chưa mở.")

func checkOpen(r Round, now time.Time) error {
	switch r.State(now) {
	case "closed":
		return errClosed
	case "upcoming":
		return errNotOpen
	}
	return nil
}

func validateComment(ctx context.Context, tx *sqldb.Tx, r Round, in *CommentInput, v *apperr.Validation) {
	// Measure before cleaning: a 1 MB paste is refused, not silently cut.
	if utf8.RuneCountInString(in.Body) > MaxComment {
		v.Add("body", "Góp ý tối đa 20.000 ký tự; hãy rút gọn hoặc chia thành nhiều góp ý theo từng điều.")
	}
	if utf8.RuneCountInString(in.Proposed) > MaxComment {
		v.Add("proposed", "Đề xuất sửa tối đa 20.000 ký tự.")
	}
	in.Body = cleanMultiline(in.Body)
	in.Proposed = cleanMultiline(in.Proposed)
	if in.Body == "" && v.Err() == nil {
		v.Add("body", "Hãy nhập nội dung góp ý.")
	}
	in.article = ""
	if in.PartID != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT article FROM draft_parts WHERE id = ? AND version_id = ?`, in.PartID, r.VersionID).Scan(&in.article); err != nil {
			v.Add("part_id", "Điều, khoản được góp ý không thuộc phiên bản đang lấy ý kiến của dự thảo này.")
		}
	}
}

// cleanMultiline keeps line breaks but cleans each line.
func cleanMultiline(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = search.Clean(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// AddComment records a comment in an open round. Errors: NotFound (draft or round out of
// reach), Conflict (round not open), Forbidden (not invited; not allowed to speak for the
// unit), Invalid (per field).
func (s *Service) AddComment(ctx context.Context, p *org.Principal, roundID int64, in CommentInput) (Comment, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		d, r, err := s.roundFor(ctx, tx, p, roundID)
		if err != nil {
			return err
		}
		if err := checkOpen(r, tx.Now()); err != nil {
			return err
		}
		if !p.CanPath(org.CommentDraft, d.UnitPath) && !invited(ctx, tx, p, roundID) {
			return apperr.New(apperr.Forbidden, "draft.AddComment", "Bạn không được mời góp ý trong đợt này.")
		}
		var v apperr.Validation
		validateComment(ctx, tx, r, &in, &v)
		if in.UnitID != 0 {
			var n int
			_ = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM draft_invites WHERE round_id = ? AND unit_id = ?`, roundID, in.UnitID).Scan(&n)
			if n == 0 {
				v.Add("unit_id", "Đơn vị này không được mời góp ý trong đợt này.")
			} else if !MaySpeakFor(ctx, tx, p, in.UnitID) {
				return apperr.New(apperr.Forbidden, "draft.AddComment", "Chỉ người đứng đầu hoặc cán bộ phụ trách của đơn vị được góp ý thay mặt đơn vị.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		id, err = tx.InsertID(ctx, `INSERT INTO draft_comments (round_id, draft_id, part_id, article, author_user_id, author_person, author_name, unit_id, status, body, proposed, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?) RETURNING id`, roundID, d.ID, nullID(in.PartID), in.article, nullID(p.UserID), nullID(p.PersonID), p.Name,
			nullID(in.UnitID), in.Body, in.Proposed, now, now)
		if err != nil {
			return apperr.Wrap("draft.AddComment", err)
		}
		if err := audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft_comment", EntityID: id, Action: "create",
			Summary: "Góp ý dự thảo " + d.Title, After: in}); err != nil {
			return err
		}
		return s.tellDrafter(ctx, tx, d, "Có góp ý mới cho dự thảo "+d.Title)
	})
	if err != nil {
		return Comment{}, err
	}
	return s.Comment(ctx, p, id)
}

func (s *Service) tellDrafter(ctx context.Context, tx *sqldb.Tx, d Draft, title string) error {
	var uid int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE person_id = ? AND disabled = FALSE ORDER BY id LIMIT 1`, d.DrafterID).Scan(&uid); err != nil {
		return nil // the drafter has no account
	}
	return notify.Send(ctx, tx, notify.Note{UserID: uid, Kind: "draft.comment", Title: title, Link: "/drafts/" + itoa64(d.ID)})
}

// UpdateComment lets the author edit their comment until the round closes.
func (s *Service) UpdateComment(ctx context.Context, p *org.Principal, commentID int64, in CommentInput) (Comment, error) {
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.commentTx(ctx, tx, p, commentID)
		if err != nil {
			return err
		}
		d, r, err := s.roundFor(ctx, tx, p, c.RoundID)
		if err != nil {
			return err
		}
		if c.AuthorUser != p.UserID { // before the round's state: others learn nothing of it
			return apperr.New(apperr.Forbidden, "draft.UpdateComment", "Chỉ người viết góp ý được sửa góp ý này.")
		}
		if err := checkOpen(r, tx.Now()); err != nil {
			return err
		}
		in.UnitID = c.UnitID
		var v apperr.Validation
		validateComment(ctx, tx, r, &in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE draft_comments SET part_id = ?, article = ?, body = ?, proposed = ?, updated_at = ? WHERE id = ?`,
			nullID(in.PartID), in.article, in.Body, in.Proposed, sqldb.FormatTime(tx.Now()), commentID); err != nil {
			return apperr.Wrap("draft.UpdateComment", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft_comment", EntityID: commentID, Action: "update",
			Summary: "Sửa góp ý dự thảo " + d.Title, Before: map[string]any{"body": c.Body, "proposed": c.Proposed}, After: in})
	})
	if err != nil {
		return Comment{}, err
	}
	return s.Comment(ctx, p, commentID)
}

// AnswerInput is the drafter's answer to a comment.
type AnswerInput struct {
	Kind string // accepted | partly | explained
	Text string // new wording (accepted) or reason (explained)
	Ref  string // the article it changed, e.g. "Điều 5"
}

// Answer records the drafter's answer. Errors: NotFound, Forbidden (not the drafter or
// head), Invalid.
func (s *Service) Answer(ctx context.Context, p *org.Principal, commentID int64, in AnswerInput) (Comment, error) {
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.commentTx(ctx, tx, p, commentID)
		if err != nil {
			return err
		}
		d, err := s.load(ctx, tx, p, c.DraftID)
		if err != nil {
			return err
		}
		if !s.canAnswer(p, d) {
			return apperr.New(apperr.Forbidden, "draft.Answer", "Chỉ người soạn thảo hoặc người đứng đầu chịu trách nhiệm được trả lời góp ý.")
		}
		if c.Status != "published" {
			return apperr.New(apperr.Conflict, "draft.Answer", "Góp ý này chưa được duyệt hiển thị.")
		}
		var v apperr.Validation
		if utf8.RuneCountInString(in.Text) > MaxAnswer {
			v.Add("answer_text", "Nội dung trả lời tối đa 20.000 ký tự.")
		}
		in.Text = cleanMultiline(in.Text)
		in.Ref = search.Clean(in.Ref)
		switch in.Kind {
		case Accepted:
			if in.Text == "" && in.Ref == "" {
				v.Add("answer_text", "Khi tiếp thu, hãy ghi nội dung đã sửa hoặc điều đã sửa.")
			}
		case Partly, Explained:
			if in.Text == "" {
				v.Add("answer_text", "Hãy ghi lý do giải trình.")
			}
		default:
			v.Add("answer", "Hãy chọn: tiếp thu, tiếp thu một phần hoặc giải trình.")
		}
		if utf8.RuneCountInString(in.Ref) > 200 {
			v.Add("answer_ref", "Tối đa 200 ký tự.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE draft_comments SET answer = ?, answer_text = ?, answer_ref = ?, answered_by = ?, answered_at = ? WHERE id = ?`,
			in.Kind, in.Text, in.Ref, nullID(p.UserID), sqldb.FormatTime(tx.Now()), commentID); err != nil {
			return apperr.Wrap("draft.Answer", err)
		}
		if c.AuthorUser != 0 {
			if err := notify.Send(ctx, tx, notify.Note{UserID: c.AuthorUser, Kind: "draft.answer", Title: AnswerLabel(in.Kind) + " góp ý của bạn về dự thảo " + d.Title,
				Link: "/drafts/" + itoa64(d.ID) + "/rounds/" + itoa64(c.RoundID) + "#c" + itoa64(c.ID)}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft_comment", EntityID: commentID, Action: "answer",
			Summary: AnswerLabel(in.Kind) + " góp ý của " + c.Who() + " về dự thảo " + d.Title, Before: map[string]any{"answer": c.Answer, "text": c.AnswerText}, After: in})
	})
	if err != nil {
		return Comment{}, err
	}
	return s.Comment(ctx, p, commentID)
}

const commentCols = `c.id, c.round_id, c.draft_id, COALESCE(c.part_id, 0), COALESCE(pt.level, ''), COALESCE(pt.number, ''), COALESCE(pt.pkey, ''), COALESCE(pt.article, ''),
	COALESCE(c.author_user_id, 0), COALESCE(c.author_person, 0), c.author_name, COALESCE(c.unit_id, 0), COALESCE(u.name, ''), c.citizen, c.contact, c.status, c.body, c.proposed,
	c.answer, c.answer_text, c.answer_ref, c.answered_at, c.created_at, c.updated_at`
const commentFrom = ` FROM draft_comments c LEFT JOIN draft_parts pt ON pt.id = c.part_id LEFT JOIN units u ON u.id = c.unit_id`

func scanComment(sc interface{ Scan(...any) error }, c *Comment) error {
	var level, number string
	err := sc.Scan(&c.ID, &c.RoundID, &c.DraftID, &c.PartID, &level, &number, &c.PartKey, &c.Article, &c.AuthorUser, &c.AuthorID, &c.AuthorName, &c.UnitID, &c.UnitName,
		&c.Citizen, &c.Contact, &c.Status, &c.Body, &c.Proposed, &c.Answer, &c.AnswerText, &c.AnswerRef, &c.AnsweredAt, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return err
	}
	if c.PartID == 0 {
		c.PartRef = "Toàn bộ dự thảo"
	} else {
		c.PartRef = Part{Level: levelOf(level), Number: number, Key: c.PartKey}.Ref()
	}
	return nil
}

func (s *Service) commentTx(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Comment, error) {
	var c Comment
	if err := scanComment(q.QueryRowContext(ctx, `SELECT `+commentCols+commentFrom+` WHERE c.id = ?`, id), &c); err != nil {
		return Comment{}, wrapNF("draft.comment", err)
	}
	if _, err := s.load(ctx, q, p, c.DraftID); err != nil {
		return Comment{}, err
	}
	return c, nil
}

// Comment returns one comment the principal may see.
func (s *Service) Comment(ctx context.Context, p *org.Principal, id int64) (Comment, error) {
	c, err := s.commentTx(ctx, s.DB, p, id)
	if err != nil {
		return Comment{}, err
	}
	d, r, err := s.roundFor(ctx, s.DB, p, c.RoundID)
	if err != nil {
		return Comment{}, err
	}
	if !s.seesComment(p, d, r, c) {
		return Comment{}, notFound("draft.Comment")
	}
	return c, nil
}

// seesAll reports whether the principal sees every comment of the round.
func (s *Service) seesAll(p *org.Principal, d Draft, r Round) bool {
	return r.Visibility == SeeAll || s.canEdit(p, d)
}

func (s *Service) seesComment(p *org.Principal, d Draft, r Round, c Comment) bool {
	if c.Status != "published" && !s.canEdit(p, d) {
		return false
	}
	if s.seesAll(p, d, r) {
		return true
	}
	if c.AuthorUser == p.UserID {
		return true
	}
	if c.UnitID != 0 {
		for _, g := range p.Grants {
			if g.UnitID == c.UnitID {
				return true
			}
		}
	}
	return false
}

// CommentFilter narrows a round's comments.
type CommentFilter struct {
	Unanswered bool
	Pending    bool   // citizens' comments awaiting moderation
	Article    string // key of an article: comments on it, its clauses and points
	General    bool   // only the comments on the whole draft
	Offset     int    // with Limit: one page, in document order
	Limit      int    // 0: all
}

// ArticleCount is how many comments an article has, for the summary of a large round.
type ArticleCount struct {
	N          int
	Unanswered int
}

// Comments returns the round's comments the principal may see, in document order.
func (s *Service) Comments(ctx context.Context, p *org.Principal, roundID int64, f CommentFilter) ([]Comment, error) {
	d, r, err := s.roundFor(ctx, s.DB, p, roundID)
	if err != nil {
		return nil, err
	}
	return s.comments(ctx, p, d, r, f)
}

// visibleCommentsSQL is the condition on c.* for the comments of round r the principal
// may read (all, or only their own and their units' when the round says so).
func (s *Service) visibleCommentsSQL(p *org.Principal, d Draft, r Round) (string, []any) {
	if s.seesAll(p, d, r) {
		return "", nil
	}
	var ids []any
	marks := []string{}
	for _, g := range p.Grants {
		ids = append(ids, g.UnitID)
		marks = append(marks, "?")
	}
	cond := `c.author_user_id = ?`
	args := []any{p.UserID}
	if len(ids) > 0 {
		cond += ` OR c.unit_id IN (` + strings.Join(marks, ", ") + `)`
		args = append(args, ids...)
	}
	return ` AND (` + cond + `)`, args
}

// ArticleCounts returns, per article key ("" for the whole draft), how many published
// comments of the round the principal may read, and how many are unanswered.
func (s *Service) ArticleCounts(ctx context.Context, p *org.Principal, roundID int64) (map[string]ArticleCount, error) {
	d, r, err := s.roundFor(ctx, s.DB, p, roundID)
	if err != nil {
		return nil, err
	}
	vis, args := s.visibleCommentsSQL(p, d, r)
	rows, err := s.DB.QueryContext(ctx, `SELECT c.article, COUNT(*), SUM(CASE WHEN c.answer = '' THEN 1 ELSE 0 END)
		FROM draft_comments c WHERE c.round_id = ? AND c.status = 'published'`+vis+` GROUP BY c.article`,
		append([]any{roundID}, args...)...)
	if err != nil {
		return nil, apperr.Wrap("draft.ArticleCounts", err)
	}
	defer rows.Close()
	out := map[string]ArticleCount{}
	for rows.Next() {
		var k string
		var c ArticleCount
		if err := rows.Scan(&k, &c.N, &c.Unanswered); err != nil {
			return nil, apperr.Wrap("draft.ArticleCounts", err)
		}
		out[k] = c
	}
	return out, rows.Err()
}

func (s *Service) comments(ctx context.Context, p *org.Principal, d Draft, r Round, f CommentFilter) ([]Comment, error) {
	q := `SELECT ` + commentCols + commentFrom + ` WHERE c.round_id = ?`
	args := []any{r.ID}
	switch {
	case f.Pending:
		q += ` AND c.status = 'pending'`
	default:
		q += ` AND c.status = 'published'`
	}
	if f.Unanswered {
		q += ` AND c.answer = ''`
	}
	switch {
	case f.General:
		q += ` AND c.part_id IS NULL`
	case f.Article != "":
		q += ` AND c.article = ?`
		args = append(args, f.Article)
	}
	vis, vargs := s.visibleCommentsSQL(p, d, r)
	q += vis
	args = append(args, vargs...)
	// Document order: the whole draft first, then by part. Parts are inserted in
	// document order (insertVersion), so within the round's version the part ids follow
	// the text, and the order is read off the (round_id, part_id, id) index.
	q += ` ORDER BY c.part_id NULLS FIRST, c.id`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, max(f.Offset, 0))
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, apperr.Wrap("draft.Comments", err)
	}
	defer rows.Close()
	var out []Comment
	open := r.State(s.DB.Now()) == "open"
	for rows.Next() {
		var c Comment
		if err := scanComment(rows, &c); err != nil {
			return nil, apperr.Wrap("draft.Comments", err)
		}
		c.CanEdit = open && c.AuthorUser != 0 && c.AuthorUser == p.UserID
		out = append(out, c)
	}
	return out, rows.Err()
}
