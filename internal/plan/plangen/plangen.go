// Package plangen fills a generated organisation (package gen) with governing documents,
// one yearly plan per grassroots committee and millions of tasks, for the performance
// figures of "Kế hoạch & nhiệm vụ" (`danvan gen`).
//
// Besides the bulk it writes the three shapes the figures need:
//   - a person with exactly 500 open tasks ("Việc của tôi" of a busy secretary), with the
//     account "kehoach" (admin on the root; set its password with `danvan user passwd kehoach`);
//   - a plan whose first task was cascaded to 1,000 units (the plan page and the task page
//     with 1,000 children);
//   - the rest as plan items (about a dozen a plan) each cascaded to 50–250 chi bộ, in
//     every state, led by people drawn at random.
//
// Rows go in with multi-row INSERTs in large transactions on SQLite and with COPY on
// PostgreSQL; ids are assigned here. The number of tasks is DANVAN_GEN_TASKS (default
// 2,000,000).
package plangen

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"danvan/internal/audit"
	"danvan/internal/auth"
	"danvan/internal/gen"
	"danvan/internal/org"
	"danvan/internal/plan"
	"danvan/internal/plan/notation"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// DefaultTasks is how many tasks a run writes unless DANVAN_GEN_TASKS says otherwise.
const DefaultTasks = 2_000_000

var taskCols = []string{"id", "parent_id", "plan_id", "document_id", "unit_id", "unit_path", "assigner_path", "title", "title_fold", "description", "lead_id",
	"priority", "start_on", "due_on", "due_rule", "status", "percent", "returned", "submitted_on", "done_on", "assigned_by", "children", "created_at", "updated_at"}
var planCols = []string{"id", "unit_id", "unit_path", "year", "kind", "number", "title", "title_fold", "summary", "place", "issued_on", "created_at", "updated_at"}
var planDocCols = []string{"plan_id", "document_id"}

var titles = []string{"Quán triệt nghị quyết đến đảng viên", "Rà soát quy chế dân chủ ở cơ sở", "Tổ chức hội nghị cán bộ, công chức, viên chức",
	"Xây dựng mô hình dân vận khéo", "Tuyên truyền gương người tốt, việc tốt", "Đối thoại với đoàn viên công đoàn", "Kiểm tra việc thực hiện quy chế công tác dân vận",
	"Sơ kết 6 tháng thực hiện kế hoạch", "Công khai tài chính, tài sản", "Tiếp nhận, xử lý phản ánh của cán bộ"}

