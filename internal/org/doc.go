// Package org holds the organisation: the tree of units (đơn vị), the people (cán bộ,
// đảng viên…) and the positions they hold (chức vụ), and the roles granted on units
// with the one function that answers "may this person do this action on this unit".
//
// Vocabulary: Unit = đơn vị; UnitKind = loại đơn vị; Person = người / cán bộ;
// Position = chức vụ; Grant = phân quyền; Role = vai trò; Principal = người đang đăng nhập
// with their grants; Successor = đơn vị kế thừa (after a merge or dissolution).
//
// The tree is stored with a materialised path ("/1/5/23/") on each unit. A role granted
// on a unit reaches its whole subtree: checking a right is comparing the unit's path
// with the paths of the caller's grants — O(depth), never loading the subtree — and
// lists are filtered in SQL by path ranges (Scope), not after the fact.
package org
