package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// UnitKind is the kind of a unit (DOMAIN.md section 2).
type UnitKind string

const (
	KindUpperCommittee UnitKind = "dang-bo-cap-tren" // Đảng bộ cấp trên
	KindBaseCommittee  UnitKind = "dang-bo-co-so"    // Đảng bộ cơ sở
	KindPartCommittee  UnitKind = "dang-bo-bo-phan"  // Đảng bộ bộ phận
	KindCell           UnitKind = "chi-bo"           // Chi bộ
	KindAgency         UnitKind = "co-quan"          // Cơ quan
	KindTradeUnion     UnitKind = "cong-doan"        // Công đoàn
	KindYouthUnion     UnitKind = "doan-thanh-nien"  // Đoàn Thanh niên
	KindVeterans       UnitKind = "hoi-ccb"          // Hội Cựu chiến binh
	KindWomen          UnitKind = "ban-nu-cong"      // Ban nữ công
	KindInspection     UnitKind = "ban-ttnd"         // Ban Thanh tra nhân dân
	KindDemocracy      UnitKind = "ban-chi-dao-qcdc" // Ban chỉ đạo quy chế dân chủ
	KindMobilisation   UnitKind = "ban-dan-van"      // Ban dân vận
	KindDepartment     UnitKind = "phong-ban"        // Vụ, phòng, ban chuyên môn
)

// UnitKinds lists the kinds in display order.
var UnitKinds = []UnitKind{KindUpperCommittee, KindBaseCommittee, KindPartCommittee, KindCell, KindAgency,
	KindTradeUnion, KindYouthUnion, KindVeterans, KindWomen, KindInspection, KindDemocracy, KindMobilisation, KindDepartment}

// Label is the kind's Vietnamese name.
func (k UnitKind) Label() string {
	switch k {
	case KindUpperCommittee:
		return "Đảng bộ cấp trên"
	case KindBaseCommittee:
		return "Đảng bộ cơ sở"
	case KindPartCommittee:
		return "Đảng bộ bộ phận"
	case KindCell:
		return "Chi bộ"
	case KindAgency:
		return "Cơ quan"
	case KindTradeUnion:
		return "Công đoàn"
	case KindYouthUnion:
		return "Đoàn Thanh niên"
	case KindVeterans:
		return "Hội Cựu chiến binh"
	case KindWomen:
		return "Ban nữ công"
	case KindInspection:
		return "Ban Thanh tra nhân dân"
	case KindDemocracy:
		return "Ban chỉ đạo quy chế dân chủ"
	case KindMobilisation:
		return "Ban dân vận"
	case KindDepartment:
		return "Phòng, ban chuyên môn"
	}
	return string(k)
}

// IsMassOrg reports whether the kind is a mass organisation (đoàn thể).
func (k UnitKind) IsMassOrg() bool {
	return k == KindTradeUnion || k == KindYouthUnion || k == KindVeterans || k == KindWomen
}

// Valid reports whether k is a known kind.
func (k UnitKind) Valid() bool {
	for _, x := range UnitKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Unit is a node of the organisation tree.
type Unit struct {
	ID          int64
	ParentID    int64 // 0 for a root
	Path        string
	Depth       int
	Kind        UnitKind
	Name        string
	Code        string
	ValidFrom   string // YYYY-MM-DD, "" if unknown
	ValidTo     string // "" while in force
	SuccessorID int64
	Note        string
	CreatedAt   string
	UpdatedAt   string
	ChildCount  int // filled by list queries
}

// Active reports whether the unit is in force (not closed).
func (u Unit) Active() bool { return u.ValidTo == "" }

// UnitInput is the form of a unit for create and update.
type UnitInput struct {
	ParentID  int64
	Kind      UnitKind
	Name      string
	Code      string
	ValidFrom string
	Note      string
}

const unitCols = `u.id, COALESCE(u.parent_id, 0), u.path, u.depth, u.kind, u.name, u.code, u.valid_from, u.valid_to, COALESCE(u.successor_id, 0), u.note, u.created_at, u.updated_at`

func scanUnit(s interface{ Scan(...any) error }, u *Unit) error {
	return s.Scan(&u.ID, &u.ParentID, &u.Path, &u.Depth, &u.Kind, &u.Name, &u.Code, &u.ValidFrom, &u.ValidTo, &u.SuccessorID, &u.Note, &u.CreatedAt, &u.UpdatedAt)
}

// Service holds the organisation's rules and SQL.
type Service struct {
	DB *sqldb.DB
	// PathHooks run inside MoveUnit for domains that copy unit paths onto their rows.
	PathHooks []PathHook
	// Search tunes how the people list is planned on SQLite; the zero value is the
	// production setting. Tests set small limits to reach every plan with little data.
	Search SearchPlan
}

// NewService returns the organisation service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }

func notFoundOr(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, op, "Không tìm thấy dữ liệu.")
	}
	return apperr.Wrap(op, err)
}

