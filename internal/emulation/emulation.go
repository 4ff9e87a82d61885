// Package emulation holds mass-mobilisation models (mô hình) and exemplars (điển hình) of
// the "Dân vận khéo" movement: registration, support, assessment, recognition, replication.
package emulation

import "danvan/internal/sqldb"

// Service holds the model rules and SQL.
type Service struct {
	DB *sqldb.DB
}

// NewService returns the models service.
func NewService(db *sqldb.DB) *Service { return &Service{DB: db} }
