package petition

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Filter selects petitions for the staff list. Every field is optional.
type Filter struct {
	Kind         string
	State        string // a State, or "open" for every open petition
	Deadline     string // on-time | due-soon | overdue
	UnitID       int64  // subtree of this unit
	LeadPersonID int64
	Channel      string
	From, To     string // received between (YYYY-MM-DD)
	Query        string // search without diacritics in subject and content
	After        string // keyset cursor ("Trang sau")
	Limit        int
}

// Page is one page of the list.
type Page struct {
	Petitions []Petition
	Next      string // cursor of the next page, "" at the end
}

func encodeCursor(due string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(due + "|" + itoa64(id)))
}

func decodeCursor(s string) (string, int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, false
	}
	due, id, ok := strings.Cut(string(b), "|")
	if !ok || len(due) != 10 {
		return "", 0, false
	}
	var n int64
	if _, err := fmt.Sscan(id, &n); err != nil {
		return "", 0, false
	}
	return due, n, true
}

// Find lists the petitions p may see, nearest deadline first, with keyset pagination.
// Denouncers' identities are always masked in lists (they show on the petition's page
// to those allowed). Errors: NotFound (unit outside reach), Invalid (bad cursor).
func (s *Service) Find(ctx context.Context, p *org.Principal, f Filter) (Page, error) {
	var where []string
	var args []any
	scope := p.Scope(org.ViewPetition)
	var unit *org.Unit
	if f.UnitID != 0 {
		u, err := org.GetUnit(ctx, s.DB, f.UnitID)
		if err != nil || (!scope.Contains(u.Path) && !scope.Empty()) {
			return Page{}, apperr.New(apperr.NotFound, "petition.Find", "Không tìm thấy đơn vị.")
		}
		unit = &u
	}
	// For a wide subtree, walking the deadline index in order and filtering inside it
	// finds a page sooner than reading the whole subtree and sorting it; SQLite is told so
	// by not offering it the path index (+col). PostgreSQL's planner weighs the LIMIT itself.
	col := "p.unit_path"
	if s.DB.Dialect() == sqldb.SQLite && broadFilter(f) && s.wideSubtree(ctx, scope, unit) {
		col = "+p.unit_path"
	}
	switch {
	case scope.Empty():
		if p.IsZero() || p.PersonID == 0 {
			return Page{}, nil
		}
		where = append(where, `p.id IN (SELECT petition_id FROM petition_people WHERE person_id = ?)`)
		args = append(args, p.PersonID)
		if unit != nil {
			where = append(where, col+` >= ? AND `+col+` < ?`)
			args = append(args, unit.Path, sqldb.PathEnd(unit.Path))
		}
	case unit != nil:
		// The unit lies in the scope (checked above): its range alone, so the planner
		// takes the narrow range.
		where = append(where, col+` >= ? AND `+col+` < ?`)
		args = append(args, unit.Path, sqldb.PathEnd(unit.Path))
	default:
		c, a := scope.SQL(col)
		where = append(where, c)
		args = append(args, a...)
	}
	if f.Kind != "" {
		where = append(where, `p.kind = ?`)
		args = append(args, f.Kind)
	}
	switch {
	case f.State == "open":
		where = append(where, `p.open = TRUE`)
	case f.State != "":
		where = append(where, `p.state = ?`)
		args = append(args, f.State)
	}
	today := s.today()
	// Closed and suspended petitions store NoDue, so a date range selects open ones only
	// and stays a range of the deadline index.
	switch f.Deadline {
	case string(work.Overdue):
		where = append(where, `p.due_on < ?`)
		args = append(args, today.String())
	case string(work.DueSoon):
		where = append(where, `p.due_on >= ? AND p.due_on <= ?`)
		args = append(args, today.String(), s.DueSoonLimit(today).String())
	case string(work.OnTime):
		where = append(where, `p.due_on > ? AND p.due_on < ?`)
		args = append(args, s.DueSoonLimit(today).String(), noDue)
	}
	if f.LeadPersonID != 0 {
		where = append(where, `p.lead_person_id = ?`)
		args = append(args, f.LeadPersonID)
	}
	if f.Channel != "" {
		where = append(where, `p.channel = ?`)
		args = append(args, f.Channel)
	}
	if f.From != "" {
		where = append(where, `p.received_on >= ?`)
		args = append(args, f.From)
	}
	if f.To != "" {
		where = append(where, `p.received_on <= ?`)
		args = append(args, f.To)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if c, ok := NormalizeCode(q); ok {
			where = append(where, `p.code = ?`)
			args = append(args, c)
		} else {
			where = append(where, `p.search_fold LIKE ? ESCAPE '\'`)
			args = append(args, search.LikePattern(q))
		}
	}
	if f.After != "" {
		due, id, ok := decodeCursor(f.After)
		if !ok {
			return Page{}, apperr.New(apperr.Invalid, "petition.Find", "Đường dẫn trang sau không hợp lệ.")
		}
		where = append(where, `(p.due_on > ? OR (p.due_on = ? AND p.id > ?))`)
		args = append(args, due, due, id)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	// The page is chosen on the indexes alone (ids in deadline order), then its rows read.
	q := `SELECT ` + petitionCols + petitionFrom + ` WHERE p.id IN (SELECT p.id FROM petitions p WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY p.due_on, p.id LIMIT %d) ORDER BY p.due_on, p.id`, f.Limit+1)
	query := s.DB.QueryContext
	if strings.TrimSpace(f.Query) != "" {
		query = s.DB.QueryPlanned // the best plan depends on the words (see sqldb.QueryPlanned)
	}
	rows, err := query(ctx, q, args...)
	if err != nil {
		return Page{}, apperr.Wrap("petition.Find", err)
	}
	defer rows.Close()
	var out Page
	cal := s.Calendar()
	for rows.Next() {
		pt, err := scanPetition(rows)
		if err != nil {
			return Page{}, apperr.Wrap("petition.Find", err)
		}
		if pt.Confidential() {
			pt.mask()
		}
		_, pt.Badge = badgeFor(cal, pt.DueOn, today, !pt.Open)
		if !pt.Open {
			pt.Badge.Label = pt.State.Label()
		}
		out.Petitions = append(out.Petitions, pt)
	}
	if err := rows.Err(); err != nil {
		return Page{}, apperr.Wrap("petition.Find", err)
	}
	if len(out.Petitions) > f.Limit {
		out.Petitions = out.Petitions[:f.Limit]
		last := out.Petitions[f.Limit-1]
		due := last.DueOn
		if due == "" {
			due = noDue
		}
		out.Next = encodeCursor(due, last.ID)
	}
	return out, nil
}

