package org

import (
	"context"
	"fmt"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/sqldb"
)

// GrantRole gives a user a role on a unit. Only administrators grant roles.
// Errors: Forbidden, Invalid, NotFound.
func (s *Service) GrantRole(ctx context.Context, p *Principal, userID, unitID int64, role Role) error {
	const op = "org.GrantRole"
	if !role.Valid() {
		return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Vai trò không hợp lệ.", Fields: map[string]string{"role": "Vui lòng chọn vai trò."}}
	}
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		unit, err := GetUnit(ctx, tx, unitID)
		if err != nil {
			return &apperr.Error{Kind: apperr.Invalid, Op: op, Message: "Đơn vị không hợp lệ.", Fields: map[string]string{"unit_id": "Không tìm thấy đơn vị."}}
		}
		if !p.IsZero() && !p.CanPath(GrantRoles, unit.Path) {
			return apperr.New(apperr.Forbidden, op, "Chỉ quản trị hệ thống được phân quyền.")
		}
		return InsertGrant(ctx, tx, userID, unit, role)
	})
}

// InsertGrant writes a grant with its audit entry, without a rights check; granting twice
// is harmless.
func InsertGrant(ctx context.Context, tx *sqldb.Tx, userID int64, unit Unit, role Role) error {
	var exists int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_grants WHERE user_id = ? AND unit_id = ? AND role = ?`, userID, unit.ID, string(role)).Scan(&exists)
	if err != nil {
		return apperr.Wrap("org.InsertGrant", err)
	}
	if exists > 0 {
		return nil
	}
	id, err := tx.InsertID(ctx, `INSERT INTO role_grants (user_id, unit_id, role, created_at) VALUES (?, ?, ?, ?) RETURNING id`, userID, unit.ID, string(role), sqldb.FormatTime(tx.Now()))
	if err != nil {
		return apperr.Wrap("org.InsertGrant", err)
	}
	return audit.Record(ctx, tx, audit.Entry{UnitID: unit.ID, Entity: "user", EntityID: userID, Action: "grant",
		Summary: fmt.Sprintf("Phân quyền %s tại %s", role.Label(), unit.Name), After: Grant{ID: id, UserID: userID, UnitID: unit.ID, Role: role}})
}

// RevokeRole removes a grant. Errors: Forbidden, NotFound, Conflict (the actor's own last
// administrator grant).
func (s *Service) RevokeRole(ctx context.Context, p *Principal, grantID int64) error {
	const op = "org.RevokeRole"
	return s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		var g Grant
		err := tx.QueryRowContext(ctx, `SELECT g.id, g.user_id, g.unit_id, u.path, u.name, g.role FROM role_grants g JOIN units u ON u.id = g.unit_id WHERE g.id = ?`, grantID).
			Scan(&g.ID, &g.UserID, &g.UnitID, &g.UnitPath, &g.UnitName, &g.Role)
		if err != nil {
			return notFoundOr(op, err)
		}
		if !p.CanPath(GrantRoles, g.UnitPath) {
			return apperr.New(apperr.Forbidden, op, "Chỉ quản trị hệ thống được phân quyền.")
		}
		if g.UserID == p.UserID && g.Role == RoleAdmin {
			// An administrator removing their own last admin grant would lock themselves
			// (and perhaps everyone) out of administration.
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_grants WHERE user_id = ? AND role = ? AND id <> ?`, g.UserID, string(RoleAdmin), g.ID).Scan(&others); err != nil {
				return apperr.Wrap(op, err)
			}
			if others == 0 {
				return apperr.New(apperr.Conflict, op, "Bạn không thể thu hồi quyền quản trị cuối cùng của chính mình. Hãy nhờ một quản trị viên khác nếu cần.")
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE id = ?`, grantID); err != nil {
			return apperr.Wrap(op, err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: g.UnitID, Entity: "user", EntityID: g.UserID, Action: "revoke",
			Summary: fmt.Sprintf("Thu hồi quyền %s tại %s", g.Role.Label(), g.UnitName), Before: g})
	})
}

// UserGrants lists a user's grants.
func UserGrants(ctx context.Context, q sqldb.Querier, userID int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.user_id, g.unit_id, u.path, u.name, g.role FROM role_grants g JOIN units u ON u.id = g.unit_id WHERE g.user_id = ? ORDER BY u.path`, userID)
	if err != nil {
		return nil, apperr.Wrap("org.UserGrants", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.UnitID, &g.UnitPath, &g.UnitName, &g.Role); err != nil {
			return nil, apperr.Wrap("org.UserGrants", err)
		}
		out = append(out, g)
	}
	return out, apperr.Wrap("org.UserGrants", rows.Err())
}