// UnitByID returns a unit the principal may view. Errors: NotFound (also when outside
// the principal's reach, so that its existence is not revealed).
func (s *Service) UnitByID(ctx context.Context, p *Principal, id int64) (Unit, error) {
	u, err := GetUnit(ctx, s.DB, id)
	if err != nil {
		return Unit{}, err
	}
	if !p.CanPath(ViewUnit, u.Path) {
		return Unit{}, apperr.New(apperr.NotFound, "org.UnitByID", "Không tìm thấy đơn vị.")
	}
	return u, nil
}

// GetUnit reads a unit without a rights check, for services that check rights themselves.
func GetUnit(ctx context.Context, q sqldb.Querier, id int64) (Unit, error) {
	var u Unit
	err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units u WHERE u.id = ?`, id), &u)
	if err != nil {
		return Unit{}, notFoundOr("org.GetUnit", err)
	}
	return u, nil
}

// CurrentUnitsOfKind lists the current units of a kind by name, at most limit, in one
// query and without a rights check: the administrator's choice in a form.
func CurrentUnitsOfKind(ctx context.Context, q sqldb.Querier, kind UnitKind, limit int) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+unitCols+` FROM units u WHERE u.kind = ? AND u.valid_to = '' ORDER BY u.name, u.id LIMIT ?`, string(kind), limit)
	if err != nil {
		return nil, apperr.Wrap("org.CurrentUnitsOfKind", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := scanUnit(rows, &u); err != nil {
			return nil, apperr.Wrap("org.CurrentUnitsOfKind", err)
		}
		out = append(out, u)
	}
	return out, apperr.Wrap("org.CurrentUnitsOfKind", rows.Err())
}

// UnitPath returns a unit's path (one indexed lookup), for rights checks by id.
func UnitPath(ctx context.Context, q sqldb.Querier, id int64) (string, error) {
	var p string
	if err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, id).Scan(&p); err != nil {
		return "", notFoundOr("org.UnitPath", err)
	}
	return p, nil
}

// Can answers "may this person do this action on this unit": one indexed lookup of the
// unit's path, then a comparison with the principal's grants. Unknown units answer false.
func (s *Service) Can(ctx context.Context, p *Principal, a Action, unitID int64) bool {
	path, err := UnitPath(ctx, s.DB, unitID)
	if err != nil {
		return false
	}
	return p.CanPath(a, path)
}

// Ancestors returns the units from the root down to u's parent, for breadcrumbs.
func (s *Service) Ancestors(ctx context.Context, u Unit) ([]Unit, error) {
	ids := PathIDs(u.Path)
	if len(ids) <= 1 {
		return nil, nil
	}
	ids = ids[:len(ids)-1]
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+unitCols+` FROM units u WHERE u.id IN (`+sqldb.Placeholders(len(ids))+`) ORDER BY u.depth`, args...)
	if err != nil {
		return nil, apperr.Wrap("org.Ancestors", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var x Unit
		if err := scanUnit(rows, &x); err != nil {
			return nil, apperr.Wrap("org.Ancestors", err)
		}
		out = append(out, x)
	}
	return out, apperr.Wrap("org.Ancestors", rows.Err())
}

// Children returns the direct sub-units of parentID (0: the roots the principal can see),
// sorted by name in Vietnamese order, with their number of children.
func (s *Service) Children(ctx context.Context, p *Principal, parentID int64, includeClosed bool) ([]Unit, error) {
	var rows *sql.Rows
	var err error
	closed := ""
	if !includeClosed {
		closed = " AND u.valid_to = ''"
	}
	const childCount = `(SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id)`
	if parentID == 0 {
		// The top of what the principal sees: the units of their grants, not their parents.
		scope := p.Scope(ViewUnit)
		if scope.Empty() {
			return nil, nil
		}
		args := make([]any, len(scope.Paths))
		for i, x := range scope.Paths {
			args[i] = x
		}
		rows, err = s.DB.QueryContext(ctx, `SELECT `+unitCols+`, `+childCount+` FROM units u WHERE u.path IN (`+sqldb.Placeholders(len(args))+`)`, args...)
	} else {
		parent, gerr := s.UnitByID(ctx, p, parentID)
		if gerr != nil {
			return nil, gerr
		}
		rows, err = s.DB.QueryContext(ctx, `SELECT `+unitCols+`, `+childCount+` FROM units u WHERE u.parent_id = ?`+closed, parent.ID)
	}
	if err != nil {
		return nil, apperr.Wrap("org.Children", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.ParentID, &u.Path, &u.Depth, &u.Kind, &u.Name, &u.Code, &u.ValidFrom, &u.ValidTo, &u.SuccessorID, &u.Note, &u.CreatedAt, &u.UpdatedAt, &u.ChildCount); err != nil {
			return nil, apperr.Wrap("org.Children", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, apperr.Wrap("org.Children", err)
	}
	SortUnits(out)
	return out, nil
}

// SearchUnits finds units in the principal's reach whose name contains the folded query.
func (s *Service) SearchUnits(ctx context.Context, p *Principal, query string, limit int) ([]Unit, error) {
	pat := search.LikePattern(query)
	if pat == "" {
		return nil, nil
	}
	cond, args := p.Scope(ViewUnit).SQL("u.path")
	args = append(args, pat)
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+unitCols+` FROM units u WHERE `+cond+` AND u.name_fold LIKE ? ESCAPE '\' ORDER BY u.depth, u.name_fold LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, apperr.Wrap("org.SearchUnits", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := scanUnit(rows, &u); err != nil {
			return nil, apperr.Wrap("org.SearchUnits", err)
		}
		out = append(out, u)
	}
	return out, apperr.Wrap("org.SearchUnits", rows.Err())
}

