// Package petition handles citizens' complaints (khiếu nại), denunciations (tố cáo) and
// feedback (kiến nghị, phản ánh) within their legal time limits.
package petition

import "danvan/internal/sqldb"

// Service holds the petition rules and SQL.
type Service struct {
	DB *sqldb.DB
}

// NewService returns the petition service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }
