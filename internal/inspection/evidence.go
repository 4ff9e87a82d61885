package inspection

// The evidence pack (hồ sơ số liệu): for each target unit of a round, the figures of
// every domain for the period, filled from danvan's own data so the team starts from
// facts. The domains are read only through figures.Source (their own queries and list
// rights), never their tables.
//
// Snapshot, not live: the pack is taken when the round opens (OpenRound calls
// takeOnOpen) and stored with the time it was taken, because the team works from, and
// its conclusion cites, the facts as they stood before the visit; a live page would
// move under the team's feet (a task accepted the day after the visit would change the
// record the finding was written from). The committee or a team member may refresh it
// (TakeEvidence); the page always shows when it was taken and on whose rights.
//
// Period: from 1 January of the year before the round's decision to the day the pack
// is taken, capped at the round's last day: an inspection reviews last year and this
// year so far, and a refresh after the visit does not add what happened afterwards.
//
// Rights (the rule chosen):
//   - The figures follow the rights of one committee officer: whoever takes or refreshes
//     the pack with ManageInspection on the round's committee uses their own rights; a
//     team member without that right refreshes on the rights of the account that opened
//     the round (rounds.created_by), as those rights stand now, and only while that
//     account still manages the committee's inspections. So a number in the pack never
//     exceeds what a committee officer's own lists would show (each Source honours that
//     principal), and a team member from outside the target's subtree, who could see
//     nothing there, sees the counts the committee gave the team by its decision —
//     counts only, never a record.
//   - Who reads a pack: the committee (ViewInspection on the round's committee) and the
//     round's team members. Not the target unit: the pack is the team's preparation on
//     the committee's rights, and may count what the target's own accounts are not shown
//     (petitions handled above it, items of the register not yet disclosed); the target
//     answers with its own self-report.
//   - Links: the numbers link to the module's filtered list only for readers who may view
//     the target themselves (the list filters by the reader's rights, so a team member
//     from outside would reach an empty or refused list); others see the numbers alone.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/figures"
	"danvan/internal/org"
	"danvan/internal/sqldb"
	"danvan/internal/work"
)

// Evidence is the stored pack of one target of a round.
type Evidence struct {
	RoundID    int64
	DecisionNo string
	RoundPath  string // the committee's path
	Status     string // the round's
	TargetID   int64
	TargetName string
	TargetPath string
	From, To   string // the period, YYYY-MM-DD, both included
	TakenAt    string // sqldb.FormatTime; "" when the pack was never taken
	RightsOf   string // the name of the account whose rights the figures follow
	AskedBy    string // who took or refreshed it
	Blocks     []figures.Block
	// For the reader.
	CanRefresh bool // committee officer or team member, round not closed
	Linked     bool // the reader may view the target: the numbers link to the lists
	Targets    []TargetRef
}

// TargetRef is a target of the round, for moving between the packs.
type TargetRef struct {
	ID   int64
	Name string
}

// evidenceRound is what taking and reading a pack need of the round.
type evidenceRound struct {
	id                          int64
	path, decisionNo, status    string
	decisionOn, endsOn          string
	createdBy                   int64
	committeeView, manage, team bool
}

func (s *Service) evidenceRound(ctx context.Context, q sqldb.Querier, p *org.Principal, id int64, op string) (evidenceRound, error) {
	var r evidenceRound
	var createdBy *int64
	if err := q.QueryRowContext(ctx, `SELECT id, unit_path, decision_no, status, decision_on, ends_on, created_by FROM inspection_rounds WHERE id = ?`, id).
		Scan(&r.id, &r.path, &r.decisionNo, &r.status, &r.decisionOn, &r.endsOn, &createdBy); err != nil {
		return r, apperr.New(apperr.NotFound, op, "Không tìm thấy đoàn kiểm tra, giám sát.")
	}
	if createdBy != nil {
		r.createdBy = *createdBy
	}
	r.committeeView = p.CanPath(org.ViewInspection, r.path)
	r.manage = p.CanPath(org.ManageInspection, r.path)
	var one int
	r.team = p.PersonID != 0 && q.QueryRowContext(ctx, `SELECT 1 FROM inspection_members WHERE round_id = ? AND person_id = ?`, id, p.PersonID).Scan(&one) == nil
	if !r.committeeView && !r.team {
		return r, apperr.New(apperr.NotFound, op, "Không tìm thấy hồ sơ số liệu.")
	}
	return r, nil
}

