package export

import (
	"io"
	"strconv"
	"strings"
	"unicode"

	"danvan/internal/apperr"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
)

// WritePDF writes d as a PDF file made in Go, with no browser: A4, the margins of Nghị
// định 30/2020 (top and bottom 20 mm, left 30 mm, right 15 mm), the same header, title,
// body, tables and closing as WriteDOCX and the print page. The text is set in
// Liberation Serif, which has the metrics of Times New Roman and every Vietnamese
// mark; the fonts are embedded (subset) with a ToUnicode map, so the text can be
// searched and copied.
func WritePDF(w io.Writer, d Document) error {
	p := newPDFDoc(&d)
	p.header()
	p.title()
	for _, bl := range d.Blocks {
		p.block(bl)
	}
	p.closing()
	if err := p.f.Error(); err != nil {
		return apperr.Wrap("export.WritePDF", err)
	}
	if err := p.f.Output(w); err != nil {
		return apperr.Wrap("export.WritePDF", err)
	}
	return nil
}

// Page geometry in millimetres.
const (
	pdfPageW   = 210.0
	pdfPageH   = 297.0
	pdfLeft    = 30.0
	pdfRight   = 15.0
	pdfTop     = 20.0
	pdfBottom  = 20.0
	pdfTextW   = pdfPageW - pdfLeft - pdfRight // 165 mm, as textWidth of the .docx
	pdfIndent  = 10.0                          // first-line indent of the body, 1 cm
	pdfFont    = "LiberationSerif"
	ptMM       = 25.4 / 72
	pdfLeading = 1.2 // line height as a multiple of the font size
)

// pdfDoc is one document being laid out. Lines are placed by hand (not with fpdf's
// MultiCell) so that mixed bold and italic runs can be justified and table rows can be
// broken between pages with their header repeated.
type pdfDoc struct {
	f *fpdf.Fpdf
	d *Document
	y float64 // the top of the next line
}

func newPDFDoc(d *Document) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	// The same document gives the same bytes, as WriteDOCX does.
	f.SetCreationDate(zipTime)
	f.SetModificationDate(zipTime)
	f.SetCatalogSort(true)
	for _, font := range []struct {
		style string
		ttf   []byte
	}{
		{"", liberationserifregular.TTF},
		{"B", liberationserifbold.TTF},
		{"I", liberationserifitalic.TTF},
		{"BI", liberationserifbolditalic.TTF},
	} {
		f.AddUTF8FontFromBytes(pdfFont, font.style, font.ttf)
	}
	f.SetMargins(pdfLeft, pdfTop, pdfRight)
	f.SetAutoPageBreak(false, pdfBottom)
	f.SetTitle(oneLine(d.Title+" "+d.numberLine()), true)
	f.SetSubject(oneLine(d.Subtitle), true)
	f.SetAuthor(oneLine(d.Issuer), true)
	f.SetCreator("danvan", true)
	f.SetLang("vi-VN")
	p := &pdfDoc{f: f, d: d}
	// Nghị định 30/2020 (Phụ lục I): the page number in Arabic digits, centred in the top
	// margin, from the second page on.
	f.SetHeaderFunc(func() {
		if n := f.PageNo(); n > 1 {
			f.SetFont(pdfFont, "", 13)
			s := strconv.Itoa(n)
			f.Text(pdfLeft+(pdfTextW-f.GetStringWidth(s))/2, 12, s)
		}
	})
	f.AddPage()
	p.y = pdfTop
	return p
}

func oneLine(s string) string { return strings.Join(strings.Fields(clean(s)), " ") }

// style is a font style and size in points.
type style struct {
	bold, italic, underline bool
	size                    float64
}

func (s style) fpdf() string {
	out := ""
	if s.bold {
		out += "B"
	}
	if s.italic {
		out += "I"
	}
	return out
}

func (p *pdfDoc) use(s style) { p.f.SetFont(pdfFont, s.fpdf(), s.size) }

func lineHeight(size float64) float64 { return size * pdfLeading * ptMM }

// newPage starts a page; the header function writes its number.
func (p *pdfDoc) newPage() {
	p.f.AddPage()
	p.y = pdfTop
}

