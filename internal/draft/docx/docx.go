// Package docx reads the text of a Word document (.docx, tệp Word) for a draft: the
// paragraphs of word/document.xml in order, with automatic numbering written out
// ("Điều 1." produced by Word's list numbering becomes text), headings and bold
// paragraphs kept as their own lines, and tables as one line per row with cells
// separated by " | ". It reads with archive/zip and encoding/xml only, and refuses files
// that are not Word documents or that would expand beyond the limits (zip bombs).
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits against hostile files.
const (
	MaxFiles        = 2000     // entries in the archive
	MaxDocumentSize = 40 << 20 // uncompressed word/document.xml
	MaxRatio        = 200      // uncompressed / compressed for document.xml
)

// Errors, each with a message for the user in the web layer.
var (
	ErrNotDocx  = errors.New("docx: not a Word document")
	ErrTooLarge = errors.New("docx: document too large when uncompressed")
)

// Paragraph is one line of the document.
type Paragraph struct {
	Text    string
	Style   string // style id, e.g. "Heading1"
	Bold    bool   // every run is bold
	Heading bool   // style is a heading or title
	InTable bool
}

// Read returns the paragraphs of the document in r.
func Read(r io.ReaderAt, size int64) ([]Paragraph, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, ErrNotDocx
	}
	if len(zr.File) > MaxFiles {
		return nil, ErrNotDocx
	}
	var doc, num *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			doc = f
		case "word/numbering.xml":
			num = f
		}
	}
	if doc == nil {
		return nil, ErrNotDocx
	}
	body, err := readLimited(doc)
	if err != nil {
		return nil, err
	}
	var numbering *numbering
	if num != nil {
		if nb, err := readLimited(num); err == nil {
			numbering = parseNumbering(nb)
		}
	}
	return parseDocument(body, numbering)
}

// Text joins the paragraphs with newlines.
func Text(ps []Paragraph) string {
	var b strings.Builder
	for _, p := range ps {
		if strings.TrimSpace(p.Text) == "" {
			continue
		}
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

func readLimited(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxDocumentSize {
		return nil, ErrTooLarge
	}
	if f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > MaxRatio && f.UncompressedSize64 > 1<<20 {
		return nil, ErrTooLarge
	}
	rc, err := f.Open()
	if err != nil {
		return nil, ErrNotDocx
	}
	defer rc.Close()
	// The header sizes can lie: count what is actually inflated.
	b, err := io.ReadAll(io.LimitReader(rc, MaxDocumentSize+1))
	if err != nil {
		return nil, ErrNotDocx
	}
	if len(b) > MaxDocumentSize {
		return nil, ErrTooLarge
	}
	return b, nil
}

const wns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// parseDocument walks the XML once, collecting paragraph text, run properties and
// table structure.
func parseDocument(b []byte, nb *numbering) ([]Paragraph, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var out []Paragraph
	var (
		inPara, inRun, inText, inRPr, inPPr bool
		para                                strings.Builder
		style                               string
		runBold, allBold, anyRun            bool
		numID, ilvl                         string
		tableDepth                          int
		row                                 []string
		cell                                strings.Builder
		inCell                              bool
	)
	counters := newCounters()
	sawBody := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, ErrNotDocx
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != wns {
				continue
			}
			switch t.Name.Local {
			case "body":
				sawBody = true
			case "tbl":
				tableDepth++
			case "tr":
				row = nil
			case "tc":
				inCell = true
				cell.Reset()
			case "p":
				inPara = true
				para.Reset()
				style, numID, ilvl = "", "", ""
				allBold, anyRun = true, false
			case "pPr":
				inPPr = true
			case "pStyle":
				if inPPr {
					style = attr(t, "val")
				}
			case "numId":
				if inPPr {
					numID = attr(t, "val")
				}
			case "ilvl":
				if inPPr {
					ilvl = attr(t, "val")
				}
			case "r":
				inRun = true
				runBold = false
			case "rPr":
				inRPr = true
			case "b":
				if inRPr && inRun {
					v := attr(t, "val")
					runBold = v == "" || v == "1" || v == "true" || v == "on"
				}
			case "t":
				inText = true
			case "tab":
				if inRun {
					para.WriteByte(' ')
				}
			case "br", "cr":
				if inRun {
					para.WriteByte('\n')
				}
			}
		case xml.EndElement:
			if t.Name.Space != wns {
				continue
			}
			switch t.Name.Local {
			case "pPr":
				inPPr = false
			case "rPr":
				inRPr = false
			case "t":
				inText = false
			case "r":
				inRun = false
			case "p":
				inPara = false
				text := para.String()
				if strings.TrimSpace(text) != "" {
					if numID != "" && numID != "0" && nb != nil {
						text = counters.prefix(nb, numID, ilvl) + text
					}
				}
				if tableDepth > 0 && inCell {
					if cell.Len() > 0 {
						cell.WriteByte(' ')
					}
					cell.WriteString(strings.TrimSpace(strings.ReplaceAll(text, "\n", " ")))
					continue
				}
				heading := strings.HasPrefix(strings.ToLower(style), "heading") || strings.EqualFold(style, "Title")
				for _, line := range strings.Split(text, "\n") {
					out = append(out, Paragraph{Text: line, Style: style, Bold: anyRun && allBold, Heading: heading})
				}
			case "tc":
				inCell = false
				row = append(row, strings.TrimSpace(cell.String()))
			case "tr":
				if tableDepth > 0 {
					out = append(out, Paragraph{Text: strings.Join(row, " | "), InTable: true})
				}
			case "tbl":
				tableDepth--
			}
		case xml.CharData:
			if inPara && inRun && inText {
				para.Write(t)
				if strings.TrimSpace(string(t)) != "" {
					anyRun = true
					if !runBold {
						allBold = false
					}
				}
			}
		}
	}
	if !sawBody {
		return nil, ErrNotDocx
	}
	return out, nil
}

