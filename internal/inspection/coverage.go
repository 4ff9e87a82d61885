package inspection

// Coverage across the tree: which units of a committee's subtree were inspected or
// supervised on which topics in the last N years, which were never, and how far each
// unit carried out the recommendations made to it. A fixed number of grouped queries
// whatever the size of the subtree; the page shows a page of rows, the chart, totals and
// the .xlsx keep all.
//
// Rights: the reader must view inspections on the committee's unit (its subtree then is
// all in reach: ViewInspection on a unit covers every unit below). A team member from
// outside has no coverage of a tree that is not theirs.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// CoverageKinds are the unit kinds expected to be inspected or supervised from above:
// the units "never covered" are those of these kinds that were not a target in the
// period. An upper committee inspects the committees below it and the agencies it leads
// (the agency node holds its base committee, cells and mass organisations, and is what
// a round on "the democracy rules at agency 1" targets). Base committees, cells,
// departments and mass organisations appear in the rows when they were targets (a base
// committee supervising its cells), but their absence is not flagged: a list of every
// cell never supervised would drown the agencies that matter.
var CoverageKinds = []org.UnitKind{org.KindUpperCommittee, org.KindAgency}

// Topic is an inspection topic (inspection_topics).
type Topic struct {
	ID   int64
	Code string
	Name string
}

