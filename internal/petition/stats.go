package petition

import (
	"context"
	"slices"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/notify"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Figures are the dashboard numbers of a subtree.
type Figures struct {
	Received   int
	Resolved   int
	OnTime     int
	OverdueNow int
}

// OnTimeRatio is the share of resolved petitions resolved on time (0 when none).
func (f Figures) OnTimeRatio() float64 {
	if f.Resolved == 0 {
		return 0
	}
	return float64(f.OnTime) / float64(f.Resolved)
}

// KindFigures are the figures of one kind.
type KindFigures struct {
	Kind Kind
	Figures
}

// MonthFigures are the figures of one month (YYYY-MM): received in it, resolved in it.
type MonthFigures struct {
	Month string
	Figures
}

// ChildFigures are the figures of a child unit's subtree.
type ChildFigures struct {
	Unit org.Unit
	Figures
}

// Dashboard is the dashboard of a unit's subtree.
type Dashboard struct {
	Unit     org.Unit
	Total    Figures
	ByKind   []KindFigures
	ByMonth  []MonthFigures
	Children []ChildFigures
}

// Dashboard computes the figures of the subtree of unitID from the rolled-up counters
// kept with every change (petition_rollup, petition_due_counts): a few rows for the unit
// and for each child, whatever the number of petitions below — no scan of the petitions.
// Errors: NotFound (unit outside reach).
func (s *Service) Dashboard(ctx context.Context, p *org.Principal, unitID int64, months int) (Dashboard, error) {
	var d Dashboard
	u, err := org.GetUnit(ctx, s.DB, unitID)
	if err != nil || !p.CanPath(org.ViewPetition, u.Path) {
		return d, apperr.New(apperr.NotFound, "petition.Dashboard", "Không tìm thấy đơn vị.")
	}
	d.Unit = u
	today := s.today().String()
	if months <= 0 || months > 36 {
		months = 12
	}
	first := time.Date(s.today().Year(), s.today().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(months - 1), 0)
	byKind := map[Kind]*KindFigures{}
	for _, k := range Kinds {
		d.ByKind = append(d.ByKind, KindFigures{Kind: k})
	}
	for i := range d.ByKind {
		byKind[d.ByKind[i].Kind] = &d.ByKind[i]
	}
	byMonth := map[string]*MonthFigures{}
	for m := 0; m < months; m++ {
		d.ByMonth = append(d.ByMonth, MonthFigures{Month: first.AddDate(0, m, 0).Format("2006-01")})
	}
	for i := range d.ByMonth {
		byMonth[d.ByMonth[i].Month] = &d.ByMonth[i]
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT kind, month, received, resolved, on_time FROM petition_rollup WHERE unit_id = ?`, u.ID)
	if err != nil {
		return d, apperr.Wrap("petition.Dashboard", err)
	}
	for rows.Next() {
		var k Kind
		var month string
		var f Figures
		if err := rows.Scan(&k, &month, &f.Received, &f.Resolved, &f.OnTime); err != nil {
			rows.Close()
			return d, apperr.Wrap("petition.Dashboard", err)
		}
		d.Total.add(f)
		if kf := byKind[k]; kf != nil {
			kf.add(f)
		}
		if mf := byMonth[month]; mf != nil {
			mf.add(f)
		}
	}
	rows.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT kind, SUM(n) FROM petition_due_counts WHERE unit_id = ? AND due_on < ? GROUP BY kind`, u.ID, today)
	if err != nil {
		return d, apperr.Wrap("petition.Dashboard", err)
	}
	for rows.Next() {
		var k Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return d, apperr.Wrap("petition.Dashboard", err)
		}
		d.Total.OverdueNow += n
		if kf := byKind[k]; kf != nil {
			kf.OverdueNow += n
		}
	}
	rows.Close()
	// The same figures per child unit.
	kids, err := s.DB.QueryContext(ctx, `SELECT c.id, c.name, c.path, COALESCE(SUM(r.received), 0), COALESCE(SUM(r.resolved), 0), COALESCE(SUM(r.on_time), 0)
		FROM units c JOIN petition_rollup r ON r.unit_id = c.id WHERE c.parent_id = ? GROUP BY c.id, c.name, c.path ORDER BY c.name LIMIT 500`, u.ID)
	if err != nil {
		return d, apperr.Wrap("petition.Dashboard", err)
	}
	index := map[int64]int{}
	for kids.Next() {
		var c ChildFigures
		if err := kids.Scan(&c.Unit.ID, &c.Unit.Name, &c.Unit.Path, &c.Received, &c.Resolved, &c.OnTime); err != nil {
			kids.Close()
			return d, apperr.Wrap("petition.Dashboard", err)
		}
		index[c.Unit.ID] = len(d.Children)
		d.Children = append(d.Children, c)
	}
	kids.Close()
	rows, err = s.DB.QueryContext(ctx, `SELECT c.id, SUM(n) FROM units c JOIN petition_due_counts dc ON dc.unit_id = c.id WHERE c.parent_id = ? AND dc.due_on < ? GROUP BY c.id`, u.ID, today)
	if err != nil {
		return d, apperr.Wrap("petition.Dashboard", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return d, apperr.Wrap("petition.Dashboard", err)
		}
		if i, ok := index[id]; ok {
			d.Children[i].OverdueNow = n
		}
	}
	rows.Close()
	return d, nil
}

