package democracy

// The overview for the upper committee: per agency of a subtree, this year's conference
// (held on time, late, overdue or not planned), disclosures overdue, the board (in term,
// out of term, missing, not required) and the resolution commitments overdue. A fixed
// number of grouped queries whatever the size of the subtree.

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// DisclosureCounter counts overdue disclosures per agency unit id within the subtree
// whose unit path starts with scopePath (the disclosures register implements it).
type DisclosureCounter interface {
	OverdueByAgency(ctx context.Context, scopePath string, asOf time.Time) (map[int64]int, error)
}

// Board states in the overview.
const (
	BoardInTerm      = "in-term"
	BoardOutOfTerm   = "out-of-term"
	BoardMissing     = "missing"
	BoardNotRequired = "not-required"
)

// BoardStateLabel names a board state.
func BoardStateLabel(s string) string {
	switch s {
	case BoardInTerm:
		return "Trong nhiệm kỳ"
	case BoardOutOfTerm:
		return "Hết nhiệm kỳ"
	case BoardMissing:
		return "Chưa có Ban"
	case BoardNotRequired:
		return "Không phải thành lập"
	}
	return s
}

// OverviewRow is one agency of the overview.
type OverviewRow struct {
	UnitID             int64  `json:"unit_id"`
	UnitName           string `json:"unit_name"`
	Staff              int    `json:"staff"`
	ConferenceID       int64  `json:"conference_id,omitempty"`
	Conference         string `json:"conference"` // on-time | late | waiting | overdue | missing | unplanned
	ConferenceLabel    string `json:"conference_label"`
	HeldOn             string `json:"held_on,omitempty"`
	DueOn              string `json:"due_on"`
	DisclosuresOverdue int    `json:"disclosures_overdue"`
	BoardID            int64  `json:"board_id,omitempty"`
	Board              string `json:"board"`
	BoardLabel         string `json:"board_label"`
	BoardTermEnd       string `json:"board_term_end,omitempty"`
	Commitments        int    `json:"commitments"`
	CommitmentsOverdue int    `json:"commitments_overdue"`
}

// ConferenceLate reports whether the conference is late or missing.
func (r OverviewRow) ConferenceLate() bool {
	return r.Conference == "late" || r.Conference == "overdue" || r.Conference == "missing"
}

// BoardProblem reports whether the board is missing or out of term.
func (r OverviewRow) BoardProblem() bool { return r.Board == BoardMissing || r.Board == BoardOutOfTerm }

// Overview is the table of a subtree for a year.
type Overview struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Year     int    `json:"year"`
	AsOf     string `json:"as_of"`
	// StaffCountedAt is when the staff counts of a large scope were counted (sqldb.FormatTime),
	// empty when they were counted for this answer; see staffCacheAge.
	StaffCountedAt  string        `json:"staff_counted_at,omitempty"`
	DisclosuresKnow bool          `json:"disclosures_counted"`
	Rows            []OverviewRow `json:"agencies"`
	// Totals.
	ConferencesLate    int `json:"conferences_late_or_missing"`
	DisclosuresOverdue int `json:"disclosures_overdue"`
	BoardsProblem      int `json:"boards_missing_or_out_of_term"`
	CommitmentsOverdue int `json:"commitments_overdue"`
}

