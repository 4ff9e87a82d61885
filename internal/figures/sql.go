package figures

import (
	"context"

	"danvan/internal/apperr"
	"strconv"
	"strings"
	"time"

	"danvan/internal/sqldb"
)

// Helpers shared by the sources' own queries (added with the first sources, compatibly):
// every source needs the months of a period, the unit id of a path and one grouped query
// over the children, so they are written once here rather than in each domain.

// Months lists the months (YYYY-MM) of the period From..To in order; nil when a date is
// malformed or To is before From. At most 120 months.
func (q Query) Months() []string {
	from, err1 := time.Parse(sqldb.DateLayout, q.From)
	to, err2 := time.Parse(sqldb.DateLayout, q.To)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil
	}
	var out []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to) && len(out) < 120; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// Valid reports whether the query has a scope and a well-formed period.
func (q Query) Valid() bool { return q.Scope != "" && q.Months() != nil }

// ToEnd is the exclusive upper bound of the period for stored instants
// (sqldb.TimeLayout text): the day after To. "" when To is malformed.
func (q Query) ToEnd() string {
	to, err := time.Parse(sqldb.DateLayout, q.To)
	if err != nil {
		return ""
	}
	return to.AddDate(0, 0, 1).Format(sqldb.DateLayout)
}

// UnitID is the id of the unit whose path is path ("/1/5/" → 5); 0 when malformed.
func UnitID(path string) int64 {
	s := strings.TrimSuffix(path, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// ChildCase is a SQL expression giving, for a row whose unit path column is col, the
// index in children of the child subtree holding it (-1 outside them), so a source
// answers Query.Children with one GROUP BY instead of one query per child.
func ChildCase(col string, children []string) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 2*len(children))
	b.WriteString("CASE")
	for i, c := range children {
		b.WriteString(" WHEN " + col + " >= ? AND " + col + " < ? THEN " + strconv.Itoa(i))
		args = append(args, c, sqldb.PathEnd(c))
	}
	b.WriteString(" ELSE -1 END")
	return b.String(), args
}

// ChildFinder returns, for a unit path, the index in children of the child subtree
// holding it (-1 outside them): ChildCase's answer, for rows counted in Go. Each prefix
// of the path is looked up, the deepest match wins.
func ChildFinder(children []string) func(path string) int {
	at := make(map[string]int, len(children))
	for i, c := range children {
		at[c] = i
	}
	return func(path string) int {
		found := -1
		if len(at) == 0 {
			return found
		}
		for i := 1; i < len(path); i++ {
			if path[i] == '/' {
				if j, ok := at[path[:i+1]]; ok {
					found = j
				}
			}
		}
		return found
	}
}

// ChildIDs are the unit ids of children (for sources whose counters are kept per unit).
func ChildIDs(children []string) []int64 {
	out := make([]int64, len(children))
	for i, c := range children {
		out[i] = UnitID(c)
	}
	return out
}

// Placeholders is "?, ?, …" for n values.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// NewByChild makes a ByChild map with a zero row of width n for each child.
func NewByChild(children []string, n int) map[string][]int64 {
	if len(children) == 0 {
		return nil
	}
	m := make(map[string][]int64, len(children))
	for _, c := range children {
		m[c] = make([]int64, n)
	}
	return m
}

// NewTrend makes the zero trend of the period's months for a block of n figures, and an
// index from month to point.
func NewTrend(q Query, n int) ([]Point, map[string]int) {
	ms := q.Months()
	pts := make([]Point, len(ms))
	idx := make(map[string]int, len(ms))
	for i, m := range ms {
		pts[i] = Point{Month: m, Values: make([]int64, n)}
		idx[m] = i
	}
	return pts, idx
}

// Group runs a grouped query whose first column is the group key (a child's index from
// ChildCase, or a month) followed by n counts, and hands each row to put.
func Group(ctx context.Context, db *sqldb.DB, query string, args []any, n int, put func(key string, v []int64)) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return apperr.Wrap("figures.Group", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key any
		v := make([]int64, n)
		dest := []any{&key}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return apperr.Wrap("figures.Group", err)
		}
		put(keyText(key), v)
	}
	return apperr.Wrap("figures.Group", rows.Err())
}

// ChildPut is the put of Group for a ChildCase key: it files the row under its child.
func ChildPut(b *Block, children []string) func(string, []int64) {
	return func(k string, v []int64) {
		if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(children) {
			b.ByChild[children[i]] = v
		}
	}
}

func keyText(k any) string {
	switch x := k.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case []byte:
		return string(x)
	case string:
		return x
	}
	return ""
}
