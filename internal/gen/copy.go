package gen

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"danvan/internal/sqldb"
)

// copySink writes each flush with COPY through the pgx connection under database/sql;
// each COPY is its own transaction, so a run interrupted halfway leaves whole batches.
type copySink struct {
	buffered
	conn *sql.Conn
}

func newCopySink(ctx context.Context, db *sqldb.DB, limit int) (*copySink, error) {
	conn, err := db.WritePool().Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &copySink{conn: conn}
	s.buffered = buffered{rows: map[string][][]any{}, limit: limit, flush: s.write}
	return s, nil
}

func (s *copySink) write(ctx context.Context, table string, cols []string, rows [][]any) error {
	return s.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("gen: not a pgx connection: %T", dc)
		}
		n, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		if err == nil && n != int64(len(rows)) {
			err = fmt.Errorf("gen: copied %d of %d rows", n, len(rows))
		}
		return err
	})
}

func (s *copySink) close(ctx context.Context) error {
	err := s.flushAll(ctx)
	s.conn.Close()
	return err
}

func (s *copySink) abort() { s.conn.Close() }
