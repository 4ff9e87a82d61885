// Package gen fills a database with a synthetic organisation at national scale (dữ liệu
// tổng hợp): a tree of units deep and wide like the real one and people with positions,
// for performance measurements (`danvan gen`). It is not sample data for users: that is
// package demo.
//
// The tree under one synthetic root (Đảng bộ Khối, KindUpperCommittee) is:
//
//	root → provincial committees (đảng bộ khối tỉnh) → [sector committees (đảng bộ ngành)]
//	     → agencies (cơ quan) → { base committee (đảng bộ cơ sở) → [part committees
//	       (đảng bộ bộ phận)] → cells (chi bộ); departments (phòng, ban); mass organisations
//	       (công đoàn, đoàn thanh niên, hội cựu chiến binh, ban nữ công, ban TTND, ban chỉ đạo QCDC) }
//
// so depths run from 4 to 7 levels. People are managed in cells and departments, each
// with a position there; cells get a secretary (bí thư), agencies a head (thủ trưởng) and
// trade unions a chair.
//
// Speed: ids are assigned here, so paths are known without a round trip. On SQLite rows go
// in through prepared multi-row INSERTs in large transactions; on PostgreSQL through COPY
// (pgx CopyFrom on the connection under database/sql). One audit entry records each run.
//
// Domains plug in with a Generator: a func that receives the Summary of the generated
// tree (unit ids and paths by kind, the range of person ids) and writes its own rows
// (petitions, plans, drafts, models) the same way. internal/app/gen_cmd.go passes the
// domains' generators in Options.Generators, one line per domain; they run in order after
// the organisation is written.
//
// A database that already has generated data is refused unless Options.Force: running
// twice by accident would double a million rows.
package gen

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Options size a run.
type Options struct {
	Units  int    // total units to create (at least 20)
	People int    // total people
	Seed   uint64 // random seed; same seed, same data
	Force  bool   // run even if generated data already exists
	Log    io.Writer
	// Generators of the domains, run after the organisation with its Summary.
	Generators []Generator
	// BatchRows is how many rows go in one transaction or COPY (default 50,000).
	BatchRows int
}

// Generator writes a domain's synthetic rows for the generated organisation.
type Generator func(ctx context.Context, db *sqldb.DB, s *Summary, o Options) error

// UnitRef is a generated unit.
type UnitRef struct {
	ID   int64
	Path string
}

// IDRange is the ids first..last inclusive (empty when Last < First).
type IDRange struct{ First, Last int64 }

// Len is the number of ids in the range.
func (r IDRange) Len() int64 { return max(0, r.Last-r.First+1) }

// Summary describes what a run created, for domain generators and for the report.
type Summary struct {
	Root      UnitRef
	Units     map[org.UnitKind][]UnitRef
	UnitCount int
	MaxDepth  int
	People    IDRange
	Positions int
	Duration  time.Duration
}

// SettingKey marks a database that holds generated data.
const SettingKey = "gen.last"

// Run generates the organisation and then runs the domain generators.
func Run(ctx context.Context, db *sqldb.DB, o Options) (*Summary, error) {
	start := time.Now()
	if o.Units < 20 {
		return nil, apperr.New(apperr.Invalid, "gen.Run", "Số đơn vị phải từ 20 trở lên.")
	}
	if o.People < 0 {
		return nil, apperr.New(apperr.Invalid, "gen.Run", "Số người không hợp lệ.")
	}
	if o.BatchRows <= 0 {
		o.BatchRows = 50000
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	var prev int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_settings WHERE key = ?`, SettingKey).Scan(&prev); err != nil {
		return nil, apperr.Wrap("gen.Run", err)
	}
	if prev > 0 && !o.Force {
		return nil, apperr.New(apperr.Conflict, "gen.Run", "Cơ sở dữ liệu đã có dữ liệu tổng hợp; dùng --force để sinh thêm.")
	}
	g := &generator{db: db, o: o, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), keys: org.NewNameKeyer(),
		now: sqldb.FormatTime(db.Now()), sum: &Summary{Units: map[org.UnitKind][]UnitRef{}}}
	if err := g.nextIDs(ctx); err != nil {
		return nil, err
	}
	var err error
	if db.Dialect() == sqldb.Postgres {
		g.out, err = newCopySink(ctx, db, o.BatchRows)
	} else {
		g.out, err = newSQLiteSink(ctx, db, o.BatchRows)
	}
	if err != nil {
		return nil, err
	}
	if err := g.run(ctx); err != nil {
		g.out.abort()
		return nil, err
	}
	if err := g.out.close(ctx); err != nil {
		return nil, err
	}
	fmt.Fprintf(o.Log, "gen: %d đơn vị, %d người, %d chức vụ trong %s; đang cập nhật thống kê…\n", g.sum.UnitCount, g.sum.People.Len(), g.sum.Positions, time.Since(start).Round(time.Millisecond))
	if err := g.finish(ctx); err != nil {
		return nil, err
	}
	for _, gen := range o.Generators {
		if err := gen(ctx, db, g.sum, o); err != nil {
			return nil, err
		}
	}
	g.sum.Duration = time.Since(start)
	return g.sum, nil
}

type generator struct {
	db   *sqldb.DB
	o    Options
	r    *rand.Rand
	keys *org.NameKeyer
	now  string
	sum  *Summary
	out  sink

	unitID, personID, positionID int64
	homes                        []home // units where people are managed
}

// home is a unit that holds people, with the units where some of them lead.
type home struct {
	ref       UnitRef
	kind      org.UnitKind
	agency    UnitRef // the agency the unit belongs to
	union     UnitRef // its trade union
	firstHome bool    // the agency's first department: its head and union chair come from here
}

func (g *generator) nextIDs(ctx context.Context) error {
	for _, x := range []struct {
		table string
		dst   *int64
	}{{"units", &g.unitID}, {"people", &g.personID}, {"positions", &g.positionID}} {
		if err := g.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+x.table).Scan(x.dst); err != nil {
			return apperr.Wrap("gen.nextIDs", err)
		}
	}
	return nil
}

var unitCols = []string{"id", "parent_id", "path", "depth", "kind", "name", "name_fold", "code", "valid_from", "note", "created_at", "updated_at"}
var personCols = []string{"id", "full_name", "name_key", "name_fold", "gender", "birth_year", "email", "phone", "party_member", "unit_id", "unit_path", "created_at", "updated_at"}
var positionCols = []string{"id", "person_id", "unit_id", "title", "start_date", "end_date"}

func (g *generator) unit(ctx context.Context, parent *UnitRef, depth int, kind org.UnitKind, name string) (UnitRef, error) {
	g.unitID++
	id := g.unitID
	var parentID any
	path := fmt.Sprintf("/%d/", id)
	if parent != nil {
		parentID = parent.ID
		path = fmt.Sprintf("%s%d/", parent.Path, id)
	}
	ref := UnitRef{ID: id, Path: path}
	g.sum.Units[kind] = append(g.sum.Units[kind], ref)
	g.sum.UnitCount++
	g.sum.MaxDepth = max(g.sum.MaxDepth, depth+1)
	return ref, g.out.add(ctx, "units", []any{id, parentID, path, depth, string(kind), name, search.Fold(name), fmt.Sprintf("TH-%d", id), "2020-10-15", "", g.now, g.now})
}

func (g *generator) run(ctx context.Context) error {
	o := g.o
	root, err := g.unit(ctx, nil, 0, org.KindUpperCommittee, "Đảng bộ Khối các cơ quan (dữ liệu tổng hợp)")
	if err != nil {
		return err
	}
	g.sum.Root = root
	nProv := min(63, max(1, o.Units/1500))
	provinces := make([]UnitRef, nProv)
	sectors := make([][]UnitRef, nProv)
	for i := range provinces {
		if provinces[i], err = g.unit(ctx, &root, 1, org.KindUpperCommittee, "Đảng bộ Khối các cơ quan "+provinceName(i)); err != nil {
			return err
		}
	}
	agencyNo := 0
	for g.sum.UnitCount < o.Units {
		pi := agencyNo % nProv
		parent, depth := provinces[pi], 2
		// A third of the agencies sit under a sector committee: the deeper branches.
		if g.r.IntN(3) == 0 {
			if len(sectors[pi]) < 4 && g.sum.UnitCount+1 < o.Units {
				s, err := g.unit(ctx, &provinces[pi], 2, org.KindUpperCommittee, "Đảng bộ ngành "+sectorName(len(sectors[pi]))+" "+provinceName(pi))
				if err != nil {
					return err
				}
				sectors[pi] = append(sectors[pi], s)
			}
			parent, depth = sectors[pi][g.r.IntN(len(sectors[pi]))], 3
		}
		if err := g.agency(ctx, parent, depth, agencyNo); err != nil {
			return err
		}
		agencyNo++
	}
	return g.people(ctx)
}

// agency writes one agency with its committee, cells, departments and mass organisations,
// stopping when the unit budget is spent.
func (g *generator) agency(ctx context.Context, parent UnitRef, depth, no int) error {
	name := agencyName(no)
	budget := func() bool { return g.sum.UnitCount < g.o.Units }
	ag, err := g.unit(ctx, &parent, depth, org.KindAgency, name)
	if err != nil || !budget() {
		return err
	}
	committee, err := g.unit(ctx, &ag, depth+1, org.KindBaseCommittee, "Đảng bộ "+name)
	if err != nil {
		return err
	}
	var union UnitRef
	for i, k := range []org.UnitKind{org.KindTradeUnion, org.KindYouthUnion, org.KindVeterans, org.KindWomen, org.KindInspection, org.KindDemocracy} {
		if !budget() {
			return nil
		}
		u, err := g.unit(ctx, &ag, depth+1, k, k.Label()+" "+name)
		if err != nil {
			return err
		}
		if i == 0 {
			union = u
		}
	}
	nDept := 2 + g.r.IntN(5)
	for j := 0; j < nDept && budget(); j++ {
		d, err := g.unit(ctx, &ag, depth+1, org.KindDepartment, departmentName(j))
		if err != nil {
			return err
		}
		g.homes = append(g.homes, home{ref: d, kind: org.KindDepartment, agency: ag, union: union, firstHome: j == 0})
	}
	cell := func(parent UnitRef, d, j int) error {
		c, err := g.unit(ctx, &parent, d, org.KindCell, "Chi bộ "+departmentName(j))
		if err == nil {
			g.homes = append(g.homes, home{ref: c, kind: org.KindCell, agency: ag, union: union})
		}
		return err
	}
	nParts := 0
	if g.r.IntN(2) == 0 {
		nParts = 1 + g.r.IntN(3)
	}
	cellNo := 0
	for p := 0; p < nParts && budget(); p++ {
		part, err := g.unit(ctx, &committee, depth+2, org.KindPartCommittee, fmt.Sprintf("Đảng bộ bộ phận %d", p+1))
		if err != nil {
			return err
		}
		for c := 0; c < 2+g.r.IntN(3) && budget(); c++ {
			if err := cell(part, depth+3, cellNo); err != nil {
				return err
			}
			cellNo++
		}
	}
	for c := 0; c < 2+g.r.IntN(4) && budget(); c++ {
		if err := cell(committee, depth+2, cellNo); err != nil {
			return err
		}
		cellNo++
	}
	return nil
}

// people spreads o.People over the home units, in unit order, with positions.
func (g *generator) people(ctx context.Context) error {
	g.sum.People = IDRange{First: g.personID + 1, Last: g.personID}
	if len(g.homes) == 0 || g.o.People == 0 {
		return nil
	}
	left := g.o.People
	for i, h := range g.homes {
		n := left / (len(g.homes) - i)
		if n > 2 && i < len(g.homes)-1 {
			n += g.r.IntN(n) - n/2 // uneven sizes, same total
		}
		n = min(n, left)
		for k := 0; k < n; k++ {
			g.personID++
			pid := g.personID
			name, gender := g.name()
			member := h.kind == org.KindCell || g.r.IntN(3) == 0
			if err := g.out.add(ctx, "people", []any{pid, name, g.keys.Key(name), search.Fold(name), gender, 1960 + g.r.IntN(42),
				fmt.Sprintf("nguoi%d@example.gov.vn", pid), fmt.Sprintf("09%08d", pid%100000000), member, h.ref.ID, h.ref.Path, g.now, g.now}); err != nil {
				return err
			}
			title := "dang-vien"
			if h.kind == org.KindDepartment {
				title = []string{"chuyen-vien", "can-bo", "vien-chuc", "nguoi-lao-dong"}[g.r.IntN(4)]
			}
			if err := g.position(ctx, pid, h.ref.ID, title); err != nil {
				return err
			}
			if k == 0 && h.kind == org.KindCell {
				if err := g.position(ctx, pid, h.ref.ID, "bi-thu"); err != nil {
					return err
				}
			}
			if k == 0 && h.firstHome {
				if err := g.position(ctx, pid, h.agency.ID, "thu-truong"); err != nil {
					return err
				}
			}
			if k == 1 && h.firstHome && h.union.ID != 0 {
				if err := g.position(ctx, pid, h.union.ID, "chu-tich-cong-doan"); err != nil {
					return err
				}
			}
		}
		left -= n
		g.sum.People.Last = g.personID
	}
	return nil
}

func (g *generator) position(ctx context.Context, personID, unitID int64, title string) error {
	g.positionID++
	g.sum.Positions++
	return g.out.add(ctx, "positions", []any{g.positionID, personID, unitID, title, fmt.Sprintf("20%02d-%02d-01", 10+g.r.IntN(16), 1+g.r.IntN(12)), ""})
}

// finish resets sequences, refreshes planner statistics, marks the database and audits the run.
func (g *generator) finish(ctx context.Context) error {
	if g.db.Dialect() == sqldb.Postgres {
		for _, t := range []string{"units", "people", "positions"} {
			if _, err := g.db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return apperr.Wrap("gen.finish", err)
			}
		}
	}
	if _, err := g.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return apperr.Wrap("gen.finish", err)
	}
	info, _ := json.Marshal(map[string]any{"root": g.sum.Root.ID, "units": g.sum.UnitCount, "people": g.sum.People.Len(), "at": g.now})
	ctx = audit.WithActor(ctx, audit.Actor{Name: "danvan gen"})
	return g.db.Tx(ctx, func(tx *sqldb.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM app_settings WHERE key = ?`, SettingKey); err != nil {
			return apperr.Wrap("gen.finish", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO app_settings (key, value) VALUES (?, ?)`, SettingKey, string(info)); err != nil {
			return apperr.Wrap("gen.finish", err)
		}
		return audit.Record(ctx, tx, audit.Entry{UnitID: g.sum.Root.ID, Entity: "unit", EntityID: g.sum.Root.ID, Action: "generate",
			Summary: fmt.Sprintf("Sinh dữ liệu tổng hợp: %d đơn vị, %d người", g.sum.UnitCount, g.sum.People.Len()), After: json.RawMessage(info)})
	})
}

// sink receives rows table by table; rows of a table arrive in id order and a row only
// references rows added before it.
type sink interface {
	add(ctx context.Context, table string, row []any) error
	close(ctx context.Context) error
	abort()
}

// buffered keeps rows per table and flushes all tables, parents first, when one fills.
type buffered struct {
	rows  map[string][][]any
	limit int
	flush func(ctx context.Context, table string, cols []string, rows [][]any) error
	order []Table // nil: the organisation's tables
}

// Table names a table a sink writes and its columns, in the order of each row's values.
type Table struct {
	Name string
	Cols []string
}

var tableOrder = []Table{{"units", unitCols}, {"people", personCols}, {"positions", positionCols}}

func (b *buffered) add(ctx context.Context, table string, row []any) error {
	b.rows[table] = append(b.rows[table], row)
	if len(b.rows[table]) >= b.limit {
		return b.flushAll(ctx)
	}
	return nil
}

func (b *buffered) flushAll(ctx context.Context) error {
	order := b.order
	if order == nil {
		order = tableOrder
	}
	for _, t := range order {
		if len(b.rows[t.Name]) == 0 {
			continue
		}
		if err := b.flush(ctx, t.Name, t.Cols, b.rows[t.Name]); err != nil {
			return fmt.Errorf("gen: write %s: %w", t.Name, err)
		}
		b.rows[t.Name] = b.rows[t.Name][:0]
	}
	return nil
}

// Writer bulk-writes a domain generator's rows the way the organisation is written:
// multi-row INSERTs in large transactions on SQLite, COPY on PostgreSQL. Tables are
// flushed in the order given (parents first) whenever one holds batch rows.
type Writer struct{ s sink }

// NewWriter returns a Writer for the tables.
func NewWriter(ctx context.Context, db *sqldb.DB, batch int, tables ...Table) (*Writer, error) {
	if batch <= 0 {
		batch = 50000
	}
	var s sink
	if db.Dialect() == sqldb.Postgres {
		c, err := newCopySink(ctx, db, batch)
		if err != nil {
			return nil, err
		}
		c.order = tables
		s = c
	} else {
		l, err := newSQLiteSink(ctx, db, batch)
		if err != nil {
			return nil, err
		}
		l.order = tables
		s = l
	}
	return &Writer{s: s}, nil
}

// Add queues one row of table (values in the table's column order).
func (w *Writer) Add(ctx context.Context, table string, row ...any) error {
	return w.s.add(ctx, table, row)
}

// Close writes what is queued and releases the connection.
func (w *Writer) Close(ctx context.Context) error { return w.s.close(ctx) }

// Abort releases the connection without writing what is queued.
func (w *Writer) Abort() { w.s.abort() }

// ResetSequences moves PostgreSQL's identity sequences past ids written explicitly.
func ResetSequences(ctx context.Context, db *sqldb.DB, tables ...string) error {
	if db.Dialect() != sqldb.Postgres {
		return nil
	}
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT COALESCE(MAX(id), 1) FROM `+t+`))`); err != nil {
			return apperr.Wrap("gen.ResetSequences", err)
		}
	}
	return nil
}