// EvidencePeriod is the period of a pack taken on day today (YYYY-MM-DD) for a round
// decided on decisionOn and ending on endsOn.
func EvidencePeriod(decisionOn, endsOn, today string) (from, to string) {
	to = today
	if endsOn != "" && endsOn < to {
		to = endsOn
	}
	y, err := strconv.Atoi(decisionOn[:min(4, len(decisionOn))])
	if err != nil {
		y, _ = strconv.Atoi(to[:4])
	}
	from = fmt.Sprintf("%04d-01-01", y-1)
	if to < from { // a round planned years ahead: the year before its decision, whole
		to = fmt.Sprintf("%04d-12-31", y-1)
	}
	return from, to
}

// TakeEvidence takes (or refreshes) the pack of every target of the round. Errors:
// NotFound, Forbidden (a reader who is neither committee officer nor team member, or a
// team whose round's opener no longer manages the committee), Conflict (closed round).
func (s *Service) TakeEvidence(ctx context.Context, p *org.Principal, roundID int64) error {
	const op = "inspection.TakeEvidence"
	r, err := s.evidenceRound(ctx, s.DB, p, roundID, op)
	if err != nil {
		return err
	}
	if !r.manage && !r.team {
		return apperr.New(apperr.Forbidden, op, "Chỉ cấp ủy tổ chức đoàn và thành viên đoàn cập nhật hồ sơ số liệu.")
	}
	if r.status == "closed" {
		return apperr.New(apperr.Conflict, op, "Đoàn đã kết thúc: hồ sơ số liệu được giữ như lúc kết thúc.")
	}
	rights := p
	if !r.manage {
		// A team member refreshes on the rights of the officer who opened the round.
		opener, err := org.LoadPrincipal(ctx, s.DB, r.createdBy)
		if err != nil || r.createdBy == 0 || !opener.CanPath(org.ManageInspection, r.path) {
			return apperr.New(apperr.Forbidden, op, "Người lập đoàn không còn quyền tổ chức kiểm tra, giám sát của cấp ủy: đề nghị cấp ủy cập nhật hồ sơ số liệu.")
		}
		rights = opener
	}
	return s.takeEvidence(ctx, rights, p, r)
}

// takeOnOpen takes the packs of a round just opened. A failure does not undo the
// round (it is committed, and the decision is real): it is logged, and the pack's page
// offers to take it.
func (s *Service) takeOnOpen(ctx context.Context, p *org.Principal, roundID int64) {
	if len(s.Sources) == 0 {
		return
	}
	if err := s.TakeEvidence(ctx, p, roundID); err != nil {
		slog.WarnContext(ctx, "inspection: evidence pack not taken when the round opened", "round", roundID, "err", err)
	}
}

type targetRow struct {
	id         int64
	name, path string
}

