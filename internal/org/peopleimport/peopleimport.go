// Package peopleimport reads people and their positions from an .xlsx file (nhập danh
// sách cán bộ, đảng viên từ tệp Excel) and writes them all or nothing.
//
// The file is distrusted: before excelize sees it, Inspect checks that it is a zip (not,
// say, a renamed .exe), that it holds an .xlsx workbook, and that it does not inflate
// beyond MaxUnzipped bytes (a zip bomb), counting the bytes actually inflated rather than
// the sizes the archive claims. Cells are bounded (MaxCellRunes) and must be valid UTF-8.
// Every row is checked — fields, unit code in the importer's reach, position title,
// duplicates in the file and against people already in the unit — before anything is
// written; then all rows are inserted in one transaction, each with its audit entry.
package peopleimport

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"danvan/internal/apperr"
	"danvan/internal/audit"
	"danvan/internal/org"
	"danvan/internal/search"
	"danvan/internal/sqldb"
)

// Limits.
const (
	MaxFileBytes = 5 << 20  // the upload itself
	MaxUnzipped  = 40 << 20 // all parts of the workbook, inflated
	MaxRows      = 5000
	MaxCellRunes = 500
)

// Columns of the template, in order.
var Columns = []string{"Họ và tên (*)", "Giới tính (Nam/Nữ)", "Năm sinh", "Thư điện tử", "Điện thoại", "Đảng viên (Có/Không)", "Mã đơn vị (*)", "Chức vụ", "Giữ chức vụ từ ngày (dd/mm/yyyy)", "Đơn vị của chức vụ (mã, nếu khác)"}

const sheetName = "Danh sách"

// Row is one line of the file, parsed. A person holding several positions takes one row
// per position: rows after the first with the same name, birth year and unit code add a
// position to the person of the first row (their other columns are not read again).
type Row struct {
	Line             int // 1-based line in the sheet
	Input            org.PersonInput
	UnitCode         string
	PositionUnitCode string // where the position is held; "" = UnitCode
	positionUnitID   int64
	extraOf          int // index in rows of the person's first row; -1 for a first row
}

// Problem is what is wrong with one row (Line 0: the file as a whole).
type Problem struct {
	Line    int
	Column  string
	Message string
}

func fileError(msg string) error {
	return apperr.New(apperr.Invalid, "peopleimport", msg)
}

// Inspect checks that data is a genuine, reasonably sized .xlsx package.
func Inspect(data []byte) error {
	if len(data) == 0 {
		return fileError("Vui lòng chọn tệp Excel (.xlsx) để nhập.")
	}
	if len(data) > MaxFileBytes {
		return fileError(fmt.Sprintf("Tệp quá lớn (tối đa %d MB).", MaxFileBytes>>20))
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return fileError("Tệp không phải là bảng tính Excel (.xlsx). Hãy tải mẫu, điền dữ liệu rồi lưu dưới dạng .xlsx.")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fileError("Tệp Excel bị hỏng, không đọc được.")
	}
	if len(zr.File) > 500 {
		return fileError("Tệp Excel có cấu trúc bất thường (quá nhiều thành phần).")
	}
	hasWorkbook := false
	var total int64
	for _, f := range zr.File {
		if f.Name == "xl/workbook.xml" {
			hasWorkbook = true
		}
		rc, err := f.Open()
		if err != nil {
			return fileError("Tệp Excel bị hỏng, không đọc được.")
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, MaxUnzipped-total+1))
		rc.Close()
		total += n
		if total > MaxUnzipped {
			return fileError("Tệp giải nén ra quá lớn (có thể là tệp nén độc hại); không nhập.")
		}
		if err != nil {
			return fileError("Tệp Excel bị hỏng, không đọc được.")
		}
	}
	if !hasWorkbook {
		return fileError("Tệp không phải là bảng tính Excel (.xlsx).")
	}
	return nil
}

