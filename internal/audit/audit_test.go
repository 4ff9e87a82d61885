package audit_test

import (
	"context"
	"testing"

	"danvan/internal/audit"
	"danvan/internal/dbtest"
	"danvan/internal/sqldb"
)

func TestForEntity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Name: "Nguyễn Văn An", Address: "127.0.0.1"})
		record := func(entity string, id int64, summary string) {
			t.Helper()
			if err := db.Tx(ctx, func(tx *sqldb.Tx) error {
				return audit.Record(ctx, tx, audit.Entry{Entity: entity, EntityID: id, Action: "update", Summary: summary})
			}); err != nil {
				t.Fatal(err)
			}
		}
		record("task", 7, "Giao nhiệm vụ")
		record("task", 8, "Nhiệm vụ khác")
		record("draft", 7, "Dự thảo cùng số")
		record("task", 7, "Báo cáo tiến độ")
		record("task", 7, "Hoàn thành")

		summaries := func(rows []audit.Row) []string {
			var out []string
			for _, r := range rows {
				out = append(out, r.Summary)
			}
			return out
		}
		// Only that record's rows, newest first, cut at the limit.
		rows, err := audit.ForEntity(ctx, db, "task", 7, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := summaries(rows); len(got) != 2 || got[0] != "Hoàn thành" || got[1] != "Báo cáo tiến độ" {
			t.Fatalf("task 7, limit 2: %q", got)
		}
		if rows[0].ActorName != "Nguyễn Văn An" || rows[0].At == "" || rows[0].Entity != "task" || rows[0].EntityID != 7 {
			t.Fatalf("row: %+v", rows[0])
		}
		// No limit given: the default (50) holds all three.
		rows, err = audit.ForEntity(ctx, db, "task", 7, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := summaries(rows); len(got) != 3 || got[2] != "Giao nhiệm vụ" {
			t.Fatalf("task 7, no limit: %q", got)
		}
		// Same id, other entity; an entity without history.
		if rows, err = audit.ForEntity(ctx, db, "draft", 7, 10); err != nil || len(rows) != 1 || rows[0].Summary != "Dự thảo cùng số" {
			t.Fatalf("draft 7: %v %q", err, summaries(rows))
		}
		if rows, err = audit.ForEntity(ctx, db, "model", 7, 10); err != nil || len(rows) != 0 {
			t.Fatalf("model 7: %v %q", err, summaries(rows))
		}
	})
}
