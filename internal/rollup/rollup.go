// Package rollup keeps counters by unit and day, rolled up to every ancestor of the unit
// a record belongs to, written in the transaction of each change. The figures of any
// subtree then read that subtree's own rows, whatever the number of records below it:
// the whole tree's dashboard at national size read 2.000.000 tasks and 126.000
// disclosures on every request (docs/PERFORMANCE.md). Tasks (migration 0204) and the
// disclosure register (migration 0580) keep their counters this way.
//
// A table is (unit_id, day, counter columns…) with the primary key (unit_id, day). A
// domain turns each change into a Delta (minus the record as it was, plus the record as
// it is) and writes it with Table.Write; Table.Move is its org.PathHook; Table.RollUp
// finishes a rebuild.
package rollup

import (
	"context"
	"sort"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Table names a counters table and its counter columns, in the order of a Delta's values.
type Table struct {
	Name string
	Cols []string
}

// Delta collects differences by unit path and day, so a change touching many records of
// one unit (a cascade of 1.000 tasks) writes each ancestor's day once.
type Delta map[string]map[string][]int64

// Add puts n into column col of path's day (a zero n adds nothing).
func (t Table) Add(d Delta, path, day string, col int, n int64) {
	if n == 0 {
		return
	}
	days := d[path]
	if days == nil {
		days = map[string][]int64{}
		d[path] = days
	}
	v := days[day]
	if v == nil {
		v = make([]int64, len(t.Cols))
		days[day] = v
	}
	v[col] += n
}

// Write adds d into the table for every unit on each path, in multi-row upserts of at
// most 200 rows, in an order fixed by (unit, day): two transactions touching the same
// units take their row locks in the same order on PostgreSQL, so they cannot deadlock.
func (t Table) Write(ctx context.Context, tx *sqldb.Tx, d Delta) error {
	type key struct {
		unit int64
		day  string
	}
	n := len(t.Cols)
	sum := map[key][]int64{}
	for path, days := range d {
		ids := org.PathIDs(path)
		for day, v := range days {
			for _, id := range ids {
				k := key{id, day}
				s := sum[k]
				if s == nil {
					s = make([]int64, n)
					sum[k] = s
				}
				for i := range v {
					s[i] += v[i]
				}
			}
		}
	}
	keys := make([]key, 0, len(sum))
	for k, v := range sum {
		for _, x := range v {
			if x != 0 {
				keys = append(keys, k)
				break
			}
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].unit != keys[j].unit {
			return keys[i].unit < keys[j].unit
		}
		return keys[i].day < keys[j].day
	})
	const batch = 200
	for start := 0; start < len(keys); start += batch {
		end := min(start+batch, len(keys))
		args := make([]any, 0, (end-start)*(2+n))
		for _, k := range keys[start:end] {
			args = append(args, k.unit, k.day)
			for _, x := range sum[k] {
				args = append(args, x)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.Name+` (unit_id, day, `+t.cols()+`) VALUES `+sqldb.ValueRows(end-start, 2+n)+t.upsert(), args...); err != nil {
			return apperr.Wrap("rollup.Write "+t.Name, err)
		}
	}
	return nil
}

// Move is the org.PathHook that keeps the counters right when a subtree moves: the moved
// unit's rows (its whole subtree) leave its old ancestors and join its new ones.
func (t Table) Move(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
	moved, oldAnc, newAnc := org.MovedAncestors(oldPrefix, newPrefix)
	if moved == 0 {
		return nil
	}
	negated := "-" + strings.Join(t.Cols, ", -")
	for _, m := range []struct {
		anc  []int64
		cols string
	}{{oldAnc, negated}, {newAnc, t.cols()}} {
		for _, a := range m.anc {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.Name+` (unit_id, day, `+t.cols()+`)
				SELECT ?, day, `+m.cols+` FROM `+t.Name+` WHERE unit_id = ?`+t.upsert(), a, moved); err != nil {
				return apperr.Wrap("rollup.Move "+t.Name, err)
			}
		}
	}
	return nil
}