// broadFilter reports whether the filter keeps a large share of a subtree (kind, channel,
// deadline, words, the common states), so that walking deadlines in order finds a page
// fast; a lead person or a rare state is better served by its own index.
func broadFilter(f Filter) bool {
	if f.LeadPersonID != 0 {
		return false
	}
	switch State(f.State) {
	case "", "open", Closed, Resolved:
		return true
	}
	return false
}

// wideRows is the number of dashboard counter rows (one per handling unit, month and
// kind) from which a subtree counts as wide: about 20 agencies' two years, some 20.000
// petitions.
const wideRows = 1500

// wideSubtree reports whether the list's subtree holds many petitions, by counting at
// most wideRows of its counter rows (a bounded index range).
func (s *Service) wideSubtree(ctx context.Context, scope org.Scope, unit *org.Unit) bool {
	paths := scope.Paths
	if unit != nil {
		paths = []string{unit.Path}
	}
	n := 0
	for _, p := range paths {
		k, err := s.DB.CountUpTo(ctx, wideRows, `petition_stats WHERE unit_path >= ? AND unit_path < ?`, p, sqldb.PathEnd(p))
		if err != nil {
			return false
		}
		if n += k; n >= wideRows {
			return true
		}
	}
	return false
}

// Duplicate is a petition that may be the same matter as another.
type Duplicate struct {
	ID         int64
	Code       string
	Kind       Kind
	State      State
	ReceivedOn string
	Subject    string
	CaseID     int64
	Reason     string // why it matched, without the matching value
}

// DisplayCode is the code in groups.
func (d Duplicate) DisplayCode() string { return FormatCode(d.Code) }

// Duplicates finds petitions p may see with the same ID number or phone, or the same
// content after folding, excluding excludeID. The reasons never quote the identity.
func (s *Service) Duplicates(ctx context.Context, p *org.Principal, sender Sender, content string, excludeID int64) ([]Duplicate, error) {
	scope := p.Scope(org.ViewPetition)
	if scope.Empty() {
		return nil, nil
	}
	cond, cargs := scope.SQL("p.unit_path")
	// In a large scope each probe reads its own index newest first and stops at 20, and
	// SQLite is told so: a content shared by many petitions (a mass petition, or the 12
	// texts of danvan gen, 41.000 petitions each) made its planner read the scope's path
	// range instead — the whole register for the upper committee, 3 s of CPU on every
	// petition page. A small scope (an agency's) is best read by its path range, the
	// planner's own choice. The partial indexes need their condition spelled out.
	type probe struct {
		col, index, val, reason string
	}
	var probes []probe
	if id := digits(sender.IDNo); id != "" {
		probes = append(probes, probe{"p.sender_idno", "petitions_idno", id, "Cùng số căn cước của người gửi"})
	}
	if ph := digits(sender.Phone); len(ph) >= 9 {
		probes = append(probes, probe{"p.phone_key", "petitions_phone", ph, "Cùng số điện thoại của người gửi"})
	}
	if ck := ContentKey(content); len(ck) >= 20 {
		probes = append(probes, probe{"p.content_key", "petitions_content_key", ck, "Nội dung gần như trùng khớp"})
	}
	large := false
	if len(probes) > 0 {
		var err error
		if large, err = s.DB.HintNeeded(ctx, duplicateScopeLarge, `petitions p WHERE `+cond, cargs...); err != nil {
			return nil, apperr.Wrap("petition.Duplicates", err)
		}
	}
	seen := map[int64]int{}
	var out []Duplicate
	for _, pr := range probes {
		hint := ""
		if large {
			hint = s.DB.IndexedBy(pr.index)
		}
		rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.code, p.kind, p.state, p.received_on, p.subject, COALESCE(p.case_id, 0) FROM petitions p`+hint+`
			WHERE `+pr.col+` = ? AND `+pr.col+` <> '' AND p.id <> ? AND `+cond+` ORDER BY p.id DESC LIMIT 20`,
			append([]any{pr.val, excludeID}, cargs...)...)
		if err != nil {
			return nil, apperr.Wrap("petition.Duplicates", err)
		}
		for rows.Next() {
			var d Duplicate
			if err := rows.Scan(&d.ID, &d.Code, &d.Kind, &d.State, &d.ReceivedOn, &d.Subject, &d.CaseID); err != nil {
				rows.Close()
				return nil, apperr.Wrap("petition.Duplicates", err)
			}
			if i, ok := seen[d.ID]; ok {
				out[i].Reason += "; " + strings.ToLower(pr.reason)
				continue
			}
			d.Reason = pr.reason
			seen[d.ID] = len(out)
			out = append(out, d)
		}
		rows.Close()
	}
	return out, nil
}

// duplicateScopeLarge is the number of petitions above which a scope's duplicate search
// reads each probe's index rather than the scope's path range (a variable so the tests
// run both ways).
var duplicateScopeLarge = 2000

// DuplicatesOf finds the possible duplicates of a stored petition (using its unmasked
// sender, never shown).
func (s *Service) DuplicatesOf(ctx context.Context, p *org.Principal, id int64) ([]Duplicate, error) {
	pt, err := loadPetition(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !s.canView(ctx, s.DB, p, &pt) {
		return nil, notFound("petition.DuplicatesOf")
	}
	return s.Duplicates(ctx, p, pt.Sender, pt.Content, id)
}

// CaseMembers lists the petitions of a case file.
func (s *Service) CaseMembers(ctx context.Context, p *org.Principal, caseID int64) ([]Duplicate, error) {
	if caseID == 0 {
		return nil, nil
	}
	scope := p.Scope(org.ViewPetition)
	cond, cargs := scope.SQL("p.unit_path")
	rows, err := s.DB.QueryContext(ctx, `SELECT p.id, p.code, p.kind, p.state, p.received_on, p.subject, COALESCE(p.case_id, 0) FROM petitions p WHERE p.case_id = ? AND `+cond+` ORDER BY p.received_on, p.id`,
		append([]any{caseID}, cargs...)...)
	if err != nil {
		return nil, apperr.Wrap("petition.CaseMembers", err)
	}
	defer rows.Close()
	var out []Duplicate
	for rows.Next() {
		var d Duplicate
		if err := rows.Scan(&d.ID, &d.Code, &d.Kind, &d.State, &d.ReceivedOn, &d.Subject, &d.CaseID); err != nil {
			return nil, apperr.Wrap("petition.CaseMembers", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Link puts two petitions into one case file (hồ sơ vụ việc), creating it when neither
// has one; when both have one, the other's case is merged into this one's.
// Errors: NotFound, Forbidden, Invalid.
func (s *Service) Link(ctx context.Context, p *org.Principal, id, otherID int64) (int64, error) {
	if id == otherID {
		return 0, apperr.New(apperr.Invalid, "petition.Link", "Hãy chọn một đơn khác để gộp hồ sơ.")
	}
	var caseID int64
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		a, err := loadPetition(ctx, tx, id)
		if err != nil {
			return err
		}
		b, err := loadPetition(ctx, tx, otherID)
		if err != nil {
			return err
		}
		if !CanHandle(p, &a) || !CanHandle(p, &b) {
			return notFound("petition.Link")
		}
		caseID = a.CaseID
		if caseID == 0 {
			caseID = b.CaseID
		}
		if caseID == 0 {
			caseID, err = tx.InsertID(ctx, `INSERT INTO petition_cases (unit_path, title, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
				a.UnitPath, shorten(a.Subject, 200), nullID(p.UserID), sqldb.FormatTime(tx.Now()))
			if err != nil {
				return err
			}
		}
		for _, old := range []int64{a.CaseID, b.CaseID} {
			if old != 0 && old != caseID {
				if _, err := tx.ExecContext(ctx, `UPDATE petitions SET case_id = ? WHERE case_id = ?`, caseID, old); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE petitions SET case_id = ? WHERE id IN (?, ?)`, caseID, id, otherID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: a.UnitID, Entity: "petition", EntityID: id, Action: "link",
			Summary: "Gộp đơn " + FormatCode(a.Code) + " và " + FormatCode(b.Code) + " vào hồ sơ vụ việc số " + itoa64(caseID),
			After:   map[string]int64{"case_id": caseID, "other_id": otherID}})
	})
	return caseID, apperr.Wrap("petition.Link", err)
}

// History is the audit trail of a petition, for the staff page. The log never holds the
// sender's identity (see snapshot).
func (s *Service) History(ctx context.Context, p *org.Principal, id int64) ([]audit.Row, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := audit.ForEntity(ctx, s.DB, "petition", id, 200)
	if err != nil {
		return nil, err
	}
	// Oldest first, like a story.
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows, nil
}
