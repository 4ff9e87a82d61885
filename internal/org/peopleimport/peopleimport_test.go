package peopleimport_test

import (
	"archive/zip"
	"bytes"
	"context"
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

type fixture struct {
	svc    *peopleimport.Service
	a, b   org.Unit
	cell   org.Unit // under a, code CB1
	mgrA   *org.Principal
	dbConn *sqldb.DB
}

func setup(t *testing.T, db *sqldb.DB) fixture {
	t.Helper()
	ctx := context.Background()
	f := fixture{svc: &peopleimport.Service{DB: db}, dbConn: db}
	err := db.Tx(ctx, func(tx *sqldb.Tx) error {
		root, err := org.EnsureRoot(ctx, tx, "Đảng bộ Khối")
		if err != nil {
			return err
		}
		if f.a, err = org.InsertUnit(ctx, tx, root, org.UnitInput{Kind: org.KindAgency, Name: "Sở Tư pháp", Code: "STP"}); err != nil {
			return err
		}
		if f.b, err = org.InsertUnit(ctx, tx, root, org.UnitInput{Kind: org.KindAgency, Name: "Sở Tài chính", Code: "STC"}); err != nil {
			return err
		}
		f.cell, err = org.InsertUnit(ctx, tx, f.a, org.UnitInput{Kind: org.KindCell, Name: "Chi bộ Văn phòng", Code: "CB1"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.mgrA = &org.Principal{UserID: 9, Grants: []org.Grant{{UnitID: f.a.ID, UnitPath: f.a.Path, Role: org.RoleManager}}}
	return f
}

// book builds an .xlsx with the template's header and the given rows.
func book(t testing.TB, rows [][]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	write := func(n int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	write(1, peopleimport.Columns)
	for i, r := range rows {
		write(i+2, r)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func count(t *testing.T, db *sqldb.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		good := [][]string{
			{"Nguyễn Văn An", "Nam", "1985", "an@example.vn", "0912345678", "Có", "STP", "Bí thư", "01/03/2021"},
			{"Trần Thị Bình", "Nữ", "1990", "", "", "Không", "stp", "Chủ tịch Công đoàn", ""},
		}
		bad := append(append([][]string{}, good...),
			[]string{"<script>alert(1)</script>", "Nam", "1980", "", "", "", "STP", "", ""},
			[]string{"Lê Văn Cường", "Khác", "năm", "khong-phai-email", "12", "Có lẽ", "STC", "Giám đốc", "31/02/2020"},
			[]string{"Nguyễn Văn An", "Nam", "1985", "", "", "", "STP", "", ""},
		)
		res, err := f.svc.Import(ctx, f.mgrA, book(t, bad), "ds.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || count(t, db, `SELECT COUNT(*) FROM people`) != 0 || count(t, db, `SELECT COUNT(*) FROM audit_log WHERE entity IN ('person', 'import')`) != 0 {
			t.Fatalf("something was written: %+v", res)
		}
		byLine := map[int][]string{}
		for _, p := range res.Problems {
			byLine[p.Line] = append(byLine[p.Line], p.Column+": "+p.Message)
		}
		if len(byLine[2]) != 0 || len(byLine[3]) != 0 {
			t.Errorf("good rows flagged: %v", byLine)
		}
		if !strings.Contains(strings.Join(byLine[4], "|"), "Họ và tên chỉ gồm chữ cái") {
			t.Errorf("script row: %v", byLine[4])
		}
		want5 := []string{"Giới tính là Nam hoặc Nữ", "Năm sinh phải là số", "thư điện tử không hợp lệ", "Số điện thoại", "“Có” hoặc “Không”", "không có trong danh mục", "Ngày không hợp lệ"}
		got5 := strings.Join(byLine[5], "|")
		for _, w := range want5 {
			if !strings.Contains(got5, w) {
				t.Errorf("line 5 lacks %q: %s", w, got5)
			}
		}
		if !strings.Contains(strings.Join(byLine[6], "|"), "Trùng với dòng 2") {
			t.Errorf("duplicate row: %v", byLine[6])
		}
		// A unit outside the importer's reach is refused like an unknown one.
		res, err = f.svc.Import(ctx, f.mgrA, book(t, [][]string{{"Phạm Thị Dung", "Nữ", "1992", "", "", "", "STC", "", ""}}), "x.xlsx")
		if err != nil || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "trong phạm vi") {
			t.Fatalf("unit outside reach: %+v %v", res, err)
		}

		res, err = f.svc.Import(ctx, f.mgrA, book(t, good), "ds.xlsx")
		if err != nil || res.Created != 2 || len(res.Problems) != 0 {
			t.Fatalf("good import: %+v %v", res, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people`); n != 2 {
			t.Fatalf("%d people", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM positions`); n != 2 {
			t.Fatalf("%d positions", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'import'`); n != 2 {
			t.Fatalf("%d person audit entries", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE action = 'people_import'`); n != 1 {
			t.Fatalf("%d import audit entries", n)
		}
		var start string
		db.QueryRowContext(ctx, `SELECT start_date FROM positions WHERE title = 'bi-thu'`).Scan(&start)
		if start != "2021-03-01" {
			t.Fatalf("position start %q", start)
		}
		// The same file again adds nobody.
		res, err = f.svc.Import(ctx, f.mgrA, book(t, good), "ds.xlsx")
		if err != nil || res.Created != 0 || len(res.Problems) != 2 || !strings.Contains(res.Problems[0].Message, "đã có trong Sở Tư pháp") {
			t.Fatalf("second import: %+v %v", res, err)
		}
	})
}

func TestSeveralPositionsOfOnePerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		rows := [][]string{
			{"Nguyễn Văn An", "Nam", "1985", "", "", "Có", "STP", "Chủ tịch Công đoàn", "01/03/2021", ""},
			{"Nguyễn Văn An", "", "1985", "", "", "", "STP", "Bí thư", "15/06/2022", "CB1"},
			{"Trần Thị Bình", "Nữ", "1990", "", "", "", "STP", "Đảng viên", "", "CB1"},
		}
		bad := append(append([][]string{}, rows...),
			[]string{"Nguyễn Văn An", "", "1985", "", "", "", "STP", "Bí thư", "", "CB1"},   // the same position again
			[]string{"Lê Văn Cường", "", "1980", "", "", "", "STP", "Đảng viên", "", "STC"}, // position outside reach
			[]string{"Lê Văn Dũng", "", "1981", "", "", "", "STP", "", "", "CB1"},           // unit of a position without one
		)
		res, err := f.svc.Import(ctx, f.mgrA, book(t, bad), "bad.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		want := map[int]string{5: "đã ghi ở dòng 3", 6: "trong phạm vi", 7: "chưa ghi chức vụ"}
		if len(res.Problems) != len(want) {
			t.Fatalf("problems %+v", res.Problems)
		}
		for _, p := range res.Problems {
			if !strings.Contains(p.Message, want[p.Line]) {
				t.Errorf("line %d: %q, want %q", p.Line, p.Message, want[p.Line])
			}
		}
		res, err = f.svc.Import(ctx, f.mgrA, book(t, rows), "ok.xlsx")
		if err != nil || res.Created != 2 || res.Positions != 3 || len(res.Problems) != 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM positions ps JOIN people p ON p.id = ps.person_id WHERE p.full_name = 'Nguyễn Văn An'`).Scan(&n)
		if n != 2 {
			t.Fatalf("An holds %d positions, want 2", n)
		}
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM positions WHERE unit_id = ? AND title IN ('bi-thu', 'dang-vien')`, f.cell.ID).Scan(&n)
		if n != 2 {
			t.Fatalf("%d positions in the cell, want 2", n)
		}
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'add_position'`).Scan(&n)
		if n != 1 {
			t.Fatalf("%d add_position audit entries, want 1", n)
		}
	})
}

func TestImportThousandRowsInSeconds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		rows := make([][]string, 1000)
		for i := range rows {
			rows[i] = []string{fmt.Sprintf("Nguyễn Văn Thử %d", i), "Nam", fmt.Sprint(1960 + i%40), "", "", "Có", "STP", "Đảng viên", "01/01/2020"}
		}
		data := book(t, rows)
		t0 := time.Now()
		res, err := f.svc.Import(context.Background(), f.mgrA, data, "1000.xlsx")
		el := time.Since(t0)
		if err != nil || res.Created != 1000 {
			t.Fatalf("%+v %v", res.Created, err)
		}
		t.Logf("1.000 rows imported in %v", el)
		if el > 10*time.Second {
			t.Fatalf("import took %v", el)
		}
	})
}

func TestHostileFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		f := setup(t, db)
		ctx := context.Background()
		// A zip bomb: a tiny archive with a part that inflates to 100 MB.
		var bomb bytes.Buffer
		zw := zip.NewWriter(&bomb)
		w, _ := zw.Create("[Content_Types].xml")
		w.Write([]byte("<Types/>"))
		w, _ = zw.Create("xl/workbook.xml")
		zeros := make([]byte, 1<<20)
		for range 100 {
			w.Write(zeros)
		}
		zw.Close()
		if bomb.Len() > 1<<20 {
			t.Fatalf("bomb is %d bytes", bomb.Len())
		}
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 4000)...)
		notXlsx := func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("word/document.xml")
			w.Write([]byte("<w:document/>"))
			zw.Close()
			return b.Bytes()
		}()
		huge := book(t, [][]string{{strings.Repeat("Nguyễn ", 200_000), "Nam", "1980", "", "", "", "STP", "", ""}})
		invalid := book(t, [][]string{{"Nguy\xff\xfeễn Văn A", "Nam", "1980", "", "", "", "STP", "", ""}})
		cases := []struct {
			name string
			data []byte
			want string
		}{
			{"zip bomb", bomb.Bytes(), "quá lớn"},
			{"renamed exe", exe, "không phải là bảng tính Excel"},
			{"docx", notXlsx, "không phải là bảng tính Excel"},
			{"empty", nil, "Vui lòng chọn tệp"},
			{"truncated", book(t, nil)[:300], "bị hỏng"},
			{"no rows", book(t, nil), "không có dòng dữ liệu"},
			{"10 MB cell", huge, ""},
			{"malformed UTF-8", invalid, ""},
		}
		for _, c := range cases {
			res, err := f.svc.Import(ctx, f.mgrA, c.data, c.name)
			msg := apperr.MessageOf(err)
			if err == nil {
				if len(res.Problems) == 0 {
					t.Errorf("%s: accepted", c.name)
				} else {
					msg = res.Problems[0].Message
				}
			} else if apperr.KindOf(err) != apperr.Invalid {
				t.Errorf("%s: error kind %v: %v", c.name, apperr.KindOf(err), err)
			}
			if !strings.Contains(msg, c.want) || msg == "" {
				t.Errorf("%s: message %q, want %q", c.name, msg, c.want)
			}
			t.Logf("%s: %s", c.name, msg)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM people`); n != 0 {
			t.Fatalf("%d people written", n)
		}
	})
}

func TestTemplateRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := peopleimport.Template(&buf, []org.Unit{{Name: "Sở Tư pháp", Code: "STP"}}); err != nil {
		t.Fatal(err)
	}
	rows, probs, err := peopleimport.Parse(buf.Bytes(), time.Now())
	if err != nil || len(probs) != 0 || len(rows) != 1 {
		t.Fatalf("template's example row: %v %v %v", rows, probs, err)
	}
	if r := rows[0]; r.Input.FullName != "Nguyễn Văn An" || r.UnitCode != "STP" || r.Input.PositionTitle != "dang-vien" || r.Input.PositionStart != "2020-01-01" || !r.Input.PartyMember {
		t.Fatalf("example row parsed as %+v", r)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(book(f, [][]string{{"Nguyễn Văn An", "Nam", "1985", "", "", "Có", "STP", "Bí thư", "01/03/2021"}}))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, probs, err := peopleimport.Parse(data, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
		if err != nil {
			if apperr.KindOf(err) != apperr.Invalid || apperr.MessageOf(err) == "" {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Input.FullName == "" || r.UnitCode == "" {
				t.Fatalf("row accepted without name or unit: %+v", r)
			}
		}
		for _, p := range probs {
			if p.Message == "" || p.Line < 2 {
				t.Fatalf("problem without message or line: %+v", p)
			}
		}
	})
}