// sqliteSink writes each flush in one transaction with a prepared multi-row INSERT.
type sqliteSink struct {
	buffered
	conn *sql.Conn
}

const sqliteRowsPerInsert = 200

func newSQLiteSink(ctx context.Context, db *sqldb.DB, limit int) (*sqliteSink, error) {
	conn, err := db.WritePool().Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := &sqliteSink{conn: conn}
	s.buffered = buffered{rows: map[string][][]any{}, limit: limit, flush: s.write}
	return s, nil
}

func insertSQL(table string, cols []string, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

func (s *sqliteSink) write(ctx context.Context, table string, cols []string, rows [][]any) error {
	tx, err := s.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, insertSQL(table, cols, sqliteRowsPerInsert))
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, sqliteRowsPerInsert*len(cols))
	for len(rows) >= sqliteRowsPerInsert {
		args = args[:0]
		for _, r := range rows[:sqliteRowsPerInsert] {
			args = append(args, r...)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
		rows = rows[sqliteRowsPerInsert:]
	}
	if len(rows) > 0 {
		args = args[:0]
		for _, r := range rows {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, insertSQL(table, cols, len(rows)), args...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *sqliteSink) close(ctx context.Context) error {
	err := s.flushAll(ctx)
	s.conn.Close()
	return err
}

func (s *sqliteSink) abort() { s.conn.Close() }

// provinceName etc. give plausible Vietnamese names.
func provinceName(i int) string {
	p := provinces[i%len(provinces)]
	if i >= len(provinces) {
		p += fmt.Sprintf(" %d", i/len(provinces)+1)
	}
	return p
}

func sectorName(i int) string { return sectors[i%len(sectors)] }

func agencyName(i int) string {
	return fmt.Sprintf("%s số %d", agencies[i%len(agencies)], i/len(agencies)+1)
}

func departmentName(i int) string {
	d := departments[i%len(departments)]
	if i >= len(departments) {
		d += fmt.Sprintf(" %d", i/len(departments)+1)
	}
	return d
}

func (g *generator) name() (string, string) {
	fam := families[g.r.IntN(len(families))]
	if g.r.IntN(100) < 35 {
		fam = "Nguyễn"
	}
	if g.r.IntN(2) == 0 {
		return fam + " " + middlesM[g.r.IntN(len(middlesM))] + " " + givenM[g.r.IntN(len(givenM))], "nam"
	}
	return fam + " " + middlesF[g.r.IntN(len(middlesF))] + " " + givenF[g.r.IntN(len(givenF))], "nu"
}

var (
	provinces = []string{"Hà Nội", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ", "Huế", "Quảng Ninh", "Lào Cai", "Thái Nguyên", "Phú Thọ",
		"Bắc Ninh", "Hưng Yên", "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa",
		"Lâm Đồng", "Đắk Lắk", "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang", "Tuyên Quang", "Cao Bằng",
		"Lạng Sơn", "Lai Châu", "Điện Biên", "Sơn La"}
	sectors  = []string{"Y tế", "Giáo dục", "Tài chính", "Giao thông", "Nông nghiệp", "Công thương"}
	agencies = []string{"Sở Tư pháp", "Sở Tài chính", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Công Thương", "Sở Nội vụ",
		"Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường", "Thanh tra tỉnh", "Văn phòng UBND",
		"Bệnh viện Đa khoa", "Trường Cao đẳng Sư phạm", "Kho bạc Nhà nước", "Cục Thuế", "Bảo hiểm xã hội", "Đài Phát thanh và Truyền hình"}
	departments = []string{"Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Phòng Pháp chế", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2",
		"Phòng Thanh tra", "Phòng Hành chính - Tổng hợp"}
	families = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Mai"}
	middlesM = []string{"Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công", "Đình", "Quốc", "Ngọc", "Anh", "Bảo", "Trọng"}
	middlesF = []string{"Thị", "Thu", "Ngọc", "Hồng", "Thanh", "Kim", "Minh", "Mai", "Phương", "Thùy", "Bích", "Diệu"}
	givenM   = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khang", "Khoa", "Kiên",
		"Long", "Lộc", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh"}
	givenF = []string{"Anh", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Hương", "Lan", "Liên", "Linh",
		"Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Uyên", "Vân", "Yến"}
)
