package web

import (
	"net/http"
	"strconv"

	"danvan/internal/draft"
)

func (s *Server) apiDrafts(w http.ResponseWriter, r *http.Request) error {
	p, err := apiUser(r)
	if err != nil {
		return err
	}
	list, err := s.Drafts.Summaries(r.Context(), p)
	if err != nil {
		return err
	}
	if list == nil {
		list = []draft.Summary{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"drafts": list})
	return nil
}

// apiDraftReport answers GET /api/v1/drafts/{id}/report.docx and .pdf: the synthesis
// report of the draft's latest round (or of ?round=ID of this draft) in the Party or
// state format of the drafting unit, to a user who may see the draft; 404 otherwise
// (no such draft in reach, no round yet, a round of another draft).
func (s *Server) apiDraftReport(format string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := apiUser(r)
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var rid int64
		if q := r.URL.Query().Get("round"); q != "" {
			if rid, err = strconv.ParseInt(q, 10, 64); err != nil || rid <= 0 {
				return errNotFound
			}
		} else if rid, err = s.Drafts.LatestRoundID(r.Context(), p, id); err != nil {
			return err
		}
		rep, err := s.Drafts.Report(r.Context(), p, rid)
		if err != nil {
			return err
		}
		if rep.Draft.ID != id {
			return errNotFound
		}
		doc := rep.Document()
		if format == "pdf" && rep.Total > maxPDFComments && s.Printer != nil && s.Printer.Browser {
			// The Go writer lays out such a report in a fraction of a second; Chromium needs tens of seconds for a report of thousands of comments (hundreds
			// of pages) and would hold a CPU all that time: such a report comes as the
			// print page, which the browser prints to PDF itself, and as .docx.
			format = "html"
			doc.Note = "Báo cáo có " + strconv.Itoa(rep.Total) + " góp ý, quá dài để máy chủ in ra PDF. Hãy dùng lệnh In của trình duyệt (Ctrl+P) và chọn “Lưu thành PDF”, hoặc tải bản .docx."
		}
		return s.sendDocument(w, r, format, "Báo cáo tổng hợp ý kiến góp ý - "+rep.Draft.Title+" - đợt "+strconv.FormatInt(rid, 10), doc)
	}
}

// maxPDFComments is the size beyond which a report's PDF is left to the user's browser
// when the server prints with Chromium (Printer.Browser).
const maxPDFComments = 2000
