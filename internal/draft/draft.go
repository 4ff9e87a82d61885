// Package draft holds the agency's drafts (dự thảo), consultation rounds (đợt lấy ý
// kiến), comments per article (góp ý) and their answers (tiếp thu / giải trình), and the
// synthesis report (báo cáo tổng hợp, tiếp thu, giải trình ý kiến).
//
// Vocabulary: Draft = dự thảo; Version = phiên bản; Part = chương, mục, điều, khoản,
// điểm (see package split); Round = đợt lấy ý kiến; Invite = đơn vị / cá nhân được mời;
// Comment = ý kiến góp ý, personal (cá nhân) or on behalf of a unit (ý kiến chính thức
// của tổ chức, signed by its head); Answer = tiếp thu (accepted), tiếp thu một phần
// (partly) or giải trình (explained); Drafter = người soạn thảo; Head = người đứng đầu
// chịu trách nhiệm ("rõ người").
//
// Rights: a draft belongs to its drafting unit. Those who may view the unit (ViewDraft)
// and those invited to one of its rounds see it; ManageDraft on the unit creates drafts,
// versions and rounds; only the drafter or the accountable head answers comments.
package draft

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/calendar"
	"danvan/internal/draft/split"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Service holds the draft rules and SQL.
type Service struct {
	DB *sqldb.DB
	// Calendar returns the working-day calendar (replaced at start-up once the
	// administrator's adjustments are loaded, hence a function).
	Calendar func() *calendar.Calendar
}

// NewService returns the draft service.
func NewService(db *sqldb.DB) *Service {
	return &Service{DB: db, Calendar: func() *calendar.Calendar { return calendar.New(nil) }}
}

// Kinds are the usual types of drafts; the list is open.
var Kinds = []string{"Quy chế", "Quy định", "Nghị quyết", "Kế hoạch", "Chương trình", "Đề án", "Quyết định", "Hướng dẫn", "Báo cáo"}

// Limits of text fields.
const (
	MaxTitle   = 300
	MaxBody    = 2 << 20 // a pasted body
	MaxComment = 20000   // characters of one comment or proposed wording
	MaxAnswer  = 20000
)

// Draft is a document under consultation.
type Draft struct {
	ID          int64
	UnitID      int64
	UnitPath    string
	UnitName    string
	UnitKind    org.UnitKind
	Title       string
	Kind        string
	DrafterID   int64
	DrafterName string
	HeadID      int64
	HeadName    string
	HeadTitle   string // the head's current title in the drafting unit, if any
	CreatedAt   string
	UpdatedAt   string
	// Filled by lists.
	Versions    int
	LatestRound *Round
}

// Version is one text of a draft.
type Version struct {
	ID        int64
	DraftID   int64
	Number    int
	Note      string
	Preamble  string
	Source    string
	Body      string
	Articles  int
	CreatedAt string
	Parts     []Part
}

// Part is one stored part of a version.
type Part struct {
	ID      int64
	Seq     int
	Level   split.Level
	Number  string
	Heading string
	Text    string
	Key     string
	Article string // key of the article holding it
}

// Ref cites the part ("Khoản 2 Điều 5").
func (p Part) Ref() string {
	return split.Part{Level: p.Level, Number: p.Number, Key: p.Key}.Ref()
}

// Depth is the indentation level.
func (p Part) Depth() int { return split.Part{Level: p.Level}.Depth() }

// Input is the form of a new draft (its first version included).
type Input struct {
	Title     string
	Kind      string
	UnitID    int64
	DrafterID int64
	HeadID    int64
	Body      string
	Source    string // "paste" or "docx"
	Note      string
}

func notFound(op string) error { return apperr.New(apperr.NotFound, op, "") }

func wrapNF(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(op)
	}
	return apperr.Wrap(op, err)
}

// Preview splits a body for checking before saving. Errors: Invalid with a message on "body".
func Preview(body string) (split.Result, error) {
	var v apperr.Validation
	res := checkBody(body, &v)
	return res, v.Err()
}

func checkBody(body string, v *apperr.Validation) split.Result {
	if strings.TrimSpace(body) == "" {
		v.Add("body", "Hãy dán nội dung dự thảo hoặc tải lên tệp .docx.")
		return split.Result{}
	}
	if len(body) > MaxBody {
		v.Add("body", "Nội dung dự thảo quá dài (tối đa 2 MB văn bản).")
		return split.Result{}
	}
	res, err := split.Split(body)
	switch {
	case errors.Is(err, split.ErrNoArticles):
		v.Add("body", "Không nhận ra điều nào trong nội dung. Mỗi điều cần bắt đầu một dòng bằng \"Điều 1.\", \"Điều 2.\"…; khoản bằng \"1.\", điểm bằng \"a)\".")
	case errors.Is(err, split.ErrTooLarge):
		v.Add("body", "Dự thảo có quá nhiều phần để xử lý.")
	case err != nil:
		v.Add("body", "Không đọc được nội dung dự thảo.")
	}
	return res
}

func (s *Service) personInUnitTree(ctx context.Context, q sqldb.Querier, personID int64) (string, string, error) {
	var name, path string
	err := q.QueryRowContext(ctx, `SELECT full_name, unit_path FROM people WHERE id = ?`, personID).Scan(&name, &path)
	return name, path, err
}

func (s *Service) validate(ctx context.Context, tx *sqldb.Tx, p *org.Principal, in *Input, v *apperr.Validation) (org.Unit, split.Result) {
	in.Title = search.Clean(in.Title)
	in.Kind = search.Clean(in.Kind)
	if in.Title == "" {
		v.Add("title", "Hãy nhập tên dự thảo.")
	} else if utf8.RuneCountInString(in.Title) > MaxTitle {
		v.Add("title", "Tên dự thảo tối đa 300 ký tự.")
	}
	if in.Kind == "" {
		v.Add("kind", "Hãy chọn loại văn bản.")
	} else if utf8.RuneCountInString(in.Kind) > 60 {
		v.Add("kind", "Loại văn bản tối đa 60 ký tự.")
	}
	var u org.Unit
	if in.UnitID == 0 {
		v.Add("unit_id", "Hãy chọn đơn vị chủ trì soạn thảo.")
	} else {
		var err error
		u, err = org.GetUnit(ctx, tx, in.UnitID)
		if err != nil || !p.CanPath(org.ManageDraft, u.Path) {
			v.Add("unit_id", "Bạn không có quyền soạn dự thảo cho đơn vị này.")
		}
	}
	for _, f := range []struct {
		field string
		id    int64
		empty string
	}{{"drafter_id", in.DrafterID, "Hãy chọn người soạn thảo."}, {"head_id", in.HeadID, "Hãy chọn người đứng đầu chịu trách nhiệm."}} {
		if f.id == 0 {
			v.Add(f.field, f.empty)
			continue
		}
		_, path, err := s.personInUnitTree(ctx, tx, f.id)
		if err != nil || !p.CanPath(org.ViewPerson, path) {
			v.Add(f.field, "Không tìm thấy người này trong phạm vi của bạn.")
		}
	}
	res := checkBody(in.Body, v)
	if in.Source != "docx" {
		in.Source = "paste"
	}
	in.Note = search.Clean(in.Note)
	return u, res
}

// Create saves a new draft with its first version. Errors: Invalid (per field).
func (s *Service) Create(ctx context.Context, p *org.Principal, in Input) (Draft, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var err error
		id, err = s.CreateTx(ctx, tx, p, in)
		return err
	})
	if err != nil {
		return Draft{}, err
	}
	return s.Get(ctx, p, id)
}

