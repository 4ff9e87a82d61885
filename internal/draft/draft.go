// Package draft holds the agency's drafts (dự thảo), consultation rounds, comments per
// article and their answers, and the synthesis report.
package draft

import "danvan/internal/sqldb"

// Service holds the draft rules and SQL.
type Service struct {
	DB *sqldb.DB
}

// NewService returns the draft service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }
