package inspection

// Coverage across the tree: which units of a committee's subtree were inspected or
// supervised on which topics in the last N years, which were never, and how far each
// unit carried out the recommendations made to it. Three queries whatever the size of
// the subtree; the page shows a page of rows, the chart, totals and the .xlsx keep all.
//
// Rights: the reader must view inspections on the committee's unit (its subtree then is
// all in reach: ViewInspection on a unit covers every unit below). A team member from
// outside has no coverage of a tree that is not theirs.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// CoverageKinds are the unit kinds a coverage lists for a scope of the given kind: the
// units expected to be inspected or supervised from that level, each either covered
// (a target of a round in the period) or never covered. From an upper committee
// (đảng bộ cấp trên): the committees below it and the agencies (the agency node holds
// its base committee, cells and mass organisations, and is what a round on "the
// democracy rules at agency 1" targets). From an agency or anything inside one: its
// party committees, cells and mass organisations. A round an upper committee aims at a
// unit inside an agency shows in that agency's own coverage, not in the upper one's: a
// list of every cell of the tree would drown the agencies that matter, and reading the
// targets by kind keeps the whole tree to one index range per kind.
func CoverageKinds(scope org.UnitKind) []org.UnitKind {
	if scope == org.KindUpperCommittee {
		return []org.UnitKind{org.KindUpperCommittee, org.KindAgency}
	}
	return []org.UnitKind{org.KindBaseCommittee, org.KindPartCommittee, org.KindCell, org.KindTradeUnion, org.KindYouthUnion, org.KindVeterans, org.KindWomen}
}

// CoverageRow is one unit that was a target in the period.
type CoverageRow struct {
	UnitID int64
	Name   string
	Path   string
	Kind   org.UnitKind
	Rounds int    // distinct rounds about it
	Topics []int  // rounds per topic, in the order of Coverage.Topics
	LastOn string // the latest round's start
	// Recommendations of the conclusions issued in the period.
	Recs, Done, Overdue, Carried int
}

// Rate is the share of the recommendations done, carried-over ones left out, in
// percent; ok is false when there is none to count.
func (r CoverageRow) Rate() (pct float64, ok bool) {
	n := r.Recs - r.Carried
	if n <= 0 {
		return 0, false
	}
	return float64(r.Done) * 100 / float64(n), true
}

// UnitRef is a unit of a list.
type UnitRef struct {
	ID   int64
	Name string
	Path string
	Kind org.UnitKind
}

// Coverage is the answer for a committee and a number of years.
type Coverage struct {
	UnitID   int64
	UnitName string
	UnitPath string
	Years    int
	From, To string // the period, YYYY-MM-DD: N years back from today
	Topics   []Topic
	Kinds    []org.UnitKind // the kinds listed (CoverageKinds of the unit's kind)
	Rows     []CoverageRow  // units covered, by name
	Never    []UnitRef      // units never covered in the period, by name
	Eligible int            // units of Kinds in the subtree (the unit itself excluded)
	// ByTopic[i] counts the units covered on Topics[i] by the item's kind: kiểm tra,
	// giám sát chuyên đề, giám sát thường xuyên.
	ByTopic [][3]int
	// Totals over Rows.
	Rounds, Recs, Done, Overdue, Carried int
	// ComputedAt is when the figures were computed (sqldb.FormatTime): a large scope's
	// coverage is kept a few minutes (coverageCacheAge), and the page says so.
	ComputedAt string
}

// Covered is the number of eligible units covered (Eligible − len(Never)).
func (c Coverage) Covered() int { return c.Eligible - len(c.Never) }

// Rate is the whole subtree's completion rate (see CoverageRow.Rate).
func (c Coverage) Rate() (float64, bool) {
	return CoverageRow{Recs: c.Recs, Done: c.Done, Carried: c.Carried}.Rate()
}

// MaxCoverageYears bounds the look-back.
const MaxCoverageYears = 10

func kindIndex(k string) int {
	switch k {
	case KindInspect:
		return 0
	case KindThematic:
		return 1
	}
	return 2
}

