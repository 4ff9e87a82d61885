package draft

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/draft/split"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// SynthInput describes one large synthetic draft for measurements: Articles articles
// (each with clauses and points, as real regulations have) and a closed round with
// Comments comments spread over the articles, a fifth of them on behalf of the invited
// units, nine in ten answered.
type SynthInput struct {
	UnitID    int64   // drafting unit
	DrafterID int64   // drafter and accountable head
	Invitees  []int64 // invited units
	Authors   []int64 // people who comment (cycled)
	Articles  int
	Comments  int
	Seed      uint64
}

// SynthText is the body of a synthetic draft of n articles in chapters of 20.
func SynthText(n int) string {
	var b strings.Builder
	b.WriteString("QUY CHẾ\nLàm việc của cơ quan (dự thảo tổng hợp để đo hiệu năng)\n")
	for i := 1; i <= n; i++ {
		if (i-1)%20 == 0 {
			fmt.Fprintf(&b, "Chương %d\nNHÓM QUY ĐỊNH THỨ %d\n", (i-1)/20+1, (i-1)/20+1)
		}
		fmt.Fprintf(&b, "Điều %d. Nội dung quy định thứ %d\n", i, i)
		fmt.Fprintf(&b, "1. Thủ trưởng cơ quan chủ trì, phối hợp với Ban Chấp hành Công đoàn tổ chức thực hiện nội dung tại Điều %d trong thời hạn 05 ngày làm việc kể từ ngày quyết định.\n", i)
		b.WriteString("2. Việc công khai được thực hiện bằng một hoặc các hình thức sau:\n")
		b.WriteString("a) Niêm yết tại trụ sở cơ quan ít nhất 20 ngày liên tục;\n")
		b.WriteString("b) Đăng trên trang thông tin điện tử nội bộ;\n")
		b.WriteString("c) Thông báo tại hội nghị cán bộ, công chức, viên chức.\n")
	}
	return b.String()
}

