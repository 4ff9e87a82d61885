package export

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"danvan/internal/apperr"
	"danvan/internal/calendar"

	"github.com/xuri/excelize/v2"
)

func openXLSX(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestWriteXLSX(t *testing.T) {
	at := time.Date(2026, 11, 25, 2, 12, 0, 0, time.UTC) // 09:12 in Vietnam
	tasks := Sheet{
		Name:  "Nhiệm vụ: năm/2027",
		Title: "DANH SÁCH NHIỆM VỤ NĂM 2027",
		Columns: []Column{{Header: "STT", Width: 6}, {Header: "Nhiệm vụ", Width: 50}, {Header: "Hạn", Width: 12},
			{Header: "Kinh phí"}, {Header: "Tỷ lệ"}, {Header: "Cập nhật"}, {Header: "Xong"}},
		Rows: [][]any{
			{1, "Tổ chức hội nghị quán triệt\x00 “Dân vận khéo”", calendar.NewDate(2027, time.January, 15), int64(1234567), 87.5, at, true},
			{2, "Đăng ký mô hình", calendar.Date{}, nil, float32(0.25), time.Time{}, false},
		},
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tasks, Sheet{Name: "Nhiệm vụ: năm/2027", Rows: [][]any{{"bản sao"}}}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, buf.Bytes())
	names := f.GetSheetList()
	// ":" and "/" are not allowed in a sheet name; the second sheet of the same name gets a number.
	if len(names) != 2 || names[0] != "Nhiệm vụ năm 2027" || names[1] != "Nhiệm vụ năm 2027 (2)" {
		t.Fatalf("sheets %q", names)
	}
	s := names[0]
	get := func(cell string) string {
		v, err := f.GetCellValue(s, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := map[string]string{
		"A1": "DANH SÁCH NHIỆM VỤ NĂM 2027", "A2": "STT", "B2": "Nhiệm vụ", "C2": "Hạn",
		"A3": "1", "B3": "Tổ chức hội nghị quán triệt “Dân vận khéo”", "C3": "15/01/2027", "D3": "1,234,567",
		"E3": "87.50", "F3": "25/11/2026 09:12", "G3": "TRUE", "C4": "", "D4": "", "F4": "",
	}
	for cell, w := range want {
		if got := get(cell); got != w {
			t.Errorf("%s = %q, want %q", cell, got, w)
		}
	}
	raw, _ := f.GetCellValue(s, "C3", excelize.Options{RawCellValue: true})
	if raw != "46402" {
		t.Errorf("C3 raw = %q, want the date serial 46402", raw)
	}
	if typ, _ := f.GetCellType(s, "D3"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Error("a number was written as text")
	}
	styleID, _ := f.GetCellStyle(s, "B2")
	style, err := f.GetStyle(styleID)
	if err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header is not bold: %+v %v", style, err)
	}
	panes, err := f.GetPanes(s)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("header rows not frozen: %+v %v", panes, err)
	}
	if w, _ := f.GetColWidth(s, "B"); w != 50 {
		t.Errorf("width of B = %v", w)
	}
	if merged, _ := f.GetMergeCells(s); len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "G1" {
		t.Errorf("title not merged across the columns: %v", merged)
	}
}

// TestWriteXLSXStream writes 100k rows from an iterator (DANVAN_XLSX_ROWS changes the
// count, e.g. to measure peak memory with /usr/bin/time -v).
func TestWriteXLSXStream(t *testing.T) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("DANVAN_XLSX_ROWS")); err == nil && v > 0 {
		n = v
	}
	s := Sheet{Name: "Đơn thư", Columns: []Column{{Header: "Mã"}, {Header: "Người gửi"}, {Header: "Ngày nhận"}},
		More: func(yield func([]any) bool) {
			for i := range n {
				if !yield([]any{i + 1, "Nguyễn Văn Ánh", calendar.NewDate(2026, time.January, 1).AddDays(i % 365)}) {
					return
				}
			}
		}}
	var buf bytes.Buffer
	start := time.Now()
	peak := peakHeap(func() {
		if err := WriteXLSX(&buf, s); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("wrote %d rows in %v (%d bytes), peak heap %d MB", n, time.Since(start), buf.Len(), peak>>20)
	// Rows go to excelize's temporary file in 16 MB chunks: the live heap stays flat
	// whatever the count (it reached 169 MB for 100k rows when a call parsed the sheet back).
	if limit := uint64(80 << 20); peak > limit {
		t.Errorf("peak heap %d MB while streaming %d rows, want under %d MB", peak>>20, n, limit>>20)
	}
	f := openXLSX(t, buf.Bytes())
	rows, err := f.Rows("Đơn thư")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	var last []string
	for rows.Next() {
		count++
		last, _ = rows.Columns(excelize.Options{RawCellValue: true}) // formatting every date back is slow
	}
	if count != n+1 || strings.Join(last, "|") != strconv.Itoa(n)+"|Nguyễn Văn Ánh|"+strconv.Itoa(46023+(n-1)%365) {
		t.Errorf("%d rows, last %q", count, last)
	}
}

func TestWriteXLSXTooManyRows(t *testing.T) {
	defer func(m int) { maxRows = m }(maxRows)
	maxRows = 3
	var buf bytes.Buffer
	err := WriteXLSX(&buf, Sheet{Columns: []Column{{Header: "A"}}, Rows: [][]any{{1}, {2}, {3}}})
	if apperr.KindOf(err) != apperr.Invalid || !strings.Contains(apperr.MessageOf(err), "quá nhiều dòng") {
		t.Fatalf("err = %v", err)
	}
	if buf.Len() != 0 {
		t.Error("a failed export wrote to w")
	}
	if err := WriteXLSX(&buf, Sheet{Columns: []Column{{Header: "A"}}, Rows: [][]any{{1}, {2}}}); err != nil {
		t.Fatal(err)
	}
}

// A source that fails reports through Err, and the export fails without writing.
func TestWriteXLSXSourceError(t *testing.T) {
	var failed error
	s := Sheet{Columns: []Column{{Header: "A"}},
		More: func(yield func([]any) bool) {
			yield([]any{1})
			failed = errors.New("query failed")
		},
		Err: func() error { return failed }}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, s); err == nil || !errors.Is(err, failed) || buf.Len() != 0 {
		t.Fatalf("err = %v, %d bytes written", err, buf.Len())
	}
}

func BenchmarkWriteXLSX50k(b *testing.B) {
	rows := make([][]any, 50_000)
	for i := range rows {
		rows[i] = []any{i + 1, "Tổ chức hội nghị quán triệt về công tác dân vận", "Ban Dân vận Đảng ủy", "Nguyễn Thị Hương",
			calendar.NewDate(2026, time.December, 1).AddDays(i % 90), 1234.5}
	}
	s := Sheet{Name: "Nhiệm vụ", Title: "DANH SÁCH", Columns: []Column{{Header: "STT"}, {Header: "Nội dung"}, {Header: "Đơn vị"}, {Header: "Người"}, {Header: "Hạn"}, {Header: "Kinh phí"}}, Rows: rows}
	for b.Loop() {
		if err := WriteXLSX(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap runs f and returns the largest live heap (as marked by the last GC) seen while
// it ran, sampled every 5 ms.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	<-stopped
	return peak
}
