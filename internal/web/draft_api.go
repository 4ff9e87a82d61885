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
		return s.sendDocument(w, r, format, "Báo cáo tổng hợp ý kiến góp ý - "+rep.Draft.Title+" - đợt "+strconv.FormatInt(rid, 10), rep.Document())
	}
}
