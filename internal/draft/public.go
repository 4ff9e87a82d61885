package draft

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// PublicRound is a round opened to citizens, as shown on the public site.
type PublicRound struct {
	Round    Round
	Title    string
	Kind     string
	UnitName string
	HeadName string
	Version  Version
	Comments []Comment // approved ones
}

// PublicRounds lists the public rounds open now.
func (s *Service) PublicRounds(ctx context.Context) ([]PublicRound, error) {
	now := sqldb.FormatTime(s.DB.Now())
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.draft_id, r.opens_at, r.closes_at, d.title, d.kind, u.name, hp.full_name FROM draft_rounds r
		JOIN drafts d ON d.id = r.draft_id JOIN units u ON u.id = d.unit_id JOIN people hp ON hp.id = d.head_id
		WHERE r.public = TRUE AND r.opens_at <= ? AND r.closes_at > ? ORDER BY r.closes_at`, now, now)
	if err != nil {
		return nil, apperr.Wrap("draft.PublicRounds", err)
	}
	defer rows.Close()
	var out []PublicRound
	for rows.Next() {
		var x PublicRound
		if err := rows.Scan(&x.Round.ID, &x.Round.DraftID, &x.Round.OpensAt, &x.Round.ClosesAt, &x.Title, &x.Kind, &x.UnitName, &x.HeadName); err != nil {
			return nil, apperr.Wrap("draft.PublicRounds", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// NextPublicChange returns the next instant after now at which a public round opens or
// closes ("" when none will): until then the public rounds' states stay as they are.
func (s *Service) NextPublicChange(ctx context.Context) (string, error) {
	now := sqldb.FormatTime(s.DB.Now())
	var next sql.NullString
	err := s.DB.QueryRowContext(ctx, `SELECT MIN(CASE WHEN opens_at > ? THEN opens_at ELSE closes_at END) FROM draft_rounds
		WHERE public = TRUE AND closes_at > ?`, now, now).Scan(&next)
	return next.String, apperr.Wrap("draft.NextPublicChange", err)
}

// PublicRoundState returns what a public round's page shows of time: "upcoming", "open"
// or "closed"; "" when there is no such public round.
func (s *Service) PublicRoundState(ctx context.Context, roundID int64) (string, error) {
	var r Round
	err := s.DB.QueryRowContext(ctx, `SELECT opens_at, closes_at FROM draft_rounds WHERE id = ? AND public = TRUE`, roundID).Scan(&r.OpensAt, &r.ClosesAt)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", apperr.Wrap("draft.PublicRoundState", err)
	}
	return r.State(s.DB.Now()), nil
}

// PublicRoundByID returns a public round (open or closed) with its text and approved comments.
func (s *Service) PublicRoundByID(ctx context.Context, roundID int64) (PublicRound, error) {
	var x PublicRound
	err := s.DB.QueryRowContext(ctx, `SELECT r.id, r.draft_id, r.version_id, r.opens_at, r.closes_at, r.visibility, r.public, d.title, d.kind, u.name, hp.full_name FROM draft_rounds r
		JOIN drafts d ON d.id = r.draft_id JOIN units u ON u.id = d.unit_id JOIN people hp ON hp.id = d.head_id
		WHERE r.id = ? AND r.public = TRUE AND r.opens_at <= ?`, roundID, sqldb.FormatTime(s.DB.Now())).
		Scan(&x.Round.ID, &x.Round.DraftID, &x.Round.VersionID, &x.Round.OpensAt, &x.Round.ClosesAt, &x.Round.Visibility, &x.Round.Public, &x.Title, &x.Kind, &x.UnitName, &x.HeadName)
	if err != nil {
		return PublicRound{}, wrapNF("draft.PublicRoundByID", err)
	}
	if x.Version, err = loadVersion(ctx, s.DB, x.Round.DraftID, x.Round.VersionID); err != nil {
		return PublicRound{}, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+commentCols+commentFrom+` WHERE c.round_id = ? AND c.citizen = TRUE AND c.status = 'published' ORDER BY COALESCE(pt.seq, -1), c.id`, roundID)
	if err != nil {
		return PublicRound{}, apperr.Wrap("draft.PublicRoundByID", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Comment
		if err := scanComment(rows, &c); err != nil {
			return PublicRound{}, apperr.Wrap("draft.PublicRoundByID", err)
		}
		c.Contact = "" // never shown publicly
		x.Comments = append(x.Comments, c)
	}
	return x, rows.Err()
}

// CitizenInput is a citizen's comment from the public site.
type CitizenInput struct {
	Name     string
	Contact  string // e-mail or phone
	PartID   int64
	Body     string
	Proposed string
}

// AddCitizenComment holds a citizen's comment for moderation. Errors: NotFound (no such
// public round), Conflict (closed), Invalid.
func (s *Service) AddCitizenComment(ctx context.Context, roundID int64, in CitizenInput) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var r Round
		var d Draft
		err := tx.QueryRowContext(ctx, `SELECT r.id, r.draft_id, r.version_id, r.opens_at, r.closes_at, d.unit_id, d.title FROM draft_rounds r JOIN drafts d ON d.id = r.draft_id WHERE r.id = ? AND r.public = TRUE`, roundID).
			Scan(&r.ID, &r.DraftID, &r.VersionID, &r.OpensAt, &r.ClosesAt, &d.UnitID, &d.Title)
		if err != nil {
			return wrapNF("draft.AddCitizenComment", err)
		}
		if err := checkOpen(r, tx.Now()); err != nil {
			return err
		}
		var v apperr.Validation
		in.Name = search.Clean(in.Name)
		in.Contact = search.Clean(in.Contact)
		if in.Name == "" {
			v.Add("name", "Hãy nhập họ và tên.")
		} else if utf8.RuneCountInString(in.Name) > 120 {
			v.Add("name", "Họ và tên tối đa 120 ký tự.")
		}
		if in.Contact == "" {
			v.Add("contact", "Hãy nhập thư điện tử hoặc số điện thoại để cơ quan liên hệ khi cần.")
		} else if strings.Contains(in.Contact, "@") {
			if _, err := mail.ParseAddress(in.Contact); err != nil {
				v.Add("contact", "Địa chỉ thư điện tử không hợp lệ.")
			}
		} else if n := digits(in.Contact); n < 9 || n > 12 {
			v.Add("contact", "Số điện thoại cần 9–12 chữ số.")
		}
		ci := CommentInput{PartID: in.PartID, Body: in.Body, Proposed: in.Proposed}
		validateComment(ctx, tx, r, &ci, &v)
		if err := v.Err(); err != nil {
			return err
		}
		now := sqldb.FormatTime(tx.Now())
		id, err := tx.InsertID(ctx, `INSERT INTO draft_comments (round_id, draft_id, part_id, article, author_name, citizen, contact, status, body, proposed, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, TRUE, ?, 'pending', ?, ?, ?, ?) RETURNING id`, roundID, r.DraftID, nullID(ci.PartID), ci.article, in.Name, in.Contact, ci.Body, ci.Proposed, now, now)
		if err != nil {
			return apperr.Wrap("draft.AddCitizenComment", err)
		}
		return audit.Record(audit.WithActor(ctx, audit.Actor{Name: in.Name + " (người dân)", Address: audit.ActorFrom(ctx).Address}), tx, audit.Entry{UnitID: d.UnitID,
			Entity: "draft_comment", EntityID: id, Action: "create", Summary: "Người dân góp ý dự thảo " + d.Title + " (chờ duyệt)"})
	})
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		} else if !strings.ContainsRune(" .+-()", r) {
			return -1
		}
	}
	return n
}

// Moderate publishes or rejects a citizen's pending comment. Errors: NotFound, Forbidden, Conflict.
func (s *Service) Moderate(ctx context.Context, p *org.Principal, commentID int64, approve bool) error {
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		c, err := s.commentTx(ctx, tx, p, commentID)
		if err != nil {
			return err
		}
		d, err := s.load(ctx, tx, p, c.DraftID)
		if err != nil {
			return err
		}
		if !s.canEdit(p, d) {
			return apperr.New(apperr.Forbidden, "draft.Moderate", "Bạn không có quyền duyệt góp ý của dự thảo này.")
		}
		if c.Status != "pending" {
			return apperr.New(apperr.Conflict, "draft.Moderate", "Góp ý này đã được xử lý.")
		}
		status, label := "published", "Duyệt hiển thị"
		if !approve {
			status, label = "rejected", "Không duyệt"
		}
		// updated_at stays: it means "edited by its author" on the pages; the audit log
		// records who moderated and when.
		if _, err := tx.ExecContext(ctx, `UPDATE draft_comments SET status = ? WHERE id = ?`, status, commentID); err != nil {
			return apperr.Wrap("draft.Moderate", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: d.UnitID, Entity: "draft_comment", EntityID: commentID, Action: "moderate",
			Summary: label + " góp ý của người dân " + c.AuthorName + " về dự thảo " + d.Title})
	})
}
