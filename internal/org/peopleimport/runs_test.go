package peopleimport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"danvan/internal/apperr"
	"danvan/internal/dbtest"
	"danvan/internal/org"
	"danvan/internal/org/peopleimport"
	"danvan/internal/sqldb"
)

// user adds an account (runs belong to one) and returns a manager of unit a under it.
func (f fixture) user(t *testing.T, name string) *org.Principal {
	t.Helper()
	var id int64
	err := f.dbConn.Tx(context.Background(), func(tx *sqldb.Tx) error {
		now := sqldb.FormatTime(tx.Now())
		var err error
		id, err = tx.InsertID(context.Background(), `INSERT INTO users (username, password_hash, display_name, created_at, password_changed_at) VALUES (?, 'x', ?, ?, ?) RETURNING id`, name, name, now, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return &org.Principal{UserID: id, Grants: f.mgrA.Grants}
}

func thousand(n int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("Nguyễn Văn Thử %d", i), "Nam", fmt.Sprint(1960 + i%40), "", "", "Có", "STP", "Đảng viên", "01/01/2020"}
	}
	return rows
}

// A run checks in batches, committing each batch's count (observed from outside the
// worker, as another instance's run page would), then writes every row at once.
func TestRunProgressThenDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		p := f.user(t, "nhap1")
		f.svc.Batch = 100
		var seen []string
		f.svc.AfterProgress = func(id int64, checked int) {
			var st string
			var n, total, people int
			if err := db.QueryRowContext(ctx, `SELECT status, rows_checked, total_rows FROM people_imports WHERE id = ?`, id).Scan(&st, &n, &total); err != nil {
				t.Error(err)
			}
			people = count(t, db, `SELECT COUNT(*) FROM people`)
			seen = append(seen, fmt.Sprintf("%s %d/%d people=%d", st, n, total, people))
		}
		t0 := time.Now()
		id, err := f.svc.Create(ctx, p, "1000.xlsx", book(t, thousand(1000)), "n1")
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Get(ctx, p, id)
		if err != nil || r.Status != peopleimport.StatusQueued {
			t.Fatalf("new run: %+v %v", r, err)
		}
		if err := f.svc.Run(ctx, p, id); err != nil {
			t.Fatal(err)
		}
		t.Logf("1.000-row run: %v", time.Since(t0))
		var want []string
		for n := 100; n <= 1000; n += 100 {
			want = append(want, fmt.Sprintf("checking %d/1000 people=0", n))
		}
		if strings.Join(seen, "|") != strings.Join(want, "|") {
			t.Errorf("progress observed:\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
		}
		r, err = f.svc.Get(ctx, p, id)
		if err != nil || r.Status != peopleimport.StatusDone || r.Total != 1000 || r.Checked != 1000 || r.Written != 1000 || r.Positions != 1000 || r.FinishedAt.IsZero() {
			t.Fatalf("finished run: %+v %v", r, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people`); n != 1000 {
			t.Fatalf("%d people written", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people_imports WHERE LENGTH(file_data) > 0`); n != 0 {
			t.Errorf("the file is kept after the run")
		}
		// Claimed once: running it again does nothing.
		if err := f.svc.Run(ctx, p, id); err != nil || count(t, db, `SELECT COUNT(*) FROM people`) != 1000 {
			t.Fatalf("second run: %v", err)
		}
	})
}

func TestRunWithBadRowsWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		p := f.user(t, "nhap1")
		rows := thousand(60)
		rows[10][1] = "Khác"
		rows[50][6] = "STC" // outside the manager's reach
		id, err := f.svc.Create(ctx, p, "ds.xlsx", book(t, rows), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Run(ctx, p, id); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Get(ctx, p, id)
		if err != nil || r.Status != peopleimport.StatusFailed || r.Total != 60 || r.Checked != 60 || r.Written != 0 {
			t.Fatalf("run: %+v %v", r, err)
		}
		if len(r.Problems) != 2 || r.Problems[0].Line != 12 || !strings.Contains(r.Problems[0].Message, "Giới tính") ||
			r.Problems[1].Line != 52 || !strings.Contains(r.Problems[1].Message, "Không có đơn vị mã “STC”") {
			t.Errorf("problems: %+v", r.Problems)
		}
		if !strings.Contains(r.Message, "chưa nhập dòng nào") {
			t.Errorf("message: %q", r.Message)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people`); n != 0 {
			t.Fatalf("%d people written", n)
		}
		// A file that is not a workbook at all is refused before any run exists.
		if _, err := f.svc.Create(ctx, p, "x.xlsx", []byte("MZ\x90\x00 not a zip"), ""); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("exe: %v", err)
		}
		// A workbook without the template's header fails as a whole.
		id, err = f.svc.Create(ctx, p, "x.xlsx", bookNoHeader(t), "")
		if err != nil {
			t.Fatal(err)
		}
		f.svc.Run(ctx, p, id)
		if r, _ := f.svc.Get(ctx, p, id); r.Status != peopleimport.StatusFailed || !strings.Contains(r.Message, "dòng tiêu đề") {
			t.Errorf("no header: %+v", r)
		}
	})
}

func bookNoHeader(t *testing.T) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetCellStr("Sheet1", "A1", "Danh sách tự làm")
	x.SetCellStr("Sheet1", "A2", "Nguyễn Văn An")
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A run whose worker died (its lease passed) is failed when it is looked at, and a
// worker that comes back afterwards writes nothing.
func TestStaleRunFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		p := f.user(t, "nhap1")
		id, err := f.svc.Create(ctx, p, "ds.xlsx", book(t, thousand(3)), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE people_imports SET status = 'checking', lease_until = '2000-01-01T00:00:00Z' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Get(ctx, p, id)
		if err != nil || r.Status != peopleimport.StatusFailed || !strings.Contains(r.Message, "bị gián đoạn") {
			t.Fatalf("stale run: %+v %v", r, err)
		}
		if n, err := f.svc.FailStale(ctx); err != nil || n != 0 {
			t.Errorf("failed again: %d %v", n, err)
		}
		// The worker of a run failed mid-way stops at its next progress update.
		f.svc.Batch = 1
		id2, _ := f.svc.Create(ctx, p, "ds.xlsx", book(t, thousand(5)), "")
		f.svc.AfterProgress = func(id int64, checked int) {
			if checked == 2 {
				db.ExecContext(ctx, `UPDATE people_imports SET lease_until = '2000-01-01T00:00:00Z' WHERE id = ?`, id)
				if n, err := f.svc.FailStale(ctx); n != 1 || err != nil {
					t.Errorf("fail stale mid-way: %d %v", n, err)
				}
			}
		}
		if err := f.svc.Run(ctx, p, id2); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.svc.Get(ctx, p, id2); r.Status != peopleimport.StatusFailed || r.Checked != 2 {
			t.Errorf("run failed mid-way: %+v", r)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people`); n != 0 {
			t.Fatalf("%d people written by a failed run", n)
		}
		// Ended runs are pruned after a while; a live one never is.
		id3, _ := f.svc.Create(ctx, p, "ds.xlsx", book(t, thousand(1)), "")
		if n, err := f.svc.Prune(ctx, db.Now().Add(time.Hour)); err != nil || n != 2 {
			t.Errorf("pruned %d runs (%v), want the 2 ended ones", n, err)
		}
		if _, err := f.svc.Get(ctx, p, id3); err != nil {
			t.Errorf("the queued run was pruned: %v", err)
		}
	})
}

// Only the person who started a run sees it; a double submit of one form makes one run.
func TestRunOwnerAndNonce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		p := f.user(t, "nhap1")
		other := f.user(t, "nhap2")
		form := sqldb.WithFormNonce(context.Background(), "nonce-1")
		id, err := f.svc.Create(form, p, "ds.xlsx", book(t, thousand(2)), "nonce-1")
		if err != nil {
			t.Fatal(err)
		}
		again := sqldb.WithFormNonce(context.Background(), "nonce-1")
		if _, err := f.svc.Create(again, p, "ds.xlsx", book(t, thousand(2)), "nonce-1"); !errors.Is(err, sqldb.ErrDuplicateSubmit) {
			t.Fatalf("double submit: %v", err)
		}
		if got, err := f.svc.RunByNonce(context.Background(), p, "nonce-1"); err != nil || got != id {
			t.Errorf("run by nonce: %d %v, want %d", got, err, id)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people_imports`); n != 1 {
			t.Errorf("%d runs", n)
		}
		if _, err := f.svc.Get(context.Background(), other, id); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another user sees the run: %v", err)
		}
		if _, err := f.svc.RunByNonce(context.Background(), other, "nonce-1"); apperr.KindOf(err) != apperr.NotFound {
			t.Errorf("another user finds the run by nonce: %v", err)
		}
	})
}
