package docx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`

func build(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(t *testing.T, b []byte) ([]Paragraph, error) {
	t.Helper()
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestReadNumberingHeadingsBoldAndTables(t *testing.T) {
	doc := `<w:document ` + wordNS + `><w:body>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>QUY CHẾ</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Chương I</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>Phạm vi</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">Áp dụng </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>toàn cơ quan</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>cán bộ;</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>người lao động.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>Hiệu lực</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Nội dung</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Thời hạn</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Công khai</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>05 ngày</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>Dòng một</w:t><w:br/><w:t>Dòng hai</w:t></w:r></w:p>
</w:body></w:document>`
	numbering := `<w:numbering ` + wordNS + `>
<w:abstractNum w:abstractNumId="3">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
</w:abstractNum>
<w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>`
	ps, err := read(t, build(t, map[string]string{"word/document.xml": doc, "word/numbering.xml": numbering, "[Content_Types].xml": "<Types/>"}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"QUY CHẾ", "Chương I", "Điều 1. Phạm vi", "1. Áp dụng toàn cơ quan", "a) cán bộ;", "b) người lao động.", "Điều 2. Hiệu lực",
		"Nội dung | Thời hạn", "Công khai | 05 ngày", "Dòng một", "Dòng hai"}
	var got []string
	for _, p := range ps {
		got = append(got, p.Text)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("paragraphs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !ps[0].Heading || !ps[1].Heading || ps[3].Heading {
		t.Fatalf("headings %+v", ps[:4])
	}
	if !ps[2].Bold || ps[3].Bold {
		t.Fatalf("bold: %+v %+v", ps[2], ps[3])
	}
	if !ps[7].InTable || ps[9].InTable {
		t.Fatal("table rows not marked")
	}
	if txt := Text(ps); !strings.HasPrefix(txt, "QUY CHẾ\nChương I\nĐiều 1. Phạm vi\n") {
		t.Fatalf("text %q", txt)
	}
}

func TestReadRefusesWhatIsNotWord(t *testing.T) {
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 512)...)
	cases := map[string][]byte{
		"renamed exe":      exe,
		"empty":            {},
		"zip without word": build(t, map[string]string{"readme.txt": "Điều 1."}),
		"broken xml":       build(t, map[string]string{"word/document.xml": "<w:document " + wordNS + "><w:body><w:p>"}),
		"no body":          build(t, map[string]string{"word/document.xml": "<w:document " + wordNS + "></w:document>"}),
	}
	for name, b := range cases {
		if _, err := read(t, b); !errors.Is(err, ErrNotDocx) {
			t.Errorf("%s: %v, want ErrNotDocx", name, err)
		}
	}
}

func TestReadRefusesZipBombs(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("word/document.xml")
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	for i := 0; i < MaxDocumentSize>>20+2; i++ {
		_, _ = w.Write(chunk)
	}
	_ = zw.Close()
	if _, err := read(t, b.Bytes()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("bomb: %v", err)
	}
	// The same through a streamed entry (sizes only in the data descriptor).
	var lie bytes.Buffer
	zw = zip.NewWriter(&lie)
	fh := &zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate}
	w, _ = zw.CreateHeader(fh)
	for i := 0; i < MaxDocumentSize>>20+2; i++ {
		_, _ = w.Write(chunk)
	}
	_ = zw.Close()
	if _, err := read(t, lie.Bytes()); err == nil {
		t.Fatal("oversized document accepted")
	}
}

func FuzzRead(f *testing.F) {
	f.Add(build(f, map[string]string{"word/document.xml": `<w:document ` + wordNS + `><w:body><w:p><w:r><w:t>Điều 1. A</w:t></w:r></w:p></w:body></w:document>`}))
	f.Add(build(f, map[string]string{"word/document.xml": `<w:document ` + wordNS + `><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>`,
		"word/numbering.xml": `<w:numbering ` + wordNS + `><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="9"><w:lvlText w:val="%9%1"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`}))
	f.Add([]byte("MZ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrNotDocx) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error kind %v", err)
			}
			return
		}
		_ = Text(ps)
	})
}

// FuzzParseDocument drives the XML walk directly, where the fuzzer finds more than
// through zip framing.
func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(`<w:document `+wordNS+`><w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>A</w:t></w:r></w:p></w:body></w:document>`),
		[]byte(`<w:numbering `+wordNS+`><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="-5"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="Chương %1"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>`))
	f.Fuzz(func(t *testing.T, doc, num []byte) {
		ps, err := parseDocument(doc, parseNumbering(num))
		if err != nil && !errors.Is(err, ErrNotDocx) {
			t.Fatalf("unexpected error %v", err)
		}
		_ = Text(ps)
	})
}
