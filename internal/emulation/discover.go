package emulation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// CountCap bounds the counts of the discovery page ("hơn 1.000" beyond it; a smaller
// unit shows its exact figure).
const CountCap = 1000

// Capped writes a count of the discovery page: "hơn 10.000" past CountCap.
func Capped(n int) string {
	if n > CountCap {
		return "hơn " + thousands(CountCap)
	}
	return thousands(int64(n))
}

// StuckDays is how long without a report flags a model in progress as stuck.
const StuckDays = 90

// UnitCounts are the models of one unit's subtree by field and by state.
type UnitCounts struct {
	Unit    org.Unit
	Total   int
	ByField map[string]int
	ByState map[State]int
}

// Discovery is the upper committee's view of a subtree.
type Discovery struct {
	Unit         org.Unit
	Self         UnitCounts   // the whole subtree
	Children     []UnitCounts // each direct sub-unit
	NoModels     []org.Unit   // direct sub-units without any model
	Stuck        []Model      // no report for StuckDays (oldest first, at most 50)
	StuckCount   int
	Unanswered   []Support // requests for support not answered (oldest first, at most 50)
	UnanswerOpen int
}

// Discover builds the discovery page for unit (0: the principal's top unit) from the
// rollup counts; every query reads an index range. Errors: NotFound.
func (s *Service) Discover(ctx context.Context, p *org.Principal, unitID int64, now time.Time) (Discovery, error) {
	var d Discovery
	if unitID == 0 {
		sc := p.Scope(org.ViewModel)
		if sc.Empty() {
			return d, apperr.New(apperr.NotFound, "emulation.Discover", "Không tìm thấy đơn vị.")
		}
		ids := org.PathIDs(sc.Paths[0])
		unitID = ids[len(ids)-1]
	}
	u, err := org.GetUnit(ctx, s.DB, unitID)
	if err != nil || !p.CanPath(org.ViewModel, u.Path) {
		return d, apperr.New(apperr.NotFound, "emulation.Discover", "Không tìm thấy đơn vị.")
	}
	d.Unit = u
	rows, err := s.DB.QueryContext(ctx, `SELECT id, path, depth, kind, name, code, valid_from, valid_to FROM units WHERE parent_id = ? AND valid_to = ''`, u.ID)
	if err != nil {
		return d, apperr.Wrap("emulation.Discover", err)
	}
	var kids []org.Unit
	for rows.Next() {
		var k org.Unit
		if err := rows.Scan(&k.ID, &k.Path, &k.Depth, &k.Kind, &k.Name, &k.Code, &k.ValidFrom, &k.ValidTo); err != nil {
			rows.Close()
			return d, apperr.Wrap("emulation.Discover", err)
		}
		kids = append(kids, k)
	}
	rows.Close()
	org.SortUnits(kids)
	ids := []any{u.ID}
	for _, k := range kids {
		ids = append(ids, k.ID)
	}
	counts := map[int64]*UnitCounts{}
	for _, id := range ids {
		counts[id.(int64)] = &UnitCounts{ByField: map[string]int{}, ByState: map[State]int{}}
	}
	// model_counts has at most 4 × 9 rows per unit; chunks keep the IN list bounded.
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := s.DB.QueryContext(ctx, `SELECT unit_id, field, state, n FROM model_counts WHERE unit_id IN (`+sqldb.Placeholders(len(chunk))+`) AND n <> 0`, chunk...)
		if err != nil {
			return d, apperr.Wrap("emulation.Discover", err)
		}
		for rows.Next() {
			var id int64
			var f string
			var st State
			var n int
			if err := rows.Scan(&id, &f, &st, &n); err != nil {
				rows.Close()
				return d, apperr.Wrap("emulation.Discover", err)
			}
			c := counts[id]
			c.Total += n
			c.ByField[f] += n
			c.ByState[st] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return d, apperr.Wrap("emulation.Discover", err)
		}
	}
	d.Self = *counts[u.ID]
	d.Self.Unit = u
	for _, k := range kids {
		c := *counts[k.ID]
		c.Unit = k
		if c.Total == 0 {
			d.NoModels = append(d.NoModels, k)
		} else {
			d.Children = append(d.Children, c)
		}
	}
	cutoff := sqldb.FormatTime(now.AddDate(0, 0, -StuckDays))
	// Counts stop at CountCap: beyond it the page says "hơn 1.000" rather than reading
	// every index entry of a national tree on each visit.
	if d.StuckCount, err = s.DB.CountUpTo(ctx, CountCap+1, `models m WHERE m.watch_at <> '' AND m.watch_at < ? AND m.unit_path >= ? AND m.unit_path < ?`,
		cutoff, u.Path, sqldb.PathEnd(u.Path)); err != nil {
		return d, apperr.Wrap("emulation.Discover", err)
	}
	mrows, err := s.DB.QueryContext(ctx, `SELECT `+modelCols+modelFrom+` WHERE m.watch_at <> '' AND m.watch_at < ? AND m.unit_path >= ? AND m.unit_path < ? ORDER BY m.watch_at LIMIT 50`,
		cutoff, u.Path, sqldb.PathEnd(u.Path))
	if err != nil {
		return d, apperr.Wrap("emulation.Discover", err)
	}
	for mrows.Next() {
		var m Model
		if err := scanModel(mrows, &m); err != nil {
			mrows.Close()
			return d, apperr.Wrap("emulation.Discover", err)
		}
		d.Stuck = append(d.Stuck, m)
	}
	mrows.Close()
	if d.UnanswerOpen, err = s.DB.CountUpTo(ctx, CountCap+1, `model_support sp WHERE sp.answered_at = '' AND sp.to_unit_path >= ? AND sp.to_unit_path < ?`,
		u.Path, sqldb.PathEnd(u.Path)); err != nil {
		return d, apperr.Wrap("emulation.Discover", err)
	}
	d.Unanswered, err = s.querySupports(ctx, ` WHERE sp.answered_at = '' AND sp.to_unit_path >= ? AND sp.to_unit_path < ? ORDER BY sp.asked_at LIMIT 50`, u.Path, sqldb.PathEnd(u.Path))
	return d, err
}