func (f *Figures) add(g Figures) {
	f.Received += g.Received
	f.Resolved += g.Resolved
	f.OnTime += g.OnTime
}

// Remind sends, once per (petition, step, state), an in-app note to the lead person of
// every open step that is due soon or overdue; the notes go into each person's daily
// digest mail. The remembered reminders (petition_reminders, unique key) make it
// idempotent and safe when several instances run it.
func (s *Service) Remind(ctx context.Context, now time.Time) error {
	today := s.today()
	soon := s.DueSoonLimit(today).String()
	rows, err := s.DB.QueryContext(ctx, `SELECT st.id, st.petition_id, st.step, st.due_on, p.code, p.kind, COALESCE(us.id, 0) FROM petition_steps st
		JOIN petitions p ON p.id = st.petition_id JOIN users us ON us.person_id = p.lead_person_id AND us.disabled = FALSE
		WHERE st.status = 'open' AND st.due_on <= ? AND p.lead_person_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM petition_reminders r WHERE r.petition_id = st.petition_id AND r.step_id = st.id AND r.state = (CASE WHEN st.due_on < ? THEN 'overdue' ELSE 'due-soon' END))
		ORDER BY st.due_on LIMIT 1000`, soon, today.String())
	if err != nil {
		return apperr.Wrap("petition.Remind", err)
	}
	type due struct {
		stepID, petitionID, userID int64
		step                       Step
		dueOn, code                string
		kind                       Kind
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.stepID, &d.petitionID, &d.step, &d.dueOn, &d.code, &d.kind, &d.userID); err != nil {
			rows.Close()
			return apperr.Wrap("petition.Remind", err)
		}
		list = append(list, d)
	}
	rows.Close()
	for _, d := range list {
		state, title := string(work.DueSoon), "Đơn "+FormatCode(d.code)+" sắp đến hạn "+lower(d.step.Label())+" ("+vnDate(d.dueOn)+")"
		if d.dueOn < today.String() {
			state, title = string(work.Overdue), "Đơn "+FormatCode(d.code)+" đã quá hạn "+lower(d.step.Label())+" ("+vnDate(d.dueOn)+")"
		}
		err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO petition_reminders (petition_id, step_id, state, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				d.petitionID, d.stepID, state, sqldb.FormatTime(tx.Now()))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another instance sent it
			}
			return notify.Send(ctx, tx, notify.Note{UserID: d.userID, Kind: "petition." + state, Title: title,
				Body: d.kind.Label(), Link: "/petitions/" + itoa64(d.petitionID)})
		})
		if err != nil {
			return apperr.Wrap("petition.Remind", err)
		}
	}
	return nil
}

// OpenWork lists for "Việc của tôi" the open petitions the person leads, and for those
// who handle petitions, the ones waiting to be classified or accepted in their reach.
func (s *Service) OpenWork(ctx context.Context, p *org.Principal) ([]work.Item, error) {
	if p.IsZero() {
		return nil, nil
	}
	var out []work.Item
	add := func(q string, args ...any) error {
		rows, err := s.DB.QueryContext(ctx, q, args...)
		if err != nil {
			return apperr.Wrap("petition.OpenWork", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var code, kind, state, subject, due, unit string
			if err := rows.Scan(&id, &code, &kind, &state, &subject, &due, &unit); err != nil {
				return apperr.Wrap("petition.OpenWork", err)
			}
			if due == noDue {
				due = ""
			}
			out = append(out, work.Item{Kind: "Đơn thư", Title: Kind(kind).Label() + " " + FormatCode(code) + ": " + shorten(subject, 80),
				Link: "/petitions/" + itoa64(id), Unit: unit, Due: due, Status: State(state).Label()})
		}
		return rows.Err()
	}
	if p.PersonID != 0 {
		if err := add(`SELECT p.id, p.code, p.kind, p.state, p.subject, p.due_on, u.name FROM petitions p JOIN units u ON u.id = p.unit_id
			WHERE p.lead_person_id = ? AND p.open = TRUE ORDER BY p.due_on LIMIT 100`, p.PersonID); err != nil {
			return nil, err
		}
	}
	sc := p.Scope(org.HandlePetition)
	if !sc.Empty() {
		// One walk per state in deadline order (petitions_state_due_path, 0104), each
		// stopping after a page, then the two pages merged: a whole-tree handler has
		// thousands of petitions waiting, and sorting them all cost half a second.
		cond, args := sc.SQL("p.unit_path")
		one := func(state State) string {
			return `SELECT * FROM (SELECT p.id, p.code, p.kind, p.state, p.subject, p.due_on, u.name FROM petitions p` + s.DB.IndexedBy("petitions_state_due_path") + ` JOIN units u ON u.id = p.unit_id
			WHERE p.state = '` + string(state) + `' AND ` + cond + ` ORDER BY p.due_on, p.id LIMIT 50) w`
		}
		if err := add(one(Received)+` UNION ALL `+one(Classified)+` ORDER BY 6, 1 LIMIT 50`, append(slices.Clone(args), args...)...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

var _ work.Source = (*Service)(nil)

func lower(s string) string { return strings.ToLower(s) }
