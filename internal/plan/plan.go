// Package plan holds governing documents, each unit's programmes and plans, tasks with one
// named person answerable, and training sessions.
package plan

import "danvan/internal/sqldb"

// Service holds the plan rules and SQL.
type Service struct {
	DB *sqldb.DB
}

// NewService returns the plan service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }
