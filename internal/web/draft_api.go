package web

import (
	"net/http"

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
