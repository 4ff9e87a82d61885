package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danvan/internal/calendar"
	"danvan/internal/draft/docx"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestDocumentXMLGolden(t *testing.T) {
	for name, d := range map[string]Document{"party": sampleParty(), "state": sampleState(), "letter": sampleLetter()} {
		t.Run(name, func(t *testing.T) {
			got := DocumentXML(d)
			path := filepath.Join("testdata", name+".document.xml.golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/export/ -run Golden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("document.xml differs from %s; run with -update and review the diff.\ngot:\n%s", path, got)
			}
		})
	}
}

// unzip returns the parts of a .docx, checking that each is well-formed XML.
func unzip(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := wellFormed(data); err != nil {
			t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
		}
		parts[f.Name] = data
	}
	return parts
}

func wellFormed(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// paragraphs returns the text of each w:p of document.xml, and the bold and
// underlined pieces.
func paragraphs(t testing.TB, doc []byte) (paras []string, bold, underlined map[string]bool) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	bold, underlined = map[string]bool{}, map[string]bool{}
	var cur strings.Builder
	var inT, b, u bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "p":
				cur.Reset()
			case "r":
				b, u = false, false
			case "b":
				b = true
			case "u":
				u = true
			case "t":
				inT = true
			case "br":
				cur.WriteByte('\n')
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inT = false
			case "p":
				paras = append(paras, cur.String())
			}
		case xml.CharData:
			if inT {
				cur.Write(e)
				if b {
					bold[string(e)] = true
				}
				if u {
					underlined[string(e)] = true
				}
			}
		}
	}
}

func TestWriteDOCXOpens(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sampleParty()); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, buf.Bytes())
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml", "word/settings.xml", "word/footer1.xml", "docProps/core.xml"} {
		if parts[name] == nil {
			t.Errorf("missing part %s", name)
		}
	}
	styles := string(parts["word/styles.xml"])
	if !strings.Contains(styles, `w:ascii="Times New Roman"`) || !strings.Contains(styles, `<w:sz w:val="28"/>`) {
		t.Error("styles.xml does not set Times New Roman 14 pt")
	}
	doc := string(parts["word/document.xml"])
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="1134"`, `w:bottom="1134"`, `w:left="1701"`, `w:right="851"`, `r:id="rIdFooter1"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	if core := string(parts["docProps/core.xml"]); !strings.Contains(core, "<dc:title>KẾ HOẠCH Số 12-KH/ĐU</dc:title>") || !strings.Contains(core, "<dc:creator>ĐẢNG ỦY SỞ TƯ PHÁP</dc:creator>") {
		t.Errorf("core properties: %s", core)
	}
	if !strings.Contains(string(parts["word/footer1.xml"]), "PAGE") {
		t.Error("footer has no page number field")
	}
	paras, bold, underlined := paragraphs(t, parts["word/document.xml"])
	has := map[string]bool{}
	for _, p := range paras {
		has[p] = true
	}
	for _, want := range []string{
		"ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TƯ PHÁP", "*", "Số 12-KH/ĐU", "ĐẢNG CỘNG SẢN VIỆT NAM",
		"Hà Nội, ngày 01 tháng 12 năm 2026", "KẾ HOẠCH", "Thực hiện công tác dân vận năm 2027",
		"I. MỤC ĐÍCH, YÊU CẦU", "- Chủ trì: Ban Dân vận; phối hợp: Công đoàn cơ sở.",
		"STT", "Nội dung nhiệm vụ", "Đăng ký mô hình “Dân vận khéo” năm 2027", "28/02/2027",
		"T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Thị Hương", "Nơi nhận:", "- Lưu VP.",
	} {
		if !has[want] {
			t.Errorf("no paragraph %q in document.xml", want)
		}
	}
	for _, want := range []string{"ĐẢNG ỦY SỞ TƯ PHÁP", "ĐẢNG CỘNG SẢN VIỆT NAM", "STT", "T/M ĐẢNG ỦY", "Nguyễn Thị Hương", "Chủ trì: "} {
		if !bold[want] {
			t.Errorf("%q is not bold", want)
		}
	}
	if !underlined["ĐẢNG CỘNG SẢN VIỆT NAM"] {
		t.Error("ĐẢNG CỘNG SẢN VIỆT NAM is not underlined")
	}
	if bold["Ban Dân vận; "] {
		t.Error("a plain run came out bold")
	}
}

