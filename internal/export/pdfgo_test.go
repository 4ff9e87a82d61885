package export

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// needPoppler skips a test that reads a PDF when poppler-utils is missing, except on CI
// (CI=true), where .ci/run installs it and a skip would hide a broken PDF.
func needPoppler(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdffonts"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed (apt-get install -y poppler-utils) and CI=true", tool)
			}
			t.Skipf("%s is not installed (apt-get install -y poppler-utils): the PDF cannot be read", tool)
		}
	}
}

func writePDF(t testing.TB, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfPages returns the text of each page (pdftotext separates pages with a form feed).
func pdfPages(t testing.TB, pdf []byte) []string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
}

func TestWritePDFVietnamese(t *testing.T) {
	needPoppler(t)
	d := sampleParty()
	marks := "Nghị quyết hội nghị cán bộ, công chức, viên chức; Đảng ủy; ữ ỷ ẵ ặ"
	d.Blocks = append(d.Blocks, Text(marks), Text("ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ý ỳ ỷ ỹ ỵ đ Đ Ơ Ư"))
	pdf := writePDF(t, d)
	if n := pages(t, pdf); n < 1 || n > 2 {
		t.Errorf("%d pages, want 1 or 2", n)
	}
	text := strings.Join(strings.Fields(strings.Join(pdfPages(t, pdf), " ")), " ")
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TƯ PHÁP", "Số 12-KH/ĐU",
		"Hà Nội, ngày 01 tháng 12 năm 2026", "KẾ HOẠCH", "Thực hiện công tác dân vận năm 2027", "I. MỤC ĐÍCH, YÊU CẦU",
		"- Bám sát chủ trương", "Chủ trì: Ban Dân vận; phối hợp: Công đoàn cơ sở.", "Đăng ký mô hình “Dân vận khéo” năm 2027",
		"T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Thị Hương", "Nơi nhận:", "- Lưu VP.", marks} {
		if !strings.Contains(text, want) {
			t.Errorf("the text layer lacks %q:\n%s", want, text)
		}
	}
	// pdftotext joins one-letter words; the letters themselves must all be there.
	if !strings.Contains(strings.ReplaceAll(text, " ", ""), "ắằẳẵặấầẩẫậếềểễệốồổỗộớờởỡợứừửữựýỳỷỹỵđĐƠƯ") {
		t.Errorf("the text layer lacks some toned letters:\n%s", text)
	}
	// Every font is embedded (a subset), none left to the reader's machine.
	cmd := exec.Command("pdffonts", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")[2:]
	if len(lines) < 3 { // regular, bold, italic at least
		t.Fatalf("pdffonts lists %d fonts:\n%s", len(lines), out)
	}
	for _, l := range lines {
		f := strings.Fields(l)
		// name type encoding emb sub uni object ID
		if !strings.Contains(strings.ToLower(f[0]), "liberationserif") || len(f) < 7 || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
			t.Errorf("font not embedded with a ToUnicode map: %s", l)
		}
	}
}

func TestWritePDFState(t *testing.T) {
	needPoppler(t)
	for name, d := range map[string]Document{"report": sampleState(), "letter": sampleLetter()} {
		text := strings.Join(strings.Fields(strings.Join(pdfPages(t, writePDF(t, d)), " ")), " ")
		for _, want := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ TƯ PHÁP", "KT. GIÁM ĐỐC", "Trần Văn Bình", "Lưu: VT, VP."} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the text layer lacks %q:\n%s", name, want, text)
			}
		}
	}
}

