package plan

import (
	"context"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// Motto is shown on every unit's plan pages.
const Motto = "Đảng ủy lãnh đạo – Thủ trưởng tổ chức thực hiện – đoàn thể tham mưu và nòng cốt"

// MatrixRow is one plan item in the responsibility matrix.
type MatrixRow struct {
	Task     Task
	Advisers []Support // đoàn thể tham mưu, nòng cốt
	// Open tells whether the viewer may open the task itself: the matrix is shown to
	// everyone who sees the unit's plans, a task only to its assigners, lead and supporters.
	Open bool
}

// Gaps lists the roles nobody holds.
func (m MatrixRow) Gaps() []string {
	var g []string
	if m.Task.LeaderID == 0 {
		g = append(g, "cấp ủy lãnh đạo")
	}
	if m.Task.OrganiserID == 0 {
		g = append(g, "thủ trưởng tổ chức thực hiện")
	}
	if len(m.Advisers) == 0 {
		g = append(g, "đoàn thể tham mưu")
	}
	if m.Task.LeadID == 0 {
		g = append(g, "người chủ trì")
	}
	return g
}

// Matrix returns, for a unit and year, each top-level task of the unit's plans (and of
// plans of units below it) with who leads, organises and advises. Errors: NotFound.
func (s *Service) Matrix(ctx context.Context, p *org.Principal, unitID int64, year int) ([]MatrixRow, error) {
	path, err := org.UnitPath(ctx, s.DB, unitID)
	if err != nil || !p.CanPath(org.ViewPlan, path) {
		return nil, notFound("plan.Matrix")
	}
	// The page of items is chosen by walking plans then their top-level tasks in the
	// page's order (indexes of 0203; CROSS JOIN keeps SQLite from starting at every
	// top-level task of the database), then the names are joined for those rows only.
	rows, err := s.DB.QueryContext(ctx, `SELECT `+taskCols+` FROM (SELECT t.id, pl.unit_path AS plan_path, pl.id AS plan_id, t.due_on AS due_on
		FROM plans pl CROSS JOIN tasks t WHERE t.plan_id = pl.id AND t.parent_id IS NULL AND pl.year = ? AND pl.unit_path >= ? AND pl.unit_path < ?
		ORDER BY pl.unit_path, pl.id, t.due_on, t.id LIMIT 1000) page JOIN tasks t ON t.id = page.id`+taskJoins+` ORDER BY page.plan_path, page.plan_id, page.due_on, t.id`,
		year, path, sqldb.PathEnd(path))
	if err != nil {
		return nil, apperr.Wrap("plan.Matrix", err)
	}
	var out []MatrixRow
	index := map[int64]int{}
	var ids []any
	for rows.Next() {
		var t Task
		if err := scanTask(rows, &t); err != nil {
			rows.Close()
			return nil, apperr.Wrap("plan.Matrix", err)
		}
		index[t.ID] = len(out)
		ids = append(ids, t.ID)
		out = append(out, MatrixRow{Task: t, Open: p.CanPath(org.AssignTask, t.UnitPath) || (p.PersonID != 0 && t.LeadID == p.PersonID)})
	}
	rows.Close()
	if len(ids) == 0 {
		return out, nil
	}
	if p.PersonID != 0 {
		// Tasks the viewer supports, in one query rather than one per row.
		sup, err := s.DB.QueryContext(ctx, `SELECT task_id FROM task_support WHERE person_id = ? AND task_id IN (`+sqldb.Placeholders(len(ids))+`)`,
			append([]any{p.PersonID}, ids...)...)
		if err != nil {
			return nil, apperr.Wrap("plan.Matrix", err)
		}
		for sup.Next() {
			var id int64
			if err := sup.Scan(&id); err != nil {
				sup.Close()
				return nil, apperr.Wrap("plan.Matrix", err)
			}
			out[index[id]].Open = true
		}
		sup.Close()
		if err := sup.Err(); err != nil {
			return nil, apperr.Wrap("plan.Matrix", err)
		}
	}
	rs, err := s.DB.QueryContext(ctx, `SELECT ts.task_id, COALESCE(ts.unit_id, 0), COALESCE(u.name, ''), COALESCE(u.kind, ''), COALESCE(ts.person_id, 0), COALESCE(pe.full_name, '')
		FROM task_support ts LEFT JOIN units u ON u.id = ts.unit_id LEFT JOIN people pe ON pe.id = ts.person_id WHERE ts.role = 'adviser' AND ts.task_id IN (`+sqldb.Placeholders(len(ids))+`) ORDER BY u.path`, ids...)
	if err != nil {
		return nil, apperr.Wrap("plan.Matrix", err)
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var x Support
		if err := rs.Scan(&id, &x.UnitID, &x.UnitName, &x.UnitKind, &x.PersonID, &x.PersonName); err != nil {
			return nil, apperr.Wrap("plan.Matrix", err)
		}
		x.Role = "adviser"
		out[index[id]].Advisers = append(out[index[id]].Advisers, x)
	}
	return out, apperr.Wrap("plan.Matrix", rs.Err())
}
