package emulation

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/sqldb"
)

// PublicFilter selects the honour board.
type PublicFilter struct {
	Year     int
	Field    string
	UnitID   int64 // the unit and its subtree
	BeforeID int64
	Limit    int
}

// Honoured returns the recognised (and replicated) models and exemplars for the public
// honour board, newest first; the cursor of the next page is 0 when none. No account.
func (s *Service) Honoured(ctx context.Context, f PublicFilter) ([]Model, int64, error) {
	where := []string{"m.honoured = TRUE"}
	var args []any
	if f.Year != 0 {
		where = append(where, "m.recognised_year = ?")
		args = append(args, f.Year)
	}
	if f.Field != "" {
		where = append(where, "m.field = ?")
		args = append(args, f.Field)
	}
	if f.UnitID != 0 {
		var path string
		if err := s.DB.QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, f.UnitID).Scan(&path); err != nil {
			return nil, 0, nil
		}
		where = append(where, "m.unit_path >= ? AND m.unit_path < ?")
		args = append(args, path, sqldb.PathEnd(path))
	}
	if f.BeforeID > 0 {
		where = append(where, "m.id < ?")
		args = append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 24
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+modelCols+modelFrom+` WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY m.id DESC LIMIT %d`, f.Limit+1), args...)
	if err != nil {
		return nil, 0, apperr.Wrap("emulation.Honoured", err)
	}
	defer rows.Close()
	var out []Model
	for rows.Next() {
		var m Model
		if err := scanModel(rows, &m); err != nil {
			return nil, 0, apperr.Wrap("emulation.Honoured", err)
		}
		out = append(out, m)
	}
	var next int64
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, apperr.Wrap("emulation.Honoured", rows.Err())
}

// PublicModel returns one model of the honour board. Errors: NotFound (also for a model
// not recognised: it is not public).
func (s *Service) PublicModel(ctx context.Context, id int64) (Model, error) {
	var m Model
	if err := scanModel(s.DB.QueryRowContext(ctx, `SELECT `+modelCols+modelFrom+` WHERE m.id = ? AND m.honoured = TRUE`, id), &m); err != nil {
		return Model{}, wrapNF("emulation.PublicModel", err)
	}
	return m, nil
}

// honourCacheTTL is how long the honour board's filter lists are reused: they change only
// when a round is decided, and reading them from 200,000 models on every public page
// would cost more than the page itself.
const honourCacheTTL = time.Minute

type honourCache struct {
	mu      sync.Mutex
	at      time.Time
	units   [][2]string
	years   []int
	version string
}

// HonourFilters returns the units and years of the honour board's filters, kept while
// version (what the board is made of, migration 0748: any instance's change moves it) is
// the same, and for a minute at most.
func (s *Service) HonourFilters(ctx context.Context, version string) ([][2]string, []int, error) {
	c := &s.honour
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < honourCacheTTL && c.version == version {
		return c.units, c.years, nil
	}
	units, err := s.HonourUnits(ctx)
	if err != nil {
		return nil, nil, err
	}
	years, err := s.HonourYears(ctx)
	if err != nil {
		return nil, nil, err
	}
	c.units, c.years, c.at, c.version = units, years, time.Now(), version
	return units, years, nil
}

// forgetHonour drops the cached filters (after a decision in this instance).
func (s *Service) forgetHonour() {
	s.honour.mu.Lock()
	s.honour.at = time.Time{}
	s.honour.mu.Unlock()
}

// HonourUnits are the units that have models on the board (for the filter), at most 300.
func (s *Service) HonourUnits(ctx context.Context) ([][2]string, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT un.id, un.name FROM units un WHERE un.id IN (SELECT DISTINCT unit_id FROM models WHERE honoured = TRUE) ORDER BY un.name_fold LIMIT 300`)
	if err != nil {
		return nil, apperr.Wrap("emulation.HonourUnits", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, apperr.Wrap("emulation.HonourUnits", err)
		}
		out = append(out, [2]string{itoa(id), name})
	}
	return out, rows.Err()
}

// HonourYears are the years with recognised models, newest first.
func (s *Service) HonourYears(ctx context.Context) ([]int, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT recognised_year FROM models WHERE honoured = TRUE ORDER BY recognised_year DESC LIMIT 30`)
	if err != nil {
		return nil, apperr.Wrap("emulation.HonourYears", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, apperr.Wrap("emulation.HonourYears", err)
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