// Topics lists the active topics in order.
func (s *Service) Topics(ctx context.Context) ([]Topic, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, code, name FROM inspection_topics WHERE active = 1 ORDER BY seq, id`)
	if err != nil {
		return nil, apperr.Wrap("inspection.Topics", err)
	}
	defer rows.Close()
	var out []Topic
	for rows.Next() {
		var t Topic
		if err := rows.Scan(&t.ID, &t.Code, &t.Name); err != nil {
			return nil, apperr.Wrap("inspection.Topics", err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap("inspection.Topics", rows.Err())
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
	// Recommendations of those rounds' conclusions.
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
	Rows     []CoverageRow // units covered, by name
	Never    []UnitRef     // units of CoverageKinds never covered in the period, by name
	Eligible int           // units of CoverageKinds in the subtree (the committee excluded)
	// ByTopic[i] counts the units covered on Topics[i] by the item's kind: kiểm tra,
	// giám sát chuyên đề, giám sát thường xuyên.
	ByTopic [][3]int
	// Totals over Rows.
	Rounds, Recs, Done, Overdue, Carried int
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
	today := work.Today(now)
	t, _ := time.Parse(sqldb.DateLayout, today)
	c := Coverage{UnitID: u.ID, UnitName: u.Name, UnitPath: u.Path, Years: years, From: t.AddDate(-years, 0, 1).Format(sqldb.DateLayout), To: today}
	if c.Topics, err = s.Topics(ctx); err != nil {
		return c, err
	}
	topicAt := map[int64]int{}
	for i, tp := range c.Topics {
		topicAt[tp.ID] = i
	}
	c.ByTopic = make([][3]int, len(c.Topics))
	lo, hi := u.Path, sqldb.PathEnd(u.Path)

	// Targets of the period's rounds, grouped by unit, topic and kind: one row per
	// combination, so the whole tree reads a few thousand rows, not every target.
	rows, err := s.DB.QueryContext(ctx, `SELECT t.unit_id, i.topic_id, i.kind, COUNT(*), MAX(r.starts_on)
		FROM inspection_round_targets t JOIN inspection_rounds r ON r.id = t.round_id JOIN inspection_items i ON i.id = r.item_id
		WHERE t.unit_path >= ? AND t.unit_path < ? AND r.starts_on >= ? AND r.starts_on <= ?
		GROUP BY t.unit_id, i.topic_id, i.kind`, lo, hi, c.From, c.To)
	if err != nil {
		return c, apperr.Wrap(op, err)
	}
	byUnit := map[int64]*CoverageRow{}
	type topicKind struct {
		unit, topic int64
		kind        int
	}
	seen := map[topicKind]bool{}
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
			r = &CoverageRow{UnitID: uid, Topics: make([]int, len(c.Topics))}
			byUnit[uid] = r
		}
		r.Rounds += n
		if last > r.LastOn {
			r.LastOn = last
		}
		if i, ok := topicAt[topic]; ok {
			r.Topics[i] += n
			k := topicKind{uid, topic, kindIndex(kind)}
			if !seen[k] {
				seen[k] = true
				c.ByTopic[i][k.kind]++
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(op, err)
	}

	// Recommendations of the period's rounds, per target, with their task's state.
	rows, err = s.DB.QueryContext(ctx, `SELECT rc.target_id, COUNT(*),
		COALESCE(SUM(CASE WHEN k.status = ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN k.status <> ? AND rc.carried = '' AND k.due_on < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN rc.carried <> '' AND k.status <> ? THEN 1 ELSE 0 END), 0)
		FROM inspection_recommendations rc JOIN inspection_rounds r ON r.id = rc.round_id
		JOIN inspection_round_targets t ON t.round_id = rc.round_id AND t.unit_id = rc.target_id
		JOIN tasks k ON k.id = rc.task_id
		WHERE t.unit_path >= ? AND t.unit_path < ? AND r.starts_on >= ? AND r.starts_on <= ?
		GROUP BY rc.target_id`, plan.StatusDone, plan.StatusDone, today, plan.StatusDone, lo, hi, c.From, c.To)
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

	// Names of the covered units, and the eligible units of the subtree: one range per
	// kind over units_kind_path (kind, path, name).
	if len(byUnit) > 0 {
		if err := s.unitNames(ctx, byUnit); err != nil {
			return c, err
		}
	}
	kinds := make([]any, 0, len(CoverageKinds)+3)
	for _, k := range CoverageKinds {
		kinds = append(kinds, string(k))
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, name, path, kind FROM units WHERE kind IN (`+sqldb.Placeholders(len(kinds))+`) AND valid_to = '' AND path > ? AND path < ?`,
		append(kinds, lo, hi)...)
	if err != nil {
		return c, apperr.Wrap(op, err)
	}
	for rows.Next() {
		var x UnitRef
		var kind string
		if err := rows.Scan(&x.ID, &x.Name, &x.Path, &kind); err != nil {
			rows.Close()
			return c, apperr.Wrap(op, err)
		}
		x.Kind = org.UnitKind(kind)
		c.Eligible++
		if byUnit[x.ID] == nil {
			c.Never = append(c.Never, x)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, apperr.Wrap(op, err)
	}
	sort.Slice(c.Never, func(i, j int) bool {
		if c.Never[i].Name != c.Never[j].Name {
			return c.Never[i].Name < c.Never[j].Name
		}
		return c.Never[i].ID < c.Never[j].ID
	})
	c.Rows = make([]CoverageRow, 0, len(byUnit))
	for _, r := range byUnit {
		c.Rows = append(c.Rows, *r)
		c.Rounds += r.Rounds
		c.Recs += r.Recs
		c.Done += r.Done
		c.Overdue += r.Overdue
		c.Carried += r.Carried
	}
	sort.Slice(c.Rows, func(i, j int) bool {
		if c.Rows[i].Name != c.Rows[j].Name {
			return c.Rows[i].Name < c.Rows[j].Name
		}
		return c.Rows[i].UnitID < c.Rows[j].UnitID
	})
	return c, nil
}

// unitNames fills the names, paths and kinds of the rows, in chunks of ids.
func (s *Service) unitNames(ctx context.Context, byUnit map[int64]*CoverageRow) error {
	ids := make([]int64, 0, len(byUnit))
	for id := range byUnit {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.DB.QueryContext(ctx, `SELECT id, name, path, kind FROM units WHERE id IN (`+sqldb.Placeholders(len(part))+`)`, args...)
		if err != nil {
			return apperr.Wrap("inspection.Coverage", err)
		}
		for rows.Next() {
			var id int64
			var name, path, kind string
			if err := rows.Scan(&id, &name, &path, &kind); err != nil {
				rows.Close()
				return apperr.Wrap("inspection.Coverage", err)
			}
			if r := byUnit[id]; r != nil {
				r.Name, r.Path, r.Kind = name, path, org.UnitKind(kind)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return apperr.Wrap("inspection.Coverage", err)
		}
	}
	return nil
}

// YearsLabel is the look-back in words.
func (c Coverage) YearsLabel() string { return strconv.Itoa(c.Years) + " năm" }