func validateUnit(in *UnitInput, v *apperr.Validation) {
	in.Name = search.Clean(in.Name)
	in.Code = strings.ToUpper(search.Clean(in.Code))
	in.Note = search.Clean(in.Note)
	in.ValidFrom = strings.TrimSpace(in.ValidFrom)
	switch n := utf8.RuneCountInString(in.Name); {
	case n == 0:
		v.Add("name", "Vui lòng nhập tên đơn vị.")
	case n > 300:
		v.Add("name", "Tên đơn vị dài quá 300 ký tự.")
	}
	if !in.Kind.Valid() {
		v.Add("kind", "Vui lòng chọn loại đơn vị.")
	}
	if utf8.RuneCountInString(in.Code) > 40 {
		v.Add("code", "Mã đơn vị dài quá 40 ký tự.")
	}
	if utf8.RuneCountInString(in.Note) > 5000 {
		v.Add("note", "Ghi chú dài quá 5.000 ký tự.")
	}
	if in.ValidFrom != "" && !ValidDate(in.ValidFrom) {
		v.Add("valid_from", "Ngày hiệu lực không hợp lệ.")
	}
}

// CreateUnit adds a unit under in.ParentID (0 makes a root, administrators only).
// Errors: Invalid, NotFound (parent outside reach), Forbidden, Conflict (code taken).
func (s *Service) CreateUnit(ctx context.Context, p *Principal, in UnitInput) (Unit, error) {
	const op = "org.CreateUnit"
	v := apperr.Validation{Op: op}
	validateUnit(&in, &v)
	if err := v.Err(); err != nil {
		return Unit{}, err
	}
	var u Unit
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		parentPath := "/"
		depth := 0
		if in.ParentID != 0 {
			parent, err := GetUnit(ctx, tx, in.ParentID)
			if err != nil || !p.CanPath(ViewUnit, parent.Path) {
				return apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị cấp trên.")
			}
			if !p.CanPath(ManageUnit, parent.Path) {
				return apperr.New(apperr.Forbidden, op, "Bạn không có quyền thêm đơn vị vào đơn vị này.")
			}
			if !parent.Active() {
				return apperr.New(apperr.Conflict, op, "Đơn vị cấp trên đã giải thể, không thể thêm đơn vị con.")
			}
			parentPath, depth = parent.Path, parent.Depth+1
		} else if !p.IsAdmin() && !p.IsZero() {
			return apperr.New(apperr.Forbidden, op, "Chỉ quản trị hệ thống được tạo đơn vị gốc.")
		}
		var err error
		u, err = insertUnit(ctx, tx, in, parentPath, depth)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "unit", EntityID: u.ID, Action: "create",
			Summary: "Tạo đơn vị " + u.Name, After: u})
	})
	return u, err
}