// Parse reads the rows of the first sheet. Problems are per row; the error is for a file
// that cannot be read at all (Invalid, with a Vietnamese message).
func Parse(data []byte, now time.Time) ([]Row, []Problem, error) {
	if err := Inspect(data); err != nil {
		return nil, nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped})
	if err != nil {
		return nil, nil, fileError("Tệp Excel bị hỏng hoặc có mật khẩu, không đọc được.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, fileError("Tệp Excel không có trang tính nào.")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, fileError("Không đọc được trang tính đầu tiên của tệp.")
	}
	defer it.Close()
	var rows []Row
	var problems []Problem
	line := 0
	for it.Next() {
		line++
		cells, err := it.Columns()
		if err != nil {
			return nil, nil, fileError(fmt.Sprintf("Dòng %d không đọc được.", line))
		}
		if line == 1 {
			if len(cells) == 0 || search.Fold(cells[0]) != search.Fold(Columns[0]) {
				return nil, nil, fileError("Dòng đầu tiên phải là dòng tiêu đề của mẫu (“" + Columns[0] + "”…). Hãy dùng tệp mẫu.")
			}
			continue
		}
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if len(rows)+len(problems) >= MaxRows {
			return nil, nil, fileError(fmt.Sprintf("Tệp có quá %d dòng; hãy chia thành nhiều tệp.", MaxRows))
		}
		row, probs := parseRow(line, cells, now)
		if len(probs) > 0 {
			problems = append(problems, probs...)
			continue
		}
		rows = append(rows, row)
	}
	if err := it.Error(); err != nil {
		return nil, nil, fileError("Tệp Excel bị hỏng, không đọc được.")
	}
	if len(rows) == 0 && len(problems) == 0 {
		return nil, nil, fileError("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
	}
	return rows, problems, nil
}

func parseRow(line int, cells []string, now time.Time) (Row, []Problem) {
	var probs []Problem
	get := func(i int) string {
		if i >= len(cells) {
			return ""
		}
		return cells[i]
	}
	for i, c := range cells {
		col := "Cột " + strconv.Itoa(i+1)
		if i < len(Columns) {
			col = Columns[i]
		}
		if !utf8.ValidString(c) || strings.ContainsRune(c, utf8.RuneError) {
			probs = append(probs, Problem{line, col, "Ô chứa ký tự không hợp lệ (không phải UTF-8)."})
		} else if utf8.RuneCountInString(c) > MaxCellRunes {
			probs = append(probs, Problem{line, col, fmt.Sprintf("Ô dài quá %d ký tự.", MaxCellRunes)})
		}
	}
	if len(probs) > 0 {
		return Row{}, probs
	}
	row := Row{Line: line, UnitCode: strings.ToUpper(search.Clean(get(6))), PositionUnitCode: strings.ToUpper(search.Clean(get(9))), extraOf: -1}
	in := org.PersonInput{FullName: get(0), Gender: get(1), Email: get(3), Phone: get(4), UnitID: -1}
	if y := strings.TrimSpace(get(2)); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			probs = append(probs, Problem{line, Columns[2], "Năm sinh phải là số, ví dụ 1985."})
		}
		in.BirthYear = n
	}
	switch search.Fold(get(5)) {
	case "", "khong", "k", "0", "no":
	case "co", "x", "1", "dang vien", "yes":
		in.PartyMember = true
	default:
		probs = append(probs, Problem{line, Columns[5], "Ghi “Có” hoặc “Không”."})
	}
	if t := strings.TrimSpace(get(7)); t != "" {
		code, ok := titleCode(t)
		if !ok {
			probs = append(probs, Problem{line, Columns[7], "Chức vụ “" + t + "” không có trong danh mục (xem trang “Danh mục” của tệp mẫu)."})
		}
		in.PositionTitle = code
	}
	if d := strings.TrimSpace(get(8)); d != "" {
		ymd, ok := parseDate(d)
		if !ok {
			probs = append(probs, Problem{line, Columns[8], "Ngày không hợp lệ; ghi theo dạng dd/mm/yyyy."})
		}
		in.PositionStart = ymd
		if in.PositionTitle == "" && ok {
			probs = append(probs, Problem{line, Columns[7], "Có ngày giữ chức vụ nhưng chưa ghi chức vụ."})
		}
	}
	if row.PositionUnitCode != "" && in.PositionTitle == "" {
		probs = append(probs, Problem{line, Columns[9], "Có đơn vị của chức vụ nhưng chưa ghi chức vụ."})
	}
	if row.UnitCode == "" {
		probs = append(probs, Problem{line, Columns[6], "Vui lòng ghi mã đơn vị."})
	}
	v := apperr.Validation{}
	org.ValidatePerson(&in, &v, now)
	for field, msg := range apperr.FieldsOf(v.Err()) {
		probs = append(probs, Problem{line, fieldColumn[field], msg})
	}
	row.Input = in
	return row, probs
}