// numbering holds, per numId, the level formats of its abstract numbering.
type numbering struct {
	levels map[string]map[string]level // numId -> ilvl -> level
}

type level struct {
	format string // decimal, lowerLetter, upperRoman, …
	text   string // "Điều %1.", "%1.", "%2)"
	start  int
}

func parseNumbering(b []byte) *numbering {
	dec := xml.NewDecoder(bytes.NewReader(b))
	abstract := map[string]map[string]level{}
	numToAbs := map[string]string{}
	var curAbs, curNum, curLvl string
	var lv level
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "abstractNum":
				curAbs = attr(t, "abstractNumId")
				abstract[curAbs] = map[string]level{}
			case "lvl":
				curLvl = attr(t, "ilvl")
				lv = level{format: "decimal", start: 1}
			case "numFmt":
				if curLvl != "" {
					lv.format = attr(t, "val")
				}
			case "lvlText":
				if curLvl != "" {
					lv.text = attr(t, "val")
				}
			case "start":
				if curLvl != "" {
					lv.start, _ = strconv.Atoi(attr(t, "val"))
				}
			case "num":
				curNum = attr(t, "numId")
			case "abstractNumId":
				if curNum != "" {
					numToAbs[curNum] = attr(t, "val")
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "lvl":
				if curAbs != "" && abstract[curAbs] != nil {
					abstract[curAbs][curLvl] = lv
				}
				curLvl = ""
			case "abstractNum":
				curAbs = ""
			case "num":
				curNum = ""
			}
		}
	}
	n := &numbering{levels: map[string]map[string]level{}}
	for num, abs := range numToAbs {
		n.levels[num] = abstract[abs]
	}
	return n
}

type counters struct {
	n map[string][]int // numId -> count per level
}

func newCounters() *counters { return &counters{n: map[string][]int{}} }

// prefix advances the counter of (numID, ilvl) and returns the rendered label plus a space.
func (c *counters) prefix(nb *numbering, numID, ilvl string) string {
	lvls := nb.levels[numID]
	if lvls == nil {
		return ""
	}
	l, _ := strconv.Atoi(ilvl)
	if l < 0 || l > 8 {
		return ""
	}
	cs := c.n[numID]
	if cs == nil {
		cs = make([]int, 9)
		c.n[numID] = cs
	}
	cs[l]++
	for i := l + 1; i < 9; i++ {
		cs[i] = 0
	}
	lv, ok := lvls[strconv.Itoa(l)]
	if !ok || lv.format == "bullet" || lv.format == "none" {
		return ""
	}
	text := lv.text
	for i := 0; i <= l; i++ {
		li := lvls[strconv.Itoa(i)]
		v := cs[i] + li.start - 1
		if cs[i] == 0 {
			v = li.start
		}
		text = strings.ReplaceAll(text, "%"+strconv.Itoa(i+1), formatNumber(v, li.format))
	}
	if text == "" {
		return ""
	}
	return text + " "
}

func formatNumber(n int, format string) string {
	switch format {
	case "lowerLetter":
		return letter(n)
	case "upperLetter":
		return strings.ToUpper(letter(n))
	case "upperRoman":
		return roman(n)
	case "lowerRoman":
		return strings.ToLower(roman(n))
	}
	return strconv.Itoa(n)
}

// letter uses the Vietnamese legal alphabet for points: a b c d đ e g h i k l m n o p q r s t u v x y.
func letter(n int) string {
	const alpha = "a b c d đ e g h i k l m n o p q r s t u v x y"
	ls := strings.Fields(alpha)
	if n >= 1 && n <= len(ls) {
		return ls[n-1]
	}
	return fmt.Sprint(n)
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