func (s *Service) roundTargets(ctx context.Context, q sqldb.Querier, roundID int64) ([]targetRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.unit_id, u.name, t.unit_path FROM inspection_round_targets t JOIN units u ON u.id = t.unit_id WHERE t.round_id = ? ORDER BY u.name, t.unit_id`, roundID)
	if err != nil {
		return nil, apperr.Wrap("inspection.roundTargets", err)
	}
	defer rows.Close()
	var out []targetRow
	for rows.Next() {
		var t targetRow
		if err := rows.Scan(&t.id, &t.name, &t.path); err != nil {
			return nil, apperr.Wrap("inspection.roundTargets", err)
		}
		out = append(out, t)
	}
	return out, apperr.Wrap("inspection.roundTargets", rows.Err())
}

// takeEvidence computes every target's figures on rights and stores them in one
// transaction. The sources are read before the transaction: they read through the pool,
// and SQLite's single writer connection must not wait on them.
func (s *Service) takeEvidence(ctx context.Context, rights, asker *org.Principal, r evidenceRound) error {
	const op = "inspection.TakeEvidence"
	targets, err := s.roundTargets(ctx, s.DB, r.id)
	if err != nil {
		return err
	}
	now := s.DB.Now()
	from, to := EvidencePeriod(r.decisionOn, r.endsOn, work.Today(now))
	packs := make([][]byte, len(targets))
	for i, t := range targets {
		blocks, err := s.EvidenceFigures(ctx, rights, t.path, from, to)
		if err != nil {
			return err
		}
		if packs[i], err = json.Marshal(blocks); err != nil {
			return apperr.Wrap(op, err)
		}
	}
	ts := sqldb.FormatTime(now)
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		for i, t := range targets {
			if _, err := tx.ExecContext(ctx, `DELETE FROM inspection_evidence WHERE round_id = ? AND target_id = ?`, r.id, t.id); err != nil {
				return apperr.Wrap(op, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_evidence (round_id, target_id, period_from, period_to, taken_at, rights_of, asked_by, blocks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				r.id, t.id, from, to, ts, rights.UserID, asker.UserID, string(packs[i])); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		var unitID int64
		_ = tx.QueryRowContext(ctx, `SELECT unit_id FROM inspection_rounds WHERE id = ?`, r.id).Scan(&unitID)
		summary := fmt.Sprintf("Lập hồ sơ số liệu của %d đơn vị được kiểm tra, giám sát (kỳ %s – %s)", len(targets), viDate(from), viDate(to))
		if rights.UserID != asker.UserID {
			summary += " theo quyền xem của " + rights.Name
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: unitID, Entity: "inspection_round", EntityID: r.id, Action: "evidence", Summary: summary,
			After: map[string]any{"from": from, "to": to, "rights_of": rights.UserID, "targets": len(targets)}})
	})
}

// EvidenceFigures asks every source for the figures of the subtree at path over the
// period, on p's rights, with the monthly trend and no children.
func (s *Service) EvidenceFigures(ctx context.Context, p *org.Principal, path, from, to string) ([]figures.Block, error) {
	q := figures.Query{Scope: path, From: from, To: to, Trend: true}
	var out []figures.Block
	for _, src := range s.Sources {
		bs, err := src.Figures(ctx, p, q)
		if err != nil {
			return nil, err
		}
		out = append(out, bs...)
	}
	return out, nil
}

// Evidence returns the pack of one target as p may read it. Errors: NotFound (the
// round or target is unknown, or p is neither of the committee nor of the team).
func (s *Service) Evidence(ctx context.Context, p *org.Principal, roundID, targetID int64) (Evidence, error) {
	const op = "inspection.Evidence"
	r, err := s.evidenceRound(ctx, s.DB, p, roundID, op)
	if err != nil {
		return Evidence{}, err
	}
	e := Evidence{RoundID: r.id, DecisionNo: r.decisionNo, RoundPath: r.path, Status: r.status, TargetID: targetID,
		CanRefresh: (r.manage || r.team) && r.status != "closed"}
	targets, err := s.roundTargets(ctx, s.DB, r.id)
	if err != nil {
		return e, err
	}
	found := false
	for _, t := range targets {
		e.Targets = append(e.Targets, TargetRef{ID: t.id, Name: t.name})
		if t.id == targetID {
			e.TargetName, e.TargetPath, found = t.name, t.path, true
		}
	}
	if !found {
		return Evidence{}, apperr.New(apperr.NotFound, op, "Đơn vị này không thuộc đoàn kiểm tra, giám sát.")
	}
	e.Linked = p.CanPath(org.ViewUnit, e.TargetPath)
	var blocks string
	err = s.DB.QueryRowContext(ctx, `SELECT e.period_from, e.period_to, e.taken_at, COALESCE(ru.display_name, ''), COALESCE(au.display_name, ''), e.blocks
		FROM inspection_evidence e LEFT JOIN users ru ON ru.id = e.rights_of LEFT JOIN users au ON au.id = e.asked_by
		WHERE e.round_id = ? AND e.target_id = ?`, r.id, targetID).Scan(&e.From, &e.To, &e.TakenAt, &e.RightsOf, &e.AskedBy, &blocks)
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil
	}
	if err != nil {
		return e, apperr.Wrap(op, err)
	}
	if err := json.Unmarshal([]byte(blocks), &e.Blocks); err != nil {
		return e, apperr.Wrap(op, err)
	}
	if !e.Linked {
		for i := range e.Blocks {
			for j := range e.Blocks[i].Figures {
				e.Blocks[i].Figures[j].Href = ""
			}
		}
	}
	return e, nil
}

// Age is how long ago the pack was taken, in words ("" when never taken).
func (e Evidence) Age(now time.Time) string {
	if e.TakenAt == "" {
		return ""
	}
	t := sqldb.ParseTime(e.TakenAt)
	d := now.Sub(t)
	switch {
	case d < time.Hour:
		return "vừa lập"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d giờ trước", int(d.Hours()))
	}
	return fmt.Sprintf("%d ngày trước", int(d.Hours()/24))
}

// viDate shows YYYY-MM-DD as dd/mm/yyyy.
func viDate(iso string) string {
	if len(iso) != 10 {
		return iso
	}
	return iso[8:] + "/" + iso[5:7] + "/" + iso[:4]
}