var fieldColumn = map[string]string{"full_name": Columns[0], "gender": Columns[1], "birth_year": Columns[2], "email": Columns[3],
	"phone": Columns[4], "unit_id": Columns[6], "position_title": Columns[7], "position_start": Columns[8], "position_unit": Columns[9]}

func titleCode(s string) (string, bool) {
	f := search.Fold(s)
	for _, t := range org.PositionTitles {
		if f == search.Fold(t.Label) || f == t.Code {
			return t.Code, true
		}
	}
	return "", false
}

func parseDate(s string) (string, bool) {
	for _, layout := range []string{"2/1/2006", "2006-01-02", "2-1-2006"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 && t.Year() <= 2200 {
			return t.Format(sqldb.DateLayout), true
		}
	}
	return "", false
}

// Service checks and writes imports, and runs recorded imports (runs.go). Use one
// Service per process (by pointer): it supervises the runs it starts.
type Service struct {
	DB *sqldb.DB
	// Lease is how long a run may go without progress before it counts as dead (default
	// 2 min); every progress batch pushes it forward.
	Lease time.Duration
	// Batch is how many rows are checked between two progress updates (default 50).
	Batch int
	// AfterProgress, when set, is called after each progress update is committed (tests
	// observe the run mid-way through it).
	AfterProgress func(id int64, checked int)

	runs runner
}

// Check resolves the rows' units against the principal's reach (ManagePerson) and finds
// duplicates, in the file and against people already in the unit (same name and birth
// year), so a file imported twice adds nobody the second time.
func (s *Service) Check(ctx context.Context, p *org.Principal, rows []Row) ([]Problem, error) {
	return s.check(ctx, s.DB, p, rows, nil)
}

