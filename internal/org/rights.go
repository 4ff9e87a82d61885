package org

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"danvan/internal/apperr"
	"danvan/internal/sqldb"
)

// Role is granted to a user on a unit and reaches the unit's whole subtree.
type Role string

const (
	RoleAdmin     Role = "admin"     // Quản trị hệ thống
	RoleStaff     Role = "staff"     // Cán bộ cơ quan cấp ủy (ban dân vận, văn phòng)
	RoleManager   Role = "manager"   // Cấp ủy / thủ trưởng đơn vị
	RoleMassOrg   Role = "massorg"   // Cán bộ đoàn thể
	RoleHandler   Role = "handler"   // Cán bộ xử lý đơn thư
	RoleInspector Role = "inspector" // Cán bộ kiểm tra, giám sát
	RoleEditor    Role = "editor"    // Biên tập viên tin bài
	RoleMember    Role = "member"    // Đảng viên, cán bộ, công chức
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleStaff, RoleManager, RoleMassOrg, RoleHandler, RoleInspector, RoleEditor, RoleMember}

// Label is the role's Vietnamese name.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Quản trị hệ thống"
	case RoleStaff:
		return "Cán bộ cơ quan cấp ủy"
	case RoleManager:
		return "Cấp ủy / thủ trưởng"
	case RoleMassOrg:
		return "Cán bộ đoàn thể"
	case RoleHandler:
		return "Cán bộ xử lý đơn thư"
	case RoleInspector:
		return "Cán bộ kiểm tra, giám sát"
	case RoleEditor:
		return "Biên tập viên"
	case RoleMember:
		return "Đảng viên, cán bộ"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Action is something a user may do on a unit's subtree.
type Action string

// Actions of the foundation. Domains add theirs to this table: one place says who may do what.
const (
	ViewUnit     Action = "unit.view"
	ManageUnit   Action = "unit.manage"
	ViewPerson   Action = "person.view"
	ManagePerson Action = "person.manage"
	GrantRoles   Action = "role.grant"
	ViewAudit    Action = "audit.view"
	ManageSystem Action = "system.manage" // calendar, rule versions, criteria sets

	ViewPetition   Action = "petition.view"
	HandlePetition Action = "petition.handle"

	ViewPlan   Action = "plan.view"
	ManagePlan Action = "plan.manage"
	AssignTask Action = "task.assign"

	ViewDraft    Action = "draft.view"
	ManageDraft  Action = "draft.manage"
	CommentDraft Action = "draft.comment"

	ViewModel     Action = "model.view"
	RegisterModel Action = "model.register"
	ApproveModel  Action = "model.approve"
	AssessModel   Action = "model.assess"

	EditNews Action = "news.edit"
	// PublishNews approves, schedules and unpublishes the articles of a unit's subtree and
	// moderates readers' feedback (the reviewer, người duyệt tin): kept apart from EditNews
	// so that the one who writes is not the one who publishes.
	PublishNews Action = "news.publish"

	// The annual staff conference and the people's inspection board (internal/democracy
	// conference.go, board.go): seen by the agency's staff and the units above, run by
	// the head's office and the trade union.
	ViewConference   Action = "conference.view"
	ManageConference Action = "conference.manage"

	ViewInspection   Action = "inspection.view"
	ManageInspection Action = "inspection.manage" // programmes, rounds, findings of a committee

	// Periodic reports (internal/report): a unit's own committee writes and submits its
	// report; the level above receives or returns it. Writing is further kept from the
	// receiving level (report.Service), so the reviewer is never the author.
	ViewReport    Action = "report.view"
	WriteReport   Action = "report.write"
	ReceiveReport Action = "report.receive"
)

var everyone = []Role{RoleAdmin, RoleStaff, RoleManager, RoleMassOrg, RoleHandler, RoleInspector, RoleEditor, RoleMember}