// CreateTx is Create inside the caller's transaction (a conference putting its documents
// to the staff links the draft in the same change); it returns the draft's id.
func (s *Service) CreateTx(ctx context.Context, tx *sqldb.Tx, p *org.Principal, in Input) (int64, error) {
	var v apperr.Validation
	u, res := s.validate(ctx, tx, p, &in, &v)
	if err := v.Err(); err != nil {
		return 0, err
	}
	now := sqldb.FormatTime(tx.Now())
	id, err := tx.InsertID(ctx, `INSERT INTO drafts (unit_id, unit_path, title, title_fold, kind, drafter_id, head_id, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.ID, u.Path, in.Title, search.Fold(in.Title), in.Kind, in.DrafterID, in.HeadID, nullID(p.UserID), now, now)
	if err != nil {
		return 0, apperr.Wrap("draft.Create", err)
	}
	vid, err := insertVersion(ctx, tx, id, 1, in, res, p.UserID)
	if err != nil {
		return 0, err
	}
	return id, audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "draft", EntityID: id, Action: "create",
		Summary: "Tạo dự thảo " + in.Title + " (" + itoa(res.Articles) + " điều)", After: map[string]any{"title": in.Title, "kind": in.Kind, "version_id": vid}})
}

func insertVersion(ctx context.Context, tx *sqldb.Tx, draftID int64, number int, in Input, res split.Result, userID int64) (int64, error) {
	vid, err := tx.InsertID(ctx, `INSERT INTO draft_versions (draft_id, number, note, preamble, source, body, articles, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, draftID, number, in.Note, res.Preamble, in.Source, in.Body, res.Articles, nullID(userID), sqldb.FormatTime(tx.Now()))
	if err != nil {
		return 0, apperr.Wrap("draft.insertVersion", err)
	}
	// One multi-row INSERT per batch: a 300-article draft has ~1,500 parts.
	const batch = 200
	article := ""
	for start := 0; start < len(res.Parts); start += batch {
		end := min(start+batch, len(res.Parts))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO draft_parts (version_id, draft_id, seq, level, number, heading, content, pkey, article) VALUES `)
		args := make([]any, 0, (end-start)*9)
		for i := start; i < end; i++ {
			pt := res.Parts[i]
			switch pt.Level {
			case split.Article:
				article = pt.Key
			case split.Chapter, split.Section:
				article = ""
			}
			if i > start {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, vid, draftID, i, string(pt.Level), pt.Number, pt.Heading, pt.Text, pt.Key, article)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return 0, apperr.Wrap("draft.insertVersion: parts", err)
		}
	}
	return vid, nil
}

// AddVersion saves a new text of the draft; the old versions stay. Errors: NotFound,
// Forbidden (not a manager of the drafting unit, drafter or head), Invalid.
func (s *Service) AddVersion(ctx context.Context, p *org.Principal, draftID int64, body, source, note string) (Version, error) {
	var vid int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		d, err := s.load(ctx, tx, p, draftID)
		if err != nil {
			return err
		}
		if !s.canEdit(p, d) {
			return apperr.New(apperr.Forbidden, "draft.AddVersion", "Chỉ người soạn thảo, người đứng đầu hoặc lãnh đạo đơn vị chủ trì được thêm phiên bản.")
		}
		var v apperr.Validation
		res := checkBody(body, &v)
		if err := v.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM draft_versions WHERE draft_id = ?`, draftID).Scan(&n); err != nil {
			return apperr.Wrap("draft.AddVersion", err)
		}
		if source != "docx" {
			source = "paste"
		}
		vid, err = insertVersion(ctx, tx, draftID, n+1, Input{Body: body, Source: source, Note: search.Clean(note)}, res, p.UserID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE drafts SET updated_at = ? WHERE id = ?`, sqldb.FormatTime(tx.Now()), draftID); err != nil {
			return apperr.Wrap("draft.AddVersion", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft", EntityID: draftID, Action: "version",
			Summary: "Thêm phiên bản " + itoa(n+1) + " của dự thảo " + d.Title, After: map[string]any{"version_id": vid, "articles": res.Articles}})
	})
	if err != nil {
		return Version{}, err
	}
	return s.Version(ctx, p, draftID, vid)
}

func (s *Service) canEdit(p *org.Principal, d Draft) bool {
	return p.CanPath(org.ManageDraft, d.UnitPath) || s.canAnswer(p, d)
}

// canAnswer: only the drafter or the accountable head answers comments.
func (s *Service) canAnswer(p *org.Principal, d Draft) bool {
	return p != nil && p.PersonID != 0 && (p.PersonID == d.DrafterID || p.PersonID == d.HeadID)
}

const draftCols = `d.id, d.unit_id, d.unit_path, un.name, un.kind, d.title, d.kind, d.drafter_id, dp.full_name, d.head_id, hp.full_name, d.created_at, d.updated_at`
const draftFrom = ` FROM drafts d JOIN units un ON un.id = d.unit_id JOIN people dp ON dp.id = d.drafter_id JOIN people hp ON hp.id = d.head_id`

func scanDraft(sc interface{ Scan(...any) error }, d *Draft) error {
	return sc.Scan(&d.ID, &d.UnitID, &d.UnitPath, &d.UnitName, &d.UnitKind, &d.Title, &d.Kind, &d.DrafterID, &d.DrafterName, &d.HeadID, &d.HeadName, &d.CreatedAt, &d.UpdatedAt)
}

// visibleSQL is the condition on d.* for drafts the principal may see: in their view
// scope, or invited (their units or themselves) to one of its rounds.
func visibleSQL(p *org.Principal) (string, []any) {
	sc := p.Scope(org.ViewDraft)
	cond, args := sc.SQL("d.unit_path")
	inv, iargs := sc.SQL("i.unit_path")
	cond = "(" + cond + ` OR EXISTS (SELECT 1 FROM draft_invites i JOIN draft_rounds r ON r.id = i.round_id WHERE r.draft_id = d.id AND (` + inv + ` OR i.person_id = ?))`
	args = append(args, iargs...)
	args = append(args, p.PersonID)
	if p.PersonID != 0 {
		cond += " OR d.drafter_id = ? OR d.head_id = ?"
		args = append(args, p.PersonID, p.PersonID)
	}
	return cond + ")", args
}

// load reads a draft the principal may see (NotFound otherwise).
func (s *Service) load(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64) (Draft, error) {
	if p.IsZero() {
		return Draft{}, notFound("draft.load")
	}
	cond, args := visibleSQL(p)
	var d Draft
	err := scanDraft(q.QueryRowContext(ctx, `SELECT `+draftCols+draftFrom+` WHERE d.id = ? AND `+cond, append([]any{id}, args...)...), &d)
	if err != nil {
		return Draft{}, wrapNF("draft.load", err)
	}
	var title string
	if err := q.QueryRowContext(ctx, `SELECT title FROM positions WHERE person_id = ? AND end_date = '' AND unit_id IN (SELECT id FROM units WHERE ? LIKE path || '%') ORDER BY id LIMIT 1`, d.HeadID, d.UnitPath).Scan(&title); err == nil {
		d.HeadTitle = org.PositionLabel(title)
	}
	return d, nil
}

// Get returns a draft the principal may see.
func (s *Service) Get(ctx context.Context, p *org.Principal, id int64) (Draft, error) {
	return s.load(ctx, s.DB, p, id)
}

// List returns the drafts the principal may see, newest first.
func (s *Service) List(ctx context.Context, p *org.Principal, query string, limit int) ([]Draft, error) {
	if p.IsZero() {
		return nil, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	cond, args := visibleSQL(p)
	q := `SELECT ` + draftCols + `, (SELECT COUNT(*) FROM draft_versions v WHERE v.draft_id = d.id)` + draftFrom + ` WHERE ` + cond
	if pat := search.LikePattern(query); pat != "" {
		// Words in order, with % and _ taken literally, as every other list searches.
		q += ` AND d.title_fold LIKE ? ESCAPE '\'`
		args = append(args, pat)
	}
	q += ` ORDER BY d.updated_at DESC, d.id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, apperr.Wrap("draft.List", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		var d Draft
		if err := rows.Scan(&d.ID, &d.UnitID, &d.UnitPath, &d.UnitName, &d.UnitKind, &d.Title, &d.Kind, &d.DrafterID, &d.DrafterName, &d.HeadID, &d.HeadName, &d.CreatedAt, &d.UpdatedAt, &d.Versions); err != nil {
			return nil, apperr.Wrap("draft.List", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("draft.List", err)
	}
	if err := s.latestRounds(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// latestRounds fills LatestRound of each draft with one query for the whole list.
func (s *Service) latestRounds(ctx context.Context, ds []Draft) error {
	if len(ds) == 0 {
		return nil
	}
	marks := make([]string, len(ds))
	args := make([]any, len(ds))
	at := make(map[int64]int, len(ds))
	for i, d := range ds {
		marks[i], args[i], at[d.ID] = "?", d.ID, i
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.draft_id, r.version_id, v.number, r.opens_at, r.closes_at, r.visibility, r.public, r.note, r.created_at,
		(SELECT COUNT(*) FROM draft_comments c WHERE c.round_id = r.id AND c.status = 'published'),
		(SELECT COUNT(*) FROM draft_comments c WHERE c.round_id = r.id AND c.status = 'published' AND c.answer = '')
		FROM draft_rounds r JOIN draft_versions v ON v.id = r.version_id
		WHERE r.id IN (SELECT MAX(x.id) FROM draft_rounds x WHERE x.draft_id IN (`+strings.Join(marks, ", ")+`) GROUP BY x.draft_id)`, args...)
	if err != nil {
		return apperr.Wrap("draft.latestRounds", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Round
		if err := rows.Scan(&r.ID, &r.DraftID, &r.VersionID, &r.VersionNumber, &r.OpensAt, &r.ClosesAt, &r.Visibility, &r.Public, &r.Note, &r.CreatedAt, &r.Comments, &r.Unanswered); err != nil {
			return apperr.Wrap("draft.latestRounds", err)
		}
		if i, ok := at[r.DraftID]; ok {
			ds[i].LatestRound = &r
		}
	}
	return rows.Err()
}

// Versions lists the versions (without parts), oldest first.
func (s *Service) Versions(ctx context.Context, p *org.Principal, draftID int64) ([]Version, error) {
	if _, err := s.load(ctx, s.DB, p, draftID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, draft_id, number, note, preamble, source, articles, created_at FROM draft_versions WHERE draft_id = ? ORDER BY number`, draftID)
	if err != nil {
		return nil, apperr.Wrap("draft.Versions", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.ID, &v.DraftID, &v.Number, &v.Note, &v.Preamble, &v.Source, &v.Articles, &v.CreatedAt); err != nil {
			return nil, apperr.Wrap("draft.Versions", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version returns one version with its parts.
func (s *Service) Version(ctx context.Context, p *org.Principal, draftID, versionID int64) (Version, error) {
	if _, err := s.load(ctx, s.DB, p, draftID); err != nil {
		return Version{}, err
	}
	return loadVersion(ctx, s.DB, draftID, versionID)
}

// LatestVersion returns the newest version with its parts.
func (s *Service) LatestVersion(ctx context.Context, p *org.Principal, draftID int64) (Version, error) {
	if _, err := s.load(ctx, s.DB, p, draftID); err != nil {
		return Version{}, err
	}
	var vid int64
	if err := s.DB.QueryRowContext(ctx, `SELECT id FROM draft_versions WHERE draft_id = ? ORDER BY number DESC LIMIT 1`, draftID).Scan(&vid); err != nil {
		return Version{}, wrapNF("draft.LatestVersion", err)
	}
	return loadVersion(ctx, s.DB, draftID, vid)
}

func loadVersion(ctx context.Context, q sqldb.Querier, draftID, versionID int64) (Version, error) {
	var v Version
	err := q.QueryRowContext(ctx, `SELECT id, draft_id, number, note, preamble, source, body, articles, created_at FROM draft_versions WHERE id = ? AND draft_id = ?`, versionID, draftID).
		Scan(&v.ID, &v.DraftID, &v.Number, &v.Note, &v.Preamble, &v.Source, &v.Body, &v.Articles, &v.CreatedAt)
	if err != nil {
		return Version{}, wrapNF("draft.Version", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, seq, level, number, heading, content, pkey, article FROM draft_parts WHERE version_id = ? ORDER BY seq`, versionID)
	if err != nil {
		return Version{}, apperr.Wrap("draft.Version", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pt Part
		if err := rows.Scan(&pt.ID, &pt.Seq, &pt.Level, &pt.Number, &pt.Heading, &pt.Text, &pt.Key, &pt.Article); err != nil {
			return Version{}, apperr.Wrap("draft.Version", err)
		}
		v.Parts = append(v.Parts, pt)
	}
	return v, rows.Err()
}

// Rights is what the principal may do on a draft, for the pages.
type Rights struct {
	Manage bool // new versions, rounds
	Answer bool // answer comments
}

// RightsOn returns the principal's rights on a draft.
func (s *Service) RightsOn(p *org.Principal, d Draft) Rights {
	return Rights{Manage: s.canEdit(p, d), Answer: s.canAnswer(p, d)}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func itoa(n int) string { return strconv.Itoa(n) }

func levelOf(s string) split.Level { return split.Level(s) }
