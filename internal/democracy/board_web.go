package democracy

// What the module's pages need beyond the domain's operations: who may write to the
// board, which agency a user works in, the agency's latest board and the head's answers
// to the board's recommendations (read from the tasks they became).

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/sqldb"
)

// CanSendRequest reports whether p may send the board a request or complaint: the same
// test as SendRequest, a grant on the agency or on a unit inside it (its staff).
func (b Board) CanSendRequest(p *org.Principal) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if strings.HasPrefix(g.UnitPath, b.UnitPath) {
			return true
		}
	}
	return false
}

// AgencyOf returns the agency (a unit of kind cơ quan, in force) that holds the unit at
// path: the unit itself or its nearest such ancestor. ok is false for a unit above the
// agencies (an upper committee), which reads the overview instead.
func AgencyOf(ctx context.Context, q sqldb.Querier, path string) (org.Unit, bool, error) {
	ids := org.PathIDs(path)
	if len(ids) == 0 {
		return org.Unit{}, false, nil
	}
	args := []any{string(org.KindAgency)}
	for _, id := range ids {
		args = append(args, id)
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE kind = ? AND valid_to = '' AND id IN (`+sqldb.Placeholders(len(ids))+`) ORDER BY depth DESC LIMIT 1`, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return org.Unit{}, false, nil
	}
	if err != nil {
		return org.Unit{}, false, apperr.Wrap("democracy.AgencyOf", err)
	}
	u, err := org.GetUnit(ctx, q, id)
	if err != nil {
		return org.Unit{}, false, err
	}
	return u, true, nil
}

// LatestBoard returns the id of the agency's most recently elected board, in term or
// not (the home page says which), 0 if it never had one.
func (s *ConferenceService) LatestBoard(ctx context.Context, agencyID int64) (int64, error) {
	var id int64
	err := s.DB.QueryRowContext(ctx, `SELECT id FROM boards WHERE unit_id = ? ORDER BY elected_on DESC, id DESC LIMIT 1`, agencyID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, apperr.Wrap("democracy.LatestBoard", err)
}

// RecordAnswer is the head's answer to a supervision record's recommendation: the last
// completion report of its task.
type RecordAnswer struct {
	Body     string
	At       string // instant of the report
	Answered bool   // the task is reported done or accepted
	OnTime   bool   // reported on or before the task's due date
}

// RecordAnswers returns, per record id of b.Records (only those p was allowed to read),
// the head's answer when there is one.
func (s *ConferenceService) RecordAnswers(ctx context.Context, b Board) (map[int64]RecordAnswer, error) {
	out := map[int64]RecordAnswer{}
	byTask := map[int64]int64{}
	var ids []any
	for _, r := range b.Records {
		if r.TaskID != 0 {
			byTask[r.TaskID] = r.ID
			ids = append(ids, r.TaskID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT t.id, t.status, t.due_on, t.submitted_on, t.done_on, COALESCE(rp.body, ''), COALESCE(rp.created_at, '')
		FROM tasks t LEFT JOIN task_reports rp ON rp.id = (SELECT MAX(x.id) FROM task_reports x WHERE x.task_id = t.id AND x.kind = 'complete')
		WHERE t.id IN (`+sqldb.Placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return nil, apperr.Wrap("democracy.RecordAnswers", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid int64
		var status, due, submitted, done, body, at string
		if err := rows.Scan(&tid, &status, &due, &submitted, &done, &body, &at); err != nil {
			return nil, apperr.Wrap("democracy.RecordAnswers", err)
		}
		a := RecordAnswer{Body: body, At: at}
		answeredOn := submitted
		if done != "" {
			answeredOn = done
		}
		a.Answered = status == plan.StatusDone || status == plan.StatusSubmitted
		a.OnTime = a.Answered && answeredOn != "" && answeredOn <= due
		if a.Answered || body != "" {
			out[byTask[tid]] = a
		}
	}
	return out, apperr.Wrap("democracy.RecordAnswers", rows.Err())
}