func TestWriteDOCXState(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sampleState()); err != nil {
		t.Fatal(err)
	}
	paras, _, underlined := paragraphs(t, unzip(t, buf.Bytes())["word/document.xml"])
	text := strings.Join(paras, "\n")
	for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/BC-STP", "Bắc Ninh, ngày 05 tháng 02 năm 2027",
		"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Bình", "tỷ lệ 87,5% & đúng hạn <100%>."} {
		if !strings.Contains(text, want) {
			t.Errorf("state document lacks %q", want)
		}
	}
	if strings.Contains(text, "ĐẢNG CỘNG SẢN") || strings.Contains(text, "Số Số") {
		t.Error("state document has Party header or a doubled Số")
	}
	if !underlined["Độc lập - Tự do - Hạnh phúc"] {
		t.Error("the motto is not underlined")
	}
}

func TestWriteDOCXLetter(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sampleLetter()); err != nil {
		t.Fatal(err)
	}
	paras, _, _ := paragraphs(t, unzip(t, buf.Bytes())["word/document.xml"])
	text := strings.Join(paras, "\n")
	if !strings.Contains(text, "Số: 45/STP-VP\nV/v chuyển đơn của công dân\n") || strings.Contains(text, "-----") {
		t.Errorf("letter header: %q", text)
	}
	var h bytes.Buffer
	if err := WriteHTML(&h, sampleLetter()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.String(), "<title>Số: 45/STP-VP V/v chuyển đơn của công dân</title>") {
		t.Error("letter print page title")
	}
	if !strings.Contains(h.String(), `<p class="about">V/v chuyển đơn của công dân</p>`) || strings.Contains(h.String(), "<h1>") {
		t.Error("letter print page lacks its V/v line or has a title")
	}
}

// TestDOCXReadsBack opens the file with the project's own reader of uploaded drafts.
func TestDOCXReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sampleParty()); err != nil {
		t.Fatal(err)
	}
	ps, err := docx.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var headings, rows []string
	for _, p := range ps {
		if p.Heading {
			headings = append(headings, p.Text)
		}
		if p.InTable {
			rows = append(rows, p.Text)
		}
	}
	if strings.Join(headings, "|") != "KẾ HOẠCH|I. MỤC ĐÍCH, YÊU CẦU|1. Mục đích|2. Yêu cầu|II. NHIỆM VỤ CỤ THỂ|III. TỔ CHỨC THỰC HIỆN" {
		t.Errorf("headings read back: %q", headings)
	}
	want := "1 | Tổ chức hội nghị quán triệt Kết luận số 114-KL/TW về công tác dân vận | Ban Dân vận | Các chi bộ | 15/01/2027"
	found := false
	for _, r := range rows {
		found = found || r == want
	}
	if !found {
		t.Errorf("table row %q not read back; rows: %q", want, rows)
	}
}

func TestCleanText(t *testing.T) {
	d := Document{
		Issuer: "A\x00B\x1bC\xffD\uFFFEE\u0085F\r\nG",
		Title:  "Ke\u0302\u0301 hoa\u0323ch", // decomposed: must come out NFC
		Blocks: []Block{Text(`<w:t>"x" & 'y'</w:t>`), Text("dòng 1\ndòng 2\tcột")},
	}
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	paras, _, _ := paragraphs(t, unzip(t, buf.Bytes())["word/document.xml"])
	text := strings.Join(paras, "|")
	for _, want := range []string{"ABCDEF\nG", "Kế hoạch", `<w:t>"x" & 'y'</w:t>`, "dòng 1\ndòng 2cột"} {
		if !strings.Contains(text, want) {
			t.Errorf("lost or mangled %q in %q", want, text)
		}
	}
}