// Overview computes the table for the subtree of unitID and the conference year (0: this
// year). Errors: NotFound (the unit is out of p's reach).
func (s *ConferenceService) Overview(ctx context.Context, p *org.Principal, unitID int64, year int) (Overview, error) {
	const op = "democracy.Overview"
	u, err := org.GetUnit(ctx, s.DB, unitID)
	if err != nil || !p.CanPath(org.ViewConference, u.Path) {
		return Overview{}, apperr.New(apperr.NotFound, op, "")
	}
	now := s.DB.Now()
	today := work.Today(now)
	if year == 0 {
		year = now.In(work.VietnamZone).Year()
	}
	ov := Overview{UnitID: u.ID, UnitName: u.Name, Year: year, AsOf: today}
	rules, err := RulesOn(ctx, s.DB, fmt.Sprintf("%d-01-01", year))
	if err != nil {
		return ov, err
	}
	lo, hi := u.Path, sqldb.PathEnd(u.Path)
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, path FROM units WHERE kind = ? AND valid_to = '' AND path >= ? AND path < ? ORDER BY name, id`, string(org.KindAgency), lo, hi)
	if err != nil {
		return ov, apperr.Wrap(op, err)
	}
	index := map[int64]int{}
	var paths []string
	for rows.Next() {
		var r OverviewRow
		var path string
		if err := rows.Scan(&r.UnitID, &r.UnitName, &path); err != nil {
			rows.Close()
			return ov, apperr.Wrap(op, err)
		}
		r.DueOn = rules.DueOn(year)
		index[r.UnitID] = len(ov.Rows)
		ov.Rows = append(ov.Rows, r)
		paths = append(paths, path)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ov, apperr.Wrap(op, err)
	}
	if len(ov.Rows) == 0 {
		return ov, nil
	}
	// Staff per agency: one range count per agency through the people path index, in a
	// single statement.
	if err := s.staffCounts(ctx, &ov, index, lo, hi, now); err != nil {
		return ov, err
	}
	// Conferences of the year.
	crows, err := s.DB.QueryContext(ctx, `SELECT unit_id, id, held_on, due_on FROM conferences WHERE year = ? AND unit_path >= ? AND unit_path < ?`, year, lo, hi)
	if err != nil {
		return ov, apperr.Wrap(op, err)
	}
	for crows.Next() {
		var uid, id int64
		var held, due string
		if err := crows.Scan(&uid, &id, &held, &due); err != nil {
			crows.Close()
			return ov, apperr.Wrap(op, err)
		}
		if i, ok := index[uid]; ok {
			r := &ov.Rows[i]
			r.ConferenceID, r.HeldOn, r.DueOn = id, held, due
			r.Conference = Conference{HeldOn: held, DueOn: due}.Timeliness(today)
		}
	}
	crows.Close()
	// Boards: the latest per agency.
	brows, err := s.DB.QueryContext(ctx, `SELECT b.unit_id, b.id, b.term_end FROM boards b WHERE b.unit_path >= ? AND b.unit_path < ?
		AND NOT EXISTS (SELECT 1 FROM boards b2 WHERE b2.unit_id = b.unit_id AND (b2.elected_on > b.elected_on OR (b2.elected_on = b.elected_on AND b2.id > b.id)))`, lo, hi)
	if err != nil {
		return ov, apperr.Wrap(op, err)
	}
	for brows.Next() {
		var uid, id int64
		var end string
		if err := brows.Scan(&uid, &id, &end); err != nil {
			brows.Close()
			return ov, apperr.Wrap(op, err)
		}
		if i, ok := index[uid]; ok {
			ov.Rows[i].BoardID, ov.Rows[i].BoardTermEnd = id, end
		}
	}
	brows.Close()
	// Commitments with a task: all, and open past their task's due date, from the
	// commitment's own copy of its task's state (migration 0570); a commitment's path is
	// its agency's.
	byPath := make(map[string]int, len(paths))
	for i, p := range paths {
		byPath[p] = i
	}
	mrows, err := s.DB.QueryContext(ctx, `SELECT cm.unit_path, COUNT(*), COALESCE(SUM(CASE WHEN cm.task_status <> 'done' AND cm.task_due_on < ? THEN 1 ELSE 0 END), 0)
		FROM conference_commitments cm WHERE cm.unit_path >= ? AND cm.unit_path < ? AND cm.task_status <> '' GROUP BY cm.unit_path`, today, lo, hi)
	if err != nil {
		return ov, apperr.Wrap(op, err)
	}
	for mrows.Next() {
		var path string
		var total, late int
		if err := mrows.Scan(&path, &total, &late); err != nil {
			mrows.Close()
			return ov, apperr.Wrap(op, err)
		}
		if i, ok := byPath[path]; ok {
			ov.Rows[i].Commitments, ov.Rows[i].CommitmentsOverdue = total, late
		}
	}
	mrows.Close()
	if err := mrows.Err(); err != nil {
		return ov, apperr.Wrap(op, err)
	}
	if s.Disclosures != nil {
		counts, err := s.Disclosures.OverdueByAgency(ctx, u.Path, now)
		if err != nil {
			return ov, err
		}
		ov.DisclosuresKnow = true
		for uid, n := range counts {
			if i, ok := index[uid]; ok {
				ov.Rows[i].DisclosuresOverdue = n
			}
		}
	}
	for i := range ov.Rows {
		r := &ov.Rows[i]
		if r.Conference == "" {
			r.Conference = "unplanned"
			if today > r.DueOn {
				r.Conference = "missing"
			}
		}
		r.ConferenceLabel = TimelinessLabel(r.Conference)
		switch {
		case r.BoardID != 0 && today < r.BoardTermEnd:
			r.Board = BoardInTerm
		case r.Staff < rules.BoardStaffMin:
			r.Board = BoardNotRequired
		case r.BoardID != 0:
			r.Board = BoardOutOfTerm
		default:
			r.Board = BoardMissing
		}
		r.BoardLabel = BoardStateLabel(r.Board)
		if r.ConferenceLate() {
			ov.ConferencesLate++
		}
		if r.BoardProblem() {
			ov.BoardsProblem++
		}
		ov.DisclosuresOverdue += r.DisclosuresOverdue
		ov.CommitmentsOverdue += r.CommitmentsOverdue
	}
	return ov, nil
}

// Staff counts of a scope with more than staffLiveAgencies agencies are kept for
// staffCacheAge: counting them reads every person of the scope (a million for the whole
// tree: 0,3–0,5 s on SQLite, docs/PERFORMANCE.md "Dân chủ cơ sở"), while an agency's
// staff moves slowly and only decides whether a board is required; the page says when
// they were counted. Smaller scopes are counted on every request.
const (
	staffLiveAgencies = 200
	staffCacheAge     = 10 * time.Minute
)

type staffCache struct {
	mu sync.Mutex
	m  map[string]staffEntry // by scope path
}

type staffEntry struct {
	at     time.Time
	agency map[int64]int // staff per agency id
}

// staffCounts fills each row's staff: people are counted by the agency that holds their
// home unit, found from the unit's path (the agency is the nearest ancestor of kind cơ
// quan), in one grouped query over the subtree's units.
func (s *ConferenceService) staffCounts(ctx context.Context, ov *Overview, index map[int64]int, lo, hi string, now time.Time) error {
	staff, at, err := s.agencyStaff(ctx, index, lo, hi, now)
	if err != nil {
		return err
	}
	for i, n := range staff {
		ov.Rows[i].Staff = n
	}
	ov.StaffCountedAt = at
	return nil
}

// agencyStaff counts the staff of the agencies of a scope: index maps every current
// agency of the scope (all of them, whatever the reader sees, so each person lands in
// their deepest agency) to its position in the answer. countedAt is set when the counts
// come from the kept counts of a large scope (sqldb.FormatTime of when they were counted).
func (s *ConferenceService) agencyStaff(ctx context.Context, index map[int64]int, lo, hi string, now time.Time) (staff []int, countedAt string, err error) {
	staff = make([]int, len(index))
	large := len(index) > staffLiveAgencies
	if large {
		s.staff.mu.Lock()
		c, ok := s.staff.m[lo]
		s.staff.mu.Unlock()
		if ok && now.Sub(c.at) < staffCacheAge && now.Sub(c.at) >= 0 {
			for id, n := range c.agency {
				if i, ok := index[id]; ok {
					staff[i] = n
				}
			}
			return staff, sqldb.FormatTime(c.at), nil
		}
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT p.unit_path, COUNT(*) FROM people p WHERE p.unit_path >= ? AND p.unit_path < ? GROUP BY p.unit_path`, lo, hi)
	if err != nil {
		return nil, "", apperr.Wrap("democracy.agencyStaff", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path string
		var n int
		if err := rows.Scan(&path, &n); err != nil {
			return nil, "", apperr.Wrap("democracy.agencyStaff", err)
		}
		// The deepest agency on the path holds the person.
		ids := org.PathIDs(path)
		for j := len(ids) - 1; j >= 0; j-- {
			if i, ok := index[ids[j]]; ok {
				staff[i] += n
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", apperr.Wrap("democracy.agencyStaff", err)
	}
	if large {
		c := staffEntry{at: now, agency: make(map[int64]int, len(index))}
		for id, i := range index {
			c.agency[id] = staff[i]
		}
		s.staff.mu.Lock()
		if s.staff.m == nil {
			s.staff.m = map[string]staffEntry{}
		}
		for k, old := range s.staff.m { // forget stale scopes: the map stays small
			if now.Sub(old.at) >= staffCacheAge {
				delete(s.staff.m, k)
			}
		}
		s.staff.m[lo] = c
		s.staff.mu.Unlock()
		countedAt = sqldb.FormatTime(now)
	}
	return staff, countedAt, nil
}

// YearLabel is the year as text.
func (o Overview) YearLabel() string { return strconv.Itoa(o.Year) }
