package export

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"io"
	"strconv"
	"strings"
)

//go:embed print.html
var printHTML string

// printCSS is the style sheet of the print page, inlined so that the page stands alone
// (Chromium loads it from memory, a browser may save it as one file).
//
//go:embed print.css
var printCSS string

var printTemplate = template.Must(template.New("print").Parse(printHTML))

// PrintCSP is the Content-Security-Policy to send with a page of WriteHTML: no script,
// no request of any kind, and only its own inline style sheet (by hash).
var PrintCSP = func() string {
	sum := sha256.Sum256([]byte(printCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// WriteHTML writes d as a print-ready HTML page: A4 with the official margins, Times New
// Roman, the header, body, signature and page numbers of its family. Browsers print it
// as it is ("In" / "Lưu thành PDF"), and the Printer turns it into a PDF.
func WriteHTML(w io.Writer, d Document) error {
	return printTemplate.Execute(w, newHTMLView(&d))
}

type htmlView struct {
	CSS                                  template.CSS
	Note                                 string
	PageTitle                            string
	State                                bool
	Upper, Issuer, Nation, Motto         string
	Number, About, Date, Title, Subtitle string
	Blocks                               []htmlBlock
	Recipients                           []string
	SignOn, SignTitle, SignName          string
}

type htmlBlock struct {
	Kind   string // p, h1, h2, h3, table
	Runs   []Run
	Widths []string
	Header []string
	Rows   [][]htmlCell
}

type htmlCell struct {
	Text   string
	Center bool
}

func newHTMLView(d *Document) htmlView {
	c := func(s string) string { return strings.TrimSpace(clean(s)) }
	v := htmlView{
		CSS:       template.CSS(printCSS),
		Note:      strings.TrimSpace(clean(d.Note)),
		State:     d.Family == State,
		Upper:     c(d.UpperBody),
		Issuer:    c(d.Issuer),
		Number:    d.numberLine(),
		About:     d.aboutLine(),
		Date:      d.dateLine(),
		Title:     c(d.Title),
		Subtitle:  c(d.Subtitle),
		SignOn:    c(d.Signature.On),
		SignTitle: c(d.Signature.Title),
		SignName:  c(d.Signature.Name),
	}
	v.Nation, v.Motto = d.nation()
	v.PageTitle = strings.TrimSpace(v.Title + " " + v.Number)
	if v.Title == "" && v.About != "" { // a công văn is known by its subject
		v.PageTitle = v.Number + " " + v.About
	}
	if v.PageTitle == "" {
		v.PageTitle = "Văn bản"
	}
	for _, r := range d.Recipients {
		if line := recipientLine(r); line != "" {
			v.Recipients = append(v.Recipients, line)
		}
	}
	for _, bl := range d.Blocks {
		if bl.Kind == KindTable {
			if cols, _ := bl.Table.columns(); len(cols) == 0 {
				continue
			}
		}
		v.Blocks = append(v.Blocks, newHTMLBlock(bl))
	}
	return v
}

func newHTMLBlock(bl Block) htmlBlock {
	switch bl.Kind {
	case KindHeading:
		return htmlBlock{Kind: "h" + strconv.Itoa(min(max(bl.Level, 1), 3)), Runs: cleanRuns(bl.Runs)}
	case KindBullet:
		return htmlBlock{Kind: "p", Runs: cleanRuns(bulletRuns(bl.Runs))}
	case KindTable:
		cols, header := bl.Table.columns()
		hb := htmlBlock{Kind: "table"}
		for _, w := range widths(cols, 10000) {
			hb.Widths = append(hb.Widths, strconv.FormatFloat(float64(w)/100, 'f', 2, 64))
		}
		if header {
			for _, col := range cols {
				hb.Header = append(hb.Header, clean(col.Header))
			}
		}
		for _, row := range bl.Table.Rows {
			r := make([]htmlCell, len(cols))
			for i, cell := range cells(row, len(cols)) {
				r[i] = htmlCell{Text: strings.TrimSpace(clean(cell)), Center: cols[i].Center}
			}
			hb.Rows = append(hb.Rows, r)
		}
		return hb
	}
	return htmlBlock{Kind: "p", Runs: cleanRuns(bl.Runs)}
}

func cleanRuns(rs []Run) []Run {
	out := make([]Run, len(rs))
	for i, r := range rs {
		out[i] = Run{Text: clean(r.Text), Bold: r.Bold, Italic: r.Italic}
	}
	return out
}