// allowed maps each action to the roles that may perform it. Admin may do everything.
var allowed = map[Action][]Role{
	ViewUnit:     everyone,
	ManageUnit:   {RoleStaff},
	ViewPerson:   everyone,
	ManagePerson: {RoleStaff, RoleManager},
	GrantRoles:   {},
	ViewAudit:    {RoleStaff, RoleManager},
	ManageSystem: {},

	ViewPetition:   {RoleStaff, RoleManager, RoleHandler, RoleInspector},
	HandlePetition: {RoleStaff, RoleManager, RoleHandler},

	ViewPlan:   everyone,
	ManagePlan: {RoleStaff, RoleManager},
	// The inspection staff (RoleInspector) issue the committee's conclusions, whose
	// recommendations are tasks assigned to the target units in the committee's name, and
	// accept or return what the targets report: the committee entrusts that follow-up to
	// them, so they assign tasks in the subtree where they inspect. They still approve
	// nothing else (no plans, models or units).
	AssignTask: {RoleStaff, RoleManager, RoleInspector},

	ViewDraft:    everyone,
	ManageDraft:  {RoleStaff, RoleManager},
	CommentDraft: everyone,

	ViewModel:     everyone,
	RegisterModel: {RoleStaff, RoleManager, RoleMassOrg},
	ApproveModel:  {RoleStaff, RoleManager},
	AssessModel:   {RoleStaff, RoleManager, RoleInspector},

	EditNews:    {RoleEditor, RoleStaff},
	PublishNews: {RoleStaff, RoleManager},

	ViewConference:   everyone,
	ManageConference: {RoleStaff, RoleManager, RoleMassOrg},

	ViewInspection:   {RoleStaff, RoleManager, RoleMassOrg, RoleInspector},
	ManageInspection: {RoleStaff, RoleInspector},

	ViewReport:    {RoleStaff, RoleManager, RoleInspector},
	WriteReport:   {RoleStaff, RoleManager},
	ReceiveReport: {RoleStaff, RoleManager},
}

// RoleAllows reports whether role may perform action.
func RoleAllows(r Role, a Action) bool {
	if r == RoleAdmin {
		return true
	}
	for _, x := range allowed[a] {
		if x == r {
			return true
		}
	}
	return false
}

// Grant is a role on a unit.
type Grant struct {
	ID       int64
	UserID   int64
	UnitID   int64
	UnitPath string
	UnitName string
	Role     Role
}

// Principal is a signed-in user with their grants, loaded once per request.
type Principal struct {
	UserID   int64
	PersonID int64
	Name     string
	Username string
	Grants   []Grant
}

// IsZero reports whether p is nobody (a citizen).
func (p *Principal) IsZero() bool { return p == nil || p.UserID == 0 }

// CanPath reports whether p may perform a on the unit whose path is unitPath. It compares
// paths only: O(grants × depth), no query.
func (p *Principal) CanPath(a Action, unitPath string) bool {
	if p == nil || unitPath == "" {
		return false
	}
	for _, g := range p.Grants {
		if strings.HasPrefix(unitPath, g.UnitPath) && RoleAllows(g.Role, a) {
			return true
		}
	}
	return false
}

// CanAnywhere reports whether p may perform a on at least one unit.
func (p *Principal) CanAnywhere(a Action) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if RoleAllows(g.Role, a) {
			return true
		}
	}
	return false
}

// IsAdmin reports whether p administers the system (admin granted on a root unit).
func (p *Principal) IsAdmin() bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == RoleAdmin && strings.Count(g.UnitPath, "/") == 2 {
			return true
		}
	}
	return false
}

// Scope is the set of subtrees where p may perform an action, for filtering lists in SQL.
type Scope struct {
	Paths []string // minimal set: no path is inside another
}

// Scope returns the subtrees where p may perform a.
func (p *Principal) Scope(a Action) Scope {
	var paths []string
	if p != nil {
		for _, g := range p.Grants {
			if RoleAllows(g.Role, a) {
				paths = append(paths, g.UnitPath)
			}
		}
	}
	return Scope{Paths: minimalPaths(paths)}
}

// Empty reports whether the scope reaches no unit.
func (s Scope) Empty() bool { return len(s.Paths) == 0 }

// SQL returns a condition on the path column col selecting the scope, with its arguments.
// An empty scope gives a condition that is always false.
func (s Scope) SQL(col string) (string, []any) {
	if len(s.Paths) == 0 {
		return "1 = 0", nil
	}
	var parts []string
	var args []any
	for _, p := range s.Paths {
		parts = append(parts, "("+col+" >= ? AND "+col+" < ?)")
		args = append(args, p, sqldb.PathEnd(p))
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// OutsideSQL returns a condition on the path column col selecting every path outside
// the scope, with its arguments: the ranges between the scope's subtrees, so that an
// index on col reads only what lies outside (for a scope holding the whole tree,
// nothing) instead of every row to drop those inside. An empty scope gives a condition
// that is always true.
func (s Scope) OutsideSQL(col string) (string, []any) {
	if len(s.Paths) == 0 {
		return "1 = 1", nil
	}
	paths := append([]string(nil), s.Paths...)
	sort.Strings(paths)
	parts := []string{col + " < ?"}
	args := []any{paths[0]}
	for i, p := range paths {
		if i+1 < len(paths) {
			parts = append(parts, "("+col+" >= ? AND "+col+" < ?)")
			args = append(args, sqldb.PathEnd(p), paths[i+1])
		} else {
			parts = append(parts, col+" >= ?")
			args = append(args, sqldb.PathEnd(p))
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Contains reports whether the unit path lies in the scope.
func (s Scope) Contains(unitPath string) bool {
	for _, p := range s.Paths {
		if strings.HasPrefix(unitPath, p) {
			return true
		}
	}
	return false
}

func minimalPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		inside := false
		for _, q := range paths {
			if q != p && strings.HasPrefix(p, q) {
				inside = true
				break
			}
		}
		dup := false
		for _, q := range out {
			if q == p {
				dup = true
			}
		}
		if !inside && !dup {
			out = append(out, p)
		}
	}
	return out
}

// LoadPrincipal reads a user's grants with their units' paths in one query.
func LoadPrincipal(ctx context.Context, q sqldb.Querier, userID int64) (*Principal, error) {
	p := &Principal{UserID: userID}
	var personID *int64
	err := q.QueryRowContext(ctx, `SELECT username, display_name, person_id FROM users WHERE id = ? AND disabled = FALSE`, userID).Scan(&p.Username, &p.Name, &personID)
	if err != nil {
		return nil, notFoundOr("org.LoadPrincipal", err)
	}
	if personID != nil {
		p.PersonID = *personID
	}
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.unit_id, u.path, u.name, g.role FROM role_grants g JOIN units u ON u.id = g.unit_id WHERE g.user_id = ? ORDER BY u.path, g.role`, userID)
	if err != nil {
		return nil, apperr.Wrap("org.LoadPrincipal", err)
	}
	defer rows.Close()
	for rows.Next() {
		g := Grant{UserID: userID}
		if err := rows.Scan(&g.ID, &g.UnitID, &g.UnitPath, &g.UnitName, &g.Role); err != nil {
			return nil, apperr.Wrap("org.LoadPrincipal", err)
		}
		p.Grants = append(p.Grants, g)
	}
	return p, apperr.Wrap("org.LoadPrincipal", rows.Err())
}

// PathIDs returns the unit ids along a path, root first.
func PathIDs(path string) []int64 {
	var ids []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// RightsVersion is a number that moves whenever an account, a grant or a unit's name or
// path changes (database triggers, migration 0009): a principal loaded at one version is
// still right while the number has not moved.
func RightsVersion(ctx context.Context, q sqldb.Querier) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT n FROM rights_version WHERE id = 1`).Scan(&n)
	return n, apperr.Wrap("org.RightsVersion", err)
}
