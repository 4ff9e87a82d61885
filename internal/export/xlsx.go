package export

import (
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"danvan/internal/apperr"
	"danvan/internal/calendar"

	"github.com/xuri/excelize/v2"
)

// MaxRows is the number of rows a sheet holds, Excel's own limit, title and header included.
const MaxRows = 1_048_576

var maxRows = MaxRows // lowered by tests

// Sheet is one sheet of a workbook (.xlsx). Values of a row are written by type:
// strings as text, integers and floats as numbers (#,##0 and #,##0.00), calendar.Date
// as a date dd/mm/yyyy, time.Time as a date and time in Vietnam (dd/mm/yyyy hh:mm, or
// dd/mm/yyyy at midnight), bool as TRUE/FALSE, nil as an empty cell, anything else by
// fmt.Sprint.
type Sheet struct {
	Name    string          // the tab; cut to 31 characters, []:*?/\ removed; empty gives "Trang 1"…
	Title   string          // optional first row, bold, across the columns
	Columns []Column        // headers (bold, frozen) and widths in characters
	Rows    [][]any         // the rows
	More    iter.Seq[[]any] // optional rows read one at a time after Rows, e.g. from a query, so a large export is never held in memory whole
	// Err, when set, is called after More has ended: a source that failed (a query
	// error) stops yielding and reports here, and the export fails instead of being cut short.
	Err func() error
}

// WriteXLSX writes the sheets as one workbook. Rows are streamed to a temporary file when
// large; nothing is written to w before the whole workbook is ready, so an error leaves
// w untouched. More than MaxRows rows in a sheet is an apperr.Invalid error.
func WriteXLSX(w io.Writer, sheets ...Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return apperr.Wrap("export.WriteXLSX", err)
	}
	if len(sheets) == 0 {
		sheets = []Sheet{{}}
	}
	used := map[string]bool{}
	for i, s := range sheets {
		name := sheetName(s.Name, i, used)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return apperr.Wrap("export.WriteXLSX", err)
		}
		if err := writeSheet(f, name, s, st); err != nil {
			return err
		}
	}
	// No f.SetActiveSheet: the first sheet is active already, and the call would parse
	// every streamed sheet back into memory (500 MB of allocations for 100k rows).
	if err := f.Write(w); err != nil {
		return apperr.Wrap("export.WriteXLSX", err)
	}
	return nil
}

type xlsxStyles struct{ title, header, text, date, datetime, integer, float int }

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	dateFmt, dtFmt := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	border := []excelize.Border{
		{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1},
	}
	defs := []struct {
		id    *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8E8E8"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.text, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.date, excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.datetime, excelize.Style{CustomNumFmt: &dtFmt, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.integer, excelize.Style{NumFmt: 3, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.float, excelize.Style{NumFmt: 4, Alignment: &excelize.Alignment{Vertical: "top"}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, err
		}
		*d.id = id
	}
	return s, nil
}