// room reports whether h mm fit below the current line; at the top of a page anything
// fits (it is cut or overflows, it cannot go further).
func (p *pdfDoc) room(h float64) bool {
	return p.y+h <= pdfPageH-pdfBottom+0.01 || p.y <= pdfTop+0.01
}

// ensure starts a new page unless h mm fit.
func (p *pdfDoc) ensure(h float64) {
	if !p.room(h) {
		p.newPage()
	}
}

// token is a word of a paragraph in one style; space says whitespace came before it.
type token struct {
	text  string
	st    style
	w     float64
	space bool
	brk   bool // a forced line break (a newline in the text) instead of a word
}

// tokens splits runs into words, measured in their style.
func (p *pdfDoc) tokens(runs []Run, base style) []token {
	var out []token
	space := false
	for _, r := range runs {
		st := base
		st.bold = st.bold || r.Bold
		st.italic = st.italic || r.Italic
		p.use(st)
		text := strings.ReplaceAll(clean(r.Text), "\t", " ")
		for i, line := range strings.Split(text, "\n") {
			if i > 0 {
				out = append(out, token{brk: true, st: st})
				space = false
			}
			start := -1
			for j, c := range line + " " {
				if unicode.IsSpace(c) || j == len(line) {
					if start >= 0 {
						word := line[start:j]
						out = append(out, token{text: word, st: st, w: p.f.GetStringWidth(word), space: space})
						space = false
						start = -1
					}
					space = true
					continue
				}
				if start < 0 {
					start = j
				}
			}
			if len(line) == 0 {
				space = false
			}
		}
	}
	return out
}

// pdfLine is one laid-out line: its words and whether it may be justified.
type pdfLine struct {
	toks    []token
	natural float64 // width with plain spaces
	last    bool    // the last line of a paragraph or before a break: not justified
}

// spaceW is the width of a space before t, in t's style.
func (p *pdfDoc) spaceW(t token) float64 {
	p.use(t.st)
	return p.f.GetStringWidth(" ")
}

// wrap breaks tokens into lines of width w, the first one first mm narrower. A word
// wider than a line is cut between characters.
func (p *pdfDoc) wrap(toks []token, w, first float64) []pdfLine {
	var lines []pdfLine
	cur := pdfLine{}
	avail := w - first
	flush := func(last bool) {
		cur.last = last
		lines = append(lines, cur)
		cur = pdfLine{}
		avail = w
	}
	for _, t := range toks {
		if t.brk {
			flush(true)
			continue
		}
		sp := 0.0
		if t.space && len(cur.toks) > 0 {
			sp = p.spaceW(t)
		}
		if len(cur.toks) > 0 && cur.natural+sp+t.w > avail {
			flush(false)
			sp = 0
		}
		for len(cur.toks) == 0 && t.w > avail && avail > 1 {
			head, rest := p.cut(t, avail)
			cur.toks = append(cur.toks, head)
			cur.natural = head.w
			flush(false)
			t = rest
		}
		t.space = t.space && len(cur.toks) > 0
		cur.toks = append(cur.toks, t)
		cur.natural += sp + t.w
	}
	if len(cur.toks) > 0 || len(lines) == 0 {
		flush(true)
	} else {
		lines[len(lines)-1].last = true
	}
	return lines
}

// cut splits a word too wide for a line at the last character that fits (at least one).
func (p *pdfDoc) cut(t token, avail float64) (head, rest token) {
	p.use(t.st)
	runes := []rune(t.text)
	n := 1
	for n < len(runes) && p.f.GetStringWidth(string(runes[:n+1])) <= avail {
		n++
	}
	head, rest = t, t
	head.text, rest.text = string(runes[:n]), string(runes[n:])
	head.w, rest.w = p.f.GetStringWidth(head.text), p.f.GetStringWidth(rest.text)
	rest.space = false
	return head, rest
}

