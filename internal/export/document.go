package export

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"danvan/internal/calendar"

	"golang.org/x/text/unicode/norm"
)

// Family is the template family of an official document (DOMAIN.md section 6).
type Family int

const (
	// Party is the template of the Party's documents (Hướng dẫn 36-HD/VPTW): "ĐẢNG CỘNG
	// SẢN VIỆT NAM" on the right, "Số 12-KH/ĐU" without a colon, "T/M ĐẢNG ỦY".
	Party Family = iota
	// State is the template of Nghị định 30/2020/NĐ-CP: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
	// NAM / Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-STP" with a colon.
	State
)

// Document is one official document (văn bản): the header of its family, a title, the
// body as blocks, the signature and the recipients. Every text is cleaned before it is
// written (invalid UTF-8 and control characters dropped, NFC), so any string is safe.
type Document struct {
	Family     Family
	UpperBody  string        // cơ quan cấp trên: "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "UBND TỈNH BẮC NINH"; may be empty; "\n" breaks a long name where you want
	Issuer     string        // cơ quan ban hành: "ĐẢNG ỦY SỞ TƯ PHÁP", "SỞ TƯ PHÁP"; "\n" as above
	Number     string        // số, ký hiệu without "Số": "12-KH/ĐU", "12/BC-STP"; empty leaves it out
	Place      string        // địa danh: "Hà Nội"
	Date       calendar.Date // ngày ban hành; the zero Date leaves blanks to fill in by hand
	Title      string        // tên loại: "KẾ HOẠCH", "BÁO CÁO"
	Subtitle   string        // trích yếu: "Thực hiện công tác dân vận năm 2027"
	About      string        // công văn (no Title): trích yếu under the number, "V/v chuyển đơn của công dân"; "V/v " is added when missing
	Blocks     []Block       // the body
	Signature  Signature
	Recipients []string // nơi nhận, one a line: "Ban Dân vận Tỉnh ủy," … "Lưu VP."

	// Note is shown on screen above the print page of WriteHTML and never printed, e.g.
	// why the user got this page instead of a PDF. Not part of the .docx or the PDF.
	Note string
}

// Signature is the signing block (thể thức ký).
type Signature struct {
	On    string // quyền hạn: "T/M ĐẢNG ỦY", "KT. GIÁM ĐỐC"; may be empty
	Title string // chức vụ: "BÍ THƯ", "PHÓ GIÁM ĐỐC"
	Name  string // họ tên: "Nguyễn Thị Hương"
}

// BlockKind says what a Block is.
type BlockKind int

const (
	KindParagraph BlockKind = iota // a justified paragraph with a first-line indent
	KindHeading                    // a heading; Level 1 "I. MỤC ĐÍCH", 2 "1. …", 3 "a) …"
	KindBullet                     // a line starting with "- "
	KindTable                      // a table with a bold header row and borders
)

// Block is one piece of the body. Build it with Heading, Text, Paragraph, Bullet or
// TableBlock rather than by hand.
type Block struct {
	Kind  BlockKind
	Level int   // headings: 1, 2 or 3
	Runs  []Run // text of a paragraph, heading or bullet
	Table Table // KindTable only
}

// Run is a piece of text in one style. A newline in Text is a line break.
type Run struct {
	Text         string
	Bold, Italic bool
}

// Table is a table of text cells.
type Table struct {
	Columns []Column
	Rows    [][]string // rows shorter than Columns are padded, longer ones cut
}

// Column is one column of a table or of a sheet. In a document table Width is a
// relative weight (0 counts as 1); in a sheet it is Excel's width in characters (0 keeps
// the default).
type Column struct {
	Header string
	Width  float64
	Center bool // document tables: center the cells (an "STT" column)
}

// R, B and I are runs of plain, bold and italic text.
func R(s string) Run { return Run{Text: s} }
func B(s string) Run { return Run{Text: s, Bold: true} }
func I(s string) Run { return Run{Text: s, Italic: true} }

// Heading returns a heading of level 1 to 3 (other levels are clamped).
func Heading(level int, text string) Block {
	return Block{Kind: KindHeading, Level: min(max(level, 1), 3), Runs: []Run{R(text)}}
}

// Text returns a paragraph of plain text.
func Text(s string) Block { return Block{Kind: KindParagraph, Runs: []Run{R(s)}} }

// Paragraph returns a paragraph of runs: export.Paragraph(export.B("Chủ trì: "), export.R("Ban Dân vận")).
func Paragraph(runs ...Run) Block { return Block{Kind: KindParagraph, Runs: runs} }

// Bullet returns a "- " line; the dash is added when the text has none.
func Bullet(runs ...Run) Block { return Block{Kind: KindBullet, Runs: runs} }

