// Package audit records every change made through a service, in the same transaction
// as the change: who (the actor carried by the request's context), when (the
// transaction's clock), from which address, which entity, and what before and after.
//
// The log is append-only: triggers in the database refuse UPDATE and DELETE on it, and
// the product offers no page to change it.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/sqldb"
)

// Actor is who makes a change: a signed-in user, a citizen (UserID 0) or the system.
type Actor struct {
	UserID  int64
	Name    string
	Address string // remote address of the request
}

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or the system actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "Hệ thống"}
}

// Entry describes one change.
type Entry struct {
	UnitID   int64  // the unit the entity belongs to, for browsing by subtree; 0 if none
	Entity   string // "unit", "person", "petition", …
	EntityID int64
	Action   string // "create", "update", "accept", …
	Summary  string // Vietnamese, one line: "Tạo đơn vị Chi bộ Vụ Tổ chức"
	Before   any    // marshalled to JSON; nil for none
	After    any
}

// Record appends e to the log inside tx. It fails the transaction when it cannot write,
// so a change is never committed without its trace.
func Record(ctx context.Context, tx *sqldb.Tx, e Entry) error {
	a := ActorFrom(ctx)
	before, err := marshal(e.Before)
	if err != nil {
		return apperr.Wrap("audit.Record", err)
	}
	after, err := marshal(e.After)
	if err != nil {
		return apperr.Wrap("audit.Record", err)
	}
	var unitID any
	unitPath := ""
	if e.UnitID != 0 {
		unitID = e.UnitID
		if err := tx.QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, e.UnitID).Scan(&unitPath); err != nil {
			return apperr.Wrap("audit.Record: unit path", err)
		}
	}
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, address, unit_id, unit_path, entity, entity_id, action, summary, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sqldb.FormatTime(tx.Now()), actorID, a.Name, a.Address, unitID, unitPath, e.Entity, e.EntityID, e.Action, e.Summary, before, after)
	if err != nil {
		return apperr.Wrap("audit.Record", err)
	}
	return nil
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("marshal %T: %w", v, err)
	}
	return string(b), nil
}

// Record of the log, as read back.
type Row struct {
	ID        int64
	At        string
	ActorID   int64
	ActorName string
	Address   string
	UnitID    int64
	UnitPath  string
	Entity    string
	EntityID  int64
	Action    string
	Summary   string
	Before    string
	After     string
}

// Filter selects log rows. UnitPaths limits to rows whose unit lies in one of the subtrees
// (the caller's reach); All lifts the limit (administrators).
type Filter struct {
	All       bool
	UnitPaths []string
	UnitPath  string // narrower subtree asked by the user
	Entity    string
	EntityID  int64
	ActorID   int64
	BeforeID  int64 // keyset pagination: rows with id < BeforeID
	Limit     int
}

// ForEntity returns the history of one record (entity "task", "draft", … and its id),
// newest first, at most limit rows (50 when limit is 0 or negative, 200 at the most). It
// does not filter by unit: the caller has already checked that the record is in reach.
func ForEntity(ctx context.Context, q sqldb.Querier, entity string, id int64, limit int) ([]Row, error) {
	return Find(ctx, q, Filter{All: true, Entity: entity, EntityID: id, Limit: limit})
}

// Find returns log rows newest first.
func Find(ctx context.Context, q sqldb.Querier, f Filter) ([]Row, error) {
	var where []string
	var args []any
	if !f.All {
		if len(f.UnitPaths) == 0 {
			return nil, nil
		}
		var ors []string
		for _, p := range f.UnitPaths {
			ors = append(ors, "(unit_path >= ? AND unit_path < ?)")
			args = append(args, p, sqldb.PathEnd(p))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.UnitPath != "" {
		where = append(where, "unit_path >= ? AND unit_path < ?")
		args = append(args, f.UnitPath, sqldb.PathEnd(f.UnitPath))
	}
	if f.Entity != "" {
		where = append(where, "entity = ?")
		args = append(args, f.Entity)
	}
	if f.EntityID != 0 {
		where = append(where, "entity_id = ?")
		args = append(args, f.EntityID)
	}
	if f.ActorID != 0 {
		where = append(where, "actor_id = ?")
		args = append(args, f.ActorID)
	}
	if f.BeforeID != 0 {
		where = append(where, "id < ?")
		args = append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	query := `SELECT id, at, COALESCE(actor_id, 0), actor_name, address, COALESCE(unit_id, 0), unit_path, entity, entity_id, action, summary, before, after FROM audit_log`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", f.Limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, apperr.Wrap("audit.Find", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.ActorName, &r.Address, &r.UnitID, &r.UnitPath, &r.Entity, &r.EntityID, &r.Action, &r.Summary, &r.Before, &r.After); err != nil {
			return nil, apperr.Wrap("audit.Find", err)
		}
		out = append(out, r)
	}
	return out, apperr.Wrap("audit.Find", rows.Err())
}