// RebuildRollup recomputes the rollup counts and the watch counters from the models
// (after a unit moves, or a bulk load). It reads one aggregate per (unit path, field,
// state) and adds it to every ancestor in memory.
func RebuildRollup(ctx context.Context, tx *sqldb.Tx) error {
	if err := rebuildWatch(ctx, tx); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT unit_path, year, field, state, COUNT(*) FROM models GROUP BY unit_path, year, field, state`)
	if err != nil {
		return apperr.Wrap("emulation.RebuildRollup", err)
	}
	type key struct {
		unit  int64
		year  int
		field string
		state string
	}
	acc := map[key]int{}
	for rows.Next() {
		var path, f, st string
		var y, n int
		if err := rows.Scan(&path, &y, &f, &st, &n); err != nil {
			rows.Close()
			return apperr.Wrap("emulation.RebuildRollup", err)
		}
		for _, id := range org.PathIDs(path) {
			acc[key{id, y, f, st}] += n
		}
	}
	rows.Close()
	for _, t := range []string{"model_rollup", "model_counts"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return apperr.Wrap("emulation.RebuildRollup", err)
		}
	}
	var sb strings.Builder
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO model_rollup (unit_id, year, field, state, n) VALUES `+strings.TrimSuffix(sb.String(), ", "), args...)
		sb.Reset()
		args = args[:0]
		return apperr.Wrap("emulation.RebuildRollup", err)
	}
	type ckey struct {
		unit         int64
		field, state string
	}
	all := map[ckey]int{}
	for k, n := range acc {
		all[ckey{k.unit, k.field, k.state}] += n
		sb.WriteString("(?, ?, ?, ?, ?), ")
		args = append(args, k.unit, k.year, k.field, k.state, n)
		if len(args) >= 800 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	for k, n := range all {
		sb.WriteString("(?, ?, ?, ?), ")
		args = append(args, k.unit, k.field, k.state, n)
		if len(args) >= 800 {
			if err := flushCounts(ctx, tx, &sb, &args); err != nil {
				return err
			}
		}
	}
	return flushCounts(ctx, tx, &sb, &args)
}