// insertUnit writes a unit and its path; it does no rights check.
func insertUnit(ctx context.Context, tx *sqldb.Tx, in UnitInput, parentPath string, depth int) (Unit, error) {
	now := sqldb.FormatTime(tx.Now())
	var parent any
	if in.ParentID != 0 {
		parent = in.ParentID
	}
	// The path needs the id: insert with a unique placeholder path, then set it.
	tmp := fmt.Sprintf("/tmp-%d-%s/", tx.Now().UnixNano(), search.Fold(in.Name))
	id, err := tx.InsertID(ctx, `INSERT INTO units (parent_id, path, depth, kind, name, name_fold, code, valid_from, note, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		parent, tmp, depth, string(in.Kind), in.Name, search.Fold(in.Name), in.Code, in.ValidFrom, in.Note, now, now)
	if err != nil {
		if sqldb.IsUniqueViolation(err) {
			return Unit{}, &apperr.Error{Kind: apperr.Invalid, Op: "org.insertUnit", Message: "Mã đơn vị đã được dùng.", Fields: map[string]string{"code": "Mã đơn vị \"" + in.Code + "\" đã được dùng cho đơn vị khác."}}
		}
		return Unit{}, apperr.Wrap("org.insertUnit", err)
	}
	path := fmt.Sprintf("%s%d/", parentPath, id)
	if _, err := tx.ExecContext(ctx, `UPDATE units SET path = ? WHERE id = ?`, path, id); err != nil {
		return Unit{}, apperr.Wrap("org.insertUnit", err)
	}
	return GetUnit(ctx, tx, id)
}

// UpdateUnit changes a unit's name, kind, code, dates and note.
// Errors: Invalid, NotFound, Forbidden.
func (s *Service) UpdateUnit(ctx context.Context, p *Principal, id int64, in UnitInput) (Unit, error) {
	const op = "org.UpdateUnit"
	var after Unit
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		before, err := s.unitForManage(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		// The form is checked after the rights, so whoever may not edit learns nothing
		// of its rules (the role matrix test).
		v := apperr.Validation{Op: op}
		validateUnit(&in, &v)
		if err := v.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE units SET kind = ?, name = ?, name_fold = ?, code = ?, valid_from = ?, note = ?, updated_at = ? WHERE id = ?`,
			string(in.Kind), in.Name, search.Fold(in.Name), in.Code, in.ValidFrom, in.Note, sqldb.FormatTime(tx.Now()), id)
		if err != nil {
			if sqldb.IsUniqueViolation(err) {
				return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Mã đơn vị đã được dùng.", Fields: map[string]string{"code": "Mã đơn vị đã được dùng cho đơn vị khác."}}
			}
			return apperr.Wrap(op, err)
		}
		after, err = GetUnit(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: id, Entity: "unit", EntityID: id, Action: "update",
			Summary: "Sửa thông tin đơn vị " + after.Name, Before: before, After: after})
	})
	return after, err
}

