package export

import (
	"archive/zip"
	"bytes"
	"embed"
	"io"
	"strconv"
	"strings"
	"time"
)

// The fixed parts of every .docx: content types, relationships, styles (Times New Roman
// 14 pt), settings and the footer with the page number. Only word/document.xml is
// generated.
//
//go:embed all:skeleton
var skeleton embed.FS

var skeletonParts = []string{
	"[Content_Types].xml",
	"_rels/.rels",
	"word/_rels/document.xml.rels",
	"word/styles.xml",
	"word/settings.xml",
	"word/footer1.xml",
}

// Page geometry in twentieths of a point: A4, margins top/bottom 20 mm, left 30 mm,
// right 15 mm (DOMAIN.md section 6).
const (
	textWidth = 9354 // 210 − 30 − 15 = 165 mm
)

// zipTime is the modification time written in the archive, fixed so that the same
// document gives the same bytes.
var zipTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteDOCX writes d as a Word document (.docx).
func WriteDOCX(w io.Writer, d Document) error {
	body := DocumentXML(d)
	zw := zip.NewWriter(w)
	put := func(name string, data []byte) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	for _, name := range skeletonParts {
		data, err := skeleton.ReadFile("skeleton/" + name)
		if err != nil {
			return err
		}
		if err := put(name, data); err != nil {
			return err
		}
		if name == "word/_rels/document.xml.rels" {
			if err := put("word/document.xml", body); err != nil {
				return err
			}
		}
	}
	if err := put("docProps/core.xml", coreXML(&d)); err != nil {
		return err
	}
	return zw.Close()
}

// coreXML is the file's properties: the title and subject Word shows and indexes, and
// the issuing body as the author.
func coreXML(d *Document) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	for _, f := range []struct{ tag, text string }{
		{"dc:title", strings.TrimSpace(d.Title + " " + d.numberLine())},
		{"dc:subject", d.Subtitle},
		{"dc:creator", d.Issuer},
		{"dc:language", "vi-VN"},
	} {
		b.WriteString("<" + f.tag + ">")
		escapeXML(&b, strings.Join(strings.Fields(clean(f.text)), " "))
		b.WriteString("</" + f.tag + ">")
	}
	b.WriteString("</cp:coreProperties>\n")
	return b.Bytes()
}

// DocumentXML returns the word/document.xml part of d; WriteDOCX zips it with the
// skeleton. Exposed for tests and golden files.
func DocumentXML(d Document) []byte {
	x := &wml{}
	x.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	x.b.WriteString(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + "\n<w:body>\n")
	x.header(&d)
	x.title(&d)
	for _, bl := range d.Blocks {
		x.block(bl)
	}
	x.closing(&d)
	x.b.WriteString(`<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1"/>` +
		`<w:pgSz w:w="11906" w:h="16838"/>` +
		`<w:pgMar w:top="1134" w:right="851" w:bottom="1134" w:left="1701" w:header="567" w:footer="567" w:gutter="0"/>` +
		`<w:pgNumType w:start="1"/><w:titlePg/></w:sectPr>` + "\n</w:body>\n</w:document>\n")
	return x.b.Bytes()
}

// wml writes WordprocessingML.
type wml struct{ b bytes.Buffer }

// pp are paragraph properties.
type pp struct {
	style       string // style id; "" is Normal
	align       string // left, center, right, both
	before      int    // spacing in twips; -1 keeps the style's
	after       int
	keepNext    bool
	line        bool // a bottom border: the short rule under an issuer or a title
	indL, indR  int
	noFirstLine bool // cancel the style's first-line indent
	tiny        bool // a 2 pt paragraph mark: spacers and rules that must hug the text above
}

// rp are run properties; size is in half-points, 0 keeps the style's.
type rp struct {
	bold, italic, underline bool
	size                    int
}

type wrun struct {
	text string
	rp
}

var headerP = pp{align: "center", before: 0, after: 0}

func (x *wml) p(p pp, runs ...wrun) {
	b := &x.b
	b.WriteString("<w:p><w:pPr>")
	if p.style != "" {
		b.WriteString(`<w:pStyle w:val="` + p.style + `"/>`)
	}
	if p.keepNext {
		b.WriteString("<w:keepNext/>")
	}
	if p.line {
		b.WriteString(`<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>`)
	}
	if p.before >= 0 || p.after >= 0 {
		b.WriteString("<w:spacing")
		if p.before >= 0 {
			b.WriteString(` w:before="` + strconv.Itoa(p.before) + `"`)
		}
		if p.after >= 0 {
			b.WriteString(` w:after="` + strconv.Itoa(p.after) + `"`)
		}
		b.WriteString("/>")
	}
	if p.indL > 0 || p.indR > 0 || p.noFirstLine {
		b.WriteString(`<w:ind w:left="` + strconv.Itoa(p.indL) + `" w:right="` + strconv.Itoa(p.indR) + `"`)
		if p.noFirstLine {
			b.WriteString(` w:firstLine="0"`)
		}
		b.WriteString("/>")
	}
	if p.align != "" {
		b.WriteString(`<w:jc w:val="` + p.align + `"/>`)
	}
	if p.tiny {
		b.WriteString(`<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr>`)
	}
	b.WriteString("</w:pPr>")
	for _, r := range runs {
		x.run(r)
	}
	b.WriteString("</w:p>\n")
}

func (x *wml) run(r wrun) {
	text := clean(r.text)
	if text == "" {
		return
	}
	b := &x.b
	b.WriteString("<w:r>")
	if r.bold || r.italic || r.underline || r.size > 0 {
		b.WriteString("<w:rPr>")
		if r.bold {
			b.WriteString("<w:b/><w:bCs/>")
		}
		if r.italic {
			b.WriteString("<w:i/><w:iCs/>")
		}
		if r.underline {
			b.WriteString(`<w:u w:val="single"/>`)
		}
		if r.size > 0 {
			s := strconv.Itoa(r.size)
			b.WriteString(`<w:sz w:val="` + s + `"/><w:szCs w:val="` + s + `"/>`)
		}
		b.WriteString("</w:rPr>")
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		for j, part := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:tab/>")
			}
			if part != "" {
				b.WriteString(`<w:t xml:space="preserve">`)
				escapeXML(b, part)
				b.WriteString("</w:t>")
			}
		}
	}
	b.WriteString("</w:r>")
}

// escapeXML writes s, already cleaned, with the five XML specials escaped.
func escapeXML(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&apos;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// tableStart opens a table of the given column widths; grid draws the borders.
func (x *wml) tableStart(ws []int, grid bool) {
	b := &x.b
	b.WriteString("<w:tbl><w:tblPr>")
	if grid {
		b.WriteString(`<w:tblStyle w:val="TableGrid"/>`)
	} else {
		b.WriteString(`<w:tblStyle w:val="TablePlain"/>`)
	}
	b.WriteString(`<w:tblW w:w="` + strconv.Itoa(textWidth) + `" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range ws {
		b.WriteString(`<w:gridCol w:w="` + strconv.Itoa(w) + `"/>`)
	}
	b.WriteString("</w:tblGrid>\n")
}

func (x *wml) rowStart(header bool) {
	x.b.WriteString("<w:tr><w:trPr><w:cantSplit/>")
	if header {
		x.b.WriteString("<w:tblHeader/>")
	}
	x.b.WriteString("</w:trPr>")
}

func (x *wml) cellStart(w int) {
	x.b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(w) + `" w:type="dxa"/></w:tcPr>`)
}

// headerCellStart opens a cell of a table's header row, its text centred vertically.
func (x *wml) headerCellStart(w int) {
	x.b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + strconv.Itoa(w) + `" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>`)
}

func (x *wml) cellEnd() { x.b.WriteString("</w:tc>") }
func (x *wml) rowEnd()  { x.b.WriteString("</w:tr>\n") }

// tableEnd closes a table and adds the empty paragraph Word wants between two tables.
func (x *wml) tableEnd() {
	x.b.WriteString("</w:tbl>\n")
	x.p(pp{before: 0, after: 0, tiny: true}, wrun{})
}

// header writes the two-column header: issuing bodies on the left, the Party's name or
// the national motto on the right, then the number and the place and date.
func (x *wml) header(d *Document) {
	ws := []int{4100, textWidth - 4100}
	if d.Family == State {
		ws = []int{3800, textWidth - 3800}
	}
	sz := sizesOf(d.Family)
	m1, m2 := d.nation()
	x.tableStart(ws, false)
	x.rowStart(false)
	x.cellStart(ws[0])
	upper := strings.TrimSpace(d.UpperBody)
	if upper != "" {
		x.p(headerP, wrun{upper, rp{size: sz.upper}})
	}
	x.p(headerP, wrun{strings.TrimSpace(d.Issuer), rp{bold: true, size: sz.upper}})
	if d.Family == Party {
		x.p(headerP, wrun{"*", rp{size: sz.upper}})
	} else {
		x.p(pp{align: "center", before: 0, after: 0, line: true, tiny: true, indL: ws[0] / 3, indR: ws[0] / 3}, wrun{})
	}
	x.cellEnd()
	x.cellStart(ws[1])
	x.p(headerP, wrun{m1, rp{bold: true, underline: d.Family == Party, size: sz.nation}})
	if m2 != "" {
		x.p(headerP, wrun{m2, rp{bold: true, underline: true, size: sz.motto}})
	}
	x.cellEnd()
	x.rowEnd()
	x.rowStart(false)
	x.cellStart(ws[0])
	x.p(pp{align: "center", before: 60, after: 0}, wrun{d.numberLine(), rp{size: sz.upper}})
	if about := d.aboutLine(); about != "" {
		x.p(pp{align: "center", before: 60, after: 0}, wrun{about, rp{size: sz.about}})
	}
	x.cellEnd()
	x.cellStart(ws[1])
	x.p(pp{align: "center", before: 60, after: 0}, wrun{d.dateLine(), rp{italic: true, size: sz.date}})
	x.cellEnd()
	x.rowEnd()
	x.tableEnd()
}

// sizes are the font sizes of a family in half-points (Hướng dẫn 36-HD/VPTW for the
// Party, Nghị định 30/2020 Phụ lục I for the State).
type sizes struct{ upper, nation, motto, date, title, about, recipientsLabel, recipients int }

func sizesOf(f Family) sizes {
	if f == State {
		return sizes{upper: 26, nation: 24, motto: 28, date: 28, title: 28, about: 24, recipientsLabel: 24, recipients: 22}
	}
	return sizes{upper: 28, nation: 30, date: 28, title: 30, about: 26, recipientsLabel: 28, recipients: 24}
}

func (x *wml) title(d *Document) {
	if t := strings.TrimSpace(d.Title); t != "" {
		x.p(pp{style: "Title", before: -1, after: -1}, wrun{t, rp{size: sizesOf(d.Family).title}})
	}
	if s := strings.TrimSpace(d.Subtitle); s != "" {
		x.p(pp{style: "Subtitle", before: -1, after: -1}, wrun{text: s})
	}
	if strings.TrimSpace(d.Title+d.Subtitle) == "" { // a công văn: its "V/v" is in the header
		x.p(pp{before: 0, after: 240}, wrun{})
	} else if d.Family == Party {
		x.p(pp{align: "center", before: 0, after: 240}, wrun{text: "-----"})
	} else {
		x.p(pp{align: "center", before: 0, after: 240, line: true, tiny: true, indL: (textWidth - 1700) / 2, indR: (textWidth - 1700) / 2}, wrun{})
	}
}

func (x *wml) block(bl Block) {
	switch bl.Kind {
	case KindHeading:
		x.p(pp{style: "Heading" + strconv.Itoa(min(max(bl.Level, 1), 3)), before: -1, after: -1}, runs(bl.Runs)...)
	case KindBullet:
		x.p(pp{style: "Body", before: -1, after: -1}, runs(bulletRuns(bl.Runs))...)
	case KindTable:
		x.table(bl.Table)
	default:
		x.p(pp{style: "Body", before: -1, after: -1}, runs(bl.Runs)...)
	}
}

func runs(rs []Run) []wrun {
	out := make([]wrun, len(rs))
	for i, r := range rs {
		out[i] = wrun{r.Text, rp{bold: r.Bold, italic: r.Italic}}
	}
	return out
}

func (x *wml) table(t Table) {
	cols, header := t.columns()
	if len(cols) == 0 {
		return
	}
	ws := widths(cols, textWidth)
	x.tableStart(ws, true)
	if header {
		x.rowStart(true)
		for i, c := range cols {
			x.headerCellStart(ws[i])
			x.p(pp{style: "TableText", align: "center", before: -1, after: -1}, wrun{c.Header, rp{bold: true}})
			x.cellEnd()
		}
		x.rowEnd()
	}
	for _, row := range t.Rows {
		x.rowStart(false)
		for i, cell := range cells(row, len(cols)) {
			align := ""
			if cols[i].Center {
				align = "center"
			}
			x.cellStart(ws[i])
			x.p(pp{style: "TableText", align: align, before: -1, after: -1}, wrun{text: cell})
			x.cellEnd()
		}
		x.rowEnd()
	}
	x.tableEnd()
}

// closing writes "Nơi nhận:" on the left and the signature on the right.
func (x *wml) closing(d *Document) {
	ws := []int{4300, textWidth - 4300}
	sz := sizesOf(d.Family)
	x.tableStart(ws, false)
	x.rowStart(false)
	x.cellStart(ws[0])
	label := wrun{"Nơi nhận:", rp{underline: true, size: sz.recipientsLabel}}
	if d.Family == State {
		label.rp = rp{bold: true, italic: true, size: sz.recipientsLabel}
	}
	x.p(pp{before: 240, after: 0}, label)
	for _, r := range d.Recipients {
		if line := recipientLine(r); line != "" {
			x.p(pp{before: 0, after: 0}, wrun{line, rp{size: sz.recipients}})
		}
	}
	x.cellEnd()
	x.cellStart(ws[1])
	s := d.Signature
	sp := pp{align: "center", before: 0, after: 0, keepNext: true}
	first := sp
	first.before = 240
	if on := strings.TrimSpace(s.On); on != "" {
		x.p(first, wrun{on, rp{bold: true}})
		first = sp
	}
	x.p(first, wrun{strings.TrimSpace(s.Title), rp{bold: true}})
	for range 4 {
		x.p(sp, wrun{})
	}
	x.p(pp{align: "center", before: 0, after: 0}, wrun{strings.TrimSpace(s.Name), rp{bold: true}})
	x.cellEnd()
	x.rowEnd()
	x.tableEnd()
}
