package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"strings"
	"testing"
)

func TestWriteHTML(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleParty()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`<html lang="vi">`, "size: A4;", "margin: 20mm 15mm 20mm 30mm;", `"Times New Roman"`, "counter(page)",
		`<main class="party">`, `<p class="issuer">ĐẢNG ỦY SỞ TƯ PHÁP</p>`, `<p class="nation">ĐẢNG CỘNG SẢN VIỆT NAM</p>`,
		`<p class="number">Số 12-KH/ĐU</p>`, `<p class="date">Hà Nội, ngày 01 tháng 12 năm 2026</p>`,
		"<h1>KẾ HOẠCH</h1>", "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2>", "<h3>1. Mục đích</h3>",
		"<p>- <b>Chủ trì: </b>Ban Dân vận; <i>phối hợp: Công đoàn cơ sở.</i></p>",
		`<th scope="col">Nội dung nhiệm vụ</th>`, `<td class="c">1</td>`, "<td>Ban Dân vận</td>",
		"<p>T/M ĐẢNG ỦY</p><p>BÍ THƯ</p>", "<p>Nguyễn Thị Hương</p>", "<li>- Lưu VP.</li>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
}

func TestWriteHTMLState(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleState()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`<main class="state">`, `<p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>`,
		`<p class="motto">Độc lập - Tự do - Hạnh phúc</p>`, `<p class="number">Số: 12/BC-STP</p>`,
		"tỷ lệ 87,5% &amp; đúng hạn &lt;100%&gt;.", "<h4>a) Về hội nghị cán bộ, công chức</h4>", "<td>1.234</td>"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	if strings.Contains(out, "<thead>") {
		t.Error("a table without columns got a header row")
	}
}

// fuzzDoc puts s in every text of a document, wrapped in x so that no field is empty.
func fuzzDoc(s string) Document {
	s = "x" + s + "x"
	return Document{UpperBody: s, Issuer: s, Number: s, Place: s, Title: s, Subtitle: s,
		Blocks:     []Block{Heading(1, s), Paragraph(B(s), I(s), R(s)), Bullet(R(s)), TableBlock([]Column{{Header: s}}, [][]string{{s}})},
		Signature:  Signature{On: s, Title: s, Name: s},
		Recipients: []string{s},
	}
}

// FuzzWriteHTML checks that no input adds markup: the page has exactly the tags of the
// same page with plain text, and the text comes back when unescaped.
func FuzzWriteHTML(f *testing.F) {
	f.Add("<script>alert(1)</script>")
	f.Add("</p><p class=x>\x00\xff&amp;")
	f.Add("-")
	f.Fuzz(func(t *testing.T, s string) {
		var ref, got bytes.Buffer
		if err := WriteHTML(&ref, fuzzDoc("")); err != nil {
			t.Fatal(err)
		}
		if err := WriteHTML(&got, fuzzDoc(s)); err != nil {
			t.Fatal(err)
		}
		if a, b := strings.Count(ref.String(), "<"), strings.Count(got.String(), "<"); a != b {
			t.Fatalf("input %q changed the markup: %d tags instead of %d", s, b, a)
		}
		want := strings.TrimSpace(clean("x" + s + "x"))
		if !strings.Contains(html.UnescapeString(got.String()), want) {
			t.Fatalf("text %q not in the page", want)
		}
	})
}

// TestPrintCSP checks that the inline style sheet is exactly the one PrintCSP allows,
// so a browser applies it under that policy, and that the note shows on screen only.
func TestPrintCSP(t *testing.T) {
	d := sampleState()
	d.Note = "Máy chủ chưa tạo được PDF <ngay>."
	var buf bytes.Buffer
	if err := WriteHTML(&buf, d); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	a, b := strings.Index(out, "<style>"), strings.Index(out, "</style>")
	if a < 0 || b < a || strings.Count(out, "<style") != 1 {
		t.Fatal("no single inline style sheet")
	}
	sum := sha256.Sum256([]byte(out[a+len("<style>") : b]))
	if !strings.Contains(PrintCSP, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Errorf("PrintCSP %q does not allow the style sheet of the page", PrintCSP)
	}
	// The policy allows no script and no style attribute (they would need 'unsafe-hashes').
	if strings.Contains(out, "<script") || strings.Contains(out, ` style="`) {
		t.Error("the page has a script or a style attribute, which PrintCSP blocks")
	}
	if !strings.Contains(out, `<aside class="note" aria-label="Lưu ý">Máy chủ chưa tạo được PDF &lt;ngay&gt;.</aside>`) {
		t.Error("note missing or unescaped")
	}
}

func BenchmarkWriteHTML20Pages(b *testing.B) {
	d := longDocument(31)
	for b.Loop() {
		if err := WriteHTML(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