func TestDateAndNumberLines(t *testing.T) {
	cases := []struct {
		d    Document
		date string
		num  string
	}{
		{Document{Place: "Hà Nội", Date: calendar.NewDate(2026, time.December, 1), Number: "12-KH/ĐU"}, "Hà Nội, ngày 01 tháng 12 năm 2026", "Số 12-KH/ĐU"},
		{Document{Place: "Huế", Date: calendar.NewDate(2027, time.February, 9), Number: "Số 3-NQ/ĐU"}, "Huế, ngày 09 tháng 02 năm 2027", "Số 3-NQ/ĐU"},
		{Document{Family: State, Date: calendar.NewDate(2027, time.March, 15), Number: "7/QĐ-UBND"}, "Ngày 15 tháng 3 năm 2027", "Số: 7/QĐ-UBND"},
		{Document{Family: State, Place: "Đà Nẵng", Number: "Số:  /TB-STP"}, "Đà Nẵng, ngày      tháng      năm      ", "Số: /TB-STP"},
		{Document{}, "Ngày      tháng      năm      ", ""},
	}
	for _, c := range cases {
		if got := c.d.dateLine(); got != c.date {
			t.Errorf("dateLine = %q, want %q", got, c.date)
		}
		if got := c.d.numberLine(); got != c.num {
			t.Errorf("numberLine(%q) = %q, want %q", c.d.Number, got, c.num)
		}
	}
}

func TestWidths(t *testing.T) {
	ws := widths([]Column{{Width: 1}, {Width: 3}, {}}, 1000)
	if ws[0] != 200 || ws[1] != 600 || ws[2] != 200 {
		t.Errorf("widths = %v", ws)
	}
}

func FuzzWriteDOCX(f *testing.F) {
	f.Add("ĐẢNG ỦY", "<&>\"'", "a\x00b\xff\n\t")
	f.Add("", "]]>", "\uFFFE\U0010FFFF")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		d := Document{Family: Family(len(a) % 2), UpperBody: a, Issuer: b, Number: c, Place: a, Title: b, Subtitle: c,
			Blocks:     []Block{Heading(len(c), a), Paragraph(B(b), I(c)), Bullet(R(a)), TableBlock([]Column{{Header: a, Width: float64(len(b))}}, [][]string{{b, c}, {}})},
			Signature:  Signature{On: a, Title: b, Name: c},
			Recipients: []string{a, b, c},
		}
		var buf bytes.Buffer
		if err := WriteDOCX(&buf, d); err != nil {
			t.Fatal(err)
		}
		parts := unzip(t, buf.Bytes())
		paras, _, _ := paragraphs(t, parts["word/document.xml"])
		text := strings.Join(paras, "")
		for _, s := range []string{a, b, c} {
			for _, line := range strings.Split(strings.ReplaceAll(clean(s), "\t", ""), "\n") {
				if !strings.Contains(text, strings.TrimSpace(line)) {
					t.Fatalf("text %q lost", line)
				}
			}
		}
	})
}

func BenchmarkWriteDOCX20Pages(b *testing.B) {
	d := longDocument(31) // 20 A4 pages, as in BenchmarkPDF20Pages
	for b.Loop() {
		if err := WriteDOCX(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDOCXInLibreOffice converts the .docx to PDF with LibreOffice, when it is installed
// (it is not required: apt-get install libreoffice-writer-nogui), and reads the text back:
// a second, independent reader of the file that lays it out like a word processor.
func TestDOCXInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice is not installed (optional: apt-get install -y libreoffice-writer-nogui)")
	}
	need(t, "pdftotext", "poppler-utils")
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, sampleParty()); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "ke-hoach.docx")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "ke-hoach.pdf"))
	if err != nil {
		t.Fatalf("LibreOffice made no PDF: %v", err)
	}
	if n := pages(t, pdf); n != 2 {
		t.Errorf("LibreOffice lays the plan out on %d pages, want 2 as Chromium does", n)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-KH/ĐU", "Hà Nội, ngày 01 tháng 12 năm 2026", "Nội dung nhiệm vụ", "T/M ĐẢNG ỦY", "Nguyễn Thị Hương"} {
		if !strings.Contains(text, want) {
			t.Errorf("LibreOffice's PDF lacks %q", want)
		}
	}
}