// Generate is the plans domain's gen.Generator.
func Generate(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
	n := DefaultTasks
	if v, err := strconv.Atoi(os.Getenv("DANVAN_GEN_TASKS")); err == nil && v >= 2000 {
		n = v
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	start := time.Now()
	committees := s.Units[org.KindBaseCommittee]
	cells := s.Units[org.KindCell]
	if len(committees) == 0 || len(cells) == 0 || s.People.Len() == 0 {
		return fmt.Errorf("plangen: the organisation has no committees, cells or people")
	}
	r := rand.New(rand.NewPCG(o.Seed+4, o.Seed^0x4b48))
	now := sqldb.FormatTime(db.Now())
	year := db.Now().Year()
	busy := s.People.First

	// Documents and the user, through ordinary transactions.
	var docID int64
	var userID int64
	err := db.Tx(audit.WithActor(ctx, audit.Actor{Name: "danvan gen"}), func(tx *sqldb.Tx) error {
		n, _ := notation.Parse("04-NQ/ĐUK")
		title := "Về nâng cao hiệu quả công tác dân vận của đảng bộ các cơ quan nhà nước"
		var err error
		docID, err = tx.InsertID(ctx, `INSERT INTO gov_documents (notation, notation_key, form, type_code, kind, issuer, issued_on, issued_year, title, summary, in_force, search_fold, unit_id, unit_path, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', TRUE, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, n.String(), n.Key(), string(n.Form), n.Type, "Nghị quyết", "Ban Chấp hành Đảng bộ Khối",
			"2017-01-25", 2017, title, search.Fold("Nghị quyết "+n.String()+" "+n.Key()+" "+title), s.Root.ID, s.Root.Path, now, now)
		if err == sql.ErrNoRows {
			err = tx.QueryRowContext(ctx, `SELECT id FROM gov_documents WHERE notation_key = ?`, n.Key()).Scan(&docID)
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = 'kehoach'`).Scan(&userID); err == nil {
			return nil
		}
		u, err := auth.CreateUser(ctx, tx, auth.NewUser{Username: "kehoach", Password: auth.RandomToken(16), DisplayName: "Đo hiệu năng kế hoạch", PersonID: busy})
		if err != nil {
			return err
		}
		userID = u.ID
		root, err := org.GetUnit(ctx, tx, s.Root.ID)
		if err != nil {
			return err
		}
		return org.InsertGrant(ctx, tx, u.ID, root, org.RoleAdmin)
	})
	if err != nil {
		return fmt.Errorf("plangen: documents and user: %w", err)
	}

	w, err := newWriter(ctx, db, max(o.BatchRows, 10000))
	if err != nil {
		return err
	}
	defer w.close()
	var planID, taskID int64
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM plans`).Scan(&planID); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM tasks`).Scan(&taskID); err != nil {
		return err
	}
	firstPlan := planID + 1
	plans := make([]gen.UnitRef, 0, len(committees))
	for i, c := range committees {
		planID++
		t := fmt.Sprintf("Kế hoạch thực hiện Nghị quyết số 04-NQ/ĐUK năm %d", year)
		if err := w.add(ctx, "plans", []any{planID, c.ID, c.Path, year, "ke-hoach", fmt.Sprintf("%02d-KH/ĐU", 1+i%90), t, search.Fold(t), "", "Hà Nội",
			fmt.Sprintf("%d-01-%02d", year, 5+i%20), now, now}); err != nil {
			return err
		}
		if err := w.add(ctx, "plan_documents", []any{planID, docID}); err != nil {
			return err
		}
		plans = append(plans, c)
	}
	day := func(offset int) string { return db.Now().AddDate(0, 0, offset).Format("2006-01-02") }
	statuses := []string{"open", "doing", "doing", "submitted", "done", "done"}
	task := func(parent any, plan int64, unit gen.UnitRef, assigner string, lead int64, status string, due string, children int) error {
		taskID++
		t := titles[int(taskID)%len(titles)]
		pct, submitted, done := 0, "", ""
		switch status {
		case "doing":
			pct = 10 + r.IntN(80)
		case "submitted":
			pct, submitted = 100, due
		case "done":
			pct, submitted, done = 100, due, due
		}
		return w.add(ctx, "tasks", []any{taskID, parent, plan, docID, unit.ID, unit.Path, assigner, t, search.Fold(t), "", lead, 2, day(-60), due, "", status, pct, false,
			submitted, done, nil, children, now, now})
	}
	written := 0
	// The cascade: the first plan's first task, given to 1,000 cells.
	kids := min(1000, len(cells))
	if err := task(nil, firstPlan, plans[0], plans[0].Path, busy, "doing", day(10), kids); err != nil {
		return err
	}
	parent := taskID
	for i := 0; i < kids; i++ {
		if err := task(parent, firstPlan, cells[i], plans[0].Path, s.People.First+int64(1+r.IntN(int(s.People.Len()-1))), statuses[r.IntN(len(statuses))], day(10), 0); err != nil {
			return err
		}
	}
	written += kids + 1
	// The busy person's 500 open tasks (the cascade's parent is the first).
	for i := 0; i < 499; i++ {
		c := cells[r.IntN(len(cells))]
		if err := task(nil, firstPlan+int64(r.IntN(len(plans))), c, c.Path, busy, []string{"open", "doing"}[i%2], day(r.IntN(120)-30), 0); err != nil {
			return err
		}
	}
	written += 499
	// The bulk: each plan gets items, each cascaded to 50–250 cells, as real plans are
	// short lists whose items are given to the units below.
	for p := 0; written < n; p = (p + 1) % len(plans) {
		kids := min(50+r.IntN(201), n-written-1)
		due := day(r.IntN(300) - 200)
		lead := s.People.First + 1 + int64(r.IntN(int(s.People.Len()-1)))
		if err := task(nil, firstPlan+int64(p), plans[p], plans[p].Path, lead, statuses[r.IntN(3)], due, max(kids, 0)); err != nil {
			return err
		}
		top := taskID
		written++
		for k := 0; k < kids; k++ {
			c := cells[r.IntN(len(cells))]
			lead := s.People.First + 1 + int64(r.IntN(int(s.People.Len()-1)))
			if err := task(top, firstPlan+int64(p), c, plans[p].Path, lead, statuses[r.IntN(len(statuses))], due, 0); err != nil {
				return err
			}
		}
		written += kids
		if written/500000 != (written-kids-1)/500000 {
			fmt.Fprintf(log, "gen: %d nhiệm vụ…\n", written)
		}
	}
	if err := w.flushAll(ctx); err != nil {
		return err
	}
	w.close() // the SQLite writer connection is the only one: release it before ANALYZE
	if db.Dialect() == sqldb.Postgres {
		for _, t := range []string{"plans", "tasks"} {
			if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return err
			}
		}
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	fmt.Fprintf(log, "gen: %d kế hoạch, %d nhiệm vụ (nhiệm vụ giao 1.000 đơn vị: %d; người có 500 việc: %d) trong %s\n",
		len(plans), written, parent, busy, time.Since(start).Round(time.Millisecond))
	return nil
}