// check checks rows; after each row, when given, it calls each(i) (a run's progress).
func (s *Service) check(ctx context.Context, q sqldb.Querier, p *org.Principal, rows []Row, each func(i int) error) ([]Problem, error) {
	var probs []Problem
	units := map[string]*org.Unit{}
	resolve := func(code string) (*org.Unit, error) {
		if u, ok := units[code]; ok {
			return u, nil
		}
		units[code] = nil
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM units WHERE code = ?`, code).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, apperr.Wrap("peopleimport.Check", err)
		}
		u, err := org.GetUnit(ctx, q, id)
		if err != nil {
			return nil, err
		}
		if p.CanPath(org.ManagePerson, u.Path) && u.Active() {
			units[code] = &u
		}
		return units[code], nil
	}
	type key struct {
		fold string
		year int
		unit int64
	}
	type posKey struct {
		person int // index of the first row
		title  string
		unit   int64
	}
	first := map[key]int{}
	positions := map[posKey]int{} // -> line
	existing := map[int64]map[key]bool{}
	for i := range rows {
		if each != nil && i > 0 {
			if err := each(i); err != nil {
				return nil, err
			}
		}
		r := &rows[i]
		u, err := resolve(r.UnitCode)
		if err != nil {
			return nil, err
		}
		if u == nil {
			probs = append(probs, Problem{r.Line, Columns[6], "Không có đơn vị mã “" + r.UnitCode + "” trong phạm vi bạn được quản lý."})
			continue
		}
		r.Input.UnitID = u.ID
		r.positionUnitID = u.ID
		if r.PositionUnitCode != "" {
			pu, err := resolve(r.PositionUnitCode)
			if err != nil {
				return nil, err
			}
			if pu == nil {
				probs = append(probs, Problem{r.Line, Columns[9], "Không có đơn vị mã “" + r.PositionUnitCode + "” trong phạm vi bạn được quản lý."})
				continue
			}
			r.positionUnitID = pu.ID
		}
		k := key{search.Fold(r.Input.FullName), r.Input.BirthYear, u.ID}
		if fi, seen := first[k]; seen {
			// Another position of the person of an earlier row.
			if r.Input.PositionTitle == "" {
				probs = append(probs, Problem{r.Line, Columns[0], fmt.Sprintf("Trùng với dòng %d (cùng họ tên, năm sinh và đơn vị) mà không có chức vụ khác.", rows[fi].Line)})
				continue
			}
			r.extraOf = fi
		} else {
			first[k] = i
			r.extraOf = -1
		}
		if r.Input.PositionTitle != "" {
			pk := posKey{first[k], r.Input.PositionTitle, r.positionUnitID}
			if line, dup := positions[pk]; dup {
				probs = append(probs, Problem{r.Line, Columns[7], fmt.Sprintf("Chức vụ này đã ghi ở dòng %d.", line)})
				continue
			}
			positions[pk] = r.Line
		}
		if r.extraOf >= 0 {
			continue
		}
		if existing[u.ID] == nil {
			m := map[key]bool{}
			rs, err := q.QueryContext(ctx, `SELECT name_fold, birth_year FROM people WHERE unit_id = ?`, u.ID)
			if err != nil {
				return nil, apperr.Wrap("peopleimport.Check", err)
			}
			for rs.Next() {
				var f string
				var y int
				if err := rs.Scan(&f, &y); err != nil {
					rs.Close()
					return nil, apperr.Wrap("peopleimport.Check", err)
				}
				m[key{f, y, u.ID}] = true
			}
			rs.Close()
			existing[u.ID] = m
		}
		if existing[u.ID][k] {
			probs = append(probs, Problem{r.Line, Columns[0], "Người này (cùng họ tên, năm sinh) đã có trong " + u.Name + "."})
		}
	}
	return probs, nil
}

// Result is the outcome of an import.
type Result struct {
	Rows      int // data rows read
	Created   int // people
	Positions int // positions given, on new people's rows and on the extra rows
	Problems  []Problem
}

// Import parses data, checks every row and, only if all are good, inserts them all in
// one transaction with one audit entry per person and one for the import. With problems
// nothing is written and Result.Problems lists them. The error is for a file that cannot
// be read (Invalid) or a database failure.
func (s *Service) Import(ctx context.Context, p *org.Principal, data []byte, fileName string) (Result, error) {
	return s.importData(ctx, p, data, fileName, nil)
}

// importData is Import, reporting to a run's tracker when there is one (nil: none).
func (s *Service) importData(ctx context.Context, p *org.Principal, data []byte, fileName string, tr *tracker) (Result, error) {
	rows, probs, err := Parse(data, s.DB.Now())
	if err != nil {
		return Result{}, err
	}
	parseBad := countLines(probs)
	res := Result{Rows: len(rows) + parseBad}
	if err := tr.started(ctx, res.Rows, parseBad); err != nil {
		return Result{}, err
	}
	// Every row is checked outside the write transaction first, so a run can show its
	// progress (each batch is one short UPDATE) and a file with bad rows — listed all at
	// once — never takes the writer.
	more, err := s.check(ctx, s.DB, p, rows, tr.each(ctx, parseBad))
	if err != nil {
		return Result{}, err
	}
	if err := tr.checked(ctx, res.Rows); err != nil {
		return Result{}, err
	}
	if probs = append(probs, more...); len(probs) > 0 {
		res.Problems = sortProblems(probs)
		return res, nil
	}
	err = s.DB.Tx(ctx, func(tx *sqldb.Tx) error {
		if err := tr.lock(ctx, tx); err != nil {
			return err
		}
		// Checked again inside the transaction: nothing can slip in between.
		more, err := s.check(ctx, tx, p, rows, nil)
		if err != nil {
			return err
		}
		if len(more) > 0 {
			res.Problems = sortProblems(more)
			return errRollback
		}
		unitNames := map[int64]string{}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			pu, err := org.GetUnit(ctx, tx, r.positionUnitID)
			if err != nil {
				return err
			}
			if r.extraOf >= 0 {
				person := rows[r.extraOf]
				if err := org.InsertPosition(ctx, tx, ids[r.extraOf], pu.ID, r.Input.PositionTitle, r.Input.PositionStart); err != nil {
					return err
				}
				if err := audit.Record(ctx, tx, audit.Entry{UnitID: pu.ID, Entity: "person", EntityID: ids[r.extraOf], Action: "add_position",
					Summary: fmt.Sprintf("Giao chức vụ %s tại %s cho %s (nhập từ tệp %s, dòng %d)", org.PositionLabel(r.Input.PositionTitle), pu.Name, person.Input.FullName, fileName, r.Line),
					After:   map[string]any{"title": r.Input.PositionTitle, "unit_id": pu.ID, "start_date": r.Input.PositionStart}}); err != nil {
					return err
				}
				res.Positions++
				continue
			}
			u, err := org.GetUnit(ctx, tx, r.Input.UnitID)
			if err != nil {
				return err
			}
			unitNames[u.ID] = u.Name
			in := r.Input
			in.PositionTitle, in.PositionStart = "", ""
			id, err := org.InsertPerson(ctx, tx, in, u)
			if err != nil {
				return err
			}
			ids[i] = id
			if r.Input.PositionTitle != "" {
				if err := org.InsertPosition(ctx, tx, id, pu.ID, r.Input.PositionTitle, r.Input.PositionStart); err != nil {
					return err
				}
				res.Positions++
			}
			if err := audit.Record(ctx, tx, audit.Entry{UnitID: u.ID, Entity: "person", EntityID: id, Action: "import",
				Summary: fmt.Sprintf("Nhập %s vào %s từ tệp %s (dòng %d)", r.Input.FullName, u.Name, fileName, r.Line), After: r.Input}); err != nil {
				return err
			}
			res.Created++
		}
		if err := audit.Record(ctx, tx, audit.Entry{Entity: "import", Action: "people_import",
			Summary: fmt.Sprintf("Nhập %d người từ tệp %s", res.Created, fileName), After: map[string]any{"file": fileName, "rows": len(rows), "units": len(unitNames)}}); err != nil {
			return err
		}
		return tr.written(ctx, tx, res)
	})
	if err != nil {
		res.Created, res.Positions = 0, 0
	}
	if errors.Is(err, errRollback) {
		return res, nil
	}
	return res, err
}

var errRollback = errors.New("peopleimport: problems found, rolled back")

func countLines(probs []Problem) int {
	seen := map[int]bool{}
	for _, p := range probs {
		seen[p.Line] = true
	}
	return len(seen)
}

func sortProblems(p []Problem) []Problem {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && (p[j].Line < p[j-1].Line); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
	return p
}

// Template writes the import template: the header row, one example row, and a
// “Danh mục” sheet listing the position titles and the codes of the given units.
func Template(w io.Writer, units []org.Unit) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return err
	}
	text, _ := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": keep what is typed as text
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"#EEEEEE"}, Pattern: 1}})
	for i, c := range Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue(sheetName, cell, c)
	}
	f.SetCellStyle(sheetName, "A1", "J1", bold)
	f.SetColStyle(sheetName, "A:J", text)
	f.SetColWidth(sheetName, "A", "A", 28)
	f.SetColWidth(sheetName, "B", "J", 18)
	example := []string{"Nguyễn Văn An", "Nam", "1985", "an.nv@example.gov.vn", "0912345678", "Có", "", "Đảng viên", "01/01/2020", ""}
	if len(units) > 0 {
		example[6] = units[0].Code
	}
	for i, v := range example {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellStr(sheetName, cell, v)
	}
	const cat = "Danh mục"
	f.NewSheet(cat)
	f.SetCellStr(cat, "A1", "Chức vụ")
	f.SetCellStr(cat, "C1", "Mã đơn vị")
	f.SetCellStr(cat, "D1", "Tên đơn vị")
	f.SetCellStyle(cat, "A1", "D1", bold)
	for i, t := range org.PositionTitles {
		f.SetCellStr(cat, fmt.Sprintf("A%d", i+2), t.Label)
	}
	n := 2
	for _, u := range units {
		if u.Code == "" {
			continue
		}
		f.SetCellStr(cat, fmt.Sprintf("C%d", n), u.Code)
		f.SetCellStr(cat, fmt.Sprintf("D%d", n), u.Name)
		n++
	}
	f.SetColWidth(cat, "A", "A", 30)
	f.SetColWidth(cat, "D", "D", 50)
	_, err := f.WriteTo(w)
	return err
}

// TemplateUnits lists up to 300 active units with a code where p may manage people, for
// the template's “Danh mục” sheet, in tree order.
func (s *Service) TemplateUnits(ctx context.Context, p *org.Principal) ([]org.Unit, error) {
	cond, args := p.Scope(org.ManagePerson).SQL("path")
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM units WHERE code <> '' AND valid_to = '' AND `+cond+` ORDER BY path LIMIT 300`, args...)
	if err != nil {
		return nil, apperr.Wrap("peopleimport.TemplateUnits", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, apperr.Wrap("peopleimport.TemplateUnits", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []org.Unit
	for _, id := range ids {
		u, err := org.GetUnit(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}