// drawLine writes a line whose baseline box starts at (x, y), aligned in width w:
// "L", "C", "R" or "J" (justified unless it is a last line).
func (p *pdfDoc) drawLine(l pdfLine, x, y, w, lh float64, align string) {
	gaps := 0
	for i, t := range l.toks {
		if i > 0 && t.space {
			gaps++
		}
	}
	extra := 0.0
	switch align {
	case "C":
		x += (w - l.natural) / 2
	case "R":
		x += w - l.natural
	case "J":
		if !l.last && gaps > 0 && l.natural < w {
			extra = (w - l.natural) / float64(gaps)
		}
	}
	for i, t := range l.toks {
		if i > 0 && t.space {
			x += p.spaceW(t) + extra
		}
		p.use(t.st)
		// The baseline sits about 0.8 of the font size below the top of the line box,
		// the middle of the leading above and below the glyphs.
		base := y + (lh-t.st.size*ptMM)/2 + t.st.size*ptMM*0.8
		p.f.Text(x, base, t.text)
		if t.st.underline {
			p.f.SetLineWidth(0.25)
			p.f.Line(x, base+0.9, x+t.w, base+0.9)
		}
		x += t.w
	}
}

// para writes a paragraph over the text width, breaking pages between lines; keep
// lines of what follows must fit with its first line (headings).
func (p *pdfDoc) para(runs []Run, st style, align string, indent, before, after float64, keep int) {
	lines := p.wrap(p.tokens(runs, st), pdfTextW, indent)
	lh := lineHeight(st.size)
	p.y += before * ptMM
	p.ensure(lh * float64(min(len(lines), 1+keep)+keep))
	for i, l := range lines {
		p.ensure(lh)
		x, w := pdfLeft, pdfTextW
		if i == 0 {
			x, w = x+indent, w-indent
		}
		p.drawLine(l, x, p.y, w, lh, align)
		p.y += lh
	}
	p.y += after * ptMM
}

// column is a box of lines centred in a column of the header or the closing.
type column struct {
	x, w  float64
	items []colItem
}

type colItem struct {
	lines []pdfLine
	lh    float64
	gap   float64 // space above, mm
	rule  float64 // a rule of this width (mm) under the previous line instead of text
	align string
}

// add puts text in the column; balanced spreads a long name over lines of even length
// (as text-wrap: balance does on the print page) instead of a full line and a stub.
func (c *column) add(p *pdfDoc, text string, st style, gap float64, balanced bool, align string) {
	text = strings.TrimSpace(clean(text))
	if text == "" {
		return
	}
	var lines []pdfLine
	for _, part := range strings.Split(text, "\n") {
		toks := p.tokens([]Run{{Text: part}}, st)
		if len(toks) == 0 {
			continue
		}
		ls := p.wrap(toks, c.w, 0)
		if balanced && len(ls) > 1 {
			ls = p.balance(toks, c.w, len(ls))
		}
		lines = append(lines, ls...)
	}
	c.items = append(c.items, colItem{lines: lines, lh: lineHeight(st.size), gap: gap * ptMM, align: align})
}

// balance returns the narrowest wrap of toks in at most n lines: a binary search on the
// width between the widest word and w.
func (p *pdfDoc) balance(toks []token, w float64, n int) []pdfLine {
	lo := 0.0
	for _, t := range toks {
		lo = max(lo, t.w)
	}
	hi := w
	best := p.wrap(toks, w, 0)
	for hi-lo > 0.5 {
		mid := (lo + hi) / 2
		if ls := p.wrap(toks, mid, 0); len(ls) <= n {
			best, hi = ls, mid
		} else {
			lo = mid
		}
	}
	return best
}

func (c *column) height() float64 {
	h := 0.0
	for _, it := range c.items {
		h += it.gap + it.lh*float64(len(it.lines))
		if it.rule > 0 {
			h += 1
		}
	}
	return h
}

// draw writes the column from y and returns its bottom.
func (c *column) draw(p *pdfDoc, y float64) float64 {
	for _, it := range c.items {
		y += it.gap
		if it.rule > 0 {
			p.f.SetLineWidth(0.25)
			p.f.Line(c.x+(c.w-it.rule)/2, y+0.3, c.x+(c.w+it.rule)/2, y+0.3)
			y++
			continue
		}
		for _, l := range it.lines {
			p.drawLine(l, c.x, y, c.w, it.lh, it.align)
			y += it.lh
		}
	}
	return y
}