func (s *Service) unitForManage(ctx context.Context, tx *sqldb.Tx, p *Principal, id int64, op string) (Unit, error) {
	u, err := GetUnit(ctx, tx, id)
	if err != nil || !p.CanPath(ViewUnit, u.Path) {
		return Unit{}, apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị.")
	}
	if !p.CanPath(ManageUnit, u.Path) {
		return Unit{}, apperr.New(apperr.Forbidden, op, "Bạn không có quyền sửa đơn vị này.")
	}
	return u, nil
}

// MoveUnit moves a unit and its subtree under a new parent; the paths of the subtree and
// of the people managed there are rewritten in the same transaction.
// Errors: NotFound, Forbidden, Invalid (moving under itself).
func (s *Service) MoveUnit(ctx context.Context, p *Principal, id, newParentID int64) (Unit, error) {
	const op = "org.MoveUnit"
	var after Unit
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		u, err := s.unitForManage(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if u.ParentID == 0 {
			return apperr.New(apperr.Invalid, op, "Không thể chuyển đơn vị gốc.")
		}
		parent, err := GetUnit(ctx, tx, newParentID)
		if err != nil || !p.CanPath(ManageUnit, parent.Path) {
			return apperr.New(apperr.NotFound, op, "Không tìm thấy đơn vị cấp trên mới trong phạm vi của bạn.")
		}
		if strings.HasPrefix(parent.Path, u.Path) {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Không thể chuyển đơn vị vào chính nó hoặc đơn vị con của nó.",
				Fields: map[string]string{"parent_id": "Đơn vị cấp trên mới nằm trong chính đơn vị này."}}
		}
		newPath := fmt.Sprintf("%s%d/", parent.Path, u.ID)
		delta := parent.Depth + 1 - u.Depth
		now := sqldb.FormatTime(tx.Now())
		cut := len(u.Path) + 1
		concat := func(a, b string) string { return a + " || " + b }
		if _, err := tx.ExecContext(ctx, `UPDATE units SET path = `+concat("?", fmt.Sprintf("substr(path, %d)", cut))+`, depth = depth + ?, updated_at = ? WHERE path >= ? AND path < ?`,
			newPath, delta, now, u.Path, sqldb.PathEnd(u.Path)); err != nil {
			return apperr.Wrap(op, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = ? WHERE id = ?`, parent.ID, u.ID); err != nil {
			return apperr.Wrap(op, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE people SET unit_path = `+concat("?", fmt.Sprintf("substr(unit_path, %d)", cut))+` WHERE unit_path >= ? AND unit_path < ?`,
			newPath, u.Path, sqldb.PathEnd(u.Path)); err != nil {
			return apperr.Wrap(op, err)
		}
		for _, hook := range s.PathHooks {
			if err := hook(ctx, tx, u.Path, newPath); err != nil {
				return err
			}
		}
		after, err = GetUnit(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: id, Entity: "unit", EntityID: id, Action: "move",
			Summary: "Chuyển đơn vị " + u.Name + " sang " + parent.Name, Before: u, After: after})
	})
	return after, err
}