// RollUp adds every level of the tree into its parents, from the deepest up, so that a
// table holding each unit's own records then holds each unit's whole subtree. It is the
// second half of a rebuild, inside the rebuild's transaction.
func (t Table) RollUp(ctx context.Context, tx *sqldb.Tx) error {
	var lo, hi int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(depth), 0), COALESCE(MAX(depth), 0) FROM units`).Scan(&lo, &hi); err != nil {
		return apperr.Wrap("rollup.RollUp "+t.Name, err)
	}
	sums := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		sums[i] = "SUM(c." + c + ")"
	}
	for d := hi; d > lo; d-- {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.Name+` (unit_id, day, `+t.cols()+`)
			SELECT u.parent_id, c.day, `+strings.Join(sums, ", ")+`
			FROM `+t.Name+` c JOIN units u ON u.id = c.unit_id WHERE u.depth = ? AND u.parent_id IS NOT NULL GROUP BY u.parent_id, c.day`+t.upsert(), d); err != nil {
			return apperr.Wrap("rollup.RollUp "+t.Name, err)
		}
	}
	return nil
}

// Missing reports whether records exist (a row of source) while the table is empty: a
// database from before the table's migration, to be rebuilt at start-up.
func (t Table) Missing(ctx context.Context, db *sqldb.DB, source string) (bool, error) {
	var records, counted int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+source+` LIMIT 1) x`).Scan(&records); err != nil {
		return false, apperr.Wrap("rollup.Missing "+t.Name, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+t.Name+` LIMIT 1) x`).Scan(&counted); err != nil {
		return false, apperr.Wrap("rollup.Missing "+t.Name, err)
	}
	return records > 0 && counted == 0, nil
}

// Rebuild recomputes the table in one transaction: its rows are emptied, own (a SELECT of
// unit_id, day and the counter columns, grouped by both) fills each unit's own records,
// and RollUp adds every level into its parents. Used after danvan gen and at start-up
// when the counters are missing.
func (t Table) Rebuild(ctx context.Context, db *sqldb.DB, own string, args ...any) error {
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.Name); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.Name+` (unit_id, day, `+t.cols()+`) `+own, args...); err != nil {
			return err
		}
		return t.RollUp(ctx, tx)
	})
	return apperr.Wrap("rollup.Rebuild "+t.Name, err)
}

// Ensure runs rebuild when records exist (a row of source) but the table is empty: a
// database from before the table's migration.
func (t Table) Ensure(ctx context.Context, db *sqldb.DB, source string, rebuild func(context.Context) error) error {
	missing, err := t.Missing(ctx, db, source)
	if err != nil || !missing {
		return err
	}
	return rebuild(ctx)
}

// Sums returns each unit's counters summed over the days from..to (inclusive), by unit
// id; a unit without rows in the period is absent.
func (t Table) Sums(ctx context.Context, db *sqldb.DB, from, to string, units []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(units) == 0 {
		return out, nil
	}
	args := []any{from, to}
	for _, id := range units {
		args = append(args, id)
	}
	err := t.scan(ctx, db, `SELECT unit_id, `+t.sums()+` FROM `+t.Name+` WHERE day >= ? AND day <= ? AND unit_id IN (`+
		sqldb.Placeholders(len(units))+`) GROUP BY unit_id`, args, func(key any, v []int64) {
		if id, ok := key.(int64); ok {
			out[id] = v
		}
	})
	return out, err
}

// Trend returns a unit's counters summed by month ("2026-03") over the days from..to.
func (t Table) Trend(ctx context.Context, db *sqldb.DB, unit int64, from, to string) (map[string][]int64, error) {
	out := map[string][]int64{}
	err := t.scan(ctx, db, `SELECT SUBSTR(day, 1, 7), `+t.sums()+` FROM `+t.Name+` WHERE unit_id = ? AND day >= ? AND day <= ? GROUP BY 1`,
		[]any{unit, from, to}, func(key any, v []int64) {
			switch k := key.(type) {
			case string:
				out[k] = v
			case []byte:
				out[string(k)] = v
			}
		})
	return out, err
}

// scan reads rows of a key and the table's counters.
func (t Table) scan(ctx context.Context, db *sqldb.DB, query string, args []any, put func(key any, v []int64)) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return apperr.Wrap("rollup.scan "+t.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key any
		v := make([]int64, len(t.Cols))
		dest := []any{&key}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return apperr.Wrap("rollup.scan "+t.Name, err)
		}
		put(key, v)
	}
	return apperr.Wrap("rollup.scan "+t.Name, rows.Err())
}

func (t Table) sums() string {
	s := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		s[i] = "COALESCE(SUM(" + c + "), 0)"
	}
	return strings.Join(s, ", ")
}

func (t Table) cols() string { return strings.Join(t.Cols, ", ") }

func (t Table) upsert() string {
	set := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		set[i] = c + " = " + t.Name + "." + c + " + excluded." + c
	}
	return ` ON CONFLICT (unit_id, day) DO UPDATE SET ` + strings.Join(set, ", ")
}