// header writes the two columns of the header (issuing bodies; the Party's name or the
// national motto), then the number and the place and date, as the .docx does.
func (p *pdfDoc) header() {
	d := p.d
	sz := sizesOf(d.Family)
	leftW := pdfTextW * 4100 / float64(textWidth)
	if d.Family == State {
		leftW = pdfTextW * 3800 / float64(textWidth)
	}
	left := &column{x: pdfLeft, w: leftW}
	right := &column{x: pdfLeft + leftW, w: pdfTextW - leftW}
	pt := func(half int) float64 { return float64(half) / 2 }
	left.add(p, d.UpperBody, style{size: pt(sz.upper)}, 0, true, "C")
	left.add(p, d.Issuer, style{bold: true, size: pt(sz.upper)}, 0, true, "C")
	if d.Family == Party {
		left.add(p, "*", style{size: pt(sz.upper)}, 0, false, "C")
	} else {
		left.items = append(left.items, colItem{rule: leftW / 3})
	}
	m1, m2 := d.nation()
	right.add(p, m1, style{bold: true, underline: d.Family == Party, size: pt(sz.nation)}, 0, false, "C")
	if m2 != "" {
		right.add(p, m2, style{bold: true, underline: true, size: pt(sz.motto)}, 0, false, "C")
	}
	y := max(left.draw(p, p.y), right.draw(p, p.y))
	left, right = &column{x: pdfLeft, w: leftW}, &column{x: pdfLeft + leftW, w: pdfTextW - leftW}
	left.add(p, d.numberLine(), style{size: pt(sz.upper)}, 3, false, "C")
	left.add(p, d.aboutLine(), style{size: pt(sz.about)}, 3, true, "C")
	right.add(p, d.dateLine(), style{italic: true, size: pt(sz.date)}, 3, false, "C")
	p.y = max(left.draw(p, y), right.draw(p, y))
}

func (p *pdfDoc) title() {
	d := p.d
	sz := sizesOf(d.Family)
	t, s := strings.TrimSpace(d.Title), strings.TrimSpace(d.Subtitle)
	if t != "" {
		p.para([]Run{B(t)}, style{size: float64(sz.title) / 2}, "C", 0, 18, 0, 2)
	}
	if s != "" {
		p.para([]Run{B(s)}, style{size: 14}, "C", 0, 0, 0, 1)
	}
	switch {
	case t == "" && s == "": // a công văn: its "V/v" is in the header
		p.y += 12 * ptMM
	case d.Family == Party:
		p.para([]Run{R("-----")}, style{size: 14}, "C", 0, 0, 12, 0)
	default:
		p.f.SetLineWidth(0.25)
		p.f.Line(pdfLeft+(pdfTextW-30)/2, p.y+1, pdfLeft+(pdfTextW+30)/2, p.y+1)
		p.y += 1 + 12*ptMM
	}
}

func (p *pdfDoc) block(bl Block) {
	body := style{size: 14}
	switch bl.Kind {
	case KindHeading:
		st := style{bold: true, size: 14}
		if bl.Level >= 3 {
			st = style{italic: true, size: 14}
		}
		before := 3.0
		if bl.Level <= 1 {
			before = 6
		}
		p.para(bl.Runs, st, "J", pdfIndent, before, 3, 1)
	case KindBullet:
		p.para(bulletRuns(bl.Runs), body, "J", pdfIndent, 3, 3, 0)
	case KindTable:
		p.table(bl.Table)
	default:
		p.para(bl.Runs, body, "J", pdfIndent, 3, 3, 0)
	}
}

// Table cells: 13 pt, padding 2 pt above and below and 4 pt left and right.
const (
	cellSize = 13.0
	cellPadV = 2 * ptMM
	cellPadH = 4 * ptMM
)

type pdfCell struct {
	lines []pdfLine
	align string
}

