package draft

import (
	"context"
	"sort"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Report is the synthesis report of a round (báo cáo tổng hợp, tiếp thu, giải trình ý
// kiến góp ý).
type Report struct {
	Draft       Draft
	Round       Round
	Version     Version
	Invited     int // units and people invited
	Responded   int // of them, those who commented
	Total       int
	Accepted    int
	Partly      int
	Explained   int
	Unanswered  int
	ByUnit      []Count
	General     []Comment // on the whole draft
	Articles    []ArticleBlock
	GeneratedAt time.Time
	UpperName   string // the drafting unit's parent, for the document header
	// Format is "party" for a drafting unit of the Party (đảng bộ, chi bộ), "state" otherwise.
	Format string
}

// Count is a labelled number.
type Count struct {
	Label string
	N     int
}

// ArticleBlock is one article with every comment on it or on its clauses and points.
type ArticleBlock struct {
	Ref      string // "Điều 5"
	Heading  string
	Key      string
	Comments []Comment
}

// IsParty reports whether the unit kind issues Party documents.
func IsParty(k org.UnitKind) bool {
	switch k {
	case org.KindUpperCommittee, org.KindBaseCommittee, org.KindPartCommittee, org.KindCell, org.KindMobilisation:
		return true
	}
	return false
}

// LatestRoundID returns the id of the newest round of a draft (NotFound when none).
func (s *Service) LatestRoundID(ctx context.Context, p *org.Principal, draftID int64) (int64, error) {
	if _, err := s.load(ctx, s.DB, p, draftID); err != nil {
		return 0, err
	}
	var id int64
	if err := s.DB.QueryRowContext(ctx, `SELECT id FROM draft_rounds WHERE draft_id = ? ORDER BY id DESC LIMIT 1`, draftID).Scan(&id); err != nil {
		return 0, wrapNF("draft.LatestRoundID", err)
	}
	return id, nil
}

// Report builds the synthesis report of a round from the comments the principal may see
// (everything for the drafter and managers).
func (s *Service) Report(ctx context.Context, p *org.Principal, roundID int64) (Report, error) {
	d, r, err := s.roundFor(ctx, s.DB, p, roundID)
	if err != nil {
		return Report{}, err
	}
	rs, err := s.rounds(ctx, s.DB, d.ID)
	if err != nil {
		return Report{}, err
	}
	for _, x := range rs {
		if x.ID == r.ID {
			r = x
		}
	}
	if err := s.loadInvites(ctx, s.DB, &r); err != nil {
		return Report{}, err
	}
	v, err := loadVersion(ctx, s.DB, d.ID, r.VersionID)
	if err != nil {
		return Report{}, err
	}
	cs, err := s.comments(ctx, p, d, r, CommentFilter{})
	if err != nil {
		return Report{}, err
	}
	rep := Report{Draft: d, Round: r, Version: v, Invited: len(r.Invites), Total: len(cs), GeneratedAt: s.DB.Now(), Format: "state"}
	_ = s.DB.QueryRowContext(ctx, `SELECT p.name FROM units u JOIN units p ON p.id = u.parent_id WHERE u.id = ?`, d.UnitID).Scan(&rep.UpperName)
	if IsParty(d.UnitKind) {
		rep.Format = "party"
	}
	for _, in := range r.Invites {
		if in.Commented {
			rep.Responded++
		}
	}
	byUnit := map[string]int{}
	byArticle := map[string][]Comment{}
	for _, c := range cs {
		switch c.Answer {
		case Accepted:
			rep.Accepted++
		case Partly:
			rep.Partly++
		case Explained:
			rep.Explained++
		default:
			rep.Unanswered++
		}
		switch {
		case c.UnitName != "":
			byUnit[c.UnitName]++
		case c.Citizen:
			byUnit["Người dân (cổng công khai)"]++
		default:
			byUnit["Cá nhân"]++
		}
		if c.Article == "" {
			rep.General = append(rep.General, c)
		} else {
			byArticle[c.Article] = append(byArticle[c.Article], c)
		}
	}
	for k, n := range byUnit {
		rep.ByUnit = append(rep.ByUnit, Count{k, n})
	}
	sort.Slice(rep.ByUnit, func(i, j int) bool {
		if rep.ByUnit[i].N != rep.ByUnit[j].N {
			return rep.ByUnit[i].N > rep.ByUnit[j].N
		}
		return rep.ByUnit[i].Label < rep.ByUnit[j].Label
	})
	for _, pt := range v.Parts {
		if pt.Level != "dieu" {
			continue
		}
		if list := byArticle[pt.Key]; len(list) > 0 {
			rep.Articles = append(rep.Articles, ArticleBlock{Ref: pt.Ref(), Heading: pt.Heading, Key: pt.Key, Comments: list})
		}
	}
	return rep, nil
}

// Summary is the JSON view of a draft for the API.
type Summary struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	Kind       string `json:"kind"`
	UnitID     int64  `json:"unit_id"`
	Unit       string `json:"unit"`
	Drafter    string `json:"drafter"`
	Head       string `json:"accountable_head"`
	Versions   int    `json:"versions"`
	RoundState string `json:"latest_round_state,omitempty"` // upcoming | open | closed
	ClosesAt   string `json:"latest_round_closes_at,omitempty"`
	Comments   int    `json:"latest_round_comments"`
	Unanswered int    `json:"latest_round_unanswered"`
	UpdatedAt  string `json:"updated_at"`
}

// Summaries lists the drafts the principal may see for the API.
func (s *Service) Summaries(ctx context.Context, p *org.Principal) ([]Summary, error) {
	ds, err := s.List(ctx, p, "", 500)
	if err != nil {
		return nil, err
	}
	now := s.DB.Now()
	out := make([]Summary, 0, len(ds))
	for _, d := range ds {
		x := Summary{ID: d.ID, Title: d.Title, Kind: d.Kind, UnitID: d.UnitID, Unit: d.UnitName, Drafter: d.DrafterName, Head: d.HeadName, Versions: d.Versions, UpdatedAt: d.UpdatedAt}
		if r := d.LatestRound; r != nil {
			x.RoundState, x.ClosesAt, x.Comments, x.Unanswered = r.State(now), r.ClosesAt, r.Comments, r.Unanswered
		}
		out = append(out, x)
	}
	return out, nil
}

var _ = apperr.Invalid
var _ = sqldb.FormatTime