func writeSheet(f *excelize.File, name string, s Sheet, st xlsxStyles) error {
	const op = "export.WriteXLSX"
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return apperr.Wrap(op, err)
	}
	ncol := len(s.Columns)
	for _, r := range s.Rows {
		ncol = max(ncol, len(r))
	}
	for i, c := range s.Columns {
		width := c.Width
		if width <= 0 || width > 255 {
			width = float64(min(max(utf8.RuneCountInString(c.Header)+4, 10), 60))
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return apperr.Wrap(op, err)
		}
	}
	row := 1
	title := strings.TrimSpace(clean(s.Title))
	if len(s.Columns) > 0 { // freeze the title and header rows (excelize wants this before any row)
		frozen := 1
		if title != "" {
			frozen = 2
		}
		top, _ := excelize.CoordinatesToCellName(1, frozen+1)
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: frozen, TopLeftCell: top, ActivePane: "bottomLeft"}); err != nil {
			return apperr.Wrap(op, err)
		}
	}
	if t := title; t != "" {
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: t}}, excelize.RowOpts{Height: 22}); err != nil {
			return apperr.Wrap(op, err)
		}
		if ncol > 1 {
			last, _ := excelize.CoordinatesToCellName(ncol, 1)
			if err := sw.MergeCell("A1", last); err != nil {
				return apperr.Wrap(op, err)
			}
		}
		row++
	}
	if len(s.Columns) > 0 {
		hdr := make([]any, len(s.Columns))
		for i, c := range s.Columns {
			hdr[i] = excelize.Cell{StyleID: st.header, Value: clean(c.Header)}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, hdr); err != nil {
			return apperr.Wrap(op, err)
		}
		row++
	}
	buf := make([]any, 0, ncol)
	put := func(values []any) error {
		if row > maxRows {
			return apperr.New(apperr.Invalid, op, fmt.Sprintf("Có quá nhiều dòng để xuất ra Excel (tối đa %s dòng một trang tính). Hãy lọc bớt rồi xuất lại.", "1.048.576"))
		}
		buf = buf[:0]
		for _, v := range values {
			buf = append(buf, st.cell(v))
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		if err := sw.SetRow(cell, buf); err != nil {
			return apperr.Wrap(op, err)
		}
		return nil
	}
	for _, r := range s.Rows {
		if err := put(r); err != nil {
			return err
		}
	}
	if s.More != nil {
		for r := range s.More {
			if err := put(r); err != nil {
				return err
			}
		}
	}
	if s.Err != nil {
		if err := s.Err(); err != nil {
			return apperr.Wrap(op, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return apperr.Wrap(op, err)
	}
	return nil
}

// excelEpoch is day 0 of Excel's 1900 date system (with its leap-year bug folded in).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial returns the Excel serial number of a wall-clock time.
func serial(y int, m time.Month, d, hh, mm, ss int) float64 {
	t := time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
	return t.Sub(excelEpoch).Hours() / 24
}

func (st xlsxStyles) cell(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return excelize.Cell{StyleID: st.text, Value: clean(v)}
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return excelize.Cell{StyleID: st.integer, Value: v}
	case float32:
		return excelize.Cell{StyleID: st.float, Value: float64(v)}
	case float64:
		return excelize.Cell{StyleID: st.float, Value: v}
	case bool:
		return v
	case calendar.Date:
		if v.IsZero() {
			return nil
		}
		y, m, d := v.Date()
		return excelize.Cell{StyleID: st.date, Value: serial(y, m, d, 0, 0, 0)}
	case time.Time:
		if v.IsZero() {
			return nil
		}
		l := v.In(vietnam)
		y, m, d := l.Date()
		hh, mm, ss := l.Clock()
		if hh == 0 && mm == 0 && ss == 0 {
			return excelize.Cell{StyleID: st.date, Value: serial(y, m, d, 0, 0, 0)}
		}
		return excelize.Cell{StyleID: st.datetime, Value: serial(y, m, d, hh, mm, ss)}
	case fmt.Stringer:
		return excelize.Cell{StyleID: st.text, Value: clean(v.String())}
	}
	return excelize.Cell{StyleID: st.text, Value: clean(fmt.Sprint(v))}
}

// vietnam is the time zone dates and times are shown in (the calendar package's).
var vietnam = calendar.NewDate(2000, time.January, 1).Time().Location()

// sheetName makes a valid, unique sheet name.
func sheetName(s string, i int, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, clean(s))
	s = strings.Trim(strings.Join(strings.Fields(s), " "), "'")
	if r := []rune(s); len(r) > 31 {
		s = strings.TrimSpace(string(r[:31]))
	}
	if s == "" {
		s = fmt.Sprintf("Trang %d", i+1)
	}
	base, n := s, 2
	for used[strings.ToLower(s)] {
		suffix := fmt.Sprintf(" (%d)", n)
		r := []rune(base)
		s = string(r[:min(len(r), 31-len(suffix))]) + suffix
		n++
	}
	used[strings.ToLower(s)] = true
	return s
}
