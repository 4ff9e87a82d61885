package democracy

import (
	"context"
	"strconv"

	"danvan/internal/apperr"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Figures is the figures.Source of grassroots democracy (block "democracy"): the annual
// staff conferences, the disclosure register, the people's inspection boards and the
// resolutions' commitments of the agencies of a subtree. It needs both services because
// the register's visibility (readCond) is the disclosure service's.
type Figures struct {
	Conferences *ConferenceService
	Disclosures *DisclosureService
}

// NewFigures returns the source.
func NewFigures(c *ConferenceService, d *DisclosureService) *Figures {
	return &Figures{Conferences: c, Disclosures: d}
}

// The block's figures, in order (ByChild and Trend rows follow it).
const (
	figHeld = iota
	figConfLate
	figDiscOnTime
	figDiscLate
	figDiscOverdue
	figBoardsInTerm
	figBoardsMissing
	figCommitmentsOverdue
	figCount
)

// Figures implements figures.Source. Each number counts only what the principal's list
// would show: conferences, boards and commitments under viewCond (the conference list's
// rule), disclosures under readCond (the register's: staff see what was disclosed, the
// agency's managers and the units above see the unposted items too), so "overdue" for a
// plain staff member is 0 because they are not shown the items not yet disclosed.
//
// Period figures: conferences held in the period (held_on) and conferences whose legal
// window closed in the period but were held after it or are still not held today (late);
// disclosures of decisions taken in the period, by posting state now (on time, late,
// overdue = not posted past its due date). State figures, as the overview reads them
// today: agencies with a board in term, agencies without one though their staff reaches
// the rule's minimum, commitments whose task is open past its due date. Trend: held and
// late conferences by the month of held_on / due_on, disclosures by the decision's month.
func (f *Figures) Figures(ctx context.Context, p *org.Principal, q figures.Query) ([]figures.Block, error) {
	const op = "democracy.Figures"
	if p.IsZero() || !q.Valid() || f == nil || f.Conferences == nil || f.Disclosures == nil || !CanViewConference(p, q.Scope) {
		return nil, nil
	}
	db := f.Conferences.DB
	today := work.Today(db.Now())
	unit := strconv.FormatInt(figures.UnitID(q.Scope), 10)
	year := "&year=" + q.From[:4]
	b := figures.Block{Key: "democracy", Title: "Dân chủ ở cơ sở", Figures: []figures.Figure{
		{Key: "conferences_held", Label: "Hội nghị CBCCVC đã tổ chức", Href: "/democracy/conferences?unit=" + unit + year},
		{Key: "conferences_late", Label: "Hội nghị tổ chức muộn hoặc quá hạn chưa tổ chức", Href: "/democracy/overview?unit=" + unit + year, Bad: true},
		{Key: "disclosures_on_time", Label: "Nội dung công khai đúng hạn", Href: "/democracy/disclosures?unit=" + unit + year},
		{Key: "disclosures_late", Label: "Công khai muộn", Href: "/democracy/disclosures?state=late&unit=" + unit + year, Bad: true},
		{Key: "disclosures_overdue", Label: "Quá hạn chưa công khai", Href: "/democracy/disclosures?state=overdue&unit=" + unit, Bad: true},
		{Key: "boards_in_term", Label: "Ban Thanh tra nhân dân trong nhiệm kỳ", Href: "/democracy/overview?unit=" + unit},
		{Key: "boards_missing", Label: "Cơ quan chưa có Ban TTND trong nhiệm kỳ", Href: "/democracy/overview?unit=" + unit, Bad: true},
		{Key: "commitments_overdue", Label: "Cam kết của nghị quyết quá hạn", Href: "/democracy/overview?unit=" + unit, Bad: true},
	}}
	rules, err := RulesOn(ctx, db, today)
	if err != nil {
		return nil, err
	}
	lo, hi := q.Scope, sqldb.PathEnd(q.Scope)
	total := make([]int64, figCount)
	if len(q.Children) > 0 {
		b.ByChild = figures.NewByChild(q.Children, figCount)
	}
	var pts []figures.Point
	var idx map[string]int
	if q.Trend {
		pts, idx = figures.NewTrend(q, figCount)
	}
	// run counts n figures (starting at col) over FROM … WHERE (whose path column is
	// pathCol): with children, in one statement grouped by child, whose groups add up to
	// the total (the rows of no child, group -1, are the scope's own unit); without, in
	// one statement for the total.
	run := func(col int, sums string, n int, from, pathCol string, args []any) error {
		if len(q.Children) > 0 {
			cc, ccArgs := figures.ChildCase(pathCol, q.Children)
			return figures.Group(ctx, db, `SELECT `+cc+`, `+sums+from+` GROUP BY 1`, append(ccArgs, args...), n, func(k string, v []int64) {
				for j, x := range v {
					total[col+j] += x
				}
				if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(q.Children) {
					copy(b.ByChild[q.Children[i]][col:], v)
				}
			})
		}
		v := make([]int64, n)
		dest := make([]any, n)
		for i := range v {
			dest[i] = &v[i]
		}
		if err := db.QueryRowContext(ctx, `SELECT `+sums+from, args...).Scan(dest...); err != nil {
			return apperr.Wrap(op, err)
		}
		copy(total[col:], v)
		return nil
	}
	trend := func(col int, query string, args []any, n int) error {
		if !q.Trend {
			return nil
		}
		return figures.Group(ctx, db, query, args, n, func(m string, v []int64) {
			if i, ok := idx[m]; ok {
				copy(pts[i].Values[col:], v)
			}
		})
	}

	// Conferences.
	cview, cviewArgs := viewCond(p, "c.unit_path")
	confFrom := ` FROM conferences c WHERE c.unit_path >= ? AND c.unit_path < ? AND ` + cview
	confArgs := append([]any{lo, hi}, cviewArgs...)
	confSums := `COALESCE(SUM(CASE WHEN c.held_on >= ? AND c.held_on <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.due_on >= ? AND c.due_on <= ? AND c.due_on < ? AND (c.held_on > c.due_on OR c.held_on = '') THEN 1 ELSE 0 END), 0)`
	confSumArgs := []any{q.From, q.To, q.From, q.To, today}
	if err := run(figHeld, confSums, 2, confFrom, "c.unit_path", append(append([]any{}, confSumArgs...), confArgs...)); err != nil {
		return nil, err
	}
	if err := trend(figHeld, `SELECT SUBSTR(c.held_on, 1, 7), COUNT(*)`+confFrom+` AND c.held_on >= ? AND c.held_on <= ? GROUP BY 1`,
		append(append([]any{}, confArgs...), q.From, q.To), 1); err != nil {
		return nil, err
	}
	if err := trend(figConfLate, `SELECT SUBSTR(c.due_on, 1, 7), COUNT(*)`+confFrom+` AND c.due_on >= ? AND c.due_on <= ? AND c.due_on < ? AND (c.held_on > c.due_on OR c.held_on = '') GROUP BY 1`,
		append(append([]any{}, confArgs...), q.From, q.To, today), 1); err != nil {
		return nil, err
	}

	// Disclosures of the period's decisions, as the register shows them to p.
	whole, err := f.Disclosures.readsWholeRegister(ctx, p, q.Scope)
	if err != nil {
		return nil, err
	}
	if whole {
		if err := countedDisclosures(ctx, db, q, today, total, &b, pts, idx); err != nil {
			return nil, err
		}
	} else {
		dread, dreadArgs, err := f.Disclosures.readCond(ctx, p)
		if err != nil {
			return nil, err
		}
		discFrom := ` FROM disclosures d WHERE d.unit_path >= ? AND d.unit_path < ? AND d.decision_on >= ? AND d.decision_on <= ? AND ` + dread
		discArgs := append([]any{lo, hi, q.From, q.To}, dreadArgs...)
		discSums := `COALESCE(SUM(CASE WHEN d.posted_on <> '' AND d.posted_on <= d.due_on THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.posted_on > d.due_on THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN d.posted_on = '' AND d.due_on < ? THEN 1 ELSE 0 END), 0)`
		if err := run(figDiscOnTime, discSums, 3, discFrom, "d.unit_path", append([]any{today}, discArgs...)); err != nil {
			return nil, err
		}
		if err := trend(figDiscOnTime, `SELECT SUBSTR(d.decision_on, 1, 7), `+discSums+discFrom+` GROUP BY 1`, append([]any{today}, discArgs...), 3); err != nil {
			return nil, err
		}
	}

	// Boards: the current agencies of the subtree p may see, with a board in term today,
	// or without one while their staff reaches the rule's minimum. Staff are the
	// overview's counts (each person in their deepest agency; a scope of more than 200
	// agencies keeps them 10 minutes, and the figure says when they were counted), so the
	// two pages agree; every agency of the scope is read for them, the visible ones are
	// counted.
	boardsAsOf, err := f.boards(ctx, p, q, today, rules.BoardStaffMin, total, &b)
	if err != nil {
		return nil, err
	}
	b.Figures[figBoardsMissing].AsOf = boardsAsOf

	// Commitments of the resolutions whose task is open past its due date.
	mview, mviewArgs := viewCond(p, "cm.unit_path")
	// The task's status and deadline are the commitment's own copy (migration 0570).
	if err := run(figCommitmentsOverdue, `COUNT(*)`, 1, ` FROM conference_commitments cm
		WHERE cm.unit_path >= ? AND cm.unit_path < ? AND cm.task_status IN ('open', 'doing', 'submitted') AND cm.task_due_on < ? AND `+mview, "cm.unit_path",
		append([]any{lo, hi, today}, mviewArgs...)); err != nil {
		return nil, err
	}

	for i := range b.Figures {
		b.Figures[i].Value = total[i]
	}
	b.Trend = pts
	return []figures.Block{b}, nil
}

var _ figures.Source = (*Figures)(nil)

// countedDisclosures fills the register's three figures (on time, late, overdue) of the
// total, each child and the trend from the counters (migration 0580), for a reader who
// reads every item of the scope: the scope's and each child's rows over the period's
// decision days. Overdue is the not-posted minus those not yet due, counted from the
// items (only the last weeks' decisions can be not yet due).
// TestDisclosureCountsFollowEveryChange holds it to the row scan.
func countedDisclosures(ctx context.Context, db *sqldb.DB, q figures.Query, today string, total []int64, b *figures.Block,
	pts []figures.Point, idx map[string]int) error {
	scope := figures.UnitID(q.Scope)
	ids := append([]int64{scope}, figures.ChildIDs(q.Children)...)
	byUnit, err := disclosureCounts.Sums(ctx, db, q.From, q.To, ids)
	if err != nil {
		return err
	}
	// The not yet due, read as rows and counted here for the total, each child and the
	// month (the last weeks' decisions, about 1.400 at national size): grouped by child in
	// SQL, PostgreSQL's generic plan for the 131 parameters scanned the register's path
	// index instead of this partial one, 90–170 ms instead of 1.
	findChild := figures.ChildFinder(q.Children)
	notDue := map[string]int64{}
	rows, err := db.QueryContext(ctx, `SELECT d.unit_path, d.decision_on FROM disclosures d WHERE d.posted_on = '' AND d.due_on >= ?
		AND d.unit_path >= ? AND d.unit_path < ? AND d.decision_on >= ? AND d.decision_on <= ?`,
		today, q.Scope, sqldb.PathEnd(q.Scope), q.From, q.To)
	if err != nil {
		return apperr.Wrap("democracy.Figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var path, decided string
		if err := rows.Scan(&path, &decided); err != nil {
			return apperr.Wrap("democracy.Figures", err)
		}
		total[figDiscOverdue]++
		if i := findChild(path); i >= 0 {
			b.ByChild[q.Children[i]][figDiscOverdue]++
		}
		notDue[decided[:min(7, len(decided))]]++
	}
	if err := rows.Err(); err != nil {
		return apperr.Wrap("democracy.Figures", err)
	}
	// put turns a unit's counters and its not-yet-due count (already in row) into the figures.
	put := func(row []int64, v []int64) {
		if v == nil {
			v = make([]int64, 3)
		}
		row[figDiscOnTime], row[figDiscLate], row[figDiscOverdue] = v[0], v[1], v[2]-row[figDiscOverdue]
	}
	put(total, byUnit[scope])
	for _, c := range q.Children {
		if row := b.ByChild[c]; row != nil {
			put(row, byUnit[figures.UnitID(c)])
		}
	}
	if !q.Trend {
		return nil
	}
	months, err := disclosureCounts.Trend(ctx, db, scope, q.From, q.To)
	if err != nil {
		return err
	}
	for m, v := range months {
		if i, ok := idx[m]; ok {
			copy(pts[i].Values[figDiscOnTime:], v)
		}
	}
	for m, n := range notDue {
		if i, ok := idx[m]; ok {
			pts[i].Values[figDiscOverdue] -= n
		}
	}
	return nil
}

// boards counts the boards in term and the agencies missing one into total and each
// child's row, and returns when the staff counts were counted when they are kept ones.
func (f *Figures) boards(ctx context.Context, p *org.Principal, q figures.Query, today string, staffMin int, total []int64, b *figures.Block) (string, error) {
	const op = "democracy.Figures"
	db := f.Conferences.DB
	lo, hi := q.Scope, sqldb.PathEnd(q.Scope)
	uview, uviewArgs := viewCond(p, "u.path")
	rows, err := db.QueryContext(ctx, `SELECT u.id, u.path, CASE WHEN `+uview+` THEN 1 ELSE 0 END,
		CASE WHEN EXISTS (SELECT 1 FROM boards b WHERE b.unit_id = u.id AND b.term_end > ?) THEN 1 ELSE 0 END
		FROM units u WHERE u.kind = ? AND u.valid_to = '' AND u.path >= ? AND u.path < ?`,
		append(append([]any{}, uviewArgs...), today, string(org.KindAgency), lo, hi)...)
	if err != nil {
		return "", apperr.Wrap(op, err)
	}
	type agency struct {
		path            string
		visible, inTerm bool
	}
	var list []agency
	index := map[int64]int{}
	for rows.Next() {
		var id int64
		var a agency
		if err := rows.Scan(&id, &a.path, &a.visible, &a.inTerm); err != nil {
			rows.Close()
			return "", apperr.Wrap(op, err)
		}
		index[id] = len(list)
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", apperr.Wrap(op, err)
	}
	if len(list) == 0 {
		return "", nil
	}
	staff, asOf, err := f.Conferences.agencyStaff(ctx, index, lo, hi, f.Conferences.DB.Now())
	if err != nil {
		return "", err
	}
	childOf := figures.ChildFinder(q.Children)
	for i, a := range list {
		if !a.visible {
			continue
		}
		var in, missing int64
		if a.inTerm {
			in = 1
		} else if staff[i] >= staffMin {
			missing = 1
		}
		total[figBoardsInTerm] += in
		total[figBoardsMissing] += missing
		if c := childOf(a.path); c >= 0 {
			row := b.ByChild[q.Children[c]]
			row[figBoardsInTerm] += in
			row[figBoardsMissing] += missing
		}
	}
	return asOf, nil
}
