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
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ErrNoBrowser is returned (possibly wrapped) by HTMLToPDF, and by PDF when the Printer
// is told to use the browser, when Chromium is not installed or does not start.
var ErrNoBrowser = &apperr.Error{
	Kind:    apperr.Internal,
	Op:      "export.PDF",
	Message: "Máy chủ chưa cài trình duyệt Chromium nên chưa tạo được tệp PDF. Hãy mở bản in và chọn “In” → “Lưu thành PDF”.",
}

// browsers are the names looked up in PATH when Printer.ExecPath is empty.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Printer turns documents into PDF files. By default PDF writes them in Go (WritePDF),
// which needs nothing installed and takes milliseconds; with Browser set, and always for
// HTMLToPDF, it prints with one long-lived headless Chromium, started on first use and
// shared by concurrent callers, each print in a tab of its own. The zero value is ready
// to use; Close stops the browser (a later print starts it again).
type Printer struct {
	Browser  bool          // PDF prints WriteHTML's page with Chromium instead of WritePDF
	ExecPath string        // the browser; empty looks up chromium, then google-chrome, in PATH
	MaxTabs  int           // prints at the same time; 0 means 4
	Timeout  time.Duration // per print when the context has no deadline; 0 means 30 s

	mu      sync.Mutex
	browser context.Context // the first tab; its cancel stops the browser
	stop    func()
	sem     chan struct{}
	idle    []*tab // open tabs waiting for a print
}

// PDF writes d as a PDF file: WritePDF, or WriteHTML's page printed by Chromium on A4
// when p.Browser is set. A nil Printer writes in Go.
func (p *Printer) PDF(ctx context.Context, w io.Writer, d Document) error {
	if p == nil || !p.Browser {
		if err := ctx.Err(); err != nil {
			return apperr.Wrap("export.PDF", err)
		}
		return WritePDF(w, d)
	}
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
	t, err := p.takeTab(ctx, browser)
	if err != nil {
		if ctx.Err() == nil && browser.Err() != nil {
			p.reset(browser)
		}
		return apperr.Wrap("export.PDF", err)
	}
	// The print runs in a context of the tab that ends with the caller's.
	run, cancelRun := context.WithCancel(t.ctx)
	defer cancelRun()
	stopAfter := context.AfterFunc(ctx, cancelRun)
	defer stopAfter()

	pdf, err := chromedp.Run(run, printPage(html))
	if err != nil {
		t.close() // a tab in an unknown state is not reused
		if ctx.Err() != nil {
			return apperr.Wrap("export.PDF", ctx.Err())
		}
		if browser.Err() != nil {
			p.reset(browser) // the browser died: the next print starts a new one
		}
		return apperr.Wrap("export.PDF", err)
	}
	p.putTab(browser, t)
	_, err = w.Write(pdf)
	return err
}

// printPage loads html into the tab's frame, waits for its fonts and prints it.
func printPage(html string) chromedp.Action[[]byte] {
	return func(c context.Context, t *chromedp.Target) ([]byte, error) {
		tree, err := cdp.Call(c, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		if _, err := cdp.Call(c, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html}); err != nil {
			return nil, err
		}
		// Straight Runtime.evaluate in the page's current context: chromedp's Evaluate
		// waits for the execution context it tracks, which a reused tab no longer has.
		yes := true
		res, err := cdp.Call(c, t, runtime.Evaluate, runtime.EvaluateParams{Expression: `document.fonts.ready.then(() => true)`, AwaitPromise: &yes, ReturnByValue: &yes})
		if err != nil {
			return nil, err
		}
		if res.ExceptionDetails != nil {
			return nil, fmt.Errorf("waiting for the fonts: %s", res.ExceptionDetails.Text)
		}
		return chromedp.PrintToPDF(
			chromedp.PDFPaper(chromedp.PaperA4),
			chromedp.PDFMargins(20/25.4, 15/25.4, 20/25.4, 30/25.4),
			chromedp.PDFPreferCSSPageSize(),
			chromedp.PDFStream(),
		)(c, t)
	}
}

// tab is an open tab of the browser, kept between prints: opening one costs more than
// printing a page.
type tab struct {
	ctx   context.Context
	close context.CancelFunc
	uses  int
}

// tabUses is how many prints a tab serves before it is closed and replaced, so that
// whatever a page leaves behind does not pile up.
const tabUses = 200

// takeTab returns an idle tab or opens one.
func (p *Printer) takeTab(ctx context.Context, browser context.Context) (*tab, error) {
	p.mu.Lock()
	for len(p.idle) > 0 {
		t := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if t.ctx.Err() == nil {
			p.mu.Unlock()
			return t, nil
		}
	}
	p.mu.Unlock()
	// chromedp binds a tab to the context of its first call, so the first call gets the
	// tab's own context (prints then run in contexts derived from it); the caller's
	// context still bounds the wait.
	tctx, cancel := chromedp.NewContext(browser)
	done := make(chan error, 1)
	go func() {
		_, err := chromedp.Call(tctx, page.GetFrameTree, cdp.Empty{})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			cancel()
			return nil, err
		}
	case <-ctx.Done():
		cancel()
		return nil, ctx.Err()
	}
	return &tab{ctx: tctx, close: cancel}, nil
}

func (p *Printer) putTab(browser context.Context, t *tab) {
	t.uses++
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != browser || t.uses >= tabUses || t.ctx.Err() != nil {
		t.close()
		return
	}
	p.idle = append(p.idle, t)
}

// start returns the running browser, starting it when needed.
func (p *Printer) start() (context.Context, chan struct{}, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.browser != nil && p.browser.Err() == nil {
		return p.browser, p.sem, nil
	}
	if p.stop != nil { // the browser went away: free what is left of it
		p.stop()
		p.browser, p.stop, p.idle = nil, nil, nil
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
		p.browser, p.stop, p.idle = nil, nil, nil
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
		p.stop() // the tabs go with the browser
	}
	p.browser, p.stop, p.idle = nil, nil, nil
	return nil
}