// A long table goes over pages with its header row on each, and the pages from the
// second on carry their number at the top.
func TestWritePDFLongTable(t *testing.T) {
	needPoppler(t)
	d := sampleState()
	var rows [][]string
	for i := 1; i <= 120; i++ {
		rows = append(rows, []string{fmt.Sprint(i), fmt.Sprintf("Nhiệm vụ thứ %d của chi bộ", i), "Ban Dân vận"})
	}
	d.Blocks = []Block{TableBlock([]Column{{Header: "STT", Width: 1, Center: true}, {Header: "Nội dung nhiệm vụ", Width: 6}, {Header: "Đơn vị chủ trì", Width: 3}}, rows)}
	pdf := writePDF(t, d)
	n := pages(t, pdf)
	if n < 3 {
		t.Fatalf("120 rows take %d pages, want 3 or more", n)
	}
	texts := pdfPages(t, pdf)
	if len(texts) != n {
		t.Fatalf("pdftotext gives %d pages, pdfinfo %d", len(texts), n)
	}
	seen := map[string]bool{}
	for i, page := range texts {
		if !strings.Contains(page, "Nội dung nhiệm vụ") {
			t.Errorf("page %d lacks the header row", i+1)
		}
		first := strings.Fields(page)[0]
		if i == 0 && first == "1" {
			t.Errorf("page 1 carries a number")
		}
		if i > 0 && first != fmt.Sprint(i+1) {
			t.Errorf("page %d starts with %q, want its number", i+1, first)
		}
		for _, m := range regexp.MustCompile(`Nhiệm vụ thứ (\d+) `).FindAllStringSubmatch(page, -1) {
			seen[m[1]] = true
		}
	}
	if len(seen) != 120 {
		t.Errorf("%d of 120 rows in the text", len(seen))
	}
}

// A long issuer name is spread over balanced lines within its column.
func TestWritePDFLongIssuer(t *testing.T) {
	needPoppler(t)
	d := sampleParty()
	d.UpperBody = "ĐẢNG BỘ KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH BẮC NINH NHIỆM KỲ MỚI"
	d.Issuer = "ĐẢNG ỦY TRUNG TÂM PHÁT TRIỂN QUỸ ĐẤT VÀ CỤM CÔNG NGHIỆP HUYỆN LƯƠNG TÀI"
	p := newPDFDoc(&d)
	c := &column{w: pdfTextW * 4100 / float64(textWidth)}
	c.add(p, d.Issuer, style{bold: true, size: 14}, 0, true, "C")
	ls := c.items[0].lines
	if len(ls) < 2 {
		t.Fatalf("%d lines", len(ls))
	}
	for _, l := range ls {
		if l.natural > c.w {
			t.Errorf("line %.1f mm wider than the column %.1f mm", l.natural, c.w)
		}
	}
	if a, b := ls[0].natural, ls[len(ls)-1].natural; b < a*0.6 {
		t.Errorf("unbalanced: %.1f mm then %.1f mm", a, b)
	}
	text := strings.Join(strings.Fields(strings.Join(pdfPages(t, writePDF(t, d)), " ")), " ")
	if !strings.Contains(text, "LƯƠNG TÀI") || !strings.Contains(text, "NHIỆM KỲ MỚI") {
		t.Errorf("long names lost:\n%s", text)
	}
}

func FuzzWritePDF(f *testing.F) {
	f.Add("ĐẢNG ỦY", "KẾ HOẠCH", "Nghị quyết\nđoạn", "ô", "Nguyễn")
	f.Add("", "", "", "", "")
	f.Add(strings.Repeat("X", 500), "\x00\xff", strings.Repeat("dài ", 3000), strings.Repeat("W", 400), "\t\r\n")
	f.Fuzz(func(t *testing.T, issuer, title, body, cell, name string) {
		d := Document{Family: Family(len(name) % 2), UpperBody: issuer, Issuer: issuer, Number: title, Title: title, Subtitle: body, About: cell,
			Blocks: []Block{Text(body), Heading(len(cell)%4, title), Bullet(R(cell), B(body)),
				TableBlock([]Column{{Header: cell}, {Header: title, Width: -1}}, [][]string{{cell, body}, {body}, {cell, cell, cell}}),
				TableBlock(nil, [][]string{{body}})},
			Signature: Signature{On: title, Title: issuer, Name: name}, Recipients: []string{cell, name}}
		var buf bytes.Buffer
		if err := WritePDF(&buf, d); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(buf.Bytes()), []byte("%%EOF")) {
			t.Fatalf("not a whole PDF: %q … %q", buf.Bytes()[:min(buf.Len(), 10)], buf.Bytes()[max(buf.Len()-10, 0):])
		}
	})
}

func BenchmarkWritePDF(b *testing.B) {
	for name, d := range map[string]Document{"1page": sampleState(), "20pages": longDocument(31)} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := WritePDF(&bytes.Buffer{}, d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