// Coverage computes the coverage of the subtree of unitID over the last years years (0:
// 5). Errors: NotFound (the unit is out of reach), Invalid (years).
func (s *Service) Coverage(ctx context.Context, p *org.Principal, unitID int64, years int) (Coverage, error) {
	const op = "inspection.Coverage"
	if years == 0 {
		years = 5
	}
	if years < 1 || years > MaxCoverageYears {
		var v apperr.Validation
		v.Op = op
		v.Add("years", fmt.Sprintf("Số năm phải từ 1 đến %d.", MaxCoverageYears))
		return Coverage{}, v.Err()
	}
	u, err := org.GetUnit(ctx, s.DB, unitID)
	if err != nil || !p.CanPath(org.ViewInspection, u.Path) {
		return Coverage{}, apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị.")
	}
	now := s.DB.Now()
	key := fmt.Sprintf("%s|%d|%s", u.Path, years, work.Today(now))
	if c, ok := s.coverage.get(key, now, s.CoverageCacheAge); ok {
		return c, nil
	}
	c, err := s.computeCoverage(ctx, u, years, now)
	if err == nil && c.Eligible > coverageLiveUnits {
		s.coverage.put(key, c, now, s.CoverageCacheAge)
	}
	return c, err
}

// A coverage listing more than coverageLiveUnits units (the whole tree lists its 5.552
// agencies and upper committees) is kept for CoverageCacheAge (default 5 minutes): it
// reads every listed unit's rounds and every recommendation's task (0,11 s of CPU on
// SQLite, 0,2 s on PostgreSQL at national size), while rounds open a few times a
// month and the page says when it was computed. Rights are checked before the cache:
// the answer does not depend on who asks once they may see the unit.
const (
	coverageLiveUnits = 1000
	coverageCacheAge  = 5 * time.Minute
)

type coverageCache struct {
	mu sync.Mutex
	m  map[string]Coverage // by unit path, years and day
}

func (c *coverageCache) get(key string, now time.Time, age time.Duration) (Coverage, bool) {
	if age == 0 {
		age = coverageCacheAge
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	if !ok || age < 0 {
		return Coverage{}, false
	}
	at := sqldb.ParseTime(v.ComputedAt)
	if d := now.Sub(at); d < 0 || d >= age {
		delete(c.m, key)
		return Coverage{}, false
	}
	return v, true
}

func (c *coverageCache) put(key string, v Coverage, now time.Time, age time.Duration) {
	if age < 0 {
		return
	}
	if age == 0 {
		age = coverageCacheAge
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]Coverage{}
	}
	for k, old := range c.m { // forget stale scopes: the map stays small
		if now.Sub(sqldb.ParseTime(old.ComputedAt)) >= age {
			delete(c.m, k)
		}
	}
	c.m[key] = v
}

