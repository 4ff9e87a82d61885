package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"

	"danvan/internal/apperr"
	"danvan/internal/export"
)

// Sending official documents and sheets: every domain's export handler ends with one of
// these, so downloads look and behave the same everywhere.

// sendDocument answers with d in the format asked for: "docx" (Word), "pdf" (always a PDF
// file: written in Go, or by the shared Chromium when the Printer is told to), anything
// else the print-ready HTML page. name is the file name without its extension, in
// Vietnamese: "Kế hoạch 12-KH-ĐU".
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request, format, name string, d export.Document) error {
	return sendDocument(w, r, s.Printer, s.Logger, format, name, d)
}

// sendSheets answers with the sheets as one workbook, name.xlsx.
func (s *Server) sendSheets(w http.ResponseWriter, r *http.Request, name string, sheets ...export.Sheet) error {
	return sendSheets(w, s.Logger, name, sheets...)
}

func sendDocument(w http.ResponseWriter, r *http.Request, printer *export.Printer, logger *slog.Logger, format, name string, d export.Document) error {
	switch format {
	case "docx":
		var buf bytes.Buffer
		if err := export.WriteDOCX(&buf, d); err != nil {
			return apperr.Wrap("web.sendDocument", err)
		}
		export.Attach(w, export.ContentTypeDOCX, name+".docx")
		_, _ = w.Write(buf.Bytes())
		return nil
	case "pdf":
		var buf bytes.Buffer
		if err := printer.PDF(r.Context(), &buf, d); err != nil {
			return apperr.Wrap("web.sendDocument", err)
		}
		export.Attach(w, export.ContentTypePDF, name+".pdf")
		_, _ = w.Write(buf.Bytes())
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", export.ContentTypeHTML)
	h.Set("Content-Security-Policy", export.PrintCSP)
	h.Set("Cache-Control", "private, no-store")
	return export.WriteHTML(w, d)
}

func sendSheets(w http.ResponseWriter, logger *slog.Logger, name string, sheets ...export.Sheet) error {
	lw := &attachOnWrite{w: w, contentType: export.ContentTypeXLSX, filename: name + ".xlsx"}
	err := export.WriteXLSX(lw, sheets...)
	if err != nil && lw.started {
		// Part of the file is out: no error page can follow, so cut the connection and
		// let the browser report a failed download rather than save a broken file.
		if logger != nil {
			logger.Error("export: workbook failed while sending", "file", name, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	return err
}

// attachOnWrite sets the download headers at the first write, so that an error before it
// leaves the response free for the error page.
type attachOnWrite struct {
	w                     http.ResponseWriter
	contentType, filename string
	started               bool
}

func (a *attachOnWrite) Write(p []byte) (int, error) {
	if !a.started {
		a.started = true
		export.Attach(a.w, a.contentType, a.filename)
	}
	return a.w.Write(p)
}

var _ io.Writer = (*attachOnWrite)(nil)