// TableBlock returns a table.
func TableBlock(cols []Column, rows [][]string) Block {
	return Block{Kind: KindTable, Table: Table{Columns: cols, Rows: rows}}
}

// Paragraphs turns free text typed by a user into blocks: one paragraph a non-empty line,
// and lines starting with "-", "+" or "•" become bullets.
func Paragraphs(s string) []Block {
	var out []Block
	for _, line := range strings.Split(clean(s), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "-"), strings.HasPrefix(line, "+"), strings.HasPrefix(line, "•"):
			out = append(out, Bullet(R(line)))
		default:
			out = append(out, Text(line))
		}
	}
	return out
}

// clean makes s safe for XML 1.0 and HTML: valid UTF-8, NFC, no control characters but
// newline and tab, no noncharacters or surrogates. Carriage returns are dropped.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	ok := true
	for _, r := range s {
		if !xmlChar(r) || r == '\r' {
			ok = false
			break
		}
	}
	if !ok {
		s = strings.Map(func(r rune) rune {
			if r == '\r' || !xmlChar(r) {
				return -1
			}
			return r
		}, s)
	}
	return norm.NFC.String(s)
}

// xmlChar reports whether r may appear in an XML 1.0 document. C1 controls are allowed
// by XML but mean nothing in a document, so they go too.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return true
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r > 0x10FFFF:
		return false
	}
	return true
}

// numberLine is "Số 12-KH/ĐU" (Party) or "Số: 12/BC-STP" (State); "" when there is no number.
func (d *Document) numberLine() string {
	n := strings.TrimSpace(clean(d.Number))
	if n == "" {
		return ""
	}
	n = strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(n, "Số"), ":"), " ")
	if d.Family == State {
		return "Số: " + n
	}
	return "Số " + n
}

// aboutLine is the "V/v …" line of a công văn, "" when there is none.
func (d *Document) aboutLine() string {
	a := strings.TrimSpace(clean(d.About))
	if a == "" || strings.HasPrefix(a, "V/v") {
		return a
	}
	return "V/v " + a
}

// dateLine is "Hà Nội, ngày 01 tháng 12 năm 2026". Days below 10 and the months 1 and 2
// take a leading zero (Nghị định 30/2020, Phụ lục I). A zero Date leaves blanks.
func (d *Document) dateLine() string {
	var s string
	if d.Date.IsZero() {
		s = "ngày      tháng      năm      "
	} else {
		y, m, day := d.Date.Date()
		month := fmt.Sprint(int(m))
		if m <= 2 {
			month = fmt.Sprintf("%02d", int(m))
		}
		s = fmt.Sprintf("ngày %02d tháng %s năm %d", day, month, y)
	}
	place := strings.TrimSpace(clean(d.Place))
	if place == "" {
		return "N" + s[1:]
	}
	return place + ", " + s
}

// nation returns the lines on the right of the header.
func (d *Document) nation() (motto1, motto2 string) {
	if d.Family == State {
		return "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
	}
	return "ĐẢNG CỘNG SẢN VIỆT NAM", ""
}

// bulletText puts the dash in front of a bullet's first run when it has none.
func bulletRuns(runs []Run) []Run {
	if len(runs) == 0 {
		return runs
	}
	first := strings.TrimLeft(clean(runs[0].Text), " ")
	if strings.HasPrefix(first, "-") || strings.HasPrefix(first, "+") || strings.HasPrefix(first, "•") {
		return runs
	}
	out := make([]Run, 0, len(runs)+1)
	out = append(out, Run{Text: "- "})
	return append(out, runs...)
}

// recipientLine puts "- " in front of a recipient.
func recipientLine(s string) string {
	s = strings.TrimSpace(clean(s))
	if s == "" || strings.HasPrefix(s, "-") {
		return s
	}
	return "- " + s
}

// widths splits total into the relative weights of cols (0 counts as 1).
func widths(cols []Column, total int) []int {
	var sum float64
	for _, c := range cols {
		sum += weight(c)
	}
	out := make([]int, len(cols))
	used := 0
	for i, c := range cols {
		out[i] = int(float64(total) * weight(c) / sum)
		used += out[i]
	}
	if len(out) > 0 {
		out[len(out)-1] += total - used
	}
	return out
}

func weight(c Column) float64 {
	if c.Width > 0 && c.Width < 1e6 {
		return c.Width
	}
	return 1
}

// cells returns row padded or cut to n cells.
func cells(row []string, n int) []string {
	if len(row) == n {
		return row
	}
	out := make([]string, n)
	copy(out, row)
	return out
}

// columns returns the table's columns; a table without any gets as many untitled
// columns as its longest row.
func (t *Table) columns() (cols []Column, header bool) {
	if len(t.Columns) > 0 {
		return t.Columns, true
	}
	n := 0
	for _, r := range t.Rows {
		n = max(n, len(r))
	}
	return make([]Column, n), false
}