func (s *Service) computeCoverage(ctx context.Context, u org.Unit, years int, now time.Time) (Coverage, error) {
	const op = "inspection.Coverage"
	today := work.Today(now)
	t, _ := time.Parse(sqldb.DateLayout, today)
	c := Coverage{UnitID: u.ID, UnitName: u.Name, UnitPath: u.Path, Years: years, From: t.AddDate(-years, 0, 1).Format(sqldb.DateLayout), To: today,
		ComputedAt: sqldb.FormatTime(now)}
	var err error
	if c.Topics, err = s.Topics(ctx); err != nil {
		return c, err
	}
	topicAt := map[int64]int{}
	for i, tp := range c.Topics {
		topicAt[tp.ID] = i
	}
	c.ByTopic = make([][3]int, len(c.Topics))
	lo, hi := u.Path, sqldb.PathEnd(u.Path)
	c.Kinds = CoverageKinds(u.Kind)
	kinds := make([]any, 0, len(c.Kinds))
	for _, k := range c.Kinds {
		kinds = append(kinds, string(k))
	}
	// Every query starts from the listed units of the subtree, one range of
	// units_kind_path (kind, path, name) per kind, and probes each unit's targets and
	// recommendations by unit id (migration 0741): the whole tree reads its 5.500
	// agencies and committees, not the 50.000 targets of every cell's supervision.
	units := ` FROM units u WHERE u.kind IN (` + sqldb.Placeholders(len(kinds)) + `) AND u.valid_to = '' AND u.path > ? AND u.path < ?`
	unitArgs := append(append([]any{}, kinds...), lo, hi)
	byUnit := map[int64]*CoverageRow{}
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.name, u.path, u.kind`+units, unitArgs...)
	if err != nil {
		return c, apperr.Wrap(op, err)
	}
	var listed []*CoverageRow
	for rows.Next() {
		r := &CoverageRow{Topics: make([]int, len(c.Topics))}
		var kind string
		if err := rows.Scan(&r.UnitID, &r.Name, &r.Path, &kind); err != nil {
			rows.Close()
			return c, apperr.Wrap(op, err)
		}
		r.Kind = org.UnitKind(kind)
		byUnit[r.UnitID] = r
		listed = append(listed, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(op, err)
	}
	c.Eligible = len(listed)

	// Targets of the period's rounds, grouped by unit, topic and kind.
	rows, err = s.DB.QueryContext(ctx, `SELECT t.unit_id, i.topic_id, i.kind, COUNT(*), MAX(r.starts_on)
		FROM units u JOIN inspection_round_targets t ON t.unit_id = u.id JOIN inspection_rounds r ON r.id = t.round_id JOIN inspection_items i ON i.id = r.item_id
		WHERE u.kind IN (`+sqldb.Placeholders(len(kinds))+`) AND u.valid_to = '' AND u.path > ? AND u.path < ? AND r.starts_on >= ? AND r.starts_on <= ?
		GROUP BY t.unit_id, i.topic_id, i.kind`, append(append([]any{}, unitArgs...), c.From, c.To)...)
	if err != nil {
		return c, apperr.Wrap(op, err)
	}
	covered := map[int64]bool{}
	for rows.Next() {
		var uid, topic int64
		var kind, last string
		var n int
		if err := rows.Scan(&uid, &topic, &kind, &n, &last); err != nil {
			rows.Close()
			return c, apperr.Wrap(op, err)
		}
		r := byUnit[uid]
		if r == nil {
			continue
		}
		covered[uid] = true
		r.Rounds += n
		if last > r.LastOn {
			r.LastOn = last
		}
		if i, ok := topicAt[topic]; ok {
			r.Topics[i] += n
			c.ByTopic[i][kindIndex(kind)]++ // one row per unit, topic and kind
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(op, err)
	}

	// Recommendations of the conclusions issued in the period (their task starts on the
	// conclusion's date, so the round need not be read), per target, with their task's
	// state.
	rows, err = s.DB.QueryContext(ctx, `SELECT rc.target_id, COUNT(*),
		COALESCE(SUM(CASE WHEN k.status = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN k.status <> ? AND rc.carried = '' AND k.due_on < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN rc.carried <> '' AND k.status <> ? THEN 1 ELSE 0 END), 0)
		FROM units u JOIN inspection_recommendations rc ON rc.target_id = u.id JOIN tasks k ON k.id = rc.task_id
		WHERE u.kind IN (`+sqldb.Placeholders(len(kinds))+`) AND u.valid_to = '' AND u.path > ? AND u.path < ? AND k.start_on >= ? AND k.start_on <= ?
		GROUP BY rc.target_id`, append(append([]any{plan.StatusDone, plan.StatusDone, today, plan.StatusDone}, unitArgs...), c.From, c.To)...)
	if err != nil {
		return c, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var uid int64
		var n, done, late, carried int
		if err := rows.Scan(&uid, &n, &done, &late, &carried); err != nil {
			rows.Close()
			return c, apperr.Wrap(op, err)
		}
		if r := byUnit[uid]; r != nil {
			r.Recs, r.Done, r.Overdue, r.Carried = n, done, late, carried
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(op, err)
	}
	for _, r := range listed {
		if !covered[r.UnitID] {
			c.Never = append(c.Never, UnitRef{ID: r.UnitID, Name: r.Name, Path: r.Path, Kind: r.Kind})
			continue
		}
		c.Rows = append(c.Rows, *r)
		c.Rounds += r.Rounds
		c.Recs += r.Recs
		c.Done += r.Done
		c.Overdue += r.Overdue
		c.Carried += r.Carried
	}
	sort.Slice(c.Never, func(i, j int) bool {
		if c.Never[i].Name != c.Never[j].Name {
			return c.Never[i].Name < c.Never[j].Name
		}
		return c.Never[i].ID < c.Never[j].ID
	})
	sort.Slice(c.Rows, func(i, j int) bool {
		if c.Rows[i].Name != c.Rows[j].Name {
			return c.Rows[i].Name < c.Rows[j].Name
		}
		return c.Rows[i].UnitID < c.Rows[j].UnitID
	})
	return c, nil
}

// YearsLabel is the look-back in words.
func (c Coverage) YearsLabel() string { return strconv.Itoa(c.Years) + " năm" }
