package ratelimit_test

import (
	"context"
	"strconv"
	"testing"

	"danvan/internal/dbtest"
	"danvan/internal/ratelimit"
	"danvan/internal/sqldb"
)

// BenchmarkAllow is the cost one count adds to a public request: one upsert on the
// writer, over 100 addresses (so most events update a live window, as in a flood).
// Figures in docs/PERFORMANCE.md ("Giới hạn gửi công khai"):
//
//	go test ./internal/ratelimit -run '^$' -bench Allow -benchtime 2000x
func BenchmarkAllow(b *testing.B) {
	run := func(b *testing.B, db *sqldb.DB) {
		l := ratelimit.New(db)
		ctx := context.Background()
		i := 0
		for b.Loop() {
			if _, err := l.Allow(ctx, "submit|10.0.0."+strconv.Itoa(i%100), 1_000_000); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, dbtest.OpenSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { run(b, dbtest.OpenPostgres(b)) })
}
