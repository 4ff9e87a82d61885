package sqldb

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrate applies every embedded migration not yet applied, each in its own transaction.
//
// Migration numbers are grouped by domain so that domains can add tables side by side
// without renumbering each other: 0001–0099 foundation (org, auth, audit, notifications,
// attachments, jobs), 0100–0199 calendar and petitions, 0200–0299 documents, plans and tasks,
// 0300–0399 drafts, 0400–0499 models. Out-of-order application is allowed for that reason.
// On PostgreSQL a session lock keeps two instances starting together from migrating twice.
func (db *DB) Migrate(ctx context.Context) error {
	opts := []goose.ProviderOption{
		goose.WithDisableGlobalRegistry(true),
		goose.WithAllowOutofOrder(true),
	}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("sqldb: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.write, Migrations(db.dialect), opts...)
	if err != nil {
		return fmt.Errorf("sqldb: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqldb: migrate: %w", err)
	}
	return nil
}