// CloseUnit ends a unit's validity on a date, optionally naming its successor; its history
// stays readable. Errors: NotFound, Forbidden, Invalid, Conflict (already closed, open children).
func (s *Service) CloseUnit(ctx context.Context, p *Principal, id int64, validTo string, successorID int64) (Unit, error) {
	const op = "org.CloseUnit"
	var after Unit
	err := s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		u, err := s.unitForManage(ctx, tx, p, id, op)
		if err != nil {
			return err
		}
		if !u.Active() {
			return apperr.New(apperr.Conflict, op, "Đơn vị đã giải thể từ trước.")
		}
		if !ValidDate(validTo) {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Ngày kết thúc không hợp lệ.", Fields: map[string]string{"valid_to": "Vui lòng nhập ngày kết thúc hiệu lực (dd/mm/yyyy)."}}
		}
		if u.ValidFrom != "" && validTo < u.ValidFrom {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Ngày kết thúc trước ngày hiệu lực.", Fields: map[string]string{"valid_to": "Ngày kết thúc phải sau ngày bắt đầu hiệu lực."}}
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE parent_id = ? AND valid_to = ''`, id).Scan(&open); err != nil {
			return apperr.Wrap(op, err)
		}
		if open > 0 {
			return apperr.New(apperr.Conflict, op, fmt.Sprintf("Đơn vị còn %d đơn vị trực thuộc đang hoạt động: hãy chuyển hoặc giải thể các đơn vị đó trước.", open))
		}
		var succ any
		if successorID != 0 {
			sp, err := UnitPath(ctx, tx, successorID)
			if err != nil || !p.CanPath(ViewUnit, sp) || successorID == id {
				return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Đơn vị kế thừa không hợp lệ.", Fields: map[string]string{"successor_id": "Không tìm thấy đơn vị kế thừa trong phạm vi của bạn."}}
			}
			succ = successorID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE units SET valid_to = ?, successor_id = ?, updated_at = ? WHERE id = ?`, validTo, succ, sqldb.FormatTime(tx.Now()), id); err != nil {
			return apperr.Wrap(op, err)
		}
		after, err = GetUnit(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: id, Entity: "unit", EntityID: id, Action: "close",
			Summary: "Giải thể / kết thúc hoạt động đơn vị " + u.Name, Before: u, After: after})
	})
	return after, err
}

// PathHook lets a domain keep its own copies of unit paths in step when a subtree moves:
// it rewrites paths starting with oldPrefix to start with newPrefix, inside the move's
// transaction. ReplacePathPrefix builds the usual statement.
type PathHook func(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error

// ReplacePathPrefix returns a PathHook rewriting column col of table.
func ReplacePathPrefix(table, col string) PathHook {
	return func(ctx context.Context, tx *sqldb.Tx, oldPrefix, newPrefix string) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = ? || substr(%s, %d) WHERE %s >= ? AND %s < ?`, table, col, col, len(oldPrefix)+1, col, col),
			newPrefix, oldPrefix, sqldb.PathEnd(oldPrefix))
		return apperr.Wrap("org.ReplacePathPrefix "+table, err)
	}
}

// MovedAncestors reads a move from a PathHook's prefixes: the moved unit, the ancestors it
// leaves and those it joins (neither includes the unit itself). A domain keeping counters
// rolled up to every ancestor subtracts the unit's rows from the first and adds them to
// the second. moved is 0 when oldPrefix names no unit.
func MovedAncestors(oldPrefix, newPrefix string) (moved int64, left, joined []int64) {
	ids := PathIDs(oldPrefix)
	if len(ids) == 0 {
		return 0, nil, nil
	}
	joined = PathIDs(newPrefix)
	if len(joined) > 0 {
		joined = joined[:len(joined)-1]
	}
	return ids[len(ids)-1], ids[:len(ids)-1], joined
}

// EnsureRoot returns the first root unit, creating one named name (an upper party
// committee) when the tree is empty. Used by set-up and the demo; no rights check.
func EnsureRoot(ctx context.Context, tx *sqldb.Tx, name string) (Unit, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&id)
	if err == nil {
		return GetUnit(ctx, tx, id)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Unit{}, apperr.Wrap("org.EnsureRoot", err)
	}
	u, err := insertUnit(ctx, tx, UnitInput{Kind: KindUpperCommittee, Name: name}, "/", 0)
	if err != nil {
		return Unit{}, err
	}
	return u, audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "unit", EntityID: u.ID, Action: "create", Summary: "Tạo đơn vị gốc " + u.Name, After: u})
}

// InsertUnit adds a unit under parent without a rights check (demo, import, generator);
// the caller audits.
func InsertUnit(ctx context.Context, tx *sqldb.Tx, parent Unit, in UnitInput) (Unit, error) {
	in.ParentID = parent.ID
	return insertUnit(ctx, tx, in, parent.Path, parent.Depth+1)
}
