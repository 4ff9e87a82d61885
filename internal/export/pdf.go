package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"sync"
	"time"

	"danvan/internal/apperr"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoBrowser is returned (possibly wrapped) by the Printer when Chromium is not
// installed or does not start. Callers detect it with errors.Is and offer the
// print-ready HTML page (WriteHTML) instead.
var ErrNoBrowser = &apperr.Error{
	Kind:    apperr.Internal,
	Op:      "export.PDF",
	Message: "Máy chủ chưa cài trình duyệt Chromium nên chưa tạo được tệp PDF. Hãy mở bản in và chọn “In” → “Lưu thành PDF”.",
}

// browsers are the names looked up in PATH when Printer.ExecPath is empty.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Printer turns documents into PDF files with one long-lived headless Chromium, started
// on first use and shared by concurrent callers, each print in a tab of its own. The
// zero value is ready to use; Close stops the browser (a later print starts it again).
type Printer struct {
	ExecPath string        // the browser; empty looks up chromium, then google-chrome, in PATH
	MaxTabs  int           // prints at the same time; 0 means 4
	Timeout  time.Duration // per print when the context has no deadline; 0 means 30 s

	mu      sync.Mutex
	browser context.Context // the first tab; its cancel stops the browser
	stop    func()
	sem     chan struct{}
}

// PDF writes d as a PDF file: WriteHTML's page printed by Chromium on A4.
func (p *Printer) PDF(ctx context.Context, w io.Writer, d Document) error {
	var html bytes.Buffer
	if err := WriteHTML(&html, d); err != nil {
		return apperr.Wrap("export.PDF", err)
	}
	return p.HTMLToPDF(ctx, w, html.String())
}

// HTMLToPDF prints a whole HTML page to w. The page is loaded into about:blank with
// Page.setDocumentContent, never from the network; its @page rule sets paper and margins.
func (p *Printer) HTMLToPDF(ctx context.Context, w io.Writer, html string) error {
	browser, sem, err := p.start()
	if err != nil {
		return err
	}
	select {
	case sem <- struct{}{}:
		defer func() { <-sem }()
	case <-ctx.Done():
		return apperr.Wrap("export.PDF", ctx.Err())
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.timeout())
		defer cancel()
	}
	tab, closeTab := chromedp.NewContext(browser)
	defer closeTab()
	stopAfter := context.AfterFunc(ctx, closeTab)
	defer stopAfter()

	pdf, err := chromedp.Run(tab, func(c context.Context, t *chromedp.Target) ([]byte, error) {
		tree, err := cdp.Call(c, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		if _, err := cdp.Call(c, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html}); err != nil {
			return nil, err
		}
		if _, err := chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)(c, t); err != nil {
			return nil, err
		}
		return chromedp.PrintToPDF(
			chromedp.PDFPaper(chromedp.PaperA4),
			chromedp.PDFMargins(20/25.4, 15/25.4, 20/25.4, 30/25.4),
			chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFStream(),
		)(c, t)
	})
	if err != nil {
		if ctx.Err() != nil {
			return apperr.Wrap("export.PDF", ctx.Err())
		}
		if browser.Err() != nil {
			p.reset(browser) // the browser died: the next print starts a new one
		}
		return apperr.Wrap("export.PDF", err)
	}
	_, err = w.Write(pdf)
	return err
}

// start returns the running browser, starting it when needed.
func (p *Printer) start() (context.Context, chan struct{}, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != nil && p.browser.Err() == nil {
		return p.browser, p.sem, nil
	}
	path, err := p.lookPath()
	if err != nil {
		return nil, nil, &apperr.Error{Kind: ErrNoBrowser.Kind, Op: ErrNoBrowser.Op, Message: ErrNoBrowser.Message, Err: errors.Join(ErrNoBrowser, err)}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "vi-VN"),
	)
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// chromedp reports protocol oddities of fresh tabs (a DOM event before the frame is
	// known) through errorf; they are not failures of a print, so they go to the debug log.
	browser, stopBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, args ...any) {
		slog.Debug("export.PDF: chromium", "message", fmt.Sprintf(format, args...))
	}))
	// The first call starts the browser and binds it to the context it is given, so it
	// gets the browser's own context, not one with a deadline.
	if _, err := chromedp.Call(browser, page.GetFrameTree, cdp.Empty{}); err != nil {
		stopBrowser()
		stopAlloc()
		return nil, nil, &apperr.Error{Kind: ErrNoBrowser.Kind, Op: ErrNoBrowser.Op, Message: ErrNoBrowser.Message, Err: errors.Join(ErrNoBrowser, err)}
	}
	p.browser = browser
	p.stop = func() { stopBrowser(); stopAlloc() }
	if p.sem == nil {
		n := p.MaxTabs
		if n <= 0 {
			n = 4
		}
		p.sem = make(chan struct{}, n)
	}
	return p.browser, p.sem, nil
}

func (p *Printer) lookPath() (string, error) {
	if p.ExecPath != "" {
		return exec.LookPath(p.ExecPath)
	}
	var first error
	for _, name := range browsers {
		path, err := exec.LookPath(name)
		if err == nil {
			return path, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", first
}

func (p *Printer) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return 30 * time.Second
}

// reset forgets a browser that died, if it is still the current one.
func (p *Printer) reset(browser context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser == browser {
		p.stop()
		p.browser, p.stop = nil, nil
	}
}

// Close stops the browser, if it runs. Prints under way fail. A nil Printer is fine.
func (p *Printer) Close() error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		p.stop()
	}
	p.browser, p.stop = nil, nil
	return nil
}
