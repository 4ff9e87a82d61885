package web

import (
	"context"
	"mime"
	"net/http"
	"strconv"
	"time"

	"danvan/internal/org"
	"danvan/internal/sqldb"
)

// FileAccess answers whether a principal (nil for a citizen) may see the record that owns
// an attachment. Each domain registers one per owner type it stores files for.
type FileAccess func(ctx context.Context, p *org.Principal, ownerID int64) bool

func (s *Server) fileRoutes() {
	s.handle("GET /files/{id}", s.fileDownload)
}

// fileDownload serves an attachment only to someone who may see its owner; anyone else
// gets 404, as if the file did not exist.
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := s.Files.Get(r.Context(), id)
	if err != nil {
		return err
	}
	check, ok := s.fileAccess[f.OwnerType]
	if !ok || !check(r.Context(), principal(r), f.OwnerID) {
		return errNotFound
	}
	rc, err := s.Files.Open(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", f.MIME)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
	http.ServeContent(w, r, "", sqlTime(f.CreatedAt), rc)
	return nil
}

func sqlTime(s string) time.Time { return sqldb.ParseTime(s) }
