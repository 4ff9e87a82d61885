package export

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"danvan/internal/apperr"
)

// browserRequired makes a missing tool a failure rather than a skip (CI sets it).
var browserRequired = os.Getenv("DANVAN_TEST_BROWSER") == "1"

func need(t testing.TB, tool, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if browserRequired {
			t.Fatalf("%s is not installed (apt-get install -y %s) and DANVAN_TEST_BROWSER=1", tool, pkg)
		}
		t.Skipf("%s is not installed (apt-get install -y %s); set DANVAN_TEST_BROWSER=1 to make this a failure", tool, pkg)
	}
}

var (
	sharedPrinter = Printer{Browser: true}
)

// testPrinter returns one Printer for the whole test binary, as the application keeps one.
func testPrinter(t testing.TB) *Printer {
	t.Helper()
	need(t, "chromium", "chromium")
	return &sharedPrinter
}

func TestMain(m *testing.M) {
	code := m.Run()
	sharedPrinter.Close()
	os.Exit(code)
}

var pageObject = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// pages counts the pages of a PDF, with pdfinfo when it is there.
func pages(t testing.TB, pdf []byte) int {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 20)])
	}
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		cmd := exec.Command("pdfinfo", "-")
		cmd.Stdin = bytes.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("pdfinfo gave no page count: %s", out)
		}
		n, _ := strconv.Atoi(string(m[1]))
		if size := regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`).FindSubmatch(out); size != nil {
			if w, _ := strconv.ParseFloat(string(size[1]), 64); w < 594 || w > 597 {
				t.Errorf("page width %s pt, want A4 595 pt", size[1])
			}
		}
		return n
	}
	return len(pageObject.FindAll(pdf, -1))
}

func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	need(t, "pdftotext", "poppler-utils")
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestPDF(t *testing.T) {
	p := testPrinter(t)
	var buf bytes.Buffer
	if err := p.PDF(t.Context(), &buf, sampleParty()); err != nil {
		t.Fatal(err)
	}
	// The plan fills page 1; its signature block is kept whole on page 2.
	if n := pages(t, buf.Bytes()); n != 2 {
		t.Errorf("the sample plan has %d pages, want 2", n)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "ĐẢNG ỦY SỞ TƯ PHÁP", "Số 12-KH/ĐU", "Hà Nội, ngày 01 tháng 12 năm 2026",
		"KẾ HOẠCH", "Đăng ký mô hình “Dân vận khéo”", "T/M ĐẢNG ỦY", "Nguyễn Thị Hương"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text layer lacks %q:\n%s", want, text)
		}
	}
}

func TestPDFLongAndConcurrent(t *testing.T) {
	p := testPrinter(t)
	var wg sync.WaitGroup
	out := make([][]byte, 3)
	errs := make([]error, 3)
	for i := range out {
		wg.Go(func() {
			var buf bytes.Buffer
			errs[i] = p.PDF(t.Context(), &buf, longDocument(4+i))
			out[i] = buf.Bytes()
		})
	}
	wg.Wait()
	prev := 0
	for i := range out {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		n := pages(t, out[i])
		if n < 2 || n <= prev {
			t.Errorf("document %d has %d pages, want more than the shorter one (%d)", i, n, prev)
		}
		prev = n
	}
	// Page numbers: none on page 1, "2" alone at the foot of page 2.
	text := pdfText(t, out[0])
	pagesText := strings.Split(text, "\f")
	if len(pagesText) < 2 {
		t.Fatalf("pdftotext gave %d pages", len(pagesText))
	}
	lines := strings.Split(strings.TrimRight(pagesText[1], "\n "), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "2" {
		t.Errorf("last line of page 2 is %q, want the page number 2", last)
	}
	lines = strings.Split(strings.TrimRight(pagesText[0], "\n "), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last == "1" {
		t.Error("page 1 carries a page number")
	}
}

func TestPDFNoBrowser(t *testing.T) {
	p := &Printer{ExecPath: "/nonexistent/chromium", Browser: true}
	defer p.Close()
	err := p.PDF(context.Background(), io.Discard, sampleParty())
	if !errors.Is(err, ErrNoBrowser) {
		t.Fatalf("err = %v, want ErrNoBrowser", err)
	}
	if msg := apperr.MessageOf(err); !strings.Contains(msg, "Chromium") {
		t.Errorf("message for the user: %q", msg)
	}
	if errors.Is(apperr.New(apperr.Internal, "x", "y"), ErrNoBrowser) {
		t.Error("any internal error matches ErrNoBrowser")
	}
}

func TestPDFCanceled(t *testing.T) {
	p := testPrinter(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := p.PDF(ctx, io.Discard, sampleParty()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	// The browser is still usable after a canceled print.
	var buf bytes.Buffer
	if err := p.PDF(t.Context(), &buf, sampleState()); err != nil {
		t.Fatal(err)
	}
	if n := pages(t, buf.Bytes()); n != 1 {
		t.Errorf("the sample report has %d pages, want 1", n)
	}
}

func BenchmarkPDFOnePage(b *testing.B) {
	p := testPrinter(b)
	d := sampleState() // one A4 page: header, headings, a table, signature
	var buf bytes.Buffer
	if err := p.PDF(b.Context(), &buf, d); err != nil { // warm up: start the browser
		b.Fatal(err)
	}
	n := pages(b, buf.Bytes())
	for b.Loop() {
		if err := p.PDF(b.Context(), io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "pages")
}

func BenchmarkPDF20Pages(b *testing.B) {
	p := testPrinter(b)
	d := longDocument(31)
	var buf bytes.Buffer
	if err := p.PDF(b.Context(), &buf, d); err != nil {
		b.Fatal(err)
	}
	n := pages(b, buf.Bytes())
	for b.Loop() {
		if err := p.PDF(b.Context(), io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "pages")
}

// BenchmarkPDFHello prints a page with one word: the floor of any PDF on this machine,
// measured in the same run as the others.
func BenchmarkPDFHello(b *testing.B) {
	p := testPrinter(b)
	const html = `<!doctype html><html lang="vi"><title>x</title><p>Xin chào</p></html>`
	if err := p.HTMLToPDF(b.Context(), io.Discard, html); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := p.HTMLToPDF(b.Context(), io.Discard, html); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPDFReusesTabs checks that sequential prints share one open tab.
func TestPDFReusesTabs(t *testing.T) {
	p := testPrinter(t)
	p.Close() // start afresh: no idle tabs left by the other tests
	for range 3 {
		if err := p.PDF(t.Context(), io.Discard, sampleState()); err != nil {
			t.Fatal(err)
		}
	}
	p.mu.Lock()
	idle := len(p.idle)
	first := p.idle[0]
	p.mu.Unlock()
	if idle != 1 || first.uses != 3 {
		t.Errorf("%d idle tabs, the first used %d times; want one tab used 3 times", idle, first.uses)
	}
	p.Close()
	if err := p.PDF(t.Context(), io.Discard, sampleState()); err != nil {
		t.Fatalf("a print after Close does not start the browser again: %v", err)
	}
}

// TestScreenshot renders page 1 of the sample plan for the user guide
// (docs/screenshots/export-ke-hoach.png) when DANVAN_SCREENSHOTS=1.
func TestScreenshot(t *testing.T) {
	if os.Getenv("DANVAN_SCREENSHOTS") != "1" {
		t.Skip("set DANVAN_SCREENSHOTS=1 to write docs/screenshots/export-ke-hoach.png")
	}
	p := testPrinter(t)
	need(t, "pdftoppm", "poppler-utils")
	var buf bytes.Buffer
	if err := p.PDF(t.Context(), &buf, sampleParty()); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", "../../docs/screenshots/export-ke-hoach")
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
}

// TestPDFBrowserDied checks that a browser that went away (crashed, killed) is replaced
// by the next print instead of failing every print after it.
func TestPDFBrowserDied(t *testing.T) {
	p := testPrinter(t)
	if err := p.PDF(t.Context(), io.Discard, sampleState()); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	dead := p.browser
	p.stop() // the browser process ends, but the Printer was not told
	p.mu.Unlock()
	<-dead.Done()
	var buf bytes.Buffer
	if err := p.PDF(t.Context(), &buf, sampleState()); err != nil {
		t.Fatalf("print after the browser died: %v", err)
	}
	if n := pages(t, buf.Bytes()); n != 1 {
		t.Errorf("%d pages", n)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser == dead {
		t.Error("the dead browser is still the current one")
	}
}