// Synthesize writes the draft of in with bulk inserts (no audit rows: synthetic data is
// not anyone's change) and returns the draft and round ids.
func Synthesize(ctx context.Context, db *sqldb.DB, in SynthInput) (draftID, roundID int64, err error) {
	res, err := split.Split(SynthText(in.Articles))
	if err != nil {
		return 0, 0, err
	}
	r := rand.New(rand.NewPCG(in.Seed, 5))
	err = db.Tx(ctx, func(tx *sqldb.Tx) error {
		u, err := org.GetUnit(ctx, tx, in.UnitID)
		if err != nil {
			return err
		}
		now := tx.Now()
		ts := sqldb.FormatTime(now)
		title := fmt.Sprintf("Quy chế làm việc (%d điều, %d góp ý)", in.Articles, in.Comments)
		if draftID, err = tx.InsertID(ctx, `INSERT INTO drafts (unit_id, unit_path, title, title_fold, kind, drafter_id, head_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'Quy chế', ?, ?, ?, ?) RETURNING id`, u.ID, u.Path, title, search.Fold(title), in.DrafterID, in.DrafterID, ts, ts); err != nil {
			return err
		}
		vid, err := insertVersion(ctx, tx, draftID, 1, Input{Body: SynthText(in.Articles), Source: "paste", Note: "Dự thảo tổng hợp"}, res, 0)
		if err != nil {
			return err
		}
		if roundID, err = tx.InsertID(ctx, `INSERT INTO draft_rounds (draft_id, version_id, unit_path, opens_at, closes_at, visibility, public, note, opened_sent, reminded, created_at)
			VALUES (?, ?, ?, ?, ?, 'all', FALSE, '', TRUE, TRUE, ?) RETURNING id`, draftID, vid, u.Path,
			sqldb.FormatTime(now.Add(-30*24*time.Hour)), sqldb.FormatTime(now.Add(-24*time.Hour)), ts); err != nil {
			return err
		}
		for _, id := range in.Invitees {
			iu, err := org.GetUnit(ctx, tx, id)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO draft_invites (round_id, unit_id, unit_path) VALUES (?, ?, ?)`, roundID, iu.ID, iu.Path); err != nil {
				return err
			}
		}
		names := map[int64]string{}
		for _, id := range in.Authors {
			if _, ok := names[id]; ok {
				continue
			}
			var n string
			if err := tx.QueryRowContext(ctx, `SELECT full_name FROM people WHERE id = ?`, id).Scan(&n); err != nil {
				return err
			}
			names[id] = n
		}
		type partRef struct {
			id      int64
			article string
		}
		var parts []partRef
		rows, err := tx.QueryContext(ctx, `SELECT id, article FROM draft_parts WHERE version_id = ? AND level IN ('dieu', 'khoan', 'diem') ORDER BY seq`, vid)
		if err != nil {
			return err
		}
		for rows.Next() {
			var pt partRef
			if err := rows.Scan(&pt.id, &pt.article); err != nil {
				rows.Close()
				return err
			}
			parts = append(parts, pt)
		}
		rows.Close()
		const batch = 400
		answers := []string{Accepted, Partly, Explained}
		for start := 0; start < in.Comments; start += batch {
			var sb strings.Builder
			sb.WriteString(`INSERT INTO draft_comments (round_id, draft_id, part_id, article, author_person, author_name, unit_id, status, body, proposed, answer, answer_text, answered_at, created_at, updated_at) VALUES `)
			var args []any
			for i := start; i < min(start+batch, in.Comments); i++ {
				if i > start {
					sb.WriteString(", ")
				}
				sb.WriteString("(?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?, ?, ?)")
				author := in.Authors[i%len(in.Authors)]
				var part, unit any
				article := ""
				if r.IntN(20) != 0 {
					pt := parts[r.IntN(len(parts))]
					part, article = pt.id, pt.article
				}
				if len(in.Invitees) > 0 && r.IntN(5) == 0 {
					unit = in.Invitees[r.IntN(len(in.Invitees))]
				}
				answer, text, at := "", "", ""
				if r.IntN(10) != 0 {
					answer = answers[r.IntN(len(answers))]
					text, at = "Cơ quan soạn thảo đã nghiên cứu và xin trả lời ý kiến số "+itoa(i+1)+".", ts
				}
				created := sqldb.FormatTime(now.Add(-time.Duration(29*24*3600-i) * time.Second))
				args = append(args, roundID, draftID, part, article, author, names[author], unit,
					"Góp ý số "+itoa(i+1)+": đề nghị làm rõ phạm vi, trách nhiệm và thời hạn thực hiện của điều này cho phù hợp thực tế cơ quan.",
					"", answer, text, at, created, created)
			}
			if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, apperr.Wrap("draft.Synthesize", err)
	}
	return draftID, roundID, nil
}

// Generate is the drafts' part of `danvan gen`: on the first generated agency, one
// draft of 300 articles whose closed round has 10,000 comments from the agency's people,
// some on behalf of its mass organisations.
func Generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
	agencies := s.Units[org.KindAgency]
	if len(agencies) == 0 || s.People.Len() == 0 {
		return nil
	}
	in := SynthInput{UnitID: agencies[0].ID, DrafterID: s.People.First, Articles: 300, Comments: 10000, Seed: o.Seed}
	for _, k := range []org.UnitKind{org.KindTradeUnion, org.KindYouthUnion, org.KindVeterans} {
		for _, u := range s.Units[k] {
			if strings.HasPrefix(u.Path, agencies[0].Path) {
				in.Invitees = append(in.Invitees, u.ID)
				break
			}
		}
	}
	for id := s.People.First; id <= s.People.Last && len(in.Authors) < 500; id++ {
		in.Authors = append(in.Authors, id)
	}
	d, r, err := Synthesize(ctx, db, in)
	if err != nil {
		return err
	}
	if o.Log != nil {
		fmt.Fprintf(o.Log, "Dự thảo %d: %d điều, đợt lấy ý kiến %d với %d góp ý.\n", d, in.Articles, r, in.Comments)
	}
	return nil
}

var _ gen.Generator = Generate