// table writes a table with borders; a row that does not fit goes to the next page,
// under the header row again, and a row taller than a page is cut between its lines.
func (p *pdfDoc) table(t Table) {
	cols, header := t.columns()
	if len(cols) == 0 {
		return
	}
	ws := make([]float64, len(cols))
	for i, w := range widths(cols, textWidth) {
		ws[i] = pdfTextW * float64(w) / textWidth
	}
	lh := lineHeight(cellSize)
	mk := func(row []string, st style, center func(int) bool) []pdfCell {
		out := make([]pdfCell, len(cols))
		for i, text := range cells(row, len(cols)) {
			align := "L"
			if center(i) {
				align = "C"
			}
			out[i] = pdfCell{lines: p.wrap(p.tokens([]Run{R(text)}, st), max(ws[i]-2*cellPadH, 1), 0), align: align}
		}
		return out
	}
	var head []pdfCell
	if header {
		hs := make([]string, len(cols))
		for i, c := range cols {
			hs[i] = c.Header
		}
		head = mk(hs, style{bold: true, size: cellSize}, func(int) bool { return true })
	}
	p.y += 6 * ptMM
	drawHead := func() {
		if head != nil {
			p.row(head, ws, lh, 0, rowLines(head), true)
		}
	}
	headH := float64(rowLines(head))*lh + 2*cellPadV
	if head == nil {
		headH = 0
	}
	pageRoom := pdfPageH - pdfBottom - pdfTop - headH
	first := true
	for _, r := range t.Rows {
		c := mk(r, style{size: cellSize}, func(i int) bool { return cols[i].Center })
		n := rowLines(c)
		h := float64(n)*lh + 2*cellPadV
		switch {
		case first:
			// The header row never stands alone at the bottom of a page.
			p.ensure(headH + min(h, lh+2*cellPadV))
			drawHead()
			first = false
		case !p.room(h) && h <= pageRoom:
			p.newPage()
			drawHead()
		}
		fresh := false
		for from := 0; from < n; {
			fit := int((pdfPageH - pdfBottom - p.y - 2*cellPadV) / lh)
			if fit < 1 && !fresh {
				p.newPage()
				drawHead()
				fresh = true
				continue
			}
			k := min(max(fit, 1), n-from)
			p.row(c, ws, lh, from, from+k, false)
			from += k
			if from < n {
				p.newPage()
				drawHead()
				fresh = true
			}
		}
	}
	if first {
		p.ensure(headH)
		drawHead()
	}
	p.y += 6 * ptMM
}

func rowLines(c []pdfCell) int {
	n := 1
	for _, cell := range c {
		n = max(n, len(cell.lines))
	}
	return n
}

// row draws lines [from, to) of a row's cells with their borders; header cells are
// centred vertically.
func (p *pdfDoc) row(c []pdfCell, ws []float64, lh float64, from, to int, middle bool) {
	h := float64(to-from)*lh + 2*cellPadV
	x := pdfLeft
	p.f.SetLineWidth(0.2)
	for i, cell := range c {
		p.f.Rect(x, p.y, ws[i], h, "D")
		y := p.y + cellPadV
		if middle {
			y += float64(to-from-len(cell.lines)) * lh / 2
		}
		for j := from; j < to && j < len(cell.lines); j++ {
			p.drawLine(cell.lines[j], x+cellPadH, y, ws[i]-2*cellPadH, lh, cell.align)
			y += lh
		}
		x += ws[i]
	}
	p.y += h
}

// closing writes "Nơi nhận:" on the left and the signature on the right, kept together
// on one page.
func (p *pdfDoc) closing() {
	d := p.d
	sz := sizesOf(d.Family)
	leftW := pdfTextW * 4300 / float64(textWidth)
	left := &column{x: pdfLeft, w: leftW}
	right := &column{x: pdfLeft + leftW, w: pdfTextW - leftW}
	label := style{underline: true, size: float64(sz.recipientsLabel) / 2}
	if d.Family == State {
		label = style{bold: true, italic: true, size: float64(sz.recipientsLabel) / 2}
	}
	left.add(p, "Nơi nhận:", label, 12, false, "L")
	for _, r := range d.Recipients {
		left.add(p, recipientLine(r), style{size: float64(sz.recipients) / 2}, 0, false, "L")
	}
	s := d.Signature
	sign := style{bold: true, size: 14}
	gap := 12.0
	if on := strings.TrimSpace(s.On); on != "" {
		right.add(p, on, sign, gap, true, "C")
		gap = 0
	}
	right.add(p, s.Title, sign, gap, true, "C")
	right.add(p, s.Name, sign, 5*14*pdfLeading, false, "C")
	p.ensure(max(left.height(), right.height()))
	top := p.y
	p.y = max(left.draw(p, top), right.draw(p, top))
}