// writer buffers rows per table and writes plans before tasks.
type writer struct {
	db    *sqldb.DB
	conn  *sql.Conn
	rows  map[string][][]any
	limit int
}

var order = []struct {
	table string
	cols  []string
}{{"plans", planCols}, {"plan_documents", planDocCols}, {"tasks", taskCols}}

func newWriter(ctx context.Context, db *sqldb.DB, limit int) (*writer, error) {
	conn, err := db.WritePool().Conn(ctx)
	if err != nil {
		return nil, err
	}
	return &writer{db: db, conn: conn, rows: map[string][][]any{}, limit: limit}, nil
}

func (w *writer) add(ctx context.Context, table string, row []any) error {
	w.rows[table] = append(w.rows[table], row)
	if len(w.rows[table]) >= w.limit {
		return w.flushAll(ctx)
	}
	return nil
}

func (w *writer) flushAll(ctx context.Context) error {
	for _, t := range order {
		rows := w.rows[t.table]
		if len(rows) == 0 {
			continue
		}
		var err error
		if w.db.Dialect() == sqldb.Postgres {
			err = w.copy(ctx, t.table, t.cols, rows)
		} else {
			err = w.insert(ctx, t.table, t.cols, rows)
		}
		if err != nil {
			return fmt.Errorf("plangen: write %s: %w", t.table, err)
		}
		w.rows[t.table] = rows[:0]
	}
	return nil
}

func (w *writer) copy(ctx context.Context, table string, cols []string, rows [][]any) error {
	return w.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// insert writes rows in one transaction, 100 rows a statement.
func (w *writer) insert(ctx context.Context, table string, cols []string, rows [][]any) error {
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for len(rows) > 0 {
		k := min(100, len(rows))
		args := make([]any, 0, k*len(cols))
		for _, row := range rows[:k] {
			args = append(args, row...)
		}
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		rows = rows[k:]
	}
	return tx.Commit()
}

func (w *writer) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

// CountTasks rebuilds the task counters (plan.Service.RebuildTaskCounts) once every
// generator that writes task rows in bulk has run: those rows bypass the service, so the
// counters are computed from them in one pass at the end.
func CountTasks(ctx context.Context, db *sqldb.DB, s *gen.Summary, o gen.Options) error {
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	start := time.Now()
	if err := plan.NewService(db).RebuildTaskCounts(ctx); err != nil {
		return err
	}
	fmt.Fprintf(log, "Bộ đếm nhiệm vụ: %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}