func flushCounts(ctx context.Context, tx *sqldb.Tx, sb *strings.Builder, args *[]any) error {
	if len(*args) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO model_counts (unit_id, field, state, n) VALUES `+strings.TrimSuffix(sb.String(), ", "), *args...)
	sb.Reset()
	*args = (*args)[:0]
	return apperr.Wrap("emulation.RebuildRollup", err)
}

// PathHook keeps the models' unit paths and the rollup in step when a subtree moves
// (registered in org.Service.PathHooks by internal/app).
func PathHook(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	for _, h := range []org.PathHook{
		org.ReplacePathPrefix("models", "unit_path"),
		org.ReplacePathPrefix("model_support", "unit_path"),
		org.ReplacePathPrefix("model_support", "to_unit_path"),
		org.ReplacePathPrefix("model_rounds", "unit_path"),
		org.ReplacePathPrefix("model_candidates", "unit_path"),
	} {
		if err := h(ctx, tx, oldPrefix, newPrefix); err != nil {
			return err
		}
	}
	return RebuildRollup(ctx, tx)
}

// YearCount is the number of models of one year in one field, for the chart.
type YearCount struct {
	Year    int
	ByField map[string]int
	Total   int
}

// ByYear counts the models of the principal's reach (under unitPath, "" for all of it) by
// year and field, for the last years (at most 8), from the rollup of the top units.
func (s *Service) ByYear(ctx context.Context, p *org.Principal, unitPath string) ([]YearCount, error) {
	var tops []any
	if unitPath != "" {
		if !p.CanPath(org.ViewModel, unitPath) {
			return nil, nil
		}
		ids := org.PathIDs(unitPath)
		tops = append(tops, ids[len(ids)-1])
	} else {
		for _, path := range p.Scope(org.ViewModel).Paths {
			ids := org.PathIDs(path)
			tops = append(tops, ids[len(ids)-1])
		}
	}
	if len(tops) == 0 {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT year, field, SUM(n) FROM model_rollup WHERE unit_id IN (`+sqldb.Placeholders(len(tops))+`) GROUP BY year, field HAVING SUM(n) <> 0 ORDER BY year DESC`, tops...)
	if err != nil {
		return nil, apperr.Wrap("emulation.ByYear", err)
	}
	defer rows.Close()
	var out []YearCount
	idx := map[int]int{}
	for rows.Next() {
		var y, n int
		var f string
		if err := rows.Scan(&y, &f, &n); err != nil {
			return nil, apperr.Wrap("emulation.ByYear", err)
		}
		i, ok := idx[y]
		if !ok {
			if len(out) >= 8 {
				continue
			}
			out = append(out, YearCount{Year: y, ByField: map[string]int{}})
			i = len(out) - 1
			idx[y] = i
		}
		out[i].ByField[f] += n
		out[i].Total += n
	}
	// Oldest first for the chart.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, apperr.Wrap("emulation.ByYear", rows.Err())
}

// stateLabelCount for pages.
func (c UnitCounts) State(st string) int { return c.ByState[State(st)] }

// FieldCount for pages.
func (c UnitCounts) FieldCount(f string) int { return c.ByField[f] }

// InProgress counts the models being carried out (approved to assessed).
func (c UnitCounts) InProgress() int {
	return c.ByState[Approved] + c.ByState[Implementing] + c.ByState[Reviewed] + c.ByState[Assessed]
}

// Honoured counts recognised and replicated models.
func (c UnitCounts) Honoured() int { return c.ByState[Recognised] + c.ByState[Replicated] }

// String for logs.
func (c UnitCounts) String() string { return fmt.Sprintf("%s: %d", c.Unit.Name, c.Total) }

// StuckText and UnansweredText are the counts as shown ("hơn 10.000" past the cap).
func (d Discovery) StuckText() string      { return Capped(d.StuckCount) }
func (d Discovery) UnansweredText() string { return Capped(d.UnanswerOpen) }
